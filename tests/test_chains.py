"""Industry chains (geo/chains, data/chains): hand-made scoring, bundled data, seed citations."""
from __future__ import annotations

import ast
import json
import math
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest
import shapely
import yaml

from geo.chains import (Chain, Cite, Node, Vocabulary, base_node, build_graph, chain_adjacency,
                        chain_gaps, default_graph, feeds_in, feeds_out, hosts, link_score,
                        partner_bases, rank_bases, redline_shares, upstream)
from geo.checks import load_config
from geo.checks.chain import decide as chain_decide
from geo.i18n import t
from geo.chains.data import CHAINS_PATH, VOCABULARY_PATH, ChainData, load_chains, load_vocabulary

REPO = Path(__file__).resolve().parent.parent
SEEDS = next((p for p in (REPO.parent / "shared" / "seeds", Path("/work/shared/seeds")) if p.is_dir()), None)
needs_seeds = pytest.mark.skipif(SEEDS is None, reason="seed texts not available")

#: One degree of longitude along the equator on WGS84, in km (a * pi / 180).
EQ_KM = 6378.137 * math.pi / 180.0


# --------------------------------------------------------------------------- hand-made graph

def _node(id_, kind="product", cluster="x"):
    return Node(id=id_, kind=kind, zh=f"{id_}品", en=f"{id_} product", cluster=cluster)


@pytest.fixture
def tiny():
    """a (raw, salt lake R at lon 2) -> b (base X at lon 0) -> c (base Y at lon 1);
    b -> e (nobody hosts e); z hosted by X with no partner. All on the equator."""
    vocab = Vocabulary({n.id: n for n in [_node("a", "raw"), _node("b"), _node("c"), _node("e"),
                                          _node("z")]})
    cite = (Cite("001 §四.1", "test"),)
    data = ChainData(
        chains={"k": Chain("k", "cluster", "链", "chain", (("a",), ("b",), ("c",)), cite)},
        clusters={}, regions={},
        hosting=({"base": "X", "product": "b", "cites": cite}, {"base": "Y", "product": "c", "cites": cite},
                 {"base": "X", "product": "z", "cites": cite}),
        feeds=({"from": "b", "to": "e", "cites": cite, "basis": "stated"},),
        resources={"salt_lake_minerals": {"A": "a"}},
    )
    bases = pd.DataFrame({"id": ["X", "Y"], "name_zh": ["X区", "Y区"], "name_en": ["X", "Y"],
                          "lon": [0.0, 1.0], "lat": [0.0, 0.0], "seq": [1, 2]})
    lakes = pd.DataFrame({"id": ["R"], "name_zh": ["R湖"], "name_en": ["R"], "minerals": ["A,Q"],
                          "lon": [2.0], "lat": [0.0]})
    deposits = pd.DataFrame(columns=["id", "name_zh", "name_en", "commodity", "lon", "lat"])
    return build_graph(vocab, data, bases, lakes, deposits)


CONFIG = {
    "distance": {"detour_factor": 1.5, "full_km": 10, "half_km": 100},
    "adjacency": {"upstream_weight": 0.5, "downstream_weight": 0.5, "include_end_use": False,
                  "hosts_listed": 3, "pass_min_score": 0.5, "warn_on_missing": True},
}


def _f(road_km, full=10.0, half=100.0):
    return 1.0 if road_km <= full else 0.5 ** ((road_km - full) / half)


def test_tiny_graph_structure(tiny):
    assert feeds_in(tiny, "b") == ["a"] and sorted(feeds_out(tiny, "b")) == ["c", "e"]
    assert hosts(tiny, "a") == ["salt_lake:R"] and hosts(tiny, "e") == []
    assert upstream(tiny, "c", depth=None) == {"b": 1, "a": 2}
    assert tiny.nodes["salt_lake:R"]["codes"] == ["A"]  # unmapped mineral Q ignored


def test_link_score_decay():
    assert link_score(0, 10, 100) == 1.0
    assert link_score(10, 10, 100) == 1.0
    assert link_score(110, 10, 100) == pytest.approx(0.5)
    assert link_score(310, 10, 100) == pytest.approx(0.125)


def test_adjacency_exact_values(tiny):
    res = chain_adjacency(0.0, 0.0, "b", graph=tiny, config=CONFIG)
    up_km, down_km = 2 * EQ_KM * 1.5, 1 * EQ_KM * 1.5  # road = 1.5 x geodesic
    f_a, f_c = _f(up_km), _f(down_km)
    by = {p.product: p for p in res.partners}
    assert set(by) == {"a", "c", "e"}
    assert by["a"].nearest.geodesic_km == pytest.approx(2 * EQ_KM, rel=1e-9)
    assert by["a"].nearest.road_km == pytest.approx(up_km, rel=1e-9)
    assert by["a"].link_score == pytest.approx(f_a, rel=1e-9)
    assert by["c"].nearest.host == "base:Y" and by["c"].link_score == pytest.approx(f_c, rel=1e-9)
    assert by["e"].missing and by["e"].link_score == 0.0
    assert res.upstream_score == pytest.approx(f_a, rel=1e-9)
    assert res.downstream_score == pytest.approx((f_c + 0.0) / 2, rel=1e-9)
    assert res.score == pytest.approx(0.5 * f_a + 0.5 * (f_c / 2), rel=1e-9)
    assert res.score == pytest.approx(0.1372, abs=1e-4)  # 0.5*0.10586 + 0.25*0.33702
    assert res.status == "WARN" and res.reason == "low_score"
    assert [p.product for p in res.missing] == ["e"]
    json.dumps(res.to_dict())  # plain data for reports


def test_adjacency_one_sided_and_pass(tiny):
    cfg = {**CONFIG, "distance": {"detour_factor": 1.0, "full_km": 200, "half_km": 100}}
    res = chain_adjacency(1.0, 0.0, "c", graph=tiny, config=cfg)  # only upstream b at X, 111 km
    assert [p.product for p in res.partners] == ["b"]
    assert res.downstream_score is None and res.score == 1.0 and res.status == "PASS"
    res = chain_adjacency(1.0, 0.0, "c", graph=tiny, config=CONFIG)
    assert res.score == pytest.approx(_f(EQ_KM * 1.5), rel=1e-9) and res.status == "WARN"


def test_adjacency_missing_link_warns_even_when_close(tiny):
    cfg = {**CONFIG, "distance": {"detour_factor": 1.0, "full_km": 1000, "half_km": 100}}
    res = chain_adjacency(0.0, 0.0, "b", graph=tiny, config=cfg)
    assert res.score == pytest.approx(0.5 * 1 + 0.5 * 0.5)
    assert res.status == "WARN" and res.reason == "missing_links"
    cfg["adjacency"] = {**CONFIG["adjacency"], "warn_on_missing": False}
    assert chain_adjacency(0.0, 0.0, "b", graph=tiny, config=cfg).status == "PASS"


def test_adjacency_far_link_is_not_nearby_and_is_named(tiny):
    """Upstream b at X (lon 0) and downstream c at Y (lon 1) of a site at lon 0: with a reach
    of 100 km by road (link score >= 0.5 with full 10 / half 90), c at 111 km is far."""
    cfg = {"distance": {"detour_factor": 1.0, "full_km": 10, "half_km": 90},
           "adjacency": {**CONFIG["adjacency"], "pass_min_score": 0.1, "warn_on_missing": False,
                         "near_min_link_score": 0.5}}
    res = chain_adjacency(0.0, 0.0, "b", graph=tiny, config=cfg)
    assert res.rule["reach_km"] == pytest.approx(100.0)
    by = {p.product: p for p in res.partners}
    assert by["a"].near is False and by["c"].near is False  # 222 km, 111 km
    assert res.status == "WARN" and res.reason == "far_links" and res.n_near == 0
    assert [p.product for p in res.far] == ["a", "c"] and res.score >= 0.1
    result = chain_decide(res, "b", load_config())
    for lang in ("zh", "en"):
        msg = result.message(lang)
        far = t("chk.chain.far", lang, far="")
        assert far in msg and "R" in msg and f"{by['c'].nearest.geodesic_km:,.1f}" in msg
        assert t("chk.chain.reach", lang, n=3, n_near=0, reach_km=100.0) in msg
    cfg["adjacency"]["near_min_link_score"] = 0.25  # 190 km: c near, a still far
    res = chain_adjacency(0.0, 0.0, "b", graph=tiny, config=cfg)
    assert [p.product for p in res.far] == ["a"] and res.n_near == 1
    cfg["adjacency"]["warn_on_far"] = False
    assert chain_adjacency(0.0, 0.0, "b", graph=tiny, config=cfg).status == "PASS"


def test_adjacency_pass_message_counts_any_number_of_steps(tiny):
    cfg = {**CONFIG, "distance": {"detour_factor": 1.0, "full_km": 200, "half_km": 100}}
    res = chain_adjacency(1.0, 0.0, "c", graph=tiny, config=cfg)  # one partner, b at 111 km
    result = chain_decide(res, "c", load_config())
    assert result.status == "PASS"
    assert t("chk.chain.reach", "en", n=1, n_near=1, reach_km=res.rule["reach_km"]) \
        in result.message("en")
    assert "All 1" not in result.message("en") and "steps have" not in result.message("en")
    assert t("chk.chain.reach", "zh", n=1, n_near=1, reach_km=res.rule["reach_km"]) \
        in result.message("zh")


def test_adjacency_unknown(tiny):
    res = chain_adjacency(0.0, 0.0, "nothing like it", graph=tiny, config=CONFIG)
    assert res.status == "UNKNOWN" and res.reason == "unknown_product" and res.score is None
    res = chain_adjacency(0.0, 0.0, "z", graph=tiny, config=CONFIG)
    assert res.status == "UNKNOWN" and res.reason == "no_partners"


def test_redline_share_is_ellipsoidal():
    bases = gpd.GeoDataFrame({"id": ["X", "Y"]}, geometry=[shapely.box(0, 36, 0.2, 36.1),
                                                           shapely.box(5, 36, 5.1, 36.1)], crs=4326)
    red = gpd.GeoDataFrame(geometry=[shapely.box(0.1, 30, 1, 40), shapely.box(0.15, 35, 2, 37)], crs=4326)
    shares = redline_shares(bases, red)
    assert shares["X"] == pytest.approx(0.5, rel=1e-6)  # split along a meridian: equal halves
    assert shares["Y"] == 0.0


# --------------------------------------------------------------------------- bundled data

@pytest.fixture(scope="module")
def g():
    return default_graph()


def _base_point(g, base_id):
    n = g.nodes[base_node(base_id)]
    return n["lon"], n["lat"]


def test_cathode_in_nanchuan_beats_huzhu(g):
    nanchuan = chain_adjacency(*_base_point(g, "nanchuan"), "正极材料", graph=g)
    huzhu = chain_adjacency(*_base_point(g, "huzhu"), "正极材料", graph=g)
    assert nanchuan.product == huzhu.product == "cathode"
    assert nanchuan.score > huzhu.score
    # non-ferrous smelting is hosted only at Golmud, ~600 km away: a far link, not nearby
    assert nanchuan.status == "WARN" and nanchuan.reason == "far_links"
    assert [p.nearest.host for p in nanchuan.far] == ["base:golmud"]
    up = {p.product: p for p in nanchuan.partners}
    assert up["li2co3"].nearest.host == "base:nanchuan"
    assert up["li_battery"].side == "downstream"


def test_potash_ranks_qarhan_first(g):
    for text in ("钾肥", "potash", "氯化钾"):
        ranked = rank_bases(text, graph=g)
        assert ranked.iloc[0]["base_id"] == "qarhan", ranked.head(3)
    ranked = rank_bases("钾肥", graph=g)
    assert len(ranked) == 15 and list(ranked["rank"]) == list(range(1, 16))
    assert ranked["score"].is_monotonic_decreasing
    for col in ("positioning", "adjacency", "quota", "redline", "score"):
        assert ranked[col].between(0, 1).all()
    assert ranked.iloc[0]["positioning_level"] == "hosted_and_named"


def test_ranking_weights(g):
    only_quota = rank_bases("钾肥", {"positioning": 0, "adjacency": 0, "quota": 1, "redline": 0}, graph=g)
    assert only_quota["score"].tolist() == only_quota["quota"].tolist()
    with pytest.raises(ValueError):
        rank_bases("钾肥", {"positioning": 0, "adjacency": 0, "quota": 0, "redline": 0}, graph=g)
    with pytest.raises(ValueError):
        rank_bases("no such product", graph=g)


def test_lithium_carbonate_ranking(g):
    """The walk: the Qaidam salt-lake bases came 3rd and lower for 碳酸锂 although the policy
    texts give salt-lake lithium to them. Now the base whose chain makes battery-grade lithium
    carbonate (南川) and the salt-lake bases the policy names lead; a base with neither trails."""
    ranked = rank_bases("碳酸锂", graph=g)
    assert ranked.attrs["product"] == "li2co3"
    top3 = ranked["base_id"].head(3).tolist()
    assert "nanchuan" in top3 and "qarhan" in top3, top3
    levels = dict(zip(ranked["base_id"], ranked["positioning_level"]))
    assert levels["nanchuan"] == "hosted"
    assert {levels[b] for b in ("qarhan", "golmud", "dachaidan", "delingha")} == {"policy_area"}
    assert levels["biotech"] in ("cluster", "region", "none")
    salt = ranked.set_index("base_id")
    assert salt.loc["qarhan", "rank"] < salt.loc["linkong", "rank"]


def _expected_unhosted(base_id: str) -> set[str]:
    """Independent reading of chains.yaml: product steps of the base's chains and of the
    cluster chains sharing >= min(2, len) steps with them that no base hosts."""
    raw = yaml.safe_load(CHAINS_PATH.read_text(encoding="utf-8"))
    kinds = {n["id"]: n["kind"] for n in yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))["nodes"]}
    flat = lambda steps: [p for s in steps for p in (s if isinstance(s, list) else [s])]  # noqa: E731
    hosted = {p for c in raw["chains"] if c["scope"] == "base" for p in flat(c["steps"])}
    hosted |= {h["product"] for h in raw["hosting"]}
    own = [set(flat(c["steps"])) for c in raw["chains"] if c.get("base") == base_id]
    steps = set().union(*own)
    for c in raw["chains"]:
        if c["scope"] == "cluster":
            prods = set(flat(c["steps"]))
            if any(len(o & prods) >= min(2, len(o)) for o in own):
                steps |= prods
    return {p for p in steps if kinds[p] == "product" and p not in hosted}


def test_gaps_only_where_seeds_leave_a_step_unhosted(g):
    found = {}
    for base_id in [n.split(":")[1] for n, d in g.nodes(data=True) if d["type"] == "base"]:
        gaps = chain_gaps(base_id, graph=g)
        assert {gp.product for gp in gaps if gp.reason == "unhosted"} == _expected_unhosted(base_id)
        assert all(gp.reason == "unhosted" for gp in gaps)  # no step is >300 km from its nearest host
        found[base_id] = {gp.product for gp in gaps}
    assert {b for b, s in found.items() if s} == {"nanchuan", "dongchuan", "minhe"}
    assert {"electrolyte", "led_packaging", "sic_substrate"} <= found["nanchuan"]
    assert found["dongchuan"] == found["minhe"] == {"ti_slag", "ti_ingot"}


def test_far_gaps_with_a_small_threshold(g):
    from geo.chains import load_scoring

    cfg = {**load_scoring(), "gaps": {"min_shared_steps": 2, "far_km": 50}}
    far = [gp for gp in chain_gaps("minhe", graph=g, config=cfg) if gp.reason == "far"]
    assert {gp.product for gp in far} == {"ti_melting", "ti_products"}
    assert all(gp.nearest_base == "dongchuan" and gp.road_km > 50 for gp in far)


def test_partner_bases(g):
    partners = partner_bases("nanchuan", graph=g)
    pairs = {(p.side, p.base_id, p.partner_product) for p in partners}
    assert ("upstream", "ganhe", "graphite") in pairs
    assert ("downstream", "biotech", "ev_power") in pairs
    assert all(p.base_id != "nanchuan" for p in partners)


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).lower()


def test_every_base_has_its_seed_001_chains(g):
    bases = yaml.safe_load((REPO / "data" / "sources" / "bases.yaml").read_text(encoding="utf-8"))["bases"]
    assert len(bases) == 15
    chains = load_chains().chains
    vocab = g.graph["vocabulary"]
    for base in bases:
        for src in base["chains"]:
            chain = chains.get(f"{base['id']}.{src['id']}")
            assert chain is not None, f"{base['id']}.{src['id']} missing"
            assert chain.scope == "base" and chain.base == base["id"]
            assert chain.cites[0].cite == src["cite"] and _norm(chain.cites[0].quote) == _norm(src["basis_zh"])
            assert len(chain.steps) == len(src["steps_zh"])
            for step, text in zip(chain.steps, src["steps_zh"]):
                for p in step:  # a name / synonym of the node is in the seed step, or the step in the name
                    terms = [_norm(x) for x in vocab[p].terms("zh")]
                    assert any(t in _norm(text) or _norm(text) in t for t in terms), (p, text)
            assert all(base_node(base["id"]) in hosts(g, p, ("base",)) for p in chain.products)
    assert {c.base for c in chains.values() if c.scope == "base"} == {b["id"] for b in bases}


def test_every_node_reachable_from_the_vocabulary(g):
    vocab = g.graph["vocabulary"]
    products = [n for n, d in g.nodes(data=True) if d["type"] == "product"]
    assert set(products) == set(load_vocabulary())
    for p in products:
        node = vocab[p]
        for term in node.terms():
            assert vocab.resolve(term) == p, (term, p)
        assert g.degree(p) > 0, f"{p} is in no chain, feed or hosting link"


@pytest.mark.parametrize("text, expected", [
    ("碳酸锂", "li2co3"), ("电池级碳酸锂", "li2co3"), ("lithium carbonate", "li2co3"), ("Li2CO3", "li2co3"),
    ("年产2万吨正极材料项目", "cathode"), ("Cathode material plant", "cathode"), ("钾肥", "potash"),
    ("ＰＶＣ精深加工", "pvc_processing"), ("铅锌冶炼", "nonferrous_smelting"), ("硫酸钾", "potash"),
])
def test_free_text_finds_the_node(g, text, expected):
    assert g.graph["vocabulary"].resolve(text) == expected


def test_free_text_without_a_node(g):
    vocab = g.graph["vocabulary"]
    assert vocab.resolve("火锅") is None and vocab.resolve("") is None
    assert vocab.resolve("music") is None  # 'ic' must not match inside English words


def test_salt_lakes_and_deposits_feed_their_nodes(g):
    for raw, product in [("raw_k", "potash"), ("raw_li", "li2co3"), ("raw_mg", "mg_metal"),
                         ("raw_b", "boron_products"), ("raw_na", "soda_ash")]:
        assert any(h.startswith("salt_lake:") for h in hosts(g, raw)), raw
        assert product in feeds_out(g, raw)
    assert any(h.startswith("deposit:") for h in hosts(g, "raw_coal"))
    assert {"coal_coking", "coal_polygeneration", "coal_mining"} <= set(feeds_out(g, "raw_coal"))
    assert "nonferrous_smelting" in feeds_out(g, "raw_pbzn")
    assert "deposit:xitieshan" in hosts(g, "raw_pbzn")
    from geo import bundle

    deposits = bundle.read_layer("deposits")
    unmapped = set(load_chains().resources["unmapped"])
    for row in deposits.itertuples():
        assert (f"deposit:{row.id}" in g) == (row.commodity not in unmapped), row.commodity


def test_graph_size(g):
    products = [n for n, d in g.nodes(data=True) if d["type"] == "product"]
    feeds = [e for e in g.edges(data="kind") if e[2] == "feeds"]
    assert len(products) >= 150 and len(feeds) >= 150
    assert nx.is_directed(g)


def test_every_cluster_and_region_is_used(g):
    data = g.graph["chain_data"]
    used = {d["cluster"] for _, d in g.nodes(data=True) if d["type"] == "product"}
    assert used == set(data.clusters)
    for region in data.regions.values():
        assert set(region["clusters"]) <= set(data.clusters)


# --------------------------------------------------------------------------- seed citations

_CN = "一二三四五六七八九十"


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return _norm(path.read_text(encoding="utf-8"))


def _section(text: str, section: str) -> str:
    """Text of '四.4' / '二.(二).3' / '三.(四)' in a normalised seed."""
    for part in section.split(".") if section else []:
        if all(ch in _CN for ch in part):
            start = text.index(part + "、")
            nxt = _CN[_CN.index(part) + 1] + "、" if len(part) == 1 and part != "十" else None
            end = text.find(nxt, start + 1) if nxt else -1
        elif part.startswith("("):
            inner = part[1:-1]
            start = text.index(part)
            nxt = "(十一)" if inner == "十" else (f"({_CN[_CN.index(inner) + 1]})" if len(inner) == 1 else None)
            end = text.find(nxt, start + 1) if nxt else -1
        else:
            n = int(part)
            m = re.search(rf"(?<![\d.]){n}\.(?!\d)", text)
            assert m, f"item {n} not found"
            m2 = re.search(rf"(?<![\d.]){n + 1}\.(?!\d)", text[m.end():])
            start, end = m.start(), (m.end() + m2.start() if m2 else -1)
        text = text[start:end if end > 0 else None]
    return text


def _all_cites():
    vocab = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))["nodes"]
    raw = yaml.safe_load(CHAINS_PATH.read_text(encoding="utf-8"))
    out = [(f"node {n['id']}", n["cite"], n["quote"]) for n in vocab]
    for key in ("clusters", "regions", "chains", "hosting", "feeds"):
        for entry in raw[key]:
            name = entry.get("id") or entry.get("prefecture_zh") or f"{entry.get('base', entry.get('from'))}->" \
                   f"{entry.get('product', entry.get('to'))}"
            assert entry.get("cites"), f"{key} {name} has no cite"
            out += [(f"{key} {name}", c["cite"], c["quote"]) for c in entry["cites"]]
    out += [("resources", c["cite"], c["quote"]) for c in raw["resources"]["cites"]]
    return out


def test_section_reader_rejects_a_wrong_section():
    if SEEDS is None:
        pytest.skip("seed texts not available")
    assert _norm("煤焦化-多气来源制甲醇") in _section(_seed("001"), "四.1")
    assert _norm("煤焦化-多气来源制甲醇") not in _section(_seed("001"), "四.2")
    assert _norm("扩大电子级碳酸锂生产规模") in _section(_seed("004"), "二.(二).3")


@needs_seeds
def test_every_entry_quotes_its_seed_section():
    bad = []
    cites = _all_cites()
    assert len(cites) > 300
    for what, cite, quote in cites:
        m = re.fullmatch(r"(00[0-4]) §(\S+)", cite)
        if not m:
            bad.append(f"{what}: malformed cite {cite!r}")
            continue
        text, q = _seed(m.group(1)), _norm(quote)
        if q not in text:
            bad.append(f"{what}: quote not in seed {m.group(1)}: {quote}")
        elif m.group(1) != "002" and q not in _section(text, m.group(2)):  # 002's text is jumbled
            bad.append(f"{what}: quote not in {cite}: {quote}")
    assert not bad, "\n".join(bad)


# --------------------------------------------------------------------------- code quality

def test_geo_chains_modules_are_clean():
    for path in sorted((REPO / "geo" / "chains").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imports += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(i.split(".")[0] == "streamlit" for i in imports), path
        assert ast.get_docstring(tree), path
        assert any(isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)
                   for n in tree.body), f"{path} has no __all__"
