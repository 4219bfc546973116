"""The smallest Streamlit + streamlit-folium page: a title and a 3-polygon offline map.

The first-paint benchmark (bench.run_all) times it beside the app, alternating
loads in one browser, so the ratio app / baseline shows what the atlas adds to
what Streamlit and the map component cost on this machine anyway. Not a page of
the app. :func:`baseline_map` is also the map of ``bench/paint_widgets.py``.
"""
import folium
import streamlit as st
from streamlit_folium import st_folium

from layers.offline import make_offline


def baseline_map() -> None:
    """The benchmark's map: three squares over Qinghai, offline, no basemap."""
    m = folium.Map(location=(36.0, 96.2), zoom_start=6, tiles=None)
    for x, y in [(94, 36), (97, 37), (100, 35)]:
        folium.GeoJson({"type": "Polygon",
                        "coordinates": [[(x, y), (x + 1, y), (x + 1, y + 1), (x, y)]]},
                       style_function=lambda f: {"className": "qpa-baseline"}).add_to(m)
    st_folium(make_offline(m, lean=True), key="baseline", height=680, use_container_width=True,
              returned_objects=["zoom", "center"])


if __name__ == "__main__":  # run by ``streamlit run`` (imported by paint_widgets: no page)
    st.set_page_config(page_title="bench: baseline map", layout="wide")
    st.title("Baseline")
    baseline_map()
