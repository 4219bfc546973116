"""The 现状地类 check (三调, GB/T 21010 codes in the ``DLBM`` field).

The site is split by the land-use layer into 耕地, 农用地 (other than 耕地),
建设用地 and 未利用地, summed by :func:`geo.rules_tables.landuse_breakdown`
(the one place that classes and charges land); 永久基本农田 is
the overlap measured by the ``farmland`` check. 新增建设用地 = the site minus the
existing 建设用地 (a part of the site the layer does not cover counts as new:
the conservative side); the quota check charges only that.

* WARN: 耕地 is taken (耕地占补平衡: 占多少、垦多少) or other 农用地 is converted
  (农用地转用审批), naming the hectares;
* PASS: only 建设用地 and 未利用地;
* UNKNOWN: no layer imported, or nothing of the layer over the site and the site
  not wholly covered. Polygons whose code is not a GB/T 21010 / 三调 code are
  reported as unclassified and make the check WARN (the official checks them).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry.base import BaseGeometry

from ..geodesy import area_ha
from ..rules_tables import landuse_breakdown, landuse_class_table, landuse_name, normalise_dlbm
from .config import CheckConfig
from .context import CheckContext, covered_share, unknown
from .result import CheckResult

if TYPE_CHECKING:  # pragma: no cover
    from ..layers_index import LayerIndex

__all__ = ["run", "measure", "decide", "DLBM_FIELDS"]

#: Field names that carry the land-use code (三调 DLBM and common spellings).
DLBM_FIELDS = ("dlbm", "DLBM", "地类编码", "code")


def _code(idx: LayerIndex, i: int) -> str | None:
    for f in DLBM_FIELDS:
        v = idx.get(i, f)
        if v not in (None, ""):
            return str(v).strip()
    return None


def measure(site: BaseGeometry, site_ha: float, idx: LayerIndex
            ) -> tuple[list[tuple[int, float]], float]:
    """``[(row, overlap_ha)]`` of the land-use polygons over the site (row order; every
    polygon the site intersects, its area 0 when it only touches) and the share covered."""
    covered = covered_share(site, site_ha, idx.coverage)
    return [(int(i), area_ha(shapely.intersection(site, idx.geoms[i])))
            for i in idx.intersecting(site)], covered


def run(ctx: CheckContext) -> CheckResult:
    """Split the site by 地类; report 新增建设用地, 耕地 and 永久基本农田 taken (:func:`decide`)."""
    idx = ctx.layers.layer("landuse")
    if idx is None:
        return unknown("landuse", ctx.config.rule("landuse"), "lyr.landuse")
    pieces, covered = measure(ctx.site, ctx.site_ha, idx)
    return decide(pieces, covered, ctx.site_ha, idx, ctx.result("farmland"), ctx.config)


def decide(pieces: list[tuple[int, float]], covered: float, site_ha: float, idx: LayerIndex,
           farmland: CheckResult | None, config: CheckConfig) -> CheckResult:
    """The rule of the 现状地类 check on the measured pieces (nothing is measured here).

    Returns
    -------
    CheckResult
        metrics: ``<class>_ha`` for cropland, agricultural, construction,
        unused, unclassified; ``new_construction_ha``; ``farmland_ha`` (from the
        farmland check when it measured one); ``covered_share``.
        evidence: one row per 地类 code over the site (code, name, class, ha).
    """
    rule = config.rule("landuse")
    classes = landuse_class_table()
    coded: list[tuple[str, float]] = []
    by_code: dict[str, dict[str, Any]] = {}
    rows = [i for i, _ in pieces]
    for i, ha in pieces:
        if ha <= 0:
            continue
        code = _code(idx, i)
        coded.append((code or "", ha))
        klass = classes.get(normalise_dlbm(code)) if code else None
        rec = by_code.setdefault(code or "", {
            "dlbm": code or "", "klass": klass or "unclassified", "overlap_ha": 0.0,
            "dlmc_zh": landuse_name(code, "zh") if klass else idx.get(i, "dlmc"),
            "dlmc_en": landuse_name(code, "en") if klass else idx.get(i, "dlmc")})
        rec["overlap_ha"] += ha
    data_used = idx.provenance(rows)
    split = landuse_breakdown(coded, site_ha)
    by_class = {"cropland": split.cropland_ha, "agricultural": split.agricultural_ha,
                "construction": split.construction_ha, "unused": split.unused_ha,
                "unclassified": sum(split.unclassified.values())}
    measured = sum(by_class.values())
    metrics = {f"{k}_ha": v for k, v in by_class.items()}
    metrics.update(covered_share=covered, new_construction_ha=split.new_construction_ha)
    if farmland is not None and farmland.status != "UNKNOWN":
        metrics["farmland_ha"] = float(farmland.metrics.get("overlap_ha", 0.0))
    if measured <= 0 and covered < 1.0:
        return unknown("landuse", rule, "lyr.landuse", covered, metrics=metrics,
                       data_used=data_used)
    evidence = sorted(by_code.values(), key=lambda r: -r["overlap_ha"])
    params = {"new_ha": metrics["new_construction_ha"], "cropland_ha": by_class["cropland"],
              "agricultural_ha": by_class["agricultural"],
              "construction_ha": by_class["construction"], "unused_ha": by_class["unused"],
              "unclassified_ha": by_class["unclassified"], "covered_pct": 100 * covered}
    if by_class["cropland"] > 0 or by_class["agricultural"] > 0 or by_class["unclassified"] > 0:
        status, key = "WARN", "chk.landuse.warn"
    else:
        status, key = "PASS", "chk.landuse.pass"
    return CheckResult("landuse", status, metrics, evidence, rule, data_used, key, params)
