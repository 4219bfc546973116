"""How the store sits under the rest: no import cycle with the ledger (the first data load
lives in geo.seed), ``version_key`` a store method that follows layers, quotas and the
DEM, and a connection pool that serves more callers than it has connections."""
from __future__ import annotations

import ast
import threading
import uuid
from pathlib import Path

from geo import ledger
from geo.dem_versions import import_user_dem
from geo.sources import StoreSource
from tests._stores import OFFICIAL_USER, make_store, need_postgis  # noqa: F401 -- fixture
from tests.test_dem_versions import _fine_dem

GEO = Path(__file__).resolve().parents[1] / "geo"


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports (relative imports resolved), at any depth of the file."""
    package = ".".join(path.relative_to(GEO.parent).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[:len(base) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)
    return found


def test_the_store_imports_neither_the_ledger_nor_the_first_load():
    for path in sorted((GEO / "store").glob("*.py")):
        mods = _imports(path)
        assert not {m for m in mods if m.startswith(("geo.ledger", "geo.seed", "geo.bundle"))}, path
    assert not {m for m in _imports(GEO / "ledger.py") if m.startswith("geo.seed")}
    assert "geo.store" in _imports(GEO / "seed.py") and "geo.ledger" in _imports(GEO / "seed.py")


def test_version_key_is_the_stores_and_follows_every_change(make_store, tmp_path):
    store = make_store()
    source = StoreSource(store)
    keys = [store.version_key()]
    assert source.version_key() == keys[0]
    base = ledger.quotas(store).iloc[0]
    ledger.reserve(store, OFFICIAL_USER, base["base_id"], int(base["year"]), 0.5, "test")
    keys.append(store.version_key())
    store.restore_version("lakes", 1, user=OFFICIAL_USER)
    keys.append(store.version_key())
    import_user_dem(OFFICIAL_USER, _fine_dem(), tmp_path, store=store)
    keys.append(store.version_key())
    assert len(set(keys)) == 4 and source.version_key() == keys[-1]


def test_the_pool_serves_more_callers_than_connections(monkeypatch):
    from psycopg_pool import ConnectionPool

    from geo.seed import open_store

    monkeypatch.setenv("QPA_DB_POOL_MAX", "2")
    store = open_store(need_postgis(), schema=f"t_{uuid.uuid4().hex[:12]}")
    try:
        assert isinstance(store._pool, ConnectionPool) and store._pool.max_size == 2
        base = ledger.quotas(store).iloc[0]
        errors = []

        def work():
            try:
                for _ in range(3):
                    ledger.reserve(store, OFFICIAL_USER, base["base_id"], int(base["year"]),
                                   0.01, "pool")
            except Exception as exc:  # noqa: BLE001 -- reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(12)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert not errors
        assert len(ledger.reservations(store)) == 36
        assert store._pool.get_stats()["pool_size"] <= 2
    finally:
        store.drop_schema()

