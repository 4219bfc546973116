"""A layer import's version record keeps the source and date the official gave for that import,
not those of a feature kept from the stored layer (append, update); both backends and the page."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import box

from geo import layer_import as li
from geo.beijing_time import beijing_today
from geo.errors import InputError
from geo.i18n import t
from geo.seed import open_store
from layers.schema import SCHEMAS
from tests._stores import OFFICIAL_USER, make_store, run_page  # noqa: F401

RED = SCHEMAS["redlines"]
PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "data.py")
SOURCE, DATE = "青海省自然资源厅 测试红线", "2026-11-30"


def _redlines() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"名称": ["测试红线甲", "测试红线乙"], "类型": "水源涵养",
                             "管控级别": "核心保护区", "编号": ["T1", "T2"]},
                            geometry=[box(96.0, 36.0, 96.05, 36.05), box(96.1, 36.0, 96.15, 36.05)],
                            crs=4326)


def _shp_zip(tmp_path: Path) -> bytes:
    out = tmp_path / "shp"
    out.mkdir(exist_ok=True)
    pyogrio.write_dataframe(_redlines(), out / "red.shp", encoding="GBK")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in out.iterdir():
            zf.write(p, p.name)
    return buf.getvalue()


def _appended(store, tmp_path) -> gpd.GeoDataFrame:
    got = li.read_for_import(RED, "red.zip", _shp_zip(tmp_path))
    frame, _ = li.apply_mapping(got.frame, RED, li.suggest_mapping(got.frame.columns, RED),
                                source=SOURCE, source_date=DATE)
    current = store.read_layer("redlines")
    assert SOURCE not in set(current["source"])  # the stored features have other sources
    return li.combine_import(current, frame, RED, "append")


def test_an_appended_import_records_its_own_source_and_date(make_store, tmp_path):
    store = make_store()
    before = store.read_layer("redlines")
    v = li.commit_import(store, OFFICIAL_USER, RED, _appended(store, tmp_path),
                         source=SOURCE, source_date=DATE, note="追加")
    assert (v.source, v.source_date) == (SOURCE, DATE)
    newest = store.versions("redlines")[0]
    assert (newest.version, newest.source, newest.source_date) == (2, SOURCE, DATE)
    layer = store.read_layer("redlines")  # each feature keeps its own provenance
    assert len(layer) == len(before) + 2
    assert list(layer["source"].iloc[:len(before)]) == list(before["source"])


def test_a_mixed_layer_without_the_imports_source_is_refused(make_store, tmp_path):
    store = make_store()
    with pytest.raises(InputError) as err:
        li.commit_import(store, OFFICIAL_USER, RED, _appended(store, tmp_path))
    assert err.value.key == "import.err.version_source"
    with pytest.raises(InputError) as err:
        li.commit_import(store, OFFICIAL_USER, RED, _appended(store, tmp_path),
                         source="  ", source_date=DATE)
    assert err.value.key == "import.err.source"
    assert store.current_version("redlines") == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_shows_the_imports_source_and_todays_beijing_date(env, tmp_path, lang):
    store = open_store(env / "qpa_store.gpkg")
    at = run_page(PAGE, OFFICIAL_USER, lang)
    at.selectbox(key="data_layer").set_value("redlines").run()
    at.text_input(key="data_source_0").input(SOURCE).run()  # the date is left at its default
    at.file_uploader(key="data_upload_0").set_value(("red.zip", _shp_zip(tmp_path),
                                                      "application/zip"))
    at.run()
    at.radio(key="data_import_mode").set_value("append").run()
    at.button(key="data_replace").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    newest = store.versions("redlines")[0]
    assert (newest.version, newest.source, newest.source_date) == \
        (2, SOURCE, beijing_today().isoformat())
    versions = next(d.value for d in at.dataframe
                    if t("data.col.source_date", lang) in d.value.columns)
    row = versions[versions[t("data.col.version", lang)] == 2].iloc[0]
    assert row[t("data.col.source", lang)] == SOURCE
    assert row[t("data.col.source_date", lang)] == beijing_today().isoformat()
    # the date starts at today in Beijing (UTC+8), in the next, empty form too
    assert at.date_input(key="data_source_date_1").value == beijing_today()
