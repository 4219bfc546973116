"""The ledger page's forms and tables in the user's language: the allocate form starts at the
chosen base's allocation and refuses by name; release choices in 公顷; no 'empty' or 'None'."""
from __future__ import annotations

from pathlib import Path

import pytest

from geo import ledger
from geo.i18n import t
from geo.seed import open_store
from tests._stores import OFFICIAL_USER, run_page

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "quotas.py")


def _store(env):
    return open_store(env / "qpa_store.gpkg")


def _row(store, base, year) -> dict:
    q = ledger.quotas(store, year)
    return q[q["base_id"] == base].iloc[0].to_dict()


def _busy_base(store) -> tuple[str, int]:
    """A base with used + reserved land in the latest year (the page's default year)."""
    q = ledger.quotas(store)
    q = q[(q["year"] == q["year"].max()) & (q["used_ha"] + q["reserved_ha"] > 0)]
    return str(q["base_id"].iloc[0]), int(q["year"].iloc[0])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_allocate_form_starts_at_the_chosen_bases_allocation(env, lang):
    store = _store(env)
    base, year = _busy_base(store)
    q = ledger.quotas(store, year)
    other = str(q.loc[q["base_id"] != base, "base_id"].iloc[0])
    at = run_page(PAGE, OFFICIAL_USER, lang)
    at.selectbox(key="quota_alloc_base").set_value(base).run()
    before = _row(store, base, year)
    assert at.number_input(key="quota_alloc_value").value == pytest.approx(before["allocated_ha"])
    at.selectbox(key="quota_alloc_base").set_value(other).run()  # another base: its figure
    assert at.number_input(key="quota_alloc_value").value == pytest.approx(
        _row(store, other, year)["allocated_ha"])
    at.selectbox(key="quota_alloc_base").set_value(base).run()
    at.text_input(key="quota_alloc_reason").input("复核，不改")
    at.button(key=f"FormSubmitter:quota_allocate-{t('quota.allocate', lang)}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _row(store, base, year)["allocated_ha"] == pytest.approx(before["allocated_ha"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_allocation_below_used_and_reserved_is_refused_by_name(env, lang):
    store = _store(env)
    base, year = _busy_base(store)
    before = _row(store, base, year)
    committed = before["used_ha"] + before["reserved_ha"]
    at = run_page(PAGE, OFFICIAL_USER, lang)
    at.selectbox(key="quota_alloc_base").set_value(base).run()
    at.number_input(key="quota_alloc_value").set_value(round(committed / 2, 2))
    at.text_input(key="quota_alloc_reason").input("压缩")
    at.button(key=f"FormSubmitter:quota_allocate-{t('quota.allocate', lang)}").click().run()
    assert not at.exception
    name = store.read_layer("bases").set_index("id").loc[base, f"name_{lang}"]
    want = t("ledger.err.alloc_below", lang, base_zh=name, base_en=name, year=year,
             committed=committed, allocated=round(committed / 2, 2))
    assert [e.value for e in at.error] == [want]
    assert base not in want  # the base by its name, never its id
    assert _row(store, base, year)["allocated_ha"] == pytest.approx(before["allocated_ha"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ledger_tables_and_choices_speak_the_users_language(env, lang):
    store = _store(env)
    at = run_page(PAGE, OFFICIAL_USER, lang)
    # no open reservation: a sentence, not an empty table
    assert any(c.value == t("quota.none_open", lang) for c in at.caption)
    entries = at.dataframe[-1].value
    column = entries[t("quota.reservation", lang)].astype(str)
    assert not column.isin(["None", "nan", "<NA>"]).any()
    assert set(column) == {t("quota.no_reservation", lang)}  # only seeds so far
    base, year = _busy_base(store)
    rid = ledger.reserve(store, OFFICIAL_USER, base, year, 12.5, "待供地")
    at.run()
    label = at.selectbox(key="quota_close_id").format_func(rid)
    assert label.endswith(t("quota.ha", lang, ha=12.5))
    assert ("公顷" in label) == (lang == "zh") and (" ha" in label) == (lang == "en")
    assert not any(c.value == t("quota.none_open", lang) for c in at.caption)
    assert str(rid) in set(at.dataframe[-1].value[t("quota.reservation", lang)].astype(str))
