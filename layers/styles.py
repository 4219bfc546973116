"""Colours and per-feature styles of the atlas layers (Leaflet path options)."""
from __future__ import annotations

import math
from collections.abc import Sequence

from geo import palette
from geo.palette import QUOTA_RAMP

__all__ = [
    "TIER_COLORS", "REDLINE_COLORS", "MINERAL_COLORS", "QUOTA_RAMP",
    "ramp_color", "elevation_rgba", "elevation_gradient_css",
]

# the map's names for the shared palette (geo.palette): one colour per meaning
TIER_COLORS = palette.TIER
REDLINE_COLORS = palette.REDLINE
MINERAL_COLORS = palette.MINERAL
_ELEV_STOPS = palette.ELEVATION_STOPS


def ramp_color(value: float | None, ramp: Sequence[str] = QUOTA_RAMP, lo: float = 0.0, hi: float = 1.0) -> str:
    """Colour of ``value`` on a stepped ramp; grey for NaN (no data)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return palette.NO_DATA
    frac = min(max((value - lo) / (hi - lo), 0.0), 1.0) if hi > lo else 0.0
    return ramp[min(int(frac * len(ramp)), len(ramp) - 1)]


def elevation_rgba(elev, shade):
    """RGBA uint8 image from elevation (m) tinted and modulated by hillshade."""
    import numpy as np

    stops = np.array([s[0] for s in _ELEV_STOPS], dtype=float)
    cols = np.array([s[1] for s in _ELEV_STOPS], dtype=float)
    rgb = np.stack([np.interp(elev, stops, cols[:, i]) for i in range(3)], axis=-1)
    light = 0.45 + 0.55 * np.nan_to_num(shade, nan=0.0)
    rgb = np.clip(rgb * light[..., None], 0, 255)
    alpha = np.where(np.isnan(elev), 0, 200)
    return np.dstack([rgb, alpha]).astype("uint8")


def elevation_gradient_css() -> tuple[str, int, int]:
    """(CSS linear-gradient of the tint stops, lowest m, highest m) for the elevation legend."""
    lo, hi = _ELEV_STOPS[0][0], _ELEV_STOPS[-1][0]
    stops = ", ".join(f"rgb{rgb} {100 * (e - lo) / (hi - lo):.0f}%" for e, rgb in _ELEV_STOPS)
    return f"linear-gradient(to right, {stops})", lo, hi
