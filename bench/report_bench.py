"""Site-check report with its location map, on the bundle and on 20,000-polygon layers.

``python -m bench.report_bench [--runs 15]``

Times :func:`geo.location_map.location_map`, :func:`geo.report.report_html` and
:func:`geo.report.report_pdf` for one site in the 南川 base (Xining) with

* the bundled layers;
* the bundle plus a 永久基本农田-like layer of >= 20,000 star polygons centred on the site
  (``bench.stress_data.farmland``: one per ~1 km cell, so ~400 fall in the map's view), and the
  same again as a 城镇开发边界 layer (another seed);
* the stress set's 20,000 red-line polygons (105 vertices each) instead of the bundled red lines.

Prints the median and max milliseconds, the points drawn on the map and the HTML size; the map
is capped (extent, features per layer, simplification), so the figures stay close whatever the
layers hold.
"""
from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

import shapely

T = TypeVar("T")


def _time(fn: Callable[[], T], runs: int) -> tuple[float, float, T]:
    out = fn()  # warm-up
    ms = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        ms.append(1000 * (time.perf_counter() - t0))
    return statistics.median(ms), max(ms), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from bench.stress_data import farmland, generate
    from geo.checks import Project
    from geo.layers_index import ScreeningLayers
    from geo.location_map import location_map
    from geo.report import report_html, report_pdf
    from geo.screen import screen_site

    bundle = ScreeningLayers.from_bundle()
    site = shapely.box(101.731, 36.5618, 101.739, 36.5682)
    c = site.centroid
    heavy = bundle.replace("farmland", farmland(centre=(c.x, c.y), spacing_m=980.0))
    heavy = heavy.replace("urban_boundary", farmland(seed=7, centre=(c.x, c.y), spacing_m=980.0))
    stress_red = bundle.replace("redline", generate(region=bundle.coverage)["redlines"])
    cases = {"bundle": bundle,
             "bundle + 2 control layers x 20k polygons around the site": heavy,
             "stress red lines 20k x 105 vertices": stress_red}
    print(f"{'case':66s} {'what':12s} {'p50 ms':>8s} {'max ms':>8s}  note")
    for name, layers in cases.items():
        res = screen_site(site, Project(product="碳酸锂"), layers)
        p50, mx, lm = _time(lambda: location_map(res, layers, "zh"), args.runs)
        print(f"{name:66s} {'map model':12s} {p50:8.1f} {mx:8.1f}  {lm['vertices']} points drawn")
        p50, mx, html = _time(lambda: report_html(res, lang="zh", layers=layers), args.runs)
        print(f"{'':66s} {'report_html':12s} {p50:8.1f} {mx:8.1f}  {len(html):,} characters")
        p50, mx, pdf = _time(lambda: report_pdf(res, lang="zh", layers=layers),
                             max(3, args.runs // 3))
        print(f"{'':66s} {'report_pdf':12s} {p50:8.1f} {mx:8.1f}  {len(pdf):,} bytes")
    res = screen_site(site, Project(product="碳酸锂"), bundle)
    p50, mx, _ = _time(lambda: report_html(res, lang="zh"), args.runs)
    print(f"{'no layers (no location map)':66s} {'report_html':12s} {p50:8.1f} {mx:8.1f}")


if __name__ == "__main__":
    main()
