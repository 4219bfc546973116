"""Batch page: rank many candidate sites; the province-wide suitability surface of a product."""
import time

import streamlit as st
from shapely.geometry.base import BaseGeometry
from streamlit_folium import st_folium

from geo.batch import (COMPONENTS, DEFAULT_WEIGHTS, rank_sites, screen_table, sensitivity,
                       to_excel_bytes, to_geojson)
from geo.batch_views import ranking_download, ranking_export, ranking_rows, sensitivity_rows
from geo.chains import default_graph
from geo.checks import Project, load_config
from geo.errors import QPAError
from geo.export_safe import neutralise_frame
from geo.i18n import t
from geo.quota import quota_years
from geo.site_input import read_site_list
from geo.suitability import suitability
from layers.atlas_view import prepare_layer
from layers.registry import RenderContext
from layers.render import build_map
from layers.suitability_view import (MAX_MAP_SITES, sites_group, sites_legend, suitability_group,
                                     suitability_legend, surface_png)
from ui import feedback
from geo.vector_io import BATCH
from ui.accuracy import indicative_warning
from ui.chrome import file_uploader
from ui.pickers import quota_year
from ui.screening import screening_layers, store_source
from ui.shell import page_lang
from ui.state import from_url, keep, open_tab, tabs, text_param, to_url

lang = page_lang()
SOURCE = store_source()
MAP_LAYERS = ("admin_prefecture", "redlines", "bases")
TABS = ("rank", "suit")
MODES = ("lex", "weighted")
RESOLUTIONS = (500, 1000, 2000, 5000)


@st.cache_resource(show_spinner=False, max_entries=8)
def _context_layer(layer_id: str, lang: str, version: str):
    return prepare_layer(layer_id, RenderContext(lang=lang, source=SOURCE), 6)


@st.cache_resource(show_spinner=False, max_entries=6)
def _surface(product: str, resolution: int, w_adj: float, w_base: float, version: str):
    start = time.perf_counter()
    surf = suitability(product, screening_layers(), float(resolution),
                       weights={"adjacency": w_adj, "base": w_base})
    return surf, surface_png(surf), time.perf_counter() - start


@st.cache_resource(show_spinner=False, max_entries=8)
def _base_names_of(lang: str, version: str) -> dict[str, str]:
    bases = SOURCE.read_layer("bases")
    return dict(zip(bases["id"].astype(str), bases[f"name_{lang}"].astype(str)))


def _base_names(lang: str) -> dict[str, str]:
    """Base id -> its name in ``lang`` (the store's current bases)."""
    return _base_names_of(lang, SOURCE.version_key())


def _map(extras, key: str) -> None:
    version = SOURCE.version_key()
    ctx = RenderContext(lang=lang, source=SOURCE)
    fmap = build_map([_context_layer(lid, lang, version) for lid in MAP_LAYERS], ctx,
                     extras=extras)
    st_folium(fmap, height=560, use_container_width=True, returned_objects=[],
              key=key)


st.title(t("batch.title", lang))
st.caption(t("batch.intro", lang))
indicative_warning(lang)
years = quota_years(SOURCE.read_quotas())
from_url("batch", {"batch_mode": MODES, "batch_year": years, "suit_res": RESOLUTIONS,
                   "batch_product": text_param(), "suit_product": text_param()})
tab_rank, tab_suit = tabs("batch_tab", TABS, lambda k: t(f"batch.tab_{k}", lang))
to_url({"batch_tab": open_tab("batch_tab", TABS),
        **{k: st.session_state.get(k) for k in ("batch_mode", "batch_year", "batch_product",
                                                "suit_product", "suit_res")}})

# --------------------------------------------------------------------------- ranking
with tab_rank:
    upload = file_uploader(t("batch.file", lang), key="batch_file", lang=lang,
                           max_bytes=BATCH.max_bytes,
                           types=["csv", "geojson", "json", "kml", "kmz", "zip", "gpkg", "txt"])
    pasted = st.text_area(t("batch.paste", lang), key="batch_csv", height=120,
                          placeholder="site_id,lon,lat,area_ha\nA,101.70,36.56,30\nB,94.90,36.40,50")
    c1, c2 = st.columns([3, 1])
    product = c1.text_input(t("batch.product", lang), key="batch_product",
                            help=t("batch.product_help", lang))
    year = quota_year(t("batch.year", lang), years, "batch_year", where=c2)
    if st.button(t("batch.run", lang), type="primary", key="batch_run"):
        try:
            sites: list[tuple[str, BaseGeometry]] | None
            if upload is not None:
                sites = read_site_list(upload.name, upload.getvalue())
            elif pasted.strip():
                sites = read_site_list("pasted.csv", pasted.strip().encode("utf-8"))
            else:
                sites = None
                st.error(t("batch.no_sites", lang))
            if sites is not None and not product.strip():
                sites = None
                st.error(t("batch.no_product", lang))
            if sites is not None:
                bar = st.progress(0.0, text=t("batch.progress", lang, done=0, total=len(sites)))
                step = max(1, len(sites) // 100)

                def _tick(done, total):
                    if done % step == 0 or done == total:
                        bar.progress(done / total, text=t("batch.progress", lang, done=done,
                                                          total=total))

                start = time.perf_counter()
                table = screen_table(sites, Project(product=product.strip(), year=int(year)),
                                     screening_layers(), load_config(), workers=1, progress=_tick)
                st.session_state["batch_table"] = table
                st.session_state["batch_geoms"] = dict(sites)
                st.session_state["batch_secs"] = time.perf_counter() - start
        except QPAError as exc:
            feedback.show_error(exc, lang)

    table = st.session_state.get("batch_table")
    if table is not None:
        order = load_config().status_order
        st.success(t("batch.done", lang, n=len(table), sec=st.session_state.get("batch_secs", 0)))
        counts = table["overall"].value_counts().to_dict()
        st.caption(t("batch.counts", lang, **{s: counts.get(s, 0) for s in order}))
        st.subheader(t("batch.ranking", lang))
        mode = st.radio(t("batch.mode", lang), MODES, horizontal=True,
                        key=keep("batch_mode", MODES[0]),
                        format_func=lambda m: t(f"batch.mode.{m}", lang))
        weights = None  # the lexicographic ranking has no weights
        if mode == "weighted":
            cols = st.columns(3)
            weights = {c: col.slider(t(f"batch.w_{c}", lang), 0.0, 1.0, DEFAULT_WEIGHTS[c], 0.05,
                                     key=f"batch_w_{c}", help=t("batch.weights_help", lang))
                       for c, col in zip(COMPONENTS, cols)}
            if sum(weights.values()) <= 0:
                weights = dict(DEFAULT_WEIGHTS)
        ranked = rank_sites(table, weights, order)  # the one ranking: table, map, downloads
        st.dataframe(ranking_rows(ranked, lang), hide_index=True, width="stretch", height=360)

        st.subheader(t("batch.map", lang))
        if len(ranked) > MAX_MAP_SITES:
            st.caption(t("batch.map_limited", lang, n=MAX_MAP_SITES))
        _map((sites_group(ranked, lang), sites_legend(lang)), "batch_map_sites")

        sens = None
        st.subheader(t("batch.sens", lang))
        if weights is None:
            st.caption(t("batch.sens_lex", lang))
        else:
            st.caption(t("batch.sens_help", lang))
            c1, c2 = st.columns(2)
            draws = c1.slider(t("batch.draws", lang), 100, 1000, 300, 100, key="batch_draws")
            spread = c2.slider(t("batch.spread", lang), 0.05, 1.0, 0.3, 0.05, key="batch_spread")
            sens = sensitivity(table, weights, draws=draws, spread=spread, order=order)
            st.caption(t("batch.sens_caption", lang, draws=draws,
                         weights=", ".join(f"{t(f'batch.w_{k}', lang)} {v:.2f}"
                                           for k, v in weights.items())))
            st.dataframe(sensitivity_rows(sens, lang), hide_index=True, width="stretch")
            st.bar_chart(sens.head(20).set_index("site_id")["top_share"])

        st.subheader(t("batch.download", lang))
        out = ranking_export(ranked, sens)
        readable = ranking_download(out, lang)  # headers and statuses in the language
        d1, d2, d3 = st.columns(3)
        d1.download_button(t("batch.dl.csv", lang),
                           neutralise_frame(readable).to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"{t('batch.dl.csv_stem', lang)}.csv", mime="text/csv",
                           key="batch_dl_csv")
        d2.download_button(t("batch.dl.geojson", lang),
                           to_geojson(out, st.session_state["batch_geoms"]).encode("utf-8"),
                           file_name="batch-ranking.geojson", mime="application/geo+json",
                           key="batch_dl_geojson")
        d3.download_button(t("batch.dl.xlsx", lang),
                           to_excel_bytes(out, sens, readable, t("batch.dl.sheet", lang)),
                           file_name="batch-ranking.xlsx", key="batch_dl_xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

# --------------------------------------------------------------------------- suitability
with tab_suit:
    st.caption(t("batch.suit_intro", lang))
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
    s_product = c1.text_input(t("batch.product", lang), key="suit_product",
                              help=t("batch.product_help", lang))
    resolution = c2.selectbox(t("batch.resolution", lang), RESOLUTIONS,
                              key=keep("suit_res", 1000))
    w_adj = c3.slider(t("batch.w_adjacency", lang), 0.0, 1.0, 0.5, 0.05, key="suit_w_adj")
    w_base = c4.slider(t("batch.w_base", lang), 0.0, 1.0, 0.5, 0.05, key="suit_w_base")
    if st.button(t("batch.suit_run", lang), type="primary", key="suit_run"):
        if not s_product.strip():
            st.error(t("batch.no_product", lang))
        else:
            st.session_state["suit_args"] = (s_product.strip(), int(resolution), float(w_adj),
                                             float(w_base))
    args = st.session_state.get("suit_args")
    if args is not None:
        try:
            s_product, resolution, w_adj, w_base = args
            surf, png, secs = _surface(s_product, resolution, w_adj, w_base,
                                       SOURCE.version_key())
        except QPAError as exc:
            feedback.show_error(exc, lang)
        else:
            ny, nx = surf.shape
            stats = surf.stats()
            name = default_graph().nodes[surf.product].get(lang, surf.product)
            st.success(t("batch.suit_done", lang, product=name, nx=nx, ny=ny, sec=secs,
                         bases=("、" if lang == "zh" else ", ").join(
                             _base_names(lang).get(b, b) for b in surf.matching_bases) or "-",
                         **{k: stats[k] for k in ("open", "redline", "mineral", "max")}))
            _map((suitability_group(surf, lang, png), suitability_legend(surf, lang, name)), "batch_map_suit")
            st.download_button(t("batch.dl.tif", lang), surf.geotiff_bytes(),
                               file_name=f"suitability-{surf.product}-{args[1]}m.tif",
                               mime="image/tiff", key="suit_dl_tif", help=t("batch.tif_help", lang))
