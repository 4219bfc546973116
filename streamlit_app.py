"""Qinghai Park Atlas (青海产业基地一张图): the router.

Run with ``bash scripts/app.sh`` (or ``streamlit run streamlit_app.py``).
"""
import streamlit as st

from geo.i18n import LANGS, t

st.set_page_config(page_title="青海产业基地一张图 · Qinghai Park Atlas", page_icon="🗺️", layout="wide")

if "lang" not in st.session_state:
    st.session_state["lang"] = "zh"
st.sidebar.radio(
    t("app.language", st.session_state["lang"]), LANGS, key="lang",
    format_func=lambda code: {"zh": "中文", "en": "English"}[code], horizontal=True,
)
lang = st.session_state["lang"]

page = st.navigation([
    st.Page("pages/atlas.py", title=t("page.atlas", lang), icon="🗺️", default=True),
])
page.run()
