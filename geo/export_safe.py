"""Spreadsheet exports that cannot run formulas (CSV/formula injection).

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is taken by Excel, WPS and LibreOffice as a formula when a CSV opens
(``=HYPERLINK("http://…","click")``, ``=cmd|' /C calc'!A0``), and openpyxl
writes it as a formula into an .xlsx. Such cells get a leading apostrophe
(OWASP's advice), so they show as the text they were. Numbers stay numbers:
a negative distance is not text.

>>> neutralise("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralise("-12.5"), neutralise(-12.5), neutralise("青海")
("'-12.5", -12.5, '青海')
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["neutralise", "neutralise_frame", "neutralise_row"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """``value`` with an apostrophe in front if it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised."""
    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = out[col].map(neutralise)
    return out.rename(columns=lambda c: neutralise(c))


def neutralise_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A CSV row (``csv.DictWriter``) with its text values neutralised."""
    return {key: neutralise(value) for key, value in row.items()}
