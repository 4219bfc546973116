"""The land-quota ledger (建设用地指标台账): quotas per base and year, reservations, entries.

Figures are hectares. For each (base, year) the store keeps ``allocated_ha``,
``used_ha`` and ``reserved_ha``; ``remaining_ha = allocated - used - reserved``
comes from :func:`geo.quota.with_remaining`, which also refuses any change that
would make a figure or the remainder negative.

* :func:`set_allocation` -- an official sets a base's allocation for a year;
* :func:`reserve` / :func:`reserve_from_screening` -- a screened project
  reserves area against its base's quota (remaining goes down); a reservation
  made from a site check keeps that check's reference (:func:`screening_ref`)
  and one check holds at most one open reservation;
* :func:`confirm` -- the reservation becomes used land;
* :func:`release` -- the reservation is given back.

Every change is one transaction that locks the quota row (``FOR UPDATE`` on
PostGIS, ``BEGIN IMMEDIATE`` on SQLite), checks the arithmetic, updates the
row and appends an entry (who, when, what, why) to ``ledger_entries``; a
refused change leaves nothing behind. Only officials may change the ledger
(:func:`geo.auth.require_official`).
"""
from __future__ import annotations

import hashlib
import io
import math
from typing import Any

import pandas as pd

from .auth import SYSTEM, User, require_official
from .errors import QPAError
from .export_safe import neutralise_frame
from .quota import QuotaError, with_remaining
from .store import Store, Tx, dumps, now_iso

__all__ = [
    "ACTIONS",
    "ENTRY_COLUMNS",
    "LedgerError",
    "seed_quotas",
    "quotas",
    "quota_table",
    "set_allocation",
    "reserve",
    "reserve_from_screening",
    "screening_ref",
    "open_reservation_for",
    "confirm",
    "release",
    "reservations",
    "entries",
    "entries_csv",
]

#: Kinds of ledger entry.
ACTIONS: tuple[str, ...] = ("seed", "allocate", "reserve", "confirm", "release")
#: Columns of :func:`entries` and of the CSV export, in order.
ENTRY_COLUMNS: tuple[str, ...] = (
    "id", "at", "username", "action", "base_id", "year", "reservation_id",
    "d_allocated", "d_used", "d_reserved",
    "allocated_ha", "used_ha", "reserved_ha", "remaining_ha", "reason",
)
_DIGITS = 6  # hectares kept to 0.01 m²


class LedgerError(QPAError):
    """A ledger change that cannot be made (the key says why)."""

    key = "ledger.err.generic"


def _area(value: Any, name: str = "area_ha") -> float:
    try:
        area = float(value)
    except (TypeError, ValueError):
        area = float("nan")
    if not math.isfinite(area) or area <= 0:
        raise LedgerError(f"{name} must be a positive number of hectares, got {value!r}",
                          key="ledger.err.area", value=value)
    return round(area, _DIGITS)


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise LedgerError("every ledger change needs a reason", key="ledger.err.reason")
    return text[:2000]


def _lock_row(tx: Tx, store: Store, base_id: str, year: int) -> tuple[Any, ...] | None:
    return tx.one("SELECT allocated_ha, used_ha, reserved_ha, row_version, name_zh, name_en "
                  f"FROM quotas WHERE base_id = ? AND year = ?{store.for_update}",
                  (base_id, int(year)))


def _no_quota(tx: Tx, base_id: str, year: int) -> LedgerError:
    """The error for a base without a quota row in ``year``, naming the base as the ledger's
    other years do (its id only when the ledger has never held it)."""
    names = tx.one("SELECT name_zh, name_en FROM quotas WHERE base_id = ? AND name_zh IS NOT NULL "
                   "ORDER BY year DESC LIMIT 1", (base_id,))
    zh = (names[0] if names else None) or base_id
    en = (names[1] if names else None) or zh
    return LedgerError(f"no quota for {base_id} in {year}", key="ledger.err.no_quota",
                       base_zh=zh, base_en=en, year=year)


def _apply(tx: Tx, store: Store, user: User, base_id: str, year: int, action: str,
           reason: str, *, d_alloc: float = 0.0, d_used: float = 0.0, d_res: float = 0.0,
           reservation_id: int | None = None, new_alloc: float | None = None) -> dict[str, Any]:
    """Lock, check, update one quota row and append its entry (inside ``tx``)."""
    row = _lock_row(tx, store, base_id, year)
    if row is None:
        raise _no_quota(tx, base_id, year)
    alloc, used, res, row_version = float(row[0]), float(row[1]), float(row[2]), int(row[3])
    if new_alloc is not None:
        d_alloc = new_alloc - alloc
    after = {"base_id": base_id, "year": int(year),
             "allocated_ha": round(alloc + d_alloc, _DIGITS),
             "used_ha": round(used + d_used, _DIGITS),
             "reserved_ha": round(res + d_res, _DIGITS)}
    try:
        checked = with_remaining(pd.DataFrame([after])).iloc[0]
    except QuotaError as exc:
        # the base by name in either language (a row without names keeps its id)
        names = {"base_zh": row[4] or base_id, "base_en": row[5] or row[4] or base_id}
        if new_alloc is not None:
            raise LedgerError(str(exc), key="ledger.err.alloc_below", base=base_id, year=year,
                              committed=round(used + res, 4), allocated=round(new_alloc, 4),
                              **names) from None
        raise LedgerError(str(exc), key="ledger.err.over", base=base_id, year=year,
                          remaining=round(alloc - used - res, 4),
                          requested=round(d_used + d_res, 4), **names) from None
    remaining = round(float(checked["remaining_ha"]), _DIGITS)
    at = now_iso()
    cur = tx.execute("UPDATE quotas SET allocated_ha = ?, used_ha = ?, reserved_ha = ?, "
                     "row_version = row_version + 1, updated_at = ?, updated_by = ? "
                     "WHERE base_id = ? AND year = ? AND row_version = ?",
                     (after["allocated_ha"], after["used_ha"], after["reserved_ha"], at,
                      user.username, base_id, int(year), row_version))
    if cur.rowcount != 1:  # cannot happen under the row lock; refuse rather than lose it
        raise LedgerError("the quota changed meanwhile; try again", key="ledger.err.conflict")
    entry = {"at": at, "username": user.username, "action": action, "base_id": base_id,
             "year": int(year), "reservation_id": reservation_id,
             "d_allocated": round(d_alloc, _DIGITS), "d_used": round(d_used, _DIGITS),
             "d_reserved": round(d_res, _DIGITS), **{k: after[k] for k in
                                                      ("allocated_ha", "used_ha", "reserved_ha")},
             "remaining_ha": remaining, "reason": reason}
    _insert_entry(tx, entry)
    return {**after, "remaining_ha": remaining}


def _insert_entry(tx: Tx, entry: dict[str, Any]) -> None:
    cols = [c for c in ENTRY_COLUMNS if c != "id"]
    tx.execute(f"INSERT INTO ledger_entries ({', '.join(cols)}) "
               f"VALUES ({', '.join('?' for _ in cols)})", [entry[c] for c in cols])


def seed_quotas(tx: Tx, store: Store, frame: pd.DataFrame) -> int:
    """Load a quota table (the bundle's) into an empty ledger, one 'seed' entry a row.

    Used once, on first start, by :func:`geo.seed.load_bundle`. Returns rows loaded.
    """
    table = with_remaining(frame)
    at = now_iso()
    for rec in table.to_dict("records"):
        vals = [str(rec["base_id"]), int(rec["year"]), rec.get("name_zh"), rec.get("name_en"),
                round(rec["allocated_ha"], _DIGITS), round(rec["used_ha"], _DIGITS),
                round(rec["reserved_ha"], _DIGITS), rec.get("source"),
                str(rec.get("source_date") or ""), rec.get("accuracy"), at, SYSTEM.username]
        tx.execute("INSERT INTO quotas (base_id, year, name_zh, name_en, allocated_ha, used_ha, "
                   "reserved_ha, source, source_date, accuracy, row_version, updated_at, "
                   "updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)", vals)
        _insert_entry(tx, {"at": at, "username": SYSTEM.username, "action": "seed",
                           "base_id": vals[0], "year": vals[1], "reservation_id": None,
                           "d_allocated": vals[4], "d_used": vals[5], "d_reserved": vals[6],
                           "allocated_ha": vals[4], "used_ha": vals[5], "reserved_ha": vals[6],
                           "remaining_ha": round(rec["remaining_ha"], _DIGITS),
                           "reason": f"bundled quotas ({rec.get('source')}, {rec.get('accuracy')})"})
    return len(table)


# ------------------------------------------------------------------ reading
def quotas(store: Store, year: int | None = None) -> pd.DataFrame:
    """The quota table (remaining recomputed), one row per base and year.

    Columns: base_id, year, name_zh, name_en, allocated_ha, used_ha,
    reserved_ha, remaining_ha, source, source_date, accuracy, row_version,
    updated_at, updated_by.
    """
    sql = ("SELECT base_id, year, name_zh, name_en, allocated_ha, used_ha, reserved_ha, "
           "source, source_date, accuracy, row_version, updated_at, updated_by FROM quotas")
    params: tuple[int, ...] = ()
    if year is not None:
        sql, params = sql + " WHERE year = ?", (int(year),)
    with store.transaction() as tx:
        frame = tx.frame(sql + " ORDER BY year, base_id", params)
    frame["year"] = frame["year"].astype(int)
    return with_remaining(frame)


def quota_table(store: Store) -> pd.DataFrame:
    """The ledger's quotas shaped like the bundle's ``quotas`` table.

    Pass it to :func:`geo.quota.join_quotas` (the quota layer on the map) or
    to the site check's quota layer, so both see the ledger's figures.
    """
    cols = ["base_id", "name_zh", "name_en", "year", "allocated_ha", "used_ha",
            "reserved_ha", "remaining_ha", "source", "source_date", "accuracy"]
    return quotas(store)[cols]


def reservations(store: Store, status: str | None = None,
                 base_id: str | None = None) -> pd.DataFrame:
    """Reservations, newest first; ``status`` in {'reserved', 'confirmed', 'released'}."""
    sql = ("SELECT id, base_id, year, area_ha, status, reason, project, screening_id, "
           "created_by, created_at, closed_by, closed_at, close_reason, screen_ref "
           "FROM reservations")
    where: list[str] = []
    params: list[str | int] = []
    if status:
        where.append("status = ?")
        params.append(status)
    if base_id:
        where.append("base_id = ?")
        params.append(base_id)
    if where:
        sql += " WHERE " + " AND ".join(where)
    with store.transaction() as tx:
        return tx.frame(sql + " ORDER BY id DESC", params)


def entries(store: Store, base_id: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Ledger entries in order (oldest first), optionally for one base and/or year."""
    sql = f"SELECT {', '.join(ENTRY_COLUMNS)} FROM ledger_entries"
    where: list[str] = []
    params: list[str | int] = []
    if base_id:
        where.append("base_id = ?")
        params.append(base_id)
    if year is not None:
        where.append("year = ?")
        params.append(int(year))
    if where:
        sql += " WHERE " + " AND ".join(where)
    with store.transaction() as tx:
        return tx.frame(sql + " ORDER BY id", params)


def entries_csv(store: Store, base_id: str | None = None, year: int | None = None) -> bytes:
    """The entries as CSV, UTF-8 with a byte-order mark (opens in Excel with Chinese)."""
    buf = io.StringIO()
    neutralise_frame(entries(store, base_id, year)).to_csv(buf, index=False)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# ------------------------------------------------------------------ changes
def set_allocation(store: Store, user: User, base_id: str, year: int, allocated_ha: float,
                   reason: str, *, name_zh: str | None = None, name_en: str | None = None,
                   source: str | None = None, source_date: str | None = None) -> dict[str, Any]:
    """Set a base's allocation for a year (creating the row if new).

    Refused (:class:`LedgerError`, key ``ledger.err.alloc_below``) when the new
    allocation is below what is already used plus reserved.

    Returns
    -------
    dict
        The row after the change (with ``remaining_ha``).
    """
    require_official(user, "set a land quota")
    try:
        value = float(allocated_ha)
    except (TypeError, ValueError):
        value = float("nan")
    if not math.isfinite(value) or value < 0:
        raise LedgerError(f"allocated_ha must be a number >= 0, got {allocated_ha!r}",
                          key="ledger.err.area", value=allocated_ha)
    reason = _reason(reason)
    base_id, year = str(base_id).strip(), int(year)
    if not base_id:
        raise LedgerError("no base given", key="ledger.err.base_missing")
    with store.transaction() as tx:
        exists = _lock_row(tx, store, base_id, year)
        if exists is None:
            tx.execute("INSERT INTO quotas (base_id, year, name_zh, name_en, allocated_ha, "
                       "used_ha, reserved_ha, source, source_date, accuracy, row_version, "
                       "updated_at, updated_by) VALUES (?, ?, ?, ?, 0, 0, 0, ?, ?, ?, 0, ?, ?) "
                       "ON CONFLICT (base_id, year) DO NOTHING",
                       (base_id, year, name_zh, name_en, source or "ledger",
                        source_date or now_iso()[:10], "authoritative", now_iso(), user.username))
        if source:
            tx.execute("UPDATE quotas SET source = ?, source_date = ?, accuracy = ? "
                       "WHERE base_id = ? AND year = ?",
                       (source, source_date or now_iso()[:10], "authoritative", base_id, year))
        return _apply(tx, store, user, base_id, year, "allocate", reason,
                      new_alloc=round(value, _DIGITS))


def _open_for_ref(tx: Tx, screen_ref: str) -> int | None:
    row = tx.one("SELECT id FROM reservations WHERE screen_ref = ? AND status = 'reserved' "
                 "ORDER BY id LIMIT 1", (screen_ref,))
    return None if row is None else int(row[0])


def reserve(store: Store, user: User, base_id: str, year: int, area_ha: float | None, reason: str,
            *, project: dict[str, Any] | None = None, screening_id: int | None = None,
            screen_ref: str | None = None) -> int:
    """Reserve ``area_ha`` of a base's quota for a project; returns the reservation id.

    ``screen_ref`` (:func:`screening_ref`) names the site check the reservation
    comes from: while a reservation with the same reference is open, another is
    refused (``ledger.err.screen_reserved``, with that reservation's number).

    Raises
    ------
    PermissionDenied
        Not an official.
    LedgerError
        No quota row (``ledger.err.no_quota``), area not positive
        (``ledger.err.area``), no reason, or more than remains
        (``ledger.err.over``: remaining never goes below zero), or the site
        check ``screen_ref`` already holds an open reservation
        (``ledger.err.screen_reserved``).
    """
    require_official(user, "reserve land quota")
    area, reason = _area(area_ha), _reason(reason)
    base_id, year = str(base_id), int(year)
    with store.transaction() as tx:
        # the quota row's lock also serialises two reservations of one check (same base, year)
        if _lock_row(tx, store, base_id, year) is None:
            raise _no_quota(tx, base_id, year)
        if screen_ref and (held := _open_for_ref(tx, screen_ref)) is not None:
            raise LedgerError(f"this site check already holds open reservation {held}",
                              key="ledger.err.screen_reserved", id=held)
        row = tx.one("INSERT INTO reservations (base_id, year, area_ha, status, project, reason, "
                     "screening_id, created_by, created_at, screen_ref) VALUES (?, ?, ?, "
                     "'reserved', ?, ?, ?, ?, ?, ?) RETURNING id",
                     (base_id, year, area, dumps(project or {}), reason, screening_id,
                      user.username, now_iso(), screen_ref or None))
        assert row is not None  # INSERT ... RETURNING gives one row
        rid = int(row[0])
        _apply(tx, store, user, base_id, year, "reserve", reason, d_res=area, reservation_id=rid)
        return rid


def _quota_metrics(result: Any) -> tuple[str | None, int | None, float | None]:
    """(base_id, year, requested_ha) of a screening result's quota check."""
    if hasattr(result, "result"):
        try:
            metrics = result.result("quota").metrics
        except KeyError:
            metrics = {}
    else:
        found = [r for r in (result or {}).get("results", []) if r.get("check") == "quota"]
        metrics = found[0].get("metrics", {}) if found else {}
    base, year, req = metrics.get("base_id"), metrics.get("year"), metrics.get("requested_ha")
    return (str(base) if base else None, int(year) if year is not None else None,
            float(req) if req is not None else None)


def screening_ref(result: Any) -> str:
    """A stable reference of one site check: a SHA-256 of its site geometry, project,
    time and quota figures (the same check gives the same text; another check, even
    of the same site, another).

    ``result`` is a :class:`geo.checks.ScreenResult` or its ``to_dict()``.
    """
    if hasattr(result, "to_dict"):
        result = result.to_dict(geometry=True)
    result = dict(result or {})
    key = {"site": result.get("site"), "project": result.get("project") or {},
           "timestamp": result.get("timestamp"), "quota": list(_quota_metrics(result))}
    return hashlib.sha256(dumps(key).encode("utf-8")).hexdigest()


def open_reservation_for(store: Store, result: Any) -> int | None:
    """The open reservation made from the site check ``result``, or None."""
    with store.snapshot() as tx:
        return _open_for_ref(tx, screening_ref(result))


def reserve_from_screening(store: Store, user: User, result: Any, reason: str, *,
                           area_ha: float | None = None, screening_id: int | None = None) -> int:
    """Reserve the land a site check asked for, against the base that holds the site.

    Parameters
    ----------
    result : ScreenResult or dict
        A :class:`geo.checks.ScreenResult` or its ``to_dict()``; its quota check
        gives the base, the year and the requested area.
    area_ha : float, optional
        Reserve this much instead of the requested area.
    screening_id : int, optional
        The audit record of the screening (:func:`geo.audit.record_screening`).

    Raises
    ------
    LedgerError
        ``ledger.err.no_base`` when the check found no base or year for the site;
        ``ledger.err.screen_reserved`` when this check already holds an open
        reservation (one check reserves once; release it to reserve again).
    """
    require_official(user, "reserve land quota")
    base_id, year, requested = _quota_metrics(result)
    if not base_id or year is None:
        raise LedgerError("the site check found no base (or no quota year) for this site",
                          key="ledger.err.no_base")
    project = result.project.to_dict() if hasattr(result, "project") else \
        dict((result or {}).get("project") or {})
    return reserve(store, user, base_id, year, area_ha if area_ha is not None else requested,
                   reason, project=project, screening_id=screening_id,
                   screen_ref=screening_ref(result))


def _close(store: Store, user: User, reservation_id: int, reason: str, status: str) -> dict[str, Any]:
    reason = _reason(reason)
    with store.transaction() as tx:
        row = tx.one("SELECT base_id, year, area_ha, status FROM reservations "
                     f"WHERE id = ?{store.for_update}", (int(reservation_id),))
        if row is None:
            raise LedgerError(f"no reservation {reservation_id}", key="ledger.err.no_reservation",
                              id=reservation_id)
        base_id, year, area, state = str(row[0]), int(row[1]), float(row[2]), str(row[3])
        if state != "reserved":
            raise LedgerError(f"reservation {reservation_id} is already {state}",
                              key="ledger.err.state", id=reservation_id, status=state)
        tx.execute("UPDATE reservations SET status = ?, closed_by = ?, closed_at = ?, "
                   "close_reason = ? WHERE id = ?",
                   (status, user.username, now_iso(), reason, int(reservation_id)))
        action = "confirm" if status == "confirmed" else "release"
        d_used = area if status == "confirmed" else 0.0
        return _apply(tx, store, user, base_id, year, action, reason, d_used=d_used,
                      d_res=-area, reservation_id=int(reservation_id))


def confirm(store: Store, user: User, reservation_id: int, reason: str) -> dict[str, Any]:
    """Turn a reservation into used land (reserved - a, used + a). Returns the quota row."""
    require_official(user, "confirm a reservation")
    return _close(store, user, reservation_id, reason, "confirmed")


def release(store: Store, user: User, reservation_id: int, reason: str) -> dict[str, Any]:
    """Give a reservation back (reserved - a). Returns the quota row."""
    require_official(user, "release a reservation")
    return _close(store, user, reservation_id, reason, "released")
