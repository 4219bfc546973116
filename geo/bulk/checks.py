"""Array measurements of the checks of the registry for a chunk of sites.

Each function measures every site of a chunk against one layer at once (one
STRtree query, shapely 2 array intersections, :func:`.measure.areas_ha`, bulk
geodesic nearest/within, DEM windows) and returns, per site, exactly what the
per-site check's own ``measure`` returns; the per-site check's ``decide``
then gives the status, message and figures (one rule, two ways to measure):

* :func:`minerals_measures` -> :func:`geo.checks.minerals.decide`;
* :func:`base_measures` -> :func:`geo.checks.base.decide`;
* :func:`terrain_cells` -> :func:`geo.checks.terrain.decide` (with the DEM each site used);
* :func:`chain_distances` -> :func:`geo.chains.chain_adjacency` (``host_km``) ->
  :func:`geo.checks.chain.decide`;
* :func:`landuse_pieces` -> :func:`geo.checks.landuse.decide`;
* :func:`control_overlaps` / :func:`control_inside` ->
  :func:`geo.checks.controls.decide_overlap` / ``decide_inside``;
* :func:`buildable` -- the site minus :func:`geo.screen.buildable_cut`, for all sites.

Sites are lon/lat polygons (valid, prepared); ``site_ha`` their ellipsoidal
areas, ``lat`` the latitude of the centre of each site's bounds.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..checks.base import BaseMeasure, admitting_bases
from ..checks.config import CheckConfig
from ..checks.context import covered_share
from ..checks.controls import min_overlap_ha
from ..checks.minerals import (MineralsMeasure, circle_quad_segs, counted_minerals,
                               search_reach)
from ..checks.result import Project
from ..checks.terrain import cell_window, covers_site, dem_grids
from ..geodesy import GEOD
from .measure import (Pairs, among_least, areas_ha, distance_bounds, group_starts, lat_metres,
                      lon_scales, nearest, overlaps, pair_distances, to_local, union_areas,
                      within)

if TYPE_CHECKING:  # pragma: no cover
    from ..dem import Dem
    from ..layers_index import LayerIndex, ScreeningLayers

__all__ = ["covered_shares", "minerals_measures", "base_measures", "terrain_cells",
           "chain_distances", "landuse_pieces", "control_overlaps", "control_inside",
           "buildable"]

#: shapely type ids counted as point or line deposits (Point, LineString, MultiPoint,
#: MultiLineString: the geometry types whose names end in "Point" or "LineString").
_POINT_LIKE = (0, 1, 4, 5)


T = TypeVar("T")


def _loaded(layer: T | None, name: str) -> T:
    """``layer``, which the caller measures only when it is loaded."""
    if layer is None:
        raise ValueError(f"the {name} layer is not loaded")
    return layer


def covered_shares(sites: np.ndarray, site_ha: np.ndarray, coverage: BaseGeometry | None
                   ) -> np.ndarray:
    """:func:`geo.checks.context.covered_share` of every site (the few not covered one by one)."""
    out = np.ones(len(sites))
    if coverage is None or len(sites) == 0:
        return out
    for i in np.flatnonzero(~shapely.covers(coverage, sites)):
        out[i] = covered_share(sites[i], float(site_ha[i]), coverage)
    return out


# --------------------------------------------------------------------------- minerals
def _deposit_bodies(geoms: np.ndarray, lat: np.ndarray, sec: dict[str, Any]) -> np.ndarray:
    """:func:`geo.checks.minerals.deposit_body` of each (deposit, site latitude) pair."""
    out = geoms.copy()
    point_like = np.isin(shapely.get_type_id(geoms), _POINT_LIKE)
    for mask, metres, segs in (
            (point_like, float(sec.get("deposit_buffer_m", 1000)), circle_quad_segs(sec)),
            (~point_like, float(sec.get("deposit_polygon_buffer_m", 0)), 8)):
        if metres <= 0 or not mask.any():
            continue
        k = lon_scales(lat[mask])
        grown = shapely.buffer(to_local(geoms[mask], k), metres / lat_metres(lat[mask]),
                               quad_segs=segs)
        out[mask] = to_local(grown, 1.0 / k)
    return out


def minerals_measures(sites: np.ndarray, site_ha: np.ndarray, lat: np.ndarray,
                      layers: ScreeningLayers, config: CheckConfig) -> list[MineralsMeasure]:
    """:func:`geo.checks.minerals.measure` of every site."""
    sec = config.section("minerals")
    idx, n = _loaded(layers.deposits, "deposits"), len(sites)
    pairs, dist = within(sites, idx, search_reach(sec), lat)
    point_like = np.isin(shapely.get_type_id(idx.geoms[pairs.row]), _POINT_LIKE)
    reach = np.where(point_like, search_reach(sec), float(sec.get("deposit_polygon_buffer_m", 0)))
    keep = dist <= reach
    pairs, dist = pairs.take(keep), dist[keep]
    bodies = _deposit_bodies(idx.geoms[pairs.row], lat[pairs.site], sec)
    pieces = shapely.intersection(sites[pairs.site], bodies)
    ha = areas_ha(pieces)
    lakes = layers.salt_lakes
    if lakes is not None:
        lpairs = Pairs.from_query(lakes.tree.query(sites, predicate="intersects"))
        counted = {int(r): counted_minerals(lakes, int(r), sec) is not None
                   for r in np.unique(lpairs.row)}
        lpairs = lpairs.take(np.array([counted[int(r)] for r in lpairs.row], dtype=bool))
        lpairs, lpieces, lha = overlaps(sites, lakes, lpairs)
        keep = lha > float(sec.get("min_overlap_ha", 0.0))
        lpairs, lpieces, lha = lpairs.take(keep), lpieces[keep], lha[keep]
    else:
        lpairs, lpieces, lha = Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64)), \
            np.zeros(0, dtype=object), np.zeros(0)
    groups = np.concatenate([pairs.site, lpairs.site])
    all_pieces = np.concatenate([pieces, lpieces])
    all_ha = np.concatenate([ha, lha])
    live = ~shapely.is_empty(all_pieces)
    order = np.argsort(groups[live], kind="stable")
    union_ha, _ = union_areas(groups[live][order], all_pieces[live][order], all_ha[live][order], n)
    covered = covered_shares(sites, site_ha, idx.coverage)
    near_row, near_m = nearest(sites, idx, lat, first_m=search_reach(sec))
    d_at, l_at = group_starts(pairs.site, n), group_starts(lpairs.site, n)
    rows, lrows = pairs.row.tolist(), lpairs.row.tolist()
    dist_l, ha_l, lha_l = dist.tolist(), ha.tolist(), lha.tolist()
    out = []
    for i in range(n):
        a, b = d_at[i], d_at[i + 1]
        deps = [(rows[j], dist_l[j], pieces[j], ha_l[j]) for j in range(a, b)]
        a, b = l_at[i], l_at[i + 1]
        salt = [(lrows[j], lpieces[j], lha_l[j]) for j in range(a, b)]
        ni = int(near_row[i])
        out.append(MineralsMeasure(deps, salt, float(union_ha[i]), float(covered[i]),
                                   None if ni < 0 else ni, float(near_m[i])))
    return out


# --------------------------------------------------------------------------- base
def base_measures(sites: np.ndarray, site_ha: np.ndarray, lat: np.ndarray, project: Project,
                  layers: ScreeningLayers, config: CheckConfig) -> list[BaseMeasure]:
    """:func:`geo.checks.base.measure` of every site."""
    idx, n = _loaded(layers.bases, "bases"), len(sites)
    pairs, _, ha = overlaps(sites, idx)
    inside: list[int | None] = [None] * n
    share = [0.0] * n
    for s, r, h in zip(pairs.site.tolist(), pairs.row.tolist(), ha.tolist()):
        v = h / site_ha[s] if site_ha[s] else 0.0  # containing_base: the first largest share
        if v > share[s]:
            inside[s], share[s] = r, min(1.0, v)
    near_row = np.array([-1 if r is None else r for r in inside], dtype=np.int64)
    near_m = np.zeros(n)
    out_pos = np.flatnonzero(near_row < 0)
    rows, dist = nearest(sites, idx, lat, subset=out_pos)
    near_row[out_pos], near_m[out_pos] = rows[out_pos], dist[out_pos]
    admits = admitting_bases(layers, project.product, config) if project.product else {}
    arows = np.array(list(admits), dtype=np.int64)
    admit_m: list[dict[int, float]] = [{} for _ in range(n)]
    if len(arows):
        ps = np.repeat(np.arange(n), len(arows))
        pr = np.tile(arows, n)
        keep = pr != near_row[ps]
        ps, pr = ps[keep], pr[keep]
        d = _listed_distances(sites, idx, Pairs(ps, pr), lat,
                              int(config.section("base").get("list_admitting", 5)))
        for s, r, v in zip(ps.tolist(), pr.tolist(), d.tolist()):
            admit_m[s][r] = v
    return [BaseMeasure(inside[i], share[i], int(near_row[i]), float(near_m[i]), admit_m[i])
            for i in range(n)]


def _listed_distances(sites: np.ndarray, idx: LayerIndex, pairs: Pairs, lat: np.ndarray,
                      limit: int) -> np.ndarray:
    """Distances of (site, admitting base) pairs for the check's list of the ``limit``
    nearest admitting bases: exact (the per-site rule) for every pair that can be among a
    site's ``limit`` nearest, ``inf`` for the others (farther than every listed one: they are
    neither listed nor shown, so they are not measured)."""
    lo, hi = distance_bounds(sites, idx, pairs, lat)
    need = among_least(pairs.site, lo, hi, len(sites), limit)
    d = np.full(len(pairs), np.inf)
    d[need] = pair_distances(sites[pairs.site[need]], idx.geoms[pairs.row[need]],
                             lat[pairs.site[need]])
    return d


# --------------------------------------------------------------------------- terrain
def terrain_cells(sites: np.ndarray, layers: ScreeningLayers
                  ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, Dem]]:
    """:func:`geo.checks.terrain.dem_cells` of every site: (elev, slope, centre, DEM used) each.

    The sites are measured on the imported finer DEM first; those it does not cover whole
    (:func:`geo.checks.terrain.covers_site`) again on the province DEM, as one site's check does.
    """
    grids = dem_grids(layers)
    if not grids:
        raise ValueError("the dem layer is not loaded")
    out: list[Any] = [None] * len(sites)
    todo = np.arange(len(sites))
    for dem, slope_grid in grids:
        cells = grid_cells(sites[todo], dem, slope_grid)
        last = dem is grids[-1][0]
        bounds = shapely.bounds(sites[todo])
        rest = []
        for k, i in enumerate(todo.tolist()):
            if last or covers_site(cells[k][0], tuple(bounds[k]), dem):
                out[i] = (*cells[k], dem)
            else:
                rest.append(i)
        todo = np.asarray(rest, dtype=np.int64)
        if not len(todo):
            break
    return out


def grid_cells(sites: np.ndarray, dem: Dem, slope_grid: np.ndarray
               ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`geo.checks.terrain.grid_cells` of every site on one DEM: (elev, slope, centre).

    The DEM window of every site is read at once: one array of (site, cell)
    pairs, cell boxes and centres tested against their sites with shapely 2
    array predicates.
    """
    n = len(sites)
    tr = dem.transform
    b = shapely.bounds(sites)
    (c_lo, c_hi), (r_lo, r_hi) = cell_window((b[:, 0], b[:, 1], b[:, 2], b[:, 3]), tr,
                                             dem.elev.shape)
    nc, nr = np.maximum(c_hi - c_lo, 0), np.maximum(r_hi - r_lo, 0)
    counts = (nc * nr).astype(np.int64)
    site = np.repeat(np.arange(n), counts)
    k = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    # cells in row-major order of each window (np.meshgrid(cols, rows).ravel())
    ncs = np.repeat(nc, counts)
    cc = np.repeat(c_lo, counts) + k % np.maximum(ncs, 1)
    rr = np.repeat(r_lo, counts) + k // np.maximum(ncs, 1)
    x0, y0 = tr.c + tr.a * cc, tr.f + tr.e * rr
    boxes = shapely.box(x0, y0 + tr.e, x0 + tr.a, y0)
    touch = shapely.intersects(sites[site], boxes)
    centre = shapely.contains_xy(sites[site], x0 + tr.a / 2, y0 + tr.e / 2)
    site, cc, rr, centre = site[touch], cc[touch], rr[touch], centre[touch]
    elev, slope = dem.elev[rr, cc], slope_grid[rr, cc]
    at = group_starts(site, n)
    return [(elev[at[i]:at[i + 1]], slope[at[i]:at[i + 1]], centre[at[i]:at[i + 1]])
            for i in range(n)]


# --------------------------------------------------------------------------- chain
def chain_distances(points: np.ndarray, product: str) -> list[Mapping[str, float]]:
    """Geodesic distance (km) from each point to every host of the partners of ``product``
    (what :func:`geo.chains.adjacency.nearest_hosts` measures, for all points at once);
    empty when the vocabulary does not know the product."""
    from ..chains.adjacency import host_keys
    from ..chains.graph import default_graph, feeds_in, feeds_out

    graph = default_graph()
    node = graph.graph["vocabulary"].resolve(product)
    n = len(points)
    if node is None or node not in graph:
        return [{} for _ in range(n)]
    partners = set(feeds_in(graph, node)) | set(feeds_out(graph, node))
    keys = sorted({k for p in partners for k in host_keys(graph, p)})
    m = len(keys)
    if n == 0 or m == 0:
        return [{} for _ in range(n)]
    hx = np.array([graph.nodes[k]["lon"] for k in keys], dtype=float)
    hy = np.array([graph.nodes[k]["lat"] for k in keys], dtype=float)
    px, py = shapely.get_x(points), shapely.get_y(points)
    _, _, d = GEOD.inv(np.repeat(px, m), np.repeat(py, m), np.tile(hx, n), np.tile(hy, n))
    km = (np.asarray(d, dtype=float) / 1000.0).reshape(n, m)
    return [dict(zip(keys, row)) for row in km.tolist()]


# --------------------------------------------------------------------------- land use, controls
def landuse_pieces(sites: np.ndarray, site_ha: np.ndarray, idx: LayerIndex
                   ) -> list[tuple[list[tuple[int, float]], float]]:
    """:func:`geo.checks.landuse.measure` of every site: ([(row, overlap_ha)], covered)."""
    n = len(sites)
    pairs, _, ha = overlaps(sites, idx)
    covered = covered_shares(sites, site_ha, idx.coverage)
    at = group_starts(pairs.site, n)
    rows, ha_l = pairs.row.tolist(), ha.tolist()
    return [([(rows[j], ha_l[j]) for j in range(at[i], at[i + 1])], float(covered[i]))
            for i in range(n)]


def control_overlaps(sites: np.ndarray, idx: LayerIndex, config: CheckConfig
                     ) -> list[tuple[list[tuple[int, BaseGeometry, float]], float]]:
    """:func:`geo.checks.controls.measure_overlaps` of every site: ([(row, piece, ha)], union ha)."""
    n = len(sites)
    pairs, pieces, ha = overlaps(sites, idx)
    keep = ha > min_overlap_ha(config)
    pairs, pieces, ha = pairs.take(keep), pieces[keep], ha[keep]
    union_ha, _ = union_areas(pairs.site, pieces, ha, n)
    at = group_starts(pairs.site, n)
    rows, ha_l = pairs.row.tolist(), ha.tolist()
    return [([(rows[j], pieces[j], ha_l[j]) for j in range(at[i], at[i + 1])],
             float(union_ha[i])) for i in range(n)]


def control_inside(sites: np.ndarray, site_ha: np.ndarray, idx: LayerIndex
                   ) -> tuple[list[tuple[list[int], BaseGeometry, float]], np.ndarray]:
    """:func:`geo.checks.controls.measure_inside` of every site, and the shares covered."""
    n = len(sites)
    covered = covered_shares(sites, site_ha, idx.coverage)
    pairs = Pairs.from_query(idx.tree.query(sites, predicate="intersects"))
    at = group_starts(pairs.site, n)
    inside = np.array([shapely.union_all(idx.geoms[pairs.row[at[i]:at[i + 1]]])
                       if at[i + 1] > at[i] else shapely.Polygon() for i in range(n)],
                      dtype=object)
    judged = sites.copy()
    part = covered < 1.0
    judged[part] = shapely.intersection(sites[part], idx.coverage)
    outside = shapely.difference(judged, inside)
    out_ha = areas_ha(outside)
    rows = pairs.row.tolist()
    return [(rows[at[i]:at[i + 1]], outside[i], float(out_ha[i])) for i in range(n)], covered


# --------------------------------------------------------------------------- buildable
def buildable(sites: np.ndarray, site_ha: np.ndarray, cuts: list[BaseGeometry | None]
              ) -> list[tuple[BaseGeometry, float]]:
    """:func:`geo.screen.buildable_area` of every site from its :func:`geo.screen.buildable_cut`."""
    out: list[tuple[BaseGeometry, float]] = [(s, float(h)) for s, h in zip(sites, site_ha)]
    cut = np.flatnonzero(np.array([c is not None for c in cuts], dtype=bool))
    if len(cut):
        rest = shapely.difference(sites[cut], np.array([cuts[i] for i in cut], dtype=object))
        for i, g, h in zip(cut.tolist(), rest, areas_ha(rest).tolist()):
            out[i] = (g, h)
    return out
