"""Industry chains (产业链): vocabulary, graph, chain adjacency, base ranking, chain gaps.

The knowledge base is ``data/chains/`` (vocabulary.yaml, chains.yaml, scoring.yaml),
every entry cited to a seed sentence. No Streamlit here. Coordinates are (lon, lat).

Main entry points::

    from geo.chains import chain_adjacency, rank_bases, chain_gaps
    chain_adjacency(101.735, 36.565, "正极材料")      # check 6 of the site check
    rank_bases("钾肥")                                # DataFrame, best base first
    chain_gaps("nanchuan")                            # 延链补链 list
"""
from .adjacency import Adjacency, DistanceModel, HostDistance, Partner, chain_adjacency, link_score
from .data import Chain, Cite, Node, load_chains, load_scoring, load_vocabulary, normalise
from .gaps import Gap, PartnerBase, base_chains, chain_gaps, extending_chains, partner_bases
from .graph import (base_ids, base_node, build_graph, default_graph, downstream, feeds_in,
                    feeds_out, geodesic_km, hosted_by, hosts, upstream)
from .ranking import COMPONENTS, positioning_match, rank_bases, redline_shares
from .vocab import Match, Vocabulary

__all__ = [
    "Adjacency", "DistanceModel", "HostDistance", "Partner", "chain_adjacency", "link_score",
    "Chain", "Cite", "Node", "load_chains", "load_scoring", "load_vocabulary", "normalise",
    "Gap", "PartnerBase", "base_chains", "chain_gaps", "extending_chains", "partner_bases",
    "base_ids", "base_node", "build_graph", "default_graph", "downstream", "feeds_in",
    "feeds_out", "geodesic_km", "hosted_by", "hosts", "upstream",
    "COMPONENTS", "positioning_match", "rank_bases", "redline_shares",
    "Match", "Vocabulary",
]
