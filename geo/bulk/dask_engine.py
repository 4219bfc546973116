"""The bulk screen on a Dask cluster: dask-geopandas partitions, layers sent once per worker.

``python -m geo.batch PARCELS --out OUT.parquet --engine dask [--scheduler ADDRESS]``:

* the parcel layer is read by the workers themselves as a dask-geopandas frame
  (``read_parquet`` by row group, ``read_file`` in chunks with pyogrio), so the
  file must be on storage every worker sees under the same path;
* partitions are spatially sorted (``spatial_shuffle``, Hilbert distance of
  the parcels' centres), so each partition meets few red-line and base
  features and its tree queries stay local;
* the screening layers are scattered once with ``broadcast=True`` as plain
  frames; each worker process builds its STRtrees from them once and keeps
  them for every partition it screens;
* each partition is screened by :func:`geo.bulk.screen_bulk` (the same code
  as in process) and streamed back to the client, which writes it as one
  chunk of the output (GeoPackage / GeoParquet) and records it, so an
  interrupted run resumes without redoing finished partitions.

Without ``--scheduler`` a LocalCluster (one single-threaded worker process
per CPU) is started and closed. Site ids come from a ``site_id`` or ``TBBH``
field, else the 1-based feature number in the file, as in process.
"""
from __future__ import annotations

import contextlib
import dataclasses
import math
import sys
import types
import uuid
from collections.abc import Container, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from pathlib import Path

    import dask_geopandas
    import geopandas as gpd

    from ..checks.config import CheckConfig
    from ..layers_index import LayerIndex, ScreeningLayers
    from .stream import ChunkReader, StreamSpec

__all__ = ["dask_results", "layer_payload"]

_WORKER_LAYERS: dict[str, tuple[ScreeningLayers, dict[str, LayerIndex]]] = {}


def layer_payload(layers: ScreeningLayers, extra: dict[str, LayerIndex]) -> dict[str, Any]:
    """The layers as plain frames (what crosses the network once per worker)."""
    def frame(idx: LayerIndex | None) -> gpd.GeoDataFrame | None:
        return None if idx is None else idx.frame

    return {"token": uuid.uuid4().hex, "redline": frame(layers.redline),
            "deposits": frame(layers.deposits), "salt_lakes": frame(layers.salt_lakes),
            "bases": frame(layers.bases), "quotas": layers.quotas, "dem": layers.dem,
            "local_dem": layers.local_dem,
            "coverage": layers.coverage, "extra": {k: v.frame for k, v in extra.items()}}


def _layers_on_worker(payload: dict[str, Any]
                      ) -> tuple[ScreeningLayers, dict[str, LayerIndex]]:
    """Indexed layers built from ``payload`` once per worker process."""
    from ..layers_index import LayerIndex, ScreeningLayers

    key = payload["token"]
    if key not in _WORKER_LAYERS:
        _WORKER_LAYERS.clear()
        layers = ScreeningLayers.from_frames(
            redline=payload["redline"], deposits=payload["deposits"],
            salt_lakes=payload["salt_lakes"], bases=payload["bases"], quotas=payload["quotas"],
            dem=payload["dem"], coverage=payload["coverage"], local_dem=payload["local_dem"])
        extra = {k: LayerIndex(k, v) for k, v in payload["extra"].items()}
        _WORKER_LAYERS[key] = (layers, extra)
    return _WORKER_LAYERS[key]


def _screen_partition(part: gpd.GeoDataFrame, payload: dict[str, Any], config: CheckConfig,
                      spec: StreamSpec, keep: list[str], id_col: str | None) -> pd.DataFrame:
    from .screen import screen_bulk

    layers, extra = _layers_on_worker(payload)
    geoms = np.asarray(part.geometry.values, dtype=object)
    ids = part[id_col].astype(str).to_numpy() if id_col else part["_row"].astype(str).to_numpy()
    frame = screen_bulk(geoms, spec.project, layers, config, site_ids=ids, checks=spec.checks,
                        extra=extra, chunk=len(geoms) + 1, rings=spec.rings)
    for k in keep:
        frame[k] = part[k].astype(object).where(part[k].notna(), None).to_numpy()
    return frame


@contextlib.contextmanager
def _bare_main() -> Iterator[None]:
    """Start worker processes without re-running the caller's ``__main__``.

    Dask spawns its workers, and a spawned process imports the parent's main
    script first; when that is the Streamlit app (the batch page) the worker
    would run the whole app. A bare ``__main__`` while the cluster starts avoids it.
    """
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def _with_row_numbers(ddf: dask_geopandas.GeoDataFrame) -> dask_geopandas.GeoDataFrame:
    """A ``_row`` column: 1-based position of each feature in the file."""
    lengths = ddf.map_partitions(len).compute()
    offsets = np.r_[0, np.cumsum(lengths)[:-1]]

    def number(part: gpd.GeoDataFrame, partition_info: dict[str, Any] | None = None
               ) -> gpd.GeoDataFrame:
        start = offsets[partition_info["number"]] if partition_info else 0
        return part.assign(_row=np.arange(start + 1, start + len(part) + 1))

    return ddf.map_partitions(number)


def _read(path: str | Path, chunk: int, columns: list[str]) -> dask_geopandas.GeoDataFrame:
    import dask_geopandas
    from pathlib import Path

    if Path(path).suffix.lower() in (".parquet", ".geoparquet"):
        return dask_geopandas.read_parquet(str(path), columns=columns + ["geometry"],
                                           split_row_groups=True)
    ddf = dask_geopandas.read_file(str(path), chunksize=chunk)  # columns= would drop the geometry
    return ddf[columns + [ddf.geometry.name]]


def dask_results(reader: ChunkReader, finished: Container[int], layers: ScreeningLayers,
                 config: CheckConfig, spec: StreamSpec, scheduler: str | None = None
                 ) -> Iterator[tuple[int, pd.DataFrame]]:
    """Screened partitions ``(index, frame)`` as they finish, skipping ``finished`` indices.

    ``reader`` (a :class:`geo.bulk.stream.ChunkReader`) names the file, the id
    field and the fields to keep; at most two partitions per worker are in
    flight, so results never pile up on the cluster.
    """
    import os

    from dask.delayed import delayed
    from distributed import Client, LocalCluster, as_completed

    id_col = reader.id_col
    cols = list(dict.fromkeys(reader.keep + ([id_col] if id_col else [])))
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        with _bare_main():
            cluster = LocalCluster(n_workers=spec.workers or os.cpu_count() or 1,
                                   threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        ddf = _read(reader.path, spec.chunk, cols)
        if id_col is None:
            ddf = _with_row_numbers(ddf)
        n_parts = max(1, math.ceil(reader.total / spec.chunk)) if reader.total else ddf.npartitions
        ddf = ddf.spatial_shuffle(by="hilbert", npartitions=n_parts)
        payload = client.scatter(layer_payload(layers, spec.extra), broadcast=True)
        light = dataclasses.replace(spec, extra={})  # extra layers travel in the payload
        screen = delayed(_screen_partition, pure=True)
        tasks = [(i, screen(p, payload, config, light, reader.keep, id_col))
                 for i, p in enumerate(ddf.to_delayed()) if i not in finished]
        window = 2 * max(1, len(client.scheduler_info()["workers"]))
        running = as_completed()
        index = {}
        for i, task in tasks[:window]:
            fut = client.compute(task)
            index[fut.key] = i
            running.add(fut)
        queued = iter(tasks[window:])
        for fut in running:
            i = index.pop(fut.key)
            result = fut.result()
            fut.release()
            nxt = next(queued, None)
            if nxt is not None:
                f2 = client.compute(nxt[1])
                index[f2.key] = nxt[0]
                running.add(f2)
            yield i, result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
