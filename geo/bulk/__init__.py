"""Bulk screening: many sites at once, chunk by chunk, in process or on a Dask cluster.

* :mod:`.measure` -- vectorised measurements of many sites against one layer
  (STRtree queries for all sites, shapely 2 array intersections, equal-area
  areas, bulk geodesic nearest/within, DEM cells);
* :mod:`.decide` -- today's status rules of the six checks on arrays;
* :mod:`.screen` -- :func:`screen_bulk`, one row per site with every check's
  status and figures, the same as :func:`geo.screen.screen_site` gives;
* :mod:`.stream` -- a parcel layer of any size screened chunk by chunk into
  GeoPackage or GeoParquet, resumable, memory bounded;
* :mod:`.dask_engine` -- the same over dask-geopandas partitions.
"""
from __future__ import annotations

from .screen import FIGURES, columns, prepare_sites, screen_bulk

__all__ = ["FIGURES", "columns", "prepare_sites", "screen_bulk"]
