"""Match a project's product text against a base's chains and positioning.

Interim matcher until the chain vocabulary lands: normalised text (NFKC,
no whitespace, lower case) plus the synonym groups of
``data/rules/checks.yaml`` (``products.synonyms``). Everything goes through
:func:`product_matches`, which the chain team will replace.
"""
from __future__ import annotations

import json
from functools import lru_cache
from collections.abc import Mapping
from typing import Any

from ..chains.data import normalise  # one normal form for every product match
from .config import CheckConfig, load_config

__all__ = ["normalise", "product_terms", "product_matches"]


@lru_cache(maxsize=64)
def _synonym_groups(groups: tuple[tuple[str, ...], ...]) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(normalise(t) for t in g) for g in groups)


def product_terms(product: str, config: CheckConfig | None = None) -> frozenset[str]:
    """The normalised product and every synonym of it.

    >>> sorted(product_terms("碳酸锂"))[:2]
    ['battery-gradelithiumcarbonate', 'lithiumcarbonate']
    """
    config = config or load_config()
    groups = tuple(tuple(g) for g in config.section("products").get("synonyms", []))
    term = normalise(product)
    out = {term}
    for group in _synonym_groups(groups):
        if term in group:
            out |= group
    return frozenset(t for t in out if t)


def _chains(base_row: Mapping[str, Any]) -> list[dict[str, Any]]:
    chains = base_row.get("chains")
    if isinstance(chains, str):
        try:
            chains = json.loads(chains)
        except ValueError:
            return []
    return list(chains or [])


def _hit(terms: frozenset[str], own: str, text: str, min_rev: int) -> str | None:
    """The term found in ``text``, or ``own`` when ``text`` lies inside the product text.

    Reverse containment is tried on the product's own text only, never on a
    synonym (``硫酸`` lies inside the synonym ``硫酸钾`` of ``钾肥``).
    """
    norm = normalise(text)
    if not norm:
        return None
    for term in sorted(terms):
        if term in norm:
            return term
    if len(norm) >= min_rev and norm in own:
        return own
    return None


def _graph_matches(base_row: Mapping[str, Any], product: str) -> list[dict[str, Any]] | None:
    """Matches from the chain graph, or None to fall back to matching the text.

    The graph says which bases host a product (seed 001 §四 chains and the
    hosting links of data/chains), so 正极材料 matches 南川's step
    "正极、负级、隔膜材料" although the words differ. When the vocabulary does
    not know ``product``, or resolves it to a node this base does not host (a
    generic 甲醇 resolves to 格尔木's node while 甘河 makes 多气来源制甲醇), the
    caller still matches the text of the base's chains.
    """
    from ..chains.graph import base_node, default_graph

    graph = default_graph()
    node = graph.graph["vocabulary"].resolve(product)
    if node is None or "id" not in base_row:
        return None
    edge = graph.get_edge_data(base_node(str(base_row["id"])), node)
    if not edge or edge.get("kind") != "hosts":
        return None
    names = graph.nodes[node]
    cite = edge["cites"][0].cite if edge.get("cites") else base_row.get("cite")
    chain_id = edge["chains"][0] if edge.get("chains") else None
    return [{"field": "step", "text": names.get("zh", node), "term": product, "chain_id": chain_id,
             "chain_zh": names.get("zh"), "chain_en": names.get("en"), "cite": cite}]


def product_matches(base_row: Mapping[str, Any], product: str,
                    config: CheckConfig | None = None) -> list[dict[str, Any]]:
    """Chain steps and positioning of ``base_row`` that name ``product``.

    A step matches when a product term occurs in it (``碳酸锂`` in
    ``电池级碳酸锂``) or the step occurs in the product text (``钾肥`` in
    ``钾肥扩能项目``; only steps of at least ``products.min_reverse_len``
    characters). Both languages are tried.

    Parameters
    ----------
    base_row : mapping
        A row of the ``bases`` layer: ``chains`` (JSON text or list of
        ``{id, name_zh, name_en, steps_zh, steps_en, cite}``), ``positioning_zh``,
        ``positioning_en``.
    product : str
        Free text, zh or en.

    Returns
    -------
    list of dict
        ``field`` (``step`` / ``chain`` / ``positioning``), ``chain_id``,
        ``chain_zh``, ``chain_en``, ``text`` (the matched step or chain name),
        ``term`` (the product term that matched), ``cite``.
    """
    config = config or load_config()
    if not product or not normalise(product):
        return []
    graph_hits = _graph_matches(base_row, product)
    if graph_hits is not None:
        return graph_hits
    terms = product_terms(product, config)
    own = normalise(product)
    min_rev = int(config.section("products").get("min_reverse_len", 2))
    out: list[dict[str, Any]] = []
    for chain in _chains(base_row):
        meta = {"chain_id": chain.get("id"), "chain_zh": chain.get("name_zh"),
                "chain_en": chain.get("name_en"), "cite": chain.get("cite")}
        steps = list(chain.get("steps_zh") or []) + list(chain.get("steps_en") or [])
        hits = [(s, _hit(terms, own, s, min_rev)) for s in steps]
        hits = [(s, t) for s, t in hits if t]
        if hits:
            out.extend({"field": "step", "text": s, "term": t, **meta} for s, t in hits)
            continue
        for name in (chain.get("name_zh"), chain.get("name_en")):
            term = _hit(terms, own, name or "", min_rev)
            if term:
                out.append({"field": "chain", "text": name, "term": term, **meta})
                break
    if not out:
        for col in ("positioning_zh", "positioning_en"):
            text = base_row.get(col) or ""
            term = next((t for t in sorted(terms) if t in normalise(text)), None)
            if term:
                out.append({"field": "positioning", "text": text, "term": term, "chain_id": None,
                            "chain_zh": None, "chain_en": None, "cite": base_row.get("cite")})
                break
    return out
