"""Chain gaps (延链补链) of a base, and its partner bases up and down the chains.

A seed-001 chain of a base is *extended* by a province-level chain (``scope: cluster``
in ``chains.yaml``) that contains all its steps or at least ``gaps.min_shared_steps``
of them (``data/chains/scoring.yaml``). A product step of the base's chains and of the
chains extending them is a gap when no base hosts it (``unhosted``), or when its nearest
host base is farther than ``gaps.far_km`` by road (``far``). Raw resources and end uses
are never gaps (nobody builds a deposit or a market in a park).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from .adjacency import DistanceModel, nearest_hosts
from .data import Chain, load_scoring
from .graph import base_node, default_graph, feeds_in, feeds_out, hosted_by, node_base_id

__all__ = ["Gap", "PartnerBase", "base_chains", "extending_chains", "chain_gaps", "partner_bases"]


@dataclass
class Gap:
    """A step of a base's chains that the province does not host (nearby)."""

    product: str
    zh: str
    en: str
    reason: str  # unhosted | far
    chains: list[str] = field(default_factory=list)  # chain ids the step is in
    nearest_base: str | None = None
    road_km: float | None = None


@dataclass
class PartnerBase:
    """Another base hosting an input or an output of one of the base's products."""

    side: str  # upstream | downstream
    base_id: str
    zh: str
    en: str
    product: str  # the base's own product
    partner_product: str  # the input / output hosted by the partner base
    geodesic_km: float
    road_km: float


def base_chains(graph: nx.DiGraph, base_id: str) -> list[Chain]:
    """The seed-001 chains of a base, in file order."""
    return [c for c in graph.graph["chain_data"].chains.values()
            if c.scope == "base" and c.base == base_id]


def extending_chains(graph: nx.DiGraph, chain: Chain, min_shared: int) -> list[Chain]:
    """Province-level chains that extend ``chain`` (see the module docstring)."""
    own = set(chain.products)
    need = min(min_shared, len(own))
    return [c for c in graph.graph["chain_data"].chains.values()
            if c.scope == "cluster" and len(own & set(c.products)) >= need]


def chain_gaps(base_id: str, graph: nx.DiGraph | None = None, config: dict[str, Any] | None = None) -> list[Gap]:
    """The chain gaps of a base, unhosted first, then far ones (nearest first).

    Parameters
    ----------
    base_id : str
        Base id (``nanchuan``).
    graph, config : optional
        Chain graph and scoring settings (defaults: bundled).
    """
    graph = graph if graph is not None else default_graph()
    config = config or load_scoring()
    model = DistanceModel.from_config(config)
    far_km = float(config["gaps"]["far_km"])
    min_shared = int(config["gaps"]["min_shared_steps"])
    key = base_node(base_id)
    if key not in graph:
        raise ValueError(f"base was {base_id!r} but is expected to be one of the bases layer")
    lon, lat = graph.nodes[key]["lon"], graph.nodes[key]["lat"]
    steps: dict[str, list[str]] = {}
    for chain in base_chains(graph, base_id):
        for c in [chain, *extending_chains(graph, chain, min_shared)]:
            for p in c.products:
                ids = steps.setdefault(p, [])
                if c.id not in ids:
                    ids.append(c.id)
    gaps = []
    for p, chain_ids in steps.items():
        node = graph.nodes[p]
        if node["kind"] != "product":
            continue
        found = nearest_hosts(graph, p, lon, lat, model, limit=1)
        if not found:
            gaps.append(Gap(p, node["zh"], node["en"], "unhosted", chain_ids))
        elif found[0].road_km > far_km:
            gaps.append(Gap(p, node["zh"], node["en"], "far", chain_ids,
                            node_base_id(found[0].host), found[0].road_km))
    gaps.sort(key=lambda g: (g.reason != "unhosted", g.road_km or 0.0))
    return gaps


def partner_bases(base_id: str, graph: nx.DiGraph | None = None,
                  config: dict[str, Any] | None = None) -> list[PartnerBase]:
    """Other bases hosting a direct input (upstream) or output (downstream) of the
    base's products, nearest first (a pair listed once per product link)."""
    graph = graph if graph is not None else default_graph()
    model = DistanceModel.from_config(config or load_scoring())
    key = base_node(base_id)
    lon, lat = graph.nodes[key]["lon"], graph.nodes[key]["lat"]
    own = set(hosted_by(graph, key))
    out = []
    for p in sorted(own):
        for side, partners in (("upstream", feeds_in(graph, p)), ("downstream", feeds_out(graph, p))):
            for q in partners:
                if q in own or graph.nodes[q]["kind"] != "product":
                    continue
                for h in nearest_hosts(graph, q, lon, lat, model):
                    if h.type == "base" and h.host != key:
                        out.append(PartnerBase(side, node_base_id(h.host), h.zh, h.en, p, q,
                                               h.geodesic_km, h.road_km))
    out.sort(key=lambda r: (r.side != "upstream", r.geodesic_km, r.product))
    return out
