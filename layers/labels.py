"""Place names on the map, offline: prefectures, prefecture and county seats, bases, towns.

Labels are Leaflet ``divIcon`` markers (text with a white halo), not tiles, so they show
with no basemap. Each label has a rank and a zoom from which it shows:

====  =====================================  ===========
rank  what                                   from zoom
====  =====================================  ===========
0     prefecture names (area label)          5 to 7
1     prefecture seats                       5
2     county seats                           7
3     industrial bases (short name)          8
4     other towns (GeoNames)                 10
====  =====================================  ===========

Seat positions are GeoNames points of the ``places`` layer (``data/build/places.py``).
Where GeoNames has no point for a county seat, the county's name is put inside the
county (``shapely.point_on_surface``) as an area label: no position is invented.
Labels are not interactive: a click on a name reaches the map (site check click mode).
Where two names would overlap, the less important one is hidden (seats before bases,
bases before county seats, before region and town names), again at every zoom.
"""
from __future__ import annotations

import re
from typing import Any, cast

import geopandas as gpd
import shapely
from branca.element import Figure, MacroElement, Template

from geo.i18n import t

from .geojson_layer import RawScript, safe_json

__all__ = ["MIN_ZOOM", "PREFECTURE_SEATS", "COUNTY_SEATS", "place_labels", "PlaceLabels"]

#: rank -> (first zoom shown, last zoom shown)
MIN_ZOOM = {0: (5, 7), 1: (5, 99), 2: (7, 99), 3: (8, 99), 4: (10, 99)}

#: prefecture adcode -> (GeoNames id of the seat or the county adcode whose interior is
#: used, seat name zh, en)
PREFECTURE_SEATS: dict[str, tuple[int | str, str, str]] = {
    "630100": (1788852, "西宁", "Xining"),
    "630200": ("630203", "平安", "Ping'an"),  # Haidong's seat; not in GeoNames cities500
    "632200": (6545397, "西海", "Xihai"),
    "632300": (1797091, "同仁", "Tongren"),
    "632500": (1798403, "共和", "Gonghe"),  # seat Qabqa
    "632600": (1813353, "玛沁", "Maqen"),  # seat Dawu
    "632700": (1281105, "玉树", "Yushu"),  # seat Gyêgu
    "632800": (1281378, "德令哈", "Delingha"),
}

#: county adcode -> (GeoNames id of the seat or None, short name zh, en). Xining's four
#: urban districts are the city itself; seats that are a prefecture's seat are left out.
COUNTY_SEATS: dict[str, tuple[int | None, str, str]] = {
    "630106": (1801734, "湟中", "Huangzhong"), "630121": (1798131, "大通", "Datong"),
    "630123": (1807128, "湟源", "Huangyuan"), "630202": (1799471, "乐都", "Ledu"),
    "630222": (None, "民和", "Minhe"), "630223": (1791576, "互助", "Huzhu"),
    "630224": (None, "化隆", "Hualong"), "630225": (7911338, "循化", "Xunhua"),
    "632221": (1808820, "门源", "Menyuan"), "632222": (1817862, "祁连", "Qilian"),
    "632223": (1796743, "海晏", "Haiyan"), "632224": (1796356, "刚察", "Gangca"),
    "632322": (1801511, "尖扎", "Jainca"), "632323": (None, "泽库", "Zekog"),
    "632324": (8452888, "河南", "Henan"), "632522": (1810804, "同德", "Tongde"),
    "632523": (1808204, "贵德", "Guide"), "632524": (1783724, "兴海", "Xinghai"),
    "632525": (7384184, "贵南", "Guinan"), "632622": (1796486, "班玛", "Baima"),
    "632623": (1280355, "甘德", "Gade"), "632624": (8450452, "达日", "Darlag"),
    "632625": (1814807, "久治", "Jigzhi"), "632626": (1280654, "玛多", "Madoi"),
    "632722": (None, "杂多", "Zadoi"), "632723": (None, "称多", "Chindu"),
    "632724": (None, "治多", "Zhidoi"), "632725": (None, "囊谦", "Nangqen"),
    "632726": (None, "曲麻莱", "Qumarleb"), "632801": (1281184, "格尔木", "Golmud"),
    "632803": (1281003, "茫崖", "Mangnai"), "632821": (1279693, "乌兰", "Ulan"),
    "632822": (1280295, "都兰", "Dulan"), "632823": (1279694, "天峻", "Tianjun"),
    "632825": (1281415, "大柴旦", "Da Qaidam"),
}

_PREF_SHORT = re.compile(r"(藏族|蒙古族|回族|土族|撒拉族)*自治州$")
_CITY_PREFECTURES = ("630100", "630200")  # Xining, Haidong
_EN_SUFFIX = re.compile(r"\s+(Tibetan Autonomous Prefecture|Mongol and Tibetan Autonomous Prefecture)$")
_BASE_SHORT = ("综合经济园区", "产业园区", "工业园区", " Comprehensive Economic Park",
               " Industrial Park")


def _short_base(name: str) -> str:
    for suffix in _BASE_SHORT:
        name = name.replace(suffix, "")
    return name


def _xy(geom) -> tuple[float, float]:
    return round(float(geom.x), 5), round(float(geom.y), 5)


def place_labels(source, lang: str) -> list[list]:
    """Every label as ``[lon, lat, text, rank, area]`` (``area``: 1 for a name put inside an
    area, drawn without a dot), from the ``source`` layers (places, admin, bases)."""
    places = source.read_layer("places") if source.has_layer("places") else gpd.GeoDataFrame()
    by_id = ({int(g): p for g, p in zip(places["geonameid"], places.geometry)}
             if len(places) else {})
    counties = source.read_layer("admin_county") if source.has_layer("admin_county") else None
    county_pt = ({str(a): shapely.point_on_surface(g) for a, g in
                  zip(counties["adcode"], counties.geometry)} if counties is not None else {})
    out: list[list] = []
    used: set[int] = set()
    if source.has_layer("admin_prefecture"):
        prefs = source.read_layer("admin_prefecture")
        for adcode, zh, en, geom in zip(prefs["adcode"], prefs["name_zh"], prefs["name_en"],
                                        prefs.geometry):
            if str(adcode) in _CITY_PREFECTURES:  # small: the seat's label names them
                continue
            name = _PREF_SHORT.sub("州", zh) if lang == "zh" else _EN_SUFFIX.sub("", en)
            out.append([*_xy(shapely.point_on_surface(geom)), name, 0, 1])
    for where, zh, en in PREFECTURE_SEATS.values():
        point = by_id.get(where) if isinstance(where, int) else county_pt.get(where)
        if point is not None:
            out.append([*_xy(point), zh if lang == "zh" else en, 1, int(not isinstance(where, int))])
            used.add(where if isinstance(where, int) else 0)
    for adcode, (gid, zh, en) in COUNTY_SEATS.items():
        point = by_id.get(gid) if gid is not None else county_pt.get(adcode)
        if point is not None:
            out.append([*_xy(point), zh if lang == "zh" else en, 2, int(gid is None)])
            if gid is not None:
                used.add(gid)
    if source.has_layer("bases"):
        bases = source.read_layer("bases")
        pts = shapely.point_on_surface(bases.geometry.values)
        for name, pt in zip(bases[f"name_{lang}"], pts):
            out.append([*_xy(pt), _short_base(str(name)), 3, 0])
    if len(places):
        for gid, zh, en, geom in zip(places["geonameid"], places["name_zh"], places["name_en"],
                                     places.geometry):
            if int(gid) not in used:
                out.append([*_xy(geom), str(zh if lang == "zh" else en), 4, 0])
    return out


class PlaceLabels(MacroElement):
    """The labels of :func:`place_labels` as one overlay (listed in the layer control as
    ``layer.places``), each rank shown only in its zoom range (:data:`MIN_ZOOM`)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.script_js() }}{% endmacro %}")

    def __init__(self, labels: list[list], lang: str):
        super().__init__()
        self._name = "PlaceLabels"
        self.labels_json = safe_json(labels)
        self.zooms_json = safe_json({str(k): v for k, v in MIN_ZOOM.items()})
        self.layer_name = t("layer.places", lang)

    def script_js(self) -> str:
        import folium

        var, parent = self.get_name(), self._parent
        root = parent
        while root is not None and not isinstance(root, folium.Map):
            root = getattr(root, "_parent", None)
        assert parent is not None  # rendered after add_to(map)
        host, map_var = parent.get_name(), (root or parent).get_name()
        return (
            f"var {var} = (function() {{ var P = {self.labels_json}, Z = {self.zooms_json};\n"
            "  var groups = {}; Object.keys(Z).forEach(function(r) { groups[r] = L.layerGroup(); });\n"
            "  P.forEach(function(p) {\n"
            "    var cls = 'qpa-label qpa-label-r' + p[3] + (p[4] ? ' qpa-label-area' : '');\n"
            "    var span = document.createElement('span'); span.textContent = p[2];\n"
            "    L.marker([p[1], p[0]], {icon: L.divIcon({className: cls, html: span.outerHTML,"
            " iconSize: null}), interactive: false, keyboard: false}).addTo(groups[p[3]]); });\n"
            f"  var host = {host}, map = {map_var};\n"
            "  function sync() { var z = map.getZoom();\n"
            "    Object.keys(Z).forEach(function(r) { var on = z >= Z[r][0] && z <= Z[r][1];\n"
            "      if (on && !host.hasLayer(groups[r])) host.addLayer(groups[r]);\n"
            "      if (!on && host.hasLayer(groups[r])) host.removeLayer(groups[r]); }); }\n"
            "  var ORDER = ['1', '3', '2', '0', '4'];  // seats, bases, counties, regions, towns\n"
            "  // all writes, then all reads (one layout, not one per name), then the hiding\n"
            "  function declutter() { var els = [], kept = [];\n"
            "    ORDER.forEach(function(r) { if (!groups[r] || !host.hasLayer(groups[r])) return;\n"
            "      groups[r].eachLayer(function(m) { var el = m.getElement();\n"
            "        if (el && el.firstChild) { el.style.visibility = ''; els.push(el); } }); });\n"
            "    var rects = els.map(function(el) { return el.firstChild.getBoundingClientRect(); });\n"
            "    els.forEach(function(el, i) { var b = rects[i];\n"
            "      var hit = kept.some(function(k) { return b.left < k.right + 2 && k.left < b.right + 2"
            " && b.top < k.bottom + 1 && k.top < b.bottom + 1; });\n"
            "      if (hit) el.style.visibility = 'hidden'; else kept.push(b); }); }\n"
            "  function update() { sync(); declutter(); }\n"
            "  var due = false;  // one declutter per frame, however many events ask\n"
            "  function later() { if (due) return; due = true;\n"
            "    requestAnimationFrame(function() { due = false; declutter(); }); }\n"
            "  // every change of what is drawn or where: a zoom (and the layout after it settles), a\n"
            "  // move, a resize, the labels' layer switched on by any means, the page and its fonts\n"
            "  map.on('zoomend', function() { update(); setTimeout(later, 300); });\n"
            "  map.on('moveend resize viewreset', later);\n"
            "  map.on('layeradd', function(e) { if (e.layer === host) later(); });\n"
            "  map.whenReady(function() { update(); later(); });\n"
            "  window.addEventListener('load', later); if (document.fonts) document.fonts.ready.then(later);\n"
            "  return groups; })();\n"
        )

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca types Element.render as returning str; MacroElement's returns None
        root = cast(Figure, self.get_root())  # a map's root is its Figure
        root.script.add_child(RawScript(self.script_js()), name=self.get_name())


#: the labels' look; added once per map (white halo so names read on any layer)
LABEL_CSS = """
.qpa-label { background: none; border: none; white-space: nowrap; pointer-events: none; }
.qpa-label span { display: inline-block; font: 12px/1.2 "Noto Sans CJK SC", "WenQuanYi Micro Hei",
  "Microsoft YaHei", sans-serif; color: #1a1a1a; transform: translate(6px, -50%);
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff, 0 0 3px #fff; }
.qpa-label span::before { content: ""; position: absolute; left: -6px; top: 50%; width: 5px;
  height: 5px; margin-top: -3px; border-radius: 50%; background: #1a1a1a; border: 1px solid #fff; }
.qpa-label-area span { transform: translate(-50%, -50%); }
.qpa-label-area span::before { display: none; }
.qpa-label-r0 span { font-size: 15px; letter-spacing: 2px; color: #555; font-weight: 600; opacity: .85; }
.qpa-label-r1 span { font-size: 14px; font-weight: 700; }
.qpa-label-r1 span::before { width: 7px; height: 7px; margin-top: -4px; left: -7px; }
.qpa-label-r3 span { color: #7f1d1d; font-style: italic; transform: translate(10px, -50%); }
.qpa-label-r3 span::before { display: none; }
.qpa-label-r4 span { font-size: 11px; color: #333; }
"""
