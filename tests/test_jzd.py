"""界址点 TXT: reading a realistic GBK file, writing it back, and every refusal."""
from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from geo.errors import InputError
from geo.gk import lonlat_to_gk
from geo.i18n import LANGS, t
from geo.geodesy import area_ha
from geo.jzd import Parcel, decode_text, read_jzd, write_jzd

FIXTURE = Path(__file__).parent / "data" / "site_input" / "xining_2parcels_gbk.txt"


@pytest.fixture(scope="module")
def raw() -> bytes:
    return FIXTURE.read_bytes()


@pytest.fixture(scope="module")
def text(raw) -> str:
    return raw.decode("gbk")


@pytest.fixture(scope="module")
def parcels(raw) -> list[Parcel]:
    return read_jzd(raw)


def renders(err):
    return [t(err.key, lang, **err.params) for lang in LANGS]


def raises_at(text_or_bytes, line, match, key=None, **kw):
    """read_jzd raises an InputError naming ``line``; return it."""
    with pytest.raises(InputError, match=match) as exc:
        read_jzd(text_or_bytes, **kw)
    assert exc.value.params["line"] == line
    if key:
        assert exc.value.key == key
    renders(exc.value)
    return exc.value


def gk_points(geom, zone=34):
    """Vertices of a lon/lat geometry in GK metres (x_north, y_east)."""
    xy = shapely.get_coordinates(geom)
    x, y, _ = lonlat_to_gk(xy[:, 0], xy[:, 1], zone)
    return np.column_stack([x, y])


def hausdorff_m(a, b, zone=34):
    """Hausdorff distance of two lon/lat geometries, in GK metres."""
    to_gk = lambda g: shapely.transform(  # noqa: E731
        g, lambda c: np.column_stack(lonlat_to_gk(c[:, 0], c[:, 1], zone)[1::-1][::-1]))
    return shapely.hausdorff_distance(to_gk(a), to_gk(b), densify=0.25)


# ------------------------------------------------------------ the realistic file
def test_fixture_is_gbk(raw):
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert decode_text(raw)[1] == "gbk"


def test_reads_two_parcels_with_attributes(parcels):
    assert len(parcels) == 2
    p1, p2 = parcels
    assert p1.attrs["name"] == "南川工业园区锂电材料项目用地"
    assert p1.attrs["parcel_id"] == "QH630122-2024-017"
    assert p1.attrs["geometry_type"] == "面"
    assert p1.attrs["sheet"] == "J47G019034"
    assert p1.attrs["land_use"] == "工业用地"
    assert p1.attrs["land_class"] == "0601"
    assert p1.attrs["point_count"] == 12 and len(p1.points) == 12
    assert p2.name == "南川工业园区储能电池配套用地"
    assert p1.header["坐标系"] == "2000国家大地坐标系" and p1.header["带号"] == "34"
    assert p1.header["几度分带"] == "3" and p1.header["投影类型"] == "高斯克吕格"
    assert (p1.zone, p1.prefixed, p1.encoding) == (34, True, "gbk")
    assert p1.line == 13 and p2.line == 26
    assert p1.warnings == [] and p2.warnings == []


def test_geometry_is_lonlat_near_xining_with_hole(parcels):
    p1, p2 = parcels
    assert isinstance(p1.geometry, Polygon) and len(p1.geometry.interiors) == 1
    assert isinstance(p2.geometry, Polygon) and len(p2.geometry.interiors) == 0
    for p in parcels:
        assert p.geometry.is_valid
        c = p.geometry.centroid
        assert 101.7 < c.x < 101.8 and 36.5 < c.y < 36.56


def test_points_match_pyproj_epsg4522(parcels):
    no, ring, x, y = parcels[0].points[0]
    assert (no, ring, x, y) == ("J1", 1, 4044390.0, 34475820.0)
    lon, lat = pyproj.Transformer.from_crs(4522, 4490, always_xy=True).transform(y, x)
    nearest = np.min(np.hypot(*(shapely.get_coordinates(parcels[0].geometry) - [lon, lat]).T))
    assert nearest < 1e-10


def test_area_equals_computed_ellipsoidal(parcels):
    p1, p2 = parcels
    for p in parcels:
        assert p.area_ha == pytest.approx(p.attrs["area_ha"], abs=1e-4)
    outer = area_ha(Polygon(p1.geometry.exterior))
    hole = area_ha(Polygon(p1.geometry.interiors[0]))
    assert hole == pytest.approx(0.64, rel=1e-3)  # an 80 m x 80 m plot
    assert p1.area_ha == pytest.approx(outer - hole, rel=1e-12)
    # the planar GK area differs from the ellipsoidal one (scale and distortion)
    planar = shapely.Polygon(gk_points(p2.geometry)).area / 1e4
    assert planar != pytest.approx(p2.area_ha, rel=1e-7)


def test_round_trip_gbk_within_1mm(parcels):
    out = write_jzd(parcels)
    back = read_jzd(out.encode("gbk"))
    assert len(back) == 2
    for a, b in zip(parcels, back):
        for k in ("parcel_id", "name", "sheet", "land_use", "land_class", "geometry_type"):
            assert a.attrs[k] == b.attrs[k]
        assert b.warnings == []
        assert b.attrs["area_ha"] == pytest.approx(a.area_ha, abs=5e-5)
        assert b.area_ha == pytest.approx(a.area_ha, rel=1e-9)
        assert hausdorff_m(a.geometry, b.geometry) <= 0.001
        assert len(b.geometry.interiors) == len(a.geometry.interiors)
    # the original GK numbers come back (to the 0.1 mm of the written file)
    orig = {(round(x, 3), round(y, 3)) for _, _, x, y in parcels[0].points}
    again = {(round(x, 3), round(y, 3)) for _, _, x, y in back[0].points}
    assert orig == again


def test_writer_format(parcels):
    out = write_jzd(parcels, header={"数据产生单位": "测试"})
    lines = out.split("\r\n")
    assert lines[0] == "[属性描述]" and "带号=34" in lines and "数据产生单位=测试" in lines
    assert "坐标系=2000国家大地坐标系" in lines and "[地块坐标]" in lines
    head = lines[lines.index("[地块坐标]") + 1]
    assert head.endswith(",@") and ",面," in head and head.startswith("12,")
    first, *_ = [ln for ln in lines if ln.startswith("J1,1,")]
    assert [ln for ln in lines[:20] if ln.startswith("J1,1,")].count(first) == 2  # closed
    out.encode("gbk")  # everything encodes in GBK


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_and_without_bom(text, parcels, encoding):
    back = read_jzd(text.encode(encoding))
    assert back[0].encoding == encoding
    assert back[0].attrs["name"] == parcels[0].attrs["name"]
    assert back[0].geometry.equals_exact(parcels[0].geometry, 1e-12)


def test_unprefixed_eastings_use_header_zone(text, parcels):
    unprefixed = "\n".join(
        ",".join([*ln.split(",")[:3], f"{float(ln.split(',')[3]) - 34_000_000:.3f}"])
        if ln.startswith("J") else ln for ln in text.splitlines())
    back = read_jzd(unprefixed)
    assert back[0].prefixed is False and back[0].zone == 34
    assert hausdorff_m(back[0].geometry, parcels[0].geometry) < 1e-6


def test_no_zone_anywhere(text):
    unprefixed = "\n".join(
        ",".join([*ln.split(",")[:3], f"{float(ln.split(',')[3]) - 34_000_000:.3f}"])
        if ln.startswith("J") else ln for ln in text.splitlines() if not ln.startswith("带号"))
    raises_at(unprefixed, 12, "give the zone", "jzd.err.zone_needed")
    assert read_jzd(unprefixed, zone=34)[0].zone == 34


def test_writer_unprefixed_and_default_zone():
    geom = shapely.box(101.70, 36.60, 101.71, 36.61)
    out = write_jzd(geom, prefixed=False, attrs=[{"name": "甲"}])
    assert "带号=34" in out
    ys = [float(ln.split(",")[3]) for ln in out.splitlines() if ln.startswith("J")]
    assert all(100_000 < y < 1_000_000 for y in ys)
    back = read_jzd(out)
    assert back[0].attrs["name"] == "甲" and not back[0].prefixed
    assert hausdorff_m(back[0].geometry, geom) <= 0.001


def test_writer_multipolygon_with_holes_round_trip():
    a = Polygon(shapely.box(101.70, 36.60, 101.72, 36.62).exterior.coords,
                [shapely.box(101.705, 36.605, 101.71, 36.61).exterior.coords])  # hole same winding
    b = Polygon(shapely.box(101.73, 36.60, 101.74, 36.61).exterior.coords,
                [shapely.box(101.732, 36.602, 101.734, 36.604).exterior.coords])
    mp = MultiPolygon([a, b])
    back = read_jzd(write_jzd(mp))[0]
    assert isinstance(back.geometry, MultiPolygon) and len(back.geometry.geoms) == 2
    assert all(len(g.interiors) == 1 for g in back.geometry.geoms)
    assert back.warnings == []
    assert back.area_ha == pytest.approx(area_ha(mp), rel=1e-7)  # 0.1 mm rounding
    assert hausdorff_m(back.geometry, mp) <= 0.001


def test_second_outer_ring_becomes_another_part(parcels):
    lines = write_jzd(parcels).splitlines()
    # put parcel 2's ring into parcel 1 as its ring 3 (outside ring 1)
    start = next(i for i, ln in enumerate(lines) if ln.startswith("5,"))
    ring = [ln.replace(",1,", ",3,", 1) for ln in lines[start + 1:]]
    merged = lines[:start] + ring
    merged[lines.index("[地块坐标]") + 1] = merged[lines.index("[地块坐标]") + 1].replace("12,", "17,", 1)
    p = read_jzd("\n".join(merged))[0]
    assert isinstance(p.geometry, MultiPolygon) and len(p.geometry.geoms) == 2
    assert p.area_ha == pytest.approx(parcels[0].area_ha + parcels[1].area_ha, rel=1e-9)


# ------------------------------------------------------------ tolerated problems
def test_swapped_xy_fixed_with_warning(text, parcels):
    swapped = "\n".join(
        ",".join([*ln.split(",")[:2], ln.split(",")[3], ln.split(",")[2]])
        if ln.startswith("J") and ln.split(",")[1] == "1" else ln for ln in text.splitlines())
    back = read_jzd(swapped)
    assert "site.warn.swapped_xy" in back[0].warnings
    w = back[0].warnings[back[0].warnings.index("site.warn.swapped_xy")]
    assert w.params["n"] == 7 and "7" in w.text("zh")
    assert "site.warn.swapped_xy" in back[1].warnings
    assert back[0].geometry.equals_exact(parcels[0].geometry, 1e-12)


def test_area_and_count_mismatch_are_warnings(text):
    changed = text.replace("12,31.9936,", "13,33.6000,")
    p = read_jzd(changed)[0]
    assert p.warnings == ["jzd.warn.count_mismatch", "jzd.warn.area_mismatch"]
    area = p.warnings[1]
    assert area.params["pct"] == pytest.approx(5.02, abs=0.01)
    assert "33.6000" in area.text("zh") and "%" in area.text("en")
    assert read_jzd(text.replace("12,31.9936,", "12,32.1000,"))[0].warnings == []  # < 1 %


def test_other_datum_is_a_warning(text):
    p = read_jzd(text.replace("2000国家大地坐标系", "80西安坐标系"))[0]
    assert "jzd.warn.datum" in p.warnings


# ------------------------------------------------------------ refusals
def test_bad_point_line(text):
    bad = text.replace("J3,1,4044091.236,34476475.901", "J3,1,4044091.236;34476475.901")
    raises_at(bad, 16, "line 16", "jzd.err.bad_line")
    bad = text.replace("J3,1,4044091.236,34476475.901", "J3,1,40440x1.236,34476475.901")
    raises_at(bad, 16, "expected point number, ring number", "jzd.err.bad_line")


def test_bad_header_field(text):
    raises_at(text.replace("12,31.9936,", "十二,31.9936,"), 13, "界址点数", "jzd.err.bad_header")
    raises_at(text.replace("12,31.9936,", "12,三十,"), 13, "地块面积", "jzd.err.bad_header")


def test_wrong_zone(text):
    raises_at(text.replace("带号=34", "带号=33"), 13, "带号 is 33 but the eastings Y say zone 34",
              "jzd.err.zone_mismatch")


def test_zone_outside_qinghai(text):
    other = "\n".join(ln.replace(",34", ",38") if ln.startswith("J") else ln
                      for ln in text.splitlines()).replace("带号=34", "带号=38")
    err = raises_at(other, 13, "does not cover Qinghai")
    assert err.key == "site.err.gk_zone_not_qinghai.line"
    assert read_jzd(other, qinghai_only=False)[0].zone == 38


def test_unreadable_pair(text):
    bad = text.replace("J2,1,4044402.345,34476222.118", "J2,1,4044402.345,4044402.345")
    err = raises_at(bad, 15, "not a Gauss-Kr")
    assert err.key == "site.err.gk_not_xy.line"


def test_missing_at(text):
    bad = text.replace(",0601,@", ",0601,", 1)
    raises_at(bad, 13, "must end with '@'", "jzd.err.no_at")


def test_point_before_header(text):
    bad = text.replace("12,31.9936,QH630122-2024-017,南川工业园区锂电材料项目用地,面,J47G019034,工业用地,0601,@\r\n", "")
    raises_at(bad, 13, "before any parcel header", "jzd.err.no_header")


@pytest.mark.parametrize("empty", [b"", "   \n\n", "[属性描述]\n带号=34\n[地块坐标]\n"])
def test_empty(empty):
    with pytest.raises(InputError, match="no parcel") as exc:
        read_jzd(empty)
    assert exc.value.key == "jzd.err.empty" and "line" in exc.value.params


def test_too_few_points(text):
    bad = text.replace("J8,2,4044140.000,34476150.000\r\n", "").replace(
        "J9,2,4044060.000,34476150.000\r\n", "")
    err = raises_at(bad, 21, "2 distinct points", "jzd.err.few_points")
    assert err.params["ring"] == 2


def test_parcel_without_points(text):
    bad = text.split("J1,1,4044390.000")[0]
    raises_at(bad, 13, "no points", "jzd.err.no_points")


@pytest.mark.parametrize("old, new, key", [("几度分带=3", "几度分带=6", "jzd.err.zone_width"),
                                           ("计量单位=米", "计量单位=千米", "jzd.err.units"),
                                           ("投影类型=高斯克吕格", "投影类型=UTM", "jzd.err.projection")])
def test_unsupported_header(text, old, new, key):
    with pytest.raises(InputError) as exc:
        read_jzd(text.replace(old, new))
    assert exc.value.key == key
    renders(exc.value)


def test_not_text():
    with pytest.raises(InputError, match="neither UTF-8 nor GBK"):
        read_jzd(b"\xff\xfe\x00\x81\x30\xff\xff")


def test_export_refuses_a_zone_far_from_the_parcel():
    """A site at 94.9°E written in zone 30 (central meridian 90°E) put every point 437 km
    east of the meridian with no word; now: refused, naming the parcel's own zone."""
    from shapely.geometry import box

    from geo.errors import InputError
    from geo.i18n import error_text
    from geo.jzd import write_jzd

    site = box(94.897, 36.797, 94.903, 36.802)
    with pytest.raises(InputError) as caught:
        write_jzd(site, zone=30)
    assert caught.value.key == "jzd.err.zone_far" and caught.value.params["own"] == 32
    assert "第 32 带" in error_text(caught.value, "zh")
    assert "带号=32" in write_jzd(site, zone=32)
    assert "带号=31" in write_jzd(site, zone=31)  # the neighbouring zone stays allowed


def test_export_date_is_beijing_date(monkeypatch):
    import datetime as dt

    from shapely.geometry import box

    import geo.jzd as jzd

    class Late(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC).astimezone(tz) if tz \
                else dt.datetime(2026, 12, 1, 20, 0)

    monkeypatch.setattr(jzd._dt, "datetime", Late)
    text = jzd.write_jzd(box(101.73, 36.56, 101.74, 36.57))
    assert "数据产生日期=2026-12-02" in text
