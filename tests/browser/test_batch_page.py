"""The batch page in headless Chromium with no internet: ranked sites on the map coloured by
verdict, and the suitability raster overlay with its legend."""
from __future__ import annotations

from pathlib import Path

import pytest

from geo.i18n import t
from tests._text import pattern, stem
from tests.browser.helpers import open_tab

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parent / "batch_app.py"
SITES = "site_id,lon,lat,area_ha\na,94.9,36.4,50\nb,101.7,36.56,30\nc,97.0,37.3,40\nd,95.3,36.9,20"


def test_rank_and_suitability_offline(streamlit_server, browser_page, find_frame_with, screenshot):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 2600})
    page.goto(streamlit_server(APP), wait_until="domcontentloaded")
    page.get_by_text(t("batch.title", "zh")).first.wait_for(timeout=60_000)
    page.locator("textarea").first.fill(SITES)
    product = f"input[aria-label='{t('batch.product', 'zh')}']"
    page.locator(product).first.fill("正极材料")
    page.keyboard.press("Enter")
    page.get_by_role("button", name=t("batch.run", "zh")).click()
    page.get_by_text(pattern("batch.done", "zh")).first.wait_for(timeout=120_000)
    frame = find_frame_with(page, "path.qpa-batch-site", timeout_s=60)
    assert frame is not None
    frame.wait_for_function("document.querySelectorAll('path.qpa-batch-site').length === 4",
                            timeout=60_000)
    fills = {frame.locator("path.qpa-batch-site").nth(i).get_attribute("fill") for i in range(4)}
    assert fills <= {"#1a9850", "#fdae61", "#d73027", "#878787"} and len(fills) >= 2
    assert t("batch.sites_layer", "zh") in frame.locator("#qpa-sites-legend").inner_text()
    screenshot(page, "batch_ranked")

    open_tab(page, t("batch.tab_suit", "zh"))
    page.locator(product).last.fill("钾肥")
    page.keyboard.press("Enter")
    page.get_by_role("button", name=t("batch.suit_run", "zh")).click()
    page.get_by_text(pattern("batch.suit_done", "zh")).first.wait_for(timeout=120_000)
    suit = find_frame_with(page, "img.qpa-suitability", timeout_s=60)
    assert suit is not None, "no suitability overlay"
    assert stem("batch.suit_legend", "zh") in suit.locator("#qpa-suit-legend").inner_text()
    screenshot(page, "batch_suitability")
    assert page.blocked_urls == [], page.blocked_urls
    assert page.page_errors == [], page.page_errors
