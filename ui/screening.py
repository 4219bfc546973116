"""The one cached loader of the screening layers, shared by the site-check and batch pages,
and the one choice of the elevation model in use (the atlas draws it, the checks read it)."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo.bundle import data_dir
from geo.dem_versions import current_dem_path
from geo.layers_index import ScreeningLayers
from geo.sources import StoreSource

from .auth import get_store

__all__ = ["screening_layers", "store_source", "dem_in_use"]


def store_source() -> StoreSource:
    """The app store as a layer source (cheap: wraps the one cached store)."""
    return StoreSource(get_store())


@st.cache_resource(show_spinner=False, max_entries=4)  # indexed layers, shared and read-only
def _indexed(dem_path: str, mtime: float, version: str) -> ScreeningLayers:
    """The store's layers and quotas, indexed; a new ``version`` or DEM rebuilds them."""
    return ScreeningLayers.from_source(store_source(), dem_path=dem_path)


def dem_in_use() -> Path:
    """A local file of the elevation model in use: the newest imported version in the store,
    else the bundled overview (:func:`geo.dem_versions.current_dem_path`)."""
    return current_dem_path(data_dir(), store_source().store)


def screening_layers() -> ScreeningLayers:
    """The current layers of the store and the DEM in use, indexed for screening."""
    dem = dem_in_use()
    return _indexed(str(dem), dem.stat().st_mtime, store_source().version_key())
