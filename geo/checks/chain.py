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
            "link_score": round(p.link_score, 3), "missing": p.missing, "near": p.near,
        })
    return rows


def _far(adj: Adjacency, lang: str) -> str:
    """``step（host，直线 605.8 公里）`` of every far link, in ``lang``."""
    out = []
    for p in adj.far:
        near = p.nearest
        assert near is not None  # a far link is hosted
        if lang == "zh":
            out.append(f"{p.zh}（{near.zh}，直线 {near.geodesic_km:,.1f} 公里）")
        else:
            out.append(f"{p.en} ({near.en}, {near.geodesic_km:,.1f} km in a straight line)")
    return ("、" if lang == "zh" else "; ").join(out)


def _reach(adj: Adjacency, lang: str) -> str:
    """How many steps have a host within the decay's reach, and the far ones."""
    from ..i18n import t

    text = t("chk.chain.reach", lang, n_near=adj.n_near, n=len(adj.partners),
             reach_km=adj.rule["reach_km"])
    far = _far(adj, lang)
    if far:
        text += ("；" if lang == "zh" else "; ") + t("chk.chain.far", lang, far=far)
    return text


def run(ctx: CheckContext) -> CheckResult:
    """Upstream suppliers and downstream customers of the project's product near the site.

    Distances are measured from the site's representative point; the chain
    graph carries its own host positions.

    Returns
    -------
    CheckResult
        ``metrics``: score, upstream_score, downstream_score, product_id, reason,
        missing (product ids nobody hosts), n_partners, n_near (partners with a
        host within the decay's reach ``reach_km`` by road), far (hosted partners
        beyond it); ``evidence``: one row per partner.
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
    if adj.partners:
        metrics.update(n_partners=len(adj.partners), n_near=adj.n_near,
                       far=[p.product for p in adj.far], reach_km=adj.rule["reach_km"])
        params.update(n_near=adj.n_near, reach_km=adj.rule["reach_km"],
                      reach_zh=_reach(adj, "zh"), reach_en=_reach(adj, "en"))
    return CheckResult("chain", adj.status, metrics=metrics, evidence=_evidence(adj),
                       rule={**rule, "scoring": adj.rule}, message_key=f"chk.chain.{adj.reason}",
                       params=params, data_used=[_DATA_USED])
