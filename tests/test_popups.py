"""Popups escape attribute text and format figures."""
import json

import geopandas as gpd
import shapely

from layers.popups import PopupField, popup_html
from layers.registry import RenderContext, get_layer
from layers.render import build_map, layer_geojson, tolerance_for_zoom

EVIL = "<img src=x onerror=alert(1)>"


def test_attribute_text_is_escaped():
    html = popup_html({"name_zh": EVIL, "category": "<b>x</b>"},
                      (PopupField("category", "f.category"),), "zh")
    assert "<img" not in html and "&lt;img" in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_bilingual_columns_and_chains():
    chains = json.dumps([{"steps_zh": ["电池级碳酸锂", "正极"], "steps_en": ["Li2CO3", "<cathode>"]}])
    props = {"name_zh": "南川", "name_en": "Nanchuan", "chains": chains, "tier": "千亿", "tier_en": "100-bn"}
    fields = (PopupField("tier", "f.tier"), PopupField("chains", "f.chains", "chains"))
    zh, en = popup_html(props, fields, "zh"), popup_html(props, fields, "en")
    assert "千亿" in zh and "电池级碳酸锂 → 正极" in zh
    assert "100-bn" in en and "Li2CO3 → &lt;cathode&gt;" in en


def test_quota_cell_shows_figures_or_no_data():
    fields = (PopupField("quota", "f.quota", "quota"),)
    full = popup_html({"allocated_ha": 100.0, "used_ha": 20.0, "reserved_ha": 5.0, "remaining_ha": 75.0,
                       "quota_accuracy": "indicative", "quota_year": 2026}, fields, "en")
    assert "75" in full and "sample figures" in full
    assert "n/a" in popup_html({"allocated_ha": float("nan")}, fields, "en")


def test_geojson_carries_only_escaped_popup_and_no_raw_attributes():
    spec = get_layer("redlines")
    frame = gpd.GeoDataFrame(
        {"name_zh": [EVIL], "name_en": ["x"], "category": ["自然保护区"], "control_level": ["核心保护区"],
         "secret": ["do-not-send"], "source": ["s"], "source_date": ["2026-01-01"], "accuracy": ["indicative"]},
        geometry=[shapely.box(96, 36, 96.5, 36.5)], crs=4326)
    layer = layer_geojson(spec, frame, RenderContext(lang="zh"), tolerance_for_zoom(6))
    props = layer.geojson["features"][0]["properties"]
    assert set(props) == {"_popup", "_tip"}
    assert "<img" not in props["_popup"] + props["_tip"]
    assert "do-not-send" not in json.dumps(layer.geojson)
    assert layer.indicative and layer.nbytes > 0
    html = build_map([layer], RenderContext(lang="zh")).get_root().render()
    assert "qpa-redlines" in html and "qpa-legend" in html


def test_a_policy_text_is_cited_by_its_title_not_its_seed_number():
    """The bases' source says "seed 001 001 §四.3 …": a reader is told which document."""
    from geo.bundle import read_layer

    props = read_layer("bases").iloc[0].drop("geometry").to_dict()
    assert "seed 001" in str(props["source"])
    fields = (PopupField("source", "f.source", "source"),)
    zh, en = popup_html(props, fields, "zh"), popup_html(props, fields, "en")
    assert "《青海省人民政府关于加快工业转型升级建设重大产业基地的实施意见》" in zh
    assert "seed 001" not in zh and "seed 004" not in zh
    assert "Qinghai Implementing Opinions" in en and "seed 001" not in en
    assert get_layer("bases").popup and any(f.kind == "source" for f in get_layer("bases").popup)
