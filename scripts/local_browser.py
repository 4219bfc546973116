"""Headless Debian Chromium (Playwright) that cannot leave the machine, for tests and scripts.

    from scripts.local_browser import block_non_local, frame_with, launch
    browser = launch(playwright)
    context = browser.new_context()
    blocked: list[str] = []
    block_non_local(context, blocked)   # every request to another host is aborted, recorded

Used by tests/browser/conftest.py (the browser tests) and scripts/screenshots.py.
bench/run_all.py launches with the same flags but blocks in the browser's host resolver
instead (a route costs a Python round trip per request, which the paint timings must not).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def launch(playwright: Any, extra_args: list[str] | None = None) -> Any:
    """The Debian Chromium, headless, with the flags every browser run here uses."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS + list(extra_args or []))


def is_local(url: str) -> bool:
    """False for an http(s)/ws(s) URL whose host is not this machine (data:, blob: ... are
    local)."""
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https", "ws", "wss") or (parts.hostname or "") in LOCAL_HOSTS


def block_non_local(context: Any, blocked: list[str]) -> None:
    """Abort every request of ``context`` (a Playwright BrowserContext) that would leave the
    machine, appending its URL to ``blocked``."""

    def guard(route: Any) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)


def frame_where(page: Any, test: Callable[[Any], object], timeout_s: float = 30) -> Any:
    """The first frame of ``page`` for which ``test(frame)`` is true, or None after
    ``timeout_s``. A Streamlit rerun may replace a map's iframe at any time, so every frame
    is tried again on each poll (a frame detached meanwhile counts as false)."""
    deadline = time.monotonic() + timeout_s
    while True:
        for frame in page.frames:
            try:
                if test(frame):
                    return frame
            except Exception:  # noqa: BLE001 -- detached or navigating while the page reran
                pass
        if time.monotonic() > deadline:
            return None
        page.wait_for_timeout(100)


def frame_with(page: Any, selector: str, timeout_s: float = 30) -> Any:
    """The frame of ``page`` holding ``selector`` (a folium map's iframe), or None after
    ``timeout_s``."""
    return frame_where(page, lambda frame: frame.query_selector(selector), timeout_s)
