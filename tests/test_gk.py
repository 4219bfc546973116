"""Gauss-Krüger 3-degree zones: EPSG mapping, projection, zone and swap detection."""
import numpy as np
import pyproj
import pytest

from geo.errors import InputError
from geo.gk import (
    GK_ZONES,
    Notice,
    at_line,
    central_meridian,
    check_zone,
    classify_gk_value,
    detect_swap,
    gk_crs,
    gk_to_lonlat,
    is_prefixed,
    lonlat_to_gk,
    zone_for_lon,
    zone_from_y,
    zone_table,
)
from geo.i18n import LANGS, t

GEOD = pyproj.Geod(ellps="GRS80")


def renders(err):
    """The error's key is translated and its params fill the text in every language."""
    return [t(err.key, lang, **err.params) for lang in LANGS]


@pytest.mark.parametrize(
    "epsg, zone, prefixed",
    [(4520, 32, True), (4521, 33, True), (4522, 34, True),
     (4541, 32, False), (4542, 33, False), (4543, 34, False),
     (4513, 25, True), (4533, 45, True), (4534, 25, False), (4554, 45, False)],
)
def test_zone_table_matches_pyproj_names(epsg, zone, prefixed):
    assert zone_table()[(zone, prefixed)] == epsg
    name = pyproj.CRS.from_epsg(epsg).name
    assert name == (f"CGCS2000 / 3-degree Gauss-Kruger zone {zone}" if prefixed
                    else f"CGCS2000 / 3-degree Gauss-Kruger CM {3 * zone}E")


def test_zone_table_complete():
    assert {z for z, _ in zone_table()} == set(GK_ZONES)
    assert len(zone_table()) == 2 * len(GK_ZONES)


def test_gk_crs():
    assert gk_crs(34).to_epsg() == 4522
    assert gk_crs(33, prefixed=False).to_epsg() == 4542
    assert central_meridian(32) == 96.0
    with pytest.raises(InputError, match="not a CGCS2000 3-degree zone"):
        gk_crs(24)


@pytest.mark.parametrize("lon, zone", [(101.78, 34), (96.0, 32), (99.0, 33), (89.4, 30),
                                        (103.1, 34), (97.49, 32), (97.5, 33), (94.4, 31)])
def test_zone_for_lon(lon, zone):
    assert zone_for_lon(lon) == zone


def test_zone_for_lon_vectorised():
    assert list(zone_for_lon([90.0, 96.0, 102.0])) == [30, 32, 34]


def _independent(zone, prefixed):
    """A PROJ string written from the zone rule, not from the EPSG database."""
    x0 = zone * 1_000_000 + 500_000 if prefixed else 500_000
    return pyproj.Transformer.from_crs(
        "EPSG:4490",
        f"+proj=tmerc +lat_0=0 +lon_0={3 * zone} +k=1 +x_0={x0} +y_0=0 +ellps=GRS80 +units=m",
        always_xy=True,
    )


@pytest.mark.parametrize("zone", [32, 33, 34])
@pytest.mark.parametrize("prefixed", [True, False])
def test_round_trip_grid_within_1cm(zone, prefixed):
    cm = 3 * zone
    lon, lat = np.meshgrid(np.linspace(cm - 1.5, cm + 1.5, 13), np.linspace(31.5, 39.3, 14))
    lon, lat = lon.ravel(), lat.ravel()
    x_north, y_east, z = lonlat_to_gk(lon, lat, zone, prefixed)
    assert z == zone
    east_ref, north_ref = _independent(zone, prefixed).transform(lon, lat)
    assert np.max(np.hypot(x_north - north_ref, y_east - east_ref)) <= 0.01
    assert np.all((x_north > 3_480_000) & (x_north < 4_360_000))
    assert is_prefixed(y_east) == prefixed
    lon2, lat2 = gk_to_lonlat(x_north, y_east, zone)
    _, _, dist = GEOD.inv(lon, lat, lon2, lat2)
    assert np.max(dist) <= 0.01


def test_scalar_and_default_zone():
    x, y, z = lonlat_to_gk(101.78, 36.62)
    assert z == 34 and isinstance(x, float) and 34_400_000 < y < 34_600_000
    lon, lat = gk_to_lonlat(x, y)  # zone read from the prefix
    assert lon == pytest.approx(101.78, abs=1e-9) and lat == pytest.approx(36.62, abs=1e-9)
    x2, y2, _ = lonlat_to_gk(101.78, 36.62, prefixed=False)
    assert x2 == pytest.approx(x) and y2 == pytest.approx(y - 34_000_000)


def test_zone_detection_from_prefix():
    assert zone_from_y(34512345.678) == 34
    assert zone_from_y([32_480_000.0, 32_520_000.0]) == 32
    with pytest.raises(InputError, match="does not cover Qinghai") as exc:
        zone_from_y(38_500_000.0)
    assert exc.value.key == "site.err.gk_zone_not_qinghai" and exc.value.params["zone"] == 38
    with pytest.raises(InputError, match="not a CGCS2000 3-degree zone"):
        zone_from_y(50_500_000.0)
    with pytest.raises(InputError, match="no zone prefix"):
        zone_from_y(512_345.0)
    with pytest.raises(InputError, match="several zone prefixes"):
        zone_from_y([33_500_000.0, 34_500_000.0])
    assert zone_from_y(38_500_000.0, qinghai_only=False) == 38


def test_gk_to_lonlat_zone_rules():
    with pytest.raises(InputError, match="give the zone") as exc:
        gk_to_lonlat(4_054_363.0, 480_320.0)
    renders(exc.value)
    with pytest.raises(InputError, match="prefix says zone 34") as exc:
        gk_to_lonlat(4_054_363.0, 34_480_320.0, zone=33)
    assert exc.value.params["prefix_zone"] == 34
    lon, _ = gk_to_lonlat(4_054_363.0, 480_320.0, zone=34)
    assert lon == pytest.approx(101.78, abs=1e-5)  # easting rounded by 0.4 m
    with pytest.raises(InputError):
        check_zone("x")


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (4058123.456, 34512345.678, (4058123.456, 34512345.678, False)),
        (34512345.678, 4058123.456, (4058123.456, 34512345.678, True)),
        (4058123.456, 512345.678, (4058123.456, 512345.678, False)),
        (512345.678, 4058123.456, (4058123.456, 512345.678, True)),
        (3_480_000.0, 255_000.0, (3_480_000.0, 255_000.0, False)),
        (4_360_000.0, 32_745_000.0, (4_360_000.0, 32_745_000.0, False)),
    ],
)
def test_detect_swap(a, b, expected):
    assert detect_swap(a, b) == expected


@pytest.mark.parametrize("a, b", [(4058123.0, 4060000.0), (512345.0, 34512345.0),
                                  (101.78, 36.62), (12_000_000.0, 4058123.0)])
def test_detect_swap_refuses(a, b):
    with pytest.raises(InputError, match="not a Gauss-Kr") as exc:
        detect_swap(a, b)
    assert exc.value.key == "site.err.gk_not_xy"
    renders(exc.value)


def test_classify():
    assert classify_gk_value(4_000_000) == "north"
    assert classify_gk_value(500_000) == "east"
    assert classify_gk_value(34_500_000) == "east_prefixed"
    assert classify_gk_value(36.6) is None


def test_at_line_gives_a_line_key_that_renders():
    try:
        detect_swap(1.0, 2.0)
    except InputError as err:
        lined = at_line(err, 7)
    assert lined.key == "site.err.gk_not_xy.line" and lined.params["line"] == 7
    zh, en = renders(lined)
    assert "第 7 行" in zh and en.startswith("line 7:")


def test_notice_is_a_key_with_params():
    w = Notice("site.warn.swapped_xy", n=3)
    assert w == "site.warn.swapped_xy" and w.params == {"n": 3}
    assert "3" in w.text("en") and "3" in w.text("zh")
    import pickle

    assert pickle.loads(pickle.dumps(w)).params == {"n": 3}
