"""Where layers are read from: the bundled GeoPackage or the store.

The map, the site check and the chain ranking all read layers through a
:class:`LayerSource`, so an authoritative layer imported into the store, or a
reservation in the quota ledger, is what every page sees. ``version_key``
changes whenever any layer or quota changes (for a store:
:meth:`geo.store.Store.version_key`, which also follows the elevation model),
for the pages' caches.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import geopandas as gpd
import pandas as pd

from . import bundle
from .structured_fields import clear_bad_structured_fields

if TYPE_CHECKING:
    from .store import Store

__all__ = ["LayerSource", "BundleSource", "StoreSource"]


class LayerSource(Protocol):
    """Read access to the atlas layers and the quota table."""

    def read_layer(self, layer_id: str) -> gpd.GeoDataFrame: ...

    def read_quotas(self) -> pd.DataFrame: ...

    def has_layer(self, layer_id: str) -> bool: ...

    def version_key(self) -> str: ...


@dataclass(frozen=True)
class BundleSource:
    """The bundled, read-only ``data/atlas.gpkg``."""

    path: Path = bundle.BUNDLE_PATH

    def read_layer(self, layer_id: str) -> gpd.GeoDataFrame:
        return bundle.read_layer(layer_id, self.path)

    def read_quotas(self) -> pd.DataFrame:
        return bundle.read_table("quotas", self.path)

    def has_layer(self, layer_id: str) -> bool:
        return layer_id in bundle.bundle_layers(self.path)

    def version_key(self) -> str:
        return f"bundle:{Path(self.path).stat().st_mtime_ns}"


@dataclass(frozen=True, eq=False)
class StoreSource:
    """The store (GeoPackage/SQLite or PostGIS): current layer versions and the ledger."""

    store: Store = field(repr=False)

    def read_layer(self, layer_id: str) -> gpd.GeoDataFrame:
        return clear_bad_structured_fields(self.store.read_layer(layer_id), layer_id)

    def read_quotas(self) -> pd.DataFrame:
        from .ledger import quota_table

        return quota_table(self.store)

    def has_layer(self, layer_id: str) -> bool:
        return self.store.current_version(layer_id) is not None

    def version_key(self) -> str:
        return self.store.version_key()
