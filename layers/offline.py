"""Make folium maps render with no internet.

folium (and each folium plugin) lists the JS/CSS it needs in ``default_js`` /
``default_css`` as ``(name, url)`` pairs that point at public CDNs. This module
points them at the copies vendored under ``static/vendor/`` by
``scripts/vendor_assets.sh``, which Streamlit serves at ``/app/static/vendor/``
when ``server.enableStaticServing = true`` (see ``.streamlit/config.toml``).

How streamlit-folium 0.27.4 loads assets: ``st_folium`` renders the map, then
walks the element tree and collects ``default_js`` / ``default_css`` of every
``JSCSSMixin`` (the Map and each plugin); the component iframe loads those URLs
(scripts one after another; a script that fails to load aborts the map). The
``<script src>`` / ``<link>`` tags of the rendered header are stripped, so the
``default_*`` lists are the only thing that decides what the browser fetches.
It also hard-codes two d3 CDN URLs whenever it meets a ``branca`` ``ColorMap``;
:func:`make_offline` therefore wraps colour maps in :class:`OfflineColorMap`.

Use::

    from layers.offline import new_map, make_offline, st_folium_offline
    m = new_map(location=[36.6, 96.0], zoom_start=6)   # tiles=None: no basemap
    ...add layers and plugins...
    st_folium_offline(m, height=600)                   # == make_offline(m) + st_folium

Anything that would still come from the internet raises :class:`OfflineAssetError`
naming the asset, rather than silently loading from a CDN.
"""

from __future__ import annotations

from urllib.parse import quote

import re
from pathlib import Path
from typing import Any
from collections.abc import Iterable, Iterator

import folium
import folium.plugins
from branca.colormap import ColorMap
from branca.element import Element, MacroElement, Template
from branca.utilities import legend_scaler
from folium.elements import JSCSSMixin

__all__ = [
    "STATIC_URL",
    "STATIC_DIR",
    "CDN_TO_LOCAL",
    "BASEMAPS",
    "OfflineAssetError",
    "OfflineColorMap",
    "offline_js",
    "offline_css",
    "local_url",
    "make_offline",
    "offline_plugin",
    "new_map",
    "add_basemap",
    "st_folium_offline",
    "find_external_urls",
    "assert_no_cdn",
]

#: URL prefix under which Streamlit serves ``static/vendor`` (enableStaticServing).
STATIC_URL = "/app/static/vendor"
#: Where the vendored files live on disk.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor"

_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
_JSD = "https://cdn.jsdelivr.net"

#: Exact CDN URL (as written in folium 0.20.0 / branca 0.8.2) -> path under static/vendor.
#: Keyed by the full URL, so a folium upgrade that changes a version fails loudly
#: (OfflineAssetError) instead of silently serving a mismatched copy.
CDN_TO_LOCAL: dict[str, str] = {
    # folium.Map defaults
    f"{_JSD}/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/leaflet.js",
    f"{_JSD}/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/jquery.min.js",
    f"{_CDNJS}/jquery/3.7.1/jquery.min.js": "jquery/jquery.min.js",
    f"{_JSD}/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": "bootstrap/js/bootstrap.bundle.min.js",
    f"{_JSD}/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": "bootstrap/css/bootstrap.min.css",
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": "glyphicons/css/bootstrap-glyphicons.css",
    f"{_JSD}/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": "fontawesome/css/all.min.css",
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": "awesome-markers/leaflet.awesome-markers.js",
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": "awesome-markers/leaflet.awesome-markers.css",
    f"{_JSD}/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": "folium/leaflet.awesome.rotate.min.css",
    # folium.plugins.Draw
    f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.js": "leaflet-draw/leaflet.draw.js",
    f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.css": "leaflet-draw/leaflet.draw.css",
    # folium.plugins.MeasureControl
    f"{_JSD}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": "leaflet-measure/leaflet-measure.min.js",
    f"{_JSD}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": "leaflet-measure/leaflet-measure.css",
    # folium.plugins.Fullscreen
    f"{_JSD}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": "leaflet.fullscreen/Control.FullScreen.js",
    f"{_JSD}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
    # folium.plugins.MarkerCluster
    f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js": "leaflet.markercluster/leaflet.markercluster.js",
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css": "leaflet.markercluster/MarkerCluster.css",
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": "leaflet.markercluster/MarkerCluster.Default.css",
    # folium.plugins.MiniMap
    f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.js": "leaflet-minimap/Control.MiniMap.min.js",
    f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.css": "leaflet-minimap/Control.MiniMap.min.css",
    # folium.plugins.Search
    f"{_JSD}/npm/leaflet-search@2.9.7/dist/leaflet-search.min.js": "leaflet-search/dist/leaflet-search.min.js",
    f"{_JSD}/npm/leaflet-search@2.9.7/dist/leaflet-search.min.css": "leaflet-search/dist/leaflet-search.min.css",
    # branca ColorMap (legends, folium.Choropleth)
    f"{_CDNJS}/d3/3.5.5/d3.min.js": "d3/d3.min.js",
}

# folium.Map's asset names, in folium's order (folium/folium.py _default_js/_default_css),
# plus one extra script (leaflet_icon_path).
_MAP_JS = [
    ("leaflet", "leaflet/leaflet.js"),
    # not in folium: sets L.Icon.Default.imagePath to the vendored images, because
    # streamlit-folium loads scripts before stylesheets and Leaflet's path detection
    # from leaflet.css then fails (404 on ".../leafletmarker-icon.png")
    ("leaflet_icon_path", "folium/leaflet-offline-init.js"),
    ("jquery", "jquery/jquery.min.js"),
    ("bootstrap", "bootstrap/js/bootstrap.bundle.min.js"),
    ("awesome_markers", "awesome-markers/leaflet.awesome-markers.js"),
]
_MAP_CSS = [
    ("leaflet_css", "leaflet/leaflet.css"),
    ("bootstrap_css", "bootstrap/css/bootstrap.min.css"),
    ("glyphicons_css", "glyphicons/css/bootstrap-glyphicons.css"),
    ("awesome_markers_font_css", "fontawesome/css/all.min.css"),
    ("awesome_markers_css", "awesome-markers/leaflet.awesome-markers.css"),
    ("awesome_rotate_css", "folium/leaflet.awesome.rotate.min.css"),
]

# Elements that write CDN <script> tags straight into the page header while
# rendering (not through default_js), so they cannot be made offline here.
_UNSUPPORTED: dict[str, str] = {
    "VegaLite": "vega / vega-lite / vega-embed",
}

# Hosts that must never appear in an offline page's asset URLs.
CDN_HOSTS = (
    "cdn.jsdelivr.net",
    "cdnjs.cloudflare.com",
    "code.jquery.com",
    "netdna.bootstrapcdn.com",
    "maxcdn.bootstrapcdn.com",
    "stackpath.bootstrapcdn.com",
    "unpkg.com",
    "d3js.org",
    "raw.githubusercontent.com",
    "teastman.github.io",
    "fonts.googleapis.com",
    "fonts.gstatic.com",
)

BASEMAPS = ("none", "osm", "tianditu", "tianditu_img")
_TIANDITU_LAYERS = {"tianditu": (("vec", "天地图 Tianditu"), ("cva", "天地图注记 labels")),
                    "tianditu_img": (("img", "天地图影像 Tianditu imagery"), ("cia", "天地图注记 labels"))}


class OfflineAssetError(RuntimeError):
    """A map element needs a JS/CSS asset that has no vendored local copy."""


def local_url(rel: str) -> str:
    """URL at which Streamlit serves ``static/vendor/<rel>``."""
    return f"{STATIC_URL}/{rel.lstrip('/')}"


#: what a map needs when it draws no icon markers: Leaflet itself
_LEAN_JS = ("leaflet",)  # the icon path is set inline (_IconPath): one request fewer
_LEAN_CSS = ("leaflet_css",)


def offline_js(lean: bool = False) -> list[tuple[str, str]]:
    """folium.Map.default_js with the same names, pointing at the vendored files,
    plus ``leaflet_icon_path`` (right after leaflet) fixing the default icon path.
    ``lean``: Leaflet only (no jQuery, Bootstrap, awesome-markers); :func:`make_offline`
    then sets the icon path in the map's own script."""
    return [(name, local_url(rel)) for name, rel in _MAP_JS if not lean or name in _LEAN_JS]


def offline_css(lean: bool = False) -> list[tuple[str, str]]:
    """folium.Map.default_css with the same names, pointing at the vendored files.
    ``lean``: Leaflet's style sheet only (no Bootstrap, Font Awesome, glyphicons)."""
    return [(name, local_url(rel)) for name, rel in _MAP_CSS if not lean or name in _LEAN_CSS]


def _is_local(url: str) -> bool:
    u = url.strip()
    if u.startswith("//") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", u):
        # protocol-relative or absolute (http:, https:, data:, ...): only data: is local
        return u.lower().startswith("data:")
    return True  # a path on our own server


def _localise(owner: Any, kind: str, assets: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for name, url in assets:
        if _is_local(url):
            out.append((name, url))
            continue
        rel = CDN_TO_LOCAL.get(url)
        if rel is None:
            raise OfflineAssetError(
                f"{type(owner).__name__} needs {kind} asset {name!r} from {url} and there is "
                f"no local copy. Vendor it (scripts/vendor_assets.sh) and map it in "
                f"layers/offline.py CDN_TO_LOCAL, or don't use this element offline."
            )
        out.append((name, local_url(rel)))
    return out


def _localise_element(el: Any) -> None:
    """Set instance-level default_js/default_css pointing at local files.

    Never mutates the class attribute lists (folium shares them between instances).
    """
    for attr, kind in (("default_js", "JS"), ("default_css", "CSS")):
        assets = getattr(el, attr, None)
        if assets:
            setattr(el, attr, _localise(el, kind, assets))


class OfflineColorMap(JSCSSMixin):
    """Stand-in for a branca ``ColorMap`` legend that loads d3 from static/vendor.

    branca's ColorMap adds a CDN d3 ``<script>`` when rendered, and streamlit-folium
    adds two more for any element that *is a* ColorMap. This class is not one: it
    renders the colour map's own template with its attributes (delegated), so the
    legend looks the same, and declares only the local d3 v3 in ``default_js``.
    """

    default_js = [("d3", local_url("d3/d3.min.js"))]

    def __init__(self, colormap: ColorMap):
        super().__init__()
        self._name = "ColorMap"
        self.colormap = colormap
        self._template = colormap._template

    def __getattr__(self, name: str) -> Any:
        # only reached when normal lookup fails: delegate colour-map attributes
        cm = self.__dict__.get("colormap")
        if cm is None or name.startswith("__"):
            raise AttributeError(name)
        return getattr(cm, name)

    def _prepare(self) -> None:
        # what branca.colormap.ColorMap.render computes before rendering its template
        cm = self.colormap
        cm.color_domain = [float(cm.vmin + (cm.vmax - cm.vmin) * k / 499.0) for k in range(500)]
        cm.color_range = [cm(x) for x in cm.color_domain]
        cm.index = [float(i) for i in cm.index]
        if cm.tick_labels is None:
            cm.tick_labels = legend_scaler(cm.index, cm.max_labels)
        # the legend control is added to {{this._parent}}: it must be the Map
        parent = self._parent
        while parent is not None and not isinstance(parent, folium.Map):
            parent = getattr(parent, "_parent", None)
        if parent is not None:
            self._parent = parent

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca types Element.render as returning str; MacroElement's returns None
        self._prepare()
        super().render(**kwargs)


def _walk(el: Element) -> Iterator[tuple[Element, str, Element]]:
    """Yield (parent, key, element) for every descendant of ``el``."""
    for key, child in list(getattr(el, "_children", {}).items()):
        yield el, key, child
        yield from _walk(child)


class _IconPath(MacroElement):
    """Leaflet's default marker images from the vendored copy, found from the
    ``leaflet.js`` script element (works under any server base path); what
    ``folium/leaflet-offline-init.js`` does, without a request of its own."""

    _template = Template("""{% macro script(this, kwargs) %}
    (function () {
      var s = document.querySelector('script[src*="vendor/leaflet/leaflet.js"]');
      if (s && L.Icon && L.Icon.Default) {
        L.Icon.Default.imagePath = s.src.replace(/leaflet\\.js.*$/, "images/");
      }
    })();
    {% endmacro %}""")

    def __init__(self):
        super().__init__()
        self._name = "IconPath"


def make_offline(m: folium.Map, lean: bool = False) -> folium.Map:
    """Point the map and every element in it at the vendored assets; returns ``m``.

    Call it after all layers/plugins are added (or use :func:`st_folium_offline`,
    which calls it just before rendering). Idempotent. Raises OfflineAssetError
    if some element needs a CDN asset with no local copy. ``lean`` loads Leaflet
    alone for the map (plugins keep their own assets): for maps without icon
    markers, it saves the browser jQuery, Bootstrap and the icon fonts.
    """
    if isinstance(m, folium.plugins.DualMap):
        make_offline(m.m1, lean)
        make_offline(m.m2, lean)
        _localise_element(m)
        return m
    m.default_js = offline_js(lean)
    m.default_css = offline_css(lean)
    if lean and not any(isinstance(c, _IconPath) for c in m._children.values()):
        icon = _IconPath()
        m.add_child(icon)
        m._children.move_to_end(icon.get_name(), last=False)  # before any marker is made
    for parent, key, el in list(_walk(m)):
        cls = type(el).__name__
        if cls in _UNSUPPORTED:
            raise OfflineAssetError(
                f"{cls} loads {_UNSUPPORTED[cls]} from a CDN while rendering; "
                f"it cannot be used on an offline map"
            )
        if isinstance(el, ColorMap):
            wrapper = OfflineColorMap(el)
            wrapper._parent = m
            parent._children[key] = wrapper
            if getattr(parent, "color_scale", None) is el:  # folium.Choropleth
                parent.color_scale = wrapper  # type: ignore[attr-defined]  # folium.Choropleth's
            continue
        _localise_element(el)
    return m


def offline_plugin(plugin_cls: type) -> type:
    """Subclass of a folium plugin class whose default assets are the local copies.

    ``Draw = offline_plugin(folium.plugins.Draw); Draw().add_to(m)`` -- for code
    that adds plugins after :func:`make_offline` has run.
    """

    class _Offline(plugin_cls):  # type: ignore[misc]
        default_js = _localise(plugin_cls, "JS", getattr(plugin_cls, "default_js", []))
        default_css = _localise(plugin_cls, "CSS", getattr(plugin_cls, "default_css", []))

    _Offline.__name__ = _Offline.__qualname__ = f"Offline{plugin_cls.__name__}"
    return _Offline


def add_basemap(m: folium.Map, basemap: str = "none", tianditu_key: str | None = None) -> folium.Map:
    """Add an online basemap. ``"none"`` (the offline default) adds nothing.

    ``"osm"``: OpenStreetMap tiles. ``"tianditu"``: 天地图 vector map + labels,
    needs the user's own key (``tk``). Both fetch tiles from the internet.
    """
    if basemap == "none":
        return m
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", overlay=False, control=True).add_to(m)
        return m
    if basemap in _TIANDITU_LAYERS:
        if not tianditu_key:
            raise ValueError("Tianditu basemap needs a key (tk)")
        key = quote(tianditu_key.strip(), safe="")
        attr = '&copy; <a href="https://www.tianditu.gov.cn/">天地图 Tianditu</a>'
        for i, (layer, name) in enumerate(_TIANDITU_LAYERS[basemap]):
            url = (
                f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                f"&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
            )
            folium.TileLayer(
                tiles=url, attr=attr, name=name, overlay=i > 0, control=True,
                subdomains="01234567", max_zoom=18,
            ).add_to(m)
        return m
    raise ValueError(f"unknown basemap {basemap!r}; expected one of {BASEMAPS}")


def new_map(*, basemap: str = "none", tianditu_key: str | None = None, **kwargs: Any) -> folium.Map:
    """A folium.Map with no basemap by default (``tiles=None``) and local assets."""
    kwargs.setdefault("tiles", None)
    m = folium.Map(**kwargs)
    add_basemap(m, basemap, tianditu_key)
    return make_offline(m)


def st_folium_offline(m: folium.Map, **kwargs: Any) -> Any:
    """``make_offline(m)`` then ``streamlit_folium.st_folium(m, **kwargs)``."""
    from streamlit_folium import st_folium  # imported lazily: keeps this module Streamlit-free

    return st_folium(make_offline(m), **kwargs)


_ASSET_ATTR = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""", re.IGNORECASE)


def find_external_urls(html: str) -> list[str]:
    """Asset URLs in ``html`` that would be fetched from the internet.

    Looks at script/link/img/iframe src/href, CSS @import, and any mention of a
    known CDN host. Tile URL templates (``{z}/{x}/{y}``) of an explicitly chosen
    online basemap are not assets and are not reported.
    """
    found: list[str] = []
    for url in _ASSET_ATTR.findall(html) + _CSS_URL.findall(html):
        if not _is_local(url):
            found.append(url)
    for host in CDN_HOSTS:
        for mt in re.finditer(r"""(?:https?:)?//""" + re.escape(host) + r"""[^\s"'<>)]*""", html):
            found.append(mt.group(0))
    return list(dict.fromkeys(found))


def assert_no_cdn(html: str) -> None:
    """Raise AssertionError listing every external asset URL in ``html``."""
    bad = find_external_urls(html)
    if bad:
        raise AssertionError("page would load assets from the internet:\n  " + "\n  ".join(bad))
