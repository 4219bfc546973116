"""Site-check engine on synthetic layers of known geometry.

Every layer is hand-made (boxes, points, a planar DEM) so that the expected
areas and distances can be computed independently with ``pyproj.Geod``:
areas of the hand-made intersection boxes, distances between points known to
be the nearest pair (a site straight north of a zone shares its longitude).
"""
from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from rasterio.transform import Affine

from geo.checks import (CheckContext, CheckResult, Project, get_check, load_config,
                        product_matches, worst_status)
from geo.checks.config import CheckConfig
from geo.checks.measure import geodesic_distances, local_buffer
from geo.site_input import site_from_point
from geo.dem import Dem
from geo.errors import InputError
from geo.geodesy import area_ha
from geo.i18n import TEXT, t
from geo.layers_index import ScreeningLayers
from geo.screen import screen_site


def square_site(lon, lat, ha):
    """A site of ``ha`` hectares; outside Qinghai (where site_from_point refuses) a small box."""
    if not (89.3 <= lon <= 103.2 and 31.5 <= lat <= 39.3):
        return shapely.box(lon - 0.005, lat - 0.005, lon + 0.005, lat + 0.005)
    return site_from_point(lon, lat, ha).geometry


GEOD = Geod(ellps="WGS84")
PROV = {"source": "test", "source_date": "2026-01-01", "accuracy": "indicative"}
CHAINS_LI = [{"id": "li", "name_zh": "锂电池", "name_en": "lithium batteries",
              "steps_zh": ["电池级碳酸锂", "正极、负级、隔膜材料", "储能和锂电池"],
              "steps_en": ["battery-grade lithium carbonate", "cathode, anode and separator materials",
                           "energy storage and lithium batteries"], "cite": "001 §四.4"}]
CHAINS_K = [{"id": "k", "name_zh": "钾肥", "name_en": "potash", "steps_zh": ["钾肥"],
             "steps_en": ["potash fertiliser"], "cite": "001 §四.2"}]

# zone boxes (lon/lat)
Z_GENERAL = (96.00, 36.00, 96.02, 36.02)
Z_CORE = (96.10, 36.00, 96.12, 36.02)
B1 = (97.00, 36.00, 97.10, 36.10)
B2 = (97.50, 36.00, 97.60, 36.10)
D_K = (96.50, 36.50)      # potash, large, important -> FAIL
D_PBZN = (96.60, 36.50)   # lead-zinc, not important -> WARN
D_CU_SMALL = (96.70, 36.50)  # copper, small, important -> WARN
SL_K = (96.50, 35.50, 96.55, 35.55)
SL_B = (96.70, 35.50, 96.75, 35.55)
DEM_ORIGIN = (98.0, 36.2)
DEM_CELL = 0.0002  # ~18 x 22 m: fine enough for slope (data/rules/terrain.yaml: <= 30 m)
SITE_UNIT = 0.001  # _dem_site columns are in thousandths of a degree


def geod_area_ha(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e4


def geod_m(lon1, lat1, lon2, lat2) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


def synthetic_frames() -> dict:
    """GeoDataFrames of every layer (also used by the CLI tests)."""
    redlines = gpd.GeoDataFrame([
        {"id": "zg", "name_zh": "一般区", "name_en": "General zone", "category": "自然保护区",
         "category_en": "nature reserve", "control_level": "一般控制区",
         "control_level_en": "general control zone", "legal_basis": "142号", **PROV},
        {"id": "zc", "name_zh": "核心区", "name_en": "Core zone", "category": "国家公园",
         "category_en": "national park", "control_level": "核心保护区",
         "control_level_en": "core protection zone", "legal_basis": "48号", **PROV},
    ], geometry=[shapely.box(*Z_GENERAL), shapely.box(*Z_CORE)], crs=4326)
    deposits = gpd.GeoDataFrame([
        {"id": "dk", "name_zh": "钾盐矿", "name_en": "Potash", "commodity": "K", "scale": "large",
         "important": True, **PROV},
        {"id": "dp", "name_zh": "铅锌矿", "name_en": "Lead-zinc", "commodity": "Pb-Zn",
         "scale": "large", "important": False, **PROV},
        {"id": "dc", "name_zh": "小铜矿", "name_en": "Small copper", "commodity": "Cu",
         "scale": "small", "important": True, **PROV},
    ], geometry=shapely.points([D_K, D_PBZN, D_CU_SMALL]), crs=4326)
    salt = gpd.GeoDataFrame([
        {"id": "slk", "name_zh": "钾盐湖", "name_en": "Potash lake", "minerals": "K,Na,Mg", **PROV},
        {"id": "slb", "name_zh": "硼盐湖", "name_en": "Boron lake", "minerals": "B,Na", **PROV},
    ], geometry=[shapely.box(*SL_K), shapely.box(*SL_B)], crs=4326)
    bases = gpd.GeoDataFrame([
        {"id": "b1", "name_zh": "锂基地", "name_en": "Lithium base", "tier": "千亿",
         "positioning_zh": "锂电池产业基地", "positioning_en": "lithium battery base",
         "chains": json.dumps(CHAINS_LI, ensure_ascii=False), **PROV},
        {"id": "b2", "name_zh": "钾肥基地", "name_en": "Potash base", "tier": "千亿",
         "positioning_zh": "钾肥产业基地", "positioning_en": "potash base",
         "chains": json.dumps(CHAINS_K, ensure_ascii=False), **PROV},
    ], geometry=[shapely.box(*B1), shapely.box(*B2)], crs=4326)
    quotas = pd.DataFrame([
        {"base_id": "b1", "year": 2026, "allocated_ha": 100.0, "used_ha": 50.0,
         "reserved_ha": 10.0, **PROV},
        {"base_id": "b1", "year": 2025, "allocated_ha": 100.0, "used_ha": 90.0,
         "reserved_ha": 10.0, **PROV},
    ])
    return {"redlines": redlines, "deposits": deposits, "salt_lakes": salt, "bases": bases,
            "quotas": quotas}


def synthetic_dem() -> Dem:
    """1000 x 1000 cells of 0.0002 deg: flat (west third), 30 % ~16.7 deg (middle), 60 % (east)."""
    n = 1000
    tr = Affine(DEM_CELL, 0.0, DEM_ORIGIN[0], 0.0, -DEM_CELL, DEM_ORIGIN[1])
    lat_mid = DEM_ORIGIN[1] - n * DEM_CELL / 2
    dx_m = geod_m(98.0, lat_mid, 98.0 + DEM_CELL, lat_mid)
    grad = np.zeros(n)
    grad[335:670] = 0.3
    grad[670:] = 0.6
    z = 3000.0 + np.concatenate([[0.0], np.cumsum(grad[1:] * dx_m)])
    elev = np.tile(z, (n, 1))
    return Dem(elev=elev, transform=tr, tags={"source": "synthetic", "accuracy": "derived"})


@pytest.fixture(scope="module")
def layers() -> ScreeningLayers:
    f = synthetic_frames()
    return ScreeningLayers.from_frames(redline=f["redlines"], deposits=f["deposits"],
                                       salt_lakes=f["salt_lakes"], bases=f["bases"],
                                       quotas=f["quotas"], dem=synthetic_dem())


@pytest.fixture(scope="module")
def auth_layers() -> ScreeningLayers:
    """The same layers with the red-line zones authoritative (an official's import)."""
    f = synthetic_frames()
    return ScreeningLayers.from_frames(redline=f["redlines"].assign(accuracy="authoritative"),
                                       deposits=f["deposits"], salt_lakes=f["salt_lakes"],
                                       bases=f["bases"], quotas=f["quotas"], dem=synthetic_dem())


@pytest.fixture(scope="module")
def config() -> CheckConfig:
    return load_config()


def run_check(check, site, layers, config=None, project=None, results=None, site_ha=None):
    """Run one check of the registry on ``site`` as screen_site would."""
    config = config or load_config()
    ctx = CheckContext(site, area_ha(site) if site_ha is None else site_ha,
                       project or Project(), layers, config, dict(results or {}))
    return get_check(check).run(ctx)


def run_redline(site, layers, config, activity="industrial"):
    return run_check("redline", site, layers, config, Project(activity=activity))


# --------------------------------------------------------------------------- measures
def test_square_site_has_the_requested_ellipsoidal_area():
    for lon, lat, ha in ((96.0, 36.5, 50.0), (91.0, 32.0, 1.0), (101.0, 39.0, 5000.0)):
        assert geod_area_ha(square_site(lon, lat, ha)) == pytest.approx(ha, rel=1e-6)


def test_geodesic_distance_matches_geod_inv_for_a_known_nearest_pair():
    site = shapely.box(96.0, 36.3, 96.01, 36.31)
    other = shapely.box(96.002, 36.0, 96.008, 36.1)  # straight south
    d, _ = geodesic_distances(site, np.array([other]))
    assert d[0] == pytest.approx(geod_m(96.005, 36.1, 96.005, 36.3), rel=1e-6)


def test_geodesic_distance_diagonal_is_close_to_the_true_minimum():
    site = shapely.Point(96.0, 36.0).buffer(1e-9)
    pt = shapely.Point(96.3, 36.2)
    d, _ = geodesic_distances(site, np.array([pt]))
    assert d[0] == pytest.approx(geod_m(96.0, 36.0, 96.3, 36.2), rel=1e-4)


def test_nearest_is_the_geodesic_nearest_not_the_degree_nearest():
    # at 36 N a degree of longitude is ~0.81 of a degree of latitude: the point 0.11 deg
    # east is nearer in metres than the point 0.1 deg north though farther in degrees
    pts = gpd.GeoDataFrame({"id": ["north", "east"], **{k: [v, v] for k, v in PROV.items()}},
                           geometry=shapely.points([(96.0, 36.1), (96.11, 36.0)]), crs=4326)
    lay = ScreeningLayers.from_frames(deposits=pts)
    site = shapely.Point(96.0, 36.0).buffer(1e-7)
    i, d = lay.deposits.nearest(site)
    assert lay.deposits.get(i, "id") == "east"
    assert d == pytest.approx(geod_m(96.0, 36.0, 96.11, 36.0), rel=1e-4)


def test_local_buffer_is_a_geodesic_circle():
    lon, lat, r = 96.5, 36.5, 1000.0
    circle = local_buffer(shapely.Point(lon, lat), r, lat, quad_segs=8)
    verts = shapely.get_coordinates(circle)[:-1]
    d = [geod_m(lon, lat, x, y) for x, y in verts]
    assert np.allclose(d, r, rtol=2e-3)


# --------------------------------------------------------------------------- red line
def test_redline_fail_with_exact_overlap_area(layers, config):
    site = shapely.box(96.01, 36.01, 96.03, 36.03)
    res = run_redline(site, layers, config)
    expected = geod_area_ha(shapely.box(96.01, 36.01, 96.02, 36.02))
    assert res.status == "FAIL"
    assert res.metrics["overlap_ha"] == pytest.approx(expected, rel=1e-3)
    assert res.metrics["overlap_share"] == pytest.approx(expected / geod_area_ha(site), rel=1e-3)
    assert res.metrics["distance_m"] == 0.0
    assert res.evidence[0]["category"] == "自然保护区"
    assert res.evidence[0]["control_level"] == "一般控制区"
    assert res.rule["key"] == "rule.redline.overlap_general"
    assert area_ha(res.overlap) == pytest.approx(expected, rel=1e-3)
    assert "General zone" in res.message("en")


@pytest.mark.parametrize("activity", ["linear_infrastructure", "national_major_project"])
def test_redline_admitted_activity_warns_and_names_the_cannot_avoid_demonstration(
        layers, config, activity):
    res = run_redline(shapely.box(96.01, 36.01, 96.03, 36.03), layers, config, activity)
    assert res.status == "WARN"
    assert "不可避让论证" in res.message("zh")
    assert "cannot-avoid" in res.message("en")


def test_redline_core_zone_fails_even_for_admitted_activity(layers, config):
    site = shapely.box(96.11, 36.01, 96.13, 36.03)
    res = run_redline(site, layers, config, "linear_infrastructure")
    assert res.status == "FAIL"
    assert res.rule["key"] == "rule.redline.overlap_core"
    assert "Core zone" in res.message("en")
    assert run_redline(site, layers, config, "patrol_monitoring").status == "WARN"


def test_redline_near_warns_with_geodesic_distance(layers, config):
    site = shapely.box(96.005, 36.025, 96.015, 36.03)  # 0.005 deg north of the general zone
    res = run_redline(site, layers, config)
    assert res.status == "WARN"
    assert res.metrics["overlap_ha"] == 0.0
    assert res.metrics["distance_m"] == pytest.approx(geod_m(96.01, 36.02, 96.01, 36.025), rel=1e-4)
    assert res.metrics["within_1000_m"] == ["zg"]


def test_redline_pass_lists_rings(auth_layers, config):
    site = shapely.box(96.005, 36.05, 96.015, 36.06)
    res = run_redline(site, auth_layers, config)
    assert res.status == "PASS"
    d = geod_m(96.01, 36.02, 96.01, 36.05)
    assert res.metrics["distance_m"] == pytest.approx(d, rel=1e-4)
    assert res.metrics["within_1000_m"] == []
    assert res.metrics["within_5000_m"] == ["zg"]
    assert res.metrics["within_10000_m"] == ["zg", "zc"]  # core zone ~8.5 km away
    assert [e["id"] for e in res.evidence] == ["zg", "zc"]
    assert res.evidence[1]["distance_m"] == pytest.approx(geod_m(96.015, 36.05, 96.1, 36.02), rel=1e-3)


def test_redline_alert_is_configurable(auth_layers, config):
    site = shapely.box(96.005, 36.025, 96.015, 36.03)
    off = config.with_overrides(redline={"alert_status": "PASS"})
    assert run_redline(site, auth_layers, off).status == "PASS"


def test_redline_unknown_outside_coverage_or_without_layer(layers, config):
    far = square_site(80.0, 36.0, 10)
    res = run_redline(far, layers, config)
    assert res.status == "UNKNOWN" and res.metrics["covered_share"] == 0.0
    assert "0%" in res.message("en")
    empty = ScreeningLayers.from_frames()
    res = run_redline(square_site(96.0, 36.0, 10), empty, config)
    assert res.status == "UNKNOWN" and res.message_key == "chk.no_layer"
    assert t("lyr.redline", "en") in res.message("en")


def test_redline_overlap_is_measured_even_where_the_site_leaves_the_coverage(config):
    """THE BORDER CASE: a site across the province border, wholly inside a user's zone."""
    west = 89.3  # the province box's west edge (coverage of the bundled layers)
    zone = gpd.GeoDataFrame([{"id": "u1", "name_zh": "跨界红线", "name_en": "Cross-border zone",
                              "category": "自然保护区", "control_level": "一般控制区", **PROV}],
                            geometry=[shapely.box(west - 0.2, 36.0, west + 0.2, 36.2)], crs=4326)
    lay = ScreeningLayers.from_frames().replace("redline", zone, coverage=shapely.box(
        89.3, 31.5, 103.2, 39.3))
    site = shapely.box(west - 0.05, 36.05, west + 0.05, 36.1)
    res = run_redline(site, lay, config)
    assert res.status == "FAIL"
    assert res.metrics["overlap_ha"] == pytest.approx(geod_area_ha(site), rel=1e-6)
    assert res.metrics["overlap_share"] == pytest.approx(1.0, rel=1e-6)
    assert res.metrics["covered_share"] == pytest.approx(0.5, abs=0.01)
    # nothing overlapping and half outside the coverage: UNKNOWN stating the share covered
    clear = shapely.box(west - 0.05, 36.3, west + 0.05, 36.35)
    res = run_redline(clear, lay, config)
    assert res.status == "UNKNOWN" and res.metrics["covered_share"] == pytest.approx(0.5, abs=0.01)
    assert "50%" in res.message("en") and "50%" in res.message("zh")


def test_redline_national_major_project_has_its_own_path(layers, config):
    res = run_redline(shapely.box(96.01, 36.01, 96.03, 36.03), layers, config,
                      "national_major_project")
    assert res.status == "WARN" and res.message_key == "chk.redline.warn_major"
    assert res.rule["key"] == "rule.redline.overlap_major"
    assert "占用" in res.message("zh") and "approval" in res.message("en")
    core = run_redline(shapely.box(96.11, 36.01, 96.13, 36.03), layers, config,
                       "national_major_project")
    assert core.status == "FAIL"  # not in a core zone


def test_no_overlap_with_an_indicative_partial_layer_is_no_clearance(layers, config):
    """A layer of indicative zones covering a small share of the provincial red line cannot
    clear a site: WARN, stating the share, with the step (the 划定成果) and its basis."""
    res = run_redline(shapely.box(96.005, 36.05, 96.015, 36.06), layers, config)
    zones = geod_area_ha(shapely.box(*Z_GENERAL)) + geod_area_ha(shapely.box(*Z_CORE))
    share = zones / (config.redline["provincial_total_km2"] * 100)
    assert res.status == "WARN" and res.message_key == "chk.redline.warn_incomplete"
    assert res.metrics["layer_share_of_province"] == pytest.approx(share, rel=1e-3)
    assert f"{100 * share:.0f}%" in res.message("en")
    assert res.rule["key"] == "rule.redline.incomplete_layer"
    assert "厅字〔2019〕48号" in res.rule["basis"] and "自然资发〔2022〕142号" in res.rule["basis"]
    assert "划定成果" in t(res.rule["key"], "zh")


def test_redline_pass_states_the_layer_share_of_the_provincial_red_line(auth_layers, config):
    """An authoritative layer clears a site whatever share of the province it covers (an
    official's import of the delineation for the area); the share is still stated."""
    res = run_redline(shapely.box(96.005, 36.05, 96.015, 36.06), auth_layers, config)
    assert res.status == "PASS"
    assert t("chk.redline.pass", "zh")[:6] in res.message("zh")
    assert "%" in res.message("en")


def test_a_layer_covering_the_provincial_red_line_clears_without_being_authoritative(layers, config):
    site = shapely.box(96.005, 36.05, 96.015, 36.06)
    assert run_redline(site, layers, config.with_overrides(redline={"complete_share": 1e-6})
                       ).status == "PASS"


def test_unknown_activity_is_an_input_error(config):
    with pytest.raises(InputError, match="activity was 'mining_everything'"):
        config.activity("mining_everything")


# --------------------------------------------------------------------------- minerals
def test_indicative_potash_deposit_warns_with_the_overlay_query_step(layers, config):
    site = square_site(D_K[0], D_K[1], 2000)  # ~4.5 km square holding the 1 km circle
    res = run_check("minerals", site, layers, config)
    assert res.status == "WARN"
    assert res.message_key == "chk.minerals.warn"
    assert "需开展压覆重要矿产资源查询/评估" in res.message("zh")
    assert "钾盐矿" in res.message("zh") and "K" in res.message("zh")
    circle = local_buffer(shapely.Point(*D_K), 1000.0, D_K[1], quad_segs=8)
    assert res.metrics["overlap_ha"] == pytest.approx(geod_area_ha(circle), rel=1e-3)
    assert res.metrics["overlap_ha"] == pytest.approx(math.pi * 100, rel=0.01)  # pi r^2
    assert res.metrics["distance_m"] == 0.0
    assert res.evidence[0]["id"] == "dk" and res.evidence[0]["important"]
    assert "2024" in res.rule["basis"]


def test_minerals_warn_names_the_distance_of_a_deposit_outside_the_site(layers, config):
    site = shapely.box(D_PBZN[0] - 0.005, D_PBZN[1] + 0.005, D_PBZN[0] + 0.005, D_PBZN[1] + 0.01)
    res = run_check("minerals", site, layers, config)
    assert res.status == "WARN"
    d = geod_m(D_PBZN[0], D_PBZN[1], D_PBZN[0], D_PBZN[1] + 0.005)
    assert res.metrics["distance_m"] == pytest.approx(d, rel=1e-4)
    assert f"{d / 1000:.1f} km" in res.message("en")
    assert res.metrics["overlap_ha"] > 0


def test_minerals_pass_with_distance(layers, config):
    site = shapely.box(96.495, 36.6, 96.505, 36.61)
    res = run_check("minerals", site, layers, config)
    assert res.status == "PASS"
    assert res.metrics["distance_m"] == pytest.approx(geod_m(96.5, 36.5, 96.5, 36.6), rel=1e-4)
    assert res.metrics["nearest_id"] == "dk"


def test_salt_lakes_warn_with_exact_area(layers, config):
    site = shapely.box(96.54, 35.54, 96.56, 35.56)
    res = run_check("minerals", site, layers, config)
    assert res.status == "WARN"
    assert res.metrics["overlap_ha"] == pytest.approx(
        geod_area_ha(shapely.box(96.54, 35.54, 96.55, 35.55)), rel=1e-3)
    site_b = shapely.box(96.74, 35.54, 96.76, 35.56)
    assert run_check("minerals", site_b, layers, config).status == "WARN"


def test_authoritative_reserve_polygon_of_an_important_mineral_fails(config):
    reserves = gpd.GeoDataFrame([
        {"id": "r1", "name_zh": "钾盐储量区", "name_en": "Potash reserve", "commodity": "K",
         "important": True, "source": "省厅", "source_date": "2026-01-01",
         "accuracy": "authoritative"},
        {"id": "r2", "name_zh": "石盐储量区", "name_en": "Halite reserve", "commodity": "NaCl",
         "important": False, "source": "省厅", "source_date": "2026-01-01",
         "accuracy": "authoritative"},
    ], geometry=[shapely.box(96.0, 36.0, 96.1, 36.1), shapely.box(96.2, 36.0, 96.3, 36.1)],
        crs=4326)
    lay = ScreeningLayers.from_frames(deposits=reserves)
    res = run_check("minerals", shapely.box(96.05, 36.05, 96.15, 36.08), lay, config)
    assert res.status == "FAIL" and "Potash reserve" in res.message("en")
    assert res.metrics["overlap_ha"] == pytest.approx(
        geod_area_ha(shapely.box(96.05, 36.05, 96.1, 36.08)), rel=1e-3)
    assert run_check("minerals", shapely.box(96.25, 36.05, 96.27, 36.07), lay,
                     config).status == "WARN"  # not an important mineral


def test_minerals_unknown_without_layer_or_outside_coverage(layers, config):
    site = square_site(96.0, 36.0, 10)
    res = run_check("minerals", site, ScreeningLayers.from_frames(), config)
    assert res.status == "UNKNOWN" and res.message_key == "chk.no_layer"
    res = run_check("minerals", square_site(80.0, 36.0, 10), layers, config)
    assert res.status == "UNKNOWN" and res.message_key == "chk.no_coverage"


# --------------------------------------------------------------------------- base
def test_product_matches_normalises_and_uses_synonyms(config):
    row = {"chains": json.dumps(CHAINS_LI, ensure_ascii=False), "positioning_zh": "锂电池产业基地"}
    assert [m["text"] for m in product_matches(row, "碳酸锂", config)][0] == "电池级碳酸锂"
    assert product_matches(row, "Lithium  CARBONATE", config)
    assert product_matches(row, "锂离子电池", config)  # synonym of 锂电池
    assert product_matches(row, "钾肥", config) == []
    acid = {"chains": [{"id": "f", "name_zh": "氟化工", "steps_zh": ["萤石", "硫酸"], "steps_en": []}]}
    assert product_matches(acid, "钾肥", config) == []  # not via the synonym 硫酸钾
    assert [m["text"] for m in product_matches(
        {"chains": CHAINS_K}, "钾肥扩能项目", config)] == ["钾肥"]  # step inside the product text
    assert product_matches(row, "", config) == []


def run_base(site, layers, config, product):
    return run_check("base", site, layers, config, Project(product=product))


def test_base_pass_inside_matching_base(layers, config):
    res = run_base(square_site(97.05, 36.05, 50), layers, config, "碳酸锂")
    assert res.status == "PASS"
    assert res.metrics["base_id"] == "b1"
    assert res.metrics["share_inside"] == pytest.approx(1.0)
    assert "电池级碳酸锂" in res.metrics["matched"]
    assert not res.metrics["derived"]


def test_base_warn_inside_mismatch_names_admitting_base(layers, config):
    res = run_base(square_site(97.05, 36.05, 50), layers, config, "钾肥")
    assert res.status == "WARN"
    assert [e["id"] for e in res.evidence if e["role"] == "admitting"] == ["b2"]
    assert "Potash base" in res.message("en")


def test_base_warn_outside_with_geodesic_distance(layers, config):
    site = shapely.box(97.04, 36.2, 97.06, 36.21)  # straight north of b1
    res = run_base(site, layers, config, "碳酸锂")
    assert res.status == "WARN"
    assert res.metrics["base_id"] is None
    assert res.metrics["nearest_base_id"] == "b1"
    assert res.metrics["distance_m"] == pytest.approx(geod_m(97.05, 36.1, 97.05, 36.2), rel=1e-4)


def test_base_partial_share_warns(layers, config):
    site = shapely.box(97.09, 36.04, 97.11, 36.06)  # half inside b1
    res = run_base(site, layers, config, "碳酸锂")
    assert res.status == "WARN"
    assert res.metrics["share_inside"] == pytest.approx(0.5, abs=0.01)


def test_base_unknown_without_product(layers, config):
    res = run_base(square_site(97.05, 36.05, 50), layers, config, None)
    assert res.status == "UNKNOWN"
    assert res.metrics["base_id"] == "b1"


def test_regional_assignment_admits_the_qaidam_bases_citing_its_sentence(config):
    """碳酸锂 is assigned to the Qaidam (seed 000 一.(三), seed 004 二.(二).3): a base there
    whose own chains do not name it still admits it, marked as derived."""
    bases = gpd.GeoDataFrame([
        {"id": "qarhan", "name_zh": "察尔汗", "name_en": "Qarhan",
         "chains": json.dumps(CHAINS_K, ensure_ascii=False), **PROV},
        {"id": "ledu", "name_zh": "乐都", "name_en": "Ledu",
         "chains": json.dumps(CHAINS_K, ensure_ascii=False), **PROV},
    ], geometry=[shapely.box(*B1), shapely.box(*B2)], crs=4326)
    lay = ScreeningLayers.from_frames(bases=bases)
    res = run_base(square_site(97.05, 36.05, 50), lay, config, "碳酸锂")
    assert res.status == "PASS" and res.metrics["derived"]
    assert res.message_key == "chk.base.pass_regional"
    assert "二.(二).3" in res.message("zh") and "一.(三)" in res.message("zh")
    assert "盐湖提锂" in res.message("zh") and "derived" in res.message("en")
    assert run_base(square_site(97.55, 36.05, 50), lay, config, "碳酸锂").status == "WARN"


# --------------------------------------------------------------------------- quota
def run_quota(layers, config, project, base_id="b1", share=1.0, site_ha=5.0):
    base = CheckResult("base", "PASS", {"base_id": base_id, "share_inside": share})
    return run_check("quota", square_site(97.05, 36.05, 1), layers, config, project,
                     {"base": base}, site_ha=site_ha)


@pytest.mark.parametrize("requested, status", [(10, "PASS"), (35, "WARN"), (50, "FAIL")])
def test_quota_statuses(layers, config, requested, status):
    # b1 2026: 100 allocated - 50 used - 10 reserved = 40 ha remaining; warn above 80 %
    res = run_quota(layers, config, Project(area_ha=requested, year=2026))
    assert res.status == status
    assert res.metrics["remaining_ha"] == 40.0


def test_quota_defaults_to_latest_year_and_site_area(layers, config):
    res = run_quota(layers, config, Project(), site_ha=12.0)
    assert res.metrics["year"] == 2026 and res.metrics["requested_ha"] == 12.0


def test_quota_unknown_outside_base_or_year(layers, config):
    assert run_quota(layers, config, Project(year=2026), None, 0.0).status == "UNKNOWN"
    res = run_quota(layers, config, Project(year=2019))
    assert res.status == "UNKNOWN" and res.message_key == "chk.quota.unknown_year"
    assert run_quota(layers, config, Project(year=2025)).status == "FAIL"  # 0 left


# --------------------------------------------------------------------------- terrain
def _dem_site(col0: int, col1: int) -> shapely.Polygon:
    lon0 = DEM_ORIGIN[0] + col0 * SITE_UNIT
    lon1 = DEM_ORIGIN[0] + col1 * SITE_UNIT
    return shapely.box(lon0, 36.05, lon1, 36.1)


@pytest.mark.parametrize("cols, status, above", [
    ((10, 50), "PASS", (0.0, 0.0)),      # flat
    ((55, 75), "WARN", (0.4, 0.4)),      # 40 % of the site at 30 % grade (above 25 %)
    ((80, 120), "FAIL", (1.0, 1.0)),     # all at 30 % grade
    ((150, 190), "FAIL", (1.0, 1.0))])   # all at 60 % grade
def test_terrain_share_of_the_site_above_each_slope_class(layers, config, cols, status, above):
    res = run_check("terrain", _dem_site(*cols), layers, config)
    assert res.status == status
    assert res.metrics["n_cells"] >= 9 and not res.metrics["coarse"]
    assert (res.metrics["share_above_gentle"], res.metrics["share_above_moderate"]) == \
        pytest.approx(above, abs=0.02)
    assert [e["above_pct"] for e in res.evidence] == [5, 10, 25]
    assert f"{100 * above[1]:.0f}%" in res.message("en")
    # each row is the ground steeper than a class, and says so (not "平坡 100%" for steep ground)
    assert [e["class_zh"] for e in res.evidence] == [
        "陡于平坡（坡度大于5%）", "陡于缓坡（坡度大于10%）", "陡于中坡（坡度大于25%）"]
    assert res.evidence[0]["class_en"] == "steeper than flat (above 5% grade)"


def test_terrain_slope_value_is_true_slope(layers, config):
    res = run_check("terrain", _dem_site(80, 120), layers, config)
    assert res.metrics["slope_max"] == pytest.approx(math.degrees(math.atan(0.3)), abs=0.3)


def test_terrain_coarse_dem_says_so_shows_elevation_and_no_slope(layers, config):
    site = square_site(98.0205, 36.0705, 0.05)  # ~22 m: at most a cell centre or two inside
    res = run_check("terrain", site, layers, config)
    assert res.status == "UNKNOWN"
    assert res.message_key == "chk.terrain.coarse" and res.metrics["coarse"] is True
    assert res.metrics["elev_mean"] == pytest.approx(3000.0)
    assert not any(k.startswith(("slope", "share_above")) for k in res.metrics)
    assert "coarser than the site" in res.message("en") and "3,000 m" in res.message("en")
    assert "°" not in res.message("zh") and "°" not in res.message("en")


def test_terrain_unknown_outside_dem_or_without(layers, config):
    site = square_site(96.0, 36.0, 10)
    assert run_check("terrain", site, layers, config).status == "UNKNOWN"
    assert run_check("terrain", site, ScreeningLayers.from_frames(), config).status == "UNKNOWN"


# --------------------------------------------------------------------------- chain, verdicts
def run_chain(site, product):
    return run_check("chain", site, ScreeningLayers.from_frames(), None, Project(product=product))


def test_chain_without_a_known_product_is_unknown_never_pass():
    site = square_site(101.735, 36.565, 10)
    res = run_chain(site, None)
    assert res.status == "UNKNOWN" and res.metrics["reason"] == "no_product"
    res = run_chain(site, "量子反物质发动机")
    assert res.status == "UNKNOWN" and res.metrics["reason"] == "unknown_product"


def test_chain_adjacency_scores_the_site():
    """A cathode plant in 南川 (where most of its inputs and customers are) beats one in 互助;
    its smelting partner is ~600 km away at Golmud, beyond the decay's reach: WARN, not PASS."""
    nanchuan = run_chain(square_site(101.735, 36.565, 10), "正极材料")
    huzhu = run_chain(square_site(101.96, 36.80, 10), "正极材料")
    assert nanchuan.metrics["score"] > huzhu.metrics["score"]
    assert nanchuan.status == "WARN" and nanchuan.metrics["reason"] == "far_links"
    assert (nanchuan.metrics["n_near"], nanchuan.metrics["n_partners"]) == (2, 3)
    sides = {row["side"] for row in nanchuan.evidence}
    assert sides == {"upstream", "downstream"}
    assert all(row["geodesic_km"] is not None for row in nanchuan.evidence if not row["missing"])
    far = run_chain(square_site(90.5, 38.5, 10), "正极材料")  # the far west of the Qaidam
    assert far.status == "WARN" and far.metrics["score"] < nanchuan.metrics["score"]


def test_status_order_puts_unknown_above_pass():
    assert worst_status(["PASS", "UNKNOWN"]) == "UNKNOWN"
    assert worst_status(["UNKNOWN", "WARN"]) == "WARN"
    assert worst_status(["WARN", "FAIL", "PASS"]) == "FAIL"
    assert worst_status(["PASS"]) == "PASS"


def test_check_result_rejects_bad_status():
    with pytest.raises(ValueError, match="status"):
        CheckResult("redline", "OK")


def test_advisory_checks_do_not_set_the_compliance_verdict(layers):
    res = screen_site(square_site(97.05, 36.05, 10), Project(product="碳酸锂", year=2026), layers)
    statuses = {r.check: r.status for r in res.results}
    assert statuses["base"] == "PASS" and statuses["quota"] == "PASS"
    # the chain graph's lithium partners are ~500 km away in Xining: adjacency warns
    assert statuses["chain"] == "WARN" and statuses["terrain"] == "UNKNOWN"
    binding = {c: s for c, s in statuses.items() if get_check(c).kind == "binding"}
    assert res.overall == worst_status(binding.values())
    assert "chain" not in [r["check"] for r in res.reasons]
    assert "terrain" not in [r["check"] for r in res.reasons]
    suit = res.suitability
    assert [p["check"] for p in suit.parts] == ["base", "terrain", "chain"]
    w = load_config().section("suitability")["weights"]
    chain = res.result("chain").metrics["score"]
    assert suit.score == pytest.approx((w["base"] * 1.0 + w["chain"] * chain)
                                       / (w["base"] + w["chain"]))
    assert 0.0 <= suit.score <= 1.0


def test_compliance_is_the_worst_binding_status(layers):
    res = screen_site(shapely.box(96.01, 36.01, 96.03, 36.03), Project(product="x"), layers)
    assert res.overall == "FAIL" and res.reasons[0]["check"] == "redline"


def test_screen_site_buildable_area_excludes_red_line_but_not_minerals(layers):
    site = shapely.box(96.01, 36.01, 96.03, 36.03)
    res = screen_site(site, Project(product="x"), layers)
    assert res.overall == "FAIL"
    overlap = geod_area_ha(shapely.box(96.01, 36.01, 96.02, 36.02))
    assert res.buildable_ha == pytest.approx(geod_area_ha(site) - overlap, rel=1e-3)
    assert res.area_ha == pytest.approx(geod_area_ha(site), rel=1e-6)
    assert not res.buildable.intersects(shapely.box(96.011, 36.011, 96.019, 36.019))
    on_deposit = screen_site(square_site(D_K[0], D_K[1], 2000), Project(product="x"), layers)
    assert on_deposit.result("minerals").status == "WARN"
    assert on_deposit.buildable_ha == pytest.approx(on_deposit.area_ha)


def test_screen_result_serialises(layers):
    site = shapely.box(96.01, 36.01, 96.03, 36.03)
    res = screen_site(site, Project(product="碳酸锂"), layers)
    out = res.to_dict()
    json.dumps(out)
    assert out["suitability"]["band"] in ("high", "medium", "low", "unknown")
    gj = res.to_geojson("A")
    kinds = [f["properties"]["kind"] for f in gj["features"]]
    assert kinds[0] == "site" and "redline_overlap" in kinds and "buildable" in kinds
    assert gj["features"][0]["properties"]["status_redline"] == "FAIL"
    assert "indicative" not in json.dumps(out["results"][5])  # chain used no data


def test_indicative_layers_are_listed(layers):
    res = screen_site(square_site(97.05, 36.05, 10), Project(product="碳酸锂"), layers)
    assert "redline" in res.indicative_layers and "bases" in res.indicative_layers


def test_every_message_and_rule_has_both_languages(layers):
    sites = [shapely.box(96.01, 36.01, 96.03, 36.03), square_site(97.05, 36.05, 10),
             square_site(D_K[0], D_K[1], 100), _dem_site(150, 190), square_site(80.0, 36.0, 5)]
    for site in sites:
        for product in ("碳酸锂", None, "钾肥"):
            res = screen_site(site, Project(product=product), layers)
            for r in res.results:
                assert r.message("zh") and r.message("en")
                assert t(r.rule["key"], "zh") and t(r.rule["key"], "en")
    for key in ("check.redline", "status.UNKNOWN", "activity.linear_infrastructure"):
        assert all(TEXT[key])


def test_invalid_site_geometry_is_an_input_error(layers):
    with pytest.raises(InputError, match="polygon"):
        screen_site(shapely.LineString([(96, 36), (96.1, 36.1)]), Project(), layers)


# --------------------------------------------------------------------------- bundled data
@pytest.fixture(scope="module")
def bundled():
    from geo.bundle import BUNDLE_PATH

    if not BUNDLE_PATH.exists():
        pytest.skip("bundled data not built")
    return ScreeningLayers.from_bundle()


def test_potash_plant_in_qarhan_on_bundled_data(bundled):
    """DONE-WHEN of issue 10: a 20 ha 钾肥 plant in 察尔汗."""
    site = site_from_point(94.95, 36.8, 20).geometry
    res = screen_site(site, Project(product="钾肥"), bundled)
    minerals = res.result("minerals")
    assert minerals.status == "WARN"
    assert "需开展压覆重要矿产资源查询/评估" in minerals.message("zh")
    assert "察尔汗" in minerals.message("zh")
    assert res.result("base").status == "PASS"
    assert res.overall != "FAIL"
    assert res.buildable_ha == pytest.approx(res.area_ha, rel=1e-9)


def test_lithium_carbonate_in_qarhan_is_admitted_from_the_regional_assignment(bundled):
    res = screen_site(site_from_point(94.95, 36.8, 20).geometry, Project(product="碳酸锂"),
                      bundled)
    base = res.result("base")
    assert base.status == "PASS" and base.metrics["derived"]
    assert "柴达木循环经济试验区" in base.evidence[0]["cite_zh"]


def test_base_citations_name_the_document_not_the_seed_number(bundled):
    res = screen_site(site_from_point(101.735, 36.565, 20).geometry, Project(product="碳酸锂"),
                      bundled)
    cite = res.result("base").evidence[0]["cite_zh"]
    assert "《青海省人民政府关于加快工业转型升级建设重大产业基地的实施意见》四" in cite
    assert "001" not in cite and "seed" not in cite


def test_bundled_dem_is_too_coarse_and_prints_no_slope(bundled):
    res = screen_site(site_from_point(101.735, 36.565, 50).geometry, Project(product="碳酸锂"),
                      bundled)
    terrain = res.result("terrain")
    assert terrain.status == "UNKNOWN" and terrain.metrics["coarse"]
    assert "slope_mean" not in terrain.metrics and "slope_max" not in terrain.metrics
    assert "km" in terrain.message("en") and "coarser than the site" in terrain.message("en")


# ------------------------------------------------------------------ shared overlap measure
def test_overlaps_keeps_pieces_over_the_minimum_in_row_order():
    """geo.checks.context.overlaps (red line, salt lakes, control lines): each feature's
    piece of the site and its ellipsoidal area; slivers at or under ``min_ha`` dropped;
    ``rows`` restricts the features looked at."""
    from geo.checks.context import overlaps
    from geo.layers_index import LayerIndex

    site = shapely.box(100.0, 36.0, 100.01, 36.01)
    frame = gpd.GeoDataFrame(geometry=[
        shapely.box(100.005, 36.0, 100.02, 36.01),      # row 0: half the site
        shapely.box(99.99, 35.99, 100.0, 36.02),        # row 1: touches an edge only
        shapely.box(100.0, 36.0, 100.00001, 36.00001),  # row 2: a sliver
        shapely.box(99.99, 35.99, 100.02, 36.02),       # row 3: covers the site
    ], crs=4326)
    idx = LayerIndex("redline", frame)
    got = overlaps(site, idx, 0.001)
    assert [row for row, _, _ in got] == [0, 3]
    for _, piece, ha in got:
        assert ha == pytest.approx(area_ha(piece))
    assert got[0][2] == pytest.approx(area_ha(site) / 2, rel=1e-3)
    assert got[1][2] == pytest.approx(area_ha(site))
    assert [row for row, _, _ in overlaps(site, idx, 0.0)] == [0, 2, 3]
    assert [row for row, _, _ in overlaps(site, idx, 0.001, rows=[3])] == [3]
    assert overlaps(site, idx, 0.001, rows=[]) == []


def test_a_year_is_shown_without_a_thousands_separator():
    from geo.checks.columns import column_value
    from geo.checks.registry import registry

    quota = next(s for s in registry() if s.id == "quota")
    col = next(c for c in quota.figures if c.key == "year")
    assert column_value(col, {"year": 2026}, "zh") == "2026"
    assert column_value(col, {"year": 2026.0}, "en") == "2026"


@pytest.mark.parametrize("key,params", [
    ("chk.no_layer", {"layer": "永久基本农田"}),
    ("chk.no_coverage", {"layer": "永久基本农田", "covered_pct": 40.0}),
    ("rules.control.no_layer", {"kind": "永久基本农田"}),
])
def test_a_check_without_data_says_what_the_official_must_do(key, params):
    """UNKNOWN is never the end of it: the message names the step (verify with the
    authority, or import the layer and check again), in both languages."""
    assert "数据管理" in t(key, "zh", **params) and "核实" in t(key, "zh", **params)
    assert "data page" in t(key, "en", **params) and "Verify" in t(key, "en", **params) \
        or "verify" in t(key, "en", **params)
