"""The location map of the site-check report: the site in its surroundings.

:func:`location_map` draws, from the layers the site was screened with
(:class:`~geo.layers_index.ScreeningLayers`), a wider figure than the site
sketch: the province outline and prefecture lines, the base the site is in (or
the nearest one) with its name, the red-line zones and every imported
control-line layer near the site, and the site itself in :data:`palette.SITE`,
with a scale bar, a north arrow, a legend in the user's language and a small
province inset with the site's position. Pure vector, nothing fetched.

The payload is bounded whatever the layers hold: the extent is capped
(:data:`MAX_HALF_KM`), each layer draws at most :data:`MAX_FEATURES` features
(the nearest to the site, found through the layer's STRtree), and every
geometry is clipped to the extent and simplified to the figure's pixel size.
Coordinates are (lon, lat), EPSG:4326; longitude is scaled by cos(latitude) of
the site's centre, north is up. No Streamlit here.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from . import palette
from .geodesy import metres_per_degree
from .i18n import t

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

    from .checks.result import ScreenResult
    from .layers_index import LayerIndex, ScreeningLayers

#: (west, south, east, north) in degrees.
Bounds: TypeAlias = tuple[float, float, float, float]

__all__ = ["MAP_W", "MAP_H", "MAX_FEATURES", "MAX_HALF_KM", "location_map", "location_drawing",
           "nice_length"]

#: Figure size in CSS pixels / PDF points.
MAP_W, MAP_H = 480.0, 360.0
#: The extent reaches at most this far from the site's centre (km), at least MIN_HALF_KM.
MAX_HALF_KM, MIN_HALF_KM = 40.0, 3.0
#: Features drawn per layer at most (the nearest to the site).
MAX_FEATURES = 150
#: Province inset size (px) and margin.
INSET_W, INSET_H, _PAD = 110.0, 80.0, 6.0
#: Control-line layers drawn, in drawing order (the land-use layer is too busy for a location map).
_CONTROL_ORDER = ("world_heritage", "wetland", "water_source", "heritage", "geohazard",
                  "mining_rights", "farmland", "urban_boundary")


def _lines(geom: BaseGeometry | None) -> list[np.ndarray]:
    """Rings of polygons and linestrings of ``geom`` as coordinate arrays."""
    if geom is None or geom.is_empty:
        return []
    kind = geom.geom_type
    if kind == "Polygon":
        return [np.asarray(r.coords) for r in [geom.exterior, *geom.interiors]]
    if kind in ("LineString", "LinearRing"):
        return [np.asarray(geom.coords)]
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return [a for g in geom.geoms for a in _lines(g)]
    return []


class _Frame:
    """Projection of an extent (w, s, e, n) onto a ``width`` x ``height`` box at (ox, oy)."""

    def __init__(self, bounds: Bounds, width: float, height: float, ox: float = 0.0,
                 oy: float = 0.0, lat0: float | None = None) -> None:
        w, s, e, n = bounds
        self.lat0 = (s + n) / 2.0 if lat0 is None else lat0
        self.k = math.cos(math.radians(self.lat0))
        self.scale = min(width / max((e - w) * self.k, 1e-12), height / max(n - s, 1e-12))
        self.w, self.n = w, n
        self.ox = ox + (width - (e - w) * self.k * self.scale) / 2.0
        self.oy = oy + (height - (n - s) * self.scale) / 2.0
        self.deg_per_px = 1.0 / self.scale  # in latitude degrees

    def xy(self, coords: np.ndarray) -> np.ndarray:
        out = np.empty((len(coords), 2))
        out[:, 0] = self.ox + (coords[:, 0] - self.w) * self.k * self.scale
        out[:, 1] = self.oy + (self.n - coords[:, 1]) * self.scale
        return out


def _draw(geom: BaseGeometry, frame: _Frame, closed: bool = True
          ) -> tuple[str, list[list[tuple[float, float]]]]:
    """SVG path data and point lists (for the PDF) of ``geom`` in ``frame``."""
    parts: list[str] = []
    rings: list[list[tuple[float, float]]] = []
    for coords in _lines(geom):
        pts = frame.xy(coords[:-1] if closed and len(coords) > 1 else coords)
        if len(pts) < (3 if closed else 2):
            continue
        rings.append([(round(float(x), 1), round(float(y), 1)) for x, y in pts])
        parts.append("M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in rings[-1])
                     + (" Z" if closed else ""))
    return " ".join(parts), rings


def _fit(geom: BaseGeometry, box: Bounds, tol: float) -> BaseGeometry | None:
    """``geom`` clipped to ``box`` and simplified to ``tol`` degrees (None when nothing is left)."""
    g = shapely.clip_by_rect(geom, *box)
    if g.is_empty:
        return None
    g = shapely.simplify(g, tol, preserve_topology=True)
    return None if g.is_empty else g


def _fit_many(geoms: np.ndarray, box: Bounds, tol: float) -> BaseGeometry | None:
    """``geoms`` clipped to ``box``, simplified to ``tol`` degrees and gathered in one collection
    (vectorised; None when nothing is left)."""
    g = shapely.simplify(shapely.clip_by_rect(geoms, *box), tol, preserve_topology=True)
    g = g[~shapely.is_empty(g)]
    return shapely.GeometryCollection(list(g)) if len(g) else None


def _nearest(index: LayerIndex, site: BaseGeometry, cap: int, box: Bounds
             ) -> tuple[np.ndarray, int]:
    """Positions of at most ``cap`` features of ``index`` in ``box``, nearest to the site first,
    and how many were in the box."""
    cand = index.tree.query(shapely.box(*box))
    if len(cand) > cap:
        d = shapely.distance(site, index.geoms[cand])
        cand = cand[np.argsort(d, kind="stable")[:cap]]
        return cand, int(len(d))
    return np.sort(cand), int(len(cand))


def nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 x 10^k metres not above ``metres`` (a scale bar's length)."""
    if metres <= 0:
        return 0.0
    p: float = 10 ** math.floor(math.log10(metres))
    for m in (5, 2, 1):
        if m * p <= metres:
            return m * p
    return p


def _extent(site: BaseGeometry, layers: ScreeningLayers, width: float, height: float) -> Bounds:
    """Site, its base (or nearest base) and the nearest point of the nearest red line, padded,
    capped to MAX_HALF_KM around the site's centre and stretched to the figure's aspect."""
    c = site.centroid
    my, mx_lat = metres_per_degree(c.y)[1], metres_per_degree(c.y)[0]
    w, s, e, n = site.bounds
    pts = [(w, s), (e, n)]
    if layers.bases is not None and len(layers.bases):
        i, _ = layers.bases.nearest(site)
        if i is not None:
            bw, bs, be, bn = layers.bases.geoms[i].bounds
            pts += [(bw, bs), (be, bn)]
    if layers.redline is not None and len(layers.redline):
        i, _ = layers.redline.nearest(site)
        if i is not None:
            line = shapely.shortest_line(site, layers.redline.geoms[i])
            pts += list(np.asarray(line.coords))
    xy = np.asarray(pts, dtype=float)
    hx = max(abs(xy[:, 0] - c.x).max() * mx_lat, MIN_HALF_KM * 1000) * 1.15
    hy = max(abs(xy[:, 1] - c.y).max() * my, MIN_HALF_KM * 1000) * 1.15
    hx, hy = min(hx, MAX_HALF_KM * 1000), min(hy, MAX_HALF_KM * 1000)
    aspect = width / height
    hx, hy = max(hx, hy * aspect), max(hy, hx / aspect)  # fill the figure
    return c.x - hx / mx_lat, c.y - hy / my, c.x + hx / mx_lat, c.y + hy / my


def _province(layers: ScreeningLayers) -> BaseGeometry | None:
    cov = layers.coverage
    return None if cov is None or cov.is_empty else cov


def _inset(layers: ScreeningLayers, site: BaseGeometry, extent: Bounds) -> dict[str, Any] | None:
    """The province simplified to the inset, the site's position and the map's extent."""
    prov = _province(layers)
    if prov is None:
        return None
    cache = layers._cache.setdefault("location_map.inset", {})
    key = id(prov)
    frame = _Frame(prov.bounds, INSET_W - 4, INSET_H - 4, _PAD + 2, _PAD + 2)
    if key not in cache:
        cache[key] = _draw(shapely.simplify(prov, frame.deg_per_px, preserve_topology=True), frame)
    d, rings = cache[key]
    c = site.centroid
    (sx, sy), = frame.xy(np.array([[c.x, c.y]]))
    bx = frame.xy(np.array([[extent[0], extent[3]], [extent[2], extent[1]]]))
    return {"x": _PAD, "y": _PAD, "w": INSET_W, "h": INSET_H, "d": d, "rings": rings,
            "site": (round(float(sx), 1), round(float(sy), 1)),
            "fill": "#f1f3f4",
            "stroke": palette.ADMIN["province"], "box_stroke": palette.OVERLAP,
            "site_fill": palette.SITE, "site_stroke": palette.SITE_HALO,
            "box": [round(float(v), 1) for v in (*bx[0], *(bx[1] - bx[0]))]}


def location_map(result: ScreenResult, layers: ScreeningLayers, lang: str, width: float = MAP_W, height: float = MAP_H) -> dict[str, Any]:
    """The location map of ``result.site`` drawn from ``layers`` (a ScreeningLayers).

    Returns a dict: ``width``, ``height``; ``layers`` (drawing order, each
    ``kind``, ``d`` SVG path, ``rings`` point lists, ``fill``, ``stroke``,
    ``stroke_width``, ``dash``, ``closed``); ``labels`` (``x``, ``y``,
    ``text``); ``site_marker`` (``x``, ``y``, ``r``); the scale bar
    (``bar_px``, ``bar_label``); ``inset`` (or None); ``legend`` (``kind``,
    ``label``, ``fill``, ``stroke``) with labels through :func:`geo.i18n.t`;
    ``note`` (the caption, saying where features were capped) and
    ``vertices`` (points drawn in all, the payload's size).
    """
    site = result.site
    extent = _extent(site, layers, width, height)
    frame = _Frame(extent, width, height)
    tol = frame.deg_per_px * 0.75
    box = extent
    out_layers: list[dict[str, Any]] = []
    labels: list[dict[str, Any] | None] = []
    legend: list[dict[str, Any]] = []
    capped: list[str] = []

    def add(kind: str, geom: BaseGeometry, fill: str | None, stroke: str, sw: float, dash: str = "",
            closed: bool = True, opacity: float = 0.35) -> bool:
        d, rings = _draw(geom, frame, closed)
        if d:
            out_layers.append({"kind": kind, "d": d, "rings": rings, "fill": fill or "none",
                               "stroke": stroke, "stroke_width": sw, "dash": dash,
                               "closed": closed, "fill_opacity": opacity})
            return True
        return False

    def legend_entry(kind: str, key: str, fill: str | None, stroke: str, **fmt: Any) -> None:
        if not any(e["kind"] == kind for e in legend):
            legend.append({"kind": kind, "label": t(key, lang, **fmt), "fill": fill or "none",
                           "stroke": stroke})

    prov = _province(layers)
    if prov is not None:
        g = _fit(prov.boundary, box, tol)
        if g is not None and add("province", g, None, palette.ADMIN["province"], 1.6,
                                 closed=False):
            legend_entry("province", "layer.admin_province", None, palette.ADMIN["province"])
    pref = getattr(layers, "prefectures", None)
    if pref is not None and len(pref):
        for i in np.sort(pref.tree.query(shapely.box(*box))):
            g = _fit(pref.geoms[i].boundary, box, tol)
            if g is not None and add("prefecture", g, None, palette.ADMIN["prefecture"], 0.8,
                                     dash="5 3", closed=False):
                legend_entry("prefecture", "layer.admin_prefecture", None,
                             palette.ADMIN["prefecture"])
    for kind in _CONTROL_ORDER:
        index = layers.controls.get(kind)
        if index is None or not len(index):
            continue
        colour = palette.CONTROL.get(kind, palette.NO_DATA)
        rows, total = _nearest(index, site, MAX_FEATURES, box)
        g = _fit_many(index.geoms[rows], box, tol)  # one path for the whole layer
        if g is not None and add(kind, g, colour, colour, 0.6):
            out_layers[-1]["features"] = len(g.geoms)
            legend_entry(kind, f"layer.{kind}", colour, colour)
        if total > len(rows):
            capped.append(t("rpt.loc.capped", lang, layer=t(f"layer.{kind}", lang),
                            shown=len(rows), total=total))
    if layers.redline is not None and len(layers.redline):
        rows, total = _nearest(layers.redline, site, MAX_FEATURES, box)
        near, _ = layers.redline.nearest(site)
        for i in rows:
            g = _fit(layers.redline.geoms[i], box, tol)
            fill = palette.REDLINE.get(layers.redline.get(int(i), "control_level"),
                                       palette.REDLINE["一般控制区"])
            if g is not None and add("redline", g, fill, palette.REDLINE["outline"], 0.8,
                                     dash="4 3"):
                legend_entry("redline", "layer.redlines", fill, palette.REDLINE["outline"])
                if i == near:
                    labels.append(_label(g, layers.redline.record(int(i)), lang, frame, site,
                                              width, height))
        if total > len(rows):
            capped.append(t("rpt.loc.capped", lang, layer=t("layer.redlines", lang),
                            shown=len(rows), total=total))
    if layers.bases is not None and len(layers.bases):
        near, _ = layers.bases.nearest(site)
        rows, _ = _nearest(layers.bases, site, MAX_FEATURES, box)
        for i in rows:
            g = _fit(layers.bases.geoms[i], box, tol)
            colour = palette.TIER.get(layers.bases.get(int(i), "tier"), palette.TIER["千亿"])
            if g is not None and add("base", g, colour, colour, 1.4, opacity=0.25):
                legend_entry("base", "layer.bases", colour, colour)
                if i == near or len(rows) <= 4:
                    labels.append(_label(g, layers.bases.record(int(i)), lang, frame, site,
                                              width, height))
    add("site", site, palette.SITE, palette.SITE_HALO, 1.4, opacity=0.9)
    (cx, cy), = frame.xy(np.array([[site.centroid.x, site.centroid.y]]))
    legend_entry("site", "rpt.sketch_site", palette.SITE, palette.SITE_HALO)

    m_per_px = metres_per_degree(frame.lat0)[1] / frame.scale
    bar_m = nice_length(m_per_px * width / 4.0)
    note = [t("rpt.loc.note", lang)] + capped
    inset = _inset(layers, site, extent)
    return {
        "width": width, "height": height, "layers": out_layers,
        "labels": [lb for lb in labels if lb is not None],
        "site_marker": {"x": round(float(cx), 1), "y": round(float(cy), 1), "r": 7.0,
                        "fill": palette.SITE, "stroke": palette.SITE_HALO},
        "bar_px": bar_m / m_per_px if m_per_px else 0.0,
        "bar_label": f"{bar_m / 1000:g} km" if bar_m >= 1000 else f"{bar_m:g} m",
        "bar_y": height - 10.0, "inset": inset, "legend": legend,
        "note": " ".join(note), "extent": tuple(round(v, 5) for v in extent),
        "vertices": sum(len(r) for lay in out_layers for r in lay["rings"])
                    + (sum(len(r) for r in inset["rings"]) if inset else 0),
    }


def _label(geom: BaseGeometry, record: dict[str, Any], lang: str, frame: _Frame,
           site: BaseGeometry, width: float, height: float
           ) -> dict[str, Any] | None:
    """The feature's name between its drawn part's point nearest the site and its inside."""
    name = record.get(f"name_{lang}") or record.get("name_zh") or record.get("name")
    if not name or (isinstance(name, float) and not math.isfinite(name)):
        return None
    near = shapely.shortest_line(site.centroid, geom).coords[1]
    inner = geom.representative_point()
    (x, y), = frame.xy(np.array([[(near[0] + inner.x) / 2, (near[1] + inner.y) / 2]]))
    (sx, sy), = frame.xy(np.array([[site.centroid.x, site.centroid.y]]))
    if abs(x - sx) < 60 and abs(y - sy) < 14:  # keep the site marker clear
        y = sy + 22
    text = str(name)
    est = sum(11.0 if ord(ch) > 0x2E80 else 6.2 for ch in text)  # width at font size 11
    x, anchor = max(float(x), 4.0), "start"
    if x + est > width - 4.0:  # would run off the right edge: end the text there instead
        x, anchor = min(max(x, est + 4.0), width - 4.0), "end"
    return {"x": round(x, 1), "y": round(min(max(float(y), 12.0), height - 22.0), 1),
            "text": text, "anchor": anchor}


def location_drawing(lm: dict[str, Any], width: float, font: str) -> Drawing:
    """The location map as a reportlab Drawing ``width`` points wide (font: a registered name)."""
    from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Polygon, Rect, String
    from reportlab.lib import colors

    f = width / lm["width"]
    h = lm["height"] * f
    d = Drawing(width, h)

    def pt(x: float, y: float) -> tuple[float, float]:
        return x * f, h - y * f

    def col(c: str | None) -> colors.Color | None:
        return None if c in (None, "none") else colors.HexColor(c)

    d.add(Rect(0, 0, width, h, fillColor=colors.HexColor("#fafafa"),
               strokeColor=colors.HexColor("#dadce0"), strokeWidth=0.5))
    for lay in lm["layers"]:
        g = Group()
        fill = col(lay["fill"])
        if fill is not None:
            fill = colors.Color(fill.red, fill.green, fill.blue, alpha=lay["fill_opacity"])
        dash = [float(v) for v in lay["dash"].split()] if lay["dash"] else None
        for ring in lay["rings"]:
            pts = [v for x, y in ring for v in pt(x, y)]
            shape = (Polygon(pts, fillColor=fill) if lay["closed"]
                     else PolyLine(pts))
            shape.strokeColor = col(lay["stroke"])
            shape.strokeWidth = lay["stroke_width"] * f
            if dash:
                shape.strokeDashArray = dash
            g.add(shape)
        d.add(g)
    sm = lm["site_marker"]
    x, y = pt(sm["x"], sm["y"])
    d.add(Circle(x, y, sm["r"] * f, fillColor=None, strokeColor=colors.HexColor(palette.SITE_HALO),
                 strokeWidth=2.2))
    d.add(Circle(x, y, sm["r"] * f, fillColor=None, strokeColor=colors.HexColor(palette.SITE),
                 strokeWidth=1.2))
    for lb in lm["labels"]:
        x, y = pt(lb["x"], lb["y"])
        d.add(String(x, y, lb["text"], fontName=font, fontSize=7,
                     fillColor=colors.HexColor(palette.PLACE["text"]), textAnchor=lb["anchor"]))
    ins = lm["inset"]
    if ins:
        x0, y0 = pt(ins["x"], ins["y"] + ins["h"])
        d.add(Rect(x0, y0, ins["w"] * f, ins["h"] * f, fillColor=colors.white,
                   strokeColor=colors.HexColor("#9aa0a6"), strokeWidth=0.5))
        for ring in ins["rings"]:
            d.add(Polygon([v for x, y in ring for v in pt(x, y)],
                          fillColor=colors.HexColor("#f1f3f4"),
                          strokeColor=colors.HexColor(palette.ADMIN["province"]), strokeWidth=0.5))
        bx, by, bw, bh = ins["box"]
        x, y = pt(bx, by + bh)
        d.add(Rect(x, y, max(bw * f, 1), max(bh * f, 1), fillColor=None,
                   strokeColor=colors.HexColor(palette.OVERLAP), strokeWidth=0.6))
        x, y = pt(*ins["site"])
        d.add(Circle(x, y, 2.2, fillColor=colors.HexColor(palette.SITE),
                     strokeColor=colors.HexColor(palette.SITE_HALO), strokeWidth=0.6))
    y = h - lm["bar_y"] * f
    d.add(Line(10 * f, y, (10 + lm["bar_px"]) * f, y, strokeWidth=1.5))
    d.add(String((14 + lm["bar_px"]) * f, y - 3, lm["bar_label"], fontName=font, fontSize=8))
    nx, ny = width - 16, h - 30
    d.add(Polygon([nx, ny + 16, nx - 5, ny, nx + 5, ny], fillColor=colors.HexColor("#202124"),
                  strokeColor=None))
    d.add(String(nx, ny - 10, "N", fontName="Helvetica-Bold", fontSize=9, textAnchor="middle"))
    return d
