"""A map a person can read, checked without a browser: names, terrain, colours, chrome."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
from affine import Affine
from streamlit_folium import _get_map_string

from geo import palette
from geo.dem import Dem, hillshade, read_dem
from geo import bundle
from geo.i18n import t
from geo.sources import BundleSource
from layers.atlas_view import prepare_layer
from layers.chain_map import ranking_map
from layers.labels import COUNTY_SEATS, MIN_ZOOM, PREFECTURE_SEATS, place_labels
from layers.registry import RenderContext
from layers.render import QINGHAI_BOUNDS, _rows_to_mercator, build_map, display_dem
from layers.site_view import site_map


def _script(m) -> str:
    m.get_root().render()
    return _get_map_string(m)


# ----------------------------------------------------------------------------- place names
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_seat_and_base_is_named(lang):
    labels = place_labels(BundleSource(), lang)
    by_rank = {r: [lab for lab in labels if lab[3] == r] for r in MIN_ZOOM}
    seats = {lab[2] for lab in by_rank[1]}
    assert seats == {v[1] if lang == "zh" else v[2] for v in PREFECTURE_SEATS.values()}
    assert len(by_rank[2]) == len(COUNTY_SEATS)
    assert len(by_rank[3]) == 15  # every base
    assert len(by_rank[4]) > 100  # towns for the close zooms
    w, s, e, n = QINGHAI_BOUNDS
    assert all(w <= lab[0] <= e and s <= lab[1] <= n for lab in labels)
    if lang == "en":  # no Chinese in the English labels of seats and bases
        assert not [lab for lab in labels if lab[3] <= 3 and re.search(r"[\u4e00-\u9fff]", lab[2])]


def test_seats_without_a_gazetteer_point_are_area_labels_not_invented_points():
    labels = place_labels(BundleSource(), "zh")
    minhe = next(lab for lab in labels if lab[2] == "民和")
    assert minhe[4] == 1  # drawn as an area name (no dot), inside the county
    counties = bundle.read_layer("admin_county")
    geom = counties.loc[counties["adcode"] == "630222"].geometry.iloc[0]
    import shapely

    assert geom.contains(shapely.Point(minhe[0], minhe[1]))
    xining = next(lab for lab in labels if lab[2] == "西宁" and lab[3] == 1)
    assert xining[4] == 0 and abs(xining[0] - 101.757) < 0.01  # GeoNames point, with a dot


def test_names_are_on_every_map_and_not_interactive():
    ctx = RenderContext(lang="en")
    bases = prepare_layer("bases", ctx, 6)
    for m in (build_map([bases], ctx), ranking_map(_ranked(), "en", bases), site_map(ctx)):
        js = _script(m)
        assert "qpa-label-r" in js and "interactive: false" in js
        assert "Xining" in js
        assert "qpa-admin_province" in js  # the province outline on every map


def _ranked():
    import pandas as pd

    return pd.DataFrame({"rank": [1], "name_zh": ["甘河"], "name_en": ["Ganhe"], "score": [0.5],
                         "lat": [36.5], "lon": [101.5]})


# ----------------------------------------------------------------------------- terrain
def test_display_dem_is_smooth_and_keeps_its_place():
    dem = read_dem(bundle.DEM_PATH)
    shown = display_dem(dem, 720)
    assert max(shown.elev.shape) == 720
    assert np.allclose(shown.bounds, dem.bounds)
    # the blocky grid jumps by whole cells between neighbouring screen pixels; the
    # resampled one changes gradually: its largest step is a fraction of the grid's
    step_old = np.nanmax(np.abs(np.diff(dem.elev, axis=1)))
    step_new = np.nanmax(np.abs(np.diff(shown.elev, axis=1)))
    assert step_new < step_old / 4
    # shading a 0.2 degree grid shown at ~10x: no cell edges (no zero-gradient plateaus)
    shade = hillshade(shown)
    flat_runs = np.mean(np.abs(np.diff(shade, axis=1)) < 1e-9)
    assert flat_runs < 0.05


def test_display_dem_keeps_no_data_holes():
    elev = np.full((10, 20), 3000.0)
    elev[2:4, 5:8] = np.nan
    dem = Dem(elev=elev, transform=Affine(0.2, 0, 90, 0, -0.2, 39), tags={})
    shown = display_dem(dem, 200)
    assert np.isnan(shown.elev).any() and not np.isnan(shown.elev).all()
    assert np.isnan(shown.elev[25, 65])  # inside the hole (rows 2-4, cols 5-8 of 10x20)


def test_rows_follow_web_mercator():
    north, south = 39.5, 31.1
    h = 841
    lat_rows = np.linspace(north, south, h)
    rgba = np.zeros((h, 1, 4), dtype=np.uint8)
    target = 35.0
    rgba[np.argmin(np.abs(lat_rows - target)), 0] = 255
    out = _rows_to_mercator(rgba, north, south)

    def merc(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    expected = (merc(north) - merc(target)) / (merc(north) - merc(south)) * (h - 1)
    assert abs(int(np.argmax(out[:, 0, 3])) - expected) <= 1.5
    linear = (north - target) / (north - south) * (h - 1)
    assert abs(expected - linear) > 5  # the correction matters at this size


# ----------------------------------------------------------------------------- colours
def test_chart_colours_are_keyed_by_id_not_label():
    ids = ["used_ha", "reserved_ha", "remaining_ha"]
    assert palette.series_colors(ids) == [palette.QUOTA_SERIES[i] for i in ids]
    assert len(set(palette.series_colors(ids))) == 3
    with pytest.raises(KeyError):
        palette.series_colors([t("f.used", "zh")])  # a translated label is not a key


def _rgb(hex_: str) -> np.ndarray:
    return np.array([int(hex_[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def test_site_colour_is_far_from_every_layer_colour():
    others = [*palette.TIER.values(), *palette.REDLINE.values(), *palette.MINERAL.values(),
              *palette.QUOTA_RAMP, *palette.STATUS.values(), palette.OVERLAP, palette.BUILDABLE,
              *palette.WATER.values(), *palette.SALT_LAKE.values()]
    assert min(np.linalg.norm(_rgb(palette.SITE) - _rgb(c)) for c in others) > 70
    # and nowhere near the red of a 千亿 base (the site was drawn in it before)
    assert np.linalg.norm(_rgb(palette.SITE) - _rgb(palette.TIER["千亿"])) > 150
    assert np.linalg.norm(_rgb(palette.OVERLAP) - _rgb(palette.TIER["千亿"])) > 90


def test_site_is_in_the_legend_in_both_languages():
    from shapely.geometry import box

    for lang in ("zh", "en"):
        js = _script(site_map(RenderContext(lang=lang), box(101.7, 36.5, 101.72, 36.52)))
        assert t("legend.site", lang) in js
        assert palette.SITE in js


# ----------------------------------------------------------------------------- chrome
def test_map_chrome_in_the_users_language():
    js_zh = _script(build_map([], RenderContext(lang="zh")))
    assert "setPrefix" in js_zh and "Ukraine" not in js_zh
    assert t("map.zoom_in", "zh") in js_zh and t("draw.polygon", "zh") in js_zh
    assert "overlayadd overlayremove" in js_zh  # the legend follows the layers
    assert '"collapsed": true' in js_zh and '"position": "topleft"' in js_zh
    js_en = _script(build_map([], RenderContext(lang="en")))
    assert t("draw.polygon", "en") in js_en and t("draw.polygon", "zh") not in js_en


def test_click_mode_leaves_every_click_to_the_map():
    from shapely.geometry import box

    ctx = RenderContext(lang="zh")
    site = box(101.7, 36.5, 101.72, 36.52)
    live = _script(site_map(ctx, site))
    click = _script(site_map(ctx, site, click=True))
    assert "bindPopup" in live and "bindPopup" not in click
    assert '"interactive":false' in click.replace(" ", "")
    assert '"interactive":true' not in click.replace(" ", "")


def test_chain_and_batch_legends_follow_their_groups():
    import folium

    from layers.suitability_view import sites_legend

    js = _script(ranking_map(_ranked(), "zh"))
    assert t("chains.layer.ranking", "zh") in js
    m = build_map([], RenderContext(lang="zh"))
    group = folium.FeatureGroup(name="x").add_to(m)
    sites_legend("zh", group).add_to(m)
    script = _script(m)
    legend = script[script.index('"qpa-sites-legend"') - 2000:]
    assert group.get_name() in legend  # the row is tied to the group it describes


@pytest.mark.parametrize("measure", ["remaining_share", "remaining_ha"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_quota_legend_shows_every_colour_the_polygons_use(lang, measure):
    """Each polygon of the quota map is drawn in a colour its legend shows, next to that colour's
    range (red is little remaining, blue much; grey no quota): the legend is the ramp, in order."""
    from layers.map_chrome import legend_row
    from layers.registry import LAYERS
    from layers.styles import ramp_color

    ctx = RenderContext(lang=lang, quota_measure=measure)
    spec = next(s for s in LAYERS if s.id == "quotas")
    items = spec.legend_items(ctx)
    assert [i.color for i in items] == [*palette.QUOTA_RAMP, palette.NO_DATA]
    for i, item in enumerate(items[:-1]):  # the middle of each step is drawn in its colour
        assert ramp_color((i + 0.5) / len(palette.QUOTA_RAMP)) == item.color
    rows = [legend_row(item, lang) for item in items]
    assert "0" in rows[0] and "20" in rows[0] and "80" in rows[-2] and "100" in rows[-2]
    assert ("剩余比例" in rows[0]) == (lang == "zh" and measure == "remaining_share")
    drawn = prepare_layer("quotas", ctx, detail=6)
    fills = {style["fillColor"] for style in drawn.styles.values()}
    assert fills and fills <= {i.color for i in items}
