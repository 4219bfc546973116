"""What the site-check page shows, prepared without Streamlit.

:func:`site_map` draws the atlas layers a screener needs, the Draw tool, the
site, its red-line and mineral overlaps and the buildable area;
:func:`verdict_table` turns a :class:`~geo.checks.ScreenResult` into rows.
"""
from __future__ import annotations

import folium
import pandas as pd
from branca.element import MacroElement
from folium.plugins import Draw
from shapely.geometry.base import BaseGeometry

from geo import palette
from geo.checks import ScreenResult
from geo.checks.columns import evidence_table
from geo.checks.registry import get_check
from geo.checks.verdict import suitability_text
from geo.i18n import t

from .atlas_view import prepare_layer
from .registry import LegendItem, RenderContext
from .render import build_map

__all__ = ["SCREEN_LAYERS", "STATUS_COLORS", "context_layers", "site_map", "verdict_table",
           "styled_verdict_table", "evidence_frame"]

#: atlas layers drawn under the site, bottom first
SCREEN_LAYERS = ("admin_prefecture", "redlines", "salt_lakes", "deposits", "bases")
STATUS_COLORS = palette.STATUS


def _shape_layer(geom: BaseGeometry, css: str, style: dict, tip: str,
                 interactive: bool = True) -> folium.GeoJson:
    data = {"type": "Feature", "properties": {}, "geometry": geom.__geo_interface__}
    style = dict(style, className=css, interactive=interactive)
    return folium.GeoJson(data, style_function=lambda f: style,
                          tooltip=folium.Tooltip(tip) if interactive else None, control=False)


def context_layers(ctx: RenderContext, detail: int = 8) -> list:
    """The atlas layers drawn under the site (:data:`SCREEN_LAYERS`), ready for the browser."""
    return [prepare_layer(layer_id, ctx, detail) for layer_id in SCREEN_LAYERS]


def site_map(ctx: RenderContext, site: BaseGeometry | None = None,
             result: ScreenResult | None = None, detail: int = 8, draw: bool = False,
             layers: list | None = None, click: bool = False) -> folium.Map:
    """The site-check map: context layers, the site and, after a check, its overlaps.

    The view fits the site when there is one. With ``draw`` the Draw tool
    (polygon and rectangle) is shown; streamlit-folium returns the drawing.
    With ``click`` (the click-to-place mode) no layer takes a click of its own, so a
    click on a red line, a salt lake or a base places the site like anywhere else.
    ``layers`` are :func:`context_layers` prepared beforehand (the page caches them).
    The site is drawn in the palette's site colour (gold on a dark halo, unlike any
    layer), its overlaps in magenta and its buildable part in dashed blue; each has a
    legend row.
    """
    layers = layers if layers is not None else context_layers(ctx, detail)
    focus = None
    if site is not None:
        w, s, e, n = site.bounds
        pad = max(e - w, n - s) * 1.5 + 0.01
        focus = (w - pad, s - pad, e + pad, n + pad)
    live = not click
    group = folium.FeatureGroup(name=t("site.layer", ctx.lang), show=True)
    legend = []
    if result is not None:
        overlapped = False
        for res in result.results:
            overlap = res.overlap
            if overlap is not None and not overlap.is_empty:
                overlapped = True
                _shape_layer(overlap, "qpa-overlap", {"color": palette.OVERLAP, "weight": 1,
                             "fillColor": palette.OVERLAP, "fillOpacity": 0.55},
                             t(f"check.{res.check}", ctx.lang), live).add_to(group)
        if overlapped:
            legend.append((group, LegendItem("legend.overlap", palette.OVERLAP)))
        if result.buildable is not None and not result.buildable.is_empty:
            _shape_layer(result.buildable, "qpa-buildable", {"color": palette.BUILDABLE,
                         "weight": 1.5, "dashArray": "4 3", "fillColor": palette.BUILDABLE,
                         "fillOpacity": 0.15}, t("site.buildable", ctx.lang), live).add_to(group)
            legend.append((group, LegendItem("legend.buildable", palette.BUILDABLE, "dashed")))
    if site is not None:
        _shape_layer(site, "qpa-site-halo", {"color": palette.SITE_HALO, "weight": 6,
                     "opacity": 0.8, "fill": False}, t("site.layer", ctx.lang), live).add_to(group)
        _shape_layer(site, "qpa-site", {"color": palette.SITE, "weight": 3, "fill": False},
                     t("site.layer", ctx.lang), live).add_to(group)
        legend.insert(0, (group, LegendItem("legend.site", palette.SITE, "site")))
    extras: list[MacroElement] = [group]
    if draw:
        extras.append(Draw(export=False, position="topleft",
                           draw_options={"polyline": False, "circle": False, "marker": False,
                                         "circlemarker": False, "polygon": True, "rectangle": True},
                           edit_options={"edit": False}))
    return build_map(layers, ctx, focus=focus, zoom=6, extras=tuple(extras),
                     legend_extra=tuple(legend), interactive=live)


def verdict_table(result: ScreenResult, lang: str) -> pd.DataFrame:
    """One row per check (registry order), then the compliance verdict and the suitability.

    Columns: check, kind (合规性 / 适宜性), status, finding (full text), rule
    (its text and legal basis), data accuracy; every value translated, no raw
    key, id or ``None``.
    """
    rows = []
    for res in result.results:
        rule = res.rule or {}
        accuracy = sorted({d.get("accuracy", "") for d in res.data_used if d.get("accuracy")})
        rows.append({
            t("site.col.check", lang): t(f"check.{res.check}", lang),
            t("site.col.kind", lang): t(f"kind.{get_check(res.check).kind}", lang),
            t("site.col.status", lang): t(f"status.{res.status}", lang),
            t("site.col.finding", lang): res.message(lang),
            t("site.col.rule", lang): (t(rule["key"], lang) if rule.get("key") else "")
            + (f"（{rule['basis']}）" if rule.get("basis") else ""),
            t("site.col.data", lang): "、".join(_accuracy(a, lang) for a in accuracy),
        })
    rows.append({
        t("site.col.check", lang): t("check.overall", lang),
        t("site.col.kind", lang): t("kind.binding", lang),
        t("site.col.status", lang): t(f"status.{result.overall}", lang),
        t("site.col.finding", lang): "；".join(
            "：".join((t(f"check.{r['check']}", lang), t(f"status.{r['status']}", lang)))
            for r in result.reasons) if result.reasons else t("rpt.reasons_none", lang),
        t("site.col.rule", lang): t("site.overall_rule", lang),
        t("site.col.data", lang): "",
    })
    if result.suitability is not None:
        rows.append({
            t("site.col.check", lang): t("verdict.suitability", lang),
            t("site.col.kind", lang): t("kind.advisory", lang),
            t("site.col.status", lang): t(f"suit.band.{result.suitability.band}", lang),
            t("site.col.finding", lang): suitability_text(result.suitability, lang),
            t("site.col.rule", lang): t("verdict.suitability_note", lang),
            t("site.col.data", lang): "",
        })
    return pd.DataFrame(rows)


def styled_verdict_table(result: ScreenResult, lang: str):
    """:func:`verdict_table` with each status in its colour (a pandas Styler)."""
    table = verdict_table(result, lang)
    colours = {t(f"status.{s}", lang): c for s, c in STATUS_COLORS.items()}
    col = t("site.col.status", lang)
    return table.style.map(lambda v: f"color: {colours[v]}; font-weight: 600"
                           if v in colours else "", subset=[col])


def evidence_frame(res, lang: str) -> pd.DataFrame:
    """The evidence of one check with translated column titles and units."""
    head, rows = evidence_table(res, lang)
    return pd.DataFrame(rows, columns=head)


def _accuracy(code: str, lang: str) -> str:
    try:
        return t(f"accuracy.{code}", lang)
    except KeyError:
        return code
