"""The site-check report: printable HTML, PDF, GeoJSON and 界址点 TXT.

One report model (:func:`report_model`: plain strings and numbers, in the
user's language) is built from a :class:`~geo.checks.result.ScreenResult` and
rendered twice, so the HTML and the PDF say the same thing:

* :func:`report_html` — a self-contained page (inline CSS with print rules and
  an inline SVG sketch; nothing fetched from any URL), every data value
  escaped by jinja2's autoescape;
* :func:`report_pdf` — the same with reportlab's platypus, A4, Chinese set in
  the built-in CID font ``STSong-Light`` (no font file needed);
* :func:`report_geojson` — the site, every overlap and the buildable part
  (from :meth:`ScreenResult.to_geojson`) with ``kind``, ``name``, ``area_ha``
  and ``status`` on every feature;
* :func:`site_jzd` — the site as a 界址点 TXT file in a Gauss-Krüger zone.

The first lines of both documents are the overall verdict (word and colour),
the date and, when any layer used is indicative, a warning that the report
must not be filed as a legal finding. Coordinates are (lon, lat), EPSG:4326;
areas ellipsoidal hectares; Gauss-Krüger X is the northing, Y the easting.
No Streamlit here.
"""
from __future__ import annotations

import re

import html
import math
from datetime import UTC, date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from .beijing_time import beijing
from .checks.columns import evidence_table, figure_rows
from .source_text import source_text
from .checks.registry import get_check
from .checks.result import CheckResult, Project, ScreenResult
from .checks.verdict import suitability_text
from .geodesy import metres_per_degree
from .gk import central_meridian, gk_crs, lonlat_to_gk, zone_for_lon
from .i18n import LANGS, t
from .jzd import write_jzd
from .location_map import nice_length, location_drawing, location_map

if TYPE_CHECKING:
    import jinja2
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    from .layers_index import ScreeningLayers

__all__ = [
    "STATUS_COLOURS",
    "report_model",
    "report_html",
    "report_pdf",
    "report_geojson",
    "site_jzd",
    "download_stem",
]

#: Colour of each status (text and banner).
STATUS_COLOURS: dict[str, str] = {
    "PASS": "#1b7f3b",
    "WARN": "#a35f00",
    "FAIL": "#c62828",
    "UNKNOWN": "#5f6368",
}
#: Light background of each status.
STATUS_BACKGROUNDS: dict[str, str] = {
    "PASS": "#e6f4ea",
    "WARN": "#fff4e0",
    "FAIL": "#fdecea",
    "UNKNOWN": "#f1f3f4",
}
#: Boundary points listed in the report (the 界址点 export has them all).
MAX_VERTICES = 300
#: Sketch size in CSS pixels / PDF points.
SKETCH_W, SKETCH_H = 480.0, 300.0

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_LAYER_KEYS = {"redline": "layer.redlines", "deposits": "layer.deposits",
               "salt_lakes": "layer.salt_lakes", "bases": "layer.bases",
               "quotas": "layer.quotas", "dem": "rpt.layer.dem"}
_DASH = "—"


# --------------------------------------------------------------------------- formatting
def _num(value: Any, decimals: int = 2) -> str:
    """``1,234.57``; a dash for None / NaN / text that is not a number."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return _DASH if value in (None, "") else str(value)
    if not math.isfinite(v):
        return _DASH
    return f"{v:,.{decimals}f}"


def _pct(share: Any, decimals: int = 1) -> str:
    try:
        v = float(share)
    except (TypeError, ValueError):
        return _DASH
    return f"{100 * v:.{decimals}f}%" if math.isfinite(v) else _DASH


def _text(value: Any) -> str:
    if value is None:
        return _DASH
    if isinstance(value, float) and not math.isfinite(value):
        return _DASH
    if isinstance(value, (list, tuple)):
        return "、".join(_text(v) for v in value) if value else _DASH
    s = str(value).strip()
    return s or _DASH


def _loc(rec: dict[str, Any], name: str, lang: str) -> str:
    """``rec[name_lang]``, falling back to the other language and to ``rec[name]``."""
    for key in (f"{name}_{lang}", name, f"{name}_{'en' if lang == 'zh' else 'zh'}"):
        v = rec.get(key)
        if v not in (None, "") and not (isinstance(v, float) and not math.isfinite(v)):
            return str(v)
    return _DASH


def _t_or(key: str, lang: str, fallback: Any, **fmt: Any) -> str:
    try:
        return t(key, lang, **fmt)
    except KeyError:
        return _text(fallback)


def status_word(status: str, lang: str) -> str:
    """The status in words; in Chinese followed by the code (``不通过（FAIL）``)."""
    word = t(f"status.{status}", lang)
    return f"{word}（{status}）" if lang == "zh" else word


def layer_name(layer: str | None, lang: str) -> str:
    """Display name of a ``data_used`` layer code."""
    key = _LAYER_KEYS.get(str(layer), f"layer.{layer}")
    return _t_or(key, lang, layer)


def _accuracy(value: Any, lang: str) -> str:
    return _t_or(f"accuracy.{value}", lang, value) if value not in (None, "") else _DASH


def download_stem(result: ScreenResult, site_name: str = "") -> str:
    """File name stem of a report: project name or code, else the site's name, and the
    date of the check in Beijing time; only characters safe in a file name.

    >>> from types import SimpleNamespace as NS
    >>> r = NS(project=NS(name="盐湖钾肥/扩建 项目", code=None), timestamp="2026-12-01T20:30:00+00:00")
    >>> download_stem(r)
    '盐湖钾肥-扩建-项目-2026-12-02'
    >>> download_stem(NS(project=None, timestamp="2026-12-01T01:00:00+00:00"), "a:b")
    'a-b-2026-12-01'
    """
    project = getattr(result, "project", None)
    label = (getattr(project, "name", None) or getattr(project, "code", None)
             or site_name or "site-check")
    label = re.sub(r"[^\w.-]+", "-", str(label), flags=re.UNICODE).strip("-.")[:60] or "site-check"
    day = beijing(_as_datetime(getattr(result, "timestamp", None))).date().isoformat()
    return f"{label}-{day}"


def _as_datetime(value: Any) -> datetime:
    if value is None:
        return datetime.now(UTC)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(str(value))


# --------------------------------------------------------------------------- geometry
def _polygons(geom: BaseGeometry | None) -> list[BaseGeometry]:
    """The non-empty Polygons of ``geom`` (collections flattened; lines and points dropped)."""
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def site_vertices(site: BaseGeometry, zone: int | None = None, prefixed: bool = True
                  ) -> tuple[int, list[dict[str, Any]]]:
    """Boundary points of ``site`` in Gauss-Krüger, numbered as the 界址点 export numbers them.

    Exteriors clockwise (as surveyors number), holes after their shell; no
    closing point. Returns the zone and rows ``{no, ring, x_north, y_east,
    lon, lat}``.
    """
    zone = zone_for_lon(site.centroid.x) if zone is None else int(zone)
    rows: list[dict[str, Any]] = []
    ring_no, point_no = 0, 1
    for poly in _polygons(site):
        poly = orient(poly, -1.0)
        for ring in [poly.exterior, *poly.interiors]:
            ring_no += 1
            xy = np.asarray(ring.coords)[:-1]
            xn, ye, _ = lonlat_to_gk(xy[:, 0], xy[:, 1], zone, prefixed)
            for (lon, lat), x, y in zip(xy, np.atleast_1d(xn), np.atleast_1d(ye)):
                rows.append({"no": f"J{point_no}", "ring": ring_no, "x_north": float(x),
                             "y_east": float(y), "lon": float(lon), "lat": float(lat)})
                point_no += 1
    return zone, rows


def _path(geom: BaseGeometry | None, tx: Callable[[float, float], tuple[float, float]]) -> str:
    """SVG path data (``M x y L ... Z`` per ring) of the polygonal parts of ``geom``."""
    out = []
    for poly in _polygons(geom):
        for ring in [poly.exterior, *poly.interiors]:
            pts = [tx(x, y) for x, y in np.asarray(ring.coords)[:-1]]
            if len(pts) >= 3:
                out.append("M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in pts) + " Z")
    return " ".join(out)


def sketch(result: ScreenResult, width: float = SKETCH_W, height: float = SKETCH_H) -> dict[str, Any]:
    """The site, overlaps and buildable part projected to a ``width`` x ``height`` box.

    Longitude is scaled by cos(latitude) of the site's centre, so shapes keep
    their proportions; north is up. Returns SVG path strings, a scale bar
    (``bar_px``, ``bar_m``) and polygons as point lists for the PDF.
    """
    site = result.site
    w, s, e, n = site.bounds
    lat0 = (s + n) / 2.0
    k = math.cos(math.radians(lat0))
    margin = 24.0
    span_x = max((e - w) * k, 1e-9)
    span_y = max(n - s, 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin - 18) / span_y)
    ox = (width - span_x * scale) / 2.0
    oy = (height - 18 - span_y * scale) / 2.0

    def tx(lon: float, lat: float) -> tuple[float, float]:
        return ox + (lon - w) * k * scale, oy + (n - lat) * scale

    layers = []
    cutting = {r.check: get_check(r.check).cuts_buildable for r in result.results}
    redline = [o["geometry"] for r in result.results if cutting[r.check]
               for o in r.overlaps if o.get("geometry") is not None]
    minerals = [o["geometry"] for r in result.results if not cutting[r.check]
                for o in r.overlaps if o.get("geometry") is not None]
    buildable = result.buildable if result.buildable is not None else None
    for kind, geoms in (("buildable", [buildable] if buildable is not None else []),
                        ("minerals", minerals), ("redline", redline), ("site", [site])):
        for g in geoms:
            d = _path(g, tx)
            if d:
                rings = [[tx(x, y) for x, y in np.asarray(r.coords)[:-1]]
                         for p in _polygons(g) for r in [p.exterior, *p.interiors]]
                layers.append({"kind": kind, "d": d, "rings": rings})
    # scale bar: metres per pixel along the parallel at lat0
    m_per_px = metres_per_degree(lat0)[1] / scale
    bar_m = nice_length(m_per_px * (width / 4.0))
    bar_px = bar_m / m_per_px if m_per_px else 0.0
    label = f"{bar_m / 1000:g} km" if bar_m >= 1000 else f"{bar_m:g} m"
    return {"width": width, "height": height, "layers": layers, "bar_px": bar_px,
            "bar_m": bar_m, "bar_label": label, "bar_y": height - 10.0}


# --------------------------------------------------------------------------- model
def _data_used(res: CheckResult, lang: str) -> list[list[str]]:
    seen: set[tuple[str, ...]] = set()
    rows: list[list[str]] = []
    for d in res.data_used:
        row = [layer_name(d.get("layer"), lang), source_text(_text(d.get("source")), lang),
               _text(d.get("source_date")), _accuracy(d.get("accuracy"), lang)]
        if tuple(row) not in seen:
            seen.add(tuple(row))
            rows.append(row)
    return rows


def report_model(result: ScreenResult, lang: str = "zh", site_name: str = "",
                 generated_at: Any = None, layers: ScreeningLayers | None = None
                 ) -> dict[str, Any]:
    """Everything the report shows, as plain text in ``lang`` (not yet escaped).

    Parameters
    ----------
    result : ScreenResult
    lang : {'zh', 'en'}
    site_name : str, optional
    generated_at : datetime, date or ISO string, optional
        Date of the report (default now, UTC).
    layers : ScreeningLayers, optional
        The layers the site was screened with; they draw the location map
        (without them the report says the map needs them).
    """
    if lang not in LANGS:
        raise ValueError(f"language was {lang!r} but is expected to be in {LANGS}")
    when = _as_datetime(generated_at)
    project = result.project
    site = result.site
    sep = "、" if lang == "zh" else ", "

    indicative = [layer_name(x, lang) for x in result.indicative_layers]
    first = {
        "status": result.overall,
        "colour": STATUS_COLOURS[result.overall],
        "background": STATUS_BACKGROUNDS[result.overall],
        "verdict": t("rpt.verdict", lang, status=status_word(result.overall, lang)),
        "suitability": suitability_text(result.suitability, lang) if result.suitability else "",
        "suitability_note": t("verdict.suitability_note", lang),
        "date": t("rpt.date", lang, date=beijing(when).date().isoformat(),
                  screened=beijing(_as_datetime(result.timestamp)).strftime("%Y-%m-%d %H:%M")),
        "indicative": t("rpt.indicative", lang, layers=sep.join(indicative)) if indicative else "",
    }
    reasons = []
    for r in result.reasons:
        res = result.result(r["check"])
        reasons.append({"check": t(f"check.{r['check']}", lang), "status": r["status"],
                        "word": status_word(r["status"], lang),
                        "colour": STATUS_COLOURS[r["status"]], "message": res.message(lang)})

    zone, verts = site_vertices(site)
    c = site.centroid
    site_rows = [
        (t("rpt.site_area", lang), _num(result.area_ha, 4)),
        (t("rpt.centroid", lang), f"{c.x:.6f}, {c.y:.6f}"),
        (t("rpt.gk_zone", lang), t("rpt.gk_zone_value", lang, zone=zone,
                                    cm=f"{central_meridian(zone):g}",
                                    epsg=gk_crs(zone, True).to_epsg())),
    ]
    if site_name:
        site_rows.insert(0, (t("rpt.site_name", lang), site_name))
    vertex_rows = [[v["no"], str(v["ring"]), f"{v['x_north']:.3f}", f"{v['y_east']:.3f}",
                    f"{v['lon']:.7f}, {v['lat']:.7f}"] for v in verts[:MAX_VERTICES]]

    act = project.activity or "industrial"
    area_req = (_num(project.area_ha, 4) if project.area_ha is not None
                else t("rpt.area_default", lang, area=_num(result.area_ha, 4)))
    given = t("rpt.not_given", lang)

    def _opt(value: Any, fmt: Callable[[Any], str] = _text) -> str:
        return fmt(value) if value not in (None, "") else given

    project_rows = [
        (t("site.applicant", lang), _opt(project.applicant)),
        (t("site.project_name", lang), _opt(project.name)),
        (t("site.project_code", lang), _opt(project.code)),
        (t("site.industry", lang), _opt(project.industry)),
        (t("site.land_use_type", lang), _opt(project.land_use_type)),
        (t("rpt.product", lang), _opt(project.product)),
        (t("rpt.activity", lang), _t_or(f"activity.{act}", lang, act)),
        (t("rpt.area_requested", lang), area_req),
        (t("rpt.investment", lang), _opt(project.investment_wan, lambda v: _num(v, 2))),
        (t("site.floor_area", lang), _opt(project.floor_area_m2, lambda v: _num(v, 0))),
        (t("site.footprint", lang), _opt(project.footprint_m2, lambda v: _num(v, 0))),
        (t("site.admin_area", lang), _opt(project.admin_area_m2, lambda v: _num(v, 0))),
        (t("rpt.year", lang), _text(project.year) if project.year is not None
         else t("rpt.year_default", lang)),
    ]

    checks = []
    for res in result.results:
        head, rows = evidence_table(res, lang)
        rule = res.rule or {}
        checks.append({
            "id": res.check,
            "name": t(f"check.{res.check}", lang),
            "status": res.status,
            "word": status_word(res.status, lang),
            "colour": STATUS_COLOURS[res.status],
            "background": STATUS_BACKGROUNDS[res.status],
            "message": res.message(lang) if res.message_key else "",
            "kind": t(f"kind.{get_check(res.check).kind}", lang),
            "figures": figure_rows(res, lang),
            "evidence_head": head,
            "evidence": rows,
            "rule_text": _t_or(rule.get("key", ""), lang, rule.get("key")) if rule.get("key") else _DASH,
            "basis": _text(rule.get("basis")),
            "data_used": _data_used(res, lang),
        })

    versions: list[list[str]] = []
    for res in result.results:
        for row in _data_used(res, lang):
            if row not in versions:
                versions.append(row)
    missing = [t(f"check.{c}", lang) for c in result.missing_layers]

    share = result.buildable_ha / result.area_ha if result.area_ha else 0.0
    removed = []
    for res in result.results:
        for o in res.overlaps:
            removed.append([t(f"check.{res.check}", lang), _loc(o, "name", lang),
                            _num(o.get("overlap_ha"))])
    labels = {k: t(k, lang) for k in (
        "rpt.title", "rpt.reasons", "rpt.reasons_none", "rpt.site", "rpt.vertices", "rpt.point",
        "rpt.ring", "rpt.x_north", "rpt.y_east", "rpt.lonlat", "rpt.sketch", "rpt.sketch_site",
        "rpt.sketch_redline", "rpt.sketch_minerals", "rpt.sketch_buildable", "rpt.sketch_note",
        "rpt.project", "rpt.checks", "rpt.check_table", "rpt.col_check", "rpt.col_status",
        "rpt.col_summary", "rpt.status", "rpt.figures", "rpt.evidence", "rpt.evidence_none",
        "rpt.rule", "rpt.basis", "rpt.data_used", "rpt.data_none", "rpt.layer",
        "f.source", "f.source_date", "f.accuracy", "rpt.buildable", "rpt.buildable_removed",
        "rpt.footer", "rpt.indicative_short", "app.title", "metric.buildable_ha",
        "rpt.e.name", "rpt.e.overlap_ha", "rpt.col_check", "rpt.data_versions",
        "rpt.missing_kinds", "rpt.missing_none", "rpt.loc.title", "rpt.loc.needs_layers",
        "rpt.loc.site_marker")}
    return {
        "lang": lang,
        "labels": labels,
        "first": first,
        "title": f"{t('app.title', lang)} — {t('rpt.title', lang)}",
        "site_name": site_name,
        "reasons": reasons,
        "site_rows": site_rows,
        "zone": zone,
        "vertex_rows": vertex_rows,
        "vertices_note": (t("rpt.vertices_cut", lang, shown=MAX_VERTICES, total=len(verts))
                          if len(verts) > MAX_VERTICES else ""),
        "sketch": sketch(result),
        "location": location_map(result, layers, lang) if layers is not None else None,
        "project_rows": project_rows,
        "checks": checks,
        "buildable": {"ha": _num(result.buildable_ha), "share": _pct(share),
                      "text": t("rpt.buildable_text", lang, ha=result.buildable_ha,
                                pct=100 * share),
                      "removed": removed},
        "indicative": bool(indicative),
        "data_versions": versions,
        "missing": missing,
    }


# --------------------------------------------------------------------------- HTML
@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def report_html(result: ScreenResult, project: Project | None = None, lang: str = "zh",
                site_name: str = "", generated_at: Any = None,
                layers: ScreeningLayers | None = None) -> str:
    """A printable, self-contained HTML report of ``result``.

    Parameters
    ----------
    result : ScreenResult
    project : Project, optional
        The project screened; defaults to ``result.project`` (when given, it
        replaces it in the report).
    lang : {'zh', 'en'}
    site_name : str, optional
    generated_at : datetime, date or ISO string, optional
        Report date (default now, UTC).
    layers : ScreeningLayers, optional
        The layers the site was screened with, for the location map.

    Returns
    -------
    str
        One HTML document: inline CSS (with ``@media print`` rules) and an
        inline SVG sketch and location map; no script, font, image or style fetched from any
        URL. Every value from the data is escaped.
    """
    model = report_model(_with_project(result, project), lang, site_name, generated_at, layers)
    return _env().get_template("report.html.j2").render(m=model)


def _with_project(result: ScreenResult, project: Project | None) -> ScreenResult:
    if project is None or project is result.project:
        return result
    import dataclasses

    return dataclasses.replace(result, project=project)


# --------------------------------------------------------------------------- PDF
_FONT = "STSong-Light"


@lru_cache(maxsize=1)
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    return _FONT


def _styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    font = _register_font()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12.5, alignment=TA_LEFT,
                          wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.8, leading=10.2),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontSize=7.8, leading=10,
                               textColor="#202124"),
        "verdict": ParagraphStyle("verdict", parent=base, fontSize=17, leading=22),
        "date": ParagraphStyle("date", parent=base, fontSize=9.5, leading=13),
        "warn": ParagraphStyle("warn", parent=base, fontSize=9.5, leading=13.5,
                               textColor="#8a1c1c"),
        "h1": ParagraphStyle("h1", parent=base, fontSize=14, leading=19, spaceBefore=6,
                             spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=16, spaceBefore=10,
                             spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontSize=9.5, leading=13, spaceBefore=5,
                             spaceAfter=2, textColor="#3c4043"),
    }


_LATIN = "Helvetica"
#: Characters neither Helvetica (WinAnsi) nor STSong-Light draws, and a stand-in.
_PDF_SUBSTITUTES = str.maketrans({"−": "-", "≈": "~", "′": "'", "″": '"', "⚠": "!",
                                  "≤": "<=", "≥": ">=", "→": "->", "\u00a0": " "})


def _markup(text: str) -> str:
    """Escaped reportlab markup of ``text``, Latin runs in Helvetica, the rest in STSong-Light.

    reportlab has no font fallback: a character the font lacks prints as a
    box. Helvetica (WinAnsi) covers Latin-1 punctuation that STSong-Light
    lacks (·, ü) and sets Latin text with proper metrics.
    """
    cjk = _register_font()
    text = text.translate(_PDF_SUBSTITUTES)
    out: list[str] = []
    run: list[str] = []
    run_font: str | None = None

    def flush() -> None:
        if run:
            out.append(f'<font name="{run_font}">{html.escape("".join(run), quote=False)}</font>')

    for ch in text:
        if ch == "\n":
            flush()
            run, run_font = [], None
            out.append("<br/>")
            continue
        try:
            ch.encode("cp1252")
            font = _LATIN
        except UnicodeEncodeError:
            font = cjk
        if font != run_font:
            flush()
            run, run_font = [], font
        run.append(ch)
    flush()
    return "".join(out)


def _p(text: Any, style: ParagraphStyle, colour: str | None = None) -> Paragraph:
    """A Paragraph of ``text``, escaped (reportlab parses markup in paragraphs)."""
    from reportlab.platypus import Paragraph

    s = _markup(text if isinstance(text, str) else _text(text))
    if colour:
        s = f'<font color="{colour}">{s}</font>'
    return Paragraph(s, style)


def _table(rows: list[list[Any]], widths: list[float], st: dict[str, Any], head: list[str] | None = None,
           label_col: bool = False) -> Table:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    data = []
    if head:
        data.append([_p(h, st["head"]) for h in head])
    data += [[_p(c, st["cell"]) for c in row] for row in rows]
    tbl = Table(data, colWidths=widths, repeatRows=1 if head else 0, hAlign="LEFT")
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#bdc1c6")),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    if head:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eaed")))
    if label_col:
        style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1f3f4")))
    tbl.setStyle(TableStyle(style))
    return tbl


def _sketch_drawing(sk: dict[str, Any], width: float) -> Drawing:
    from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, String
    from reportlab.lib import colors

    f = width / sk["width"]
    h = sk["height"] * f
    d = Drawing(width, h)
    d.add(Polygon([0, 0, width, 0, width, h, 0, h], fillColor=colors.HexColor("#fafafa"),
                  strokeColor=colors.HexColor("#dadce0"), strokeWidth=0.5))
    style = {"buildable": ("#c8e6c9", "#2e7d32", 0.6), "minerals": ("#ffcc80", "#e65100", 0.6),
             "redline": ("#ef9a9a", "#c62828", 0.8), "site": (None, "#202124", 1.2)}
    for layer in sk["layers"]:
        fill, stroke, sw = style[layer["kind"]]
        g = Group()
        for ring in layer["rings"]:
            pts = [v for x, y in ring for v in (x * f, h - y * f)]
            g.add(Polygon(pts, fillColor=colors.HexColor(fill) if fill else None,
                          strokeColor=colors.HexColor(stroke), strokeWidth=sw))
        d.add(g)
    y = h - sk["bar_y"] * f
    d.add(Line(10 * f, y, (10 + sk["bar_px"]) * f, y, strokeWidth=1.5))
    d.add(String((14 + sk["bar_px"]) * f, y - 3, sk["bar_label"], fontName=_register_font(),
                 fontSize=8))
    d.add(String(width - 18, h - 16, "N ↑", fontName=_register_font(), fontSize=9))
    return d


def report_pdf(result: ScreenResult, project: Project | None = None, lang: str = "zh",
               site_name: str = "", generated_at: Any = None,
               layers: ScreeningLayers | None = None) -> bytes:
    """The report of :func:`report_html` as an A4 PDF (reportlab; Chinese in STSong-Light).

    Same parameters as :func:`report_html`; returns the PDF bytes. The first
    lines are the verdict (in its colour), the date and, when indicative data
    was used, the warning; every page's footer repeats the indicative note.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

    m = report_model(_with_project(result, project), lang, site_name, generated_at, layers)
    L = m["labels"]
    st = _styles()
    first = m["first"]
    buf = BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm,
                            topMargin=14 * mm, bottomMargin=16 * mm, title=m["title"],
                            author=L["app.title"], subject=first["verdict"],
                            lang="zh-CN" if lang == "zh" else "en")
    fw = doc.width
    story = []
    banner = [[_p(first["verdict"], st["verdict"], first["colour"])],
              [_p(first["date"], st["date"])]]
    if first["suitability"]:
        banner.insert(1, [_p(f"{first['suitability']} {first['suitability_note']}", st["date"])])
    if first["indicative"]:
        banner.append([_p(first["indicative"], st["warn"])])
    bt = Table(banner, colWidths=[fw])
    bt.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(first["background"])),
        ("LINEBEFORE", (0, 0), (0, -1), 4, colors.HexColor(first["colour"])),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    story += [bt, Spacer(1, 4 * mm), _p(m["title"], st["h1"])]

    story.append(_p(L["rpt.reasons"], st["h3"]))
    if m["reasons"]:
        rows = [[r["check"], r["word"], r["message"]] for r in m["reasons"]]
        story.append(_status_table(rows, [r["colour"] for r in m["reasons"]],
                                   [0.2 * fw, 0.18 * fw, 0.62 * fw], st))
    else:
        story.append(_p(L["rpt.reasons_none"], st["base"]))

    story.append(_p(L["rpt.check_table"], st["h3"]))
    rows = [[c["name"], c["word"], c["message"]] for c in m["checks"]]
    story.append(_status_table(rows, [c["colour"] for c in m["checks"]],
                               [0.2 * fw, 0.18 * fw, 0.62 * fw], st,
                               head=[L["rpt.col_check"], L["rpt.col_status"], L["rpt.col_summary"]]))

    story.append(_p(L["rpt.site"], st["h2"]))
    story.append(_table([list(r) for r in m["site_rows"]], [0.32 * fw, 0.68 * fw], st,
                        label_col=True))
    story.append(Spacer(1, 3 * mm))
    story.append(KeepTogether([_p(L["rpt.sketch"], st["h3"]), _sketch_drawing(m["sketch"], 0.72 * fw),
                               _p(_legend_text(m), st["small"]), _p(L["rpt.sketch_note"], st["small"])]))
    story.append(_p(L["rpt.loc.title"], st["h3"]))
    lm = m["location"]
    if lm is None:
        story.append(_p(L["rpt.loc.needs_layers"], st["small"]))
    else:
        legend = "  ".join(f'<font color="{e["stroke"] if e["fill"] == "none" else e["fill"]}">■</font> '
                           f'{_markup(e["label"])}' for e in lm["legend"])
        from reportlab.platypus import Paragraph

        story.append(KeepTogether([location_drawing(lm, 0.86 * fw, _register_font()),
                                   Paragraph(legend, st["small"]), _p(lm["note"], st["small"])]))
    story.append(_p(L["rpt.vertices"], st["h3"]))
    story.append(_table(m["vertex_rows"], [0.1 * fw, 0.08 * fw, 0.22 * fw, 0.24 * fw, 0.36 * fw],
                        st, head=[L["rpt.point"], L["rpt.ring"], L["rpt.x_north"],
                                  L["rpt.y_east"], L["rpt.lonlat"]]))
    if m["vertices_note"]:
        story.append(_p(m["vertices_note"], st["small"]))

    story.append(_p(L["rpt.project"], st["h2"]))
    story.append(_table([list(r) for r in m["project_rows"]], [0.32 * fw, 0.68 * fw], st,
                        label_col=True))

    story.append(_p(L["rpt.checks"], st["h2"]))
    for i, c in enumerate(m["checks"], start=1):
        story.append(_p(f"{i}. {c['name']} — {c['word']}", st["h2"], c["colour"]))
        if c["message"]:
            story.append(_p(c["message"], st["base"]))
        if c["figures"]:
            story.append(_p(L["rpt.figures"], st["h3"]))
            story.append(_table([list(r) for r in c["figures"]], [0.4 * fw, 0.6 * fw], st,
                                label_col=True))
        story.append(_p(L["rpt.evidence"], st["h3"]))
        if c["evidence"]:
            n = len(c["evidence_head"])
            story.append(_table(c["evidence"], [fw / n] * n, st,
                                head=c["evidence_head"]))
        else:
            story.append(_p(L["rpt.evidence_none"], st["small"]))
        story.append(_p(L["rpt.rule"], st["h3"]))
        story.append(_table([[L["rpt.rule"], c["rule_text"]], [L["rpt.basis"], c["basis"]]],
                            [0.2 * fw, 0.8 * fw], st,
                            label_col=True))
        story.append(_p(L["rpt.data_used"], st["h3"]))
        if c["data_used"]:
            story.append(_table(c["data_used"], [0.14 * fw, 0.58 * fw, 0.13 * fw, 0.15 * fw], st,
                                head=[L["rpt.layer"], L["f.source"], L["f.source_date"],
                                      L["f.accuracy"]]))
        else:
            story.append(_p(L["rpt.data_none"], st["small"]))

    story.append(_p(L["rpt.buildable"], st["h2"]))
    story.append(_p(m["buildable"]["text"], st["base"]))
    if m["buildable"]["removed"]:
        story.append(Spacer(1, 2 * mm))
        story.append(_table(m["buildable"]["removed"], [0.3 * fw, 0.5 * fw, 0.2 * fw], st,
                            head=[L["rpt.col_check"], L["rpt.e.name"], L["rpt.e.overlap_ha"]]))

    story.append(_p(L["rpt.data_versions"], st["h2"]))
    story.append(_table(m["data_versions"], [0.18 * fw, 0.54 * fw, 0.13 * fw, 0.15 * fw], st,
                        head=[L["rpt.layer"], L["f.source"], L["f.source_date"], L["f.accuracy"]]))
    story.append(_p(L["rpt.missing_kinds"], st["h2"]))
    story.append(_p("、".join(m["missing"]) if m["missing"] else L["rpt.missing_none"], st["base"]))

    footer_note = L["rpt.indicative_short"] if m["indicative"] else ""

    def on_page(canvas: Canvas, doc_: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(_register_font(), 7.5)
        canvas.setFillColor(colors.HexColor("#5f6368"))
        y = 9 * mm
        canvas.drawString(doc_.leftMargin, y, f"{L['rpt.footer']} | {first['verdict']}".replace("·", "|"))
        canvas.drawRightString(doc_.leftMargin + doc_.width, y,
                               t("rpt.page", lang, n=canvas.getPageNumber()))
        if footer_note:
            canvas.setFillColor(colors.HexColor("#8a1c1c"))
            canvas.drawString(doc_.leftMargin, y - 3.6 * mm, footer_note)
        canvas.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def _legend_text(m: dict[str, Any]) -> str:
    L = m["labels"]
    kinds = {layer["kind"] for layer in m["sketch"]["layers"]}
    parts = [f"■ {L['rpt.sketch_site']}（黑框）" if m["lang"] == "zh"
             else f"■ {L['rpt.sketch_site']} (black outline)"]
    names = {"buildable": ("rpt.sketch_buildable", "绿", "green"),
             "redline": ("rpt.sketch_redline", "红", "red"),
             "minerals": ("rpt.sketch_minerals", "橙", "orange")}
    for kind in ("redline", "minerals", "buildable"):
        if kind in kinds:
            key, zh, en = names[kind]
            parts.append(f"■ {L[key]}（{zh}）" if m["lang"] == "zh" else f"■ {L[key]} ({en})")
    return "  ".join(parts)


def _status_table(rows: list[list[Any]], colours: list[str | None], widths: list[float],
                  st: dict[str, ParagraphStyle], head: list[str] | None = None) -> Table:
    """A table whose second column is a status word in its colour."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    data = [[_p(h, st["head"]) for h in head]] if head else []
    for row, colour in zip(rows, colours):
        data.append([_p(row[0], st["cell"]), _p(row[1], st["cell"], colour), _p(row[2], st["cell"])])
    tbl = Table(data, colWidths=widths, repeatRows=1 if head else 0, hAlign="LEFT")
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#bdc1c6")),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if head:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eaed")))
    tbl.setStyle(TableStyle(style))
    return tbl


# --------------------------------------------------------------------------- GeoJSON
def report_geojson(result: ScreenResult, lang: str = "zh", site_name: str = "",
                   site_id: str | None = None) -> dict[str, Any]:
    """FeatureCollection of the site, each red-line and mineral overlap and the buildable part.

    Built on :meth:`ScreenResult.to_geojson` (EPSG:4326, lon/lat), adding to
    every feature ``name`` (in ``lang``), ``area_ha`` (ellipsoidal; an
    overlap's ``overlap_ha``) and ``status`` (the site and the buildable part:
    the overall verdict; an overlap: its check's status).
    """
    fc = result.to_geojson(site_id=site_id)
    statuses = {r.check: r.status for r in result.results}
    for feat in fc["features"]:
        p = feat["properties"]
        kind = p.get("kind")
        if kind == "site":
            p.update(name=site_name or t("rpt.gj.site", lang), status=result.overall)
        elif kind == "buildable":
            p.update(name=t("rpt.buildable", lang), status=result.overall)
        elif kind and kind.endswith("_overlap"):
            check = kind[: -len("_overlap")]
            p.update(name=p.get(f"name_{lang}") or p.get("name_zh") or p.get("id"),
                     area_ha=p.get("overlap_ha"), status=statuses.get(check))
    return fc


# --------------------------------------------------------------------------- 界址点
def site_jzd(site: Any, zone: int | None = None, prefixed: bool = True, name: str = "",
             parcel_id: str | None = None, land_use: str = "", **kwargs: Any) -> str:
    """The site as a 界址点 TXT file (CGCS2000, 3° Gauss-Krüger, metres).

    Parameters
    ----------
    site : ScreenResult, Site, Parcel or shapely (Multi)Polygon
        A ScreenResult's ``site``; anything with ``geometry``; or a geometry
        in EPSG:4326 (lon, lat).
    zone : int, optional
        3° zone; default the zone of the site's centroid.
    prefixed : bool
        Write the zone number in front of Y (the easting).
    name, parcel_id, land_use : str, optional
        Parcel header fields (地块名称, 地块编号, 地块用途); the name defaults
        to 项目选址.
    **kwargs
        Passed to :func:`geo.jzd.write_jzd` (``header``, ``decimals``, ``newline``).

    Returns
    -------
    str
        The file text (encode as GBK or UTF-8 to save).
    """
    if isinstance(site, ScreenResult):
        geom = site.site
    else:
        geom = getattr(site, "geometry", site)
        if not name and getattr(site, "name", None):
            name = site.name
    if not isinstance(geom, BaseGeometry):
        raise TypeError(f"site was {type(site).__name__}; expected a ScreenResult, a Site or a "
                        "shapely polygon")
    if zone is None:
        zone = zone_for_lon(geom.centroid.x)
    attrs = {"name": name or t("rpt.jzd_default_name", "zh"), "parcel_id": parcel_id or "1",
             "land_use": land_use}
    return write_jzd(geom, zone=zone, prefixed=prefixed, attrs=[attrs], **kwargs)
