"""Check 5: terrain (elevation and slope) from the DEM.

Cells of the DEM window over the site are sampled: those whose centre lies in
the site, or, when fewer than ``terrain.min_cells`` centres do, every cell
touching it. Elevation min/mean/max and slope mean/max (slope precomputed
once per DEM with per-latitude metre spacing, :func:`geo.dem.slope_degrees`).

* UNKNOWN: no DEM, no DEM value over the site, or the DEM coarser than the
  site (fewer than ``min_cells`` cell centres inside): the elevation is then
  reported as indicative with the reason;
* FAIL / WARN / PASS: max slope above ``fail_slope_deg`` / ``warn_slope_deg`` / not.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import math

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..dem import cell_size_m
from .config import CheckConfig
from .result import CheckResult

if TYPE_CHECKING:  # pragma: no cover
    from ..layers_index import ScreeningLayers

__all__ = ["terrain_check", "dem_cells"]


def dem_cells(site: BaseGeometry, layers: ScreeningLayers
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Elevations and slopes of the DEM cells over ``site`` and which are centre cells.

    Returns
    -------
    elev, slope : ndarray
        Values of every cell touching the site (NaN for no data).
    centre : ndarray of bool
        True where the cell centre lies inside the site.
    """
    dem = layers.dem
    tr = dem.transform
    h, w = dem.elev.shape
    west, south, east, north = site.bounds
    c0, r0 = ~tr @ (west, north)
    c1, r1 = ~tr @ (east, south)
    cmin, cmax = sorted((c0, c1))
    rmin, rmax = sorted((r0, r1))
    cols = np.arange(max(0, math.floor(cmin)), min(w, math.floor(cmax) + 1))
    rows = np.arange(max(0, math.floor(rmin)), min(h, math.floor(rmax) + 1))
    if len(cols) == 0 or len(rows) == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0, bool)
    cc, rr = np.meshgrid(cols, rows)
    cc, rr = cc.ravel(), rr.ravel()
    x0, y0 = tr.c + tr.a * cc, tr.f + tr.e * rr
    boxes = shapely.box(x0, y0 + tr.e, x0 + tr.a, y0)
    touch = shapely.intersects(site, boxes)
    centre = shapely.contains_xy(site, x0 + tr.a / 2, y0 + tr.e / 2)
    cc, rr, centre = cc[touch], rr[touch], centre[touch]
    return dem.elev[rr, cc], layers.slope[rr, cc], centre


def _stats(elev: np.ndarray, slope: np.ndarray) -> dict:
    return {"elev_mean": float(np.nanmean(elev)), "elev_min": float(np.nanmin(elev)),
            "elev_max": float(np.nanmax(elev)), "slope_mean": float(np.nanmean(slope)),
            "slope_max": float(np.nanmax(slope))}


def terrain_check(site: BaseGeometry, site_ha: float, layers: ScreeningLayers,
                  config: CheckConfig) -> CheckResult:
    """Elevation and slope over ``site`` (lon/lat polygon).

    Returns
    -------
    CheckResult
        metrics: ``elev_mean``, ``elev_min``, ``elev_max`` (m), ``slope_mean``,
        ``slope_max`` (degrees), ``n_cells`` used, ``n_centre_cells``,
        ``cell_w_m``, ``cell_h_m``, ``indicative`` (True when UNKNOWN for
        coarseness).
    """
    rule = config.rule("terrain")
    if layers.dem is None:
        return CheckResult("terrain", "UNKNOWN", rule=rule, message_key="chk.no_layer",
                           params={"layer_zh": "数字高程模型", "layer_en": "DEM"})
    sec = config.section("terrain")
    min_cells = int(sec.get("min_cells", 9))
    elev, slope, centre = dem_cells(site, layers)
    valid = ~np.isnan(elev)
    cw, chh = cell_size_m(layers.dem)
    data_used = [{"layer": "dem", "source": layers.dem.tags.get("source", ""),
                  "source_date": layers.dem.tags.get("source_date", ""),
                  "accuracy": layers.dem.tags.get("accuracy", "derived")}]
    base = {"cell_w_m": cw, "cell_h_m": chh, "n_centre_cells": int((centre & valid).sum()),
            "min_cells": min_cells}
    if not valid.any():
        return CheckResult("terrain", "UNKNOWN", base, [], rule, data_used, "chk.no_coverage",
                           {"layer_zh": "数字高程模型", "layer_en": "DEM"})
    use = centre & valid if (centre & valid).sum() >= min_cells else valid
    metrics = {**base, **_stats(elev[use], slope[use]), "n_cells": int(use.sum())}
    params = {**{k: metrics[k] for k in ("elev_mean", "elev_min", "elev_max",
                                          "slope_mean", "slope_max")},
              "cell_km": max(cw, chh) / 1000.0, "n_centres": base["n_centre_cells"],
              "min_cells": min_cells, "site_ha": site_ha,
              "warn": float(sec.get("warn_slope_deg", 15)), "fail": float(sec.get("fail_slope_deg", 25))}
    if base["n_centre_cells"] < min_cells:
        metrics["indicative"] = True
        return CheckResult("terrain", "UNKNOWN", metrics, [], rule, data_used,
                           "chk.terrain.coarse", params)
    metrics["indicative"] = False
    if metrics["slope_max"] > params["fail"]:
        status, key = "FAIL", "chk.terrain.fail"
    elif metrics["slope_max"] > params["warn"]:
        status, key = "WARN", "chk.terrain.warn"
    else:
        status, key = "PASS", "chk.terrain.pass"
    return CheckResult("terrain", status, metrics, [], rule, data_used, key, params)
