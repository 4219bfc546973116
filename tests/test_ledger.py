"""The land-quota ledger on both backends: arithmetic, never below zero, entries, roles, concurrency."""
from __future__ import annotations

import csv
import io
import math
import threading
import time

import pytest

from geo import ledger
from geo.i18n import error_text
from geo.auth import ANONYMOUS, PermissionDenied
from geo.ledger import LedgerError
from tests._stores import OFFICIAL_USER, VIEWER_USER, make_store  # noqa: F401

BASE, YEAR = "nanchuan", 2025


def _row(store, base=BASE, year=YEAR) -> dict:
    q = ledger.quotas(store, year)
    return q[q["base_id"] == base].iloc[0].to_dict()


def _fresh(store, free: float = 100.0) -> dict:
    """Allocate so that exactly ``free`` ha remain; returns the row."""
    row = _row(store)
    return ledger.set_allocation(store, OFFICIAL_USER, BASE, YEAR,
                                 row["used_ha"] + row["reserved_ha"] + free, "测试下达")


def _check_invariant(store) -> None:
    q = ledger.quotas(store)
    assert (q["remaining_ha"] >= -1e-9).all()
    assert ((q["allocated_ha"] - q["used_ha"] - q["reserved_ha"] - q["remaining_ha"]).abs() < 1e-9).all()


def test_seeded_quotas_match_the_bundle(make_store):
    from geo import bundle
    from geo.quota import with_remaining

    store = make_store()
    want = with_remaining(bundle.read_table("quotas")).sort_values(["year", "base_id"])
    got = ledger.quotas(store)
    assert len(got) == len(want)
    for col in ("allocated_ha", "used_ha", "reserved_ha", "remaining_ha"):
        assert got[col].round(6).tolist() == want[col].round(6).tolist()
    seeds = ledger.entries(store)
    assert set(seeds["action"]) == {"seed"} and len(seeds) == len(want)


def test_reserve_confirm_release_arithmetic(make_store):
    store = make_store()
    start = _fresh(store, 100.0)
    used0, res0, alloc = start["used_ha"], start["reserved_ha"], start["allocated_ha"]
    r1 = ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, 30.0, "锂电池项目", project={"product": "碳酸锂"})
    r2 = ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, 20.5, "隔膜项目")
    row = _row(store)
    assert row["reserved_ha"] == pytest.approx(res0 + 50.5)
    assert row["remaining_ha"] == pytest.approx(100.0 - 50.5)
    res_before = row["reserved_ha"]
    ledger.confirm(store, OFFICIAL_USER, r1, "项目已供地")
    row = _row(store)
    assert row["used_ha"] == pytest.approx(used0 + 30.0)
    assert row["reserved_ha"] == pytest.approx(res_before - 30.0)
    after = ledger.release(store, OFFICIAL_USER, r2, "项目撤回")
    assert after["reserved_ha"] == pytest.approx(res_before - 50.5)
    assert after["remaining_ha"] == pytest.approx(alloc - (used0 + 30.0) - (res_before - 50.5))
    assert after["remaining_ha"] == pytest.approx(100.0 - 30.0)
    res = ledger.reservations(store)
    assert dict(zip(res["id"], res["status"])) == {r1: "confirmed", r2: "released"}
    log = ledger.entries(store, base_id=BASE, year=YEAR)
    assert list(log["action"][-5:]) == ["allocate", "reserve", "reserve", "confirm", "release"]
    last = log.iloc[-1]
    assert (last["username"], last["reason"], last["reservation_id"]) == ("wang", "项目撤回", r2)
    assert last["d_reserved"] == pytest.approx(-20.5) and last["d_used"] == 0
    _check_invariant(store)


def test_never_below_zero(make_store):
    store = make_store()
    row = _fresh(store, 100.0)
    left = row["remaining_ha"]
    n_entries = len(ledger.entries(store))
    with pytest.raises(LedgerError) as err:
        ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, left + 0.01, "太大")
    assert err.value.key == "ledger.err.over"
    assert len(ledger.entries(store)) == n_entries  # nothing written
    assert ledger.reservations(store).empty  # the reservation row was rolled back
    ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, left, "正好用完")
    assert _row(store)["remaining_ha"] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(LedgerError):
        ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, 0.01, "再要一点")
    with pytest.raises(LedgerError) as err:  # allocation below used + reserved
        ledger.set_allocation(store, OFFICIAL_USER, BASE, YEAR, 1.0, "压缩指标")
    assert err.value.key == "ledger.err.alloc_below"
    _check_invariant(store)


def test_a_missing_year_names_the_base_not_its_id(make_store):
    """The message an official reads names the base as the ledger knows it, in each language."""
    store = make_store()
    q = ledger.quotas(store)
    name_zh = q.loc[q["base_id"] == BASE, "name_zh"].iloc[0]
    with pytest.raises(LedgerError) as err:
        ledger.reserve(store, OFFICIAL_USER, BASE, 1999, 1, "x")
    assert err.value.key == "ledger.err.no_quota"
    assert name_zh and name_zh in error_text(err.value, "zh") and BASE not in error_text(err.value, "zh")
    assert "1999" in error_text(err.value, "en") and BASE not in error_text(err.value, "en")
    with pytest.raises(LedgerError) as err:
        ledger.set_allocation(store, OFFICIAL_USER, " ", YEAR, 1, "x")
    assert err.value.key == "ledger.err.base_missing" and error_text(err.value, "zh") == "请选择产业基地"


@pytest.mark.parametrize("area", [0, -5, float("nan"), math.inf, "abc", None])
def test_bad_areas_refused(make_store, area):
    store = make_store()
    with pytest.raises(LedgerError) as err:
        ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, area, "x")
    assert err.value.key == "ledger.err.area"


def test_bad_requests_refused(make_store):
    store = make_store()
    cases = [
        (lambda: ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, 1, "  "), "ledger.err.reason"),
        (lambda: ledger.reserve(store, OFFICIAL_USER, "nowhere", YEAR, 1, "x"), "ledger.err.no_quota"),
        (lambda: ledger.reserve(store, OFFICIAL_USER, BASE, 1999, 1, "x"), "ledger.err.no_quota"),
        (lambda: ledger.confirm(store, OFFICIAL_USER, 99999, "x"), "ledger.err.no_reservation"),
        (lambda: ledger.set_allocation(store, OFFICIAL_USER, BASE, YEAR, -1, "x"), "ledger.err.area"),
    ]
    for call, key in cases:
        with pytest.raises(LedgerError) as err:
            call()
        assert err.value.key == key
    rid = ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, 1, "x")
    ledger.release(store, OFFICIAL_USER, rid, "x")
    for again in (ledger.confirm, ledger.release):
        with pytest.raises(LedgerError) as err:
            again(store, OFFICIAL_USER, rid, "again")
        assert err.value.key == "ledger.err.state"


def test_new_allocation_row(make_store):
    store = make_store()
    row = ledger.set_allocation(store, OFFICIAL_USER, BASE, 2030, 55.5, "新年度", source="青自然资〔2030〕1号")
    assert row["remaining_ha"] == pytest.approx(55.5)
    q = _row(store, year=2030)
    assert q["accuracy"] == "authoritative" and q["source"] == "青自然资〔2030〕1号"


def test_viewer_cannot_change_the_ledger(make_store):
    store = make_store()
    rid = ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, 1, "x")
    n = len(ledger.entries(store))
    for who in (VIEWER_USER, ANONYMOUS, None, "official", {"role": "official"}):
        for call in (lambda: ledger.reserve(store, who, BASE, YEAR, 1, "x"),
                     lambda: ledger.set_allocation(store, who, BASE, YEAR, 1e6, "x"),
                     lambda: ledger.confirm(store, who, rid, "x"),
                     lambda: ledger.release(store, who, rid, "x"),
                     lambda: ledger.reserve_from_screening(store, who, {}, "x")):
            with pytest.raises(PermissionDenied):
                call()
    assert len(ledger.entries(store)) == n


def test_reserve_from_a_screening_result(make_store):
    store = make_store()
    result = {"overall": "PASS", "project": {"product": "碳酸锂", "area_ha": 12.0},
              "results": [{"check": "quota", "status": "PASS",
                           "metrics": {"base_id": BASE, "year": YEAR, "requested_ha": 12.0}}]}
    before = _row(store)["reserved_ha"]
    rid = ledger.reserve_from_screening(store, OFFICIAL_USER, result, "选址通过", screening_id=7)
    assert _row(store)["reserved_ha"] == pytest.approx(before + 12.0)
    res = ledger.reservations(store).set_index("id").loc[rid]
    assert res["screening_id"] == 7 and "碳酸锂" in res["project"]
    no_base = {"results": [{"check": "quota", "status": "UNKNOWN", "metrics": {"requested_ha": 5}}]}
    with pytest.raises(LedgerError) as err:
        ledger.reserve_from_screening(store, OFFICIAL_USER, no_base, "x")
    assert err.value.key == "ledger.err.no_base"


def test_entries_csv(make_store):
    store = make_store()
    ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, 2.5, "原因，含逗号")
    data = ledger.entries_csv(store)
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(ledger.ENTRY_COLUMNS)
    assert rows[-1]["reason"] == "原因，含逗号" and rows[-1]["action"] == "reserve"
    assert len(rows) == len(ledger.entries(store))


def test_persists_across_restart(make_store):
    store = make_store()
    rid = ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, 3.0, "x")
    row = _row(store)
    store.close()
    again = make_store()
    assert _row(again) == row
    assert int(ledger.reservations(again)["id"].iloc[0]) == rid


def _hammer(n_threads: int, per_thread: int, work) -> tuple[list, list, float]:
    ok, refused, errors = [], [], []
    barrier = threading.Barrier(n_threads)

    def run(i):
        barrier.wait()
        for j in range(per_thread):
            try:
                ok.append(work(i, j))
            except LedgerError as exc:
                refused.append(exc.key)
            except Exception as exc:  # pragma: no cover - reported by the assert
                errors.append(repr(exc))

    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors[:3]
    return ok, refused, time.perf_counter() - t0


def test_concurrent_writers_lose_no_update(make_store, capsys):
    """12 writers x 10 reservations of 1 ha, each in its own connection."""
    store = make_store()
    start = _fresh(store, 1000.0)
    used0, res0 = start["used_ha"], start["reserved_ha"]
    n_threads, per = 12, 10
    ok, refused, secs = _hammer(
        n_threads, per,
        lambda i, j: ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, 1.0, f"w{i}-{j}"))
    assert not refused and len(ok) == len(set(ok)) == n_threads * per
    row = _row(store)
    assert row["reserved_ha"] == pytest.approx(res0 + n_threads * per)
    assert row["used_ha"] == pytest.approx(used0)
    log = ledger.entries(store, base_id=BASE, year=YEAR)
    mine = log[log["action"] == "reserve"]
    assert len(mine) == n_threads * per
    # the entries form one unbroken chain: each saw the one before it
    steps = mine["reserved_ha"].diff().dropna()
    assert (steps.round(9) == 1.0).all()
    _check_invariant(store)
    with capsys.disabled():
        print(f"\n[{make_store.backend}] {n_threads} writers x {per} reserves: "
              f"{len(ok)} committed in {secs:.2f}s ({len(ok) / secs:.0f}/s), none lost")


def test_concurrent_oversubscription_never_below_zero(make_store, capsys):
    """16 writers race for 50 ha in 1 ha pieces (80 attempts): exactly 50 succeed."""
    store = make_store()
    _fresh(store, 50.0)
    ok, refused, secs = _hammer(
        16, 5, lambda i, j: ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, 1.0, f"r{i}-{j}"))
    assert len(ok) == 50 and len(refused) == 30 and set(refused) == {"ledger.err.over"}
    assert _row(store)["remaining_ha"] == pytest.approx(0.0, abs=1e-9)
    _check_invariant(store)
    with capsys.disabled():
        print(f"\n[{make_store.backend}] 16 writers racing for 50 ha: {len(ok)} granted, "
              f"{len(refused)} refused, remaining 0, {secs:.2f}s")


def test_concurrent_mixed_operations(make_store):
    """8 writers reserve, confirm and release at once; figures equal the sum of entries."""
    store = make_store()
    _fresh(store, 500.0)
    start = _row(store)

    def work(i, j):
        rid = ledger.reserve(store, OFFICIAL_USER, BASE, YEAR, 2.0, f"m{i}-{j}")
        (ledger.confirm if (i + j) % 2 else ledger.release)(store, OFFICIAL_USER, rid, "done")
        return rid

    ok, refused, _ = _hammer(8, 6, work)
    assert len(ok) == 48 and not refused
    end = _row(store)
    confirmed = sum(1 for i in range(8) for j in range(6) if (i + j) % 2)
    assert end["used_ha"] == pytest.approx(start["used_ha"] + 2.0 * confirmed)
    assert end["reserved_ha"] == pytest.approx(start["reserved_ha"])
    log = ledger.entries(store, base_id=BASE, year=YEAR)
    assert log["d_used"].sum() == pytest.approx(end["used_ha"])
    assert log["d_reserved"].sum() == pytest.approx(end["reserved_ha"])
    assert log["d_allocated"].sum() == pytest.approx(end["allocated_ha"])
    _check_invariant(store)
