"""State that survives, in Chromium: a language switch keeps the chosen base and the layers;
a reload (or a link) reopens the site check with its language and site."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from geo import bundle
from geo.i18n import t
from scripts.local_browser import frame_where
from tests.browser.helpers import app_idle, choose, map_reported

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
SQUARE = "101.730,36.560\n101.740,36.560\n101.740,36.570\n101.730,36.570"
BASE = "nanchuan"


def _overlay(frame, lang: str, layer: str):
    """The check box of ``layer`` in the layer control (opened: it starts folded)."""
    frame.locator(".leaflet-control-layers").hover()
    return frame.locator(".leaflet-control-layers-overlays label",
                         has_text=t(f"layer.{layer}", lang)).locator("input")


def _unchecked(lang: str, layer: str) -> str:
    """JS: the map's ``layer`` is switched off in its layer control and not drawn."""
    name = json.dumps(t(f"layer.{layer}", lang))
    return (f"[...document.querySelectorAll('.leaflet-control-layers-overlays label')].some("
            f"l => l.textContent.includes({name}) && !l.querySelector('input').checked) && "
            f"document.querySelectorAll('path.qpa-{layer}').length === 0")


def _map_in(page, find_frame_with, lang: str):
    """The map frame whose layer control speaks ``lang`` and whose bases are drawn. A rerun
    may replace the frame at any moment (finer geometry after a zoom to a base): every frame
    is tried on each poll, never one frame waited on."""
    label = json.dumps(t("layer.deposits", lang))
    frame = frame_where(page, lambda f: f.evaluate(
        "([label]) => [...document.querySelectorAll('.leaflet-control-layers-overlays label')]"
        ".some(l => l.textContent.includes(label)) && "
        "document.querySelectorAll('path.qpa-bases').length >= 15", [json.loads(label)]), 60)
    assert frame is not None, f"no map in {lang} with its bases drawn"
    return frame


def _map_frame_where(page, condition: str, timeout_s: float = 60):
    """The frame whose map meets ``condition`` (JS, about ``window.map``); a rerun may replace
    the frame at any moment, so every frame is tried again on each poll."""
    frame = frame_where(
        page, lambda fr: fr.evaluate(f"!!(window.map && window.map.getZoom && ({condition}))"),
        timeout_s)
    if frame is None:
        raise AssertionError(f"the map never met: {condition}")
    return frame


def _wait_map(page, condition: str, timeout_s: float = 60) -> None:
    """Wait until ``condition`` (JS, about ``window.map``) holds in a map frame."""
    _map_frame_where(page, condition, timeout_s)


def _wait_reported(page, condition: str, timeout_s: float = 30) -> None:
    """Wait until the map has sent the app a view ``v`` (its component value: ``v.center``,
    ``v.zoom``) for which ``condition`` holds."""
    map_reported(page, condition, timeout_s=timeout_s)


def _on_map(page, script: str) -> None:
    """Run ``script`` in the frame that holds the map."""
    _map_frame_where(page, "true").evaluate(script)


def _payload_tol(detail: int) -> str:
    """The part of the payload caption that names the geometry detail sent."""
    from layers.render import tolerance_for_zoom

    return re.sub(r"^.*?\)?(?=[（(])", "", t("payload", "zh", kb=0, tol_m=tolerance_for_zoom(detail)))


def _select(page, label: str, option: str) -> None:
    choose(page, label, option)


def test_language_switch_and_basemap_keep_the_base_and_the_layers(streamlit_server, browser_page,
                                                                   find_frame_with, screenshot):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto(streamlit_server(APP), wait_until="domcontentloaded")
    names = bundle.read_layer("bases").set_index("id")
    frame = _map_in(page, find_frame_with, "zh")
    _overlay(frame, "zh", "deposits").uncheck()
    frame.wait_for_function("document.querySelectorAll('path.qpa-deposits').length === 0")

    _select(page, t("ctl.search", "zh"), names.loc[BASE, "name_zh"])
    expect(page).to_have_url(re.compile(f"focus_base={BASE}"), timeout=30_000)

    page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name=t("app.title", "en"))).to_be_visible(timeout=30_000)
    search = page.get_by_role("combobox", name=t("ctl.search", "en"))
    expect(search).to_have_value(names.loc[BASE, "name_en"], timeout=30_000)
    expect(page).to_have_url(re.compile("lang=en"))
    _map_in(page, find_frame_with, "en")
    _wait_map(page, _unchecked("en", "deposits"))  # in whichever frame the map now is

    page.locator("[data-testid='stSidebar']").get_by_text(t("basemap.osm", "en"), exact=True).click()
    expect(page).to_have_url(re.compile("basemap=osm"), timeout=30_000)
    frame = find_frame_with(page, ".leaflet-tile", 60)  # the new map, with OSM tiles (blocked)
    assert frame is not None
    _map_in(page, find_frame_with, "en")
    _wait_map(page, _unchecked("en", "deposits"))
    expect(search).to_have_value(names.loc[BASE, "name_en"])
    screenshot(page, "atlas_state_after_switches")
    assert page.page_errors == [], page.page_errors


def test_reload_reopens_the_site_check_in_its_language(streamlit_server, browser_page, find_frame_with,
                                                       screenshot):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(streamlit_server(APP) + "/site_check?lang=en", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=t("page.site", "en"))).to_be_visible(timeout=60_000)
    page.get_by_text(t("site.mode.paste", "en"), exact=True).click()
    page.get_by_label(t("site.coords", "en")).fill(SQUARE)
    page.get_by_role("button", name=t("site.use_coords", "en")).click()
    current = t("site.current", "en", area=0, lon=0, lat=0, crs="").split(":")[0]
    expect(page.get_by_text(current)).to_be_visible(timeout=30_000)
    expect(page).to_have_url(re.compile(r"site=101\.73"), timeout=30_000)
    link = page.url

    page.reload(wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=t("page.site", "en"))).to_be_visible(timeout=60_000)
    expect(page.get_by_text(current)).to_be_visible(timeout=30_000)
    assert find_frame_with(page, "path.qpa-site", 60) is not None  # the site drawn again

    other = page.context.new_page()  # a colleague opens the link
    other.goto(link, wait_until="domcontentloaded")
    expect(other.get_by_role("heading", name=t("page.site", "en"))).to_be_visible(timeout=60_000)
    expect(other.get_by_text(current)).to_be_visible(timeout=30_000)
    screenshot(page, "site_check_reloaded")
    assert page.blocked_urls == [], page.blocked_urls


def test_the_map_view_survives_a_language_switch(streamlit_server, browser_page, find_frame_with):
    """The language is switched the moment the map has sent its new view: the rerun of the
    switch overtakes the one the view report started (the view was lost that way)."""
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto(streamlit_server(APP), wait_until="domcontentloaded")
    _map_in(page, find_frame_with, "zh")
    frame = map_reported(page)  # the page has the map's first view: no rerun is due
    app_idle(page)
    zoom = frame.evaluate("window.map.getZoom()")  # Qinghai fitted to the map
    # pan to Xining, as a person would: if a rerun replaced the map's frame before the pan
    # reached the app, pan again in the frame that now holds the map
    for _attempt in range(5):
        try:
            frame.evaluate("window.map.panTo([36.6, 101.7], {animate: false})")
            _wait_reported(page, "Math.abs(v.center.lat - 36.6) < 0.05", 8)  # sent (debounced)
            break
        except Exception:  # noqa: BLE001 -- the frame detached, or the pan was not reported
            frame = map_reported(page)
    else:
        raise AssertionError("the map never reported the pan to Xining")
    page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
    frame = _map_in(page, find_frame_with, "en")
    frame.wait_for_function(
        "Math.abs(window.map.getCenter().lat - 36.6) < 0.05 && Math.abs(window.map.getCenter().lng - 101.7) < 0.05",
        timeout=30_000)
    assert frame.evaluate("window.map.getZoom()") == zoom


def test_zooming_out_from_a_base_does_not_snap_back_and_whole_province_resets(
        streamlit_server, browser_page, find_frame_with):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto(streamlit_server(APP), wait_until="domcontentloaded")
    _map_in(page, find_frame_with, "zh")
    names = bundle.read_layer("bases").set_index("id")
    _select(page, t("ctl.search", "zh"), names.loc[BASE, "name_zh"])
    _wait_map(page, "window.map.getZoom() >= 10")  # fitted to the base
    expect(page.get_by_text(_payload_tol(12))).to_be_visible(timeout=60_000)  # finer geometry sent
    _on_map(page, "window.map.setView([36.0, 96.2], 6, {animate: false})")  # zoom out
    expect(page.get_by_text(_payload_tol(6))).to_be_visible(timeout=60_000)  # coarser, a new map
    _wait_map(page, "window.map.getZoom() === 6")
    _wait_reported(page, "v.zoom === 6")  # the app has the new view; its rerun is over:
    app_idle(page)
    _wait_map(page, "window.map.getZoom() === 6", 5)  # it stays out

    _on_map(page, "window.map.setView([36.6, 101.7], 9, {animate: false})")
    _wait_reported(page, "v.zoom === 9")
    _select(page, t("ctl.search", "zh"), t("ctl.search_none", "zh"))
    # the whole province again: Qinghai fitted to the map (zoom 5-6.5), centred on it
    _wait_map(page, "window.map.getZoom() <= 6.5 && Math.abs(window.map.getCenter().lng - 96.2) < 0.5")
