"""The embedded store: one SQLite file that is also a GeoPackage.

Feature geometries are GeoPackage blobs (``GP`` header + little-endian WKB,
EPSG:4326) in ``layer_features``, registered in ``gpkg_contents`` and
``gpkg_geometry_columns``, so the file opens in QGIS/GDAL (every version of
every layer in one table; ``layer_id`` and ``version`` say which).

Every transaction opens its own connection and starts with
``BEGIN IMMEDIATE``: a writer takes the database's write lock before it reads,
so two concurrent read-modify-write transactions run one after the other and
no update is lost. The file is in WAL mode, so readers never wait: a read-only
:meth:`~geo.store.Store.snapshot` starts with a plain ``BEGIN`` (one consistent
snapshot, no write lock), so the reads every page run makes (the store's version
key) do not queue behind each other and behind writers.

A SQLite failure (``database or disk is full``, an I/O error, a lock held
past the busy timeout) rolls the transaction back, so nothing stored before
changes, and is raised as :class:`~geo.store.StoreError` with a key saying
which (``store.err.full``, ``store.err.busy``, ``store.err.database``).
"""
from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import Store, StoreError, Tx

__all__ = ["GpkgStore", "gpkg_blob", "wkb_from_gpkg"]

_GPKG_APPLICATION_ID = 0x47504B47  # 'GPKG'
_GPKG_USER_VERSION = 10400
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_BUSY_TIMEOUT_S = 60.0


def gpkg_blob(wkb: bytes, srs_id: int = 4326) -> bytes:
    """GeoPackage geometry blob: header (no envelope, little-endian) + WKB."""
    return b"GP\x00\x01" + struct.pack("<i", srs_id) + wkb


def wkb_from_gpkg(blob: bytes) -> bytes:
    """The WKB inside a GeoPackage geometry blob (plain WKB is returned as is)."""
    blob = bytes(blob)
    if blob[:2] != b"GP":
        return blob
    envelope = _ENVELOPE_BYTES.get((blob[3] >> 1) & 0x07)
    if envelope is None:
        raise StoreError("bad GeoPackage geometry header", key="store.err.generic")
    return blob[8 + envelope:]


def _store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """The project's error for a SQLite failure; the key says which kind."""
    text = str(exc)
    code = getattr(exc, "sqlite_errorname", "")
    if code == "SQLITE_FULL" or "disk is full" in text:
        key = "store.err.full"
    elif code in ("SQLITE_BUSY", "SQLITE_LOCKED") or "locked" in text:
        key = "store.err.busy"
    else:
        key = "store.err.database"
    return StoreError(f"{path}: {exc.__class__.__name__}: {text}", key=key)


class GpkgStore(Store):
    """The store in a local SQLite/GeoPackage file.

    Parameters
    ----------
    path : Path
        The file; its directory is created if needed.
    """

    kind = "gpkg"
    for_update = ""
    _types = {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "real": "REAL", "geom": "BLOB",
              "blob": "BLOB", "bigint": "INTEGER"}
    _geom_in = "?"
    _geom_out = "geom"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = self._connect()
            try:
                conn.execute("PRAGMA journal_mode=WAL")
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None

    @property
    def location(self) -> str:
        return str(self.path)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self._begin("BEGIN IMMEDIATE") as tx:
            yield tx

    @contextmanager
    def snapshot(self) -> Iterator[Tx]:
        with self._begin("BEGIN") as tx:
            yield tx

    @contextmanager
    def _begin(self, begin: str) -> Iterator[Tx]:
        try:
            conn = self._connect()
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None
        try:
            try:
                conn.execute(begin)
                yield Tx(conn, "qmark")
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise _store_error(exc, self.path) from None
                raise
        finally:
            conn.close()

    def _encode_geom(self, wkb: bytes) -> bytes:
        return gpkg_blob(wkb)

    def _decode_geom(self, value: bytes) -> bytes:
        return wkb_from_gpkg(value)

    def _create_backend_tables(self, tx: Tx) -> None:
        tx.execute(f"PRAGMA application_id = {_GPKG_APPLICATION_ID}")
        tx.execute(f"PRAGMA user_version = {_GPKG_USER_VERSION}")
        tx.execute("""CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
            srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
            organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
            description TEXT)""")
        tx.execute("""CREATE TABLE IF NOT EXISTS gpkg_contents (
            table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
            identifier TEXT UNIQUE, description TEXT DEFAULT '',
            last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
            CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""")
        tx.execute("""CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
            table_name TEXT NOT NULL, column_name TEXT NOT NULL,
            geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
            z TINYINT NOT NULL, m TINYINT NOT NULL,
            CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name))""")
        wgs84 = ('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
                 'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]')
        tx.many("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", [
            ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", ""),
            ("Undefined geographic SRS", 0, "NONE", 0, "undefined", ""),
            ("WGS 84 geodetic", 4326, "EPSG", 4326, wgs84, "longitude/latitude"),
        ])
        tx.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
                   "description, min_x, min_y, max_x, max_y, srs_id) VALUES "
                   "('layer_features', 'features', 'layer_features', "
                   "'every version of every atlas layer', 89.0, 31.0, 104.0, 40.0, 4326)")
        tx.execute("INSERT OR IGNORE INTO gpkg_geometry_columns VALUES "
                   "('layer_features', 'geom', 'GEOMETRY', 4326, 0, 0)")
