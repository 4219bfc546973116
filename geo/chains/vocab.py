"""Find a vocabulary node from a user's free text (zh or en).

Matching, on normalised text (NFKC, no whitespace, lower case):

1. exact: the text is a node's name or synonym;
2. contains: the text contains a name or synonym (``正极材料项目`` -> cathode), the
   longest term wins (terms of >= 2 characters; pure-ASCII terms of >= 4);
3. inside: the text (at least 2 characters) lies inside a name or synonym
   (``碳酸`` -> ``碳酸锂``); only when it points at one node.
"""
from __future__ import annotations

from dataclasses import dataclass

from .data import Node, load_vocabulary, normalise

__all__ = ["Match", "Vocabulary"]


def _eligible(term: str) -> bool:
    """Terms that may match inside a longer text: >= 2 characters, and pure-ASCII
    terms >= 4 (``ic``, ``pv``, ``led`` would hit inside unrelated English words)."""
    return len(term) >= (4 if term.isascii() else 2)


@dataclass(frozen=True)
class Match:
    """A node found for a text: its id, how (exact / contains / inside) and the term."""

    node_id: str
    how: str
    term: str


class Vocabulary:
    """The product vocabulary with a term index.

    Parameters
    ----------
    nodes : dict of id -> Node, optional
        Defaults to ``data/chains/vocabulary.yaml``.

    Raises
    ------
    ValueError
        If one term names two nodes (a synonym must be unambiguous).
    """

    def __init__(self, nodes: dict[str, Node] | None = None):
        self.nodes = nodes if nodes is not None else load_vocabulary()
        self._index: dict[str, str] = {}
        for node in self.nodes.values():
            for term in node.terms():
                key = normalise(term)
                if not key:
                    continue
                other = self._index.get(key)
                if other is not None and other != node.id:
                    raise ValueError(f"term {term!r} names both {other!r} and {node.id!r}")
                self._index[key] = node.id

    def __contains__(self, node_id: str) -> bool:
        return node_id in self.nodes

    def __getitem__(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def match(self, text: str | None) -> Match | None:
        """The node ``text`` names, or None.

        >>> v = Vocabulary()
        >>> v.match("碳酸锂").node_id, v.match("Lithium Carbonate").node_id
        ('li2co3', 'li2co3')
        >>> v.match("年产5万吨正极材料项目").node_id
        'cathode'
        >>> v.match("火锅") is None
        True
        """
        key = normalise(text or "")
        if not key:
            return None
        if key in self._index:
            return Match(self._index[key], "exact", key)
        inside = [t for t in self._index if _eligible(t) and t in key]
        if inside:
            term = max(inside, key=len)
            return Match(self._index[term], "contains", term)
        if len(key) >= 2:
            hits = {self._index[t] for t in self._index if key in t}
            if len(hits) == 1:
                (node_id,) = hits
                return Match(node_id, "inside", key)
        return None

    def resolve(self, text: str | None) -> str | None:
        """Node id for ``text`` (or ``text`` itself when it is an id), else None."""
        if text in self.nodes:
            return text
        found = self.match(text)
        return found.node_id if found else None

    def names_in(self, text: str, node_id: str, lang: str | None = None) -> str | None:
        """The name or synonym of ``node_id`` that occurs in ``text`` (>= 2 chars), or None."""
        hay = normalise(text or "")
        for term in sorted(self.nodes[node_id].terms(lang), key=len, reverse=True):
            key = normalise(term)
            if len(key) >= 2 and key in hay:
                return term
        return None
