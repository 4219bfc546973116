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
* versioned elevation models (:meth:`Store.add_dem`, used by
  :mod:`geo.dem_versions`), so every app server on one database sees the
  same terrain;
* the tables of the land-quota ledger (:mod:`geo.ledger`) and of the
  screening audit trail (:mod:`geo.audit`).

This package knows nothing of the bundle or the ledger: :func:`connect` opens
a store and creates its tables; the first data load (bundled layers and
quotas) is a callable handed in as ``first_load`` and lives in
:mod:`geo.seed`, whose :func:`geo.seed.open_store` is what the app uses.

Writes run in one transaction each (:meth:`Store.transaction`): SQLite takes
the write lock at the start (``BEGIN IMMEDIATE``), PostgreSQL locks the rows
read with :attr:`Store.for_update` (``SELECT ... FOR UPDATE``). A database
failure (full disk, a lost connection, a value the database refuses) ends the
transaction with nothing written and is raised as :class:`StoreError` with a
translation key, never as a driver exception.
"""
from __future__ import annotations

import json
import math
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..auth import User, require_official
from ..errors import QPAError

__all__ = [
    "STORE_FILE",
    "StoreError",
    "LayerVersion",
    "StoredDem",
    "Tx",
    "Store",
    "FirstLoad",
    "now_iso",
    "dumps",
    "plain",
    "column_kinds",
    "connect",
    "store_location",
]

#: File name of the embedded store under the data directory.
STORE_FILE = "qpa_store.gpkg"
_META_SEEDED = "seeded_bundle"
#: Bytes per row of ``dem_chunks``: a DEM is written and read a chunk at a time.
DEM_CHUNK_BYTES = 4 * 1024 * 1024


class StoreError(QPAError):
    """The store cannot do what was asked (unknown layer or version, no PostGIS...)."""

    key = "store.err.generic"


def now_iso() -> str:
    """Current UTC time, ISO 8601 with microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


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


@dataclass(frozen=True)
class StoredDem:
    """One stored elevation model (a Cloud-Optimised GeoTIFF kept in ``dem_chunks``).

    ``action`` is 'import', 'restore' or 'migrate' (a file-based version of an
    earlier release); ``restored_from`` is the version copied by a restore
    (None for the bundled DEM); ``bounds`` is (west, south, east, north) in
    degrees, ``shape`` (rows, columns), ``cell_m`` the mean cell size.
    """

    version: int
    created_at: str
    created_by: str
    action: str
    source: str
    note: str
    restored_from: int | None
    bounds: tuple[float, float, float, float]
    shape: tuple[int, int]
    cell_m: float
    n_bytes: int
    sha256: str


def _refuse_nul(params: Sequence[Any]) -> None:
    """Text with a NUL byte is refused on both backends (PostgreSQL cannot store it)."""
    for value in params:
        if isinstance(value, str) and "\x00" in value:
            raise StoreError("text with a NUL (0x00) character cannot be stored",
                             key="store.err.nul")


class Tx:
    """One open transaction; SQL uses ``?`` placeholders on both backends."""

    def __init__(self, conn: Any, paramstyle: str = "qmark") -> None:
        self.conn = conn
        self._pyformat = paramstyle != "qmark"

    def _sql(self, sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s") if self._pyformat else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns the cursor."""
        params = tuple(params)
        _refuse_nul(params)
        cur = self.conn.cursor()
        cur.execute(self._sql(sql), params)
        return cur

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """First row of a query, or None."""
        row: tuple[Any, ...] | None = self.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """All rows of a query."""
        return list(self.execute(sql, params).fetchall())

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""
        tuples = [tuple(r) for r in rows]
        for row in tuples:
            _refuse_nul(row)
        cur = self.conn.cursor()
        cur.executemany(self._sql(sql), tuples)

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """A query as a DataFrame with the cursor's column names."""
        cur = self.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=cols)


# ------------------------------------------------------------------ values <-> JSON
def plain(value: Any) -> Any:
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
    """'bool', 'int', 'float' or 'str': how a column is restored on reading."""
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
        value = plain(obj)
        return value if value is not obj else str(obj)

    def clean(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {str(k): clean(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [clean(v) for v in obj]
        if isinstance(obj, (float, np.floating)) and not math.isfinite(float(obj)):
            return None
        return obj

    return json.dumps(clean(value), ensure_ascii=False, default=default, allow_nan=False)


def column_kinds(attrs: pd.DataFrame) -> list[tuple[str, str]]:
    """(name, kind) of every attribute column, as stored with a layer version."""
    return [(str(c), _kind(attrs[c])) for c in attrs.columns]


#: ``first_load(store, tx)``: fills a new store once, inside its creating transaction.
FirstLoad = Callable[["Store", Tx], None]


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

    @contextmanager
    def snapshot(self) -> Iterator[Tx]:
        """A read-only transaction: one consistent view, without the write lock that
        :meth:`transaction` takes on SQLite (PostgreSQL readers take none anyway)."""
        with self.transaction() as tx:
            yield tx

    @abstractmethod
    def _create_backend_tables(self, tx: Tx) -> None:
        """Backend-specific set-up (GeoPackage registry, PostGIS extension check)."""

    @abstractmethod
    def _encode_geom(self, wkb: bytes) -> Any: ...

    @abstractmethod
    def _decode_geom(self, value: Any) -> bytes: ...

    def _init_lock(self, tx: Tx) -> None:  # noqa: B027 # a no-op hook unless overridden
        """Serialise concurrent first starts (PostgreSQL: an advisory lock)."""

    def _lock(self, tx: Tx, name: str) -> None:  # noqa: B027 # a no-op hook unless overridden
        """Hold a named lock until ``tx`` ends (SQLite's BEGIN IMMEDIATE already
        serialises writers; PostgreSQL takes an advisory transaction lock)."""

    def close(self) -> None:  # noqa: B027 # a no-op hook unless overridden
        """Release connections (the store can still be reopened)."""

    @property
    def location(self) -> str:
        """Where the data lives (file path or URL without password)."""
        return ""

    # -- schema ---------------------------------------------------------------
    def _ddl(self) -> list[str]:
        t = self._types
        ident, real, text, geom, blob = t["id"], t["real"], "TEXT", t["geom"], t["blob"]
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
                created_at {text} NOT NULL, closed_by {text}, closed_at {text}, close_reason {text},
                screen_ref {text})""",
            f"""CREATE TABLE IF NOT EXISTS ledger_entries (
                id {ident}, at {text} NOT NULL, username {text} NOT NULL, action {text} NOT NULL,
                base_id {text} NOT NULL, year INTEGER NOT NULL, reservation_id INTEGER,
                d_allocated {real} NOT NULL, d_used {real} NOT NULL, d_reserved {real} NOT NULL,
                allocated_ha {real} NOT NULL, used_ha {real} NOT NULL, reserved_ha {real} NOT NULL,
                remaining_ha {real} NOT NULL, reason {text} NOT NULL)""",
            f"""CREATE TABLE IF NOT EXISTS screenings (
                id {ident}, at {text} NOT NULL, username {text} NOT NULL, overall {text},
                inputs {text} NOT NULL, result {text} NOT NULL)""",
            f"""CREATE TABLE IF NOT EXISTS dem_versions (
                version INTEGER PRIMARY KEY, created_at {text} NOT NULL,
                created_by {text} NOT NULL, action {text} NOT NULL, source {text}, note {text},
                restored_from INTEGER, west {real}, south {real}, east {real}, north {real},
                n_rows INTEGER NOT NULL, n_cols INTEGER NOT NULL, cell_m {real},
                n_bytes {t["bigint"]} NOT NULL, sha256 {text} NOT NULL)""",
            f"""CREATE TABLE IF NOT EXISTS dem_chunks (
                version INTEGER NOT NULL, seq INTEGER NOT NULL, data {blob} NOT NULL,
                PRIMARY KEY (version, seq))""",
            f"""CREATE TABLE IF NOT EXISTS events (
                id {ident}, at {text} NOT NULL, username {text} NOT NULL, action {text} NOT NULL,
                detail {text})""",
        ]

    #: Columns added after a table's first release: (table, column, role in ``_types``
    #: or 'text'). A store made before keeps its data; :meth:`init` adds what is missing.
    _ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
        ("reservations", "screen_ref", "text"),  # the site check a reservation came from
    )

    def _add_missing_columns(self, tx: Tx) -> None:
        """Add the :attr:`_ADDED_COLUMNS` a store made by an earlier release lacks
        (the same query on both backends: the column names of an empty SELECT)."""
        for table, column, role in self._ADDED_COLUMNS:
            cur = tx.execute(f"SELECT * FROM {table} WHERE 1 = 0")
            if column not in {d[0] for d in cur.description}:
                kind = "TEXT" if role == "text" else self._types[role]
                tx.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def _indexes(self) -> list[str]:
        """Indexes on added columns (created after :meth:`_add_missing_columns`)."""
        # one open reservation per site check: a second one is refused by the ledger
        # (geo.ledger.reserve, with the number of the first); this index keeps it so
        # even for a writer that bypasses the ledger
        return ["CREATE UNIQUE INDEX IF NOT EXISTS reservations_open_screen_ref "
                "ON reservations (screen_ref) "
                "WHERE status = 'reserved' AND screen_ref IS NOT NULL"]

    def init(self, first_load: FirstLoad | None = None) -> Store:
        """Create the tables if missing and, once, run ``first_load(store, tx)``.

        ``first_load`` (:func:`geo.seed.load_bundle` in the app) runs inside
        the creating transaction, so a store is either empty and unmarked or
        fully loaded; concurrent first starts wait on :meth:`_init_lock`.
        """
        with self.transaction() as tx:
            self._init_lock(tx)
            self._create_backend_tables(tx)
            for stmt in self._ddl():
                tx.execute(stmt)
            self._add_missing_columns(tx)
            for stmt in self._indexes():
                tx.execute(stmt)
            seeded = tx.one("SELECT value FROM qpa_meta WHERE key = ?", (_META_SEEDED,))
            if first_load is not None and seeded is None:
                first_load(self, tx)
                tx.execute("INSERT INTO qpa_meta (key, value) VALUES (?, ?)",
                           (_META_SEEDED, now_iso()))
        return self

    def version_key(self) -> str:
        """Text that changes whenever a layer, a quota or the elevation model changes
        (on any app server), for the pages' caches."""
        with self.snapshot() as tx:
            layers = tx.all("SELECT layer_id, version FROM layer_current ORDER BY layer_id")
            quotas = tx.one("SELECT COUNT(*), COALESCE(SUM(row_version), 0) FROM quotas")
            dem = tx.one("SELECT MAX(version) FROM dem_versions")
        assert quotas is not None and dem is not None  # aggregates give one row
        return f"{self.kind}:{layers}:{tuple(quotas)}:dem{dem[0]}"

    # -- layers ---------------------------------------------------------------
    def layer_ids(self) -> list[str]:
        """Ids of the layers that have a current version, sorted."""
        with self.transaction() as tx:
            return sorted(r[0] for r in tx.all("SELECT layer_id FROM layer_current"))

    def current_version(self, layer_id: str) -> int | None:
        """The current version number of ``layer_id`` (None if never stored)."""
        with self.snapshot() as tx:
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
        return [LayerVersion(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                             None if r[9] is None else int(r[9]), current=int(r[1]) == current)
                for r in rows]

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
        with self.transaction() as tx:
            return self.add_layer_version(tx, layer_id, frame, user=user, action=action,
                                          source=source, source_date=source_date, note=note)

    def add_layer_version(self, tx: Tx, layer_id: str, frame: gpd.GeoDataFrame, *,
                          user: User, action: str, source: str, source_date: str,
                          note: str = "") -> LayerVersion:
        """Inside ``tx``: write ``frame`` (EPSG:4326) as the next, current version."""
        geom_col = frame.geometry.name
        attrs = pd.DataFrame(frame.drop(columns=geom_col))
        columns = column_kinds(attrs)
        wkbs = shapely.to_wkb(frame.geometry.values, output_dimension=2, byte_order=1)
        version = self._next_version(tx, layer_id)
        rows = [(layer_id, version, i, dumps({k: plain(v) for k, v in rec.items()}),
                 self._encode_geom(bytes(w)))
                for i, (rec, w) in enumerate(zip(attrs.to_dict("records"), wkbs))]
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
        assert row is not None  # an aggregate gives one row
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

    # -- elevation models -------------------------------------------------------
    # A DEM is kept as the bytes of its Cloud-Optimised GeoTIFF (tiled, deflate,
    # with overviews) in ``dem_chunks`` rows of DEM_CHUNK_BYTES, not as PostGIS
    # raster tiles: the same two tables work on SQLite and PostgreSQL (no
    # postgis_raster extension needed), the file an app server rebuilds from the
    # chunks is byte for byte the one GDAL wrote (overviews included, checked by
    # sha256), and chunking keeps memory bounded when writing and reading.
    _DEM_COLS = ("version, created_at, created_by, action, source, note, restored_from, "
                 "west, south, east, north, n_rows, n_cols, cell_m, n_bytes, sha256")

    @staticmethod
    def _dem_row(row: tuple[Any, ...]) -> StoredDem:
        return StoredDem(int(row[0]), row[1], row[2], row[3], row[4] or "", row[5] or "",
                         None if row[6] is None else int(row[6]),
                         (float(row[7]), float(row[8]), float(row[9]), float(row[10])),
                         (int(row[11]), int(row[12])),
                         float(row[13] or 0.0), int(row[14]), row[15])

    def dems(self) -> list[StoredDem]:
        """Every stored elevation model, oldest first (the newest is in use)."""
        with self.transaction() as tx:
            rows = tx.all(f"SELECT {self._DEM_COLS} FROM dem_versions ORDER BY version")
        return [self._dem_row(r) for r in rows]

    def current_dem(self) -> StoredDem | None:
        """The elevation model in use (the newest version), or None: the bundled one."""
        with self.snapshot() as tx:
            row = tx.one(f"SELECT {self._DEM_COLS} FROM dem_versions "
                         "ORDER BY version DESC LIMIT 1")
        return None if row is None else self._dem_row(row)

    def dem_chunks(self, version: int) -> Iterator[bytes]:
        """The GeoTIFF bytes of ``version``, one chunk per query (versions never change)."""
        seq = 0
        while True:
            with self.transaction() as tx:
                row = tx.one("SELECT data FROM dem_chunks WHERE version = ? AND seq = ?",
                             (int(version), seq))
            if row is None:
                return
            yield bytes(row[0])
            seq += 1

    def add_dem(self, chunks: Iterable[bytes], *, user: User, action: str, source: str,
                note: str, bounds: Sequence[float], shape: Sequence[int], cell_m: float,
                n_bytes: int, sha256: str, restored_from: int | None = None,
                created_at: str | None = None, created_by: str | None = None) -> StoredDem:
        """Store a GeoTIFF (given as chunks) as the next, current DEM version; all or nothing.

        ``created_at`` / ``created_by`` keep the record of a migrated file-based
        version; otherwise now and ``user``.

        Raises
        ------
        PermissionDenied
            ``user`` is not an official.
        """
        require_official(user, "store a DEM")
        with self.transaction() as tx:
            self._lock(tx, "dem")
            row = tx.one("SELECT MAX(version) FROM dem_versions")
            assert row is not None  # an aggregate gives one row
            version = int(row[0] or 0) + 1
            for seq, chunk in enumerate(chunks):
                tx.execute("INSERT INTO dem_chunks (version, seq, data) VALUES (?, ?, ?)",
                           (version, seq, bytes(chunk)))
            return self._add_dem_record(tx, version, user, action, source, note, restored_from,
                                        bounds, shape, cell_m, n_bytes, sha256,
                                        created_at, created_by)

    def copy_dem(self, version: int, *, user: User, note: str = "") -> StoredDem:
        """Make a copy of DEM ``version`` the new current version (copied inside the
        database, history kept).

        Raises
        ------
        PermissionDenied
            ``user`` is not an official.
        StoreError
            No such version (key ``dem.err.no_version``).
        """
        require_official(user, "restore a DEM")
        with self.transaction() as tx:
            self._lock(tx, "dem")
            old = tx.one(f"SELECT {self._DEM_COLS} FROM dem_versions WHERE version = ?",
                         (int(version),))
            if old is None:
                known = [int(r[0]) for r in tx.all("SELECT version FROM dem_versions "
                                                   "ORDER BY version")]
                raise StoreError(f"DEM version was {version} but is expected to be one of "
                                 f"{known}", key="dem.err.no_version", version=version)
            src = self._dem_row(old)
            top = tx.one("SELECT MAX(version) FROM dem_versions")
            assert top is not None  # an aggregate gives one row
            new = int(top[0]) + 1
            tx.execute("INSERT INTO dem_chunks (version, seq, data) SELECT ?, seq, data "
                       "FROM dem_chunks WHERE version = ?", (new, src.version))
            return self._add_dem_record(tx, new, user, "restore",
                                        f"restored from v{src.version} ({src.source})", note,
                                        src.version, src.bounds, src.shape, src.cell_m,
                                        src.n_bytes, src.sha256, None, None)

    def _add_dem_record(self, tx: Tx, version: int, user: User, action: str, source: str,
                        note: str, restored_from: int | None, bounds: Sequence[float],
                        shape: Sequence[int], cell_m: float, n_bytes: int, sha256: str,
                        created_at: str | None, created_by: str | None) -> StoredDem:
        at = created_at or now_iso()
        by = created_by or user.username
        values = (version, at, by, action, source, note, restored_from,
                  *[float(b) for b in bounds], int(shape[0]), int(shape[1]), float(cell_m),
                  int(n_bytes), sha256)
        tx.execute(f"INSERT INTO dem_versions ({self._DEM_COLS}) "
                   f"VALUES ({', '.join('?' for _ in values)})", values)
        tx.execute("INSERT INTO events (at, username, action, detail) VALUES (?, ?, ?, ?)",
                   (now_iso(), user.username, f"dem_{action}",
                    dumps({"version": version, "source": source, "bounds": list(bounds),
                           "cell_m": cell_m, "restored_from": restored_from})))
        return self._dem_row(values)

    # -- events -----------------------------------------------------------------
    def log_event(self, user: User, action: str, detail: dict[str, Any] | None = None) -> None:
        """Append an event (login, logout, export...) to the event log."""
        with self.transaction() as tx:
            tx.execute("INSERT INTO events (at, username, action, detail) VALUES (?, ?, ?, ?)",
                       (now_iso(), user.username, action, dumps(detail or {})))

    def events(self, limit: int = 500) -> pd.DataFrame:
        """The latest events, newest first."""
        with self.transaction() as tx:
            return tx.frame("SELECT id, at, username, action, detail FROM events "
                            "ORDER BY id DESC LIMIT ?", (int(limit),))


def store_location(url_or_path: str | os.PathLike[str] | None = None) -> str:
    """What :func:`open_store` would open: a ``postgresql://`` URL or a file path."""
    if url_or_path:
        return str(url_or_path)
    url = os.environ.get("QPA_DATABASE_URL", "").strip()
    if url:
        return url
    from ..bundle import data_dir

    return str(data_dir() / STORE_FILE)


def connect(url_or_path: str | os.PathLike[str] | None = None, *, schema: str | None = None,
            first_load: FirstLoad | None = None) -> Store:
    """Open the store and create its tables (running ``first_load`` once, on a new store).

    The app opens its store with :func:`geo.seed.open_store`, which passes the
    bundle loader; this function alone leaves a new store empty.

    Parameters
    ----------
    url_or_path : str or path, optional
        ``postgresql://user:pw@host:port/db`` for PostGIS, or a file path for
        the embedded store. Default: ``$QPA_DATABASE_URL`` if set, else
        ``$QPA_DATA_DIR/qpa_store.gpkg`` (``var/`` when unset).
    schema : str, optional
        PostgreSQL schema (default ``$QPA_DATABASE_SCHEMA`` or ``qpa``).
    first_load : callable, optional
        ``first_load(store, tx)``, run once inside the creating transaction.
    """
    where = store_location(url_or_path)
    if where.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        from .postgis import PostGISStore

        store: Store = PostGISStore(where, schema=schema)
    else:
        from .gpkg import GpkgStore

        store = GpkgStore(Path(where))
    return store.init(first_load)
