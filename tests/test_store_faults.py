"""Database failures become the project's own errors, in both languages, and nothing
already stored is lost or changed: a full disk (SQLite ``database or disk is full``,
PostgreSQL SQLSTATE class 53), a NUL byte in text (psycopg ``DataError``), a value
the database refuses."""
from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo import ledger
from geo.dem_versions import dem_versions, import_user_dem
from geo.i18n import error_text, t
from geo.store import StoreError
from geo.store.gpkg import GpkgStore
from tests._stores import OFFICIAL_USER, make_store  # noqa: F401 -- fixture
from tests.test_dem_versions import _fine_dem


def _disk_full(monkeypatch) -> None:
    """Every new connection may not grow the file: SQLite then fails with SQLITE_FULL,
    exactly as on a full disk."""
    original = GpkgStore._connect

    def connect(self):
        conn = original(self)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(GpkgStore, "_connect", connect)


def _noisy_dem(n: int = 400) -> bytes:
    """A DEM over Qinghai whose cells do not compress (half a megabyte or more)."""
    import numpy as np
    from rasterio.transform import from_origin

    from tests.test_dem import _tiff_bytes

    elev = 3000 + np.random.default_rng(1).random((n, n)) * 500
    return _tiff_bytes(elev, from_origin(96.0, 37.0, 0.001, 0.001))


def _big_layer(n: int = 3000) -> gpd.GeoDataFrame:
    boxes = [shapely.box(96 + i * 1e-4, 36, 96 + i * 1e-4 + 5e-5, 36.001) for i in range(n)]
    return gpd.GeoDataFrame({"id": [f"l{i}" for i in range(n)], "name_zh": ["湖"] * n,
                             "note": ["x" * 200] * n}, geometry=boxes, crs=4326)


def _snapshot(store) -> tuple:
    lakes = store.read_layer("lakes")
    return (store.versions("lakes"),
            (lakes.drop(columns="geometry").to_json(), list(shapely.to_wkb(lakes.geometry.values))),
            ledger.quotas(store).to_json(), len(ledger.entries(store)), store.dems())


def _assert_full(err: StoreError) -> None:
    assert err.key == "store.err.full"
    assert error_text(err, "zh") == t("store.err.full", "zh")
    assert error_text(err, "en") == t("store.err.full", "en")


def test_full_disk_refuses_every_write_and_keeps_what_is_stored(tmp_path, monkeypatch):
    from geo.seed import open_store

    store = open_store(tmp_path / "s.gpkg")
    base = ledger.quotas(store).iloc[0]
    before = _snapshot(store)
    _disk_full(monkeypatch)
    with pytest.raises(StoreError) as layer:
        store.replace_layer("lakes", _big_layer(), user=OFFICIAL_USER, source="test",
                            source_date="2026-01-01")
    _assert_full(layer.value)
    with pytest.raises(StoreError) as dem:
        import_user_dem(OFFICIAL_USER, _noisy_dem(), tmp_path, store=store)
    _assert_full(dem.value)
    with pytest.raises(StoreError) as reserve:
        for _ in range(200):  # each entry adds a row; the file cannot grow for long
            ledger.reserve(store, OFFICIAL_USER, base["base_id"], int(base["year"]), 1e-4,
                           "x" * 2000)
    _assert_full(reserve.value)
    monkeypatch.undo()
    after = _snapshot(GpkgStore(tmp_path / "s.gpkg"))
    assert after[:2] == before[:2] and after[4] == before[4] == []
    assert not list((tmp_path / "dem_cache").glob("incoming-*"))  # no half-written file left
    # the reservations that fitted before the disk filled are whole: quota and entries agree
    reserved = ledger.reservations(store)
    assert len(ledger.entries(store)) == before[3] + len(reserved)


def test_nul_byte_is_refused_with_a_message_on_both_backends(make_store, tmp_path):
    store = make_store()
    base = ledger.quotas(store).iloc[0]
    before = _snapshot(store)
    for attempt in (
        lambda: ledger.reserve(store, OFFICIAL_USER, base["base_id"], int(base["year"]), 1.0,
                               "项目\x00说明"),
        lambda: store.replace_layer("lakes", _big_layer(3), user=OFFICIAL_USER,
                                    source="局\x00文件", source_date="2026-01-01"),
        lambda: import_user_dem(OFFICIAL_USER, _fine_dem(), tmp_path / "server", store=store,
                                source="dem\x00.tif"),
    ):
        with pytest.raises(StoreError) as info:
            attempt()
        assert info.value.key == "store.err.nul"
        assert "NUL" in error_text(info.value, "zh") and "NUL" in error_text(info.value, "en")
    assert _snapshot(store) == before


def test_nul_inside_attribute_values_round_trips(make_store):
    """Attribute values travel as JSON (NUL escaped), so a NUL there is data, not a failure."""
    store = make_store(seed=False)
    frame = _big_layer(2)
    frame.loc[0, "name_zh"] = "湖\x00泊"
    store.replace_layer("lakes", frame, user=OFFICIAL_USER, source="s", source_date="2026-01-01")
    assert store.read_layer("lakes")["name_zh"].tolist() == ["湖\x00泊", "湖"]


@pytest.mark.parametrize("statements, key", [
    # temp_file_limit exceeded is SQLSTATE 53400: out of a resource, as a full disk is
    (["SET LOCAL work_mem = '64kB'", "SET LOCAL temp_file_limit = '64kB'",
      "SELECT count(*) FROM (SELECT g FROM generate_series(1, 300000) g ORDER BY g DESC) s"],
     "store.err.full"),
    (["SELECT 1 / 0"], "store.err.data"),
    (["SELECT no_such_column FROM quotas"], "store.err.database"),
])
def test_postgis_failures_are_store_errors(make_store, statements, key):
    if make_store.backend != "postgis":
        pytest.skip("PostgreSQL SQLSTATEs")
    store = make_store()
    before = _snapshot(store)
    with pytest.raises(StoreError) as info, store.transaction() as tx:
        tx.execute("UPDATE quotas SET used_ha = used_ha + 0.5")
        for sql in statements:
            tx.execute(sql)
    assert info.value.key == key
    assert "{" not in error_text(info.value, "zh") and error_text(info.value, "en")
    assert _snapshot(store) == before  # the UPDATE before the failure was rolled back


def test_dem_versions_survive_a_refused_import(make_store, tmp_path):
    store = make_store(seed=False)
    v1 = import_user_dem(OFFICIAL_USER, _fine_dem(), tmp_path, store=store)
    with pytest.raises(StoreError):
        import_user_dem(OFFICIAL_USER, _fine_dem(4000), tmp_path, store=store, note="a\x00")
    assert [v.version for v in dem_versions(tmp_path, store)] == [v1.version]
