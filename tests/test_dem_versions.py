"""Imported DEMs: versions kept in the store, newest in use, restore as a new version,
officials only; on both backends."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from rasterio.transform import from_origin

from geo import bundle
from geo.auth import PermissionDenied
from geo.dem import DemError, read_dem
from geo.dem_versions import current_dem_path, dem_versions, import_user_dem, restore_dem
from geo.store import StoreError
from tests._stores import OFFICIAL_USER, VIEWER_USER, make_store  # noqa: F401 -- fixture
from tests.test_dem import _plane, _tiff_bytes


def _fine_dem(elev0: float = 3000.0) -> bytes:
    dem = _plane(6)
    return _tiff_bytes(dem.elev - 3000.0 + elev0, dem.transform)


@pytest.fixture
def store(make_store):
    return make_store(seed=False)


def test_bundled_dem_until_an_import(tmp_path, store):
    assert dem_versions(tmp_path, store) == []
    assert current_dem_path(tmp_path, store) == bundle.DEM_PATH


def test_imports_are_versions_and_the_newest_is_in_use(tmp_path, store):
    v1 = import_user_dem(OFFICIAL_USER, _fine_dem(3000), tmp_path, source="a.tif", store=store)
    v2 = import_user_dem(OFFICIAL_USER, _fine_dem(4000), tmp_path, source="b.tif", note="30 m",
                         store=store)
    assert (v1.version, v2.version) == (1, 2)
    assert current_dem_path(tmp_path, store) == v2.path
    assert [v.source for v in dem_versions(tmp_path, store)] == ["a.tif", "b.tif"]
    assert v2.created_by == OFFICIAL_USER.username and v2.note == "30 m"
    assert 100 < v2.cell_m < 120 and v2.shape == (60, 60)  # 0.001° cells
    assert np.nanmin(read_dem(v1.path).elev) < 3100 < 3900 < np.nanmin(read_dem(v2.path).elev)
    events = store.events()
    assert list(events["action"]).count("dem_import") == 2


def test_restore_copies_as_a_new_version_and_keeps_all(tmp_path, store):
    v1 = import_user_dem(OFFICIAL_USER, _fine_dem(3000), tmp_path, store=store)
    import_user_dem(OFFICIAL_USER, _fine_dem(4000), tmp_path, store=store)
    v1_elev = read_dem(v1.path).elev
    v3 = restore_dem(OFFICIAL_USER, tmp_path, 1, store=store)
    assert (v3.version, v3.restored_from) == (3, 1) and current_dem_path(tmp_path, store) == v3.path
    for p in (tmp_path / "dem_cache").glob("v*.tif"):
        p.unlink()  # as on another app server: the local copy is rebuilt from the store
    assert np.array_equal(read_dem(current_dem_path(tmp_path, store)).elev, v1_elev,
                          equal_nan=True)
    v4 = restore_dem(OFFICIAL_USER, tmp_path, None, store=store)  # back to the bundled overview
    assert "bundled" in v4.source
    assert read_dem(current_dem_path(tmp_path, store)).elev.shape == \
        read_dem(bundle.DEM_PATH).elev.shape
    assert [v.version for v in dem_versions(tmp_path, store)] == [1, 2, 3, 4]
    with pytest.raises(StoreError, match="one of") as info:
        restore_dem(OFFICIAL_USER, tmp_path, 9, store=store)
    assert info.value.key == "dem.err.no_version"


@pytest.mark.parametrize("who", [None, VIEWER_USER, "official", {"role": "official"}])
def test_viewer_cannot_import_or_restore(tmp_path, store, who):
    with pytest.raises(PermissionDenied):
        import_user_dem(who, _fine_dem(), tmp_path, store=store)
    with pytest.raises(PermissionDenied):
        restore_dem(who, tmp_path, None, store=store)
    assert store.dems() == []


@pytest.mark.parametrize("data, message", [
    (b"II*\x00 broken", "not a readable GeoTIFF"),
    (_tiff_bytes(np.ones((10, 10)), from_origin(116.0, 40.0, 0.01, 0.01)), "outside Qinghai"),
])
def test_bad_file_leaves_versions_unchanged(tmp_path, store, data, message):
    v1 = import_user_dem(OFFICIAL_USER, _fine_dem(), tmp_path, store=store)
    before = sorted(p.name for p in (tmp_path / "dem_cache").iterdir())
    with pytest.raises(DemError, match=message):
        import_user_dem(OFFICIAL_USER, data, tmp_path, store=store)
    assert sorted(p.name for p in (tmp_path / "dem_cache").iterdir()) == before
    assert current_dem_path(tmp_path, store) == v1.path and len(store.dems()) == 1


def test_concurrent_imports_get_distinct_versions(tmp_path, store):
    data = _fine_dem()
    got, errors = [], []

    def work():
        try:
            got.append(import_user_dem(OFFICIAL_USER, data, tmp_path, store=store).version)
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and sorted(got) == list(range(1, 9))
    assert [v.version for v in dem_versions(tmp_path, store)] == list(range(1, 9))
