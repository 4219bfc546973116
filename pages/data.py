"""Data page: import an authoritative layer (read, repair, map, preview, replace), versions, restore."""

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.auth import can_see, is_official
from geo.beijing_time import beijing_today
from geo.bundle import data_dir
from geo.crs_labels import crs_text
from geo.data_views import (dem_choice_label, dem_in_use_label, dem_restore_choices,
                            dem_version_rows, layer_version_rows)
from geo.dem_versions import dem_versions, import_user_dem, restore_dem
from geo.errors import QPAError
from geo.i18n import t
from geo.layer_import import (CRS_OPTIONS, ENCODING_OPTIONS, IMPORT_MODES, add_constants,
                              apply_mapping, combine_import, commit_import, constant_column,
                              import_change, read_for_import, restore_layer, suggest_mapping)
from layers.offline import make_offline
from layers.registry import get_layer
from layers.schema import SCHEMAS
from ui import feedback
from geo.dem import MAX_DEM_BYTES
from geo.vector_io import IMPORT
from ui.auth import current_user, get_store
from ui.chrome import file_uploader
from ui.shell import page_lang
from ui.state import from_url, keep, to_url

lang = page_lang()
user = current_user()
store = get_store()
NONE, CONSTANT = "", "\x00constant"  # mapping choices besides the file's columns


def _layer_title(layer_id: str) -> str:
    return t(f"layer.{layer_id}", lang)


def _public(layer_id: str) -> bool:
    try:
        return get_layer(layer_id).public
    except ValueError:
        return True


def _crs_label(choice: str) -> str:
    if choice.startswith("gk:"):
        _, zone, kind = choice.split(":")
        return t(f"data.crs.gk_{kind}", lang, zone=zone)
    return t(f"data.crs.{choice}", lang)


st.title(t("data.title", lang))
feedback.say("caption", "data.where", lang, kind=store.kind, location=store.location)
if msg := st.session_state.pop("data_flash", None):
    feedback.success(msg)

choices = [lid for lid in SCHEMAS if can_see(user, _public(lid))]
from_url("data", {"data_layer": choices})
layer_id = st.selectbox(t("data.layer", lang), choices, key=keep("data_layer", choices[0]),
                        format_func=_layer_title)
to_url({"data_layer": layer_id})
schema = SCHEMAS[layer_id]

st.subheader(t("data.versions", lang))
versions = store.versions(layer_id)
st.dataframe(layer_version_rows(versions, lang), hide_index=True, width="stretch")

if not is_official(user):
    st.info(t("data.officials_only", lang))
    st.stop()

# ------------------------------------------------------------------ restore
older = [v.version for v in versions if not v.current]
if older:
    with st.expander(t("data.restore", lang)):
        version = st.selectbox(t("data.restore_version", lang), older,
                               key=keep("data_restore_version", older[0]))
        note = st.text_input(t("data.note", lang), key="data_restore_note")
        if st.button(t("data.restore_button", lang), key="data_restore"):
            try:
                new = restore_layer(store, user, layer_id, int(version), note=note)
            except QPAError as err:
                feedback.show_error(err, lang)
            else:
                st.session_state["data_flash"] = t("data.restored", lang, version=version,
                                                   new=new.version)
                st.rerun()

# ------------------------------------------------------------------ terrain (DEM)
# keyed: its open state is its own, not its place on the page (a message above it after an
# upload would otherwise make a new, closed expander)
with st.expander(t("dem.title", lang), key="dem_expander", on_change="rerun"):
    dems = dem_versions(data_dir(), store)
    st.caption(t("dem.in_use", lang, name=dem_in_use_label(dems, lang)))
    if dems:
        st.dataframe(dem_version_rows(dems, lang), hide_index=True, width="stretch")
    dem_file = file_uploader(t("ctl.terrain", lang), types=["tif", "tiff"], key="dem_upload",
                             lang=lang, max_bytes=MAX_DEM_BYTES, help=t("dem.help", lang))
    dem_note = st.text_input(t("data.note", lang), key="dem_note")
    b1, b2 = st.columns(2)
    if b1.button(t("dem.import", lang), key="dem_import", disabled=dem_file is None) \
            and dem_file is not None:
        try:
            v = import_user_dem(user, dem_file.getvalue(), data_dir(), source=dem_file.name,
                                note=dem_note, store=store)
        except QPAError as err:  # DemError (the file) or PermissionDenied
            feedback.show_error(err, lang)
        else:
            st.session_state["data_flash"] = t("dem.imported", lang, version=v.version,
                                               cell=v.cell_m)
            st.rerun()
    back = dem_restore_choices(dems)
    pick = b2.selectbox(t("dem.restore", lang), back, key=keep("dem_restore_pick", None),
                        format_func=lambda v: dem_choice_label(v, dems, lang))
    if b2.button(t("data.restore_button", lang), key="dem_restore"):
        try:
            v = restore_dem(user, data_dir(), pick, note=dem_note, store=store)
        except QPAError as err:
            feedback.show_error(err, lang)
        else:
            st.session_state["data_flash"] = t("dem.restored", lang, version=v.version)
            st.rerun()

# ------------------------------------------------------------------ import
# Every widget of the form has the form's generation in its key: a commit starts a new,
# empty form (the file cannot be imported twice by a second click).
gen = st.session_state.setdefault("data_form_gen", 0)
st.subheader(t("data.import", lang))
st.caption(t("data.schema", lang, kind=t(f"data.geom.{schema.geometry}", lang),
             required=", ".join(schema.required), optional=", ".join(schema.optional)))
upload = file_uploader(t("data.upload", lang), key=f"data_upload_{gen}", lang=lang,
                       max_bytes=IMPORT.max_bytes,
                       types=["zip", "gpkg", "geojson", "json", "kml", "kmz", "txt"])
c1, c2 = st.columns(2)
crs = c1.selectbox(t("data.crs", lang), CRS_OPTIONS, key=keep("data_crs", CRS_OPTIONS[0]),
                   format_func=_crs_label)
encoding = c2.selectbox(t("data.encoding", lang), ENCODING_OPTIONS,
                        key=keep("data_encoding", ENCODING_OPTIONS[0]),
                        format_func=lambda e: t("data.auto", lang) if e == "auto" else e)
c3, c4 = st.columns(2)
source = c3.text_input(t("data.source", lang), key=f"data_source_{gen}")
source_date = c4.date_input(t("data.source_date", lang), value=beijing_today(),
                            key=f"data_source_date_{gen}")
if upload is None:
    st.stop()

try:
    got = read_for_import(schema, upload.name, upload.getvalue(), crs=crs, encoding=encoding)
except QPAError as err:
    feedback.show_error(err, lang)
    st.stop()

rep, fix = got.read, got.repair
feedback.say("markdown", "data.report_read", lang, n=rep.n_read, crs=crs_text(rep.crs_in, lang),
             how=t(f"data.how.{rep.crs_how}", lang), encoding=rep.encoding,
             enc_how=t(f"data.enc.{rep.encoding_how}", lang))
for notice in rep.notices:
    feedback.warning(notice.text(lang))
st.markdown(t("data.report_repair", lang, n_in=fix.n_in, n_out=fix.n_out,
              empty=fix.dropped_empty, repaired=len(fix.repaired), collapsed=len(fix.collapsed),
              parts=fix.dropped_parts))
if fix.repaired:
    feedback.caption("; ".join(f"#{i + 1}: {why}" for i, why in fix.repaired[:20]))

st.subheader(t("data.mapping", lang))
st.caption(t("data.constants", lang))
columns = [c for c in got.frame.columns if c != got.frame.geometry.name]
suggested = suggest_mapping(columns, schema)
mapping, constants = {}, {}
cols = st.columns(3)
for i, spec in enumerate(schema.mappable):
    options = [NONE, CONSTANT, *columns]
    key = f"data_map_{gen}_{layer_id}_{spec.name}"
    where = cols[i % 3]
    pick = where.selectbox(f"{spec.name}{' *' if spec.required else ''}", options,
                           key=keep(key, suggested.get(spec.name) or NONE),
                           format_func=lambda c: {NONE: t("data.map_none", lang),
                                                  CONSTANT: t("data.map_constant", lang)}.get(c, c))
    if pick == CONSTANT:
        constants[spec.name] = where.text_input(t("data.constant", lang, field=spec.name),
                                                key=f"data_const_{gen}_{layer_id}_{spec.name}")
        mapping[spec.name] = constant_column(spec.name) if constants[spec.name].strip() else None
    else:
        mapping[spec.name] = pick or None

modes = IMPORT_MODES if schema.key else ("replace", "append")
how = st.radio(t("data.mode", lang), modes, horizontal=True, key=keep("data_import_mode", modes[0]),
               format_func=lambda m: t(f"data.mode.{m}", lang))
current = store.read_layer(layer_id) if store.current_version(layer_id) else None
try:
    frame, notices = apply_mapping(add_constants(got.frame, constants), schema, mapping,
                                   source=source, source_date=source_date.isoformat(),
                                   current=current if schema.key else None)
    result = combine_import(current, frame, schema, how)
except QPAError as err:
    feedback.show_error(err, lang)
    st.stop()
for notice in notices:
    feedback.info(notice.text(lang))
shrink = import_change(current, result).notices()
for notice in shrink:
    feedback.warning(notice.text(lang))

st.subheader(t("data.preview", lang))
st.dataframe(pd.DataFrame(frame.drop(columns=frame.geometry.name)).head(50), width="stretch")
fmap = folium.Map(tiles=None, control_scale=True)
shown = frame.head(2000)
folium.GeoJson(shown.assign(geometry=shown.geometry.simplify(0.0005)).to_json(),
               name=_layer_title(layer_id)).add_to(fmap)
w, s, e, n = frame.total_bounds
fmap.fit_bounds([[s, w], [n, e]])
st_folium(make_offline(fmap), key=f"data_preview_{layer_id}", height=420,
          use_container_width=True, returned_objects=[])

note = st.text_input(t("data.note", lang), key=f"data_note_{gen}")
confirmed = not shrink or st.checkbox(t("data.confirm_shrink", lang), key=f"data_confirm_{gen}")
if st.button(t("data.commit", lang, mode=t(f"data.mode.{how}", lang), layer=_layer_title(layer_id),
               n=len(result)), key="data_replace", type="primary", disabled=not confirmed):
    try:
        committed = commit_import(store, user, schema, result, source=source,
                                  source_date=source_date.isoformat(), note=note)
    except QPAError as err:
        feedback.show_error(err, lang)
    else:
        st.session_state["data_flash"] = t("data.committed", lang, version=committed.version,
                                           n=committed.n_features)
        st.session_state["data_form_gen"] = gen + 1
        st.rerun()
