"""Quota arithmetic and the join to bases."""
import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.quota import QuotaError, join_quotas, quota_years, with_remaining


@pytest.fixture
def quotas():
    return pd.DataFrame({
        "base_id": ["a", "a", "b"], "year": [2025, 2026, 2026],
        "allocated_ha": [100.0, 120.0, 50.0], "used_ha": [40.0, 50.0, 50.0],
        "reserved_ha": [10.0, 20.0, 0.0], "source": ["s"] * 3, "source_date": ["2026-01-01"] * 3,
        "accuracy": ["indicative"] * 3,
    })


@pytest.fixture
def bases():
    return gpd.GeoDataFrame({"id": ["a", "b", "c"]},
                            geometry=[shapely.box(96, 36, 96.1, 36.1)] * 3, crs=4326)


def test_remaining(quotas):
    out = with_remaining(quotas)
    assert list(out["remaining_ha"]) == [50.0, 50.0, 0.0]


def test_overdrawn_is_refused(quotas):
    quotas.loc[0, "reserved_ha"] = 70.0
    with pytest.raises(QuotaError, match="exceeds allocated for a 2025"):
        with_remaining(quotas)


def test_negative_is_refused(quotas):
    quotas.loc[1, "used_ha"] = -1
    with pytest.raises(QuotaError, match="negative"):
        with_remaining(quotas)


def test_join_keeps_missing_as_nan(quotas, bases):
    out = join_quotas(bases, quotas, 2026)
    a, b, c = (out[out["id"] == k].iloc[0] for k in "abc")
    assert a["remaining_ha"] == 50.0 and a["remaining_share"] == pytest.approx(50 / 120)
    assert b["remaining_share"] == 0.0
    assert pd.isna(c["allocated_ha"]) and pd.isna(c["remaining_share"])
    assert quota_years(quotas) == [2025, 2026]
