"""State that survives, in Chromium: a language switch keeps the chosen base and the layers;
a reload (or a link) reopens the site check with its language and site."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from geo import bundle
from geo.i18n import t

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
SQUARE = "101.730,36.560\n101.740,36.560\n101.740,36.570\n101.730,36.570"
BASE = "nanchuan"


def _overlay(frame, lang: str, layer: str):
    return frame.locator(".leaflet-control-layers-overlays label",
                         has_text=t(f"layer.{layer}", lang)).locator("input")


def _map_in(page, find_frame_with, lang: str):
    """The map frame whose layer control speaks ``lang`` (a rerun may replace the frame)."""
    label = t("layer.deposits", lang)
    frame = find_frame_with(page, f'.leaflet-control-layers-overlays label:has-text("{label}")', 60)
    assert frame is not None, f"no map in {lang}"
    frame.wait_for_function("document.querySelectorAll('path.qpa-bases').length >= 15",
                            timeout=60_000)
    return frame


def _select(page, label: str, option: str) -> None:
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


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
    frame = _map_in(page, find_frame_with, "en")
    expect(_overlay(frame, "en", "deposits")).not_to_be_checked(timeout=30_000)
    assert frame.locator("path.qpa-deposits").count() == 0

    page.locator("[data-testid='stSidebar']").get_by_text(t("basemap.osm", "en"), exact=True).click()
    expect(page).to_have_url(re.compile("basemap=osm"), timeout=30_000)
    frame = find_frame_with(page, ".leaflet-tile", 60)  # the new map, with OSM tiles (blocked)
    assert frame is not None
    frame = _map_in(page, find_frame_with, "en")
    expect(_overlay(frame, "en", "deposits")).not_to_be_checked(timeout=30_000)
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
