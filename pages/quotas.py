"""Quota page: the land-quota ledger per base and prefecture, its map, and (officials) its edits."""
from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from geo import ledger
from geo.palette import series_colors
from geo.auth import is_official
from geo.errors import QPAError
from geo.export_safe import neutralise_frame
from geo.i18n import t
from geo.quota import quota_years
from geo.quota_views import MEASURES, entry_rows, prefecture_sums, quota_rows, reservation_rows
from geo.sources import StoreSource
from layers.atlas_view import prepare_layer
from layers.registry import RenderContext
from layers.render import build_map
from ui import feedback
from ui.auth import current_user, get_store
from ui.pickers import quota_year
from ui.shell import page_lang
from ui.state import from_url, keep, open_tab, tabs, to_url

lang = page_lang()
user = current_user()
store = get_store()
TABS = ("reserve", "close", "allocate", "entries")
DONE = {"confirm": "quota.confirmed", "release": "quota.released"}


def _m(col: str) -> str:
    return t(f"quota.col.{col}", lang)


st.title(t("quota.title", lang))
if msg := st.session_state.pop("quota_flash", None):
    feedback.success(msg)

table = ledger.quotas(store)
years = quota_years(table)
from_url("quotas", {"quota_page_year": years})
year = quota_year(t("quota.year", lang), years, "quota_page_year")
# a viewer keeps the link's tab (a reload logs the official out; the tab opens again at login)
tab = open_tab("quota_tab", TABS) if is_official(user) else (
    st.query_params.get("quota_tab") if st.query_params.get("quota_tab") in TABS else None)
to_url({"quota_page_year": year, "quota_tab": tab})
bases = store.read_layer("bases")
names = dict(zip(bases["id"], bases[f"name_{lang}"]))
rows = quota_rows(table, bases, year, lang)

st.subheader(t("quota.by_base", lang))
shown = rows.drop(columns="base_id").rename(columns={
    "base": t("quota.col.base", lang), "prefecture": t("quota.col.prefecture", lang),
    "accuracy": t("quota.col.accuracy", lang), **{c: _m(c) for c in MEASURES}})
st.dataframe(shown, hide_index=True, width="stretch")
_BARS = ["used_ha", "reserved_ha", "remaining_ha"]  # coloured by id: same in both languages
# hex strings; a plain ``list``: Streamlit annotates ``color`` as list[its Color union], which
# a list[str] is not to mypy (lists are invariant)
_BAR_COLORS: list = series_colors(_BARS)
st.bar_chart(rows.set_index("base")[_BARS].rename(columns=_m), horizontal=True,
             color=_BAR_COLORS, sort=False)  # the table's order (the policy's), not by name

st.subheader(t("quota.by_prefecture", lang))
pref = prefecture_sums(rows).rename_axis(t("quota.col.prefecture", lang))
st.dataframe(pref.rename(columns=_m), width="stretch")
st.bar_chart(pref[_BARS].rename(columns=_m), color=_BAR_COLORS)

st.subheader(t("quota.map", lang))
ctx = RenderContext(lang=lang, year=int(year), source=StoreSource(store))
quota_layer = prepare_layer("quotas", ctx, detail=8)  # the registry's layer, escaped popups
quota_layer.spec = replace(quota_layer.spec, show=True)
w, s_, e, n = bases.total_bounds
fmap = build_map([quota_layer], ctx, focus=(w, s_, e, n))
st_folium(fmap, key="quota_map", height=460, use_container_width=True,
          returned_objects=[])
st.caption(t("quota.map_legend", lang))

if not is_official(user):
    st.info(t("quota.officials_only", lang))
    st.stop()

# ------------------------------------------------------------------ official actions
open_res = ledger.reservations(store, status="reserved")
st.subheader(t("quota.reservations", lang))
if open_res.empty:
    st.caption(t("quota.none_open", lang))
else:
    st.dataframe(reservation_rows(open_res, bases, lang), hide_index=True, width="stretch")


def _done(key: str, **params) -> None:
    st.session_state["quota_flash"] = t(key, lang, **params)
    st.rerun()


base_ids = rows["base_id"].tolist()
tab_res, tab_close, tab_alloc, tab_entries = tabs("quota_tab", TABS,
                                                  lambda k: t(f"quota.tab.{k}", lang))

with tab_res:
    screen = st.session_state.get("screen_result")
    if screen is not None:
        held = ledger.open_reservation_for(store, screen)  # one check reserves once
        if held is not None:
            st.caption(t("ledger.err.screen_reserved", lang, id=held))
        if st.button(t("quota.reserve_screen", lang), key="quota_reserve_screen",
                     disabled=held is not None):
            try:
                rid = ledger.reserve_from_screening(
                    store, user, screen, t("quota.reason_screen", lang),
                    screening_id=st.session_state.get("screen_audit_id"))
            except QPAError as err:
                feedback.show_error(err, lang)
            else:
                _done("quota.reserved", id=rid)
    with st.form("quota_reserve"):
        base = st.selectbox(t("quota.col.base", lang), base_ids, key=keep("quota_res_base", base_ids[0]),
                            format_func=lambda b: names.get(b, b))
        area = st.number_input(t("quota.area", lang), min_value=0.0, step=1.0, key="quota_res_area")
        reason = st.text_input(t("quota.reason", lang), key="quota_res_reason")
        go = st.form_submit_button(t("quota.reserve", lang))
    if go:
        try:
            rid = ledger.reserve(store, user, base, int(year), area, reason)
        except QPAError as err:
            feedback.show_error(err, lang)
        else:
            _done("quota.reserved", id=rid)

with tab_close:
    ids = open_res["id"].tolist()
    if not ids:
        st.caption(t("quota.no_open", lang))
    else:
        label = {int(r.id): f"#{r.id} {names.get(r.base_id, r.base_id)} {r.year} · "
                            f"{t('quota.ha', lang, ha=r.area_ha)}" for r in open_res.itertuples()}
        rid = st.selectbox(t("quota.reservation", lang), ids, key=keep("quota_close_id", ids[0]),
                           format_func=lambda i: label.get(int(i), str(i)))
        reason = st.text_input(t("quota.reason", lang), key="quota_close_reason")
        b1, b2 = st.columns(2)
        for col, action, key in ((b1, ledger.confirm, "confirm"), (b2, ledger.release, "release")):
            if col.button(t(f"quota.{key}", lang), key=f"quota_{key}"):
                try:
                    action(store, user, int(rid), reason)
                except QPAError as err:
                    feedback.show_error(err, lang)
                else:
                    _done(DONE[key], id=rid)

with tab_alloc:
    # base and year outside the form: choosing them fills in that base's current allocation,
    # so saving without editing keeps it
    a1, a2 = st.columns(2)
    base = a1.selectbox(t("quota.col.base", lang), base_ids, key=keep("quota_alloc_base", base_ids[0]),
                        format_func=lambda b: names.get(b, b))
    alloc_year = int(a2.number_input(t("quota.year", lang), min_value=2000, max_value=2100,
                                     value=int(year), step=1, key="quota_alloc_year"))
    now = table[(table["base_id"] == base) & (table["year"] == alloc_year)]
    allocated = float(now["allocated_ha"].iloc[0]) if len(now) else 0.0
    if len(now):
        st.caption(t("quota.alloc_now", lang, base=names.get(base, base), year=alloc_year,
                     allocated=allocated,
                     committed=float(now["used_ha"].iloc[0] + now["reserved_ha"].iloc[0])))
    else:
        st.caption(t("quota.alloc_new", lang, base=names.get(base, base), year=alloc_year))
    if (st.session_state.get("_quota_alloc_for") != (base, alloc_year)
            or "quota_alloc_value" not in st.session_state):  # a new choice, or back on the page
        st.session_state["quota_alloc_value"] = allocated
        st.session_state["_quota_alloc_for"] = (base, alloc_year)
    with st.form("quota_allocate"):
        value = st.number_input(_m("allocated_ha"), min_value=0.0, step=1.0, key="quota_alloc_value")
        source = st.text_input(t("quota.source", lang), key="quota_alloc_source")
        reason = st.text_input(t("quota.reason", lang), key="quota_alloc_reason")
        go = st.form_submit_button(t("quota.allocate", lang))
    if go:
        try:
            named = bases.set_index("id").loc[base] if base in set(bases["id"]) else None
            ledger.set_allocation(store, user, base, alloc_year, value, reason,
                                  name_zh=None if named is None else named["name_zh"],
                                  name_en=None if named is None else named["name_en"],
                                  source=source or None)
        except QPAError as err:
            feedback.show_error(err, lang)
        else:
            _done("quota.allocated", base=names.get(base, base), year=int(alloc_year))

with tab_entries:
    rows = entry_rows(ledger.entries(store), bases, lang)
    st.dataframe(rows, hide_index=True, width="stretch")
    # the table as shown (the language, Beijing time, bases by name), for Excel: a BOM
    st.download_button(t("quota.csv", lang),
                       lambda: neutralise_frame(rows).to_csv(index=False).encode("utf-8-sig"),
                       key="quota_csv", file_name=f"{t('quota.csv_stem', lang)}.csv",
                       mime="text/csv", on_click="ignore")
