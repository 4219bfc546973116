"""Site check as a person does it: paste coordinates, run the check, see verdict and site."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from geo.i18n import t
from tests._text import stem
from tests.browser.helpers import click_until

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
QINGHAI_LAKE = "100.10,36.90\n100.12,36.90\n100.12,36.92\n100.10,36.92"


def _paste_site_on_the_lake(page, streamlit_server) -> None:
    """Open the site check, paste the coordinates of a site on Qinghai Lake (a red-line zone),
    use them; wait until the page shows the current site."""
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(streamlit_server(APP) + "/site_check", wait_until="domcontentloaded")
    page.get_by_text(t("site.mode.paste", "zh")).click()
    page.get_by_label(t("site.coords", "zh")).fill(QINGHAI_LAKE)
    page.get_by_role("button", name=t("site.use_coords", "zh")).click()
    page.get_by_text(stem("site.current", "zh")).wait_for(timeout=30_000)


def test_paste_check_and_see_the_verdict(streamlit_server, browser_page, find_frame_with, screenshot):
    _frame_with = find_frame_with
    page = browser_page
    _paste_site_on_the_lake(page, streamlit_server)
    assert _frame_with(page, "path.qpa-site") is not None
    page.get_by_role("button", name=t("site.run", "zh")).click()
    page.get_by_text(t("site.verdict_compliance", "zh", status=t("status.FAIL", "zh"))).wait_for(timeout=60_000)  # the binding verdict
    page.get_by_text(stem("suit.none", "zh")).wait_for(timeout=30_000)  # no product: no advisory score
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for(timeout=30_000)
    frame = _frame_with(page, "path.qpa-overlap")  # the red-line overlap drawn after the check
    assert frame is not None
    expect(frame.locator("path.qpa-site")).to_have_count(1)
    page.get_by_role("button", name=t("site.dl.pdf", "zh")).wait_for(timeout=60_000)  # built after the table
    screenshot(page, "site_check")
    # every finding and rule in full: drawn when the expander opens, wrapped, not cut off
    full = page.locator("[data-testid='stExpander']", has_text=t("site.rules_in_full", "zh"))
    rule = full.get_by_text(t("site.col.rule", "zh") + t("colon", "zh"))
    click_until(page, full.get_by_text(t("site.rules_in_full", "zh")),
                lambda ms: expect(rule.first).to_be_visible(timeout=ms))
    assert page.blocked_urls == [], page.blocked_urls
    assert page.page_errors == [], page.page_errors


def test_draw_a_rectangle_as_the_site(streamlit_server, browser_page, find_map_frame, find_frame_with,
                                      screenshot):
    _frame_with = find_frame_with
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(streamlit_server(APP) + "/site_check", wait_until="domcontentloaded")
    find_map_frame(page)
    page.get_by_text(t("site.mode.draw", "zh")).click()  # reruns the page: the map iframe is replaced
    frame = _frame_with(page, ".leaflet-draw-draw-rectangle")  # the new map, with Draw
    assert frame is not None, "no Draw toolbar (its assets come from /app/static, not a CDN)"
    frame.locator(".leaflet-draw-draw-rectangle").click()
    box = frame.locator(".leaflet-container").bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.55
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 40, y0 + 30, steps=8)
    page.mouse.up()
    page.get_by_text(stem("site.current", "zh")).wait_for(timeout=30_000)
    assert _frame_with(page, "path.qpa-site") is not None  # the map redrawn with the site
    screenshot(page, "site_check_draw")
    assert page.blocked_urls == [], page.blocked_urls


def test_downloaded_report_carries_the_location_map(streamlit_server, browser_page):
    """The HTML report an official downloads after a check has the location map, drawn from the
    layers the page screened with (province inset, red line, site; legend in Chinese)."""
    page = browser_page
    _paste_site_on_the_lake(page, streamlit_server)
    page.get_by_role("button", name=t("site.run", "zh")).click()
    button = page.get_by_role("button", name=t("site.dl.html", "zh"))
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    html = Path(info.value.path()).read_text(encoding="utf-8")
    assert '<svg class="locmap"' in html and 'class="inset-province"' in html
    assert 'class="loc-site"' in html and 'class="loc-redline"' in html
    for key in ("rpt.loc.title", "layer.redlines", "rpt.sketch_site"):
        assert t(key, "zh") in html
    assert t("rpt.loc.needs_layers", "zh") not in html
    assert page.page_errors == [], page.page_errors
