"""Translations of the report's location map (prefix ``rpt.loc.``)."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "rpt.loc.title": ("区位图", "Location map"),
    "rpt.loc.note": (
        "区位图按核查所用图层绘制（矢量，经度按 cos(纬度) 缩放，上方为北）；左上角小图示意选址在全省的位置，"
        "方框为本图范围。",
        "Drawn from the layers the site was screened with (vector; longitude scaled by "
        "cos(latitude), north up); the inset shows where the site lies in the province, the box "
        "this map's extent."),
    "rpt.loc.capped": ("{layer}：图幅内 {total} 个要素，仅绘出距选址最近的 {shown} 个。",
                       "{layer}: {total} features in view, only the {shown} nearest the site drawn."),
    "rpt.loc.needs_layers": (
        "未绘制区位图：生成报告时未提供核查所用的图层（区位图需要省界、产业基地、生态保护红线和管控线图层）。",
        "No location map: the layers the site was screened with were not given when the report "
        "was built (the map needs the province, base, red-line and control-line layers)."),
    "rpt.loc.site_marker": ("选址位置", "Site position"),
}
