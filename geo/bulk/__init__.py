"""Bulk screening: many sites at once, chunk by chunk, in process or on a Dask cluster.

* :mod:`.measure` -- vectorised measurements of many sites against one layer
  (STRtree queries for all sites, shapely 2 array intersections, equal-area
  areas, bulk geodesic nearest/within, DEM cells);
* :mod:`.checks` -- the array measurements of every check that measures
  geometry (minerals, base, terrain, chain, land use, control lines), each
  returning per site what the per-site check's own ``measure`` returns;
* :mod:`.screen` -- :func:`screen_bulk`, one row per site with every check of
  the registry (status, message key, figures), the compliance verdict and the
  suitability score, the same as :func:`geo.screen.screen_site` gives: array
  measurements (the red line here, the others in :mod:`.checks`) decided by the
  per-site check's own decision function, and the check's ``run(ctx)`` per site
  for the checks that measure nothing;
* :mod:`.stream` -- a parcel layer of any size screened chunk by chunk into
  GeoPackage or GeoParquet, resumable, memory bounded;
* :mod:`.dask_engine` -- the same over dask-geopandas partitions.
"""
from __future__ import annotations

from .screen import FIGURES, columns, prepare_sites, screen_bulk, text_columns

__all__ = ["FIGURES", "columns", "prepare_sites", "screen_bulk", "text_columns"]
