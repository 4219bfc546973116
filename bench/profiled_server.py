"""``streamlit`` under cProfile, for :mod:`bench.load_bench` ``--profile OUT``.

    python -m bench.profiled_server OUT run streamlit_app.py [streamlit options]

Runs the Streamlit command line in this process with two profiles, written when the
server stops (SIGTERM): ``OUT.script`` -- every script run (each
``ScriptRunner._run_script`` call, in its script thread; each run gets a profiler of its
own, merged at the end) -- and ``OUT.main`` -- the main thread: the server's event loop,
which sends every message the script threads queue. ``OUT.runs`` lists each script run's
thread CPU seconds and kind (``page`` or ``fragment``). Both profiles time CPU
(``time.thread_time``), not wall time: waits for the GIL are not counted. With
``QPA_PROFILE_CPU_ONLY=1`` in the environment nothing is profiled and only ``OUT.runs``
is written: each run's CPU without the profiler's own overhead.
SIGUSR1 empties all three (the bench sends it after its warm-up, so the first load of the
layers is not counted).

Profile only a single session's runs (``--sessions 1``): a run's profiler sees its own
thread only, but runs of several sessions at once share the interpreter's time.

    python -m bench.profiled_server --report OUT

prints where the script runs' CPU went, by part of the site-check page (:data:`PARTS`),
per screening (a paste and its check).
"""
from __future__ import annotations

import cProfile
import os
import pstats
import signal
import sys
import threading
import time
from pathlib import Path

#: (label, file suffix, function) of the parts of a site check reported by :func:`report`
PARTS = (
    ("whole-page runs (paste: page + its fragment)", "ui/shell.py", "run_router"),
    ("fragment (map, form, verdict), both runs", "pages/site_check.py", "_map_and_check"),
    ("  map", "pages/site_check.py", "_map"),
    ("    site_map (folium map)", "layers/site_view.py", "site_map"),
    ("    st_folium (render, send)", "streamlit_folium/__init__.py", "st_folium"),
    ("  project form", "pages/site_check.py", "_project_form"),
    ("  verdict", "pages/site_check.py", "_verdict"),
    ("    st.dataframe (all tables)", "streamlit/elements/arrow.py", "dataframe"),
    ("    verdict Styler -> Arrow", "lib/pandas_styler_utils.py", "marshall_styler"),
    ("  screening + audit", "pages/site_check.py", "_screen"),
    ("    screen_site", "geo/screen.py", "screen_site"),
    ("indicative warning", "ui/accuracy.py", "indicative_warning"),
    ("store version_key", "geo/sources.py", "version_key"),
    ("session state scans (Streamlit)", "state/session_state.py", "filtered_state"),
)


def report(out: str) -> str:
    """CPU ms per screening of each of :data:`PARTS` (cumulative, the profiler's overhead
    included; for proportions), from ``OUT.script`` and ``OUT.runs``."""
    runs = [line.split() for line in Path(out + ".runs").read_text().splitlines()]
    checks = max(1, sum(kind == "fragment" for _, kind in runs))
    stats = pstats.Stats(out + ".script").stats  # type: ignore[attr-defined]  # not in typeshed
    lines = [f"{len(runs)} script runs, {checks} checks; thread CPU (profiled) "
             f"{sum(float(c) for c, _ in runs) / checks * 1000:.1f} ms per screening"]
    for label, suffix, name in PARTS:
        cum = max((ct for (file, _, fn), (_, _, _, ct, _) in stats.items()
                   if file.endswith(suffix) and fn == name), default=0.0)
        lines.append(f"  {label:46s} {cum / checks * 1000:7.1f} ms")
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1] == "--report":
        print(report(sys.argv[2]))
        return
    out, args = sys.argv[1], sys.argv[2:]
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli

    cpu_only = os.environ.get("QPA_PROFILE_CPU_ONLY") == "1"
    lock = threading.Lock()
    runs: list[tuple[float, str, pstats.Stats | None]] = []
    original = script_runner.ScriptRunner._run_script

    def profiled(self, rerun_data):
        prof = None if cpu_only else cProfile.Profile(time.thread_time)  # CPU: runs share the GIL
        cpu0 = time.thread_time()
        if prof is not None:
            prof.enable()
        try:
            return original(self, rerun_data)
        finally:
            if prof is not None:
                prof.disable()
            cpu = time.thread_time() - cpu0
            with lock:
                runs.append((cpu, "fragment" if rerun_data.fragment_id_queue else "page",
                             None if prof is None else pstats.Stats(prof)))

    script_runner.ScriptRunner._run_script = profiled  # type: ignore[method-assign]
    main_prof = None if cpu_only else cProfile.Profile(time.thread_time)

    def reset(signum, frame) -> None:
        if main_prof is not None:
            main_prof.disable()
            main_prof.clear()
            main_prof.enable()
        with lock:
            runs.clear()

    signal.signal(signal.SIGUSR1, reset)
    if main_prof is not None:
        main_prof.enable()
    try:
        cli.main(args, prog_name="streamlit", standalone_mode=False)
    finally:
        with lock:
            if main_prof is not None:
                main_prof.disable()
                main_prof.dump_stats(out + ".main")
            stats = [s for _, _, s in runs if s is not None]
            if stats:
                for more in stats[1:]:
                    stats[0].add(more)
                stats[0].dump_stats(out + ".script")
            with open(out + ".runs", "w") as f:
                f.writelines(f"{cpu:.4f} {kind}\n" for cpu, kind, _ in runs)


if __name__ == "__main__":
    main()
