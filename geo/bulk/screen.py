"""Every check of the registry for many sites at once: :func:`screen_bulk`.

Gives, per site and check, the status, message key and figures that
:func:`geo.screen.screen_site` gives one site at a time, by the same rules:

* every check that measures geometry is measured for the whole chunk with
  array operations (the red line here, the others in :mod:`.checks`: one
  STRtree query per layer for all sites, shapely 2 intersections, bulk
  geodesic nearest/within, DEM windows) and decided per site by that check's
  own ``decide``, the decision the per-site check makes (one rule, two ways to
  measure);
* quota, land-use standard and industry policy (nothing to measure) run their
  registry ``run(ctx)`` per site; a check whose answer is the same for every
  site (the industry policy; a control-line or land-use check with no layer)
  runs once per chunk;
* the verdicts, buildable area and indicative layers come from
  :func:`geo.screen.screen_result`, as for one site.

One row per site: ``site_id, lon, lat, area_ha, buildable_ha, overall``
(compliance verdict over the binding checks), ``suitability`` (advisory score)
and ``suitability_band``, ``error``, then for each check ``<check>_status``,
``<check>_key`` and the figures of :data:`FIGURES` (``<check>_<column>``),
then ``indicative`` (the layers used whose data is indicative) and, for extra
layers (``extra={"farmland": LayerIndex}``), ``<name>_overlap_ha``,
``<name>_overlap_share``, ``<name>_n``, ``<name>_ids`` -- measurements only.

A site that is not a lon/lat polygon gets ``error`` (the reason) and no
statuses; the others are screened. Areas are ellipsoidal hectares, distances
geodesic metres, coordinates (lon, lat) EPSG:4326.
"""
from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ..checks import base, chain, controls, landuse, minerals, redline, terrain
from ..checks.base import BaseMeasure
from ..checks.config import CheckConfig, load_config
from ..checks.context import CheckContext
from ..checks.controls import control_kinds
from ..checks.minerals import MineralsMeasure
from ..checks.redline import RedlineMeasure, rings_m, zone
from ..checks.registry import CheckSpec, check_ids, registry, run_order_for
from ..checks.result import CheckResult, Project, ScreenResult
from ..errors import InputError, QPAError
from ..rules_tables import ControlKind, control_kind, held
from ..sandbox import BATCH, Limits, guarded
from ..site_input import make_valid_polygonal, repair_polygon
from .checks import (base_measures, buildable, chain_distances, control_inside, control_overlaps,
                     covered_shares, landuse_pieces, minerals_measures, terrain_cells)
from .measure import (Pairs, areas_ha, group_reduce, group_starts, nearest, overlaps,
                      site_latitudes, union_areas, within_rings)

if TYPE_CHECKING:  # pragma: no cover
    from ..dem import Dem
    from ..layers_index import LayerIndex, ScreeningLayers

__all__ = ["FIGURES", "TEXT_KINDS", "prepare_sites", "screen_bulk", "columns", "text_columns", "warm"]

#: Column kinds of the registry written as text (the others are numbers).
TEXT_KINDS = frozenset({"text", "loc", "list", "code", "status", "yesno"})


def _figure_columns(spec: CheckSpec) -> tuple[tuple[str, str, bool], ...]:
    """(metric key, output column, is text) of a check: its figures, then its batch figures."""
    out: list[tuple[str, str, bool]] = []
    for col in spec.figures:
        if col.kind == "loc":
            out += [(f"{col.key}_{lang}", f"{col.csv_name}_{lang}", True) for lang in ("zh", "en")]
        else:
            out.append((col.key, col.csv_name, col.kind in TEXT_KINDS))
    seen = {m for m, _, _ in out}
    out += [(key, key, key.endswith("_id")) for key in spec.batch_figures if key not in seen]
    return tuple(out)


#: Figures per check, from the registry: (metric key of the CheckResult, output column).
FIGURES: dict[str, tuple[tuple[str, str], ...]] = {
    spec.id: tuple((m, c) for m, c, _ in _figure_columns(spec)) for spec in registry()}
_HEAD = ["site_id", "lon", "lat", "area_ha", "buildable_ha", "overall", "suitability",
         "suitability_band", "error"]
_HEAD_TEXT = {"site_id", "overall", "suitability_band", "error", "indicative"}


def _closure(checks: Sequence[str] | None) -> list[str]:
    """``checks`` (default every check) with the checks they need, in registry order."""
    wanted = {s.id for s in run_order_for(check_ids() if checks is None else checks)}
    return [c for c in check_ids() if c in wanted]


def columns(checks: Sequence[str] | None = None, extra: Sequence[str] = (),
            rings: Sequence[float] = ()) -> list[str]:
    """Output columns of :func:`screen_bulk`, in order (``rings``: the red-line ring counts)."""
    checks = _closure(checks)
    cols = list(_HEAD)
    for c in checks:
        cols += [f"{c}_status", f"{c}_key"] + [f"{c}_{col}" for _, col in FIGURES[c]]
    if "redline" in checks:
        cols += [f"redline_n_within_{int(r)}_m" for r in rings]
    for name in extra:
        cols += [f"{name}_overlap_ha", f"{name}_overlap_share", f"{name}_n", f"{name}_ids"]
    return cols + ["indicative"]


def text_columns(checks: Sequence[str] | None = None, extra: Sequence[str] = ()) -> set[str]:
    """The columns of :func:`columns` that hold text (the others hold numbers)."""
    out = set(_HEAD_TEXT) | {f"{name}_ids" for name in extra}
    for spec in registry():
        if spec.id in _closure(checks):
            out |= {f"{spec.id}_status", f"{spec.id}_key"}
            out |= {f"{spec.id}_{col}" for _, col, text in _figure_columns(spec) if text}
    return out


# --------------------------------------------------------------------------- sites
def prepare_sites(geoms: np.ndarray, limits: Limits = BATCH) -> tuple[np.ndarray, np.ndarray]:
    """Repaired lon/lat polygons and the reason each unusable one is unusable ("" when fine).

    The rule of :func:`geo.screen.prepare_site` on arrays, bounded the same way: 2D,
    polygons only; a site of more than ``limits.max_feature_vertices`` vertices or with
    coordinates outside lon/lat ranges is refused **before** any repair; the invalid
    ones are then repaired (:func:`geo.site_input.repair_polygon`'s rule, keeping the
    polygonal parts) in the sandbox under ``limits`` (:func:`_repair`), so a
    self-crossing ring whose repair would take minutes ends in ``input.err.timeout``.
    """
    geoms = np.asarray(geoms, dtype=object).copy()
    err = np.full(len(geoms), "", dtype=object)
    missing = shapely.is_missing(geoms)
    geoms[missing] = shapely.Polygon()
    geoms = shapely.force_2d(geoms)
    err[~np.isin(shapely.get_type_id(geoms), (3, 6, 7))] = "err.site_type"  # 7: a collection
    err[shapely.is_empty(geoms)] = "err.site_empty"
    err[(err == "") & (shapely.get_num_coordinates(geoms) > limits.max_feature_vertices)] = \
        "input.err.too_many_feature_vertices"
    err[(err == "") & ~_in_lonlat_range(geoms)] = "err.site_range"
    _repair(geoms, np.flatnonzero((err == "") & ~shapely.is_valid(geoms)), err, limits)
    err[(err == "") & ~np.isin(shapely.get_type_id(geoms), (3, 6))] = "err.site_type"
    err[(err == "") & shapely.is_empty(geoms)] = "err.site_empty"
    shapely.prepare(geoms[err == ""])
    return geoms, err


def _in_lonlat_range(geoms: np.ndarray) -> np.ndarray:
    """Whether every coordinate of each geometry is a finite lon/lat (checked before repair:
    shapely's bounds skip NaN, so the coordinates are checked too)."""
    b = shapely.bounds(geoms)
    with np.errstate(invalid="ignore"):
        ok = (b[:, 0] >= -180) & (b[:, 2] <= 180) & (b[:, 1] >= -90) & (b[:, 3] <= 90)
    coords, which = shapely.get_coordinates(geoms, return_index=True)
    bad = np.zeros(len(geoms), dtype=bool)
    bad[which[~np.isfinite(coords).all(axis=1)]] = True
    return np.asarray(ok & ~bad, dtype=bool)


def _repair(geoms: np.ndarray, todo: np.ndarray, err: np.ndarray, limits: Limits) -> None:
    """Repair ``geoms[todo]`` in place; one that cannot be repaired in time gets its key in ``err``.

    All of them are repaired in one sandboxed child under ``limits`` (one fork per chunk);
    if that child overruns or fails, each is repaired on its own
    (:func:`~geo.site_input.repair_polygon`: small ones here, others in a child under
    ``limits``) until the chunk has spent twice ``limits.wall_seconds`` more, and those left
    then get ``input.err.timeout``: a chunk of hostile rings costs a bounded time, not hours.
    """
    if not len(todo):
        return
    try:
        fixed = guarded(make_valid_polygonal, list(geoms[todo]), limits=limits)
    except QPAError:
        fixed = None
    if fixed is not None:
        for i, g in zip(todo, fixed):
            _repaired(geoms, err, i, g)
        return
    deadline = time.monotonic() + 2 * limits.wall_seconds
    for i in todo:
        if time.monotonic() > deadline:
            err[i] = "input.err.timeout"
            continue
        try:
            _repaired(geoms, err, i, repair_polygon(geoms[i], limits))
        except InputError as exc:
            err[i] = exc.key


def _repaired(geoms: np.ndarray, err: np.ndarray, i: int, g: BaseGeometry | None) -> None:
    """Put the repair of site ``i`` in place; no polygon left is ``err.site_type``, as
    :func:`geo.screen.prepare_site` says it."""
    if g is None:
        geoms[i], err[i] = shapely.Polygon(), "err.site_type"
    else:
        geoms[i] = g


# --------------------------------------------------------------------------- red line
def _redline_measures(sites: np.ndarray, site_ha: np.ndarray, layers: ScreeningLayers,
                      config: CheckConfig, ring_counts: bool = True
                      ) -> list[RedlineMeasure]:
    """:func:`geo.checks.redline.measure` of every site, from array measurements.

    The same overlaps, coverage, nearest zone and zones within each ring as the
    per-site measure; ring membership comes from :func:`~.measure.within_rings`
    (exact distances only where cheap bounds cannot decide), so the measure
    lists the zones within each ring (``within``) but not each one's distance
    (``near`` is empty): a bulk row reports the ring counts, not the per-zone
    evidence of the site report. Without ``ring_counts``, and when every zone
    has the same provenance, the rings change nothing a row shows: they are
    not measured (``rings_measured=False``) and only the nearest zone is.
    """
    idx, n = layers.redline, len(sites)
    assert idx is not None  # _deciders measures only with a red-line layer
    min_ha = float(config.section("redline").get("min_overlap_ha", 0.0))
    pairs, pieces, ha = overlaps(sites, idx)
    keep = ha > min_ha
    pairs, pieces, ha = pairs.take(keep), pieces[keep], ha[keep]
    over_ha, _ = union_areas(pairs.site, pieces, ha, n)
    lat = site_latitudes(sites)
    rings = rings_m(config)
    has = np.bincount(pairs.site, minlength=n) > 0
    alert = float(config.section("redline").get("alert_within_m", 0) or 0)
    radii = rings or [max(alert, 1000.0)]
    measured = ring_counts or not idx.uniform_provenance()
    if measured:
        rpairs, inside, _, known = within_rings(sites, idx, radii, lat, nearest_of=~has)
        near_row, near_m = nearest(sites, idx, lat, subset=np.flatnonzero(~has),
                                   first_m=radii[-1], known=known)
    else:
        rpairs, inside = Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64)), \
            np.zeros((0, len(radii)), dtype=bool)
        near_row, near_m = nearest(sites, idx, lat, subset=np.flatnonzero(~has))
    covered = covered_shares(sites, site_ha, idx.coverage)
    p_at, r_at = group_starts(pairs.site, n), group_starts(rpairs.site, n)
    zones: dict[int, dict[str, Any]] = {}
    out = []
    for i in range(n):
        a, b = p_at[i], p_at[i + 1]
        mine = []
        for r, h, geom in zip(pairs.row[a:b].tolist(), ha[a:b].tolist(), pieces[a:b]):
            if r not in zones:
                zones[r] = zone(layers, r)
            mine.append({**zones[r], "row": r, "overlap_ha": h,
                         "overlap_share": h / site_ha[i] if site_ha[i] else 0.0, "geometry": geom})
        ra, rb = r_at[i], r_at[i + 1]
        rows_i = rpairs.row[ra:rb]
        within_rows = {r: rows_i[inside[ra:rb, j]].tolist() for j, r in enumerate(rings)}
        if mine:
            nearest_i, nearest_m = mine[0]["row"], 0.0
        else:
            nearest_i = int(near_row[i]) if near_row[i] >= 0 else None
            nearest_m = float(near_m[i])
        out.append(RedlineMeasure(mine, float(over_ha[i]) if mine else 0.0, float(covered[i]),
                                  [], nearest_i, nearest_m, within_rows, measured))
    return out


Decider = Callable[[int, CheckContext], CheckResult]


def _deciders(sites: np.ndarray, site_ha: np.ndarray, project: Project, layers: ScreeningLayers,
              config: CheckConfig, order: Sequence[CheckSpec], ring_counts: bool = True
              ) -> dict[str, Decider]:
    """``{check id: decide(j, ctx)}`` of the checks measured here with arrays for the whole
    chunk; each gives site ``j``'s result by the per-site check's own decision function.

    Checks whose layer is not loaded, and checks that measure nothing (quota,
    land-use standard, industry policy), are left to their ``run(ctx)``.
    """
    ids = {s.id for s in order}
    lat = site_latitudes(sites)
    out: dict[str, Decider] = {}
    if "redline" in ids and layers.redline is not None:
        out["redline"] = _redline_decider(
            _redline_measures(sites, site_ha, layers, config, ring_counts), project, layers, config)
    if "minerals" in ids and layers.deposits is not None:
        out["minerals"] = _minerals_decider(
            minerals_measures(sites, site_ha, lat, layers, config), layers, config)
    if "base" in ids and layers.bases is not None and len(layers.bases):
        out["base"] = _base_decider(
            base_measures(sites, site_ha, lat, project, layers, config), project, layers, config)
    if "terrain" in ids and terrain.dem_grids(layers):
        out["terrain"] = _terrain_decider(terrain_cells(sites, layers), layers, config)
    product = project.product
    if "chain" in ids and product and product.strip():
        points = shapely.point_on_surface(sites)
        out["chain"] = _chain_decider(shapely.get_x(points).tolist(), shapely.get_y(points).tolist(),
                                      chain_distances(points, product), product, config)
    landuse_idx = layers.layer("landuse")
    if "landuse" in ids and landuse_idx is not None:
        out["landuse"] = _landuse_decider(landuse_pieces(sites, site_ha, landuse_idx),
                                          landuse_idx, config)
    for kind_id in control_kinds():
        idx = layers.layer(kind_id)
        if kind_id not in ids or idx is None:
            continue
        kind = control_kind(kind_id)
        if kind.control == "must_lie_inside":
            inside, covered = control_inside(sites, site_ha, idx)
            out[kind_id] = _inside_decider(kind, idx, inside, covered)
        else:
            out[kind_id] = _overlap_decider(kind, idx, control_overlaps(sites, idx, config),
                                            covered_shares(sites, site_ha, idx.coverage))
    if len(sites):
        # checks whose answer is the same for every site: the industry policy (the project's
        # product only) and a land-use or control-line check with no layer (UNKNOWN, no data):
        # their own run(ctx) once per chunk
        same = {"industry_policy"} | {k for k in ("landuse", *control_kinds())
                                      if layers.layer(k) is None}
        ctx = CheckContext(sites[0], float(site_ha[0]), project, layers, config)
        for spec in order:
            if spec.id in same and spec.id not in out:
                out[spec.id] = _constant(spec.run(ctx))
    return out


def _constant(result: CheckResult) -> Decider:
    return lambda j, ctx: result


def _redline_decider(measures: list[RedlineMeasure], project: Project, layers: ScreeningLayers,
                     config: CheckConfig) -> Decider:
    return lambda j, ctx: redline.decide(measures[j], ctx.site_ha, project, layers, config)


def _minerals_decider(measures: list[MineralsMeasure], layers: ScreeningLayers,
                      config: CheckConfig) -> Decider:
    return lambda j, ctx: minerals.decide(measures[j], ctx.site_ha, layers, config)


def _base_decider(measures: list[BaseMeasure], project: Project, layers: ScreeningLayers,
                  config: CheckConfig) -> Decider:
    return lambda j, ctx: base.decide(measures[j], project, layers, config)


def _terrain_decider(cells: list[tuple[np.ndarray, np.ndarray, np.ndarray, Dem]],
                     layers: ScreeningLayers, config: CheckConfig) -> Decider:
    return lambda j, ctx: terrain.decide(*cells[j][:3], ctx.site_ha, cells[j][3], layers, config)


def _chain_decider(lon: list[float], lat: list[float], host_km: list[Mapping[str, float]],
                   product: str, config: CheckConfig) -> Decider:
    from ..chains import chain_adjacency

    return lambda j, ctx: chain.decide(
        chain_adjacency(lon[j], lat[j], product, host_km=host_km[j]), product, config)


def _landuse_decider(pieces: list[tuple[list[tuple[int, float]], float]], idx: LayerIndex,
                     config: CheckConfig) -> Decider:
    return lambda j, ctx: landuse.decide(pieces[j][0], pieces[j][1], ctx.site_ha, idx,
                                         ctx.result("farmland"), config)


def _inside_decider(kind: ControlKind, idx: LayerIndex,
                    inside: list[tuple[list[int], BaseGeometry, float]], covered: np.ndarray
                    ) -> Decider:
    return lambda j, ctx: controls.decide_inside(ctx, kind, idx, *inside[j], float(covered[j]))


def _overlap_decider(kind: ControlKind, idx: LayerIndex,
                     measured: list[tuple[list[tuple[int, BaseGeometry, float]], float]],
                     covered: np.ndarray) -> Decider:
    return lambda j, ctx: controls.decide_overlap(ctx, kind, idx, *measured[j], float(covered[j]))


# --------------------------------------------------------------------------- rows
def _value(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return ",".join(str(x) for x in v)
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        return v.item()
    return v


def _row(res: ScreenResult, rings: Sequence[float]) -> dict[str, Any]:
    """One output row of a ScreenResult: position, verdicts, every status and figure."""
    pt = res.site.representative_point()
    suit = res.suitability
    row = {"lon": pt.x, "lat": pt.y, "area_ha": res.area_ha, "buildable_ha": res.buildable_ha,
           "overall": res.overall, "suitability": suit.score if suit else None,
           "suitability_band": suit.band if suit else None,
           "indicative": ",".join(res.indicative_layers)}
    for r in res.results:
        row[f"{r.check}_status"], row[f"{r.check}_key"] = r.status, r.message_key
        for metric, col in FIGURES[r.check]:
            row[f"{r.check}_{col}"] = _value(r.metrics.get(metric))
        if r.check == "redline":
            for ring in rings:
                within_ids = r.metrics.get(f"within_{int(ring)}_m")
                row[f"redline_n_within_{int(ring)}_m"] = \
                    None if within_ids is None else len(within_ids)
    return row


def _extra(sites: np.ndarray, site_ha: np.ndarray, name: str, idx: LayerIndex) -> dict[str, Any]:
    """Overlap of each site with an extra layer: ha (union), share, count, row ids."""
    n = len(sites)
    ids_of = np.array([str(idx.get(i, "id", i)) for i in range(len(idx))], dtype=object)
    pairs, pieces, ha = overlaps(sites, idx)
    keep = ha > 0
    pairs, pieces, ha = pairs.take(keep), pieces[keep], ha[keep]
    over_ha, _ = union_areas(pairs.site, pieces, ha, n)
    ids = np.full(n, "", dtype=object)
    if len(pairs):
        starts = np.flatnonzero(np.r_[True, pairs.site[1:] != pairs.site[:-1]])
        names = ids_of[pairs.row]
        ids[pairs.site[starts]] = [",".join(g) for g in np.split(names, starts[1:])]
    return {f"{name}_overlap_ha": over_ha,
            f"{name}_overlap_share": np.where(site_ha > 0, over_ha / np.where(site_ha > 0, site_ha, 1),
                                              0.0),
            f"{name}_n": group_reduce(pairs.site, ha, n, "count", 0).astype(int),
            f"{name}_ids": ids}


# --------------------------------------------------------------------------- entry
def _screen_chunk(sites: np.ndarray, site_ids: np.ndarray, project: Project,
                  layers: ScreeningLayers, config: CheckConfig, checks: Sequence[str] | None,
                  extra: dict[str, LayerIndex], rings: bool = False) -> pd.DataFrame:
    from ..screen import buildable_cut, screen_result

    with held():  # one version of the rules for the whole chunk
        geoms, err = prepare_sites(sites)
        ok = np.flatnonzero(err == "")
        g = geoms[ok]
        order = run_order_for(check_ids() if checks is None else checks)
        ring_m = rings_m(config) if rings else []
        site_ha = areas_ha(g)
        deciders = _deciders(g, site_ha, project, layers, config, order, ring_counts=rings)
        contexts = []
        for j in range(len(g)):
            ctx = CheckContext(g[j], float(site_ha[j]), project, layers, config)
            for spec in order:
                decide_j = deciders.get(spec.id)
                ctx.results[spec.id] = decide_j(j, ctx) if decide_j else spec.run(ctx)
            contexts.append(ctx)
        cuts = [buildable_cut([ctx.results[s.id] for s in registry() if s.id in ctx.results])
                for ctx in contexts]
        built = buildable(g, site_ha, cuts)
        rows = [_row(screen_result(ctx, built[j]), ring_m) for j, ctx in enumerate(contexts)]
    body = pd.DataFrame(rows, index=ok)
    ext = pd.DataFrame(index=ok)
    for name, idx in extra.items():
        for col, values in _extra(g, site_ha, name, idx).items():
            ext[col] = values
    names = columns(checks, list(extra), ring_m)
    frame = pd.concat([body, ext], axis=1).reindex(index=range(len(geoms)), columns=names)
    frame["site_id"] = np.asarray(site_ids, dtype=object)
    frame["error"] = [None if e == "" else e for e in err]
    frame["geometry"] = geoms
    return frame.reset_index(drop=True)


def warm(layers: ScreeningLayers, config: CheckConfig, checks: Sequence[str] | None = None) -> None:
    """Build once, before workers are forked, what each would otherwise build for itself:
    the red-line layer's share of the provincial red line (a union of every zone) and the
    seed trees of the nearest searches. Forked workers inherit them."""
    from ..checks.redline import layer_share_of_province
    from .measure import point_tree

    ids = set(_closure(checks))
    if "redline" in ids and layers.redline is not None and len(layers.redline):
        layer_share_of_province(layers, config)
        point_tree(layers.redline)
    for name, check in (("bases", "base"), ("deposits", "minerals")):
        idx = getattr(layers, name)
        if check in ids and idx is not None and len(idx):
            point_tree(idx)


_STATE: dict[str, Any] = {}


def _work(item: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    sites, ids = item
    s = _STATE
    return _screen_chunk(sites, ids, s["project"], s["layers"], s["config"], s["checks"],
                         s["extra"], s["rings"])


def screen_bulk(sites: ArrayLike, project: Project | None = None,
                layers: ScreeningLayers | None = None, config: CheckConfig | None = None,
                site_ids: ArrayLike | None = None, checks: Sequence[str] | None = None, extra: dict[str, Any] | None = None,
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
    checks : sequence of str, optional
        Check ids of the registry to run (default all); the checks they need
        run too and are reported, and the verdicts are over the checks run.
    extra : dict of name -> LayerIndex, optional
        More polygon layers to measure overlap with (no status).
    workers : int
        Processes (fork), each screening chunks of ``chunk`` sites.
    rings : bool
        Also report the number of red-line zones within each ring of
        ``redline.rings_m`` (``redline_n_within_<r>_m``).

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
    checks = _closure(checks)
    extra = dict(extra or {})
    clash = sorted(set(extra) & set(checks))
    if clash:
        raise InputError(f"extra layers {clash} are named like checks that run: their columns "
                         "would collide; give them another name or load them as that check's layer",
                         key="err.bulk_extra_name", names=", ".join(clash))
    if workers <= 1 or len(sites) <= chunk or "fork" not in mp.get_all_start_methods():
        parts = [_screen_chunk(sites[a:a + chunk], ids[a:a + chunk], project, layers, config,
                               checks, extra, rings) for a in range(0, max(len(sites), 1), chunk)]
    else:
        warm(layers, config, checks)
        _STATE.update(project=project, layers=layers, config=config, checks=checks, extra=extra,
                      rings=rings)
        items = [(sites[a:a + chunk], ids[a:a + chunk]) for a in range(0, len(sites), chunk)]
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_work, items, chunksize=1)
    return pd.concat(parts, ignore_index=True)
