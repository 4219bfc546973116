"""CGCS2000 Gauss-Krüger 3-degree zones, through pyproj.

Chinese official coordinates (land parcels, 界址点 files, surveys) are given
as Gauss-Krüger plane coordinates on CGCS2000 in 3-degree zones: zone ``n``
has its central meridian at ``3n`` degrees east. Qinghai (89.3-103.2 E) spans
zones 30-34; its industrial bases lie in zones 32-34 (central meridians 96,
99 and 102 E).

Surveyors write **X for the northing** (7 integer digits in Qinghai, about
3 480 000-4 360 000 m) and **Y for the easting**: 6 integer digits around
500 000 m without the zone prefix, or 8 digits with the zone number written
in front (``34 512 345.678`` is 12 345.678 m east of the false easting of
zone 34). Names here say which: ``x_north``, ``y_east``. Geographic
coordinates are always in (lon, lat) order, in degrees.

The EPSG codes are not typed in by hand: :func:`zone_table` reads every
"CGCS2000 / 3-degree Gauss-Kruger" CRS from pyproj's database and checks its
central meridian and false easting, giving

* EPSG:4513-4533 — zones 25-45, zone number prefixed to the easting
  (4520 = zone 32, 4521 = 33, 4522 = 34);
* EPSG:4534-4554 — central meridians 75-135 E, no prefix
  (4541 = 96 E, 4542 = 99 E, 4543 = 102 E).

No projection formula is written here; pyproj does the maths. CGCS2000 is
treated as WGS84 (they agree within about a metre at this scale), which is
what PROJ itself does ("ballpark" transformation).
"""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import Any, overload

import numpy as np
import pyproj
from numpy.typing import ArrayLike
from pyproj.database import query_crs_info
from pyproj.enums import PJType

from .errors import InputError

__all__ = [
    "Notice",
    "GK_ZONES",
    "QINGHAI_ZONES",
    "NORTHING_RANGE",
    "zone_table",
    "central_meridian",
    "zone_for_lon",
    "gk_crs",
    "zone_from_y",
    "is_prefixed",
    "check_zone",
    "lonlat_to_gk",
    "gk_to_lonlat",
    "classify_gk_value",
    "detect_swap",
    "at_line",
]

#: All CGCS2000 3-degree zone numbers with an EPSG code.
GK_ZONES: range = range(25, 46)
#: The zones that cover some of Qinghai (89.3-103.2 E).
QINGHAI_ZONES: range = range(30, 35)
#: Plausible northings (X) of a point in or near Qinghai, metres. The
#: province itself is about 3 480 000-4 360 000 m; the margin tolerates sites
#: near the border and typing slips without ever overlapping an easting.
NORTHING_RANGE: tuple[float, float] = (3_300_000.0, 4_500_000.0)
#: Plausible eastings without zone prefix (6 integer digits), metres.
EASTING_RANGE: tuple[float, float] = (100_000.0, 1_000_000.0)

_GEOGRAPHIC = "EPSG:4490"  # CGCS2000 geographic 2D
_NAME = re.compile(r"^CGCS2000 / 3-degree Gauss-Kruger (?:zone (\d+)|CM (\d+)E)$")


class Notice(str):
    """A warning for the user: a translation key (the string) and its params.

    It is a ``str`` equal to its key, so ``"site.warn.swapped_xy" in
    site.warnings`` works; ``params`` fills the translated text.

    Examples
    --------
    >>> w = Notice("site.warn.swapped_xy", n=3)
    >>> w == "site.warn.swapped_xy", w.params["n"]
    (True, 3)
    """

    params: dict[str, Any]

    def __new__(cls, key: str, **params: object) -> Notice:
        obj = super().__new__(cls, key)
        obj.params = dict(params)
        return obj

    def text(self, lang: str = "zh") -> str:
        """The translated message in ``lang`` ('zh' or 'en')."""
        from .i18n import t
        from .reasons import reason_text

        params = dict(self.params)
        if "reason" in params:  # often a library's English sentence
            params["reason"] = reason_text(params["reason"], lang)
        for name in [n for n in params if n.endswith("_crs")]:  # a reader's system label
            from .crs_labels import crs_text

            params[name] = crs_text(str(params[name]), lang)
        return t(str(self), lang, **params)

    def __reduce__(self) -> tuple[Callable[[str, dict[str, Any]], Notice], tuple[str, dict[str, Any]]]:
        return (_make_notice, (str(self), self.params))


def _make_notice(key: str, params: dict[str, Any]) -> Notice:
    return Notice(key, **params)


def _param(crs: pyproj.CRS, name: str) -> float:
    """Value of the named parameter of a projected CRS's conversion."""
    operation = crs.coordinate_operation
    for p in operation.params if operation is not None else ():
        if p.name == name:
            return float(p.value)
    raise KeyError(name)


@functools.cache
def zone_table() -> dict[tuple[int, bool], int]:
    """EPSG code of each CGCS2000 3-degree zone, read and checked from pyproj.

    Returns
    -------
    dict
        ``{(zone, prefixed): epsg}`` for zones 25-45, ``prefixed`` True where
        the zone number is written before the easting (false easting
        ``zone * 1e6 + 500000``), False where it is not (false easting 500000).

    Raises
    ------
    RuntimeError
        If pyproj's database disagrees with the zone rule (CM = 3 * zone).
    """
    table: dict[tuple[int, bool], int] = {}
    for info in query_crs_info(auth_name="EPSG", pj_types=PJType.PROJECTED_CRS):
        m = _NAME.match(info.name)
        if not m or info.deprecated:
            continue
        crs = pyproj.CRS.from_epsg(int(info.code))
        cm = _param(crs, "Longitude of natural origin")
        fe = _param(crs, "False easting")
        zone = int(round(cm / 3.0))
        prefixed = m.group(1) is not None
        expected_fe = zone * 1e6 + 500_000.0 if prefixed else 500_000.0
        named = int(m.group(1)) if prefixed else int(m.group(2)) // 3
        if named != zone or abs(cm - 3 * zone) > 1e-9 or abs(fe - expected_fe) > 1e-6:
            raise RuntimeError(f"EPSG:{info.code} ({info.name}) breaks the zone rule")
        table[(zone, prefixed)] = int(info.code)
    missing = [z for z in GK_ZONES for p in (True, False) if (z, p) not in table]
    if missing:
        raise RuntimeError(f"pyproj lacks CGCS2000 3-degree zones {sorted(set(missing))}")
    return table


def central_meridian(zone: int) -> float:
    """Central meridian (degrees east) of 3-degree zone ``zone``: ``3 * zone``."""
    return 3.0 * zone


@overload
def zone_for_lon(lon: float) -> int: ...
@overload
def zone_for_lon(lon: ArrayLike) -> int | np.ndarray: ...
def zone_for_lon(lon: ArrayLike) -> int | np.ndarray:
    """3-degree zone whose strip holds longitude ``lon``.

    Zone ``n`` covers ``3n - 1.5`` to ``3n + 1.5`` degrees east.

    Parameters
    ----------
    lon : float or array_like
        Longitude in degrees east.

    Returns
    -------
    int or numpy.ndarray of int

    Examples
    --------
    >>> zone_for_lon(101.78), zone_for_lon(96.0), zone_for_lon(97.49)
    (34, 32, 32)
    """
    z = np.floor((np.asarray(lon, dtype=float) + 1.5) / 3.0).astype(int)
    return int(z) if z.ndim == 0 else z


def check_zone(zone: int, qinghai_only: bool = False) -> int:
    """Return ``zone`` as an int, or raise :class:`InputError` if unusable.

    Parameters
    ----------
    zone : int
        3-degree zone number.
    qinghai_only : bool, optional
        Also refuse zones that do not cover Qinghai (outside 30-34).
    """
    try:
        z = int(zone)
    except (TypeError, ValueError):
        raise InputError(
            f"zone {zone!r} is not a number", key="site.err.gk_zone_range", zone=zone
        ) from None
    if z not in GK_ZONES:
        raise InputError(
            f"zone {z} is not a CGCS2000 3-degree zone (25-45)",
            key="site.err.gk_zone_range",
            zone=z,
        )
    if qinghai_only and z not in QINGHAI_ZONES:
        raise InputError(
            f"zone {z} (central meridian {3 * z} E) does not cover Qinghai (zones 30-34)",
            key="site.err.gk_zone_not_qinghai",
            zone=z,
            cm=3 * z,
        )
    return z


def gk_crs(zone: int, prefixed: bool = True) -> pyproj.CRS:
    """CGCS2000 3-degree Gauss-Krüger CRS of ``zone``.

    Parameters
    ----------
    zone : int
        Zone number, 25-45 (central meridian ``3 * zone`` E).
    prefixed : bool, optional
        True for the EPSG:4513-4533 variant with the zone number in front of
        the easting, False for EPSG:4534-4554 without it.

    Returns
    -------
    pyproj.CRS
        Axis order of the EPSG definition is (northing, easting); transforms
        here always use ``always_xy`` and name the axes explicitly.

    Examples
    --------
    >>> gk_crs(34).to_epsg(), gk_crs(34, prefixed=False).to_epsg()
    (4522, 4543)
    """
    z = check_zone(zone)
    return pyproj.CRS.from_epsg(zone_table()[(z, bool(prefixed))])


@functools.cache
def _transformer(zone: int, prefixed: bool, inverse: bool) -> pyproj.Transformer:
    src: str | pyproj.CRS = _GEOGRAPHIC
    dst: str | pyproj.CRS = gk_crs(zone, prefixed)
    if inverse:
        src, dst = dst, src
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def is_prefixed(y_east: ArrayLike) -> bool:
    """Whether eastings carry the zone prefix (8 integer digits, >= 10 000 000 m)."""
    return bool(np.all(np.abs(np.asarray(y_east, dtype=float)) >= 1e7))


def zone_from_y(y_east: ArrayLike, qinghai_only: bool = True) -> int:
    """Zone number from the prefix of 8-digit eastings.

    Parameters
    ----------
    y_east : float or array_like
        Prefixed eastings (Y) in metres, e.g. 34512345.678.
    qinghai_only : bool, optional
        Refuse a zone that does not cover Qinghai (default True).

    Returns
    -------
    int
        The zone, ``int(y_east // 1e6)``, the same for every value.

    Raises
    ------
    InputError
        Eastings without a prefix, mixed zones, a zone outside 25-45, or
        (with ``qinghai_only``) outside 30-34.

    Examples
    --------
    >>> zone_from_y(34512345.678)
    34
    """
    y = np.atleast_1d(np.asarray(y_east, dtype=float))
    if not is_prefixed(y):
        raise InputError(
            "the easting Y has no zone prefix (6 digits); give the zone",
            key="site.err.gk_zone_needed",
        )
    zones = sorted({int(v // 1e6) for v in y})
    if len(zones) > 1:
        raise InputError(
            f"the eastings Y carry several zone prefixes {zones}",
            key="site.err.gk_zone_mixed",
            zones=", ".join(map(str, zones)),
        )
    return check_zone(zones[0], qinghai_only=qinghai_only)


@overload
def lonlat_to_gk(lon: float, lat: float, zone: int | None = None,
                 prefixed: bool = True) -> tuple[float, float, int]: ...
@overload
def lonlat_to_gk(lon: np.ndarray, lat: np.ndarray, zone: int | None = None,
                 prefixed: bool = True) -> tuple[np.ndarray, np.ndarray, int]: ...
def lonlat_to_gk(lon: float | np.ndarray, lat: float | np.ndarray, zone: int | None = None,
                 prefixed: bool = True
                 ) -> tuple[float, float, int] | tuple[np.ndarray, np.ndarray, int]:
    """Project (lon, lat) to Gauss-Krüger (X northing, Y easting).

    Parameters
    ----------
    lon, lat : float or array_like
        CGCS2000 / WGS84 longitude and latitude in degrees.
    zone : int, optional
        3-degree zone; default the zone of the mean longitude.
    prefixed : bool, optional
        Write the zone number in front of the easting (default True).

    Returns
    -------
    x_north, y_east : float or numpy.ndarray
        Northing X and easting Y in metres.
    zone : int
        The zone used.

    Examples
    --------
    >>> x, y, z = lonlat_to_gk(102.0, 36.0)
    >>> z, round(y, 3), 3_980_000 < x < 3_990_000
    (34, 34500000.0, True)
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    if zone is None:
        zone = zone_for_lon(float(np.nanmean(lon_a)))
    z = check_zone(zone)
    east, north = _transformer(z, bool(prefixed), False).transform(lon_a, lat_a)
    if np.ndim(east) == 0:
        return float(north), float(east), z
    return np.asarray(north), np.asarray(east), z


@overload
def gk_to_lonlat(x_north: float, y_east: float, zone: int | None = None) -> tuple[float, float]: ...
@overload
def gk_to_lonlat(x_north: np.ndarray, y_east: np.ndarray, zone: int | None = None
                 ) -> tuple[np.ndarray, np.ndarray]: ...
def gk_to_lonlat(x_north: float | np.ndarray, y_east: float | np.ndarray, zone: int | None = None
                 ) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Unproject Gauss-Krüger (X northing, Y easting) to (lon, lat).

    Parameters
    ----------
    x_north, y_east : float or array_like
        Northing X and easting Y in metres. Eastings of 8 integer digits carry
        the zone prefix; of 6 digits they do not, and then ``zone`` is needed.
    zone : int, optional
        3-degree zone. If the eastings are prefixed it must agree with the
        prefix; if omitted it is read from the prefix (and must cover Qinghai).

    Returns
    -------
    lon, lat : float or numpy.ndarray
        CGCS2000 / WGS84 longitude and latitude in degrees.

    Raises
    ------
    InputError
        No zone for unprefixed eastings, or a zone that disagrees with the
        prefix.
    """
    x = np.asarray(x_north, dtype=float)
    y = np.asarray(y_east, dtype=float)
    prefixed = is_prefixed(y)
    z = _resolve_zone(y, zone, prefixed)
    lon, lat = _transformer(z, prefixed, True).transform(y, x)
    if np.ndim(lon) == 0:
        return float(lon), float(lat)
    return np.asarray(lon), np.asarray(lat)


def _resolve_zone(y_east: np.ndarray, zone: int | None, prefixed: bool) -> int:
    """The zone to use for eastings ``y_east`` given an optional stated zone."""
    if prefixed:
        from_y = zone_from_y(y_east, qinghai_only=zone is None)
        if zone is not None and check_zone(zone) != from_y:
            raise InputError(
                f"zone {zone} was given but the easting prefix says zone {from_y}",
                key="site.err.gk_zone_mismatch",
                zone=int(zone),
                prefix_zone=from_y,
            )
        return from_y
    if zone is None:
        raise InputError(
            "the easting Y has no zone prefix (6 digits); give the zone",
            key="site.err.gk_zone_needed",
        )
    return check_zone(zone)


def classify_gk_value(v: float) -> str | None:
    """Say what a Gauss-Krüger number looks like in Qinghai.

    Returns
    -------
    {'north', 'east', 'east_prefixed', None}
        'north' for a 7-digit northing in :data:`NORTHING_RANGE`, 'east' for a
        6-digit easting, 'east_prefixed' for an 8-digit easting whose prefix is
        a zone 25-45, None otherwise.
    """
    a = abs(float(v))
    if not math.isfinite(a):
        return None
    if NORTHING_RANGE[0] <= a < NORTHING_RANGE[1]:
        return "north"
    if EASTING_RANGE[0] <= a < EASTING_RANGE[1]:
        return "east"
    if int(a // 1e6) in GK_ZONES and EASTING_RANGE[0] <= a % 1e6:
        return "east_prefixed"
    return None


def detect_swap(a: float, b: float) -> tuple[float, float, bool]:
    """Decide which of two Gauss-Krüger numbers is X (northing) and which Y.

    The surveyor's order is X (northing) then Y (easting). In Qinghai a
    northing has 7 integer digits (about 3.5e6-4.4e6 m) and an easting 6
    (about 2e5-8e5 m) or 8 with the zone prefix, so the two never overlap.

    Parameters
    ----------
    a, b : float
        The two numbers in the order given.

    Returns
    -------
    x_north, y_east : float
        The northing and the easting.
    swapped : bool
        True if they were given as (Y, X).

    Raises
    ------
    InputError
        If the pair is not one northing and one easting.

    Examples
    --------
    >>> detect_swap(4058123.456, 34512345.678)
    (4058123.456, 34512345.678, False)
    >>> detect_swap(512345.678, 4058123.456)
    (4058123.456, 512345.678, True)
    """
    ka, kb = classify_gk_value(a), classify_gk_value(b)
    if ka == "north" and kb in ("east", "east_prefixed"):
        return float(a), float(b), False
    if kb == "north" and ka in ("east", "east_prefixed"):
        return float(b), float(a), True
    raise InputError(
        f"{a}, {b} are not a Gauss-Krüger X (northing, 7 digits, "
        f"{NORTHING_RANGE[0]:.0f}-{NORTHING_RANGE[1]:.0f} m in Qinghai) and "
        "Y (easting, 6 digits or 8 with the zone prefix)",
        key="site.err.gk_not_xy",
        a=a,
        b=b,
    )


def at_line(err: InputError, line: int) -> InputError:
    """The same error, said of line ``line`` of a text or file.

    Errors raised here carry no line; this gives them one, under the key
    ``<key>.line`` whose translation names the line (``params['line']``).
    """
    key = err.key if err.key.endswith(".line") or "line" in err.params else f"{err.key}.line"
    params = {k: v for k, v in err.params.items() if k != "detail"}
    return InputError(f"line {line}: {err}", key=key, **{**params, "line": line})
