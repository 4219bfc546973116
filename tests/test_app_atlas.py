"""Atlas page logic through Streamlit's AppTest (no browser)."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n import t
from tests._text import stem
from tests._app import controls_loading, map_reports

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("QPA_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return map_reports(at)


def test_renders_in_chinese_by_default(app):
    assert app.title[0].value == t("app.title", "zh")
    assert any(t("accuracy.indicative", "zh") in w.value for w in app.warning)
    assert any(stem("payload", "zh") in c.value for c in app.caption)


def test_language_switch_changes_all_text(app):
    app.sidebar.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value == t("app.title", "en")
    assert any(t("accuracy.indicative", "en") in w.value for w in app.warning)
    labels = [s.label for s in app.sidebar.selectbox]
    assert t("ctl.search", "en") in labels and t("ctl.quota_year", "en") in labels


def test_search_a_base(app):
    box = app.sidebar.selectbox(key="focus_base")
    assert len(box.options) == 16  # whole province + 15 bases
    box.set_value("nanchuan").run()
    assert not app.exception


def test_tianditu_asks_for_a_key(app):
    app.sidebar.radio(key="basemap").set_value("tianditu").run()
    assert not app.exception
    assert any(i.value == t("ctl.tianditu_missing", "zh") for i in app.sidebar.info)
    app.sidebar.text_input(key="tdt_key").input("abc123").run()
    assert not app.exception and not app.sidebar.info


def test_quota_year_and_measure(app):
    app.sidebar.selectbox(key="quota_year").set_value(2024).run()
    app.sidebar.selectbox(key="quota_measure").set_value("used_ha").run()
    assert not app.exception


def test_every_registry_layer_reaches_the_map(app):
    """The page draws each vector layer of the registry (from the store), the quota layer too."""
    from layers.registry import LAYERS

    caption = next(c.value for c in app.caption if stem("payload", "zh") in c.value)
    assert caption  # payload reported
    from ui.auth import get_store  # the same cached store the page used
    from geo.sources import StoreSource

    source = StoreSource(get_store())
    for spec in LAYERS:
        if spec.kind != "raster" and spec.loader is None:
            assert source.has_layer(spec.table or spec.id), spec.id


def test_a_session_opened_on_the_atlas_draws_its_map_before_its_widgets(tmp_path, monkeypatch):
    """The first run sends the map and no sidebar widget (their front-end code would compete
    with the map's first paint); the next run, which the map's report starts, has them all,
    with the choices the link gave."""
    monkeypatch.setenv("QPA_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "en", "basemap": "osm", "quota_year": "2024"})
    at.run()
    assert not at.exception, at.exception
    assert controls_loading(at)
    assert not at.sidebar.radio and not at.sidebar.selectbox and not at.sidebar.text_input
    assert at.title[0].value == t("app.title", "en")
    first_map = _map_args(at)
    assert '"qpa-bases' in first_map  # the map is sent in this run
    map_reports(at)
    assert at.sidebar.radio(key="lang").value == "en"
    assert at.sidebar.radio(key="basemap").value == "osm"
    assert at.sidebar.selectbox(key="quota_year").value == 2024
    assert _map_args(at) == first_map  # the same map: the browser keeps the one it painted


def _map_args(at) -> str:
    """The arguments the atlas' map component was sent in the last run."""
    maps = [e.proto.json_args for e in at.main.children.values()
            if getattr(e, "type", "") == "component_instance"]
    assert len(maps) == 1
    return maps[0]


def test_other_pages_and_later_runs_draw_their_widgets_at_once(tmp_path, monkeypatch):
    monkeypatch.setenv("QPA_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/site_check.py").run()  # a link to the site check
    assert not controls_loading(at) and at.sidebar.radio(key="lang")
    at.switch_page("pages/atlas.py").run()  # then the atlas, in the same session
    assert not controls_loading(at) and at.sidebar.radio(key="basemap")
