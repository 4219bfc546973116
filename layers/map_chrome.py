"""What every map has around its layers: the legend, Leaflet's own strings, the style sheet.

* :class:`MapLegend` -- a Leaflet control (bottom right, over Sichuan south-east of the
  province, below the eastern bases), folded by a click on its title, whose rows follow
  the visible layers: it listens to ``overlayadd`` / ``overlayremove`` and shows a row
  only while its layer is on the map.
* :class:`MapChrome` -- the attribution without Leaflet's flag prefix, the zoom and
  layer-control titles and the Draw tool's strings (``L.drawLocal``) in the user's
  language, and the style sheet of labels and legend, once per map.

Both render their script through the ``script`` macro, which is what
``streamlit_folium`` collects, and look variable names up while rendering (it renames
them as it walks the map), never before.
"""
from __future__ import annotations

import html

from branca.element import Element, MacroElement, Template

from geo.i18n import t

from .geojson_layer import safe_json
from .labels import LABEL_CSS
from .registry import LegendItem
from .styles import elevation_gradient_css

__all__ = ["MapLegend", "MapChrome", "legend_row", "elevation_row", "draw_local"]

_SWATCH = "display:inline-block;width:14px;height:12px;margin-right:6px;vertical-align:middle;"


def legend_row(item: LegendItem, lang: str) -> str:
    """One legend row (escaped label and its swatch) as HTML."""
    if item.shape == "line":
        swatch = f"border-top:3px solid {item.color};height:0;margin-top:7px"
    elif item.shape == "circle":
        swatch = f"background:{item.color};border-radius:50%"
    elif item.shape == "site":
        swatch = f"border:3px solid {item.color};outline:1px solid #1a1a1a;height:8px;width:10px"
    elif item.shape == "dashed":
        swatch = f"border:2px dashed {item.color};height:8px;width:10px"
    else:
        swatch = f"background:{item.color};opacity:.8"
    return (f"<div class='qpa-legend-row'><span style='{_SWATCH}{swatch}'></span>"
            f"{html.escape(t(item.label, lang, **dict(item.params)))}</div>")


def elevation_row(lang: str) -> str:
    """The elevation legend: the tint ramp as a bar with metres under it."""
    gradient, lo, hi = elevation_gradient_css()
    ticks = "".join(
        f"<span style='position:absolute;left:{100 * (m - lo) / (hi - lo):.0f}%;"
        f"transform:translateX(-{100 * (m - lo) / (hi - lo):.0f}%)'>{m}</span>"
        for m in (lo, 2500, 4000, hi))
    return (f"<div class='qpa-legend-row qpa-legend-elev'>{html.escape(t('legend.elev_scale', lang))}"
            f"<div style='width:180px;height:10px;background:{gradient};opacity:.85'></div>"
            f"<div style='position:relative;width:180px;height:14px;font-size:10px'>{ticks}</div></div>")


class MapLegend(MacroElement):
    """A legend control; ``rows`` are ``(group, html)``: the row shows while ``group`` (a
    folium layer or FeatureGroup on the map) is shown, always when ``group`` is None."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.script_js() }}{% endmacro %}")

    def __init__(self, rows: list[tuple[Element | None, str]], title: str,
                 position: str = "bottomright", box_id: str = "qpa-legend"):
        super().__init__()
        self._name = "MapLegend"
        self.rows, self.title, self.position, self.box_id = rows, title, position, box_id

    def script_js(self) -> str:
        groups = [g for g, _ in self.rows]
        body = (f"<details open><summary><b>{html.escape(self.title)}</b></summary>" + "".join(
            f"<div data-row='{i}'>{row}</div>" for i, (_, row) in enumerate(self.rows))
            + "</details>")
        refs = ", ".join(g.get_name() if g is not None else "null" for g in groups)
        assert self._parent is not None  # rendered after add_to(map)
        m = self._parent.get_name()
        return (
            f"(function() {{ var map = {m}, G = [{refs}];\n"
            f"  var ctl = L.control({{position: {safe_json(self.position)}}});\n"
            "  ctl.onAdd = function() { var d = L.DomUtil.create('div', 'qpa-legend');\n"
            f"    d.id = {safe_json(self.box_id)}; d.innerHTML = {safe_json(body)};\n"
            "    L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d);\n"
            "    return d; };\n"
            "  ctl.addTo(map);\n"
            "  function sync() { var c = ctl.getContainer(); if (!c) return;\n"
            "    c.querySelectorAll('[data-row]').forEach(function(r) {\n"
            "      var g = G[+r.getAttribute('data-row')];\n"
            "      r.style.display = (!g || map.hasLayer(g)) ? '' : 'none'; }); }\n"
            "  map.on('overlayadd overlayremove layeradd layerremove', function(e) {\n"
            "    if (!e.layer || G.indexOf(e.layer) >= 0) sync(); });\n"
            "  sync(); })();\n"
        )


def draw_local(lang: str) -> dict:
    """``L.drawLocal`` (Leaflet.draw 1.0.2's string table) in ``lang``."""
    def k(key: str) -> str:
        return t(key, lang)

    return {
        "draw": {
            "toolbar": {
                "actions": {"title": k("draw.cancel_title"), "text": k("draw.cancel")},
                "finish": {"title": k("draw.finish_title"), "text": k("draw.finish")},
                "undo": {"title": k("draw.undo_title"), "text": k("draw.undo")},
                "buttons": {"polyline": k("draw.polyline"), "polygon": k("draw.polygon"),
                            "rectangle": k("draw.rectangle"), "circle": k("draw.circle"),
                            "marker": k("draw.marker"), "circlemarker": k("draw.marker")},
            },
            "handlers": {
                "polygon": {"tooltip": {"start": k("draw.polygon_start"),
                                        "cont": k("draw.polygon_cont"),
                                        "end": k("draw.polygon_end")}},
                "polyline": {"error": k("draw.line_error"),
                             "tooltip": {"start": k("draw.polygon_start"),
                                         "cont": k("draw.polygon_cont"),
                                         "end": k("draw.polygon_end")}},
                "rectangle": {"tooltip": {"start": k("draw.rectangle_start")}},
                "simpleshape": {"tooltip": {"end": k("draw.simpleshape_end")}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {"save": {"title": k("draw.save_title"), "text": k("draw.save")},
                            "cancel": {"title": k("draw.edit_cancel_title"),
                                       "text": k("draw.cancel")},
                            "clearAll": {"title": k("draw.clear_all_title"),
                                         "text": k("draw.clear_all")}},
                "buttons": {"edit": k("draw.edit"), "editDisabled": k("draw.edit_disabled"),
                            "remove": k("draw.remove"), "removeDisabled": k("draw.remove_disabled")},
            },
            "handlers": {"edit": {"tooltip": {"text": k("draw.edit_tip"), "subtext": k("draw.edit_subtip")}},
                         "remove": {"tooltip": {"text": k("draw.remove_tip")}}},
        },
    }


_LEGEND_CSS = """
.qpa-legend { background: rgba(255,255,255,.92); padding: 4px 8px; border-radius: 4px;
  font: 11px/1.45 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-height: 42vh;
  overflow: auto; }
.qpa-legend summary { cursor: pointer; }
"""


class MapChrome(MacroElement):
    """Leaflet's own strings in ``lang``, the attribution prefix and the style sheet.

    Added to the map before any other element, so that ``L.drawLocal`` is set before a
    Draw control reads it."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.script_js() }}{% endmacro %}")

    def __init__(self, lang: str):
        super().__init__()
        self._name = "MapChrome"
        self.lang = lang

    def script_js(self) -> str:
        assert self._parent is not None  # rendered after add_to(map)
        m = self._parent.get_name()
        prefix = ("<a href=\"https://leafletjs.com\" title=\"Leaflet\">Leaflet</a> | "
                  + html.escape(t("map.attribution", self.lang)))
        return (
            f"(function() {{ var map = {m};\n"
            f"  if (!document.getElementById('qpa-map-css')) {{ var st = document.createElement('style');"
            f" st.id = 'qpa-map-css'; st.textContent = {safe_json(LABEL_CSS + _LEGEND_CSS)};"
            " document.head.appendChild(st); }\n"
            "  L.control.scale({imperial: false}).addTo(map);\n"
            f"  if (map.attributionControl) map.attributionControl.setPrefix({safe_json(prefix)});\n"
            "  if (map.zoomControl) {"
            f" map.zoomControl._zoomInButton.title = {safe_json(t('map.zoom_in', self.lang))};"
            f" map.zoomControl._zoomOutButton.title = {safe_json(t('map.zoom_out', self.lang))};"
            " map.zoomControl._zoomInButton.setAttribute('aria-label', map.zoomControl._zoomInButton.title);"
            " map.zoomControl._zoomOutButton.setAttribute('aria-label', map.zoomControl._zoomOutButton.title); }\n"
            f"  if (L.drawLocal) {{ var D = {safe_json(draw_local(self.lang))};\n"
            "    (function merge(a, b) { Object.keys(b).forEach(function(k) {\n"
            "      if (typeof b[k] === 'object' && a[k]) merge(a[k], b[k]); else a[k] = b[k]; }); })"
            "(L.drawLocal, D); }\n"
            f"  var title = {safe_json(t('map.layers', self.lang))};\n"
            "  setTimeout(function() { document.querySelectorAll('.leaflet-control-layers-toggle')"
            ".forEach(function(a) { a.title = title; a.setAttribute('aria-label', title); }); }, 0);\n"
            "})();\n"
        )


class RefitWhenShown(MacroElement):
    """Fit ``bounds`` again when the map's size changes much, until the user moves the map.

    A map drawn while its frame is hidden or narrow (Streamlit draws every tab; a frame gets
    its width a moment after it is made) is fitted to that size; when the frame grows, Leaflet
    keeps the top-left corner, so the view the page asked for ends up in a corner, far zoomed
    out (the walk found the suitability map centred over the Pacific at zoom 3.5). Each
    ``resize`` by more than a fifth of the size the view was fitted to fits it again, until a
    person touches the map (a press, a wheel turn, a key).
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.script_js() }}{% endmacro %}")

    def __init__(self, bounds: list[list[float]], max_zoom: int | None = None):
        super().__init__()
        self._name = "RefitWhenShown"
        self.bounds, self.max_zoom = bounds, max_zoom

    def script_js(self) -> str:
        assert self._parent is not None  # rendered after add_to(map)
        opts = {"maxZoom": self.max_zoom} if self.max_zoom is not None else {}
        return (
            f"(function() {{ var map = {self._parent.get_name()}, B = {safe_json(self.bounds)},"
            f" O = {safe_json(opts)}, moved = false, at = map.getSize();\n"
            "  // only a person's hand counts as moving the map (scripts set views too)\n"
            "  ['mousedown', 'wheel', 'touchstart', 'keydown'].forEach(function(n) {\n"
            "    map.getContainer().addEventListener(n, function() { moved = true; },"
            " {passive: true}); });\n"
            "  map.on('resize', function() { var s = map.getSize();\n"
            "    if (moved || s.x < 2 || s.y < 2) return;\n"
            "    if (Math.abs(s.x - at.x) <= 0.2 * Math.max(at.x, 1)\n"
            "        && Math.abs(s.y - at.y) <= 0.2 * Math.max(at.y, 1)) return;\n"
            "    at = s; map.fitBounds(B, O); }); })();\n"
        )
