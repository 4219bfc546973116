"""The Chains page (pages/chains.py) through Streamlit's AppTest (no browser)."""
from pathlib import Path

import pytest

from tests._stores import run_page

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "chains.py")


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
    assert page.title[0].value == "产业链上下游与选址"
    assert [t.label for t in page.tabs] == ["产业链图", "产业基地", "产品选址排名"]
    dot = _dot(page)
    assert dot.startswith("digraph") and "电池级碳酸锂" in dot
    assert "电解液" in dot and "省内无基地承载" in dot  # the unhosted step is drawn as a gap


def test_renders_in_english():
    at = _run("en")
    assert at.title[0].value.startswith("Industry chains")
    assert [t.label for t in at.tabs] == ["Chain graph", "Base", "Rank bases for a product"]
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
    assert any("电池级碳酸锂" in c.value for c in page.caption)
    dot = _dot(page)
    assert "正极材料" in dot and "锂资源" in dot
    page.text_input(key="chains_product").input("火锅").run()
    assert any("火锅" in w.value for w in page.warning)


def test_pick_a_base_shows_gaps_and_partners(page):
    page.selectbox(key="chains_base").set_value("nanchuan").run()
    assert not page.exception
    assert [s.value for s in page.subheader][:3] == ["本基地产业链（文件001第四部分）", "缺链补链清单", "上下游配套基地"]
    frames = _frames(page)
    gap_table = next(df for df in frames if "原因" in df.columns)
    assert "电解液" in set(gap_table["产品"]) and len(gap_table) == 7
    partners = next(df for df in frames if "配套基地" in df.columns)
    assert "西宁甘河工业园区" in set(partners["配套基地"])
    page.selectbox(key="chains_base").set_value("qarhan").run()
    assert any("每个环节" in i.value for i in page.info)  # no gaps


def test_rank_bases_for_a_product(page):
    page.text_input(key="chains_rank_product").input("钾肥").run()
    assert not page.exception
    ranked = next(df for df in _frames(page) if "综合得分" in df.columns)
    assert ranked.iloc[0]["产业基地"] == "海西察尔汗工业园区" and len(ranked) == 15
    for c in ("定位匹配", "产业链配套", "剩余用地指标", "避开生态红线"):
        assert c in ranked.columns
    page.slider(key="chains_w_positioning").set_value(0.0).run()
    page.slider(key="chains_w_adjacency").set_value(0.0).run()
    page.slider(key="chains_w_redline").set_value(0.0).run()
    ranked = next(df for df in _frames(page) if "综合得分" in df.columns)
    assert ranked["综合得分"].tolist() == ranked["剩余用地指标"].tolist()
    page.slider(key="chains_w_quota").set_value(0.0).run()
    assert any("权重" in w.value for w in page.warning)
