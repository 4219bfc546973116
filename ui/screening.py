"""The one cached loader of the screening layers, shared by the site-check and batch pages,
and the one choice of the elevation models in use (the atlas draws them, the checks read them):
the bundled province overview, refined by the imported DEM where it covers."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo import bundle
from geo.bundle import data_dir
from geo.dem_versions import imported_dem_path
from geo.layers_index import ScreeningLayers
from geo.sources import StoreSource

from .auth import get_store

__all__ = ["screening_layers", "store_source", "dems_in_use"]


def store_source() -> StoreSource:
    """The app store as a layer source (cheap: wraps the one cached store)."""
    return StoreSource(get_store())


@st.cache_resource(show_spinner=False, max_entries=4)  # indexed layers, shared and read-only
def _indexed(local_dem: str, mtime: float, version: str) -> ScreeningLayers:
    """The store's layers and quotas with the bundled DEM and the imported one (``local_dem``,
    "" for none), indexed; a new ``version`` or DEM rebuilds them."""
    return ScreeningLayers.from_source(store_source(), dem_path=bundle.DEM_PATH,
                                       local_dem_path=local_dem or None)


def dems_in_use() -> tuple[Path, Path | None]:
    """Local files of the elevation models in use: the bundled province overview, and the
    newest imported version in the store (None while there is none,
    :func:`geo.dem_versions.imported_dem_path`), which refines it where it covers."""
    return bundle.DEM_PATH, imported_dem_path(data_dir(), store_source().store)


def screening_layers() -> ScreeningLayers:
    """The current layers of the store and the DEMs in use, indexed for screening."""
    _, local = dems_in_use()
    return _indexed(str(local or ""), local.stat().st_mtime if local else 0.0,
                    store_source().version_key())
