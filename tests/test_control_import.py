"""An official imports 永久基本农田, 城镇开发边界 and a 三调 layer on the data page (GeoPackage and
zipped Shapefile in CGCS2000 Gauss-Krüger), and the site check, report and batch use them."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo.checks import Project, load_config
from geo.i18n import t
from geo.layers_index import ScreeningLayers
from geo.report import report_html
from geo.screen import result_rows, screen_site
from geo.sources import StoreSource
from geo.seed import open_store
from tests._stores import OFFICIAL_USER, run_page

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "data.py")
GK = 4522  # CGCS2000 3-degree Gauss-Krüger zone 34 (CM 102°E), with the zone prefix
SITE = shapely.box(101.735, 36.560, 101.745, 36.568)  # in 南川


def _gpkg(frame: gpd.GeoDataFrame, tmp_path: Path, name: str) -> bytes:
    path = tmp_path / f"{name}.gpkg"
    frame.to_crs(GK).to_file(path, driver="GPKG")
    return path.read_bytes()


def _zipped_shp(frame: gpd.GeoDataFrame, tmp_path: Path, name: str) -> bytes:
    folder = tmp_path / name
    folder.mkdir()
    frame.to_crs(GK).to_file(folder / f"{name}.shp", encoding="utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    return buf.getvalue()


def _import(layer_id: str, name: str, data: bytes) -> None:
    at = run_page(PAGE, OFFICIAL_USER, "zh")
    assert not at.exception, at.exception
    at.selectbox(key="data_layer").set_value(layer_id).run()
    at.text_input(key="data_source_0").input("湟中区自然资源局").run()
    at.file_uploader(key="data_upload_0").set_value((name, data, "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    at.button(key="data_replace").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]


def test_imported_control_layers_drive_the_site_check(env, tmp_path):
    farm = gpd.GeoDataFrame({"名称": ["南川基本农田"]},
                            geometry=[shapely.box(101.740, 36.55, 101.76, 36.58)], crs=4326)
    town = gpd.GeoDataFrame({"名称": ["西宁城镇开发边界"]},
                            geometry=[shapely.box(101.6, 36.5, 101.9, 36.7)], crs=4326)
    dltb = gpd.GeoDataFrame({"DLBM": ["0103", "0601"], "DLMC": ["旱地", "工业用地"]},
                            geometry=[shapely.box(101.6, 36.5, 101.74, 36.7),
                                      shapely.box(101.74, 36.5, 101.9, 36.7)], crs=4326)
    _import("farmland", "yjjbnt.gpkg", _gpkg(farm, tmp_path, "yjjbnt"))
    _import("urban_boundary", "czkfbj.zip", _zipped_shp(town, tmp_path, "czkfbj"))
    _import("landuse", "dltb.zip", _zipped_shp(dltb, tmp_path, "dltb"))

    store = open_store(env / "qpa_store.gpkg")
    for lid in ("farmland", "urban_boundary", "landuse"):
        assert store.current_version(lid) == 1
    layers = ScreeningLayers.from_source(StoreSource(store), dem_path=None)
    assert set(layers.controls) == {"farmland", "urban_boundary", "landuse"}
    res = screen_site(SITE, Project(product="碳酸锂", year=2026), layers, load_config())
    farmland = res.result("farmland")
    east = shapely.box(101.740, 36.560, 101.745, 36.568)
    from geo.geodesy import area_ha

    assert farmland.status == "FAIL"
    assert farmland.metrics["overlap_ha"] == pytest.approx(area_ha(east), rel=1e-3)
    assert "南川基本农田" in farmland.message("zh")
    assert res.result("urban_boundary").status == "PASS"
    lu = res.result("landuse")
    assert lu.status == "WARN"
    assert lu.metrics["cropland_ha"] == pytest.approx(area_ha(SITE) - area_ha(east), rel=1e-3)
    assert res.overall == "FAIL"
    assert res.buildable_ha == pytest.approx(area_ha(SITE) - area_ha(east), rel=1e-3)
    assert "farmland" not in res.missing_layers and "wetland" in res.missing_layers
    # the report and the batch rows carry them
    html = report_html(res, lang="zh")
    assert "南川基本农田" in html and t("check.farmland", "zh") in html
    assert "湟中区自然资源局" in html  # the data version used
    missing = html.split('id="missing"', 1)[1]
    assert t("check.wetland", "zh") in missing and t("check.farmland", "zh") not in missing
    rows = {r["check"]: r for r in result_rows("A", res, "zh")["rows"]}
    assert rows["farmland"]["status"] == "FAIL" and rows["overall"]["status"] == "FAIL"
    assert float(rows["quota"]["farmland_ha"]) == pytest.approx(area_ha(east), rel=1e-3)
