"""Data page through AppTest: viewers see versions only; officials import, replace, restore."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon

from geo.i18n import t
from geo.seed import open_store
from tests._stores import OFFICIAL_USER, VIEWER_USER, run_page
from tests._text import shown, stem

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "data.py")


def _geojson(lon=96.0) -> bytes:
    frame = gpd.GeoDataFrame(
        {"名称": ["红线甲", "红线乙"], "类型": "水源涵养", "管控级别": "核心保护区", "编号": ["A", "B"]},
        geometry=[Polygon([(x, 36), (x + 0.05, 36), (x + 0.05, 36.05), (x, 36.05)])
                  for x in (lon, lon + 0.1)], crs=4326)
    return frame.to_json(drop_id=True).encode()



def _app(user=None, lang="zh"):
    return run_page(PAGE, user, lang)


def _keys(at) -> set:
    return {b.key for b in at.button} | {u.key for u in at.file_uploader}


def test_viewer_sees_versions_but_no_edit_action(env):
    at = _app()
    assert not at.exception, at.exception
    assert at.title[0].value == t("data.title", "zh")
    assert len(at.dataframe) == 1 and at.info
    assert not at.file_uploader and not at.button
    at.selectbox(key="data_layer").set_value("bases").run()
    assert not at.exception and not _keys(at)


@pytest.mark.parametrize("forged", [VIEWER_USER, {"username": "x", "role": "official"}, "official"])
def test_forged_or_viewer_session_gets_no_edit_action(env, forged):
    at = _app(forged)
    assert not at.exception and not _keys(at)


def _upload(at, data: bytes, layer="redlines", source="Qinghai DNR", gen=0):
    at.selectbox(key="data_layer").set_value(layer).run()
    if source:
        at.text_input(key=f"data_source_{gen}").input(source).run()
    at.file_uploader(key=f"data_upload_{gen}").set_value(("red.geojson", data, "application/json"))
    return at.run()


def test_official_replaces_after_confirming_the_loss_and_the_form_is_cleared(env):
    at = _upload(_app(OFFICIAL_USER, "en"), _geojson())
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("WGS84" in m.value for m in at.markdown)
    assert at.selectbox(key="data_map_0_redlines_name_zh").value == "名称"
    store = open_store(env / "qpa_store.gpkg")
    before = len(store.read_layer("redlines"))
    # 15 indicative zones would become 2: the page says so and asks for a confirmation
    assert any(w.value == t("import.warn.fewer_features", "en", before=before, after=2)
               for w in at.warning)
    assert at.button(key="data_replace").disabled
    at.checkbox(key="data_confirm_0").check().run()
    at.button(key="data_replace").click().run()
    assert not at.exception and not at.error
    assert any(stem("data.committed", "en") + "2" in s.value for s in at.success)
    layer = store.read_layer("redlines")
    assert list(layer["name_zh"]) == ["红线甲", "红线乙"] and set(layer["accuracy"]) == {"authoritative"}
    assert store.versions("redlines")[0].created_by == OFFICIAL_USER.username
    # a new, empty form: the same file cannot be committed twice by a second click
    assert "data_replace" not in _keys(at) and not at.file_uploader(key="data_upload_1").value
    assert at.text_input(key="data_source_1").value == ""


def test_append_keeps_the_stored_features(env):
    store = open_store(env / "qpa_store.gpkg")
    before = len(store.read_layer("redlines"))
    at = _upload(_app(OFFICIAL_USER, "en"), _geojson())
    at.radio(key="data_import_mode").set_value("append").run()
    # appending loses nothing: no warning that features or area would go
    assert not [w for w in at.warning if shown("import.warn.fewer_features", "en", w.value)
                or shown("import.warn.less_area", "en", w.value)]
    at.button(key="data_replace").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    layer = store.read_layer("redlines")
    assert len(layer) == before + 2
    assert (layer["accuracy"] == "authoritative").sum() == 2 and len(set(layer["accuracy"])) > 1  # each keeps its own


def test_update_by_key_replaces_only_the_same_keys(env):
    store = open_store(env / "qpa_store.gpkg")
    bases = store.read_layer("bases")
    one = bases[bases["id"] == "nanchuan"].copy()
    one["name_zh"] = "南川工业园区（新界线）"
    at = _upload(_app(OFFICIAL_USER, "en"), one.to_json(drop_id=True).encode(), layer="bases")
    at.radio(key="data_import_mode").set_value("update").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.button(key="data_replace").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    after = store.read_layer("bases")
    assert len(after) == len(bases)
    assert after.set_index("id").loc["nanchuan", "name_zh"] == "南川工业园区（新界线）"
    assert after.set_index("id").loc["ganhe", "name_zh"] == bases.set_index("id").loc["ganhe", "name_zh"]


def test_a_required_field_can_take_one_value_for_all(env):
    data = gpd.read_file(_geojson().decode()).drop(columns=["类型"]).to_json(drop_id=True).encode()
    at = _upload(_app(OFFICIAL_USER, "zh"), data)
    at.selectbox(key="data_map_0_redlines_category").set_value("\x00constant").run()
    at.text_input(key="data_const_0_redlines_category").input("生物多样性维护").run()
    at.radio(key="data_import_mode").set_value("append").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.button(key="data_replace").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    layer = open_store(env / "qpa_store.gpkg").read_layer("redlines")
    assert (layer.loc[layer["accuracy"] == "authoritative", "category"] == "生物多样性维护").all()


def test_after_an_authoritative_red_line_the_atlas_no_longer_calls_it_indicative(env):
    at = _upload(_app(OFFICIAL_USER, "zh"), _geojson())
    at.checkbox(key="data_confirm_0").check().run()
    at.button(key="data_replace").click().run()
    assert not at.exception and not at.error
    atlas = run_page(str(Path(PAGE).parent / "atlas.py"), OFFICIAL_USER, "zh")
    assert not atlas.exception, atlas.exception
    red = t("layer.redlines", "zh")
    assert not any(red in w.value for w in atlas.warning)  # other layers are still indicative
    assert any(t("layer.bases", "zh") in w.value for w in atlas.warning)
    km2_caption = [c.value for c in atlas.caption if "km²" in c.value]
    assert km2_caption and t("accuracy.indicative", "zh") not in km2_caption[0]


def test_bad_upload_shows_the_reason_and_changes_nothing(env):
    at = _app(OFFICIAL_USER, "en")
    at = _upload(at, _geojson(116.3), source="x")
    assert not at.exception
    assert any(stem("import.err.outside", "en") in e.value for e in at.error)
    assert "data_replace" not in _keys(at)
    assert open_store(env / "qpa_store.gpkg").current_version("redlines") == 1


def test_missing_source_is_refused_before_replace(env):
    at = _app(OFFICIAL_USER, "en")
    at = _upload(at, _geojson(), source="")
    assert any("source" in e.value.lower() for e in at.error)
    assert "data_replace" not in _keys(at)


def test_official_restores_a_version(env):
    store = open_store(env / "qpa_store.gpkg")
    frame = store.read_layer("lakes").head(2)
    store.replace_layer("lakes", frame, user=OFFICIAL_USER, source="x", source_date="2025-01-01")
    at = _app(OFFICIAL_USER)
    at.selectbox(key="data_layer").set_value("lakes").run()
    at.selectbox(key="data_restore_version").set_value(1).run()
    at.button(key="data_restore").click().run()
    assert not at.exception and at.success
    assert store.current_version("lakes") == 3
    assert len(store.read_layer("lakes")) == len(store.read_layer("lakes", version=1))


def _dem_tiff() -> bytes:
    from tests.test_dem import _plane, _tiff_bytes

    dem = _plane(12)
    return _tiff_bytes(dem.elev, dem.transform)


def test_viewer_has_no_dem_import(env):
    at = _app()
    assert "dem_upload" not in _keys(at) and "dem_import" not in _keys(at)


def test_official_imports_a_dem_and_the_atlas_uses_it(env):
    from geo.dem_versions import current_dem_path

    at = _app(OFFICIAL_USER, "en")
    at.file_uploader(key="dem_upload").set_value(("srtm.tif", _dem_tiff(), "image/tiff"))
    at.run()
    at.button(key="dem_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(s.value.startswith(stem("dem.imported", "en") + "1") for s in at.success)
    store = open_store(env / "qpa_store.gpkg")
    assert current_dem_path(env, store).name.startswith("v1-")
    events = store.events()
    assert "dem_import" in set(events["action"])
    at.selectbox(key="dem_restore_pick").set_value(None).run()
    at.button(key="dem_restore").click().run()
    assert any(stem("dem.restored", "en") + "2" in s.value for s in at.success)
    assert current_dem_path(env, store).name.startswith("v2-")


def test_bad_dem_shows_the_reason_and_keeps_the_dem(env):
    at = _app(OFFICIAL_USER, "zh")
    at.file_uploader(key="dem_upload").set_value(("x.tif", b"not a tiff", "image/tiff"))
    at.run()
    at.button(key="dem_import").click().run()
    assert not at.exception
    assert any(stem("dem.err.unreadable", "zh") in e.value for e in at.error)
    assert open_store(env / "qpa_store.gpkg").dems() == []
