"""Load the chain knowledge base: vocabulary, chains, scoring (``data/chains/*.yaml``).

Pure data access, no Streamlit. The YAML files are described in their headers.
"""
from __future__ import annotations

import re
from typing import Any
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from geo.bundle import REPO_ROOT

__all__ = [
    "CHAINS_DIR",
    "VOCABULARY_PATH",
    "CHAINS_PATH",
    "SCORING_PATH",
    "normalise",
    "Cite",
    "Node",
    "Chain",
    "load_vocabulary",
    "load_chains",
    "load_scoring",
]

CHAINS_DIR = REPO_ROOT / "data" / "chains"
VOCABULARY_PATH = CHAINS_DIR / "vocabulary.yaml"
CHAINS_PATH = CHAINS_DIR / "chains.yaml"
SCORING_PATH = CHAINS_DIR / "scoring.yaml"

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, no whitespace, lower case (the form every match compares).

    >>> normalise(" ＰＶＣ 精深加工 ")
    'pvc精深加工'
    >>> normalise("Lithium  Carbonate")
    'lithiumcarbonate'
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text))).lower()


@dataclass(frozen=True)
class Cite:
    """Where a fact comes from: ``cite`` ('001 §四.4') and the seed phrase ``quote``."""

    cite: str
    quote: str

    @property
    def seed(self) -> str:
        """The seed file number ('001')."""
        return self.cite.split()[0]


@dataclass(frozen=True)
class Node:
    """A vocabulary entry: a product, a raw resource or an end use."""

    id: str
    kind: str  # raw | product | end_use
    zh: str
    en: str
    cluster: str
    synonyms_zh: tuple[str, ...] = ()
    synonyms_en: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    cite: Cite | None = None

    def terms(self, lang: str | None = None) -> tuple[str, ...]:
        """Name and synonyms in ``lang`` ('zh', 'en' or both when None)."""
        zh = (self.zh, *self.synonyms_zh)
        en = (self.en, *self.synonyms_en)
        return zh if lang == "zh" else en if lang == "en" else zh + en

    def name(self, lang: str) -> str:
        """Display name in ``lang``."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Chain:
    """An ordered chain of product steps; a step is a tuple of parallel node ids."""

    id: str
    scope: str  # base | cluster
    name_zh: str
    name_en: str
    steps: tuple[tuple[str, ...], ...]
    cites: tuple[Cite, ...]
    base: str | None = None
    cluster: str | None = None
    explicit: bool = False
    note: str = ""

    @property
    def products(self) -> tuple[str, ...]:
        """Every node id of the chain, in step order."""
        return tuple(p for step in self.steps for p in step)

    def name(self, lang: str) -> str:
        """Display name in ``lang``."""
        return self.name_zh if lang == "zh" else self.name_en


def _cites(raw: list[dict[str, Any]] | None) -> tuple[Cite, ...]:
    return tuple(Cite(str(c["cite"]), str(c["quote"])) for c in raw or [])


@lru_cache(maxsize=8)
def _yaml(path: str) -> Any:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_vocabulary(path: Path | str = VOCABULARY_PATH) -> dict[str, Node]:
    """All vocabulary nodes by id, in file order.

    Raises
    ------
    ValueError
        If an id is repeated or a kind is unknown.
    """
    out: dict[str, Node] = {}
    for raw in _yaml(str(path))["nodes"]:
        if raw["id"] in out:
            raise ValueError(f"vocabulary id {raw['id']!r} is defined twice")
        if raw["kind"] not in ("raw", "product", "end_use"):
            raise ValueError(f"node {raw['id']!r}: kind was {raw['kind']!r} but is expected "
                             "to be raw, product or end_use")
        syn = raw.get("synonyms") or {}
        out[raw["id"]] = Node(
            id=raw["id"], kind=raw["kind"], zh=str(raw["zh"]), en=str(raw["en"]),
            cluster=raw["cluster"], synonyms_zh=tuple(map(str, syn.get("zh") or ())),
            synonyms_en=tuple(map(str, syn.get("en") or ())), codes=tuple(raw.get("codes") or ()),
            cite=Cite(str(raw["cite"]), str(raw["quote"])) if raw.get("cite") else None,
        )
    return out


@dataclass(frozen=True)
class ChainData:
    """Everything of ``chains.yaml`` besides the vocabulary."""

    chains: dict[str, Chain]
    clusters: dict[str, dict[str, Any]]
    regions: dict[str, dict[str, Any]]
    hosting: tuple[dict[str, Any], ...]
    feeds: tuple[dict[str, Any], ...]
    resources: dict[str, Any] = field(default_factory=dict)


def _steps(raw: list[Any]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(s) if isinstance(s, list) else (s,) for s in raw)


def load_chains(path: Path | str = CHAINS_PATH) -> ChainData:
    """Chains, clusters, regions, hosting links, feeds and resource mapping."""
    raw = _yaml(str(path))
    chains = {}
    for c in raw["chains"]:
        chains[c["id"]] = Chain(
            id=c["id"], scope=c["scope"], name_zh=str(c["name_zh"]), name_en=str(c["name_en"]),
            steps=_steps(c["steps"]), cites=_cites(c.get("cites")), base=c.get("base"),
            cluster=c.get("cluster"), explicit=bool(c.get("explicit")), note=c.get("note", ""))
    clusters = {c["id"]: {**c, "cites": _cites(c.get("cites"))} for c in raw["clusters"]}
    regions = {r["prefecture_zh"]: {**r, "cites": _cites(r.get("cites"))} for r in raw["regions"]}
    hosting = tuple({**h, "cites": _cites(h.get("cites"))} for h in raw.get("hosting") or [])
    feeds = tuple({**f, "cites": _cites(f.get("cites"))} for f in raw.get("feeds") or [])
    return ChainData(chains, clusters, regions, hosting, feeds, dict(raw.get("resources") or {}))


def load_scoring(path: Path | str = SCORING_PATH) -> dict[str, Any]:
    """The scoring settings (a plain dict, see the file's comments)."""
    scoring: dict[str, Any] = _yaml(str(path))
    return scoring
