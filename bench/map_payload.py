"""Map payload: bytes of GeoJSON sent to the browser per layer and detail level.

Run: ``python -m bench.map_payload``. Prints a table of KB per layer at each
detail zoom, the raw (unsimplified) size for comparison, the ratio, and the
time to prepare each level and to render the whole folium map HTML.
"""
from __future__ import annotations

import json
import time

import shapely

from layers.atlas_view import ZOOM_LEVELS, prepare_layer
from layers.registry import LAYERS, RenderContext
from layers.render import build_map


def _raw_bytes(spec, ctx) -> int:
    frame = spec.load(ctx)
    return len(json.dumps([shapely.geometry.mapping(g) for g in frame.geometry]).encode())


def main() -> None:
    ctx = RenderContext(lang="zh", year=2026)
    vector = [s for s in LAYERS if s.kind != "raster"]
    raw = {s.id: _raw_bytes(s, ctx) for s in vector}
    print(f"{'layer':<18}{'raw KB':>10}" + "".join(f"{'z' + str(z) + ' KB':>10}" for z in ZOOM_LEVELS))
    totals, times, html_sizes = {z: 0 for z in ZOOM_LEVELS}, {}, {}
    table: dict = {}
    for z in ZOOM_LEVELS:
        start = time.perf_counter()
        layers = [prepare_layer(s.id, ctx, z) for s in vector]
        times[z] = time.perf_counter() - start
        for layer in layers:
            table.setdefault(layer.spec.id, {})[z] = layer.nbytes
            totals[z] += layer.nbytes
        start = time.perf_counter()
        html_sizes[z] = (len(build_map(layers, ctx).get_root().render().encode()),
                         time.perf_counter() - start)
    for s in vector:
        print(f"{s.id:<18}{raw[s.id] / 1024:>10.0f}" + "".join(f"{table[s.id][z] / 1024:>10.0f}" for z in ZOOM_LEVELS))
    total_raw = sum(raw.values())
    print(f"{'TOTAL':<18}{total_raw / 1024:>10.0f}" + "".join(f"{totals[z] / 1024:>10.0f}" for z in ZOOM_LEVELS))
    print(f"{'ratio raw/level':<18}{'':>10}" + "".join(f"{total_raw / totals[z]:>10.1f}" for z in ZOOM_LEVELS))
    print(f"{'prepare s':<18}{'':>10}" + "".join(f"{times[z]:>10.2f}" for z in ZOOM_LEVELS))
    print(f"{'map HTML KB':<18}{'':>10}" + "".join(f"{html_sizes[z][0] / 1024:>10.0f}" for z in ZOOM_LEVELS))
    print(f"{'render s':<18}{'':>10}" + "".join(f"{html_sizes[z][1]:>10.2f}" for z in ZOOM_LEVELS))
    print("(raw = geometry only, full precision; levels include escaped popup HTML)")


if __name__ == "__main__":
    main()
