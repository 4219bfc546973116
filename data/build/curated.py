"""Curated, seed-derived layers: hand-made source files to GeoDataFrames.

The files under ``data/sources/`` are written by hand from the policy seeds
(``../shared/seeds/``) and public descriptions; this module validates them and
turns them into layers with provenance (``source``, ``source_date``,
``accuracy``, ``name_zh``, ``name_en``):

* ``bases.yaml``       -> :func:`build_bases` (indicative geodesic circles);
* ``salt_lakes.yaml``  -> :func:`build_salt_lakes` (GSHHG outline when given, else ellipse);
* ``deposits.yaml``    -> :func:`build_deposits` (points);
* ``redlines.yaml``    -> :func:`build_redlines` (hand-drawn polygons, Qinghai Lake buffered);
* ``quotas.csv``       -> :func:`build_quotas` (sample figures, a plain DataFrame).

All geometry is EPSG:4326 in (lon, lat) order; areas are ellipsoidal
(``pyproj.Geod(ellps='WGS84')``) in hectares. Bad content raises
:class:`CuratedDataError` (a ``ValueError``) naming the file and the entry.

Run ``python -m data.build.curated`` to print a summary and the red-line
coverage warning.
"""
from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import yaml
from pyproj import Geod, Transformer
from shapely import transform as shp_transform
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.geodesy import area_ha

__all__ = [
    "SOURCES_DIR",
    "QINGHAI_BBOX",
    "TIERS",
    "CuratedDataError",
    "RedlineCoverageWarning",
    "load_yaml",
    "geodesic_ellipse",
    "build_bases",
    "build_salt_lakes",
    "build_deposits",
    "build_redlines",
    "redline_coverage",
    "build_quotas",
    "build_curated",
]

SOURCES_DIR = Path(__file__).resolve().parents[1] / "sources"
#: (min lon, min lat, max lon, max lat) every curated vertex must fall in.
QINGHAI_BBOX: tuple[float, float, float, float] = (89.3, 31.5, 103.2, 39.3)
#: tier -> English label; the YAML may add the output target.
TIERS: dict[str, str] = {"千亿": "100-billion-yuan", "五百亿": "50-billion-yuan"}
MINERAL_CODES: tuple[str, ...] = ("K", "Na", "Mg", "Li", "B")
SCALES: dict[str, str] = {"large": "大型", "medium": "中型", "small": "小型"}
CATEGORIES: dict[str, str] = {
    "国家公园": "national park",
    "自然保护区": "nature reserve",
    "风景名胜区": "scenic area",
    "森林公园": "forest park",
    "湿地公园": "wetland park",
    "饮用水水源保护区": "drinking-water source protection area",
    "其他生态保护红线": "other ecological protection red line",
}
CONTROL_LEVELS: dict[str, str] = {
    "核心保护区": "core protection zone",
    "一般控制区": "general control zone",
}
REDLINE_TOTAL_KM2_DEFAULT = 296_400.0
QUOTA_SOURCE_DEFAULT = "sample figures for demonstration — not official; replace via the quota ledger"

_GEOD = Geod(ellps="WGS84")
_CRS = "EPSG:4326"


class CuratedDataError(ValueError):
    """A curated source file has bad content (names the file and entry)."""


class RedlineCoverageWarning(UserWarning):
    """The indicative red-line layer covers far less than the real red line."""


# --------------------------------------------------------------------------- helpers
def load_yaml(name: str) -> dict[str, Any]:
    """Load ``data/sources/<name>`` (``.yaml`` added if missing) as a mapping."""
    fname = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
    path = SOURCES_DIR / fname
    if not path.exists():
        raise CuratedDataError(f"{fname}: file not found in {SOURCES_DIR}")
    with path.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    if not isinstance(data, dict):
        raise CuratedDataError(f"{fname}: top level must be a mapping, got {type(data).__name__}")
    return data


def _entries(data: dict, key: str, fname: str) -> list[dict]:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise CuratedDataError(f"{fname}: top-level '{key}' must be a non-empty list")
    return items


def _require(entry: dict, fields: tuple[str, ...], fname: str, where: str) -> None:
    for f in fields:
        v = entry.get(f)
        if v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, list) and not v):
            raise CuratedDataError(f"{fname}: {where} is missing field '{f}'")


def _where(entry: dict, i: int) -> str:
    return f"entry {i} (id={entry.get('id', '?')!r})"


def _checked(data: dict, key: str, fname: str, fields: tuple[str, ...]
             ) -> Iterator[tuple[dict, str]]:
    """Each entry of ``data[key]`` with its place for messages (``where``), after checking that
    it has every field of ``fields`` and an id no earlier entry has."""
    seen: set[Any] = set()
    for i, e in enumerate(_entries(data, key, fname)):
        where = _where(e, i)
        _require(e, fields, fname, where)
        if e["id"] in seen:
            raise CuratedDataError(f"{fname}: {where} duplicates id {e['id']!r}")
        seen.add(e["id"])
        yield e, where


def _in_bbox(lon: float, lat: float) -> bool:
    x0, y0, x1, y1 = QINGHAI_BBOX
    return x0 <= lon <= x1 and y0 <= lat <= y1


def _check_lonlat(lon: Any, lat: Any, fname: str, where: str) -> tuple[float, float]:
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise CuratedDataError(f"{fname}: {where} has non-numeric lon/lat ({lon!r}, {lat!r})") from None
    if not _in_bbox(lon, lat):
        raise CuratedDataError(
            f"{fname}: {where} position ({lon}, {lat}) is outside the Qinghai bbox {QINGHAI_BBOX}"
            " (order is lon, lat)"
        )
    return lon, lat


def _check_geometry(geom: BaseGeometry, fname: str, where: str) -> BaseGeometry:
    if geom.is_empty or not geom.is_valid:
        raise CuratedDataError(f"{fname}: {where} has an invalid or empty polygon; fix the outline")
    x0, y0, x1, y1 = geom.bounds
    if not (_in_bbox(x0, y0) and _in_bbox(x1, y1)):
        raise CuratedDataError(
            f"{fname}: {where} has vertices outside the Qinghai bbox {QINGHAI_BBOX}: bounds {geom.bounds}"
        )
    return geom


def _check_date(value: Any, fname: str, where: str) -> str:
    s = str(value)
    try:
        pd.Timestamp(s)
        if len(s) != 10:
            raise ValueError
    except ValueError:
        raise CuratedDataError(f"{fname}: {where} source_date {s!r} is not an ISO date YYYY-MM-DD") from None
    return s


def geodesic_ellipse(
    lon: float, lat: float, area_ha: float, ratio: float = 1.0, azimuth: float = 90.0, n: int = 64
) -> Polygon:
    """Polygon of ``n`` vertices approximating a geodesic ellipse of ``area_ha``.

    The semi-major axis points along ``azimuth`` (degrees clockwise from north;
    90 = east-west); ``ratio`` = major / minor (1 = circle). Vertices come
    from :meth:`pyproj.Geod.fwd`; coordinate order is (lon, lat).
    """
    if area_ha <= 0 or ratio < 1:
        raise ValueError(f"area_ha must be > 0 and ratio >= 1, got {area_ha}, {ratio}")
    # scale so the inscribed n-gon (not the ellipse) has the requested area
    k = math.sqrt((2 * math.pi / n) / math.sin(2 * math.pi / n))
    a = k * math.sqrt(area_ha * 1e4 * ratio / math.pi)
    b = a / ratio
    lons, lats = [], []
    for i in range(n):
        t = 2 * math.pi * i / n
        dx, dy = a * math.cos(t), b * math.sin(t)  # dx along the major axis
        r = math.hypot(dx, dy)
        az = azimuth + math.degrees(math.atan2(-dy, dx))
        x, y, _ = _GEOD.fwd(lon, lat, az, r)
        lons.append(x)
        lats.append(y)
    return Polygon(zip(lons, lats))


def _local_buffer(geom: BaseGeometry, metres: float) -> BaseGeometry:
    """Buffer a lon/lat geometry by ``metres`` in a local azimuthal equidistant CRS."""
    c = geom.centroid
    aeqd = f"+proj=aeqd +lat_0={c.y} +lon_0={c.x} +datum=WGS84 +units=m"
    fwd = Transformer.from_crs(_CRS, aeqd, always_xy=True)
    inv = Transformer.from_crs(aeqd, _CRS, always_xy=True)
    local = shp_transform(geom, lambda xy: _stack(fwd.transform(xy[:, 0], xy[:, 1])))
    out = local.buffer(metres)
    return shp_transform(out, lambda xy: _stack(inv.transform(xy[:, 0], xy[:, 1])))


def _stack(xy: tuple) -> Any:
    import numpy as np

    return np.column_stack(xy)


def _gdf(rows: list[dict], geoms: list[BaseGeometry]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=_CRS)


# --------------------------------------------------------------------------- bases
_BASE_FIELDS = (
    "id", "seq", "name_zh", "name_en", "tier", "prefecture_zh", "prefecture_en", "county_zh",
    "county_en", "lon", "lat", "position_note", "area_ha", "positioning_zh", "positioning_en", "chains",
)
_CHAIN_FIELDS = ("id", "name_zh", "name_en", "steps_zh", "steps_en", "cite", "basis_zh")


def build_bases(n_vertices: int = 64) -> gpd.GeoDataFrame:
    """The 15 major industrial bases with indicative circular outlines.

    Each base is a geodesic circle of its (indicative) ``area_ha`` centred on
    its ``lon``/``lat``; ``area_ha`` in the result is recomputed from the
    polygon (ellipsoidal). ``chains`` is a JSON string (``ensure_ascii=False``).
    """
    fname = "bases.yaml"
    data = load_yaml(fname)
    tiers = data.get("tiers") or {}
    tier_cite = data.get("tier_cite", "")
    src_date = _check_date(data.get("source_date", ""), fname, "top level")
    rows, geoms = [], []
    for e, where in _checked(data, "bases", fname, _BASE_FIELDS):
        if e["tier"] not in TIERS:
            raise CuratedDataError(f"{fname}: {where} has unknown tier {e['tier']!r}; expected one of {list(TIERS)}")
        lon, lat = _check_lonlat(e["lon"], e["lat"], fname, where)
        try:
            area = float(e["area_ha"])
            if area <= 0:
                raise ValueError
        except (TypeError, ValueError):
            raise CuratedDataError(f"{fname}: {where} area_ha must be a positive number, got {e['area_ha']!r}") from None
        chains = e["chains"]
        for j, c in enumerate(chains):
            cw = f"{where} chain {j} (id={c.get('id', '?')!r})"
            _require(c, _CHAIN_FIELDS, fname, cw)
            if len(c["steps_zh"]) != len(c["steps_en"]):
                raise CuratedDataError(f"{fname}: {cw} has {len(c['steps_zh'])} steps_zh but {len(c['steps_en'])} steps_en")
        geom = _check_geometry(geodesic_ellipse(lon, lat, area, n=n_vertices), fname, where)
        t = tiers.get(e["tier"], {})
        target = t.get("target_output_yi_yuan")
        seq = int(e["seq"])
        item_cite = f"001 §四.{seq}"
        rows.append({
            "id": e["id"],
            "seq": seq,
            "name_zh": e["name_zh"],
            "name_en": e["name_en"],
            "tier": e["tier"],
            "tier_en": TIERS[e["tier"]],
            "tier_cite": tier_cite,
            "target_output_yi_yuan": target,
            "target_output_zh": f"{target}亿元" if target else None,
            "target_output_en": f"CNY {target / 10:g} billion output (2020 target)" if target else None,
            "prefecture_zh": e["prefecture_zh"],
            "prefecture_en": e["prefecture_en"],
            "county_zh": e["county_zh"],
            "county_en": e["county_en"],
            "lon": lon,
            "lat": lat,
            "position_note": e["position_note"],
            "positioning_zh": e["positioning_zh"],
            "positioning_en": " ".join(str(e["positioning_en"]).split()),
            "chains": json.dumps(chains, ensure_ascii=False),
            "chain_names_zh": "; ".join(c["name_zh"] for c in chains),
            "chain_names_en": "; ".join(c["name_en"] for c in chains),
            "n_chains": len(chains),
            "area_ha": round(area_ha(geom), 1),
            "area_note": e.get("area_note", ""),
            "source": (
                f"seed 001 {item_cite} (name, positioning, chains); seed 004 §三.(六).4 (tier); "
                "position and area indicative from public descriptions (see position_note, area_note)"
            ),
            "source_date": src_date,
            "accuracy": "indicative",
            "cite": f"{item_cite}; {tier_cite}",
        })
        geoms.append(geom)
    gdf = _gdf(rows, geoms).sort_values("seq").reset_index(drop=True)
    return gdf


# --------------------------------------------------------------------------- salt lakes
def _find_lake(lakes: gpd.GeoDataFrame | None, name_en: str | None) -> BaseGeometry | None:
    if lakes is None or not name_en or "name_en" not in lakes.columns or len(lakes) == 0:
        return None
    hit = lakes[lakes["name_en"].astype(str).str.strip().str.lower() == name_en.strip().lower()]
    if hit.empty:
        return None
    if hit.crs is not None and not hit.crs.equals(_CRS):
        hit = hit.to_crs(_CRS)
    geom = hit.geometry.union_all()
    return None if geom is None or geom.is_empty else geom


def build_salt_lakes(lakes: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Salt lakes with minerals; real GSHHG outline when ``lakes`` has a match.

    Parameters
    ----------
    lakes : GeoDataFrame, optional
        A lakes table with a ``name_en`` column (e.g. ``build_hydro()['lakes']``).
        A lake whose ``gshhg_name_en`` matches a row (case-insensitive) gets
        that outline and accuracy ``derived``; one farther than 50 km from the
        curated centre is rejected with a warning. Otherwise an indicative
        geodesic ellipse of ``area_km2``.
    """
    fname = "salt_lakes.yaml"
    data = load_yaml(fname)
    src = " ".join(str(data.get("source", "")).split())
    src_date = _check_date(data.get("source_date", ""), fname, "top level")
    rows, geoms = [], []
    for e, where in _checked(data, "lakes", fname,
                             ("id", "name_zh", "name_en", "minerals", "lon", "lat", "area_km2", "cite")):
        bad = [m for m in e["minerals"] if m not in MINERAL_CODES]
        if bad:
            raise CuratedDataError(f"{fname}: {where} has unknown minerals {bad}; allowed {list(MINERAL_CODES)}")
        lon, lat = _check_lonlat(e["lon"], e["lat"], fname, where)
        geom, accuracy, how = None, "indicative", ""
        gname = e.get("gshhg_name_en")
        real = _find_lake(lakes, gname)
        if real is not None:
            dist = _GEOD.inv(lon, lat, real.centroid.x, real.centroid.y)[2]
            if dist > 50_000:
                warnings.warn(
                    f"{fname}: {where}: lakes-table outline '{gname}' lies {dist / 1000:.0f} km from the "
                    "curated centre; using the indicative ellipse instead",
                    UserWarning,
                    stacklevel=2,
                )
            else:
                geom, accuracy = real, "derived"
                how = f"outline: GSHHG 2.3.7 lake '{gname}' (open water) from the lakes table"
        if geom is None:
            ratio = float(e.get("semi_axes_ratio", 1.5))
            geom = geodesic_ellipse(lon, lat, float(e["area_km2"]) * 100, ratio=ratio, azimuth=float(e.get("azimuth", 90)))
            how = f"outline: indicative geodesic ellipse of the public area {e['area_km2']} km² at the curated centre"
        geom = _check_geometry(geom, fname, where)
        rows.append({
            "id": e["id"],
            "name_zh": e["name_zh"],
            "name_en": e["name_en"],
            "minerals": ",".join(e["minerals"]),
            "lon": lon,
            "lat": lat,
            "area_km2_public": float(e["area_km2"]),
            "area_ha": round(area_ha(geom), 1),
            "gshhg_name_en": gname,
            "cite": e["cite"],
            "note": " ".join(str(e.get("note", "")).split()),
            "source": f"{src} {how}.",
            "source_date": src_date,
            "accuracy": accuracy,
        })
        geoms.append(geom)
    return _gdf(rows, geoms)


# --------------------------------------------------------------------------- deposits
def build_deposits() -> gpd.GeoDataFrame:
    """Mineral deposits as indicative points, with the strategic-mineral flag."""
    fname = "deposits.yaml"
    data = load_yaml(fname)
    src = " ".join(str(data.get("source", "")).split())
    src_date = _check_date(data.get("source_date", ""), fname, "top level")
    fields = ("id", "name_zh", "name_en", "commodity", "commodity_zh", "commodity_en", "scale", "scale_zh",
              "important_basis", "lon", "lat", "position_note")
    rows, geoms = [], []
    for e, where in _checked(data, "deposits", fname, fields):
        if e["scale"] not in SCALES or SCALES[e["scale"]] != e["scale_zh"]:
            raise CuratedDataError(f"{fname}: {where} scale {e['scale']!r}/{e['scale_zh']!r} not one of {SCALES}")
        if not isinstance(e.get("important"), bool):
            raise CuratedDataError(f"{fname}: {where} 'important' must be true or false")
        lon, lat = _check_lonlat(e["lon"], e["lat"], fname, where)
        rows.append({
            **{k: e[k] for k in fields if k not in ("lon", "lat")},
            "important": e["important"],
            "lon": lon,
            "lat": lat,
            "source": src,
            "source_date": src_date,
            "accuracy": data.get("accuracy", "indicative"),
        })
        geoms.append(Point(lon, lat))
    return _gdf(rows, geoms)


# --------------------------------------------------------------------------- red lines
def build_redlines(lakes: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Indicative ecological red-line / protected-area polygons.

    An entry with ``lake_name_en`` (Qinghai Lake) uses the real lake outline
    from ``lakes`` buffered by ``lake_buffer_m`` (accuracy ``derived``) when
    given, else its hand-made ``outline`` (``indicative``). ``area_ha`` is
    ellipsoidal. See :func:`redline_coverage` for the coverage warning.
    """
    fname = "redlines.yaml"
    data = load_yaml(fname)
    fields = ("id", "name_zh", "name_en", "category", "category_en", "control_level", "control_level_en",
              "outline", "outline_note", "legal_basis", "source", "source_date")
    rows, geoms = [], []
    for e, where in _checked(data, "redlines", fname, fields):
        if e["category"] not in CATEGORIES:
            raise CuratedDataError(f"{fname}: {where} has unknown category {e['category']!r}; expected one of {list(CATEGORIES)}")
        if e["control_level"] not in CONTROL_LEVELS:
            raise CuratedDataError(
                f"{fname}: {where} has unknown control_level {e['control_level']!r}; expected one of {list(CONTROL_LEVELS)}"
            )
        outline = e["outline"]
        if len(outline) < 12:
            raise CuratedDataError(f"{fname}: {where} outline has {len(outline)} vertices; at least 12 are required")
        for v in outline:
            if not (isinstance(v, (list, tuple)) and len(v) == 2):
                raise CuratedDataError(f"{fname}: {where} outline vertex {v!r} is not [lon, lat]")
            _check_lonlat(v[0], v[1], fname, where)
        geom, accuracy, how = Polygon(outline), data.get("accuracy", "indicative"), "hand-made outline"
        real = _find_lake(lakes, e.get("lake_name_en"))
        if real is not None:
            buf = float(e.get("lake_buffer_m", 0))
            geom = _local_buffer(real, buf) if buf > 0 else real
            accuracy = "derived"
            how = f"GSHHG '{e['lake_name_en']}' outline buffered {buf:g} m (lakes table)"
        geom = _check_geometry(geom, fname, where)
        rows.append({
            "id": e["id"],
            "name_zh": e["name_zh"],
            "name_en": e["name_en"],
            "category": e["category"],
            "category_en": e["category_en"],
            "control_level": e["control_level"],
            "control_level_en": e["control_level_en"],
            "area_ha": round(area_ha(geom), 1),
            "area_km2_public": e.get("area_km2_public"),
            "outline_note": " ".join(str(e["outline_note"]).split()),
            "outline_method": how,
            "legal_basis": e["legal_basis"],
            "source": " ".join(str(e["source"]).split()),
            "source_date": _check_date(e["source_date"], fname, where),
            "accuracy": accuracy,
        })
        geoms.append(geom)
    gdf = _gdf(rows, geoms)
    gdf.attrs["redline_total_km2"] = float(data.get("redline_total_km2", REDLINE_TOTAL_KM2_DEFAULT))
    return gdf


def redline_coverage(redlines: gpd.GeoDataFrame, warn: bool = True) -> float:
    """Ratio of the layer's (dissolved) area to Qinghai's red line (296,400 km²).

    Emits a :class:`RedlineCoverageWarning` and prints it when ``warn``.
    """
    total_km2 = float(redlines.attrs.get("redline_total_km2", REDLINE_TOTAL_KM2_DEFAULT))
    layer_km2 = area_ha(redlines.geometry.union_all()) / 100
    ratio = layer_km2 / total_km2
    if warn:
        msg = (
            f"WARNING: the indicative red-line layer covers {layer_km2:,.0f} km², i.e. {ratio:.1%} of Qinghai's "
            f"ecological protection red line ({total_km2:,.0f} km², ≈41% of the province, provincial territorial "
            "plan 2021-2035). A site outside these polygons is NOT thereby outside the red line; import the "
            "authoritative red line."
        )
        warnings.warn(msg, RedlineCoverageWarning, stacklevel=2)
    return ratio


# --------------------------------------------------------------------------- quotas
def build_quotas(bases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sample land quotas per base and year, with ``remaining_ha``.

    ``remaining_ha = allocated_ha - used_ha - reserved_ha`` must be >= 0.
    Names (``name_zh``, ``name_en``) are joined from the bases.
    """
    fname = "quotas.csv"
    path = SOURCES_DIR / fname
    df = pd.read_csv(path, dtype={"base_id": str, "source": str, "source_date": str, "accuracy": str})
    need = ["base_id", "year", "allocated_ha", "used_ha", "reserved_ha", "source", "source_date", "accuracy"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise CuratedDataError(f"{fname}: missing columns {missing}")
    if bases is None:
        bases = build_bases()
    names = bases.set_index("id")[["name_zh", "name_en"]]
    unknown = sorted(set(df["base_id"]) - set(names.index))
    if unknown:
        raise CuratedDataError(f"{fname}: unknown base_id {unknown}")
    if df.duplicated(["base_id", "year"]).any():
        dup = df.loc[df.duplicated(["base_id", "year"]), ["base_id", "year"]].values.tolist()
        raise CuratedDataError(f"{fname}: duplicate (base_id, year) rows {dup}")
    for c in ("allocated_ha", "used_ha", "reserved_ha"):
        df[c] = pd.to_numeric(df[c], errors="raise").astype(float)
        neg = df[df[c] < 0]
        if not neg.empty:
            raise CuratedDataError(f"{fname}: negative {c} in rows {neg[['base_id', 'year']].values.tolist()}")
    df["remaining_ha"] = df["allocated_ha"] - df["used_ha"] - df["reserved_ha"]
    over = df[df["remaining_ha"] < 0]
    if not over.empty:
        raise CuratedDataError(
            f"{fname}: used + reserved exceeds allocated for {over[['base_id', 'year']].values.tolist()}"
        )
    for i, d in enumerate(df["source_date"]):
        _check_date(d, fname, f"row {i}")
    df = df.join(names, on="base_id")
    return df[["base_id", "name_zh", "name_en", "year", "allocated_ha", "used_ha", "reserved_ha",
               "remaining_ha", "source", "source_date", "accuracy"]]


# --------------------------------------------------------------------------- all
def build_curated(lakes: gpd.GeoDataFrame | None = None, warn: bool = True) -> dict[str, pd.DataFrame]:
    """All curated layers: bases, salt_lakes, deposits, redlines, quotas.

    Prints the red-line coverage warning (see :func:`redline_coverage`).
    """
    bases = build_bases()
    redlines = build_redlines(lakes)
    redline_coverage(redlines, warn=warn)
    return {
        "bases": bases,
        "salt_lakes": build_salt_lakes(lakes),
        "deposits": build_deposits(),
        "redlines": redlines,
        "quotas": build_quotas(bases),
    }


if __name__ == "__main__":  # pragma: no cover
    layers = build_curated()
    for name, frame in layers.items():
        acc = frame["accuracy"].value_counts().to_dict() if "accuracy" in frame else {}
        print(f"{name:11s} {len(frame):3d} rows  accuracy={acc}")
