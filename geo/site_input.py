"""How a project site is given: click + area, drawn polygon, pasted text, file.

Every way ends in a :class:`Site`: a valid Polygon or MultiPolygon in
EPSG:4326 (lon, lat) inside Qinghai's bounding box, with its ellipsoidal area
in hectares, where it came from, the coordinate system it was given in and
the warnings raised on the way (each a :class:`~geo.gk.Notice`, a translation
key with params).

* :func:`site_from_point` — a map click plus an area: a geodesic square or
  circle of exactly that ellipsoidal area.
* :func:`site_from_geojson` — a geometry from the map's Draw plugin.
* :func:`parse_coordinates` — pasted text in WGS84, CGCS2000, Gauss-Krüger
  (3-degree zones, with or without zone prefix), GCJ-02 (Amap, Tencent) or
  BD-09 (Baidu).
* :func:`read_site_file` — GeoJSON, KML/KMZ, zipped Shapefile, GeoPackage,
  GeoParquet, 界址点 TXT, read by :mod:`geo.vector_io` (limits checked from
  headers, then parsed and repaired in a sandboxed child).
* :func:`read_site_list` — a batch file (also the CSV of points) as
  (site_id, polygon) pairs: what the batch page and both command lines read.

Every geometry is bounded before work: vertex limit, finite coordinates and
Qinghai's bounding box are checked before any repair; repairing a polygon of
more than :data:`INLINE_REPAIR_VERTICES` vertices runs in a sandboxed child.

Anything unusable raises :class:`~geo.errors.InputError` with a translation
key and params (``line`` for pasted text and 界址点 files).
"""
from __future__ import annotations

import math
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import shapely
from shapely.errors import GEOSException
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from . import crs as china_crs
from . import vector_io
from .errors import InputError
from .gk import Notice, at_line, classify_gk_value, detect_swap, gk_to_lonlat, is_prefixed
from .geodesy import GEOD
from .geodesy import area_ha as _area_ha
from .jzd import Parcel, assemble_polygon, read_jzd
from .vector_io import BATCH, SITE, Limits

__all__ = [
    "QINGHAI_BBOX",
    "CRS_CHOICES",
    "INLINE_REPAIR_VERTICES",
    "Notice",
    "Site",
    "make_site",
    "site_from_point",
    "site_from_geojson",
    "parse_coordinates",
    "parse_angle",
    "read_site_file",
    "read_site_list",
    "repair_polygon",
    "make_valid_polygonal",
]

#: (west, south, east, north) of Qinghai in degrees.
QINGHAI_BBOX: tuple[float, float, float, float] = (89.3, 31.5, 103.2, 39.3)
#: Coordinate systems :func:`parse_coordinates` accepts, with their labels.
CRS_CHOICES: dict[str, str] = {
    "wgs84": "WGS84",
    "cgcs2000": "CGCS2000",
    "gcj02": "GCJ-02",
    "bd09": "BD-09",
    "gk": "GK",
    "gk_prefixed": "GK",
    "gk_noprefix": "GK",
}
#: Invalid polygons up to this many vertices are repaired in this process;
#: larger ones in a :func:`~geo.vector_io.guarded` child (repair time grows ~n³).
INLINE_REPAIR_VERTICES = 64
#: Largest site area accepted from a click, hectares (10 000 km²).
MAX_POINT_AREA_HA = 1_000_000.0
#: Smallest, hectares (1 m²).
MIN_POINT_AREA_HA = 1e-4

_NAME_FIELDS = ("name", "名称", "site_id", "地块名称", "项目名称", "xmmc", "dkmc")


@dataclass
class Site:
    """A proposed project site.

    Attributes
    ----------
    geometry : shapely Polygon or MultiPolygon
        Valid, non-empty, in EPSG:4326 (lon, lat); exteriors counter-clockwise.
    area_ha : float
        Ellipsoidal area in hectares.
    source_kind : {'click', 'draw', 'paste', 'file'}
        How the site was given.
    crs_in : str
        The coordinate system it was given in ('WGS84', 'GCJ-02',
        'GK zone 34 (prefixed)', ...).
    warnings : list of Notice
        Translation keys (``str``) with ``params``; ``w.text(lang)`` renders.
    name : str
        A name from the input, or ''.
    attrs : dict
        Attributes that came with the site (file fields, 界址点 header).
    """

    geometry: BaseGeometry
    area_ha: float
    source_kind: str
    crs_in: str
    warnings: list[Notice] = field(default_factory=list)
    name: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------ validation
def _polygons_of(geom: BaseGeometry) -> list[BaseGeometry]:
    """The polygons in a geometry, collections flattened (no overlay: safe on invalid input)."""
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type == "MultiPolygon":
        return list(geom.geoms)
    return [p for g in getattr(geom, "geoms", []) for p in _polygons_of(g)]


def _polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    """The polygonal part of a geometry (None if there is none); may be invalid."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = _polygons_of(geom)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _outside(lon: float, lat: float) -> InputError:
    return InputError(
        f"the site is at {lon:.2f}E, {lat:.2f}N — outside Qinghai "
        f"({QINGHAI_BBOX[0]}-{QINGHAI_BBOX[2]}E, {QINGHAI_BBOX[1]}-{QINGHAI_BBOX[3]}N); "
        "check the coordinate system",
        key="site.err.outside_qinghai",
        lon=lon,
        lat=lat,
    )


#: How far (degrees) a site may reach beyond Qinghai's box: a site across the province
#: border is screened (its part outside is still measured against the layers in use);
#: coordinates in a wrong system land far outside and are refused before any repair.
BORDER_MARGIN_DEG = 0.5


def _check_in_qinghai(geom: BaseGeometry) -> None:
    """Refuse a geometry outside Qinghai's box, or reaching more than
    :data:`BORDER_MARGIN_DEG` beyond it (valid or not: bounds only).

    >>> _check_in_qinghai(shapely.box(89.25, 36.0, 89.35, 36.05))  # across the west edge
    >>> _check_in_qinghai(shapely.box(88.0, 36.0, 88.1, 36.1))
    Traceback (most recent call last):
    ...
    geo.errors.InputError: the site is at 88.05E, 36.05N — outside Qinghai (89.3-103.2E, 31.5-39.3N); check the coordinate system
    """
    minx, miny, maxx, maxy = geom.bounds
    w, s, e, n = QINGHAI_BBOX
    m = BORDER_MARGIN_DEG
    touches = minx <= e and maxx >= w and miny <= n and maxy >= s
    if not touches or minx < w - m or maxx > e + m or miny < s - m or maxy > n + m:
        raise _outside((minx + maxx) / 2, (miny + maxy) / 2)


def _make_valid_polygonal(poly: BaseGeometry) -> BaseGeometry | None:
    parts = _polygons_of(shapely.make_valid(poly))
    return shapely.union_all(parts) if parts else None


def make_valid_polygonal(polys: list[BaseGeometry]) -> list[BaseGeometry | None]:
    """Each of ``polys`` made valid, its polygonal part (None: none), as
    :func:`repair_polygon` does with no bound: for a sandboxed child (:mod:`geo.bulk`)."""
    return [_make_valid_polygonal(p) for p in polys]


def repair_polygon(poly: BaseGeometry, limits: Limits = SITE) -> BaseGeometry | None:
    """``poly`` made valid (:func:`shapely.make_valid`), its polygonal part.

    Small polygons are repaired here; one with more than
    :data:`INLINE_REPAIR_VERTICES` vertices in a :func:`~geo.vector_io.guarded`
    child under ``limits`` (its repair can take minutes).

    Raises
    ------
    InputError
        ``input.err.timeout`` / ``input.err.memory`` when the repair overruns;
        ``site.err.invalid`` when GEOS cannot repair it.
    """
    try:
        if vector_io.in_worker() or \
                shapely.get_num_coordinates(poly) <= INLINE_REPAIR_VERTICES:
            return _make_valid_polygonal(poly)
        return vector_io.guarded(_make_valid_polygonal, poly, limits=limits)
    except GEOSException as exc:
        raise InputError(f"the polygon cannot be repaired ({exc})", key="site.err.invalid",
                         reason=vector_io.safe_reason(str(exc))[:120]) from None


def make_site(geom: BaseGeometry | None, source_kind: str, crs_in: str,
              warnings: Iterable[Notice] = (), name: str = "", attrs: dict[str, Any] | None = None,
              limits: Limits = SITE) -> Site:
    """Validate a geometry in (lon, lat) and wrap it as a :class:`Site`.

    In this order, cheapest first: the geometry must be polygonal (polygon
    parts of a collection are kept, with a warning), non-empty, of at most
    ``limits.max_feature_vertices`` vertices, finite, inside Qinghai's
    bounding box :data:`QINGHAI_BBOX`; only then is an invalid one repaired
    (:func:`repair_polygon`, with a warning) and its area checked.

    Raises
    ------
    InputError
        Empty, not polygonal, too many vertices, outside Qinghai (the message
        says where the site is), too costly to repair, or zero area.
    """
    warnings = list(warnings)
    if geom is None or geom.is_empty:
        raise InputError("the site geometry is empty", key="site.err.empty")
    geom = shapely.force_2d(geom)
    poly = _polygonal(geom)
    if poly is None:
        raise InputError(f"the site is a {geom.geom_type}, not a polygon",
                         key="site.err.not_polygon", kind=geom.geom_type)
    if poly is not geom:
        warnings.append(Notice("site.warn.dropped_parts", kind=geom.geom_type))
    n = int(shapely.get_num_coordinates(poly))
    if n > limits.max_feature_vertices:
        raise InputError(f"the site has {n:,} vertices; at most {limits.max_feature_vertices:,}",
                         key="input.err.too_many_feature_vertices", n=n,
                         max=limits.max_feature_vertices)
    if not np.all(np.isfinite(shapely.get_coordinates(poly))):
        raise InputError("the site has non-finite coordinates", key="site.err.nonfinite")
    _check_in_qinghai(poly)
    if not poly.is_valid:
        warnings.append(Notice("site.warn.repaired", reason=shapely.is_valid_reason(poly)))
        poly = repair_polygon(poly, limits)
        if poly is None or poly.is_empty:
            raise InputError("the site polygon collapses to nothing when repaired",
                             key="site.err.zero_area")
    poly = shapely.orient_polygons(poly)
    area = _area_ha(poly)
    if not area > 0:
        raise InputError("the site has no area", key="site.err.zero_area")
    return Site(poly, area, source_kind, crs_in, warnings, name or "", dict(attrs or {}))


# ------------------------------------------------------------------ map click
def _ring_at(lon: float, lat: float, dist_m: np.ndarray, azimuths: np.ndarray) -> BaseGeometry:
    lons, lats, _ = GEOD.fwd(np.full(azimuths.size, lon), np.full(azimuths.size, lat),
                             azimuths, dist_m)
    return shapely.Polygon(np.column_stack([lons, lats]))


def site_from_point(lon: float, lat: float, area_ha: float, shape: str = "square",
                    name: str = "", vertices: int = 128) -> Site:
    """A geodesic square or circle of the given ellipsoidal area around a point.

    Parameters
    ----------
    lon, lat : float
        Centre in degrees (WGS84 / CGCS2000), (lon, lat) order.
    area_ha : float
        Wanted area in hectares, > 0.
    shape : {'square', 'circle'}
        A square with corners on the diagonals (edges roughly north-south and
        east-west), or a circle drawn with ``vertices`` points.
    name : str, optional
    vertices : int, optional
        Vertices of the circle (default 128).

    Returns
    -------
    Site
        Its polygon's ellipsoidal area equals ``area_ha`` to better than 1e-6
        (the size is refined until it does).
    """
    if shape not in ("square", "circle"):
        raise InputError(f"shape was {shape!r}; expected 'square' or 'circle'",
                         key="site.err.shape", shape=shape)
    try:
        area = float(area_ha)
    except (TypeError, ValueError):
        area = float("nan")
    if not (MIN_POINT_AREA_HA <= area <= MAX_POINT_AREA_HA):
        raise InputError(f"the area {area_ha} ha must be above 0 and at most "
                         f"{MAX_POINT_AREA_HA:,.0f} ha", key="site.err.area_value",
                         area=area_ha, max=MAX_POINT_AREA_HA)
    if not (QINGHAI_BBOX[0] <= lon <= QINGHAI_BBOX[2] and QINGHAI_BBOX[1] <= lat <= QINGHAI_BBOX[3]):
        raise _outside(float(lon), float(lat))
    if shape == "square":
        azimuths = np.array([45.0, 135.0, 225.0, 315.0])
        dist = math.sqrt(area * 1e4) / math.sqrt(2.0)
    else:
        azimuths = np.linspace(0.0, 360.0, vertices, endpoint=False)
        dist = math.sqrt(area * 1e4 / math.pi)
    for _ in range(6):  # area ~ dist², so scaling by sqrt converges fast
        poly = _ring_at(lon, lat, np.full(azimuths.size, dist), azimuths)
        got = _area_ha(poly)
        if abs(got - area) <= 1e-9 * area:
            break
        dist *= math.sqrt(area / got)
    return make_site(poly, "click", "WGS84", [], name)


# ------------------------------------------------------------------ drawn
def site_from_geojson(geometry: dict[str, Any], name: str = "", source_kind: str = "draw") -> Site:
    """A site from a GeoJSON geometry, Feature or FeatureCollection (lon, lat).

    Parameters
    ----------
    geometry : dict
        As the map's Draw plugin returns it. A FeatureCollection's polygons
        are merged into one site; a Feature's ``name`` property names it.
    name : str, optional
    source_kind : str, optional
        'draw' (default) or another kind of :class:`Site`.

    Raises
    ------
    InputError
        Not GeoJSON, not a polygon, empty, or outside Qinghai.
    """
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise InputError("not a GeoJSON geometry", key="site.err.geojson", reason="no 'type'")
    kind = geometry["type"]
    if kind == "FeatureCollection":
        features = geometry.get("features")
        if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
            raise InputError("not a GeoJSON FeatureCollection", key="site.err.geojson",
                             reason="'features' is not a list of objects")
        if len(features) > SITE.max_features:
            raise InputError(f"{len(features):,} features; at most {SITE.max_features:,}",
                             key="input.err.too_many_features", n=len(features),
                             max=SITE.max_features)
        geoms = [g for g in (_shape(f.get("geometry")) for f in features) if g is not None]
        geom = shapely.GeometryCollection(geoms) if geoms else None
    elif kind == "Feature":
        props = geometry.get("properties")
        name = name or _name_from(props if isinstance(props, dict) else {})
        geom = _shape(geometry.get("geometry"))
    else:
        geom = _shape(geometry)
    return make_site(geom, source_kind, "WGS84", [], name)


def _shape(geometry: Mapping[str, Any] | None) -> BaseGeometry | None:
    if geometry is None:
        return None
    try:
        return shape(geometry)
    except Exception as exc:  # shapely raises several types for bad GeoJSON
        raise InputError(f"not a GeoJSON geometry: {exc}", key="site.err.geojson",
                         reason=str(exc)) from None


def _name_from(props: dict[str, Any]) -> str:
    lower = {str(k).lower(): v for k, v in props.items()}
    for key in _NAME_FIELDS:
        value = lower.get(key.lower())
        if value is not None and str(value).strip() and str(value) != "nan":
            return str(value).strip()
    return ""


# ------------------------------------------------------------------ pasted text
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_ANGLE_MARK = re.compile(r"[°度′'分″\"秒]")
_HEMI = re.compile(r"^(东经|北纬|西经|南纬|[NSEWnsew])|([NSEWnsew])$")


@dataclass
class _Value:
    value: float
    axis: str | None = None  # 'lon' / 'lat' when a hemisphere said so
    angle: bool = False  # written with degree/minute/second marks


def parse_angle(token: str) -> tuple[float, str | None]:
    """Degrees from '101°46′30″E', '36度37分12秒', 'N36°37.2′' or '101.775'.

    Returns
    -------
    value : float
        Decimal degrees (negative for S / W).
    axis : {'lon', 'lat', None}
        Which axis a hemisphere letter or 东经/北纬 named.

    Raises
    ------
    ValueError
        If the token is not an angle.

    Examples
    --------
    >>> parse_angle("101°46′30″E")
    (101.775, 'lon')
    >>> parse_angle("36度37分12秒")
    (36.62, None)
    """
    s = token.strip()
    axis, sign = None, 1.0
    m = _HEMI.search(s)
    if m:
        h = (m.group(1) or m.group(2)).upper()
        axis = "lat" if h in ("N", "S", "北纬", "南纬") else "lon"
        sign = -1.0 if h in ("S", "W", "西经", "南纬") else 1.0
        s = _HEMI.sub("", s).strip()
    if _NUMBER.match(s):
        value = float(s)
        if not math.isfinite(value):
            raise ValueError(token)
        return sign * value, axis
    parts = re.findall(r"\d+(?:\.\d+)?", s)
    rest = re.sub(r"[\d.\s°度′'分″\"秒:]", "", s)
    if not parts or len(parts) > 3 or rest or not _ANGLE_MARK.search(s):
        raise ValueError(token)
    d, mnt, sec = (list(map(float, parts)) + [0.0, 0.0])[:3]
    if mnt >= 60 or sec >= 60:
        raise ValueError(token)
    return sign * (d + mnt / 60.0 + sec / 3600.0), axis


def _tokens(line: str) -> list[str]:
    """Split a pasted line on commas (也 '，'), semicolons, tabs and spaces."""
    s = line.replace("，", ",").replace("；", ";").replace("：", ":").replace("\u3000", " ")
    s = re.sub(r"(\d)\s+(?=[°度′'分″\"秒])", r"\1", s)  # '101 °' -> '101°'
    s = re.sub(r"([°度])\s+(?=[\d.]+[′'分])", r"\1", s)  # '101° 46′' -> '101°46′'
    s = re.sub(r"([′'分])\s+(?=[\d.]+[″\"秒])", r"\1", s)  # "46′ 30″" -> "46′30″"
    s = re.sub(r"(东经|北纬|西经|南纬)\s+", r"\1", s)
    s = re.sub(r"(?<=[\d°′'″\"秒])\s+([NSEWnsew])(?=[\s,;]|$)", r"\1", s)
    return [t for t in re.split(r"[,;\s]+", s.strip()) if t]


def _values(tokens: list[str]) -> tuple[str, list[_Value]]:
    """A leading point name (if any) and the numeric values of a line."""
    name, vals = "", []
    for i, tok in enumerate(tokens):
        try:
            v, axis = parse_angle(tok)
        except ValueError:
            if i == 0:
                name = tok
                continue
            raise
        vals.append(_Value(v, axis, bool(_ANGLE_MARK.search(tok))))
    return name, vals


@dataclass
class _Point:
    a: float
    b: float
    line: int
    ring: int | None
    axis_a: str | None = None
    axis_b: str | None = None


def _in(v: float, lo: float, hi: float, pad: float = 1.0) -> bool:
    return lo - pad <= v <= hi + pad


def _plausible_deg(a: float, b: float) -> bool:
    w, s, e, n = QINGHAI_BBOX
    return (_in(a, w, e) and _in(b, s, n)) or (_in(a, s, n) and _in(b, w, e))


def _plausible_gk(a: float, b: float) -> bool:
    ka, kb = classify_gk_value(a), classify_gk_value(b)
    return {ka, kb} in ({"north", "east"}, {"north", "east_prefixed"})


def _pick_pair(vals: list[_Value], name: str, degrees: bool) -> tuple[_Value, _Value, int | None]:
    """Choose the coordinate pair of a line; return (a, b, ring or None)."""
    plausible = _plausible_deg if degrees else _plausible_gk
    if len(vals) == 2:
        return vals[0], vals[1], None
    if len(vals) in (3, 4):
        a, b = vals[-2], vals[-1]
        if plausible(a.value, b.value):
            lead = vals[:-2]
            ring = int(lead[-1].value) if name and lead and float(lead[-1].value).is_integer() else None
            return a, b, ring
        if len(vals) == 3 and plausible(vals[0].value, vals[1].value):
            return vals[0], vals[1], None  # a third value: elevation
    raise ValueError("pair")


def _expected(degrees: bool) -> str:
    return ("longitude and latitude in degrees (e.g. 101.775, 36.620 or 101°46′30″, 36°37′12″)"
            if degrees else "Gauss-Krüger X (northing) and Y (easting) in metres")


def _parse_lines(text: str, degrees: bool) -> list[list[_Point]]:
    """Points of the text grouped into rings (blank line or ring number change)."""
    groups: list[list[_Point]] = [[]]
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            if groups[-1]:
                groups.append([])
            continue
        if line.startswith("#"):
            continue
        try:
            name, vals = _values(_tokens(line))
            a, b, ring = _pick_pair(vals, name, degrees)
        except ValueError:
            if not groups[-1] and not any(groups) and _is_heading(line):
                continue  # a column heading such as 'lon,lat' or '点号 X Y'
            raise InputError(f"line {no}: cannot read {line!r}; expected {_expected(degrees)}",
                             key="site.err.bad_coord_line" if degrees else "site.err.bad_gk_line",
                             line=no, text=line) from None
        if groups[-1] and ring is not None and groups[-1][-1].ring not in (None, ring):
            groups.append([])
        groups[-1].append(_Point(a.value, b.value, no, ring, a.axis, b.axis))
    return [g for g in groups if g]


def _is_heading(line: str) -> bool:
    return not re.search(r"\d{2,}", line)


def _lonlat_of(p: _Point) -> tuple[float, float, bool]:
    """(lon, lat, swapped) of a point given in degrees, fixing a lat/lon order."""
    lon, lat, swapped = _lonlat_order(p)
    if abs(lon) > 180 or abs(lat) > 90:
        raise InputError(
            f"line {p.line}: {p.a}, {p.b} are not degrees of longitude and latitude "
            "(a projected system such as Gauss-Krüger?); choose that coordinate system",
            key="site.err.looks_projected", line=p.line, a=p.a, b=p.b)
    return lon, lat, swapped


def _lonlat_order(p: _Point) -> tuple[float, float, bool]:
    a, b = p.a, p.b
    if p.axis_a == "lat" or p.axis_b == "lon":
        return b, a, True
    if p.axis_a == "lon" or p.axis_b == "lat":
        return a, b, False
    if abs(a) > 180 or abs(b) > 180:
        raise InputError(
            f"line {p.line}: {a}, {b} look like metres (a projected system such as "
            "Gauss-Krüger), not degrees; choose that coordinate system",
            key="site.err.looks_projected", line=p.line, a=a, b=b)
    w, s, e, n = QINGHAI_BBOX
    if (_in(a, s, n) and _in(b, w, e)) or (abs(a) <= 90 < abs(b)):
        return b, a, True
    return a, b, False


def _degrees_to_lonlat(groups: list[list[_Point]], crs: str, warnings: list[Notice]
                       ) -> list[list[tuple[float, float]]]:
    rings: list[list[tuple[float, float]]] = []
    swapped = 0
    for g in groups:
        pts = [_lonlat_of(p) for p in g]
        swapped += sum(s for *_, s in pts)
        lon: china_crs.Coords = np.array([p[0] for p in pts])
        lat: china_crs.Coords = np.array([p[1] for p in pts])
        if crs == "gcj02":
            lon, lat = china_crs.gcj02_to_wgs84(lon, lat)
        elif crs == "bd09":
            lon, lat = china_crs.bd09_to_wgs84(lon, lat)
        rings.append(list(zip(np.atleast_1d(lon), np.atleast_1d(lat))))
    if swapped:
        warnings.append(Notice("site.warn.swapped_lonlat", n=swapped))
    return rings


def _gk_to_lonlat(groups: list[list[_Point]], crs: str, zone: int | None, warnings: list[Notice]
                  ) -> tuple[list[list[tuple[float, float]]], str]:
    xs: list[float] = []
    ys: list[float] = []
    swapped = 0
    for g in groups:
        for p in g:
            try:
                x, y, s = detect_swap(p.a, p.b)
            except InputError as err:
                raise at_line(err, p.line) from None
            xs.append(x)
            ys.append(y)
            swapped += s
    first = groups[0][0].line
    prefixed = is_prefixed(ys)
    if crs == "gk_prefixed" and not prefixed:
        raise InputError(f"line {first}: the eastings Y have no zone prefix (8 digits expected)",
                         key="site.err.gk_prefix_expected", line=first)
    if crs == "gk_noprefix" and zone is None:
        raise InputError("choose the zone for eastings without a prefix",
                         key="site.err.gk_zone_needed", line=first)
    if not prefixed and np.any(np.abs(ys) >= 1e7):
        raise InputError(f"line {first}: some eastings Y carry the zone prefix and some do not",
                         key="jzd.err.prefix_mixed", line=first)
    try:
        lon, lat = gk_to_lonlat(np.array(xs), np.array(ys), zone)
        used = zone if zone is not None else int(ys[0] // 1e6)
    except InputError as err:
        raise at_line(err, first) from None
    if swapped:
        warnings.append(Notice("site.warn.swapped_xy", n=swapped))
    rings, i = [], 0
    for g in groups:
        rings.append(list(zip(lon[i:i + len(g)], lat[i:i + len(g)])))
        i += len(g)
    label = f"GK zone {used} ({'prefixed' if prefixed else 'no prefix'})"
    return rings, label


def _close_and_check(rings: list[list[tuple[float, float]]], groups: list[list[_Point]]
                     ) -> list[list[tuple[float, float]]]:
    out = []
    for ring, g in zip(rings, groups):
        ring = [(float(x), float(y)) for x, y in ring]
        if len(ring) > 1 and abs(ring[0][0] - ring[-1][0]) < 1e-10 and abs(ring[0][1] - ring[-1][1]) < 1e-10:
            ring.pop()
        n = len({(round(x, 9), round(y, 9)) for x, y in ring})
        if n < 3:
            raise InputError(
                f"line {g[0].line}: this ring has {n} distinct points; a polygon needs at least 3",
                key="site.err.few_points", line=g[0].line, n=n)
        out.append(ring)
    return out


def parse_coordinates(text: str, crs: str = "wgs84", zone: int | None = None,
                      name: str = "") -> Site:
    """A site from pasted coordinates, one point per line.

    Parameters
    ----------
    text : str
        Lines of ``lon,lat`` / ``lon lat`` / tab- or '，'-separated pairs,
        optionally after a point name (``J1,101.77,36.62``) and, for 界址点
        style lines, a ring number (``J1,1,X,Y``). Degrees may be decimal or
        degree-minute-second (``101°46′30″E``, ``36度37分12秒``). Blank lines
        (or a change of ring number) separate rings: the first is an outer
        ring, a later ring inside an earlier one is a hole, one outside starts
        another part. Rings are closed automatically.
    crs : {'wgs84', 'cgcs2000', 'gcj02', 'bd09', 'gk', 'gk_prefixed', 'gk_noprefix'}
        The system of the numbers. Degrees in (lat, lon) order are detected in
        Qinghai (lon 89-104 vs lat 31-40 never overlap) and swapped with a
        warning. For Gauss-Krüger the pairs are X (northing), Y (easting);
        swapped pairs are detected and fixed with a warning; the zone comes
        from the 8-digit Y prefix or ``zone``.
    zone : int, optional
        3-degree zone for Gauss-Krüger eastings without a prefix.
    name : str, optional

    Returns
    -------
    Site
        ``source_kind='paste'``, geometry in EPSG:4326 (lon, lat).

    Raises
    ------
    InputError
        Naming the line (``params['line']``) and what was expected.
    """
    if crs not in CRS_CHOICES:
        raise InputError(f"unknown coordinate system {crs!r}; expected one of "
                         f"{', '.join(CRS_CHOICES)}", key="site.err.unknown_crs", crs=crs)
    degrees = not crs.startswith("gk")
    vector_io.check_text(text or "", SITE, "pasted text")
    lines = (text or "").count("\n") + 1
    if lines > SITE.max_feature_vertices + 1_000:  # one point a line, some blank or headings
        raise InputError(f"{lines:,} lines; a site has at most {SITE.max_feature_vertices:,} "
                         "vertices", key="input.err.too_many_feature_vertices", n=lines,
                         max=SITE.max_feature_vertices)
    groups = _parse_lines(text or "", degrees)
    if not groups:
        raise InputError("no coordinates were given", key="site.err.no_points", line=1)
    warnings: list[Notice] = []
    if degrees:
        rings, label = _degrees_to_lonlat(groups, crs, warnings), CRS_CHOICES[crs]
    else:
        rings, label = _gk_to_lonlat(groups, crs, zone, warnings)
    rings = _close_and_check(rings, groups)
    try:
        geom = assemble_polygon(rings)
    except GEOSException as exc:
        raise InputError(f"the points do not make a polygon ({exc})", key="site.err.invalid",
                         reason=vector_io.safe_reason(str(exc))[:120]) from None
    return make_site(geom, "paste", label, warnings, name)


# ------------------------------------------------------------------ files
def _frame_to_sites(layer: vector_io.RawLayer, filename: str, limits: Limits) -> list[Site]:
    gdf = layer.frame
    unreadable = int(gdf.geometry.isna().sum())  # GDAL drops a geometry it cannot parse
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    keep = np.array([_polygonal(g) is not None for g in gdf.geometry.values], dtype=bool)
    skipped = int((~keep).sum())
    gdf = gdf[keep]
    if gdf.empty and unreadable:
        raise InputError(f"{filename}: {unreadable} feature(s) have a geometry that cannot be "
                         "read (bad coordinates, e.g. a point with one number)",
                         key="file.err.bad_geometry", name=filename, n=unreadable)
    if gdf.empty:
        raise InputError(f"{filename} holds no polygon", key="file.err.no_polygons", name=filename)
    warnings = list(layer.notices)
    if skipped:
        warnings.append(Notice("file.warn.skipped", n=skipped))
    gdf, label, _ = vector_io.to_lonlat(gdf, layer.name if layer.name.endswith(".shp")
                                        else filename, warnings)
    sites = []
    for _, row in gdf.iterrows():
        attrs = {k: _plain(v) for k, v in row.items() if k != gdf.geometry.name}
        sites.append(make_site(row[gdf.geometry.name], "file", label, list(warnings),
                               _name_from(attrs), attrs, limits))
    return sites


def _plain(v: Any) -> Any:
    if isinstance(v, (np.generic,)):
        return v.item()
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v if isinstance(v, (str, int, float, bool)) else str(v)


def _read_vector_sites(filename: str, data: bytes, limits: Limits) -> list[Site]:
    ext = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="qpa_site_") as tmpdir:
        layers = vector_io.read_layers(filename, data, Path(tmpdir), limits,
                                       family="polygon", all_layers=ext != ".gpkg",
                                       strict=ext == ".gpkg")
    layers = [r for r in layers if not r.frame.empty]
    sites: list[Site] = []
    for layer in layers:
        try:
            sites += _frame_to_sites(layer, filename, limits)
        except InputError as err:
            if err.key != "file.err.no_polygons" or len(layers) == 1:
                raise
    if not sites:
        raise InputError(f"{filename} holds no polygon", key="file.err.no_polygons", name=filename)
    if len(sites) > limits.max_features:
        raise InputError(f"{len(sites):,} sites; at most {limits.max_features:,}",
                         key="input.err.too_many_features", n=len(sites),
                         max=limits.max_features)
    return sites


def _read_jzd_sites(data: bytes, limits: Limits) -> list[Site]:
    return [_parcel_site(p, limits) for p in read_jzd(data)]


def _read_site_file(filename: str, data: bytes, limits: Limits) -> list[Site]:
    ext = Path(filename or "").suffix.lower()
    if ext == ".txt":
        return _read_jzd_sites(data, limits)
    return _read_vector_sites(filename, data, limits)


def read_site_file(filename: str, data: bytes, limits: Limits = SITE) -> list[Site]:
    """Sites from an uploaded file, one per polygon feature / parcel.

    Parameters
    ----------
    filename : str
        The uploaded file's name; its extension chooses the reader:
        ``.geojson``/``.json``, ``.kml``, ``.kmz``, ``.zip`` (a Shapefile:
        .shp, .shx, .dbf, optional .prj and .cpg), ``.gpkg`` (first polygon
        layer), ``.parquet`` (GeoParquet), ``.txt`` (界址点 file).
    data : bytes
        The file content.
    limits : Limits, optional
        :data:`~geo.vector_io.SITE` (default) or :data:`~geo.vector_io.BATCH`.

    Returns
    -------
    list of Site
        Geometry in EPSG:4326 (lon, lat), ``source_kind='file'``; a name from
        a 'name' / '名称' / 'site_id' field (or the 地块名称 of a 界址点 parcel).

    Notes
    -----
    Read by :mod:`geo.vector_io`: bounded by ``limits`` from headers before
    parsing, then parsed and repaired in a child process under a CPU, memory
    and wall-clock limit with no network. Shapefile attributes are read with
    the .cpg's encoding, else UTF-8 if the .dbf decodes as UTF-8, else GBK. A
    .prj is honoured; without one, degree-sized coordinates are taken as
    WGS84 and prefixed Gauss-Krüger ones placed by their prefix (each with a
    warning); anything else asks for the coordinate system.

    Raises
    ------
    InputError
        Unknown type, too big, unreadable file, no polygon, unsafe zip, no
        CRS, a site outside Qinghai, or the reading overran its limits.
    """
    filename = filename or "upload"
    ext = Path(filename).suffix.lower()
    if not data:
        raise InputError(f"{filename} is empty", key="file.err.read", name=filename, reason="empty")
    if ext == ".shp":
        raise InputError("upload the Shapefile as a .zip with its .shx, .dbf and .prj",
                         key="file.err.shp_alone", name=filename)
    if ext != ".txt" and ext not in vector_io.VECTOR_EXTENSIONS:
        raise InputError(f"{filename}: unsupported file type {ext or '(none)'}",
                         key="file.err.type", name=filename, ext=ext)
    if len(data) > limits.max_bytes:
        raise InputError(f"{filename} is {len(data) / 2**20:,.1f} MB; at most "
                         f"{limits.max_bytes / 2**20:,.0f} MB", key="input.err.too_big",
                         name=filename, mb=len(data) / 2**20, max_mb=limits.max_bytes / 2**20)
    return vector_io.guarded(_read_site_file, filename, bytes(data), limits, limits=limits)


def _points_sites(filename: str, data: bytes, limits: Limits) -> list[tuple[str, BaseGeometry]]:
    """(site_id, square) of each row of a CSV of points, each error naming its line."""
    sites: list[tuple[str, BaseGeometry]] = []
    seen: dict[str, int] = {}
    for line, row in vector_io.read_points_csv(filename, data, limits):
        sid = (row.get("site_id") or "").strip()
        if not sid:
            raise InputError(f"{filename} line {line}: site_id is empty", key="err.csv_value",
                             path=filename, line=line, field="site_id")
        if sid in seen:
            raise InputError(f"{filename} line {line}: site_id {sid!r} already used on line "
                             f"{seen[sid]}", key="err.csv_value", path=filename, line=line,
                             field="site_id")
        seen[sid] = line
        vals = {}
        for col, lo, hi in (("lon", -180, 180), ("lat", -90, 90), ("area_ha", 0, math.inf)):
            raw = (row.get(col) or "").strip()
            try:
                vals[col] = vector_io.parse_float(raw)
            except ValueError:
                raise InputError(f"{filename} line {line}: {col} {raw[:40]!r} is not a number",
                                 key="err.csv_number", path=filename, line=line,
                                 field=col, value=raw[:40]) from None
            if not (lo <= vals[col] <= hi) or (col == "area_ha" and vals[col] <= 0):
                bounds = "> 0" if col == "area_ha" else f"{lo}..{hi}"
                raise InputError(f"{filename} line {line}: {col} {raw} is out of range ({bounds})",
                                 key="err.csv_range", path=filename, line=line, field=col,
                                 value=raw[:40], bounds=bounds)
        try:
            site = site_from_point(vals["lon"], vals["lat"], vals["area_ha"])
        except InputError as exc:
            raise InputError(f"{filename} line {line}: {exc}", key="err.csv_value",
                             path=filename, line=line, field="lon/lat/area_ha") from exc
        sites.append((sid, site.geometry))
    return sites


#: Fields a site's id is taken from, first one that names every site distinctly wins: the
#: batch's own column, a 界址点 parcel's 地块编号, common id fields, then names.
_ID_FIELDS = ("site_id", "parcel_id", "地块编号", "dkbh", "编号", "id", "name", "名称", "地块名称")


def _site_ids(sites: list[Site]) -> list[str]:
    for key in _ID_FIELDS:
        ids = [str(s.attrs.get(key) or "").strip() for s in sites]
        if all(ids) and len(set(ids)) == len(ids):
            return ids
    return [str(i) for i in range(1, len(sites) + 1)]


def read_site_list(filename: str, data: bytes, limits: Limits = BATCH
                   ) -> list[tuple[str, BaseGeometry]]:
    """(site_id, polygon) of every site of a batch file: what the batch page and
    ``python -m geo.screen`` / ``python -m geo.batch`` read, with the same messages.

    A CSV ``site_id,lon,lat,area_ha`` (``.csv``, or a ``.txt`` starting with
    that header; each site a geodesic square of that area), else any file
    :func:`read_site_file` reads (界址点 TXT included, GBK or UTF-8), one site
    per polygon feature / parcel, ids from the first of :data:`_ID_FIELDS` (``site_id``, a
    parcel's 地块编号, …) that names every feature distinctly, else the 1-based row number.

    Raises
    ------
    InputError
        As :func:`read_site_file`; for the CSV a bad value names its line.
    """
    filename = filename or "upload"
    if vector_io.is_points_csv(filename, data):
        return _points_sites(filename, data, limits)
    sites = read_site_file(filename, data, limits)
    return list(zip(_site_ids(sites), (s.geometry for s in sites)))


def _parcel_site(parcel: Parcel, limits: Limits = SITE) -> Site:
    label = f"GK zone {parcel.zone} ({'prefixed' if parcel.prefixed else 'no prefix'})"
    attrs = {k: v for k, v in parcel.attrs.items() if k != "extra"}
    return make_site(parcel.geometry, "file", label, parcel.warnings, parcel.name, attrs, limits)
