"""The Chains page (pages/chains.py) through Streamlit's AppTest (no browser)."""
from pathlib import Path

import pytest

from geo.i18n import t
from tests._stores import run_page
from tests._text import shown

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "chains.py")
TABS = ("chain", "base", "rank")


def _run(lang="zh"):
    at = run_page(PAGE, lang=lang)
    assert not at.exception, at.exception
    return at


@pytest.fixture
def page():
    return _run()


def _dot(at) -> str:
    charts = at.get("graphviz_chart")
    assert len(charts) == 1
    return charts[0].proto.spec


def _frames(at):
    return [df.value for df in at.dataframe]


def test_renders_in_chinese(page):
    assert page.title[0].value == t("chains.title", "zh")
    assert [tab.label for tab in page.tabs] == [t(f"chains.tab_{k}", "zh") for k in TABS]
    dot = _dot(page)
    assert dot.startswith("digraph") and "电池级碳酸锂" in dot
    assert "电解液" in dot and t("chains.unhosted", "zh") in dot  # the unhosted step: a gap


def test_renders_in_english():
    at = _run("en")
    assert at.title[0].value == t("chains.title", "en")
    assert [tab.label for tab in at.tabs] == [t(f"chains.tab_{k}", "en") for k in TABS]
    assert "battery-grade lithium carbonate" in _dot(at)
    assert any("Qarhan" in str(v) or "Nanchuan" in str(v) for df in _frames(at) for v in df.to_numpy().ravel())


def test_pick_a_base_chain(page):
    page.selectbox(key="chains_chain").set_value("qarhan.magnesium").run()
    assert not page.exception
    dot = _dot(page)
    assert "金属镁" in dot and "镁合金及压铸" in dot and "->" in dot


def test_pick_a_product(page):
    page.radio(key="chains_mode").set_value("product").run()
    page.text_input(key="chains_product").input("lithium carbonate").run()
    assert not page.exception
    assert any(shown("chains.matched", "zh", c.value) and "电池级碳酸锂" in c.value
               for c in page.caption)
    dot = _dot(page)
    assert "正极材料" in dot and "锂资源" in dot
    page.text_input(key="chains_product").input("火锅").run()
    assert any(w.value == t("chains.no_match", "zh", text="火锅") for w in page.warning)


def test_pick_a_base_shows_gaps_and_partners(page):
    page.selectbox(key="chains_base").set_value("nanchuan").run()
    assert not page.exception
    assert [s.value for s in page.subheader][:3] == [
        t(k, "zh") for k in ("chains.base_chains", "chains.gaps", "chains.partners")]
    frames = _frames(page)
    gap_table = next(df for df in frames if t("chains.reason", "zh") in df.columns)
    assert "电解液" in set(gap_table[t("chains.product", "zh")]) and len(gap_table) == 7
    partner_base = t("chains.partner_base", "zh")
    partners = next(df for df in frames if partner_base in df.columns)
    assert "西宁甘河工业园区" in set(partners[partner_base])
    page.selectbox(key="chains_base").set_value("qarhan").run()
    assert any(i.value == t("chains.no_gaps", "zh") for i in page.info)


def test_rank_bases_for_a_product(page):
    page.text_input(key="chains_rank_product").input("钾肥").run()
    assert not page.exception
    score, quota = t("chains.score", "zh"), t("chains.comp.quota", "zh")
    ranked = next(df for df in _frames(page) if score in df.columns)
    assert ranked.iloc[0][t("chains.base", "zh")] == "海西察尔汗工业园区" and len(ranked) == 15
    for c in ("positioning", "adjacency", "quota", "redline"):
        assert t(f"chains.comp.{c}", "zh") in ranked.columns
    page.slider(key="chains_w_positioning").set_value(0.0).run()
    page.slider(key="chains_w_adjacency").set_value(0.0).run()
    page.slider(key="chains_w_redline").set_value(0.0).run()
    ranked = next(df for df in _frames(page) if score in df.columns)
    assert ranked[score].tolist() == ranked[quota].tolist()
    page.slider(key="chains_w_quota").set_value(0.0).run()
    assert any(w.value == t("chains.all_weights_zero", "zh") for w in page.warning)
