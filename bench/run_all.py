"""Every benchmark in one run, one table: ``python -m bench.run_all``.

Rows (floors of issue 6 where there is one):

* single-site full screen p50 / p95 -- bundled layers and the stress set
  (bench.stress_data: 20k red-line polygons, 2.1 M vertices, 5k deposits);
* naive geopandas overlay per site (red line only) and its ratio to the indexed check;
* batch 10,000 sites (geo.batch: screen all six checks, rank, 300-draw
  sensitivity) on the stress set -- floor 30 s;
* suitability grid at 1 km (geo.suitability) on the bundle and on the stress
  set (20k red lines rasterised) -- floor 30 s;
* map page payload (bytes received by the browser) and time to first map paint
  of the app (router, sidebar, the atlas as default page) with every layer on, in
  headless Chromium (a Streamlit server started here on a free loopback port) --
  floor 3 s -- alternating with a baseline page (a title and a 3-polygon
  streamlit-folium map) to give the ratio;
* with ``--postgis``: the same red-line and mineral checks in PostGIS (GiST
  indexes, ST_Intersects, ST_Area(geography), ST_DWithin(geography)) on the same
  stress data, per site, beside the indexed Python checks (``bash
  scripts/postgis.sh start`` / ``stop`` are run here).

Options: ``--quick`` (fewer sites), ``--skip-browser``, ``--postgis``,
``--workers N``. Prints progress to stderr and the table to stdout.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from scripts.local_browser import CHROMIUM, launch
from scripts.local_server import LocalServer, copy_app, start

ROOT = Path(__file__).resolve().parent.parent
# No internet for the page: Chromium resolves no host but loopback. Blocking in the
# browser, not with a Playwright route (scripts.local_browser.block_non_local), keeps the
# measurement free of a Python round trip per request (a route made every page load ~0.6-1 s
# slower here).
NO_INTERNET = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
ROWS: list[tuple[str, str, str, str]] = []   # (what, figure, floor, note)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def row(what: str, figure: str, floor: str = "", note: str = "") -> None:
    ROWS.append((what, figure, floor, note))
    log(f"  {what}: {figure} {note}")


def _pct(ms: np.ndarray) -> str:
    return f"p50 {np.percentile(ms, 50):.2f} ms, p95 {np.percentile(ms, 95):.2f} ms"


# --------------------------------------------------------------------------- screening
def bench_screening(args, data, stress, project) -> dict:
    from bench.screen_bench import _sites, time_checks, time_naive, time_single
    from geo.layers_index import ScreeningLayers

    out: dict[str, Any] = {}
    single = _sites(data["sites"], args.n_single)
    bundled = ScreeningLayers.from_bundle()
    ms = time_single(single, bundled, project)
    row(f"single full screen, bundled ({len(single)} sites)", _pct(ms), "p95 ≤ 100 ms")
    ms = time_single(single, stress, project)
    out["stress_p50"] = float(np.percentile(ms, 50))
    row(f"single full screen, stress ({len(single)} sites)", _pct(ms), "p95 ≤ 100 ms")
    rl = time_checks(single[: args.n_naive], stress, project, ("redline",))
    out["redline_ms"] = rl
    row(f"red-line check only, stress ({len(rl)} sites)", _pct(rl))
    naive = time_naive(single[: args.n_naive], data["redlines"])
    row(f"naive gpd.overlay + distance, red line ({len(naive)} sites)", _pct(naive), "",
        f"= {np.percentile(naive, 50) / np.percentile(rl, 50):,.0f}x the indexed red-line "
        f"check, {np.percentile(naive, 50) / out['stress_p50']:,.0f}x the full screen")
    return out


def bench_batch(args, data, stress, project) -> None:
    from bench.screen_bench import _sites
    from geo.batch import rank_sites, screen_table, sensitivity

    sites = _sites(data["sites"], args.n_batch)
    t0 = time.perf_counter()
    table = screen_table(sites, project, stress, workers=args.workers)
    t_screen = time.perf_counter() - t0
    t1 = time.perf_counter()
    ranked = rank_sites(table)
    rank_sites(table, {"verdict": 0.5, "chain": 0.3, "quota": 0.2})
    sens = sensitivity(table, draws=300)
    t_rank = time.perf_counter() - t1
    total = time.perf_counter() - t0
    assert len(ranked) == len(sites) and len(sens) == len(sites)
    row(f"batch {len(sites):,} sites, stress (screen + rank + 300-draw sensitivity)",
        f"{total:.1f} s", "≤ 30 s",
        f"screen {t_screen:.1f} s on {args.workers} processes ({len(sites) / t_screen:,.0f}/s); "
        f"rank + sensitivity {t_rank:.2f} s")


def bench_suitability(args, data, stress) -> None:
    from geo.layers_index import ScreeningLayers
    from geo.suitability import suitability

    bundled = ScreeningLayers.from_bundle()
    suitability("正极材料", bundled, 5000)  # warm the chain graph
    for label, layers in (("bundle", bundled), ("stress, 20k red lines", stress)):
        times = []
        for product in ("正极材料", "钾肥", "电池级碳酸锂"):
            t0 = time.perf_counter()
            s = suitability(product, layers, 1000)
            times.append(time.perf_counter() - t0)
        ny, nx = s.shape
        row(f"suitability grid 1 km, {label} ({nx}x{ny} = {nx * ny / 1e6:.2f} M cells)",
            f"max {max(times):.2f} s", "≤ 30 s",
            f"3 products: {', '.join(f'{x:.2f}' for x in times)} s")


# --------------------------------------------------------------------------- browser
def _start_streamlit(app: Path, run_dir: Path, pages: bool = True) -> LocalServer:
    """``app`` (a bench app) run from a copy in ``run_dir`` beside links to ``static`` (and
    ``pages``, which resolve beside the script); waits until healthy."""
    script = copy_app(app, run_dir, ("static", "pages") if pages else ("static",))
    return start(script, run_dir / "streamlit.log",
                 env={**os.environ, "ATLAS_REPO_ROOT": str(ROOT)},
                 options=("--server.enableStaticServing", "true"))


_PAINTED = """(doc) => {
  const n = s => doc.querySelectorAll(s).length;
  const img = doc.querySelector('img.leaflet-image-layer');
  return n('path.qpa-bases') >= 15 && n('path.qpa-redlines') > 0 && n('path.qpa-admin_county') > 0
         && n('path.qpa-quotas') > 0 && img && img.complete;
}"""


_BASELINE_PAINTED = "(doc) => doc.querySelectorAll('path.qpa-baseline').length >= 3"

# the atlas as it opens (the layers shown by default: bases, red lines, terrain ...)
_DEFAULT_PAINTED = """(doc) => {
  const img = doc.querySelector('img.leaflet-image-layer');
  return doc.querySelectorAll('path.qpa-bases').length >= 15
         && doc.querySelectorAll('path.qpa-redlines').length > 0 && img && img.complete;
}"""


# Runs in the top page from its first script on: on every animation frame it looks into
# the page's (same-origin) iframes, and when one holds a Leaflet map that satisfies the
# predicate it records the time of that frame (painted next) on the page's clock, and the
# iframe's navigation start. Timing in the page, not from Python, keeps Playwright's round
# trips (event handlers, polling) out of the figure.
# It goes on until the sidebar's controls are there too (the app's language radio and a
# select box), recorded as window.__qpaControls: the atlas draws its map first and its
# widgets with the next run.
_PAINT_PROBE = """(() => {
  if (window.top !== window) return;
  const painted = %s;
  const controls = () => document.querySelector(
      '[data-testid="stSidebar"] [data-testid="stRadio"] input[type="radio"]')
    && document.querySelector('[data-testid="stSidebar"] [data-testid="stSelectbox"]');
  function tick() {
    if (!window.__qpaPainted) {
      for (const el of document.querySelectorAll('iframe')) {
        try {
          const doc = el.contentDocument;
          if (doc && doc.querySelector('.leaflet-container') && painted(doc)) {
            window.__qpaPainted = performance.now();
            window.__qpaFrame = el.contentWindow.performance.timeOrigin - performance.timeOrigin;
            break;
          }
        } catch (e) {}
      }
    }
    if (!window.__qpaControls && controls()) window.__qpaControls = performance.now();
    if (performance.now() < 90000 && !(window.__qpaPainted && window.__qpaControls))
      requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})();"""


def _probed_page(browser, painted: str):
    """A fresh browser context (empty cache) and page with the paint probe installed."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
    ctx.add_init_script(_PAINT_PROBE % painted)
    return ctx, ctx.new_page()


def _wait_painted(page, controls: bool = False) -> tuple[float, float, float]:
    """The probe's (ms to the map painted, ms to the map frame's navigation start, ms to the
    sidebar's controls shown -- with ``controls``, else nan)."""
    deadline = time.monotonic() + 90
    want = ("window.__qpaPainted && window.__qpaControls" if controls
            else "window.__qpaPainted")
    while True:
        got = _safe_eval(page, f"({want}) ? [window.__qpaPainted, window.__qpaFrame, "
                               f"window.__qpaControls || NaN] : null")
        if got:
            return got[0], got[1], got[2] if controls else float("nan")
        if time.monotonic() > deadline:
            raise RuntimeError("no painted map after 90 s")
        page.wait_for_timeout(50)  # lets Playwright take in events (time.sleep would not)


def _one_paint(browser, base: str, painted: str = _PAINTED,
               controls: bool = False) -> tuple[float, float, float]:
    """(s from navigation start to the map painted, s to the map frame's navigation start,
    s to the sidebar's controls shown -- with ``controls``, else nan), all read from the
    browser's clocks."""
    ctx, page = _probed_page(browser, painted)
    page.goto(base, wait_until="commit")
    t_paint, t_frame, t_controls = _wait_painted(page, controls)
    ctx.close()
    return t_paint / 1000.0, t_frame / 1000.0, t_controls / 1000.0


_BYTES = """() => {
  const size = w => w.performance.getEntriesByType('navigation').concat(
      w.performance.getEntriesByType('resource')).reduce((a, e) => a + (e.encodedBodySize || 0), 0);
  let total = size(window);
  for (const el of document.querySelectorAll('iframe')) {
    try { total += size(el.contentWindow); } catch (e) {}
  }
  return total;
}"""


def _payload(browser, base: str, painted: str = _PAINTED) -> tuple[int, int, int]:
    """(bytes received, of which over the websocket, outside requests) for one load that
    is not timed: HTTP bodies from the page's and its iframes' resource timing, websocket
    frames and outside requests from Playwright's events."""
    ctx, page = _probed_page(browser, painted)
    got = {"blocked": 0, "ws": 0}

    def outside(req):  # counted, not intercepted: Chromium itself resolves no outside host
        host = req.url.split("/")[2].split(":")[0] if "://" in req.url else ""
        if host and host not in ("127.0.0.1", "localhost"):
            got["blocked"] += 1

    def on_ws(ws):
        def frame(p):
            got["ws"] += len(p)

        ws.on("framereceived", frame)

    page.on("request", outside)
    page.on("websocket", on_ws)
    page.goto(base, wait_until="commit")
    _wait_painted(page)
    page.wait_for_timeout(1000)  # let trailing messages land for the byte count
    http = page.evaluate(_BYTES)
    ctx.close()
    return http + got["ws"], got["ws"], got["blocked"]


def _safe_eval(frame, js: str):
    try:
        return frame.evaluate(js)
    except Exception:  # noqa: BLE001 -- frame detached while navigating
        return None


def _warm_up(base: str) -> float:
    """Run scripts/warm_up.py against ``base`` as scripts/app.sh does; its wall time (s)."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "warm_up.py"), base], cwd=ROOT,
                   check=True, capture_output=True, timeout=300)
    return time.perf_counter() - t0


def bench_browser(args) -> None:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        row("first map paint", "skipped", "≤ 3 s", f"{CHROMIUM} missing")
        return
    tmp = Path(tempfile.mkdtemp(prefix="qpa-bench-"))
    servers: list[LocalServer] = []
    try:
        # a server started and warmed as scripts/app.sh does, one left cold, the baseline
        servers.append(_start_streamlit(ROOT / "bench" / "paint_app.py", tmp / "app"))
        base = servers[-1].base
        warm_up_s = [_warm_up(base)]
        servers.append(_start_streamlit(ROOT / "bench" / "paint_app.py", tmp / "cold"))
        base_cold = servers[-1].base
        servers.append(_start_streamlit(ROOT / "bench" / "paint_baseline.py", tmp / "baseline",
                                        pages=False))
        base0 = servers[-1].base
        servers.append(_start_streamlit(ROOT / "bench" / "paint_widgets.py", tmp / "widgets",
                                        pages=False))
        base_w = servers[-1].base
        servers.append(_start_streamlit(ROOT / "streamlit_app.py", tmp / "default"))
        base_d = servers[-1].base
        _warm_up(base_d)
        with sync_playwright() as pw:
            browser = launch(pw, NO_INTERNET)
            _one_paint(browser, base0, _BASELINE_PAINTED)  # the browser's own first start
            _one_paint(browser, base_w, _BASELINE_PAINTED)
            firsts = [_one_paint(browser, base)[0]]  # the first visitor after start + warm-up
            cold = _one_paint(browser, base_cold)[0]  # no warm-up: this visitor builds caches
            payload, ws, blocked = _payload(browser, base)
            payload0, ws0, _ = _payload(browser, base0, _BASELINE_PAINTED)
            _one_paint(browser, base_d, _DEFAULT_PAINTED)
            warm, baseline, widgets, default = [], [], [], []
            for _ in range(args.paints):  # alternate, so drift in machine load hits all
                warm.append(_one_paint(browser, base, controls=True))
                baseline.append(_one_paint(browser, base0, _BASELINE_PAINTED)[0])
                widgets.append(_one_paint(browser, base_w, _BASELINE_PAINTED)[0])
                default.append(_one_paint(browser, base_d, _DEFAULT_PAINTED, controls=True))
            for i in range(args.first_loads - 1):  # more fresh servers: one first load each
                fresh = _start_streamlit(ROOT / "bench" / "paint_app.py", tmp / f"fresh{i}")
                servers.append(fresh)
                warm_up_s.append(_warm_up(fresh.base))
                firsts.append(_one_paint(browser, fresh.base)[0])
                warm.append(_one_paint(browser, base, controls=True))  # beside each first one
                fresh.stop()
            browser.close()
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    first = statistics.median(firsts)
    times = [w[0] for w in warm]
    ratios = [a / b for a, b in zip(times, baseline)]  # the alternating loads only
    warm_med = statistics.median(times)
    row("map page payload, app opened on the atlas, all layers on (bytes to the browser)",
        f"{payload / 1e6:.2f} MB", "", f"of which {ws / 1e6:.2f} MB over the websocket (the "
        f"map); {blocked} non-local requests; the baseline page: {payload0 / 1e6:.2f} MB "
        f"({ws0 / 1e6:.2f} MB websocket), Streamlit's own front end")
    row("first map paint, app opened on the atlas, all layers on, headless Chromium",
        f"median {warm_med:.2f} s", "≤ 3 s",
        f"{len(times)} loads {', '.join(f'{x:.2f}' for x in times)} s (map iframe after "
        f"{statistics.median(w[1] for w in warm):.2f} s); "
        f"timed in the page from navigation start (each load a fresh browser context)")
    row("  same run: baseline page (title + 3-polygon st_folium map), alternating loads",
        f"median {statistics.median(baseline):.2f} s", "",
        f"app / baseline: median {statistics.median(ratios):.2f}x "
        f"(per pair {min(ratios):.2f}-{max(ratios):.2f}x); floor 1.2x")
    d_ratios = [d[0] / b for d, b in zip(default, baseline)]
    row("  same run: the atlas as it opens (streamlit_app.py, the layers shown by default)",
        f"median {statistics.median(d[0] for d in default):.2f} s", "",
        f"atlas as opened / baseline: median {statistics.median(d_ratios):.2f}x "
        f"(per pair {min(d_ratios):.2f}-{max(d_ratios):.2f}x); floor 1.2x")
    row("  same run: the sidebar's controls shown (language radio and select boxes)",
        f"median {statistics.median(w[2] for w in warm):.2f} s", "",
        f"all layers on: {statistics.median(w[2] - w[0] for w in warm):+.2f} s after the map; "
        f"as it opens: median {statistics.median(d[2] for d in default):.2f} s, "
        f"{statistics.median(d[2] - d[0] for d in default):+.2f} s after the map (the map is "
        f"drawn first, the widgets with the run its first report starts)")
    row("  same run: baseline page + the atlas's kinds of widgets (bench/paint_widgets.py)",
        f"median {statistics.median(widgets):.2f} s", "",
        f"widgets / baseline: median "
        f"{statistics.median(a / b for a, b in zip(widgets, baseline)):.2f}x; app / widgets: "
        f"median {statistics.median(a / b for a, b in zip(times, widgets)):.2f}x (what the "
        f"atlas adds beyond Streamlit's widgets)")
    row("first load after a server start, warmed up at start (scripts/warm_up.py)",
        f"median {first:.2f} s", "≤ warm + 0.5 s",
        f"{len(firsts)} fresh servers: {', '.join(f'{x:.2f}' for x in firsts)} s; warm median "
        f"{warm_med:.2f} s: difference {first - warm_med:+.2f} s; the warm-up took "
        f"{statistics.median(warm_up_s):.1f} s after the server answered; a first load on a "
        f"server with no warm-up: {cold:.2f} s ({cold - warm_med:+.2f} s)")


# --------------------------------------------------------------------------- PostGIS
def bench_postgis(args, data, stress, project, redline_ms) -> None:
    from bench.postgis_bench import run as pg_run

    try:
        url = subprocess.run(["bash", str(ROOT / "scripts" / "postgis.sh"), "start"], check=True,
                             capture_output=True, text=True, timeout=600).stdout.strip()
    except (subprocess.SubprocessError, OSError) as exc:
        row("PostGIS red-line + mineral checks", "skipped", "", f"postgis.sh start failed: {exc}")
        return
    try:
        pg_run(url, data, stress, project, args.n_naive, row)
    finally:
        subprocess.run(["bash", str(ROOT / "scripts" / "postgis.sh"), "stop"],
                       capture_output=True, timeout=120)


# --------------------------------------------------------------------------- main
def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Run every benchmark; print one table.")
    p.add_argument("--quick", action="store_true", help="fewer sites (200 single, 2,000 batch)")
    p.add_argument("--n-single", type=int, default=None)
    p.add_argument("--n-batch", type=int, default=None)
    p.add_argument("--n-naive", type=int, default=30)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--paints", type=int, default=9,
                   help="page loads of the app (and as many of the baseline) to time")
    p.add_argument("--first-loads", type=int, default=3,
                   help="fresh app servers (started, warmed up) whose first load is timed")
    p.add_argument("--skip-browser", action="store_true")
    p.add_argument("--browser-only", action="store_true",
                   help="only the payload and first-paint rows (no stress set)")
    p.add_argument("--postgis", action="store_true", help="also run the PostGIS comparison")
    p.add_argument("--seed", type=int, default=20261123)
    args = p.parse_args(argv)
    args.n_single = args.n_single or (200 if args.quick else 1000)
    args.n_batch = args.n_batch or (2000 if args.quick else 10_000)

    if args.browser_only:
        t0 = time.perf_counter()
        log("browser")
        bench_browser(args)
        _print_table(f"browser only; total {time.perf_counter() - t0:.0f} s")
        return 0

    from bench.stress_data import generate, qinghai_region
    from geo.bundle import BUNDLE_PATH, DEM_PATH
    from geo.checks import Project
    from geo.dem import read_dem
    from geo.layers_index import ScreeningLayers

    t0 = time.perf_counter()
    log(f"machine: {os.cpu_count()} CPUs; generating the stress set")
    data = generate(args.seed, qinghai_region(BUNDLE_PATH))
    stress = ScreeningLayers.from_frames(
        redline=data["redlines"], deposits=data["deposits"], salt_lakes=data["salt_lakes"],
        bases=data["bases"], quotas=data["quotas"], dem=read_dem(DEM_PATH),
        coverage=data["admin_province"].geometry.iloc[0])
    n_vert = int(sum(len(g.exterior.coords) for g in data["redlines"].geometry))
    log(f"stress set: {len(data['redlines']):,} red lines, {n_vert:,} vertices, "
        f"{len(data['deposits']):,} deposits, {len(data['sites']):,} sites "
        f"({time.perf_counter() - t0:.1f} s)")
    project = Project(product="碳酸锂")

    log("screening")
    scr = bench_screening(args, data, stress, project)
    log("batch")
    bench_batch(args, data, stress, project)
    log("suitability")
    bench_suitability(args, data, stress)
    if not args.skip_browser:
        log("browser")
        bench_browser(args)
    if args.postgis:
        log("postgis")
        bench_postgis(args, data, stress, project, scr["redline_ms"])

    _print_table(f"stress set {len(data['redlines']):,} red lines / {n_vert:,} vertices / "
                 f"{len(data['deposits']):,} deposits; total {time.perf_counter() - t0:.0f} s")
    return 0


def _print_table(heading: str) -> None:
    w = max(len(r[0]) for r in ROWS)
    print(f"\nQinghai Park Atlas benchmarks — {os.cpu_count()} CPUs, {heading}\n")
    print(f"| {'benchmark':<{w}} | {'figure':<28} | {'floor':<12} | note")
    print(f"|{'-' * (w + 2)}|{'-' * 30}|{'-' * 14}|------")
    for what, fig, floor, note in ROWS:
        print(f"| {what:<{w}} | {fig:<28} | {floor:<12} | {note}")


if __name__ == "__main__":
    sys.exit(main())
