"""Suitability surface (geo.suitability): known scores on a small grid, masks, GeoTIFF."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Geod

from geo.chains import chain_adjacency, default_graph
from geo.errors import InputError
from geo.layers_index import ScreeningLayers
from geo.suitability import (MASK_MINERAL, MASK_OPEN, MASK_OUTSIDE, MASK_REDLINE,
                             distance_grid_km, grid_for, suitability)

GEOD = Geod(ellps="WGS84")
PROV = {"source": "test", "source_date": "2026-01-01", "accuracy": "indicative"}
BOUNDS = (100.5, 36.0, 102.5, 37.2)   # around 南川 (Xining)


def _centre(surface, row, col):
    return surface.transform @ (col + 0.5, row + 0.5)


def _cell(surface, lon, lat):
    col, row = ~surface.transform @ (lon, lat)
    return int(row), int(col)


def test_grid_cells_are_about_the_requested_metres():
    transform, nx, ny = grid_for(BOUNDS, 2000)
    mid = (BOUNDS[1] + BOUNDS[3]) / 2
    _, _, dx = GEOD.inv(101, mid, 101 + transform.a, mid)
    _, _, dy = GEOD.inv(101, mid, 101, mid - transform.e)
    assert dx == pytest.approx(2000, rel=1e-3) and dy == pytest.approx(2000, rel=1e-3)
    assert transform.c == BOUNDS[0] and transform.f == BOUNDS[3]
    with pytest.raises(InputError):
        grid_for(BOUNDS, 0)


@pytest.mark.parametrize("lon,lat", [(101.73, 36.56), (95.0, 36.4), (90.0, 38.0)])
def test_distance_grid_is_within_half_a_percent_of_the_geodesic(lon, lat):
    lons = np.linspace(89.5, 103, 40)
    lats = np.linspace(31.8, 39.1, 30)
    d = distance_grid_km(lons, lats, lon, lat)
    lo, la = np.meshgrid(lons, lats)
    _, _, true = GEOD.inv(np.full(lo.size, lon), np.full(lo.size, lat), lo.ravel(), la.ravel())
    true = true.reshape(lo.shape) / 1000
    far = true > 5
    assert np.all(np.abs(d[far] - true[far]) / true[far] < 0.005)


def test_scores_equal_the_site_check_rule_at_cell_centres():
    surf = suitability("电池级碳酸锂", None, resolution_m=5000, bounds=BOUNDS)
    assert surf.matching_bases == ["nanchuan"]
    rng = np.random.default_rng(1)
    for row, col in zip(rng.integers(0, surf.shape[0], 8), rng.integers(0, surf.shape[1], 8)):
        lon, lat = _centre(surf, row, col)
        assert surf.adjacency[row, col] == pytest.approx(
            chain_adjacency(lon, lat, "电池级碳酸锂").score, abs=2e-3)


def test_base_component_known_values():
    g = default_graph()
    nb = g.nodes["base:nanchuan"]
    surf = suitability("电池级碳酸锂", None, resolution_m=2000, bounds=BOUNDS,
                       weights={"adjacency": 0.0, "base": 1.0})
    # the base's own cell: within full_km / detour of it -> 1
    r, c = _cell(surf, nb["lon"], nb["lat"])
    assert surf.base[r, c] == 1.0 and surf.score[r, c] == 1.0
    # a cell ~100 km east: 0.5 ** ((1.3 d - 10) / 100), d geodesic
    r, c = _cell(surf, nb["lon"] + 0.6, nb["lat"] + 0.3)
    lon, lat = _centre(surf, r, c)
    d = GEOD.inv(nb["lon"], nb["lat"], lon, lat)[2] / 1000
    assert surf.base[r, c] == pytest.approx(0.5 ** ((1.3 * d - 10) / 100), rel=2e-3)
    assert np.nanmax(surf.score) == 1.0 and np.nanmin(surf.score) > 0


def test_weights_combine_components():
    a = suitability("金属镁", None, resolution_m=10000, bounds=(94, 36, 96, 37.5),
                    weights={"adjacency": 3, "base": 1})
    assert np.allclose(a.score, (3 * a.adjacency + a.base) / 4, atol=1e-6)
    with pytest.raises(InputError):
        suitability("金属镁", None, resolution_m=10000, bounds=BOUNDS, weights={"base": -1})
    with pytest.raises(InputError):
        suitability("no such product xyz", None, resolution_m=10000, bounds=BOUNDS)


@pytest.fixture(scope="module")
def masked():
    coverage = shapely.box(100.6, 36.1, 102.4, 37.1)
    red = gpd.GeoDataFrame({"id": ["r1"], **{k: [v] for k, v in PROV.items()}},
                           geometry=[shapely.box(101.0, 36.3, 101.2, 36.5)], crs=4326)
    dep = gpd.GeoDataFrame({"id": ["d1", "d2", "d3"], "important": [True, False, True],
                            "scale": ["large", "large", "small"],
                            **{k: [v] * 3 for k, v in PROV.items()}},
                           geometry=[shapely.Point(102.0, 36.8), shapely.Point(101.5, 36.9),
                                     shapely.Point(101.6, 36.2)], crs=4326)
    lakes = gpd.GeoDataFrame({"id": ["k", "b"], "minerals": ["K,Na", "B"],
                              **{k: [v] * 2 for k, v in PROV.items()}},
                             geometry=[shapely.box(101.8, 36.2, 101.9, 36.3),
                                       shapely.box(100.8, 36.9, 100.9, 37.0)], crs=4326)
    layers = ScreeningLayers.from_frames(redline=red, deposits=dep, salt_lakes=lakes,
                                         coverage=coverage)
    return suitability("电池级碳酸锂", layers, resolution_m=2000, bounds=BOUNDS)


def test_masks(masked):
    s = masked
    assert s.mask[_cell(s, 101.1, 36.4)] == MASK_REDLINE
    assert np.isnan(s.score[_cell(s, 101.1, 36.4)])
    assert s.mask[_cell(s, 102.0, 36.8)] == MASK_MINERAL        # important, large
    assert s.mask[_cell(s, 101.5, 36.9)] == MASK_OPEN           # not important
    assert s.mask[_cell(s, 101.6, 36.2)] == MASK_OPEN           # important but small
    assert s.mask[_cell(s, 101.85, 36.25)] == MASK_MINERAL      # potash salt lake
    assert s.mask[_cell(s, 100.85, 36.95)] == MASK_OPEN         # boron only
    assert s.mask[_cell(s, 100.52, 36.02)] == MASK_OUTSIDE
    assert s.mask[_cell(s, 102.45, 37.15)] == MASK_OUTSIDE
    open_ = s.mask == MASK_OPEN
    assert np.isfinite(s.score[open_]).all() and np.isnan(s.score[~open_]).all()
    # the red-line box (0.2 x 0.2 deg, about 18 x 22 km) masks about its area in 2 km cells
    n_red = int((s.mask == MASK_REDLINE).sum())
    assert 80 <= n_red <= 160
    # a 1 km circle touches a handful of cells
    assert 1 <= int((s.mask == MASK_MINERAL).sum()) - 0 <= 40
    st = s.stats()
    assert st["cells"] == st["open"] + st["redline"] + st["mineral"] + st["outside"]


def test_geotiff_round_trip(masked, tmp_path):
    path = masked.write_geotiff(tmp_path / "s.tif")
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 4326
        assert src.transform.almost_equals(masked.transform)
        assert (src.height, src.width) == masked.shape and src.count == 4
        assert src.descriptions == ("score", "adjacency", "base_proximity", "mask")
        score = src.read(1, masked=True)
        mask = src.read(4)
    assert np.array_equal(score.mask, ~np.isfinite(masked.score))
    assert np.allclose(score.filled(np.nan)[np.isfinite(masked.score)],
                       masked.score[np.isfinite(masked.score)])
    assert np.array_equal(mask.astype(np.uint8), masked.mask)
    assert masked.geotiff_bytes()[:2] in (b"II", b"MM")


def test_bundled_province_at_1km_is_fast_and_masked():
    import time

    layers = ScreeningLayers.from_bundle()
    t0 = time.perf_counter()
    s = suitability("正极材料", layers)
    assert time.perf_counter() - t0 < 30
    st = s.stats()
    assert st["redline"] > 0 and st["mineral"] > 0 and st["outside"] > 0 and st["open"] > 0
    assert 0 < st["max"] <= 1
