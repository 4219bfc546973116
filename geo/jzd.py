"""The 界址点 TXT land boundary-point exchange file: read and write.

This is the plain-text file of parcel boundary points that China's land
administration exchanges for land-use pre-review (用地预审), land survey
(勘测定界) and supplementary-farmland records. A file looks like::

    [属性描述]
    格式版本号=1.01版本
    坐标系=2000国家大地坐标系
    几度分带=3
    投影类型=高斯克吕格
    计量单位=米
    带号=34
    精度=0.001
    转换参数=,,,,,,
    [地块坐标]
    5,2.5000,1,某某项目用地,面,J47G019034,工业用地,,@
    J1,1,4058123.456,34512345.678
    J2,1,4058123.456,34512495.678
    ...
    J1,1,4058123.456,34512345.678

Each parcel starts with a header line — point count (界址点数), area in
hectares (地块面积, ellipsoidal), parcel id (地块编号), name (地块名称),
geometry type (面), sheet number (图幅号), land use (地块用途), land-class
code (地类编码) — ending with ``@``. Then one line per point: point number,
ring number, X (northing), Y (easting, with or without the zone prefix).
Ring 1 is the outer ring; further rings are holes, or further parts when
they lie outside every earlier outer ring. Each ring is closed by repeating
its first point. Files are usually GBK (also UTF-8, with or without BOM).

Geometry is returned in EPSG:4326 (lon, lat); areas are ellipsoidal hectares.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

import numpy as np
import shapely

from .beijing_time import beijing
from shapely.errors import GEOSException
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from .errors import InputError
from .vector_io import decode_text, parse_float
from .geodesy import area_ha
from .gk import (
    Notice,
    at_line,
    check_zone,
    detect_swap,
    gk_to_lonlat,
    lonlat_to_gk,
    zone_for_lon,
)

__all__ = [
    "ATTR_FIELDS",
    "Parcel",
    "decode_text",
    "read_jzd",
    "write_jzd",
    "MAX_FROM_CM_DEG",
    "assemble_polygon",
    "AREA_TOLERANCE",
]

#: Parcel header fields in file order: (attrs key, Chinese name in the standard).
ATTR_FIELDS: tuple[tuple[str, str], ...] = (
    ("point_count", "界址点数"),
    ("area_ha", "地块面积"),
    ("parcel_id", "地块编号"),
    ("name", "地块名称"),
    ("geometry_type", "图形属性"),
    ("sheet", "图幅号"),
    ("land_use", "地块用途"),
    ("land_class", "地类编码"),
)
#: Relative difference between stated and computed area that is reported.
AREA_TOLERANCE = 0.01

_SECTION = re.compile(r"^\[(.+)\]$")
_SEP = re.compile(r"[,，]")
_CLOSE_TOL_M = 1e-4  # a ring's last point equal to its first within 0.1 mm closes it
#: A parcel may be written in its own 3° zone or a neighbouring one (a county across two
#: zones keeps one), i.e. up to 3° from the central meridian; farther, the Gauss-Krüger
#: scale error (~1e-3 at 3°, ~3e-3 at 5°) would falsify every 界址点 and area.
MAX_FROM_CM_DEG = 3.0


@dataclass
class Parcel:
    """One parcel of a 界址点 file.

    Attributes
    ----------
    attrs : dict
        Header fields under the keys of :data:`ATTR_FIELDS` (``point_count``
        int, ``area_ha`` float as stated, the rest str) plus ``extra`` (list of
        any further fields).
    header : dict
        The file's ``[属性描述]`` block (坐标系, 几度分带, 投影类型, 计量单位,
        带号, 精度, 转换参数, ...), values as written.
    geometry : shapely Polygon or MultiPolygon
        The parcel in EPSG:4326 (lon, lat).
    zone : int
        3-degree Gauss-Krüger zone of the coordinates.
    prefixed : bool
        Whether the eastings carried the zone prefix.
    points : list of tuple
        ``(point_no, ring_no, x_north, y_east)`` as read (after any X/Y swap
        fix), closing points included.
    warnings : list of Notice
        Problems found and tolerated (area or point count mismatch, swapped
        X/Y, repaired geometry, non-CGCS2000 datum).
    line : int
        1-based line number of the parcel's header line.
    encoding : str
        Text encoding the file was decoded with.
    """

    attrs: dict[str, Any]
    header: dict[str, Any]
    geometry: BaseGeometry
    zone: int
    prefixed: bool
    points: list[tuple[str, int, float, float]] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    line: int = 0
    encoding: str = "utf-8"

    @property
    def area_ha(self) -> float:
        """Ellipsoidal area of :attr:`geometry` in hectares (computed)."""
        return area_ha(self.geometry)

    @property
    def name(self) -> str:
        """The parcel name (地块名称), or its id if unnamed."""
        return self.attrs.get("name") or str(self.attrs.get("parcel_id") or "")


#: What :func:`write_jzd` takes: one geometry or parcel, or several.
Parcels: TypeAlias = "BaseGeometry | Parcel | Iterable[BaseGeometry | Parcel]"


# --------------------------------------------------------------------- decoding
# ---------------------------------------------------------------------- reading
@dataclass
class _RawParcel:
    attrs: dict[str, Any]
    line: int
    points: list[tuple[str, int, float, float, int]] = field(default_factory=list)  # (no, ring, a, b, line)


def _split(line: str) -> list[str]:
    return [f.strip() for f in _SEP.split(line)]


def _int_field(value: str, line: int, field_name: str, text: str) -> int:
    try:
        return int(parse_float(value))
    except (ValueError, OverflowError):
        raise _bad_header(line, text, field_name) from None


def _bad_header(line: int, text: str, field_name: str) -> InputError:
    return InputError(
        f"line {line}: cannot read the parcel header field {field_name} in {text!r}; "
        "expected point count, area (ha), parcel id, name, 面, sheet, land use, land "
        "class, @",
        key="jzd.err.bad_header",
        line=line,
        field=field_name,
        text=text,
    )


def _parse_parcel_header(text: str, line: int) -> dict[str, Any]:
    """Attributes of a parcel header line ``count,area,id,name,面,...,@``."""
    fields = _split(text.rstrip().removesuffix("@"))
    if fields and fields[-1] == "":
        fields.pop()
    fields += [""] * (len(ATTR_FIELDS) - len(fields))
    attrs: dict[str, Any] = {key: fields[i] for i, (key, _) in enumerate(ATTR_FIELDS)}
    attrs["extra"] = fields[len(ATTR_FIELDS):]
    attrs["point_count"] = _int_field(fields[0], line, "界址点数", text)
    try:
        attrs["area_ha"] = parse_float(fields[1]) if fields[1] else float("nan")
    except ValueError:
        raise _bad_header(line, text, "地块面积") from None
    return attrs


def _parse_point(text: str, line: int) -> tuple[str, int, float, float, int]:
    """``(point_no, ring_no, a, b, line)`` from a point line ``J1,1,X,Y``."""
    fields = _split(text)
    try:
        if len(fields) < 4:
            raise ValueError
        return (fields[0], int(parse_float(fields[1])), parse_float(fields[2]),
                parse_float(fields[3]), line)
    except (ValueError, OverflowError):
        raise InputError(
            f"line {line}: cannot read {text!r}; expected point number, ring number, "
            "X (northing), Y (easting)",
            key="jzd.err.bad_line",
            line=line,
            text=text,
        ) from None


def _looks_like_header(text: str) -> bool:
    """A parcel header line that lost its '@' (has the 面/线/点 type field)."""
    fields = _split(text)
    return len(fields) >= 5 and fields[4] in ("面", "线", "点")


def _scan(text: str) -> tuple[dict[str, Any], list[_RawParcel]]:
    """Split the text into the 属性描述 header and raw parcels."""
    header: dict[str, Any] = {}
    parcels: list[_RawParcel] = []
    section = "地块坐标"
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        m = _SECTION.match(line)
        if m:
            section = m.group(1).strip()
            continue
        if section == "属性描述":
            key, sep, value = line.partition("=")
            if sep:
                header[key.strip()] = value.strip()
            continue
        if section != "地块坐标":
            continue
        if line.endswith("@"):
            parcels.append(_RawParcel(_parse_parcel_header(line, no), no))
        elif _looks_like_header(line):
            raise InputError(
                f"line {no}: a parcel header line must end with '@'",
                key="jzd.err.no_at",
                line=no,
                text=line,
            )
        elif not parcels:
            raise InputError(
                f"line {no}: a point comes before any parcel header line ending with '@'",
                key="jzd.err.no_header",
                line=no,
                text=line,
            )
        else:
            parcels[-1].points.append(_parse_point(line, no))
    return header, parcels


def _header_int(header: dict[str, Any], key: str) -> int | None:
    m = re.search(r"\d+", header.get(key, ""))
    return int(m.group()) if m else None


def _check_header(header: dict[str, Any]) -> list[Notice]:
    """Refuse what cannot be read; return warnings for what is tolerated."""
    width = _header_int(header, "几度分带")
    if width is not None and width != 3:
        raise InputError(
            f"几度分带={header['几度分带']}: only 3-degree zones are supported",
            key="jzd.err.zone_width",
            value=header["几度分带"],
        )
    unit = header.get("计量单位", "米")
    if unit and unit not in ("米", "m", "M", "metre", "meter"):
        raise InputError(
            f"计量单位={unit}: coordinates must be in metres (米)",
            key="jzd.err.units",
            value=unit,
        )
    proj = header.get("投影类型", "高斯克吕格")
    if proj and (re.search(r"utm|通用", proj, re.I)
                 or not re.search(r"高斯|gauss|gk|横轴墨卡托|transverse", proj, re.I)):
        raise InputError(
            f"投影类型={proj}: only Gauss-Krüger (高斯克吕格) is supported",
            key="jzd.err.projection",
            value=proj,
        )
    datum = header.get("坐标系", "")
    if re.search(r"80|西安|54|北京", datum):
        return [Notice("jzd.warn.datum", value=datum)]
    return []


def _fix_swaps(raw: _RawParcel) -> tuple[np.ndarray, np.ndarray, int]:
    """Northings and eastings of a parcel's points, and how many were swapped."""
    xs, ys, swapped = [], [], 0
    for _, _, a, b, line in raw.points:
        try:
            x, y, s = detect_swap(a, b)
        except InputError as err:
            raise at_line(err, line) from None
        xs.append(x)
        ys.append(y)
        swapped += s
    return np.array(xs), np.array(ys), swapped


def _parcel_zone(ys: np.ndarray, header_zone: int | None, given: int | None,
                 line: int, qinghai_only: bool) -> tuple[int, bool]:
    """Zone and prefix state of a parcel from 带号, the Y prefix or ``given``."""
    prefixed = np.abs(ys) >= 1e7
    if prefixed.any() and not prefixed.all():
        raise InputError(
            f"line {line}: some eastings Y carry the zone prefix and some do not",
            key="jzd.err.prefix_mixed",
            line=line,
        )
    stated = header_zone if header_zone is not None else given
    if prefixed.all():
        zones = sorted({int(v // 1e6) for v in ys})
        if len(zones) > 1 or (stated is not None and stated != zones[0]):
            raise InputError(
                f"line {line}: 带号 is {stated} but the eastings Y say zone "
                f"{', '.join(map(str, zones))}",
                key="jzd.err.zone_mismatch",
                line=line,
                zone=stated,
                prefix_zone=", ".join(map(str, zones)),
            )
        stated = zones[0]
    if stated is None:
        raise InputError(
            f"line {line}: no 带号 in the header and no zone prefix on Y; give the zone",
            key="jzd.err.zone_needed",
            line=line,
        )
    try:
        return check_zone(stated, qinghai_only=qinghai_only), bool(prefixed.all())
    except InputError as err:
        raise at_line(err, line) from None


def _rings(raw: _RawParcel, lon: np.ndarray, lat: np.ndarray) -> list[list[tuple[float, float]]]:
    """Group (lon, lat) by ring number in file order, closing points dropped."""
    groups: dict[int, list[int]] = {}
    for i, (_, ring, *_rest) in enumerate(raw.points):
        groups.setdefault(ring, []).append(i)
    rings = []
    for ring_no, idx in groups.items():
        coords = [(lon[i], lat[i]) for i in idx]
        if len(coords) > 1 and _same(coords[0], coords[-1]):
            coords.pop()
        distinct = {(round(x, 9), round(y, 9)) for x, y in coords}
        if len(distinct) < 3:
            line = raw.points[idx[0]][4]
            raise InputError(
                f"line {line}: ring {ring_no} has {len(distinct)} distinct points; "
                "a polygon needs at least 3",
                key="jzd.err.few_points",
                line=line,
                ring=ring_no,
                n=len(distinct),
            )
        rings.append(coords)
    return rings


def _same(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return bool(abs(p[0] - q[0]) < 1e-9 and abs(p[1] - q[1]) < 1e-9)


def assemble_polygon(rings: list[list[tuple[float, float]]]) -> BaseGeometry:
    """Build a (Multi)Polygon from rings in order: outer rings, then holes.

    The first ring is an outer ring. Every further ring that lies inside an
    earlier outer ring becomes a hole of it; one that does not starts a new
    part. Rings need not be closed. Exteriors come out counter-clockwise,
    holes clockwise (in lon, lat).

    Parameters
    ----------
    rings : list of list of (lon, lat)
        Ring coordinates in degrees (or any planar x, y).

    Returns
    -------
    shapely Polygon or MultiPolygon (possibly invalid; the caller repairs).
    """
    shells: list[Polygon] = []
    holes: list[list[list[tuple[float, float]]]] = []
    for coords in rings:
        ring_poly = Polygon(coords)
        probe = ring_poly.representative_point() if ring_poly.is_valid else ring_poly.centroid
        host = next((i for i, s in enumerate(shells)
                     if s.area > ring_poly.area and _contains(s, probe)), None)
        if host is None:
            shells.append(ring_poly)
            holes.append([])
        else:
            holes[host].append(coords)
    parts = [orient(Polygon(s.exterior.coords, h), 1.0) for s, h in zip(shells, holes)]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _contains(shell: Polygon, probe: BaseGeometry) -> bool:
    """Whether ``shell`` contains ``probe`` (False where GEOS cannot say: invalid shell)."""
    try:
        return bool(shell.contains(probe))
    except GEOSException:
        return False


def _repair(geom: BaseGeometry, warnings: list[Notice]) -> BaseGeometry:
    if geom.is_valid:
        return geom
    reason = shapely.is_valid_reason(geom)
    fixed = shapely.make_valid(geom)
    polys = [g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon", "MultiPolygon")]
    fixed = shapely.union_all(polys) if polys else fixed
    warnings.append(Notice("site.warn.repaired", reason=reason))
    return fixed


def _build_parcel(raw: _RawParcel, header: dict[str, Any], header_warnings: list[Notice],
                  zone: int | None, qinghai_only: bool, encoding: str) -> Parcel:
    if not raw.points:
        raise InputError(
            f"line {raw.line}: the parcel has no points",
            key="jzd.err.no_points",
            line=raw.line,
        )
    warnings = list(header_warnings)
    xs, ys, swapped = _fix_swaps(raw)
    if swapped:
        warnings.append(Notice("site.warn.swapped_xy", n=swapped, line=raw.line))
    z, prefixed = _parcel_zone(ys, _header_int(header, "带号"), zone, raw.line, qinghai_only)
    lon, lat = gk_to_lonlat(xs, ys, z)
    geom = _repair(assemble_polygon(_rings(raw, np.atleast_1d(lon), np.atleast_1d(lat))), warnings)
    points = [(p[0], p[1], float(x), float(y)) for p, x, y in zip(raw.points, xs, ys)]
    parcel = Parcel(dict(raw.attrs), header, geom, z, prefixed, points, warnings,
                    raw.line, encoding)
    _check_counts(parcel)
    return parcel


def _check_counts(parcel: Parcel) -> None:
    """Add warnings for a stated point count or area that does not match."""
    stated_n, actual_n = parcel.attrs["point_count"], len(parcel.points)
    label = parcel.attrs.get("parcel_id") or parcel.line
    if stated_n != actual_n:
        parcel.warnings.append(Notice("jzd.warn.count_mismatch", parcel=label,
                                      stated=stated_n, actual=actual_n, line=parcel.line))
    stated, computed = parcel.attrs["area_ha"], parcel.area_ha
    if np.isfinite(stated) and computed > 0 and abs(stated - computed) / computed > AREA_TOLERANCE:
        parcel.warnings.append(Notice(
            "jzd.warn.area_mismatch", parcel=label, stated=stated, computed=computed,
            pct=100.0 * (stated - computed) / computed, line=parcel.line))


def read_jzd(data: bytes | str, zone: int | None = None,
             qinghai_only: bool = True) -> list[Parcel]:
    """Read a 界址点 TXT file into parcels in EPSG:4326 (lon, lat).

    Parameters
    ----------
    data : bytes or str
        File content; bytes are decoded as UTF-8 (BOM or not) or GBK.
    zone : int, optional
        3-degree zone to use when the file states no 带号 and its eastings
        carry no prefix.
    qinghai_only : bool, optional
        Refuse zones that do not cover Qinghai (30-34); default True.

    Returns
    -------
    list of Parcel
        In file order; each carries its own ``warnings`` (area off by more
        than 1 % from the computed ellipsoidal area, point count mismatch,
        X/Y swapped and fixed, repaired geometry, non-CGCS2000 datum).

    Raises
    ------
    InputError
        Undecodable or empty file, an unreadable line (``params['line']``),
        a point before any header, a header without '@', 带号 disagreeing with
        the Y prefix, no zone at all, fewer than 3 distinct points in a ring,
        a zone width other than 3 degrees, units other than metres.
    """
    text, encoding = decode_text(data)
    header, raws = _scan(text)
    if not raws:
        raise InputError(
            "the file holds no parcel (no header line ending with '@')",
            key="jzd.err.empty",
            line=max(1, len(text.splitlines())),
        )
    header_warnings = _check_header(header)
    return [_build_parcel(r, header, header_warnings, zone, qinghai_only, encoding)
            for r in raws]


# ---------------------------------------------------------------------- writing
def _clean(value: object) -> str:
    """A header field value without separators or line breaks."""
    return re.sub(r"[,@\r\n]", " ", "" if value is None else str(value)).strip()


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type == "MultiPolygon":
        return list(geom.geoms)
    raise InputError(
        f"a 界址点 parcel must be a polygon, not {geom.geom_type}",
        key="site.err.not_polygon",
        kind=geom.geom_type,
    )


def _ring_lines(coords: Sequence[tuple[float, float]], ring_no: int, first_no: int, zone: int, prefixed: bool,
                decimals: int) -> list[str]:
    """Point lines of one ring (closed by repeating its first point)."""
    xy = np.asarray(coords)[:-1]  # shapely rings repeat the first point
    x_north, y_east, _ = lonlat_to_gk(xy[:, 0], xy[:, 1], zone, prefixed)
    lines = [f"J{first_no + i},{ring_no},{x:.{decimals}f},{y:.{decimals}f}"
             for i, (x, y) in enumerate(zip(np.atleast_1d(x_north), np.atleast_1d(y_east)))]
    return lines + [lines[0]]


def _parcel_lines(geom: BaseGeometry, attrs: dict[str, Any], index: int, zone: int,
                  prefixed: bool, decimals: int) -> list[str]:
    points: list[str] = []
    ring_no, point_no = 0, 1
    for poly in _polygons(geom):
        poly = orient(poly, -1.0)  # exterior clockwise, as surveyors number points
        for ring in [poly.exterior, *poly.interiors]:
            ring_no += 1
            lines = _ring_lines(ring.coords, ring_no, point_no, zone, prefixed, decimals)
            point_no += len(lines) - 1
            points += lines
    head = [len(points), f"{area_ha(geom):.4f}",
            _clean(attrs.get("parcel_id") or index), _clean(attrs.get("name") or f"地块{index}"),
            "面", _clean(attrs.get("sheet")), _clean(attrs.get("land_use")),
            _clean(attrs.get("land_class"))]
    return [",".join(map(str, head)) + ",@", *points]


def _items(items: Parcels, attrs: Iterable[dict[str, Any] | None] | None
           ) -> list[tuple[BaseGeometry, dict[str, Any]]]:
    if isinstance(items, BaseGeometry) or hasattr(items, "geometry"):
        items = [items]
    items = list(items)
    attrs = list(attrs) if attrs is not None else [None] * len(items)
    if len(attrs) != len(items):
        raise ValueError(f"attrs has {len(attrs)} entries but there are {len(items)} parcels")
    out = []
    for item, extra in zip(items, attrs):
        geom = getattr(item, "geometry", item)
        base = dict(getattr(item, "attrs", {}) or {})
        if not base and getattr(item, "name", None):
            base["name"] = item.name
        out.append((geom, {**base, **(extra or {})}))
    return out


def write_jzd(items: Parcels, zone: int | None = None, prefixed: bool = True, *,
              attrs: Iterable[dict[str, Any] | None] | None = None, header: dict[str, Any] | None = None, decimals: int = 4,
              newline: str = "\r\n") -> str:
    """Write parcels as a 界址点 TXT file (encode the result as GBK or UTF-8).

    Parameters
    ----------
    items : Parcel, shapely geometry, or a sequence of them
        Polygons / MultiPolygons in EPSG:4326 (lon, lat); anything with a
        ``geometry`` attribute (a :class:`Parcel`, a ``Site``) is accepted and
        its ``attrs`` (or ``name``) used.
    zone : int, optional
        3-degree zone; default the zone of the mean longitude of all parcels.
    prefixed : bool, optional
        Write the zone prefix on the eastings Y (default True).
    attrs : sequence of dict, optional
        Per-parcel header fields (keys of :data:`ATTR_FIELDS`: parcel_id, name,
        sheet, land_use, land_class), overriding the items' own.
    header : dict, optional
        ``[属性描述]`` entries overriding the defaults (e.g. 数据产生单位).
    decimals : int, optional
        Decimals of X and Y in metres (default 4, 0.1 mm).
    newline : str, optional
        Line separator (default CRLF, as the land administration's tools write).

    Returns
    -------
    str
        The file text. Areas are ellipsoidal hectares; point counts include
        each ring's closing point; point numbers run J1, J2, ... per parcel,
        each ring closed by repeating its first point.
    """
    pairs = _items(items, attrs)
    if not pairs:
        raise InputError("there is no parcel to write", key="jzd.err.empty", line=0)
    lons = [g.centroid.x for g, _ in pairs]
    if zone is None:
        zone = zone_for_lon(float(np.mean(lons)))
    zone = check_zone(zone)
    far = max(lons, key=lambda x: abs(x - 3 * zone))
    if abs(far - 3 * zone) > MAX_FROM_CM_DEG:
        raise InputError(f"a parcel at {far:.2f}°E is {abs(far - 3 * zone):.1f}° from zone "
                         f"{zone}'s central meridian {3 * zone}°E", key="jzd.err.zone_far",
                         zone=zone, cm=3 * zone, lon=round(far, 2),
                         own=zone_for_lon(float(np.mean(lons))))
    head = {
        "格式版本号": "1.01版本",
        "数据产生单位": "",
        "数据产生日期": beijing(_dt.datetime.now(_dt.UTC)).date().isoformat(),
        "坐标系": "2000国家大地坐标系",
        "几度分带": "3",
        "投影类型": "高斯克吕格",
        "计量单位": "米",
        "带号": str(zone),
        "精度": f"{10.0 ** -decimals:.{decimals}f}",
        "转换参数": ",,,,,,",
        **(header or {}),
    }
    lines = ["[属性描述]", *(f"{k}={v}" for k, v in head.items()), "[地块坐标]"]
    for i, (geom, a) in enumerate(pairs, start=1):
        lines += _parcel_lines(geom, a, i, zone, prefixed, decimals)
    return newline.join(lines) + newline
