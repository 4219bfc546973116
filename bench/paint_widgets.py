"""The baseline map page plus the kinds of widgets the atlas shows around its map, for the
first-paint benchmark: a language radio, a login expander with two text inputs, a basemap
radio, three select boxes, a title, a warning and two captions -- and no atlas.

``bench.run_all`` times it beside the app and the bare baseline: (this - baseline) is what
Streamlit's widgets cost the first paint (their lazy front-end chunks), (app - this) what
the atlas itself adds (layers, router, store). Not a page of the app.
"""
import folium
import streamlit as st
from streamlit_folium import st_folium

from layers.offline import make_offline

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
m = folium.Map(location=(36.0, 96.2), zoom_start=6, tiles=None)
for x, y in [(94, 36), (97, 37), (100, 35)]:
    folium.GeoJson({"type": "Polygon", "coordinates": [[(x, y), (x + 1, y), (x + 1, y + 1), (x, y)]]},
                   style_function=lambda f: {"className": "qpa-baseline"}).add_to(m)
st_folium(make_offline(m, lean=True), key="baseline", height=680, use_container_width=True,
          returned_objects=["zoom", "center"])
