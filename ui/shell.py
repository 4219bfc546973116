"""The app shell: language switch, navigation, and the guard every page starts with.

Streamlit decides at server start, from the mere existence of ``pages/``,
to run a deep link such as ``/site_check`` straight from the page file (its
old multipage mode) until some session has run ``st.navigation``
(streamlit/streamlit#9624). :func:`page_lang` detects that the router has not
run in this session and runs it instead, so a bookmark opens the right page
with its sidebar and language.
"""
from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from geo.i18n import LANGS, t

__all__ = ["ROUTER", "PAGES", "run_router", "page_lang"]

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


def run_router() -> None:
    """Language switch in the sidebar, then the navigation to the page in the URL."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = "zh"
    lang = st.session_state["lang"]
    page = st.navigation([
        st.Page(path, title=t(title, lang), default=(i == 0))
        for i, (path, title) in enumerate(PAGES)
    ])
    st.sidebar.radio(t("app.language", lang), LANGS, key="lang", horizontal=True,
                     format_func=lambda code: {"zh": "中文", "en": "English"}[code])
    from .auth import login_sidebar  # the store opens on first use, not at import

    login_sidebar(lang)
    page.run()


def page_lang() -> str:
    """The user's language; runs the router first if this page was opened bypassing it.

    ``st.navigation`` clears Streamlit's pages-directory flag for the whole
    server; while it is still set, this page was run by the old mode.
    """
    if PagesManager.uses_pages_directory:
        runpy.run_path(str(ROUTER), run_name="__main__")
        st.stop()
    return st.session_state.get("lang", "zh")
