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
  界址点 TXT.

Anything unusable raises :class:`~geo.errors.InputError` with a translation
key and params (``line`` for pasted text and 界址点 files).
"""
from __future__ import annotations

import io
import math
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import pyogrio
import pyproj
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from . import crs as china_crs
from .errors import InputError
from .gk import Notice, at_line, classify_gk_value, detect_swap, gk_to_lonlat, is_prefixed, zone_table
from .geodesy import GEOD
from .geodesy import area_ha as _area_ha
from .jzd import assemble_polygon, read_jzd

__all__ = [
    "QINGHAI_BBOX",
    "CRS_CHOICES",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_BYTES",
    "Notice",
    "Site",
    "make_site",
    "site_from_point",
    "site_from_geojson",
    "parse_coordinates",
    "parse_angle",
    "read_site_file",
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
#: Zip guards: members, and total uncompressed bytes.
MAX_ZIP_MEMBERS = 50
MAX_ZIP_BYTES = 200 * 1024 * 1024
#: Largest site area accepted from a click, hectares (10 000 km²).
MAX_POINT_AREA_HA = 1_000_000.0

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
    warnings: list = field(default_factory=list)
    name: str = ""
    attrs: dict = field(default_factory=dict)


# ------------------------------------------------------------------ validation
def _polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    """The polygonal part of a geometry (None if there is none)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def _outside(lon: float, lat: float) -> InputError:
    return InputError(
        f"the site is at {lon:.2f}E, {lat:.2f}N — outside Qinghai "
        f"({QINGHAI_BBOX[0]}-{QINGHAI_BBOX[2]}E, {QINGHAI_BBOX[1]}-{QINGHAI_BBOX[3]}N); "
        "check the coordinate system",
        key="site.err.outside_qinghai",
        lon=lon,
        lat=lat,
    )


def _check_in_qinghai(geom: BaseGeometry) -> None:
    minx, miny, maxx, maxy = geom.bounds
    w, s, e, n = QINGHAI_BBOX
    if minx < w or maxx > e or miny < s or maxy > n:
        p = geom.representative_point()
        raise _outside(p.x, p.y)


def make_site(geom: BaseGeometry | None, source_kind: str, crs_in: str,
              warnings=(), name: str = "", attrs: dict | None = None) -> Site:
    """Validate a geometry in (lon, lat) and wrap it as a :class:`Site`.

    The geometry must be polygonal (polygon parts of a collection are kept,
    with a warning), non-empty, valid (else repaired with
    :func:`shapely.make_valid`, with a warning), inside Qinghai's bounding box
    :data:`QINGHAI_BBOX` and of positive area.

    Raises
    ------
    InputError
        Empty, not polygonal, outside Qinghai (the message says where the site
        is), or zero area.
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
    if not poly.is_valid:
        warnings.append(Notice("site.warn.repaired", reason=shapely.is_valid_reason(poly)))
        poly = _polygonal(shapely.make_valid(poly))
        if poly is None or poly.is_empty:
            raise InputError("the site polygon collapses to nothing when repaired",
                             key="site.err.zero_area")
    if not np.all(np.isfinite(shapely.get_coordinates(poly))):
        raise InputError("the site has non-finite coordinates", key="site.err.empty")
    _check_in_qinghai(poly)
    poly = shapely.orient_polygons(poly)
    area = _area_ha(poly)
    if not area > 0:
        raise InputError("the site has no area", key="site.err.zero_area")
    return Site(poly, area, source_kind, crs_in, warnings, name or "", dict(attrs or {}))


# ------------------------------------------------------------------ map click
def _ring_at(lon: float, lat: float, dist_m: np.ndarray, azimuths: np.ndarray):
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
    if not (0 < area <= MAX_POINT_AREA_HA):
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
def site_from_geojson(geometry: dict, name: str = "", source_kind: str = "draw") -> Site:
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
        geoms = [_shape(f.get("geometry")) for f in geometry.get("features", [])]
        geom = shapely.union_all([g for g in geoms if g is not None]) if geoms else None
    elif kind == "Feature":
        props = geometry.get("properties") or {}
        name = name or _name_from(props)
        geom = _shape(geometry.get("geometry"))
    else:
        geom = _shape(geometry)
    return make_site(geom, source_kind, "WGS84", [], name)


def _shape(geometry) -> BaseGeometry | None:
    if geometry is None:
        return None
    try:
        return shape(geometry)
    except Exception as exc:  # shapely raises several types for bad GeoJSON
        raise InputError(f"not a GeoJSON geometry: {exc}", key="site.err.geojson",
                         reason=str(exc)) from None


def _name_from(props: dict) -> str:
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
        return sign * float(s), axis
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


def _pick_pair(vals: list[_Value], name: str, degrees: bool):
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


def _degrees_to_lonlat(groups, crs: str, warnings: list) -> list[list[tuple]]:
    rings, swapped = [], 0
    for g in groups:
        pts = [_lonlat_of(p) for p in g]
        swapped += sum(s for *_, s in pts)
        lon = np.array([p[0] for p in pts])
        lat = np.array([p[1] for p in pts])
        if crs == "gcj02":
            lon, lat = china_crs.gcj02_to_wgs84(lon, lat)
        elif crs == "bd09":
            lon, lat = china_crs.bd09_to_wgs84(lon, lat)
        rings.append(list(zip(np.atleast_1d(lon), np.atleast_1d(lat))))
    if swapped:
        warnings.append(Notice("site.warn.swapped_lonlat", n=swapped))
    return rings


def _gk_to_lonlat(groups, crs: str, zone: int | None, warnings: list) -> tuple[list, str]:
    xs, ys, swapped = [], [], 0
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


def _close_and_check(rings: list[list[tuple]], groups) -> list[list[tuple]]:
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
    groups = _parse_lines(text or "", degrees)
    if not groups:
        raise InputError("no coordinates were given", key="site.err.no_points", line=1)
    warnings: list = []
    if degrees:
        rings, label = _degrees_to_lonlat(groups, crs, warnings), CRS_CHOICES[crs]
    else:
        rings, label = _gk_to_lonlat(groups, crs, zone, warnings)
    rings = _close_and_check(rings, groups)
    return make_site(assemble_polygon(rings), "paste", label, warnings, name)


# ------------------------------------------------------------------ files
def _bad_file(filename: str, reason: str) -> InputError:
    return InputError(f"cannot read {filename}: {reason}", key="file.err.read",
                      name=filename, reason=reason)


def _check_member(info: zipfile.ZipInfo) -> None:
    name = info.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts or is_link:
        raise InputError(f"the zip holds an unsafe path {info.filename!r}",
                         key="file.err.zip_traversal", name=info.filename)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    """Open an uploaded zip after checking member count, size and paths."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InputError(f"not a valid zip file: {exc}", key="file.err.zip_bad",
                         reason=str(exc)) from None
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise InputError(f"the zip holds {len(infos)} files; at most {MAX_ZIP_MEMBERS} allowed",
                         key="file.err.zip_members", n=len(infos), max=MAX_ZIP_MEMBERS)
    total = sum(i.file_size for i in infos)
    if total > MAX_ZIP_BYTES:
        raise InputError(f"the zip unpacks to {total / 2**20:,.0f} MB; at most "
                         f"{MAX_ZIP_BYTES / 2**20:,.0f} MB allowed",
                         key="file.err.zip_size", mb=total / 2**20, max_mb=MAX_ZIP_BYTES / 2**20)
    for info in infos:
        _check_member(info)
    return zf


def _extract(zf: zipfile.ZipFile, dest: Path) -> list[Path]:
    """Extract checked members under ``dest``, counting the bytes really written."""
    written, paths = 0, []
    for info in zf.infolist():
        if info.is_dir():
            continue
        target = (dest / info.filename.replace("\\", "/")).resolve()
        if dest.resolve() not in target.parents:
            raise InputError(f"the zip holds an unsafe path {info.filename!r}",
                             key="file.err.zip_traversal", name=info.filename)
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, open(target, "wb") as out:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > MAX_ZIP_BYTES:
                    raise InputError("the zip unpacks to more than allowed",
                                     key="file.err.zip_size", mb=written / 2**20,
                                     max_mb=MAX_ZIP_BYTES / 2**20)
                out.write(chunk)
        paths.append(target)
    return paths


_CPG = {"936": "GBK", "cp936": "GBK", "gbk": "GBK", "gb2312": "GBK", "gb18030": "GB18030",
        "65001": "UTF-8", "utf-8": "UTF-8", "utf8": "UTF-8"}


def _dbf_encoding(shp: Path) -> tuple[str | None, str]:
    """Attribute encoding of a Shapefile: .cpg, else UTF-8 if it decodes, else GBK.

    Returns (encoding for pyogrio or None to let GDAL read the .cpg, how found).
    """
    cpg = next((p for p in shp.parent.glob(shp.stem + ".*") if p.suffix.lower() == ".cpg"), None)
    if cpg is not None:
        value = cpg.read_text(encoding="ascii", errors="ignore").strip()
        return _CPG.get(value.lower(), value or None), "cpg"
    dbf = next((p for p in shp.parent.glob(shp.stem + ".*") if p.suffix.lower() == ".dbf"), None)
    if dbf is None:
        return None, "none"
    raw = dbf.read_bytes()
    header_len = int.from_bytes(raw[8:10], "little") if len(raw) >= 10 else len(raw)
    names = b"".join(raw[32 + 32 * i: 43 + 32 * i].split(b"\0")[0]
                     for i in range(max(0, (header_len - 33) // 32)))
    body = names + raw[header_len:].rstrip(b"\x1a")
    for enc, label in (("utf-8", "UTF-8"), ("gb18030", "GBK")):
        try:
            body.decode(enc)
            return label, "guess"
        except UnicodeDecodeError:
            continue
    return "ISO-8859-1", "guess"


def _label_crs(crs: pyproj.CRS | None) -> str:
    if crs is None:
        return "unknown"
    epsg = crs.to_epsg(min_confidence=70)
    for (zone, prefixed), code in zone_table().items():
        if code == epsg:
            return f"GK zone {zone} ({'prefixed' if prefixed else 'no prefix'})"
    if epsg == 4326:
        return "WGS84"
    if epsg == 4490:
        return "CGCS2000"
    return f"EPSG:{epsg}" if epsg else crs.name


def _gk_prefix_mismatch(gdf, warnings: list):
    """A GK .prj whose prefix variant contradicts the coordinates: use the other."""
    epsg = gdf.crs.to_epsg(min_confidence=70)
    for (zone, prefixed), code in zone_table().items():
        if code != epsg:
            continue
        data_prefixed = is_prefixed(shapely.get_coordinates(gdf.geometry.values)[:, 0])
        if data_prefixed != prefixed:
            warnings.append(Notice("file.warn.prj_prefix", zone=zone))
            return gdf.set_crs(zone_table()[(zone, data_prefixed)], allow_override=True)
    return gdf


def _undeclared_crs(gdf, filename: str, warnings: list):
    """Place a layer without CRS: degrees as WGS84, prefixed GK by its prefix."""
    xy = shapely.get_coordinates(gdf.geometry.values)
    if xy.size == 0:
        return gdf, "unknown"
    if np.all(np.abs(xy[:, 0]) <= 180) and np.all(np.abs(xy[:, 1]) <= 90):
        warnings.append(Notice("file.warn.assumed_wgs84", name=filename))
        return gdf.set_crs(4326), "WGS84 (assumed)"
    try:
        _, y_east, swapped = detect_swap(xy[0, 1], xy[0, 0])
    except InputError:
        swapped, y_east = False, float("nan")
    if not (y_east >= 1e7):
        raise InputError(f"{filename} has no .prj and its coordinates do not say their "
                         "system; add the .prj or give the coordinate system",
                         key="file.err.no_crs", name=filename)
    col_x, col_y = (1, 0) if swapped else (0, 1)
    lon, lat = gk_to_lonlat(xy[:, col_y], xy[:, col_x])
    zone = int(y_east // 1e6)
    warnings.append(Notice("file.warn.gk_from_prefix", name=filename, zone=zone))
    if swapped:
        warnings.append(Notice("site.warn.swapped_xy", n=len(xy)))
    out = gdf.copy()
    out.geometry = shapely.set_coordinates(gdf.geometry.values.copy(), np.column_stack([lon, lat]))
    return out.set_crs(4326, allow_override=True), f"GK zone {zone} (prefixed)"


def _to_lonlat(gdf, filename: str, warnings: list):
    if gdf.crs is None:
        return _undeclared_crs(gdf, filename, warnings)
    gdf = _gk_prefix_mismatch(gdf, warnings)
    label = _label_crs(gdf.crs)
    return gdf.to_crs(4326), label


def _frame_to_sites(gdf, filename: str, warnings: list) -> list[Site]:
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    keep = gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"]) | gdf.geometry.apply(
        lambda g: _polygonal(g) is not None)
    skipped = int((~keep).sum())
    gdf = gdf[keep]
    if gdf.empty:
        raise InputError(f"{filename} holds no polygon", key="file.err.no_polygons", name=filename)
    if skipped:
        warnings.append(Notice("file.warn.skipped", n=skipped))
    gdf, label = _to_lonlat(gdf, filename, warnings)
    sites = []
    for _, row in gdf.iterrows():
        attrs = {k: _plain(v) for k, v in row.items() if k != gdf.geometry.name}
        sites.append(make_site(row[gdf.geometry.name], "file", label, list(warnings),
                               _name_from(attrs), attrs))
    return sites


def _plain(v):
    if isinstance(v, (np.generic,)):
        return v.item()
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v if isinstance(v, (str, int, float, bool)) else str(v)


def _read_layers(path: Path, filename: str, layers, encoding: str | None = None):
    frames = []
    for layer in layers:
        try:
            frames.append(pyogrio.read_dataframe(path, layer=layer, encoding=encoding))
        except Exception as exc:  # pyogrio/GDAL raise many kinds
            raise _bad_file(filename, str(exc)) from None
    return frames


def _list_layers(path: Path, filename: str):
    try:
        return pyogrio.list_layers(path)
    except Exception as exc:
        raise _bad_file(filename, str(exc)) from None


def _read_vector(path: Path, filename: str, first_polygon_layer: bool) -> list[Site]:
    layers = _list_layers(path, filename)
    if first_polygon_layer:
        chosen = [name for name, gtype in layers if gtype and "polygon" in str(gtype).lower()]
        if not chosen:
            raise InputError(f"{filename} has no polygon layer", key="file.err.no_polygons",
                             name=filename)
        chosen = chosen[:1]
    else:
        chosen = [name for name, _ in layers]
    sites = []
    frames = [f for f in _read_layers(path, filename, chosen) if not f.empty]
    if not frames:
        raise InputError(f"{filename} holds no polygon", key="file.err.no_polygons", name=filename)
    for frame in frames:
        try:
            sites += _frame_to_sites(frame, filename, [])
        except InputError as err:
            if err.key != "file.err.no_polygons" or len(frames) == 1:
                raise
    if not sites:
        raise InputError(f"{filename} holds no polygon", key="file.err.no_polygons", name=filename)
    return sites


def _read_shapefile_zip(data: bytes, filename: str, tmp: Path) -> list[Site]:
    zf = _open_zip(data)
    paths = _extract(zf, tmp)
    shps = sorted(p for p in paths if p.suffix.lower() == ".shp")
    if not shps:
        kml = [p for p in paths if p.suffix.lower() in (".kml", ".geojson", ".json", ".gpkg")]
        if kml:
            return _read_vector(kml[0], filename, kml[0].suffix.lower() == ".gpkg")
        raise InputError(f"{filename} holds no .shp file", key="file.err.zip_no_shp", name=filename)
    sites = []
    for shp in shps:
        present = {p.suffix.lower() for p in shp.parent.glob(shp.stem + ".*")}
        missing = [ext for ext in (".shx", ".dbf") if ext not in present]
        if missing:
            raise InputError(f"{shp.name} lacks {', '.join(missing)}",
                             key="file.err.zip_missing_part", name=shp.name,
                             parts=", ".join(missing))
        encoding, how = _dbf_encoding(shp)
        warnings = [Notice("file.warn.encoding", encoding=encoding)] if how == "guess" else []
        frame = _read_layers(shp, filename, [0], encoding=encoding)[0]
        sites += _frame_to_sites(frame, shp.name, warnings)
    return sites


def read_site_file(filename: str, data: bytes) -> list[Site]:
    """Sites from an uploaded file, one per polygon feature / parcel.

    Parameters
    ----------
    filename : str
        The uploaded file's name; its extension chooses the reader:
        ``.geojson``/``.json``, ``.kml``, ``.kmz``, ``.zip`` (a Shapefile:
        .shp, .shx, .dbf, optional .prj and .cpg), ``.gpkg`` (first polygon
        layer), ``.txt`` (界址点 file).
    data : bytes
        The file content.

    Returns
    -------
    list of Site
        Geometry in EPSG:4326 (lon, lat), ``source_kind='file'``; a name from
        a 'name' / '名称' / 'site_id' field (or the 地块名称 of a 界址点 parcel).

    Notes
    -----
    Shapefile attributes are read with the .cpg's encoding, else UTF-8 if the
    .dbf decodes as UTF-8, else GBK. A .prj is honoured (a Gauss-Krüger
    Shapefile comes out in lon, lat); without one, degree-sized coordinates
    are taken as WGS84 and prefixed Gauss-Krüger ones placed by their prefix
    (each with a warning); anything else asks for the coordinate system.
    Zips are refused when they hold unsafe paths, more than
    :data:`MAX_ZIP_MEMBERS` files, or unpack to more than :data:`MAX_ZIP_BYTES`.

    Raises
    ------
    InputError
        Unknown type, unreadable file, no polygon, unsafe zip, no CRS, or a
        site outside Qinghai.
    """
    ext = Path(filename or "").suffix.lower()
    if not data:
        raise InputError(f"{filename} is empty", key="file.err.read", name=filename, reason="empty")
    if ext == ".txt":
        return [_parcel_site(p) for p in read_jzd(data)]
    if ext == ".shp":
        raise InputError("upload the Shapefile as a .zip with its .shx, .dbf and .prj",
                         key="file.err.shp_alone", name=filename)
    if ext not in (".geojson", ".json", ".kml", ".kmz", ".zip", ".gpkg"):
        raise InputError(f"{filename}: unsupported file type {ext or '(none)'}",
                         key="file.err.type", name=filename, ext=ext)
    with tempfile.TemporaryDirectory(prefix="qpa_site_") as tmpdir:
        tmp = Path(tmpdir)
        if ext in (".zip", ".kmz"):
            return _read_shapefile_zip(data, filename, tmp)
        path = tmp / f"upload{ext}"
        path.write_bytes(data)
        return _read_vector(path, filename, ext == ".gpkg")


def _parcel_site(parcel) -> Site:
    label = f"GK zone {parcel.zone} ({'prefixed' if parcel.prefixed else 'no prefix'})"
    attrs = {k: v for k, v in parcel.attrs.items() if k != "extra"}
    return make_site(parcel.geometry, "file", label, parcel.warnings, parcel.name, attrs)
