"""Imported once by the forkserver behind :func:`geo.sandbox.guarded`.

Loads the readers and fills their one-time caches (GDAL drivers, the PROJ
database, the Gauss-Krüger zone table, a first read of each common format), so
every sandboxed child forks warm instead of paying ~0.3-0.9 s per upload.
"""
from __future__ import annotations

import io
import json
import warnings

import geopandas as gpd
import pyogrio
import shapely

from . import jzd, layer_import, site_input, vector_io  # noqa: F401  (loaded for the children)
from .geodesy import area_ha
from .gk import gk_to_lonlat, zone_table


def _warm() -> None:
    zone_table()
    gk_to_lonlat(4058123.456, 34512345.678)
    square = shapely.box(101.70, 36.60, 101.71, 36.61)
    area_ha(square)
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "warm"},
         "geometry": shapely.geometry.mapping(square)}]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pyogrio.read_dataframe(io.BytesIO(json.dumps(doc).encode()))
        gpd.GeoDataFrame(frame).set_crs(4326, allow_override=True).to_crs(zone_table()[(34, True)])
        pyogrio.list_layers(io.BytesIO(json.dumps(doc).encode()))


_warm()
