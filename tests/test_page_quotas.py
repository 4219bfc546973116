"""Quota page through AppTest: everyone sees tables, charts and the map; officials edit."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import ledger
from geo.i18n import t
from geo.seed import open_store
from tests._stores import OFFICIAL_USER, VIEWER_USER, run_page
from tests._text import stem

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "quotas.py")



def _app(user=None, lang="zh"):
    return run_page(PAGE, user, lang)


def _reserved(env, base="nanchuan", year=None) -> float:
    """Reserved ha of ``base`` in ``year`` (default: the latest year, the page's default)."""
    q = ledger.quotas(open_store(env / "qpa_store.gpkg"))
    q = q[q["year"] == (year or q["year"].max())]
    return float(q.loc[q["base_id"] == base, "reserved_ha"].iloc[0])


@pytest.mark.parametrize("user", [None, VIEWER_USER, {"username": "x", "role": "official"}])
def test_viewer_sees_figures_but_no_edit_action(env, user):
    at = _app(user)
    assert not at.exception, at.exception
    assert at.title[0].value == t("quota.title", "zh")
    assert len(at.dataframe) == 2 and at.info
    assert not at.button and not at.tabs and not at.get("download_button")
    assert not at.get("form_submit_button")


def test_year_switch_and_english(env):
    at = _app(lang="en")
    assert at.title[0].value == t("quota.title", "en")
    at.selectbox(key="quota_page_year").set_value(2024).run()
    assert not at.exception


def test_official_reserves_through_the_form(env):
    at = _app(OFFICIAL_USER, "en")
    assert not at.exception, at.exception
    before = _reserved(env)
    at.selectbox(key="quota_res_base").set_value("nanchuan")
    at.number_input(key="quota_res_area").set_value(2.5)
    at.text_input(key="quota_res_reason").input("lithium cathode project")
    at.button(key="FormSubmitter:quota_reserve-Reserve").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(stem("quota.reserved", "en") in s.value for s in at.success)
    assert _reserved(env) == pytest.approx(before + 2.5)


def test_official_over_reservation_is_refused(env):
    at = _app(OFFICIAL_USER, "en")
    before = _reserved(env)
    at.selectbox(key="quota_res_base").set_value("nanchuan")
    at.number_input(key="quota_res_area").set_value(1e6)
    at.text_input(key="quota_res_reason").input("too big")
    at.button(key="FormSubmitter:quota_reserve-Reserve").click().run()
    assert any("below zero" in e.value for e in at.error)
    assert _reserved(env) == pytest.approx(before)


def test_official_confirms_and_downloads(env):
    store = open_store(env / "qpa_store.gpkg")
    rid = ledger.reserve(store, OFFICIAL_USER, "nanchuan", 2025, 1.0, "待核销")
    at = _app(OFFICIAL_USER, "en")
    at.selectbox(key="quota_close_id").set_value(rid)
    at.text_input(key="quota_close_reason").input("land supplied")
    at.button(key="quota_confirm").click().run()
    assert not at.exception and not at.error
    res = ledger.reservations(store).set_index("id").loc[rid]
    assert res["status"] == "confirmed" and res["closed_by"] == OFFICIAL_USER.username
    assert at.get("download_button")


def test_reserve_from_the_last_site_check(env):
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["user"] = OFFICIAL_USER
    at.session_state["screen_result"] = {"project": {"product": "PVC"}, "results": [
        {"check": "quota", "metrics": {"base_id": "qarhan", "year": 2025, "requested_ha": 3.0}}]}
    at.run()
    before = _reserved(env, "qarhan", 2025)
    at.button(key="quota_reserve_screen").click().run()
    assert not at.exception and at.success
    assert _reserved(env, "qarhan", 2025) == pytest.approx(before + 3.0)


def test_a_link_to_a_tab_survives_the_login_after_a_reload(env):
    """A reload logs the official out: the viewer's page keeps the link's tab, and once the
    official logs in again that tab is open (not the first)."""
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.session_state["lang"] = "en"
    at.query_params["quota_tab"] = "close"
    at.run()
    assert not at.exception and at.query_params["quota_tab"] == "close"
    at.session_state["user"] = OFFICIAL_USER  # logs in
    at.run()
    assert not at.exception and at.query_params["quota_tab"] == "close"
    assert at.session_state["_tab.quota_tab"] == "close"


def test_the_entries_table_speaks_the_users_language(env):
    at = _app(OFFICIAL_USER, "en")
    shown = at.dataframe[-1].value
    assert t("quota.col.action", "en") in shown.columns and "d_used" not in shown.columns
    assert set(shown[t("quota.col.action", "en")]) == {t("quota.action.seed", "en")}
    assert not shown[t("quota.col.at", "en")].str.contains("T|\\+00:00").any()  # Beijing time
