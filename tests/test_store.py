"""The store on both backends: seeding, versions, restore, all-or-nothing, restart, audit."""
from __future__ import annotations

import math
import threading

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import Polygon

from geo import bundle
from geo.audit import record_screening, record_site_check, screening, screenings
from geo.auth import ANONYMOUS, PermissionDenied
from geo.seed import open_store
from geo.store import StoreError, store_location
from geo.store.postgis import redact_url
from tests._stores import OFFICIAL_USER, PG_URL, VIEWER_USER, make_store, need_postgis  # noqa: F401

BUNDLE_LAYERS = {"admin_province", "admin_prefecture", "admin_county", "lakes", "rivers",
                 "places", "bases", "salt_lakes", "deposits", "redlines"}


def _square(lon: float, lat: float, d: float = 0.05) -> Polygon:
    return Polygon([(lon, lat), (lon + d, lat), (lon + d, lat + d), (lon, lat + d)])


def _frame(n: int = 3) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": [f"r{i}" for i in range(n)], "name_zh": [f"红线{i}" for i in range(n)],
         "name_en": [f"RL{i}" for i in range(n)], "area": [1.5 * i for i in range(n)],
         "n": list(range(n)), "source": "省自然资源厅", "source_date": "2025-01-01",
         "accuracy": "authoritative"},
        geometry=[_square(96 + i * 0.1, 36) for i in range(n)], crs=4326)


def _count_features(store, layer_id: str) -> int:
    with store.transaction() as tx:
        return int(tx.one("SELECT COUNT(*) FROM layer_features WHERE layer_id = ?", (layer_id,))[0])


def test_seeded_with_the_bundle(make_store):
    store = make_store()
    assert set(store.layer_ids()) >= BUNDLE_LAYERS
    got, want = store.read_layer("bases"), bundle.read_layer("bases")
    assert len(got) == len(want) == 15
    attrs = pd.DataFrame(got.drop(columns="geometry"))
    pd.testing.assert_frame_equal(attrs, pd.DataFrame(want.drop(columns="geometry")),
                                  check_dtype=False)
    assert shapely.equals_exact(got.geometry.values, want.geometry.values, 1e-12).all()
    assert got.crs.to_epsg() == 4326
    (v,) = store.versions("bases")
    assert (v.version, v.action, v.created_by, v.current) == (1, "seed", "system", True)
    assert v.n_features == 15


def test_point_and_line_layers_round_trip(make_store):
    store = make_store()
    for name in ("deposits", "rivers"):
        got, want = store.read_layer(name), bundle.read_layer(name)
        assert list(got.geometry.geom_type) == list(want.geometry.geom_type)
        assert list(got["name_zh"]) == list(want["name_zh"])


def test_replace_makes_a_new_version_and_keeps_the_old(make_store):
    store = make_store()
    v2 = store.replace_layer("redlines", _frame(), user=OFFICIAL_USER, source="省厅",
                             source_date="2025-01-01", note="正式数据")
    assert (v2.version, v2.action, v2.created_by, v2.n_features) == (2, "import", "wang", 3)
    cur = store.read_layer("redlines")
    assert list(cur["name_zh"]) == ["红线0", "红线1", "红线2"]
    assert cur["n"].dtype.kind == "i" and cur["area"].dtype.kind == "f"
    assert len(store.read_layer("redlines", version=1)) == 15
    vs = store.versions("redlines")
    assert [v.version for v in vs] == [2, 1] and vs[0].current and not vs[1].current
    assert vs[0].note == "正式数据" and vs[0].source == "省厅"


def test_restore_a_version(make_store):
    store = make_store()
    store.replace_layer("redlines", _frame(), user=OFFICIAL_USER, source="a", source_date="2025-01-01")
    v3 = store.restore_version("redlines", 1, user=OFFICIAL_USER, note="回退")
    assert (v3.version, v3.action, v3.restored_from) == (3, "restore", 1)
    assert store.current_version("redlines") == 3
    back, orig = store.read_layer("redlines"), store.read_layer("redlines", version=1)
    pd.testing.assert_frame_equal(pd.DataFrame(back), pd.DataFrame(orig))
    assert [v.version for v in store.versions("redlines")] == [3, 2, 1]
    with pytest.raises(StoreError) as err:
        store.restore_version("redlines", 9, user=OFFICIAL_USER)
    assert err.value.key == "store.err.no_version"


def test_viewer_cannot_replace_or_restore(make_store):
    store = make_store()
    for who in (VIEWER_USER, ANONYMOUS, None, {"username": "x", "role": "official"}, "official"):
        with pytest.raises(PermissionDenied):
            store.replace_layer("redlines", _frame(), user=who, source="x", source_date="2025-01-01")
        with pytest.raises(PermissionDenied):
            store.restore_version("redlines", 1, user=who)
    assert store.current_version("redlines") == 1


def test_replace_is_all_or_nothing(make_store, monkeypatch):
    store = make_store()
    before = _count_features(store, "redlines")
    calls = {"n": 0}
    original = store._encode_geom

    def failing(wkb):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(wkb)

    monkeypatch.setattr(store, "_encode_geom", failing)
    with pytest.raises(RuntimeError):
        store.replace_layer("redlines", _frame(5), user=OFFICIAL_USER, source="x",
                            source_date="2025-01-01")
    assert store.current_version("redlines") == 1
    assert [v.version for v in store.versions("redlines")] == [1]
    assert _count_features(store, "redlines") == before


def test_empty_or_bad_frames_refused(make_store):
    store = make_store()
    with pytest.raises(StoreError):
        store.replace_layer("redlines", _frame().iloc[:0], user=OFFICIAL_USER, source="x",
                            source_date="2025-01-01")
    with pytest.raises(StoreError):
        store.replace_layer("redlines", _frame().to_crs(3857), user=OFFICIAL_USER, source="x",
                            source_date="2025-01-01")
    with pytest.raises(StoreError) as err:
        store.read_layer("no_such_layer")
    assert err.value.key == "store.err.no_layer"
    assert store.current_version("redlines") == 1


def test_persists_across_restart(make_store):
    store = make_store()
    store.replace_layer("redlines", _frame(), user=OFFICIAL_USER, source="a", source_date="2025-01-01")
    store.close()
    again = make_store()  # a new process would do exactly this
    assert again.current_version("redlines") == 2
    assert list(again.read_layer("redlines")["id"]) == ["r0", "r1", "r2"]
    assert [v.version for v in again.versions("bases")] == [1]  # not seeded twice


def test_concurrent_first_start_seeds_once(make_store):
    errors, stores = [], []

    def start():
        try:
            stores.append(make_store())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    store = stores[0]
    assert [v.version for v in store.versions("bases")] == [1]
    with store.transaction() as tx:
        n_seed = tx.one("SELECT COUNT(*) FROM ledger_entries WHERE action = 'seed'")[0]
    assert n_seed == len(bundle.read_table("quotas"))


def test_pages_read_the_store_while_a_writer_holds_it(make_store):
    """Every page run reads the store's version key (and which layers and DEM are current);
    while a write is open (an official's import, another visitor's audit record) those
    reads answer at once with the last committed state instead of queueing for the write
    lock -- on SQLite they used to wait, up to the 60 s busy timeout."""
    store = make_store()
    before = (store.version_key(), store.current_version("bases"), store.current_dem())
    read: list = []
    with store.transaction() as tx:  # SQLite: BEGIN IMMEDIATE holds the write lock
        tx.execute("UPDATE layer_current SET version = version + 100 WHERE layer_id = ?",
                   ("bases",))
        reader = threading.Thread(target=lambda: read.append(
            (store.version_key(), store.current_version("bases"), store.current_dem())))
        reader.start()
        reader.join(10)
        assert not reader.is_alive(), "the read waited for the writer"
    assert read == [before]  # the committed state, not the open write's
    assert store.current_version("bases") == before[1] + 100 and store.version_key() != before[0]


def test_record_screening_keeps_inputs_and_result(make_store):
    store = make_store()
    inputs = {"site": _square(96, 36), "product": "碳酸锂", "area_ha": float("nan"), "crs": "WGS84"}
    result = {"overall": "WARN", "results": [{"check": "quota", "metrics": {"use_share": math.inf}}]}
    sid = record_screening(store, OFFICIAL_USER, inputs, result)
    assert isinstance(sid, int)
    rec = screening(store, sid)
    assert rec["username"] == "wang" and rec["overall"] == "WARN"
    assert rec["inputs"]["site"]["type"] == "Polygon" and rec["inputs"]["area_ha"] is None
    assert rec["inputs"]["product"] == "碳酸锂"
    assert rec["result"]["results"][0]["metrics"]["use_share"] is None
    assert record_screening(store, VIEWER_USER, inputs, result) is None
    assert record_screening(store, ANONYMOUS, inputs, result) is None
    assert list(screenings(store)["id"]) == [sid]


@pytest.fixture(scope="module")
def checked_site():
    """A 30 ha site in the 南川 base screened for 正极材料 on the bundled layers."""
    from geo.checks import Project
    from geo.layers_index import ScreeningLayers
    from geo.screen import screen_site
    from geo.site_input import site_from_point

    site = site_from_point(101.735, 36.565, 30.0)
    result = screen_site(site.geometry, Project(product="正极材料", year=2026, name="正极材料项目"),
                         ScreeningLayers.from_bundle())
    return site, result


def test_site_check_record_names_the_site_project_and_data_versions(make_store, checked_site):
    site, result = checked_site
    store = make_store()
    store.replace_layer("redlines", _frame(), user=OFFICIAL_USER, source="省厅", source_date="2025-01-01")
    sid = record_site_check(store, OFFICIAL_USER, site, result)
    rec = screening(store, sid)
    inputs = rec["inputs"]
    assert inputs["how"] == "click" and inputs["area_ha"] == pytest.approx(30.0, rel=1e-6)
    assert shapely.geometry.shape(inputs["site"]).equals_exact(site.geometry, 1e-9)
    assert inputs["project"]["product"] == "正极材料" and inputs["project"]["name"] == "正极材料项目"
    assert inputs["data"]["layers"]["redlines"] == 2 and inputs["data"]["layers"]["bases"] == 1
    assert inputs["data"]["dem_version"] == 0  # the bundled elevation model
    assert rec["overall"] == result.overall
    assert [r["check"] for r in rec["result"]["results"]] == [r.check for r in result.results]
    assert record_site_check(store, VIEWER_USER, site, result) is None
    assert list(screenings(store)["id"]) == [sid]


def test_events_log_layer_changes(make_store):
    store = make_store()
    store.replace_layer("redlines", _frame(), user=OFFICIAL_USER, source="a", source_date="2025-01-01")
    store.log_event(OFFICIAL_USER, "login")
    ev = store.events()
    assert list(ev["action"][:2]) == ["login", "layer.import"]


def test_gpkg_file_is_a_geopackage(tmp_path):
    store = open_store(tmp_path / "s.gpkg")
    names = {str(n) for n, _ in pyogrio.list_layers(tmp_path / "s.gpkg")}
    assert "layer_features" in names
    feats = pyogrio.read_dataframe(tmp_path / "s.gpkg", layer="layer_features")
    assert len(feats) == sum(v.n_features for lid in store.layer_ids() for v in store.versions(lid))
    assert feats.crs.to_epsg() == 4326


def test_open_store_picks_the_backend(tmp_path, monkeypatch):
    monkeypatch.delenv("QPA_DATABASE_URL", raising=False)
    monkeypatch.setenv("QPA_DATA_DIR", str(tmp_path))
    assert store_location() == str(tmp_path / "qpa_store.gpkg")
    assert open_store(seed=False).kind == "gpkg"
    monkeypatch.setenv("QPA_DATABASE_URL", "postgresql://u:secret@127.0.0.1:1/x")
    assert store_location().startswith("postgresql://")
    assert store_location("/some/file.gpkg") == "/some/file.gpkg"
    assert redact_url("postgresql://u:secret@h:5/db") == "postgresql://u:***@h:5/db"


def test_open_store_from_env_url(monkeypatch):
    url = need_postgis()
    monkeypatch.setenv("QPA_DATABASE_URL", url)
    monkeypatch.setenv("QPA_DATABASE_SCHEMA", "t_envpick")
    store = open_store(seed=False)
    try:
        assert store.kind == "postgis" and "***" in store.location and "t_envpick" in store.location
    finally:
        store.drop_schema()


def test_unreachable_postgis_is_a_clear_error():
    with pytest.raises(StoreError) as err:
        open_store("postgresql://nobody:pw@127.0.0.1:1/none")
    assert err.value.key == "store.err.connect" and "pw" not in str(err.value)
