"""A parcel layer of any size screened chunk by chunk, written as it goes, resumable.

::

    python -m geo.batch PARCELS.gpkg|.parquet|.shp --out OUT.gpkg|OUT.parquet
        [--product TEXT] [--activity CODE] [--year N] [--checks redline,base,quota]
        [--layer KIND=PATH ...] [--chunk 50000] [--workers N] [--keep DLBM,...]
        [--engine local|dask] [--scheduler ADDRESS] [--restart] [--quiet] [--lang en|zh]

* **Reading**: GeoParquet with ``pyarrow.parquet.ParquetFile.iter_batches``,
  anything else with ``pyogrio.open_arrow`` (GeoPackage: its first real feature
  table, never a view, :func:`geo.vector_io.gpkg_layers`; Shapefile...), both in
  record batches re-cut to exactly ``--chunk`` features; reprojected to
  EPSG:4326 per chunk. Only a few chunks are in memory at any time, whatever
  the input size.
* **Screening**: :func:`geo.bulk.screen_bulk` per chunk, on ``--workers``
  forked processes (at most two chunks in flight per worker), or on a Dask
  cluster (:mod:`geo.bulk.dask_engine`).
* **Writing**: one arrow table per chunk with a fixed schema (the site
  geometry, ``site_id``, kept input fields, ``chunk``, every check of the registry: status,
  message key and figures, see :func:`geo.bulk.columns`). GeoPackage: appended
  to layer ``screen`` (each append one transaction). GeoParquet: each chunk a
  part file under ``OUT.parquet.parts/`` (written to a temporary name, then
  renamed), merged at the end into ``OUT.parquet`` with one row group per chunk.
* **Resuming**: ``OUT.<ext>.state.json`` records the input (path, size,
  modification time), the parameters and the finished chunks with their row
  counts. A second run with the same input and parameters skips the finished
  chunks after checking that the output holds exactly their rows; anything else
  is refused with the reason (``--restart`` starts over).
* **Progress**: one line on stderr, parcels done, rate and ETA.

``--layer KIND=PATH`` with a layer a check reads (``redline``, ``minerals``, a
control-line kind such as ``farmland``...) replaces that layer, as in
``python -m geo.screen``; any other kind (``pbnt_2023=PBNT.gpkg``) is an extra
polygon layer whose overlap (ha, share, count, ids) is measured for every parcel.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from multiprocessing.pool import AsyncResult
from typing import TYPE_CHECKING, Any, TextIO, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from pyproj import CRS, Transformer

from ..checks.config import CheckConfig, load_config
from ..checks.registry import check_ids
from ..checks.result import Project
from ..errors import InputError
from .screen import columns, screen_bulk, text_columns, warm

if TYPE_CHECKING:
    from ..layers_index import LayerIndex, ScreeningLayers

#: One chunk of a parcel file: (index, geometries in EPSG:4326, site ids, kept fields).
Chunk: TypeAlias = tuple[int, np.ndarray, np.ndarray, dict[str, np.ndarray]]

__all__ = ["StreamSpec", "ChunkReader", "screen_file", "main", "output_schema"]

#: Input fields kept in the output when present (三调: 图斑编号, 地类编码, 地类名称).
DEFAULT_KEEP = ("TBBH", "DLBM", "DLMC")
LAYER = "screen"


# --------------------------------------------------------------------------- schema
def output_schema(checks: Sequence[str], extra: Sequence[str], keep: Sequence[str],
                  rings: Sequence[float] = ()) -> pa.Schema:
    """The fixed arrow schema of every output chunk (text, floats, the chunk index, WKB)."""
    names = columns(checks, extra, rings)
    texts = text_columns(checks, extra)
    fields = []
    for name in names:
        text = name in texts
        fields.append(pa.field(name, pa.string() if text else pa.float64()))
        if name == "site_id":
            fields += [pa.field(k, pa.string()) for k in keep] + [pa.field("chunk", pa.int64())]
    fields.append(pa.field("geometry", pa.binary()))
    geo = {"version": "1.0.0", "primary_column": "geometry",
           "columns": {"geometry": {"encoding": "WKB", "geometry_types": []}}}
    return pa.schema(fields, metadata={b"geo": json.dumps(geo).encode()})


def to_table(frame: pd.DataFrame, schema: pa.Schema, chunk: int) -> pa.Table:
    """One screened chunk as an arrow table of ``schema`` (missing figures are null)."""
    cols = {}
    n = len(frame)
    for f in schema:
        if f.name == "geometry":
            cols[f.name] = pa.array(shapely.to_wkb(np.asarray(frame["geometry"], dtype=object)),
                                    pa.binary())
        elif f.name == "chunk":
            cols[f.name] = pa.array(np.full(n, chunk, dtype=np.int64))
        elif f.name not in frame.columns:
            cols[f.name] = pa.nulls(n, f.type)
        elif f.type == pa.string():
            v = frame[f.name].to_numpy(dtype=object)
            cols[f.name] = pa.array([None if x is None or (isinstance(x, float) and np.isnan(x))
                                     else str(x) for x in v], pa.string())
        else:
            cols[f.name] = pa.array(pd.to_numeric(frame[f.name], errors="coerce")
                                    .to_numpy(dtype=float), pa.float64(), from_pandas=True)
    return pa.table(cols, schema=schema)


# --------------------------------------------------------------------------- reading
class ChunkReader:
    """Features of a vector file in chunks of exactly ``size`` (the last may be shorter).

    Yields ``(index, geometries in EPSG:4326, site ids, kept fields)``; ids come
    from a ``site_id`` field, else ``TBBH``, else the 1-based feature number.
    """

    def __init__(self, path: str | Path, size: int, keep: Sequence[str] | None = None) -> None:
        self.path, self.size = Path(path), int(size)
        if not self.path.exists():
            raise InputError(f"{self.path}: no such file", key="err.file_missing", path=str(self.path))
        self.parquet = self.path.suffix.lower() in (".parquet", ".geoparquet")
        self.layer: str | None = None  # a GeoPackage's first real feature table
        self.total, self.fields, self.crs, self.geom_col = self._info()
        self.keep = [k for k in (DEFAULT_KEEP if keep is None else keep) if k in self.fields]
        self.id_col = "site_id" if "site_id" in self.fields else ("TBBH" if "TBBH" in self.fields else None)
        self._to_4326 = None
        if self.crs is not None and not self.crs.equals(CRS.from_epsg(4326)) and \
                not self.crs.equals(CRS.from_user_input("OGC:CRS84")):
            self._to_4326 = Transformer.from_crs(self.crs, CRS.from_epsg(4326), always_xy=True)

    def _info(self) -> tuple[int, list[str], CRS | None, str | None]:
        try:
            if self.parquet:
                pf = pq.ParquetFile(self.path)
                geo = json.loads((pf.schema_arrow.metadata or {}).get(b"geo", b"{}") or b"{}")
                col = geo.get("primary_column", "geometry")
                crs_json = geo.get("columns", {}).get(col, {}).get("crs")
                crs = CRS.from_user_input(crs_json) if crs_json else None
                fields = [n for n in pf.schema_arrow.names if n != col]
                if col not in pf.schema_arrow.names:
                    raise ValueError(f"no geometry column {col!r}")
                return pf.metadata.num_rows, fields, crs, col
            import pyogrio

            if self.path.suffix.lower() == ".gpkg":  # a view (an endless query, say) is not read
                from ..vector_io import gpkg_layers

                self.layer = gpkg_layers(self.path, self.path.name)[0]
            info = pyogrio.read_info(self.path, layer=self.layer)
            crs = CRS.from_user_input(info["crs"]) if info.get("crs") else None
            return int(info["features"]), list(info["fields"]), crs, None
        except InputError:
            raise
        except Exception as exc:  # pyogrio / pyarrow raise many types for a bad file
            from ..vector_io import safe_reason

            reason = safe_reason(str(exc))[:200]
            raise InputError(f"cannot read {self.path.name}: {reason}", key="file.err.read",
                             name=self.path.name, reason=reason) from None

    def _batches(self) -> Iterator[pa.RecordBatch]:
        if self.parquet:
            pf = pq.ParquetFile(self.path)
            cols = [self.geom_col] + self.keep + ([self.id_col] if self.id_col else [])
            yield from pf.iter_batches(batch_size=self.size, columns=list(dict.fromkeys(cols)))
            return
        import pyogrio

        cols = list(dict.fromkeys(self.keep + ([self.id_col] if self.id_col else [])))
        with pyogrio.open_arrow(self.path, layer=self.layer, batch_size=self.size, columns=cols,
                                use_pyarrow=True) as (meta, reader):
            self.geom_col = meta["geometry_name"] or "wkb_geometry"
            yield from reader

    def __iter__(self) -> Iterator[Chunk]:
        buf: list[pa.Table] = []
        have, index, start = 0, 0, 0
        for batch in self._batches():
            buf.append(pa.Table.from_batches([batch]))
            have += batch.num_rows
            while have >= self.size:
                table = pa.concat_tables(buf)
                yield self._chunk(index, start, table.slice(0, self.size))
                rest = table.slice(self.size)
                buf, have = [rest], rest.num_rows
                index, start = index + 1, start + self.size
        if have:
            yield self._chunk(index, start, pa.concat_tables(buf))

    def _chunk(self, index: int, start: int, table: pa.Table) -> Chunk:
        geoms = shapely.from_wkb(table.column(self.geom_col).to_numpy(zero_copy_only=False))
        if self._to_4326 is not None:
            tr = self._to_4326

            def to_4326(xy: np.ndarray) -> np.ndarray:
                x, y = tr.transform(xy[:, 0], xy[:, 1])
                return np.column_stack([x, y])

            geoms = shapely.transform(geoms, to_4326)
        n = table.num_rows
        ids = (table.column(self.id_col).cast(pa.string()).to_numpy(zero_copy_only=False)
               if self.id_col else np.array([str(start + i + 1) for i in range(n)], dtype=object))
        kept = {k: table.column(k).cast(pa.string()).to_numpy(zero_copy_only=False) for k in self.keep}
        return index, geoms, ids, kept


# --------------------------------------------------------------------------- writing
class _Writer(ABC):
    """Finished chunks of one output, its state file, and validation on resume."""

    def __init__(self, out: Path, schema: pa.Schema, params: dict[str, Any], restart: bool) -> None:
        self.out, self.schema, self.params = out, schema, params
        self.state_path = out.with_name(out.name + ".state.json")
        self.finished: dict[int, int] = {}
        if restart:
            self._clear()
        elif self.state_path.exists():
            self._resume()
        elif self._exists():
            raise InputError(f"{out} exists and has no state file {self.state_path.name}: "
                             f"remove it or pass --restart", key="err.bulk_out_exists", path=str(out))

    def _clear(self) -> None:
        self.state_path.unlink(missing_ok=True)
        self._remove()

    def _resume(self) -> None:
        state = json.loads(self.state_path.read_text(encoding="utf-8"))
        if state.get("params") != self.params:
            diff = sorted(k for k in set(state.get("params", {})) | set(self.params)
                          if state.get("params", {}).get(k) != self.params.get(k))
            raise InputError(f"{self.out} was started with other parameters ({', '.join(diff)}): "
                             f"pass --restart to start over", key="err.bulk_resume_params",
                             path=str(self.out), names=", ".join(diff))
        self.finished = {int(k): int(v) for k, v in state.get("finished", {}).items()}
        self._validate()

    def _save(self) -> None:
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"params": self.params, "finished": self.finished}), encoding="utf-8")
        os.replace(tmp, self.state_path)

    def done(self, index: int, rows: int) -> None:
        self.finished[index] = rows
        self._save()

    @abstractmethod
    def _exists(self) -> bool: ...

    @abstractmethod
    def _remove(self) -> None: ...

    @abstractmethod
    def _validate(self) -> None: ...

    @abstractmethod
    def write(self, index: int, table: pa.Table) -> None: ...

    @abstractmethod
    def close(self) -> None: ...


class _GpkgWriter(_Writer):
    def _exists(self) -> bool:
        return self.out.exists()

    def _remove(self) -> None:
        self.out.unlink(missing_ok=True)

    def _counts(self) -> dict[int, int]:
        import pyogrio

        if not self.out.exists():
            return {}
        table = pyogrio.read_arrow(self.out, layer=LAYER, columns=["chunk"], read_geometry=False)[1]
        values, counts = np.unique(table.column("chunk").to_numpy(), return_counts=True)
        return dict(zip(values.tolist(), counts.tolist()))

    def _validate(self) -> None:
        counts = self._counts()
        for index, rows in counts.items():  # written but not recorded: an append is atomic
            if index not in self.finished:
                self.finished[index] = rows
        bad = [i for i, r in self.finished.items() if counts.get(i) != r]
        if bad:
            raise InputError(f"{self.out} does not hold the rows its state file records "
                             f"(chunks {bad[:5]}): pass --restart", key="err.bulk_resume_output",
                             path=str(self.out))
        self._save()

    def write(self, index: int, table: pa.Table) -> None:
        import pyogrio

        pyogrio.write_arrow(table, self.out, layer=LAYER, driver="GPKG", geometry_name="geometry",
                            geometry_type="Unknown", crs="EPSG:4326", append=self.out.exists())
        self.done(index, table.num_rows)

    def close(self) -> None:
        pass


class _ParquetWriter(_Writer):
    @property
    def parts(self) -> Path:
        return self.out.with_name(self.out.name + ".parts")

    def _part(self, index: int) -> Path:
        return self.parts / f"part-{index:06d}.parquet"

    def _exists(self) -> bool:
        return self.out.exists() or self.parts.exists()

    def _remove(self) -> None:
        self.out.unlink(missing_ok=True)
        if self.parts.exists():
            for p in self.parts.iterdir():
                p.unlink()
            self.parts.rmdir()

    def _validate(self) -> None:
        if self.out.exists() and not self.parts.exists():  # a finished run: nothing left
            total = pq.ParquetFile(self.out).metadata.num_rows
            if total != sum(self.finished.values()):
                raise InputError(f"{self.out} does not hold the rows its state file records: "
                                 f"pass --restart", key="err.bulk_resume_output", path=str(self.out))
            return
        for index, rows in list(self.finished.items()):
            part = self._part(index)
            try:
                ok = pq.ParquetFile(part).metadata.num_rows == rows
            except Exception:  # a missing or torn part: redo that chunk
                ok = False
            if not ok:
                part.unlink(missing_ok=True)
                del self.finished[index]
        self._save()

    def write(self, index: int, table: pa.Table) -> None:
        self.parts.mkdir(parents=True, exist_ok=True)
        part = self._part(index)
        tmp = part.with_suffix(".tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, part)
        self.done(index, table.num_rows)

    def close(self) -> None:
        if not self.parts.exists():
            return
        tmp = self.out.with_name(self.out.name + ".tmp")
        with pq.ParquetWriter(tmp, self.schema) as writer:
            for index in sorted(self.finished):
                writer.write_table(pq.read_table(self._part(index), schema=self.schema))
        os.replace(tmp, self.out)
        self._remove_parts()

    def _remove_parts(self) -> None:
        for p in self.parts.iterdir():
            p.unlink()
        self.parts.rmdir()


def _writer(out: Path, schema: pa.Schema, params: dict[str, Any], restart: bool) -> _Writer:
    suffix = out.suffix.lower()
    if suffix == ".gpkg":
        return _GpkgWriter(out, schema, params, restart)
    if suffix in (".parquet", ".geoparquet"):
        return _ParquetWriter(out, schema, params, restart)
    raise InputError(f"--out {out}: expected a .gpkg or .parquet file", key="err.bulk_out_format",
                     path=str(out))


# --------------------------------------------------------------------------- progress
class Progress:
    """``[#####     ] 120,000/1,000,000 parcels  12.0 %  9,800/s  ETA 1:30`` on stderr."""

    def __init__(self, total: int | None, done: int = 0, stream: TextIO | None = None,
                 enabled: bool = True) -> None:
        self.total, self.done, self.skipped = total, done, done
        self.stream, self.enabled = stream or sys.stderr, enabled
        self.start = time.perf_counter()

    def line(self) -> str:
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        rate = (self.done - self.skipped) / elapsed
        if self.total:
            frac = min(1.0, self.done / self.total)
            left = (self.total - self.done) / rate if rate > 0 else float("nan")
            eta = "--:--" if not np.isfinite(left) else f"{int(left // 60)}:{int(left % 60):02d}"
            return (f"[{'#' * int(frac * 30):<30}] {self.done:,}/{self.total:,} parcels "
                    f"{100 * frac:5.1f} %  {rate:,.0f}/s  ETA {eta}")
        return f"{self.done:,} parcels  {rate:,.0f}/s  {elapsed:.0f} s"

    def update(self, n: int) -> None:
        self.done += n
        if self.enabled:
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + self.line() + "\n")
            self.stream.flush()


# --------------------------------------------------------------------------- running
@dataclass
class StreamSpec:
    """What to screen a parcel layer with."""

    project: Project = field(default_factory=Project)
    checks: tuple[str, ...] = field(default_factory=check_ids)
    extra: dict[str, Any] = field(default_factory=dict)         # name -> LayerIndex
    keep: Sequence[str] | None = None
    chunk: int = 50_000
    workers: int = 1
    rings: bool = False

    def params(self, reader: ChunkReader, layer_files: Sequence[str] = ()) -> dict[str, Any]:
        """What must match for a run to resume another (input, chunking, project, layers)."""
        st = reader.path.stat()
        return {"input": str(reader.path.resolve()), "input_size": st.st_size,
                "input_mtime": int(st.st_mtime), "chunk": self.chunk, "checks": list(self.checks),
                "extra": sorted(self.extra), "project": self.project.to_dict(),
                "layers": list(layer_files), "keep": list(reader.keep), "rings": self.rings}


_W: dict[str, Any] = {}


def _init(layers: ScreeningLayers, config: CheckConfig, spec: StreamSpec) -> None:
    _W.update(layers=layers, config=config, spec=spec)


def _screen(item: Chunk) -> tuple[int, pd.DataFrame]:
    index, geoms, ids, kept = item
    spec = _W["spec"]
    frame = screen_bulk(geoms, spec.project, _W["layers"], _W["config"], site_ids=ids,
                        checks=spec.checks, extra=spec.extra, chunk=len(geoms) + 1,
                        rings=spec.rings)
    for k, v in kept.items():
        frame[k] = v
    return index, frame


def _local_results(chunks: Iterable[Chunk], layers: ScreeningLayers, config: CheckConfig,
                   spec: StreamSpec) -> Iterator[tuple[int, pd.DataFrame]]:
    """Screened chunks in input order: in process, or on forked workers with bounded look-ahead."""
    if spec.workers <= 1:
        _init(layers, config, spec)
        for item in chunks:
            yield _screen(item)
        return
    import multiprocessing as mp

    warm(layers, config, spec.checks)  # once here, not once per worker
    with mp.get_context("fork").Pool(spec.workers, initializer=_init,
                                     initargs=(layers, config, spec)) as pool:
        pending: deque[AsyncResult[tuple[int, pd.DataFrame]]] = deque()
        for item in chunks:
            pending.append(pool.apply_async(_screen, (item,)))
            if len(pending) >= 2 * spec.workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def screen_file(path: str | Path, out: str | Path, layers: ScreeningLayers, spec: StreamSpec,
                config: CheckConfig | None = None, restart: bool = False, quiet: bool = False,
                layer_files: Sequence[str] = (), engine: str = "local",
                scheduler: str | None = None) -> dict[str, Any]:
    """Screen every feature of ``path`` into ``out`` (.gpkg / .parquet), resumably.

    Returns
    -------
    dict
        ``rows`` written in this run, ``skipped`` (rows of chunks finished
        before), ``chunks``, ``seconds``, ``out``.
    """
    config = config or load_config()
    config.activity(spec.project.activity)
    reader = ChunkReader(path, spec.chunk, spec.keep)
    rings = sorted(float(r) for r in config.section("redline").get("rings_m", [])) if spec.rings else []
    schema = output_schema(spec.checks, list(spec.extra), reader.keep, rings)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    params = {**spec.params(reader, layer_files), "engine": engine}
    writer = _writer(out, schema, params, restart)
    skipped = sum(writer.finished.values())
    bar = Progress(reader.total, skipped, enabled=not quiet)
    t0 = time.perf_counter()
    rows = n_chunks = 0
    if engine == "dask":
        from .dask_engine import dask_results

        results = dask_results(reader, set(writer.finished), layers, config, spec, scheduler)
    else:
        todo = (c for c in reader if c[0] not in writer.finished)
        results = _local_results(todo, layers, config, spec)
    for index, frame in results:
        writer.write(index, to_table(frame, schema, index))
        rows += len(frame)
        n_chunks += 1
        bar.update(len(frame))
    writer.close()
    bar.close()
    return {"rows": rows, "skipped": skipped, "chunks": n_chunks,
            "seconds": time.perf_counter() - t0, "out": str(out)}


# --------------------------------------------------------------------------- CLI
def is_stream_out(argv: Sequence[str]) -> bool:
    """Whether a ``geo.batch`` command line asks for this mode (``--out`` a .gpkg / .parquet)."""
    args = list(argv)
    for i, a in enumerate(args):
        value = a.split("=", 1)[1] if a.startswith("--out=") else \
            (args[i + 1] if a == "--out" and i + 1 < len(args) else None)
        if value is not None:
            return Path(value).suffix.lower() in (".gpkg", ".parquet", ".geoparquet")
    return False


def _parser() -> argparse.ArgumentParser:
    from ..bundle import BUNDLE_PATH, DEM_PATH

    p = argparse.ArgumentParser(
        prog="python -m geo.batch",
        description="Screen a parcel layer of any size chunk by chunk into a GeoPackage or "
                    "GeoParquet (resumable; one row per parcel with every check's status and figures).")
    p.add_argument("parcels", metavar="PARCELS", help="GeoPackage, GeoParquet, Shapefile... of polygons")
    p.add_argument("--out", required=True, help="OUT.gpkg or OUT.parquet")
    p.add_argument("--product", default=None, help="product or chain node (zh or en)")
    p.add_argument("--activity", default=None, help="activity code (default industrial)")
    p.add_argument("--year", type=int, default=None, help="quota year")
    p.add_argument("--checks", default=",".join(check_ids()),
                   help=f"comma-separated subset of {','.join(check_ids())} (the checks they "
                        "need run too)")
    p.add_argument("--layer", action="append", default=[], metavar="KIND=PATH",
                   help="a layer a check reads (redline, minerals, farmland...) replaces it; any other "
                        "KIND adds a polygon layer whose overlap is measured (e.g. pbnt_2023=PBNT.gpkg)")
    p.add_argument("--chunk", type=int, default=50_000, help="parcels per chunk")
    p.add_argument("--workers", type=int, default=None, help="processes (default: CPUs)")
    p.add_argument("--keep", default=None, help=f"input fields to keep (default {','.join(DEFAULT_KEEP)})")
    p.add_argument("--rings", action="store_true", help="count red lines within 1/5/10 km")
    p.add_argument("--engine", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", default=None,
                   help="Dask scheduler address (tcp://host:8786); default: a LocalCluster")
    p.add_argument("--restart", action="store_true", help="ignore a previous run's state")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of the error message (the page's words)")
    p.add_argument("--bundle", default=str(BUNDLE_PATH), help=argparse.SUPPRESS)
    p.add_argument("--dem", default=str(DEM_PATH), help=argparse.SUPPRESS)
    return p


def _layers_from_args(args: argparse.Namespace
                      ) -> tuple[ScreeningLayers, dict[str, LayerIndex], list[str]]:
    from ..layers_index import CONTROL_LAYERS, LAYER_NAMES, LayerIndex, ScreeningLayers, read_vector
    from ..screen import normalise_layer

    layers = ScreeningLayers.from_bundle(Path(args.bundle), Path(args.dem))
    extra, files = {}, []
    for spec in args.layer:
        name, sep, raw = spec.partition("=")
        name = name.strip().lower()
        if not sep or not name or not raw.strip():
            raise InputError(f"--layer {spec!r}: expected KIND=PATH, e.g. farmland=pbnt.gpkg",
                             key="err.layer_spec", spec=spec)
        path = Path(raw.strip())
        frame = read_vector(path, f"--layer {name}")
        files.append(f"{name}={path.resolve()}")
        if name in LAYER_NAMES or name in CONTROL_LAYERS:  # a layer a check reads, as screen_site
            cover = layers.coverage if name in LAYER_NAMES else None
            layers = layers.replace(name, normalise_layer(name, frame, path), coverage=cover)
        else:
            if "id" not in frame.columns:
                frame = frame.assign(id=[f"{path.stem}-{i + 1}" for i in range(len(frame))])
            extra[name] = LayerIndex(name, frame)
    return layers, extra, files


def run(args: argparse.Namespace) -> int:
    """Run a parsed command line (raises QPAError on bad input)."""
    checks = tuple(c.strip() for c in args.checks.split(",") if c.strip())
    unknown = [c for c in checks if c not in check_ids()]
    if unknown or not checks:
        raise InputError(f"--checks {args.checks!r}: expected names from {', '.join(check_ids())}",
                         key="err.bulk_checks", names=", ".join(unknown) or "-")
    config = load_config()
    project = Project(product=args.product, activity=args.activity or
                      config.redline.get("default_activity", "industrial"), year=args.year)
    config.activity(project.activity)
    layers, extra, files = _layers_from_args(args)
    keep = None if args.keep is None else [k.strip() for k in args.keep.split(",") if k.strip()]
    spec = StreamSpec(project=project, checks=checks, extra=extra, keep=keep, chunk=max(1, args.chunk),
                      workers=args.workers or os.cpu_count() or 1, rings=args.rings)
    res = screen_file(args.parcels, args.out, layers, spec, config, restart=args.restart,
                      quiet=args.quiet, layer_files=files, engine=args.engine,
                      scheduler=args.scheduler)
    print(f"{res['rows']:,} parcels screened in {res['seconds']:.1f} s "
          f"({res['skipped']:,} done before); wrote {res['out']}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m geo.batch PARCELS --out OUT.gpkg|.parquet ...``; 0 done, 1 bundle missing, 2 bad input."""
    from ..screen import run_cli

    return run_cli(_parser(), run, argv)
