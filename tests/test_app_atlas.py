"""Atlas page logic through Streamlit's AppTest (no browser)."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n import t
from tests._text import stem

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("QPA_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


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
