"""Times as a Qinghai official reads them: Beijing time (UTC+8).

The store keeps ISO 8601 UTC times; pages, reports and exports show them here.

>>> from datetime import datetime
>>> beijing(datetime(2026, 12, 1, 16, 30)).isoformat()
'2026-12-02T00:30:00+08:00'
>>> beijing_text("2026-12-01T16:30:05.123456+00:00")
'2026-12-02 00:30:05'
>>> beijing_text("")
''
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["BEIJING", "beijing", "beijing_text"]

BEIJING = timezone(timedelta(hours=8), "CST")


def beijing(when: datetime) -> datetime:
    """``when`` in Beijing time (UTC+8); a naive time is taken as UTC."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(BEIJING)


def beijing_text(iso: str | None) -> str:
    """An ISO 8601 time (UTC when it names no zone) as ``YYYY-MM-DD HH:MM:SS`` Beijing
    time; empty for an empty value."""
    if not iso:
        return ""
    return beijing(datetime.fromisoformat(str(iso))).strftime("%Y-%m-%d %H:%M:%S")
