"""The first data load: a new store gets the bundled layers and the bundled quotas.

:func:`open_store` is how the app, the command lines and the tests open the
store: :func:`geo.store.connect` with :func:`load_bundle` as its first load.
Keeping this here, above both :mod:`geo.store` and :mod:`geo.ledger`, means
the store never imports the ledger (the ledger is written on top of the store).
"""
from __future__ import annotations

import os

import pandas as pd

from . import bundle
from .auth import SYSTEM
from .ledger import seed_quotas
from .store import Store, Tx, connect

__all__ = ["load_bundle", "open_store"]


def load_bundle(store: Store, tx: Tx) -> None:
    """Inside ``tx``: every bundled layer as version 1 (action 'seed'), then the quotas."""
    for name in bundle.bundle_layers():
        if name == "quotas":
            continue
        frame = bundle.read_layer(name)
        if frame.empty:
            continue
        source = "; ".join(sorted(set(frame.get("source", pd.Series(["bundle"])).astype(str))))
        sdate = str(frame["source_date"].astype(str).max()) if "source_date" in frame else ""
        store.add_layer_version(tx, name, frame, user=SYSTEM, action="seed", source=source,
                                source_date=sdate, note="bundled data/atlas.gpkg")
    seed_quotas(tx, store, bundle.read_table("quotas"))


def open_store(url_or_path: str | os.PathLike[str] | None = None, *, seed: bool = True,
               schema: str | None = None) -> Store:
    """Open (and on first use create and seed) the store.

    Parameters
    ----------
    url_or_path : str or path, optional
        ``postgresql://user:pw@host:port/db`` for PostGIS, or a file path for
        the embedded store. Default: ``$QPA_DATABASE_URL`` if set, else
        ``$QPA_DATA_DIR/qpa_store.gpkg`` (``var/`` when unset).
    seed : bool
        Load the bundled layers and quotas on first use (default True).
    schema : str, optional
        PostgreSQL schema (default ``$QPA_DATABASE_SCHEMA`` or ``qpa``).
    """
    return connect(url_or_path, schema=schema, first_load=load_bundle if seed else None)
