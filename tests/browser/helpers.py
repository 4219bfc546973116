"""Helpers for the browser tests (also offered as fixtures by conftest.py): wait for the app
to finish a run, read the sample official's password from its server's log, log in."""
from __future__ import annotations

import re
import time
from pathlib import Path

__all__ = ["app_idle", "log_in", "sample_login"]


def _log_tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


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
            raise AssertionError(f"no sample login in {log_path}:\n{_log_tail(log_path)}")
        time.sleep(0.25)


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
    app_idle(page)
    name_box.fill(username)
    password_box.fill(password)
    expect(name_box).to_have_value(username)
    expect(password_box).to_have_value(password)
    sidebar.get_by_role("button", name=t("auth.login", lang), exact=True).click()
    expect(logout).to_be_visible(timeout=60_000)
