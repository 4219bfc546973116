"""The bundled dataset (data/atlas.gpkg, data/dem_qinghai.tif) as built by data.build."""
import json

import numpy as np
import pytest
import shapely

from data.build.__main__ import QINGHAI_BBOX, validate_layer
from geo import bundle
from geo.dem import read_dem
from geo.provenance import ACCURACY_LEVELS
from layers.registry import LAYERS

from .seeds import base_names, thousand_billion_bases

VECTOR_LAYERS = [s.table or s.id for s in LAYERS if s.kind != "raster" and s.loader is None]


@pytest.fixture(scope="module")
def bases():
    return bundle.read_layer("bases")


def test_every_registry_layer_is_in_the_bundle():
    names = set(bundle.bundle_layers())
    assert set(VECTOR_LAYERS) | {"bases", "quotas"} <= names


@pytest.mark.parametrize("name", sorted(set(VECTOR_LAYERS) | {"bases", "places"}))
def test_layer_provenance_validity_extent(name):
    frame = bundle.read_layer(name)
    assert len(frame) > 0
    validate_layer(name, frame)  # provenance, EPSG:4326, valid, inside bbox
    assert set(frame["accuracy"]) <= set(ACCURACY_LEVELS)
    assert shapely.is_valid(frame.geometry.values).all()


def test_quota_table_provenance():
    quotas = bundle.read_table("quotas")
    for col in ("source", "source_date", "accuracy"):
        assert quotas[col].notna().all()
    assert (quotas["accuracy"] == "indicative").all()  # sample figures until an official edits them
    assert (quotas["remaining_ha"] >= 0).all()
    assert set(quotas["base_id"]) == set(bundle.read_layer("bases")["id"])


def test_fifteen_bases_named_as_in_seed_001(bases):
    seeds = base_names()
    assert len(seeds) == 15
    assert dict(zip(bases["seq"].astype(int), bases["name_zh"])) == seeds


def test_tiers_follow_seed_004(bases):
    big = thousand_billion_bases()
    assert len(big) == 5
    for _, row in bases.iterrows():
        expected = "千亿" if any(short in row["name_zh"] for short in big) else "五百亿"
        assert row["tier"] == expected, row["name_zh"]


def test_base_attributes(bases):
    for _, row in bases.iterrows():
        chains = json.loads(row["chains"])
        assert chains, row["name_zh"]
        for chain in chains:
            assert chain["steps_zh"] and chain["cite"].startswith("001")
        assert row["positioning_zh"] and row["prefecture_zh"] and row["county_zh"]
        assert row["accuracy"] == "indicative"  # no public park boundary exists


def test_bases_lie_in_their_prefecture(bases):
    prefs = bundle.read_layer("admin_prefecture")
    for _, row in bases.iterrows():
        pref = prefs[prefs["name_zh"] == row["prefecture_zh"]]
        assert len(pref) == 1, row["prefecture_zh"]
        assert pref.geometry.iloc[0].contains(row.geometry.centroid), row["name_zh"]


def test_admin_counts_and_conversion():
    assert len(bundle.read_layer("admin_province")) == 1
    assert len(bundle.read_layer("admin_prefecture")) == 8
    counties = bundle.read_layer("admin_county")
    assert len(counties) == 45 and counties["adcode"].str.startswith("63").all()
    assert counties["source"].str.contains("WGS84").all()


def test_minimum_content():
    salt = bundle.read_layer("salt_lakes")
    for name in ("察尔汗", "东台吉乃尔", "西台吉乃尔", "一里坪", "大柴旦", "马海", "茶卡", "昆特依"):
        assert salt["name_zh"].str.contains(name).any(), name
    deposits = bundle.read_layer("deposits")
    assert len(deposits) >= 20
    assert deposits["important"].isin([True, False, 0, 1]).all()
    red = bundle.read_layer("redlines")
    for name in ("三江源", "祁连山", "青海湖", "可可西里", "柴达木"):
        assert red["name_zh"].str.contains(name).any(), name
    assert red["category"].notna().all() and red["control_level"].notna().all()


def test_dem_covers_qinghai_with_plausible_heights():
    dem = read_dem(bundle.DEM_PATH)
    w, s, e, n = dem.bounds
    assert w <= QINGHAI_BBOX[0] + 0.3 and e >= QINGHAI_BBOX[2] - 0.3
    assert s <= QINGHAI_BBOX[1] + 0.3 and n >= QINGHAI_BBOX[3] - 0.3
    assert 1500 < dem.sample(101.78, 36.62) < 3200   # Xining ~2260 m (0.2 degree cells)
    assert 2600 < dem.sample(94.9, 36.4) < 3600      # Golmud / Qaidam floor ~2800 m
    assert np.nanmax(dem.elev) > 5000
