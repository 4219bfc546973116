"""The batch page in headless Chromium with no internet: ranked sites on the map coloured by
verdict, and the suitability raster overlay with its legend."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parent / "batch_app.py"
SITES = "site_id,lon,lat,area_ha\na,94.9,36.4,50\nb,101.7,36.56,30\nc,97.0,37.3,40\nd,95.3,36.9,20"


def test_rank_and_suitability_offline(streamlit_server, browser_page, find_frame_with, screenshot):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 2600})
    page.goto(streamlit_server(APP), wait_until="domcontentloaded")
    page.wait_for_selector("text=批量选址排序与全省适宜性", timeout=60_000)
    page.locator("textarea").first.fill(SITES)
    page.locator("input[aria-label='产品 / 产业链环节']").first.fill("正极材料")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="开始批量核查").click()
    page.wait_for_selector("text=4 个地块核查完毕", timeout=120_000)
    frame = find_frame_with(page, "path.qpa-batch-site", timeout_s=60)
    assert frame is not None
    frame.wait_for_function("document.querySelectorAll('path.qpa-batch-site').length === 4",
                            timeout=60_000)
    fills = {frame.locator("path.qpa-batch-site").nth(i).get_attribute("fill") for i in range(4)}
    assert fills <= {"#1a9850", "#fdae61", "#d73027", "#878787"} and len(fills) >= 2
    assert "候选地块" in frame.locator("#qpa-sites-legend").inner_text()
    screenshot(page, "batch_ranked")

    page.get_by_role("tab", name="全省适宜性").click()
    page.locator("input[aria-label='产品 / 产业链环节']").last.fill("钾肥")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="计算适宜性").click()
    page.wait_for_selector("text=匹配基地：", timeout=120_000)
    suit = find_frame_with(page, "img.qpa-suitability", timeout_s=60)
    assert suit is not None, "no suitability overlay"
    assert "适宜性" in suit.locator("#qpa-suit-legend").inner_text()
    screenshot(page, "batch_suitability")
    assert page.blocked_urls == [], page.blocked_urls
    assert page.page_errors == [], page.page_errors
