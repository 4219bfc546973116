"""Where the atlas keeps its data: one interface, two backends.

* :class:`~geo.store.gpkg.GpkgStore` -- the embedded default: one SQLite file
  (a GeoPackage, openable in QGIS) under the data directory
  (``$QPA_DATA_DIR``, default ``var/``). Works with no set-up.
* :class:`~geo.store.postgis.PostGISStore` -- a shared PostgreSQL + PostGIS
  database, chosen by a ``postgresql://`` URL (``$QPA_DATABASE_URL`` or the
  app's secrets ``[database] url``).

Both keep the same tables and behave the same; the SQL differs only in a few
dialect strings. What is kept:

* versioned layers -- every replacement of a layer is a new version (who,
  when, source, feature count); earlier versions stay and can be restored;
* the land-quota ledger (:mod:`geo.ledger`) and the screening audit trail
  (:mod:`geo.audit`).

On first open the bundled layers and quotas are loaded as version 1
(:func:`open_store`); the store survives restarts.

Writes run in one transaction each (:meth:`Store.transaction`): SQLite takes
the write lock at the start (``BEGIN IMMEDIATE``), PostgreSQL locks the rows
read with :attr:`Store.for_update` (``SELECT ... FOR UPDATE``).
"""
from __future__ import annotations

import json
import math
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..auth import SYSTEM, User, require_official
from ..errors import QPAError

__all__ = [
    "STORE_FILE",
    "StoreError",
    "LayerVersion",
    "Tx",
    "Store",
    "now_iso",
    "dumps",
    "open_store",
    "store_location",
]

#: File name of the embedded store under the data directory.
STORE_FILE = "qpa_store.gpkg"
_META_SEEDED = "seeded_bundle"


class StoreError(QPAError):
    """The store cannot do what was asked (unknown layer or version, no PostGIS...)."""

    key = "store.err.generic"


def now_iso() -> str:
    """Current UTC time, ISO 8601 with microseconds (sorts as text)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class LayerVersion:
    """One stored version of a layer.

    Attributes
    ----------
    layer_id : str
    version : int
        1, 2, 3... in order of creation.
    created_at : str
        ISO 8601 UTC.
    created_by : str
        User name.
    action : {'seed', 'import', 'restore'}
    source, source_date : str
        Provenance given at import (for a seed: the bundle's).
    n_features : int
    note : str
    restored_from : int or None
        For a restore, the version copied.
    current : bool
    """

    layer_id: str
    version: int
    created_at: str
    created_by: str
    action: str
    source: str
    source_date: str
    n_features: int
    note: str
    restored_from: int | None
    current: bool = False


class Tx:
    """One open transaction; SQL uses ``?`` placeholders on both backends."""

    def __init__(self, conn: Any, paramstyle: str = "qmark") -> None:
        self.conn = conn
        self._pyformat = paramstyle != "qmark"

    def _sql(self, sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s") if self._pyformat else sql

    def execute(self, sql: str, params: Sequence = ()) -> Any:
        """Run one statement; returns the cursor."""
        cur = self.conn.cursor()
        cur.execute(self._sql(sql), tuple(params))
        return cur

    def one(self, sql: str, params: Sequence = ()) -> tuple | None:
        """First row of a query, or None."""
        return self.execute(sql, params).fetchone()

    def all(self, sql: str, params: Sequence = ()) -> list[tuple]:
        """All rows of a query."""
        return list(self.execute(sql, params).fetchall())

    def many(self, sql: str, rows: Sequence[Sequence]) -> None:
        """Run one statement for each row of parameters."""
        cur = self.conn.cursor()
        cur.executemany(self._sql(sql), [tuple(r) for r in rows])

    def frame(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        """A query as a DataFrame with the cursor's column names."""
        cur = self.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=cols)


# ------------------------------------------------------------------ values <-> JSON
def _plain(value: Any) -> Any:
    """A JSON-safe Python value: NaN/NaT -> None, numpy -> Python, dates -> ISO text."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _kind(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "float"
    return "str"


def _restore_dtype(values: pd.Series, kind: str) -> pd.Series:
    if kind == "float":
        return pd.to_numeric(values, errors="coerce").astype(float)
    if kind == "int":
        out = pd.to_numeric(values, errors="coerce")
        return out.astype("int64") if out.notna().all() else out.astype("Int64")
    if kind == "bool":
        return values.astype("boolean") if values.isna().any() else values.astype(bool)
    return values.astype(object).where(values.notna(), None)


def dumps(value: Any) -> str:
    """JSON text of ``value`` with NaN as null and geometries as GeoJSON."""

    def default(obj: Any) -> Any:
        if isinstance(obj, shapely.Geometry):
            return shapely.geometry.mapping(obj)
        if hasattr(obj, "to_dict"):
            return obj.to_dict()
        plain = _plain(obj)
        return plain if plain is not obj else str(obj)

    def clean(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {str(k): clean(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [clean(v) for v in obj]
        if isinstance(obj, (float, np.floating)) and not math.isfinite(float(obj)):
            return None
        return obj

    return json.dumps(clean(value), ensure_ascii=False, default=default, allow_nan=False)


# ------------------------------------------------------------------ the interface
class Store(ABC):
    """Versioned layers and the ledger tables in one database.

    Subclasses supply the connection and the dialect (:attr:`kind`,
    :attr:`for_update`, geometry encoding, DDL types).
    """

    #: 'gpkg' or 'postgis'
    kind: str = ""
    #: Appended to a SELECT to lock the rows read until commit ('' on SQLite,
    #: whose BEGIN IMMEDIATE already holds the write lock).
    for_update: str = ""
    #: SQL types per role, for the shared DDL.
    _types: dict[str, str] = {}
    #: SQL expressions to write / read the geometry column.
    _geom_in: str = "?"
    _geom_out: str = "geom"

    # -- backend hooks -------------------------------------------------------
    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction: commit on success, roll back on any error."""

    @abstractmethod
    def _create_backend_tables(self, tx: Tx) -> None:
        """Backend-specific set-up (GeoPackage registry, PostGIS extension check)."""

    @abstractmethod
    def _encode_geom(self, wkb: bytes) -> Any: ...

    @abstractmethod
    def _decode_geom(self, value: Any) -> bytes: ...

    def _init_lock(self, tx: Tx) -> None:
        """Serialise concurrent first starts (PostgreSQL: an advisory lock)."""

    def close(self) -> None:
        """Release connections (the store can still be reopened)."""

    @property
    def location(self) -> str:
        """Where the data lives (file path or URL without password)."""
        return ""

    # -- schema ---------------------------------------------------------------
    def _ddl(self) -> list[str]:
        t = self._types
        ident, real, text, geom = t["id"], t["real"], "TEXT", t["geom"]
        return [
            "CREATE TABLE IF NOT EXISTS qpa_meta (key TEXT PRIMARY KEY, value TEXT)",
            f"""CREATE TABLE IF NOT EXISTS layer_versions (
                layer_id {text} NOT NULL, version INTEGER NOT NULL, created_at {text} NOT NULL,
                created_by {text} NOT NULL, action {text} NOT NULL, source {text},
                source_date {text}, n_features INTEGER NOT NULL, columns {text} NOT NULL,
                note {text}, restored_from INTEGER, PRIMARY KEY (layer_id, version))""",
            f"""CREATE TABLE IF NOT EXISTS layer_current (
                layer_id {text} PRIMARY KEY, version INTEGER NOT NULL)""",
            f"""CREATE TABLE IF NOT EXISTS layer_features (
                fid {ident}, layer_id {text} NOT NULL, version INTEGER NOT NULL,
                seq INTEGER NOT NULL, props {text} NOT NULL, geom {geom})""",
            "CREATE INDEX IF NOT EXISTS layer_features_lv ON layer_features (layer_id, version, seq)",
            f"""CREATE TABLE IF NOT EXISTS quotas (
                base_id {text} NOT NULL, year INTEGER NOT NULL, name_zh {text}, name_en {text},
                allocated_ha {real} NOT NULL, used_ha {real} NOT NULL, reserved_ha {real} NOT NULL,
                source {text}, source_date {text}, accuracy {text}, row_version INTEGER NOT NULL,
                updated_at {text}, updated_by {text}, PRIMARY KEY (base_id, year),
                CHECK (allocated_ha >= 0 AND used_ha >= 0 AND reserved_ha >= 0),
                CHECK (used_ha + reserved_ha <= allocated_ha + 1e-6))""",
            f"""CREATE TABLE IF NOT EXISTS reservations (
                id {ident}, base_id {text} NOT NULL, year INTEGER NOT NULL,
                area_ha {real} NOT NULL CHECK (area_ha > 0), status {text} NOT NULL,
                project {text}, reason {text}, screening_id INTEGER, created_by {text} NOT NULL,
                created_at {text} NOT NULL, closed_by {text}, closed_at {text}, close_reason {text})""",
            f"""CREATE TABLE IF NOT EXISTS ledger_entries (
                id {ident}, at {text} NOT NULL, username {text} NOT NULL, action {text} NOT NULL,
                base_id {text} NOT NULL, year INTEGER NOT NULL, reservation_id INTEGER,
                d_allocated {real} NOT NULL, d_used {real} NOT NULL, d_reserved {real} NOT NULL,
                allocated_ha {real} NOT NULL, used_ha {real} NOT NULL, reserved_ha {real} NOT NULL,
                remaining_ha {real} NOT NULL, reason {text} NOT NULL)""",
            f"""CREATE TABLE IF NOT EXISTS screenings (
                id {ident}, at {text} NOT NULL, username {text} NOT NULL, overall {text},
                inputs {text} NOT NULL, result {text} NOT NULL)""",
            f"""CREATE TABLE IF NOT EXISTS events (
                id {ident}, at {text} NOT NULL, username {text} NOT NULL, action {text} NOT NULL,
                detail {text})""",
        ]

    def init(self, seed: bool = True) -> "Store":
        """Create the tables if missing and, once, load the bundled data.

        Parameters
        ----------
        seed : bool
            Load the bundle's layers and quotas when this store has never
            been seeded (default True).
        """
        with self.transaction() as tx:
            self._init_lock(tx)
            self._create_backend_tables(tx)
            for stmt in self._ddl():
                tx.execute(stmt)
            seeded = tx.one("SELECT value FROM qpa_meta WHERE key = ?", (_META_SEEDED,))
            if seed and seeded is None:
                _seed_bundle(self, tx)
                tx.execute("INSERT INTO qpa_meta (key, value) VALUES (?, ?)",
                           (_META_SEEDED, now_iso()))
        return self

    # -- layers ---------------------------------------------------------------
    def layer_ids(self) -> list[str]:
        """Ids of the layers that have a current version, sorted."""
        with self.transaction() as tx:
            return sorted(r[0] for r in tx.all("SELECT layer_id FROM layer_current"))

    def current_version(self, layer_id: str) -> int | None:
        """The current version number of ``layer_id`` (None if never stored)."""
        with self.transaction() as tx:
            row = tx.one("SELECT version FROM layer_current WHERE layer_id = ?", (layer_id,))
        return int(row[0]) if row else None

    def versions(self, layer_id: str) -> list[LayerVersion]:
        """Every version of ``layer_id``, newest first."""
        with self.transaction() as tx:
            cur = tx.one("SELECT version FROM layer_current WHERE layer_id = ?", (layer_id,))
            rows = tx.all(
                "SELECT layer_id, version, created_at, created_by, action, source, source_date, "
                "n_features, note, restored_from FROM layer_versions WHERE layer_id = ? "
                "ORDER BY version DESC", (layer_id,))
        current = int(cur[0]) if cur else None
        return [LayerVersion(*r[:9], None if r[9] is None else int(r[9]),
                             current=int(r[1]) == current) for r in rows]

    def read_layer(self, layer_id: str, version: int | None = None) -> gpd.GeoDataFrame:
        """A layer (current version, or ``version``) in EPSG:4326.

        Raises
        ------
        StoreError
            If the layer or the version does not exist.
        """
        with self.transaction() as tx:
            if version is None:
                row = tx.one("SELECT version FROM layer_current WHERE layer_id = ?", (layer_id,))
                if row is None:
                    raise StoreError(f"layer {layer_id!r} is not in the store",
                                     key="store.err.no_layer", layer=layer_id)
                version = int(row[0])
            meta = tx.one("SELECT columns FROM layer_versions WHERE layer_id = ? AND version = ?",
                          (layer_id, int(version)))
            if meta is None:
                raise StoreError(f"layer {layer_id!r} has no version {version}",
                                 key="store.err.no_version", layer=layer_id, version=version)
            rows = tx.all(f"SELECT props, {self._geom_out} FROM layer_features "
                          "WHERE layer_id = ? AND version = ? ORDER BY seq",
                          (layer_id, int(version)))
        columns = json.loads(meta[0])
        props = pd.DataFrame([json.loads(r[0]) for r in rows],
                             columns=[c for c, _ in columns])
        for col, kind in columns:
            props[col] = _restore_dtype(props[col], kind)
        geoms = shapely.from_wkb([self._decode_geom(r[1]) for r in rows]) if rows else []
        return gpd.GeoDataFrame(props, geometry=gpd.GeoSeries(geoms, crs=4326), crs=4326)

    def replace_layer(self, layer_id: str, frame: gpd.GeoDataFrame, *, user: User,
                      source: str, source_date: str, note: str = "",
                      action: str = "import") -> LayerVersion:
        """Store ``frame`` as a new, current version of ``layer_id``; all or nothing.

        Callers validate the frame first (:mod:`geo.layer_import`); this only
        refuses an empty frame or one not in EPSG:4326.

        Raises
        ------
        PermissionDenied
            ``user`` is not an official.
        StoreError
            Empty frame or wrong CRS.
        """
        require_official(user, "replace a layer")
        if frame is None or len(frame) == 0:
            raise StoreError(f"refusing to store an empty layer {layer_id!r}",
                             key="import.err.empty", layer=layer_id)
        if frame.crs is None or frame.crs.to_epsg() != 4326:
            raise StoreError("layers are stored in EPSG:4326", key="store.err.crs")
        geom_col = frame.geometry.name
        attrs = pd.DataFrame(frame.drop(columns=geom_col))
        columns = [(str(c), _kind(attrs[c])) for c in attrs.columns]
        wkbs = shapely.to_wkb(frame.geometry.values, output_dimension=2, byte_order=1)
        records = attrs.to_dict("records")
        with self.transaction() as tx:
            version = self._next_version(tx, layer_id)
            rows = [(layer_id, version, i, dumps({k: _plain(v) for k, v in rec.items()}),
                     self._encode_geom(bytes(w)))
                    for i, (rec, w) in enumerate(zip(records, wkbs))]
            tx.many(f"INSERT INTO layer_features (layer_id, version, seq, props, geom) "
                    f"VALUES (?, ?, ?, ?, {self._geom_in})", rows)
            return self._add_version(tx, layer_id, version, user, action, source, source_date,
                                     len(rows), json.dumps(columns), note, None)

    def restore_version(self, layer_id: str, version: int, *, user: User,
                        note: str = "") -> LayerVersion:
        """Make a copy of ``version`` the new current version (history is kept).

        Raises
        ------
        PermissionDenied
            ``user`` is not an official.
        StoreError
            Unknown layer or version.
        """
        require_official(user, "restore a layer version")
        with self.transaction() as tx:
            old = tx.one("SELECT source, source_date, n_features, columns FROM layer_versions "
                         "WHERE layer_id = ? AND version = ?", (layer_id, int(version)))
            if old is None:
                raise StoreError(f"layer {layer_id!r} has no version {version}",
                                 key="store.err.no_version", layer=layer_id, version=version)
            new = self._next_version(tx, layer_id)
            tx.execute("INSERT INTO layer_features (layer_id, version, seq, props, geom) "
                       "SELECT layer_id, ?, seq, props, geom FROM layer_features "
                       "WHERE layer_id = ? AND version = ?", (new, layer_id, int(version)))
            return self._add_version(tx, layer_id, new, user, "restore", old[0], old[1],
                                     int(old[2]), old[3], note, int(version))

    def _next_version(self, tx: Tx, layer_id: str) -> int:
        tx.execute("INSERT INTO layer_current (layer_id, version) VALUES (?, 0) "
                   "ON CONFLICT (layer_id) DO NOTHING", (layer_id,))
        tx.one(f"SELECT version FROM layer_current WHERE layer_id = ?{self.for_update}",
               (layer_id,))
        row = tx.one("SELECT MAX(version) FROM layer_versions WHERE layer_id = ?", (layer_id,))
        return int(row[0] or 0) + 1

    def _add_version(self, tx: Tx, layer_id: str, version: int, user: User, action: str,
                     source: str, source_date: str, n: int, columns: str, note: str,
                     restored_from: int | None) -> LayerVersion:
        at = now_iso()
        tx.execute("INSERT INTO layer_versions (layer_id, version, created_at, created_by, "
                   "action, source, source_date, n_features, columns, note, restored_from) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (layer_id, version, at, user.username, action, source, source_date, n,
                    columns, note, restored_from))
        tx.execute("UPDATE layer_current SET version = ? WHERE layer_id = ?", (version, layer_id))
        tx.execute("INSERT INTO events (at, username, action, detail) VALUES (?, ?, ?, ?)",
                   (at, user.username, f"layer.{action}",
                    dumps({"layer": layer_id, "version": version, "n_features": n,
                           "restored_from": restored_from})))
        return LayerVersion(layer_id, version, at, user.username, action, source or "",
                            source_date or "", n, note or "", restored_from, True)

    # -- events -----------------------------------------------------------------
    def log_event(self, user: User, action: str, detail: dict | None = None) -> None:
        """Append an event (login, logout, export...) to the event log."""
        with self.transaction() as tx:
            tx.execute("INSERT INTO events (at, username, action, detail) VALUES (?, ?, ?, ?)",
                       (now_iso(), user.username, action, dumps(detail or {})))

    def events(self, limit: int = 500) -> pd.DataFrame:
        """The latest events, newest first."""
        with self.transaction() as tx:
            return tx.frame("SELECT id, at, username, action, detail FROM events "
                            "ORDER BY id DESC LIMIT ?", (int(limit),))


def _seed_bundle(store: Store, tx: Tx) -> None:
    """Load every bundled layer (version 1, action 'seed') and the quotas."""
    from .. import bundle
    from ..ledger import seed_quotas

    for name in bundle.bundle_layers():
        if name == "quotas":
            continue
        frame = bundle.read_layer(name)
        if frame.empty:
            continue
        source = "; ".join(sorted(set(frame.get("source", pd.Series(["bundle"])).astype(str))))
        sdate = str(frame["source_date"].astype(str).max()) if "source_date" in frame else ""
        attrs = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        columns = [(str(c), _kind(attrs[c])) for c in attrs.columns]
        wkbs = shapely.to_wkb(frame.geometry.values, output_dimension=2, byte_order=1)
        version = store._next_version(tx, name)
        rows = [(name, version, i, dumps({k: _plain(v) for k, v in rec.items()}),
                 store._encode_geom(bytes(w)))
                for i, (rec, w) in enumerate(zip(attrs.to_dict("records"), wkbs))]
        tx.many(f"INSERT INTO layer_features (layer_id, version, seq, props, geom) "
                f"VALUES (?, ?, ?, ?, {store._geom_in})", rows)
        store._add_version(tx, name, version, SYSTEM, "seed", source, sdate, len(rows),
                           json.dumps(columns), "bundled data/atlas.gpkg", None)
    seed_quotas(tx, store, bundle.read_table("quotas"))


def store_location(url_or_path: str | os.PathLike | None = None) -> str:
    """What :func:`open_store` would open: a ``postgresql://`` URL or a file path."""
    if url_or_path:
        return str(url_or_path)
    url = os.environ.get("QPA_DATABASE_URL", "").strip()
    if url:
        return url
    from ..bundle import data_dir

    return str(data_dir() / STORE_FILE)


def open_store(url_or_path: str | os.PathLike | None = None, *, seed: bool = True,
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

    Returns
    -------
    Store
    """
    where = store_location(url_or_path)
    if where.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        from .postgis import PostGISStore

        store: Store = PostGISStore(where, schema=schema)
    else:
        from .gpkg import GpkgStore

        store = GpkgStore(Path(where))
    return store.init(seed=seed)
