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
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement, Template

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
    "dem_overlay_png", "build_map", "MapLayer",
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


def dem_overlay_png(dem: Dem) -> str:
    """Data URL of the tinted hillshade PNG of ``dem`` (no network needed)."""
    from PIL import Image

    rgba = elevation_rgba(dem.elev, hillshade(dem))
    buf = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


class _Legend(MacroElement):
    """A fixed legend box; every label is escaped."""

    _template = Template("""
    {% macro html(this, kwargs) %}
    <div id="qpa-legend" class="qpa-legend" style="position:absolute; bottom:24px; right:10px;
         z-index:1000; background:rgba(255,255,255,.92); padding:6px 10px; border-radius:4px;
         font:12px/1.5 sans-serif; box-shadow:0 1px 4px rgba(0,0,0,.3); max-height:60%;
         overflow:auto;">{{ this.body }}</div>
    {% endmacro %}
    """)

    def __init__(self, body: str):
        super().__init__()
        self._name = "Legend"
        self.body = body


def _legend_html(ctx: RenderContext, specs: list[LayerSpec]) -> str:
    rows = [f"<b>{html.escape(t('legend.title', ctx.lang))}</b>"]
    for spec in specs:
        for item in spec.legend_items(ctx):
            label = t(item.label, ctx.lang)
            if item.shape == "line":
                swatch = f"border-top:3px solid {item.color};height:0;margin-top:7px"
            elif item.shape == "circle":
                swatch = f"background:{item.color};border-radius:50%"
            else:
                swatch = f"background:{item.color};opacity:.8"
            rows.append(
                f"<div class='qpa-legend-row' data-layer='{spec.id}'><span style='display:inline-block;"
                f"width:14px;height:12px;margin-right:6px;vertical-align:middle;{swatch}'></span>"
                f"{html.escape(label)}</div>")
    return "".join(rows)


def build_map(layers: list[MapLayer], ctx: RenderContext, *, basemap: str = "none",
              tianditu_key: str | None = None, dem_png: tuple[str, tuple] | None = None,
              focus: tuple[float, float, float, float] | None = None,
              zoom: int = 6, center: tuple[float, float] = QINGHAI_CENTER,
              extras: tuple = ()) -> folium.Map:
    """The atlas map: basemap, DEM overlay, vector layers, layer control, legend.

    Parameters
    ----------
    layers : prepared layers in drawing order (bottom first)
    dem_png : (data URL, (west, south, east, north)) of the terrain overlay
    focus : (west, south, east, north) to fit the view to, e.g. a searched base
    extras : more folium layers or controls (a site, the Draw tool), added on top
        before the layer control so that it can list them
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap was {basemap!r} but is expected to be in {BASEMAPS}")
    m = folium.Map(location=center, zoom_start=zoom, tiles=None, control_scale=True,
                   prefer_canvas=False, min_zoom=4, max_zoom=18)
    add_basemap(m, basemap if (tianditu_key or not basemap.startswith("tianditu")) else "none",
                tianditu_key)
    shown_specs = []
    if dem_png is not None:
        url, (w, s, e, n) = dem_png
        dem_spec = next(sp for sp in LAYERS if sp.id == "dem")
        fg = folium.FeatureGroup(name=t(dem_spec.title, ctx.lang), show=dem_spec.show)
        folium.raster_layers.ImageOverlay(url, bounds=[[s, w], [n, e]], opacity=0.75,
                                          interactive=False, zindex=1).add_to(fg)
        fg.add_to(m)
        shown_specs.append(dem_spec)
    for layer in layers:
        spec = layer.spec
        name = t(spec.title, ctx.lang)
        if layer.indicative:
            name += f" ({t('layer.indicative', ctx.lang)})"
        fg = folium.FeatureGroup(name=name, show=spec.show)
        GeoJsonLayer(layer.json, layer.styles, layer.bounds, name=name,
                     point_radius=spec.point_radius if spec.kind == "point" else None,
                     pin_class=f"qpa-{spec.id}-pin" if spec.pins else None).add_to(fg)
        fg.add_to(m)
        shown_specs.append(spec)
    for extra in extras:
        extra.add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m.get_root().add_child(_Legend(_legend_html(ctx, shown_specs)))
    if focus is not None:
        w, s, e, n = focus
        m.fit_bounds([[s, w], [n, e]], max_zoom=12)
    return make_offline(m, lean=True)  # no icon markers here: Leaflet alone
