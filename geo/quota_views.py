"""The quota ledger as the quota page shows it: one year per base and per prefecture.

No Streamlit here: the page reads the ledger and the bases from the store and
passes them in; these functions join, name and sum.

>>> import pandas as pd
>>> q = pd.DataFrame({"base_id": ["a", "b"], "year": [2025, 2025], "allocated_ha": [10.0, 5.0],
...                   "used_ha": [1.0, 2.0], "reserved_ha": [0.0, 1.0], "remaining_ha": [9.0, 2.0],
...                   "accuracy": ["indicative", "indicative"]})
>>> b = pd.DataFrame({"id": ["a", "b"], "name_en": ["A park", "B park"],
...                   "prefecture_en": ["Xining", "Xining"]})
>>> rows = quota_rows(q, b, 2025, "en")
>>> list(rows["base"]), list(rows["prefecture"])
(['A park', 'B park'], ['Xining', 'Xining'])
>>> prefecture_sums(rows)["allocated_ha"].to_dict()
{'Xining': 15.0}
"""
from __future__ import annotations

import pandas as pd

from .auth import who
from .beijing_time import beijing_text
from .i18n import t

__all__ = ["ACCURACIES", "MEASURES", "entry_rows", "prefecture_sums", "quota_rows",
           "reservation_rows"]

MEASURES: tuple[str, ...] = ("allocated_ha", "used_ha", "reserved_ha", "remaining_ha")
ACCURACIES: tuple[str, ...] = ("authoritative", "indicative", "derived")


def _names(bases: pd.DataFrame, lang: str) -> dict[str, str]:
    return dict(zip(bases["id"], bases[f"name_{lang}"]))


def quota_rows(quotas: pd.DataFrame, bases: pd.DataFrame, year: int, lang: str) -> pd.DataFrame:
    """One row per base with a quota in ``year``: ``base_id``, ``base`` and ``prefecture``
    (names in ``lang``; a base missing from the layer keeps its id, a prefecture is '—'),
    the four measures and ``accuracy`` translated. Rows in the bases' official order (the
    layer's ``seq``, the order of the policy text; then bases the layer lacks, by id), not
    by id, which reads as random in Chinese."""
    order = bases["seq"] if "seq" in bases.columns else pd.Series(range(len(bases)))
    rows = quotas[quotas["year"] == int(year)].merge(
        pd.DataFrame({"base_id": bases["id"].to_numpy(), f"prefecture_{lang}":
                      bases[f"prefecture_{lang}"].to_numpy(), "_seq": order.to_numpy()}),
        on="base_id", how="left")
    rows = rows.sort_values(["_seq", "base_id"], na_position="last", kind="stable")
    rows["base"] = rows["base_id"].map(_names(bases, lang)).fillna(rows["base_id"])
    rows["prefecture"] = rows[f"prefecture_{lang}"].fillna("—")
    rows["accuracy"] = rows["accuracy"].map(
        lambda a: t(f"accuracy.{a}", lang) if a in ACCURACIES else a)
    return rows[["base_id", "base", "prefecture", *MEASURES, "accuracy"]].reset_index(drop=True)


def prefecture_sums(rows: pd.DataFrame) -> pd.DataFrame:
    """The measures of :func:`quota_rows` summed per prefecture (index: prefecture)."""
    return rows.groupby("prefecture")[list(MEASURES)].sum()


def reservation_rows(reservations: pd.DataFrame, bases: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Open reservations with base names and translated headers, for a table."""
    names = _names(bases, lang)
    cols = {"id": "quota.col.id", "base": "quota.col.base", "year": "quota.year",
            "area_ha": "quota.area", "reason": "quota.reason_col", "created_by": "quota.col.by",
            "created_at": "quota.col.at"}
    shown = reservations.assign(base=reservations["base_id"].map(names).fillna(reservations["base_id"]),
                                created_at=reservations["created_at"].map(beijing_text),
                                created_by=reservations["created_by"].map(lambda u: who(u, lang)))
    return shown[list(cols)].rename(columns={c: t(k, lang) for c, k in cols.items()})


def entry_rows(entries: pd.DataFrame, bases: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Ledger entries, newest first, for a table: Beijing time, the action and the base by
    name, translated headers with units.

    >>> e = pd.DataFrame({"id": [1, 2], "at": ["2026-12-01T01:00:00+00:00"] * 2,
    ...     "username": ["wang"] * 2, "action": ["seed", "reserve"], "base_id": ["a", "a"],
    ...     "year": [2026] * 2, "reservation_id": [None, 7], "d_allocated": [10.0, 0.0],
    ...     "d_used": [0.0, 0.0], "d_reserved": [0.0, 2.0], "allocated_ha": [10.0] * 2,
    ...     "used_ha": [0.0] * 2, "reserved_ha": [0.0, 2.0], "remaining_ha": [10.0, 8.0],
    ...     "reason": ["", "x"]})
    >>> rows = entry_rows(e, pd.DataFrame({"id": ["a"], "name_en": ["A park"]}), "en")
    >>> [str(v) for v in rows.iloc[0].tolist()[:7]]
    ['2', '2026-12-01 09:00', 'wang', 'reserved', 'A park', '2026', '7']
    """
    names = _names(bases, lang)
    cols = {"id": "quota.col.id", "at": "quota.col.at", "username": "quota.col.by",
            "action": "quota.col.action", "base": "quota.col.base", "year": "quota.year",
            "reservation_id": "quota.reservation", "d_allocated": "quota.col.d_allocated",
            "d_used": "quota.col.d_used", "d_reserved": "quota.col.d_reserved",
            **{m: f"quota.col.{m}" for m in MEASURES}, "reason": "quota.reason_col"}
    shown = entries.iloc[::-1].assign(
        at=entries["at"].map(beijing_text),
        action=entries["action"].map(lambda a: t(f"quota.action.{a}", lang)),
        base=entries["base_id"].map(names).fillna(entries["base_id"]),
        username=entries["username"].map(lambda u: who(u, lang)),
        # an entry of no reservation shows a dash (not None)
        reservation_id=entries["reservation_id"].map(
            lambda r: t("quota.no_reservation", lang) if pd.isna(r) else str(int(r))))
    return shown[list(cols)].rename(columns={c: t(k, lang) for c, k in cols.items()})
