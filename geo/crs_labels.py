"""The coordinate system of an input, said in the user's language.

The readers record an input's system as a short, language-free label
(:attr:`geo.site_input.Site.crs_in`, :attr:`geo.layer_import.ReadReport.crs_in`:
'WGS84', 'CGCS2000', 'GCJ-02', 'BD-09', 'GK zone 34 (prefixed)', 'GK zone 34
(no prefix)', 'WGS84 (assumed)', 'EPSG:n', a CRS name, 'unknown'); this module
turns it into text through :func:`geo.i18n.t`. Coordinates the app shows are
always in its working system, CGCS2000/WGS84 longitude and latitude (EPSG:4326;
the two differ by centimetres), whatever the input was.
"""
from __future__ import annotations

import re

from .i18n import t

__all__ = ["crs_text", "is_working_system", "centre_system_text"]

_GK = re.compile(r"GK zone (\d+) \((prefixed|no prefix)\)")
_PLAIN = {"WGS84": "crs.wgs84", "CGCS2000": "crs.cgcs2000", "GCJ-02": "crs.gcj02",
          "BD-09": "crs.bd09", "WGS84 (assumed)": "crs.wgs84_assumed", "unknown": "crs.unknown"}
#: Labels whose numbers are already in the working system (nothing was converted).
_WORKING = frozenset({"WGS84", "CGCS2000", "WGS84 (assumed)", "unknown", ""})


def crs_text(label: str | None, lang: str) -> str:
    """``label`` in ``lang``.

    >>> crs_text("GK zone 34 (prefixed)", "en")
    'Gauss-Krüger 3° zone 34 (zone prefix)'
    >>> crs_text("GK zone 34 (no prefix)", "zh")
    '高斯-克吕格 3°带 第 34 带（不带带号）'
    >>> crs_text("EPSG:4547", "zh")
    'EPSG:4547'
    """
    label = (label or "unknown").strip()
    m = _GK.fullmatch(label)
    if m:
        key = "crs.gk_prefixed" if m.group(2) == "prefixed" else "crs.gk_noprefix"
        return t(key, lang, zone=int(m.group(1)))
    if label in _PLAIN:
        return t(_PLAIN[label], lang)
    return label  # an EPSG code or a CRS's own name


def is_working_system(label: str | None) -> bool:
    """Whether coordinates given in ``label`` are shown unconverted."""
    return (label or "").strip() in _WORKING


def centre_system_text(label: str | None, lang: str) -> str:
    """The system of a site's centre as shown (the working one), and the input's when it was
    converted: 'CGCS2000/WGS84 经纬度，由 GCJ-02 经纬度 转换'.

    >>> centre_system_text("GCJ-02", "en")
    'CGCS2000/WGS84 lon/lat, converted from GCJ-02 lon/lat'
    >>> centre_system_text("WGS84", "zh")
    'CGCS2000/WGS84 经纬度'
    """
    working = t("crs.working", lang)
    if is_working_system(label):
        return working
    return t("crs.converted", lang, working=working, source=crs_text(label, lang))
