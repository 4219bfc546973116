"""Check 6: industry-chain adjacency (产业链上下游配套).

Calls :func:`geo.chains.chain_adjacency` at the site's representative point:
the project's upstream products and the nearest base or resource hosting
each, its downstream products and the nearest base hosting each, a score in
[0, 1] with the distance decay of ``data/chains/scoring.yaml``, and the
missing links. PASS / WARN follow that file's thresholds; no product, or a
product the vocabulary does not know, is UNKNOWN, never PASS.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import CheckConfig
from .context import CheckContext
from .result import CheckResult

if TYPE_CHECKING:  # pragma: no cover
    from ..chains import Adjacency

__all__ = ["run", "decide"]

_DATA_USED = {"layer": "chains", "source": "产业链图谱（政策文本 000–004 的产业链与集群）",
              "source_date": "2016-06-27", "accuracy": "derived"}


def _evidence(adjacency: Adjacency) -> list[dict[str, Any]]:
    rows = []
    for p in adjacency.partners:
        near = p.nearest
        rows.append({
            "side": p.side, "product_zh": p.zh, "product_en": p.en,
            "host_zh": near.zh if near else "", "host_en": near.en if near else "",
            "geodesic_km": round(near.geodesic_km, 1) if near else None,
            "road_km": round(near.road_km, 1) if near else None,
            "link_score": round(p.link_score, 3), "missing": p.missing,
        })
    return rows


def run(ctx: CheckContext) -> CheckResult:
    """Upstream suppliers and downstream customers of the project's product near the site.

    Distances are measured from the site's representative point; the chain
    graph carries its own host positions.

    Returns
    -------
    CheckResult
        ``metrics``: score, upstream_score, downstream_score, product_id, reason,
        missing (product ids nobody hosts); ``evidence``: one row per partner.
    """
    from ..chains import chain_adjacency

    product = ctx.project.product
    if not product or not product.strip():
        return decide(None, product, ctx.config)
    point = ctx.site.representative_point()
    return decide(chain_adjacency(point.x, point.y, product), product, ctx.config)


def decide(adj: Adjacency | None, product: str | None, config: CheckConfig) -> CheckResult:
    """The chain result of an adjacency (None: no product given; nothing is measured here)."""
    rule = config.rule("chain")
    if adj is None or not product:
        return CheckResult("chain", "UNKNOWN", metrics={"reason": "no_product"}, rule=rule,
                           message_key="chk.chain.no_product", data_used=[_DATA_USED])
    metrics = {"score": adj.score, "upstream_score": adj.upstream_score,
               "downstream_score": adj.downstream_score, "product_id": adj.product,
               "reason": adj.reason, "missing": [p.product for p in adj.missing]}
    names = {"zh": "、".join(p.zh for p in adj.missing), "en": ", ".join(p.en for p in adj.missing)}
    params = {"product": product, "score": adj.score if adj.score is not None else 0.0,
              "n": len(adj.partners), "missing_zh": names["zh"], "missing_en": names["en"]}
    return CheckResult("chain", adj.status, metrics=metrics, evidence=_evidence(adj),
                       rule={**rule, "scoring": adj.rule}, message_key=f"chk.chain.{adj.reason}",
                       params=params, data_used=[_DATA_USED])
