"""Digital elevation model: reading, hillshade, slope, and importing a GeoTIFF.

The bundled DEM is a 0.2 degree (~20 km) overview. A finer GeoTIFF (SRTM,
Copernicus) can be imported; it is reprojected to EPSG:4326 window by window
and written as a Cloud-Optimised GeoTIFF with overviews (:func:`import_dem`),
so memory stays bounded whatever the grid size, and a map reads only the
resolution it displays (:func:`read_dem` with ``max_size``). Slopes are
computed with cell sizes converted to metres at each row's latitude, so a
degree grid gives true slopes.

A grid larger than the machine can hold (:func:`max_dem_cells`) is refused
from its header, before any cell is read (:func:`check_grid`).
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import rasterio.shutil
from rasterio.io import DatasetReader, MemoryFile
from rasterio.transform import Affine
from rasterio.vrt import WarpedVRT
from rasterio.warp import Resampling, calculate_default_transform
from rasterio.windows import Window

from .errors import QPAError
from .geodesy import metres_per_degree

__all__ = [
    "QINGHAI_BBOX",
    "Dem",
    "DemError",
    "DemInfo",
    "check_dem_size",
    "max_dem_cells",
    "check_grid",
    "read_dem",
    "slope_degrees",
    "hillshade",
    "cell_size_m",
    "import_dem",
    "write_cog",
    "dem_info",
]

#: (west, south, east, north) of Qinghai with a margin, degrees.
#: (west, south, east, north) in degrees.
Bbox = tuple[float, float, float, float]
QINGHAI_BBOX: Bbox = (89.3, 31.5, 103.2, 39.3)
MAX_DEM_BYTES = 200 * 1024 * 1024
#: Cells of the largest grid accepted, whatever the machine (150 M: ~1.1 GB as float64).
DEFAULT_MAX_CELLS = 150_000_000
#: float64 grids held at once when slope or hillshade is computed on a whole DEM.
_WORKING_GRIDS = 8
_BLOCK = 512  # tile size of the stored GeoTIFF and of the import windows


class DemError(QPAError):
    """An elevation file that cannot be used: ``key`` (``dem.err.*``) says why, in the
    user's language; the English message is for logs."""

    key = "err.dem_upload"


@dataclass
class Dem:
    """Elevation grid in EPSG:4326; ``elev`` is float with NaN for no data."""

    elev: np.ndarray
    transform: Affine
    tags: dict[str, Any]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees."""
        h, w = self.elev.shape
        west, north = self.transform @ (0, 0)
        east, south = self.transform @ (w, h)
        return (west, south, east, north)

    def sample(self, lon: float, lat: float) -> float:
        """Elevation at (lon, lat), NaN outside the grid."""
        col, row = ~self.transform @ (lon, lat)
        r, c = int(np.floor(row)), int(np.floor(col))
        if 0 <= r < self.elev.shape[0] and 0 <= c < self.elev.shape[1]:
            return float(self.elev[r, c])
        return float("nan")


@dataclass(frozen=True)
class DemInfo:
    """What an import wrote: the grid's (west, south, east, north), (rows, columns) and
    mean cell size in metres, from the header (no cell is read)."""

    bounds: tuple[float, float, float, float]
    shape: tuple[int, int]
    cell_m: float


def max_dem_cells() -> int:
    """Cells of the largest DEM this machine takes: ``$QPA_DEM_MAX_CELLS`` if set, else
    the smaller of :data:`DEFAULT_MAX_CELLS` and what fits in physical memory when a
    slope is computed on the whole grid (eight float64 grids)."""
    configured = os.environ.get("QPA_DEM_MAX_CELLS", "").strip()
    if configured:
        return int(configured)
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not a POSIX system
        return DEFAULT_MAX_CELLS
    return int(min(DEFAULT_MAX_CELLS, memory // (8 * _WORKING_GRIDS)))


def check_grid(rows: int, cols: int) -> None:
    """Refuse a grid of ``rows`` × ``cols`` cells larger than :func:`max_dem_cells`.

    Raises
    ------
    DemError
        Key ``dem.err.too_many_cells``, with the grid and the limit in GB of float64.
    """
    limit = max_dem_cells()
    if rows * cols > limit:
        gb, limit_gb = rows * cols * 8 / 2**30, limit * 8 / 2**30
        raise DemError(f"the DEM has {rows} x {cols} cells ({gb:.1f} GB as float64); this "
                       f"machine takes at most {limit:,} cells ({limit_gb:.1f} GB)",
                       key="dem.err.too_many_cells", rows=rows, cols=cols, gb=gb,
                       limit_gb=limit_gb)


def read_dem(path: Path, max_size: int | None = None) -> Dem:
    """Read band 1 of a GeoTIFF in EPSG:4326 as a :class:`Dem`.

    Parameters
    ----------
    path : Path
    max_size : int, optional
        Longest side, in cells, of the grid returned: a larger file is read
        decimated (averaged; GDAL uses the file's overviews), the bounds
        unchanged. Without it the whole grid is read, after :func:`check_grid`.
    """
    with rasterio.open(path) as src:
        if src.crs is None or src.crs.to_epsg() != 4326:
            raise DemError(f"{path} is not in EPSG:4326 (got {src.crs}); import it first")
        rows, cols = src.height, src.width
        if max_size is not None and max(rows, cols) > max_size:
            scale = max_size / max(rows, cols)
            out_rows, out_cols = max(1, round(rows * scale)), max(1, round(cols * scale))
            elev = src.read(1, out_shape=(out_rows, out_cols), masked=True,
                            resampling=Resampling.average)
            transform = src.transform @ Affine.scale(cols / out_cols, rows / out_rows)
        else:
            check_grid(rows, cols)
            elev, transform = src.read(1, masked=True), src.transform
        return Dem(elev=elev.astype("float64").filled(np.nan), transform=transform,
                   tags=src.tags())


def cell_size_m(dem: Dem) -> tuple[float, float]:
    """Cell width and height in metres at the grid's centre latitude."""
    west, south, east, north = dem.bounds
    mx, my = metres_per_degree((south + north) / 2)
    return abs(dem.transform.a) * mx, abs(dem.transform.e) * my


def _gradients(dem: Dem) -> tuple[np.ndarray, np.ndarray]:
    """dz/dx (east) and dz/dy (north) in m/m, per-row metre spacing."""
    h, _ = dem.elev.shape
    lats = dem.transform.f + dem.transform.e * (np.arange(h) + 0.5)
    mx = np.array([metres_per_degree(lat)[0] for lat in lats])
    my = metres_per_degree(float(np.mean(lats)))[1]
    dx = abs(dem.transform.a) * mx[:, None]
    dy = abs(dem.transform.e) * my
    dz_drow, dz_dcol = np.gradient(dem.elev)
    # rows run north to south when transform.e < 0
    dz_dnorth = -dz_drow / dy if dem.transform.e < 0 else dz_drow / dy
    return dz_dcol / dx, dz_dnorth


def slope_degrees(dem: Dem) -> np.ndarray:
    """Slope of every cell in degrees (NaN where elevation is missing)."""
    gx, gy = _gradients(dem)
    slope: np.ndarray = np.degrees(np.arctan(np.hypot(gx, gy)))
    return slope


def hillshade(dem: Dem, azimuth: float = 315.0, altitude: float = 45.0,
              z_factor: float = 1.0) -> np.ndarray:
    """Hillshade in [0, 1] (NaN where elevation is missing)."""
    gx, gy = _gradients(dem)
    gx, gy = gx * z_factor, gy * z_factor
    slope = np.arctan(np.hypot(gx, gy))
    aspect = np.arctan2(-gx, -gy)  # direction the surface faces, from north
    az, alt = np.radians(azimuth), np.radians(altitude)
    shade = np.sin(alt) * np.cos(slope) + np.cos(alt) * np.sin(slope) * np.cos(az - aspect)
    clipped: np.ndarray = np.clip(shade, 0.0, 1.0)
    return clipped


def check_dem_size(size: int) -> None:
    """Refuse an elevation file of ``size`` bytes over :data:`MAX_DEM_BYTES` (before it is
    read, where the caller knows the size first)."""
    if size > MAX_DEM_BYTES:
        raise DemError(f"file is {size / 2**20:.0f} MB; the limit is {MAX_DEM_BYTES // 2**20} MB",
                       key="dem.err.too_big", mb=round(size / 2**20),
                       limit=MAX_DEM_BYTES // 2**20)


def import_dem(data: bytes, out_path: Path, bbox: Bbox = QINGHAI_BBOX) -> DemInfo:
    """Validate an uploaded GeoTIFF, reproject it to EPSG:4326 and save it as a
    Cloud-Optimised GeoTIFF (float32, NaN for no data, 512-cell tiles, overviews).

    The output grid is worked out from the header and refused when too large
    (:func:`check_grid`) before any cell is read; cells are then warped and
    written one 512 × 512 window at a time, so memory does not grow with the grid.

    Raises
    ------
    DemError
        Too large, unreadable, without a CRS, not overlapping Qinghai, or
        holding no elevation. The file at ``out_path`` is left unchanged on any
        error (the new file is renamed into place only when complete).
    """
    check_dem_size(len(data))
    try:
        with MemoryFile(data) as mem, mem.open() as src:
            return write_cog(src, out_path, bbox)
    except DemError:
        raise
    except Exception as exc:  # rasterio raises several types for a bad file
        # the in-memory file's generated name ('1279…-….tif') means nothing to the user
        reason = re.sub(r"'?(/vsimem/[^'\s]*|[0-9a-f]{8}-[0-9a-f-]{27,}\.tiff?)'?", "the file",
                        str(exc))[:300].rstrip(". ")
        raise DemError(f"not a readable GeoTIFF ({reason})", key="dem.err.unreadable",
                       reason=reason) from exc


def write_cog(src: DatasetReader, out_path: Path, bbox: Bbox = QINGHAI_BBOX) -> DemInfo:
    """Warp the open dataset ``src`` to EPSG:4326 and write it at ``out_path`` as a
    Cloud-Optimised GeoTIFF (see :func:`import_dem`, which validates an upload with it).

    Raises
    ------
    DemError
        No CRS, too large, outside ``bbox``, no elevation, or the disk cannot
        take the file (``dem.err.write``); ``out_path`` is then unchanged.
        Other errors come from reading ``src``.
    """
    out_path = Path(out_path)
    tiles, tmp = out_path.with_suffix(".tiles.tif"), out_path.with_suffix(".tmp.tif")
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        info = _warp_to_tiles(src, tiles, bbox)
        rasterio.shutil.copy(tiles, tmp, driver="COG", COMPRESS="DEFLATE", PREDICTOR="3",
                             BLOCKSIZE=str(_BLOCK), OVERVIEW_RESAMPLING="AVERAGE",
                             RESAMPLING="BILINEAR")
        tmp.replace(out_path)  # atomic: the previous DEM survives any failure above
    except DemError:
        raise
    except Exception as exc:
        if _cannot_write(exc, out_path.parent):
            raise DemError(f"cannot write {out_path.name}: {exc}", key="dem.err.write",
                           reason=_reason(exc)) from exc
        raise
    finally:
        tiles.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return info


_MIN_FREE_BYTES = 64 * 1024 * 1024


def dem_info(path: Path) -> DemInfo:
    """Bounds, shape and mean cell size of the GeoTIFF at ``path``, from its header."""
    with rasterio.open(path) as src:
        return _info(src.transform, src.height, src.width)


def _info(transform: Affine, rows: int, cols: int) -> DemInfo:
    west, north = transform @ (0, 0)
    east, south = transform @ (cols, rows)
    mx, my = metres_per_degree((south + north) / 2)
    cell_m = (abs(transform.a) * mx + abs(transform.e) * my) / 2
    return DemInfo((west, south, east, north), (rows, cols), round(cell_m, 1))


def _cannot_write(exc: Exception, folder: Path) -> bool:
    """Whether ``exc`` came from the disk (an OS error, or too little space left) rather
    than from the file being read."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return True
    try:
        return shutil.disk_usage(folder).free < _MIN_FREE_BYTES
    except OSError:
        return True


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or f"{exc.__class__.__name__}: {exc}"


def _warp_to_tiles(src: DatasetReader, tiles: Path, bbox: Bbox) -> DemInfo:
    """Warp ``src`` to EPSG:4326 into a tiled float32 GeoTIFF at ``tiles``, a window at a time."""
    if src.crs is None:
        raise DemError("the GeoTIFF has no coordinate reference system", key="dem.err.no_crs")
    transform, width, height = calculate_default_transform(
        src.crs, "EPSG:4326", src.width, src.height, *src.bounds)
    check_grid(height, width)
    west, north = transform @ (0, 0)
    east, south = transform @ (width, height)
    if east < bbox[0] or west > bbox[2] or north < bbox[1] or south > bbox[3]:
        raise DemError(
            f"the DEM covers {west:.2f}–{east:.2f}°E, {south:.2f}–{north:.2f}°N, outside Qinghai",
            key="dem.err.outside", west=f"{west:.2f}", east=f"{east:.2f}", south=f"{south:.2f}",
            north=f"{north:.2f}")
    nodata = src.nodata if src.nodata is not None else -32768.0
    any_value = False
    with WarpedVRT(src, crs="EPSG:4326", transform=transform, width=width, height=height,
                   src_nodata=nodata, nodata=np.nan, dtype="float32",
                   resampling=Resampling.bilinear) as vrt, \
            rasterio.open(tiles, "w", driver="GTiff", height=height, width=width, count=1,
                          dtype="float32", crs="EPSG:4326", transform=transform, nodata=np.nan,
                          tiled=True, blockxsize=_BLOCK, blockysize=_BLOCK,
                          BIGTIFF="IF_SAFER") as out:
        out.update_tags(source="user import", accuracy="authoritative")
        for row in range(0, height, _BLOCK):
            for col in range(0, width, _BLOCK):
                window = Window(col, row, min(_BLOCK, width - col), min(_BLOCK, height - row))
                block = vrt.read(1, window=window)
                any_value = any_value or bool(np.isfinite(block).any())
                out.write(block, 1, window=window)
    if not any_value:
        raise DemError("the GeoTIFF holds no elevation values", key="dem.err.empty")
    return _info(transform, height, width)
