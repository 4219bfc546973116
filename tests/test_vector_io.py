"""Hostile and careless input through the one input module (issue 11, items 1-4).

Each test builds the input that exposed a fault (a self-intersecting ring that
took ~50 s to repair, a GeoPackage view over an endless query, a GeoJSON whose
``crs`` links to a URL, fifteen inputs that escaped as other exceptions, the
command line reading files differently from the page) and asserts what a user
sees: the project's own error, in both languages, or a result.
"""
from __future__ import annotations

import dataclasses
import http.server
import io
import json
import sqlite3
import struct
import threading
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from geo import layer_import as li
from geo import site_input, vector_io
from geo.errors import InputError, QPAError
from geo.gk import lonlat_to_gk
from geo.i18n import LANGS, t
from geo.jzd import read_jzd
from geo.site_input import parse_coordinates, read_site_file, read_site_list, site_from_geojson
from layers.schema import SCHEMAS
from tests.test_screen_cli import bundle, run_cli  # noqa: F401  (the CLI's synthetic bundle)

RED = SCHEMAS["redlines"]
SQUARE = [(101.70, 36.60), (101.71, 36.60), (101.71, 36.61), (101.70, 36.61)]
FIXTURE = Path(__file__).parent / "data" / "site_input" / "xining_2parcels_gbk.txt"
JZD = ("[属性描述]\n带号=34\n[地块坐标]\n{count},1.0,1,西宁地块,面,,,,@\n"
       "J1,{ring},4058123.4,34512345.6\nJ2,1,4058123.4,34512495.6\n"
       "J3,1,4058273.4,34512495.6\nJ1,1,4058123.4,34512345.6\n")


def error_of(fn, *args, **kw) -> InputError:
    """The InputError ``fn`` raises; its message renders in every language."""
    with pytest.raises(InputError) as info:
        fn(*args, **kw)
    for lang in LANGS:
        text = t(info.value.key, lang, **info.value.params)
        assert text and "Traceback" not in text and "/tmp/" not in text
    return info.value


def hostile_ring(n: int = 400, lon: float = 101.7, lat: float = 36.6, seed: int = 1):
    """A ring of ``n`` random points: ~n²/4 self-intersections, make_valid ~n³."""
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(lon, lon + 0.1, n), rng.uniform(lat, lat + 0.1, n)])


def geojson_of(coords, crs=None) -> bytes:
    fc = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "a"},
        "geometry": {"type": "Polygon", "coordinates": [[list(map(float, c)) for c in coords]
                                                        + [list(map(float, coords[0]))]]}}]}
    if crs is not None:
        fc["crs"] = crs
    return json.dumps(fc).encode()


def zipped(members: dict, method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def shp_parts(tmp_path_factory) -> dict:
    """{ext: bytes} of a one-polygon Shapefile in Xining (WGS84)."""
    folder = tmp_path_factory.mktemp("shp")
    gpd.GeoDataFrame({"name": ["甲"]}, geometry=[Polygon(SQUARE)], crs=4326).to_file(
        folder / "s.shp", encoding="UTF-8")
    return {p.suffix[1:]: p.read_bytes() for p in folder.iterdir()}


def shp_zip(parts: dict, **extra) -> bytes:
    members = {f"s.{ext}": data for ext, data in parts.items() if ext in ("shp", "shx", "dbf")}
    return zipped({**members, **extra})


# ------------------------------------------------------------------ time and memory
def test_pasted_hostile_ring_ends_in_a_clear_message_within_the_cpu_limit():
    text = "\n".join(f"{x:.6f},{y:.6f}" for x, y in hostile_ring(400))
    err = error_of(parse_coordinates, text)
    assert err.key == "input.err.timeout"
    assert str(vector_io.SITE.cpu_seconds) in t(err.key, "en", **err.params)


def test_uploaded_hostile_ring_is_stopped():
    err = error_of(read_site_file, "ring.geojson", geojson_of(hostile_ring(400)))
    assert err.key == "input.err.timeout"


def test_import_repair_runs_under_the_import_limits():
    fast = dataclasses.replace(vector_io.IMPORT, cpu_seconds=1, wall_seconds=5.0)
    data = geojson_of(hostile_ring(300, lon=96.0, lat=36.0))
    assert error_of(li.read_for_import, RED, "r.geojson", data, limits=fast).key == \
        "input.err.timeout"


def test_bounding_box_is_checked_before_any_repair(monkeypatch):
    def no_repair(*_a, **_k):
        raise AssertionError("make_valid ran before the bounding-box check")

    monkeypatch.setattr(shapely, "make_valid", no_repair)
    beijing = hostile_ring(40, lon=116.3, lat=39.9)
    text = "\n".join(f"{x:.6f},{y:.6f}" for x, y in beijing)
    assert error_of(parse_coordinates, text).key == "site.err.outside_qinghai"
    geom = {"type": "Polygon", "coordinates": [beijing.tolist() + [beijing[0].tolist()]]}
    assert error_of(site_from_geojson, geom).key == "site.err.outside_qinghai"


def test_memory_limit_ends_in_a_clear_message():
    ang = np.linspace(0, 2 * np.pi, 150_000, endpoint=False)
    ring = np.column_stack([101.7 + 0.05 * np.cos(ang), 36.6 + 0.05 * np.sin(ang)])
    tight = dataclasses.replace(vector_io.SITE, memory_bytes=30 * 2**20,
                                max_feature_vertices=10**6)
    err = error_of(read_site_file, "m.geojson", geojson_of(ring.round(7)), limits=tight)
    assert err.key == "input.err.memory"


def test_vertex_limit_is_checked_before_repair():
    ring = hostile_ring(vector_io.SITE.max_feature_vertices + 10)
    geom = {"type": "Polygon", "coordinates": [ring.tolist() + [ring[0].tolist()]]}
    err = error_of(site_from_geojson, geom)
    assert err.key == "input.err.too_many_feature_vertices"
    assert err.params["max"] == vector_io.SITE.max_feature_vertices


def test_small_valid_file_stays_fast_through_the_sandbox(shp_parts):
    sites = read_site_file("s.zip", shp_zip(shp_parts))
    assert len(sites) == 1 and sites[0].name == "甲"


# ------------------------------------------------------------------ GeoPackage views
def _gpkg_with_endless_view(path: Path) -> None:
    gpd.GeoDataFrame({"name": ["real"]}, geometry=[Polygon(SQUARE)], crs=4326).to_file(
        path, layer="parcels", driver="GPKG")
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE VIEW endless AS
          WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
          SELECT x AS fid, (SELECT geom FROM parcels LIMIT 1) AS geom FROM c;
        INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)
          VALUES ('endless', 'features', 'endless', 4326);
        INSERT INTO gpkg_geometry_columns
          VALUES ('endless', 'geom', 'POLYGON', 4326, 0, 0);
    """)
    con.commit()
    con.close()


def _finishes(fn, seconds: float):
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - carried to the assertion
            box["error"] = exc

    th = threading.Thread(target=run, daemon=True)
    th.start()
    th.join(seconds)
    assert not th.is_alive(), "reading the GeoPackage hung"
    return box


def test_geopackage_view_over_endless_query_is_not_read(tmp_path):
    path = tmp_path / "v.gpkg"
    _gpkg_with_endless_view(path)
    data = path.read_bytes()
    box = _finishes(lambda: read_site_file("v.gpkg", data), 60)
    assert "error" not in box, box.get("error")
    assert [s.name for s in box["value"]] == ["real"]
    assert [n for n, _ in vector_io.gpkg_feature_tables(path, "v.gpkg", vector_io.SITE)] == \
        ["parcels"]
    box = _finishes(lambda: li.read_layer_file("v.gpkg", data, geometry="polygon"), 60)
    assert "error" not in box, box.get("error")
    assert list(box["value"][0]["name"]) == ["real"]


# ------------------------------------------------------------------ size limits
def test_huge_shapefile_refused_from_its_header(shp_parts):
    n = vector_io.SITE.max_vertices + 1_000
    head = bytearray(shp_parts["shp"][:100])
    head[24:28] = struct.pack(">i", (100 + 16 * n) // 2)
    big = bytes(head) + bytes(16 * n)
    err = error_of(read_site_file, "big.zip", shp_zip({**shp_parts, "shp": big}))
    assert err.key == "input.err.too_many_vertices"


def test_big_geojson_refused_by_size_before_parsing():
    data = b" " * (vector_io.SITE.max_bytes + 1)
    assert error_of(read_site_file, "big.geojson", data).key == "input.err.too_big"


def test_too_many_features_refused_for_one_site():
    feats = [{"type": "Feature", "properties": {},
              "geometry": {"type": "Polygon", "coordinates": [[
                  [101.7 + i * 1e-4, 36.6], [101.7 + i * 1e-4 + 5e-5, 36.6],
                  [101.7 + i * 1e-4, 36.6 + 5e-5], [101.7 + i * 1e-4, 36.6]]]}}
             for i in range(vector_io.SITE.max_features + 1)]
    data = json.dumps({"type": "FeatureCollection", "features": feats}).encode()
    assert error_of(read_site_file, "many.geojson", data).key == "input.err.too_many_features"


def test_pasted_text_length_is_bounded():
    text = "101.7,36.6\n" * (vector_io.SITE.max_text_chars // 10)
    assert error_of(parse_coordinates, text).key == "input.err.text_too_long"


# ------------------------------------------------------------------ no network
@pytest.fixture
def http_spy():
    """A local HTTP endpoint that records every request it receives."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'GEOGCS["LEAKED",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,'
                             b'298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.01745]]')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_geojson_crs_link_is_never_fetched(http_spy):
    url, hits = http_spy
    data = geojson_of(SQUARE, crs={"type": "link", "properties": {"href": f"{url}/crs",
                                                                    "type": "ogcwkt"}})
    for read in (read_site_file, li.read_layer_file):
        assert error_of(read, "l.geojson", data).key == "file.err.crs_link"
    assert hits == []


def read_with_gdal(path) -> str:
    """The CRS GDAL reads for ``path`` (run in the sandbox)."""
    import pyogrio

    return str(pyogrio.read_dataframe(path).crs)


def test_gdal_itself_makes_no_request_in_the_sandbox(http_spy, tmp_path):
    """Even past the link check, GDAL's network is off in the reading child."""
    url, hits = http_spy
    path = tmp_path / "l.geojson"
    path.write_bytes(geojson_of(SQUARE, crs={"type": "link", "properties": {
        "href": f"{url}/crs", "type": "ogcwkt"}}))
    crs = vector_io.guarded(read_with_gdal, path, limits=vector_io.SITE)
    assert "LEAKED" not in crs and hits == []
    with pytest.raises(QPAError):
        vector_io.guarded(read_with_gdal, f"/vsicurl/{url}/x.geojson", limits=vector_io.SITE)
    assert hits == []


def test_kml_network_link_is_never_fetched(http_spy):
    url, hits = http_spy
    kml = (f'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
           f'<NetworkLink><Link><href>{url}/k.kml</href></Link></NetworkLink><Placemark>'
           '<Polygon><outerBoundaryIs><LinearRing><coordinates>101.7,36.6 101.8,36.6 '
           '101.8,36.7 101.7,36.6</coordinates></LinearRing></outerBoundaryIs></Polygon>'
           '</Placemark></Document></kml>').encode()
    assert error_of(read_site_file, "n.kml", kml).key == "file.err.kml_link"
    assert error_of(read_site_file, "n.kmz", zipped({"doc.kml": kml})).key == "file.err.kml_link"
    assert hits == []


# ------------------------------------------------------------------ the fifteen faults
@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "gk", "gk_prefixed", "gk_noprefix"])
@pytest.mark.parametrize("bad", ["1e400", "inf", "-inf", "nan", "NaN", "Infinity"])
def test_non_finite_pasted_coordinates(crs, bad):
    if crs.startswith("gk"):
        text = f"4058123.4,34512345.6\n{bad},34512495.6\n4058273.4,34512495.6"
    else:
        text = f"101.7,36.6\n{bad},36.6\n101.8,36.7"
    err = error_of(parse_coordinates, text, crs, zone=34)
    assert err.params.get("line") == 2


@pytest.mark.parametrize("count, ring", [("1e400", "1"), ("inf", "1"), ("4", "inf"),
                                         ("4", "1e400"), ("4", "nan")])
def test_non_finite_jzd_counts_and_rings(count, ring):
    err = error_of(read_jzd, JZD.format(count=count, ring=ring))
    assert err.key in ("jzd.err.bad_header", "jzd.err.bad_line")
    assert err.params["line"] in (4, 5)


def test_non_finite_geojson_coordinates():
    bad = geojson_of(SQUARE).replace(b"101.71", b"1e400", 1)
    for read in (read_site_file, li.read_layer_file):
        error_of(read, "inf.geojson", bad)
    drawn = {"type": "Polygon", "coordinates": [[[101.7, 36.6], [float("inf"), 36.6],
                                                 [101.8, 36.7], [101.7, 36.6]]]}
    assert error_of(site_from_geojson, drawn).key == "site.err.nonfinite"


def test_utf8_bom_followed_by_gbk():
    data = b"\xef\xbb\xbf" + JZD.format(count=4, ring=1).encode("gbk")
    assert error_of(read_jzd, data).key == "file.err.encoding_bom"
    assert error_of(read_site_file, "b.txt", data).key == "file.err.encoding_bom"


BAD_ELLIPSOID = ('GEOGCS["x",DATUM["d",SPHEROID["s",0,0]],PRIMEM["Greenwich",0],'
                 'UNIT["degree",0.0174532925199433]]')
UNKNOWN_PROJECTION = (
    'PROJCS["x",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,'
    '298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Foo_Bar"],PARAMETER["False_Easting",0],UNIT["Meter",1.0]]')


@pytest.mark.parametrize("prj", [BAD_ELLIPSOID, UNKNOWN_PROJECTION, "EPSG::4522.0",
                                 'GEOGCS["x",SPHEROID["abc"]]'])
def test_malformed_prj(shp_parts, prj):
    data = shp_zip(shp_parts, **{"s.prj": prj})
    for read in (read_site_file, li.read_layer_file):
        try:
            out = read("p.zip", data)
        except InputError as err:
            assert all(t(err.key, lang, **err.params) for lang in LANGS)
        else:  # GDAL may drop a .prj it cannot read: then the site is placed as WGS84
            assert len(out) >= 1


def test_epsg_code_with_decimals_in_geojson_crs():
    data = geojson_of(SQUARE, crs={"type": "name",
                                   "properties": {"name": "urn:ogc:def:crs:EPSG::4522.0"}})
    for read in (read_site_file, li.read_layer_file):
        assert error_of(read, "e.geojson", data).key == "file.err.bad_crs"
    assert error_of(li.read_layer_file, "x.geojson", geojson_of(SQUARE),
                    crs="EPSG::4522.0").key == "import.err.crs_choice"


def _flag_members(data: bytes, flag: int = 0, method: int | None = None) -> bytes:
    out = bytearray(data)
    zf = zipfile.ZipFile(io.BytesIO(data))
    for info in zf.infolist():
        if flag:
            out[info.header_offset + 6] |= flag
        if method is not None:
            out[info.header_offset + 8] = method
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        if flag:
            out[pos + 8] |= flag
        if method is not None:
            out[pos + 10] = method
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def _bad_crc(parts: dict) -> bytes:
    raw = bytearray(zipped({f"s.{e}": parts[e] for e in ("shp", "shx", "dbf")},
                           zipfile.ZIP_STORED))
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo("s.dbf")
    raw[info.header_offset + 30 + len(info.filename) + 5] ^= 0xFF
    return bytes(raw)


@pytest.mark.parametrize("case, key", [
    ("long_name", "file.err.zip_name"),
    ("file_folder_clash", "file.err.zip_clash"),
    ("shp_is_a_folder", "file.err.zip_clash"),
    ("encrypted", "file.err.zip_encrypted"),
    ("bad_crc", "file.err.zip_member"),
    ("deflate64", "file.err.zip_method"),
])
def test_hostile_zips(shp_parts, case, key):
    data = {
        "long_name": lambda: shp_zip(shp_parts, **{"x" * 300 + ".txt": b"1"}),
        "file_folder_clash": lambda: shp_zip(shp_parts, d=b"1", **{"d/e.txt": b"2"}),
        "shp_is_a_folder": lambda: shp_zip(shp_parts, **{"s.shp/x": b"2"}),
        "encrypted": lambda: _flag_members(shp_zip(shp_parts), flag=1),
        "bad_crc": lambda: _bad_crc(shp_parts),
        "deflate64": lambda: _flag_members(shp_zip(shp_parts), method=9),
    }[case]()
    for read in (read_site_file, li.read_layer_file):
        assert error_of(read, "z.zip", data).key == key


def test_overlapping_drawn_bow_ties():
    def bow(x):
        return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
            [[x, 36.6], [x + 0.1, 36.7], [x + 0.1, 36.6], [x, 36.7], [x, 36.6]]]}}

    site = site_from_geojson({"type": "FeatureCollection", "features": [bow(101.7), bow(101.75)]})
    assert site.geometry.is_valid and site.area_ha > 0
    assert "site.warn.repaired" in site.warnings


# ------------------------------------------------------------------ one reader, both doors
def test_layer_import_uses_no_private_name_of_site_input():
    source = Path(li.__file__).read_text(encoding="utf-8")
    assert "site_input._" not in source and "_si." not in source
    assert "def _open_zip" not in Path(site_input.__file__).read_text(encoding="utf-8")


def test_page_and_command_line_read_the_same(tmp_path):
    pairs = read_site_list("界址点.txt", FIXTURE.read_bytes())
    assert len(pairs) == 2 and all(g.is_valid for _, g in pairs)
    csv = b"site_id,lon,lat,area_ha\nA,101.7,36.6,10\n"
    assert [sid for sid, _ in read_site_list("p.csv", csv)] == ["A"]
    assert [sid for sid, _ in read_site_list("p.txt", csv)] == ["A"]


def _gk_shapefile_without_prj(folder: Path) -> Path:
    lon, lat = np.array([96.30, 96.31, 96.31, 96.30]), np.array([36.30, 36.30, 36.31, 36.31])
    x, y, _ = lonlat_to_gk(lon, lat, 32, prefixed=True)
    poly = Polygon(np.column_stack([y, x]))  # shapefile (x, y) = (easting, northing)
    gpd.GeoDataFrame({"site_id": ["G"]}, geometry=[poly]).to_file(folder / "gk.shp")
    assert not (folder / "gk.prj").exists()
    return folder / "gk.shp"


def test_cli_reads_gbk_jzd_and_gk_without_prj(bundle, tmp_path):  # noqa: F811
    jzd = tmp_path / "地块.txt"
    jzd.write_bytes(FIXTURE.read_bytes())
    assert run_cli(bundle, jzd, "--product", "x", "--out", tmp_path / "j.csv") == 0
    shp = _gk_shapefile_without_prj(tmp_path)
    assert run_cli(bundle, shp, "--product", "x", "--out", tmp_path / "g.csv") == 0
    rows = (tmp_path / "g.csv").read_text(encoding="utf-8")
    assert "\nG," in rows


@pytest.mark.parametrize("name, data", [
    ("bom.txt", b"\xef\xbb\xbf" + JZD.format(count=4, ring=1).encode("gbk")),
    ("inf.txt", JZD.format(count="1e400", ring=1).encode("gbk")),
    ("bad.zip", b"PK\x03\x04broken"),
    ("link.geojson", geojson_of(SQUARE, crs={"type": "link", "properties": {"href": "http://x"}})),
    ("pts.csv", b"site_id,lon,lat,area_ha\nA,inf,36.6,10\n"),
    ("ring.geojson", geojson_of(hostile_ring(400))),
])
def test_hostile_files_through_the_cli_exit_2_with_one_line(bundle, tmp_path, capsys, name,  # noqa: F811
                                                          data):
    path = tmp_path / name
    path.write_bytes(data)
    assert run_cli(bundle, path, "--product", "x", "--out", tmp_path / "o.csv") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_sandbox_never_runs_the_parents_main_script(tmp_path, monkeypatch):
    """Streamlit runs each page as ``__main__``: a child must not run the page again."""
    import sys
    import types

    marker = tmp_path / "ran"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(marker)!r}, 'w').write('page ran')\n", encoding="utf-8")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    assert read_site_file("s.geojson", geojson_of(SQUARE))[0].name == "a"
    assert not marker.exists()
