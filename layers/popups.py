"""Popup and tooltip HTML for features, with every attribute escaped.

Attribute text is data, never markup: each value goes through
:func:`html.escape`, so a name like ``<script>`` shows as text.
"""
from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from typing import Any

from geo.i18n import t

__all__ = ["PopupField", "format_value", "popup_html"]


@dataclass(frozen=True)
class PopupField:
    """One row of a popup: a column, its label key and how to format it.

    ``column`` may be a bilingual stem (``positioning`` reads
    ``positioning_zh`` or ``positioning_en``). ``kind`` is one of ``text``,
    ``ha``, ``bool``, ``chains``, ``accuracy``, ``quota``, ``source`` (a policy text cited
    by its number in the seed set, ``seed 001 §四.3``, is named by its title).
    """

    column: str
    label: str
    kind: str = "text"


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _chains_html(value: str, lang: str) -> str:
    chains = json.loads(value) if isinstance(value, str) else value
    items = []
    for chain in chains or []:
        steps = chain.get(f"steps_{lang}") or chain.get("steps_zh") or []
        arrow = " → ".join(html.escape(str(s)) for s in steps)
        items.append(f"<li>{arrow}</li>")
    return f"<ul class='qpa-chains'>{''.join(items)}</ul>"


def _quota_html(props: dict, lang: str) -> str:
    if _is_missing(props.get("allocated_ha")):
        return html.escape(t("quota.sample", lang)) + " — n/a"
    cells = "".join(
        f"<td>{html.escape(t(k, lang))}<br><b>{float(props[c]):,.0f}</b></td>"
        for k, c in (("f.allocated", "allocated_ha"), ("f.used", "used_ha"),
                     ("f.reserved", "reserved_ha"), ("f.remaining", "remaining_ha"))
    )
    note = html.escape(f"{props.get('quota_year', '')} · {t('quota.sample', lang)}"
                       if props.get("quota_accuracy") == "indicative"
                       else str(props.get("quota_year", "")))
    return f"<table class='qpa-quota'><tr>{cells}</tr></table><small>{note}</small>"


def format_value(value: Any, kind: str, lang: str, props: dict | None = None) -> str:
    """Escaped HTML for one attribute value."""
    if kind == "quota":
        return _quota_html(props or {}, lang)
    if _is_missing(value):
        return "—"
    if kind == "ha":
        return html.escape(f"{float(value):,.1f}")
    if kind == "bool":
        truthy = value in (True, 1, "1", "true", "True")
        return html.escape(t("yes" if truthy else "no", lang))
    if kind == "chains":
        return _chains_html(value, lang)
    if kind == "source":
        from geo.source_text import source_text

        return html.escape(source_text(str(value), lang))
    if kind == "accuracy":
        key = f"accuracy.{value}"
        return html.escape(t(key, lang)) if key in _ACCURACY_KEYS else html.escape(str(value))
    return html.escape(str(value))


_ACCURACY_KEYS = {"accuracy.authoritative", "accuracy.indicative", "accuracy.derived"}


def _column_value(props: dict, column: str, lang: str) -> Any:
    if f"{column}_{lang}" in props:
        return props[f"{column}_{lang}"]
    return props.get(column)


def popup_html(props: dict, fields: tuple[PopupField, ...], lang: str, title: str = "") -> str:
    """Escaped HTML table of ``fields`` for one feature's properties."""
    name = _column_value(props, "name", lang)
    head = html.escape(str(name if not _is_missing(name) else title))
    rows = "".join(
        f"<tr><th>{html.escape(t(f.label, lang))}</th>"
        f"<td>{format_value(_column_value(props, f.column, lang), f.kind, lang, props)}</td></tr>"
        for f in fields
    )
    return f"<div class='qpa-popup'><h4>{head}</h4><table>{rows}</table></div>"
