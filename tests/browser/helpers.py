"""Helpers for the browser tests (also offered as fixtures by conftest.py): wait for the app
to finish a run, read the sample official's password from its server's log, log in."""
from __future__ import annotations

import re
import time
from pathlib import Path

from scripts.local_browser import frame_where
from scripts.local_server import log_tail

__all__ = ["app_idle", "choose", "click_until", "go_to", "log_in", "map_reported",
           "sample_login"]


def app_idle(page, timeout_ms: float = 60_000) -> None:
    """Wait until the app shows no script run in progress (Streamlit's running indicator is
    gone): before typing into a form, so a rerun's redraw cannot overtake the typing."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"], "
        "[data-testid=\"stStatusWidgetRunningManIcon\"]')", timeout=timeout_ms)


def sample_login(log_path: Path, timeout_s: float = 60) -> tuple[str, str]:
    """(user, password) of the sample local official, as its server printed it once on the
    terminal (the server makes it when it serves its first page)."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = re.search(r"sample local login .*?user '([^']+)', password '([^']+)'",
                          log_path.read_text(errors="replace") if log_path.exists() else "")
        if found:
            return found.group(1), found.group(2)
        if time.monotonic() > deadline:
            raise AssertionError(f"no sample login in {log_path}:\n{log_tail(log_path)}")
        time.sleep(0.25)


def click_until(page, click, holds, waits_ms: tuple[float, ...] = (30_000, 30_000, 60_000)) -> None:
    """Click once the app's run is over, until a condition holds, as a person does when a
    click had no effect: a rerun (a map reporting its view) may swallow a click or undo it.

    ``click``: a Locator to click, or a function doing the clicks (and typing) of one try.
    ``holds(timeout_ms)``: waits for the condition with Playwright's auto-waiting (``expect``,
    ``wait_for_url`` ...) and raises AssertionError or Playwright's TimeoutError when it did
    not come. One try per entry of ``waits_ms`` (its timeout). Before clicking again, the
    condition is looked at once more after the run is over: a slow answer is not clicked
    twice. The last try's error is raised."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt, wait_ms in enumerate(waits_ms):
        app_idle(page)
        try:
            click.click() if hasattr(click, "click") else click()
            holds(wait_ms)
            return
        except (AssertionError, PlaywrightTimeout):
            if attempt == len(waits_ms) - 1:
                raise
        app_idle(page)
        try:
            holds(1_000)  # slow, not swallowed
            return
        except (AssertionError, PlaywrightTimeout):
            continue


def log_in(page, username: str, password: str, lang: str = "zh") -> None:
    """Log in through the sidebar's login box, as an official does; waits until the sidebar
    offers the logout button."""
    from playwright.sync_api import expect

    from geo.i18n import t

    sidebar = page.get_by_test_id("stSidebar")
    logout = sidebar.get_by_role("button", name=t("auth.logout", lang))
    sidebar.get_by_text(t("auth.login_title", lang)).click()
    name_box = sidebar.get_by_label(t("auth.username", lang))
    password_box = sidebar.get_by_label(t("auth.password", lang), exact=True)

    def submit() -> None:
        name_box.fill(username)
        password_box.fill(password)
        expect(name_box).to_have_value(username)
        expect(password_box).to_have_value(password)
        sidebar.get_by_role("button", name=t("auth.login", lang), exact=True).click()

    click_until(page, submit, lambda ms: expect(logout).to_be_visible(timeout=ms))


def go_to(page, link_name: str, path: str) -> None:
    """Open another page from the sidebar's navigation, as a person would: once the current run
    is over, and again if a rerun swallowed the click or took the page back (the URL's path is
    not ``/<path>`` once the new page's run is over)."""
    import re
    from urllib.parse import urlsplit

    link = page.get_by_test_id("stSidebar").get_by_role("link", name=link_name)
    where = re.compile(rf"/{path}(\?|$)")

    def arrived(timeout_ms: float) -> None:
        page.wait_for_url(where, timeout=timeout_ms)
        app_idle(page)  # a rerun the old page had due (its map reporting) can take it back
        page.wait_for_timeout(500)
        app_idle(page)
        assert where.search(urlsplit(page.url).path), \
            f"the link {link_name!r} did not keep the page at /{path}: {page.url}"

    click_until(page, link, arrived, (15_000, 15_000, 15_000))


def open_tab(page, name: str) -> None:
    """Open the tab ``name`` as a person does: click it, again if a rerun swallowed the click;
    returns once the tab is the selected one."""
    from playwright.sync_api import expect

    tab = page.get_by_role("tab", name=name, exact=True)
    click_until(page, tab, lambda ms: expect(tab).to_have_attribute("aria-selected", "true",
                                                                     timeout=ms))


def choose(page, label: str, option) -> None:
    """Pick ``option`` in the selectbox labelled ``label``, as a person does: open the list,
    click the option; again if a rerun (a map reporting its view) closed the list or reset the
    box. Waits until the box shows the option (a text, or a ``re.Pattern``)."""
    from playwright.sync_api import expect

    box = page.locator("[data-testid='stSelectbox']:visible").filter(has_text=label)

    def pick() -> None:
        box.click()
        page.get_by_role("option", name=option, exact=isinstance(option, str)).click(
            timeout=10_000)

    click_until(page, pick,
                lambda ms: expect(box.get_by_role("combobox")).to_have_value(option, timeout=ms))


def map_reported(page, condition: str = "true", arg=None, timeout_s: float = 60):
    """The frame whose folium map has sent the app a view ``v`` (streamlit-folium's component
    value: ``v.center``, ``v.zoom``) for which ``condition`` (JS, may use ``arg``) holds. A
    rerun may replace a map's frame at any moment: every frame is tried on each poll."""
    script = ("([arg]) => !!(window.map && window.__GLOBAL_DATA__) && (v => !!v && !!v.center && "
              f"({condition}))(window.__GLOBAL_DATA__.previous_data)")
    frame = frame_where(page, lambda f: f.evaluate(script, [arg]), timeout_s)
    if frame is None:
        raise AssertionError(f"no map reported a view where {condition} ({arg}) in {timeout_s:.0f} s")
    return frame
