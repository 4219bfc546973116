"""Rank the 15 bases for a product.

Components, each in [0, 1] (``data/chains/scoring.yaml``, section ``ranking``):

* ``positioning`` -- does the base host the product / name it in its positioning /
  host its cluster / lie in a prefecture given the cluster (levels in the config);
* ``adjacency`` -- :func:`geo.chains.adjacency.chain_adjacency` at the base's point;
* ``quota`` -- ``min(1, remaining_ha / quota_full_ha)`` for the latest quota year;
* ``redline`` -- ``1 - share of the base outline inside the red-line layer`` (ellipsoidal
  areas, :func:`geo.geodesy.area_ha`).

The score is the weighted mean of the components (weights adjustable).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from geo.geodesy import area_ha
from geo.quota import with_remaining

from .adjacency import chain_adjacency
from .data import load_scoring
from .graph import base_ids, base_node, default_graph, hosted_by

__all__ = ["COMPONENTS", "positioning_match", "redline_shares", "quota_remaining", "rank_bases"]

#: The ranking components, in display order.
COMPONENTS: tuple[str, ...] = ("positioning", "adjacency", "quota", "redline")


def positioning_match(graph: nx.DiGraph, base_id: str, product: str,
                      config: dict[str, Any] | None = None) -> tuple[str, float]:
    """(level, value) of how the base's positioning admits ``product`` (a vocabulary id).

    Levels, best first: ``hosted_and_named``, ``hosted``, ``named``, ``policy_area`` (a
    policy text gives the product to an area the base is in: the site check's regional
    assignments), ``cluster``, ``region``, ``none``; values from the config's
    ``ranking.positioning_levels``.
    """
    from ..checks.base import regional_matches
    from ..checks.config import load_config

    levels = (config or load_scoring())["ranking"]["positioning_levels"]
    vocab = graph.graph["vocabulary"]
    data = graph.graph["chain_data"]
    base = graph.nodes[base_node(base_id)]
    hosted = set(hosted_by(graph, base_node(base_id)))
    named = bool(vocab.names_in(base.get("positioning_zh", ""), product, "zh")
                 or vocab.names_in(base.get("positioning_en", ""), product, "en"))
    cluster = graph.nodes[product]["cluster"]
    if product in hosted:
        level = "hosted_and_named" if named else "hosted"
    elif named:
        level = "named"
    elif any(regional_matches(base_id, graph.nodes[product].get(lang) or product, load_config())
             for lang in ("zh", "en")):
        level = "policy_area"
    elif any(graph.nodes[p]["cluster"] == cluster for p in hosted):
        level = "cluster"
    elif cluster in (data.regions.get(base.get("prefecture_zh", ""), {}).get("clusters") or ()):
        level = "region"
    else:
        level = "none"
    return level, float(levels[level])


def redline_shares(bases: gpd.GeoDataFrame, redlines: gpd.GeoDataFrame) -> pd.Series:
    """Share (0-1) of each base outline inside the red-line layer, by base id.

    Ellipsoidal areas (ha) via :func:`geo.geodesy.area_ha`; overlapping red-line
    polygons are dissolved first so nothing is counted twice.
    """
    union = redlines.geometry.union_all() if len(redlines) else None
    out = {}
    for _, row in bases.iterrows():
        geom = row.geometry
        total = area_ha(geom)
        inside = area_ha(geom.intersection(union)) if union is not None and not union.is_empty else 0.0
        out[row["id"]] = inside / total if total > 0 else np.nan
    return pd.Series(out, name="redline_share", dtype=float)


def quota_remaining(quotas: pd.DataFrame) -> pd.Series:
    """Remaining quota (ha) of each base in its latest year, by base id."""
    q = with_remaining(quotas)
    q = q.sort_values("year").groupby("base_id").tail(1)
    return q.set_index("base_id")["remaining_ha"].astype(float)


def rank_bases(product: str, weights: Mapping[str, float] | None = None,
               graph: nx.DiGraph | None = None, config: dict[str, Any] | None = None,
               bases: gpd.GeoDataFrame | None = None, quotas: pd.DataFrame | None = None,
               redlines: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """All bases ranked for ``product``, with every component.

    Parameters
    ----------
    product : str
        Vocabulary id or free text (zh or en).
    weights : mapping, optional
        Weights of :data:`COMPONENTS` (missing ones from the config); need not sum to 1.
    graph, config : optional
        Chain graph and scoring settings (defaults: bundled).
    bases, quotas, redlines : optional
        Bundle layers ``bases``, ``quotas`` and ``redlines`` (default: read from the bundle).

    Returns
    -------
    pandas.DataFrame
        One row per base, best first: ``rank``, ``base_id``, ``name_zh``, ``name_en``,
        ``lon``, ``lat``, the four components, ``positioning_level``,
        ``quota_remaining_ha``, ``redline_share``, ``adjacency_status``, ``score``.

    Raises
    ------
    ValueError
        If ``product`` names no vocabulary node, or all weights are zero.
    """
    graph = graph if graph is not None else default_graph()
    config = config or load_scoring()
    node_id = graph.graph["vocabulary"].resolve(product)
    if node_id is None:
        raise ValueError(f"product {product!r} is not in the chain vocabulary")
    w = {**config["ranking"]["weights"], **(weights or {})}
    total_w = sum(float(w[c]) for c in COMPONENTS)
    if total_w <= 0:
        raise ValueError("at least one ranking weight must be positive")
    if bases is None or quotas is None or redlines is None:
        from geo import bundle

        bases = bundle.read_layer("bases") if bases is None else bases
        quotas = bundle.read_table("quotas") if quotas is None else quotas
        redlines = bundle.read_layer("redlines") if redlines is None else redlines
    red = redline_shares(bases, redlines)
    remaining = quota_remaining(quotas) if len(quotas) else pd.Series(dtype=float)
    full = float(config["ranking"]["quota_full_ha"])
    rows = []
    for base_id in base_ids(graph):
        node = graph.nodes[base_node(base_id)]
        level, pos = positioning_match(graph, base_id, node_id, config)
        adj = chain_adjacency(node["lon"], node["lat"], node_id, graph, config)
        rem = float(remaining.get(base_id, np.nan))
        share = float(red.get(base_id, np.nan))
        comp = {
            "positioning": pos,
            "adjacency": adj.score if adj.score is not None else 0.0,
            "quota": 0.0 if np.isnan(rem) else min(1.0, max(rem, 0.0) / full),
            "redline": 0.0 if np.isnan(share) else 1.0 - share,
        }
        score = sum(float(w[c]) * comp[c] for c in COMPONENTS) / total_w
        rows.append({"base_id": base_id, "name_zh": node["zh"], "name_en": node["en"],
                     "lon": node["lon"], "lat": node["lat"], **comp, "positioning_level": level,
                     "quota_remaining_ha": rem, "redline_share": share,
                     "adjacency_status": adj.status, "score": score, "seq": node.get("seq") or 0})
    out = pd.DataFrame(rows).sort_values(["score", "seq"], ascending=[False, True])
    out.insert(0, "rank", range(1, len(out) + 1))
    out.attrs["product"] = node_id
    return out.drop(columns="seq").reset_index(drop=True)
