"""Read the bundled atlas data (``data/atlas.gpkg``, ``data/dem_qinghai.tif``).

The bundle is built by ``python -m data.build``; this module only reads it.
Every layer is returned in EPSG:4326 (lon, lat).
"""
from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

__all__ = [
    "REPO_ROOT",
    "BUNDLE_PATH",
    "DEM_PATH",
    "BundleError",
    "data_dir",
    "bundle_layers",
    "read_layer",
    "read_table",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLE_PATH = REPO_ROOT / "data" / "atlas.gpkg"
DEM_PATH = REPO_ROOT / "data" / "dem_qinghai.tif"


class BundleError(FileNotFoundError):
    """The bundled data file or one of its layers is missing."""

    key = "err.no_data"


def data_dir() -> Path:
    """Writable directory for user data (imports); ``$QPA_DATA_DIR`` or ``var/``."""
    path = Path(os.environ.get("QPA_DATA_DIR", REPO_ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def bundle_layers(path: Path = BUNDLE_PATH) -> list[str]:
    """Names of the layers and tables in the bundle."""
    if not Path(path).exists():
        raise BundleError(f"bundled data {path} not found; run `python -m data.build`")
    return [str(name) for name, _ in pyogrio.list_layers(path)]


def read_layer(name: str, path: Path = BUNDLE_PATH) -> gpd.GeoDataFrame:
    """One spatial layer of the bundle, in EPSG:4326.

    Raises
    ------
    BundleError
        If the file or the layer does not exist (the message lists the layers).
    """
    names = bundle_layers(path)
    if name not in names:
        raise BundleError(f"layer {name!r} is not in {path}; it has {names}")
    frame = gpd.read_file(path, layer=name, engine="pyogrio")
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326) if frame.crs is not None else frame.set_crs(4326)
    return frame


def read_table(name: str, path: Path = BUNDLE_PATH) -> pd.DataFrame:
    """One attribute-only table of the bundle (e.g. ``quotas``)."""
    names = bundle_layers(path)
    if name not in names:
        raise BundleError(f"table {name!r} is not in {path}; it has {names}")
    return pyogrio.read_dataframe(path, layer=name, read_geometry=False)
