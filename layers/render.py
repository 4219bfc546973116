"""Build the folium map of the atlas from the layer registry.

Pure functions of the data and a :class:`~layers.registry.RenderContext`;
no Streamlit here. The page caches :func:`layer_geojson` and hands the result
to :func:`build_map`.
"""
from __future__ import annotations

import base64
import html
import io
import math
from dataclasses import dataclass

import folium
from branca.element import Element
import geopandas as gpd
import numpy as np
import shapely

from geo.dem import Dem, hillshade
from geo.geodesy import metres_per_degree
from geo.i18n import t

from .geojson_layer import GeoJsonLayer, safe_json
from .offline import BASEMAPS, add_basemap, make_offline
from .popups import popup_html
from .registry import LAYERS, LayerSpec, RenderContext
from .styles import elevation_rgba

__all__ = [
    "QINGHAI_CENTER", "BASEMAPS", "tolerance_for_zoom", "layer_geojson",
    "dem_overlay_png", "display_dem", "build_map", "context_parts", "MapLayer", "QINGHAI_BOUNDS",
]

QINGHAI_CENTER = (36.0, 96.2)  # (lat, lon) as Leaflet wants it


def tolerance_for_zoom(zoom: float, lat: float = QINGHAI_CENTER[0]) -> float:
    """Display simplification tolerance in metres: half a screen pixel at ``zoom``.

    >>> round(tolerance_for_zoom(6))
    989
    """
    metres_per_pixel = 156543.03392 * math.cos(math.radians(lat)) / 2 ** zoom
    return 0.5 * metres_per_pixel


@dataclass
class MapLayer:
    """A registry layer's GeoJSON ready for the browser, with its byte size.

    ``json`` is the HTML-safe JSON text of ``geojson``, made once so that a page
    that caches the layer serialises nothing on a rerun. Layers with ``spec.pins``
    carry each feature's pin position as the property ``_pin`` (``[lon, lat]``).
    """

    spec: LayerSpec
    geojson: dict
    styles: dict  # feature id -> Leaflet path options
    nbytes: int
    indicative: bool  # at least one feature is indicative
    json: str
    bounds: tuple  # ((south, west), (north, east)); the centre twice for an empty layer


def _simplify(geoms: gpd.GeoSeries, tolerance_m: float) -> gpd.GeoSeries:
    mx, my = metres_per_degree(QINGHAI_CENTER[0])
    tol_deg = tolerance_m / max(mx, my)
    simple = shapely.simplify(geoms.values, tol_deg, preserve_topology=True)
    return gpd.GeoSeries(simple, index=geoms.index, crs=geoms.crs)


def _grid(tolerance_m: float) -> float:
    """Coordinate grid (degrees) for geometry simplified to ``tolerance_m``: the power of
    ten at or below half the tolerance, between 1e-5 (~1 m) and 1e-3 (~100 m).

    >>> _grid(990), _grid(247), _grid(15)
    (0.001, 0.001, 1e-05)
    """
    mx, _ = metres_per_degree(QINGHAI_CENTER[0])
    exponent = math.floor(math.log10(max(tolerance_m / mx / 2, 1e-9)))
    return 10.0 ** min(max(exponent, -5), -3)


def layer_geojson(spec: LayerSpec, frame: gpd.GeoDataFrame, ctx: RenderContext,
                  tolerance_m: float) -> MapLayer:
    """GeoJSON of one layer for the browser.

    Geometry is simplified to ``tolerance_m`` (if the layer allows it) and
    rounded to a grid of at most half that tolerance (:func:`_grid`; 5 decimals,
    ~1 m, for layers that are not simplified); properties are reduced to the escaped popup
    and tooltip HTML and the Leaflet style, so no raw attribute reaches the page.
    """
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    geoms = _simplify(frame.geometry, tolerance_m) if spec.simplify else frame.geometry
    geoms = shapely.set_precision(geoms.values, _grid(tolerance_m) if spec.simplify else 1e-5)
    title = t(spec.title, ctx.lang)
    quota_max = float(np.nanmax(frame[ctx.quota_measure])) if (
        spec.id == "quotas" and ctx.quota_measure in frame and frame[ctx.quota_measure].notna().any()
    ) else 1.0
    features, styles = [], {}
    records = frame.drop(columns="geometry").to_dict("records")
    pins = (shapely.set_precision(shapely.point_on_surface(geoms), 1e-5) if spec.pins
            else [None] * len(geoms))
    for i, (props, geom, pin) in enumerate(zip(records, geoms, pins)):
        if geom is None or geom.is_empty:
            continue
        props["_quota_max"] = quota_max
        name = props.get(f"name_{ctx.lang}") or props.get("name_zh") or title
        fid = f"{spec.id}-{i}"
        styles[fid] = dict(spec.style(props, ctx) if spec.style else {}, className=f"qpa-{spec.id}")
        features.append({
            "type": "Feature",
            "id": fid,
            "geometry": shapely.geometry.mapping(geom),
            "properties": {
                "_popup": popup_html(props, spec.popup, ctx.lang, title),
                "_tip": html.escape(str(name)),
                **({"_pin": [pin.x, pin.y]} if pin is not None and not pin.is_empty else {}),
            },
        })
    data = {"type": "FeatureCollection", "features": features}
    text = safe_json(data)
    indicative = bool((frame.get("accuracy") == "indicative").any()) if "accuracy" in frame else False
    bounds = ((QINGHAI_CENTER[0], QINGHAI_CENTER[1]),) * 2  # an empty layer: the centre
    if features:
        w, s, e, n = shapely.total_bounds(geoms)  # empty and missing geometries are skipped
        bounds = ((float(s), float(w)), (float(n), float(e)))
    return MapLayer(spec, data, styles, len(text.encode()), indicative, text, bounds)


#: longest side (pixels) of the terrain image sent to the browser
DEM_DISPLAY_PX = 900


def _resize(a: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """``a`` (float, no NaN) resampled to ``shape`` (rows, cols) with a bicubic kernel."""
    from PIL import Image

    img = Image.fromarray(a.astype("float32"), mode="F")
    return np.asarray(img.resize((shape[1], shape[0]), Image.Resampling.BICUBIC), dtype=float)


def display_dem(dem: Dem, max_px: int = DEM_DISPLAY_PX) -> Dem:
    """``dem`` resampled smoothly (bicubic) so that its longest side is ``max_px`` cells:
    a coarse grid is upsampled before shading (no blocky cells), a fine one reduced to
    what a screen shows. Cells with no data stay without data (nearest cell's mask)."""
    h, w = dem.elev.shape
    scale = max_px / max(h, w)
    shape = (max(2, round(h * scale)), max(2, round(w * scale)))
    missing = np.isnan(dem.elev)
    filled = np.where(missing, np.nanmean(dem.elev) if (~missing).any() else 0.0, dem.elev)
    elev = _resize(filled, shape)
    if missing.any():
        rows = np.minimum((np.arange(shape[0]) + 0.5) * h / shape[0], h - 1).astype(int)
        cols = np.minimum((np.arange(shape[1]) + 0.5) * w / shape[1], w - 1).astype(int)
        elev[missing[np.ix_(rows, cols)]] = np.nan
    tr = dem.transform
    transform = type(tr)(tr.a * w / shape[1], tr.b, tr.c, tr.d, tr.e * h / shape[0], tr.f)
    return Dem(elev=elev, transform=transform, tags=dem.tags)


def _merc_y(lat: np.ndarray) -> np.ndarray:
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def _rows_to_mercator(rgba: np.ndarray, north: float, south: float) -> np.ndarray:
    """Rows of an image evenly spaced in latitude re-spaced evenly in Web Mercator y
    (linear between rows), as Leaflet's ImageOverlay stretches an image in Mercator."""
    h = rgba.shape[0]
    y = np.linspace(_merc_y(np.array(north)), _merc_y(np.array(south)), h)
    lat = np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2)
    pos = np.clip((north - lat) / (north - south) * h - 0.5, 0, h - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, h - 1)
    f = (pos - lo)[:, None, None]
    out = rgba[lo].astype(float) * (1 - f) + rgba[hi].astype(float) * f
    return out.round().astype("uint8")


#: relief exaggeration of the display hillshade (a coarse grid's slopes are gentle)
DISPLAY_Z_FACTOR = 2.5


def dem_overlay_png(dem: Dem, max_px: int = DEM_DISPLAY_PX) -> str:
    """Data URL of the tinted hillshade image of ``dem`` (no network needed), shaded on a
    smoothly resampled grid (:func:`display_dem`) and laid out for Web Mercator. WebP
    with alpha: smooth gradients in ~15 KB where a PNG takes ~300 KB."""
    from PIL import Image

    shown = display_dem(dem, max_px)
    rgba = elevation_rgba(shown.elev, hillshade(shown, z_factor=DISPLAY_Z_FACTOR))
    west, south, east, north = shown.bounds
    rgba = _rows_to_mercator(rgba, north, south)
    buf = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buf, format="WEBP", quality=80, method=4)
    return "data:image/webp;base64," + base64.b64encode(buf.getvalue()).decode()


#: (west, south, east, north) of Qinghai, the view every map opens on
QINGHAI_BOUNDS = (89.4, 31.6, 103.1, 39.2)

_CONTEXT: dict[tuple, object] = {}  # (what, source version, lang, detail) -> prepared context


def _cached(key: tuple, make):
    """Memo for the context every map draws (province outline, place labels), per source
    version: shared by all sessions of the process, bounded."""
    if key not in _CONTEXT:
        if len(_CONTEXT) > 64:
            _CONTEXT.clear()
        _CONTEXT[key] = make()
    return _CONTEXT[key]


def context_parts(ctx: RenderContext, detail: int = 6) -> tuple[MapLayer | None, list]:
    """(the province outline as a prepared layer or None, the place labels) for ``ctx``."""
    from .labels import place_labels

    version = ctx.source.version_key()
    province = None
    if ctx.source.has_layer("admin_province"):
        spec = next(sp for sp in LAYERS if sp.id == "admin_province")
        province = _cached(("province", version, ctx.lang, detail), lambda: layer_geojson(
            spec, spec.load(ctx), ctx, tolerance_for_zoom(detail)))
    labels = _cached(("labels", version, ctx.lang), lambda: place_labels(ctx.source, ctx.lang))
    return province, labels


def build_map(layers: list[MapLayer], ctx: RenderContext, *, basemap: str = "none",
              tianditu_key: str | None = None, dem_png: tuple[str, tuple] | None = None,
              local_dem_png: tuple[str, tuple] | None = None,
              focus: tuple[float, float, float, float] | None = None,
              zoom: float = 6, center: tuple[float, float] | None = None,
              extras: tuple = (), legend_extra: tuple = (), interactive: bool = True,
              context: bool = True) -> folium.Map:
    """A map: basemap, DEM overlay, vector layers, place names, layer control, legend.

    Parameters
    ----------
    layers : prepared layers in drawing order (bottom first)
    dem_png : (data URL, (west, south, east, north)) of the terrain overlay
    local_dem_png : the same of an imported finer DEM, drawn over ``dem_png`` within its own
        bounds (same tint ramp, so one elevation legend serves both; a legend row says so)
    focus : (west, south, east, north) to fit the view to, e.g. a searched base; with no
        focus and the default ``center`` the view is fitted to Qinghai
    extras : more folium layers or controls (a site, the Draw tool), added on top
        before the layer control so that it can list them
    legend_extra : ``(group, LegendItem)`` pairs: legend rows for ``extras`` (a row shows
        while its group is on the map)
    interactive : False draws every layer without popups, tooltips or clicks of its own,
        so that a click anywhere reaches the map (placing a site)
    context : add the province outline (unless among ``layers``) and the place names
    """
    from .labels import PlaceLabels
    from .map_chrome import MapChrome, MapLegend, RefitWhenShown, elevation_row, legend_row

    if basemap not in BASEMAPS:
        raise ValueError(f"basemap was {basemap!r} but is expected to be in {BASEMAPS}")
    m = folium.Map(location=center or QINGHAI_CENTER,
                   zoom_start=zoom,  # type: ignore[arg-type]  # folium says int; Leaflet takes 6.5
                   tiles=None, control_scale=False,
                   prefer_canvas=False, min_zoom=4, max_zoom=18, zoom_snap=0.25)
    m.add_child(MapChrome(ctx.lang))  # first: L.drawLocal before any Draw control
    add_basemap(m, basemap if (tianditu_key or not basemap.startswith("tianditu")) else "none",
                tianditu_key)
    rows: list[tuple[Element | None, str]] = []
    if dem_png is not None:
        url, (w, s, e, n) = dem_png
        dem_spec = next(sp for sp in LAYERS if sp.id == "dem")
        fg = folium.FeatureGroup(name=t(dem_spec.title, ctx.lang), show=dem_spec.show)
        overlays = [(url, (w, s, e, n), "qpa-dem")]
        if local_dem_png is not None:
            overlays.append((*local_dem_png, "qpa-dem qpa-dem-local"))
        for url, (w, s, e, n), css in overlays:  # the imported DEM last: on top
            folium.raster_layers.ImageOverlay(url, bounds=[[s, w], [n, e]], opacity=0.75,
                                              interactive=False, zindex=1, pixelated=False,
                                              className=css).add_to(fg)
        fg.add_to(m)
        rows.append((fg, elevation_row(ctx.lang)))
        if local_dem_png is not None:
            rows.append((fg, "<div class='qpa-legend-row qpa-legend-dem-local'>"
                             f"{html.escape(t('legend.dem_local', ctx.lang))}</div>"))
    province, labels = context_parts(ctx, detail=6) if context else (None, [])
    if province is not None and not any(layer.spec.id == "admin_province" for layer in layers):
        layers = [province, *layers]
    for layer in layers:
        spec = layer.spec
        name = t(spec.title, ctx.lang)
        if layer.indicative:
            name += f" ({t('layer.indicative', ctx.lang)})"
        fg = folium.FeatureGroup(name=name, show=spec.show)
        GeoJsonLayer(layer.json, layer.styles, layer.bounds, name=name,
                     point_radius=spec.point_radius if spec.kind == "point" else None,
                     pin_class=f"qpa-{spec.id}-pin" if spec.pins else None,
                     interactive=interactive and layer is not province).add_to(fg)
        fg.add_to(m)
        rows.extend((fg, legend_row(item, ctx.lang)) for item in spec.legend_items(ctx))
    if labels:
        fg = folium.FeatureGroup(name=t("layer.places", ctx.lang), show=True)
        PlaceLabels(labels, ctx.lang).add_to(fg)
        fg.add_to(m)
    for extra in extras:
        extra.add_to(m)
    rows.extend((group, legend_row(item, ctx.lang)) for group, item in legend_extra)
    # collapsed, top left: it opens over the empty north-west, not the eastern bases
    folium.LayerControl(collapsed=True, position="topleft").add_to(m)
    MapLegend(rows, t("legend.title", ctx.lang)).add_to(m)
    if focus is not None:
        w, s, e, n = focus
        m.fit_bounds([[s, w], [n, e]], max_zoom=12)
        RefitWhenShown([[s, w], [n, e]], max_zoom=12).add_to(m)
    elif center is None:  # no view asked for: Qinghai fills the map
        w, s, e, n = QINGHAI_BOUNDS
        m.fit_bounds([[s, w], [n, e]])
        RefitWhenShown([[s, w], [n, e]]).add_to(m)
    return make_offline(m, lean=True)  # no icon markers here: Leaflet alone
