"""Colours and per-feature styles of the atlas layers (Leaflet path options)."""
from __future__ import annotations

import math

__all__ = [
    "TIER_COLORS", "REDLINE_COLORS", "MINERAL_COLORS", "QUOTA_RAMP",
    "ramp_color", "elevation_rgba",
]

TIER_COLORS = {"千亿": "#b2182b", "五百亿": "#ef8a62"}
REDLINE_COLORS = {"核心保护区": "#1a9850", "一般控制区": "#91cf60"}
MINERAL_COLORS = {True: "#762a83", False: "#8c8c8c"}
#: remaining share of the quota, low (red) to high (blue)
QUOTA_RAMP = ("#d73027", "#fc8d59", "#fee090", "#91bfdb", "#4575b4")

# hypsometric tint stops: (elevation m, (r, g, b))
_ELEV_STOPS = (
    (1500, (80, 140, 80)), (2500, (170, 190, 110)), (3200, (215, 200, 140)),
    (4000, (190, 150, 100)), (4800, (150, 120, 100)), (5600, (240, 240, 240)),
)


def ramp_color(value: float, ramp=QUOTA_RAMP, lo: float = 0.0, hi: float = 1.0) -> str:
    """Colour of ``value`` on a stepped ramp; grey for NaN (no data)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "#bdbdbd"
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
