"""The industry-policy check (binding): the product against the catalogues.

《产业结构调整指导目录》 (限制类 WARN, 淘汰类 FAIL) and 《限制用地项目目录》 /
《禁止用地项目目录》 (限制 WARN, 禁止 FAIL), as listed in
``data/rules/industry_policy.yaml`` (:func:`geo.rules_tables.match_industry_policy`;
an entry with a condition or not yet verified is WARN naming what to check).
No product given: UNKNOWN naming the figure. No entry: PASS, saying which
catalogues were searched.
"""
from __future__ import annotations

from ..i18n import t
from ..rules_tables import match_industry_policy
from .context import CheckContext
from .result import CheckResult, worst_status

__all__ = ["run"]


def run(ctx: CheckContext) -> CheckResult:
    """Catalogue entries the project's product (and industry class) fall under."""
    rule = ctx.config.rule("industry_policy")
    product = (ctx.project.product or "").strip()
    if not product:
        return CheckResult("industry_policy", "UNKNOWN", {"reason": "no_input"}, rule=rule,
                           message_key="chk.input_missing",
                           params={"figure_zh": t("site.product", "zh"),
                                   "figure_en": t("site.product", "en")})
    hits = match_industry_policy(product, ctx.project.industry)
    if not hits:
        return CheckResult("industry_policy", "PASS", {"n_hits": 0}, [], rule, [],
                           "chk.industry_policy.pass", {"product": product})
    status = worst_status([h.status for h in hits], ctx.config.status_order)
    evidence = [{"catalogue": h.catalogue.text(), "category_zh": t(
        f"rules.policy.category.{h.category}", "zh"), "category_en": t(
        f"rules.policy.category.{h.category}", "en"), "entry": f"{h.item} {h.text}",
        "status": h.status, "reason_zh": h.reason("zh"), "reason_en": h.reason("en")}
        for h in hits]
    params = {"product": product, "text_zh": "；".join(h.reason("zh") for h in hits),
              "text_en": "; ".join(h.reason("en") for h in hits)}
    basis = "; ".join(dict.fromkeys(h.basis for h in hits))
    return CheckResult("industry_policy", status, {"n_hits": len(hits)}, evidence,
                       {**rule, "basis": basis}, [], "chk.industry_policy.hit", params)
