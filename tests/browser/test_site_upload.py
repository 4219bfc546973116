"""Uploading a site file in a live server: read in the sandbox (a forkserver child), as a user sees it.

Streamlit runs each page as ``__main__``; the sandboxed reading must neither run the page
again in its child nor show anything but the site or the project's own message.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from geo.i18n import t

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
SQUARE = [[101.70, 36.60], [101.71, 36.60], [101.71, 36.61], [101.70, 36.61], [101.70, 36.60]]


def _geojson(crs=None) -> bytes:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "南川地块"},
         "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}]}
    if crs:
        doc["crs"] = crs
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def test_upload_a_site_file_and_a_hostile_one(streamlit_server, browser_page, tmp_path):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(streamlit_server(APP) + "/site_check", wait_until="domcontentloaded")
    page.get_by_text(t("site.mode.file", "zh")).click()
    good = tmp_path / "地块.geojson"
    good.write_bytes(_geojson())
    page.locator("input[type='file']").first.set_input_files(str(good))
    current = t("site.current", "zh", area=0, lon=0, lat=0, crs="").split("：")[0]
    page.get_by_text(current).wait_for(timeout=60_000)
    hostile = tmp_path / "link.geojson"
    hostile.write_bytes(_geojson({"type": "link", "properties": {"href": "http://10.0.0.1/crs"}}))
    page.locator("input[type='file']").first.set_input_files(str(hostile))
    message = t("file.err.crs_link", "zh", name="link.geojson")
    page.get_by_text(message[:20]).wait_for(timeout=60_000)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    assert page.blocked_urls == [], page.blocked_urls
    assert page.page_errors == [], page.page_errors





def test_the_uploader_speaks_the_users_language_and_names_the_use_limit(streamlit_server, browser_page):
    """Streamlit's uploader says "Upload" and "200MB per file" in English whatever the language;
    the site check's says it in Chinese, with the site file's own limit (ui/chrome.py)."""
    from playwright.sync_api import expect

    from geo.vector_io import SITE

    page = browser_page
    page.goto(streamlit_server(APP) + "/site_check", wait_until="domcontentloaded")
    page.get_by_text(t("site.mode.file", "zh")).click()
    zone = page.locator(".st-key-site_file [data-testid='stFileUploaderDropzone']")
    expect(zone).to_be_visible(timeout=60_000)
    button = t("chrome.upload", "zh")
    limit = t("chrome.upload_limit", "zh", mb=f"{SITE.max_bytes / 1024 / 1024:,.0f}")
    page.wait_for_function(
        "([sel, want]) => { const el = document.querySelector(sel);"
        " return !!el && getComputedStyle(el.querySelector('button'), '::after').content.includes(want); }",
        arg=[".st-key-site_file [data-testid='stFileUploaderDropzone']", button], timeout=30_000)
    shown = zone.evaluate("el => getComputedStyle(el.querySelector("
                          "\"[data-testid='stFileUploaderDropzoneInstructions']\"), '::after').content")
    assert limit in shown, shown
    visible = zone.inner_text()  # Streamlit's English words are hidden; the pseudo-elements hold ours
    assert "Upload" not in visible and "per file" not in visible, visible
