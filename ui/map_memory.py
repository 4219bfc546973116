"""Layer visibility that survives a rebuilt map (basemap, language, zoom detail, reload).

The layer control's check boxes live in the browser: each time Streamlit sends a
new map (another basemap, the other language, finer geometry) they would start
again from the defaults. :func:`layer_memory` adds a small script to the map
that records each overlay switched on or off in the tab's ``sessionStorage``
(by layer id, so the other language's names match) and applies the record when
a map is drawn.
"""
from __future__ import annotations

import json

from branca.element import MacroElement
from jinja2 import Template

__all__ = ["layer_memory"]


class _LayerMemory(MacroElement):
    _template = Template(r"""
{% macro script(this, kwargs) %}
(function () {
  var titles = {{ this.titles }};   // layer id -> overlay name (prefix) in this language
  var store = "qpa-overlays:{{ this.page }}";
  function read() { try { return JSON.parse(sessionStorage.getItem(store) || "{}"); } catch (e) { return {}; } }
  function write(state) { try { sessionStorage.setItem(store, JSON.stringify(state)); } catch (e) {} }
  function idOf(name) {
    for (var id in titles) { if (name === titles[id] || name.indexOf(titles[id] + " (") === 0) return id; }
    return null;
  }
  function apply() {
    var map = window.map, state = read();
    if (!map) { setTimeout(apply, 50); return; }
    Object.keys(window).forEach(function (k) {
      if (!/^layer_control_\w+_layers$/.test(k) || !window[k].overlays) return;
      var overlays = window[k].overlays;
      Object.keys(overlays).forEach(function (name) {
        var id = idOf(name), layer = overlays[name];
        if (id === null || !(id in state)) return;
        if (state[id] && !map.hasLayer(layer)) map.addLayer(layer);
        if (!state[id] && map.hasLayer(layer)) map.removeLayer(layer);
      });
    });
    map.on("overlayadd overlayremove", function (e) {
      var id = idOf(e.name);
      if (id === null) return;
      var s = read(); s[id] = e.type === "overlayadd"; write(s);
    });
  }
  setTimeout(apply, 0);  // after the layer control below is made
})();
{% endmacro %}
""")

    def __init__(self, page: str, titles: dict[str, str]):
        super().__init__()
        self._name = "LayerMemory"
        self.page = page
        self.titles = json.dumps(titles, ensure_ascii=False)


def layer_memory(page: str, titles: dict[str, str]) -> MacroElement:
    """A map element remembering which overlays are shown, per ``page``.

    ``titles`` maps each layer id to its overlay name in the current language
    (an indicative layer's name may carry a suffix in parentheses).
    """
    return _LayerMemory(page, titles)
