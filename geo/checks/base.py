"""Check 3: base containment and positioning (产业基地与产业定位).

Which base holds the site (the one with the largest share of the site) or the
nearest base and its geodesic distance, and whether the project's product
belongs to that base's chains or positioning (:func:`product_matches`).

* PASS: inside a base (share >= ``base.inside_share``) whose chains admit it;
* WARN: inside a base that does not admit it (naming the admitting bases,
  nearest first), partly outside the base, or outside every base (naming the
  nearest admitting base and its distance);
* UNKNOWN: no product given (containment still reported), or no base layer.

A base admits a product when its own chains or positioning name it
(:func:`product_matches`, seed 001 §四 and the chain graph), or when a policy
text assigns the product to a region or carrier that holds the base
(``regional_assignments`` of ``data/rules/checks.yaml``: 碳酸锂 and 盐湖提锂 to
the Qaidam bases, seed 000 §一.(三), seed 004 §二.(二).3); such a match cites
its sentence and is marked ``derived`` (from a regional assignment, no base
named).

Positioning is advisory (适宜性): it ranks, it does not approve.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..geodesy import area_ha
from .config import CheckConfig, load_config
from .context import CheckContext, unknown
from .measure import geodesic_distances
from .products import normalise, product_matches, product_terms
from .result import CheckResult, Project

if TYPE_CHECKING:  # pragma: no cover
    from ..layers_index import ScreeningLayers

__all__ = ["BaseMeasure", "run", "measure", "decide", "containing_base", "admitting_bases", "regional_matches", "name_documents"]


def containing_base(site: BaseGeometry, site_ha: float, layers: ScreeningLayers
                    ) -> tuple[int | None, float]:
    """Row of the base holding the largest share of ``site``, and that share (0-1)."""
    bases = layers.bases
    assert bases is not None  # the check runs only with a bases layer
    best, share = None, 0.0
    for i in bases.intersecting(site):
        ha = area_ha(shapely.intersection(site, bases.geoms[i]))
        s = ha / site_ha if site_ha else 0.0
        if s > share:
            best, share = int(i), min(1.0, s)
    return best, share


def _names_product(assigned: str, terms: frozenset[str]) -> bool:
    """An assigned product equal to, inside (``碳酸锂`` in ``电池级碳酸锂``) or holding a term."""
    return bool(assigned) and any(assigned in t or (len(t) >= 2 and t in assigned) for t in terms)


def regional_matches(base_id: str, product: str, config: CheckConfig) -> list[dict[str, Any]]:
    """Matches of ``product`` for ``base_id`` from the regional assignments of the seeds.

    An assignment lists products and the bases of the region or carrier it
    names; a product term equal to, inside or holding one of its products
    admits those bases. Each match cites the document, section and sentence
    and is ``derived`` (the text names a region, not the base).

    >>> [m["region_zh"] for m in regional_matches("qarhan", "碳酸锂", load_config())][:1]
    ['柴达木循环经济试验区']
    """
    terms = product_terms(product, config)
    out = []
    for a in config.checks.get("regional_assignments", []):
        if base_id not in a.get("bases", []):
            continue
        hit = next((x for x in a.get("products", []) if _names_product(normalise(x), terms)),
                   None)
        if hit is None:
            continue
        out.append({"field": "regional", "text": hit, "term": product, "chain_id": None,
                    "chain_zh": None, "chain_en": None, "derived": True,
                    "cite": f"{a['doc_zh']} {a['section']}：“{a['quote_zh']}”",
                    "cite_en": f"{a['doc_en']} {a['section']}: “{a['quote_zh']}”",
                    "region_zh": a.get("region_zh"), "region_en": a.get("region_en")})
    return out


def admitting_bases(layers: ScreeningLayers, product: str, config: CheckConfig
                    ) -> dict[int, list[dict[str, Any]]]:
    """``{base row: matches}`` of every base whose chains, positioning or region admit
    ``product`` (cached per product)."""
    key = (product, id(config))
    cache = layers._cache
    if key not in cache:
        idx = layers.bases
        assert idx is not None  # the check runs only with a bases layer
        found = {i: product_matches(idx.record(i), product, config)
                 + regional_matches(str(idx.get(i, "id", i)), product, config)
                 for i in range(len(idx))}
        cache[key] = {i: m for i, m in found.items() if m}
    admits: dict[int, list[dict[str, Any]]] = cache[key]
    return admits


def _base_ref(layers: ScreeningLayers, i: int, **extra: Any) -> dict[str, Any]:
    idx = layers.bases
    assert idx is not None  # the check runs only with a bases layer
    return {"id": str(idx.get(i, "id", i)), "name_zh": idx.get(i, "name_zh"),
            "name_en": idx.get(i, "name_en"), "tier": idx.get(i, "tier"),
            "positioning_zh": idx.get(i, "positioning_zh"),
            "positioning_en": idx.get(i, "positioning_en"), **extra}


def _admitting_list(layers: ScreeningLayers, admits: dict[int, list[dict[str, Any]]],
                    dist: dict[int, float], exclude: int | None, limit: int, product: str,
                    config: CheckConfig) -> list[dict[str, Any]]:
    rows = [i for i in admits if i != exclude]
    if not rows:
        return []
    d = np.array([dist[i] for i in rows], dtype=float)
    order = np.argsort(d, kind="stable")[:limit]
    out = []
    for j in order:
        texts, cite_zh, cite_en, derived = _match_info(layers, rows[j], admits, product, config)
        out.append(_base_ref(layers, rows[j], distance_m=float(d[j]), matched=list(texts),
                             cite_zh=cite_zh, cite_en=cite_en, derived=derived))
    return out


def _match_info(layers: ScreeningLayers, i: int, admits: dict[int, list[dict[str, Any]]],
                product: str, config: CheckConfig) -> tuple[list[str], str, str, bool]:
    """Matched texts, citations (zh, en) and ``derived`` of base ``i`` for the product (cached:
    a base's matches for a product are fixed)."""
    key = ("base_match_info", product, id(config), i)
    cache = layers._cache
    if key not in cache:
        matches = admits.get(i, [])
        cache[key] = (list(dict.fromkeys(str(m["text"]) for m in matches)),
                      _cites(matches, "zh", config), _cites(matches, "en", config),
                      bool(matches) and all(m.get("derived") for m in matches))
    info: tuple[list[str], str, str, bool] = cache[key]
    return info


@dataclass
class BaseMeasure:
    """What the base check measures of one site (per-site or bulk, the same fields).

    Attributes
    ----------
    inside_i : int or None
        Row of the base holding the largest share of the site.
    share : float
        That share (0-1).
    near_i : int
        ``inside_i``, else the row of the nearest base; ``near_m`` its distance (m).
    admit_m : dict
        ``{base row: geodesic distance (m)}`` of every base admitting the
        product other than ``near_i``. The bulk path measures exactly only
        those that can be among the ``base.list_admitting`` nearest (the ones
        the result lists) and gives ``inf`` for the others.
    """

    inside_i: int | None
    share: float
    near_i: int
    near_m: float
    admit_m: dict[int, float]


def measure(site: BaseGeometry, site_ha: float, project: Project, layers: ScreeningLayers,
            config: CheckConfig) -> BaseMeasure:
    """Containing or nearest base, and the distance to each admitting base."""
    bases = layers.bases
    assert bases is not None  # the check runs only with a bases layer
    inside_i, share = containing_base(site, site_ha, layers)
    near_i, near_m = (inside_i, 0.0) if inside_i is not None else bases.nearest(site)
    assert near_i is not None  # the layer is not empty: some base is nearest
    admits = admitting_bases(layers, project.product, config) if project.product else {}
    rows = [i for i in admits if i != near_i]
    dist, _ = geodesic_distances(site, bases.geoms[rows]) if rows else (np.zeros(0), None)
    return BaseMeasure(inside_i, share, near_i, near_m,
                       {i: float(d) for i, d in zip(rows, dist)})


_SEED_REF = re.compile(r"(?:seed\s+)?(\d{3})(?:\s+\1)?\s*§\s*([^\s;,()（）]+)|seed\s+(\d{3})")


def name_documents(text: str, config: CheckConfig | None = None, lang: str = "zh") -> str:
    """Every ``seed 001`` / ``001 §四.1`` in ``text`` replaced by the document's title and section.

    >>> name_documents("seed 001 001 §四.1 (chains); seed 004 §三.(六).4 (tier)")[:18]
    '《青海省人民政府关于加快工业转型升级'
    """
    config = config or load_config()
    docs = config.checks.get("documents", {})

    def sub(m: re.Match[str]) -> str:
        seed = m.group(1) or m.group(3)
        if seed not in docs:
            return m.group(0)
        title = str(docs[seed][lang])
        if m.group(2) is None:
            return title
        return f"{title}{'' if lang == 'zh' else ' §'}{m.group(2)}"

    return _SEED_REF.sub(sub, str(text))


def _cites(matches: list[dict[str, Any]], lang: str = "zh", config: CheckConfig | None = None) -> str:
    config = config or load_config()
    key = "cite_en" if lang == "en" else "cite"
    return "; ".join(dict.fromkeys(name_documents(m.get(key, m["cite"]), config, lang)
                                   for m in matches if m.get("cite")))


def _names(refs: list[dict[str, Any]], lang: str) -> str:
    sep = "、" if lang == "zh" else "; "
    unit = "公里" if lang == "zh" else "km"
    return sep.join(f"{r[f'name_{lang}']} ({r['distance_m'] / 1000:.1f} {unit})" for r in refs)


def run(ctx: CheckContext) -> CheckResult:
    """Containment and positioning match of the site.

    Returns
    -------
    CheckResult
        metrics: ``base_id`` (containing base or None), ``base_name_zh/en``
        (containing or nearest), ``share_inside``, ``nearest_base_id``,
        ``distance_m`` (0 inside, else to the nearest base), ``matched``
        (steps or assigned products that admit the product), ``derived``.
        evidence: the containing / nearest base with its positioning, matched
        steps and their citations, then the admitting bases nearest first.
    """
    layers, config = ctx.layers, ctx.config
    if layers.bases is None or len(layers.bases) == 0:
        return unknown("base", config.rule("base"), "lyr.bases")
    return decide(measure(ctx.site, ctx.site_ha, ctx.project, layers, config), ctx.project,
                  layers, config)


def decide(bm: BaseMeasure, project: Project, layers: ScreeningLayers, config: CheckConfig
           ) -> CheckResult:
    """The rule of the base check on a measurement (no geometry is measured here)."""
    rule = config.rule("base")
    sec = config.section("base")
    bases = layers.bases
    assert bases is not None  # the check runs only with a bases layer
    inside_i, share, near_i, near_m = bm.inside_i, bm.share, bm.near_i, bm.near_m
    product = project.product or ""
    admits = admitting_bases(layers, product, config) if product else {}
    matched = admits.get(near_i, [])
    others = _admitting_list(layers, admits, bm.admit_m, near_i,
                             int(sec.get("list_admitting", 5)), product, config)
    texts, cite_zh, cite_en, derived = _match_info(layers, near_i, admits, product, config)
    texts = list(texts)
    metrics = {"base_id": None if inside_i is None else str(bases.get(inside_i, "id")),
               "base_name_zh": bases.get(near_i, "name_zh"),
               "base_name_en": bases.get(near_i, "name_en"),
               "share_inside": share, "nearest_base_id": str(bases.get(near_i, "id", near_i)),
               "distance_m": near_m, "matched": texts,
               "n_admitting": len(admits), "derived": derived}
    evidence = [_base_ref(layers, near_i, share_inside=share, distance_m=near_m,
                          matched=texts, cite_zh=cite_zh, cite_en=cite_en, derived=derived, role="containing" if inside_i is not None else "nearest")]
    evidence += [{**o, "role": "admitting"} for o in others]
    data_used = bases.provenance([near_i] + list(admits)[:10])
    params = {"share_pct": 100 * share, "distance_km": near_m / 1000.0,
              "product": project.product or "",
              "base_zh": bases.get(near_i, "name_zh"), "base_en": bases.get(near_i, "name_en"),
              "steps_zh": "、".join(texts), "steps_en": "; ".join(texts),
              "admitting_zh": _names(others, "zh"), "admitting_en": _names(others, "en")}
    status, key = _verdict(project, inside_i, share, matched, others, float(sec.get("inside_share", 0.999)))
    if status == "PASS" and derived:
        key = "chk.base.pass_regional"
        params.update(cite_zh=cite_zh, cite_en=cite_en)
    return CheckResult("base", status, metrics, evidence, rule, data_used, key, params)


def _verdict(project: Project, inside_i: int | None, share: float, matched: list[dict[str, Any]],
             others: list[dict[str, Any]], inside_share: float) -> tuple[str, str]:
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
