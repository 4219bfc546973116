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

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..quota import with_remaining
from .context import CheckContext, unknown
from .result import CheckResult

if TYPE_CHECKING:
    from ..layers_index import ScreeningLayers

__all__ = ["run", "quota_row"]


def _index(quotas: pd.DataFrame) -> dict[tuple[str, int], dict[str, Any]]:
    """``{(base_id, year): row}`` with ``remaining_ha`` recomputed."""
    table = with_remaining(quotas)
    return {(str(r["base_id"]), int(r["year"])): r for r in table.to_dict("records")}


def quota_row(quotas: pd.DataFrame, base_id: str, year: int | None,
              index: dict[tuple[str, int], dict[str, Any]] | None = None) -> tuple[dict[str, Any] | None, int | None]:
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


def run(ctx: CheckContext) -> CheckResult:
    """Requested land against the remaining quota of the base that holds the site.

    The base and the share inside it come from the ``base`` check.

    Returns
    -------
    CheckResult
        metrics: ``requested_ha``, ``remaining_ha``, ``allocated_ha``,
        ``used_ha``, ``reserved_ha``, ``use_share`` (requested / remaining),
        ``year``, ``base_id``, ``base_name_zh/en``.
    """
    project, layers, config = ctx.project, ctx.layers, ctx.config
    rule = config.rule("quota")
    asked = float(project.area_ha) if project.area_ha is not None else float(ctx.site_ha)
    requested, figures, charged = _charged(ctx, asked)
    if layers.quotas is None or layers.bases is None:
        return unknown("quota", rule, "lyr.quotas", metrics=figures, requested_ha=requested)
    base = ctx.result("base")
    base_id = base.metrics.get("base_id") if base else None
    share_inside = float(base.metrics.get("share_inside", 0.0)) if base else 0.0
    min_share = float(config.section("quota").get("min_share_inside", 0.5))
    if base_id is None or share_inside < min_share:
        return CheckResult("quota", "UNKNOWN", figures, rule=rule,
                           message_key="chk.quota.unknown_base",
                           params={"requested_ha": requested, **charged})
    base_row = _row_of(layers, base_id)
    assert base_row is not None  # the base check found this base in the layer
    names = {"base_zh": layers.bases.get(base_row, "name_zh"),
             "base_en": layers.bases.get(base_row, "name_en")}
    figures.update(base_name_zh=names["base_zh"], base_name_en=names["base_en"])
    index = layers._cache.get(("quota_index",))
    if index is None:
        index = layers._cache[("quota_index",)] = _index(layers.quotas)
    row, year = quota_row(layers.quotas, base_id, project.year, index)
    if row is None or year is None:
        return CheckResult("quota", "UNKNOWN", figures, rule=rule,
                           message_key="chk.quota.unknown_year",
                           params={"year": year if year is not None else "",
                                   "requested_ha": requested, **names, **charged})
    remaining = float(row["remaining_ha"])
    use = requested / remaining if remaining > 0 else float("inf")
    warn_share = float(config.section("quota").get("warn_share", 0.8))
    if requested > remaining:
        status, key = "FAIL", "chk.quota.fail"
    elif use > warn_share:
        status, key = "WARN", "chk.quota.warn"
    else:
        status, key = "PASS", "chk.quota.pass"
    metrics = {**figures, "remaining_ha": remaining,
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
              "warn_pct": 100 * warn_share, **names, **charged}
    return CheckResult("quota", status, metrics, evidence, rule, data_used, key, params)


def _charged(ctx: CheckContext, asked: float) -> tuple[float, dict[str, Any], dict[str, Any]]:
    """The 新增建设用地 the quota is charged with, the figures and the sentence saying why.

    With a 三调 layer: the land asked for times the site's share of new
    construction land (the site minus existing 建设用地). Without: all of it.
    """
    landuse = ctx.result("landuse")
    figures: dict[str, Any] = {"asked_ha": asked}
    if landuse is None or landuse.status == "UNKNOWN" or ctx.site_ha <= 0:
        figures["new_construction_ha"] = asked
        return asked, {**figures, "requested_ha": asked}, {
            "charged_zh": "未导入三调现状地类数据，按全部申请用地计入新增建设用地",
            "charged_en": "no 三调 land-use layer is imported: all the land asked for is "
                          "charged as new construction land"}
    m = landuse.metrics
    share = min(1.0, m["new_construction_ha"] / ctx.site_ha)
    charged = asked * share
    figures.update(requested_ha=charged, new_construction_ha=charged,
                   existing_construction_ha=asked - charged,
                   cropland_ha=m.get("cropland_ha"))
    if "farmland_ha" in m:
        figures["farmland_ha"] = m["farmland_ha"]
    return charged, figures, {
        "charged_zh": f"按新增建设用地计（扣除现状建设用地 {asked - charged:,.2f} 公顷）",
        "charged_en": f"charged as new construction land (existing construction land of "
                      f"{asked - charged:,.2f} ha not charged)"}


def _row_of(layers: ScreeningLayers, base_id: object) -> int | None:
    bases = layers.bases
    assert bases is not None  # run() answers UNKNOWN before this without bases
    cache: dict[str, int] = layers._cache.setdefault(("base_rows",), {
        str(bases.get(i, "id", i)): i for i in range(len(bases))})
    return cache.get(str(base_id))
