"""Ellipsoidal areas and geodesic lengths against pyproj.Geod directly."""
import math

import pytest
import shapely
from pyproj import Geod

from geo.geodesy import area_ha, areas_ha, length_m, metres_per_degree

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize("box", [(96.0, 36.0, 96.01, 36.01), (90.0, 32.0, 91.0, 33.0),
                                 (101.7, 36.5, 101.8, 36.7)])
def test_box_area_matches_pyproj(box):
    poly = shapely.box(*box)
    lons, lats = poly.exterior.xy
    ref, _ = GEOD.polygon_area_perimeter(lons, lats)
    assert area_ha(poly) == pytest.approx(abs(ref) / 1e4, rel=1e-9)


def test_area_of_one_degree_cell_is_not_square_degrees():
    # 1 x 1 degree at 32-33N is ~10,400 km2 = 1.04e6 ha; square degrees would say 1.
    assert 1.0e6 < area_ha(shapely.box(90, 32, 91, 33)) < 1.1e6


def test_hole_is_subtracted_and_orientation_ignored():
    outer = shapely.box(96, 36, 96.1, 36.1)
    hole = shapely.box(96.02, 36.02, 96.04, 36.04)
    donut = shapely.Polygon(outer.exterior.coords[::-1], [hole.exterior.coords])
    assert area_ha(donut) == pytest.approx(area_ha(outer) - area_ha(hole), rel=1e-9)


def test_ring_orientation_does_not_matter():
    outer = shapely.box(96, 36, 96.1, 36.1)                      # CCW shell
    hole_same = shapely.box(96.02, 36.02, 96.04, 36.04)          # CCW too: must still subtract
    poly = shapely.Polygon(outer.exterior.coords, [hole_same.exterior.coords])
    assert area_ha(poly) == pytest.approx(area_ha(outer) - area_ha(hole_same), rel=1e-9)
    a, b = shapely.box(96, 36, 96.1, 36.1), shapely.box(97, 36, 97.1, 36.1)
    b_cw = shapely.Polygon(b.exterior.coords[::-1])
    assert area_ha(shapely.MultiPolygon([a, b_cw])) == pytest.approx(area_ha(a) + area_ha(b), rel=1e-9)


def test_none_and_empty():
    assert math.isnan(area_ha(None))
    assert area_ha(shapely.Polygon()) == 0.0
    assert list(areas_ha([shapely.box(96, 36, 96.01, 36.01)])) == [pytest.approx(100.04, abs=0.05)]


def test_length_of_meridian_degree():
    # one degree of latitude near 36N is ~110.95 km on WGS84
    assert length_m(shapely.LineString([(96, 35.5), (96, 36.5)])) == pytest.approx(110_950, rel=2e-3)
    mx, my = metres_per_degree(36.0)
    assert mx == pytest.approx(90_200, rel=5e-3) and my == pytest.approx(110_950, rel=2e-3)
