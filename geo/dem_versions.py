"""Imported elevation models, kept in the store as numbered versions.

The bundled DEM (0.2°, ~20 km) is the overview; an official imports a finer
GeoTIFF (SRTM, Copernicus 30 m) for site-level slope. Each import is
reprojected window by window into a Cloud-Optimised GeoTIFF with overviews
(:func:`geo.dem.import_dem`) and stored as a new version in the store
(:meth:`geo.store.Store.add_dem`: the file's bytes in chunks, with who, when,
from which file, and the grid), so every app server on one database sees the
same terrain. The highest version is the one in use; earlier ones are kept, and
restoring one (or the bundled DEM) stores it again as a new version, so nothing
is overwritten. Only officials import or restore
(:func:`geo.auth.require_official`); each change is an event in the store's log.

Each app server keeps a local copy of the versions it reads under
``<data dir>/dem_cache/`` (named by version and checksum, rebuilt from the store
when missing; at most :data:`CACHE_KEEP` files, the oldest dropped first, never
the one in use), because GDAL reads windows and overviews from a file.

DEMs of earlier releases, files ``<data dir>/dem/v<N>.tif`` (+ ``v<N>.json``)
or ``dem/user_dem.tif``, are moved into the store on first use
(:func:`migrate_file_dems`), oldest first, keeping their records; the files are
then moved to ``dem/migrated/``. No Streamlit here.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rasterio

from . import bundle
from .auth import SYSTEM, User, require_official
from .dem import DemError, dem_info, import_dem, write_cog
from .store import DEM_CHUNK_BYTES, Store, StoredDem

__all__ = ["CACHE_KEEP", "DemVersion", "dem_cache_dir", "dem_versions", "current_dem_path",
           "imported_dem_path",
           "import_user_dem", "restore_dem", "migrate_file_dems"]

#: Local copies of stored DEMs kept per app server (the one in use is never dropped).
CACHE_KEEP = 4
_FILE_VERSION = re.compile(r"^v(\d+)\.tif$")
_LEGACY = "user_dem.tif"  # single-file DEM import of the first releases


@dataclass(frozen=True)
class DemVersion:
    """One stored DEM: its number, its local copy's path and its record."""

    version: int
    path: Path
    created_at: str
    created_by: str
    source: str
    note: str
    bounds: tuple[float, float, float, float]  # (west, south, east, north)
    shape: tuple[int, int]  # (rows, columns)
    cell_m: float  # mean cell size in metres
    action: str = "import"  # 'import', 'restore' or 'migrate'
    restored_from: int | None = None


def dem_cache_dir(data_dir: Path) -> Path:
    """Where this app server keeps local copies of stored DEMs."""
    return Path(data_dir) / "dem_cache"


def _cache_path(data_dir: Path, rec: StoredDem) -> Path:
    return dem_cache_dir(data_dir) / f"v{rec.version}-{rec.sha256[:16]}.tif"


def _version(data_dir: Path, rec: StoredDem) -> DemVersion:
    return DemVersion(rec.version, _cache_path(data_dir, rec), rec.created_at, rec.created_by,
                      rec.source, rec.note, rec.bounds, rec.shape, rec.cell_m, rec.action,
                      rec.restored_from)


def dem_versions(data_dir: Path, store: Store) -> list[DemVersion]:
    """Every stored DEM, oldest first (moving file-based DEMs of earlier releases in first)."""
    migrate_file_dems(data_dir, store)
    return [_version(data_dir, rec) for rec in store.dems()]


def current_dem_path(data_dir: Path, store: Store) -> Path:
    """A local file of the DEM in use: the newest stored version (copied from the store
    on first use on this server), else the bundled overview."""
    migrate_file_dems(data_dir, store)
    rec = store.current_dem()
    return bundle.DEM_PATH if rec is None else _materialise(data_dir, store, rec)


def imported_dem_path(data_dir: Path, store: Store) -> Path | None:
    """A local file of the imported DEM in use, which refines the bundled overview where it
    covers a site (the terrain check) and is drawn over it (the atlas); None while no DEM is
    stored or when the current version is the bundled overview itself (restored: same bytes)."""
    migrate_file_dems(data_dir, store)
    rec = store.current_dem()
    if rec is None or rec.sha256 == _checksum(bundle.DEM_PATH)[0]:
        return None
    return _materialise(data_dir, store, rec)


def _materialise(data_dir: Path, store: Store, rec: StoredDem) -> Path:
    """The local copy of ``rec``, written from the store's chunks when missing."""
    path = _cache_path(data_dir, rec)
    if path.exists():  # left untouched: pages key their caches on the file's mtime
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f"{path.stem}.{uuid.uuid4().hex}.part")
    digest = hashlib.sha256()
    try:
        with open(part, "wb") as fh:
            for chunk in store.dem_chunks(rec.version):
                digest.update(chunk)
                fh.write(chunk)
        if digest.hexdigest() != rec.sha256:
            raise DemError(f"stored DEM v{rec.version} does not match its checksum",
                           key="dem.err.write", reason="checksum")
        os.replace(part, path)
    except OSError as exc:
        raise DemError(f"cannot write the local copy of DEM v{rec.version}: {exc}",
                       key="dem.err.write", reason=exc.strerror or str(exc)) from exc
    finally:
        part.unlink(missing_ok=True)
    _evict(path.parent, keep=path)
    return path


def _evict(folder: Path, keep: Path) -> None:
    """Drop the oldest local copies beyond :data:`CACHE_KEEP`, never ``keep`` (the one in use:
    only the current version is copied from the store, so older copies are not in use)."""
    copies = []
    for p in folder.glob("v*-*.tif"):
        try:
            copies.append((p.stat().st_mtime, p))
        except FileNotFoundError:  # dropped meanwhile by another session
            continue
    copies.sort(reverse=True)
    for _, old in [c for c in copies if c[1] != keep][CACHE_KEEP - 1:]:
        old.unlink(missing_ok=True)


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while chunk := fh.read(DEM_CHUNK_BYTES):
            yield chunk


def _checksum(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in _file_chunks(path):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _store_file(store: Store, data_dir: Path, path: Path, user: User, **record: Any) -> DemVersion:
    """Store the GeoTIFF at ``path`` as the next version and keep it as the local copy."""
    info = dem_info(path)
    sha, size = _checksum(path)
    rec = store.add_dem(_file_chunks(path), user=user, bounds=info.bounds, shape=info.shape,
                        cell_m=info.cell_m, n_bytes=size, sha256=sha, **record)
    local = _cache_path(data_dir, rec)
    if path.parent == local.parent:
        os.replace(path, local)
        _evict(local.parent, keep=local)
    return _version(data_dir, rec)


def import_user_dem(user: object, data: bytes, data_dir: Path, *, store: Store, source: str = "",
                    note: str = "") -> DemVersion:
    """Validate and reproject an uploaded GeoTIFF (:func:`geo.dem.import_dem`) and store it
    as a new version.

    Raises :class:`geo.auth.PermissionDenied` for a viewer,
    :class:`geo.dem.DemError` for a file that cannot be used and
    :class:`geo.store.StoreError` when the store cannot take it (full disk...);
    in every case the stored versions are unchanged.
    """
    user = require_official(user, "import a DEM")
    work = dem_cache_dir(data_dir) / f"incoming-{uuid.uuid4().hex}.tif"
    try:
        import_dem(data, work)  # validates; writes the COG a window at a time
        return _store_file(store, data_dir, work, user, action="import",
                           source=source or "upload", note=note)
    finally:
        work.unlink(missing_ok=True)


def restore_dem(user: object, data_dir: Path, version: int | None, *, store: Store,
                note: str = "") -> DemVersion:
    """Make an earlier version (or, with ``version=None``, the bundled DEM) current again,
    as a new version copied from it; nothing is deleted.

    Raises :class:`geo.auth.PermissionDenied` for a viewer and
    :class:`geo.store.StoreError` (key ``dem.err.no_version``) for an unknown version.
    """
    user = require_official(user, "restore a DEM")
    if version is not None:
        return _version(data_dir, store.copy_dem(int(version), user=user, note=note))
    return _store_file(store, data_dir, bundle.DEM_PATH, user, action="restore",
                       source="bundled overview DEM", note=note)


def migrate_file_dems(data_dir: Path, store: Store) -> list[DemVersion]:
    """Move DEM files of earlier releases (``dem/user_dem.tif``, ``dem/v<N>.tif``) into the
    store, oldest first, keeping who/when/source/note; returns the versions made.

    Each file is claimed by renaming it (``.migrating``), so two sessions never
    store it twice; once stored it is moved to ``dem/migrated/``. A file that
    cannot be read stays claimed (rename it back to retry).
    """
    folder = Path(data_dir) / "dem"
    if not folder.is_dir():
        return []
    files = sorted((int(m.group(1)), p) for p in folder.iterdir()
                   if (m := _FILE_VERSION.match(p.name)))
    legacy = folder / _LEGACY
    todo = ([(0, legacy)] if legacy.exists() else []) + files
    made = []
    for _, path in todo:
        claimed = path.with_name(path.name + ".migrating")
        try:
            os.rename(path, claimed)
        except FileNotFoundError:  # another session took it
            continue
        side = path.with_suffix(".json")
        meta = json.loads(side.read_text(encoding="utf-8")) if side.exists() else {}
        cog = dem_cache_dir(data_dir) / f"incoming-{uuid.uuid4().hex}.tif"
        try:
            with rasterio.open(claimed) as src:
                write_cog(src, cog)  # adds overviews to files written before they were kept
            made.append(_store_file(
                store, data_dir, cog, SYSTEM, action="migrate",
                source=meta.get("source") or path.name,
                note=f"{path.name}: {meta.get('note', '')}".rstrip(": "),
                created_at=meta.get("created_at") or None,
                created_by=meta.get("created_by") or None))
        finally:
            cog.unlink(missing_ok=True)
        done = folder / "migrated"
        done.mkdir(exist_ok=True)
        os.replace(claimed, done / path.name)
        if side.exists():
            os.replace(side, done / side.name)
    return made
