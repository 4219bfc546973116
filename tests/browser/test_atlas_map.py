"""What a person sees on the maps, in headless Chromium with no internet.

The atlas: every layer drawn offline, place names at zoom 12 in both languages, a
collapsed layer control and a legend that stay off the eastern bases, a legend that
follows the layers switched on, the elevation scale, no Deploy menu, an attribution
without Leaflet's flag, the online-basemap note. The site check: in click mode a click
on a red line places the site (the red line does not swallow the click).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import shapely
from playwright.sync_api import expect

from geo import bundle
from geo.i18n import t
from layers.atlas_view import detail_zoom
from scripts.local_browser import frame_where
from tests.browser.helpers import app_idle, choose, map_reported

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
EXPANDED = re.compile(r"\bleaflet-control-layers-expanded\b")


def _map_where(page, js: str, arg=None, timeout_s: float = 30.0):
    """The map frame in which ``js`` (a function of ``arg``) is true (every frame polled: a
    Streamlit rerun may replace the map's iframe at any time)."""
    frame = frame_where(page, lambda f: f.query_selector(".leaflet-container")
                        and f.evaluate(js, arg), timeout_s)
    if frame is None:
        raise AssertionError(f"no map frame where {js} after {timeout_s:.0f} s")
    return frame


def _expect_paths(frame, layer: str, n: int) -> None:
    """The map draws ``n`` paths of ``layer`` (``path.qpa-<layer>``), waited for."""
    expect(frame.locator(f"path.qpa-{layer}")).to_have_count(n)


def _open(page, streamlit_server, find_map_frame, path: str = ""):
    page.set_viewport_size({"width": 1280, "height": 1400})  # the whole map on screen, no scrolling
    page.goto(streamlit_server(APP) + path, wait_until="domcontentloaded")
    frame = find_map_frame(page)
    frame.wait_for_function("document.querySelectorAll('path.qpa-bases').length >= 15", timeout=60_000)
    return frame


@pytest.fixture
def atlas(streamlit_server, browser_page, find_map_frame):
    page = browser_page
    return page, _open(page, streamlit_server, find_map_frame)


def _atlas_in_english(page, streamlit_server):
    """Choose English on the quota page, then open the atlas from the sidebar.

    (Switching language on the atlas itself is issue 13 item 1, helper h1-pages; this
    path does not depend on it.)"""
    page.goto(streamlit_server(APP) + "/quotas", wait_until="domcontentloaded")
    page.get_by_text("English", exact=True).click()
    page.get_by_role("link", name=t("page.atlas", "en")).click()
    expect(page.get_by_role("heading", name=t("app.title", "en"))).to_be_visible(timeout=30_000)
    return _map_where(page, "txt => !!document.querySelector('#qpa-legend') && "
                      "document.querySelector('#qpa-legend').textContent.includes(txt) && "
                      "document.querySelectorAll('path.qpa-bases').length >= 15",
                      t("legend.title", "en"), timeout_s=60)


def _box(frame, selector: str) -> dict:
    """Bounding box of ``selector`` in the frame, in page pixels."""
    return frame.locator(selector).first.bounding_box()


def _overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_the_map_comes_first_then_the_controls_by_themselves(streamlit_server, browser_page,
                                                            find_map_frame):
    """A visitor opening the atlas sees the map; the sidebar's controls follow with no action
    of theirs, in the language of the link, and the map already painted stays (not drawn
    again); they work at once."""
    page = browser_page
    frame = _open(page, streamlit_server, find_map_frame, "/?lang=en&basemap=osm")
    frame.evaluate("() => { window.__paintedOnce = true; }")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("radiogroup").first).to_be_visible(timeout=30_000)
    expect(sidebar.get_by_text(t("app.controls_loading", "en"))).to_have_count(0)
    expect(sidebar.get_by_role("radio", name=t("basemap.osm", "en"))).to_be_checked()
    assert frame.evaluate("() => window.__paintedOnce === true")  # the same map document
    choose(page, t("ctl.search", "en"), re.compile("Qarhan|察尔汗"))
    _map_where(page, "() => window.map && window.map.getZoom() >= 8", timeout_s=60)


def test_the_controls_come_even_if_the_map_never_reports(streamlit_server, browser_page):
    """With the map component's script refused (the map never draws, never reports), the
    sidebar's controls still come, by the page's own timer, and work."""
    page = browser_page
    page.route(re.compile(r".*/component/streamlit_folium[^/]*/.*\.js(\?.*)?$"),
               lambda route: route.abort())
    page.goto(streamlit_server(APP) + "/?lang=zh", wait_until="domcontentloaded")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(t("app.controls_loading", "zh"))).to_be_visible(timeout=60_000)
    expect(sidebar.get_by_role("radiogroup").first).to_be_visible(timeout=30_000)
    expect(sidebar.get_by_text(t("app.controls_loading", "zh"))).to_have_count(0)
    sidebar.get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name=t("app.title", "en"))).to_be_visible(timeout=30_000)


def test_all_layers_drawn_offline(atlas, screenshot):
    page, frame = atlas
    _expect_paths(frame, "bases", 15)
    _expect_paths(frame, "bases-pin", 15)  # pins keep small bases visible at province zoom
    _expect_paths(frame, "admin_prefecture", len(bundle.read_layer("admin_prefecture")))
    _expect_paths(frame, "redlines", len(bundle.read_layer("redlines")))
    _expect_paths(frame, "salt_lakes", len(bundle.read_layer("salt_lakes")))
    _expect_paths(frame, "deposits", len(bundle.read_layer("deposits")))
    _expect_paths(frame, "lakes", len(bundle.read_layer("lakes")))
    expect(frame.locator("img.leaflet-image-layer")).to_have_count(1)  # DEM hillshade
    _expect_paths(frame, "admin_county", 0)  # off by default, listed in the control
    legend = frame.locator("#qpa-legend")
    expect(legend).to_be_visible()
    for key in ("legend.title", "legend.tier_1000", "legend.elev_scale"):
        expect(legend).to_contain_text(t(key, "zh"))
    expect(legend).to_contain_text("5600")  # the elevation ramp's metres
    expect(frame.locator(".leaflet-tile")).to_have_count(0)  # basemap "none": nothing fetched
    screenshot(page, "atlas_map")
    assert page.blocked_urls == [], page.blocked_urls
    assert page.page_errors == [], page.page_errors


def test_layer_control_collapsed_and_off_the_eastern_bases(atlas):
    page, frame = atlas
    control = frame.locator(".leaflet-control-layers")
    expect(control).to_have_count(1)
    expect(control).not_to_have_class(EXPANDED)  # collapsed at first
    expect(frame.locator(".leaflet-control-layers-list")).to_be_hidden()
    pins = [h.bounding_box() for h in frame.locator("path.qpa-bases-pin").element_handles()]
    assert len(pins) == 15
    legend = _box(frame, "#qpa-legend")
    assert not [p for p in pins if _overlaps(p, legend)], "the legend covers a base"
    control.hover()  # opens as a person points at it
    expect(control).to_have_class(EXPANDED)
    expect(frame.locator(".leaflet-control-layers-list")).to_be_visible()
    opened = _box(frame, ".leaflet-control-layers")
    covered = [p for p in pins if _overlaps(p, opened)]
    assert covered == [], f"the open layer control covers {len(covered)} base(s)"
    assert frame.locator(".leaflet-control-layers-toggle").get_attribute("title") == t("map.layers", "zh")


def test_toggling_a_layer_hides_it_and_its_legend_rows(atlas):
    page, frame = atlas
    legend = frame.locator("#qpa-legend")
    important = legend.locator(".qpa-legend-row", has_text=t("legend.important", "zh"))
    county = legend.locator(".qpa-legend-row", has_text=t("layer.admin_county", "zh"))
    expect(important).to_be_visible()
    expect(county).to_be_hidden()  # the county layer is off: its row is not listed
    frame.locator(".leaflet-control-layers").hover()
    label = frame.locator(".leaflet-control-layers-overlays label")
    label.filter(has_text=t("layer.deposits", "zh")).locator("input").uncheck()
    frame.wait_for_function("document.querySelectorAll('path.qpa-deposits').length === 0", timeout=10_000)
    expect(important).to_be_hidden()
    label.filter(has_text=t("layer.admin_county", "zh")).locator("input").check()
    frame.wait_for_function("document.querySelectorAll('path.qpa-admin_county').length === 45", timeout=10_000)
    expect(county).to_be_visible()
    # the quota choropleth (from the ledger in the store): one polygon per base
    label.filter(has_text=t("layer.quotas", "zh")).locator("input").check()
    frame.wait_for_function("document.querySelectorAll('path.qpa-quotas').length === 15", timeout=10_000)
    expect(legend.locator(".qpa-legend-row", has_text=t("legend.quota_share_step", "zh", lo=0, hi=20))
           ).to_be_visible()


_OVERLAPS = """() => {
  const r = [...document.querySelectorAll('.qpa-label')].filter(e => e.style.visibility !== 'hidden')
    .map(e => e.firstChild.getBoundingClientRect());
  let n = 0;
  for (let i = 0; i < r.length; i++) for (let j = 0; j < i; j++) {
    const a = r[i], b = r[j];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++; }
  return n; }"""


def test_place_names_do_not_overlap(atlas):
    page, frame = atlas
    expect(frame.locator(".qpa-label").first).to_be_visible()
    frame.wait_for_function(f"({_OVERLAPS})() === 0", timeout=10_000)
    frame = map_reported(page)  # the page has the map's first view: no rerun is due
    app_idle(page)
    zoom = frame.evaluate("window.map_div.getZoom()")
    for _ in range(3):  # one step in: names declutter again
        frame.locator(".leaflet-control-zoom-in").click()
        try:
            frame = map_reported(page, "v.zoom >= arg", zoom + 1, timeout_s=20)
            break
        except AssertionError:  # the click met a redraw and was lost: click again
            app_idle(page)
            frame = map_reported(page)
    else:
        raise AssertionError(f"three clicks on zoom-in left the map at zoom {zoom}")
    # the zoom the map started at is the measure (the fitted view is fractional: 6.25 here)
    try:
        _map_where(page, f"(z) => window.map_div.getZoom() >= z && ({_OVERLAPS})() === 0", zoom + 1)
    except AssertionError:
        raise AssertionError(f"names overlap after zooming in from {zoom}: {_overlap_report(page)}"
                             ) from None


_OVERLAP_PAIRS = """() => {
  const els = [...document.querySelectorAll('.qpa-label')].filter(e => e.style.visibility !== 'hidden');
  const r = els.map(e => e.firstChild.getBoundingClientRect());
  const out = [];
  for (let i = 0; i < r.length; i++) for (let j = 0; j < i; j++) {
    const a = r[i], b = r[j];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
      out.push([els[i].textContent, els[j].textContent, Math.round(a.left), Math.round(a.top),
                Math.round(b.left), Math.round(b.top)]); }
  return {zoom: window.map_div.getZoom(), labels: els.length,
          all: document.querySelectorAll('.qpa-label').length, pairs: out.slice(0, 8)}; }"""


def _overlap_report(page) -> list:
    """What each map frame shows: its zoom, its labels and the pairs of names that overlap."""
    out = []
    for frame in page.frames:
        try:
            if frame.query_selector(".leaflet-container"):
                out.append(frame.evaluate(_OVERLAP_PAIRS))
        except Exception as exc:  # noqa: BLE001 -- a frame detached meanwhile
            out.append(repr(exc)[:80])
    return out


def test_a_map_drawn_narrow_is_fitted_again_when_it_widens(streamlit_server, browser_page,
                                                          find_map_frame):
    """A map made while its frame is narrow (a hidden tab, a frame before its width comes) keeps
    Qinghai in view once the frame widens, instead of Leaflet's top-left-fixed resize leaving
    the province in a corner (the walk's suitability map over the Pacific)."""
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 900})
    page.goto(streamlit_server(APP), wait_until="domcontentloaded")
    frame = find_map_frame(page)
    frame.wait_for_function("document.querySelectorAll('path.qpa-bases').length >= 15",
                            timeout=60_000)
    narrow = frame.evaluate("[window.map_div.getSize().x, window.map_div.getZoom()]")
    page.set_viewport_size({"width": 1280, "height": 1400})
    inside = ("() => { const s = window.map_div.getSize(), c = window.map_div.getCenter();"
              " return s.x > arg0 && c.lng > 93 && c.lng < 100 && c.lat > 33 && c.lat < 38"
              " && window.map_div.getZoom() > arg1; }")
    _map_where(page, inside.replace("arg0", str(narrow[0] * 1.5)).replace("arg1", str(narrow[1])))


def test_popup_on_a_base(atlas, screenshot):
    page, _ = atlas
    frame = map_reported(page)  # the map's first view is in: no rerun is due to replace it
    app_idle(page)
    boxes = [h.bounding_box() for h in frame.locator("path.qpa-bases-pin").element_handles()]
    leftmost = min(boxes, key=lambda b: b["x"])
    page.mouse.click(leftmost["x"] + leftmost["width"] / 2, leftmost["y"] + leftmost["height"] / 2)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    for key in ("f.tier", "f.positioning", "f.chains", "f.quota", "f.accuracy"):
        assert t(key, "zh") in text, (key, text)
    assert t("accuracy.indicative", "zh") in text  # the outline is indicative and says so
    page.wait_for_timeout(400)  # let the popup finish fading in
    screenshot(page, "atlas_popup")


def _tolerance_caption(detail: int) -> str:
    """The part of the payload caption naming the tolerance of detail level ``detail``."""
    from layers.render import tolerance_for_zoom

    text = t("payload", "zh", kb=0, tol_m=tolerance_for_zoom(detail))
    return text[text.index("（"):]


def test_zooming_in_sends_finer_geometry(atlas, find_map_frame):
    page, frame = atlas
    expect(page.get_by_text(_tolerance_caption(6))).to_be_visible()  # the province zoom (6)
    payload = t("payload", "zh", kb=0, tol_m=0).split(" ")[0]  # "map data"
    coarse = page.get_by_text(payload).inner_text()
    kb_coarse = float(coarse.split(payload)[1].split("KB")[0].replace(",", ""))
    frame = map_reported(page)  # the page has the map's first view: no rerun is due
    app_idle(page)
    zoom = frame.evaluate("window.map_div.getZoom()")  # Qinghai fitted: 5.75 to 6.x
    while zoom < 8:  # zoom 8: the next detail level; each zoom reruns the page
        for _ in range(3):
            frame.locator(".leaflet-control-zoom-in").click()
            try:  # the map (maybe a new frame after the rerun) took the click and told the app
                frame = map_reported(page, "v.zoom >= arg", zoom + 1, timeout_s=20)
                break
            except AssertionError:  # the click was lost (it met a redraw): click again
                app_idle(page)
                frame = map_reported(page)
        app_idle(page)  # that zoom's rerun is over before the next click
        zoom = frame.evaluate("window.map_div.getZoom()")
    expect(page.get_by_text(_tolerance_caption(detail_zoom(zoom)))).to_be_visible(timeout=30_000)
    fine = page.get_by_text(payload).inner_text()
    kb_fine = float(fine.split(payload)[1].split("KB")[0].replace(",", ""))
    assert kb_fine > kb_coarse  # more vertices at the finer level
    frame = find_map_frame(page)
    frame.wait_for_function("document.querySelectorAll('path.qpa-bases').length === 15", timeout=30_000)


def test_no_deploy_menu_and_attribution_without_flag(atlas):
    page, frame = atlas
    expect(page.get_by_role("heading", name=t("app.title", "zh"))).to_be_visible()
    expect(page.get_by_test_id("stAppDeployButton")).to_have_count(0)
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
    attribution = frame.locator(".leaflet-control-attribution")
    expect(attribution).to_contain_text("Leaflet")
    expect(attribution).to_contain_text(t("map.attribution", "zh"))
    expect(attribution.locator("svg")).to_have_count(0)  # Leaflet 1.9's flag is an inline svg
    assert frame.locator(".leaflet-control-zoom-in").get_attribute("title") == t("map.zoom_in", "zh")


def test_online_basemap_says_it_needs_the_internet(atlas):
    page, _ = atlas
    note = page.get_by_text(t("ctl.basemap_online_note", "zh"))
    expect(note).to_have_count(0)
    page.get_by_text(t("basemap.osm", "zh"), exact=True).click()
    expect(note).to_be_visible(timeout=30_000)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_place_names_at_zoom_12(streamlit_server, browser_page, find_map_frame, lang, screenshot):
    """A base searched and zoomed to (zoom 12, no basemap) shows place names, not a blank field."""
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1400})
    if lang == "en":
        _atlas_in_english(page, streamlit_server)
    else:
        _open(page, streamlit_server, find_map_frame)
    bases = bundle.read_layer("bases")
    name = bases.loc[bases["id"] == "nanchuan", f"name_{lang}"].iloc[0]
    choose(page, t("ctl.search", lang), name)
    short = name.replace("工业园区", "").replace(" Industrial Park", "")
    town = "西宁" if lang == "zh" else "Xining"
    # zooming in sends finer geometry (a new map frame): wait on the frame that is there, the
    # one at zoom >= 12 holding the base's own name and the town
    frame = _map_where(page, """([short, town]) => !!window.map_div && map_div.getZoom() >= 12
        && [short, town].every(s => [...document.querySelectorAll('.qpa-label')]
                                      .some(e => e.textContent.includes(s)))""", [short, town],
                       timeout_s=60)
    labels = frame.locator(".qpa-label")
    expect(labels.filter(has_text=short)).to_be_visible(timeout=10_000)  # the base's own name
    expect(labels.filter(has_text=t("layer.places", lang))).to_have_count(0)
    expect(labels.filter(has_text=town).first).to_be_attached()
    visible = frame.evaluate("""() => [...document.querySelectorAll('.qpa-label')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight; }).length""")
    assert visible >= 2, visible
    screenshot(page, f"atlas_zoom12_{lang}")


def test_screenshots_of_the_atlas_in_both_languages(streamlit_server, browser_page, find_map_frame,
                                                    screenshot):
    """Screenshots of the atlas in both languages, in test-output/ (copied to docs/)."""
    page = browser_page
    _open(page, streamlit_server, find_map_frame)
    page.set_viewport_size({"width": 1400, "height": 1100})
    page.wait_for_timeout(1000)  # let the map settle at the new size before the picture
    screenshot(page, "atlas_zh")
    _atlas_in_english(page, streamlit_server)
    page.wait_for_timeout(1000)
    screenshot(page, "atlas_en")
    assert page.page_errors == [], page.page_errors


def test_click_on_a_red_line_places_the_site(streamlit_server, browser_page, find_map_frame):
    """Site check, click mode: a click on a red-line zone places the site there (no popup)."""
    page = browser_page
    frame = _open(page, streamlit_server, find_map_frame, "/site_check")
    expect(page.get_by_text(t("site.click_help", "zh"))).to_be_visible()
    red = bundle.read_layer("redlines")
    zone = red.geometry.iloc[int(red.geometry.area.values.argmax())]
    inside = shapely.point_on_surface(zone)
    frame.wait_for_function("() => !!window.map_div", timeout=30_000)
    xy = frame.evaluate("([lat, lon]) => { const p = window.map_div.latLngToContainerPoint([lat, lon]);"
                        " const r = window.map_div.getContainer().getBoundingClientRect();"
                        " return [p.x + r.left, p.y + r.top]; }", [inside.y, inside.x])
    offset = next(el.bounding_box() for el in page.locator("iframe").element_handles()
                  if el.content_frame() == frame)
    page.mouse.click(offset["x"] + xy[0], offset["y"] + xy[1])
    prefix = t("site.current", "zh", area=0.0, lon=0.0, lat=0.0, crs="").split("：")[0]
    expect(page.get_by_text(prefix).first).to_be_visible(timeout=30_000)  # "current site: ..."
    site_frame = _map_where(page, "() => document.querySelectorAll('path.qpa-site').length === 1")
    expect(site_frame.locator(".leaflet-popup")).to_have_count(0)  # the red line took no click
    expect(site_frame.locator("#qpa-legend")).to_contain_text(t("legend.site", "zh"))
    centre = site_frame.evaluate(
        "() => { let c = null; window.map_div.eachLayer(l => { if (l.options && l.options.className"
        " === 'qpa-site' && l.getBounds) c = l.getBounds().getCenter(); }); return c && [c.lng, c.lat]; }")
    assert centre is not None
    assert abs(centre[0] - inside.x) < 0.05 and abs(centre[1] - inside.y) < 0.05, (centre, inside)
    assert page.page_errors == [], page.page_errors


def test_draw_tool_speaks_chinese(streamlit_server, browser_page, find_map_frame):
    """Site check, draw mode: Leaflet.draw's own buttons and hints are in the user's language."""
    page = browser_page
    _open(page, streamlit_server, find_map_frame, "/site_check")
    page.get_by_text(t("site.mode.draw", "zh"), exact=True).click()
    frame = _map_where(page, "() => !!document.querySelector('a.leaflet-draw-draw-polygon')")
    button = frame.locator("a.leaflet-draw-draw-polygon")
    expect(button).to_have_attribute("title", t("draw.polygon", "zh"))
    expect(frame.locator("a.leaflet-draw-draw-rectangle")).to_have_attribute("title",
                                                                             t("draw.rectangle", "zh"))
    button.click()
    expect(frame.locator(".leaflet-draw-actions a").first).to_have_text(t("draw.finish", "zh"))
