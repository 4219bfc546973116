"""The batch page (pages/batch.py) through Streamlit's AppTest (no browser).

Runs the page file directly (works before and after it is registered in
ui/shell.py PAGES); when registered, also through the app's router.
"""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n import t
from tests._stores import run_page
from tests._text import shown

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "batch.py")
APP = str(ROOT / "streamlit_app.py")
SITES = ("site_id,lon,lat,area_ha\na,94.9,36.4,50\nb,101.7,36.56,30\n"
         "c,97.0,37.3,40\nd,95.3,36.9,20\n")


def _run(lang="zh"):
    at = run_page(PAGE, lang=lang)
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def screened():
    at = _run("en")
    at.text_area(key="batch_csv").input(SITES)
    at.text_input(key="batch_product").input("正极材料")
    at.button(key="batch_run").click().run()
    assert not at.exception, at.exception
    return at


def test_renders_in_chinese():
    at = _run("zh")
    assert at.title[0].value == t("batch.title", "zh")
    assert [tab.label for tab in at.tabs] == [t("batch.tab_rank", "zh"), t("batch.tab_suit", "zh")]


def _col(key: str, lang: str = "en") -> str:
    return t(key, lang)


def test_ranked_table_with_every_check_in_columns(screened):
    assert any(shown("batch.done", "en", s.value) and s.value.startswith("4 ")
               for s in screened.success)
    table = screened.dataframe[0].value
    assert table[_col("batch.col.rank")].tolist() == [1, 2, 3, 4]
    order = [t(f"status.{s}", "en") for s in ("PASS", "UNKNOWN", "WARN", "FAIL")]
    verdicts = table[_col("verdict.compliance")].tolist()
    assert [order.index(s) for s in verdicts] == sorted(order.index(s) for s in verdicts)
    for check in ("redline", "minerals", "base", "quota", "terrain", "chain"):
        assert set(table[_col(f"check.{check}")]) <= set(order)  # translated statuses
    chain = t("check.chain", "en")
    assert f"{chain}: {t('col.score', 'en')}" in table.columns
    assert not [c for c in table.columns if "_" in c]  # no raw column ids


def test_the_ranking_speaks_chinese():
    at = _run("zh")
    at.text_area(key="batch_csv").input(SITES)
    at.text_input(key="batch_product").input("正极材料")
    at.button(key="batch_run").click().run()
    table = at.dataframe[0].value
    assert t("verdict.compliance", "zh") in table.columns
    statuses = {t(f"status.{s}", "zh") for s in ("PASS", "UNKNOWN", "WARN", "FAIL")}
    assert set(table[t("verdict.compliance", "zh")]) <= statuses
    text = " ".join(map(str, table.columns)) + " ".join(map(str, table.to_numpy().ravel()))
    assert not {"PASS", "WARN", "FAIL", "UNKNOWN"} & set(text.split())


def test_weighted_mode_and_sensitivity(screened):
    screened.radio(key="batch_mode").set_value("weighted").run()
    assert not screened.exception
    table = screened.dataframe[0].value
    score = table[_col("batch.col.score")]
    assert score.notna().all() and score.is_monotonic_decreasing
    screened.slider(key="batch_w_verdict").set_value(0.0).run()
    screened.slider(key="batch_w_quota").set_value(0.0).run()
    table = screened.dataframe[0].value
    chain = table[f"{t('check.chain', 'en')}: {t('col.score', 'en')}"].fillna(0).tolist()
    assert chain == sorted(chain, reverse=True)   # chain only
    sens = screened.dataframe[1].value
    assert len(sens) == 4 and sens.iloc[:, 1].sum() == pytest.approx(3.0)
    assert len(screened.get("download_button")) == 3


#: Sites in four bases and one outside: the in-turn and the weighted rankings differ.
RANK_SITES = ("site_id,lon,lat,area_ha\nnanchuan,101.735,36.5661,20\nganhe,101.475,36.5314,20\n"
              "golmud,95.0,36.4218,20\nx1,94.9,36.4,50\nqarhan,94.98,36.8016,20\n")


def _cli_order(tmp_path, year, weights=None) -> list:
    import pandas as pd

    from geo.screen import main

    sites = tmp_path / "sites.csv"
    sites.write_text(RANK_SITES, encoding="utf-8")
    out = tmp_path / "ranked.csv"
    extra = ["--weights", ",".join(f"{k}={v}" for k, v in weights.items())] if weights else []
    assert main([str(sites), "--product", "正极材料", "--out", str(out), "--quiet",
                 "--year", str(year), *extra]) == 0
    rows = pd.read_csv(out, dtype={"site_id": str})
    overall = rows[rows["check"] == "overall"].sort_values("rank")
    assert overall["rank"].tolist() == [1, 2, 3, 4, 5]
    return overall["site_id"].tolist()


def test_command_line_ranks_the_sites_as_the_page_does(tmp_path):
    """``python -m geo.screen`` and the batch page rank with one function: the same order
    in turn (verdict, chain, quota) and, with the page's weights, by the weighted score."""
    from geo.batch import DEFAULT_WEIGHTS

    at = _run("en")
    at.text_area(key="batch_csv").input(RANK_SITES)
    at.text_input(key="batch_product").input("正极材料")
    at.button(key="batch_run").click().run()
    assert not at.exception, at.exception
    year = at.selectbox(key="batch_year").value
    site_id = t("batch.col.site_id", "en")
    in_turn = at.dataframe[0].value[site_id].astype(str).tolist()
    at.radio(key="batch_mode").set_value("weighted").run()
    weights = {c: at.slider(key=f"batch_w_{c}").value for c in DEFAULT_WEIGHTS}
    weighted = at.dataframe[0].value[site_id].astype(str).tolist()
    assert in_turn != weighted  # the sites tell the two rankings apart
    assert _cli_order(tmp_path, year) == in_turn
    assert _cli_order(tmp_path, year, weights) == weighted


def test_bad_csv_shows_a_translated_error():
    at = _run("en")
    at.text_area(key="batch_csv").input("site_id,lon,lat\na,94.9,36.4\n")
    at.text_input(key="batch_product").input("钾肥")
    at.button(key="batch_run").click().run()
    assert not at.exception
    assert at.error and "area_ha" in at.error[0].value


def test_missing_product_and_sites():
    at = _run("en")
    at.button(key="batch_run").click().run()
    assert at.error[0].value == t("batch.no_sites", "en")


def test_suitability_tab():
    at = _run("en")
    at.text_input(key="suit_product").input("钾肥")
    at.selectbox(key="suit_res").set_value(5000)
    at.button(key="suit_run").click().run()
    assert not at.exception, at.exception
    from geo.bundle import read_layer

    bases = read_layer("bases").set_index("id")
    said = [s.value for s in at.success if shown("batch.suit_done", "en", s.value)]
    assert said and bases.loc["qarhan", "name_en"] in said[0]  # the base's name, not its id
    assert not any(f"{sep}qarhan" in said[0] for sep in (": ", ", ", "：", "、"))
    assert any(b.proto.label == t("batch.dl.tif", "en") for b in at.get("download_button"))
    at.text_input(key="suit_product").input("no such product xyz")
    at.button(key="suit_run").click().run()
    assert not at.exception
    assert at.error[0].value == t("err.suit_product", "en", product="no such product xyz")


def test_through_the_router_when_registered():
    from ui.shell import PAGES

    if "pages/batch.py" not in [p for p, _ in PAGES]:
        pytest.skip("pages/batch.py is not registered in ui.shell.PAGES yet")
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("pages/batch.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == t("batch.title", "zh")
