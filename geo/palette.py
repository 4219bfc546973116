"""One colour per meaning, for the map, the charts and the report.

Colours are keyed by ids and codes (a tier code, a status, a quota measure),
never by a translated label, so a chart or a legend keeps its colours when the
language changes. No Streamlit or folium here: ``geo.report`` may use it too.

>>> series_colors(["used_ha", "remaining_ha"])
['#8c6bb1', '#4575b4']
"""
from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "TIER", "REDLINE", "MINERAL", "QUOTA_RAMP", "QUOTA_SERIES", "STATUS", "STATUS_TEXT",
    "STATUS_BACKGROUND", "SITE", "SITE_HALO", "OVERLAP", "BUILDABLE", "ADMIN", "WATER",
    "SALT_LAKE", "PLACE", "CONTROL", "ELEVATION_STOPS", "NO_DATA", "series_colors",
]

#: industrial bases by tier code (seed 004): 千亿 dark red, 五百亿 orange
TIER = {"千亿": "#b2182b", "五百亿": "#ef8a62"}
#: ecological red line by control level
REDLINE = {"核心保护区": "#1a9850", "一般控制区": "#91cf60", "outline": "#1b7837"}
#: mineral deposits: strategic (True) or other (False)
MINERAL = {True: "#762a83", False: "#8c8c8c"}
#: remaining share of a quota, low (red) to high (blue)
QUOTA_RAMP = ("#d73027", "#fc8d59", "#fee090", "#91bfdb", "#4575b4")
#: quota chart series by measure id (bars and the quota map's stops agree)
QUOTA_SERIES = {"allocated_ha": "#737373", "used_ha": "#8c6bb1", "reserved_ha": "#fdae61",
                "remaining_ha": "#4575b4"}
#: check status on maps and charts
STATUS = {"PASS": "#1a9850", "WARN": "#fdae61", "FAIL": "#d73027", "UNKNOWN": "#878787"}
#: check status as text and banner in the report (darker, readable on white)
STATUS_TEXT = {"PASS": "#1b7f3b", "WARN": "#a35f00", "FAIL": "#c62828", "UNKNOWN": "#5f6368"}
STATUS_BACKGROUND = {"PASS": "#e6f4ea", "WARN": "#fff4e0", "FAIL": "#fdecea", "UNKNOWN": "#f1f3f4"}
#: the site under check: gold line on a dark halo, unlike every layer's colour
SITE = "#ffd21f"
SITE_HALO = "#1a1a1a"
#: the part of the site on a red line or a strategic deposit (a conflict): magenta
OVERLAP = "#e7298a"
#: the buildable part of the site: blue, dashed
BUILDABLE = "#2166ac"
#: administrative outlines
ADMIN = {"province": "#252525", "prefecture": "#525252", "county": "#969696"}
WATER = {"line": "#4292c6", "fill": "#9ecae1", "river": "#6baed6"}
SALT_LAKE = {"line": "#2c7fb8", "fill": "#c6dbef"}
#: imported control-line layers by kind (三区三线 and the other control lines); none is a red-line
#: green, a tier red, the site's gold, the overlap magenta or the buildable blue
CONTROL = {"farmland": "#b8860b", "urban_boundary": "#6a3d9a", "water_source": "#1f78b4",
           "heritage": "#8c510a", "geohazard": "#e31a1c", "wetland": "#01665e",
           "world_heritage": "#35978f", "mining_rights": "#762a83", "landuse": "#bdbdbd"}
#: place names: text colour and its white halo
PLACE = {"text": "#1a1a1a", "halo": "#ffffff", "seat": "#1a1a1a"}
#: hypsometric tint stops: (elevation m, (r, g, b)); the map and its legend use these
ELEVATION_STOPS = (
    (1500, (80, 140, 80)), (2500, (170, 190, 110)), (3200, (215, 200, 140)),
    (4000, (190, 150, 100)), (4800, (150, 120, 100)), (5600, (240, 240, 240)),
)
NO_DATA = "#bdbdbd"

_SERIES = {**QUOTA_SERIES, **STATUS}


def series_colors(ids: Iterable[str]) -> list[str]:
    """Colours of chart series given by id (a quota measure or a status), in that order.

    Pass it to ``st.bar_chart(..., color=series_colors(columns))`` with the columns
    still named by id (rename them for display afterwards), so the colours do not
    depend on the language. ``KeyError`` for an id without a colour.
    """
    return [_SERIES[i] for i in ids]
