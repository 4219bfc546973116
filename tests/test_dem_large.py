"""DEMs at any size: refused from the header when too large for the machine, imported a
window at a time with overviews, drawn on the map at display resolution, local copies
bounded, and file-based DEMs of earlier releases moved into the store."""
from __future__ import annotations

import json
import resource
import time

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from geo.dem import DemError, check_grid, import_dem, max_dem_cells, read_dem
from geo.dem_versions import (CACHE_KEEP, current_dem_path, dem_cache_dir, dem_versions,
                              import_user_dem)
from geo.i18n import error_text
from layers.atlas_view import OVERLAY_MAX_PX, dem_overlay
from tests._stores import OFFICIAL_USER, make_store  # noqa: F401 -- fixture
from tests.test_dem import _tiff_bytes


def _declared_huge(path, rows=30_000, cols=30_000) -> bytes:
    """A valid, tiny GeoTIFF over Qinghai that declares rows × cols cells (sparse tiles)."""
    with rasterio.open(path, "w", driver="GTiff", height=rows, width=cols, count=1,
                       dtype="int16", crs="EPSG:4326", nodata=-32768, tiled=True,
                       blockxsize=256, blockysize=256, SPARSE_OK="TRUE", compress="deflate",
                       transform=from_origin(92.0, 38.0, 9.0 / cols, 9.0 / rows)) as dst:
        dst.write(np.full((256, 256), 3000, "int16"), 1,
                  window=rasterio.windows.Window(0, 0, 256, 256))
    return path.read_bytes()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_dem_declaring_30000_by_30000_cells_is_refused_before_reading(tmp_path, make_store):
    store = make_store(seed=False)
    data = _declared_huge(tmp_path / "huge.tif")
    assert len(data) < 1_000_000  # the header says 900 M cells; the file is tiny
    peak, started = _peak_rss_mb(), time.perf_counter()
    with pytest.raises(DemError) as info:
        import_user_dem(OFFICIAL_USER, data, tmp_path, store=store, source="huge.tif")
    assert time.perf_counter() - started < 10
    assert _peak_rss_mb() - peak < 300  # nothing near 900 M cells was allocated
    assert info.value.key == "dem.err.too_many_cells"
    zh, en = error_text(info.value, "zh"), error_text(info.value, "en")
    assert "30,000 × 30,000" in zh and "30,000 × 30,000" in en and "{" not in zh
    assert store.dems() == []
    with pytest.raises(DemError) as direct:  # reading the whole grid is refused the same way
        read_dem(tmp_path / "huge.tif")
    assert direct.value.key == "dem.err.too_many_cells"


def test_the_limit_follows_the_setting(monkeypatch):
    monkeypatch.setenv("QPA_DEM_MAX_CELLS", "1000")
    assert max_dem_cells() == 1000
    check_grid(10, 100)
    with pytest.raises(DemError):
        check_grid(10, 101)


def test_import_keeps_overviews_and_the_map_reads_display_resolution(tmp_path):
    rows, cols = 1500, 3000  # larger than the overlay on its long side
    y, x = np.mgrid[0:rows, 0:cols]
    elev = 3000 + 400 * np.sin(x / 90.0) * np.cos(y / 70.0)
    out = tmp_path / "fine.tif"
    info = import_dem(_tiff_bytes(elev, from_origin(95.0, 37.0, 0.001, 0.001)), out)
    assert info.shape == (rows, cols)
    with rasterio.open(out) as src:
        assert src.overviews(1)  # kept in the file
        assert src.block_shapes[0] == (512, 512)
    png, bounds, shown = dem_overlay(out)
    assert max(shown.elev.shape) == OVERLAY_MAX_PX
    assert shown.elev.shape[0] == pytest.approx(OVERLAY_MAX_PX * rows / cols, abs=1)
    assert bounds == pytest.approx(read_dem(out, max_size=100).bounds)
    assert bounds == pytest.approx((95.0, 35.5, 98.0, 37.0))
    assert len(png) < 4_000_000  # the full grid would be ~4.5 M cells
    assert np.nanmean(shown.elev) == pytest.approx(np.mean(elev), abs=5)


def test_local_copies_are_bounded(tmp_path, make_store):
    store = make_store(seed=False)
    for k in range(CACHE_KEEP + 3):
        elev = 3000 + k + np.zeros((20, 20))
        import_user_dem(OFFICIAL_USER, _tiff_bytes(elev, from_origin(96.0, 37.0, 0.01, 0.01)),
                        tmp_path, store=store)
    copies = list(dem_cache_dir(tmp_path).glob("v*.tif"))
    assert len(copies) <= CACHE_KEEP
    assert current_dem_path(tmp_path, store) in copies
    oldest = dem_versions(tmp_path, store)[0]
    assert not oldest.path.exists()  # dropped locally, kept in the store


def _old_release_files(data_dir):
    """DEM files as the file-based releases wrote them: dem/v<N>.tif + dem/v<N>.json."""
    folder = data_dir / "dem"
    folder.mkdir(parents=True)
    for n, (elev0, who) in enumerate([(3100.0, "li"), (3900.0, "wang")], start=1):
        elev = elev0 + np.zeros((30, 40))
        (folder / f"v{n}.tif").write_bytes(_tiff_bytes(elev, from_origin(96.0, 37.0, 0.01, 0.01)))
        (folder / f"v{n}.json").write_text(json.dumps({
            "created_at": f"2026-0{n}-01T00:00:00+00:00", "created_by": who,
            "source": f"srtm_{n}.tif", "note": "县界", "bounds": [96, 36.7, 96.4, 37],
            "shape": [30, 40], "cell_m": 1000.0}), encoding="utf-8")


def test_file_based_versions_move_into_the_store_once(tmp_path, make_store):
    store = make_store(seed=False)
    _old_release_files(tmp_path)
    got = dem_versions(tmp_path, store)
    assert [(v.version, v.created_by, v.source, v.action) for v in got] == [
        (1, "li", "srtm_1.tif", "migrate"), (2, "wang", "srtm_2.tif", "migrate")]
    assert got[0].created_at.startswith("2026-01-01") and "县界" in got[0].note
    assert np.nanmin(read_dem(current_dem_path(tmp_path, store)).elev) == pytest.approx(3900)
    assert sorted(p.name for p in (tmp_path / "dem").iterdir()) == ["migrated"]
    assert len(dem_versions(tmp_path, store)) == 2  # not migrated twice
    with rasterio.open(current_dem_path(tmp_path, store)) as src:
        assert src.block_shapes[0] == (512, 512)  # rewritten as a tiled COG


def test_the_local_copy_in_use_keeps_its_mtime(tmp_path, make_store):
    """The atlas caches its overlay on (path, mtime): reading the DEM in use must not
    change either, or every page run would redraw the terrain."""
    store = make_store(seed=False)
    import_user_dem(OFFICIAL_USER, _tiff_bytes(3000 + np.zeros((20, 20)),
                                               from_origin(96.0, 37.0, 0.01, 0.01)),
                    tmp_path, store=store)
    first = current_dem_path(tmp_path, store)
    stamp = first.stat().st_mtime_ns
    time.sleep(0.01)
    again = current_dem_path(tmp_path, store)
    assert again == first and again.stat().st_mtime_ns == stamp
