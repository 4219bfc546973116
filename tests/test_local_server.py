"""scripts/local_server.py and scripts/local_browser.py: the one way tests, benchmarks and scripts
start a local Streamlit server and keep Chromium on this machine."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from scripts.local_browser import block_non_local, is_local
from scripts.local_server import ServerFailed, copy_app, free_port, health_answers, start

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "tests" / "browser" / "smoke_app.py"


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def test_server_answers_on_loopback_and_stops_with_its_whole_group(tmp_path):
    server = start(copy_app(APP, tmp_path / "app"), tmp_path / "logs" / "server.log")
    try:
        assert server.base.startswith("http://127.0.0.1:")
        assert health_answers(server.base)
        assert os.getpgid(server.proc.pid) == server.proc.pid  # a group of its own
    finally:
        server.stop()
    assert server.proc.returncode is not None
    assert _group_gone(server.proc.pid)
    assert not health_answers(server.base)
    assert (tmp_path / "logs" / "server.log").exists()


def test_a_server_that_exits_fails_at_once_with_its_log(tmp_path):
    started = time.monotonic()
    with pytest.raises(ServerFailed, match="noSuchOption"):
        start(APP, tmp_path / "server.log", options=("--server.noSuchOption", "1"), wait_s=60)
    assert time.monotonic() - started < 30  # not the whole 60 s wait


def test_the_runner_module_is_what_starts(tmp_path):
    """``runner`` replaces ``python -m streamlit`` (a profiling wrapper): a missing one fails
    at once, naming itself."""
    with pytest.raises(ServerFailed, match="qpa_no_such_runner"):
        start(APP, tmp_path / "server.log", runner=("qpa_no_such_runner",), wait_s=60)


def test_a_server_that_ignores_sigterm_is_killed(tmp_path):
    (tmp_path / "stubborn.py").write_text(
        "import pathlib, signal, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "pathlib.Path(sys.argv[0]).with_name('ready').write_text('')\n"
        "time.sleep(600)\n")
    server = start(APP, tmp_path / "server.log", runner=("stubborn",), wait_s=None,
                   env={**os.environ, "PYTHONPATH": str(tmp_path)})
    deadline = time.monotonic() + 30
    while not (tmp_path / "ready").exists():
        assert server.proc.poll() is None, server.log_tail()
        assert time.monotonic() < deadline, server.log_tail()
        time.sleep(0.05)
    started = time.monotonic()
    server.stop(grace_s=1)
    assert server.proc.returncode == -9  # SIGKILL after the grace period
    assert time.monotonic() - started < 10
    assert _group_gone(server.proc.pid)


def test_copy_app_links_the_static_folder(tmp_path):
    script = copy_app(APP, tmp_path / "run", ("static", "pages"))
    assert script.read_text() == APP.read_text()
    for name in ("static", "pages"):
        assert (tmp_path / "run" / name).resolve() == REPO / name
    copy_app(APP, tmp_path / "run")  # again into the same folder: the links are replaced


def test_free_port_is_free():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", free_port()))


@pytest.mark.parametrize("url, local", [
    ("http://127.0.0.1:8501/app/static/x.js", True),
    ("ws://localhost:8501/_stcore/stream", True),
    ("http://[::1]:8501/", True),
    ("data:image/png;base64,AAAA", True),
    ("https://tile.openstreetmap.org/1/1/1.png", False),
    ("wss://example.com/socket", False),
    ("http://127.0.0.1.example.com/", False),
])
def test_is_local(url, local):
    assert is_local(url) is local


def test_block_non_local_aborts_and_records_outside_requests():
    class Route:
        def __init__(self, url):
            self.request = type("R", (), {"url": url})()
            self.done = None

        def continue_(self):
            self.done = "continued"

        def abort(self, reason):
            self.done = reason

    class Context:
        def route(self, pattern, handler):
            self.pattern, self.handler = pattern, handler

    context, blocked = Context(), []
    block_non_local(context, blocked)
    inside, outside = Route("http://127.0.0.1:1/x"), Route("https://cdn.example.com/leaflet.js")
    context.handler(inside)
    context.handler(outside)
    assert context.pattern == "**/*"
    assert (inside.done, outside.done) == ("continued", "blockedbyclient")
    assert blocked == ["https://cdn.example.com/leaflet.js"]
