"""The land-use standard check: 《工业项目建设用地控制指标》 (binding).

投资强度 (万元/公顷), 容积率, 建筑系数 and the 行政办公及生活服务设施用地 share of
the project against the thresholds for its industry (GB/T 4754 class) and the
region class of the county (``data/rules/land_use_standards.yaml``, read by
:func:`geo.rules_tables.land_standard_thresholds` /
:func:`~geo.rules_tables.evaluate_land_standard`). The land is the project's
``area_ha`` (else the site). The status is the worst indicator's; a missing
figure makes its indicator UNKNOWN naming the figure; no industry given is
UNKNOWN naming it; an industry the standard does not cover (not manufacturing)
is UNKNOWN with the reason.
"""
from __future__ import annotations

from ..errors import InputError
from ..i18n import error_text, t
from ..rules_tables import evaluate_land_standard, land_standard_thresholds, region_class_for
from .context import CheckContext
from .result import CheckResult, worst_status

__all__ = ["run"]


def _county(ctx: CheckContext) -> str | None:
    base = ctx.result("base")
    bases = ctx.layers.bases
    if base is None or bases is None or base.metrics.get("base_id") is None:
        return None
    for i in range(len(bases)):
        if str(bases.get(i, "id")) == str(base.metrics["base_id"]):
            county: str | None = bases.get(i, "county_zh")
            return county
    return None


def run(ctx: CheckContext) -> CheckResult:
    """The project's land-use indicators against the control thresholds of its industry.

    Returns
    -------
    CheckResult
        metrics: ``industry`` (the table's class that matched), ``region_class``,
        one ``<indicator>`` value each; evidence: one row per indicator (value,
        threshold, status, basis).
    """
    rule = ctx.config.rule("landuse_standard")
    p = ctx.project
    if not p.industry:
        return CheckResult("landuse_standard", "UNKNOWN", {"reason": "no_input"}, rule=rule,
                           message_key="chk.input_missing",
                           params={"figure_zh": t("site.industry", "zh"),
                                   "figure_en": t("site.industry", "en")})
    county = _county(ctx)
    region = region_class_for(county).region_class if county else None
    try:
        th = land_standard_thresholds(p.industry, region)
    except InputError as exc:
        return CheckResult("landuse_standard", "UNKNOWN", {"reason": "not_covered",
                                                           "industry": p.industry},
                           rule=rule, message_key="chk.landuse_standard.not_covered",
                           params={"reason_zh": error_text(exc, "zh"),
                                   "reason_en": error_text(exc, "en")})
    land_ha = float(p.area_ha) if p.area_ha is not None else ctx.site_ha
    indicators = evaluate_land_standard(th, site_ha=land_ha, investment_wan=p.investment_wan,
                                        floor_area_m2=p.floor_area_m2,
                                        footprint_m2=p.footprint_m2,
                                        admin_area_m2=p.admin_area_m2)
    status = worst_status([i.status for i in indicators], ctx.config.status_order)
    metrics = {"industry": f"{th.industry} {th.industry_name_zh}", "region_class": th.region_class,
               "land_ha": land_ha, **{i.id: i.value for i in indicators}}
    evidence = [{"indicator": i.id, "value": "—" if i.value is None else f"{i.value:,.2f}",
                 "threshold": "—" if i.threshold is None else f"{i.comparison} {i.threshold:g}",
                 "status": i.status, "basis": i.basis,
                 "reason_zh": i.reason("zh"), "reason_en": i.reason("en")} for i in indicators]
    params = {"industry_zh": f"{th.industry} {th.industry_name_zh}",
              "industry_en": f"{th.industry} {th.industry_name_en}",
              "text_zh": "；".join(i.reason("zh") for i in indicators),
              "text_en": "; ".join(i.reason("en") for i in indicators)}
    return CheckResult("landuse_standard", status, metrics, evidence,
                       {**rule, "basis": th.edition.text()}, [], "chk.landuse_standard", params)
