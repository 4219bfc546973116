"""Look user text up in the translation table, so tests do not hard-code it."""
from __future__ import annotations

import re

from geo.i18n import LANGS, TEXT

_FIELD = re.compile(r"\{[^{}]*\}|\[[^|\[\]]+\|[^|\[\]:]+:\w+\]")  # a field or a plural


def stem(key: str, lang: str) -> str:
    """The fixed start of a translated text, before its first ``{field}``."""
    return TEXT[key][LANGS.index(lang)].split("{")[0]


def shown(key: str, lang: str, text: str) -> bool:
    """Whether ``text`` is the translation ``key`` with any values in its fields.

    >>> shown("batch.no_sites", "en", "Upload a file or paste a CSV first.")
    True
    >>> shown("batch.done", "en", "4 sites screened in 0.5 s."), shown("batch.done", "zh", "x")
    (True, False)
    """
    return pattern(key, lang).fullmatch(text) is not None


def pattern(key: str, lang: str) -> re.Pattern:
    """The translation ``key`` as a regular expression, each ``{field}`` (and each English
    plural ``[site|sites:n]``) any text (for Playwright's ``get_by_text`` and for
    :func:`shown`)."""
    parts = _FIELD.split(TEXT[key][LANGS.index(lang)])
    return re.compile(".*?".join(map(re.escape, parts)), re.DOTALL)
