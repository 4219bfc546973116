"""The industry-chain graph: a networkx DiGraph of products, bases and resources.

Nodes (attribute ``type``):

* ``product`` -- a vocabulary node (attribute ``kind``: raw, product or end_use), keyed
  by its vocabulary id (``li2co3``);
* ``base`` -- an industrial base, keyed ``base:<id>``, with ``lon``, ``lat``;
* ``resource`` -- a salt lake or mineral deposit, keyed ``salt_lake:<id>`` /
  ``deposit:<id>``, with ``lon``, ``lat`` (a representative point).

Edges (attribute ``kind``):

* ``feeds`` -- product -> product: consecutive chain steps and the cross-chain links
  of ``chains.yaml`` (``chains``: chain ids, ``cites``, ``basis``);
* ``hosts`` -- base -> product (steps of the base's chains and extra hosting links) and
  resource -> raw node (salt-lake minerals, deposit commodities).

Coordinates are (lon, lat), EPSG:4326.
"""
from __future__ import annotations

from functools import lru_cache
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike
import pandas as pd

from geo.geodesy import GEOD

from .data import ChainData, Cite, load_chains
from .vocab import Vocabulary

__all__ = [
    "base_node",
    "node_base_id",
    "build_graph",
    "default_graph",
    "feeds_in",
    "feeds_out",
    "upstream",
    "downstream",
    "hosts",
    "hosted_by",
    "base_ids",
    "geodesic_km",
]


def base_node(base_id: str) -> str:
    """Graph key of a base (``base:nanchuan``)."""
    return f"base:{base_id}"


def node_base_id(node: str) -> str:
    """Base id of a base graph key (``base:nanchuan`` -> ``nanchuan``)."""
    return node.split(":", 1)[1]


def _split_codes(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _point(row: pd.Series) -> tuple[float, float]:
    if "lon" in row and pd.notna(row.get("lon")) and pd.notna(row.get("lat")):
        return float(row["lon"]), float(row["lat"])
    pt = row["geometry"].representative_point()
    return float(pt.x), float(pt.y)


def _add_edge(g: nx.DiGraph, u: str, v: str, kind: str, *, chain: str | None = None,
              cites: Iterable[Cite] = (), basis: str | None = None, note: str = "") -> None:
    if g.has_edge(u, v):
        data = g.edges[u, v]
    else:
        g.add_edge(u, v, kind=kind, chains=[], cites=[], basis=basis or "chain", notes=[])
        data = g.edges[u, v]
    if chain and chain not in data["chains"]:
        data["chains"].append(chain)
    for c in cites:
        if c not in data["cites"]:
            data["cites"].append(c)
    if basis and data["basis"] == "chain" and not chain:
        data["basis"] = basis
    if note:
        data["notes"].append(note)


def _check_ids(ids: Iterable[str], vocab: Vocabulary, where: str) -> None:
    unknown = sorted({i for i in ids if i not in vocab})
    if unknown:
        raise ValueError(f"{where}: ids {unknown} are not in the vocabulary")


def build_graph(vocabulary: Vocabulary | None = None, chain_data: ChainData | None = None,
                bases: pd.DataFrame | None = None, salt_lakes: pd.DataFrame | None = None,
                deposits: pd.DataFrame | None = None) -> nx.DiGraph:
    """Build the chain graph.

    Parameters
    ----------
    vocabulary : Vocabulary, optional
        Defaults to ``data/chains/vocabulary.yaml``.
    chain_data : ChainData, optional
        Defaults to ``data/chains/chains.yaml``.
    bases, salt_lakes, deposits : DataFrame, optional
        Rows with ``id``, ``name_zh``, ``name_en`` and a position (``lon``/``lat`` columns
        or a ``geometry``); bases also ``positioning_zh``/``_en``, ``prefecture_zh``;
        salt lakes ``minerals`` (codes, comma-separated or a list); deposits
        ``commodity``. Default: the bundle layers (``geo.bundle.read_layer``). Pass an
        empty frame to leave a kind of host out.

    Returns
    -------
    networkx.DiGraph
        With ``graph['vocabulary']`` and ``graph['chain_data']`` attached.

    Raises
    ------
    ValueError
        If a chain, feed or hosting link names an unknown product or base.
    """
    vocab = vocabulary or Vocabulary()
    data = chain_data or load_chains()
    if bases is None or salt_lakes is None or deposits is None:
        from geo import bundle

        bases = bundle.read_layer("bases") if bases is None else bases
        salt_lakes = bundle.read_layer("salt_lakes") if salt_lakes is None else salt_lakes
        deposits = bundle.read_layer("deposits") if deposits is None else deposits

    g = nx.DiGraph(vocabulary=vocab, chain_data=data)
    for node in vocab.nodes.values():
        g.add_node(node.id, type="product", kind=node.kind, zh=node.zh, en=node.en,
                   cluster=node.cluster)
    for _, row in bases.iterrows():
        lon, lat = _point(row)
        g.add_node(base_node(row["id"]), type="base", id=row["id"], zh=row.get("name_zh", row["id"]),
                   en=row.get("name_en", row["id"]), lon=lon, lat=lat,
                   positioning_zh=row.get("positioning_zh") or "",
                   positioning_en=row.get("positioning_en") or "",
                   prefecture_zh=row.get("prefecture_zh") or "", seq=row.get("seq"))

    for chain in data.chains.values():
        _check_ids(chain.products, vocab, f"chain {chain.id}")
        for prev, nxt in zip(chain.steps, chain.steps[1:]):
            for u in prev:
                for v in nxt:
                    _add_edge(g, u, v, "feeds", chain=chain.id, cites=chain.cites)
        if chain.scope == "base":
            if base_node(str(chain.base)) not in g:
                if len(bases):
                    raise ValueError(f"chain {chain.id}: base {chain.base!r} is not in the bases layer")
                continue
            for p in chain.products:
                _add_edge(g, base_node(str(chain.base)), p, "hosts", chain=chain.id, cites=chain.cites)
    for link in data.hosting:
        _check_ids([link["product"]], vocab, f"hosting of {link['base']}")
        if base_node(link["base"]) in g:
            _add_edge(g, base_node(link["base"]), link["product"], "hosts", cites=link["cites"],
                      basis="hosting")
    for feed in data.feeds:
        _check_ids([feed["from"], feed["to"]], vocab, "feeds")
        _add_edge(g, feed["from"], feed["to"], "feeds", cites=feed["cites"],
                  basis=feed.get("basis", "stated"), note=feed.get("note", ""))

    res = data.resources
    _add_resources(g, vocab, salt_lakes, "salt_lake", "minerals", res.get("salt_lake_minerals", {}), None)
    _add_resources(g, vocab, deposits, "deposit", "commodity", res.get("deposit_commodities", {}),
                   res.get("split_on"))
    return g


def _add_resources(g: nx.DiGraph, vocab: Vocabulary, frame: pd.DataFrame, prefix: str,
                   column: str, mapping: dict[str, Any], split_on: str | None) -> None:
    _check_ids(mapping.values(), vocab, f"resources {prefix}")
    cites = tuple(g.graph["chain_data"].resources.get("cites") or ())
    for _, row in frame.iterrows():
        codes = []
        for code in _split_codes(row.get(column)):
            if code in mapping:
                codes.append(code)
            elif split_on and split_on in code:
                codes += [c for c in code.split(split_on) if c in mapping]
        if not codes:
            continue
        lon, lat = _point(row)
        key = f"{prefix}:{row['id']}"
        g.add_node(key, type="resource", resource=prefix, id=row["id"],
                   zh=row.get("name_zh", row["id"]), en=row.get("name_en", row["id"]),
                   lon=lon, lat=lat, codes=codes)
        for code in codes:
            _add_edge(g, key, mapping[code], "hosts", basis="resource", cites=cites)


@lru_cache(maxsize=1)
def default_graph() -> nx.DiGraph:
    """The graph of the bundled data (built once per process)."""
    return build_graph()


def _neighbours(g: nx.DiGraph, node: str, kind: str, out: bool) -> list[str]:
    edges = g.out_edges(node, data="kind") if out else g.in_edges(node, data="kind")
    return [v if out else u for u, v, k in edges if k == kind]


def feeds_in(g: nx.DiGraph, product: str) -> list[str]:
    """Direct inputs of ``product`` (feeds predecessors)."""
    return _neighbours(g, product, "feeds", out=False)


def feeds_out(g: nx.DiGraph, product: str) -> list[str]:
    """Direct outputs of ``product`` (feeds successors)."""
    return _neighbours(g, product, "feeds", out=True)


def _walk(g: nx.DiGraph, product: str, depth: int | None, out: bool) -> dict[str, int]:
    seen, frontier, level = {}, [product], 0
    while frontier and (depth is None or level < depth):
        level += 1
        nxt = []
        for n in frontier:
            for m in (feeds_out(g, n) if out else feeds_in(g, n)):
                if m not in seen and m != product:
                    seen[m] = level
                    nxt.append(m)
        frontier = nxt
    return seen


def upstream(g: nx.DiGraph, product: str, depth: int | None = 1) -> dict[str, int]:
    """Products upstream of ``product`` within ``depth`` feeds steps (None: all), with their level.

    >>> g = nx.DiGraph(); g.add_edge("a", "b", kind="feeds"); g.add_edge("b", "c", kind="feeds")
    >>> upstream(g, "c", depth=None)
    {'b': 1, 'a': 2}
    """
    return _walk(g, product, depth, out=False)


def downstream(g: nx.DiGraph, product: str, depth: int | None = 1) -> dict[str, int]:
    """Products downstream of ``product`` within ``depth`` feeds steps (None: all)."""
    return _walk(g, product, depth, out=True)


def hosts(g: nx.DiGraph, product: str, types: tuple[str, ...] = ("base", "resource")) -> list[str]:
    """Graph keys of the bases / resources hosting ``product``."""
    return [h for h in _neighbours(g, product, "hosts", out=False) if g.nodes[h]["type"] in types]


def hosted_by(g: nx.DiGraph, host: str) -> list[str]:
    """Products hosted by a base or resource graph key."""
    return _neighbours(g, host, "hosts", out=True)


def base_ids(g: nx.DiGraph) -> list[str]:
    """Ids of the bases in the graph, in seed order when ``seq`` is known."""
    keys = [n for n, d in g.nodes(data=True) if d["type"] == "base"]
    keys.sort(key=lambda n: (g.nodes[n].get("seq") is None, g.nodes[n].get("seq") or 0, n))
    return [node_base_id(n) for n in keys]


def geodesic_km(lon: float, lat: float, lons: ArrayLike, lats: ArrayLike) -> np.ndarray:
    """Geodesic distances (km, WGS84) from (lon, lat) to each of (lons, lats).

    >>> round(float(geodesic_km(0.0, 0.0, [1.0], [0.0])[0]), 4)
    111.3195
    """
    lons = np.asarray(lons, dtype=float)
    lats = np.asarray(lats, dtype=float)
    if lons.size == 0:
        return np.zeros(0)
    _, _, dist = GEOD.inv(np.full(lons.shape, float(lon)), np.full(lats.shape, float(lat)), lons, lats)
    return np.asarray(dist, dtype=float) / 1000.0
