"""Load: many people screening pasted sites against one running server (issue 11, item 7).

Starts ``streamlit run streamlit_app.py`` on a free loopback port with a fresh
embedded store, then drives real browser sessions (headless Debian Chromium
through Playwright, one browser context per person, every non-local request
aborted) exactly as a person uses the site check: open ``/site_check``, choose
"paste coordinates", paste a small square, "use these coordinates", then
**click "check the site" and wait for the verdict heading** -- the timed span.

Phases (each session screens ``--rounds`` different sites, one after another):

1. ``solo``      one session alone (the reference);
2. ``N``         ``--sessions`` sessions at once;
3. ``N+hostile`` the same while one more session uploads a hostile site file
   (a GeoJSON polygon whose ring of ``--hostile-points`` random points crosses
   itself everywhere: geometry repair cost grows ~n³). The upload's own time
   to an answer (site or error) is reported too.

Errors: a timed-out or failed step, a Streamlit exception box on the page, an
uncaught page error. Floors: 0 errors; p90 of ``N`` ≤ 3 × p50 of ``solo``.

    .venv/bin/python -m bench.load_bench [--sessions 20] [--rounds 3] [--skip-hostile]

Figures and the machine's load average are printed as a Markdown table
(``bench/RESULTS.md`` keeps the latest run).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.i18n import t  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
LOCAL = {"127.0.0.1", "localhost", "[::1]", "::1"}
LANG = "zh"
STEP_TIMEOUT_MS = 240_000
#: Sites to screen: small squares around points in and near the bases (varied per session).
CENTRES = [(101.73, 36.56), (94.90, 36.40), (97.05, 37.30), (95.30, 36.90), (100.10, 36.90),
           (102.00, 36.50), (96.50, 36.50), (98.10, 36.30)]


@dataclass
class Phase:
    name: str
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0

    def pct(self, q: float) -> float:
        xs = sorted(self.times)
        if not xs:
            return float("nan")
        return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """``streamlit run streamlit_app.py`` on a free loopback port; waits for health."""
    port = _free_port()
    env = dict(os.environ, QPA_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    env.pop("QPA_DATABASE_URL", None)
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy in 90 s")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def square(lon: float, lat: float, half: float = 0.004) -> str:
    return "\n".join(f"{x:.5f},{y:.5f}" for x, y in ((lon - half, lat - half), (lon + half, lat - half),
                                                     (lon + half, lat + half), (lon - half, lat + half)))


def hostile_geojson(points: int, seed: int = 11) -> bytes:
    """One polygon whose ring visits random points: it crosses itself ~n²/4 times."""
    rng = random.Random(seed)
    ring = [[round(101.70 + rng.random() * 0.1, 6), round(36.50 + rng.random() * 0.1, 6)]
            for _ in range(points)]
    ring.append(ring[0])
    return json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "hostile"},
        "geometry": {"type": "Polygon", "coordinates": [ring]}}]}).encode()


async def _new_page(browser, base: str):
    context = await browser.new_context(viewport={"width": 1280, "height": 1400})
    page = await context.new_page()
    page.errors_seen = []
    page.on("pageerror", lambda exc: page.errors_seen.append(str(exc)[:200]))

    async def guard(route):
        host = (route.request.url.split("/")[2].rsplit(":", 1)[0]
                if "://" in route.request.url else "")
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL:
            await route.continue_()
        else:
            await route.abort()

    await page.route("**/*", guard)
    await page.goto(base + "/site_check", wait_until="domcontentloaded")
    await page.get_by_text(t("site.mode.paste", LANG), exact=True).click(timeout=STEP_TIMEOUT_MS)
    await page.get_by_label(t("site.coords", LANG)).wait_for(timeout=STEP_TIMEOUT_MS)
    return context, page


async def _screen_once(page, coords: str) -> float:
    """Paste ``coords``, use them, then time click -> verdict heading."""
    verdict = page.get_by_role("heading", name=re.compile("^" + re.escape(
        t("site.verdict", LANG, status="")) ))
    await page.get_by_label(t("site.coords", LANG)).fill(coords)
    await page.get_by_role("button", name=t("site.use_coords", LANG)).click(timeout=STEP_TIMEOUT_MS)
    await page.get_by_text(t("site.current", LANG, area=0, lon=0, lat=0, crs="")[:5]).first.wait_for(
        timeout=STEP_TIMEOUT_MS)
    await verdict.first.wait_for(state="detached", timeout=STEP_TIMEOUT_MS)  # new site: no verdict
    run = page.get_by_role("button", name=t("site.run", LANG))
    await run.wait_for(timeout=STEP_TIMEOUT_MS)
    start = time.perf_counter()
    await run.click(timeout=STEP_TIMEOUT_MS)
    await verdict.first.wait_for(timeout=STEP_TIMEOUT_MS)
    took = time.perf_counter() - start
    if await page.locator("[data-testid='stException']").count():
        raise RuntimeError("exception box on the page")
    return took


async def _session(browser, base: str, idx: int, rounds: int, phase: Phase,
                   start_gate: asyncio.Event) -> None:
    context = None
    try:
        context, page = await _new_page(browser, base)
        await start_gate.wait()
        for r in range(rounds):
            lon, lat = CENTRES[(idx + r) % len(CENTRES)]
            coords = square(lon + 0.01 * (idx % 7), lat + 0.01 * r)
            phase.times.append(await _screen_once(page, coords))
        phase.errors += [f"session {idx}: page error {e}" for e in page.errors_seen]
    except Exception as exc:  # any failed step is an error of the run
        phase.errors.append(f"session {idx}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    finally:
        if context is not None:
            await context.close()


async def _hostile(browser, base: str, points: int, out: dict, started: asyncio.Event) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await page.goto(base + "/site_check", wait_until="domcontentloaded")
        await page.get_by_text(t("site.mode.file", LANG), exact=True).click(timeout=STEP_TIMEOUT_MS)
        chooser = page.locator("input[type='file']")
        await chooser.wait_for(state="attached", timeout=STEP_TIMEOUT_MS)
        start = time.perf_counter()
        await chooser.set_input_files(files=[{"name": "hostile.geojson", "mimeType": "application/json",
                                              "buffer": hostile_geojson(points)}])
        started.set()
        answer = page.locator("[data-testid='stAlertContentError'], [data-testid='stAlertContentSuccess']")
        await answer.first.wait_for(timeout=600_000)
        out["seconds"] = time.perf_counter() - start
        out["answer"] = (await answer.first.inner_text())[:160]
    except Exception as exc:
        out["seconds"] = float("nan")
        out["answer"] = f"no answer: {type(exc).__name__}"
        started.set()
    finally:
        await context.close()


async def run_phase(browser, base: str, name: str, sessions: int, rounds: int,
                    hostile_points: int = 0) -> tuple[Phase, dict]:
    phase, hostile = Phase(name), {}
    gate = asyncio.Event()
    tasks = [asyncio.create_task(_session(browser, base, i, rounds, phase, gate))
             for i in range(sessions)]
    extra = []
    if hostile_points:
        started = asyncio.Event()
        extra.append(asyncio.create_task(_hostile(browser, base, hostile_points, hostile, started)))
        await started.wait()
        await asyncio.sleep(1.0)  # the repair is running
    await asyncio.sleep(0.5)
    t0 = time.perf_counter()
    gate.set()
    await asyncio.gather(*tasks)
    phase.wall = time.perf_counter() - t0
    await asyncio.gather(*extra)
    return phase, hostile


async def main_async(args) -> int:
    from playwright.async_api import async_playwright

    tmp = Path(tempfile.mkdtemp(prefix="qpa-load-"))
    proc, base = start_server(tmp / "data", tmp / "server.log")
    load_before = os.getloadavg()
    phases: list[tuple[Phase, dict]] = []
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            warm, _ = await run_phase(browser, base, "warm-up", 1, 1)  # first run loads the layers
            phases.append(await run_phase(browser, base, "solo", 1, args.solo_rounds))
            phases.append(await run_phase(browser, base, f"{args.sessions} sessions",
                                          args.sessions, args.rounds))
            if not args.skip_hostile:
                phases.append(await run_phase(browser, base, f"{args.sessions} sessions + hostile upload",
                                              args.sessions, args.rounds, args.hostile_points))
            await browser.close()
    finally:
        stop_server(proc)
    load_after = os.getloadavg()
    solo = phases[0][0]
    ref = statistics.median(solo.times) if solo.times else float("nan")
    print(f"\nload bench: {os.cpu_count()} CPUs, load average before {load_before[0]:.2f} "
          f"(1 min) / after {load_after[0]:.2f}; warm-up {warm.times} errors {warm.errors}")
    print("| phase | screenings | p50 click→verdict | p90 | max | p90 / solo p50 | errors | wall |")
    print("|---|---|---|---|---|---|---|---|")
    for phase, hostile in phases:
        print(f"| {phase.name} | {len(phase.times)} | {phase.pct(0.5):.2f} s | {phase.pct(0.9):.2f} s | "
              f"{max(phase.times, default=float('nan')):.2f} s | {phase.pct(0.9) / ref:.2f}× | "
              f"{len(phase.errors)} | {phase.wall:.1f} s |")
        for err in phase.errors[:10]:
            print(f"    error: {err}")
        if hostile:
            print(f"    hostile upload ({args.hostile_points}-point self-crossing ring): answer after "
                  f"{hostile['seconds']:.1f} s: {hostile['answer']!r}")
    failed = any(p.errors for p, _ in phases) or phases[1][0].pct(0.9) > 3 * ref
    return 1 if failed else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3, help="sites each session screens")
    p.add_argument("--solo-rounds", type=int, default=5)
    p.add_argument("--hostile-points", type=int, default=400)
    p.add_argument("--skip-hostile", action="store_true")
    return asyncio.run(main_async(p.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
