"""Atlas map page: every registry layer over Qinghai, offline by default."""
import streamlit as st
from streamlit_folium import st_folium

from geo import bundle
from geo.bundle import BundleError
from geo.i18n import LANGS, t
from geo.auth import can_see
from geo.quota import quota_years
from geo.layer_accuracy import redline_share
from layers.atlas_view import base_bounds, base_choices, dem_overlay, detail_zoom, prepare_layer
from layers.registry import LAYERS, RenderContext
from layers.render import BASEMAPS, build_map, tolerance_for_zoom
from ui import feedback
from ui.accuracy import indicative_warning
from ui.auth import current_user
from ui.map_memory import layer_memory
from ui.pickers import quota_year
from ui.screening import dems_in_use, store_source
from ui.shell import controls_deferred, page_lang, show_controls_soon
from ui.state import from_url, keep, to_url

lang = page_lang()
SOURCE = store_source()


@st.cache_resource(show_spinner=False, max_entries=256)  # read-only, shared across sessions
def _layer(layer_id: str, lang: str, year: int, measure: str, detail: int, version: str):
    """One layer for the browser; ``version`` (the store's) invalidates it after an import."""
    ctx = RenderContext(lang=lang, year=year, quota_measure=measure, source=SOURCE)
    return prepare_layer(layer_id, ctx, detail)


@st.cache_resource(show_spinner=False, max_entries=3)  # display-resolution overlays
def _dem(path: str, mtime: float):
    return dem_overlay(path)


@st.cache_resource(show_spinner=False, max_entries=16)  # read-only, shared across sessions
def _overview(version: str):
    """(quota years, bases for the search box, (red-line km², share %, authoritative))
    of one store version."""
    ctx = RenderContext(source=SOURCE)
    return quota_years(SOURCE.read_quotas()), base_choices(ctx), redline_share(SOURCE)


st.title(t("app.title", lang))
st.caption(t("app.subtitle", lang))

version = SOURCE.version_key()
try:
    years, bases, (km2, pct, red_authoritative) = _overview(version)
except BundleError:
    feedback.say("error", "err.no_data", lang, path=str(bundle.BUNDLE_PATH))
    st.stop()

base_ids = ["", *bases["id"]]
names = dict(zip(bases["id"], bases[f"name_{lang}"]))
base_names = {code: dict(zip(bases["id"], bases[f"name_{code}"])) for code in LANGS}


def _base_label(base: str, code: str) -> str:
    return base_names[code][base] if base else t("ctl.search_none", code)

MEASURES = {"remaining_share": "quota.remaining_share", "allocated_ha": "f.allocated",
            "used_ha": "f.used", "reserved_ha": "f.reserved", "remaining_ha": "f.remaining"}
from_url("atlas", {"basemap": BASEMAPS, "focus_base": base_ids, "quota_year": years,
                   "quota_measure": list(MEASURES)})


def _refocus() -> None:
    """A base was chosen (fit the view to it once) or the whole province (reset the view)."""
    st.session_state["atlas_view"] = {"fit": st.session_state.get("focus_base") or None,
                                      "gen": st.session_state.get("atlas_view", {}).get("gen", 0) + 1}


def _controls() -> tuple[str, str | None, str, int, str]:
    """The sidebar's choices: (basemap, Tianditu key, base to find, quota year, measure)."""
    kept = {"basemap": keep("basemap", BASEMAPS[0], BASEMAPS, lambda b, code: t(f"basemap.{b}", code)),
            "focus_base": keep("focus_base", "", base_ids, _base_label),
            "quota_measure": keep("quota_measure", "remaining_share", MEASURES,
                                  lambda k, code: t(MEASURES[k], code))}
    if controls_deferred():  # the map first; these widgets come with the next run
        state = st.session_state
        return (state["basemap"], state.get("tdt_key") or None, state["focus_base"],
                quota_year(t("ctl.quota_year", lang), years, "quota_year", where=None),
                state["quota_measure"])
    with st.sidebar:
        basemap = st.radio(t("ctl.basemap", lang), BASEMAPS, key=kept["basemap"],
                           format_func=lambda b: t(f"basemap.{b}", lang))
        if basemap != "none":
            st.caption(t("ctl.basemap_online_note", lang))
        tdt_key = None
        if basemap.startswith("tianditu"):
            tdt_key = st.text_input(t("ctl.tianditu_key", lang), type="password",
                                    help=t("ctl.tianditu_help", lang), key="tdt_key") or None
            if not tdt_key:
                st.info(t("ctl.tianditu_missing", lang))
        focus_id = st.selectbox(t("ctl.search", lang), base_ids, key=kept["focus_base"],
                                on_change=_refocus, format_func=lambda b: _base_label(b, lang))
        year = quota_year(t("ctl.quota_year", lang), years, "quota_year")
        measure = st.selectbox(t("ctl.quota_measure", lang), list(MEASURES),
                               key=kept["quota_measure"], format_func=lambda k: t(MEASURES[k], lang))
    return basemap, tdt_key, focus_id, year, measure


basemap, tdt_key, focus_id, year, measure = _controls()
to_url({"basemap": basemap, "focus_base": focus_id or None, "quota_year": year,
        "quota_measure": measure})

indicative_warning(lang)
ctx = RenderContext(lang=lang, year=int(year), quota_measure=measure, source=SOURCE)
st.caption(t("warn.redline_share_authoritative" if red_authoritative else "warn.redline_share",
             lang, layer_km2=km2, pct=pct))

# The view: fitted to a base once when it is chosen, then wherever the user moved it, also
# when a new map is sent (another basemap, language, year or detail); "（全省）" resets it.
view = st.session_state.setdefault("atlas_view", {"fit": focus_id or None, "gen": 0})
seen = st.session_state.get("atlas_seen", {})  # the last view the map reported
seen = seen if seen.get("gen") == view["gen"] else {}
detail = detail_zoom(seen.get("zoom"))
user = current_user()
layers = [_layer(s.id, lang, int(year), measure, detail, version) for s in LAYERS
          if s.kind != "raster" and can_see(user, s.public)
          and (s.loader is not None or SOURCE.has_layer(s.table or s.id))]
# the bundled province terrain, and over it, within its bounds, a finer DEM an official
# imported on the data page
dem_path, local_path = dems_in_use()
png, dem_bounds, _ = _dem(str(dem_path), dem_path.stat().st_mtime)
local_png = None
if local_path is not None:
    url, local_bounds, _ = _dem(str(local_path), local_path.stat().st_mtime)
    local_png = (url, local_bounds)
# A map whose inputs did not change keeps the view it was sent with (the same map, not
# sent again); a new one opens where the user last was.
sig = (lang, basemap, tdt_key, int(year), measure, detail, version, user.role, view["gen"],
       str(local_path))
built = st.session_state.get("atlas_built", {})
if built.get("sig") != sig:
    if seen:
        where = {"center": seen["center"], "zoom": seen["zoom"]}
    elif view.get("fit") in names:
        where = {"focus": base_bounds(bases, view["fit"])}
    else:
        where = {}
    built = st.session_state["atlas_built"] = {"sig": sig, "where": where}
memory = layer_memory("atlas", {spec.id: t(spec.title, lang) for spec in LAYERS})
fmap = build_map(layers, ctx, basemap=basemap, tianditu_key=tdt_key, dem_png=(png, dem_bounds),
                 local_dem_png=local_png, extras=(memory,), **built["where"])


def _remember_view(out: dict | None, gen: int) -> None:
    """Keep the view the map reported (its centre and zoom) as the user's."""
    c = (out or {}).get("center") or {}
    if out and out.get("zoom") and "lat" in c:
        st.session_state["atlas_seen"] = {"center": (c["lat"], c["lng"]), "zoom": out["zoom"],
                                          "gen": gen}


# The view is kept by the map's change callback, which runs before the next script run
# starts: a rerun that overtakes the one the report started (a language switch a moment
# after a pan) would otherwise send a new map (new component, default value) and lose it.
map_key = f"atlas-{view['gen']}"
out = st_folium(fmap, key=map_key, height=680, use_container_width=True,
                returned_objects=["zoom", "center"],
                on_change=lambda: _remember_view(st.session_state.get(map_key), view["gen"]))
_remember_view(out, view["gen"])
if controls_deferred():
    show_controls_soon()
if out and out.get("zoom") and detail_zoom(out["zoom"]) != detail:
    st.rerun()  # finer or coarser geometry for the new zoom
kb = sum(layer.nbytes for layer in layers) / 1024
st.caption(t("payload", lang, kb=kb, tol_m=tolerance_for_zoom(detail)))
