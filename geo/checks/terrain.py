"""Check 5: terrain (elevation and slope) from the DEM — advisory (适宜性).

Which DEM (:func:`dem_cells`): an imported finer DEM of part of the province
(``layers.local_dem``) when it has a value in every cell over the whole site,
else the province DEM (``layers.dem``, the bundled 0.2° overview unless another is
given); the result names the one used (``dem_used``, its source in ``data_used``,
its cell size) and says so when an imported DEM exists but does not cover the site.

Cells of the DEM window over the site are sampled: those whose centre lies in
the site, or, when fewer than ``min_cells_in_site`` centres do, every cell
touching it. Elevation min/mean/max, and the share of the site steeper than
each slope class of ``data/rules/terrain.yaml`` (:func:`geo.rules_tables.terrain_rules`;
slope precomputed once per DEM with per-latitude metre spacing,
:func:`geo.dem.slope_degrees`).

* UNKNOWN: no DEM or no DEM value over the site; or the DEM is too coarse for
  the site (fewer than ``min_cells_in_site`` cell centres inside, or cells
  larger than ``max_cell_m_for_slope``): it says so ("DEM cell ~20 km, coarser
  than the site"), shows the elevation and reports no slope figure at all;
* otherwise the worst status of the share thresholds
  (:func:`geo.rules_tables.slope_status`), else PASS.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..dem import Dem, cell_size_m
from ..rules_tables import slope_status, terrain_rules
from .config import CheckConfig
from .context import CheckContext, unknown
from .result import CheckResult

if TYPE_CHECKING:  # pragma: no cover
    from affine import Affine

    from ..layers_index import ScreeningLayers

__all__ = ["run", "decide", "dem_cells", "grid_cells", "dem_grids", "covers_site", "cell_window"]


def cell_window(bounds: tuple[Any, Any, Any, Any], tr: Affine, shape: tuple[int, ...]
                ) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """Columns ``[c_lo, c_hi)`` and rows ``[r_lo, r_hi)`` of the DEM cells over ``bounds``
    (west, south, east, north: numbers, or arrays for many sites at once)."""
    h, w = shape[0], shape[1]
    west, south, east, north = (np.asarray(v, dtype=float) for v in bounds)
    c0, r0 = ~tr @ (west, north)
    c1, r1 = ~tr @ (east, south)
    cmin, cmax = np.minimum(c0, c1), np.maximum(c0, c1)
    rmin, rmax = np.minimum(r0, r1), np.maximum(r0, r1)
    return ((np.maximum(0, np.floor(cmin)).astype(np.int64),
             np.minimum(w, np.floor(cmax) + 1).astype(np.int64)),
            (np.maximum(0, np.floor(rmin)).astype(np.int64),
             np.minimum(h, np.floor(rmax) + 1).astype(np.int64)))


def grid_cells(site: BaseGeometry, dem: Dem, slope: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Elevations and slopes of the cells of ``dem`` over ``site`` and which are centre cells.

    Returns
    -------
    elev, slope : ndarray
        Values of every cell touching the site (NaN for no data).
    centre : ndarray of bool
        True where the cell centre lies inside the site.
    """
    tr = dem.transform
    (c_lo, c_hi), (r_lo, r_hi) = cell_window(site.bounds, tr, dem.elev.shape)
    cols = np.arange(c_lo, c_hi)
    rows = np.arange(r_lo, r_hi)
    if len(cols) == 0 or len(rows) == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0, bool)
    grid_c, grid_r = np.meshgrid(cols, rows)
    cc, rr = grid_c.ravel(), grid_r.ravel()
    x0, y0 = tr.c + tr.a * cc, tr.f + tr.e * rr
    boxes = shapely.box(x0, y0 + tr.e, x0 + tr.a, y0)
    touch = shapely.intersects(site, boxes)
    centre = shapely.contains_xy(site, x0 + tr.a / 2, y0 + tr.e / 2)
    cc, rr, centre = cc[touch], rr[touch], centre[touch]
    return dem.elev[rr, cc], slope[rr, cc], centre


def covers_site(elev: np.ndarray, site_bounds: tuple[float, float, float, float], dem: Dem
                ) -> bool:
    """Whether ``dem`` covers the whole site: the site's bounds lie within the grid and every
    cell touching the site (``elev`` of :func:`grid_cells`) has a value."""
    w, s, e, n = site_bounds
    gw, gs, ge, gn = dem.bounds
    return bool(len(elev)) and gw <= w and gs <= s and e <= ge and n <= gn \
        and not np.isnan(elev).any()


def dem_grids(layers: ScreeningLayers) -> list[tuple[Dem, np.ndarray]]:
    """The DEMs a site may be measured on, the preferred first: the imported finer DEM
    (``layers.local_dem``), then the province DEM (``layers.dem``); those loaded."""
    return [(d, s) for d, s in ((layers.local_dem, layers.local_slope),
                                (layers.dem, layers.slope)) if d is not None and s is not None]


def dem_cells(site: BaseGeometry, layers: ScreeningLayers
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, Dem]:
    """:func:`grid_cells` of the DEM used for ``site``: the first of :func:`dem_grids` that
    covers the whole site (:func:`covers_site`), else the last one; and that DEM."""
    grids = dem_grids(layers)
    assert grids  # run() answers UNKNOWN without a DEM
    for dem, slope in grids[:-1]:
        elev, sl, centre = grid_cells(site, dem, slope)
        if covers_site(elev, site.bounds, dem):
            return elev, sl, centre, dem
    dem, slope = grids[-1]
    return (*grid_cells(site, dem, slope), dem)


def run(ctx: CheckContext) -> CheckResult:
    """Elevation and slope classes over the site.

    Returns
    -------
    CheckResult
        metrics: ``elev_mean``, ``elev_min``, ``elev_max`` (m), ``cell_km``,
        ``n_cells`` used, ``n_centre_cells``, ``coarse``; when the DEM is fine
        enough ``share_above_<deg>`` per class, ``share_above_warn`` /
        ``share_above_fail`` and ``slope_max`` (degrees).
        evidence: one row per slope class with the share of the site above it.
    """
    if not dem_grids(ctx.layers):
        return unknown("terrain", ctx.config.rule("terrain"), "lyr.dem")
    elev, slope, centre, dem = dem_cells(ctx.site, ctx.layers)
    return decide(elev, slope, centre, ctx.site_ha, dem, ctx.layers, ctx.config)


def decide(elev: np.ndarray, slope: np.ndarray, centre: np.ndarray, site_ha: float, dem: Dem,
           layers: ScreeningLayers, config: CheckConfig) -> CheckResult:
    """The rule of the terrain check on the cells of :func:`dem_cells` of ``dem`` (nothing is
    sampled here)."""
    rule = config.rule("terrain")
    rules = terrain_rules()
    min_cells = rules.min_cells_in_site
    valid = ~np.isnan(elev)
    cw, chh = cell_size_m(dem)
    imported = layers.local_dem is not None and dem is layers.local_dem
    data_used = [{"layer": "dem", "source": dem.tags.get("source", ""),
                  "source_date": dem.tags.get("source_date", ""),
                  "accuracy": dem.tags.get("accuracy", "derived")}]
    n_centre = int((centre & valid).sum())
    base = {"cell_w_m": cw, "cell_h_m": chh, "cell_km": max(cw, chh) / 1000.0,
            "n_centre_cells": n_centre, "min_cells": min_cells,
            "dem_used": "imported" if imported else "province"}
    # an imported DEM that does not cover the whole site: the province DEM was used, and the
    # message says so (with the imported grid's cell size) rather than asking for a finer DEM
    outside = layers.local_dem is not None and not imported
    if not valid.any():
        return unknown("terrain", rule, "lyr.dem", 0.0, metrics=base, data_used=data_used)
    use = centre & valid if n_centre >= min_cells else valid
    e = elev[use]  # valid cells only: no NaN left
    metrics = {**base, "elev_mean": float(e.mean()), "elev_min": float(e.min()),
               "elev_max": float(e.max()), "n_cells": int(e.size),
               "coarse": n_centre < min_cells or max(cw, chh) > rules.max_cell_m_for_slope}
    params: dict[str, Any] = {"elev_mean": metrics["elev_mean"], "elev_min": metrics["elev_min"],
              "elev_max": metrics["elev_max"], "cell_km": base["cell_km"],
              "n_centres": n_centre, "min_cells": min_cells, "site_ha": site_ha}
    if metrics["coarse"]:
        if outside:
            assert layers.local_dem is not None
            params["local_m"] = max(cell_size_m(layers.local_dem))
        return CheckResult("terrain", "UNKNOWN", metrics, [], rule, data_used,
                           "chk.terrain.coarse_outside_import" if outside else
                           "chk.terrain.coarse", params)
    s = slope[use]
    shares, evidence = {}, []
    for c in rules.classes:
        if c.max_deg is None:
            continue
        shares[c.id] = float(np.mean(s > c.max_deg))
        metrics[f"share_above_{c.id}"] = shares[c.id]
        # the row is the ground steeper than the class (not the class itself: "平坡 100%" read
        # as all flat when all of it was steeper than 5%)
        short_zh, short_en = c.name_zh.split("（")[0], c.name_en.split(" (")[0]
        evidence.append({"class_zh": f"陡于{short_zh}（坡度大于{c.max_pct:g}%）",
                         "class_en": f"steeper than {short_en} (above {c.max_pct:g}% grade)",
                         "above_deg": c.max_deg, "above_pct": c.max_pct, "share": shares[c.id]})
    status, worst = slope_status(shares)
    for e, cid in zip(evidence, shares):
        hit = [r for r in rules.thresholds if r.above == cid and shares[cid] >= r.min_share]
        e["status"] = max((r.status for r in hit), key=("WARN", "FAIL").index, default="PASS")
    metrics["slope_max"] = float(np.nanmax(s))
    params.update(slope_max=metrics["slope_max"])
    if worst is not None:
        cls = next(c for c in rules.classes if c.id == worst.above)
        params.update(class_zh=f"坡度大于{cls.max_pct:g}%", class_en=f"a slope above {cls.max_pct:g}%",
                      share_pct=100 * shares[worst.above], min_pct=100 * worst.min_share)
        key = "chk.terrain.steep"
    else:
        gentle = next(c for c in rules.classes if c.max_pct is not None and c.id in shares
                      and c.id != rules.classes[0].id)
        params.update(first_zh=f"坡度大于{gentle.max_pct:g}%",
                      first_en=f"a slope above {gentle.max_pct:g}%",
                      first_pct=100 * shares[gentle.id])
        key = "chk.terrain.pass"
    return CheckResult("terrain", status, metrics, evidence, rule, data_used, key, params)
