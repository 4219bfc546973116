"""A Streamlit app server on this machine for tests, benchmarks and scripts: start, wait, stop.

    from scripts.local_server import start
    server = start(REPO / "streamlit_app.py", log=tmp / "server.log")   # waits until healthy
    ...  # server.base is http://127.0.0.1:<free port>
    server.stop()

The server listens on a free loopback port only, runs headless with no file watcher and no
usage statistics, from the repository root with the repository first on ``PYTHONPATH``, in a
process group of its own (stopped as a whole: Streamlit's children too). Its output goes to
``log``. Waiting for ``/_stcore/health`` gives up at once, with the log's tail, when the
process exits. Used by tests/browser (conftest, the two-server test), bench/ (run_all,
load_bench) and scripts/ (screenshots, warm_up).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"


class ServerFailed(RuntimeError):
    """The server exited or did not answer in time (the message ends with its log's tail)."""


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def log_tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a log file (``(no log)`` if it cannot be read)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def health_answers(base: str) -> bool:
    """True when ``base``/_stcore/health answers 200 now."""
    try:
        with urllib.request.urlopen(base.rstrip("/") + "/_stcore/health", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def wait_healthy(base: str, timeout_s: float,
                 alive: Callable[[], bool] = lambda: True) -> bool:
    """True once ``base``/_stcore/health answers 200; False after ``timeout_s`` seconds or as
    soon as ``alive()`` is false (the server process has exited)."""
    deadline = time.monotonic() + timeout_s
    while alive():
        if health_answers(base):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.3)
    return False


def copy_app(app: Path, run_dir: Path, links: Iterable[str] = ("static",)) -> Path:
    """``app`` copied into ``run_dir`` beside symlinks to the repository's ``links`` folders.

    Streamlit serves ``static/`` and finds ``pages/`` beside the main script, so an app that
    lives outside the repository root (a test or benchmark app) is run from a copy (not a
    symlink: Streamlit resolves the script's path) in a folder where those resolve as in
    production. Returns the copy's path."""
    run_dir.mkdir(parents=True, exist_ok=True)
    target = run_dir / app.name
    shutil.copy2(app, target)
    for name in links:
        link = run_dir / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(REPO / name, target_is_directory=True)
    return target


@dataclass
class LocalServer:
    """A started ``streamlit run``: its process (leader of its own group), URL and log file."""

    proc: subprocess.Popen
    base: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return log_tail(self.log, lines)

    def wait_healthy(self, timeout_s: float = 60.0) -> None:
        """Return once the server answers its health check; raise :class:`ServerFailed`
        with the log's tail when it exits first or does not answer in ``timeout_s``."""
        if wait_healthy(self.base, timeout_s, lambda: self.proc.poll() is None):
            return
        if self.proc.poll() is not None:
            raise ServerFailed(f"streamlit exited with {self.proc.returncode} ({self.base}):\n"
                               f"{self.log_tail()}")
        raise ServerFailed(f"streamlit at {self.base} not healthy after {timeout_s:.0f} s:\n"
                           f"{self.log_tail()}")

    def stop(self, grace_s: float = 20.0) -> None:
        """SIGTERM the server's process group; SIGKILL it if still there after ``grace_s``."""
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=grace_s)
        except ProcessLookupError:  # the group ended meanwhile
            self.proc.poll()
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(app: Path | str, log: Path, env: Mapping[str, str] | None = None,
          options: Iterable[str] = (), wait_s: float | None = 60.0,
          runner: Iterable[str] = ("streamlit",)) -> LocalServer:
    """``python -m streamlit run app`` on a free loopback port; output to ``log``.

    ``env``: the server's environment (default: this process's); the repository goes first
    on its ``PYTHONPATH``. ``options``: more ``streamlit run`` options, e.g.
    ``("--server.enableStaticServing", "true")``. ``wait_s``: wait that long for the health
    check (stopping the server and raising :class:`ServerFailed` if it fails); ``None``
    returns at once (call :meth:`LocalServer.wait_healthy`). ``runner``: the module (and its
    first arguments) run with ``python -m`` instead of ``streamlit``, e.g. a profiling wrapper
    that takes streamlit's command line."""
    port = free_port()
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", *runner, "run", str(app),
           "--server.port", str(port), "--server.address", LOOPBACK,
           "--server.headless", "true", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false", *options]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = LocalServer(proc, f"http://{LOOPBACK}:{port}", log)
    if wait_s is not None:
        try:
            server.wait_healthy(wait_s)
        except ServerFailed:
            server.stop()
            raise
    return server
