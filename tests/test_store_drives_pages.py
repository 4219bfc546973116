"""An authoritative layer imported into the store is what the site check and the atlas use."""
from pathlib import Path

import geopandas as gpd
import shapely
from streamlit.testing.v1 import AppTest

from geo import layer_import as li
from geo.seed import open_store
from layers.schema import SCHEMAS
import uuid

import pytest

from geo.i18n import t
from tests._stores import OFFICIAL_USER, need_postgis

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
NANCHUAN = "101.730,36.560\n101.741,36.560\n101.741,36.569\n101.730,36.569"


def _import_redline_over_nanchuan(store) -> None:
    frame = gpd.GeoDataFrame({"名称": ["南川水源保护区（权威）"], "类型": ["饮用水水源保护区"],
                              "管控级别": ["一般控制区"], "编号": ["WS-1"]},
                             geometry=[shapely.box(101.72, 36.55, 101.75, 36.58)], crs=4326)
    schema = SCHEMAS["redlines"]
    got = li.read_for_import(schema, "red.geojson", frame.to_json(drop_id=True).encode())
    mapped, _ = li.apply_mapping(got.frame, schema, li.suggest_mapping(got.frame.columns, schema),
                                 source="青海省自然资源厅（测试）", source_date="2026-01-01")
    li.commit_import(store, OFFICIAL_USER, schema, mapped, note="test")


@pytest.mark.parametrize("backend", ["gpkg", "postgis"])
def test_site_check_uses_the_imported_red_line(backend, tmp_path, monkeypatch):
    monkeypatch.setenv("QPA_DATA_DIR", str(tmp_path))
    schema = None
    if backend == "postgis":
        schema = f"t_{uuid.uuid4().hex[:12]}"
        monkeypatch.setenv("QPA_DATABASE_URL", need_postgis())
        monkeypatch.setenv("QPA_DATABASE_SCHEMA", schema)
    else:
        monkeypatch.delenv("QPA_DATABASE_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=120).run()  # first start seeds the store
    where = need_postgis() if backend == "postgis" else tmp_path / "qpa_store.gpkg"
    store = open_store(where, schema=schema)
    _import_redline_over_nanchuan(store)
    at.switch_page("pages/site_check.py").run()
    at.radio(key="site_mode").set_value("paste").run()
    at.text_area(key="paste_text").input(NANCHUAN)
    at.button(key="paste_go").click().run()
    next(b for b in at.button if b.label == t("site.run", "zh")).click().run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    red = table[table[t("site.col.check", "zh")] == t("check.redline", "zh")].iloc[0]
    assert red[t("site.col.status", "zh")] == t("status.FAIL", "zh")
    assert "南川水源保护区" in red[t("site.col.finding", "zh")]  # the imported zone's name
    # the imported layer is authoritative
    assert t("accuracy.authoritative", "zh") in red[t("site.col.data", "zh")]
    if backend == "postgis":
        store.drop_schema()
    store.close()
