"""Fields that hold structured data (JSON), checked before a layer is stored.

The bases layer's ``chains`` is a JSON list of chain objects that the atlas
popups, the site check and the chains page read for every visitor; one
malformed value imported by an official must be refused at import, with the
row named (:func:`check_structured_fields`), instead of breaking those pages
for everyone. A bad value already stored (written before this check, or into
the database directly) is read as empty and logged
(:func:`clear_bad_structured_fields`), so pages still open.

>>> chains_problem('[{"id": "lithium", "steps_zh": ["卤水", "碳酸锂"]}]') is None
True
>>> chains_problem('{"id": "lithium"}')
'not a JSON list'
"""
from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable

import pandas as pd

from .errors import InputError

__all__ = ["chains_problem", "check_structured_fields", "clear_bad_structured_fields",
           "STRUCTURED_FIELDS"]

_LOG = logging.getLogger("qpa")

_TEXT_KEYS = ("id", "name_zh", "name_en", "basis_zh", "basis_en", "cite")
_LIST_KEYS = ("steps_zh", "steps_en")


def chains_problem(value: object) -> str | None:
    """Why ``value`` is not a valid ``chains`` value (None: it is, or it is empty).

    Valid: a JSON list of objects whose ``id``/``name_*``/``basis_*``/``cite``
    are text and whose ``steps_zh``/``steps_en`` are lists of text.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    try:
        data = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return "not JSON"
    if not isinstance(data, list):
        return "not a JSON list"
    for n, chain in enumerate(data, start=1):
        if not isinstance(chain, dict):
            return f"item {n} is not an object"
        for key in _TEXT_KEYS:
            if key in chain and not isinstance(chain[key], str):
                return f"item {n}: {key} is not text"
        for key in _LIST_KEYS:
            steps = chain.get(key, [])
            if not isinstance(steps, list) or not all(isinstance(s, str) for s in steps):
                return f"item {n}: {key} is not a list of text"
    return None


#: Field name -> checker returning why a value is bad (None when it is good).
STRUCTURED_FIELDS: dict[str, Callable[[object], str | None]] = {"chains": chains_problem}


def check_structured_fields(frame: pd.DataFrame) -> None:
    """Raise :class:`InputError` (``sec.err.structured``) naming the first bad row."""
    for name, problem in STRUCTURED_FIELDS.items():
        if name not in frame.columns:
            continue
        for row, value in enumerate(frame[name].tolist(), start=1):
            why = problem(value)
            if why:
                raise InputError(f"field {name} in row {row} is not the expected JSON: {why}",
                                 key="sec.err.structured", field=name, row=row, why=why)


def clear_bad_structured_fields(frame: pd.DataFrame, layer_id: str = "") -> pd.DataFrame:
    """``frame`` with every malformed structured value set to None (logged); the same
    frame when all are good."""
    out = frame
    for name, problem in STRUCTURED_FIELDS.items():
        if name not in frame.columns:
            continue
        bad = [i for i, value in zip(frame.index, frame[name].tolist()) if problem(value)]
        if bad:
            if out is frame:
                out = frame.copy()
            out[name] = out[name].astype(object)
            out.loc[bad, name] = None
            _LOG.warning("layer %s: %d stored %s value(s) are not the expected JSON; shown as "
                         "empty (re-import the layer to fix them)", layer_id, len(bad), name)
    return out
