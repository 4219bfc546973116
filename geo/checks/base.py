"""Check 3: base containment and positioning (产业基地与产业定位).

Which base holds the site (the one with the largest share of the site) or the
nearest base and its geodesic distance, and whether the project's product
belongs to that base's chains or positioning (:func:`product_matches`).

* PASS: inside a base (share >= ``base.inside_share``) whose chains admit it;
* WARN: inside a base that does not admit it (naming the admitting bases,
  nearest first), partly outside the base, or outside every base (naming the
  nearest admitting base and its distance);
* UNKNOWN: no product given (containment still reported), or no base layer.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..geodesy import area_ha
from .config import CheckConfig
from .measure import geodesic_distances
from .products import product_matches
from .result import CheckResult, Project

if TYPE_CHECKING:  # pragma: no cover
    from ..layers_index import ScreeningLayers

__all__ = ["base_check", "containing_base", "admitting_bases"]


def containing_base(site: BaseGeometry, site_ha: float, layers: ScreeningLayers
                    ) -> tuple[int | None, float]:
    """Row of the base holding the largest share of ``site``, and that share (0-1)."""
    best, share = None, 0.0
    for i in layers.bases.intersecting(site):
        ha = area_ha(shapely.intersection(site, layers.bases.geoms[i]))
        s = ha / site_ha if site_ha else 0.0
        if s > share:
            best, share = int(i), min(1.0, s)
    return best, share


def admitting_bases(layers: ScreeningLayers, product: str, config: CheckConfig
                    ) -> dict[int, list[dict]]:
    """``{base row: matches}`` of every base whose chains name ``product`` (cached)."""
    key = (product, id(config))
    cache = layers._cache
    if key not in cache:
        idx = layers.bases
        found = {i: product_matches(idx.record(i), product, config) for i in range(len(idx))}
        cache[key] = {i: m for i, m in found.items() if m}
    return cache[key]


def _base_ref(layers: ScreeningLayers, i: int, **extra) -> dict:
    idx = layers.bases
    return {"id": str(idx.get(i, "id", i)), "name_zh": idx.get(i, "name_zh"),
            "name_en": idx.get(i, "name_en"), "tier": idx.get(i, "tier"),
            "positioning_zh": idx.get(i, "positioning_zh"),
            "positioning_en": idx.get(i, "positioning_en"), **extra}


def _admitting_list(site, layers, admits: dict, exclude: int | None, limit: int) -> list[dict]:
    rows = [i for i in admits if i != exclude]
    if not rows:
        return []
    dist, _ = geodesic_distances(site, layers.bases.geoms[rows])
    order = np.argsort(dist, kind="stable")[:limit]
    return [_base_ref(layers, rows[j], distance_m=float(dist[j]),
                      matched=[m["text"] for m in admits[rows[j]]]) for j in order]


def _names(refs: list[dict], lang: str) -> str:
    sep = "、" if lang == "zh" else "; "
    unit = "公里" if lang == "zh" else "km"
    return sep.join(f"{r[f'name_{lang}']} ({r['distance_m'] / 1000:.1f} {unit})" for r in refs)


def base_check(site: BaseGeometry, site_ha: float, project: Project,
               layers: ScreeningLayers, config: CheckConfig) -> CheckResult:
    """Containment and positioning match of ``site`` (lon/lat polygon).

    Returns
    -------
    CheckResult
        metrics: ``base_id`` (containing base or None), ``share_inside``,
        ``nearest_base_id``, ``distance_m`` (to the containing base, 0, or the
        nearest base), ``matched`` (steps of the base that name the product).
        evidence: the containing / nearest base with its positioning and
        matched steps, then the admitting bases nearest first.
    """
    rule = config.rule("base")
    if layers.bases is None or len(layers.bases) == 0:
        return CheckResult("base", "UNKNOWN", rule=rule, message_key="chk.no_layer",
                           params={"layer_zh": "产业基地", "layer_en": "industrial bases"})
    sec = config.section("base")
    inside_i, share = containing_base(site, site_ha, layers)
    near_i, near_m = (inside_i, 0.0) if inside_i is not None else layers.bases.nearest(site)
    admits = admitting_bases(layers, project.product, config) if project.product else {}
    matched = admits.get(near_i, [])
    others = _admitting_list(site, layers, admits, near_i, int(sec.get("list_admitting", 5)))
    metrics = {"base_id": None if inside_i is None else str(layers.bases.get(inside_i, "id")),
               "share_inside": share, "nearest_base_id": str(layers.bases.get(near_i, "id", near_i)),
               "distance_m": near_m, "matched": [m["text"] for m in matched],
               "n_admitting": len(admits)}
    evidence = [_base_ref(layers, near_i, share_inside=share, distance_m=near_m,
                          matched=[m["text"] for m in matched],
                          role="containing" if inside_i is not None else "nearest")]
    evidence += [{**o, "role": "admitting"} for o in others]
    data_used = layers.bases.provenance([near_i] + list(admits)[:10])
    params = {"share_pct": 100 * share, "distance_km": near_m / 1000.0,
              "product": project.product or "",
              "base_zh": layers.bases.get(near_i, "name_zh"), "base_en": layers.bases.get(near_i, "name_en"),
              "steps_zh": "、".join(m["text"] for m in matched),
              "steps_en": "; ".join(m["text"] for m in matched),
              "admitting_zh": _names(others, "zh"), "admitting_en": _names(others, "en")}
    status, key = _verdict(project, inside_i, share, matched, others, float(sec.get("inside_share", 0.999)))
    return CheckResult("base", status, metrics, evidence, rule, data_used, key, params)


def _verdict(project, inside_i, share, matched, others, inside_share) -> tuple[str, str]:
    if not project.product:
        return "UNKNOWN", "chk.base.unknown_inside" if inside_i is not None else "chk.base.unknown_outside"
    if inside_i is None:
        if matched:
            return "WARN", "chk.base.warn_outside_match"
        return ("WARN", "chk.base.warn_outside") if others else ("WARN", "chk.base.warn_outside_none")
    if not matched:
        return ("WARN", "chk.base.warn_mismatch") if others else ("WARN", "chk.base.warn_mismatch_none")
    if share < inside_share:
        return "WARN", "chk.base.warn_partial"
    return "PASS", "chk.base.pass"
