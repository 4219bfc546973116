"""The industry-policy check (binding): the product against the catalogues.

《产业结构调整指导目录》 (限制类 WARN, 淘汰类 FAIL) and 《限制用地项目目录》 /
《禁止用地项目目录》 (限制 WARN, 禁止 FAIL), as listed in
``data/rules/industry_policy.yaml``. The verdict is the rules table's
(:func:`geo.rules_tables.evaluate_industry_policy`): the worst entry the
product falls under (an entry with a condition or not yet verified is WARN
naming what to check); with no entry, PASS only for a product the table
records as reviewed against the gazetted catalogues, else WARN naming the
check the official must make. No product given: UNKNOWN naming the figure.
"""
from __future__ import annotations

from ..i18n import t
from ..rules_tables import evaluate_industry_policy
from .context import CheckContext
from .result import CheckResult

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
    verdict = evaluate_industry_policy(product, ctx.project.industry)
    hits = verdict.hits
    if not hits:
        key = ("chk.industry_policy.pass" if verdict.status == "PASS" else verdict.reason_key)
        return CheckResult("industry_policy", verdict.status, {"n_hits": 0}, [], rule, [],
                           key, {"product": product})
    evidence = [{"catalogue": h.catalogue.text(), "category_zh": t(
        f"rules.policy.category.{h.category}", "zh"), "category_en": t(
        f"rules.policy.category.{h.category}", "en"), "entry": f"{h.item} {h.text}",
        "status": h.status, "reason_zh": h.reason("zh"), "reason_en": h.reason("en")}
        for h in hits]
    params = {"product": product, "text_zh": "；".join(h.reason("zh") for h in hits),
              "text_en": "; ".join(h.reason("en") for h in hits)}
    basis = "; ".join(dict.fromkeys(h.basis for h in hits))
    return CheckResult("industry_policy", verdict.status, {"n_hits": len(hits)}, evidence,
                       {**rule, "basis": basis}, [], "chk.industry_policy.hit", params)
