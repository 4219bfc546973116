"""A site as a short URL parameter, so a link reopens the same site check.

The text is the polygon's rings, vertices ``lon,lat`` (6 decimals, about
0.1 m) joined by ``;``, rings of one polygon by ``!`` (outer ring first), polygons by
``|``. Reading is bounded: at most :data:`MAX_CHARS` characters and
:data:`MAX_VERTICES` vertices, numbers only; the geometry then goes through
the same checks as a drawn site (valid, polygonal, inside Qinghai).

>>> from geo.site_input import site_from_point
>>> site = site_from_point(101.735, 36.565, 50.0, "square")
>>> text = site_to_param(site)
>>> back = site_from_param(text)
>>> round(back.area_ha, 1), back.source_kind
(50.0, 'link')
"""
from __future__ import annotations

import re

import shapely
from shapely.geometry import LinearRing, MultiPolygon, Polygon

from .errors import InputError
from .site_input import Site, make_site

__all__ = ["MAX_VERTICES", "MAX_CHARS", "site_to_param", "site_from_param", "vertex_count"]

MAX_VERTICES = 400
MAX_CHARS = 12_000
_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{1,9})?$")


def vertex_count(site: Site) -> int:
    """Vertices of the site's rings (the closing vertex counted once)."""
    return int(shapely.get_num_coordinates(site.geometry)) - len(_rings(site.geometry))


def _polygons(geom: Polygon | MultiPolygon) -> list[Polygon]:
    return list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]


def _rings(geom: Polygon | MultiPolygon) -> list[LinearRing]:
    return [ring for poly in _polygons(geom) for ring in (poly.exterior, *poly.interiors)]


def site_to_param(site: Site) -> str | None:
    """The site as URL text; None when it has more than :data:`MAX_VERTICES` vertices."""
    if vertex_count(site) > MAX_VERTICES:
        return None
    return "|".join(
        "!".join(";".join(f"{x:.6f},{y:.6f}" for x, y in ring.coords[:-1])
                 for ring in (poly.exterior, *poly.interiors))
        for poly in _polygons(site.geometry))


def _bad(reason: str, key: str, **params: object) -> InputError:
    return InputError(f"the link's site is not usable: {reason}", key=key, **params)


def _ring(text: str) -> list[tuple[float, float]]:
    points = []
    for pair in text.split(";"):
        parts = pair.split(",")
        if len(parts) != 2 or not all(_NUMBER.match(p) for p in parts):
            raise _bad(f"{pair[:30]!r} is not 'lon,lat'", "url.err.site_format")
        points.append((float(parts[0]), float(parts[1])))
    if len(points) < 3:
        raise _bad("a ring needs at least 3 vertices", "url.err.site_points", n=len(points))
    return points


def site_from_param(text: str) -> Site:
    """The site a link carries (``source_kind`` 'link').

    Raises
    ------
    InputError
        Too long, too many vertices, not numbers, or not a valid site in Qinghai.
    """
    if len(text) > MAX_CHARS:
        raise _bad(f"{len(text)} characters, at most {MAX_CHARS}", "url.err.site_size",
                   cap=MAX_VERTICES)
    if text.count(";") + text.count("!") + text.count("|") + 1 > MAX_VERTICES:
        raise _bad(f"more than {MAX_VERTICES} vertices", "url.err.site_size", cap=MAX_VERTICES)
    polygons = []
    for part in text.split("|"):
        rings = [_ring(r) for r in part.split("!")]
        polygons.append(Polygon(rings[0], rings[1:]))
    geom = polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
    return make_site(geom, "link", "WGS84")
