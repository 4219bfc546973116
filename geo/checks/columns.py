"""Figures and evidence of a check as translated tables (report, page, exports).

Every column of the registry (:class:`~geo.checks.registry.Column`) has a
translated title with its unit and a formatter; no raw key, id or ``None``
reaches a user.
"""
from __future__ import annotations

import math
from typing import Any

from ..i18n import t
from .registry import Column, get_check
from .result import CheckResult

__all__ = ["DASH", "column_title", "column_value", "figure_rows", "evidence_table"]

DASH = "—"


def column_title(col: Column, lang: str) -> str:
    """``重叠面积（公顷）`` / ``Overlap (ha)``: the title with its unit."""
    title = t(col.label, lang)
    if not col.unit:
        return title
    unit = t(col.unit, lang)
    return f"{title}（{unit}）" if lang == "zh" else f"{title} ({unit})"


def _finite(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _try_t(key: str, lang: str, fallback: Any) -> str:
    try:
        return t(key, lang)
    except KeyError:
        return str(fallback)


def column_value(col: Column, rec: dict[str, Any], lang: str) -> str:
    """The value of ``col`` in ``rec`` (metrics or an evidence row) as text in ``lang``."""
    if col.kind == "loc":
        other = "en" if lang == "zh" else "zh"
        for key in (f"{col.key}_{lang}", col.key, f"{col.key}_{other}"):
            v = rec.get(key)
            if v not in (None, "") and not (isinstance(v, float) and not math.isfinite(v)):
                return str(v)
        return DASH
    value = rec.get(col.key)
    if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
        return DASH
    if col.kind in ("num", "int", "year", "pct"):
        v = _finite(value)
        if v is None:
            return str(value)
        if col.unit == "unit.km_from_m":
            v /= 1000.0
        if col.kind == "pct":
            return f"{100 * v:.1f}%"
        if col.kind == "int":
            return f"{int(round(v)):,d}"
        if col.kind == "year":
            return str(int(round(v)))
        return f"{v:,.{col.digits}f}"
    if col.kind == "list":
        if isinstance(value, (list, tuple)):
            return ("、" if lang == "zh" else "; ").join(str(x) for x in value) or DASH
        return str(value)
    if col.kind == "status":
        return t(f"status.{value}", lang)
    if col.kind == "yesno":
        return t("rpt.yes" if value else "rpt.no", lang)
    if col.kind == "code":
        return _try_t(f"{col.prefix}{value}", lang, value)
    return str(value)


def figure_rows(res: CheckResult, lang: str) -> list[tuple[str, str]]:
    """(title, value) of every figure the check measured (absent figures are left out)."""
    spec = get_check(res.check)
    rows = []
    for col in spec.figures:
        present = (f"{col.key}_zh" in res.metrics) if col.kind == "loc" else (col.key in res.metrics)
        if present:
            rows.append((column_title(col, lang), column_value(col, res.metrics, lang)))
    return rows


def evidence_table(res: CheckResult, lang: str) -> tuple[list[str], list[list[str]]]:
    """Translated headers and rows of the check's evidence (columns with no value dropped)."""
    spec = get_check(res.check)
    cols = [c for c in spec.evidence
            if any((f"{c.key}_zh" in e or c.key in e) if c.kind == "loc" else c.key in e
                   for e in res.evidence)]
    head = [column_title(c, lang) for c in cols]
    rows = [[column_value(c, e, lang) for c in cols] for e in res.evidence]
    return head, rows
