"""One site check reserves once: the ledger refuses a second open reservation of the same
check (both backends), a store made before the reference column gains it, the page says so."""
from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from streamlit.testing.v1 import AppTest

from geo import ledger
from geo.checks import CheckResult, Project, ScreenResult
from geo.i18n import error_text, t
from geo.ledger import LedgerError
from geo.seed import open_store
from geo.store import StoreError
from tests._stores import OFFICIAL_USER, make_store  # noqa: F401

BASE, YEAR = "qarhan", 2025
PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "quotas.py")


def _check(timestamp: str = "2026-12-01T10:00:00+00:00", ha: float = 20.0032) -> ScreenResult:
    """A site check of a square near Golmud whose quota check names BASE and YEAR."""
    site = shapely.box(94.9978, 36.4182, 95.0022, 36.4218)
    quota = CheckResult("quota", "PASS", metrics={"base_id": BASE, "year": YEAR,
                                                   "requested_ha": ha})
    return ScreenResult(site=site, area_ha=ha, project=Project(product="碳酸锂", year=YEAR),
                        results=[quota], overall="PASS", reasons=[], buildable=site,
                        buildable_ha=ha, indicative_layers=[], timestamp=timestamp)


def _reserved(store) -> float:
    q = ledger.quotas(store, YEAR)
    return float(q.loc[q["base_id"] == BASE, "reserved_ha"].iloc[0])


def test_a_site_check_reserves_once_until_released(make_store):
    store = make_store()
    check = _check()
    before = _reserved(store)
    first = ledger.reserve_from_screening(store, OFFICIAL_USER, check, "选址检查后预留")
    with pytest.raises(LedgerError) as err:  # the same check again: the double click
        ledger.reserve_from_screening(store, OFFICIAL_USER, check, "选址检查后预留")
    assert err.value.key == "ledger.err.screen_reserved" and err.value.params["id"] == first
    assert f"编号 {first}" in error_text(err.value, "zh")
    assert f"no. {first}" in error_text(err.value, "en")
    # its dict form (what a report keeps) is the same check
    with pytest.raises(LedgerError):
        ledger.reserve_from_screening(store, OFFICIAL_USER, check.to_dict(), "again")
    assert _reserved(store) == pytest.approx(before + 20.0032)
    assert len(ledger.reservations(store, status="reserved", base_id=BASE)) == 1
    assert ledger.open_reservation_for(store, check) == first
    # another check of the same site (a later one) is another reservation
    other = ledger.reserve_from_screening(store, OFFICIAL_USER,
                                          _check("2026-12-01T11:00:00+00:00"), "复核后预留")
    assert other != first
    # once released, the check may reserve again
    ledger.release(store, OFFICIAL_USER, first, "项目取消")
    assert ledger.open_reservation_for(store, check) is None
    again = ledger.reserve_from_screening(store, OFFICIAL_USER, check, "重新预留")
    assert again not in (first, other)
    assert _reserved(store) == pytest.approx(before + 2 * 20.0032)


def test_the_reference_is_stable_and_differs_between_checks():
    a, b = _check(), _check()
    assert ledger.screening_ref(a) == ledger.screening_ref(b) == ledger.screening_ref(a.to_dict())
    assert ledger.screening_ref(a) != ledger.screening_ref(_check("2026-12-01T10:00:01+00:00"))
    assert ledger.screening_ref(a) != ledger.screening_ref(_check(ha=20.5))


def test_the_database_itself_refuses_a_second_open_reservation_of_a_check(make_store):
    store = make_store()
    ledger.reserve_from_screening(store, OFFICIAL_USER, _check(), "x")
    with pytest.raises(StoreError), store.transaction() as tx:
        tx.execute("INSERT INTO reservations (base_id, year, area_ha, status, created_by, "
                   "created_at, screen_ref) VALUES (?, ?, 1, 'reserved', 'x', 'now', ?)",
                   (BASE, YEAR, ledger.screening_ref(_check())))


def test_a_store_made_before_the_reference_column_gains_it(make_store):
    store = make_store()
    rid = ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, 1.5, "旧版本的预留")
    with store.transaction() as tx:  # the reservations table as an earlier release made it
        tx.execute("DROP INDEX reservations_open_screen_ref")
        tx.execute("ALTER TABLE reservations DROP COLUMN screen_ref")
    reopened = make_store()
    old = ledger.reservations(reopened).set_index("id").loc[rid]
    assert old["reason"] == "旧版本的预留" and old["screen_ref"] is None
    first = ledger.reserve_from_screening(reopened, OFFICIAL_USER, _check(), "x")
    with pytest.raises(LedgerError):
        ledger.reserve_from_screening(reopened, OFFICIAL_USER, _check(), "x")
    assert ledger.open_reservation_for(reopened, _check()) == first


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_reserves_a_site_check_once(env, lang):
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.session_state["lang"] = lang
    at.session_state["user"] = OFFICIAL_USER
    at.session_state["screen_result"] = _check()
    at.run()
    store = open_store(env / "qpa_store.gpkg")
    before = _reserved(store)
    button = at.button(key="quota_reserve_screen")
    assert not button.disabled
    button.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    rid = int(ledger.reservations(store, status="reserved")["id"].max())
    assert any(t("quota.reserved", lang, id=rid) in s.value for s in at.success)
    button = at.button(key="quota_reserve_screen")
    assert button.disabled  # the second click of the report cannot happen
    assert any(t("ledger.err.screen_reserved", lang, id=rid) in c.value for c in at.caption)
    at.run()
    assert not at.exception
    assert _reserved(store) == pytest.approx(before + 20.0032)
