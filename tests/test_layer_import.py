"""Layer import: CRS, encoding, repair, mapping, every bad input refused, replace and restore."""
from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import LineString, Point, Polygon

from geo import layer_import as li
from geo import vector_io
from geo.auth import ANONYMOUS, PermissionDenied
from geo.errors import InputError
from geo.gk import zone_table
from geo.seed import open_store
from layers.schema import SCHEMAS, importable_layers, schema_for
from tests._stores import OFFICIAL_USER, VIEWER_USER

DATA = Path(__file__).resolve().parent / "data" / "site_input"
RED = SCHEMAS["redlines"]
GK34 = zone_table()[(34, True)]  # CGCS2000 3-degree zone 34, Y with prefix
GK34_NP = zone_table()[(34, False)]


def _sq(lon=96.0, lat=36.0, d=0.05):
    return Polygon([(lon, lat), (lon + d, lat), (lon + d, lat + d), (lon, lat + d)])


def _redlines(n=3, **extra) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"名称": [f"红线{i}" for i in range(n)], "类型": "水源涵养",
                             "管控级别": "核心保护区", "编号": [f"H{i}" for i in range(n)], **extra},
                            geometry=[_sq(96 + 0.1 * i) for i in range(n)], crs=4326)


def _geojson(frame: gpd.GeoDataFrame) -> bytes:
    return frame.to_json(drop_id=True).encode("utf-8")


def _shp_zip(tmp_path: Path, frame: gpd.GeoDataFrame, encoding="GBK", prj=True, cpg=True) -> bytes:
    out = tmp_path / "shp"
    out.mkdir(exist_ok=True)
    pyogrio.write_dataframe(frame, out / "layer.shp", encoding=encoding)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in out.iterdir():
            if (p.suffix == ".prj" and not prj) or (p.suffix == ".cpg" and not cpg):
                continue
            zf.write(p, p.name)
    return buf.getvalue()


def _err(call) -> InputError:
    with pytest.raises(InputError) as info:
        call()
    return info.value


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path / "s.gpkg")


# ------------------------------------------------------------------ reading
def test_geojson_read_and_mapped():
    got = li.read_for_import(RED, "red.geojson", _geojson(_redlines()))
    assert got.read.crs_in == "WGS84" and got.read.crs_how == "file" and got.read.n_read == 3
    mapping = li.suggest_mapping(list(got.frame.columns), RED)
    assert mapping["name_zh"] == "名称" and mapping["category"] == "类型"
    assert mapping["control_level"] == "管控级别" and mapping["id"] == "编号"
    frame, notices = li.apply_mapping(got.frame, RED, mapping, source="青海省自然资源厅",
                                      source_date="2025-03-01")
    assert set(frame["accuracy"]) == {"authoritative"} and set(frame["source"]) == {"青海省自然资源厅"}
    assert (frame["name_en"] == frame["name_zh"]).all()  # filled, with a notice
    assert "import.warn.name_copied" in notices and "import.warn.area_computed" in notices
    assert frame["area_ha"].iloc[0] == pytest.approx(2500, rel=0.3)


def test_gk_shapefile_with_gbk_and_cpg(tmp_path):
    frame = _redlines().to_crs(GK34)
    got = li.read_for_import(RED, "red.zip", _shp_zip(tmp_path, frame))
    assert got.read.crs_in.startswith("GK zone 34") and got.read.encoding_how == "cpg"
    assert list(got.frame["名称"]) == ["红线0", "红线1", "红线2"]
    assert got.frame.geometry.iloc[0].equals_exact(_sq(), 1e-6)


def test_gbk_without_cpg_is_guessed(tmp_path):
    got = li.read_for_import(RED, "red.zip", _shp_zip(tmp_path, _redlines(), cpg=False))
    assert got.read.encoding_how == "guess" and "file.warn.encoding" in got.read.notices
    assert got.frame["名称"].iloc[0] == "红线0"
    chosen = li.read_for_import(RED, "red.zip", _shp_zip(tmp_path, _redlines(), cpg=False),
                                encoding="GBK")
    assert chosen.read.encoding_how == "user" and chosen.frame["类型"].iloc[0] == "水源涵养"


def test_no_prj_degrees_assumed_and_gk_prefix_placed(tmp_path):
    got = li.read_for_import(RED, "red.zip", _shp_zip(tmp_path, _redlines(), prj=False))
    assert got.read.crs_how == "assumed" and "file.warn.assumed_wgs84" in got.read.notices
    gk = _redlines().to_crs(zone_table()[(32, True)]).set_crs(None, allow_override=True)
    got = li.read_for_import(RED, "red.zip", _shp_zip(tmp_path, gk, prj=False))
    assert got.read.crs_how == "gk_prefix" and got.frame.geometry.iloc[0].equals_exact(_sq(), 1e-6)


def test_unprefixed_gk_without_prj_asks_then_reads(tmp_path):
    gk = _redlines().to_crs(GK34_NP).set_crs(None, allow_override=True)
    data = _shp_zip(tmp_path, gk, prj=False)
    assert _err(lambda: li.read_for_import(RED, "red.zip", data)).key == "file.err.no_crs"
    got = li.read_for_import(RED, "red.zip", data, crs="gk:34:noprefix")
    assert got.read.crs_how == "user" and got.frame.geometry.iloc[0].equals_exact(_sq(), 1e-6)


def test_a_chosen_system_over_the_files_own_is_said_in_the_users_language(tmp_path):
    """The file declares WGS84 degrees; the official insists it is GK zone 34 without prefix:
    read as chosen, and the notice names both systems in words, not the reader's labels."""
    gk = _redlines().to_crs(GK34_NP).set_crs(4326, allow_override=True)  # a wrong .prj
    got = li.read_for_import(RED, "red.zip", _shp_zip(tmp_path, gk), crs="gk:34:noprefix")
    assert got.frame.geometry.iloc[0].equals_exact(_sq(), 1e-6)
    notice = next(n for n in got.read.notices if n == "import.warn.crs_overridden")
    zh, en = notice.text("zh"), notice.text("en")
    assert "高斯-克吕格 3°带 第 34 带（不带带号）" in zh and "WGS84" in zh and "GK zone" not in zh
    assert "Gauss-Krüger 3° zone 34" in en and "GK zone" not in en


def test_jzd_txt_reads_parcels():
    got = li.read_for_import(SCHEMAS["bases"], "parcels.txt",
                             (DATA / "xining_2parcels_gbk.txt").read_bytes())
    assert got.read.n_read == 2 and got.read.crs_in.startswith("GK zone")
    assert set(got.frame.geometry.geom_type) <= {"Polygon", "MultiPolygon"}


def test_geopackage_picks_the_layer_of_the_right_type(tmp_path):
    path = tmp_path / "two.gpkg"
    pts = gpd.GeoDataFrame({"名称": ["矿"], "矿种": ["锂"]}, geometry=[Point(95, 37)], crs=4326)
    pyogrio.write_dataframe(pts, path, layer="points")
    pyogrio.write_dataframe(_redlines(), path, layer="polys")
    got = li.read_for_import(RED, "two.gpkg", path.read_bytes())
    assert got.read.source_layer == "polys" and len(got.frame) == 3
    dep = li.read_for_import(SCHEMAS["deposits"], "two.gpkg", path.read_bytes())
    assert dep.read.source_layer == "points"


# ------------------------------------------------------------------ repair
def test_invalid_geometries_repaired_and_reported():
    bowtie = Polygon([(96, 36), (96.1, 36.1), (96.1, 36), (96, 36.1)])
    flat = Polygon([(96, 36), (96.1, 36), (96.2, 36)])
    frame = _redlines(4)
    frame.loc[1, "geometry"] = bowtie
    frame.loc[2, "geometry"] = flat
    frame.loc[3, "geometry"] = None
    got = li.read_for_import(RED, "red.geojson", _geojson(frame))
    rep = got.repair
    assert (rep.n_in, rep.n_out, rep.dropped_empty) == (4, 2, 1)
    assert [i for i, _ in rep.repaired] == [1, 2] and rep.collapsed == [2]
    assert "Self-intersection" in rep.repaired[0][1]
    assert got.frame.geometry.is_valid.all()


# ------------------------------------------------------------------ bad inputs
def test_empty_file_and_empty_layer():
    assert _err(lambda: li.read_for_import(RED, "x.geojson", b"")).key == "import.err.empty"
    empty = b'{"type": "FeatureCollection", "features": []}'
    assert _err(lambda: li.read_for_import(RED, "x.geojson", empty)).key in (
        "import.err.empty", "file.err.read")
    nulls = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"名称": "a"}, "geometry": None}]}).encode()
    assert _err(lambda: li.read_for_import(RED, "x.geojson", nulls)).key == "import.err.empty"


def test_malformed_and_unsupported_files():
    assert _err(lambda: li.read_for_import(RED, "x.geojson", b"{not json")).key == "file.err.read"
    assert _err(lambda: li.read_for_import(RED, "x.gpkg", b"SQLite format 3\0junk")).key == "file.err.read"
    assert _err(lambda: li.read_for_import(RED, "x.zip", b"PK\x03\x04broken")).key == "file.err.zip_bad"
    assert _err(lambda: li.read_for_import(RED, "x.dwg", b"abc")).key == "file.err.type"
    assert _err(lambda: li.read_for_import(RED, "x.shp", b"abc")).key == "file.err.shp_alone"


def test_size_limits(monkeypatch):
    data = _geojson(_redlines(5))
    monkeypatch.setattr(li, "MAX_UPLOAD_BYTES", 100)
    assert _err(lambda: li.read_for_import(RED, "x.geojson", data)).key == "import.err.too_big"
    monkeypatch.setattr(li, "MAX_UPLOAD_BYTES", 10**8)
    two = dataclasses.replace(vector_io.IMPORT, max_features=2)
    assert _err(lambda: li.read_for_import(RED, "x.geojson", data, limits=two)).key == \
        "input.err.too_many_features"


def test_zip_bomb_and_traversal_refused(monkeypatch):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.shp", b"\0" * (3 * 2**20))
    small = dataclasses.replace(vector_io.IMPORT, max_bytes=2**20)
    assert _err(lambda: li.read_for_import(RED, "b.zip", bomb.getvalue(),
                                           limits=small)).key == "file.err.zip_size"
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../etc/evil.shp", b"x")
    assert _err(lambda: li.read_for_import(RED, "e.zip", evil.getvalue())).key == "file.err.zip_traversal"
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(vector_io.MAX_ZIP_MEMBERS + 1):
            zf.writestr(f"f{i}.txt", b"x")
    assert _err(lambda: li.read_for_import(RED, "m.zip", many.getvalue())).key == "file.err.zip_members"


def test_wrong_geometry_type_refused():
    pts = gpd.GeoDataFrame({"名称": ["a"]}, geometry=[Point(96, 36)], crs=4326)
    err = _err(lambda: li.read_for_import(RED, "p.geojson", _geojson(pts)))
    assert err.key == "import.err.geom_type" and "Point" in err.params["found"]
    lines = gpd.GeoDataFrame({"名称": ["a"]}, geometry=[LineString([(96, 36), (97, 36)])], crs=4326)
    assert _err(lambda: li.read_for_import(SCHEMAS["deposits"], "l.geojson",
                                           _geojson(lines))).key == "import.err.geom_type"


def test_outside_qinghai_refused():
    beijing = _redlines(2)
    beijing.loc[1, "geometry"] = _sq(116.4, 39.9)
    err = _err(lambda: li.read_for_import(RED, "bj.geojson", _geojson(beijing)))
    assert err.key == "import.err.outside" and err.params["n"] == 1
    assert 116 < err.params["lon"] < 117
    # GK coordinates read as degrees by mistake are far outside too
    swapped = _redlines(1).to_crs(GK34).set_crs(3857, allow_override=True)
    assert _err(lambda: li.read_for_import(RED, "s.geojson", _geojson(swapped))).key == "import.err.outside"


def test_mapping_errors():
    got = li.read_for_import(RED, "red.geojson", _geojson(_redlines(3, 数值=["1", "x", "3"])))
    good = li.suggest_mapping(list(got.frame.columns), RED)
    kw = dict(source="厅", source_date="2025-01-01")
    cases = {
        "import.err.missing_field": ({**good, "category": None}, kw),
        "import.err.no_column": ({**good, "legal_basis": "nope"}, kw),
        "import.err.bad_value": ({**good, "area_km2_public": "数值"}, kw),
        "import.err.source": (good, {**kw, "source": "  "}),
        "import.err.source_date": (good, {**kw, "source_date": "2025/13/01"}),
    }
    for key, (mapping, kwargs) in cases.items():
        assert _err(lambda: li.apply_mapping(got.frame, RED, mapping, **kwargs)).key == key
    dup = got.frame.assign(编号="H1")
    assert _err(lambda: li.apply_mapping(dup, RED, good, **kw)).key == "import.err.duplicate_key"
    blank = got.frame.copy()
    blank.loc[2, "类型"] = None
    err = _err(lambda: li.apply_mapping(blank, RED, good, **kw))
    assert err.key == "import.err.empty_value" and err.params["row"] == 3


def test_bases_outlines_keep_their_attributes_by_id(store):
    current = store.read_layer("bases")
    new = gpd.GeoDataFrame({"编号": ["nanchuan"], "名称": ["南川（权威边界）"]},
                           geometry=[_sq(101.7, 36.5)], crs=4326)
    schema = SCHEMAS["bases"]
    got = li.read_for_import(schema, "b.geojson", _geojson(new))
    frame, notices = li.apply_mapping(got.frame, schema, li.suggest_mapping(got.frame.columns, schema),
                                      source="西宁市", source_date="2025-05-01", current=current)
    want = current.set_index("id").loc["nanchuan"]
    assert frame["chains"].iloc[0] == want["chains"] and frame["tier"].iloc[0] == want["tier"]
    assert frame["name_zh"].iloc[0] == "南川（权威边界）"
    assert "import.warn.carried" in notices


# ------------------------------------------------------------------ replace and restore
def _mapped(n=3):
    got = li.read_for_import(RED, "red.geojson", _geojson(_redlines(n)))
    frame, _ = li.apply_mapping(got.frame, RED, li.suggest_mapping(got.frame.columns, RED),
                                source="青海省自然资源厅", source_date="2025-03-01")
    return frame


def test_commit_and_restore(store):
    old = store.read_layer("redlines")
    v = li.commit_import(store, OFFICIAL_USER, RED, _mapped(), note="首次导入")
    assert v.version == 2 and v.n_features == 3 and v.source == "青海省自然资源厅"
    cur = store.read_layer("redlines")
    assert set(cur["accuracy"]) == {"authoritative"} and len(cur) == 3
    r = li.restore_layer(store, OFFICIAL_USER, "redlines", 1)
    assert r.version == 3 and len(store.read_layer("redlines")) == len(old)


def test_viewer_cannot_commit_or_restore(store):
    for who in (VIEWER_USER, ANONYMOUS, None):
        with pytest.raises(PermissionDenied):
            li.commit_import(store, who, RED, _mapped())
        with pytest.raises(PermissionDenied):
            li.restore_layer(store, who, "redlines", 1)
    assert store.current_version("redlines") == 1


def test_commit_revalidates_and_leaves_layer_unchanged(store):
    frame = _mapped()
    bad = [
        frame.drop(columns="source"),
        frame.drop(columns="category"),
        frame.iloc[:0],
        frame.assign(geometry=[Point(96, 36)] * 3),
        frame.assign(geometry=[_sq(116, 39)] * 3),
        frame.assign(geometry=[Polygon([(96, 36), (96.1, 36.1), (96.1, 36), (96, 36.1)])] * 3),
        frame.assign(accuracy="rumour"),
    ]
    for f in bad:
        with pytest.raises(InputError):
            li.commit_import(store, OFFICIAL_USER, RED, f)
    assert store.current_version("redlines") == 1 and len(store.versions("redlines")) == 1


def test_schemas_cover_the_registry():
    from layers.registry import LAYERS

    vector = {s.id for s in LAYERS if s.kind != "raster" and s.loader is None}
    assert vector <= set(SCHEMAS)
    for lid, schema in SCHEMAS.items():
        spec = next((s for s in LAYERS if s.id == lid), None)
        if spec is not None:
            assert spec.kind == schema.geometry, lid
        assert "name_zh" in schema.required
    assert importable_layers()[0] == "admin_province"
    with pytest.raises(ValueError):
        schema_for("quotas")
