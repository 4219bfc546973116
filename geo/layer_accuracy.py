"""Which layers still hold indicative data, and the red line's share -- from what the store holds.

Warnings and captions follow the data: once an official imports an
authoritative red line, the atlas no longer calls the red line indicative.

>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> class Src:
...     frames = {"redlines": gpd.GeoDataFrame({"accuracy": ["authoritative"]},
...                                             geometry=[box(96, 36, 97, 37)], crs=4326),
...               "bases": gpd.GeoDataFrame({"accuracy": ["indicative"]},
...                                          geometry=[box(101, 36, 101.1, 36.1)], crs=4326)}
...     def has_layer(self, lid): return lid in self.frames
...     def read_layer(self, lid): return self.frames[lid]
>>> indicative_layers(Src(), ("redlines", "bases", "lakes"))
['bases']
>>> km2, pct, authoritative = redline_share(Src())
>>> round(km2), authoritative
(9942, True)
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .geodesy import area_ha

if TYPE_CHECKING:
    import pandas as pd

    from .sources import LayerSource

__all__ = ["QINGHAI_REDLINE_KM2", "indicative_layers", "redline_share"]

#: Qinghai's ecological red line, km² (provincial territorial spatial plan 2021-2035).
QINGHAI_REDLINE_KM2 = 296_400.0


def _indicative(frame: pd.DataFrame) -> bool:
    return "accuracy" in frame and bool((frame["accuracy"] == "indicative").any())


def indicative_layers(source: LayerSource, layer_ids: Iterable[str]) -> list[str]:
    """The layers (of ``layer_ids``, in that order) with at least one indicative feature
    (``quotas``: at least one indicative quota row)."""
    def _check(lid: str) -> bool:
        if lid == "quotas":
            return _indicative(source.read_quotas())
        return source.has_layer(lid) and _indicative(source.read_layer(lid))

    return [lid for lid in layer_ids if _check(lid)]


def redline_share(source: LayerSource) -> tuple[float, float, bool]:
    """(area of the red-line layer in km², its share of Qinghai's red line in %, whether
    every feature is authoritative)."""
    red = source.read_layer("redlines")
    km2 = float(area_ha(red.geometry.union_all())) / 100.0
    authoritative = "accuracy" in red and bool((red["accuracy"] == "authoritative").all())
    return km2, 100.0 * km2 / QINGHAI_REDLINE_KM2, authoritative
