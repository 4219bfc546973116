"""Tiny Streamlit app for the offline-map smoke test (tests/browser/test_offline_smoke.py).

A folium map made offline with layers.offline: no basemap, a GeoJSON of 3
polygons, an awesome-marker, a branca colour-map legend (d3), the Draw plugin
and a LayerControl, drawn by streamlit-folium.
"""

import os
import sys

sys.path.insert(0, os.environ.get("ATLAS_REPO_ROOT") or os.getcwd())

import folium  # noqa: E402
import folium.plugins  # noqa: E402
import streamlit as st  # noqa: E402
from branca.colormap import LinearColormap  # noqa: E402

from layers.offline import new_map, st_folium_offline  # noqa: E402


def _square(lon: float, lat: float, d: float = 0.4) -> list:
    return [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]]


POLYGONS = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"name": name, "v": v},
         "geometry": {"type": "Polygon", "coordinates": _square(lon, lat)}}
        for name, lon, lat, v in [
            ("Xining", 101.78, 36.62, 1.0),
            ("Golmud", 94.90, 36.40, 2.0),
            ("Delingha", 97.37, 37.37, 3.0),
        ]
    ],
}

st.set_page_config(page_title="Offline map smoke", layout="wide")
st.title("Offline map smoke test")

cmap = LinearColormap(["#fee8c8", "#e34a33"], vmin=1, vmax=3, caption="smoke value")
m = new_map(location=[36.9, 98.3], zoom_start=6)
folium.GeoJson(
    POLYGONS,
    name="smoke polygons",
    style_function=lambda f: {"fillColor": cmap(f["properties"]["v"]), "color": "#333", "weight": 1, "fillOpacity": 0.7},
    tooltip=folium.GeoJsonTooltip(fields=["name"]),
).add_to(m)
folium.Marker([36.62, 101.78], tooltip="Xining", icon=folium.Icon(icon="info-sign", color="blue")).add_to(m)
cmap.add_to(m)
folium.plugins.Draw(export=False).add_to(m)
folium.LayerControl(collapsed=False).add_to(m)

st_folium_offline(m, height=520, width=1000, key="smoke_map", returned_objects=[])
st.caption("smoke-app-ready")
