"""What a person sees on the atlas page, in headless Chromium with no internet."""
from __future__ import annotations

from pathlib import Path

import pytest

from geo import bundle

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"


def _count(frame, layer: str) -> int:
    return frame.locator(f"path.qpa-{layer}").count()


@pytest.fixture
def atlas(streamlit_server, browser_page, find_map_frame):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1400})  # the whole map on screen, no scrolling
    page.goto(streamlit_server(APP), wait_until="domcontentloaded")
    frame = find_map_frame(page)
    frame.wait_for_function("document.querySelectorAll('path.qpa-bases').length >= 15", timeout=60_000)
    return page, frame


def test_all_layers_drawn_offline(atlas, screenshot):
    page, frame = atlas
    assert _count(frame, "bases") == 15
    assert _count(frame, "bases-pin") == 15  # pins keep small bases visible at province zoom
    assert _count(frame, "admin_prefecture") == len(bundle.read_layer("admin_prefecture"))
    assert _count(frame, "redlines") == len(bundle.read_layer("redlines"))
    assert _count(frame, "salt_lakes") == len(bundle.read_layer("salt_lakes"))
    assert _count(frame, "deposits") == len(bundle.read_layer("deposits"))
    assert _count(frame, "lakes") == len(bundle.read_layer("lakes"))
    assert frame.locator("img.leaflet-image-layer").count() == 1  # DEM hillshade
    assert _count(frame, "admin_county") == 0  # off by default, listed in the control
    legend = frame.locator("#qpa-legend")
    assert legend.is_visible() and "图例" in legend.inner_text()
    assert "千亿产业基地" in legend.inner_text()
    assert frame.locator(".leaflet-control-layers").count() == 1
    assert frame.locator(".leaflet-tile").count() == 0  # basemap "none": nothing fetched
    screenshot(page, "atlas_map")
    assert page.blocked_urls == [], page.blocked_urls
    assert page.page_errors == [], page.page_errors


def test_toggling_a_layer_hides_it(atlas):
    page, frame = atlas
    before = _count(frame, "deposits")
    assert before >= 20
    frame.locator(".leaflet-control-layers-overlays label", has_text="矿产地").locator("input").uncheck()
    frame.wait_for_function("document.querySelectorAll('path.qpa-deposits').length === 0", timeout=10_000)
    frame.locator(".leaflet-control-layers-overlays label", has_text="县级行政区").locator("input").check()
    frame.wait_for_function("document.querySelectorAll('path.qpa-admin_county').length === 45", timeout=10_000)
    # the quota choropleth (from the ledger in the store): one polygon per base
    frame.locator(".leaflet-control-layers-overlays label", has_text="建设用地指标").locator("input").check()
    frame.wait_for_function("document.querySelectorAll('path.qpa-quotas').length === 15", timeout=10_000)


def test_popup_on_a_base(atlas, screenshot):
    page, frame = atlas
    boxes = [h.bounding_box() for h in frame.locator("path.qpa-bases-pin").element_handles()]
    leftmost = min(boxes, key=lambda b: b["x"])  # far from the layer control (top right)
    page.mouse.click(leftmost["x"] + leftmost["width"] / 2, leftmost["y"] + leftmost["height"] / 2)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    for label in ("等级", "产业定位", "产业链", "建设用地指标", "精度"):
        assert label in text, (label, text)
    assert "示意" in text  # the outline is indicative and says so
    page.wait_for_timeout(400)  # let the popup finish fading in
    screenshot(page, "atlas_popup")


def test_zooming_in_sends_finer_geometry(atlas, find_map_frame):
    find_leaflet = find_map_frame
    page, frame = atlas
    caption = page.get_by_text("地图数据量")
    coarse = caption.inner_text()
    assert "989" in coarse  # tolerance in metres at the province zoom (6)
    kb_coarse = float(coarse.split("地图数据量")[1].split("KB")[0].replace(",", ""))
    for _ in range(2):  # zoom 8: the next detail level
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(1500)  # as a person would; each zoom reruns the page
    page.wait_for_function(
        "() => [...document.querySelectorAll('p')].some(e => e.textContent.includes('简化容差 247 米'))",
        timeout=30_000)
    fine = page.get_by_text("地图数据量").inner_text()
    kb_fine = float(fine.split("地图数据量")[1].split("KB")[0].replace(",", ""))
    assert kb_fine > kb_coarse  # more vertices at the finer level
    frame = find_leaflet(page)
    frame.wait_for_function("document.querySelectorAll('path.qpa-bases').length === 15", timeout=30_000)
