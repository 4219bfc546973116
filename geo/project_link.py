"""The site check's project form as a URL parameter, so a reload (F5) or a link sent to a
colleague reopens the same project, and its verdict, on the same site.

The text is compact JSON of the form's non-empty fields, keyed by the form's widget keys
(:data:`FIELDS`). Reading is bounded and strict, as for any input from outside: at most
:data:`MAX_CHARS` characters, an object of known keys only, texts of at most
:data:`MAX_TEXT` characters, numbers finite, not negative and at most :data:`MAX_NUMBER`,
the year a whole number. Anything else is an :class:`~geo.errors.InputError` in the
user's language, and the whole parameter is ignored.

>>> text = project_to_param({"product": "钾肥", "investment": 80000.0, "year": 2026,
...                          "applicant": "", "area_req": 0.0})
>>> text
'{"investment":80000.0,"product":"钾肥","year":2026}'
>>> project_from_param(text) == {"investment": 80000.0, "product": "钾肥", "year": 2026}
True
"""
from __future__ import annotations

import json
import math
from typing import Any

from .errors import InputError

__all__ = ["FIELDS", "NUMBER_FIELDS", "MAX_CHARS", "MAX_TEXT", "MAX_NUMBER",
           "project_to_param", "project_from_param"]

#: form key -> kind ("text", "number", "year", "choice")
FIELDS: dict[str, str] = {
    "applicant": "text", "project_name": "text", "project_code": "text", "product": "text",
    "activity": "choice", "industry": "text", "land_use_type": "text", "area_req": "number",
    "investment": "number", "year": "year", "floor_area": "number", "footprint": "number",
    "admin_area": "number", "own_mining_right": "text",
}
NUMBER_FIELDS = tuple(k for k, v in FIELDS.items() if v == "number")
MAX_CHARS = 4_000
MAX_TEXT = 200
MAX_NUMBER = 1e12


def project_to_param(values: dict[str, Any]) -> str:
    """The form's ``values`` as URL text: known keys with a value only (blank texts and
    zero figures are the form's defaults and are left out), keys sorted."""
    kept: dict[str, Any] = {}
    for key in sorted(values):
        value = values[key]
        if key not in FIELDS or value is None:
            continue
        if FIELDS[key] in ("text", "choice"):
            value = str(value).strip()[:MAX_TEXT]
            if value:
                kept[key] = value
        elif FIELDS[key] == "year":
            kept[key] = int(value)
        elif float(value) != 0.0:
            kept[key] = float(value)
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))


def _bad(reason: str) -> InputError:
    return InputError(f"the link's project is not usable: {reason}", key="url.err.project")


def project_from_param(text: str) -> dict[str, Any]:
    """The form values a link carries.

    Raises
    ------
    InputError
        (``url.err.project``) too long, not a JSON object, an unknown key or a value of the
        wrong kind or out of range.
    """
    if len(text) > MAX_CHARS:
        raise _bad(f"{len(text)} characters, at most {MAX_CHARS}")
    try:
        data = json.loads(text, parse_constant=lambda c: math.nan)  # NaN / Infinity refused below
    except (ValueError, RecursionError):
        raise _bad("not JSON") from None
    if not isinstance(data, dict):
        raise _bad("not a JSON object")
    out: dict[str, Any] = {}
    for key, value in data.items():
        kind = FIELDS.get(key)
        if kind is None:
            raise _bad(f"unknown field {str(key)[:40]!r}")
        if kind in ("text", "choice"):
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                raise _bad(f"{key} is not a text of at most {MAX_TEXT} characters")
            out[key] = value
        elif kind == "year":
            if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
                raise _bad(f"{key} is not a year")
            out[key] = value
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value) or not 0 <= value <= MAX_NUMBER:
                raise _bad(f"{key} is not a number from 0 to {MAX_NUMBER:g}")
            out[key] = float(value)
    return out
