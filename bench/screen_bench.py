"""Benchmark of the site check (issue 3, "Speed"): not a timed test.

Measures

1. one full screen (every check of the registry) per site, p50 / p95 / max, on
   the bundled layers and on the stress set of :mod:`bench.stress_data`
   (20,000 red-line polygons with 2.1 M vertices, 5,000 deposits, 15 bases),
   without and with three extra control layers of 20,000 polygons each
   (永久基本农田, 城镇开发边界, 三调 地类: :func:`bench.stress_data.control_layers`),
   and the ratio to the six checks of the first release run alone;
2. batch throughput for 10,000 sites through :func:`geo.screen.screen_many`
   with the CLI's per-site output (CSV rows + GeoJSON), on ``--workers``
   processes;
3. a naive baseline: per site, ``geopandas.overlay`` of the site with every
   red-line polygon plus the distance to every polygon (no index), against the
   indexed red-line check and the full screen.

Run::

    python -m bench.screen_bench [--bundle data/atlas.gpkg] [--dem data/dem_qinghai.tif]

Floors: p95 <= 100 ms per site on the stress set; 10,000 sites <= 60 s; a full
screen with the three control layers p95 <= 10 ms (issue 10).
"""
from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np

from bench.stress_data import control_layers, generate, qinghai_region
from geo.bundle import BUNDLE_PATH, DEM_PATH
from geo.checks import CheckContext, Project, get_check, load_config
from geo.checks.registry import LEGACY_CHECKS
from geo.screen import prepare_site
from geo.site_input import site_from_point
from geo.dem import read_dem
from geo.geodesy import area_ha
from geo.layers_index import ScreeningLayers
from geo.screen import _result_rows_en, screen_many, screen_site

P95_FLOOR_MS = 100.0
BATCH_FLOOR_S = 60.0
CONTROL_P95_FLOOR_MS = 10.0


def _sites(frame, n: int) -> list[tuple[str, object]]:
    rows = frame.head(n)
    return [(r.site_id, site_from_point(r.lon, r.lat, r.area_ha).geometry) for r in rows.itertuples()]


def time_single(sites, layers, project, warm: bool = True) -> np.ndarray:
    """Milliseconds of one full screen per site (after one warm-up)."""
    if warm:
        screen_site(sites[0][1], project, layers)
    out = []
    for _, geom in sites:
        t0 = time.perf_counter()
        screen_site(geom, project, layers)
        out.append(time.perf_counter() - t0)
    return np.array(out) * 1000.0


def time_batch(sites, layers, project, workers: int) -> float:
    """Seconds to screen ``sites`` into CLI rows on ``workers`` processes."""
    t0 = time.perf_counter()
    n = sum(1 for _ in screen_many(sites, project, layers, workers=workers,
                                   transform=_result_rows_en))
    assert n == len(sites)
    return time.perf_counter() - t0


def time_naive(sites, redlines: gpd.GeoDataFrame) -> np.ndarray:
    """Milliseconds per site of an unindexed overlay + distance over every red line."""
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # geographic-CRS distance warning: it is the point
        for _, geom in sites:
            t0 = time.perf_counter()
            site = gpd.GeoDataFrame({"site": [1]}, geometry=[geom], crs=4326)
            inter = gpd.overlay(site, redlines[["id", "geometry"]], how="intersection")
            _ = [area_ha(g) for g in inter.geometry]
            _ = redlines.distance(geom).min()
            out.append(time.perf_counter() - t0)
    return np.array(out) * 1000.0


def time_interleaved(sites, six_layers, full_layers, project) -> tuple[np.ndarray, np.ndarray]:
    """Per site, the six first-release checks on ``six_layers`` then the full screen on
    ``full_layers``, alternating, so that a busy machine slows both alike (ms each)."""
    six, full = [], []
    for item in sites:
        six.append(time_checks([item], six_layers, project, LEGACY_CHECKS)[0])
        full.append(time_single([item], full_layers, project, warm=False)[0])
    return np.array(six), np.array(full)


def time_checks(sites, layers, project, ids) -> np.ndarray:
    """Milliseconds per site of the checks ``ids`` alone (in this order), as screen_site runs
    them (site preparation included)."""
    config = load_config()
    specs = [get_check(c) for c in ids]
    out = []
    for _, geom in sites:
        t0 = time.perf_counter()
        site = prepare_site(geom)
        ctx = CheckContext(site, area_ha(site), project, layers, config)
        for spec in specs:
            ctx.results[spec.id] = spec.run(ctx)
        out.append(time.perf_counter() - t0)
    return np.array(out) * 1000.0


def _row(label: str, ms: np.ndarray) -> str:
    return (f"| {label:<44} | {len(ms):>6} | {np.percentile(ms, 50):8.2f} | "
            f"{np.percentile(ms, 95):8.2f} | {ms.max():8.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=BUNDLE_PATH)
    parser.add_argument("--dem", type=Path, default=DEM_PATH)
    parser.add_argument("--n-single", type=int, default=1000)
    parser.add_argument("--n-batch", type=int, default=10_000)
    parser.add_argument("--n-naive", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--product", default="碳酸锂")
    args = parser.parse_args()
    project = Project(product=args.product)
    print(f"machine: {os.cpu_count()} CPUs; workers for batch: {args.workers}")

    t0 = time.perf_counter()
    data = generate(args.seed, qinghai_region(args.bundle))
    t_gen = time.perf_counter() - t0
    red = data["redlines"]
    n_vert = int(sum(len(g.exterior.coords) for g in red.geometry))
    dem = read_dem(args.dem) if args.dem.exists() else None
    t0 = time.perf_counter()
    stress = ScreeningLayers.from_frames(redline=red, deposits=data["deposits"],
                                         salt_lakes=data["salt_lakes"], bases=data["bases"],
                                         quotas=data["quotas"], dem=dem,
                                         coverage=data["admin_province"].geometry.iloc[0])
    t_index = time.perf_counter() - t0
    print(f"stress set: {len(red):,} red-line polygons, {n_vert:,} vertices, "
          f"{len(data['deposits']):,} deposits, {len(data['bases'])} bases, "
          f"{len(data['sites']):,} sites; generated in {t_gen:.1f} s, indexed in {t_index:.2f} s")

    single = _sites(data["sites"], args.n_single)
    print("\n| single screen                                |  sites |  p50 ms  |  p95 ms  |  max ms  |")
    print("|----------------------------------------------|--------|----------|----------|----------|")
    if args.bundle.exists():
        bundled = ScreeningLayers.from_bundle(args.bundle, args.dem)
        n_red = len(bundled.redline) if bundled.redline is not None else 0
        print(_row(f"bundled layers ({n_red} red lines)", time_single(single, bundled, project)))
    else:
        print(f"| bundled layers: {args.bundle} missing (pass --bundle) |")
    st = time_single(single, stress, project)
    print(_row("stress set", st))
    six = time_checks(single, stress, project, LEGACY_CHECKS)
    print(_row("stress set, the six checks of the first release", six))
    t0 = time.perf_counter()
    ctl = control_layers(args.seed, qinghai_region(args.bundle))
    with_ctl = stress
    for kind, frame in ctl.items():
        with_ctl = with_ctl.replace(kind, frame)
    t_ctl = time.perf_counter() - t0
    print(f"| (3 control layers x {len(ctl['farmland']):,} polygons: generated and indexed "
          f"in {t_ctl:.1f} s) |")
    time_single(single[:50], with_ctl, project)  # warm the control layers' caches
    six, full = time_interleaved(single, stress, with_ctl, project)
    print(_row("interleaved: six checks of the first release", six))
    print(_row("interleaved: + 3 control layers, full screen", full))
    rl = time_checks(single[: args.n_naive], stress, project, ("redline",))
    print(_row("stress set, red-line check only", rl))
    naive = time_naive(single[: args.n_naive], red)
    print(_row("naive overlay + distance, red line only", naive))

    batch = _sites(data["sites"], args.n_batch)
    t_par = time_batch(batch, stress, project, args.workers)
    print(f"\nbatch {len(batch):,} sites, {args.workers} workers: {t_par:.1f} s "
          f"({len(batch) / t_par:,.0f} sites/s)")
    t_one = time_batch(batch[:2000], stress, project, 1)
    print(f"batch 2,000 sites, 1 process: {t_one:.1f} s ({2000 / t_one:,.0f} sites/s)")

    p95 = float(np.percentile(st, 95))
    p95_ctl = float(np.percentile(full, 95))
    print("\nratios:")
    print(f"  full screen with 3 control layers p95 / six checks p95: "
          f"{p95_ctl:.2f} / {np.percentile(six, 95):.2f} ms = "
          f"{p95_ctl / np.percentile(six, 95):.2f}x")
    print(f"  full screen with 3 control layers p95 / floor: {p95_ctl:.2f} / "
          f"{CONTROL_P95_FLOOR_MS:.0f} ms = {p95_ctl / CONTROL_P95_FLOOR_MS:.2f}")
    print(f"  naive red-line p50 / indexed red-line p50: "
          f"{np.percentile(naive, 50) / np.percentile(rl, 50):,.0f}x")
    print(f"  naive red-line p50 / full indexed screen p50: "
          f"{np.percentile(naive, 50) / np.percentile(st, 50):,.0f}x")
    print(f"  stress p95 / floor: {p95:.1f} / {P95_FLOOR_MS:.0f} ms = {p95 / P95_FLOOR_MS:.2f}")
    print(f"  batch / floor: {t_par:.1f} / {BATCH_FLOOR_S:.0f} s = {t_par / BATCH_FLOOR_S:.2f}")
    ok = p95 <= P95_FLOOR_MS and t_par <= BATCH_FLOOR_S and p95_ctl <= CONTROL_P95_FLOOR_MS
    print(f"floors {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
