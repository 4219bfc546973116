"""Every way a site is given: click + area, drawing, pasted text, uploaded files."""
import dataclasses
import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

from geo import vector_io
from geo.crs import wgs84_to_bd09, wgs84_to_gcj02
from geo.errors import InputError
from geo.gk import lonlat_to_gk, zone_for_lon
from geo.i18n import LANGS, t
from geo.geodesy import area_ha
from geo.site_input import (
    Site,
    parse_angle,
    parse_coordinates,
    read_site_file,
    site_from_geojson,
    site_from_point,
)

GEOD = pyproj.Geod(ellps="WGS84")
FIXTURE = Path(__file__).parent / "data" / "site_input" / "xining_2parcels_gbk.txt"
# an invented site in Xining's Nanchuan park area, (lon, lat)
SQUARE = [(101.70, 36.60), (101.71, 36.60), (101.71, 36.61), (101.70, 36.61)]


def renders(err):
    return [t(err.key, lang, **err.params) for lang in LANGS]


def raises(fn, *args, match, key=None, line=None, **kw):
    with pytest.raises(InputError, match=match) as exc:
        fn(*args, **kw)
    if key:
        assert exc.value.key == key
    if line is not None:
        assert exc.value.params["line"] == line
    renders(exc.value)
    return exc.value


def text_of(points, fmt="{:.7f},{:.7f}"):
    return "\n".join(fmt.format(*p) for p in points)


def max_dist_m(a, b):
    """Largest geodesic distance between matching vertices of two lon/lat geometries."""
    ca, cb = shapely.get_coordinates(a), shapely.get_coordinates(b)
    _, _, d = GEOD.inv(ca[:, 0], ca[:, 1], cb[:, 0], cb[:, 1])
    return float(np.max(d))


def hausdorff_m(a, b):
    """Hausdorff distance of two lon/lat geometries in metres (GK plane of their zone)."""
    zone = zone_for_lon(shapely.get_coordinates(a)[:, 0].mean())

    def to_gk(g):
        return shapely.transform(g, lambda c: np.column_stack(
            lonlat_to_gk(c[:, 0], c[:, 1], zone)[:2][::-1]))

    return shapely.hausdorff_distance(to_gk(a), to_gk(b), densify=0.25)


# ------------------------------------------------------------ click + area
@pytest.mark.parametrize("shape", ["square", "circle"])
@pytest.mark.parametrize("area", [0.5, 50.0, 5000.0])
def test_point_with_area(shape, area):
    site = site_from_point(101.78, 36.62, area, shape=shape)
    assert isinstance(site, Site) and site.source_kind == "click" and site.crs_in == "WGS84"
    assert site.area_ha == pytest.approx(area, rel=1e-3)
    assert area_ha(site.geometry) == pytest.approx(area, rel=1e-6)
    c = site.geometry.centroid
    _, _, off = GEOD.inv(101.78, 36.62, c.x, c.y)
    assert off < 1.0 + 1e-3 * np.sqrt(area * 1e4)
    assert len(site.geometry.exterior.coords) == (5 if shape == "square" else 129)


def test_point_square_is_square():
    site = site_from_point(96.0, 37.0, 100.0)  # 1 km x 1 km
    xy = np.array(site.geometry.exterior.coords)
    _, _, sides = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    assert np.allclose(sides, 1000.0, rtol=2e-3)


def test_point_refusals():
    raises(site_from_point, 116.40, 39.90, 10, match="116.40E, 39.90N", key="site.err.outside_qinghai")
    raises(site_from_point, 101.78, 36.62, 0, match="above 0", key="site.err.area_value")
    raises(site_from_point, 101.78, 36.62, "ten", match="above 0", key="site.err.area_value")
    raises(site_from_point, 101.78, 36.62, 10, shape="hexagon", match="square", key="site.err.shape")


# ------------------------------------------------------------ drawn
def test_geojson_polygon_feature_and_collection():
    poly = Polygon(SQUARE)
    site = site_from_geojson(mapping(poly))
    assert site.source_kind == "draw" and site.geometry.equals(poly)
    assert site.area_ha == pytest.approx(area_ha(poly))
    feat = {"type": "Feature", "properties": {"名称": "甘河地块"}, "geometry": mapping(poly)}
    assert site_from_geojson(feat).name == "甘河地块"
    other = shapely.box(101.72, 36.60, 101.73, 36.61)
    fc = {"type": "FeatureCollection",
          "features": [{"type": "Feature", "properties": {}, "geometry": mapping(g)} for g in (poly, other)]}
    both = site_from_geojson(fc)
    assert isinstance(both.geometry, MultiPolygon)


def test_geojson_repairs_bowtie():
    bowtie = {"type": "Polygon", "coordinates": [[[101.70, 36.60], [101.71, 36.61],
                                                  [101.71, 36.60], [101.70, 36.61], [101.70, 36.60]]]}
    site = site_from_geojson(bowtie)
    assert site.geometry.is_valid and "site.warn.repaired" in site.warnings
    assert "Self-intersection" in site.warnings[0].params["reason"]
    assert site.area_ha > 0


def test_geojson_refusals():
    line = {"type": "LineString", "coordinates": SQUARE}
    raises(site_from_geojson, line, match="not a polygon", key="site.err.not_polygon")
    raises(site_from_geojson, {"foo": 1}, match="GeoJSON", key="site.err.geojson")
    raises(site_from_geojson, {"type": "Polygon", "coordinates": "x"}, match="GeoJSON")
    raises(site_from_geojson, {"type": "Polygon", "coordinates": []}, match="empty")
    beijing = mapping(shapely.box(116.39, 39.89, 116.41, 39.91))
    raises(site_from_geojson, beijing, match=r"116.40E, 39.90N — outside Qinghai .*check the coordinate system")


# ------------------------------------------------------------ pasted degrees
@pytest.mark.parametrize("fmt", ["{:.5f},{:.5f}", "{:.5f} {:.5f}", "{:.5f}\t{:.5f}",
                                 "{:.5f}，{:.5f}", "  {:.5f} ,  {:.5f}  "])
def test_paste_separators(fmt):
    site = parse_coordinates(text_of(SQUARE, fmt))
    assert site.source_kind == "paste" and site.crs_in == "WGS84" and site.warnings == []
    assert site.geometry.normalize().equals_exact(Polygon(SQUARE).normalize(), 1e-9)


def test_paste_names_heading_and_closing_point():
    text = "点号,经度,纬度\n" + "\n".join(f"J{i},{x},{y}" for i, (x, y) in enumerate(SQUARE + SQUARE[:1], 1))
    site = parse_coordinates(text, "cgcs2000", name="甲")
    assert site.crs_in == "CGCS2000" and site.name == "甲"
    assert len(site.geometry.exterior.coords) == 5  # closed once, not twice


def test_paste_lat_lon_order_detected():
    site = parse_coordinates(text_of([(y, x) for x, y in SQUARE]))
    assert site.warnings == ["site.warn.swapped_lonlat"] and site.warnings[0].params["n"] == 4
    assert site.geometry.normalize().equals_exact(Polygon(SQUARE).normalize(), 1e-9)


def test_paste_dms():
    assert parse_angle("101°46′30″") == (pytest.approx(101.775), None)
    assert parse_angle("36°37'12\"N") == (pytest.approx(36.62), "lat")
    assert parse_angle("东经101度46分30秒") == (pytest.approx(101.775), "lon")
    text = ("101°42′00″E, 36°36′00″N\n101° 43′ 00″ E, 36° 36′ 00″ N\n"
            "北纬36°37′，东经101°43′\n101°42′, 36°37′")
    site = parse_coordinates(text)
    expected = Polygon([(101.7, 36.6), (101 + 43 / 60, 36.6), (101 + 43 / 60, 36 + 37 / 60),
                        (101.7, 36 + 37 / 60)])
    assert site.geometry.normalize().equals_exact(expected.normalize(), 1e-9)
    assert site.warnings == ["site.warn.swapped_lonlat"]  # the 北纬-first line


def test_paste_hole_and_parts():
    outer = [(101.70, 36.60), (101.72, 36.60), (101.72, 36.62), (101.70, 36.62)]
    hole = [(101.705, 36.605), (101.71, 36.605), (101.71, 36.61), (101.705, 36.61)]
    part = [(101.73, 36.60), (101.74, 36.60), (101.74, 36.61)]
    site = parse_coordinates("\n\n".join(text_of(r) for r in (outer, hole, part)))
    assert isinstance(site.geometry, MultiPolygon)
    with_hole, other = site.geometry.geoms
    assert len(with_hole.interiors) == 1 and len(other.interiors) == 0
    expected = (area_ha(Polygon(outer)) - area_ha(Polygon(hole))
                + area_ha(Polygon(part)))
    assert site.area_ha == pytest.approx(expected, rel=1e-12)


def test_paste_gcj02_and_bd09_applied():
    wgs = Polygon(SQUARE)
    gcj = shapely.Polygon(np.column_stack(wgs84_to_gcj02(*np.array(SQUARE).T)))
    bd = shapely.Polygon(np.column_stack(wgs84_to_bd09(*np.array(SQUARE).T)))
    from_gcj = parse_coordinates(text_of(gcj.exterior.coords[:-1], "{:.9f},{:.9f}"), "gcj02")
    from_bd = parse_coordinates(text_of(bd.exterior.coords[:-1], "{:.9f},{:.9f}"), "bd09")
    assert from_gcj.crs_in == "GCJ-02" and from_bd.crs_in == "BD-09"
    assert max_dist_m(from_gcj.geometry.exterior, wgs.exterior) < 0.01
    assert max_dist_m(from_bd.geometry.exterior, wgs.exterior) < 0.01
    # WGS84 numbers read as GCJ-02 move by the Chinese offset, ~100-250 m here
    shifted = parse_coordinates(text_of(SQUARE), "gcj02")
    d = max_dist_m(shifted.geometry.exterior, wgs.exterior)
    assert 100 < d < 250


def test_paste_degree_refusals():
    raises(parse_coordinates, "101.70,36.60\n101.71,abc\n101.71,36.61", match="line 2",
           key="site.err.bad_coord_line", line=2)
    raises(parse_coordinates, "101.70,36.60\n101.71\n101.71,36.61", match="expected longitude",
           line=2)
    raises(parse_coordinates, "101.70,36.60\n101.71,36.60\n\n101.71,36.61\n101.70,36.61",
           match="2 distinct points", key="site.err.few_points", line=1)
    raises(parse_coordinates, "101.70,36.60\n101.71,36.60\n101.70,36.60", match="2 distinct",
           line=1)
    raises(parse_coordinates, "4054363.36 34480320.40\n4054363.36 34481320.40\n4055363.36 34481320.40",
           match="look like projected metres|look like metres", key="site.err.looks_projected", line=1)
    raises(parse_coordinates, "", match="no coordinates", key="site.err.no_points")
    raises(parse_coordinates, "1,2", "utm", match="unknown coordinate system")
    err = raises(parse_coordinates, "116.40,39.90\n116.41,39.90\n116.41,39.91",
                 match=r"116\.4\dE, 39\.9\dN — outside Qinghai", key="site.err.outside_qinghai")
    assert "116.4" in renders(err)[0]


# ------------------------------------------------------------ pasted Gauss-Krüger
def gk_lines(points, zone=34, prefixed=True, swap=False, names=False):
    x, y, _ = lonlat_to_gk(*np.array(points).T, zone, prefixed)
    rows = [(b, a) if swap else (a, b) for a, b in zip(x, y)]
    return "\n".join((f"J{i},1," if names else "") + f"{a:.3f},{b:.3f}"
                     for i, (a, b) in enumerate(rows, 1))


@pytest.mark.parametrize("crs, prefixed, zone", [("gk", True, None), ("gk_prefixed", True, None),
                                                  ("gk", False, 34), ("gk_noprefix", False, 34),
                                                  ("gk_prefixed", True, 34)])
def test_paste_gk(crs, prefixed, zone):
    site = parse_coordinates(gk_lines(SQUARE, 34, prefixed), crs, zone=zone)
    assert site.crs_in == f"GK zone 34 ({'prefixed' if prefixed else 'no prefix'})"
    assert hausdorff_m(site.geometry, Polygon(SQUARE)) < 0.001


def test_paste_gk_swapped_and_jzd_style():
    site = parse_coordinates(gk_lines(SQUARE, swap=True), "gk")
    assert site.warnings == ["site.warn.swapped_xy"] and site.warnings[0].params["n"] == 4
    assert hausdorff_m(site.geometry, Polygon(SQUARE)) < 0.001
    site = parse_coordinates(gk_lines(SQUARE, names=True), "gk")
    assert site.warnings == [] and site.area_ha == pytest.approx(area_ha(Polygon(SQUARE)), rel=1e-6)


def test_paste_gk_zone_33_and_32():
    for zone, pts in ((33, [(99.0, 36.0), (99.01, 36.0), (99.01, 36.01)]),
                      (32, [(95.0, 36.4), (95.01, 36.4), (95.01, 36.41)])):
        site = parse_coordinates(gk_lines(pts, zone), "gk")
        assert site.crs_in == f"GK zone {zone} (prefixed)"
        assert hausdorff_m(site.geometry, Polygon(pts)) < 0.001


def test_paste_gk_refusals():
    raises(parse_coordinates, gk_lines(SQUARE, prefixed=False), "gk", match="give the zone|choose the zone",
           line=1)
    raises(parse_coordinates, gk_lines(SQUARE, prefixed=False), "gk_noprefix", match="choose the zone",
           key="site.err.gk_zone_needed")
    raises(parse_coordinates, gk_lines(SQUARE, prefixed=False), "gk_prefixed", match="no zone prefix",
           key="site.err.gk_prefix_expected", line=1)
    raises(parse_coordinates, gk_lines(SQUARE), "gk", zone=33, match="prefix says zone 34",
           key="site.err.gk_zone_mismatch.line", line=1)
    bad = gk_lines(SQUARE).splitlines()
    bad[2] = "4054363.36,4054363.36"
    raises(parse_coordinates, "\n".join(bad), "gk", match="line 3", key="site.err.gk_not_xy.line", line=3)
    bad[2] = "4054363.36 x"
    raises(parse_coordinates, "\n".join(bad), "gk", match="expected Gauss-Kr", key="site.err.bad_gk_line",
           line=3)
    raises(parse_coordinates, gk_lines(SQUARE, 38), "gk", match="does not cover Qinghai",
           key="site.err.gk_zone_not_qinghai.line")
    # zone-34 numbers read in the wrong zone land 12 degrees east, outside Qinghai
    raises(parse_coordinates, gk_lines(SQUARE, 34, prefixed=False), "gk_noprefix", zone=38,
           match=r"at 113\.\d\dE, 36\.\d\dN — outside Qinghai", key="site.err.outside_qinghai")


# ------------------------------------------------------------ files
def frame(names=("西宁南川地块", "甘河工业园区地块"), crs=4326):
    geoms = [Polygon(SQUARE), shapely.box(101.50, 36.50, 101.52, 36.52)]
    return gpd.GeoDataFrame({"名称": list(names), "编号": [1, 2]}, geometry=geoms, crs=4326).to_crs(crs)


def write_shp_zip(tmp_path, gdf, encoding=None, keep_cpg=True, keep_prj=True, extra=None):
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf.to_file(folder / "地块.shp", encoding=encoding) if encoding else gdf.to_file(folder / "地块.shp")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            if (p.suffix == ".cpg" and not keep_cpg) or (p.suffix == ".prj" and not keep_prj):
                continue
            zf.write(p, f"data/{p.name}")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_shapefile_gbk_with_cpg(tmp_path):
    data = write_shp_zip(tmp_path, frame(), encoding="GBK")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.read("data/地块.cpg").strip() == b"GBK"
        dbf = zf.read("data/地块.dbf")
    assert "西宁南川地块".encode("gbk") in dbf
    sites = read_site_file("地块.zip", data)
    assert [s.name for s in sites] == ["西宁南川地块", "甘河工业园区地块"]
    assert sites[0].attrs["编号"] == 1 and sites[0].crs_in == "WGS84"
    assert sites[0].warnings == [] and sites[0].source_kind == "file"
    assert sites[0].geometry.normalize().equals_exact(Polygon(SQUARE).normalize(), 1e-9)


@pytest.mark.parametrize("encoding", ["GBK", "UTF-8"])
def test_shapefile_without_cpg_guesses(tmp_path, encoding):
    data = write_shp_zip(tmp_path, frame(), encoding=encoding, keep_cpg=False)
    sites = read_site_file("a.zip", data)
    assert [s.name for s in sites] == ["西宁南川地块", "甘河工业园区地块"]
    assert sites[0].warnings == ["file.warn.encoding"]
    assert sites[0].warnings[0].params["encoding"] == encoding


def test_shapefile_in_gk_zone_34_comes_out_in_lonlat(tmp_path):
    data = write_shp_zip(tmp_path, frame(crs=4522))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert b"Zone_34" in zf.read("data/地块.prj")
    sites = read_site_file("gk.zip", data)
    assert sites[0].crs_in == "GK zone 34 (prefixed)"
    assert hausdorff_m(sites[0].geometry, Polygon(SQUARE)) < 0.001


def test_shapefile_without_prj(tmp_path):
    gk = write_shp_zip(tmp_path, frame(crs=4522), keep_prj=False)
    sites = read_site_file("gk.zip", gk)
    assert "file.warn.gk_from_prefix" in sites[0].warnings
    assert sites[0].crs_in == "GK zone 34 (prefixed)"
    assert hausdorff_m(sites[0].geometry, Polygon(SQUARE)) < 0.001
    (tmp_path / "b").mkdir()
    deg = write_shp_zip(tmp_path / "b", frame(), keep_prj=False)
    assert "file.warn.assumed_wgs84" in read_site_file("deg.zip", deg)[0].warnings
    (tmp_path / "c").mkdir()
    plain = write_shp_zip(tmp_path / "c", frame(crs=4543), keep_prj=False)
    raises(read_site_file, "plain.zip", plain, match="no .prj", key="file.err.no_crs")


def test_shapefile_prj_prefix_disagrees_with_coordinates(tmp_path):
    gdf = frame(crs=4543).set_crs(4522, allow_override=True)  # unprefixed numbers, prefixed .prj
    sites = read_site_file("x.zip", write_shp_zip(tmp_path, gdf))
    assert "file.warn.prj_prefix" in sites[0].warnings
    assert hausdorff_m(sites[0].geometry, Polygon(SQUARE)) < 0.001


def test_zip_guards(tmp_path):
    def zip_of(entries):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                zf.writestr(name, data)
        return buf.getvalue()

    for bad in ("../evil.shp", "/etc/evil.shp", "a/../../evil.shp", "C:/evil.shp", "..\\evil.shp"):
        raises(read_site_file, "t.zip", zip_of([(bad, b"x")]), match="unsafe path",
               key="file.err.zip_traversal")
    raises(read_site_file, "m.zip", zip_of([(f"f{i}.txt", b"x") for i in range(51)]),
           match="51 files", key="file.err.zip_members")
    raises(read_site_file, "n.zip", zip_of([("readme.txt", b"x")]), match="no .shp",
           key="file.err.zip_no_shp")
    raises(read_site_file, "p.zip", zip_of([("a.shp", b"x"), ("a.dbf", b"x")]), match="lacks .shx",
           key="file.err.zip_missing_part")
    raises(read_site_file, "q.zip", b"PK not really", match="not a valid zip", key="file.err.zip_bad")


def test_zip_bomb_rejected():
    buf = io.BytesIO()
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("bomb.shp", "w") as f:
        for _ in range(201):
            f.write(zeros)
    data = buf.getvalue()
    assert len(data) < 1_000_000
    raises(read_site_file, "bomb.zip", data, match="unpacks to", key="file.err.zip_size")


def test_zip_bomb_lying_header_is_cut(tmp_path):
    """Even if the sizes pass the declared check, extraction counts real bytes."""
    limits = dataclasses.replace(vector_io.SITE, max_bytes=10_000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.shp", bytes(9_000))
        zf.writestr("a.dbf", bytes(9_000))
    raises(read_site_file, "z.zip", buf.getvalue(), limits=limits, match="unpacks to",
           key="file.err.zip_size")


def test_geojson_file():
    fc = json.loads(frame().to_json())
    fc["features"].append({"type": "Feature", "properties": {"name": "点"},
                           "geometry": {"type": "Point", "coordinates": [101.7, 36.6]}})
    sites = read_site_file("sites.geojson", json.dumps(fc, ensure_ascii=False).encode("utf-8"))
    assert [s.name for s in sites] == ["西宁南川地块", "甘河工业园区地块"]
    assert "file.warn.skipped" in sites[0].warnings and sites[0].crs_in == "WGS84"
    only_points = {"type": "FeatureCollection", "features": fc["features"][2:]}
    raises(read_site_file, "p.json", json.dumps(only_points).encode(), match="no polygon",
           key="file.err.no_polygons")
    far = frame().set_geometry([shapely.box(116.39, 39.89, 116.41, 39.91)] * 2, crs=4326)
    raises(read_site_file, "far.geojson", far.to_json().encode(), match="outside Qinghai")


def test_kml_and_kmz(tmp_path):
    gdf = frame().rename(columns={"名称": "Name"})
    gdf.to_file(tmp_path / "s.kml", driver="KML")
    data = (tmp_path / "s.kml").read_bytes()
    sites = read_site_file("s.kml", data)
    assert [s.name for s in sites] == ["西宁南川地块", "甘河工业园区地块"]
    assert sites[0].geometry.normalize().equals_exact(Polygon(SQUARE).normalize(), 1e-9)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("doc.kml", data)
    assert len(read_site_file("s.kmz", buf.getvalue())) == 2


def test_geopackage_first_polygon_layer(tmp_path):
    path = tmp_path / "s.gpkg"
    pts = gpd.GeoDataFrame({"name": ["p"]}, geometry=[shapely.Point(101.7, 36.6)], crs=4326)
    pts.to_file(path, layer="points")
    frame(crs=4522).to_file(path, layer="parcels")
    frame(names=("第二层甲", "第二层乙")).to_file(path, layer="later")
    sites = read_site_file("s.gpkg", path.read_bytes())
    assert [s.name for s in sites] == ["西宁南川地块", "甘河工业园区地块"]
    assert sites[0].crs_in == "GK zone 34 (prefixed)"
    only_pts = tmp_path / "p.gpkg"
    pts.to_file(only_pts)
    raises(read_site_file, "p.gpkg", only_pts.read_bytes(), match="no polygon layer")


def test_jzd_file():
    sites = read_site_file("界址点.txt", FIXTURE.read_bytes())
    assert [s.name for s in sites] == ["南川工业园区锂电材料项目用地", "南川工业园区储能电池配套用地"]
    assert sites[0].crs_in == "GK zone 34 (prefixed)" and sites[0].source_kind == "file"
    assert sites[0].attrs["parcel_id"] == "QH630122-2024-017"
    assert sites[0].area_ha == pytest.approx(31.9936, abs=1e-4)


def test_file_refusals():
    raises(read_site_file, "a.shp", b"x", match="as a .zip", key="file.err.shp_alone")
    raises(read_site_file, "a.docx", b"x", match="unsupported file type", key="file.err.type")
    raises(read_site_file, "a.geojson", b"", match="empty", key="file.err.read")
    raises(read_site_file, "a.geojson", b"{not json", match="cannot read a.geojson", key="file.err.read")


def test_every_key_raised_is_translated():
    import re

    from geo.i18n import TEXT

    root = Path(__file__).resolve().parent.parent / "geo"
    used = set()
    for name in ("gk.py", "jzd.py", "site_input.py"):
        src = (root / name).read_text(encoding="utf-8")
        used |= set(re.findall(r'(?:key=|Notice\(\s*)"([a-z_.0-9]+)"', src))
    assert len(used) > 40
    missing = sorted(k for k in used if k not in TEXT)
    assert not missing, missing
    # every error message naming a line has its plain form too
    line_keys = [k for k in TEXT if ".err." in k and k.endswith(".line")]
    assert all(k.removesuffix(".line") in TEXT for k in line_keys)


def test_drops_z():
    poly = {"type": "Polygon", "coordinates": [[[x, y, 2500.0] for x, y in SQUARE + SQUARE[:1]]]}
    assert not site_from_geojson(poly).geometry.has_z


def test_a_batch_from_a_jzd_file_keeps_the_parcel_numbers():
    """The walk: a 界址点 TXT of two parcels ranked as sites "1" and "2"."""
    data = (Path(__file__).parent / "data" / "site_input" / "xining_2parcels_gbk.txt").read_bytes()
    from geo.site_input import read_site_list

    ids = [sid for sid, _ in read_site_list("parcels.txt", data)]
    assert ids == ["QH630122-2024-017", "QH630122-2024-018"]
