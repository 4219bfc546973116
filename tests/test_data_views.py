"""The data page's tables and choices (geo.data_views): the DEM in use, what a restore can
bring back, version tables with translated headers and Beijing times."""
from __future__ import annotations

from pathlib import Path

import pytest

from geo.data_views import (dem_choice_label, dem_in_use, dem_in_use_label, dem_restore_choices, dem_version_rows,
                            layer_version_rows)
from geo.dem_versions import DemVersion
from geo.i18n import t
from geo.store import LayerVersion
from geo.beijing_time import beijing_text


def _dem(version: int, at: str = "2026-12-01T16:30:00+00:00") -> DemVersion:
    return DemVersion(version, Path(f"v{version}.tif"), at, "wang", f"srtm-{version}.tif", "",
                      (96.0, 36.0, 97.0, 37.0), (1200, 1500), 30.5)


def test_the_newest_stored_dem_is_in_use_and_the_others_can_be_restored():
    dems = [_dem(1), _dem(2), _dem(4)]
    assert dem_in_use(dems).version == 4
    assert dem_restore_choices(dems) == [None, 1, 2]  # None: the bundled overview
    assert dem_in_use_label(dems, "en") == "v4"


def test_a_restore_choice_says_when_and_from_which_file():
    """The walk found bare version numbers ("1") in the restore list."""
    dems = [_dem(1, "2026-11-30T20:00:00+00:00"), _dem(2)]
    assert dem_choice_label(1, dems, "zh") == "v1 · 2026-12-01 04:00 · srtm-1.tif"
    assert dem_choice_label(None, dems, "en") == t("dem.bundled", "en")


def test_with_no_stored_dem_the_bundled_overview_is_in_use():
    assert dem_in_use([]) is None
    assert dem_restore_choices([]) == [None]
    assert dem_in_use_label([], "zh") == t("dem.bundled", "zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dem_table_newest_first_in_beijing_time(lang):
    rows = dem_version_rows([_dem(1, "2026-11-30T20:00:00+00:00"), _dem(2)], lang)
    version, current, when = (t(k, lang) for k in ("data.col.version", "data.col.current",
                                                   "data.col.at_beijing"))
    assert rows[version].tolist() == [2, 1]
    assert rows[current].tolist() == ["✓", ""]
    assert rows[when].tolist() == ["2026-12-02 00:30:00", "2026-12-01 04:00:00"]
    assert rows[t("dem.col.shape", lang)].iloc[0] == "1200×1500"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_layer_version_table_has_translated_actions_and_beijing_times(lang):
    versions = [LayerVersion("redlines", 1, "2026-01-01T00:00:00+00:00", "system", "seed",
                             "bundle", "2025-06-01", 15, "", None, False),
                LayerVersion("redlines", 2, "2026-12-01T17:05:09+00:00", "wang", "import",
                             "省自然资源厅", "2026-11-01", 2, "替换", None, True)]
    rows = layer_version_rows(versions, lang)
    assert rows[t("data.col.action", lang)].tolist() == [t("data.action.seed", lang),
                                                         t("data.action.import", lang)]
    assert rows[t("data.col.at_beijing", lang)].tolist() == ["2026-01-01 08:00:00",
                                                             "2026-12-02 01:05:09"]
    assert rows[t("data.col.current", lang)].tolist() == ["", "✓"]
    # the app itself is named in the user's language; a real user as recorded
    assert rows[t("data.col.by", lang)].tolist() == [t("auth.who_system", lang), "wang"]


def test_a_time_without_a_zone_is_taken_as_utc():
    assert beijing_text("2026-12-01T16:00:00", seconds=True) == "2026-12-02 00:00:00"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ledger_rows_name_the_sample_official_in_the_users_language(lang):
    """The quota ledger shows who acted: the sample local login by a translated name, not the
    English user name 'official' in the Chinese page."""
    import pandas as pd

    from geo.quota_views import entry_rows

    e = pd.DataFrame({"id": [1, 2], "at": ["2026-12-01T01:00:00+00:00"] * 2,
                      "username": ["official", "system"], "action": ["reserve", "seed"],
                      "base_id": ["a", "a"], "year": [2026] * 2, "reservation_id": [7, None],
                      "d_allocated": [0.0, 10.0], "d_used": [0.0] * 2, "d_reserved": [2.0, 0.0],
                      "allocated_ha": [10.0] * 2, "used_ha": [0.0] * 2, "reserved_ha": [2.0, 0.0],
                      "remaining_ha": [8.0, 10.0], "reason": ["x", ""]})
    rows = entry_rows(e, pd.DataFrame({"id": ["a"], "name_en": ["A park"], "name_zh": ["甲园区"]}), lang)
    assert rows[t("quota.col.by", lang)].tolist() == [t("auth.who_system", lang),
                                                     t("auth.who_sample", lang)]


def test_quota_rows_follow_the_official_order_of_the_bases():
    """The quota table lists the bases as the policy text does (the layer's seq), with a base the
    layer lacks last: not by internal id (beichuan, biotech, …), which reads as random in Chinese."""
    import pandas as pd

    from geo import bundle
    from geo.quota_views import quota_rows

    bases = bundle.read_layer("bases")
    quotas = bundle.read_table("quotas")
    year = int(quotas["year"].max())
    extra = quotas[quotas["year"] == year].head(1).assign(base_id="zz_new")
    rows = quota_rows(pd.concat([quotas, extra]), bases, year, "zh")
    by_seq = bases.sort_values("seq")["id"].tolist()
    assert rows["base_id"].tolist() == [b for b in by_seq if b in set(rows["base_id"])] + ["zz_new"]
    assert rows["base"].iloc[0] == bases.sort_values("seq")["name_zh"].iloc[0]
    assert rows["base"].iloc[-1] == "zz_new" and rows["prefecture"].iloc[-1] == "—"
