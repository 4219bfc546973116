"""Geodesic measures for the site check: distances, buffers, windows, squares.

Coordinates are (lon, lat) in EPSG:4326. Reported distances are geodesic
(:data:`geo.geodesy.GEOD`, WGS84) and areas ellipsoidal. Degrees appear only
as search windows (deliberately generous) and in a local rescaling
(longitude times cos(latitude)) used to find the nearest pair of points,
whose distance is then measured on the ellipsoid.
"""
from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..geodesy import GEOD

__all__ = [
    "lon_scale",
    "metres_per_degree_exact",
    "window_degrees",
    "to_local",
    "from_local",
    "geodesic_distances",
    "local_buffer",
    "site_latitude",
]

#: Metres per degree of latitude (mean); only for search windows.
_M_PER_DEG_LAT = 111_132.0
#: Metres per degree of longitude at the equator (WGS84 a * pi / 180).
_M_PER_DEG_LON_EQ = 6_378_137.0 * math.pi / 180.0
_E2 = 0.00669437999014  # WGS84 first eccentricity squared


def metres_per_degree_exact(lat: float) -> tuple[float, float]:
    """Metres per degree of (lon, lat) at ``lat`` on the WGS84 ellipsoid (radii of curvature).

    >>> [round(v, 1) for v in metres_per_degree_exact(36.0)]
    [90163.7, 110959.0]
    """
    s2 = math.sin(math.radians(lat)) ** 2
    w = math.sqrt(1.0 - _E2 * s2)
    mx = _M_PER_DEG_LON_EQ * math.cos(math.radians(lat)) / w
    my = _M_PER_DEG_LON_EQ * (1.0 - _E2) / w ** 3
    return mx, my


def site_latitude(geom: BaseGeometry) -> float:
    """Latitude of the centre of ``geom``'s bounding box."""
    _, south, _, north = geom.bounds
    return float((south + north) / 2.0)


def lon_scale(lat: float) -> float:
    """Length of a degree of longitude over a degree of latitude at ``lat``.

    >>> round(lon_scale(0.0), 4)
    1.0067
    >>> round(lon_scale(60.0), 3)
    0.501
    """
    mx, my = metres_per_degree_exact(lat)
    return mx / my


def window_degrees(metres: float, lat: float) -> float:
    """A planar distance in degrees sure to hold everything within ``metres``.

    Uses the shortest degree (of longitude) at the highest latitude the window
    can reach, plus 2 %: a feature ``metres`` away along any azimuth is never
    farther than this in plain degrees.
    """
    lat_hi = min(89.0, abs(lat) + metres / _M_PER_DEG_LAT + 0.01)
    m_per_deg = _M_PER_DEG_LON_EQ * math.cos(math.radians(lat_hi)) * 0.995
    return metres / m_per_deg * 1.02


def to_local(geoms: BaseGeometry, k: float) -> BaseGeometry:
    """Scale longitudes of a geometry (or an array of them) by ``k`` (see :func:`lon_scale`): a locally conformal frame."""
    return shapely.transform(geoms, lambda xy: xy * np.array([k, 1.0]))


def from_local(geoms: BaseGeometry, k: float) -> BaseGeometry:
    """Inverse of :func:`to_local`."""
    return shapely.transform(geoms, lambda xy: xy * np.array([1.0 / k, 1.0]))


def geodesic_distances(site: BaseGeometry, geoms: np.ndarray, lat: float | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic distance in metres from ``site`` to each of ``geoms``.

    The nearest pair of points is found in the local frame of :func:`to_local`
    (exact for the touching case, within a small fraction of the distance
    otherwise) and measured with ``GEOD.inv``. Overlapping geometries are at 0.

    Parameters
    ----------
    site : shapely geometry
        Lon/lat.
    geoms : array of shapely geometries
        Lon/lat.
    lat : float, optional
        Latitude of the local frame; the site's by default.

    Returns
    -------
    distances : ndarray of float, metres
    pairs : ndarray, shape (n, 2, 2)
        ``[[lon_site, lat_site], [lon_feature, lat_feature]]`` of each nearest pair.
    """
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return np.zeros(0), np.zeros((0, 2, 2))
    k = lon_scale(site_latitude(site) if lat is None else lat)
    lines = shapely.shortest_line(to_local(site, k), to_local(geoms, k))
    pairs = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    pairs[:, :, 0] /= k
    _, _, dist = GEOD.inv(pairs[:, 0, 0], pairs[:, 0, 1], pairs[:, 1, 0], pairs[:, 1, 1])
    dist = np.asarray(dist, dtype=float)
    dist[shapely.intersects(site, geoms)] = 0.0
    return dist, pairs


def local_buffer(geom: BaseGeometry, metres: float, lat: float | None = None,
                 quad_segs: int = 8) -> BaseGeometry:
    """Buffer ``geom`` by ``metres`` in the local frame (a geodesic buffer within ~0.1 %).

    A point becomes a circle of radius ``metres`` (as a polygon of
    ``4 * quad_segs`` vertices).
    """
    if metres <= 0:
        return geom
    lat = site_latitude(geom) if lat is None else lat
    k = lon_scale(lat)
    m_per_deg = metres_per_degree_exact(lat)[1]
    out = to_local(geom, k).buffer(metres / m_per_deg, quad_segs=quad_segs)
    return from_local(out, k)
