"""Bulk screening benchmark (issue 12, items 1-3): figures and ratios in one run.

1. **10,000 stress sites, every check of the registry, 2 cores**: :func:`geo.bulk.screen_bulk`
   (2 forked processes) beside the per-site engine (:func:`geo.screen.screen_many`
   with :func:`geo.batch.site_record`, 2 processes) and one set-based PostGIS
   query over the same sites (a ``sites`` table, ``JOIN LATERAL`` per layer,
   GiST indexes on ``geom`` and ``geom::geography``): red-line overlap (union,
   geography area) and nearest distance, deposit-circle overlap, salt lakes,
   base share and nearest base. Floor: bulk <= 5 s. The statuses of bulk and
   per-site are compared site by site.
2. **Parcels** (bench.stress_data.parcels: contiguous 三调-like 0.1-50 ha with
   DLBM) against the stress red lines, a 永久基本农田-like layer (~20k patches)
   and the bases (checks redline + base, farmland overlap), GeoParquet in,
   GeoParquet out, through :func:`geo.bulk.stream.screen_file` on 2 processes:
   time, parcels/s and peak memory of the process tree (sum of PSS, sampled
   every 0.1 s) at 10k / 100k / 1M. Floor: 1M <= 120 s, peak memory <= 4 GB.
3. **Dask**: 100k parcels on a LocalCluster of 2 workers beside in process,
   results compared row by row.

Run::

    python -m bench.bulk_bench [--only sites|parcels|dask] [--postgis URL]
                               [--sizes 10000,100000,1000000] [--dask-size 100000] [--workers 2]

(``--help`` lists the parts and shows how to run only the 10k-site or the 1M-parcel part.)
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.stress_data import farmland, generate, parcels, qinghai_region
from geo.batch import site_record
from geo.bulk import screen_bulk
from geo.bulk.stream import StreamSpec, screen_file
from geo.bundle import BUNDLE_PATH, DEM_PATH
from geo.checks import Project
from geo.dem import read_dem
from geo.layers_index import LayerIndex, ScreeningLayers
from geo.screen import screen_many
from geo.site_input import site_from_point

SITES_FLOOR_S = 5.0
PARCELS_FLOOR_S = 120.0
RSS_FLOOR_GB = 4.0


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class PeakRss:
    """Peak memory of this process and its children, sampled: the sum of their PSS
    (proportional set size: pages shared after fork counted once, not per process)."""

    def __init__(self, every: float = 0.1) -> None:
        import psutil

        self.proc, self.every, self.peak = psutil.Process(), every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        import psutil

        total = 0
        for p in [self.proc] + self.proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += p.memory_full_info().pss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            time.sleep(self.every)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


class CpuTime:
    """User + system CPU seconds of this process and its reaped children over a block."""

    @staticmethod
    def _now() -> float:
        import resource

        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    def __enter__(self) -> CpuTime:
        self.start, self.seconds = self._now(), 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = self._now() - self.start


# --------------------------------------------------------------------------- 1. sites
SQL_SETUP = """
DROP TABLE IF EXISTS sites; DROP TABLE IF EXISTS bases;
CREATE TABLE sites (id int PRIMARY KEY, geom geometry(Polygon, 4326));
CREATE TABLE bases (id int PRIMARY KEY, geom geometry(Geometry, 4326));
"""
SQL_SET = """
SELECT s.id, rl.m2, rn.dist_m, dp.m2, sl.n, bs.share, bn.dist_m
FROM sites s
LEFT JOIN LATERAL (
  SELECT ST_Area(ST_Union(ST_Intersection(r.geom, s.geom))::geography) AS m2
  FROM redlines r WHERE ST_Intersects(r.geom, s.geom)) rl ON true
LEFT JOIN LATERAL (
  SELECT ST_Distance(r.geom::geography, s.geom::geography) AS dist_m
  FROM redlines r ORDER BY r.geom::geography <-> s.geom::geography LIMIT 1) rn ON true
LEFT JOIN LATERAL (
  SELECT ST_Area(ST_Union(ST_Intersection(ST_Buffer(d.geom::geography, 1000)::geometry,
                                          s.geom))::geography) AS m2
  FROM deposits d WHERE ST_DWithin(d.geom::geography, s.geom::geography, 1000)) dp ON true
LEFT JOIN LATERAL (
  SELECT count(*) AS n FROM salt_lakes l WHERE ST_Intersects(l.geom, s.geom)) sl ON true
LEFT JOIN LATERAL (
  SELECT max(ST_Area(ST_Intersection(b.geom, s.geom)::geography))
         / ST_Area(s.geom::geography) AS share
  FROM bases b WHERE ST_Intersects(b.geom, s.geom)) bs ON true
LEFT JOIN LATERAL (
  SELECT ST_Distance(b.geom::geography, s.geom::geography) AS dist_m
  FROM bases b ORDER BY b.geom::geography <-> s.geom::geography LIMIT 1) bn ON true
ORDER BY s.id
"""


def postgis_set_query(url: str, data, geoms) -> tuple[float, float, pd.DataFrame]:
    """Load the layers and sites, run the one set-based query; (load s, query s, result)."""
    import psycopg

    from bench.postgis_bench import _copy, load

    with psycopg.connect(url) as conn:
        t0 = time.perf_counter()
        with conn.cursor() as cur:  # own schema: the database may be shared
            cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            cur.execute("CREATE SCHEMA IF NOT EXISTS bulk_bench")
            cur.execute("SET search_path TO bulk_bench, public")
        load(conn, data)
        with conn.cursor() as cur:
            cur.execute(SQL_SETUP)
            _copy(cur, "sites", pd.DataFrame({"geometry": geoms}))
            _copy(cur, "bases", data["bases"])
            for table in ("sites", "bases"):
                cur.execute(f"CREATE INDEX ON {table} USING gist (geom)")
                cur.execute(f"CREATE INDEX ON {table} USING gist ((geom::geography))")
                cur.execute(f"ANALYZE {table}")
            cur.execute("SET max_parallel_workers_per_gather = 2")
        conn.commit()
        t_load = time.perf_counter() - t0
        with conn.cursor() as cur:
            t0 = time.perf_counter()
            cur.execute(SQL_SET)
            rows = cur.fetchall()
            t_query = time.perf_counter() - t0
    frame = pd.DataFrame(rows, columns=["id", "red_m2", "red_dist_m", "dep_m2", "lakes",
                                        "base_share", "base_dist_m"])
    return t_load, t_query, frame


def bench_sites(data, layers, workers: int, postgis: str | None, n: int) -> list[tuple]:
    rows = []
    sites = data["sites"].head(n)
    geoms = np.array([site_from_point(r.lon, r.lat, r.area_ha).geometry
                      for r in sites.itertuples()], dtype=object)
    ids = sites["site_id"].to_numpy()
    project = Project(product="碳酸锂")
    screen_bulk(geoms[:200], project, layers)  # warm-up (chain graph, caches)
    t0 = time.perf_counter()
    with CpuTime() as cpu_bulk:
        bulk = screen_bulk(geoms, project, layers, site_ids=ids, workers=workers, chunk=2500)
    t_bulk = time.perf_counter() - t0
    log(f"bulk {len(geoms):,} sites: {t_bulk:.2f} s, CPU {cpu_bulk.seconds:.1f} s")
    t0 = time.perf_counter()
    with CpuTime() as cpu_site:
        per_site = [rec for _, rec in screen_many(list(zip(ids, geoms)), project, layers,
                                                  workers=workers, transform=site_record)]
    t_site = time.perf_counter() - t0
    log(f"per-site {len(geoms):,} sites: {t_site:.2f} s, CPU {cpu_site.seconds:.1f} s")
    ref = pd.DataFrame(per_site)
    cols = [c for c in ref.columns if c.endswith("_status")] + ["overall"]
    differ = int((ref[cols].to_numpy() != bulk[cols].to_numpy()).any(axis=1).sum())
    rows.append((f"{len(geoms):,} stress sites, all checks, bulk, {workers} processes",
                 f"{t_bulk:.2f} s ({len(geoms) / t_bulk:,.0f}/s), CPU {cpu_bulk.seconds:.1f} s",
                 f"<= {SITES_FLOOR_S:.0f} s",
                 f"sites whose statuses differ from the per-site engine: {differ}"))
    rows.append((f"same sites, per-site engine (screen_many), {workers} processes",
                 f"{t_site:.2f} s ({len(geoms) / t_site:,.0f}/s), CPU {cpu_site.seconds:.1f} s", "",
                 f"per-site / bulk = {t_site / t_bulk:.1f}x (CPU {cpu_site.seconds / cpu_bulk.seconds:.1f}x)"))
    if postgis:
        t_load, t_query, pg = postgis_set_query(postgis, data, geoms)
        red = bulk["redline_overlap_ha"].fillna(0).to_numpy() * 1e4
        covered = bulk["redline_status"] != "UNKNOWN"
        diff = np.abs(pg["red_m2"].fillna(0).to_numpy() - red)[covered.to_numpy()].max() / 1e4
        rows.append(("same sites, one set-based PostGIS query (JOIN LATERAL, GiST geom + geography)",
                     f"{t_query:.2f} s ({len(geoms) / t_query:,.0f}/s)", "",
                     f"PostGIS / bulk = {t_query / t_bulk:.1f}x; red line, deposits, salt lakes, "
                     f"bases only (no quota, terrain, chain); load + indexes {t_load:.1f} s; "
                     f"red-line overlap max |diff| {diff:.4f} ha"))
    return rows


# --------------------------------------------------------------------------- 2. parcels
def bench_parcels(layers, sizes, workers: int, tmp: Path) -> list[tuple]:
    rows = []
    extra = {"farmland": LayerIndex("farmland", farmland())}
    spec = StreamSpec(project=Project(), checks=("redline", "base"), extra=extra,
                      chunk=50_000, workers=workers)
    for n in sizes:
        path = tmp / f"parcels_{n}.parquet"
        parcels(n).to_parquet(path, index=False, row_group_size=100_000)
        out = tmp / f"screened_{n}.parquet"
        with PeakRss() as rss, CpuTime() as cpu:
            res = screen_file(path, out, layers, spec, quiet=True, restart=True)
        gb = rss.peak / 1e9
        log(f"parcels {n:,}: {res['seconds']:.1f} s, CPU {cpu.seconds:.1f} s, peak memory {gb:.2f} GB")
        floor = f"<= {PARCELS_FLOOR_S:.0f} s, <= {RSS_FLOOR_GB:.0f} GB" if n >= 1_000_000 else ""
        rows.append((f"{n:,} parcels: red lines, farmland-like ({len(extra['farmland']):,}), bases; "
                     f"{workers} processes", f"{res['seconds']:.1f} s, {n / res['seconds']:,.0f}/s, "
                     f"peak memory {gb:.2f} GB", floor,
                     f"CPU {cpu.seconds:.1f} s ({n / cpu.seconds:,.0f} parcels per CPU second); "
                     f"GeoParquet in and out, chunks of {spec.chunk:,}"))
        out.unlink(missing_ok=True)
        path.unlink(missing_ok=True)
    return rows


# --------------------------------------------------------------------------- 3. dask
def bench_dask(layers, n: int, workers: int, tmp: Path) -> list[tuple]:
    extra = {"farmland": LayerIndex("farmland", farmland())}
    spec = StreamSpec(project=Project(), checks=("redline", "base"), extra=extra,
                      chunk=25_000, workers=workers)
    path = tmp / "parcels_dask.parquet"
    parcels(n).to_parquet(path, index=False, row_group_size=25_000)
    local = screen_file(path, tmp / "local.parquet", layers, spec, quiet=True, restart=True)
    t0 = time.perf_counter()
    remote = screen_file(path, tmp / "dask.parquet", layers, spec, quiet=True, restart=True,
                         engine="dask")
    t_dask = time.perf_counter() - t0
    import geopandas as gpd

    def table(p):
        f = gpd.read_parquet(p)
        f["wkb"] = f.geometry.to_wkb()
        return pd.DataFrame(f.drop(columns=["geometry", "chunk"])).sort_values("site_id").reset_index(drop=True)

    same = table(tmp / "local.parquet").equals(table(tmp / "dask.parquet"))
    return [(f"{n:,} parcels, Dask LocalCluster of {workers} workers",
             f"{t_dask:.1f} s (screening {remote['seconds']:.1f} s)", "",
             f"in process {local['seconds']:.1f} s; Dask / in process = "
             f"{t_dask / local['seconds']:.2f}x (cluster start, spatial shuffle, layers sent once "
             f"per worker included); results identical row by row: {same}")]


_EPILOG = """\
parts (all three run by default):
  sites    10,000 stress sites, every registry check: bulk vs per-site engine (vs PostGIS
           with --postgis); floor <= 5 s on 2 cores
  parcels  parcel layers of --sizes parcels streamed through geo.batch's engine;
           floor 1,000,000 parcels <= 120 s on 2 cores, peak memory <= 4 GB
  dask     --dask-size parcels on a Dask LocalCluster vs in process

examples:
  just the 10k-site part:     python -m bench.bulk_bench --only sites
  just the 1M-parcel part:    python -m bench.bulk_bench --only parcels --sizes 1000000
  everything, no PostGIS:     python -m bench.bulk_bench --postgis ''

Every figure is reported with the CPU seconds of the process and its children beside the
wall time, and the load average at start and end (a shared machine inflates wall time).
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgis", default=os.environ.get("QPA_TEST_POSTGIS_URL"),
                        help="PostGIS URL for the set-based query of the sites part "
                             "(default $QPA_TEST_POSTGIS_URL; '' for none)")
    parser.add_argument("--only", default="", metavar="PART[,PART]",
                        help="run only these parts: sites, parcels, dask (comma list)")
    parser.add_argument("--skip", default="", metavar="PART[,PART]",
                        help="skip these parts: sites, parcels, dask (comma list)")
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="parcels part: layer sizes, comma list (default %(default)s)")
    parser.add_argument("--dask-size", type=int, default=100_000,
                        help="dask part: parcels (default %(default)s)")
    parser.add_argument("--workers", type=int, default=2,
                        help="processes of every engine (default %(default)s)")
    parser.add_argument("--n-sites", type=int, default=10_000,
                        help="sites part: stress sites (default %(default)s)")
    args = parser.parse_args()
    parts = {"sites", "parcels", "dask"}
    only = {p for p in args.only.split(",") if p}
    skip = {p for p in args.skip.split(",") if p}
    if not only <= parts or not skip <= parts:
        parser.error(f"parts are {', '.join(sorted(parts))}")
    skip |= (parts - only) if only else set()
    load0 = os.getloadavg()
    log(f"machine: {os.cpu_count()} CPUs, load average {load0[0]:.1f} at start")
    data = generate(20261123, qinghai_region(BUNDLE_PATH))
    dem = read_dem(DEM_PATH) if DEM_PATH.exists() else None
    layers = ScreeningLayers.from_frames(redline=data["redlines"], deposits=data["deposits"],
                                         salt_lakes=data["salt_lakes"], bases=data["bases"],
                                         quotas=data["quotas"], dem=dem,
                                         coverage=data["admin_province"].geometry.iloc[0])
    rows = []
    with tempfile.TemporaryDirectory(prefix="bulk_bench_") as tmp:
        if "sites" not in skip:
            rows += bench_sites(data, layers, args.workers, args.postgis or None, args.n_sites)
        if "parcels" not in skip:
            sizes = [int(s) for s in args.sizes.split(",") if s]
            rows += bench_parcels(layers, sizes, args.workers, Path(tmp))
        if "dask" not in skip:
            rows += bench_dask(layers, args.dask_size, args.workers, Path(tmp))
    load1 = os.getloadavg()
    out = io.StringIO()
    w = max(len(r[0]) for r in rows)
    print(f"| {'benchmark':<{w}} | figure | floor | note |", file=out)
    print(f"|{'-' * (w + 2)}|--------|-------|------|", file=out)
    for r in rows:
        print(f"| {r[0]:<{w}} | {r[1]} | {r[2]} | {r[3]} |", file=out)
    print(f"\nload average {load0[0]:.1f} at start, {load1[0]:.1f} at end "
          f"({os.cpu_count()} CPUs; the machine is shared)", file=out)
    print(out.getvalue())


if __name__ == "__main__":
    main()
