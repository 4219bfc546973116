"""Screen sites against every layer: :func:`screen_site`, batches, and the command line.

Command line (the contract of issue 3)::

    python -m geo.screen SITES --product TEXT [--year N] [--activity CODE]
                         [--layer NAME=PATH ...] --out OUT.csv

``SITES`` is read exactly as the batch page reads an upload
(:func:`geo.site_input.read_site_list`, limits :data:`geo.vector_io.BATCH`):
a CSV ``site_id,lon,lat,area_ha`` (WGS84; each site a north-aligned square
of that ellipsoidal area centred on the point), a 界址点 TXT (GBK or UTF-8),
or a GeoJSON, KML/KMZ, Shapefile, GeoPackage or GeoParquet file (one site per
polygon feature; ``site_id`` from a field of that name, else the 1-based row
number). ``--layer redline=PATH`` /
``--layer minerals=PATH`` replace that layer for the run. Writes ``OUT.csv``
(one row per site and check, plus an ``overall`` row) and ``OUT.geojson``
beside it (sites with their statuses, overlaps, buildable parts). Exit codes:
0 done, 1 the bundled data is missing, 2 bad input (one line on stderr, in
the ``--lang`` language, the message the page shows).

Coordinates are (lon, lat), EPSG:4326; areas ellipsoidal hectares, distances
geodesic metres.
"""
from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .bundle import BUNDLE_PATH, DEM_PATH, BundleError
from .checks import (CheckConfig, CheckResult, Project, ScreenResult, base_check, chain_check,
                     load_config, minerals_check, quota_check, redline_check, terrain_check,
                     worst_status)
from .checks.minerals import is_important
from .checks.result import localise_params
from .errors import InputError, QPAError
from .i18n import error_text
from .geodesy import area_ha
from .layers_index import LAYER_NAMES, ScreeningLayers, read_vector
from .site_input import read_site_list
from .vector_io import BATCH

__all__ = [
    "CSV_COLUMNS",
    "prepare_site",
    "screen_site",
    "buildable_area",
    "screen_many",
    "read_sites",
    "result_rows",
    "normalise_layer",
    "main",
]

#: Columns of OUT.csv, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "site_id", "rank", "check", "status", "overlap_ha", "overlap_share", "distance_m",
    "detail", "rule", "data_accuracy", "area_ha", "buildable_ha",
)


# --------------------------------------------------------------------------- screening
def prepare_site(geometry: BaseGeometry) -> BaseGeometry:
    """Check and repair a site geometry: a lon/lat (multi)polygon, valid, 2D.

    Raises
    ------
    InputError
        Not polygonal, empty, or coordinates outside lon/lat ranges.
    """
    if geometry is None or geometry.is_empty:
        raise InputError("the site geometry is empty", key="err.site_empty")
    geom = shapely.force_2d(geometry)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        if geom.geom_type == "GeometryCollection":
            polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
            geom = shapely.union_all(polys) if polys else shapely.Polygon()
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise InputError(f"the site must be a polygon, got {geometry.geom_type}",
                         key="err.site_type", type=geometry.geom_type)
    w, s, e, n = geom.bounds
    if w < -180 or e > 180 or s < -90 or n > 90:
        raise InputError(f"site coordinates are not lon/lat degrees (bounds {w:.3f}, {s:.3f}, "
                         f"{e:.3f}, {n:.3f})", key="err.site_range")
    shapely.prepare(geom)
    return geom


def buildable_area(site: BaseGeometry, results: Sequence[CheckResult]
                   ) -> tuple[BaseGeometry, float]:
    """The site minus every red-line and mineral overlap piece, and its area in ha."""
    cut = [r.overlap for r in results if r.check in ("redline", "minerals") and r.overlap is not None]
    if not cut:
        return site, area_ha(site)
    rest = shapely.difference(site, shapely.union_all(cut))
    return rest, area_ha(rest)


def _indicative(results: Sequence[CheckResult]) -> list[str]:
    layers = {d.get("layer") for r in results for d in r.data_used
              if str(d.get("accuracy", "")).lower() == "indicative"}
    return sorted(x for x in layers if x)


def _reasons(results: Sequence[CheckResult], order: tuple[str, ...]) -> list[dict]:
    bad = [r for r in results if r.status != "PASS"]
    bad.sort(key=lambda r: -order.index(r.status))
    return [{"check": r.check, "status": r.status, "message_key": r.message_key,
             "params": r.params} for r in bad]


def screen_site(geometry: BaseGeometry, project: Project | None = None,
                layers: ScreeningLayers | None = None, config: CheckConfig | None = None
                ) -> ScreenResult:
    """Run every check on one site.

    Parameters
    ----------
    geometry : shapely Polygon or MultiPolygon
        The site, EPSG:4326 (lon, lat).
    project : Project, optional
        Product, activity, area, year; an empty :class:`Project` by default.
    layers : ScreeningLayers, optional
        Indexed layers; loaded from the bundle when omitted (slow: pass them).
    config : CheckConfig, optional
        Rules and thresholds; ``data/rules/`` by default.

    Returns
    -------
    ScreenResult
        Per-check results, overall verdict (worst of PASS < UNKNOWN < WARN <
        FAIL), reasons, buildable geometry and area.
    """
    project = project or Project()
    config = config or load_config()
    layers = layers or ScreeningLayers.from_bundle()
    config.activity(project.activity)  # unknown activity: InputError before any work
    site = prepare_site(geometry)
    site_ha = area_ha(site)
    base = base_check(site, site_ha, project, layers, config)
    base_row = _row_of(layers, base.metrics.get("base_id"))
    results = [
        redline_check(site, site_ha, project, layers, config),
        minerals_check(site, site_ha, layers, config),
        base,
        quota_check(site_ha, project, base_row, float(base.metrics.get("share_inside", 0.0)),
                    layers, config),
        terrain_check(site, site_ha, layers, config),
        chain_check(site, project.product, layers, config),
    ]
    order = config.status_order
    buildable, buildable_ha = buildable_area(site, results)
    return ScreenResult(site=site, area_ha=site_ha, project=project, results=results,
                        overall=worst_status([r.status for r in results], order),
                        reasons=_reasons(results, order), buildable=buildable,
                        buildable_ha=buildable_ha, indicative_layers=_indicative(results))


def _row_of(layers: ScreeningLayers, base_id) -> int | None:
    if base_id is None or layers.bases is None:
        return None
    cache = layers._cache.setdefault(("base_rows",), {
        str(layers.bases.get(i, "id", i)): i for i in range(len(layers.bases))})
    return cache.get(str(base_id))


# --------------------------------------------------------------------------- batch
_STATE: dict = {}


def _init_worker(layers, project, config, transform) -> None:
    _STATE.update(layers=layers, project=project, config=config, transform=transform)


def _work(item):
    site_id, geom = item
    res = screen_site(geom, _STATE["project"], _STATE["layers"], _STATE["config"])
    transform = _STATE["transform"]
    return site_id, (transform(site_id, res) if transform else res)


def screen_many(sites: Iterable[tuple[str, BaseGeometry]], project: Project,
                layers: ScreeningLayers, config: CheckConfig | None = None,
                workers: int = 1, transform: Callable | None = None,
                chunksize: int = 64) -> Iterator[tuple[str, object]]:
    """Screen many sites, in input order, on ``workers`` processes (fork).

    Parameters
    ----------
    sites : iterable of (site_id, geometry)
    transform : callable(site_id, ScreenResult), optional
        Applied in the worker (e.g. :func:`result_rows`) so that only its
        output crosses the process boundary; must be a module-level function.

    Yields
    ------
    (site_id, ScreenResult or transform output)
    """
    config = config or load_config()
    sites = list(sites)
    if workers <= 1 or len(sites) < 2 * chunksize or "fork" not in mp.get_all_start_methods():
        _init_worker(layers, project, config, transform)
        for item in sites:
            yield _work(item)
        return
    ctx = mp.get_context("fork")
    with ctx.Pool(workers, initializer=_init_worker,
                  initargs=(layers, project, config, transform)) as pool:
        yield from pool.imap(_work, sites, chunksize=chunksize)


# --------------------------------------------------------------------------- output
def _fmt(value, digits: int = 4):
    if value is None:
        return ""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return value
    return "" if not np.isfinite(f) else round(f, digits)


def _detail(res: CheckResult, lang: str) -> str:
    from .i18n import t

    return t(res.message_key, lang, **localise_params(res.params, lang))


def result_rows(site_id: str, result: ScreenResult, lang: str = "en") -> dict:
    """CSV rows (one per check plus ``overall``) and GeoJSON features of one screen."""
    from .i18n import t

    rows = []
    for res in result.results:
        with_overlap = res.check in ("redline", "minerals")
        rows.append({
            "site_id": site_id, "check": res.check, "status": res.status,
            "overlap_ha": _fmt(res.metrics.get("overlap_ha")) if with_overlap else "",
            "overlap_share": _fmt(res.metrics.get("overlap_share"), 6) if with_overlap else "",
            "distance_m": _fmt(res.metrics.get("distance_m"), 1)
            if res.check in ("redline", "minerals", "base") else "",
            "detail": _detail(res, lang), "rule": res.rule.get("basis", ""),
            "data_accuracy": ",".join(sorted({str(d.get("accuracy")) for d in res.data_used
                                              if d.get("accuracy")})),
            "area_ha": "", "buildable_ha": ""})
    reasons = "; ".join(f"{r['check']} {r['status']}" for r in result.reasons)
    overall_detail = t("chk.overall", lang, status=t(f"status.{result.overall}", lang),
                       reasons=reasons or "-")
    if result.indicative_layers:
        overall_detail += " " + t("chk.overall.indicative", lang,
                                  layers=", ".join(result.indicative_layers))
    rows.append({"site_id": site_id, "check": "overall", "status": result.overall,
                 "overlap_ha": "", "overlap_share": "", "distance_m": "",
                 "detail": overall_detail, "rule": "", "data_accuracy": "",
                 "area_ha": _fmt(result.area_ha), "buildable_ha": _fmt(result.buildable_ha)})
    gj = result.to_geojson(site_id)["features"]
    if gj[-1]["properties"]["kind"] == "buildable" and \
            abs(result.buildable_ha - result.area_ha) < 1e-9 * max(1.0, result.area_ha):
        gj = gj[:-1]  # buildable == site: do not repeat the polygon
    counts = [sum(r.status == s for r in result.results) for s in ("FAIL", "WARN", "UNKNOWN")]
    return {"rows": rows, "features": gj, "overall": result.overall, "counts": counts,
            "buildable_ha": result.buildable_ha}


def _result_rows_en(site_id, result):
    return result_rows(site_id, result, "en")


def _result_rows_zh(site_id, result):
    return result_rows(site_id, result, "zh")


# --------------------------------------------------------------------------- inputs
def read_sites(path: str | Path) -> list[tuple[str, BaseGeometry]]:
    """Sites of a batch file on disk, as (id, polygon): read exactly as the batch page
    reads an upload (:func:`geo.site_input.read_site_list`, limits
    :data:`~geo.vector_io.BATCH`): the CSV ``site_id,lon,lat,area_ha``, a 界址点
    TXT (GBK or UTF-8), GeoJSON, KML/KMZ, a Shapefile (``.shp`` beside its
    .shx/.dbf, or zipped), GeoPackage, GeoParquet; Gauss-Krüger without .prj
    placed by its zone prefix.

    Raises
    ------
    InputError
        Missing file, too big, missing column, a bad value (with its line), no
        polygon, duplicate ids, or the reading overran its limits.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file", key="err.file_missing", path=str(path))
    if path.suffix.lower() == ".shp":
        return _zipped_shapefile_sites(path)
    if path.stat().st_size > BATCH.max_bytes:
        raise InputError(f"{path.name} is {path.stat().st_size / 2**20:,.1f} MB; at most "
                         f"{BATCH.max_bytes / 2**20:,.0f} MB", key="input.err.too_big",
                         name=path.name, mb=path.stat().st_size / 2**20,
                         max_mb=BATCH.max_bytes / 2**20)
    return read_site_list(path.name, path.read_bytes(), BATCH)


def _zipped_shapefile_sites(shp: Path) -> list[tuple[str, BaseGeometry]]:
    """A ``.shp`` on disk read as the page reads it zipped with its siblings."""
    import io
    import zipfile

    from .vector_io import glob_escape

    siblings = [p for p in shp.parent.glob(glob_escape(shp.stem) + ".*") if p.is_file()]
    if sum(p.stat().st_size for p in siblings) > BATCH.max_bytes:
        raise InputError(f"{shp.name} is too big", key="input.err.too_big", name=shp.name,
                         mb=sum(p.stat().st_size for p in siblings) / 2**20,
                         max_mb=BATCH.max_bytes / 2**20)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in siblings:
            zf.write(p, p.name)
    return read_site_list(shp.with_suffix(".zip").name, buf.getvalue(), BATCH)


def normalise_layer(name: str, frame: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    """Give a user layer the columns the checks read (ids, names, provenance).

    Red lines need only a geometry (optional ``name``, ``category``,
    ``control_level``); minerals a geometry (optional ``name``, ``commodity``,
    ``important``, ``scale``). Missing ``source`` is the file name, missing
    ``accuracy`` is ``user``.
    """
    key = LAYER_NAMES[name]
    out = frame.copy()
    if key == "redline":
        bad = ~out.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
        if bad.any():
            n = int(np.flatnonzero(bad.values)[0]) + 1
            raise InputError(f"--layer {name}={path}: feature {n} is a "
                             f"{out.geometry.geom_type.iloc[n - 1]}, red lines must be polygons",
                             key="err.layer_file", path=str(path))
    if "id" not in out.columns:
        out["id"] = [f"{path.stem}-{i + 1}" for i in range(len(out))]
    out["id"] = out["id"].astype(str)
    if "name" in out.columns:
        for col in ("name_zh", "name_en"):
            if col not in out.columns:
                out[col] = out["name"]
    for col in ("name_zh", "name_en"):
        if col not in out.columns:
            out[col] = out["id"]
    if key == "redline" and "category" in out.columns and "category_en" not in out.columns:
        out["category_en"] = out["category"]
    if key == "deposits" and "important" in out.columns:
        out["important"] = [is_important(v) for v in out["important"]]
    mtime = date.fromtimestamp(path.stat().st_mtime).isoformat()
    for col, default in (("source", path.name), ("source_date", mtime), ("accuracy", "user")):
        if col not in out.columns:
            out[col] = default
    return out


def _parse_layer_spec(spec: str) -> tuple[str, Path]:
    name, sep, path = spec.partition("=")
    name = name.strip().lower()
    if not sep or not name or not path.strip():
        raise InputError(f"--layer {spec!r}: expected NAME=PATH, e.g. redline=zones.gpkg",
                         key="err.layer_spec", spec=spec)
    if name not in ("redline", "redlines", "minerals", "deposits"):
        raise InputError(f"--layer {spec!r}: layer was {name!r} but is expected to be in "
                         f"['redline', 'minerals']", key="err.layer_spec", spec=spec)
    return name, Path(path.strip())


# --------------------------------------------------------------------------- progress
class Progress:
    """A one-line progress bar on a stream (stderr), at most ~10 redraws a second."""

    def __init__(self, total: int, stream=None, width: int = 30, enabled: bool = True) -> None:
        self.total, self.done, self.width = max(1, total), 0, width
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.start = self._last = time.perf_counter()
        self._drawn = -1

    def update(self, n: int = 1) -> None:
        """Count ``n`` more items done."""
        self.done += n
        now = time.perf_counter()
        if self.enabled and (now - self._last > 0.1 or self.done >= self.total):
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        self._drawn = self.done
        frac = self.done / self.total
        bar = "#" * int(frac * self.width)
        rate = self.done / max(now - self.start, 1e-9)
        self.stream.write(f"\r[{bar:<{self.width}}] {self.done}/{self.total} "
                          f"{now - self.start:6.1f} s {rate:7.1f}/s")
        self.stream.flush()

    def close(self) -> None:
        """Finish the line."""
        if self.enabled:
            if self._drawn != self.done:
                self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()


# --------------------------------------------------------------------------- CLI
def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m geo.screen",
        description="Screen candidate sites against red lines, minerals, bases, quotas, "
                    "terrain and chains; writes OUT.csv and OUT.geojson.")
    p.add_argument("sites", metavar="SITES",
                   help="CSV site_id,lon,lat,area_ha (WGS84) or a vector file of site polygons")
    p.add_argument("--product", required=True, help="product or chain node (zh or en)")
    p.add_argument("--year", type=int, default=None,
                   help="quota year (default: latest year of each base's quotas)")
    p.add_argument("--activity", default=None,
                   help="activity code of data/rules/redline_rules.yaml (default industrial)")
    p.add_argument("--investment", type=float, default=None, help="investment, 万元 (reported)")
    p.add_argument("--layer", action="append", default=[], metavar="NAME=PATH",
                   help="replace a layer for this run: redline=PATH or minerals=PATH")
    p.add_argument("--out", required=True, help="output CSV; OUT.geojson is written beside it")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of 'detail'")
    p.add_argument("--workers", type=int, default=None,
                   help="processes (default: number of CPUs for > 500 sites, else 1)")
    p.add_argument("--bundle", default=str(BUNDLE_PATH), help=argparse.SUPPRESS)
    p.add_argument("--dem", default=str(DEM_PATH), help=argparse.SUPPRESS)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _load_layers(args) -> ScreeningLayers:
    specs = [_parse_layer_spec(s) for s in args.layer]  # bad specs fail before loading
    layers = ScreeningLayers.from_bundle(Path(args.bundle), Path(args.dem))
    for name, path in specs:
        frame = read_vector(path, f"--layer {name}")
        layers = layers.replace(name, normalise_layer(name, frame, path))
    return layers


def _rank(outputs: list[tuple[str, dict]], order: tuple[str, ...]) -> dict[str, int]:
    keyed = sorted(outputs, key=lambda o: (order.index(o[1]["overall"]), *o[1]["counts"],
                                           -o[1]["buildable_ha"]))
    return {sid: n for n, (sid, _) in enumerate(keyed, start=1)}


def _write(out: Path, outputs: list[tuple[str, dict]], ranks: dict[str, int]) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for sid, o in outputs:
            for row in o["rows"]:
                writer.writerow({**row, "rank": ranks[sid]})
    gj_path = out.with_suffix(".geojson")
    feats = []
    for sid, o in outputs:
        for f in o["features"]:
            if f["properties"].get("kind") == "site":
                f["properties"]["rank"] = ranks[sid]
            feats.append(f)
    with open(gj_path, "w", encoding="utf-8") as fh:
        json.dump({"type": "FeatureCollection", "features": feats}, fh, ensure_ascii=False)
    return gj_path


def run(args: argparse.Namespace) -> int:
    """Run a parsed command line; raises :class:`QPAError` on bad input."""
    config = load_config()
    config.activity(args.activity)
    sites = read_sites(args.sites)
    layers = _load_layers(args)
    project = Project(product=args.product, activity=args.activity or
                      config.redline.get("default_activity", "industrial"),
                      investment_wan=args.investment, year=args.year)
    workers = args.workers or ((os.cpu_count() or 1) if len(sites) > 500 else 1)
    transform = _result_rows_zh if args.lang == "zh" else _result_rows_en
    bar = Progress(len(sites), enabled=not args.quiet)
    outputs = []
    for sid, o in screen_many(sites, project, layers, config, workers, transform):
        outputs.append((sid, o))
        bar.update()
    bar.close()
    gj = _write(Path(args.out), outputs, _rank(outputs, config.status_order))
    counts = {s: sum(o["overall"] == s for _, o in outputs) for s in config.status_order}
    print(f"{len(outputs)} sites screened: " + ", ".join(f"{k} {v}" for k, v in counts.items())
          + f"; wrote {args.out} and {gj}", file=sys.stderr)
    return 0


def run_cli(parser: argparse.ArgumentParser, run_args: Callable[[argparse.Namespace], object],
            argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run; exit code 0 done (or the int ``run_args`` returns),
    1 bundle missing, 2 bad input (message on stderr)."""
    args = parser.parse_args(argv)  # argparse exits 2 itself on a bad command line
    try:
        code = run_args(args)
        return code if isinstance(code, int) else 0
    except BundleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except QPAError as exc:
        text = error_text(exc, getattr(args, "lang", None) or "en")
        print("error: " + " ".join(text.split()), file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m geo.screen``; returns the exit code."""
    return run_cli(_parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
