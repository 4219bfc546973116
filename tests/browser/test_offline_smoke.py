"""The folium map renders with no internet.

Unit checks (no browser, marked ``offline``) of layers.offline, and a browser
smoke test (marked ``browser``) that opens tests/browser/smoke_app.py in Chromium
with every non-local request aborted.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import folium
import folium.plugins as plugins
import pytest
from playwright.sync_api import expect
from branca.colormap import ColorMap, LinearColormap

from layers import offline
from layers.offline import (
    STATIC_DIR,
    STATIC_URL,
    OfflineAssetError,
    OfflineColorMap,
    assert_no_cdn,
    find_external_urls,
    make_offline,
    new_map,
    offline_css,
    offline_js,
    offline_plugin,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SMOKE_APP = Path(__file__).with_name("smoke_app.py")

SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "id": "a", "properties": {"name": "a"},
         "geometry": {"type": "Polygon", "coordinates": [[[95, 36], [96, 36], [96, 37], [95, 37], [95, 36]]]}},
    ],
}

ALL_PLUGINS = [
    lambda: plugins.Draw(),
    lambda: plugins.MeasureControl(),
    lambda: plugins.Fullscreen(),
    lambda: plugins.MarkerCluster(),
    lambda: plugins.MiniMap(),
]


def _local_file(url: str) -> Path:
    assert url.startswith(STATIC_URL + "/"), url
    return STATIC_DIR / url[len(STATIC_URL) + 1:]


def _full_map() -> folium.Map:
    m = new_map(location=[36.5, 96.0], zoom_start=6)
    gj = folium.GeoJson(SQUARE, name="square").add_to(m)
    for make in ALL_PLUGINS:
        make().add_to(m)
    plugins.Search(layer=gj, search_label="name").add_to(m)
    folium.Marker([36.5, 96], icon=folium.Icon(icon="info-sign", angle=30)).add_to(m)
    LinearColormap(["red", "blue"], vmin=0, vmax=1, caption="legend").add_to(m)
    folium.LayerControl().add_to(m)
    return make_offline(m)


# ----------------------------------------------------------------------- unit checks

@pytest.mark.offline
def test_offline_defaults_match_folium_names_and_exist():
    names = [n for n, _ in offline_js()]
    assert names[:2] == ["leaflet", "leaflet_icon_path"]
    assert [n for n in names if n != "leaflet_icon_path"] == [n for n, _ in folium.Map.default_js]
    assert [n for n, _ in offline_css()] == [n for n, _ in folium.Map.default_css]
    for _, url in offline_js() + offline_css():
        assert _local_file(url).is_file(), url


@pytest.mark.offline
def test_every_mapped_cdn_asset_is_vendored():
    for cdn, rel in offline.CDN_TO_LOCAL.items():
        assert (STATIC_DIR / rel).is_file(), f"{cdn} -> static/vendor/{rel} missing"


@pytest.mark.offline
def test_css_relative_urls_resolve_to_vendored_files():
    """Images/fonts referenced by vendored CSS exist (woff2/woff only for fonts)."""
    missing = []
    for css in STATIC_DIR.rglob("*.css"):
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css.read_text(errors="replace")):
            if ref.startswith(("data:", "#")) or "://" in ref:
                continue
            target = (css.parent / ref.split("?")[0].split("#")[0]).resolve()
            if not target.is_file():
                missing.append(f"{css.relative_to(STATIC_DIR)} -> {ref}")
    assert not missing, missing


@pytest.mark.offline
def test_vendor_size_is_modest():
    total = sum(p.stat().st_size for p in STATIC_DIR.rglob("*") if p.is_file())
    assert total < 3_000_000, total


@pytest.mark.offline
def test_make_offline_rewrites_map_and_plugins_without_touching_classes():
    cls_js = list(plugins.Draw.default_js)
    m = _full_map()
    assert m.default_js == offline_js() and m.default_css == offline_css()
    seen = 0
    for _, _, el in offline._walk(m):
        for _, url in list(getattr(el, "default_js", [])) + list(getattr(el, "default_css", [])):
            assert _local_file(url).is_file(), (type(el).__name__, url)
            seen += 1
    assert seen >= 12
    # class-level defaults stay as folium ships them (other maps are unaffected)
    assert plugins.Draw.default_js == cls_js
    assert folium.Map.default_js[0][1].startswith("https://")
    # idempotent
    assert make_offline(m) is m and m.default_js == offline_js()


@pytest.mark.offline
def test_rendered_html_has_no_cdn_and_legend_uses_local_d3():
    html = _full_map().get_root().render()
    assert_no_cdn(html)
    assert f"{STATIC_URL}/d3/d3.min.js" in html
    assert "d3.svg.axis" in html  # the colour-map legend script is still rendered


@pytest.mark.offline
def test_colormap_is_wrapped_for_streamlit_folium():
    m = _full_map()
    kinds = [type(el) for _, _, el in offline._walk(m)]
    assert OfflineColorMap in kinds
    assert not any(issubclass(k, ColorMap) for k in kinds)


@pytest.mark.offline
def test_choropleth_legend_is_offline():
    import pandas as pd

    m = new_map(location=[36.5, 96.0], zoom_start=6)
    folium.Choropleth(
        geo_data=SQUARE, data=pd.DataFrame({"id": ["a"], "v": [1.0]}),
        columns=["id", "v"], key_on="feature.id", name="choropleth",
    ).add_to(m)
    make_offline(m)
    assert_no_cdn(m.get_root().render())


@pytest.mark.offline
def test_unvendored_plugin_raises_naming_the_asset():
    m = folium.Map(tiles=None)
    plugins.TimestampedGeoJson({"type": "FeatureCollection", "features": []}).add_to(m)
    with pytest.raises(OfflineAssetError, match=r"jquery-ui|jqueryui"):
        make_offline(m)


@pytest.mark.offline
def test_offline_plugin_subclass():
    Draw = offline_plugin(plugins.Draw)
    assert all(u.startswith(STATIC_URL) for _, u in Draw.default_js + Draw.default_css)
    assert issubclass(Draw, plugins.Draw)


@pytest.mark.offline
def test_assert_no_cdn_catches_plain_folium():
    html = folium.Map().get_root().render()
    with pytest.raises(AssertionError, match="cdn.jsdelivr.net"):
        assert_no_cdn(html)
    assert any("code.jquery.com" in u for u in find_external_urls(html))
    assert_no_cdn('<script src="/app/static/vendor/leaflet/leaflet.js"></script>')
    with pytest.raises(AssertionError):
        assert_no_cdn('<link rel="stylesheet" href="//example.org/x.css"/>')


@pytest.mark.offline
def test_default_basemap_is_none_and_online_basemaps_are_optional():
    def tile_layers(m):
        return [el for _, _, el in offline._walk(m) if isinstance(el, folium.TileLayer)]

    assert tile_layers(new_map()) == []
    osm = tile_layers(new_map(basemap="osm"))
    assert len(osm) == 1 and "openstreetmap" in osm[0].tiles
    tdt = tile_layers(new_map(basemap="tianditu", tianditu_key="KEY"))
    assert len(tdt) == 2 and all("tianditu.gov.cn" in t.tiles and "tk=KEY" in t.tiles for t in tdt)
    with pytest.raises(ValueError):
        new_map(basemap="tianditu")
    with pytest.raises(ValueError):
        new_map(basemap="google")


@pytest.mark.offline
def test_streamlit_folium_is_given_only_local_links(monkeypatch):
    """What st_folium hands to its component iframe: css_links/js_links and header."""
    import streamlit_folium

    captured = {}

    def fake_component(**kwargs):
        captured.update(kwargs)
        return None

    monkeypatch.setattr(streamlit_folium, "_component_func", fake_component)
    streamlit_folium.st_folium(_full_map(), height=400, returned_objects=[])
    links = captured["js_links"] + captured["css_links"]
    assert links, "no links passed to the component"
    for url in links:
        assert _local_file(url).is_file(), url
    assert f"{STATIC_URL}/leaflet/leaflet.js" == captured["js_links"][0]
    assert_no_cdn(captured["header"] + captured["html"] + captured["script"])


@pytest.mark.offline
def test_streamlit_config_enables_static_serving():
    cfg = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["enableStaticServing"] is True
    assert cfg["server"]["headless"] is True
    assert cfg["browser"]["gatherUsageStats"] is False


# ----------------------------------------------------------------------- browser

@pytest.mark.browser
def test_offline_map_renders_in_chromium(streamlit_server, browser_page, find_map_frame, screenshot):
    base = streamlit_server(SMOKE_APP)
    page = browser_page
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))

    # static serving works for the vendored files
    r = page.request.get(f"{base}{STATIC_URL}/leaflet/leaflet.js")
    assert r.status == 200 and "javascript" in r.headers.get("content-type", ""), r.headers

    page.goto(base, wait_until="domcontentloaded")
    page.get_by_text("smoke-app-ready").wait_for(timeout=60_000)
    frame = find_map_frame(page)
    frame.wait_for_function(
        "document.querySelectorAll('path.leaflet-interactive').length >= 3", timeout=30_000
    )
    frame.wait_for_selector(".legend svg", timeout=15_000)  # d3 legend drawn
    page.wait_for_timeout(500)  # let late asset requests (fonts, images) settle
    shot = screenshot(page, "offline_smoke")

    expect(frame.locator("path.leaflet-interactive")).to_have_count(3)
    expect(frame.locator(".leaflet-control-layers")).to_have_count(1)
    expect(frame.locator(".leaflet-draw").first).to_be_attached()
    expect(frame.locator(".awesome-marker i.glyphicon-info-sign")).to_have_count(1)
    assert frame.evaluate("""() => document.fonts.check('12px "Glyphicons Halflings"')""")
    expect(frame.locator(".leaflet-tile")).to_have_count(0)  # no basemap by default

    assert page.blocked_urls == [], f"external requests were made: {page.blocked_urls}"
    vendor_reqs = [u for u in requested if f"{STATIC_URL}/" in u]
    for must in ("leaflet/leaflet.js", "leaflet-draw/leaflet.draw.js", "d3/d3.min.js", "leaflet/leaflet.css"):
        assert any(u.endswith(must) for u in vendor_reqs), (must, vendor_reqs)
    load_errors = [
        e for e in page.console_errors
        if re.search(r"Failed to load|ERR_|net::|Refused to|is not defined|Unexpected token", e)
    ]
    assert load_errors == [], (load_errors, page.http_errors)
    assert page.http_errors == [], page.http_errors
    assert [f for f in page.failed_requests if STATIC_URL in f] == []
    assert page.page_errors == [], page.page_errors
    assert shot.is_file() and shot.stat().st_size > 10_000


@pytest.mark.browser
def test_warm_up_runs_the_app_inside_a_started_server(streamlit_server):
    """scripts/warm_up.py (run by scripts/app.sh) opens a session as a browser does and the
    app's default page runs to the end inside the server, building its caches."""
    import subprocess
    import sys

    base = streamlit_server(REPO_ROOT / "streamlit_app.py")
    done = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "warm_up.py"), base,
                           "--lang", "zh"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "FINISHED_SUCCESSFULLY" in done.stderr


@pytest.mark.offline
def test_warm_up_gives_up_on_a_server_that_does_not_answer():
    import socket
    import subprocess
    import sys

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "warm_up.py"),
                           f"http://127.0.0.1:{port}", "--timeout", "1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "did not answer" in done.stderr
