"""Two app servers on one PostGIS: what one writes, the other shows at once.

Starts two ``streamlit run streamlit_app.py`` servers on free loopback ports with
the same ``QPA_DATABASE_URL`` and schema but separate data directories (so
nothing can travel between them through local files), and opens each in
headless Chromium:

* both start at once on an empty schema: the bundle is loaded exactly once;
* through the live servers' own data pages (Chromium: log in, then act), a layer
  restore on server B is what server A draws next, and a DEM imported on server A is
  the terrain server B draws on its next atlas load (B rebuilds its local copy from
  the database); a layer import and a DEM restore made through the data page in
  AppTest (a third app process on the same database) appear on both servers' atlas
  pages on the next load (red-line paths drawn, terrain image served);
* 16 reservations race from two app processes (``python -c``, 8 threads each,
  released together), each with its own store and connection pool: the quota is
  never exceeded, and each process reads the other's reservations as soon as they
  are committed. (Subprocesses, not multiprocessing: after AppTest has run pages
  in this process, a spawned child would re-run a page script as its main module.)

Needs ``$QPA_TEST_POSTGIS_URL`` and /usr/bin/chromium (skipped without them,
failed under CI).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import bcrypt
import pytest

from geo import ledger
from geo.auth import User
from geo.i18n import t
from scripts.local_browser import CHROMIUM, frame_with
from scripts.local_server import start
from tests._text import stem
from tests._stores import OFFICIAL_USER, need_postgis, run_page
from tests.browser.helpers import choose, click_until, go_to, log_in
from tests.test_dem_versions import _fine_dem

REPO = Path(__file__).resolve().parents[2]
DATA_PAGE = str(REPO / "pages" / "data.py")
PASSWORD = "two-servers-test"
AREA_HA, N_EACH = 0.5, 8


def _server_env(url: str, schema: str, data_dir: Path) -> dict:
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    return {**os.environ, "QPA_DATABASE_URL": url,
            "QPA_DATABASE_SCHEMA": schema, "QPA_DATA_DIR": str(data_dir),
            "QPA_USERS": f"{OFFICIAL_USER.username}:{hashed}:official"}


@pytest.fixture
def two_servers(tmp_path, monkeypatch):
    url = need_postgis()
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    servers = []
    try:
        for name in ("a", "b"):  # both start at once, then both are waited for
            (tmp_path / name).mkdir()
            servers.append(start(REPO / "streamlit_app.py", tmp_path / f"server-{name}.log",
                                 env=_server_env(url, schema, tmp_path / name), wait_s=None))
        for server in servers:
            server.wait_healthy(90)
        # this process is a third app server on the same database (AppTest runs pages here)
        monkeypatch.setenv("QPA_DATABASE_URL", url)
        monkeypatch.setenv("QPA_DATABASE_SCHEMA", schema)
        monkeypatch.setenv("QPA_DATA_DIR", str(tmp_path / "c"))
        yield {"url": url, "schema": schema, "bases": [s.base for s in servers],
               "dirs": [tmp_path / "a", tmp_path / "b"]}
    finally:
        for server in servers:
            server.stop(grace_s=30)
        from geo.store import connect

        connect(url, schema=schema).drop_schema()


# ------------------------------------------------------------------ the pages
def _map_frame(page, timeout_s: float = 90):
    """The atlas map's frame once it has drawn the bases and the terrain image."""
    frame = frame_with(page, "html:has(img.leaflet-image-layer):has(path.qpa-bases)", timeout_s)
    assert frame is not None, f"no atlas map after {timeout_s} s"
    return frame


def _atlas(page, base: str) -> tuple[int, list[str]]:
    """(red-line paths drawn, terrain image URLs bottom first: the province's, then an imported
    DEM's) of a fresh load of the atlas page."""
    page.goto(base, wait_until="domcontentloaded")
    frame = _map_frame(page)
    frame.wait_for_function("document.querySelectorAll('path.qpa-redlines').length > 0",
                            timeout=60_000)
    return (frame.locator("path.qpa-redlines").count(),
            frame.locator("img.leaflet-image-layer").evaluate_all("els => els.map(e => e.src)"))


def _data_page_import_layer() -> None:
    from tests.test_page_data import _geojson

    at = run_page(DATA_PAGE, OFFICIAL_USER, "en")
    at.selectbox(key="data_layer").set_value("redlines").run()
    at.text_input(key="data_source_0").input("Qinghai DNR").run()
    at.file_uploader(key="data_upload_0").set_value(("red.geojson", _geojson(), "application/json"))
    at.run()
    at.checkbox(key="data_confirm_0").check().run()  # 15 zones become 2: confirmed on purpose
    at.button(key="data_replace").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]


def _official_on_data_page(page, base: str) -> None:
    """A fresh session on a live server: log in as an official, open the data page."""
    from playwright.sync_api import expect

    page.goto(base, wait_until="domcontentloaded")
    _map_frame(page)  # the first run is over (its map drawn) before the login box is used
    log_in(page, OFFICIAL_USER.username, PASSWORD, "zh")
    go_to(page, t("page.data", "zh"), "data")
    expect(page.get_by_text(t("dem.title", "zh"))).to_be_visible(timeout=60_000)


def _browser_layer_restore(page, base: str, layer_id: str, version: int) -> None:
    """Through a live server's data page: pick the layer, restore ``version`` (the only
    older one, so the first choice)."""
    from playwright.sync_api import expect

    _official_on_data_page(page, base)
    choose(page, t("data.layer", "zh"), t(f"layer.{layer_id}", "zh"))
    section = page.locator('[data-testid="stExpander"]', has_text=t("data.restore", "zh"))
    expect(section).to_have_count(1, timeout=60_000)  # the rerun for the new layer is over
    section.get_by_text(t("data.restore", "zh")).click()
    button = section.get_by_role("button", name=t("data.restore_button", "zh"))
    expect(button).to_have_count(1, timeout=60_000)
    restored = page.get_by_text(t("data.restored", "zh", version=version, new=version + 2))
    click_until(page, button, lambda ms: expect(restored).to_be_visible(timeout=ms),
                (60_000, 120_000))


def _browser_dem_import(page, base: str, tif: Path) -> None:
    """Through a live server's pages, as an official does: log in, open the data page,
    upload the GeoTIFF in the terrain section, import it."""
    from playwright.sync_api import expect

    _official_on_data_page(page, base)
    section = page.locator('[data-testid="stExpander"]', has_text=t("dem.title", "zh"))
    section.get_by_text(t("dem.title", "zh")).click()
    section.locator('input[type="file"]').set_input_files(str(tif))
    button = section.get_by_role("button", name=t("dem.import", "zh"))
    expect(button).to_be_enabled(timeout=60_000)
    expect(button).to_be_visible()  # the section stayed open through the upload's rerun
    button.click()
    expect(page.get_by_text(stem("dem.imported", "zh") + "1")).to_be_visible(timeout=120_000)


def _data_page_dem_restore() -> None:
    at = run_page(DATA_PAGE, OFFICIAL_USER, "en")
    at.selectbox(key="dem_restore_pick").set_value(None).run()  # the bundled DEM
    at.button(key="dem_restore").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]


def test_two_servers_show_each_others_changes(two_servers, browser):
    """``browser``: the suite's one Chromium (tests/browser/conftest.py, the required flags);
    a second sync Playwright in the same process is refused while that one runs."""
    from geo.seed import open_store

    a, b = two_servers["bases"]
    page_a, page_b = browser.new_page(), browser.new_page()
    # both servers open the empty schema at the same moment
    page_a.goto(a, wait_until="commit")
    page_b.goto(b, wait_until="commit")
    _map_frame(page_a), _map_frame(page_b)
    store = open_store(two_servers["url"], schema=two_servers["schema"])
    seeds = ledger.entries(store)
    assert (seeds["action"] == "seed").sum() == len(ledger.quotas(store)) == len(seeds)
    assert [v.version for v in store.versions("redlines")] == [1]
    n_red, terrain = _atlas(page_a, a)
    assert _atlas(page_b, b) == (n_red, terrain)

    _data_page_import_layer()
    assert _atlas(page_a, a)[0] == 2 and _atlas(page_b, b)[0] == 2
    _browser_layer_restore(browser.new_page(), b, "redlines", 1)  # through server B
    assert _atlas(page_a, a)[0] == n_red and _atlas(page_b, b)[0] == n_red

    tif = two_servers["dirs"][0].parent / "fine.tif"
    tif.write_bytes(_fine_dem(4500))
    _browser_dem_import(browser.new_page(), a, tif)  # through server A's own pages
    new_b, new_a = _atlas(page_b, b)[1], _atlas(page_a, a)[1]
    assert new_a == new_b == [*terrain, new_a[-1]]  # the province terrain stays, the tile on top
    for folder in two_servers["dirs"]:  # each server rebuilt v1 from the database
        assert [p.name[:3] for p in (folder / "dem_cache").glob("v*.tif")] == ["v1-"]

    _data_page_dem_restore()  # back to the bundled DEM, as v2
    assert _atlas(page_b, b)[1] == _atlas(page_a, a)[1] == terrain
    assert [v.action for v in store.dems()] == ["import", "restore"]
    store.close()


# ------------------------------------------------------------------ the race
def _race_worker(url: str, schema: str, base_id: str, year: int) -> None:
    """One app server process (``python -c``): its own store and pool; 8 threads reserve
    at once when the test writes ``go``; after ``read``, the quota it then sees."""
    from geo.seed import open_store

    store = open_store(url, schema=schema)
    user = User(OFFICIAL_USER.username, "official", OFFICIAL_USER.label)
    gate = threading.Barrier(N_EACH)
    granted, refused = [], []

    def one() -> None:
        gate.wait()
        try:
            granted.append(ledger.reserve(store, user, base_id, year, AREA_HA, "race"))
        except ledger.LedgerError as err:
            refused.append(err.key)

    print("ready", flush=True)
    assert sys.stdin.readline().strip() == "go"
    threads = [threading.Thread(target=one) for _ in range(N_EACH)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    print("done", flush=True)
    assert sys.stdin.readline().strip() == "read"  # the other process has committed too
    row = ledger.quotas(store, year).set_index("base_id").loc[base_id]
    print(json.dumps({"pid": os.getpid(), "granted": granted, "refused": refused,
                      "reserved_seen": float(row["reserved_ha"]),
                      "remaining_seen": float(row["remaining_ha"])}), flush=True)
    store.close()


def _step(procs: list[subprocess.Popen], expect: str, send: str | None) -> list[str]:
    """Read one line from every worker (``expect``, or any result when empty), then
    write ``send`` to every worker."""
    lines = []
    for proc in procs:
        line = proc.stdout.readline().strip()
        if not line or (expect and line != expect):
            proc.kill()
            raise AssertionError(f"worker said {line!r}:\n{proc.stderr.read()[-3000:]}")
        lines.append(line)
    if send:
        for proc in procs:
            proc.stdin.write(send + "\n")
            proc.stdin.flush()
    return lines


def test_reservations_racing_across_two_processes_never_exceed_the_quota():
    from geo.seed import open_store

    url, schema = need_postgis(), f"t_{uuid.uuid4().hex[:12]}"
    store = open_store(url, schema=schema)
    try:
        q = ledger.quotas(store).iloc[0]
        base_id, year = q["base_id"], int(q["year"])
        room = 5.0  # ten of the sixteen 0.5 ha reservations fit
        ledger.set_allocation(store, OFFICIAL_USER, base_id, year,
                              float(q["used_ha"] + q["reserved_ha"]) + room, "race test")
        before = ledger.quotas(store, year).set_index("base_id").loc[base_id]
        code = ("import sys; from tests.browser.test_two_servers import _race_worker; "
                "_race_worker(*sys.argv[1:4], int(sys.argv[4]))")
        procs = [subprocess.Popen([sys.executable, "-c", code, url, schema, base_id, str(year)],
                                  cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        try:
            _step(procs, "ready", "go")  # both stores open: release all 16 together
            _step(procs, "done", "read")
            results = [json.loads(line) for line in _step(procs, "", None)]
        finally:
            for proc in procs:
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
        assert len({r["pid"] for r in results}) == 2
        granted = [rid for r in results for rid in r["granted"]]
        refused = [key for r in results for key in r["refused"]]
        assert len(granted) == int(room / AREA_HA) and len(granted) + len(refused) == 2 * N_EACH
        assert set(refused) == {"ledger.err.over"}
        assert all(r["granted"] for r in results)  # both processes won some
        after = ledger.quotas(store, year).set_index("base_id").loc[base_id]
        assert after["remaining_ha"] == pytest.approx(0.0, abs=1e-9)
        assert after["reserved_ha"] == pytest.approx(before["reserved_ha"] + room)
        for r in results:  # each saw the other's reservations at once
            assert r["reserved_seen"] == pytest.approx(after["reserved_ha"])
            assert r["remaining_seen"] == pytest.approx(0.0, abs=1e-9)
        entries = ledger.entries(store, base_id, year)
        assert (entries["action"] == "reserve").sum() == len(granted)
        assert (entries["remaining_ha"] >= -1e-9).all()
    finally:
        store.drop_schema()
