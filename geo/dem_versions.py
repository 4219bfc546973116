"""Imported elevation models, kept as numbered versions under the data directory.

The bundled DEM (0.2°, ~20 km) is the overview; an official imports a finer
GeoTIFF (SRTM, Copernicus 30 m) for site-level slope. Each import is a new
version ``<data dir>/dem/v<N>.tif`` beside a ``v<N>.json`` that says who, when,
from which file, and the grid; the highest version is the one in use, earlier
ones are kept, and restoring one (or the bundled DEM) copies it as a new
version, so nothing is overwritten. Only officials import or restore
(:func:`geo.auth.require_official`), and each change is an event in the store's
log when a store is given. No Streamlit here.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import bundle
from .auth import require_official
from .dem import cell_size_m, import_dem, read_dem

__all__ = ["DemVersion", "dem_dir", "dem_versions", "current_dem_path", "import_user_dem",
           "restore_dem"]

_VERSION = re.compile(r"^v(\d+)\.tif$")
_LEGACY = "user_dem.tif"  # single-file DEM import of earlier releases


@dataclass(frozen=True)
class DemVersion:
    """One imported DEM: its number, file and the record kept with it."""

    version: int
    path: Path
    created_at: str
    created_by: str
    source: str
    note: str
    bounds: tuple[float, float, float, float]  # (west, south, east, north)
    shape: tuple[int, int]  # (rows, columns)
    cell_m: float  # mean cell size in metres


def dem_dir(data_dir: Path) -> Path:
    """Where imported DEMs live (created on use)."""
    return Path(data_dir) / "dem"


def _load(path: Path) -> DemVersion:
    """The version stored at ``path`` (``v<N>.tif``) with its record ``v<N>.json``."""
    side = path.with_suffix(".json")
    meta = json.loads(side.read_text(encoding="utf-8")) if side.exists() else {}
    return DemVersion(int(_VERSION.match(path.name).group(1)), path, meta.get("created_at", ""),
                      meta.get("created_by", ""), meta.get("source", ""), meta.get("note", ""),
                      tuple(meta.get("bounds", (0, 0, 0, 0))), tuple(meta.get("shape", (0, 0))),
                      float(meta.get("cell_m", 0.0)))


def dem_versions(data_dir: Path) -> list[DemVersion]:
    """Every imported DEM, oldest first."""
    folder = dem_dir(data_dir)
    paths = [p for p in folder.glob("v*.tif") if _VERSION.match(p.name)] if folder.exists() else []
    return sorted((_load(p) for p in paths), key=lambda v: v.version)


def current_dem_path(data_dir: Path) -> Path:
    """The DEM in use: the newest imported version, else the bundled overview."""
    versions = dem_versions(data_dir)
    if versions:
        return versions[-1].path
    legacy = dem_dir(data_dir) / _LEGACY
    return legacy if legacy.exists() else bundle.DEM_PATH


def _reserve(data_dir: Path) -> tuple[int, Path]:
    """The next version number and its file, reserved by creating its record exclusively,
    so two officials importing at once never write the same version."""
    folder = dem_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    taken = [int(m.group(1)) for p in folder.iterdir()
             if (m := re.match(r"^v(\d+)\.(tif|json)$", p.name))]
    number = max(taken, default=0) + 1
    while True:
        try:
            with open(folder / f"v{number}.json", "x", encoding="utf-8") as fh:
                fh.write("{}")
            return number, folder / f"v{number}.tif"
        except FileExistsError:
            number += 1


def _release(path: Path) -> None:
    for p in (path, path.with_suffix(".json"), path.with_suffix(".tmp.tif")):
        p.unlink(missing_ok=True)


def _write_meta(path: Path, user, source: str, note: str) -> DemVersion:
    dem = read_dem(path)
    cx, cy = cell_size_m(dem)
    meta = {
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "created_by": user.username, "source": source, "note": note,
        "bounds": [round(float(b), 6) for b in dem.bounds], "shape": list(dem.elev.shape),
        "cell_m": round((cx + cy) / 2.0, 1),
    }
    path.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    return _load(path)


def import_user_dem(user, data: bytes, data_dir: Path, *, source: str = "", note: str = "",
                    store=None) -> DemVersion:
    """Validate and reproject an uploaded GeoTIFF (:func:`geo.dem.import_dem`) as a new version.

    Raises :class:`geo.auth.PermissionDenied` for a viewer and
    :class:`geo.dem.DemError` for a file that cannot be used; in both cases no
    file under the data directory changes.
    """
    user = require_official(user, "import a DEM")
    number, path = _reserve(data_dir)
    try:
        import_dem(data, path)  # validates, writes a temporary file, renames it
        version = _write_meta(path, user, source or "upload", note)
    except BaseException:
        _release(path)
        raise
    if store is not None:
        store.log_event(user, "dem_import", {"version": number, "source": version.source,
                                             "bounds": list(version.bounds),
                                             "cell_m": version.cell_m})
    return version


def restore_dem(user, data_dir: Path, version: int | None, *, note: str = "",
                store=None) -> DemVersion:
    """Make an earlier version (or, with ``version=None``, the bundled DEM) current again,
    as a new version copied from it; nothing is deleted."""
    user = require_official(user, "restore a DEM")
    if version is None:
        src, source = bundle.DEM_PATH, "bundled overview DEM"
    else:
        found = [v for v in dem_versions(data_dir) if v.version == int(version)]
        if not found:
            raise ValueError(f"DEM version was {version} but is expected to be one of "
                             f"{[v.version for v in dem_versions(data_dir)]}")
        src, source = found[0].path, f"restored from v{version} ({found[0].source})"
    number, path = _reserve(data_dir)
    try:
        tmp = path.with_suffix(".tmp.tif")
        shutil.copyfile(src, tmp)
        tmp.replace(path)
        restored = _write_meta(path, user, source, note)
    except BaseException:
        _release(path)
        raise
    if store is not None:
        store.log_event(user, "dem_restore", {"version": number, "from": version})
    return restored
