"""What the input sandbox costs on the common small-file path, and what it saves.

Usage::

    python -m bench.input_sandbox [--repeat 30]

Prints median wall times of reading small site files (a 2-parcel GeoJSON, a
zipped Shapefile, a 界址点 TXT) through :func:`geo.site_input.read_site_file`
(a :func:`geo.vector_io.guarded` child per call) against the same reading in
this process, the ratio, and how long a hostile 400-point self-intersecting
ring takes to end (CPU limit of :data:`geo.vector_io.SITE`) compared with
repairing it unguarded (timed on 250 points only, ~n³).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=30)
    args = p.parse_args(argv)
    import numpy as np
    import shapely

    from bench.fuzz_inputs import seed_files
    from geo import site_input
    from geo.errors import InputError
    from geo.vector_io import SITE

    seeds = seed_files()
    cases = {"GeoJSON (2 parcels)": ("a.geojson", seeds["geojson"][0]),
             "Shapefile zip (2 parcels)": ("a.zip", seeds["shapefile"][0]),
             "界址点 TXT (1 parcel)": ("a.txt", seeds["jzd"][0])}
    site_input.read_site_file("a.geojson", seeds["geojson"][0])  # start the forkserver
    print(f"{'file':28s} {'sandboxed ms':>13s} {'in-process ms':>14s} {'overhead ms':>12s}")
    for label, (name, data) in cases.items():
        guarded = _median_ms(lambda: site_input.read_site_file(name, data), args.repeat)
        inline = _median_ms(lambda: site_input._read_site_file(name, data, SITE), args.repeat)
        print(f"{label:28s} {guarded:13.1f} {inline:14.1f} {guarded - inline:12.1f}")
    rng = np.random.default_rng(1)
    ring = np.column_stack([rng.uniform(101.7, 101.8, 400), rng.uniform(36.6, 36.7, 400)])
    text = "\n".join(f"{x:.6f},{y:.6f}" for x, y in ring)
    t0 = time.perf_counter()
    try:
        site_input.parse_coordinates(text)
        ended = "accepted"
    except InputError as err:
        ended = err.key
    hostile = time.perf_counter() - t0
    small = shapely.Polygon(ring[:250])
    t0 = time.perf_counter()
    shapely.make_valid(small)
    raw250 = time.perf_counter() - t0
    print(f"hostile 400-point ring pasted: ended in {hostile:.1f} s ({ended}); CPU limit "
          f"{SITE.cpu_seconds} s; unguarded make_valid of its first 250 points alone: "
          f"{raw250:.1f} s (~n³: 400 points ≈ {raw250 * (400 / 250) ** 3:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
