"""Translations of the site-check report (HTML, PDF, GeoJSON, 界址点 export).

Check names, statuses, rule texts and summaries come from :mod:`.checks`;
only the report's own labels live here (prefix ``rpt.``).
"""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # first lines
    "rpt.title": ("选址核查报告", "Site screening report"),
    "rpt.verdict": ("合规性结论：{status}", "Compliance verdict: {status}"),
    "rpt.date": ("报告日期：{date}（北京时间；核查时间 {screened}）",
                 "Report date: {date} (Beijing time; screened {screened})"),
    "rpt.indicative": (
        "本报告使用了示意数据（{layers}）：这些图层依据公开描述绘制，不是法定界线，"
        "本报告仅供参考，不得作为法定审查结论报送或归档；请导入权威数据后重新核查。",
        "This report is built on indicative data ({layers}): these layers are drawn from "
        "public descriptions and are not legal boundaries; the report is for orientation "
        "only and must not be filed as a legal finding. Re-screen with authoritative data.",
    ),
    "rpt.indicative_short": ("示意数据 — 仅供参考，不得作为法定结论",
                             "Indicative data — for orientation only, not a legal finding"),
    "rpt.reasons": ("合规性结论依据（未通过的约束性核查项）",
                    "Reasons (binding checks that did not pass)"),
    "rpt.reasons_none": ("全部约束性核查项通过。", "Every binding check passed."),
    "rpt.page": ("第 {n} 页", "Page {n}"),
    "rpt.footer": ("青海产业基地一张图 · 选址核查", "Qinghai Park Atlas · site screening"),
    # site
    "rpt.site": ("选址", "Site"),
    "rpt.site_name": ("选址名称", "Site name"),
    "rpt.site_area": ("选址面积（公顷，椭球面）", "Site area (ha, ellipsoidal)"),
    "rpt.centroid": ("中心点（经度, 纬度，CGCS2000）", "Centroid (lon, lat, CGCS2000)"),
    "rpt.gk_zone": ("高斯-克吕格投影", "Gauss-Krüger projection"),
    "rpt.gk_zone_value": (
        "CGCS2000 3°带 第 {zone} 带，中央经线 {cm}°E（EPSG:{epsg}，Y 含带号）",
        "CGCS2000 3° zone {zone}, central meridian {cm}°E (EPSG:{epsg}, Y with zone prefix)"),
    "rpt.vertices": ("界址点坐标", "Boundary points"),
    "rpt.point": ("点号", "Point"),
    "rpt.ring": ("圈号", "Ring"),
    "rpt.x_north": ("X（北坐标，米）", "X (northing, m)"),
    "rpt.y_east": ("Y（东坐标，米）", "Y (easting, m)"),
    "rpt.lonlat": ("经度, 纬度", "Lon, lat"),
    "rpt.vertices_cut": ("仅列出前 {shown} 个点（共 {total} 个），完整坐标见界址点 TXT 导出。",
                         "First {shown} of {total} points; the 界址点 TXT export has them all."),
    "rpt.sketch": ("选址示意图", "Site sketch"),
    "rpt.sketch_site": ("选址", "Site"),
    "rpt.sketch_redline": ("与生态保护红线重叠", "Red-line overlap"),
    "rpt.sketch_minerals": ("压覆矿产范围", "Mineral overlap"),
    "rpt.sketch_buildable": ("可建设范围", "Buildable area"),
    "rpt.sketch_note": ("示意图，按经纬度绘制（经度按 cos(纬度) 缩放），上方为北。",
                        "Sketch drawn from lon/lat (longitude scaled by cos(latitude)); north up."),
    # project
    "rpt.project": ("项目", "Project"),
    "rpt.product": ("产品 / 产业链环节", "Product / chain node"),
    "rpt.activity": ("活动类型", "Activity"),
    "rpt.area_requested": ("申请用地（公顷）", "Land requested (ha)"),
    "rpt.area_default": ("{area}（未填写，取选址面积）", "{area} (not given: the site's area)"),
    "rpt.investment": ("投资（万元）", "Investment (万元, 10k CNY)"),
    "rpt.year": ("指标年度", "Quota year"),
    "rpt.year_default": ("未填写（取最新年度）", "not given (latest year)"),
    "rpt.not_given": ("未填写", "not given"),
    # checks
    "rpt.checks": ("核查项", "Checks"),
    "rpt.check_table": ("核查结果一览", "Summary of checks"),
    "rpt.col_check": ("核查项", "Check"),
    "rpt.col_status": ("结论", "Status"),
    "rpt.col_summary": ("说明", "Summary"),
    "rpt.status": ("结论", "Status"),
    "rpt.figures": ("数据", "Figures"),
    "rpt.evidence": ("依据要素", "Evidence"),
    "rpt.evidence_none": ("无", "none"),
    "rpt.rule": ("适用规则", "Rule applied"),
    "rpt.basis": ("法律 / 规范依据", "Legal basis"),
    "rpt.data_used": ("所用数据", "Data used"),
    "rpt.data_none": ("未读取数据", "no data read"),
    "rpt.layer": ("图层", "Layer"),
    "rpt.layer.dem": ("数字高程模型", "Digital elevation model"),
    "rpt.yes": ("是", "yes"),
    "rpt.no": ("否", "no"),
    # figures
    "rpt.reason.no_chain_data": ("产业链数据尚未接入", "chain data not yet available"),
    # evidence columns
    "rpt.e.name": ("名称", "Name"),
    "rpt.e.overlap_ha": ("重叠（公顷）", "Overlap (ha)"),
    "rpt.role.containing": ("所在基地", "containing"),
    "rpt.role.nearest": ("最近基地", "nearest"),
    "rpt.role.admitting": ("定位相符的基地", "admits the product"),
    "rpt.kind.deposit": ("矿产地", "deposit"),
    "rpt.kind.salt_lake": ("盐湖", "salt lake"),
    "rpt.scale.large": ("大型", "large"),
    "rpt.scale.medium": ("中型", "medium"),
    "rpt.scale.small": ("小型", "small"),
    # buildable
    "rpt.buildable": ("可建设范围", "Buildable area"),
    "rpt.buildable_text": (
        "扣除生态保护红线和管控线的重叠部分后，可建设面积 {ha:,.2f} 公顷，占选址 {pct:.1f}%"
        "（压覆矿产经批准后可建设，不扣除）。",
        "After removing the red-line and control-line overlaps, {ha:,.2f} ha ({pct:.1f}% of the "
        "site) remain buildable (mineral areas are buildable once the overlay is approved and "
        "are not removed)."),
    "rpt.buildable_removed": ("扣除部分", "Removed"),
    # GeoJSON / 界址点
    "rpt.gj.site": ("选址", "Site"),
    "rpt.jzd_default_name": ("项目选址", "project site"),
}
