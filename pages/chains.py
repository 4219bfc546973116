"""Industry chains page: chain graph, a base's chains / gaps / partners, ranking for a product."""
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.bundle import BundleError, BUNDLE_PATH
from geo.chains import (COMPONENTS, base_chains, base_ids, base_node, chain_adjacency, chain_gaps,
                        default_graph, feeds_in, feeds_out, hosts, load_scoring, partner_bases, rank_bases)
from geo.checks.base import name_documents
from geo.i18n import t
from layers.atlas_view import prepare_layer
from layers.chain_map import chain_dot, chain_map, partners_map, product_dot, ranking_map
from layers.registry import RenderContext
from ui import feedback
from ui.screening import store_source
from ui.shell import page_lang
from ui.state import from_url, keep, open_tab, tabs, text_param, to_url, weight_param

lang = page_lang()
SOURCE = store_source()  # imported base outlines, red lines and ledger quotas count


@st.cache_resource(show_spinner=False)  # read-only, shared across sessions
def _graph():
    return default_graph()


@st.cache_resource(show_spinner=False, max_entries=8)
def _bases_layer(lang: str, version: str):
    return prepare_layer("bases", RenderContext(lang=lang, source=SOURCE), 6)


@st.cache_data(show_spinner=False, max_entries=64)
def _ranking(product: str, weights: tuple, version: str) -> pd.DataFrame:
    return rank_bases(product, dict(weights), graph=_graph(), bases=SOURCE.read_layer("bases"),
                      quotas=SOURCE.read_quotas(), redlines=SOURCE.read_layer("redlines"))


def _name(key: str) -> str:
    return g.nodes[key][lang]


def _cites(cites) -> str:
    return "; ".join(name_documents(c.cite, lang=lang) for c in cites)


def _show_map(fmap, key: str) -> None:
    st_folium(fmap, key=key, height=460, use_container_width=True, returned_objects=[])


def _matched(text: str):
    found = g.graph["vocabulary"].match(text)
    if found is None:
        feedback.say("warning", "chains.no_match", lang, text=text)
        return None
    st.caption(t("chains.matched", lang, name=_name(found.node_id), how=t(f"chains.how.{found.how}", lang)))
    return found.node_id


st.title(t("chains.title", lang))
st.caption(t("chains.caption", lang))
try:
    g = _graph()
    bases_layer = _bases_layer(lang, SOURCE.version_key())
except BundleError:
    feedback.say("error", "err.no_data", lang, path=str(BUNDLE_PATH))
    st.stop()
data = g.graph["chain_data"]
TABS = ("chain", "base", "rank")
MODES = ("chain", "product")
chain_ids, bases_ids = list(data.chains), base_ids(g)
WEIGHT_DEFAULTS = {c: float(load_scoring()["ranking"]["weights"][c]) for c in COMPONENTS}
from_url("chains", {"chains_mode": MODES, "chains_chain": chain_ids, "chains_base": bases_ids,
                    "chains_product": text_param(), "chains_rank_product": text_param(),
                    **{f"chains_w_{c}": weight_param for c in COMPONENTS}})
for c, w in WEIGHT_DEFAULTS.items():  # the default through session state: a link may set it
    st.session_state.setdefault(f"chains_w_{c}", w)
tab_chain, tab_base, tab_rank = tabs("chains_tab", TABS, lambda k: t(f"chains.tab_{k}", lang))
to_url({"chains_tab": open_tab("chains_tab", TABS), "chains_mode": st.session_state.get("chains_mode"),
        "chains_chain": st.session_state.get("chains_chain"),
        **{k: st.session_state.get(k) for k in ("chains_base", "chains_product",
                                                "chains_rank_product")},
        # the weights a user moved (the defaults stay out of the link)
        **{f"chains_w_{c}": (None if st.session_state[f"chains_w_{c}"] == w
                             else f"{st.session_state[f'chains_w_{c}']:g}")
           for c, w in WEIGHT_DEFAULTS.items()}})

with tab_chain:
    mode = st.radio(t("chains.mode", lang), MODES, horizontal=True, key=keep("chains_mode", MODES[0]),
                    format_func=lambda m: t(f"chains.mode_{m}", lang))
    if mode == "chain":
        chain_id = st.selectbox(
            t("chains.pick_chain", lang), chain_ids, key=keep("chains_chain", chain_ids[0]),
            format_func=lambda c: (f"{_name(base_node(data.chains[c].base))} · " if data.chains[c].base
                                   else f"{t('chains.scope.cluster', lang)} · ") + data.chains[c].name(lang))
        chain = data.chains[chain_id]
        st.graphviz_chart(chain_dot(g, chain_id, lang), width="stretch")
        st.caption(t("chains.graph_legend", lang))
        rows = [{t("chains.step", lang): i + 1, t("chains.product", lang): _name(p),
                 t("chains.hosts", lang): t("list.sep", lang).join(_name(h) for h in hosts(g, p, ("base",)))
                 or ("—" if g.nodes[p]["kind"] != "product" else t("chains.unhosted", lang))}
                for i, step in enumerate(chain.steps) for p in step]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.caption(f"{t('chains.cite', lang)}: " + " | ".join(
            f"{name_documents(c.cite, lang=lang)} 「{c.quote}」" for c in chain.cites))
        steps = chain.steps
    else:
        text = st.text_input(t("chains.pick_product", lang), value="正极材料", key="chains_product")
        depth = st.slider(t("chains.depth", lang), 1, 3, 1, key="chains_depth")
        product = _matched(text)
        steps = ()
        if product:
            st.graphviz_chart(product_dot(g, product, lang, depth), width="stretch")
            st.caption(t("chains.graph_legend", lang))
            steps = (tuple(feeds_in(g, product)) or (product,), (product,), tuple(feeds_out(g, product)))
            steps = tuple(s for s in steps if s)
    if steps:
        st.caption(t("chains.map_caption", lang))
        _show_map(chain_map(g, steps, lang, bases_layer), key=f"chains-map-{lang}")

with tab_base:
    base_id = st.selectbox(t("chains.pick_base", lang), bases_ids, key=keep("chains_base", bases_ids[0]),
                           format_func=lambda b: _name(base_node(b)))
    st.subheader(t("chains.base_chains", lang))
    st.dataframe(pd.DataFrame([{
        t("chains.pick_chain", lang): c.name(lang),
        t("chains.steps", lang): " → ".join("/".join(_name(p) for p in step) for step in c.steps),
        t("chains.cite", lang): _cites(c.cites)} for c in base_chains(g, base_id)]),
        hide_index=True, width="stretch")
    st.subheader(t("chains.gaps", lang))
    gaps = chain_gaps(base_id, g)
    if gaps:
        st.dataframe(pd.DataFrame([{
            t("chains.product", lang): gp.zh if lang == "zh" else gp.en,
            t("chains.reason", lang): t(f"chains.gap.{gp.reason}", lang),
            t("chains.in_chains", lang): t("list.sep", lang).join(data.chains[c].name(lang) for c in gp.chains),
            t("chains.nearest_base", lang): _name(base_node(gp.nearest_base)) if gp.nearest_base else "—",
            t("chains.road_km", lang): f"{gp.road_km:,.0f}" if gp.road_km else "—"} for gp in gaps]),
            hide_index=True, width="stretch")
    else:
        st.info(t("chains.no_gaps", lang))
    st.subheader(t("chains.partners", lang))
    partners = partner_bases(base_id, g)
    if partners:
        st.dataframe(pd.DataFrame([{
            t("chains.side", lang): t(f"chains.side.{p.side}", lang),
            t("chains.partner_base", lang): p.zh if lang == "zh" else p.en,
            t("chains.own_product", lang): _name(p.product),
            t("chains.partner_product", lang): _name(p.partner_product),
            t("chains.geo_km", lang): round(p.geodesic_km, 1),
            t("chains.road_km", lang): round(p.road_km)} for p in partners]),
            hide_index=True, width="stretch")
    else:
        st.info(t("chains.no_partners", lang))
    _show_map(partners_map(g, base_id, partners, lang, bases_layer), key=f"chains-partners-{lang}")

with tab_rank:
    text = st.text_input(t("chains.pick_product", lang), value="碳酸锂", key="chains_rank_product")
    product = _matched(text)
    cols = st.columns(len(COMPONENTS))
    weights = tuple((c, col.slider(t(f"chains.comp.{c}", lang), 0.0, 1.0, step=0.05,
                                   key=f"chains_w_{c}")) for c, col in zip(COMPONENTS, cols))
    if product and sum(w for _, w in weights) <= 0:
        st.warning(t("chains.all_weights_zero", lang))
    elif product:
        ranked = _ranking(product, weights, SOURCE.version_key())
        table = pd.DataFrame({
            t("chains.rank", lang): ranked["rank"],
            t("chains.base", lang): ranked[f"name_{lang}"],
            t("chains.score", lang): ranked["score"].round(3),
            **{t(f"chains.comp.{c}", lang): ranked[c].round(3) for c in COMPONENTS},
            t("chains.level", lang): [t(f"chains.level.{v}", lang) for v in ranked["positioning_level"]],
            t("chains.remaining_ha", lang): ranked["quota_remaining_ha"],
            t("chains.redline_share", lang): ranked["redline_share"].round(3),
        })
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption(t("chains.rank_caption", lang))
        top = ranked.iloc[0]
        adj = chain_adjacency(top["lon"], top["lat"], product, g)
        st.markdown("**" + t("chains.adjacency_of", lang, base=top[f"name_{lang}"], product=_name(product))
                    + f"** — {t('chains.status', lang)}{t('colon', lang)}" + t(f"status.{adj.status}", lang))
        st.dataframe(pd.DataFrame([{
            t("chains.side", lang): t(f"chains.side.{p.side}", lang),
            t("chains.product", lang): p.zh if lang == "zh" else p.en,
            t("chains.hosts", lang): (p.nearest.zh if lang == "zh" else p.nearest.en) if p.nearest else "—",
            t("chains.road_km", lang): f"{p.nearest.road_km:,.0f}" if p.nearest else "—",
            t("chains.comp.adjacency", lang): round(p.link_score, 3)} for p in adj.partners]),
            hide_index=True, width="stretch")
        if adj.missing:
            st.caption(t("chains.missing", lang, items=t("list.sep", lang).join(_name(p.product) for p in adj.missing)))
        _show_map(ranking_map(ranked, lang, bases_layer), key=f"chains-rank-{lang}")
