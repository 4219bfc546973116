"""Store fixtures shared by the storage, ledger, import and page tests.

``make_store`` is parametrised over both backends. The PostGIS runs use
``$QPA_TEST_POSTGIS_URL`` (``bash scripts/postgis.sh start`` prints one), each
test in a fresh schema dropped afterwards. Without the URL they are skipped,
except when ``$CI`` is set: then they fail, because CI must test both.
"""
from __future__ import annotations

import os
import uuid

import pytest

from geo.auth import User
from geo.seed import open_store

PG_URL = os.environ.get("QPA_TEST_POSTGIS_URL", "").strip()
OFFICIAL_USER = User("wang", "official", "王工")
VIEWER_USER = User("investor", "viewer")


def need_postgis() -> str:
    """The test PostGIS URL; skip (fail under CI) when it is not set."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI is set but QPA_TEST_POSTGIS_URL is not: start PostGIS with "
                        "scripts/postgis.sh and export its URL")
        pytest.skip("QPA_TEST_POSTGIS_URL not set (bash scripts/postgis.sh start)")
    return PG_URL


@pytest.fixture(params=["gpkg", "postgis"])
def make_store(request, tmp_path):
    """A factory ``make_store(seed=True)`` opening the same store each call."""
    backend = request.param
    schema = f"t_{uuid.uuid4().hex[:12]}"
    where = need_postgis() if backend == "postgis" else str(tmp_path / "store.gpkg")
    opened = []

    def factory(seed: bool = True):
        store = open_store(where, seed=seed, schema=schema)
        opened.append(store)
        return store

    factory.backend = backend
    factory.where = where
    factory.schema = schema
    yield factory
    if backend == "postgis" and opened:
        opened[-1].drop_schema()
    for store in opened:
        store.close()


def run_page(page: str, user=None, lang: str = "zh"):
    """Run one page file in AppTest as ``user`` (None: an anonymous viewer) in ``lang``."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(page, default_timeout=180)
    at.session_state["lang"] = lang
    if user is not None:
        at.session_state["user"] = user
    return at.run()
