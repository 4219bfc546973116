"""GeoJsonLayer: what reaches the page is escaped, styles are shared, and the map wiring
(feature group, layer control, streamlit-folium renaming) is folium's."""
from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import shapely
from streamlit_folium import _get_map_string

from layers.geojson_layer import GeoJsonLayer, RawScript, safe_json
from layers.registry import RenderContext, get_layer
from layers.render import build_map, layer_geojson, tolerance_for_zoom

EVIL = '</script><script>alert("x")</script>&<b>'


def _redlines(n=6):
    return gpd.GeoDataFrame(
        {"name_zh": [EVIL] + [f"红线{i}" for i in range(1, n)], "name_en": "x",
         "category": ["自然保护区", "水源涵养"] * (n // 2), "control_level": "核心保护区",
         "source": "s", "source_date": "2026-01-01", "accuracy": "indicative"},
        geometry=[shapely.box(96 + i * 0.2, 36, 96.1 + i * 0.2, 36.1) for i in range(n)], crs=4326)


def test_safe_json_cannot_close_the_script():
    text = safe_json({"p": EVIL})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"p": EVIL}


def test_page_carries_no_raw_attribute_markup():
    layer = layer_geojson(get_layer("redlines"), _redlines(), RenderContext(lang="zh"),
                          tolerance_for_zoom(6))
    html = build_map([layer], RenderContext(lang="zh")).get_root().render()
    assert "alert(" in html  # the name is there, as escaped data ...
    assert "<script>alert" not in html  # ... never as markup: HTML-escaped, then JSON-escaped
    assert "\\u0026lt;script\\u0026gt;alert" in html
    assert layer.nbytes == len(layer.json.encode())


def test_styles_are_sent_once_and_bounds_come_from_the_data():
    layer = layer_geojson(get_layer("redlines"), _redlines(), RenderContext(lang="zh"),
                          tolerance_for_zoom(6))
    el = GeoJsonLayer(layer.json, layer.styles, layer.bounds)
    distinct = {json.dumps(s, sort_keys=True) for s in layer.styles.values()}
    assert len(json.loads(el._styles_json)) == len(distinct) < len(layer.styles)
    assert set(json.loads(el._index_json)) == set(layer.styles)
    (s, w), (n, e) = layer.bounds
    assert (round(w, 3), round(s, 3), round(e, 3), round(n, 3)) == (96.0, 36.0, 97.1, 36.1)
    m = folium.Map()
    el.add_to(m)
    assert m.get_bounds() == [[s, w], [n, e]]


def test_streamlit_folium_script_wires_the_layer_to_its_group_and_control():
    layer = layer_geojson(get_layer("redlines"), _redlines(), RenderContext(lang="zh"),
                          tolerance_for_zoom(6))
    m = build_map([layer], RenderContext(lang="zh"), context=False)  # no province, no names
    m.get_root().render()
    script = _get_map_string(m)
    made = re.findall(r"var (geo_json_\w+) = ", script)
    assert len(made) == 1
    body = script[script.index(f"var {made[0]} = "):]
    group = re.search(r"layer\.addTo\((feature_group_\w+)\)", body).group(1)
    assert re.search(rf"var {group} = L\.featureGroup", script)
    overlays = script[script.index("overlays"):script.index("L.control.layers")]
    assert re.search(rf":\s*{group},", overlays)  # the layer control switches the group


def test_raw_script_is_not_templated():
    assert RawScript("{{ not jinja }} {% if %}").render() == "{{ not jinja }} {% if %}"


def test_pins_share_the_features_popups():
    from layers.atlas_view import prepare_layer

    layer = prepare_layer("bases", RenderContext(lang="zh"), 6)
    feats = layer.geojson["features"]
    assert len(feats) == 15 and all("_pin" in f["properties"] for f in feats)
    for f in feats:  # the pin lies on its base, and its popup is sent once
        lon, lat = f["properties"]["_pin"]
        assert shapely.geometry.shape(f["geometry"]).buffer(1e-4).contains(shapely.Point(lon, lat))
        assert layer.json.count(safe_json(f["properties"]["_popup"])) == 1
    js = GeoJsonLayer(layer.json, layer.styles, layer.bounds, pin_class="qpa-bases-pin")
    folium.FeatureGroup().add_child(js)
    script = js.script_js()
    assert '"qpa-bases-pin"' in script and "L.circleMarker([p._pin[1], p._pin[0]]" in script
    assert "_pin" not in json.dumps(prepare_layer("redlines", RenderContext(lang="zh"), 6).geojson)
