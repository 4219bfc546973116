"""Check 1: ecological protection red line (生态保护红线).

Overlap (ha, ellipsoidal; share of the site) with the zones it touches, the
geodesic distance to the nearest zone and the zones within the rings of
``checks.yaml`` (1 / 5 / 10 km). The verdict follows
``data/rules/redline_rules.yaml``:

* overlap with a core zone (核心保护区): FAIL unless the activity is in
  ``core_admitted`` (then WARN);
* overlap with another zone: FAIL unless the activity is one of the 10 kinds
  of limited human activity of 自然资发〔2022〕142号 §一.(一) (WARN naming its
  认定意见) or a 国家重大项目 (its own path, §三: WARN naming the provincial
  不可避让论证意见 and the 占用审批);
* no overlap: WARN when a zone is within ``redline.alert_within_m`` (status
  ``redline.alert_status``), else PASS "no overlap with the red-line layer in
  use (it covers N% of the provincial red line)";
* a measured overlap is always reported, even when part of the site lies
  outside the layer's coverage; UNKNOWN only when nothing overlaps and the
  site is not wholly covered (stating the share covered), or with no layer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..geodesy import area_ha
from .config import CheckConfig
from .context import CheckContext, covered_share, overlaps, unknown
from .result import CheckResult, Project

if TYPE_CHECKING:  # pragma: no cover
    from ..layers_index import ScreeningLayers

__all__ = ["RedlineMeasure", "run", "measure", "decide", "zone", "near_zones", "rings_m",
           "zone_is_core", "layer_share_of_province"]

_FIELDS = ("name_zh", "name_en", "category", "category_en", "control_level",
           "control_level_en", "legal_basis", "accuracy")


def zone_is_core(control_level: str | None, config: CheckConfig) -> bool:
    """Whether a zone's ``control_level`` is a core protection level."""
    return str(control_level or "") in set(config.redline.get("core_levels", []))


def zone(layers: ScreeningLayers, i: int) -> dict[str, Any]:
    """Id, names, category, control level, legal basis and accuracy of red-line row ``i``."""
    return dict(_zone(layers, i))


def _zone(layers: ScreeningLayers, i: int) -> dict[str, Any]:
    """:func:`zone`, the cached dict itself (not to be changed)."""
    idx = layers.redline
    assert idx is not None  # the check runs only with a red-line layer
    cache: dict[int, dict[str, Any]] = layers._cache.setdefault(("redline_zones", id(idx)), {})
    if i not in cache:  # a zone's fields are fixed: read them once per layer
        cache[i] = {"id": str(idx.get(i, "id", i)), **{f: idx.get(i, f) for f in _FIELDS}}
    return cache[i]


def layer_share_of_province(layers: ScreeningLayers, config: CheckConfig) -> float | None:
    """Area of the red-line layer in use over the provincial red line (0-1; cached).

    The provincial total is ``provincial_total_km2`` of ``redline_rules.yaml``;
    zones that overlap each other are counted once.
    """
    total_km2 = config.redline.get("provincial_total_km2")
    if not total_km2:
        return None
    idx = layers.redline
    assert idx is not None  # the check runs only with a red-line layer
    key = ("redline_share", id(idx))
    if key not in layers._cache:
        from ..bulk.measure import union_area_ha

        geoms, cover = idx.geoms, idx.coverage
        clipped = geoms.copy()
        out = ~shapely.covers(cover, geoms)  # most zones lie inside: clip only the others
        clipped[out] = shapely.intersection(geoms[out], cover)
        layers._cache[key] = min(1.0, union_area_ha(clipped) / (float(total_km2) * 100.0))
    share: float = layers._cache[key]
    return share


def layer_is_the_red_line(layers: ScreeningLayers, config: CheckConfig,
                          share: float | None) -> bool:
    """Whether "no overlap" with the red-line layer in use clears a site: every zone is
    authoritative (an official's import of the 划定成果, whatever area it covers), or the
    layer covers at least ``redline.complete_share`` of the provincial red line."""
    idx = layers.redline
    assert idx is not None  # the check runs only with a red-line layer
    key = ("redline_authoritative", id(idx))
    if key not in layers._cache:
        layers._cache[key] = len(idx.geoms) > 0 and all(
            idx.get(i, "accuracy", "") == "authoritative" for i in range(len(idx.geoms)))
    if layers._cache[key]:
        return True
    complete = float(config.section("redline").get("complete_share", 0.98))
    return share is not None and share >= complete


def _overlaps(site: BaseGeometry, site_ha: float, layers: ScreeningLayers,
              config: CheckConfig) -> list[dict[str, Any]]:
    idx = layers.redline
    assert idx is not None  # the check runs only with a red-line layer
    min_ha = float(config.section("redline").get("min_overlap_ha", 0.0))
    return [{**zone(layers, i), "row": i, "overlap_ha": ha,
             "overlap_share": ha / site_ha if site_ha else 0.0, "geometry": geom}
            for i, geom, ha in overlaps(site, idx, min_ha)]


def _rings(site: BaseGeometry, layers: ScreeningLayers, config: CheckConfig) -> list[dict[str, Any]]:
    rings = rings_m(config)
    idx = layers.redline
    assert idx is not None  # the check runs only with a red-line layer
    cand, dist = idx.within(site, rings[-1]) if rings else (np.zeros(0, int), np.zeros(0))
    return near_zones(layers, cand, dist)


def near_zones(layers: ScreeningLayers, rows: np.ndarray, dist: np.ndarray) -> list[dict[str, Any]]:
    """The zones at ``rows`` (ascending) with their distances, nearest first (ties by row)."""
    order = np.argsort(dist, kind="stable")
    return [{**zone(layers, int(rows[j])), "row": int(rows[j]), "distance_m": float(dist[j])}
            for j in order]


def _verdict_overlap(pieces: list[dict[str, Any]], project: Project, config: CheckConfig
                     ) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    act = config.activity(project.activity)
    core = [p for p in pieces if zone_is_core(p["control_level"], config)]
    core_ok = act["code"] in set(config.redline.get("core_admitted", []))
    params = {"activity_zh": act["name_zh"], "activity_en": act["name_en"],
              "activity": act["code"]}
    if act.get("path") == "major" and not core:
        params.update(requires_zh=act.get("requires_zh", ""), requires_en=act.get("requires_en", ""))
        return "WARN", "chk.redline.warn_major", config.redline_rule("overlap_major"), params
    if core and not core_ok:
        names = [p for p in core]
        params.update(core_names_zh="、".join(str(p["name_zh"]) for p in names),
                      core_names_en="; ".join(str(p["name_en"]) for p in names))
        return "FAIL", "chk.redline.fail_core", config.redline_rule("overlap_core"), params
    if not act.get("admitted"):
        return "FAIL", "chk.redline.fail", config.redline_rule("overlap_general"), params
    params.update(requires_zh=act.get("requires_zh", ""), requires_en=act.get("requires_en", ""))
    rule = config.redline_rule("overlap_core" if core else "overlap_general")
    return "WARN", "chk.redline.warn_admitted", rule, params


@dataclass
class RedlineMeasure:
    """What the red-line check measures of one site (per-site or bulk, the same fields).

    Attributes
    ----------
    pieces : list of dict
        Overlapped zones (row order): :func:`zone` fields, ``row``,
        ``overlap_ha``, ``overlap_share``, ``geometry`` (the overlap).
    overlap_ha : float
        Area of the union of the pieces.
    covered : float
        Share of the site inside the layer's coverage.
    near : list of dict
        Zones within the largest ring, nearest first: :func:`zone` fields,
        ``row``, ``distance_m`` (the evidence of the site report; empty when
        measured in bulk, which gives ``within`` instead).
    nearest_i : int or None
        Row of the nearest zone (the first piece when overlapping).
    nearest_m : float
        Its geodesic distance (0 when overlapping, NaN for an empty layer).
    within : dict of float -> list of int, optional
        Rows of the zones within each ring; by default those of ``near``
        within it.
    rings_measured : bool
        False when the bulk path left the rings out (no ring counts asked
        for, and every zone of the layer has the same provenance, so the
        rings change neither the status, the figures nor the data used):
        the result then has no ``within_<r>_m`` metrics.
    """

    pieces: list[dict[str, Any]]
    overlap_ha: float
    covered: float
    near: list[dict[str, Any]]
    nearest_i: int | None
    nearest_m: float
    within: dict[float, list[int]] | None = None
    rings_measured: bool = True

    def rows_within(self, rings: list[float]) -> dict[float, list[int]]:
        """Rows of the zones within each of ``rings`` (m); none when not measured."""
        if not self.rings_measured:
            return {r: [] for r in rings}
        if self.within is not None:
            return {r: self.within.get(r, []) for r in rings}
        return {r: [z["row"] for z in self.near if z["distance_m"] <= r] for r in rings}


def rings_m(config: CheckConfig) -> list[float]:
    """The buffer rings (m), ascending."""
    return sorted(float(r) for r in config.section("redline").get("rings_m", [1000, 5000, 10000]))


def measure(site: BaseGeometry, site_ha: float, layers: ScreeningLayers, config: CheckConfig
            ) -> RedlineMeasure:
    """Overlaps, coverage, zones within the rings and the nearest zone of one site."""
    idx = layers.redline
    assert idx is not None  # the check runs only with a red-line layer
    pieces = _overlaps(site, site_ha, layers, config)
    covered = covered_share(site, site_ha, idx.coverage)
    near = _rings(site, layers, config)
    nearest_i, nearest_m = (pieces[0]["row"], 0.0) if pieces else idx.nearest(site)
    overlap_ha = sum(p["overlap_ha"] for p in pieces)
    if len(pieces) > 1:  # zones may overlap each other: measure the union once
        overlap_ha = area_ha(shapely.union_all([p["geometry"] for p in pieces]))
    return RedlineMeasure(pieces, overlap_ha, covered, near, nearest_i, nearest_m)


def run(ctx: CheckContext) -> CheckResult:
    """Red-line overlap, distance and buffer rings of the site (:func:`measure`, :func:`decide`)."""
    if ctx.layers.redline is None:
        return unknown("redline", ctx.config.redline_rule("no_overlap"), "lyr.redline")
    return decide(measure(ctx.site, ctx.site_ha, ctx.layers, ctx.config), ctx.site_ha,
                  ctx.project, ctx.layers, ctx.config)


def decide(m: RedlineMeasure, site_ha: float, project: Project, layers: ScreeningLayers,
           config: CheckConfig) -> CheckResult:
    """The rule of the red-line check on a measurement (no geometry is measured here).

    Returns
    -------
    CheckResult
        metrics: ``overlap_ha``, ``overlap_share``, ``distance_m`` (0 when
        overlapping, NaN when the layer is empty), ``nearest_id``,
        ``nearest_name_zh/en``, ``within_<r>_m`` (lists of zone ids; absent
        when the rings were not measured, see :class:`RedlineMeasure`),
        ``n_overlapped``, ``covered_share`` and, on PASS,
        ``layer_share_of_province``.
        evidence: every overlapped or nearby zone with its category, control
        level, legal basis, ``overlap_ha`` / ``distance_m``.
    """
    idx = layers.redline
    assert idx is not None  # the check runs only with a red-line layer
    pieces, near, covered = m.pieces, m.near, m.covered
    nearest_i, nearest_m, overlap_ha = m.nearest_i, m.nearest_m, m.overlap_ha
    rings = rings_m(config)
    ring_rows = m.rows_within(rings)
    counts = {f"within_{int(r)}_m": [_zone(layers, i)["id"] for i in ring_rows[r]] for r in rings} \
        if m.rings_measured else {}
    metrics: dict[str, Any] = {"overlap_ha": overlap_ha, "overlap_share": overlap_ha / site_ha if site_ha else 0.0,
               "distance_m": nearest_m, "n_overlapped": len(pieces), "covered_share": covered,
               "nearest_id": None if nearest_i is None else str(idx.get(nearest_i, "id", nearest_i)),
               **counts}
    if nearest_i is not None:
        metrics.update(nearest_name_zh=idx.get(nearest_i, "name_zh"),
                       nearest_name_en=idx.get(nearest_i, "name_en"))
    evidence = [{k: v for k, v in p.items() if k not in ("geometry", "row")} for p in pieces]
    seen = {p["id"] for p in pieces}
    evidence += [{k: v for k, v in z.items() if k != "row"} for z in near if z["id"] not in seen]
    if nearest_i is not None and not pieces and not near:
        evidence.append({**zone(layers, nearest_i), "distance_m": nearest_m})
    rows = [p["row"] for p in pieces] + (ring_rows[rings[-1]] if rings else [])
    data_used = idx.provenance(rows + ([nearest_i] if nearest_i is not None else []))
    if not pieces and covered < 1.0:
        return unknown("redline", config.redline_rule("no_overlap"), "lyr.redline", covered,
                       metrics={k: v for k, v in metrics.items() if k != "overlap_ha"},
                       data_used=data_used)
    params = {"overlap_ha": overlap_ha, "share_pct": 100 * metrics["overlap_share"],
              "n": len(pieces), "distance_km": nearest_m / 1000.0}
    if nearest_i is not None:
        params.update(name_zh=idx.get(nearest_i, "name_zh", ""),
                      name_en=idx.get(nearest_i, "name_en", ""))
    if pieces:
        params.update(names_zh="、".join(str(p["name_zh"]) for p in pieces),
                      names_en="; ".join(str(p["name_en"]) for p in pieces))
        status, key, rule, extra = _verdict_overlap(pieces, project, config)
        params.update(extra)
    else:
        share = layer_share_of_province(layers, config)
        metrics["layer_share_of_province"] = share
        params["province_pct"] = 100.0 * share if share is not None else float("nan")
        status, key, rule = _verdict_clear(nearest_i, nearest_m, config, params)
        if status == "PASS" and not layer_is_the_red_line(layers, config, share):
            status, key, rule = "WARN", "chk.redline.warn_incomplete", \
                config.redline_rule("incomplete_layer")
    overlaps = [{"id": p["id"], "name_zh": p["name_zh"], "name_en": p["name_en"],
                 "category": p["category"], "control_level": p["control_level"],
                 "overlap_ha": p["overlap_ha"], "geometry": p["geometry"]} for p in pieces]
    return CheckResult("redline", status, metrics, evidence, rule, data_used, key, params, overlaps)


def _verdict_clear(nearest_i: int | None, nearest_m: float, config: CheckConfig, params: dict[str, Any]
                   ) -> tuple[str, str, dict[str, Any]]:
    sec = config.section("redline")
    alert_m = float(sec.get("alert_within_m", 0) or 0)
    params["alert_km"] = alert_m / 1000.0
    if nearest_i is None:
        return "PASS", "chk.redline.pass_empty", config.redline_rule("no_overlap")
    if alert_m and nearest_m <= alert_m and sec.get("alert_status", "WARN") != "PASS":
        return str(sec.get("alert_status", "WARN")), "chk.redline.warn_near", \
            config.redline_rule("buffer_alert")
    return "PASS", "chk.redline.pass", config.redline_rule("no_overlap")
