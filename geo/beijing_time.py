"""Times as an official in Qinghai reads them: Beijing time (UTC+8).

The store keeps UTC ISO-8601 text; every table a user sees shows it with
:func:`beijing_text`.

>>> beijing_text("2026-12-01T20:30:05.123+00:00")
'2026-12-02 04:30'
>>> beijing_text("2026-12-01T01:00:00"), beijing_text(None)
('2026-12-01 09:00', '')
>>> beijing_text("2026-12-01T16:30:05.123456+00:00", seconds=True)
'2026-12-02 00:30:05'
"""
from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

__all__ = ["BEIJING", "beijing", "beijing_text", "beijing_today"]

BEIJING = timezone(timedelta(hours=8), "CST")


def beijing(when: datetime) -> datetime:
    """``when`` in Beijing time (UTC+8); a naive time is taken as UTC."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(BEIJING)


def beijing_text(value: Any, seconds: bool = False) -> str:
    """An ISO time (text or datetime; naive means UTC) as "YYYY-MM-DD HH:MM" Beijing time
    (with ``:SS`` when ``seconds``); '' for a missing value."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return ""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return beijing(when).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def beijing_today(now: datetime | None = None) -> date:
    """Today's date in Beijing (``now`` for tests; naive means UTC): from 16:00 UTC on,
    already the next day.

    >>> beijing_today(datetime(2026, 12, 1, 16, 30)).isoformat()
    '2026-12-02'
    """
    return beijing(now or datetime.now(UTC)).date()
