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
(tests/browser/helpers.py: app_idle, sample_login, log_in, go_to, choose, click_until -- some
also fixtures here)
OUTPUT_DIR         test-output/ (or $TEST_OUTPUT_DIR)

The server and the browser come from scripts/local_server.py and scripts/local_browser.py
(shared with bench/ and scripts/screenshots.py).

Browser tests are skipped when /usr/bin/chromium is missing, unless the CI env
var is set, in which case they fail.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from scripts.local_browser import CHROMIUM, block_non_local, frame_with, launch
from scripts.local_server import copy_app, start as start_server
from tests.browser.helpers import app_idle, log_in, sample_login

REPO_ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR") or REPO_ROOT / "test-output")
SERVER_TIMEOUT_S = 60
MAP_TIMEOUT_S = 60


# --------------------------------------------------------------------------- helpers

def _app_script_for(app: Path, run_root: Path) -> Path:
    """Streamlit serves ``static/`` from the main script's folder. Apps that live
    outside the repo root (test apps) are run from a copy beside a link to the repo's
    ``static``, so /app/static/vendor/... resolves as in production."""
    return app if app.parent == REPO_ROOT else copy_app(app, run_root / app.stem)


def _chromium_required() -> None:
    if not Path(CHROMIUM).exists():
        msg = f"{CHROMIUM} is missing (install Debian `chromium`; scripts/test.sh does)"
        if os.environ.get("CI"):
            pytest.fail(msg + " -- CI is set, so browser tests must run", pytrace=False)
        pytest.skip(msg)


def map_frame(page, timeout_s: float = MAP_TIMEOUT_S):
    """Return the Playwright Frame (the streamlit-folium iframe) containing
    ``.leaflet-container``; waits up to ``timeout_s`` seconds."""
    frame = frame_with(page, ".leaflet-container", timeout_s)
    if frame is None:
        raise AssertionError(
            f"no frame with .leaflet-container after {timeout_s:.0f}s; frames: "
            f"{[f.url for f in page.frames]}; console errors: "
            f"{getattr(page, 'console_errors', [])}; blocked: {getattr(page, 'blocked_urls', [])}"
        )
    return frame


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
    servers = []
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
        server = start_server(
            _app_script_for(app, run_root), OUTPUT_DIR / f"streamlit-{name or app.stem}.log",
            env={**os.environ, **(env or {}), "ATLAS_REPO_ROOT": str(REPO_ROOT)},
            options=("--server.enableStaticServing", "true"), wait_s=SERVER_TIMEOUT_S)
        servers.append(server)
        urls[(app, name)] = server.base
        logs[server.base] = server.log
        return server.base

    start.log = logs.__getitem__  # the server log of a base URL

    yield start

    for server in servers:
        server.stop(grace_s=10)


@pytest.fixture(scope="session")
def browser():
    _chromium_required()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw)
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

    block_non_local(context, page.blocked_urls)
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
