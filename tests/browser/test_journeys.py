"""Four people use the app in Chromium (every non-local request blocked), each switching the
language and reloading the page in the middle of the task, and see what they need at each step.

* the official: paste a site inside a base, check it, switch language, download every file,
  reserve quota from the check, confirm one reservation, reload, release the other;
* the investor: the chains page in English (rank, graph, gaps), Chinese and back, reload;
* the environmental reviewer: a GBK Shapefile of a site on a red line, its FAIL and rule,
  switch language, reload, the PDF report;
* the data steward: import a red-line zone, see it on the atlas, reload, restore the previous
  version, see it gone.

The official and the steward change the store: they share one server of their own (its own
data directory, its sample official); the investor and the reviewer use the suite's server.
Text is looked up in the translation table.
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from playwright.sync_api import expect

from geo import bundle
from geo.i18n import t
from scripts.local_browser import frame_where
from tests.browser.helpers import app_idle, choose, click_until, go_to, map_reported, open_tab

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
IN_NANCHUAN = "101.730,36.560\n101.740,36.560\n101.740,36.570\n101.730,36.570"
ON_QINGHAI_LAKE = shapely.box(100.10, 36.90, 100.12, 36.92)  # a national red-line zone
PROJECT = "正极材料项目"


# ------------------------------------------------------------------ helpers
@pytest.fixture(scope="module")
def own_server(streamlit_server, tmp_path_factory):
    """A server with its own data directory (a fresh store, its own sample official)."""
    data = tmp_path_factory.mktemp("journeys-data")
    return streamlit_server(APP, env={"QPA_DATA_DIR": str(data), "QPA_USERS": "",
                                      "QPA_USERS_FILE": "", "QPA_DATABASE_URL": ""},
                            name="journeys")


def _sidebar(page):
    return page.get_by_test_id("stSidebar")


def _switch(page, lang: str, heading: str) -> None:
    """Choose ``lang`` in the sidebar; wait for the page's title in it and the URL."""
    _sidebar(page).get_by_text({"zh": "中文", "en": "English"}[lang], exact=True).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=60_000)
    expect(page).to_have_url(re.compile(f"lang={lang}"), timeout=30_000)


def _current(lang: str) -> str:
    """The start of the "current site" line."""
    return re.split("[:：]", t("site.current", lang, area=0, lon=0, lat=0, crs=""))[0]


#: the official's site in 南川 with product 正极材料: its compliance verdict
EXPECTED = "WARN"


def _check(page, lang: str, status: str):
    """Press "check the site"; the compliance verdict heading with ``status``."""
    page.get_by_role("button", name=t("site.run", lang)).click()
    verdict = page.get_by_role("heading", name=t("site.verdict_compliance", lang,
                                                  status=t(f"status.{status}", lang)))
    expect(verdict).to_be_visible(timeout=90_000)
    return verdict


def _download(page, button_name: str, tmp_path: Path):
    """Click a download button; (suggested file name, bytes)."""
    button = page.get_by_role("button", name=button_name)
    expect(button).to_be_visible(timeout=60_000)
    with page.expect_download(timeout=120_000) as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return info.value.suggested_filename, target.read_bytes()


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         check=True, timeout=60)
    return re.sub(r"\s+", "", out.stdout.decode("utf-8"))


def _tab(page, name: str):
    return page.get_by_role("tab", name=name, exact=True)


# ------------------------------------------------------------------ a. the official
def test_official_checks_a_site_downloads_everything_and_reserves_quota(
        own_server, streamlit_server, browser_page, login, sample_official, tmp_path, screenshot):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(own_server + "/site_check", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=t("page.site", "zh"))).to_be_visible(timeout=60_000)
    user, password = sample_official(streamlit_server.log(own_server))
    login(page, user, password, "zh")

    page.get_by_text(t("site.mode.paste", "zh"), exact=True).click()
    page.get_by_label(t("site.coords", "zh")).fill(IN_NANCHUAN)
    page.get_by_role("button", name=t("site.use_coords", "zh")).click()
    expect(page.get_by_text(_current("zh"))).to_be_visible(timeout=60_000)
    expect(page).to_have_url(re.compile(r"site=101\.73"), timeout=30_000)
    page.get_by_role("textbox", name=t("site.project_name", "zh")).fill(PROJECT)
    page.get_by_role("textbox", name=t("site.product", "zh")).fill("正极材料")
    page.get_by_role("spinbutton", name=t("site.area_req", "zh")).fill("5")
    # never PASS: binding checks without data are UNKNOWN, and the industry-policy catalogue,
    # not yet verified against the gazetted texts, WARNs (the worse of the two)
    _check(page, "zh", EXPECTED)
    suitability = t("suit.line", "zh", score=0, band="", parts="").split(" ")[0]
    expect(page.get_by_role("heading", name=re.compile(suitability))).to_be_visible()

    _switch(page, "en", t("page.site", "en"))  # the verdict stays, now in English
    expect(page.get_by_role("heading", name=t("site.verdict_compliance", "en",
                                              status=t(f"status.{EXPECTED}", "en")))).to_be_visible()
    suitability = t("suit.line", "en", score=0, band="", parts="").split(" 0")[0]
    expect(page.get_by_role("heading", name=re.compile(suitability))).to_be_visible()
    expect(page.get_by_text(t("verdict.suitability_note", "en"))).to_be_visible()

    # every download: a file named after the project, with its content
    names = {}
    for key in ("site.dl.html", "site.dl.pdf", "site.dl.geojson", "site.dl.jzd"):
        names[key], data = _download(page, t(key, "en"), tmp_path)
        assert names[key].startswith(PROJECT + "-"), names[key]
        assert len(data) > 200, (key, len(data))
        if key == "site.dl.pdf":
            assert data.startswith(b"%PDF")
        elif key == "site.dl.geojson":
            assert json.loads(data)["features"], data[:200]
        elif key == "site.dl.jzd":
            assert "101.73" in data.decode("gbk") or "J1" in data.decode("gbk")
        else:
            assert t("site.verdict_compliance", "en", status=t(f"status.{EXPECTED}", "en")) in \
                data.decode("utf-8")
    assert [Path(n).suffix for n in names.values()] == [".html", ".pdf", ".geojson", ".txt"]

    # the quota page: reserve once from the check (it cannot be reserved twice), once more
    # by the form; confirm the first, release the second
    go_to(page, t("page.quotas", "en"), "quotas")
    expect(page.get_by_role("heading", name=t("quota.title", "en"))).to_be_visible(timeout=60_000)
    reserved = re.compile(re.escape(t("quota.reserved", "en", id="X")).replace("X", r"(\d+)"))
    ids: list[int] = []
    from_check = page.get_by_role("button", name=t("quota.reserve_screen", "en"))
    for _ in range(2):
        if not ids:
            from_check.click()
        else:
            expect(from_check).to_be_disabled(timeout=60_000)
            expect(page.get_by_text(t("ledger.err.screen_reserved", "en", id=ids[0]))
                   ).to_be_visible(timeout=60_000)
            page.get_by_role("spinbutton", name=t("quota.area", "en")).fill("2.5")
            page.locator("input:visible").and_(page.get_by_role("textbox", name=re.compile(
                re.escape(t("quota.reason", "en"))))).fill("第二个项目")  # the form sends both
            page.get_by_role("button", name=t("quota.reserve", "en"), exact=True).click()
        flash = page.get_by_text(reserved)
        if ids:  # the second message, not the first one still shown
            expect(flash).not_to_have_text(t("quota.reserved", "en", id=ids[0]), timeout=60_000)
        expect(flash).to_be_visible(timeout=60_000)
        ids.append(int(reserved.search(flash.inner_text()).group(1)))
    assert ids[1] > ids[0]
    open_tab(page, t("quota.tab.close", "en"))
    expect(page).to_have_url(re.compile("quota_tab=close"), timeout=30_000)
    _pick_reservation(page, ids[0])
    _reason(page, "项目已供地")
    page.get_by_role("button", name=t("quota.confirm", "en")).click()
    expect(page.get_by_text(t("quota.confirmed", "en", id=ids[0]))).to_be_visible(timeout=60_000)

    # a reload: the language, the year and the open tab come back from the URL (the login
    # does not: a new session is a viewer until the official logs in again)
    page.reload(wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=t("quota.title", "en"))).to_be_visible(timeout=60_000)
    expect(page.get_by_text(t("quota.officials_only", "en"))).to_be_visible(timeout=60_000)
    login(page, user, password, "en")
    expect(_tab(page, t("quota.tab.close", "en"))).to_have_attribute("aria-selected", "true",
                                                                    timeout=60_000)
    _pick_reservation(page, ids[1])
    _reason(page, "重复预留")
    page.get_by_role("button", name=t("quota.release", "en")).click()
    expect(page.get_by_text(t("quota.released", "en", id=ids[1]))).to_be_visible(timeout=60_000)
    expect(page.get_by_text(t("quota.no_open", "en"))).to_be_visible(timeout=60_000)

    # the ledger shows each state
    open_tab(page, t("quota.tab.entries", "en"))
    _, data = _download(page, t("quota.csv", "en"), tmp_path)
    # the entries as the page shows them: English headers and actions, newest first
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    col, act = t("quota.reservation", "en"), t("quota.col.action", "en")
    mine = [r for r in rows if r[col].isdigit() and int(r[col]) in ids]
    assert [(int(r[col]), r[act]) for r in reversed(mine)] == [
        (ids[0], t("quota.action.reserve", "en")), (ids[1], t("quota.action.reserve", "en")),
        (ids[0], t("quota.action.confirm", "en")), (ids[1], t("quota.action.release", "en"))], mine
    screenshot(page, "journey_official_ledger")
    assert page.page_errors == [], page.page_errors
    assert page.blocked_urls == [], page.blocked_urls


def _reason(page, text: str) -> None:
    """Type the reason of a confirmation or release (required) in the open tab."""
    box = page.locator("input:visible").and_(page.get_by_role("textbox", name=re.compile(
        re.escape(t("quota.reason", "en")))))
    box.fill(text)
    box.press("Enter")  # committed before the button is pressed
    expect(box).to_have_value(text)
    app_idle(page)


def _pick_reservation(page, rid: int) -> None:
    """Choose the open reservation ``rid`` (its option starts "#rid ") in the picker."""
    choose(page, t("quota.reservation", "en"), re.compile(rf"^#{rid} "))


# ------------------------------------------------------------------ b. the investor
def test_investor_ranks_graphs_and_finds_gaps_in_english(streamlit_server, browser_page,
                                                         find_frame_with, screenshot):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1800})
    page.goto(streamlit_server(APP) + "/chains?lang=en", wait_until="domcontentloaded")
    heading = {lang: t("chains.title", lang) for lang in ("zh", "en")}
    expect(page.get_by_role("heading", name=heading["en"])).to_be_visible(timeout=60_000)
    names = bundle.read_layer("bases").set_index("id")

    # rank the bases for a product typed in English
    open_tab(page, t("chains.tab_rank", "en"))
    rank_box = page.get_by_role("textbox", name=t("chains.pick_product", "en")).last
    rank_box.fill("lithium carbonate")
    rank_box.press("Enter")
    matched = {lang: t("chains.matched", lang, name=_node("li2co3", lang),
                       how=t("chains.how.exact", lang)) for lang in ("zh", "en")}
    expect(page.get_by_text(matched["en"])).to_be_visible(timeout=60_000)
    expect(page.get_by_text(t("chains.rank_caption", "en"))).to_be_visible()
    assert find_frame_with(page, "path.qpa-bases", 60) is not None  # the ranking map

    # Chinese and back: the open tab and the product stay
    _switch(page, "zh", heading["zh"])
    expect(_tab(page, t("chains.tab_rank", "zh"))).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text(matched["zh"])).to_be_visible(timeout=60_000)
    expect(page.get_by_role("textbox", name=t("chains.pick_product", "zh")).last
           ).to_have_value("lithium carbonate")
    _switch(page, "en", heading["en"])
    expect(_tab(page, t("chains.tab_rank", "en"))).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text(matched["en"])).to_be_visible(timeout=60_000)

    # the graph of a product's inputs and outputs, drawn with English labels
    open_tab(page, t("chains.tab_chain", "en"))
    page.get_by_text(t("chains.mode_product", "en"), exact=True).click()
    graph_box = page.get_by_role("textbox", name=t("chains.pick_product", "en")).first
    graph_box.fill("cathode material")
    graph_box.press("Enter")
    svg = page.locator("[data-testid='stGraphVizChart'] svg")
    expect(svg.first).to_contain_text(_node("cathode", "en"), timeout=60_000)

    # a base's chain gaps
    open_tab(page, t("chains.tab_base", "en"))
    choose(page, t("chains.pick_base", "en"), names.loc["golmud", "name_en"])
    expect(page).to_have_url(re.compile("chains_base=golmud"), timeout=30_000)
    expect(page.get_by_role("heading", name=t("chains.gaps", "en"))).to_be_visible()

    # a reload: English, the base tab with the base, the products typed
    page.reload(wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=heading["en"])).to_be_visible(timeout=60_000)
    expect(_tab(page, t("chains.tab_base", "en"))).to_have_attribute("aria-selected", "true",
                                                                   timeout=60_000)
    expect(page.get_by_role("combobox", name=t("chains.pick_base", "en"))).to_have_value(
        names.loc["golmud", "name_en"])
    open_tab(page, t("chains.tab_rank", "en"))
    expect(page.get_by_text(matched["en"])).to_be_visible(timeout=60_000)
    screenshot(page, "journey_investor")
    assert page.page_errors == [], page.page_errors
    assert page.blocked_urls == [], page.blocked_urls


def _node(node_id: str, lang: str) -> str:
    from geo.chains import default_graph

    return default_graph().nodes[node_id][lang]


# ------------------------------------------------------------------ c. the reviewer
def _gbk_shapefile(folder: Path) -> Path:
    """A zipped Shapefile of one site on the Qinghai Lake red line, attribute names and values
    in Chinese, written in GBK with a .cpg saying so."""
    shp = folder / "shp"
    shp.mkdir()
    gpd.GeoDataFrame({"地块名称": ["湖滨地块"], "用地单位": ["青海某某公司"]},
                     geometry=[ON_QINGHAI_LAKE], crs=4326).to_file(
        shp / "地块.shp", driver="ESRI Shapefile", encoding="GBK")
    (shp / "地块.cpg").write_text("GBK")
    assert "地块名称".encode("gbk") in (shp / "地块.dbf").read_bytes()  # really GBK
    target = folder / "地块.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for part in shp.iterdir():
            zf.write(part, part.name)
    return target


def test_reviewer_uploads_a_gbk_shapefile_and_reads_the_fail_in_the_pdf(
        streamlit_server, browser_page, tmp_path, screenshot):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(streamlit_server(APP) + "/site_check", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=t("page.site", "zh"))).to_be_visible(timeout=60_000)
    page.get_by_text(t("site.mode.file", "zh"), exact=True).click()
    page.locator("input[type='file']").first.set_input_files(str(_gbk_shapefile(tmp_path)))
    expect(page.get_by_text(_current("zh"))).to_be_visible(timeout=60_000)
    expect(page.get_by_role("combobox", name=t("site.pick", "zh"))).to_have_value("湖滨地块")
    expect(page).to_have_url(re.compile(r"site=100\.1"), timeout=30_000)
    _check(page, "zh", "FAIL")
    evidence = page.get_by_text(t("site.evidence", "zh", check=t("check.redline", "zh")))
    expect(evidence).to_be_visible()

    _switch(page, "en", t("page.site", "en"))  # the FAIL stays, in English
    expect(page.get_by_role("heading", name=t("site.verdict_compliance", "en",
                                              status=t("status.FAIL", "en")))).to_be_visible()

    # a reload: English, the uploaded site from the link; check it again
    page.reload(wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=t("page.site", "en"))).to_be_visible(timeout=60_000)
    expect(page.get_by_text(_current("en"))).to_be_visible(timeout=60_000)
    _check(page, "en", "FAIL")
    name, data = _download(page, t("site.dl.pdf", "en"), tmp_path)
    assert name.endswith(".pdf") and data.startswith(b"%PDF")
    text = _pdf_text(data, tmp_path)
    assert t("site.verdict_compliance", "en", status=t("status.FAIL", "en")).replace(" ", "") in text
    for document in _redline_core_rule_documents():  # the rule the FAIL cites
        assert document in text, (document, text[:2000])
    screenshot(page, "journey_reviewer")
    assert page.page_errors == [], page.page_errors
    assert page.blocked_urls == [], page.blocked_urls


def _redline_core_rule_documents() -> list[str]:
    """The documents the red-line rule for a core zone cites (data/rules/redline_rules.yaml)."""
    import yaml

    rules = yaml.safe_load((Path(__file__).resolve().parents[2] / "data" / "rules"
                            / "redline_rules.yaml").read_text(encoding="utf-8"))
    basis = rules["rules"]["overlap_core"]["basis"]
    return [re.sub(r"\s+", "", part.split("§")[0]) for part in re.split("[;；]", basis)]


# ------------------------------------------------------------------ d. the data steward
def _count_redlines(page, n: int, lang: str) -> None:
    """Wait for an atlas map in ``lang`` drawing exactly ``n`` red-line zones (a rerun may
    replace the map's frame while it is looked at: every frame is polled again)."""
    label = t("layer.redlines", lang)
    frame = frame_where(
        page, lambda f: f.query_selector(f'.leaflet-control-layers-overlays label:has-text("{label}")')
        and f.evaluate(f"document.querySelectorAll('path.qpa-redlines').length === {n}"), 120)
    assert frame is not None, f"the atlas in {lang} never drew {n} red-line zones"


def _redline_file(folder: Path) -> Path:
    path = folder / "新增红线.geojson"
    frame = gpd.GeoDataFrame({"编号": ["JX-1"], "名称": ["测试红线区"], "类型": ["水源涵养"],
                              "管控级别": ["一般控制区"]},
                             geometry=[shapely.box(97.50, 37.60, 97.56, 37.64)], crs=4326)
    path.write_text(frame.to_json(drop_id=True), encoding="utf-8")
    return path


def test_data_steward_imports_sees_it_on_the_atlas_and_restores(
        own_server, streamlit_server, browser_page, login, sample_official,
        tmp_path, screenshot):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1600})
    n_red = len(bundle.read_layer("redlines"))
    page.goto(own_server + "/data", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=t("data.title", "zh"))).to_be_visible(timeout=60_000)
    user, password = sample_official(streamlit_server.log(own_server))
    login(page, user, password, "zh")

    choose(page, t("data.layer", "zh"), t("layer.redlines", "zh"))
    expect(page).to_have_url(re.compile("data_layer=redlines"), timeout=30_000)
    page.locator("input[type='file']").last.set_input_files(str(_redline_file(tmp_path)))
    page.get_by_role("textbox", name=t("data.source", "zh")).fill("测试：省自然资源厅")
    page.get_by_text(t("data.mode.append", "zh"), exact=True).click()
    commit = page.get_by_role("button", name=t("data.commit", "zh", mode=t("data.mode.append", "zh"),
                                                 layer=t("layer.redlines", "zh"), n=n_red + 1))
    expect(commit).to_be_enabled(timeout=60_000)
    app_idle(page)
    commit.click()
    expect(page.get_by_text(t("data.committed", "zh", version=2, n=n_red + 1))
           ).to_be_visible(timeout=60_000)

    # the atlas draws the new zone; in English, and after a reload
    go_to(page, t("page.atlas", "zh"), "")
    _count_redlines(page, n_red + 1, "zh")
    _switch(page, "en", t("app.title", "en"))
    _count_redlines(page, n_red + 1, "en")
    page.reload(wait_until="domcontentloaded")
    _count_redlines(page, n_red + 1, "en")

    # the data page: restore the version before the import (a reload logged the official out)
    map_reported(page)  # the atlas's first rerun (its map's view) is due before the login
    login(page, user, password, "en")
    go_to(page, t("page.data", "en"), "data")
    expect(page.get_by_role("heading", name=t("data.title", "en"))).to_be_visible(timeout=60_000)
    app_idle(page)
    choose(page, t("data.layer", "en"), t("layer.redlines", "en"))  # a new session's page
    expect(page).to_have_url(re.compile("data_layer=redlines"), timeout=30_000)
    section = page.locator("[data-testid='stExpander']", has_text=t("data.restore", "en"))
    section.get_by_text(t("data.restore", "en")).click()
    expect(page.get_by_role("combobox", name=t("data.restore_version", "en"), exact=True)
           ).to_have_value("1")
    restored = page.get_by_text(t("data.restored", "en", version=1, new=3))
    click_until(page, section.get_by_role("button", name=t("data.restore_button", "en")),
                lambda ms: expect(restored).to_be_visible(timeout=ms), (30_000, 60_000))

    go_to(page, t("page.atlas", "en"), "")
    _count_redlines(page, n_red, "en")  # the imported zone is gone
    screenshot(page, "journey_data_steward")
    assert page.page_errors == [], page.page_errors
    assert page.blocked_urls == [], page.blocked_urls
