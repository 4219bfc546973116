"""Site check page: give a site and a project, run every check, download the report.

The mode, the coordinate system, the current site (``?site=lon,lat;…``), the project form
(``?project={…}``, :mod:`geo.project_link`) and whether it was checked (``?checked=1``)
travel in the URL, so a reload or a link sent to a colleague reopens the same site and
project, and checks it again: the verdict comes back too.
"""
import json
import re
from typing import Any

import streamlit as st
from streamlit_folium import st_folium

from geo.audit import record_site_check
from geo.checks import Project, load_config
from geo.checks.verdict import suitability_text
from geo.crs_labels import centre_system_text
from geo.errors import QPAError
from geo.gk import QINGHAI_ZONES, zone_for_lon
from geo.i18n import t
from geo.quota import quota_years
from geo.jzd import MAX_FROM_CM_DEG
from geo.project_link import NUMBER_FIELDS, project_from_param, project_to_param
from geo.report import download_stem, report_geojson, report_html, report_pdf, site_jzd
from geo.screen import screen_site
from geo.site_input import (CRS_CHOICES, parse_coordinates, read_site_file, site_from_geojson,
                            site_from_point)
from geo.site_link import MAX_VERTICES, site_from_param, site_to_param, vertex_count
from layers.registry import RenderContext
from layers.site_view import (context_layers, evidence_frame, site_map, styled_verdict_table,
                              verdict_table)
from ui import feedback
from geo.vector_io import SITE
from ui.chrome import file_uploader
from ui.accuracy import indicative_warning
from ui.auth import current_user, get_store
from ui.pickers import quota_year
from ui.screening import screening_layers, store_source
from ui.shell import page_lang
from ui.state import from_url, keep, pin, to_url

lang = page_lang()
SOURCE = store_source()
ZONES = list(QINGHAI_ZONES)
MODES = ("click", "draw", "paste", "file")
SHAPES = ("square", "circle")
CRS_CODES = list(CRS_CHOICES)
pin("activity")  # the project form's choice with labels in the user's language (years and
# zones are numbers, the same in both languages: their index= default stays theirs)


@st.cache_resource(show_spinner=False, max_entries=8)  # read-only, shared across sessions
def _context(lang: str, version: str) -> list:
    return context_layers(RenderContext(lang=lang, source=SOURCE))


def _sync_url() -> None:
    """The page's state in the URL: the choices above the form, the site, the project as
    last checked and whether its verdict is shown (called by the page and by the fragment,
    whose reruns do not run the page)."""
    site = st.session_state.get("site")
    to_url({**st.session_state.get("_site_choices", {}),
            "site": site_to_param(site) if site else None,
            "project": st.session_state.get("project_param"),
            "checked": "1" if site is not None and st.session_state.get("result") is not None
            else None})


def _project_from_link(values: dict[str, Any]) -> None:
    """Fill the project form from a link's values (before its widgets exist); a choice the
    form does not offer keeps the form's default."""
    activities = list(load_config().redline["activities"])
    for key, value in values.items():
        if key == "activity" and value not in activities:
            continue
        st.session_state[key] = value
    st.session_state["project_param"] = project_to_param(values)


def _set_site(make, *args, **kwargs) -> None:
    """Build a site with ``make``; show the error in the user's language if it fails."""
    try:
        st.session_state["site"] = make(*args, **kwargs)
        st.session_state.pop("result", None)
    except QPAError as exc:
        feedback.show_error(exc, lang)
        if st.session_state.get("site") is not None:  # not taken: say which site is current
            st.warning(t("site.kept_previous", lang))


st.title(t("page.site", lang))
st.caption(t("site.intro", lang))
indicative_warning(lang)

from_url("site_check", {"site_mode": MODES, "click_shape": SHAPES, "paste_crs": CRS_CODES,
                        "paste_zone": ZONES, "project": project_from_param})
if not st.session_state.get("_url_read.site"):
    st.session_state["_url_read.site"] = True
    if link := st.query_params.get("site"):
        _set_site(site_from_param, link)
    if (linked := st.session_state.pop("project", None)) is not None:
        _project_from_link(linked)
        # a reload of a checked page checks again (the verdict is not kept in the link)
        st.session_state["_recheck"] = (st.query_params.get("checked") == "1"
                                        and st.session_state.get("site") is not None)

mode = st.radio(t("site.mode", lang), MODES, horizontal=True, key=keep("site_mode", MODES[0]),
                format_func=lambda m: t(f"site.mode.{m}", lang))
choices: dict[str, Any] = {"site_mode": mode}  # what the URL carries
if mode == "click":
    c1, c2 = st.columns(2)
    area = c1.number_input(t("site.area", lang), min_value=0.01, max_value=1_000_000.0,
                           value=50.0, step=10.0, key="click_area")
    shape = c2.radio(t("site.shape", lang), SHAPES, horizontal=True,
                     key=keep("click_shape", SHAPES[0]),
                     format_func=lambda s: t(f"site.shape.{s}", lang))
    choices["click_shape"] = shape
    st.caption(t("site.click_help", lang))
elif mode == "draw":
    st.caption(t("site.draw_help", lang))
elif mode == "paste":
    c1, c2 = st.columns([3, 1])
    crs = c1.selectbox(t("site.crs", lang), CRS_CODES, key=keep("paste_crs", CRS_CODES[0]),
                       format_func=lambda c: t(f"site.crs.{c}", lang))
    zone = c2.selectbox(t("site.zone", lang), ZONES, key=keep("paste_zone", 34))
    choices.update(paste_crs=crs, paste_zone=zone)
    text = st.text_area(t("site.coords", lang), height=160, key="paste_text",
                        placeholder="101.730,36.560\n101.740,36.560\n101.740,36.570\n101.730,36.570")
    if st.button(t("site.use_coords", lang), key="paste_go"):
        _set_site(parse_coordinates, text, crs, zone=zone if crs == "gk_noprefix" else None)
else:
    upload = file_uploader(t("site.file", lang), key="site_file", lang=lang,
                           max_bytes=SITE.max_bytes,
                           types=["geojson", "json", "kml", "kmz", "zip", "gpkg", "txt"])
    if upload is not None and st.session_state.get("site_file_id") != upload.file_id:
        try:
            st.session_state["file_sites"] = read_site_file(upload.name, upload.getvalue())
            st.session_state["site_file_id"] = upload.file_id
        except QPAError as exc:
            st.session_state["file_sites"] = []
            feedback.show_error(exc, lang)
    sites = st.session_state.get("file_sites") or []
    if upload is not None and sites:
        pick = st.selectbox(t("site.pick", lang), range(len(sites)), key="site_pick",
                            format_func=lambda i: sites[i].name or f"#{i + 1}")
        if st.session_state.get("site") is not sites[pick]:
            st.session_state["site"] = sites[pick]
            st.session_state.pop("result", None)

st.session_state["_site_choices"] = choices
_sync_url()


@st.cache_data(show_spinner=False, max_entries=8)
def _quota_years(version: str) -> list:
    """The ledger's quota years, read once per store version (not on every check)."""
    return quota_years(SOURCE.read_quotas())


def _project_form(site) -> Project | None:
    """The project form; the project it describes once "check" is pressed (or once a reloaded
    link that was checked opens), else None."""
    config = load_config()
    for key in NUMBER_FIELDS:  # the default through session state: a link may have set it
        st.session_state.setdefault(key, 0.0)
    st.subheader(t("site.project", lang))
    with st.form("project"):
        c1, c2, c3 = st.columns(3)
        applicant = c1.text_input(t("site.applicant", lang), key="applicant")
        name = c2.text_input(t("site.project_name", lang), key="project_name")
        code = c3.text_input(t("site.project_code", lang), key="project_code")
        c1, c2 = st.columns(2)
        product = c1.text_input(t("site.product", lang), help=t("site.product_help", lang),
                                key="product")
        activities = list(config.redline["activities"])
        activity = c2.selectbox(t("site.activity", lang), activities, key="activity",
                                format_func=lambda a: config.activity(a).get(f"name_{lang}", a))
        c1, c2 = st.columns(2)
        industry = c1.text_input(t("site.industry", lang), help=t("site.industry_help", lang),
                                 key="industry")
        land_use_type = c2.text_input(t("site.land_use_type", lang), key="land_use_type")
        c3, c4, c5 = st.columns(3)
        area_req = c3.number_input(t("site.area_req", lang), min_value=0.0,
                                   key="area_req")
        investment = c4.number_input(t("site.investment", lang), min_value=0.0,
                                     key="investment")
        years = _quota_years(SOURCE.version_key())
        year = quota_year(t("site.year", lang), years, "year", where=c5)
        c6, c7, c8 = st.columns(3)
        floor_area = c6.number_input(t("site.floor_area", lang), min_value=0.0,
                                     key="floor_area")
        footprint = c7.number_input(t("site.footprint", lang), min_value=0.0,
                                    key="footprint")
        admin_area = c8.number_input(t("site.admin_area", lang), min_value=0.0,
                                     key="admin_area")
        own_right = st.text_input(t("site.own_mining_right", lang),
                                  help=t("site.own_mining_right_help", lang),
                                  key="own_mining_right")
        run = st.form_submit_button(t("site.run", lang), type="primary")
    if not run and not st.session_state.pop("_recheck", False):
        return None
    st.session_state["project_param"] = project_to_param({
        "applicant": applicant, "project_name": name, "project_code": code, "product": product,
        "activity": activity, "industry": industry, "land_use_type": land_use_type,
        "area_req": area_req, "investment": investment, "year": year, "floor_area": floor_area,
        "footprint": footprint, "admin_area": admin_area, "own_mining_right": own_right})
    return Project(product=product.strip() or None, activity=activity,
                   area_ha=area_req or None, investment_wan=investment or None,
                   year=int(year), applicant=applicant.strip() or None,
                   name=name.strip() or None, code=code.strip() or None,
                   industry=industry.strip() or None,
                   land_use_type=land_use_type.strip() or None,
                   floor_area_m2=floor_area or None, footprint_m2=footprint or None,
                   admin_area_m2=admin_area or None,
                   own_mining_right=own_right.strip() or None)


def _screen(site, project: Project) -> None:
    """Run every check on ``site``; keep the result (and its audit record) in the session."""
    try:
        layers = screening_layers()
        result = screen_site(site.geometry, project, layers, load_config())
        st.session_state["result"] = st.session_state["screen_result"] = result
        st.session_state["result_layers"] = layers  # the report's location map draws these
        st.session_state["screen_audit_id"] = record_site_check(
            get_store(), current_user(), site, result)  # officials only; None for viewers
    except QPAError as exc:
        feedback.show_error(exc, lang)


def _md(text: Any) -> str:
    """``text`` shown as it is in Markdown (a product or file name may hold * _ [ ] …)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|>~<])", r"\\\1", str(text))


def _verdict(site, result) -> None:
    """The two verdicts, the table of checks, the evidence and the downloads."""
    st.header(t("site.verdict_compliance", lang, status=t(f"status.{result.overall}", lang)))
    if result.suitability is not None:
        st.subheader(suitability_text(result.suitability, lang))
        st.caption(t("verdict.suitability_note", lang))
    if result.indicative_layers:
        st.warning(t("warn.indicative", lang))
    wide = {t(f"site.col.{c}", lang): st.column_config.TextColumn(width="large")
            for c in ("finding", "rule")}
    st.dataframe(styled_verdict_table(result, lang), hide_index=True, width="stretch",
                 column_config=wide)
    # the table cuts long texts: every finding and rule in full, wrapped, one click away (drawn
    # only while open: the page does not carry every text twice)
    with st.expander(t("site.rules_in_full", lang), key="verdict_in_full", on_change="rerun"):
        if st.session_state.get("verdict_in_full"):
            table = verdict_table(result, lang)
            for _, row in table.iterrows():
                name, status, finding, rule = (_md(row.iloc[i]) for i in (0, 2, 3, 4))
                st.markdown(f"**{name}** · {status}  \n{finding}  \n"
                            f"{t('site.col.rule', lang)}{t('colon', lang)}{rule}")
    st.caption(t("site.buildable_ha", lang, ha=result.buildable_ha))
    if result.missing_layers:
        st.info(t("site.missing_layers", lang, kinds=t("list.sep", lang).join(
            t(f"check.{c}", lang) for c in result.missing_layers)))
    for res in result.results:
        if res.evidence:
            with st.expander(t("site.evidence", lang, check=t(f"check.{res.check}", lang))):
                st.dataframe(evidence_frame(res, lang), hide_index=True, width="stretch")

    st.subheader(t("site.download", lang))
    c1, c2, c3, c4 = st.columns(4)
    stem = download_stem(result, site.name or "")
    used = st.session_state.get("result_layers") or screening_layers()
    # built when clicked (a callable), not on every rerun: the PDF alone takes most of a rerun;
    # a download does not rerun (a rerun would drop the other buttons' files while the user
    # clicks the next one)
    c1.download_button(t("site.dl.html", lang),  # the layers screened with draw the location map
                       lambda: report_html(result, result.project, lang, layers=used),
                       file_name=f"{stem}.html", mime="text/html", key="dl_html",
                       on_click="ignore")
    c2.download_button(t("site.dl.pdf", lang),
                       lambda: report_pdf(result, result.project, lang, layers=used),
                       file_name=f"{stem}.pdf", mime="application/pdf", key="dl_pdf",
                       on_click="ignore")
    c3.download_button(t("site.dl.geojson", lang),
                       lambda: json.dumps(report_geojson(result), ensure_ascii=False).encode("utf-8"),
                       file_name=f"{stem}.geojson", mime="application/geo+json", key="dl_geojson",
                       on_click="ignore")
    c = site.geometry.centroid
    # the site's own zone and its neighbours: a zone farther away would distort every point
    zones = [z for z in ZONES if abs(c.x - 3 * z) <= MAX_FROM_CM_DEG] or ZONES
    own = zone_for_lon(c.x)
    zone = c4.selectbox(t("site.jzd_zone", lang), zones, key="jzd_zone",
                        index=zones.index(own) if own in zones else 0)
    try:
        jzd_text = site_jzd(result, zone=zone).encode("gbk")
    except QPAError as exc:
        feedback.show_error(exc, lang)
    else:
        c4.download_button(t("site.dl.jzd", lang), jzd_text, file_name=f"{stem}-jzd.txt",
                           mime="text/plain", key="dl_jzd", on_click="ignore")


def _map(site, result) -> None:
    """The map with the site and the last check's overlaps; a click or a drawing sets the site."""
    ctx = RenderContext(lang=lang, source=SOURCE)
    fmap = site_map(ctx, site.geometry if site else None, result, draw=(mode == "draw"),
                    click=(mode == "click"), layers=_context(lang, SOURCE.version_key()))
    out = st_folium(fmap, key="site_map", height=560, use_container_width=True,
                    returned_objects=["last_clicked", "last_active_drawing"])
    if mode == "click" and out and out.get("last_clicked"):
        click = out["last_clicked"]
        if st.session_state.get("last_click") != click:
            st.session_state["last_click"] = click
            _set_site(site_from_point, click["lng"], click["lat"], area, shape)
            st.rerun()
    if mode == "draw" and out and out.get("last_active_drawing"):
        drawing = out["last_active_drawing"]
        if st.session_state.get("last_drawing") != drawing:
            st.session_state["last_drawing"] = drawing
            _set_site(site_from_geojson, drawing.get("geometry", drawing))
            st.rerun()


@st.fragment
def _map_and_check() -> None:
    """The map, the project form and the verdict, rerun on their own.

    Pressing "check" (or a download, or the 界址点 zone) reruns only this part, not the
    page above it. The map's place is kept above the form but it is drawn last, so the
    check's overlaps are on it in the same run (no second run of the page) and the
    verdict reaches the browser before the map.
    """
    site = st.session_state.get("site")
    map_box = st.container()
    result = None
    if site is None:
        st.info(t("site.none", lang))
    else:
        if vertex_count(site) > MAX_VERTICES:
            st.caption(t("url.site_too_big", lang, n=vertex_count(site), cap=MAX_VERTICES))
        c = site.geometry.centroid
        feedback.say("success", "site.current", lang, area=site.area_ha, lon=c.x, lat=c.y,
                     crs=centre_system_text(site.crs_in, lang))
        for warning in site.warnings:
            feedback.warning(warning.text(lang) if hasattr(warning, "text") else str(warning))
        project = _project_form(site)
        if project is not None:
            _screen(site, project)
            _sync_url()
        result = st.session_state.get("result")
        if result is not None:
            _verdict(site, result)
    with map_box:
        _map(site, result)


_map_and_check()
