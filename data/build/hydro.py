"""Lakes and rivers of Qinghai from GSHHG (via Debian ``gmt`` + ``gmt-gshhg-full``).

Source: GSHHG 2.3.7, full resolution, as packaged by Debian ``gmt-gshhg-full``
(LGPL-3+), read through GMT 6 (``gmt``). WGS84.

Lakes
    ``gmt grdlandmask -R89.3/103.2/31.5/39.3 -I0.0025 -Df -N0/0/1/0/1`` gives a
    0.0025-degree (~250 m) grid with 1 on lakes and ponds, 0 elsewhere (plain
    ``gmt coast`` lake outlines come out broken at GSHHG bin edges). The 1-cells
    are polygonised with ``rasterio.features.shapes`` (4-connectivity), the
    staircase is removed with a Douglas-Peucker simplification of 0.0015 degree
    (~150 m, under one cell), polygons are made valid, lakes under 5 km^2 and
    lakes not touching the province (from :func:`data.build.admin.build_admin`)
    are dropped. GSHHG has no names: each lake is named from :data:`LAKE_NAMES`,
    a table of reference positions, by containment (or the nearest lake within
    5 km). Positions marked approximate in the table are from general maps and
    only matter for lakes that GSHHG does contain.

Rivers
    ``gmt coast -Df -I<level> -M`` for levels 1-4 (1 double-lined rivers,
    2 permanent major, 3 additional major, 4 additional rivers), parsed from
    GMT's multi-segment text, merged per level, clipped to the province
    buffered by 0.05 degree and simplified (0.001 degree). No names.

Run on its own (needs ``gmt`` on PATH)::

    python -c "from data.build.hydro import build_hydro; print(build_hydro())"
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.features
import shapely
from pyproj import Geod
from shapely.geometry import shape

from data.build.admin import to_multipolygon
from geo.geodesy import area_ha

__all__ = [
    "SOURCE",
    "SOURCE_DATE",
    "REGION",
    "LAKE_NAMES",
    "MIN_LAKE_KM2",
    "SALT_LAKES_OF_INTEREST",
    "build_hydro",
    "lake_by_name",
    "parse_gmt_multisegment",
]

SOURCE = "GSHHG 2.3.7 full resolution (Debian gmt-gshhg-full), LGPL-3+"
#: GSHHG 2.3.7 was released 2017-06-15 (the version's date in its README).
SOURCE_DATE = "2017-06-15"
REGION = "89.3/103.2/31.5/39.3"
GRID_STEP = 0.0025
MIN_LAKE_KM2 = 5.0
LAKE_SIMPLIFY_DEG = 0.0015
RIVER_SIMPLIFY_DEG = 0.001
RIVER_MARGIN_DEG = 0.05
NAME_MATCH_KM = 5.0

_GEOD = Geod(ellps="WGS84")

#: (name_zh, name_en, lon, lat, approximate) reference positions of lakes.
#: Exact-ish (to ~0.05 deg) for the large lakes; ``approximate=True`` where
#: the position is only known to ~0.1-0.2 deg (those lakes are mostly absent
#: from GSHHG anyway, see SALT_LAKES_OF_INTEREST).
LAKE_NAMES: list[tuple[str, str, float, float, bool]] = [
    ("青海湖", "Qinghai Lake", 100.20, 36.88, False),
    ("哈拉湖", "Hala Lake", 97.58, 38.28, False),
    ("鄂陵湖", "Ngoring Lake", 97.70, 34.92, False),
    ("扎陵湖", "Gyaring Lake", 97.27, 34.95, False),
    ("赤布张错", "Chibzhang Co", 90.26, 33.45, False),
    ("乌兰乌拉湖", "Ulan Ul Lake", 90.44, 34.82, False),
    ("西金乌兰湖", "Xijir Ulan Lake", 90.34, 35.20, False),
    ("可可西里湖", "Hoh Xil Lake", 91.15, 35.58, False),
    ("库赛湖", "Kusai Lake", 92.85, 35.73, False),
    ("卓乃湖", "Zhuonai Lake", 91.92, 35.54, False),
    ("勒斜武担湖", "Lexiewudan Lake", 90.21, 35.74, False),
    ("太阳湖", "Taiyang Lake", 90.64, 35.92, False),
    ("雀莫错", "Quemo Co", 91.19, 33.89, True),
    ("冬给措纳湖", "Donggi Cona", 98.56, 35.28, False),
    ("尕斯库勒湖", "Gas Hure Lake", 90.86, 38.09, False),
    ("苏干湖", "Sugan Lake", 93.88, 38.86, False),
    ("东台吉乃尔湖", "Dong Taijinar Lake", 93.93, 37.50, False),
    ("西台吉乃尔湖", "Xi Taijinar Lake", 93.38, 37.70, False),
    ("一里坪", "Yiliping", 93.20, 37.90, True),
    ("达布逊湖", "Dabusun Lake", 95.17, 36.98, False),
    ("涩聂湖", "Senie Lake", 94.75, 36.97, True),
    ("霍布逊湖", "Huobuxun Lake", 96.10, 36.85, True),
    ("托素湖", "Toson Lake", 96.93, 37.13, False),
    ("可鲁克湖", "Hurleg Lake", 96.89, 37.27, False),
    ("尕海", "Gahai Lake", 97.55, 37.13, True),
    ("大柴旦湖", "Da Qaidam Lake", 95.20, 37.84, True),
    ("小柴旦湖", "Xiao Qaidam Lake", 95.50, 37.48, True),
    ("柯柯盐湖", "Keke Salt Lake", 98.22, 36.95, True),
    ("茶卡盐湖", "Chaka Salt Lake", 99.08, 36.70, True),
    ("阿拉克湖", "Alag Lake", 97.15, 35.57, True),
    ("龙羊峡水库", "Longyangxia Reservoir", 100.75, 36.05, True),
]

#: Salt lakes the salt-lake layer would like real outlines for.
SALT_LAKES_OF_INTEREST = (
    "Dabusun Lake",
    "Senie Lake",
    "Huobuxun Lake",
    "Dong Taijinar Lake",
    "Xi Taijinar Lake",
    "Yiliping",
    "Gas Hure Lake",
    "Da Qaidam Lake",
    "Xiao Qaidam Lake",
    "Keke Salt Lake",
    "Chaka Salt Lake",
)

RIVER_LEVELS = {
    1: ("双线河流", "double-lined river"),
    2: ("常年主要河流", "permanent major river"),
    3: ("其他主要河流", "additional major river"),
    4: ("其他河流", "additional river"),
}


def _gmt() -> str:
    exe = shutil.which("gmt")
    if exe is None:
        raise RuntimeError("GMT not found: apt-get install gmt gmt-gshhg-full")
    return exe


def _run_gmt(args: list[str], cwd: Path) -> str:
    proc = subprocess.run(
        [_gmt(), *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"gmt {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def parse_gmt_multisegment(text: str) -> list[np.ndarray]:
    """Parse GMT multi-segment ASCII (``>`` header lines) into coordinate arrays.

    Parameters
    ----------
    text : str
        Output of e.g. ``gmt coast -M``: segments separated by lines starting
        with ``>``; data lines hold ``lon lat`` (tab or space separated).

    Returns
    -------
    list of numpy.ndarray
        One ``(n, 2)`` float array per segment with at least two points.
    """
    segments: list[np.ndarray] = []
    current: list[tuple[float, float]] = []

    def flush() -> None:
        if len(current) >= 2:
            segments.append(np.asarray(current, dtype=float))
        current.clear()

    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(">"):
            flush()
            continue
        parts = line.split()
        current.append((float(parts[0]), float(parts[1])))
    flush()
    return segments


def _lake_polygons(workdir: Path) -> list:
    _run_gmt(
        ["grdlandmask", f"-R{REGION}", f"-I{GRID_STEP}", "-Df", "-N0/0/1/0/1", "-Glakes.nc"],
        workdir,
    )
    with rasterio.open(workdir / "lakes.nc") as ds:
        grid = ds.read(1)
        transform = ds.transform
    mask = grid == 1
    polys = [
        shape(geom)
        for geom, _ in rasterio.features.shapes(
            mask.astype(np.uint8), mask=mask, transform=transform, connectivity=4
        )
    ]
    return polys


def _clean_lake(poly):
    simplified = shapely.simplify(poly, LAKE_SIMPLIFY_DEG, preserve_topology=True)
    return to_multipolygon(simplified)


def _province_geometry():
    from data.build.admin import build_admin

    return build_admin()["admin_province"].geometry.iloc[0]


def _name_lakes(lakes: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Assign names from LAKE_NAMES; return lakes and the name table with matches."""
    lakes = lakes.copy()
    lakes["name_zh"] = None
    lakes["name_en"] = None
    matches = []
    for name_zh, name_en, lon, lat, approx in LAKE_NAMES:
        pt = shapely.Point(lon, lat)
        hit = None
        contains = lakes.index[lakes.geometry.contains(pt)]
        if len(contains):
            hit, dist_km = contains[0], 0.0
        else:
            # distance to each outline in km (geodesic to the nearest point)
            best = None
            for idx, geom in lakes.geometry.items():
                near = shapely.ops.nearest_points(geom, pt)[0]
                d = _GEOD.inv(lon, lat, near.x, near.y)[2] / 1000
                if best is None or d < best[1]:
                    best = (idx, d)
            if best is not None and best[1] <= NAME_MATCH_KM:
                hit, dist_km = best
        if hit is not None and lakes.at[hit, "name_en"] is not None:
            hit = None  # already named by an earlier (larger, more certain) entry
        if hit is not None:
            lakes.at[hit, "name_zh"] = name_zh
            lakes.at[hit, "name_en"] = name_en
        matches.append(
            {
                "name_zh": name_zh,
                "name_en": name_en,
                "ref_lon": lon,
                "ref_lat": lat,
                "ref_approximate": approx,
                "in_gshhg": hit is not None,
                "lake_id": lakes.at[hit, "lake_id"] if hit is not None else None,
                "match_km": round(dist_km, 2) if hit is not None else None,
            }
        )
    unnamed = lakes["name_en"].isna()
    lakes.loc[unnamed, "name_zh"] = "未命名湖泊 " + lakes.loc[unnamed, "lake_id"]
    lakes.loc[unnamed, "name_en"] = "Unnamed lake " + lakes.loc[unnamed, "lake_id"]
    return lakes, pd.DataFrame(matches)


def _build_lakes(workdir: Path, province) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    rows = []
    for poly in _lake_polygons(workdir):
        geom = _clean_lake(poly)
        if geom.is_empty:
            continue
        area = area_ha(geom)
        if area < MIN_LAKE_KM2 * 100 or not geom.intersects(province):
            continue
        rows.append({"geometry": geom, "area_ha": round(area, 1)})
    # deterministic ids: by area, then position
    rows.sort(key=lambda r: (-r["area_ha"], r["geometry"].centroid.x, r["geometry"].centroid.y))
    for i, r in enumerate(rows, start=1):
        r["lake_id"] = f"L{i:02d}"
    lakes = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    lakes, table = _name_lakes(lakes)
    lakes["source"] = SOURCE
    lakes["source_date"] = SOURCE_DATE
    lakes["accuracy"] = "derived"
    cols = ["lake_id", "name_zh", "name_en", "area_ha", "source", "source_date",
            "accuracy", "geometry"]
    return lakes[cols].reset_index(drop=True), table


def _build_rivers(workdir: Path, province) -> gpd.GeoDataFrame:
    clip = shapely.buffer(province, RIVER_MARGIN_DEG)
    rows = []
    for level, (zh, en) in RIVER_LEVELS.items():
        text = _run_gmt(["coast", f"-R{REGION}", "-Df", f"-I{level}", "-M"], workdir)
        lines = [shapely.LineString(seg) for seg in parse_gmt_multisegment(text)]
        if not lines:
            continue
        merged = shapely.line_merge(shapely.union_all(lines))
        clipped = shapely.intersection(merged, clip)
        simplified = shapely.simplify(clipped, RIVER_SIMPLIFY_DEG, preserve_topology=True)
        parts = [
            p for p in shapely.get_parts(simplified)
            if p.geom_type == "LineString" and not p.is_empty and p.length > 0
        ]
        parts.sort(key=lambda p: (-p.length, p.coords[0]))
        for i, part in enumerate(parts, start=1):
            rid = f"R{level}-{i:03d}"
            rows.append(
                {
                    "river_id": rid,
                    "level": level,
                    "name_zh": f"河流（{zh}）",
                    "name_en": f"River ({en})",
                    "length_km": round(_GEOD.geometry_length(part) / 1000, 2),
                    "source": SOURCE,
                    "source_date": SOURCE_DATE,
                    "accuracy": "derived",
                    "geometry": part,
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def build_hydro(province=None) -> dict[str, gpd.GeoDataFrame]:
    """Build the lake and river layers of Qinghai from GSHHG.

    Parameters
    ----------
    province : shapely.Geometry, optional
        Province outline (WGS84) used to keep lakes and clip rivers; built with
        :func:`data.build.admin.build_admin` when omitted.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        ``lakes``: valid MultiPolygons (EPSG:4326) with ``lake_id`` (``L01`` =
        largest), ``name_zh``, ``name_en``, ``area_ha`` (ellipsoidal),
        ``source``, ``source_date``, ``accuracy``;
        ``rivers``: LineStrings with ``river_id``, ``level`` (1-4),
        ``name_zh``, ``name_en``, ``length_km`` and provenance;
        ``lake_names``: the reference table (not a map layer) -- one row per
        :data:`LAKE_NAMES` entry with ``in_gshhg`` and the matched ``lake_id``,
        geometry the reference point.
    """
    if province is None:
        province = _province_geometry()
    with tempfile.TemporaryDirectory(prefix="gshhg_") as tmp:
        workdir = Path(tmp)
        lakes, table = _build_lakes(workdir, province)
        rivers = _build_rivers(workdir, province)
    table_gdf = gpd.GeoDataFrame(
        table,
        geometry=gpd.points_from_xy(table["ref_lon"], table["ref_lat"]),
        crs="EPSG:4326",
    )
    table_gdf["source"] = "reference positions compiled for this build; outline from " + SOURCE
    table_gdf["source_date"] = SOURCE_DATE
    table_gdf["accuracy"] = "indicative"
    return {"lakes": lakes, "rivers": rivers, "lake_names": table_gdf}


def lake_by_name(lakes: gpd.GeoDataFrame, name_en: str) -> gpd.GeoDataFrame:
    """Rows of the lake layer with the given English name (empty if GSHHG lacks it).

    Parameters
    ----------
    lakes : geopandas.GeoDataFrame
        The ``lakes`` layer of :func:`build_hydro`.
    name_en : str
        E.g. ``'Dabusun Lake'`` (case-insensitive).

    Returns
    -------
    geopandas.GeoDataFrame
        Zero or one row.
    """
    return lakes[lakes["name_en"].str.lower() == name_en.lower()]


if __name__ == "__main__":  # pragma: no cover
    import time

    t0 = time.perf_counter()
    out = build_hydro()
    dt = time.perf_counter() - t0
    lk, rv, tb = out["lakes"], out["rivers"], out["lake_names"]
    print(f"lakes: {len(lk)}, rivers: {len(rv)} ({rv.groupby('level').size().to_dict()}), {dt:.1f} s")
    print(lk.drop(columns=["geometry", "source", "source_date", "accuracy"]).to_string())
    print("\nsalt lakes of interest:")
    for name in SALT_LAKES_OF_INTEREST:
        row = tb[tb.name_en == name].iloc[0]
        print(f"  {name:22s} {'IN GSHHG as ' + row.lake_id if row.in_gshhg else 'not in GSHHG'}")
    print("\nnot found:", ", ".join(tb.loc[~tb.in_gshhg, "name_en"]))
