"""The six checks for many sites at once: :func:`screen_bulk`.

Gives, per site and check, the status, message key and figures that
:func:`geo.screen.screen_site` gives one site at a time, from array
measurements (:mod:`.measure`) and array status rules (:mod:`.decide`). One
row per site:

``site_id, lon, lat, area_ha, buildable_ha, overall, error``, then for each
check ``<check>_status``, ``<check>_key`` and the figures of :data:`FIGURES`
(``<check>_<column>``), then ``indicative`` (the layers used whose data is
indicative) and, for extra layers (``extra={"farmland": LayerIndex}``),
``<name>_overlap_ha``, ``<name>_overlap_share``, ``<name>_n``,
``<name>_ids`` -- measurements only: their verdict belongs to the check
registry of issue 10.

A site that is not a lon/lat polygon gets ``error`` (the reason) and no
statuses; the others are screened. Areas are ellipsoidal hectares, distances
geodesic metres, coordinates (lon, lat) EPSG:4326.
"""
from __future__ import annotations

import multiprocessing as mp
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd
import shapely

from ..checks.base import admitting_bases
from ..checks.config import CheckConfig, load_config
from ..checks.minerals import is_important
from ..checks.redline import zone_is_core
from ..checks.result import CHECKS, Project
from ..quota import with_remaining
from . import decide
from .measure import (Pairs, areas_ha, dem_cells, group_reduce, local_buffers, nearest,
                      overlaps, site_latitudes, union_areas, within)

__all__ = ["FIGURES", "prepare_sites", "screen_bulk", "columns"]

#: Figures per check: (metric key of the per-site CheckResult, output column).
FIGURES: dict[str, tuple[tuple[str, str], ...]] = {
    "redline": (("overlap_ha", "overlap_ha"), ("overlap_share", "overlap_share"),
                ("distance_m", "distance_m"), ("n_overlapped", "n_overlapped"),
                ("nearest_id", "nearest_id")),
    "minerals": (("overlap_ha", "overlap_ha"), ("overlap_share", "overlap_share"),
                 ("distance_m", "distance_m"), ("n_important", "n_important"),
                 ("n_deposits", "n_deposits"), ("n_salt_lakes", "n_salt_lakes"),
                 ("nearest_id", "nearest_id")),
    "base": (("base_id", "base_id"), ("nearest_base_id", "nearest_base_id"),
             ("share_inside", "share_inside"), ("distance_m", "distance_m"),
             ("n_admitting", "n_admitting")),
    "quota": (("remaining_ha", "remaining_ha"), ("requested_ha", "requested_ha"),
              ("year", "year"), ("use_share", "use_share")),
    "terrain": (("elev_mean", "elev_mean_m"), ("elev_min", "elev_min_m"),
                ("elev_max", "elev_max_m"), ("slope_mean", "slope_mean_deg"),
                ("slope_max", "slope_max_deg"), ("n_cells", "n_cells"),
                ("n_centre_cells", "n_centre_cells")),
    "chain": (("score", "score"), ("upstream_score", "upstream_score"),
              ("downstream_score", "downstream_score"), ("missing", "missing")),
}
_POINTLIKE = ("Point", "MultiPoint", "LineString", "MultiLineString")


def columns(checks: Sequence[str] = CHECKS, extra: Sequence[str] = ()) -> list[str]:
    """Output columns of :func:`screen_bulk`, in order."""
    cols = ["site_id", "lon", "lat", "area_ha", "buildable_ha", "overall", "error"]
    for c in checks:
        cols += [f"{c}_status", f"{c}_key"] + [f"{c}_{col}" for _, col in FIGURES[c]]
    for name in extra:
        cols += [f"{name}_overlap_ha", f"{name}_overlap_share", f"{name}_n", f"{name}_ids"]
    return cols + ["indicative"]


# --------------------------------------------------------------------------- sites
def prepare_sites(geoms) -> tuple[np.ndarray, np.ndarray]:
    """Repaired lon/lat polygons and the reason each unusable one is unusable ("" when fine).

    The rule of :func:`geo.screen.prepare_site` on arrays: 2D, invalid ones
    made valid (keeping polygonal parts), polygons only, lon/lat ranges.
    """
    geoms = np.asarray(geoms, dtype=object).copy()
    err = np.full(len(geoms), "", dtype=object)
    missing = shapely.is_missing(geoms)
    geoms[missing] = shapely.Polygon()
    geoms = shapely.force_2d(geoms)
    bad = ~shapely.is_valid(geoms)
    for i in np.flatnonzero(bad):
        g = shapely.make_valid(geoms[i])
        if g.geom_type == "GeometryCollection":
            polys = [p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")]
            g = shapely.union_all(polys) if polys else shapely.Polygon()
        geoms[i] = g
    types = shapely.get_type_id(geoms)
    err[~np.isin(types, (3, 6))] = "err.site_type"
    err[shapely.is_empty(geoms)] = "err.site_empty"
    b = shapely.bounds(geoms)
    with np.errstate(invalid="ignore"):
        out = (b[:, 0] < -180) | (b[:, 2] > 180) | (b[:, 1] < -90) | (b[:, 3] > 90)
    err[(err == "") & out] = "err.site_range"
    shapely.prepare(geoms[err == ""])
    return geoms, err


# --------------------------------------------------------------------------- context
@dataclass
class _Ctx:
    sites: np.ndarray
    lat: np.ndarray
    site_ha: np.ndarray
    covered: np.ndarray
    project: Project
    layers: object
    config: CheckConfig
    cols: dict = field(default_factory=dict)
    statuses: list = field(default_factory=list)
    cut: list = field(default_factory=list)          # (site positions, pieces) cutting buildable
    indicative: dict = field(default_factory=dict)   # layer -> bool per site
    rings: bool = False                              # count red lines within the rings

    @property
    def n(self) -> int:
        return len(self.sites)

    def put(self, check: str, status, key, figures: dict) -> None:
        self.cols[f"{check}_status"] = status
        self.cols[f"{check}_key"] = key
        for metric, col in FIGURES[check]:
            self.cols[f"{check}_{col}"] = figures.get(metric, np.full(self.n, None, dtype=object))
        self.statuses.append(status)

    def flag(self, layer: str, values) -> None:
        prev = self.indicative.get(layer, np.zeros(self.n, bool))
        self.indicative[layer] = prev | np.broadcast_to(np.asarray(values, bool), (self.n,))


def _layer_meta(index, cache: dict) -> dict:
    """Per-row arrays of a layer computed once (ids, indicative rows, layer-wide flag)."""
    key = ("bulk_meta", index.name, id(index))
    if key not in cache:
        recs = index._records
        ids = np.array([str(index.get(i, "id", i)) for i in range(len(recs))], dtype=object)
        ind = np.array([str(index.get(i, "accuracy", "")).lower() == "indicative"
                        for i in range(len(recs))], dtype=bool)
        whole = any(str(p.get("accuracy", "")).lower() == "indicative" for p in index.provenance([]))
        cache[key] = {"ids": ids, "indicative": ind, "whole": whole}
    return cache[key]


def _ids(meta: dict, rows: np.ndarray) -> np.ndarray:
    out = np.full(len(rows), None, dtype=object)
    ok = rows >= 0
    out[ok] = meta["ids"][rows[ok]]
    return out


def _any_rows(n: int, site: np.ndarray, rows: np.ndarray, per_row: np.ndarray) -> np.ndarray:
    return group_reduce(site, per_row[rows], n, "any", 0.0).astype(bool)


def _nan(n: int) -> np.ndarray:
    return np.full(n, np.nan)


def _masked(values, mask: np.ndarray) -> np.ndarray:
    """``values`` where ``mask``, else no figure (NaN for numbers, None for text)."""
    values = np.asarray(values)
    if values.dtype.kind in "biuf":
        return np.where(mask, values.astype(float), np.nan)
    out = np.full(len(mask), None, dtype=object)
    out[mask] = values[mask]
    return out


# --------------------------------------------------------------------------- checks
def _redline(ctx: _Ctx) -> None:
    idx, config, n = ctx.layers.redline, ctx.config, ctx.n
    if idx is None:
        status, key = decide.redline(False, ctx.covered, *(np.zeros(n, bool),) * 3, _nan(n),
                                     ctx.project, config)
        return ctx.put("redline", status, key, {})
    meta = _layer_meta(idx, ctx.layers._cache)
    sec = config.section("redline")
    live = np.flatnonzero(ctx.covered)
    pairs, pieces, ha = overlaps(ctx.sites, idx)
    keep = ctx.covered[pairs.site] & (ha > float(sec.get("min_overlap_ha", 0.0)))
    pairs, pieces, ha = pairs.take(keep), pieces[keep], ha[keep]
    n_over = group_reduce(pairs.site, ha, n, "count", 0).astype(int)
    over_ha, unions = union_areas(pairs.site, pieces, ha, n)
    key = ("bulk_core", id(idx), id(config))
    if key not in ctx.layers._cache:
        ctx.layers._cache[key] = np.array(
            [zone_is_core(idx.get(i, "control_level"), config) for i in range(len(idx))], dtype=bool)
    core = _any_rows(n, pairs.site, pairs.row, ctx.layers._cache[key])
    rings = sorted(float(r) for r in sec.get("rings_m", [1000, 5000, 10000]))
    mixed = 0 < meta["indicative"].sum() < len(idx)
    if rings and (ctx.rings or mixed):
        rpairs, rdist = within(ctx.sites, idx, rings[-1], ctx.lat, subset=live)
    else:
        rpairs, rdist = Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64)), np.zeros(0)
    near_row = np.full(n, -1, dtype=np.int64)
    near_m = _nan(n)
    has = n_over > 0
    first = np.flatnonzero(np.r_[True, pairs.site[1:] != pairs.site[:-1]]) if len(pairs) else []
    near_row[pairs.site[first]] = pairs.row[first]
    near_m[has] = 0.0
    rest = live[~has[live]]
    first_m = max(float(sec.get("alert_within_m", 0) or 0), 1000.0)
    r_rows, r_m = nearest(ctx.sites, idx, ctx.lat, subset=rest, first_m=first_m)
    near_row[rest], near_m[rest] = r_rows[rest], r_m[rest]
    found = near_row >= 0
    status, key = decide.redline(True, ctx.covered, has, core, found, near_m, ctx.project, config)
    share = np.where(ctx.site_ha > 0, over_ha / np.where(ctx.site_ha > 0, ctx.site_ha, 1), 0.0)
    c = ctx.covered
    figures = {"overlap_ha": _masked(over_ha, c), "overlap_share": _masked(share, c),
               "distance_m": _masked(near_m, c), "n_overlapped": _masked(n_over, c),
               "nearest_id": _masked(_ids(meta, near_row), c)}
    for r in rings if ctx.rings else []:
        ctx.cols[f"redline_n_within_{int(r)}_m"] = _masked(
            group_reduce(rpairs.site, rdist <= r, n, "sum", 0).astype(int), c)
    ctx.put("redline", status, key, figures)
    ctx.cut.append((pairs.site, pieces))
    used = _any_rows(n, pairs.site, pairs.row, meta["indicative"]) | \
        _any_rows(n, rpairs.site, rpairs.row, meta["indicative"]) | \
        (found & meta["indicative"][np.where(found, near_row, 0)] if len(idx) else False)
    if len(idx) == 0:
        used = np.full(n, meta["whole"])
    ctx.flag(idx.name, used & c)


def _deposit_pieces(ctx: _Ctx, idx, sec: dict, live: np.ndarray):
    buf_m = float(sec.get("deposit_buffer_m", 1000))
    poly_m = float(sec.get("deposit_polygon_buffer_m", 0))
    reach = max(buf_m, poly_m)
    pairs, dist = within(ctx.sites, idx, reach, ctx.lat, subset=live)
    pointlike = np.isin(shapely.get_type_id(idx.geoms), (0, 1, 4, 5))
    limit = np.where(pointlike[pairs.row], reach, poly_m)
    keep = dist <= limit
    pairs, dist = pairs.take(keep), dist[keep]
    pl = pointlike[pairs.row]
    bodies = np.empty(len(pairs), dtype=object)
    segs = max(2, int(sec.get("circle_segments", 32)) // 4)
    lat = ctx.lat[pairs.site]
    bodies[pl] = local_buffers(idx.geoms[pairs.row[pl]], buf_m, lat[pl], quad_segs=segs)
    bodies[~pl] = local_buffers(idx.geoms[pairs.row[~pl]], poly_m, lat[~pl])
    pieces = shapely.intersection(ctx.sites[pairs.site], bodies) if len(pairs) else bodies
    return pairs, dist, pieces


def _deposit_rows(idx, sec: dict) -> tuple[np.ndarray, np.ndarray]:
    fail_scales = set(sec.get("fail_scales", ["large", "medium"]))
    unknown_fails = bool(sec.get("unknown_scale_fails", True))
    important = np.array([is_important(idx.get(i, "important")) for i in range(len(idx))], bool)
    scale = [idx.get(i, "scale") for i in range(len(idx))]
    fails = np.array([imp and (s in fail_scales or (s is None and unknown_fails))
                      for imp, s in zip(important, scale)], dtype=bool)
    return important, fails


def _salt_pieces(ctx: _Ctx, sec: dict):
    idx = ctx.layers.salt_lakes
    counted = set(sec.get("salt_lake_minerals", ["K", "Li", "B"]))
    strategic = set(sec.get("salt_lake_strategic", ["K", "Li"]))
    minerals = [{m.strip() for m in str(idx.get(i, "minerals", "")).split(",") if m.strip()}
                for i in range(len(idx))]
    counts = np.array([bool(counted & m) for m in minerals], dtype=bool)
    strat = np.array([bool(strategic & m) for m in minerals], dtype=bool)
    pairs = Pairs.from_query(idx.tree.query(ctx.sites, predicate="intersects"))
    pairs = pairs.take(ctx.covered[pairs.site] & counts[pairs.row]) if len(idx) else pairs
    pairs, pieces, ha = overlaps(ctx.sites, idx, pairs)
    keep = ha > float(sec.get("min_overlap_ha", 0.0))
    return pairs.take(keep), pieces[keep], strat


def _minerals(ctx: _Ctx) -> None:
    idx, n = ctx.layers.deposits, ctx.n
    if idx is None:
        status, key = decide.minerals(False, ctx.covered, np.zeros(n), np.zeros(n, bool),
                                      np.zeros(n, bool))
        return ctx.put("minerals", status, key, {})
    sec = ctx.config.section("minerals")
    meta = _layer_meta(idx, ctx.layers._cache)
    live = np.flatnonzero(ctx.covered)
    important, fails = _deposit_rows(idx, sec)
    dpairs, ddist, dpieces = _deposit_pieces(ctx, idx, sec, live)
    if ctx.layers.salt_lakes is not None:
        spairs, spieces, strat = _salt_pieces(ctx, sec)
    else:
        spairs, spieces, strat = Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64)), \
            np.zeros(0, dtype=object), np.zeros(0, bool)
    n_dep = group_reduce(dpairs.site, ddist, n, "count", 0).astype(int)
    n_salt = group_reduce(spairs.site, spairs.row, n, "count", 0).astype(int)
    n_imp = (group_reduce(dpairs.site, important[dpairs.row], n, "sum", 0)
             + group_reduce(spairs.site, strat[spairs.row], n, "sum", 0)).astype(int)
    any_fail = _any_rows(n, dpairs.site, dpairs.row, fails) | _any_rows(n, spairs.site, spairs.row, strat)
    site = np.r_[dpairs.site, spairs.site]
    pieces = np.r_[dpieces, spieces] if len(site) else np.zeros(0, dtype=object)
    nonempty = ~shapely.is_empty(pieces) if len(pieces) else np.zeros(0, bool)
    order = np.argsort(site[nonempty], kind="stable")
    psite, ppieces = site[nonempty][order], pieces[nonempty][order]
    over_ha, _ = union_areas(psite, ppieces, areas_ha(ppieces), n)
    near_row, near_m = nearest(ctx.sites, idx, ctx.lat, subset=live)
    found = near_row >= 0
    piece_min = np.fmin(group_reduce(dpairs.site, ddist, n, "min"),
                        np.where(n_salt > 0, 0.0, np.nan))
    near_m = np.where(found & ~np.isnan(piece_min), np.fmin(near_m, piece_min), near_m)
    n_pieces = n_dep + n_salt
    status, key = decide.minerals(True, ctx.covered, n_pieces, any_fail, found)
    share = np.where(ctx.site_ha > 0, over_ha / np.where(ctx.site_ha > 0, ctx.site_ha, 1), 0.0)
    c = ctx.covered
    ctx.put("minerals", status, key, {
        "overlap_ha": _masked(over_ha, c), "overlap_share": _masked(share, c),
        "distance_m": _masked(near_m, c), "n_important": _masked(n_imp, c),
        "n_deposits": _masked(n_dep, c), "n_salt_lakes": _masked(n_salt, c),
        "nearest_id": _masked(_ids(meta, near_row), c)})
    ctx.cut.append((psite, ppieces))
    dep_rows = (n_dep > 0) | found
    used = _any_rows(n, dpairs.site, dpairs.row, meta["indicative"]) | \
        (found & meta["indicative"][np.where(found, near_row, 0)] if len(idx) else False)
    ctx.flag(idx.name, c & np.where(dep_rows, used, meta["whole"]))
    if ctx.layers.salt_lakes is not None:
        smeta = _layer_meta(ctx.layers.salt_lakes, ctx.layers._cache)
        sused = _any_rows(n, spairs.site, spairs.row, smeta["indicative"])
        ctx.flag(ctx.layers.salt_lakes.name, c & np.where(n_salt > 0, sused, smeta["whole"]))


def _containing(ctx: _Ctx, idx) -> tuple[np.ndarray, np.ndarray]:
    """Row of the base holding the largest share of each site (-1: none) and that share."""
    n = ctx.n
    pairs, _, ha = overlaps(ctx.sites, idx)
    s = ha / np.where(ctx.site_ha[pairs.site] > 0, ctx.site_ha[pairs.site], np.inf)
    best = np.full(n, -1, dtype=np.int64)
    share = np.zeros(n)
    count = np.bincount(pairs.site, minlength=n) if len(pairs) else np.zeros(n, int)
    one = (count[pairs.site] == 1) & (s > 0)
    best[pairs.site[one]] = pairs.row[one]
    share[pairs.site[one]] = np.minimum(1.0, s[one])
    for j in np.flatnonzero(count[pairs.site] > 1):  # the per-site scan, in row order
        i = pairs.site[j]
        if s[j] > share[i]:
            best[i], share[i] = pairs.row[j], min(1.0, s[j])
    return best, share


def _base(ctx: _Ctx) -> tuple[np.ndarray, np.ndarray]:
    idx, n, product = ctx.layers.bases, ctx.n, ctx.project.product
    if idx is None or len(idx) == 0:
        status, key = decide.base(False, n, product, None, None, None, None, ctx.config)
        ctx.put("base", status, key, {})
        return np.full(n, -1, np.int64), np.zeros(n)
    meta = _layer_meta(idx, ctx.layers._cache)
    inside, share = _containing(ctx, idx)
    near_row = inside.copy()
    near_m = np.where(inside >= 0, 0.0, np.nan)
    out = np.flatnonzero(inside < 0)
    r_rows, r_m = nearest(ctx.sites, idx, ctx.lat, subset=out)
    near_row[out], near_m[out] = r_rows[out], r_m[out]
    admits = admitting_bases(ctx.layers, product, ctx.config) if product else {}
    admit_row = np.zeros(len(idx), bool)
    admit_row[list(admits)] = True
    matched = admit_row[near_row]
    limit = int(ctx.config.section("base").get("list_admitting", 5))
    others = (len(admits) - matched.astype(int) > 0) & (limit > 0)
    status, key = decide.base(True, n, product, inside >= 0, matched, others, share, ctx.config)
    ctx.put("base", status, key, {
        "base_id": _ids(meta, inside), "nearest_base_id": meta["ids"][near_row],
        "share_inside": share, "distance_m": near_m,
        "n_admitting": np.full(n, len(admits))})
    listed = np.array(list(admits)[:10], dtype=np.int64)
    ctx.flag(idx.name, meta["indicative"][near_row] | bool(meta["indicative"][listed].any()))
    return inside, share


def _quota(ctx: _Ctx, inside: np.ndarray, share: np.ndarray) -> None:
    layers, n, config = ctx.layers, ctx.n, ctx.config
    project = ctx.project
    requested = np.full(n, float(project.area_ha)) if project.area_ha is not None else ctx.site_ha
    if layers.quotas is None or layers.bases is None:
        status, key, _ = decide.quota(False, np.zeros(n, bool), np.zeros(n, bool), requested,
                                      _nan(n), config)
        return ctx.put("quota", status, key, {})
    meta = _layer_meta(layers.bases, layers._cache) if len(layers.bases) else {"ids": np.zeros(0)}
    base_ids = _ids(meta, inside) if len(layers.bases) else np.full(n, None, dtype=object)
    in_base = (inside >= 0) & (share >= float(config.section("quota").get("min_share_inside", 0.5)))
    table = with_remaining(layers.quotas).to_dict("records")
    rows = {(str(r["base_id"]), int(r["year"])): r for r in table}
    fields = ("remaining_ha", "allocated_ha", "used_ha", "reserved_ha")
    got = {f: _nan(n) for f in fields}
    year = np.full(n, None, dtype=object)
    found = np.zeros(n, bool)
    indic = np.zeros(n, bool)
    for bid in set(base_ids[in_base]):
        sel = in_base & (base_ids == bid)
        y = project.year
        if y is None:
            years = [yy for (b, yy) in rows if b == str(bid)]
            y = max(years) if years else None
        row = rows.get((str(bid), int(y))) if y is not None else None
        if row is None:
            continue
        found[sel] = True
        year[sel] = int(y)
        for f in fields:
            got[f][sel] = float(row[f])
        indic[sel] = str(row.get("accuracy", "")).lower() == "indicative"
    status, key, use = decide.quota(True, in_base, found, requested, got["remaining_ha"], config)
    ctx.put("quota", status, key, {
        "remaining_ha": _masked(got["remaining_ha"], found),
        "requested_ha": _masked(requested, found), "year": _masked(year, found),
        "use_share": _masked(use, found)})
    ctx.flag("quotas", indic & found)


def _terrain(ctx: _Ctx) -> None:
    dem, n, config = ctx.layers.dem, ctx.n, ctx.config
    if dem is None:
        status, key = decide.terrain(False, np.zeros(n, bool), np.zeros(n), _nan(n), config)
        return ctx.put("terrain", status, key, {})
    min_cells = int(config.section("terrain").get("min_cells", 9))
    site, rr, cc, centre = dem_cells(ctx.sites, dem)
    elev, slope = dem.elev[rr, cc], ctx.layers.slope[rr, cc]
    valid = ~np.isnan(elev)
    n_centre = group_reduce(site, centre & valid, n, "sum", 0).astype(int)
    any_valid = group_reduce(site, valid, n, "any", 0).astype(bool)
    use = valid & np.where(n_centre[site] >= min_cells, centre, True)
    s, e, sl = site[use], elev[use], slope[use]
    count = group_reduce(s, e, n, "count", 0)
    sl_ok = ~np.isnan(sl)
    with np.errstate(invalid="ignore", divide="ignore"):
        stats = {"elev_mean": group_reduce(s, e, n, "sum", 0) / count,
                 "elev_min": group_reduce(s, e, n, "min"), "elev_max": group_reduce(s, e, n, "max"),
                 "slope_mean": group_reduce(s[sl_ok], sl[sl_ok], n, "sum", 0)
                 / group_reduce(s[sl_ok], sl[sl_ok], n, "count", 0),
                 "slope_max": group_reduce(s, sl, n, "max")}
    status, key = decide.terrain(True, any_valid, n_centre, stats["slope_max"], config)
    figures = {k: _masked(v, any_valid) for k, v in stats.items()}
    figures["n_cells"] = _masked(count.astype(int), any_valid)
    figures["n_centre_cells"] = n_centre
    ctx.put("terrain", status, key, figures)
    ctx.flag("dem", str(dem.tags.get("accuracy", "derived")).lower() == "indicative")


def _chain(ctx: _Ctx) -> None:
    from ..chains import default_graph, load_scoring
    from ..chains.graph import feeds_in, feeds_out, hosts
    from ..geodesy import GEOD

    n, product = ctx.n, ctx.project.product
    scoring = load_scoring()
    none = {"score": _nan(n), "missing": np.full(n, None, dtype=object)}
    unscored = {**none, "upstream_score": _nan(n), "downstream_score": _nan(n),
                "missing": np.full(n, "", dtype=object)}
    if not product or not product.strip():
        status, key, _ = decide.chain(n, "no_product", None, False, scoring)
        return ctx.put("chain", status, key, none)
    graph = default_graph()
    node = graph.graph["vocabulary"].resolve(product)
    if node is None or node not in graph:
        status, key, _ = decide.chain(n, "unknown_product", None, False, scoring)
        return ctx.put("chain", status, key, unscored)
    dist = scoring["distance"]
    detour, full_km, half_km = float(dist["detour_factor"]), float(dist["full_km"]), float(dist["half_km"])
    adj = scoring["adjacency"]
    keep_end = bool(adj.get("include_end_use", False))
    pts = shapely.point_on_surface(ctx.sites)
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    sides: dict[str, list[np.ndarray]] = {"upstream": [], "downstream": []}
    missing = []
    for side, products in (("upstream", feeds_in(graph, node)), ("downstream", feeds_out(graph, node))):
        for p in sorted(products):
            if graph.nodes[p].get("kind") == "end_use" and not keep_end:
                continue
            kind = graph.nodes[p].get("kind")
            keys = hosts(graph, p, ("resource", "base") if kind == "raw" else ("base",))
            if not keys:
                sides[side].append(np.zeros(n))
                missing.append(p)
                continue
            hx = np.array([graph.nodes[k]["lon"] for k in keys], dtype=float)
            hy = np.array([graph.nodes[k]["lat"] for k in keys], dtype=float)
            _, _, d = GEOD.inv(np.repeat(x, len(keys)), np.repeat(y, len(keys)),
                               np.tile(hx, n), np.tile(hy, n))
            road = detour * (np.asarray(d).reshape(n, len(keys)).min(axis=1) / 1000.0)
            sides[side].append(np.where(road <= full_km, 1.0, 0.5 ** ((road - full_km) / half_km)))
    if not sides["upstream"] and not sides["downstream"]:
        status, key, _ = decide.chain(n, "no_partners", None, False, scoring)
        return ctx.put("chain", status, key, unscored)
    means = {s: (np.mean(v, axis=0) if v else None) for s, v in sides.items()}
    weights = [(adj["upstream_weight"], means["upstream"]), (adj["downstream_weight"], means["downstream"])]
    total_w = sum(w for w, s in weights if s is not None)
    score = sum(w * s for w, s in weights if s is not None) / total_w if total_w else np.zeros(n)
    status, key, _ = decide.chain(n, "ok", score, bool(missing), scoring)
    ctx.put("chain", status, key, {
        "score": score,
        "upstream_score": means["upstream"] if means["upstream"] is not None else _nan(n),
        "downstream_score": means["downstream"] if means["downstream"] is not None else _nan(n),
        "missing": np.full(n, ",".join(missing), dtype=object)})


def _extra(ctx: _Ctx, name: str, idx) -> None:
    """Overlap of each site with an extra layer: ha (union), share, count, row ids."""
    n = ctx.n
    meta = _layer_meta(idx, ctx.layers._cache)
    pairs, pieces, ha = overlaps(ctx.sites, idx)
    keep = ha > 0
    pairs, pieces, ha = pairs.take(keep), pieces[keep], ha[keep]
    over_ha, _ = union_areas(pairs.site, pieces, ha, n)
    ids = np.full(n, "", dtype=object)
    if len(pairs):
        starts = np.flatnonzero(np.r_[True, pairs.site[1:] != pairs.site[:-1]])
        names = meta["ids"][pairs.row]
        ids[pairs.site[starts]] = [",".join(g) for g in np.split(names, starts[1:])]
    ctx.cols[f"{name}_overlap_ha"] = over_ha
    ctx.cols[f"{name}_overlap_share"] = np.where(ctx.site_ha > 0, over_ha / np.where(
        ctx.site_ha > 0, ctx.site_ha, 1), 0.0)
    ctx.cols[f"{name}_n"] = group_reduce(pairs.site, ha, n, "count", 0).astype(int)
    ctx.cols[f"{name}_ids"] = ids


def _buildable(ctx: _Ctx) -> np.ndarray:
    """Area of each site minus the union of its red-line and mineral overlap pieces.

    As :func:`geo.screen.buildable_area`, the difference polygon is measured
    (one array difference over the sites with pieces): its edges along the
    site's edges are not those of the pieces, so subtracting areas would not
    give the same figure.
    """
    out = ctx.site_ha.copy()
    site = np.concatenate([s for s, _ in ctx.cut]) if ctx.cut else np.zeros(0, np.int64)
    if len(site) == 0:
        return out
    pieces = np.concatenate([p for _, p in ctx.cut])
    order = np.argsort(site, kind="stable")
    site, pieces = site[order], pieces[order]
    counts = np.bincount(site, minlength=ctx.n)
    cut = np.empty(ctx.n, dtype=object)
    one = counts[site] == 1
    cut[site[one]] = pieces[one]
    _, unions = union_areas(site[~one], pieces[~one], np.zeros(int((~one).sum())), ctx.n)
    for i, g in unions.items():
        cut[i] = g
    hit = np.flatnonzero(counts)
    out[hit] = areas_ha(shapely.difference(ctx.sites[hit], np.asarray(cut[hit], dtype=object)))
    return out


def _indicative(ctx: _Ctx) -> np.ndarray:
    out = np.full(ctx.n, "", dtype=object)
    for name in sorted(ctx.indicative):
        flag = ctx.indicative[name]
        out[flag] = np.where(out[flag] == "", name, out[flag] + "," + name)
    return out


# --------------------------------------------------------------------------- entry
def _screen_chunk(sites, site_ids, project, layers, config, checks, extra, rings=False
                  ) -> pd.DataFrame:
    geoms, err = prepare_sites(sites)
    ok = np.flatnonzero(err == "")
    g = geoms[ok]
    n = len(g)
    ctx = _Ctx(sites=g, lat=site_latitudes(g), site_ha=areas_ha(g),
               covered=shapely.covers(layers.coverage, g).astype(bool),
               project=project, layers=layers, config=config, rings=rings)
    body: dict = {}
    if n:
        if "redline" in checks:
            _redline(ctx)
        if "minerals" in checks:
            _minerals(ctx)
        if "base" in checks or "quota" in checks:
            inside, share = _base(ctx)
        if "quota" in checks:
            _quota(ctx, inside, share)
        if "terrain" in checks:
            _terrain(ctx)
        if "chain" in checks:
            _chain(ctx)
        for name, idx in extra.items():
            _extra(ctx, name, idx)
        pts = shapely.point_on_surface(g)
        body = {"lon": shapely.get_x(pts), "lat": shapely.get_y(pts), "area_ha": ctx.site_ha,
                "buildable_ha": _buildable(ctx),
                "overall": decide.overall([ctx.cols[f"{c}_status"] for c in checks],
                                          config.status_order) if checks else None,
                **ctx.cols, "indicative": _indicative(ctx)}
    names = columns(checks, list(extra))
    names += [c for c in ctx.cols if c not in names]
    frame = pd.DataFrame({c: body[c] for c in names if c in body}, index=ok)
    frame = frame.reindex(index=range(len(geoms)), columns=names)
    frame["site_id"] = np.asarray(site_ids, dtype=object)
    frame["error"] = np.where(err == "", None, err)
    frame["geometry"] = geoms
    return frame.reset_index(drop=True)


_STATE: dict = {}


def _work(item):
    sites, ids = item
    s = _STATE
    return _screen_chunk(sites, ids, s["project"], s["layers"], s["config"], s["checks"],
                         s["extra"], s["rings"])


def screen_bulk(sites, project: Project | None = None, layers=None, config: CheckConfig | None = None,
                site_ids=None, checks: Sequence[str] = CHECKS, extra: dict | None = None,
                workers: int = 1, chunk: int = 5000, rings: bool = False) -> pd.DataFrame:
    """Screen an array of lon/lat polygons; one row per site (input order).

    Parameters
    ----------
    sites : array of shapely geometries
    project : Project, optional
    layers : ScreeningLayers, optional
        Loaded from the bundle when omitted.
    site_ids : sequence, optional
        Default 1..n as text.
    checks : sequence of str
        Which of the six checks to run (default all; quota needs base).
    extra : dict of name -> LayerIndex, optional
        More polygon layers to measure overlap with (no status).
    workers : int
        Processes (fork), each screening chunks of ``chunk`` sites.
    rings : bool
        Also count the red-line zones within each ring of ``redline.rings_m``
        (``redline_n_within_<r>_m``; evidence of the single-site report, not a
        batch figure, and the costliest measurement).

    Returns
    -------
    DataFrame
        :func:`columns` plus ``geometry`` (the repaired site).
    """
    from ..layers_index import ScreeningLayers

    project = project or Project()
    config = config or load_config()
    layers = layers if layers is not None else ScreeningLayers.from_bundle()
    config.activity(project.activity)
    sites = np.asarray(sites, dtype=object)
    ids = np.array([str(i + 1) for i in range(len(sites))], dtype=object) if site_ids is None \
        else np.asarray(site_ids, dtype=object).astype(str)
    checks = [c for c in CHECKS if c in set(checks)]
    extra = dict(extra or {})
    if workers <= 1 or len(sites) <= chunk or "fork" not in mp.get_all_start_methods():
        parts = [_screen_chunk(sites[a:a + chunk], ids[a:a + chunk], project, layers, config,
                               checks, extra, rings) for a in range(0, max(len(sites), 1), chunk)]
    else:
        _STATE.update(project=project, layers=layers, config=config, checks=checks, extra=extra,
                      rings=rings)
        items = [(sites[a:a + chunk], ids[a:a + chunk]) for a in range(0, len(sites), chunk)]
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_work, items, chunksize=1)
    return pd.concat(parts, ignore_index=True)
