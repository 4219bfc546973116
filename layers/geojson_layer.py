"""A folium element that draws a prepared GeoJSON layer without re-templating it.

``folium.GeoJson`` is general, and on a map of several hundred kilobytes of
GeoJSON it costs a Streamlit rerun ~0.3 s: branca's ``MacroElement.render``
wraps each rendered macro in a new ``Element(text)``, which compiles the whole
text, data included, as a Jinja template; ``streamlit_folium.st_folium`` renders
the map twice; folium walks every coordinate for the map bounds and builds its
style map per feature on each render.

:class:`GeoJsonLayer` takes what :func:`layers.render.layer_geojson` already
made once (and the page caches): the HTML-safe JSON text, the per-feature
styles and the bounds. Its script is plain string work, added to the figure as
a :class:`RawScript` that is never compiled. It keeps folium's contract: the
JavaScript variable is ``this.get_name()``, added to ``this._parent`` (a
FeatureGroup or the map), so the layer control and ``streamlit_folium``'s
variable renaming work as with ``folium.GeoJson``.
"""
from __future__ import annotations

from typing import Any, cast

from branca.element import Element, Figure, MacroElement, Template
from jinja2.utils import htmlsafe_json_dumps

__all__ = ["GeoJsonLayer", "RawScript", "safe_json"]


def safe_json(obj) -> str:
    """Compact JSON that is safe inside ``<script>`` (``<``, ``>``, ``&``, ``'`` escaped).

    >>> safe_json({"a": "</script><b>"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    return str(htmlsafe_json_dumps(obj, separators=(",", ":"), ensure_ascii=False))


class RawScript(Element):
    """Text put into the page as it is (no Jinja pass)."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "RawScript"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class GeoJsonLayer(MacroElement):
    """A GeoJSON layer with per-feature styles, popups and tooltips.

    Parameters
    ----------
    data_json : HTML-safe JSON text of a FeatureCollection whose features have an
        ``id`` and the properties ``_popup`` (HTML) and ``_tip`` (escaped text)
    styles : feature id -> Leaflet path options (shared dicts are sent once)
    bounds : ((south, west), (north, east)) of the data, for ``fit_bounds`` helpers
    point_radius : draw points as circle markers of this radius (pixels)
    on_each_feature : JavaScript ``function(feature, layer)``; default binds the
        popup and the tooltip
    pin_class : also draw a circle pin (radius 7, white ring, the feature's fill
        colour, this CSS class) at each feature's ``_pin`` property ``[lon, lat]``,
        with the same popup and tooltip, in the same group: small polygons stay
        visible and clickable at province zoom without sending their popups twice
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.script_js() }}{% endmacro %}")

    ON_EACH = ("function(feature, layer) { var p = feature.properties;"
               " layer.bindPopup(p._popup, {maxWidth: 380, maxHeight: 380, autoPanPadding: [20, 20]});"
               " layer.bindTooltip(p._tip, {sticky: true}); }")

    def __init__(self, data_json: str, styles: dict[str, dict], bounds, *,
                 point_radius: float | None = None, on_each_feature: str | None = None,
                 name: str | None = None, pin_class: str | None = None,
                 interactive: bool = True):
        super().__init__()
        self._name = "GeoJson"  # the JS variable is geo_json_<id>, as folium's
        self.layer_name = name
        self.data_json = data_json
        unique: dict[str, int] = {}
        index = {}
        self.interactive = interactive
        if not interactive:
            styles = {fid: dict(style, interactive=False) for fid, style in styles.items()}
            on_each_feature = "function(feature, layer) {}"
        for fid, style in styles.items():
            key = safe_json(style)
            index[fid] = unique.setdefault(key, len(unique))
        self._styles_json = "[" + ",".join(unique) + "]"
        self._index_json = safe_json(index)
        (s, w), (n, e) = bounds
        self._bounds = [[s, w], [n, e]]
        self.point_radius = point_radius
        self.on_each_feature = on_each_feature or self.ON_EACH
        self.pin_class = pin_class

    def _get_self_bounds(self):
        return self._bounds

    def script_js(self) -> str:
        """The JavaScript that creates the layer and adds it to its parent."""
        var = self.get_name()
        point = ""
        if self.point_radius is not None:
            point = (f", pointToLayer: function(f, ll) {{ return L.circleMarker(ll, "
                     f"Object.assign({{radius: {float(self.point_radius)}}}, S[I[f.id]])); }}")
        assert self._parent is not None  # rendered after add_to(map)
        parent = self._parent.get_name()
        pins = ""
        if self.pin_class:
            pins = (
                "  layer.eachLayer(function(l) { var f = l.feature, p = f.properties;\n"
                "    if (!p._pin) return;\n"
                "    var s = S[I[f.id]] || {};\n"
                "    var pin = L.circleMarker([p._pin[1], p._pin[0]], {radius: 7, color: '#ffffff',"
                " weight: 2, fill: true, fillOpacity: 1.0, fillColor: s.fillColor || s.color,"
                f" interactive: {'true' if self.interactive else 'false'},"
                f" className: {safe_json(self.pin_class)}}});\n"
                f"    pin.feature = f; ({self.on_each_feature})(f, pin); pin.addTo({parent}); }});\n"
            )
        return (
            f"var {var} = (function() {{ var S = {self._styles_json}; var I = {self._index_json};\n"
            f"  var layer = L.geoJson(null, {{style: function(f) {{ return S[I[f.id]]; }}, "
            f"onEachFeature: {self.on_each_feature}{point}}});\n"
            f"  layer.addData({self.data_json});\n"
            f"  layer.addTo({parent});\n"
            f"{pins}"
            f"  return layer; }})();\n"
        )

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca types Element.render as returning str; MacroElement's returns None
        """Add the script to the figure as raw text (MacroElement would compile it)."""
        root = cast(Figure, self.get_root())  # a map's root is its Figure
        root.script.add_child(RawScript(self.script_js()), name=self.get_name())
