"""Measurements of many sites at once against one :class:`~geo.layers_index.LayerIndex`.

The per-site engine (:mod:`geo.checks`) queries a layer's STRtree with one site
and measures the few candidates in Python. Here every function takes an array
of sites (lon/lat polygons) and answers for all of them with one tree query
and shapely 2 array operations on (site, feature) pairs:

* :func:`areas_ha` -- ellipsoidal areas through an ellipsoidal equal-area
  projection centred on each geometry, all in one numpy pass (agrees with
  :func:`geo.geodesy.area_ha` to ~1e-8 relative);
* :func:`overlaps` -- every intersecting pair, its intersection and area;
* :func:`pair_distances` -- geodesic distances of pairs, the per-site rule of
  :func:`geo.checks.measure.geodesic_distances` (nearest points in the site's
  local conformal frame, measured with ``GEOD.inv``);
* :func:`within` and :func:`nearest` -- the rules of ``LayerIndex.within`` /
  ``LayerIndex.nearest`` for all sites;
* :func:`union_areas` -- per-site area of the union of several pieces.

Pairs are always returned sorted by (site, feature row), the order in which
the per-site engine visits them. Coordinates are (lon, lat), EPSG:4326;
areas in hectares, distances in metres.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely

from ..geodesy import GEOD

if TYPE_CHECKING:
    from ..layers_index import LayerIndex

__all__ = [
    "Pairs",
    "site_latitudes",
    "lon_scales",
    "lat_metres",
    "areas_ha",
    "equal_area_xy",
    "to_local",
    "overlaps",
    "pair_distances",
    "within",
    "search_boxes",
    "distance_bounds",
    "within_rings",
    "point_tree",
    "among_least",
    "group_starts",
    "nearest",
    "union_areas",
    "union_area_ha",
    "group_reduce",
]

_M_PER_DEG_LON_EQ = 6_378_137.0 * math.pi / 180.0
_E2 = 0.00669437999014


@dataclass
class Pairs:
    """(site, feature) pairs, sorted by site then feature row.

    Attributes
    ----------
    site : ndarray of int
        Position of the site in the input array.
    row : ndarray of int
        Row of the feature in the layer.
    """

    site: np.ndarray
    row: np.ndarray

    def __len__(self) -> int:
        return len(self.site)

    @classmethod
    def from_query(cls, result: np.ndarray) -> Pairs:
        """From ``STRtree.query`` output (2 x n), sorted."""
        site, row = np.asarray(result[0], dtype=np.int64), np.asarray(result[1], dtype=np.int64)
        order = np.lexsort((row, site))
        return cls(site[order], row[order])

    def take(self, mask: np.ndarray) -> Pairs:
        """The pairs where ``mask`` is true."""
        return Pairs(self.site[mask], self.row[mask])


def site_latitudes(sites: np.ndarray) -> np.ndarray:
    """Latitude of the centre of each site's bounding box (:func:`~geo.checks.measure.site_latitude`)."""
    b = shapely.bounds(sites)
    mid: np.ndarray = (b[:, 1] + b[:, 3]) / 2.0
    return mid


def lon_scales(lat: np.ndarray) -> np.ndarray:
    """:func:`geo.checks.measure.lon_scale` of each latitude (vectorised, same formula)."""
    lat = np.asarray(lat, dtype=float)
    s2 = np.sin(np.radians(lat)) ** 2
    w = np.sqrt(1.0 - _E2 * s2)
    mx = _M_PER_DEG_LON_EQ * np.cos(np.radians(lat)) / w
    my = _M_PER_DEG_LON_EQ * (1.0 - _E2) / w ** 3
    ratio: np.ndarray = mx / my
    return ratio


def lat_metres(lat: np.ndarray) -> np.ndarray:
    """Metres per degree of latitude at each ``lat`` (the second value of
    :func:`geo.checks.measure.metres_per_degree_exact`, vectorised)."""
    s2 = np.sin(np.radians(np.asarray(lat, dtype=float))) ** 2
    metres: np.ndarray = _M_PER_DEG_LON_EQ * (1.0 - _E2) / np.sqrt(1.0 - _E2 * s2) ** 3
    return metres


_A = 6_378_137.0
_E = math.sqrt(_E2)


def _authalic_q(lat_rad: np.ndarray) -> np.ndarray:
    """The authalic function q(phi) of the WGS84 ellipsoid (Snyder 1987, eq. 3-12)."""
    s = np.sin(lat_rad)
    es = _E * s
    q: np.ndarray = (1.0 - _E2) * (s / (1.0 - _E2 * s * s)
                                   - np.log((1.0 - es) / (1.0 + es)) / (2.0 * _E))
    return q


def equal_area_xy(lon: np.ndarray, lat: np.ndarray, lon0: np.ndarray, lat0: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Lambert azimuthal equal-area (ellipsoidal, oblique) centred on (``lon0``, ``lat0``), per point.

    Snyder (1987) eqs. 3-11/3-12 and 24-16 to 24-22, through the authalic
    latitude: exactly area-preserving, and centred on a geometry's own centre
    its geodesics stay straight to far below a square metre, so planar areas
    equal ellipsoidal ones.
    """
    qp = _authalic_q(np.radians(90.0))
    rq = _A * math.sqrt(qp / 2.0)
    beta = np.arcsin(np.clip(_authalic_q(np.radians(lat)) / qp, -1.0, 1.0))
    phi1 = np.radians(lat0)
    beta1 = np.arcsin(np.clip(_authalic_q(phi1) / qp, -1.0, 1.0))
    s1 = np.sin(phi1)
    d = _A * (np.cos(phi1) / np.sqrt(1.0 - _E2 * s1 * s1)) / (rq * np.cos(beta1))
    dl = np.radians(lon - lon0)
    cb, sb1, cb1 = np.cos(beta), np.sin(beta1), np.cos(beta1)
    one_minus_cos = 2.0 * np.sin(dl / 2.0) ** 2
    cosc = np.sin(beta1) * np.sin(beta) + cb1 * cb * (1.0 - one_minus_cos)
    big_b = rq * np.sqrt(2.0 / (1.0 + cosc))
    x = big_b * d * cb * np.sin(dl)
    y = (big_b / d) * (np.sin(beta - beta1) + sb1 * cb * one_minus_cos)
    return x, y


def areas_ha(geoms: np.ndarray) -> np.ndarray:
    """Ellipsoidal areas (ha) of many lon/lat polygons; 0 for empty, NaN for None.

    Each geometry is mapped by :func:`equal_area_xy` with its own standard
    parallel and central meridian (the centre of its bounds), all in one numpy
    pass; its planar area there is its ellipsoidal area. Agrees with
    :func:`geo.geodesy.area_ha` (geodesic edges, ``pyproj.Geod``) to ~1e-8
    relative for sites and overlap pieces (tests).
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.zeros(len(geoms))
    if len(geoms) == 0:
        return out
    missing = shapely.is_missing(geoms)
    out[missing] = np.nan
    live = ~missing
    live[live] = ~shapely.is_empty(geoms[live])
    if live.any():
        g = geoms[live]
        b = shapely.bounds(g)
        counts = shapely.get_num_coordinates(g)
        lon0 = np.repeat((b[:, 0] + b[:, 2]) / 2.0, counts)
        lat0 = np.repeat((b[:, 1] + b[:, 3]) / 2.0, counts)
        def project(xy: np.ndarray) -> np.ndarray:
            xy[:, 0], xy[:, 1] = equal_area_xy(xy[:, 0], xy[:, 1], lon0, lat0)
            return xy

        projected = shapely.transform(g, project)
        out[live] = shapely.area(projected) / 1e4
    return out


def to_local(geoms: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Longitudes of each geometry times its own ``k`` (:func:`geo.checks.measure.to_local`)."""
    geoms = np.asarray(geoms, dtype=object)
    factor = np.repeat(np.asarray(k, dtype=float), shapely.get_num_coordinates(geoms))

    def scale(xy: np.ndarray) -> np.ndarray:
        xy[:, 0] *= factor
        return xy

    scaled: np.ndarray = shapely.transform(geoms, scale)
    return scaled


def overlaps(sites: np.ndarray, index: LayerIndex, candidates: Pairs | None = None
             ) -> tuple[Pairs, np.ndarray, np.ndarray]:
    """Every (site, feature) pair that intersects, the intersection and its area (ha).

    ``candidates`` restricts the pairs (e.g. to some feature rows); by default
    one ``tree.query(sites, predicate="intersects")``.
    """
    pairs = candidates if candidates is not None else \
        Pairs.from_query(index.tree.query(sites, predicate="intersects"))
    if len(pairs) == 0:
        return pairs, np.zeros(0, dtype=object), np.zeros(0)
    a, b = sites[pairs.site], index.geoms[pairs.row]
    # a site wholly inside the feature is its own intersection (prepared test, no overlay)
    inside = shapely.contains_properly(b, a)
    pieces = a.copy()
    pieces[~inside] = shapely.intersection(a[~inside], b[~inside])
    return pairs, pieces, areas_ha(pieces)


def pair_distances(sites: np.ndarray, geoms: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Geodesic distance (m) of each site to the geometry beside it (paired arrays).

    The rule of :func:`geo.checks.measure.geodesic_distances`: the nearest pair
    of points in the local frame of latitude ``lat`` (each pair's own), measured
    with ``GEOD.inv``; intersecting pairs are at 0.
    """
    if len(sites) == 0:
        return np.zeros(0)
    k = lon_scales(lat)
    lines = shapely.shortest_line(to_local(sites, k), to_local(geoms, k))
    xy = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    xy[:, :, 0] /= k[:, None]
    _, _, dist = GEOD.inv(xy[:, 0, 0], xy[:, 0, 1], xy[:, 1, 0], xy[:, 1, 1])
    dist = np.asarray(dist, dtype=float)
    dist[shapely.intersects(sites, geoms)] = 0.0
    return dist


#: Least metres per degree of latitude on WGS84 (at the equator, a (1 - e^2) pi / 180): a
#: latitude gap of g degrees is at least g times this far along any path.
_MIN_M_PER_DEG_LAT = 6_378_137.0 * (1.0 - _E2) * math.pi / 180.0


def search_boxes(sites: np.ndarray, metres: np.ndarray) -> np.ndarray:
    """Each site's bounds grown to hold everything within ``metres`` (geodesic) of it.

    North-south by the least length of a degree of latitude, east-west by the
    shortest degree of longitude the box can reach, each plus 2 % (as
    :func:`geo.checks.measure.window_degrees`). An envelope query with these
    boxes finds every feature the per-site window finds that can be within
    ``metres``, without the exact planar distance test of ``dwithin``.
    """
    b = shapely.bounds(sites)
    dlat = metres / _MIN_M_PER_DEG_LAT * 1.02
    lat_hi = np.minimum(89.0, np.maximum(np.abs(b[:, 1]), np.abs(b[:, 3])) + dlat + 0.01)
    dlon = metres / (_M_PER_DEG_LON_EQ * np.cos(np.radians(lat_hi)) * 0.995) * 1.02
    boxes: np.ndarray = shapely.box(b[:, 0] - dlon, b[:, 1] - dlat, b[:, 2] + dlon, b[:, 3] + dlat)
    return boxes


def within(sites: np.ndarray, index: LayerIndex, metres: float | np.ndarray, lat: np.ndarray | None = None,
           subset: np.ndarray | None = None) -> tuple[Pairs, np.ndarray]:
    """Features within ``metres`` (geodesic) of each site, and their distances.

    ``LayerIndex.within`` for all sites: the tree is queried with a generous
    box per site (:func:`search_boxes`), the candidates measured geodesically
    and filtered.
    ``metres`` is one number or one per site; ``subset`` limits the sites
    (positions into ``sites``).
    """
    lat = site_latitudes(sites) if lat is None else lat
    pos = np.arange(len(sites)) if subset is None else np.asarray(subset, dtype=np.int64)
    metres = np.broadcast_to(np.asarray(metres, dtype=float), (len(sites),))[pos]
    if len(pos) == 0 or len(index) == 0:
        return Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64)), np.zeros(0)
    res = index.tree.query(search_boxes(sites[pos], metres))
    pairs = Pairs.from_query(np.vstack([pos[res[0]], res[1]]))
    lim = np.zeros(len(sites))
    lim[pos] = metres
    lo, _ = distance_bounds(sites, index, pairs, lat)
    pairs = pairs.take(lo <= lim[pairs.site])  # the others are surely farther: not measured
    dist = pair_distances(sites[pairs.site], index.geoms[pairs.row], lat[pairs.site])
    keep = dist <= lim[pairs.site]
    return pairs.take(keep), dist[keep]


#: Width (degrees of latitude) of the bands whose frames bound pair distances (:func:`distance_bounds`).
_BAND_DEG = 1.0


def _band_frame(index: LayerIndex, band: float, rows: np.ndarray) -> np.ndarray:
    """Features ``rows`` with longitudes times the ``lon_scale`` of latitude ``band``.

    The local frame of every site whose latitude falls in the band, up to a
    factor close to 1. Each feature is scaled once per band and process, when
    first asked for (cached), so the copies kept are of the features near the
    sites seen, not of the whole layer per band.
    """
    frames: dict[float, np.ndarray] = index.__dict__.setdefault("_band_frames", {})
    frame = frames.get(band)
    if frame is None:
        frame = frames[band] = np.full(len(index.geoms), None, dtype=object)
    need = np.unique(rows[shapely.is_missing(frame[rows])])
    if len(need):
        k = float(lon_scales(np.array([band]))[0])
        frame[need] = to_local(index.geoms[need], np.full(len(need), k))
        shapely.prepare(frame[need])
    scaled: np.ndarray = frame[rows]
    return scaled


def distance_bounds(sites: np.ndarray, index: LayerIndex, pairs: Pairs, lat: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds on the :func:`pair_distances` of ``pairs`` (metres), cheaply.

    The per-site rule measures each pair in the site's own local frame
    (longitudes times ``k`` of the site's latitude), which needs a scaled copy
    of the feature per pair. Here each feature is scaled once per 1-degree
    latitude band (:func:`_band_frame`); a site's frame differs from its band's
    by the factor ``r = k_site / k_band`` along x only, so its planar distance
    lies between ``min(1, r)`` and ``max(1, r)`` times the band's. Metres per
    degree of latitude at the site turn that into metres; the measured
    geodesic of the nearest pair departs from that planar figure by less than
    the slack (the change of scale over the pair's extent, ``tan(lat) * d / R``
    twice over, plus 0.2 %).
    """
    lo, hi = np.zeros(len(pairs)), np.zeros(len(pairs))
    if len(pairs) == 0:
        return lo, hi
    site_lat = lat[pairs.site]
    bands = np.round(site_lat / _BAND_DEG) * _BAND_DEG
    k_site = lon_scales(site_lat)
    for band in np.unique(bands):
        sel = np.flatnonzero(bands == band)
        k_band = float(lon_scales(np.array([band]))[0])
        mine = np.unique(pairs.site[sel])
        local = np.empty(len(sites), dtype=object)
        local[mine] = to_local(sites[mine], np.full(len(mine), k_band))
        planar = shapely.distance(local[pairs.site[sel]], _band_frame(index, float(band), pairs.row[sel]))
        r = k_site[sel] / k_band
        metres = planar * lat_metres(site_lat[sel])
        slack = 0.002 + 3.0 * np.tan(np.radians(np.minimum(np.abs(site_lat[sel]) + 0.2, 89.0))) \
            * np.maximum(r, 1.0) * metres / 6_356_752.0
        # far apart the frame says little: measure exactly (lower bound 0)
        lo[sel] = np.where(slack < 0.5, metres * np.minimum(r, 1.0) * (1.0 - slack), 0.0)
        hi[sel] = metres * np.maximum(r, 1.0) * (1.0 + slack)
    return lo, hi


def within_rings(sites: np.ndarray, index: LayerIndex, radii: Sequence[float], lat: np.ndarray,
                 nearest_of: np.ndarray | None = None
                 ) -> tuple[Pairs, np.ndarray, np.ndarray, tuple[Pairs, np.ndarray]]:
    """Which features lie within each radius of each site, measuring exactly only where needed.

    The answer of :func:`within` for every radius (the same pairs: membership
    by the per-site rule's distance), but a pair is measured exactly
    (:func:`pair_distances`) only when its :func:`distance_bounds` straddle a
    radius, or when it may be the nearest feature of a site of ``nearest_of``
    (boolean per site: its lower bound is below the least upper bound of that
    site's pairs).

    Returns
    -------
    pairs : Pairs
        Every pair whose lower bound is within the largest radius.
    inside : ndarray of bool, shape (len(pairs), len(radii))
        Pair within each radius.
    exact : ndarray of float
        The exact distance of each pair, NaN where it was not needed.
    known : (Pairs, ndarray)
        The exactly measured pairs within the largest radius and their
        distances: every feature within it that may be nearest, as
        :func:`nearest` takes them (``known``).
    """
    radius = np.asarray(sorted(radii), dtype=float)
    big = float(radius[-1])
    cand = Pairs.from_query(index.tree.query(search_boxes(sites, np.full(len(sites), big))))
    lo, hi = distance_bounds(sites, index, cand, lat)
    keep = lo <= big
    pairs, lo, hi = cand.take(keep), lo[keep], hi[keep]
    need = np.zeros(len(pairs), dtype=bool)
    for r in radius:
        need |= (lo <= r) & (hi > r)
    if nearest_of is not None and len(pairs):
        need |= nearest_of[pairs.site] & among_least(pairs.site, lo, hi, len(sites))
    exact = np.full(len(pairs), np.nan)
    at = np.flatnonzero(need)
    exact[at] = pair_distances(sites[pairs.site[at]], index.geoms[pairs.row[at]], lat[pairs.site[at]])
    inside = np.empty((len(pairs), len(radius)), dtype=bool)
    for j, r in enumerate(radius):
        inside[:, j] = np.where(need, exact <= r, hi <= r)
    sure = need & (exact <= big)
    return pairs, inside, exact, (pairs.take(sure), exact[sure])


def nearest(sites: np.ndarray, index: LayerIndex, lat: np.ndarray | None = None,
            subset: np.ndarray | None = None, first_m: float = 0.0,
            known: tuple[Pairs, np.ndarray] | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    """Row of the geodesically nearest feature of each site (-1 if none) and its distance (m).

    ``LayerIndex.nearest`` for all sites: a seed feature (the one with a point
    nearest the site's centroid, :func:`point_tree`) bounds the answer by the
    upper bound of its distance (:func:`distance_bounds`); every feature within
    that bound that may be the nearest (:func:`among_least`) is measured and
    the nearest (lowest row on ties) is kept. That is the feature of least
    measured distance, so with ``first_m`` > 0 the sites with a feature within
    ``first_m`` are answered from one :func:`within` query first (cheaper than
    a nearest search among large polygons), except those touching several
    features (the planar search picks among those). ``known`` gives those
    pairs (all features within ``first_m`` of every site and their distances,
    as :func:`within` returns them) when they are already measured. Sites
    outside ``subset`` get -1 / NaN.
    """
    lat = site_latitudes(sites) if lat is None else lat
    rows = np.full(len(sites), -1, dtype=np.int64)
    dist = np.full(len(sites), np.nan)
    pos = np.arange(len(sites)) if subset is None else np.asarray(subset, dtype=np.int64)
    if len(index) == 0 or len(pos) == 0:
        return rows, dist
    if first_m > 0:
        if known is not None:
            mine = np.zeros(len(sites), dtype=bool)
            mine[pos] = True
            sel = mine[known[0].site]
            pairs, d = known[0].take(sel), known[1][sel]
        else:
            pairs, d = within(sites, index, first_m, lat, subset=pos)
        if len(pairs):
            best = group_argmin(pairs.site, d)
            # several features touching the site: the planar search picks one of them
            ties = np.bincount(pairs.site[d == 0.0], minlength=len(sites)) > 1
            best = best[~ties[pairs.site[best]]]
            rows[pairs.site[best]], dist[pairs.site[best]] = pairs.row[best], d[best]
        pos = pos[rows[pos] < 0]
        if len(pos) == 0:
            return rows, dist
    # a seed per site (the feature with a point nearest the site's centroid: a search among
    # points, far cheaper than among polygons) bounds the answer from above; every feature
    # within that bound whose lower bound is below the least upper bound of the site's
    # candidates is measured
    seed = point_tree(index).query_nearest(shapely.centroid(sites[pos]), all_matches=False)
    order = np.argsort(seed[0], kind="stable")  # one seed per site, in input order
    src, tgt = pos[seed[0][order]], seed[1][order]
    _, reach = distance_bounds(sites, index, Pairs(src, tgt), lat)
    box = index.tree.query(search_boxes(sites[src], reach * 1.0001))
    cand = Pairs.from_query(np.vstack([src[box[0]], box[1]]))
    lo, hi = distance_bounds(sites, index, cand, lat)
    touching = np.bincount(cand.site[hi == 0.0], minlength=len(sites))
    cand = cand.take(among_least(cand.site, lo, hi, len(sites)) & (touching[cand.site] <= 1))
    d = pair_distances(sites[cand.site], index.geoms[cand.row], lat[cand.site])
    best = group_argmin(cand.site, d)
    rows[cand.site[best]], dist[cand.site[best]] = cand.row[best], d[best]
    several = src[touching[src] > 1]
    if len(several):  # touching several features: the planar search's pick, as per site
        first = index.tree.query_nearest(sites[several], all_matches=False)
        order = np.argsort(first[0], kind="stable")
        rows[several[first[0][order]]], dist[several[first[0][order]]] = first[1][order], 0.0
    return rows, dist


def point_tree(index: LayerIndex) -> shapely.STRtree:
    """An STRtree of one point on each feature (cached per layer): nearest-seed search."""
    tree: shapely.STRtree | None = index.__dict__.get("_point_tree")
    if tree is None:
        tree = index.__dict__["_point_tree"] = shapely.STRtree(shapely.point_on_surface(index.geoms))
    return tree


def group_starts(groups: np.ndarray, n: int) -> np.ndarray:
    """Start of each group's run in a sorted array of group numbers ``0..n-1`` (``n + 1``
    offsets: group ``i`` is ``[at[i], at[i + 1])``)."""
    at: np.ndarray = np.searchsorted(groups, np.arange(n + 1))
    return at


def among_least(groups: np.ndarray, lo: np.ndarray, hi: np.ndarray, n: int, k: int = 1
                ) -> np.ndarray:
    """Which pairs may be among the ``k`` nearest of their group, from distance bounds.

    True where a pair's lower bound ``lo`` is at most the ``k``-th least upper bound
    ``hi`` of its group (all of a group's pairs when it has fewer than ``k``): every pair
    whose exact distance is among the ``k`` least of its group is kept (ties included).
    """
    order = np.lexsort((hi, groups))
    g = groups[order]
    rank = np.arange(len(order)) - np.searchsorted(g, g, side="left")
    count = np.bincount(groups, minlength=n)
    at = rank == np.minimum(k, count[g]) - 1
    kth = np.full(n, np.inf)
    kth[g[at]] = hi[order][at]
    keep: np.ndarray = lo <= kth[groups]
    return keep


def group_argmin(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Index of the first minimum of ``values`` in each run of ``groups`` (sorted)."""
    order = np.lexsort((np.arange(len(values)), values, groups))
    first = np.ones(len(order), dtype=bool)
    first[1:] = groups[order][1:] != groups[order][:-1]
    return order[first]


def group_reduce(groups: np.ndarray, values: np.ndarray, n: int, how: str,
                 empty: float = np.nan) -> np.ndarray:
    """Per-group ``sum`` / ``max`` / ``min`` / ``count`` / ``any`` of ``values`` into ``n`` slots."""
    out = np.full(n, empty, dtype=float)
    if len(groups) == 0:
        return out
    if how == "count":
        out[:] = 0.0
        np.add.at(out, groups, 1.0)
    elif how == "sum":
        out[:] = 0.0
        np.add.at(out, groups, values)
    elif how == "max":
        np.fmax.at(out, groups, values)
    elif how == "min":
        np.fmin.at(out, groups, values)
    elif how == "any":
        out[:] = 0.0
        np.logical_or.at(out, groups, np.asarray(values, dtype=bool))
    else:
        raise ValueError(how)
    return out


def union_areas(groups: np.ndarray, pieces: np.ndarray, areas: np.ndarray, n: int
                ) -> tuple[np.ndarray, dict[int, object]]:
    """Per-site area (ha) of the union of its pieces, and the unions of multi-piece sites.

    A site with one piece takes that piece's area; sites with several are
    unioned one by one (few). Sites without pieces get 0.
    """
    out = np.zeros(n)
    unions: dict[int, object] = {}
    if len(groups) == 0:
        return out, unions
    counts = np.bincount(groups, minlength=n)
    single = counts[groups] == 1
    out[groups[single]] = areas[single]
    multi = np.flatnonzero(~single)
    if len(multi):
        starts = np.flatnonzero(np.r_[True, groups[multi][1:] != groups[multi][:-1]])
        bounds = np.r_[starts, len(multi)]
        geoms = [shapely.union_all(pieces[multi[a:b]]) for a, b in zip(bounds[:-1], bounds[1:])]
        site_ids = groups[multi[starts]]
        out[site_ids] = areas_ha(np.array(geoms, dtype=object))
        unions = dict(zip(site_ids.tolist(), geoms))
    return out, unions


def union_area_ha(geoms: np.ndarray) -> float:
    """Ellipsoidal area (ha) of the union of many lon/lat polygons, each overlap counted once.

    The union falls apart into groups of polygons that touch each other
    (connected through STRtree ``intersects`` pairs); a polygon alone is its own
    area, a group is unioned on its own. The sum equals the area of the union of
    all, without one overlay of every polygon at once. Small parts are measured
    by :func:`areas_ha`, large ones by :func:`geo.geodesy.area_ha`.
    """
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return 0.0
    a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    labels = np.arange(len(geoms))
    while True:  # label propagation + pointer jumping: the smallest index of each group
        before = labels.copy()
        np.minimum.at(labels, a, labels[b])
        np.minimum.at(labels, b, labels[a])
        labels = labels[labels]
        if np.array_equal(labels, before):
            break
    order = np.argsort(labels, kind="stable")
    groups = labels[order]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    parts = np.array([geoms[order[i]] if j - i == 1 else shapely.union_all(geoms[order[i:j]])
                      for i, j in zip(starts, np.r_[starts[1:], len(order)])], dtype=object)
    b = shapely.bounds(parts)
    large = np.nan_to_num(np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])) > _LARGE_DEG
    from ..geodesy import area_ha

    return float(np.nansum(areas_ha(parts[~large]))) + sum(area_ha(g) for g in parts[large])


#: Parts wider than this (degrees) are measured with geodesic edges (``pyproj.Geod``):
#: over hundreds of kilometres an equal-area projection's straight edges are not geodesics.
_LARGE_DEG = 0.25
