"""China offset coordinate systems: GCJ-02 (Amap, Tencent) and BD-09 (Baidu).

Chinese web maps publish coordinates in an obfuscated datum. GCJ-02 (国测局
坐标, "Mars coordinates") adds a smooth, non-linear offset of a few hundred
metres to WGS84 inside China; BD-09 (Baidu) applies a further rotation and
shift to GCJ-02. Outside China both are identical to WGS84.

The forward transform below is the widely published reference algorithm
(Krasovsky-ellipsoid parameters ``a = 6378245``, ``ee = 0.00669342162296594323``,
as in ``eviltransform`` and ``coordtransform``). The inverses are computed by
fixed-point iteration of the forward transform, so a round trip agrees to far
better than 1e-6 degree (the one-step "subtract the offset" inverse is off by
up to ~1e-5 degree, about a metre).

Every function is vectorised with numpy and uses (lon, lat) order. Scalars in
give Python floats out; array-likes in give ``numpy.ndarray`` out.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import numpy as np
import shapely
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

__all__ = [
    "out_of_china",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "wgs84_to_bd09",
    "bd09_to_wgs84",
    "transform_geometry",
]

_A = 6378245.0  # semi-major axis of the Krasovsky 1940 ellipsoid used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0  # BD-09 constant

#: Default convergence tolerance of the iterative inverses, in degrees.
_TOL = 1e-9
_MAX_ITER = 50

#: A float for a scalar input, an array for an array-like one.
Coords: TypeAlias = float | np.ndarray
#: An array conversion ``(lon, lat) -> (lon, lat)``.
ArrayTransform: TypeAlias = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray, bool]:
    """Return float arrays of lon and lat and whether the input was scalar."""
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    lon_a, lat_a = np.broadcast_arrays(lon_a, lat_a)
    return lon_a.astype(float, copy=True), lat_a.astype(float, copy=True), scalar


def _out(lon: np.ndarray, lat: np.ndarray, scalar: bool) -> tuple[Coords, Coords]:
    """Return scalars as floats, arrays unchanged."""
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def out_of_china(lon: ArrayLike, lat: ArrayLike) -> bool | np.ndarray:
    """Whether points lie outside the rough bounding box where GCJ-02 applies.

    Parameters
    ----------
    lon, lat : float or array_like
        WGS84 or GCJ-02 longitude and latitude in degrees.

    Returns
    -------
    bool or numpy.ndarray of bool
        True where the point is outside the box (72.004-137.8347 E,
        0.8293-55.8271 N) used by the reference implementations; there the
        offset is zero.
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    res = (lon_a < 72.004) | (lon_a > 137.8347) | (lat_a < 0.8293) | (lat_a > 55.8271)
    if np.ndim(res) == 0:
        return bool(res)
    return res


def _transform_lat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret: np.ndarray = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret: np.ndarray = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS84 in degrees at WGS84 (lon, lat); zero outside China."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    outside = out_of_china(lon, lat)
    dlon = np.where(outside, 0.0, dlon)
    dlat = np.where(outside, 0.0, dlat)
    return dlon, dlat


def _iterate_inverse(forward: ArrayTransform, lon_t: np.ndarray, lat_t: np.ndarray,
                     lon0: np.ndarray, lat0: np.ndarray, tol: float, max_iter: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``forward(lon, lat) == (lon_t, lat_t)`` by fixed-point iteration.

    The China offset transforms are close to a translation (their Jacobian is
    the identity within ~1e-5), so ``x <- x - (f(x) - target)`` converges
    in a few steps.
    """
    lon, lat = lon0, lat0
    for _ in range(max_iter):
        flon, flat = forward(lon, lat)
        elon = flon - lon_t
        elat = flat - lat_t
        lon = lon - elon
        lat = lat - elat
        err = np.atleast_1d(np.maximum(np.abs(elon), np.abs(elat)))
        if err.size == 0 or not np.any(err[np.isfinite(err)] >= tol):
            break
    return lon, lat


def _wgs84_to_gcj02_arr(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Coords, Coords]:
    """Convert WGS84 coordinates to GCJ-02 (Amap / Tencent).

    Parameters
    ----------
    lon, lat : float or array_like
        WGS84 longitude and latitude in degrees.

    Returns
    -------
    lon, lat : float or numpy.ndarray
        GCJ-02 longitude and latitude. Points outside China are unchanged.
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    return _out(*_wgs84_to_gcj02_arr(lon_a, lat_a), scalar)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike, tol: float = _TOL, max_iter: int = _MAX_ITER
                   ) -> tuple[Coords, Coords]:
    """Convert GCJ-02 coordinates to WGS84 (accurate iterative inverse).

    Parameters
    ----------
    lon, lat : float or array_like
        GCJ-02 longitude and latitude in degrees.
    tol : float, optional
        Stop when the forward transform of the estimate matches the input to
        within ``tol`` degrees for every point (default 1e-9, about 0.1 mm).
    max_iter : int, optional
        Iteration cap (convergence normally takes 2-4 steps).

    Returns
    -------
    lon, lat : float or numpy.ndarray
        WGS84 longitude and latitude. Points outside China are unchanged.
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    dlon, dlat = _gcj_offset(lon_a, lat_a)  # one-step estimate as the start
    wlon, wlat = _iterate_inverse(
        _wgs84_to_gcj02_arr, lon_a, lat_a, lon_a - dlon, lat_a - dlat, tol, max_iter
    )
    return _out(np.asarray(wlon, dtype=float), np.asarray(wlat, dtype=float), scalar)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Coords, Coords]:
    """Convert GCJ-02 coordinates to BD-09 (Baidu).

    Parameters
    ----------
    lon, lat : float or array_like
        GCJ-02 longitude and latitude in degrees.

    Returns
    -------
    lon, lat : float or numpy.ndarray
        BD-09 longitude and latitude.
    """
    x, y, scalar = _as_arrays(lon, lat)
    return _out(*_gcj02_to_bd09_arr(x, y), scalar)


def _gcj02_to_bd09_arr(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd09_to_gcj02_approx(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = lon - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike, tol: float = _TOL, max_iter: int = _MAX_ITER
                  ) -> tuple[Coords, Coords]:
    """Convert BD-09 coordinates to GCJ-02.

    Starts from Baidu's published closed-form inverse and refines it by
    iterating :func:`gcj02_to_bd09`, so the round trip is exact to ``tol``.

    Parameters
    ----------
    lon, lat : float or array_like
        BD-09 longitude and latitude in degrees.
    tol : float, optional
        Convergence tolerance in degrees (default 1e-9).
    max_iter : int, optional
        Iteration cap.

    Returns
    -------
    lon, lat : float or numpy.ndarray
        GCJ-02 longitude and latitude.
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    glon, glat = _bd09_to_gcj02_approx(lon_a, lat_a)
    glon, glat = _iterate_inverse(_gcj02_to_bd09_arr, lon_a, lat_a, glon, glat, tol, max_iter)
    return _out(np.asarray(glon, dtype=float), np.asarray(glat, dtype=float), scalar)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Coords, Coords]:
    """Convert WGS84 coordinates to BD-09 (via GCJ-02).

    Parameters
    ----------
    lon, lat : float or array_like
        WGS84 longitude and latitude in degrees.

    Returns
    -------
    lon, lat : float or numpy.ndarray
        BD-09 longitude and latitude.
    """
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Coords, Coords]:
    """Convert BD-09 coordinates to WGS84 (via GCJ-02, both inverses iterative).

    Parameters
    ----------
    lon, lat : float or array_like
        BD-09 longitude and latitude in degrees.

    Returns
    -------
    lon, lat : float or numpy.ndarray
        WGS84 longitude and latitude.
    """
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def transform_geometry(geom: BaseGeometry,
                       func: Callable[[np.ndarray, np.ndarray], tuple[ArrayLike, ArrayLike]]
                       ) -> BaseGeometry:
    """Apply a (lon, lat) coordinate conversion to shapely geometries.

    Parameters
    ----------
    geom : shapely.Geometry or array_like of Geometry
        Geometry (or array of geometries) in the source system.
    func : callable
        One of this module's conversions, or any ``func(lon, lat) -> (lon, lat)``
        that accepts and returns numpy arrays.

    Returns
    -------
    shapely.Geometry or numpy.ndarray of Geometry
        The geometry with every vertex converted (2D; Z is dropped).

    Examples
    --------
    >>> from shapely import Point
    >>> transform_geometry(Point(116.39752, 39.908698), gcj02_to_wgs84)  # doctest: +SKIP
    <POINT (116.391 39.907)>
    """

    def _xy(coords: np.ndarray) -> np.ndarray:
        if coords.shape[0] == 0:
            return coords
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)])

    return shapely.transform(geom, _xy)
