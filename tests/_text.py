"""Look user text up in the translation table, so tests do not hard-code it."""
from __future__ import annotations

from geo.i18n import LANGS, TEXT


def stem(key: str, lang: str) -> str:
    """The fixed start of a translated text, before its first ``{field}``."""
    return TEXT[key][LANGS.index(lang)].split("{")[0]
