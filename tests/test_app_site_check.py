"""Site-check page logic through AppTest: give a site, run the check, see the verdict."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.checks import check_ids
from geo.i18n import t
from tests._text import shown

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")

# a 1 km square in 南川 (Xining), WGS84 lon,lat
NANCHUAN = "101.730,36.560\n101.741,36.560\n101.741,36.569\n101.730,36.569"
# a square in the middle of Qinghai Lake's reserve
QINGHAI_LAKE = "100.10,36.90\n100.12,36.90\n100.12,36.92\n100.10,36.92"


def _paste(at: AppTest, text: str, crs: str = "wgs84") -> AppTest:
    at.radio(key="site_mode").set_value("paste").run()
    at.selectbox(key="paste_crs").set_value(crs)
    at.text_area(key="paste_text").input(text)
    at.button(key="paste_go").click().run()
    return at


def _check(at: AppTest, product: str = "") -> AppTest:
    at.text_input(key="product").input(product)
    next(b for b in at.button if b.label in (t("site.run", "zh"), t("site.run", "en"))).click().run()
    return at


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("QPA_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/site_check.py").run()
    assert not at.exception, at.exception
    return at


def test_no_site_yet(app):
    assert any(i.value == t("site.none", "zh") for i in app.info)


def test_pasted_site_in_a_base(app):
    _paste(app, NANCHUAN)
    assert not app.exception and not app.error
    assert any(shown("site.current", "zh", s.value) for s in app.success)
    _check(app, "正极材料")
    assert not app.exception, app.exception
    header = app.header[0].value
    assert header.startswith(t("verdict.compliance", "zh"))
    table = app.dataframe[0].value
    assert len(table) == len(check_ids()) + 2  # every check, the compliance verdict, suitability
    assert set(table[t("site.col.check", "zh")]) >= {
        t(f"check.{c}", "zh") for c in ("redline", "minerals", "base", "quota", "terrain", "chain")}
    base_row = _row(table, "zh", "check.base")
    assert "南川" in base_row[t("site.col.finding", "zh")]
    # cathode material in 南川: its lithium carbonate and cell makers are next door, but its
    # smelting partner is only at Golmud (~600 km): the adjacency is a WARN naming it
    assert base_row[t("site.col.status", "zh")] == t("status.PASS", "zh")
    chain_row = _row(table, "zh", "check.chain")
    assert chain_row[t("site.col.status", "zh")] == t("status.WARN", "zh")
    assert "格尔木" in chain_row[t("site.col.finding", "zh")]


def test_red_line_site_fails(app):
    _paste(app, QINGHAI_LAKE)
    _check(app)
    assert not app.exception
    assert app.header[0].value == t("site.verdict_compliance", "zh", status=t("status.FAIL", "zh"))
    table = app.dataframe[0].value
    assert _row(table, "zh", "check.redline")[t("site.col.status", "zh")] == t("status.FAIL", "zh")


def test_bad_coordinates_keep_the_previous_site(app):
    _paste(app, NANCHUAN)
    before = app.session_state["site"]
    _paste(app, "101.73,36.56\nabc def\n101.74,36.57")
    assert app.error and "2" in app.error[0].value  # names the line
    assert app.session_state["site"] is before
    # and says the input was not taken, so the site shown below is not read as the new one
    assert [w.value for w in app.warning if w.value == t("site.kept_previous", "zh")]


def _nanchuan_in_gk() -> str:
    """The Nanchuan square in CGCS2000 GK zone 34 with the zone prefix on Y (X north, Y east)."""
    from geo.gk import lonlat_to_gk

    lines = []
    for pair in NANCHUAN.splitlines():
        lon, lat = map(float, pair.split(","))
        x, y, _ = lonlat_to_gk(lon, lat, zone=34, prefixed=True)
        lines.append(f"{x:.3f},{y:.3f}")
    return "\n".join(lines)


def test_gauss_kruger_paste_in_english(app):
    app.sidebar.radio(key="lang").set_value("en").run()
    _paste(app, _nanchuan_in_gk(), crs="gk")
    assert not app.error, [e.value for e in app.error]
    assert any(shown("site.current", "en", s.value) and "101.73" in s.value for s in app.success)


def _row(table, lang, check):
    return table[table[t("site.col.check", lang)] == t(check, lang)].iloc[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_two_verdicts_and_the_project_form(app, lang):
    if lang == "en":
        app.sidebar.radio(key="lang").set_value("en").run()
    _paste(app, NANCHUAN)
    app.text_input(key="applicant").input("青海某锂业有限公司")
    app.text_input(key="project_name").input("电池级碳酸锂项目")
    app.text_input(key="project_code").input("2026-630000-26-03-000001")
    app.text_input(key="industry").input("C2613")
    app.number_input(key="area_req").set_value(20.0)
    app.number_input(key="investment").set_value(60000.0)
    app.number_input(key="floor_area").set_value(100000.0)
    app.number_input(key="footprint").set_value(80000.0)
    app.number_input(key="admin_area").set_value(20000.0)
    _check(app, "碳酸锂")
    assert not app.exception, app.exception
    result = app.session_state["result"]
    p = result.project
    assert (p.applicant, p.industry, p.floor_area_m2, p.admin_area_m2) == \
        ("青海某锂业有限公司", "C2613", 100000.0, 20000.0)
    # compliance first (binding), suitability under it (advisory, says it approves nothing)
    assert app.header[0].value == t("site.verdict_compliance", lang,
                                    status=t(f"status.{result.overall}", lang))
    assert any(f"{result.suitability.score:.2f}" in s.value for s in app.subheader)
    assert any(t("verdict.suitability_note", lang) in c.value for c in app.caption)
    table = app.dataframe[0].value
    kinds = table[t("site.col.kind", lang)].tolist()
    assert kinds.count(t("kind.advisory", lang)) == 4  # base, terrain, chain, suitability
    assert _row(table, lang, "check.overall")[t("site.col.status", lang)] == \
        t(f"status.{result.overall}", lang)
    suit = _row(table, lang, "verdict.suitability")
    assert suit[t("site.col.status", lang)] == t(f"suit.band.{result.suitability.band}", lang)
    # the land-use standard used the new figures: plot ratio 100,000 m² / 20 ha = 0.50
    std = _row(table, lang, "check.landuse_standard")
    assert "0.50" in std[t("site.col.finding", lang)]
    # no raw keys, ids or None anywhere in the verdict table
    text = " ".join(str(v) for v in table.to_numpy().ravel())
    for raw in ("None", "name_en", "geodesic_km", "chk.", "rule.", "nan"):
        assert raw not in text
    # the control kinds with no data are listed
    assert any(t("check.farmland", lang) in i.value for i in app.info)
    # the table cuts long cells: each finding and rule is also there in full, wrapped, drawn
    # once the expander is opened
    full = next(e for e in app.expander if e.label == t("site.rules_in_full", lang))
    assert not full.markdown
    app.session_state["verdict_in_full"] = True
    app.run()
    full = next(e for e in app.expander if e.label == t("site.rules_in_full", lang))
    text = " ".join(m.value for m in full.markdown).replace("\\", "")
    for res in result.results:
        assert res.message(lang) in text, res.check
        if res.rule.get("basis"):
            assert res.rule["basis"] in text, res.check


def test_switching_language_after_a_check_keeps_the_result(app):
    _paste(app, NANCHUAN)
    _check(app, "碳酸锂")
    assert app.header[0].value.startswith(t("verdict.compliance", "zh"))
    app.sidebar.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.header[0].value.startswith(t("verdict.compliance", "en"))
    table = app.dataframe[0].value
    assert t("check.redline", "en") in set(table[t("site.col.check", "en")])


def test_an_officials_check_is_kept_with_its_site_project_and_data(app, tmp_path):
    """The audit record of a check run by an official: the pasted site, the project and
    the versions of the data screened against."""
    from geo.audit import screening
    from geo.seed import open_store
    from geo.store import store_location
    from tests._stores import OFFICIAL_USER

    app.session_state["user"] = OFFICIAL_USER
    _paste(app, NANCHUAN)
    _check(app, "正极材料")
    assert not app.exception, app.exception
    audit_id = app.session_state["screen_audit_id"]
    rec = screening(open_store(store_location()), audit_id)
    assert rec["username"] == OFFICIAL_USER.username
    assert rec["inputs"]["how"] == "paste" and rec["inputs"]["project"]["product"] == "正极材料"
    assert rec["inputs"]["data"]["layers"]["redlines"] == 1
    assert rec["overall"] == app.session_state["result"].overall


GCJ02_SQUARE = "101.7410,36.5650\n101.7510,36.5650\n101.7510,36.5700\n101.7410,36.5700"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_centre_is_labelled_with_the_system_its_numbers_are_in(app, lang):
    """A GCJ-02 paste is converted: the centre shown is in CGCS2000/WGS84 and says so, and
    names the input system apart ('converted from GCJ-02'), in the user's language."""
    from geo import crs as china_crs
    from geo.crs_labels import centre_system_text

    if lang == "en":
        app.sidebar.radio(key="lang").set_value("en").run()
    _paste(app, GCJ02_SQUARE, crs="gcj02")
    site = app.session_state["site"]
    c = site.geometry.centroid
    gcj_lon, _ = china_crs.wgs84_to_gcj02(c.x, c.y)
    assert abs(gcj_lon - c.x) > 1e-3  # the shown numbers are not the GCJ-02 ones
    want = t("site.current", lang, area=site.area_ha, lon=c.x, lat=c.y,
             crs=t("crs.converted", lang, working=t("crs.working", lang),
                   source=t("crs.gcj02", lang)))
    assert want == t("site.current", lang, area=site.area_ha, lon=c.x, lat=c.y,
                     crs=centre_system_text(site.crs_in, lang))
    assert [s.value for s in app.success if s.value == want], [s.value for s in app.success]
    assert not [s.value for s in app.success if "（GCJ-02）" in s.value or "(GCJ-02)" in s.value]


def test_gauss_kruger_input_is_named_in_chinese(app):
    _paste(app, _nanchuan_in_gk(), crs="gk")
    shown_now = [s.value for s in app.success if shown("site.current", "zh", s.value)]
    assert shown_now and t("crs.gk_prefixed", "zh", zone=34) in shown_now[0]
    assert t("crs.working", "zh") in shown_now[0]
    assert "prefixed" not in shown_now[0] and "GK zone" not in shown_now[0]
