"""Terrain overlay of the atlas: time, PNG size and peak memory, for the bundled DEM and a
generated ~100 m DEM of all Qinghai (12,000 × 6,500 cells).

Run: ``python -m bench.dem_bench [--rows 6500 --cols 12000] [--full-grid] [--keep DIR]``.

Each measurement runs in a fresh Python process (its own peak RSS, read from
``/proc/self/status`` ``VmHWM``):

* ``generate`` -- the source GeoTIFF (int16, deflate, 512-cell tiles), written a
  window at a time (not part of any figure but its size);
* ``import`` -- :func:`geo.dem.import_dem` on the file's bytes (the upload path):
  warp to EPSG:4326 window by window, Cloud-Optimised GeoTIFF with overviews;
* ``read`` -- the data path alone: :func:`geo.dem.read_dem` with
  ``max_size=OVERLAY_MAX_PX`` (decimated from the file's overviews);
* ``overlay`` -- :func:`layers.atlas_view.dem_overlay` on the imported file: what
  the atlas page does (read at display resolution, hillshade, PNG);
* ``overlay-full`` (with ``--full-grid``) -- the earlier path for comparison:
  the whole grid read (:func:`geo.dem.read_dem`) and drawn
  (:func:`layers.render.dem_overlay_png`); on 12,000 × 6,500 this takes about a
  minute and ~8 GB.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _generate(path: Path, rows: int, cols: int) -> dict:
    """Smooth synthetic terrain (2,500-5,500 m) over Qinghai's bounding box."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_bounds
    from rasterio.windows import Window

    from geo.dem import QINGHAI_BBOX

    west, south, east, north = QINGHAI_BBOX
    transform = from_bounds(west, south, east, north, cols, rows)
    with rasterio.open(path, "w", driver="GTiff", height=rows, width=cols, count=1,
                       dtype="int16", crs="EPSG:4326", transform=transform, nodata=-32768,
                       tiled=True, blockxsize=512, blockysize=512, compress="deflate",
                       predictor=2) as dst:
        for r0 in range(0, rows, 512):
            h = min(512, rows - r0)
            y, x = np.mgrid[r0:r0 + h, 0:cols].astype("float32")
            elev = (4000 + 900 * np.sin(x / 410.0) * np.cos(y / 330.0)
                    + 350 * np.sin((x + 2 * y) / 97.0) + 120 * np.cos(x / 23.0 - y / 31.0))
            dst.write(elev.astype("int16"), 1, window=Window(0, r0, cols, h))
    return {"bytes": path.stat().st_size}


def _import(src: Path, out: Path) -> dict:
    from geo.dem import import_dem

    data = src.read_bytes()
    start = time.perf_counter()
    info = import_dem(data, out)
    return {"seconds": time.perf_counter() - start, "bytes": out.stat().st_size,
            "shape": list(info.shape)}


def _read(path: Path) -> dict:
    from geo.dem import read_dem
    from layers.atlas_view import OVERLAY_MAX_PX

    start = time.perf_counter()
    dem = read_dem(path, max_size=OVERLAY_MAX_PX)
    return {"seconds": time.perf_counter() - start, "bytes": dem.elev.nbytes,
            "shape": list(dem.elev.shape)}


def _overlay(path: Path, full: bool) -> dict:
    from geo.dem import read_dem
    from layers.atlas_view import dem_overlay
    from layers.render import dem_overlay_png

    start = time.perf_counter()
    if full:
        dem = read_dem(path)
        png = dem_overlay_png(dem)
    else:
        png, _, dem = dem_overlay(path)
    return {"seconds": time.perf_counter() - start, "png_bytes": len(png),
            "shape": list(dem.elev.shape)}


def _child(step: str, args: list[str]) -> dict:
    """Run one step in a fresh interpreter; returns its figures with its peak RSS."""
    out = subprocess.run([sys.executable, "-m", "bench.dem_bench", "--step", step, *args],
                         cwd=REPO, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{step} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _row(name: str, fig: dict) -> str:
    size = fig.get("png_bytes", fig.get("bytes", 0)) / 2**20
    return (f"| {name:<44} | {fig.get('seconds', float('nan')):>8.2f} s | {size:>9.2f} MB "
            f"| {fig['peak_mb']:>8.0f} MB | {'×'.join(map(str, fig.get('shape', [])))} |")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=6500)
    p.add_argument("--cols", type=int, default=12000)
    p.add_argument("--full-grid", action="store_true",
                   help="also time the earlier full-grid overlay (slow, ~8 GB)")
    p.add_argument("--keep", type=Path,
                   help="keep the generated files in this folder (and reuse them next time)")
    p.add_argument("--step", help=argparse.SUPPRESS)
    p.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.step:  # inside a child process
        paths = [Path(x) for x in a.paths]
        fig = {"generate": lambda: _generate(paths[0], a.rows, a.cols),
               "import": lambda: _import(paths[0], paths[1]),
               "read": lambda: _read(paths[0]),
               "overlay": lambda: _overlay(paths[0], full=False),
               "overlay-full": lambda: _overlay(paths[0], full=True)}[a.step]()
        print(json.dumps({**fig, "peak_mb": _peak_mb()}))
        return
    from geo.bundle import DEM_PATH

    work = a.keep or Path(tempfile.mkdtemp(prefix="dem_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    src, cog = work / "source.tif", work / "imported.tif"
    size = ["--rows", str(a.rows), "--cols", str(a.cols)]
    print(f"| {'step':<44} | {'time':>10} | {'size':>12} | {'peak RSS':>11} | grid |")
    print(f"|{'-' * 46}|{'-' * 12}|{'-' * 14}|{'-' * 13}|------|", flush=True)

    def row(name: str, step: str, args: list[str]) -> None:
        print(_row(name, _child(step, args)), flush=True)

    row("bundled DEM: atlas overlay", "overlay", [str(DEM_PATH)])
    if a.full_grid:
        row("bundled DEM: full-grid overlay (before)", "overlay-full", [str(DEM_PATH)])
    grid = f"{a.cols:,}×{a.rows:,}"
    if not (a.keep and cog.exists()):  # --keep: reuse the files of an earlier run
        row(f"{grid} source GeoTIFF (int16)", "generate", [*size, str(src)])
        row(f"{grid}: import (windows, COG)", "import", [str(src), str(cog)])
    row(f"{grid}: read at display resolution", "read", [str(cog)])
    row(f"{grid}: atlas overlay", "overlay", [str(cog)])
    if a.full_grid:
        row(f"{grid}: full-grid overlay (before)", "overlay-full", [str(cog)])
    print("(size: PNG data URL for overlays, file for generate/import, array for "
          "read; peak RSS of the step's own process)")
    if not a.keep:
        for f in work.iterdir():
            f.unlink()
        work.rmdir()


if __name__ == "__main__":
    main()
