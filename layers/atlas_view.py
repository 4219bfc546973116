"""Everything the atlas page shows, prepared without Streamlit.

The page reads its widgets into an :class:`AtlasRequest`, calls
:func:`prepare_layers` (cached per layer by the page) and :func:`build_map`.
"""
from __future__ import annotations


import geopandas as gpd

from geo import bundle
from geo.dem import Dem, read_dem

from .registry import LAYERS, RenderContext
from .render import MapLayer, dem_overlay_png, layer_geojson, tolerance_for_zoom

__all__ = ["ZOOM_LEVELS", "OVERLAY_MAX_PX", "detail_zoom", "prepare_layer", "base_choices", "base_bounds",
           "dem_overlay"]

#: zoom levels at which geometry is re-simplified for the browser
ZOOM_LEVELS = (6, 8, 10, 12)


def detail_zoom(zoom: float | None) -> int:
    """The detail level (one of :data:`ZOOM_LEVELS`) for a map zoom."""
    if zoom is None:
        return ZOOM_LEVELS[0]
    return max([z for z in ZOOM_LEVELS if z <= max(zoom, ZOOM_LEVELS[0])])


def prepare_layer(layer_id: str, ctx: RenderContext, detail: int) -> MapLayer:
    """Load one registry layer and turn it into browser GeoJSON for ``detail``."""
    spec = next(s for s in LAYERS if s.id == layer_id)
    return layer_geojson(spec, spec.load(ctx), ctx, tolerance_for_zoom(detail))


def base_choices(ctx: RenderContext) -> gpd.GeoDataFrame:
    """The bases (id, names, bounds) in seed order, for the search box."""
    bases = ctx.source.read_layer("bases")
    return bases.sort_values("seq") if "seq" in bases else bases


def base_bounds(bases: gpd.GeoDataFrame, base_id: str) -> tuple[float, float, float, float]:
    """(west, south, east, north) of one base, padded by 30% for the view."""
    row = bases[bases["id"] == base_id]
    if row.empty:
        raise ValueError(f"base was {base_id!r} but is expected to be in {list(bases['id'])}")
    w, s, e, n = row.total_bounds
    pad_x, pad_y = (e - w) * 0.3 + 0.01, (n - s) * 0.3 + 0.01
    return (w - pad_x, s - pad_y, e + pad_x, n + pad_y)


#: Longest side in pixels of the terrain overlay: about the map's width on screen.
#: A finer DEM is read decimated from its overviews, never as the full grid.
OVERLAY_MAX_PX = 1280


def dem_overlay(path=None, max_px: int = OVERLAY_MAX_PX
                ) -> tuple[str, tuple[float, float, float, float], Dem]:
    """PNG data URL, bounds and display-resolution grid of the terrain overlay for the
    DEM at ``path`` (at most ``max_px`` cells on its longest side)."""
    dem = read_dem(path or bundle.DEM_PATH, max_size=max_px)
    return dem_overlay_png(dem), dem.bounds, dem
