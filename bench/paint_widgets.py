"""The baseline map page plus the kinds of widgets the atlas shows around its map, for the
first-paint benchmark: a language radio, a login expander with two text inputs, a basemap
radio, three select boxes, a title, a warning and two captions -- and no atlas.

``bench.run_all`` times it beside the app and the bare baseline: (this - baseline) is what
Streamlit's widgets cost the first paint (their lazy front-end chunks), (app - this) what
the atlas itself adds (layers, router, store). Not a page of the app.
"""
import streamlit as st

from bench.paint_baseline import baseline_map

st.set_page_config(page_title="bench: baseline map with widgets", layout="wide")
st.sidebar.radio("Language", ["zh", "en"], horizontal=True)
with st.sidebar.expander("Login"):
    st.text_input("User")
    st.text_input("Password", type="password")
st.sidebar.radio("Basemap", ["none", "osm", "tianditu", "tianditu_img"])
st.sidebar.selectbox("Find a base", ["", "ganhe", "qarhan"])
st.sidebar.selectbox("Quota year", [2024, 2025, 2026], index=2)
st.sidebar.selectbox("Quota measure", ["remaining_share", "allocated_ha"])
st.title("Baseline with widgets")
st.caption("A subtitle")
st.warning("A note about indicative layers")
st.caption("A caption about the red line")
baseline_map()
