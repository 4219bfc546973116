"""Ellipsoidal areas and geodesic distances on WGS84 / CGCS2000.

Areas are in hectares, computed on the ellipsoid with :class:`pyproj.Geod`;
never in square degrees. Coordinates are (lon, lat).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely
from pyproj import Geod

__all__ = ["GEOD", "area_ha", "areas_ha", "length_m", "metres_per_degree"]

#: WGS84 ellipsoid; CGCS2000 differs by < 0.1 mm in the semi-minor axis.
GEOD = Geod(ellps="WGS84")


def area_ha(geom: shapely.Geometry | None) -> float:
    """Ellipsoidal area of a (multi)polygon in hectares.

    >>> round(area_ha(shapely.box(96.0, 36.0, 96.01, 36.01)), 1)
    100.0
    >>> area_ha(None)
    nan
    """
    if geom is None or geom.is_empty:
        return float("nan") if geom is None else 0.0
    # pyproj sums signed ring areas: orient shells CCW and holes CW first, or a hole
    # drawn like its shell is added and opposite-wound parts cancel out
    area, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(geom))
    return abs(area) / 1e4


def areas_ha(geoms: Iterable[shapely.Geometry]) -> np.ndarray:
    """Vector of :func:`area_ha` over an iterable of geometries."""
    return np.array([area_ha(g) for g in geoms], dtype=float)


def length_m(geom: shapely.Geometry) -> float:
    """Geodesic length of a line (or perimeter of a polygon) in metres."""
    return float(GEOD.geometry_length(geom))


def metres_per_degree(lat: float) -> tuple[float, float]:
    """Approximate metres per degree of (lon, lat) at latitude ``lat``.

    Used only to turn a display tolerance in metres into degrees, never for a
    reported area or distance.
    """
    _, _, dx = GEOD.inv(0.0, lat, 1.0, lat)
    _, _, dy = GEOD.inv(0.0, lat - 0.5, 0.0, lat + 0.5)
    return float(dx), float(dy)
