"""Check 4: land quota (建设用地指标).

The land requested (the project's ``area_ha``, else the site's area) against
the remaining quota (allocated - used - reserved, :func:`geo.quota.with_remaining`)
of the base that holds the site, for the project's year (default: the latest
year in the table for that base).

* PASS: requested <= ``quota.warn_share`` x remaining;
* WARN: requested above that share but within the remaining quota;
* FAIL: requested exceeds the remaining quota;
* UNKNOWN: the site is not in a base (share < ``quota.min_share_inside``), no quota table, or no row
  for that base and year.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..quota import with_remaining
from .config import CheckConfig
from .result import CheckResult, Project

if TYPE_CHECKING:  # pragma: no cover
    from ..layers_index import ScreeningLayers

__all__ = ["quota_check", "quota_row"]


def _index(quotas: pd.DataFrame) -> dict:
    """``{(base_id, year): row}`` with ``remaining_ha`` recomputed."""
    table = with_remaining(quotas)
    return {(str(r["base_id"]), int(r["year"])): r for r in table.to_dict("records")}


def quota_row(quotas: pd.DataFrame, base_id: str, year: int | None,
              index: dict | None = None) -> tuple[dict | None, int | None]:
    """The quota row of ``base_id`` for ``year`` (latest year when None) and the year used.

    ``index`` is a prebuilt :func:`_index` of ``quotas`` (built when omitted).
    """
    index = _index(quotas) if index is None else index
    if year is None:
        years = [y for (b, y) in index if b == str(base_id)]
        if not years:
            return None, None
        year = max(years)
    return index.get((str(base_id), int(year))), year


def _unknown(key: str, config: CheckConfig, **params) -> CheckResult:
    return CheckResult("quota", "UNKNOWN", rule=config.rule("quota"), message_key=key,
                       params={"layer_zh": "建设用地指标", "layer_en": "land quotas", **params})


def quota_check(site_ha: float, project: Project, base_row: int | None, share_inside: float,
                layers: ScreeningLayers, config: CheckConfig) -> CheckResult:
    """Requested land against the remaining quota of the containing base.

    Parameters
    ----------
    site_ha : float
        Ellipsoidal area of the site (used when ``project.area_ha`` is None).
    base_row : int or None
        Row of the containing base in ``layers.bases`` (from the base check).
    share_inside : float
        Share of the site inside that base.

    Returns
    -------
    CheckResult
        metrics: ``requested_ha``, ``remaining_ha``, ``allocated_ha``,
        ``used_ha``, ``reserved_ha``, ``use_share`` (requested / remaining),
        ``year``, ``base_id``.
    """
    requested = float(project.area_ha) if project.area_ha is not None else float(site_ha)
    if layers.quotas is None or layers.bases is None:
        return _unknown("chk.no_layer", config, requested_ha=requested)
    min_share = float(config.section("quota").get("min_share_inside", 0.5))
    if base_row is None or share_inside < min_share:
        return _unknown("chk.quota.unknown_base", config, requested_ha=requested)
    base_id = str(layers.bases.get(base_row, "id"))
    names = {"base_zh": layers.bases.get(base_row, "name_zh"),
             "base_en": layers.bases.get(base_row, "name_en")}
    index = layers._cache.get(("quota_index",))
    if index is None:
        index = layers._cache[("quota_index",)] = _index(layers.quotas)
    row, year = quota_row(layers.quotas, base_id, project.year, index)
    if row is None:
        return _unknown("chk.quota.unknown_year", config, year=year if year is not None else "",
                        requested_ha=requested, **names)
    remaining = float(row["remaining_ha"])
    use = requested / remaining if remaining > 0 else float("inf")
    warn_share = float(config.section("quota").get("warn_share", 0.8))
    if requested > remaining:
        status, key = "FAIL", "chk.quota.fail"
    elif use > warn_share:
        status, key = "WARN", "chk.quota.warn"
    else:
        status, key = "PASS", "chk.quota.pass"
    metrics = {"requested_ha": requested, "remaining_ha": remaining,
               "allocated_ha": float(row["allocated_ha"]), "used_ha": float(row["used_ha"]),
               "reserved_ha": float(row["reserved_ha"]), "use_share": use, "year": int(year),
               "base_id": base_id, "warn_share": warn_share}
    evidence = [{"id": base_id, **{k: row.get(k) for k in
                 ("year", "allocated_ha", "used_ha", "reserved_ha", "remaining_ha",
                  "source", "source_date", "accuracy")}}]
    data_used = [{"layer": "quotas", "source": row.get("source"),
                  "source_date": row.get("source_date"), "accuracy": row.get("accuracy")}]
    params = {"requested_ha": requested, "remaining_ha": remaining, "year": int(year),
              "use_pct": 100 * use if use != float("inf") else 999.0,
              "warn_pct": 100 * warn_share, **names}
    return CheckResult("quota", status, metrics, evidence, config.rule("quota"),
                       data_used, key, params)
