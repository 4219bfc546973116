"""The URL carries the language, each page's main choices and the current site.

A reload (a new session with the same URL) or a link sent to a colleague reopens
the same view; a hostile URL is an error in the user's language, never a crash.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n import t
from geo.site_input import site_from_point
from geo.site_link import MAX_CHARS, site_from_param, site_to_param
from tests._app import map_reports

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def _open(params: dict, page: str | None = None) -> AppTest:
    """A new session on ``params`` (a reload, or a link opened by someone else)."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params.update(params)
    if page:
        at.switch_page(f"pages/{page}.py")  # the link's path: the first run is that page
    at.run()
    assert not at.exception, at.exception
    return at if page else map_reports(at)


def _url(at: AppTest) -> dict:
    """The URL's query parameters after the run, one value each."""
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def test_the_language_comes_from_the_link(env):
    at = _open({"lang": "en"})
    assert at.title[0].value == t("app.title", "en")
    assert _url(at)["lang"] == "en"


def test_a_bad_language_is_reported_not_a_crash(env):
    at = _open({"lang": "<script>"})
    assert at.title[0].value == t("app.title", "zh")
    assert any(e.value == t("url.err.choice", "zh", param="lang", value="<script>") for e in at.error)


def test_atlas_choices_survive_a_reload(env):
    at = _open({"lang": "en"})
    at.sidebar.radio(key="basemap").set_value("osm").run()
    at.sidebar.selectbox(key="focus_base").set_value("nanchuan").run()
    at.sidebar.selectbox(key="quota_year").set_value(2024).run()
    assert not at.exception
    url = _url(at)
    assert url["focus_base"] == "nanchuan" and url["basemap"] == "osm" and url["lang"] == "en"
    again = _open(url)
    assert again.sidebar.radio(key="basemap").value == "osm"
    assert again.sidebar.selectbox(key="focus_base").value == "nanchuan"
    assert again.sidebar.selectbox(key="quota_year").value == 2024
    assert again.title[0].value == t("app.title", "en")


@pytest.mark.parametrize("param,value", [("focus_base", "../../etc/passwd"), ("quota_year", "1900"),
                                         ("basemap", "x" * 5000)])
def test_a_hostile_choice_is_dropped_with_an_error(env, param, value):
    at = _open({"lang": "en", param: value})
    said = t("url.err.choice", "en", param=param, value=value[:40])
    assert any(e.value == said for e in at.error)
    assert at.sidebar.selectbox(key="focus_base").value == ""
    # the page reruns by itself (the map reports its view): the message stays until dismissed
    at.run()
    assert any(e.value == said for e in at.error)
    at.button(key="_url_dismiss.atlas").click().run()
    assert not any(e.value == said for e in at.error)
    at.run()
    assert not at.error


def test_the_site_check_reopens_the_same_site(env):
    at = _open({"lang": "en"}, "site_check")
    at.radio(key="site_mode").set_value("paste").run()
    at.text_area(key="paste_text").input(
        "101.730,36.560\n101.740,36.560\n101.740,36.570\n101.730,36.570").run()
    at.button(key="paste_go").click().run()
    assert not at.exception and not at.error
    url = _url(at)
    assert url["site_mode"] == "paste" and url["site"].count(";") == 3
    area = at.session_state["site"].area_ha
    again = _open(url, "site_check")
    assert again.radio(key="site_mode").value == "paste"
    assert again.session_state["site"].area_ha == pytest.approx(area, rel=1e-6)
    assert any(t("site.none", "en") not in s.value for s in again.success)


@pytest.mark.parametrize("site", ["1,2;3,4;5,6", "abc", "101.7,36.5;" * 600,
                                  "1e308,36;101,36;101,37", "x" * (MAX_CHARS + 1)])
def test_a_hostile_site_link_is_an_error_in_the_users_language(env, site):
    at = _open({"lang": "zh", "site": site}, "site_check")
    assert at.error and "site" not in at.session_state
    assert not any(re.search(r"[A-Za-z]{4,}", e.value) for e in at.error), [e.value for e in at.error]


def test_a_checked_site_and_its_project_come_back_after_a_reload(env):
    """F5 after a check, as the walk did: the site, every project field and the verdict are
    back (checked again from the link), in the language switched to before the reload."""
    at = _open({"lang": "zh"}, "site_check")
    at.radio(key="site_mode").set_value("paste").run()
    at.text_area(key="paste_text").input(
        "94.900,36.800\n94.912,36.800\n94.912,36.809\n94.900,36.809").run()
    at.button(key="paste_go").click().run()
    fields = {"applicant": "青海某钾肥有限公司", "project_name": "察尔汗钾肥扩建项目",
              "project_code": "2026-630000-26-03-000002", "product": "钾肥", "industry": "C2623",
              "land_use_type": "工业用地", "own_mining_right": "察尔汗盐湖钾镁盐矿"}
    figures = {"area_req": 30.0, "investment": 80000.0, "floor_area": 150000.0,
               "footprint": 120000.0, "admin_area": 8000.0}
    for key, value in fields.items():
        at.text_input(key=key).input(value)
    for key, value in figures.items():
        at.number_input(key=key).set_value(value)
    at.selectbox(key="activity").set_value("national_major_project")
    next(b for b in at.button if b.label == t("site.run", "zh")).click().run()
    assert not at.exception and at.session_state["result"] is not None
    overall = at.session_state["result"].overall
    at.sidebar.radio(key="lang").set_value("en").run()
    url = _url(at)
    assert url["checked"] == "1" and url["lang"] == "en" and "钾肥" in url["project"]

    again = _open(url, "site_check")  # the reload
    assert not again.error, [e.value for e in again.error]
    for key, value in fields.items():
        assert again.text_input(key=key).value == value, key
    for key, value in figures.items():
        assert again.number_input(key=key).value == value, key
    assert again.selectbox(key="activity").value == "national_major_project"
    result = again.session_state["result"]
    assert result.overall == overall and result.project.product == "钾肥"
    assert result.project.investment_wan == 80000.0 and result.project.activity == "national_major_project"
    assert again.header[0].value == t("site.verdict_compliance", "en",
                                      status=t(f"status.{overall}", "en"))
    assert _url(again)["checked"] == "1"

    # a new site drops the verdict (not checked yet) and keeps the project for the next check
    again.text_area(key="paste_text").input(
        "101.730,36.560\n101.741,36.560\n101.741,36.569\n101.730,36.569").run()
    again.button(key="paste_go").click().run()
    url = _url(again)
    assert "checked" not in url and "钾肥" in url["project"]
    third = _open(url, "site_check")
    assert third.text_input(key="product").value == "钾肥" and "result" not in third.session_state


@pytest.mark.parametrize("project", ['{"product": 5}', '{"evil": "x"}', "[1, 2]", "{",
                                     '{"investment": -1}', '{"investment": NaN}',
                                     '{"year": 99999}', '{"product": "' + "x" * 300 + '"}',
                                     "{" * 5000])
def test_a_hostile_project_link_is_an_error_and_the_form_stays_empty(env, project):
    at = _open({"lang": "zh", "project": project, "checked": "1",
                "site": "101.730000,36.560000;101.741000,36.560000;101.741000,36.569000"}, "site_check")
    assert [e.value for e in at.error] == [t("url.err.project", "zh")]
    assert at.text_input(key="product").value == "" and "result" not in at.session_state
    assert "project" not in _url(at)


def test_site_text_round_trip_is_exact_to_a_decimetre():
    site = site_from_point(96.1, 37.2, 120.0, "circle")
    back = site_from_param(site_to_param(site))
    assert back.area_ha == pytest.approx(site.area_ha, rel=1e-5)
    assert back.geometry.hausdorff_distance(site.geometry) < 1e-6  # degrees: about 0.1 m


def test_chains_tab_and_choices_survive_a_language_switch_and_a_reload(env):
    at = _open({"lang": "zh", "chains_tab": "base", "chains_base": "golmud"}, "chains")
    assert at.selectbox(key="chains_base").value == "golmud"
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.selectbox(key="chains_base").value == "golmud"
    url = _url(at)
    assert url["chains_tab"] == "base" and url["lang"] == "en"


def test_ranking_weights_survive_a_language_switch_and_a_reload(env):
    """A weight moved on the ranking tab is in the link (the defaults are not), and comes back
    after F5 with the ranking it gives."""
    at = _open({"lang": "zh", "chains_tab": "rank"}, "chains")
    assert not any(k.startswith("chains_w_") for k in _url(at))
    at.slider(key="chains_w_positioning").set_value(0.0).run()
    at.sidebar.radio(key="lang").set_value("en").run()
    url = _url(at)
    assert url["chains_w_positioning"] == "0" and "chains_w_quota" not in url
    def ranking(app):
        return next(d.value for d in app.dataframe if t("chains.score", "en") in d.value.columns)

    table = ranking(at)
    again = _open(url, "chains")
    assert again.slider(key="chains_w_positioning").value == 0.0
    assert again.slider(key="chains_w_quota").value == at.slider(key="chains_w_quota").value
    assert ranking(again).equals(table)
    assert not ranking(_open({"lang": "en", "chains_tab": "rank"}, "chains")).equals(table)


@pytest.mark.parametrize("value", ["abc", "-0.5", "1.5", "nan", "inf", "9" * 50])
def test_a_hostile_weight_is_an_error_and_the_default_stays(env, value):
    at = _open({"lang": "en", "chains_tab": "rank", "chains_w_quota": value}, "chains")
    assert [e.value for e in at.error] == [t("url.err.weight", "en", value=value[:20])]
    default = at.slider(key="chains_w_quota").value
    assert 0.0 < default <= 1.0 and "chains_w_quota" not in _url(at)


def test_choices_survive_a_visit_to_another_page(env):
    """The walk's finding: 数据管理 -> another page -> 数据管理 reset 图层 to 省界. A kept choice
    now comes back when its page is opened again from the sidebar, on every page."""
    at = _open({"lang": "zh"}, "data")
    layers = at.selectbox(key="data_layer").options
    at.selectbox(key="data_layer").set_value("redlines").run()
    at.switch_page("pages/site_check.py").run()
    at.radio(key="site_mode").set_value("paste").run()
    assert "data_layer" not in _url(at)  # the other page's link carries its own choices only
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="data_layer").value == "redlines" and len(layers) > 1
    assert _url(at)["data_layer"] == "redlines"
    at.switch_page("pages/site_check.py").run()
    assert at.radio(key="site_mode").value == "paste"


@pytest.mark.parametrize("page, key", [("chains", "chains_tab"), ("batch", "batch_tab")])
def test_a_tab_the_page_does_not_have_is_said_not_ignored(env, page, key):
    at = _open({"lang": "zh", key: "zzz"}, page)
    assert [e.value for e in at.error] == [t("url.err.choice", "zh", param=key, value="zzz")]
    assert key not in _url(at) or _url(at)[key] != "zzz"
    at.button(key=f"_url_dismiss.tab.{key}").click().run()
    assert not at.error


def test_a_stale_label_from_the_browser_keeps_the_kept_choice(monkeypatch):
    """Right after a language switch, a rerun that starts before the browser has the new
    labels gets a kept choice back as its label in the old language, which Streamlit takes
    for the value itself (the chosen base was lost that way): the last valid id stays."""
    from types import SimpleNamespace

    from geo import bundle
    from ui import state

    fake = SimpleNamespace(session_state={})
    monkeypatch.setattr(state, "st", fake)
    ids = ["", *bundle.read_layer("bases")["id"]]
    assert state.keep("focus_base", "", ids) == "focus_base"
    assert fake.session_state["focus_base"] == ""  # the default
    fake.session_state["focus_base"] = "nanchuan"  # chosen
    state.keep("focus_base", "", ids)
    zh_label = bundle.read_layer("bases").set_index("id").loc["nanchuan", "name_zh"]
    fake.session_state["focus_base"] = zh_label  # the stale label, read as the value
    state.keep("focus_base", "", ids)
    assert fake.session_state["focus_base"] == "nanchuan"
    fake.session_state["focus_base"] = "golmud"  # a later choice is the user's
    state.keep("focus_base", "", ids)
    assert fake.session_state["focus_base"] == "golmud"

    # with the widget's labels, a label in either language is the option it names: a pick
    # the browser sent as its label is kept as the user's (not undone to the last id)
    names = bundle.read_layer("bases").set_index("id")

    def label(b, lang):
        return names.loc[b, f"name_{lang}"] if b else t("ctl.search_none", lang)

    fake.session_state["focus_base"] = t("ctl.search_none", "en")
    state.keep("focus_base", "", ids, label)
    assert fake.session_state["focus_base"] == ""
    fake.session_state["focus_base"] = names.loc["nanchuan", "name_zh"]
    state.keep("focus_base", "", ids, label)
    assert fake.session_state["focus_base"] == "nanchuan"
