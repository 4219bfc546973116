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

from .state import DEFERRED, LANG_KEY, controls_deferred, from_url, pin_choices

__all__ = ["ROUTER", "PAGES", "run_router", "page_lang", "router_bypassed", "controls_deferred",
           "show_controls_soon"]

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
_SEEN = "_session_ran"        # the session has had a run


def run_router() -> None:
    """Language switch in the sidebar, then the navigation to the page in the URL."""
    st.session_state[DEFERRED] = False
    st.session_state.setdefault(LANG_KEY, LANGS[0])
    from_url("app", {LANG_KEY: LANGS})
    lang = st.session_state[LANG_KEY]
    pages = [st.Page(path, title=t(title, lang), default=(i == 0))
             for i, (path, title) in enumerate(PAGES)]
    page = st.navigation(pages)
    from .auth import ensure_credentials, login_sidebar  # the store opens on first use

    ensure_credentials()
    # A session opened on the atlas sees its map first: the sidebar's widgets come with the
    # next run (when the map reports its view, or :func:`show_controls_soon`). Each kind of
    # widget makes the browser fetch and run a chunk of Streamlit's front end, which would
    # compete with the map's first paint for the browser's main thread.
    deferred = page is pages[0] and not st.session_state.get(_SEEN)
    st.session_state[_SEEN] = True
    st.session_state[DEFERRED] = deferred
    if deferred:
        st.sidebar.caption(t("app.controls_loading", lang))
    else:
        st.sidebar.radio(t("app.language", lang), LANGS, key=LANG_KEY, horizontal=True,
                         format_func=LANG_NAMES.__getitem__, on_change=pin_choices)
        login_sidebar(lang)
    page.run()


@st.fragment(run_every=3)
def show_controls_soon() -> None:
    """Called after the map in a deferred run: if the map has not reported its view (which
    reruns the app) within 3 s, rerun the app anyway, so the controls always come."""
    if st.session_state.pop("_controls_timer", False):
        st.rerun(scope="app")
    st.session_state["_controls_timer"] = True


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
