"""The app shell: language switch, navigation, and the guard every page starts with.

The language is a kept choice (:mod:`ui.state`): switching it keeps every
page's choices, and it travels in the URL (``?lang=en``) with the page's own
choices, so a reload or a link reopens the same view.
"""
from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st

from geo.i18n import LANGS, t

from .state import LANG_KEY, from_url, pin_choices

__all__ = ["ROUTER", "PAGES", "run_router", "page_lang", "router_bypassed"]

ROUTER = Path(__file__).resolve().parent.parent / "streamlit_app.py"

#: (page file, title key); the first is the default page. No icons: Streamlit fetches
#: Material icons from fonts.gstatic.com, and the app must work with no internet.
PAGES: tuple[tuple[str, str], ...] = (
    ("pages/atlas.py", "page.atlas"),
    ("pages/site_check.py", "page.site"),
    ("pages/chains.py", "page.chains"),
    ("pages/batch.py", "page.batch"),
    ("pages/quotas.py", "page.quotas"),
    ("pages/data.py", "page.data"),
)
LANG_NAMES = {"zh": "中文", "en": "English"}


def run_router() -> None:
    """Language switch in the sidebar, then the navigation to the page in the URL."""
    st.session_state.setdefault(LANG_KEY, LANGS[0])
    from_url("app", {LANG_KEY: LANGS})
    lang = st.session_state[LANG_KEY]
    page = st.navigation([
        st.Page(path, title=t(title, lang), default=(i == 0))
        for i, (path, title) in enumerate(PAGES)
    ])
    st.sidebar.radio(t("app.language", lang), LANGS, key=LANG_KEY, horizontal=True,
                     format_func=LANG_NAMES.__getitem__, on_change=pin_choices)
    from .auth import login_sidebar  # the store opens on first use, not at import

    login_sidebar(lang)
    page.run()


def router_bypassed() -> bool:
    """True when Streamlit ran a page file directly instead of this app's router.

    Streamlit decides at server start, from the mere existence of ``pages/``,
    to run a deep link such as ``/site_check`` straight from the page file (its
    old multipage mode) until some session has run ``st.navigation``
    (streamlit/streamlit#9624). Its public API does not say which mode a run is
    in, so this one function reads the flag ``st.navigation`` clears.
    """
    from streamlit.runtime.pages_manager import PagesManager

    return bool(PagesManager.uses_pages_directory)


def page_lang() -> str:
    """The user's language; runs the router first if this page was opened bypassing it."""
    if router_bypassed():
        runpy.run_path(str(ROUTER), run_name="__main__")
        st.stop()
    return st.session_state.get(LANG_KEY, LANGS[0])
