"""The two answers of a screen: the compliance verdict and the suitability score.

* **Compliance** (合规性结论), binding: the worst status of the binding checks
  of the registry, FAIL > WARN > UNKNOWN > PASS (``status_order`` of
  ``data/rules/checks.yaml``). It is what an official may sign.
* **Suitability** (适宜性), advisory: a score in [0, 1], the weighted mean of the
  advisory checks' parts (base positioning, chain adjacency, terrain; weights
  and values in ``checks.yaml`` ``suitability``). It ranks sites; it approves
  nothing.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .config import CheckConfig
from .registry import advisory_ids, binding_ids
from .result import CheckResult, Suitability, worst_status

__all__ = ["compliance", "reasons", "suitability", "part_value", "suitability_text"]


def compliance(results: Sequence[CheckResult], config: CheckConfig) -> str:
    """Worst status of the binding checks among ``results``."""
    binding = set(binding_ids())
    return worst_status([r.status for r in results if r.check in binding], config.status_order)


def reasons(results: Sequence[CheckResult], config: CheckConfig) -> list[dict[str, Any]]:
    """Binding checks that are not PASS, worst first (the compliance verdict's reasons)."""
    order = config.status_order
    binding = set(binding_ids())
    bad = [r for r in results if r.check in binding and r.status != "PASS"]
    bad.sort(key=lambda r: -order.index(r.status))
    return [{"check": r.check, "status": r.status, "message_key": r.message_key,
             "params": r.params} for r in bad]


def part_value(res: CheckResult, config: CheckConfig) -> float | None:
    """The 0-1 value of one advisory result, None when it is UNKNOWN."""
    if res.status == "UNKNOWN":
        return None
    sec = config.section("suitability")
    if res.check == "chain":
        score = res.metrics.get("score")
        return None if score is None else float(score)
    if res.check == "terrain":
        steep = res.metrics.get("share_above_gentle")
        return None if steep is None else 1.0 - float(steep)
    return float(sec.get("base_values", {}).get(res.status, 0.0))


def suitability(results: Sequence[CheckResult], config: CheckConfig) -> Suitability:
    """Weighted mean of the advisory parts that are known, with every part listed."""
    sec = config.section("suitability")
    weights = sec.get("weights", {})
    advisory = set(advisory_ids())
    parts, num, den = [], 0.0, 0.0
    for res in results:
        if res.check not in advisory:
            continue
        value = part_value(res, config)
        weight = float(weights.get(res.check, 0.0))
        parts.append({"check": res.check, "status": res.status, "value": value, "weight": weight})
        if value is not None and weight > 0:
            num += weight * value
            den += weight
    score = num / den if den else None
    bands = sec.get("bands", {"high": 0.7, "medium": 0.4})
    if score is None:
        band = "unknown"
    elif score >= float(bands["high"]):
        band = "high"
    elif score >= float(bands["medium"]):
        band = "medium"
    else:
        band = "low"
    return Suitability(score=score, parts=parts, band=band)


def suitability_text(suit: Suitability, lang: str) -> str:
    """One line: the suitability score, its band and its parts (advisory)."""
    from ..i18n import t

    sep = "；" if lang == "zh" else "; "
    parts = sep.join(
        t("check." + p["check"], lang) + " "
        + (f"{p['value']:.2f}" if p["value"] is not None else t("suit.part_unknown", lang))
        for p in suit.parts)
    if suit.score is None:
        return t("suit.none", lang, parts=parts)
    return t("suit.line", lang, score=suit.score, band=t(f"suit.band.{suit.band}", lang),
             parts=parts)
