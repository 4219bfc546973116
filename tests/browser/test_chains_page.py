"""The Chains page in headless Chromium with no internet: the Graphviz chart (Streamlit's
bundled viz.js/wasm) and the folium map with chain lines both draw from local assets only."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from geo.i18n import t

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parent / "chains_app.py"


def test_graph_and_map_draw_offline(streamlit_server, browser_page, find_frame_with, screenshot):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 2400})  # the first map on screen
    page.goto(streamlit_server(APP), wait_until="domcontentloaded")
    page.get_by_text(t("chains.title", "zh")).first.wait_for(timeout=60_000)
    # Graphviz: the DOT is laid out in the browser into an SVG with our node labels
    svg = page.locator("[data-testid='stGraphVizChart'] svg")
    svg.first.wait_for(timeout=60_000)
    expect(page.locator("[data-testid='stGraphVizChart'] svg g.node").nth(7)).to_be_attached()  # ≥ 8 nodes
    assert "电池级碳酸锂" in svg.first.inner_html()
    frame = find_frame_with(page, "path.qpa-chain-line", timeout_s=60)  # the map of the open tab
    assert frame is not None
    expect(frame.locator("path.qpa-bases")).to_have_count(15)
    screenshot(page, "chains_page")
    assert page.blocked_urls == [], page.blocked_urls
    assert page.page_errors == [], page.page_errors
