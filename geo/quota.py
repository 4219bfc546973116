"""Land quotas (建设用地指标) per base and year: arithmetic and the join to bases.

All figures are hectares. ``remaining = allocated - used - reserved`` and may
never be negative.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

__all__ = ["QUOTA_MEASURES", "QuotaError", "with_remaining", "quota_years", "join_quotas"]

QUOTA_MEASURES: tuple[str, ...] = ("allocated_ha", "used_ha", "reserved_ha", "remaining_ha")


class QuotaError(ValueError):
    """Quota figures that break the ledger's arithmetic."""


def with_remaining(quotas: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``quotas`` with ``remaining_ha`` recomputed and checked.

    Raises
    ------
    QuotaError
        If a figure is negative or used + reserved exceeds allocated (the
        message names the base and year).
    """
    out = quotas.copy()
    for col in ("allocated_ha", "used_ha", "reserved_ha"):
        out[col] = pd.to_numeric(out[col], errors="raise").astype(float)
        if (out[col] < 0).any():
            row = out[out[col] < 0].iloc[0]
            raise QuotaError(f"{col} is negative for {row['base_id']} {row['year']}")
    out["remaining_ha"] = out["allocated_ha"] - out["used_ha"] - out["reserved_ha"]
    over = out["remaining_ha"] < -1e-9
    if over.any():
        row = out[over].iloc[0]
        raise QuotaError(
            f"used + reserved exceeds allocated for {row['base_id']} {row['year']}: "
            f"{row['used_ha'] + row['reserved_ha']:.2f} > {row['allocated_ha']:.2f} ha"
        )
    return out


def quota_years(quotas: pd.DataFrame) -> list[int]:
    """Years present in the quota table, ascending."""
    return sorted(int(y) for y in quotas["year"].unique())


def join_quotas(bases: gpd.GeoDataFrame, quotas: pd.DataFrame, year: int) -> gpd.GeoDataFrame:
    """Bases with that year's quota columns and ``remaining_share`` (0-1).

    Bases without a quota row for ``year`` get NaN figures (shown as "no data",
    never as zero).
    """
    q = with_remaining(quotas)
    q = q[q["year"].astype(int) == int(year)]
    cols = ["base_id", *QUOTA_MEASURES]
    meta = [c for c in ("source", "source_date", "accuracy") if c in q.columns]
    q = q[cols + meta].rename(columns={c: f"quota_{c}" for c in meta})
    out = bases.merge(q, how="left", left_on="id", right_on="base_id").drop(columns="base_id")
    out["remaining_share"] = out["remaining_ha"] / out["allocated_ha"].where(out["allocated_ha"] > 0)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=bases.crs)
