"""Digital elevation model: reading, hillshade, slope, and importing a GeoTIFF.

The bundled DEM is a 0.2 degree (~20 km) overview. A finer GeoTIFF (SRTM,
Copernicus) can be imported; it is reprojected to EPSG:4326 and kept under the
user data directory. Slopes are computed with cell sizes converted to metres
at each row's latitude, so a degree grid gives true slopes.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.io import MemoryFile
from rasterio.transform import Affine
from rasterio.warp import Resampling, calculate_default_transform, reproject

from .errors import QPAError
from .geodesy import metres_per_degree

__all__ = [
    "QINGHAI_BBOX",
    "Dem",
    "DemError",
    "read_dem",
    "slope_degrees",
    "hillshade",
    "cell_size_m",
    "import_dem",
]

#: (west, south, east, north) of Qinghai with a margin, degrees.
QINGHAI_BBOX = (89.3, 31.5, 103.2, 39.3)
MAX_DEM_BYTES = 200 * 1024 * 1024


class DemError(QPAError):
    """An elevation file that cannot be used: ``key`` (``dem.err.*``) says why, in the
    user's language; the English message is for logs."""

    key = "err.dem_upload"


@dataclass
class Dem:
    """Elevation grid in EPSG:4326; ``elev`` is float with NaN for no data."""

    elev: np.ndarray
    transform: Affine
    tags: dict

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


def read_dem(path: Path) -> Dem:
    """Read band 1 of a GeoTIFF in EPSG:4326 as a :class:`Dem`."""
    with rasterio.open(path) as src:
        if src.crs is None or src.crs.to_epsg() != 4326:
            raise DemError(f"{path} is not in EPSG:4326 (got {src.crs}); import it first")
        elev = src.read(1, masked=True).astype("float64").filled(np.nan)
        return Dem(elev=elev, transform=src.transform, tags=src.tags())


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
    return np.degrees(np.arctan(np.hypot(gx, gy)))


def hillshade(dem: Dem, azimuth: float = 315.0, altitude: float = 45.0,
              z_factor: float = 1.0) -> np.ndarray:
    """Hillshade in [0, 1] (NaN where elevation is missing)."""
    gx, gy = _gradients(dem)
    gx, gy = gx * z_factor, gy * z_factor
    slope = np.arctan(np.hypot(gx, gy))
    aspect = np.arctan2(-gx, -gy)  # direction the surface faces, from north
    az, alt = np.radians(azimuth), np.radians(altitude)
    shade = np.sin(alt) * np.cos(slope) + np.cos(alt) * np.sin(slope) * np.cos(az - aspect)
    return np.clip(shade, 0.0, 1.0)


def import_dem(data: bytes, out_path: Path, bbox=QINGHAI_BBOX) -> Dem:
    """Validate an uploaded GeoTIFF, reproject it to EPSG:4326 and save it.

    Raises
    ------
    DemError
        Too large, unreadable, without a CRS, or not overlapping Qinghai. The
        file at ``out_path`` is left unchanged on any error.
    """
    if len(data) > MAX_DEM_BYTES:
        raise DemError(f"file is {len(data) / 2**20:.0f} MB; the limit is {MAX_DEM_BYTES // 2**20} MB",
                       key="dem.err.too_big", mb=round(len(data) / 2**20),
                       limit=MAX_DEM_BYTES // 2**20)
    try:
        with MemoryFile(data) as mem, mem.open() as src:
            if src.crs is None:
                raise DemError("the GeoTIFF has no coordinate reference system",
                               key="dem.err.no_crs")
            transform, width, height = calculate_default_transform(
                src.crs, "EPSG:4326", src.width, src.height, *src.bounds)
            nodata = src.nodata if src.nodata is not None else -32768.0
            dst = np.full((height, width), np.nan, dtype="float32")
            reproject(rasterio.band(src, 1), dst, src_transform=src.transform,
                      src_crs=src.crs, src_nodata=nodata, dst_transform=transform,
                      dst_crs="EPSG:4326", dst_nodata=np.nan, resampling=Resampling.bilinear)
    except DemError:
        raise
    except Exception as exc:  # rasterio raises several types for a bad file
        raise DemError(f"not a readable GeoTIFF ({exc.__class__.__name__}: {exc})",
                       key="dem.err.unreadable", reason=f"{exc.__class__.__name__}: {exc}") from exc
    dem = Dem(elev=dst.astype("float64"), transform=transform, tags={})
    west, south, east, north = dem.bounds
    if east < bbox[0] or west > bbox[2] or north < bbox[1] or south > bbox[3]:
        raise DemError(
            f"the DEM covers {west:.2f}–{east:.2f}°E, {south:.2f}–{north:.2f}°N, outside Qinghai",
            key="dem.err.outside", west=f"{west:.2f}", east=f"{east:.2f}", south=f"{south:.2f}",
            north=f"{north:.2f}")
    if np.isnan(dst).all():
        raise DemError("the GeoTIFF holds no elevation values", key="dem.err.empty")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(".tmp.tif")
    with rasterio.open(tmp, "w", driver="GTiff", height=height, width=width, count=1,
                       dtype="float32", crs="EPSG:4326", transform=transform,
                       nodata=np.nan, compress="deflate") as out:
        out.write(dst, 1)
        out.update_tags(source="user import", accuracy="authoritative")
    tmp.replace(out_path)  # atomic: the previous DEM survives any failure above
    return read_dem(out_path)
