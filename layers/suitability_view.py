"""What the batch page draws, prepared without Streamlit.

* :func:`surface_png` -- the suitability grid as an RGBA PNG data URL, its rows
  resampled to Web Mercator so that Leaflet's ImageOverlay (which stretches an
  image linearly in Mercator) puts every cell where it is; masked cells
  (red line, important mineral) are drawn in translucent grey / purple, cells
  outside the province are transparent;
* :func:`suitability_group` -- a folium FeatureGroup with that overlay, and
  :func:`suitability_legend` its legend box (colour ramp and mask swatches);
* :func:`sites_group` -- the ranked sites as circle markers coloured by
  verdict (tooltip: rank, id, verdict, chain score), and :func:`sites_legend`.

Pass these to :func:`layers.render.build_map` through ``extras`` (never add
to a built map: the layer control would not list them).
"""
from __future__ import annotations

import base64
import html
import io
import math

import folium
import numpy as np
import pandas as pd
from geo.i18n import t
from geo.suitability import MASK_MINERAL, MASK_OPEN, MASK_REDLINE, Surface

from .map_chrome import MapLegend
from .site_view import STATUS_COLORS

__all__ = ["RAMP", "surface_rgba", "surface_png", "suitability_group", "suitability_legend",
           "sites_group", "sites_legend", "MAX_MAP_SITES"]

#: score 0 -> 1 (YlGnBu-like, colour-blind safe)
RAMP = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
MASK_RGBA = {MASK_REDLINE: (120, 120, 120, 150), MASK_MINERAL: (118, 42, 131, 170)}
#: at most this many sites (the best ranked) are drawn on the map
MAX_MAP_SITES = 3000


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def _lut(n: int = 256) -> np.ndarray:
    stops = np.array([_hex(c) for c in RAMP], dtype=float)
    x = np.linspace(0, 1, len(RAMP))
    v = np.linspace(0, 1, n)
    return np.stack([np.interp(v, x, stops[:, k]) for k in range(3)], axis=1).astype(np.uint8)


def _merc_y(lat):
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def surface_rgba(surface: Surface, opacity: int = 210) -> np.ndarray:
    """RGBA array (rows resampled to Web Mercator, nearest row) of ``surface``."""
    ny, nx = surface.shape
    w, s, e, n = surface.bounds
    # output rows evenly spaced in Mercator y; each takes the lon/lat row it falls in
    ys = np.linspace(_merc_y(n), _merc_y(s), ny + 1)
    y_mid = (ys[:-1] + ys[1:]) / 2
    lat_mid = np.degrees(2 * np.arctan(np.exp(y_mid)) - np.pi / 2)
    rows = np.clip(((lat_mid - n) / surface.transform.e).astype(int), 0, ny - 1)
    score = surface.score[rows]
    mask = surface.mask[rows]
    rgba = np.zeros((ny, nx, 4), dtype=np.uint8)
    ok = np.isfinite(score) & (mask == MASK_OPEN)
    idx = np.clip((np.nan_to_num(score) * 255).round().astype(int), 0, 255)
    rgba[..., :3] = _lut()[idx]
    rgba[..., 3] = np.where(ok, opacity, 0)
    for code, colour in MASK_RGBA.items():
        rgba[mask == code] = colour
    return rgba


def surface_png(surface: Surface) -> tuple[str, tuple[float, float, float, float]]:
    """(PNG data URL, (west, south, east, north)) of the overlay."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(surface_rgba(surface), mode="RGBA").save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode(), surface.bounds


def suitability_group(surface: Surface, lang: str, png: tuple | None = None
                      ) -> folium.FeatureGroup:
    """FeatureGroup with the raster overlay (listed in the layer control)."""
    url, (w, s, e, n) = png or surface_png(surface)
    fg = folium.FeatureGroup(name=t("batch.suit_layer", lang), show=True)
    folium.raster_layers.ImageOverlay(url, bounds=[[s, w], [n, e]], opacity=1.0,
                                      interactive=False, zindex=2,
                                      className="qpa-suitability").add_to(fg)
    return fg


def _swatch(colour: str, label: str, circle: bool = False) -> str:
    shape = "border-radius:50%;" if circle else ""
    return (f"<div><span style='display:inline-block;width:14px;height:12px;margin-right:6px;"
            f"vertical-align:middle;background:{colour};{shape}'></span>{html.escape(label)}</div>")


def suitability_legend(surface: Surface, lang: str, name: str | None = None,
                       group: folium.FeatureGroup | None = None) -> MapLegend:
    """Legend: title with the product (``name``, else its id), the ramp 0..1, the two masks;
    shown while ``group`` (:func:`suitability_group`) is on, always without one."""
    grad = ",".join(RAMP)
    body = (f"<div style='width:160px;height:10px;background:linear-gradient(to right,{grad})'>"
            f"</div><div style='display:flex;justify-content:space-between;width:160px'>"
            f"<span>0</span><span>0.5</span><span>1</span></div>"
            + _swatch("rgba(120,120,120,.6)", t("batch.mask_redline", lang))
            + _swatch("rgba(118,42,131,.7)", t("batch.mask_mineral", lang)))
    return MapLegend([(group, body)], t("batch.suit_legend", lang, product=name or surface.product),
                     box_id="qpa-suit-legend")


def sites_group(ranked: pd.DataFrame, lang: str, limit: int = MAX_MAP_SITES
                ) -> folium.FeatureGroup:
    """The best ``limit`` ranked sites as circle markers coloured by verdict."""
    feats = []
    for rec in ranked.head(limit).itertuples(index=False):
        score = getattr(rec, "chain_score", None)
        score_txt = "-" if score is None or (isinstance(score, float) and math.isnan(score)) \
            else f"{float(score):.2f}"
        tip = t("batch.site_tip", lang, rank=rec.rank, site=rec.site_id,
                status=t(f"status.{rec.overall}", lang), score=score_txt)
        feats.append({"type": "Feature", "id": str(rec.site_id),
                      "properties": {"_tip": html.escape(tip), "overall": rec.overall},
                      "geometry": {"type": "Point", "coordinates": [float(rec.lon), float(rec.lat)]}})
    fg = folium.FeatureGroup(name=t("batch.sites_layer", lang), show=True)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": feats},
        marker=folium.CircleMarker(radius=6),
        style_function=lambda f: {"color": "#222", "weight": 1, "fill": True, "fillOpacity": 0.9,
                                  "fillColor": STATUS_COLORS.get(f["properties"]["overall"], "#878787"),
                                  "className": "qpa-batch-site"},
        tooltip=folium.GeoJsonTooltip(fields=["_tip"], labels=False),
    ).add_to(fg)
    return fg


def sites_legend(lang: str, group: folium.FeatureGroup | None = None) -> MapLegend:
    """Legend of the verdict colours; shown while ``group`` (:func:`sites_group`) is on."""
    body = "".join(_swatch(c, t(f"status.{s}", lang), circle=True) for s, c in STATUS_COLORS.items())
    return MapLegend([(group, body)], t("batch.sites_layer", lang), box_id="qpa-sites-legend")
