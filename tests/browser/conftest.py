"""Browser-test harness: a live Streamlit server + headless Debian Chromium via Playwright.

Fixtures
--------
streamlit_server   session-scoped factory: ``base_url = streamlit_server("tests/browser/smoke_app.py")``
browser            session-scoped Playwright Chromium (/usr/bin/chromium)
browser_page       fresh context + page; every request to a host other than
                   127.0.0.1/localhost is ABORTED and recorded in ``page.blocked_urls``;
                   also ``page.console_errors``, ``page.page_errors``, ``page.failed_requests``,
                   ``page.http_errors`` (responses with status >= 400)
screenshot         ``screenshot(page, "name")`` -> Path under test-output/
Helpers
-------
map_frame(page)    the Frame holding the folium map (``.leaflet-container``), waiting up to 60 s
(tests/browser/helpers.py: app_idle, sample_login, log_in -- also fixtures here)
OUTPUT_DIR         test-output/ (or $TEST_OUTPUT_DIR)

Browser tests are skipped when /usr/bin/chromium is missing, unless the CI env
var is set, in which case they fail.
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
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import _log_tail, app_idle, log_in, sample_login

REPO_ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR") or REPO_ROOT / "test-output")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
SERVER_TIMEOUT_S = 60
MAP_TIMEOUT_S = 60


# --------------------------------------------------------------------------- helpers

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _app_script_for(app: Path, run_root: Path) -> Path:
    """Streamlit serves ``static/`` from the main script's folder. Apps that live
    outside the repo root (test apps) are copied into a run folder whose ``static``
    is a symlink to the repo's, so /app/static/vendor/... resolves as in production."""
    if app.parent == REPO_ROOT:
        return app
    run_dir = run_root / app.stem
    run_dir.mkdir(parents=True, exist_ok=True)
    target = run_dir / app.name
    shutil.copy2(app, target)  # a copy, not a symlink: Streamlit resolves the script path
    link = run_dir / "static"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(REPO_ROOT / "static", target_is_directory=True)
    return target


def _chromium_required() -> None:
    if not Path(CHROMIUM).exists():
        msg = f"{CHROMIUM} is missing (install Debian `chromium`; scripts/test.sh does)"
        if os.environ.get("CI"):
            pytest.fail(msg + " -- CI is set, so browser tests must run", pytrace=False)
        pytest.skip(msg)


def map_frame(page, timeout_s: float = MAP_TIMEOUT_S):
    """Return the Playwright Frame (the streamlit-folium iframe) containing
    ``.leaflet-container``; waits up to ``timeout_s`` seconds."""
    deadline = time.monotonic() + timeout_s
    while True:
        for frame in page.frames:
            try:
                if frame.query_selector(".leaflet-container") is not None:
                    return frame
            except Exception:  # frame detached / navigating: try again
                pass
        if time.monotonic() > deadline:
            raise AssertionError(
                f"no frame with .leaflet-container after {timeout_s:.0f}s; frames: "
                f"{[f.url for f in page.frames]}; console errors: "
                f"{getattr(page, 'console_errors', [])}; blocked: {getattr(page, 'blocked_urls', [])}"
            )
        page.wait_for_timeout(250)


def frame_with(page, selector: str, timeout_s: float = 30):
    """The frame holding ``selector``, polling all frames: a Streamlit rerun may replace a
    map's iframe at any time, so a frame found earlier can detach. None after the timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.query_selector(selector):
                    return frame
            except Exception:  # detached while the page reran
                pass
        page.wait_for_timeout(100)
    return None


def save_screenshot(page, name: str, full_page: bool = True) -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUTPUT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory):
    """Factory: ``streamlit_server(app_path) -> base_url`` (one server per app, per session).

    ``streamlit_server(app_path, env={...}, name="x")`` starts another server of the same app
    with extra environment (e.g. its own ``QPA_DATA_DIR``), one per ``name``;
    ``streamlit_server.log(base_url)`` is a server's log file.
    Runs ``python -m streamlit run <app>`` with cwd = repo root on a free port,
    waits for /_stcore/health, and stops the server at the end of the session.
    Server output goes to test-output/streamlit-<app>.log.
    """
    procs: list[subprocess.Popen] = []
    urls: dict[tuple[Path, str | None], str] = {}
    logs: dict[str, Path] = {}
    run_root = tmp_path_factory.mktemp("apps")

    def start(app_path: str | os.PathLike, env: dict | None = None, name: str | None = None) -> str:
        app = Path(app_path)
        if not app.is_absolute():
            app = REPO_ROOT / app
        app = app.resolve()
        if (app, name) in urls:
            return urls[(app, name)]
        if not app.exists():
            raise FileNotFoundError(app)
        script = _app_script_for(app, run_root)
        port = _free_port()
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        log_path = OUTPUT_DIR / f"streamlit-{name or app.stem}.log"
        env = {**os.environ, **(env or {})}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        env["ATLAS_REPO_ROOT"] = str(REPO_ROOT)
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--server.enableStaticServing", "true",
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
        ]
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: stopped as a whole below
            )
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + SERVER_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with {proc.returncode} for {app}:\n{_log_tail(log_path)}"
                )
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"streamlit not healthy after {SERVER_TIMEOUT_S}s for {app}:\n{_log_tail(log_path)}"
                )
            time.sleep(0.3)
        urls[(app, name)] = base
        logs[base] = log_path
        return base

    start.log = logs.__getitem__  # the server log of a base URL

    yield start

    for proc in procs:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # our own group (start_new_session)
            except ProcessLookupError:
                continue
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


@pytest.fixture(scope="session")
def browser():
    _chromium_required()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep


@pytest.fixture
def browser_page(browser, request):
    """A page in a fresh context that cannot reach the internet.

    Any http(s)/ws(s) request whose host is not 127.0.0.1/localhost is aborted and
    its URL appended to ``page.blocked_urls``. Console errors, uncaught page errors
    failed requests and HTTP error responses are kept in ``page.console_errors``,
    ``page.page_errors``, ``page.failed_requests``, ``page.http_errors``. On test failure a screenshot is saved to
    test-output/FAILED-<test>.png.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.blocked_urls = []
    page.console_errors = []
    page.page_errors = []
    page.failed_requests = []
    page.http_errors = []

    def guard(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and (parts.hostname or "") not in LOCAL_HOSTS:
            page.blocked_urls.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    context.route("**/*", guard)
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.page_errors.append(str(e)))
    page.on(
        "requestfailed",
        lambda r: page.failed_requests.append(f"{r.url} ({r.failure})"),
    )
    page.on(
        "response",
        lambda r: page.http_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    yield page
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        with contextlib.suppress(Exception):
            save_screenshot(page, "FAILED-" + request.node.name.replace("/", "_"))
    context.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, name) -> Path`` saved under test-output/."""
    return save_screenshot


@pytest.fixture
def find_frame_with():
    """The :func:`frame_with` helper as a fixture."""
    return frame_with


@pytest.fixture
def login():
    """:func:`helpers.log_in`: ``login(page, user, password, lang)`` through the sidebar."""
    return log_in


@pytest.fixture
def sample_official():
    """:func:`helpers.sample_login`: ``sample_official(log_path) -> (user, password)``."""
    return sample_login


@pytest.fixture
def wait_idle():
    """:func:`helpers.app_idle`: ``wait_idle(page)`` until no script run is in progress."""
    return app_idle


@pytest.fixture
def find_map_frame():
    """The :func:`map_frame` helper as a fixture (no import of conftest needed)."""
    return map_frame
