"""Chain adjacency of a site: are the product's suppliers and customers nearby?

For a site (lon, lat) and a product, every direct input (upstream) and direct output
(downstream) of the product in the chain graph is a *partner*. Each partner is scored
by its nearest host (a base, or for raw resources a salt lake / deposit), with the road
distance estimated as ``detour_factor`` x the geodesic distance and the link score
decaying with distance (``data/chains/scoring.yaml``, section ``distance``):

    f(d) = 1                                   for d <= full_km
    f(d) = 0.5 ** ((d - full_km) / half_km)    for d >  full_km

A partner nobody hosts is a *missing link* (link score 0). A partner's nearest host is
*near* when its link score is at least ``adjacency.near_min_link_score`` (the decay's
reach: :meth:`DistanceModel.reach_km`); a hosted partner beyond it is a *far link*. The
score is the weighted mean of the upstream and downstream mean link scores, in [0, 1].
This is check 6 of the site check: :func:`chain_adjacency` returns status PASS / WARN /
UNKNOWN with the partners as evidence; PASS needs every partner near.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np

from .data import load_scoring
from .graph import default_graph, feeds_in, feeds_out, geodesic_km, hosts

__all__ = [
    "DistanceModel",
    "HostDistance",
    "Partner",
    "Adjacency",
    "link_score",
    "host_keys",
    "nearest_hosts",
    "chain_adjacency",
]


@dataclass(frozen=True)
class DistanceModel:
    """Detour factor and distance decay (see the module docstring)."""

    detour_factor: float = 1.3
    full_km: float = 10.0
    half_km: float = 100.0

    @classmethod
    def from_config(cls, config: dict[str, Any] | None = None) -> DistanceModel:
        """From the ``distance`` section of a scoring config (default: the bundled file)."""
        d = (config or load_scoring())["distance"]
        return cls(float(d["detour_factor"]), float(d["full_km"]), float(d["half_km"]))

    def road_km(self, geodesic_km: float) -> float:
        """Estimated road distance for a geodesic distance."""
        return self.detour_factor * geodesic_km

    def score(self, road_km: float) -> float:
        """Link score in [0, 1] of a partner ``road_km`` away."""
        return link_score(road_km, self.full_km, self.half_km)

    def reach_km(self, min_score: float) -> float:
        """Road distance (km) up to which the link score is at least ``min_score`` (0, 1].

        >>> DistanceModel(1.3, 10, 100).reach_km(0.25)
        210.0
        """
        return self.full_km + self.half_km * math.log2(1.0 / min_score)


def link_score(road_km: float, full_km: float, half_km: float) -> float:
    """Distance decay: 1 up to ``full_km``, then halving every ``half_km``.

    >>> link_score(5, 10, 100), link_score(110, 10, 100), link_score(210, 10, 100)
    (1.0, 0.5, 0.25)
    """
    if road_km <= full_km:
        return 1.0
    return float(0.5 ** ((road_km - full_km) / half_km))


@dataclass
class HostDistance:
    """A host of a partner product and how far it is from the site."""

    host: str  # graph key: base:<id> / salt_lake:<id> / deposit:<id>
    type: str  # base | resource
    zh: str
    en: str
    lon: float
    lat: float
    geodesic_km: float
    road_km: float


@dataclass
class Partner:
    """An upstream or downstream product of the project, with its nearest hosts."""

    product: str
    zh: str
    en: str
    side: str  # upstream | downstream
    hosts: list[HostDistance] = field(default_factory=list)
    link_score: float = 0.0
    near: bool = False  # the nearest host is within the decay's reach

    @property
    def missing(self) -> bool:
        """No base or resource hosts this partner."""
        return not self.hosts

    @property
    def nearest(self) -> HostDistance | None:
        """The nearest host, or None."""
        return self.hosts[0] if self.hosts else None


@dataclass
class Adjacency:
    """Result of :func:`chain_adjacency` (site at ``lon``, ``lat``)."""

    status: str  # PASS | WARN | UNKNOWN
    score: float | None
    product: str | None  # vocabulary id, None when the text named no node
    query: str
    lon: float
    lat: float
    upstream_score: float | None = None
    downstream_score: float | None = None
    partners: list[Partner] = field(default_factory=list)
    reason: str = ""  # unknown_product | no_partners | low_score | missing_links | far_links | ok
    rule: dict[str, Any] = field(default_factory=dict)

    @property
    def missing(self) -> list[Partner]:
        """Partners nobody hosts (missing links)."""
        return [p for p in self.partners if p.missing]

    @property
    def far(self) -> list[Partner]:
        """Hosted partners whose nearest host is beyond the decay's reach (far links)."""
        return [p for p in self.partners if not p.missing and not p.near]

    @property
    def n_near(self) -> int:
        """Partners with a host within the decay's reach."""
        return sum(p.near for p in self.partners)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-serialisable) for reports and the site check."""
        out = asdict(self)
        out["missing"] = [p.product for p in self.missing]
        out["far"] = [p.product for p in self.far]
        return out


def host_keys(graph: nx.DiGraph, product: str) -> list[str]:
    """Graph keys of the hosts of ``product``: salt lakes, deposits and bases for a raw
    resource, bases for any other product."""
    cache = graph.graph.setdefault("host_keys", {})  # the graph is not changed once built
    if product not in cache:
        kind = graph.nodes[product].get("kind")
        cache[product] = hosts(graph, product, ("resource", "base") if kind == "raw" else ("base",))
    return list(cache[product])


def nearest_hosts(graph: nx.DiGraph, product: str, lon: float, lat: float,
                  model: DistanceModel, limit: int | None = None,
                  host_km: Mapping[str, float] | None = None) -> list[HostDistance]:
    """Hosts of ``product`` sorted by distance from (lon, lat), nearest first.

    Raw resources count salt lakes and deposits as hosts; other products count bases.
    ``host_km`` gives the geodesic distance (km) from (lon, lat) to each host
    when it is already measured (the bulk path measures every site to every
    host at once); by default it is measured here.
    """
    keys = host_keys(graph, product)
    if not keys:
        return []
    if host_km is not None:
        dist = np.array([host_km[k] for k in keys], dtype=float)
    else:
        lons = [graph.nodes[k]["lon"] for k in keys]
        lats = [graph.nodes[k]["lat"] for k in keys]
        dist = geodesic_km(lon, lat, lons, lats)
    rows = []
    for key, d in zip(keys, dist):
        n = graph.nodes[key]
        rows.append(HostDistance(key, n["type"], n["zh"], n["en"], n["lon"], n["lat"],
                                 float(d), model.road_km(float(d))))
    rows.sort(key=lambda h: (h.geodesic_km, h.host))
    return rows[:limit] if limit else rows


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def chain_adjacency(lon: float, lat: float, product: str, graph: nx.DiGraph | None = None,
                    config: dict[str, Any] | None = None, host_km: Mapping[str, float] | None = None
                    ) -> Adjacency:
    """Chain adjacency of a project making ``product`` at (lon, lat).

    Parameters
    ----------
    lon, lat : float
        Site position, WGS84 degrees, in this order (lon first).
    product : str
        Vocabulary id or free text (zh or en), e.g. ``正极材料`` or ``lithium carbonate``.
    graph : networkx.DiGraph, optional
        Chain graph; default :func:`geo.chains.graph.default_graph`.
    config : dict, optional
        Scoring settings; default ``data/chains/scoring.yaml``.
    host_km : mapping, optional
        Geodesic distance (km) from (lon, lat) to each host key, when already
        measured (:func:`nearest_hosts`).

    Returns
    -------
    Adjacency
        ``status`` PASS / WARN / UNKNOWN (rule in ``rule``), ``score`` in [0, 1] (None
        when UNKNOWN), ``partners`` with their nearest hosts (evidence), ``missing``.
    """
    graph = graph if graph is not None else default_graph()
    config = config or load_scoring()
    model = DistanceModel.from_config(config)
    adj = config["adjacency"]
    near_min = float(adj.get("near_min_link_score", 0.25))
    rule = {"pass_min_score": adj["pass_min_score"], "warn_on_missing": adj["warn_on_missing"],
            "near_min_link_score": near_min, "reach_km": model.reach_km(near_min),
            "warn_on_far": bool(adj.get("warn_on_far", True)),
            "detour_factor": model.detour_factor, "full_km": model.full_km, "half_km": model.half_km,
            "upstream_weight": adj["upstream_weight"], "downstream_weight": adj["downstream_weight"]}
    vocab = graph.graph["vocabulary"]
    node_id = vocab.resolve(product)
    result = Adjacency("UNKNOWN", None, node_id, product or "", float(lon), float(lat), rule=rule)
    if node_id is None or node_id not in graph:
        result.reason = "unknown_product"
        return result
    keep_end = bool(adj.get("include_end_use", False))
    limit = int(adj.get("hosts_listed", 3))
    sides = {"upstream": feeds_in(graph, node_id), "downstream": feeds_out(graph, node_id)}
    for side, products in sides.items():
        for p in sorted(products):
            node = graph.nodes[p]
            if node.get("kind") == "end_use" and not keep_end:
                continue
            found = nearest_hosts(graph, p, lon, lat, model, host_km=host_km)
            score = model.score(found[0].road_km) if found else 0.0
            result.partners.append(Partner(p, node["zh"], node["en"], side, found[:limit], score,
                                           bool(found) and score >= near_min))
    if not result.partners:
        result.reason = "no_partners"
        return result
    up = _mean([p.link_score for p in result.partners if p.side == "upstream"])
    down = _mean([p.link_score for p in result.partners if p.side == "downstream"])
    weights = [(adj["upstream_weight"], up), (adj["downstream_weight"], down)]
    total_w = sum(w for w, s in weights if s is not None)
    result.upstream_score, result.downstream_score = up, down
    result.score = sum(w * s for w, s in weights if s is not None) / total_w if total_w else 0.0
    if result.score < adj["pass_min_score"]:
        result.status, result.reason = "WARN", "low_score"
    elif result.missing and adj["warn_on_missing"]:
        result.status, result.reason = "WARN", "missing_links"
    elif result.far and rule["warn_on_far"]:
        result.status, result.reason = "WARN", "far_links"
    else:
        result.status, result.reason = "PASS", "ok"
    return result
