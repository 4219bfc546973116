"""An imported DEM that covers a small tile refines the bundled province DEM where it covers a
whole site; elsewhere the bundled DEM is still used: by one site's terrain check, by the bulk
path, and on the atlas (the province hillshade stays, the tile is drawn over it)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer
from rasterio.transform import from_origin

from geo import bundle
from geo.bulk import screen_bulk
from geo.checks import Project
from geo.checks.columns import column_value
from geo.checks.registry import registry
from geo.dem import cell_size_m, read_dem
from geo.dem_versions import imported_dem_path, import_user_dem, restore_dem
from geo.i18n import t
from geo.layers_index import ScreeningLayers
from geo.screen import screen_site
from geo.site_input import site_from_point
from tests._stores import OFFICIAL_USER, make_store, run_page  # noqa: F401 -- fixture
from tests.test_dem import _tiff_bytes

TILE_CENTRE = (101.735, 36.565)  # a 12 x 12 km tile near Xining
FAR = (94.9, 36.8)  # far west of the tile: only the bundled DEM has data there


def _tile_tiff(n: int = 400, cell_m: float = 30.0) -> bytes:
    """A GeoTIFF of ``n`` x ``n`` cells of ``cell_m`` in UTM 47N (EPSG:32647) around
    :data:`TILE_CENTRE`: a gentle plane from 2,300 m rising ~1° toward east."""
    x0, y0 = Transformer.from_crs(4326, 32647, always_xy=True).transform(*TILE_CENTRE)
    half = n * cell_m / 2
    cols = np.arange(n)[None, :].repeat(n, axis=0)
    elev = 2300.0 + 0.0175 * cell_m * cols
    return _tiff_bytes(elev, from_origin(x0 - half, y0 + half, cell_m, cell_m), crs="EPSG:32647")


@pytest.fixture
def imported(tmp_path, make_store):
    """(layers with the bundled and the imported DEM, layers with the bundled DEM only)."""
    store = make_store(seed=False)
    import_user_dem(OFFICIAL_USER, _tile_tiff(), tmp_path, source="tile.tif", store=store)
    local = imported_dem_path(tmp_path, store)
    assert local is not None
    bundled = read_dem(bundle.DEM_PATH)
    return (ScreeningLayers.from_frames(dem=bundled, local_dem=read_dem(local)),
            ScreeningLayers.from_frames(dem=bundled))


def _terrain(site, layers):
    return screen_site(site.geometry, Project(), layers).result("terrain")


def _dem_used_shown(res, lang: str) -> str:
    """The "DEM used" figure of the terrain result as the page and the report show it."""
    spec = next(s for s in registry() if s.id == "terrain")
    return column_value(next(c for c in spec.figures if c.key == "dem_used"), res.metrics, lang)


def test_a_site_inside_the_tile_is_measured_on_the_imported_dem(imported):
    layers, _ = imported
    res = _terrain(site_from_point(*TILE_CENTRE, 20.0), layers)
    assert res.metrics["dem_used"] == "imported"
    assert [_dem_used_shown(res, lang) for lang in ("zh", "en")] == \
        [t("dem.used.imported", lang) for lang in ("zh", "en")]
    assert res.metrics["cell_km"] < 0.05  # ~30 m cells, not the 0.2° overview's ~20 km
    assert res.data_used[0]["source"] == layers.local_dem.tags["source"]
    assert res.status == "PASS" and res.message_key == "chk.terrain.pass"
    assert 2300 < res.metrics["elev_mean"] < 2500


def test_a_site_outside_the_tile_keeps_the_bundled_dem(imported):
    """Before the fix the check answered "the DEM data cover 0% of the site"."""
    layers, bundled_only = imported
    site = site_from_point(*FAR, 20.0)
    res, before = _terrain(site, layers), _terrain(site, bundled_only)
    assert res.metrics.get("reason") != "no_coverage" and res.message_key != "chk.no_coverage"
    assert res.metrics["dem_used"] == "province"
    assert [_dem_used_shown(res, lang) for lang in ("zh", "en")] == \
        [t("dem.used.province", lang) for lang in ("zh", "en")]
    assert res.metrics["elev_mean"] == pytest.approx(before.metrics["elev_mean"])
    assert res.metrics["cell_km"] == pytest.approx(max(cell_size_m(layers.dem)) / 1000)
    assert res.data_used == before.data_used  # the bundled DEM's source is cited
    # it says the imported DEM does not cover the site, in both languages
    assert res.message_key == "chk.terrain.coarse_outside_import"
    for lang in ("zh", "en"):
        text = res.message(lang)
        assert f"{res.metrics['elev_mean']:,.0f}" in text and "{" not in text
    assert "does not cover the whole site" in res.message("en")


def test_a_site_across_the_tile_edge_uses_the_bundled_dem(imported):
    """Half of its cells lie outside the tile: the imported DEM does not cover the whole site,
    so it is not used for part of it (one DEM per site, the province one)."""
    layers, bundled_only = imported
    w, _, _, _ = layers.local_dem.bounds
    site = site_from_point(w, TILE_CENTRE[1], 20.0)
    res = _terrain(site, layers)
    assert res.metrics["dem_used"] == "province"
    assert res.metrics["elev_mean"] == pytest.approx(_terrain(site, bundled_only).metrics["elev_mean"])


def test_bulk_equals_per_site_with_an_imported_tile(imported):
    layers, _ = imported
    w = layers.local_dem.bounds[0]
    sites = [site_from_point(*TILE_CENTRE, 20.0), site_from_point(*FAR, 20.0),
             site_from_point(w, TILE_CENTRE[1], 20.0), site_from_point(101.70, 36.54, 5.0),
             site_from_point(100.0, 36.0, 50.0)]
    geoms = np.array([s.geometry for s in sites], dtype=object)
    bulk = screen_bulk(geoms, Project(), layers, checks=["terrain"])
    for i, site in enumerate(sites):
        ref = _terrain(site, layers)
        assert bulk.iloc[i]["terrain_status"] == ref.status
        assert bulk.iloc[i]["terrain_key"] == ref.message_key
        assert bulk.iloc[i]["terrain_dem_used"] == ref.metrics["dem_used"]
    assert list(bulk["terrain_key"]).count("chk.terrain.pass") == 2


def test_restoring_the_bundled_dem_leaves_no_imported_one(tmp_path, make_store):
    store = make_store(seed=False)
    assert imported_dem_path(tmp_path, store) is None
    import_user_dem(OFFICIAL_USER, _tile_tiff(40), tmp_path, store=store)
    assert imported_dem_path(tmp_path, store) is not None
    restore_dem(OFFICIAL_USER, tmp_path, None, store=store)
    assert imported_dem_path(tmp_path, store) is None


# --------------------------------------------------------------------------- atlas
_OVERLAY = re.compile(r"L\.imageOverlay\(\s*\"[^\"]*\",\s*(\[\[[^\]]*\],\s*\[[^\]]*\]\])")


def _overlay_bounds(at) -> list[tuple[float, float, float, float]]:
    """(west, south, east, north) of every image overlay of the atlas map, bottom first."""
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    out = []
    for m in _OVERLAY.finditer(script):
        (s, w), (n, e) = json.loads(m.group(1))
        out.append((w, s, e, n))
    return out


def test_the_atlas_keeps_the_province_hillshade_after_an_import(env):
    """The walk of the report: an official imports a 12 km tile on the data page; the atlas
    still draws the province's hillshade, and the tile over it within its own bounds."""
    data = run_page(str(Path(__file__).resolve().parent.parent / "pages" / "data.py"),
                    OFFICIAL_USER, "en")
    data.file_uploader(key="dem_upload").set_value(("tile.tif", _tile_tiff(), "image/tiff"))
    data.run()
    data.button(key="dem_import").click().run()
    assert not data.exception and not data.error, [e.value for e in data.error]
    atlas = run_page(str(Path(__file__).resolve().parent.parent / "pages" / "atlas.py"),
                     None, "en")
    atlas.run()  # the map's first report: the sidebar's widgets come with this run
    assert not atlas.exception, atlas.exception
    province, tile = _overlay_bounds(atlas)
    assert province == pytest.approx(read_dem(bundle.DEM_PATH).bounds)
    w, s, e, n = tile
    assert w < TILE_CENTRE[0] < e and s < TILE_CENTRE[1] < n and e - w < 0.2 and n - s < 0.2
    script = json.loads(atlas.get("component_instance")[0].proto.json_args)["script"]
    assert "qpa-dem-local" in script
    html = json.loads(atlas.get("component_instance")[0].proto.json_args)
    assert t("legend.dem_local", "en") in json.dumps(html, ensure_ascii=False)


def test_the_command_line_takes_a_local_dem_as_the_page_does(tmp_path):
    """python -m geo.screen --local-dem TILE.tif: the site inside the tile is measured on it (the
    walk found no way to give the command lines a finer DEM); a file that is not a GeoTIFF is
    the project's error, exit 2."""
    import pandas as pd

    from geo.screen import main

    tile = tmp_path / "tile.tif"
    tile.write_bytes(_tile_tiff())
    sites = tmp_path / "s.csv"
    sites.write_text(f"site_id,lon,lat,area_ha\nin,{TILE_CENTRE[0]},{TILE_CENTRE[1]},20\n"
                     f"far,{FAR[0]},{FAR[1]},20\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main([str(sites), "--product", "钾肥", "--out", str(out), "--local-dem", str(tile),
                 "--quiet"]) == 0
    rows = pd.read_csv(out)
    terrain = rows[rows["check"] == "terrain"].set_index("site_id")["status"]
    # the 30 m tile measures the slope of the site inside it; the 0.2° overview cannot
    assert terrain["in"] == "PASS" and terrain["far"] == "UNKNOWN"
    bad = tmp_path / "bad.tif"
    bad.write_bytes(b"not a tiff" * 10)
    assert main([str(sites), "--product", "钾肥", "--out", str(out), "--local-dem", str(bad),
                 "--quiet"]) == 2
