"""Seeded stress data for the site-check benchmark, all inside Qinghai.

``generate(seed)`` returns GeoDataFrames (EPSG:4326, lon/lat) shaped like the
bundle's layers:

* ``redlines``: 20,000 star-shaped polygons of 105 vertices (2.1 M vertices),
  radius 0.3-2.5 km, mixed categories and control levels;
* ``deposits``: 5,000 points with commodity, scale, ``important``;
* ``salt_lakes``: 40 ellipses with K/Li/B/Na/Mg minerals;
* ``bases``: 15 geodesic circles of 1,000-6,000 ha carrying real chain steps;
* ``quotas``: 2024-2026 quota rows for each base;
* ``sites``: 10,000 candidate sites ``site_id, lon, lat, area_ha`` (a fifth
  of them near a base).

Run ``python -m bench.stress_data OUT_DIR`` to write ``stress.gpkg`` and
``sites.csv`` there (the CLI then screens them with ``--bundle``).

For bulk screening, :func:`parcels` makes a 三调-like parcel layer (contiguous
jittered-grid 图斑 of 0.1-50 ha with GB/T 21010 ``DLBM`` / ``DLMC`` and a
``TBBH``), :func:`write_parcels` writes it as GeoParquet in row groups
(``python -m bench.stress_data OUT_DIR --parcels 1000000``), and
:func:`farmland` a 永久基本农田-like layer over the same area.
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.checks.measure import local_buffer, lon_scale
from geo.dem import QINGHAI_BBOX

__all__ = ["generate", "write", "parcels", "write_parcels", "farmland", "N_REDLINES",
           "N_VERTICES", "N_DEPOSITS", "N_SITES", "PARCEL_CENTRE"]

N_REDLINES = 20_000
N_VERTICES = 105
N_DEPOSITS = 5_000
N_SITES = 10_000
N_BASES = 15
PROV = {"source": "bench.stress_data (synthetic)", "source_date": "2026-01-01",
        "accuracy": "indicative"}

_CATEGORIES = [("国家公园", "national park", "核心保护区", "core protection zone"),
               ("自然保护区", "nature reserve", "核心保护区", "core protection zone"),
               ("自然保护区", "nature reserve", "一般控制区", "general control zone"),
               ("森林公园", "forest park", "一般控制区", "general control zone"),
               ("湿地公园", "wetland park", "一般控制区", "general control zone"),
               ("其他生态保护红线", "other red line", "一般控制区", "general control zone")]
_COMMODITIES = [("K", "钾盐", "potash", True), ("Li", "锂", "lithium", True),
                ("Cu", "铜", "copper", True), ("Au", "金", "gold", True),
                ("coal", "煤炭", "coal", True), ("Pb-Zn", "铅锌", "lead-zinc", False),
                ("NaCl", "石盐", "halite", False), ("B", "硼", "boron", False)]
_CHAINS = [
    {"id": "li", "name_zh": "锂电池", "name_en": "lithium batteries",
     "steps_zh": ["电池级碳酸锂", "正极、负级、隔膜材料", "储能和锂电池"],
     "steps_en": ["battery-grade lithium carbonate", "cathode, anode and separator materials",
                  "energy storage and lithium batteries"], "cite": "001 §四.4"},
    {"id": "k", "name_zh": "钾肥", "name_en": "potash", "steps_zh": ["钾肥"],
     "steps_en": ["potash fertiliser"], "cite": "001 §四.2"},
    {"id": "mg", "name_zh": "金属镁及镁合金", "name_en": "magnesium",
     "steps_zh": ["金属镁", "镁合金及压铸"], "steps_en": ["magnesium metal", "magnesium alloys"],
     "cite": "001 §四.2"},
    {"id": "pv", "name_zh": "硅材料及光伏", "name_en": "silicon and PV",
     "steps_zh": ["硅材料", "光伏"], "steps_en": ["silicon materials", "photovoltaics"],
     "cite": "001 §四.6"},
    {"id": "al", "name_zh": "铝及铝加工", "name_en": "aluminium",
     "steps_zh": ["电解铝", "铝加工"], "steps_en": ["electrolytic aluminium", "aluminium processing"],
     "cite": "001 §四.1"},
]


def _points_inside(rng, n: int, region) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uniform (lon, lat) points inside ``region`` (rejection sampling)."""
    w, s, e, nn = region.bounds
    shapely.prepare(region)
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    while sum(len(x) for x in lons) < n:
        x = rng.uniform(w, e, 4 * n)
        y = rng.uniform(s, nn, 4 * n)
        keep = shapely.contains_xy(region, x, y)
        lons.append(x[keep])
        lats.append(y[keep])
    return np.concatenate(lons)[:n], np.concatenate(lats)[:n]


def _star_polygons(rng, lon, lat, n_vertices: int) -> np.ndarray:
    """Valid star-shaped polygons (angles increasing, radii > 0) around each centre."""
    n = len(lon)
    ang = np.sort(rng.uniform(0, 2 * np.pi, (n, n_vertices)), axis=1)
    base_r = rng.uniform(300, 2500, (n, 1))  # metres
    radius = base_r * rng.uniform(0.55, 1.0, (n, n_vertices))
    dlat = radius * np.sin(ang) / 111_132.0
    k = np.array([lon_scale(v) for v in lat])[:, None]
    dlon = radius * np.cos(ang) / 111_132.0 / k
    coords = np.stack([lon[:, None] + dlon, lat[:, None] + dlat], axis=-1)
    coords = np.concatenate([coords, coords[:, :1]], axis=1)  # close the rings
    return shapely.polygons(coords)


def _redlines(rng, region) -> gpd.GeoDataFrame:
    lon, lat = _points_inside(rng, N_REDLINES, region)
    geoms = _star_polygons(rng, lon, lat, N_VERTICES)
    cat = rng.integers(0, len(_CATEGORIES), N_REDLINES)
    rows = [{"id": f"rl{i:05d}", "name_zh": f"红线区{i}", "name_en": f"Red-line zone {i}",
             "category": _CATEGORIES[c][0], "category_en": _CATEGORIES[c][1],
             "control_level": _CATEGORIES[c][2], "control_level_en": _CATEGORIES[c][3],
             "legal_basis": "自然资发〔2022〕142号", **PROV} for i, c in enumerate(cat)]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


def _deposits(rng, region) -> gpd.GeoDataFrame:
    lon, lat = _points_inside(rng, N_DEPOSITS, region)
    com = rng.integers(0, len(_COMMODITIES), N_DEPOSITS)
    scale = rng.choice(["large", "medium", "small"], N_DEPOSITS, p=[0.2, 0.3, 0.5])
    rows = [{"id": f"dp{i:05d}", "name_zh": f"矿产地{i}", "name_en": f"Deposit {i}",
             "commodity": _COMMODITIES[c][0], "commodity_zh": _COMMODITIES[c][1],
             "commodity_en": _COMMODITIES[c][2], "scale": str(scale[i]),
             "important": _COMMODITIES[c][3], **PROV} for i, c in enumerate(com)]
    return gpd.GeoDataFrame(rows, geometry=shapely.points(lon, lat), crs=4326)


def _salt_lakes(rng, region, n: int = 40) -> gpd.GeoDataFrame:
    lon, lat = _points_inside(rng, n, region)
    geoms, rows = [], []
    for i in range(n):
        r_m = rng.uniform(2000, 15000)
        circle = local_buffer(shapely.Point(lon[i], lat[i]), r_m, lat[i], quad_segs=16)
        geoms.append(shapely.affinity.scale(circle, 1.0, rng.uniform(0.3, 1.0)))
        minerals = rng.choice(["K", "Li", "B", "Na", "Mg"], rng.integers(1, 4), replace=False)
        rows.append({"id": f"sl{i:02d}", "name_zh": f"盐湖{i}", "name_en": f"Salt lake {i}",
                     "minerals": ",".join(minerals), **PROV})
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


def _bases(rng, region) -> gpd.GeoDataFrame:
    lon, lat = _points_inside(rng, N_BASES, region)
    geoms, rows = [], []
    for i in range(N_BASES):
        ha = rng.uniform(1000, 6000)
        r_m = math.sqrt(ha * 1e4 / math.pi)
        geoms.append(local_buffer(shapely.Point(lon[i], lat[i]), r_m, lat[i], quad_segs=16))
        chains = [_CHAINS[j] for j in rng.choice(len(_CHAINS), 2, replace=False)]
        rows.append({"id": f"base{i:02d}", "seq": i + 1, "name_zh": f"产业基地{i}",
                     "name_en": f"Base {i}", "tier": "五百亿",
                     "positioning_zh": "、".join(c["name_zh"] for c in chains) + "产业基地",
                     "positioning_en": ", ".join(c["name_en"] for c in chains) + " base",
                     "chains": json.dumps(chains, ensure_ascii=False), **PROV})
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


def _quotas(rng, bases: gpd.GeoDataFrame) -> pd.DataFrame:
    rows = []
    for bid in bases["id"]:
        for year in (2024, 2025, 2026):
            alloc = float(rng.integers(100, 400))
            used = float(rng.integers(0, int(alloc * 0.6)))
            res = float(rng.integers(0, int(alloc * 0.2)))
            rows.append({"base_id": bid, "year": year, "allocated_ha": alloc, "used_ha": used,
                         "reserved_ha": res, "remaining_ha": alloc - used - res, **PROV})
    return pd.DataFrame(rows)


def _sites(rng, region, bases: gpd.GeoDataFrame) -> pd.DataFrame:
    lon, lat = _points_inside(rng, N_SITES, region)
    near = rng.random(N_SITES) < 0.2
    pick = rng.integers(0, len(bases), N_SITES)
    cent = shapely.centroid(bases.geometry.values)
    bx, by = shapely.get_x(cent)[pick], shapely.get_y(cent)[pick]
    lon = np.where(near, bx + rng.normal(0, 0.03, N_SITES), lon)
    lat = np.where(near, by + rng.normal(0, 0.03, N_SITES), lat)
    area = np.round(rng.uniform(5, 200, N_SITES), 2)
    return pd.DataFrame({"site_id": [f"s{i:05d}" for i in range(N_SITES)],
                         "lon": np.round(lon, 6), "lat": np.round(lat, 6), "area_ha": area})


def qinghai_region(bundle: Path | None = None):
    """Qinghai's outline from a bundle's ``admin_province`` layer, else its bounding box."""
    if bundle is not None and Path(bundle).exists():
        import pyogrio

        if "admin_province" in {n for n, _ in pyogrio.list_layers(bundle)}:
            prov = gpd.read_file(bundle, layer="admin_province", engine="pyogrio").to_crs(4326)
            return shapely.union_all(prov.geometry.values)
    return shapely.box(*QINGHAI_BBOX)


def generate(seed: int = 20261123, region=None) -> dict[str, pd.DataFrame]:
    """All stress layers and sites (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    region = region if region is not None else shapely.box(*QINGHAI_BBOX)
    bases = _bases(rng, region)
    return {"redlines": _redlines(rng, region), "deposits": _deposits(rng, region),
            "salt_lakes": _salt_lakes(rng, region), "bases": bases,
            "quotas": _quotas(rng, bases), "sites": _sites(rng, region, bases),
            "admin_province": gpd.GeoDataFrame({"name": ["region"], **{k: [v] for k, v in PROV.items()}},
                                               geometry=[region], crs=4326)}


#: Polygons of each synthetic control layer (issue 10 bench: >= 20,000 each).
N_CONTROL = 20_000
_CONTROL_DLBM = ("0101", "0103", "0301", "0404", "0601", "0602", "0702", "1006", "1204", "1206")


def control_layers(seed: int = 20261123, region=None, n: int = N_CONTROL,
                   n_vertices: int = 24) -> dict[str, gpd.GeoDataFrame]:
    """Three control layers of ``n`` star polygons each: 永久基本农田 (``farmland``),
    城镇开发边界 (``urban_boundary``) and 三调 地类 (``landuse``, random DLBM codes).

    Drawn from their own generator (``seed + 1``), so :func:`generate` is unchanged.
    """
    rng = np.random.default_rng(seed + 1)
    region = region if region is not None else shapely.box(*QINGHAI_BBOX)
    out = {}
    for kind in ("farmland", "urban_boundary", "landuse"):
        lon, lat = _points_inside(rng, n, region)
        rows = [{"id": f"{kind}{i:05d}", "name_zh": f"{kind}{i}", **PROV} for i in range(n)]
        frame = gpd.GeoDataFrame(rows, geometry=_star_polygons(rng, lon, lat, n_vertices),
                                 crs=4326)
        if kind == "landuse":
            frame["dlbm"] = rng.choice(_CONTROL_DLBM, n)
        out[kind] = frame
    return out


def write(out_dir: Path, seed: int = 20261123, region=None) -> dict[str, Path]:
    """Write ``stress.gpkg`` (all layers + quotas) and ``sites.csv`` under ``out_dir``."""
    import pyogrio

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = generate(seed, region)
    gpkg = out_dir / "stress.gpkg"
    gpkg.unlink(missing_ok=True)
    for name, frame in data.items():
        if name == "sites":
            continue
        pyogrio.write_dataframe(frame, gpkg, layer=name, driver="GPKG")
    sites = out_dir / "sites.csv"
    data["sites"].to_csv(sites, index=False)
    return {"gpkg": gpkg, "sites": sites}


#: Centre (lon, lat) of the parcel layer: the eastern Qaidam, inside Qinghai.
PARCEL_CENTRE = (97.0, 36.5)
#: GB/T 21010-2017 classes of the parcel layer and their shares (Qinghai-like: mostly grass and bare land).
_PARCEL_DLBM = [("0401", "天然牧草地", 0.33), ("0404", "其他草地", 0.15), ("1207", "裸岩石砾地", 0.10),
         ("1206", "裸土地", 0.05), ("1204", "盐碱地", 0.04), ("0103", "旱地", 0.08),
         ("0102", "水浇地", 0.04), ("0301", "乔木林地", 0.03), ("0305", "灌木林地", 0.04),
         ("1101", "河流水面", 0.02), ("0601", "工业用地", 0.02), ("0602", "采矿用地", 0.02),
         ("0702", "农村宅基地", 0.03), ("1003", "公路用地", 0.02), ("1107", "沟渠", 0.01),
         ("0201", "果园", 0.02)]


def parcels(n: int = 1_000_000, seed: int = 20261201, centre=PARCEL_CENTRE) -> gpd.GeoDataFrame:
    """About ``n`` contiguous 三调-like parcels (a jittered grid) centred on ``centre``.

    Column widths and row heights are log-normal (median 120 m) clipped to
    40-585 m; every interior grid vertex is jittered by up to a tenth of the
    narrower neighbouring cell (so a side shrinks or grows by at most 20 %),
    which keeps the quadrilaterals valid, the layer gap-free and the parcels
    between 0.1 and 50 ha. ``TBBH`` numbers them,
    ``DLBM`` / ``DLMC`` carry a GB/T 21010 class.
    """
    from geo.checks.measure import metres_per_degree_exact

    rng = np.random.default_rng(seed)
    side = int(math.ceil(math.sqrt(n)))
    ncol, nrow = side, int(math.ceil(n / side))
    w = np.clip(rng.lognormal(math.log(120), 0.6, ncol), 40, 585)
    h = np.clip(rng.lognormal(math.log(120), 0.6, nrow), 40, 585)
    x = np.r_[0.0, np.cumsum(w)] - w.sum() / 2
    y = np.r_[0.0, np.cumsum(h)] - h.sum() / 2
    xx, yy = np.meshgrid(x, y)                      # (nrow + 1, ncol + 1) vertices
    jx = 0.1 * np.minimum(np.r_[w[:1], w], np.r_[w, w[-1:]])
    jy = 0.1 * np.minimum(np.r_[h[:1], h], np.r_[h, h[-1:]])
    xx[1:-1, 1:-1] += rng.uniform(-1, 1, (nrow - 1, ncol - 1)) * jx[None, 1:-1]
    yy[1:-1, 1:-1] += rng.uniform(-1, 1, (nrow - 1, ncol - 1)) * jy[1:-1, None]
    lon0, lat0 = centre
    my = metres_per_degree_exact(lat0)[1]
    lat = lat0 + yy / my
    lon = lon0 + xx / np.vectorize(lambda a: metres_per_degree_exact(a)[0])(lat)
    ring = [(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]  # (row, col) offsets, counter-clockwise
    coords = np.stack([np.stack([lon[r:r + nrow, c:c + ncol], lat[r:r + nrow, c:c + ncol]], -1)
                       for r, c in ring], axis=2).reshape(nrow * ncol, 5, 2)[:n]
    geoms = shapely.polygons(coords)
    pick = rng.choice(len(_PARCEL_DLBM), n, p=np.array([p for _, _, p in _PARCEL_DLBM]) / sum(p for _, _, p in _PARCEL_DLBM))
    codes = np.array([c for c, _, _ in _PARCEL_DLBM], dtype=object)[pick]
    names = np.array([m for _, m, _ in _PARCEL_DLBM], dtype=object)[pick]
    return gpd.GeoDataFrame({"TBBH": [f"{i + 1:07d}" for i in range(n)], "DLBM": codes,
                             "DLMC": names}, geometry=geoms, crs=4326)


def write_parcels(path: Path, n: int = 1_000_000, seed: int = 20261201,
                  row_group: int = 100_000) -> Path:
    """:func:`parcels` written as GeoParquet (row groups of ``row_group``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    parcels(n, seed).to_parquet(path, index=False, row_group_size=row_group)
    return path


def farmland(seed: int = 20261202, centre=PARCEL_CENTRE, half_km: float = 70.0,
             spacing_m: float = 1000.0) -> gpd.GeoDataFrame:
    """永久基本农田-like patches over the parcel area: one star polygon (150-450 m) per
    ``spacing_m`` grid cell, ~20,000 for the default area; they never overlap each other."""
    from geo.checks.measure import metres_per_degree_exact

    rng = np.random.default_rng(seed)
    mx, my = metres_per_degree_exact(centre[1])
    steps = np.arange(-half_km * 1000 + spacing_m / 2, half_km * 1000, spacing_m)
    gx, gy = np.meshgrid(steps, steps)
    n = gx.size
    lon = centre[0] + (gx.ravel() + rng.uniform(-40, 40, n)) / mx
    lat = centre[1] + (gy.ravel() + rng.uniform(-40, 40, n)) / my
    ang = np.sort(rng.uniform(0, 2 * np.pi, (n, 24)), axis=1)
    radius = rng.uniform(150, 450, (n, 1)) * rng.uniform(0.6, 1.0, (n, 24))
    k = np.array([lon_scale(v) for v in lat])[:, None]
    coords = np.stack([lon[:, None] + radius * np.cos(ang) / 111_132.0 / k,
                       lat[:, None] + radius * np.sin(ang) / 111_132.0], axis=-1)
    geoms = shapely.polygons(np.concatenate([coords, coords[:, :1]], axis=1))
    return gpd.GeoDataFrame({"id": [f"pbnt{i:05d}" for i in range(n)],
                             "name_zh": "永久基本农田", "name_en": "permanent basic farmland",
                             **PROV}, geometry=geoms, crs=4326)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--bundle", type=Path, default=None,
                        help="take Qinghai's outline from this bundle (default: bounding box)")
    parser.add_argument("--parcels", type=int, default=0,
                        help="also write parcels.parquet with this many 三调-like parcels")
    args = parser.parse_args()
    paths = write(args.out_dir, args.seed, qinghai_region(args.bundle))
    if args.parcels:
        paths["parcels"] = write_parcels(Path(args.out_dir) / "parcels.parquet", args.parcels)
    print(paths)


if __name__ == "__main__":
    main()
