"""Screen sites against every layer: :func:`screen_site`, batches, and the command line.

Command line (the contract of issue 3)::

    python -m geo.screen SITES --product TEXT [--year N] [--activity CODE]
                         [--industry GBT4754] [--investment WAN] [--floor-area M2]
                         [--footprint M2] [--admin-area M2]
                         [--layer KIND=PATH ...] [--weights verdict=W,chain=W,quota=W]
                         --out OUT.csv

``SITES`` is read exactly as the batch page reads an upload
(:func:`geo.site_input.read_site_list`, limits :data:`geo.vector_io.BATCH`):
a CSV ``site_id,lon,lat,area_ha`` (WGS84; each site a north-aligned square
of that ellipsoidal area centred on the point), a 界址点 TXT (GBK or UTF-8),
or a GeoJSON, KML/KMZ, Shapefile, GeoPackage or GeoParquet file (one site per
polygon feature; ``site_id`` from a field of that name, else the 1-based row
number). ``--layer redline=PATH`` /
``--layer minerals=PATH`` replace that layer for the run (covering the
province); ``--layer KIND=PATH`` with a control kind (``farmland``,
``urban_boundary``, ``landuse``, ``water_source``, ``heritage``, ``geohazard``,
``wetland``, ``world_heritage``, ``mining_rights``) adds that layer, covering
its own extent. Writes ``OUT.csv``
(one row per site and check of the registry, an ``overall`` row -- the
compliance verdict -- and a ``suitability`` row) and ``OUT.geojson``
beside it (sites with their statuses, overlaps, buildable parts). ``rank`` is
the batch page's ranking (:func:`geo.batch.rank_sites`, the one ranking of the
project): lexicographic (verdict, chain, quota) by default, the weighted score
with ``--weights``. Exit codes:
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TextIO

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from .bundle import BUNDLE_PATH, DEM_PATH, BundleError
from .checks import CheckConfig, CheckContext, CheckResult, Project, ScreenResult, load_config
from .checks.minerals import is_important
from .checks.registry import LEGACY_CHECKS, get_check, registry, run_order
from .checks.result import localise_params
from .checks.verdict import compliance, reasons, suitability, suitability_text
from .errors import InputError, QPAError
from .export_safe import neutralise_row
from .geodesy import area_ha
from .i18n import error_text
from .layers_index import CONTROL_LAYERS, LAYER_NAMES, ScreeningLayers, read_vector
from .site_input import read_site_list, repair_polygon
from .vector_io import BATCH, SITE, Limits, check_geometry_size

__all__ = [
    "CSV_COLUMNS",
    "prepare_site",
    "screen_site",
    "screen_result",
    "buildable_area",
    "buildable_cut",
    "screen_many",
    "read_sites",
    "result_rows",
    "ranks",
    "normalise_layer",
    "main",
]

#: Columns of OUT.csv, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "site_id", "rank", "check", "status", "overlap_ha", "overlap_share", "distance_m",
    "detail", "rule", "data_accuracy", "area_ha", "buildable_ha", "score",
    "new_construction_ha", "farmland_ha", "cropland_ha",
)


# --------------------------------------------------------------------------- screening
def prepare_site(geometry: BaseGeometry, limits: Limits = SITE) -> BaseGeometry:
    """Check and repair a site geometry: a lon/lat (multi)polygon, valid, 2D.

    Bounded like every input path (:mod:`geo.vector_io`), for callers that pass a
    geometry in code: its vertices (``limits.max_feature_vertices``) and its lon/lat
    bounds are checked **before** any repair, and an invalid polygon is repaired by
    :func:`geo.site_input.repair_polygon` (one of more than
    :data:`~geo.site_input.INLINE_REPAIR_VERTICES` vertices in the sandbox, under the
    CPU, wall-clock and memory limits of ``limits``).

    Raises
    ------
    InputError
        Not polygonal, empty, too many vertices, coordinates outside lon/lat ranges,
        or a repair that overran its limits (``input.err.timeout`` / ``input.err.memory``).
    """
    if geometry is None or geometry.is_empty:
        raise InputError("the site geometry is empty", key="err.site_empty")
    if geometry.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
        raise InputError(f"the site must be a polygon, got {geometry.geom_type}",
                         key="err.site_type", type=geometry.geom_type)
    geom = shapely.force_2d(geometry)
    check_geometry_size([geom], limits)
    w, s, e, n = geom.bounds  # shapely's bounds skip NaN: the coordinates are checked too
    if not np.isfinite(shapely.get_coordinates(geom)).all() \
            or w < -180 or e > 180 or s < -90 or n > 90:
        detail = f"{w:.3f}, {s:.3f}, {e:.3f}, {n:.3f}"
        raise InputError(f"site coordinates are not lon/lat degrees (bounds {detail})",
                         key="err.site_range", detail=detail)
    if not geom.is_valid:
        geom = repair_polygon(geom, limits)
    if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise InputError(f"the site must be a polygon, got {geometry.geom_type}",
                         key="err.site_type", type=geometry.geom_type)
    shapely.prepare(geom)
    return geom


def buildable_area(site: BaseGeometry, results: Sequence[CheckResult]
                   ) -> tuple[BaseGeometry, float]:
    """The site minus the overlaps of every check that cuts the buildable area, and its ha.

    Red lines and control lines cut it (``cuts_buildable`` in the registry);
    mineral areas do not (an approved overlay is buildable).
    """
    cut = buildable_cut(results)
    if cut is None:
        return site, area_ha(site)
    rest = shapely.difference(site, cut)
    return rest, area_ha(rest)


def buildable_cut(results: Sequence[CheckResult]) -> BaseGeometry | None:
    """What is cut from the site's buildable area: the union of the overlaps of the checks
    that cut it (``cuts_buildable``) and FAIL or WARN; None when nothing is cut."""
    cut = [r.overlap for r in results
           if get_check(r.check).cuts_buildable and r.status in ("FAIL", "WARN")
           and r.overlap is not None]
    return shapely.union_all(cut) if cut else None


def _indicative(results: Sequence[CheckResult]) -> list[str]:
    layers = {d.get("layer") for r in results for d in r.data_used
              if str(d.get("accuracy", "")).lower() == "indicative"}
    return sorted(x for x in layers if x)


def _missing(results: Sequence[CheckResult]) -> list[str]:
    return [r.check for r in results if r.metrics.get("reason") == "no_layer"]


def screen_site(geometry: BaseGeometry, project: Project | None = None,
                layers: ScreeningLayers | None = None, config: CheckConfig | None = None
                ) -> ScreenResult:
    """Run every check of the registry on one site.

    Parameters
    ----------
    geometry : shapely Polygon or MultiPolygon
        The site, EPSG:4326 (lon, lat).
    project : Project, optional
        Product, activity, area, year...; an empty :class:`Project` by default.
    layers : ScreeningLayers, optional
        Indexed layers; loaded from the bundle when omitted (slow: pass them).
    config : CheckConfig, optional
        Rules and thresholds; ``data/rules/`` by default.

    Returns
    -------
    ScreenResult
        Per-check results in registry order, the compliance verdict
        (``overall``: worst binding status, PASS < UNKNOWN < WARN < FAIL) and
        its reasons, the suitability score, the buildable geometry and area.
    """
    project = project or Project()
    config = config or load_config()
    layers = layers or ScreeningLayers.from_bundle()
    config.activity(project.activity)  # unknown activity: InputError before any work
    site = prepare_site(geometry)
    ctx = CheckContext(site, area_ha(site), project, layers, config)
    for spec in run_order():
        ctx.results[spec.id] = spec.run(ctx)
    return screen_result(ctx)


def screen_result(ctx: CheckContext,
                  buildable: tuple[BaseGeometry, float] | None = None) -> ScreenResult:
    """The two verdicts, buildable area and layer notes of the checks run in ``ctx``.

    ``ctx.results`` holds every check of the registry (:func:`screen_site`) or
    a subset with the checks it needs (the bulk path); the verdicts are over
    the checks present. ``buildable`` (geometry, ha) is the site minus
    :func:`buildable_cut` when already measured (the bulk path measures it for
    many sites at once); by default :func:`buildable_area`.
    """
    site, project, config = ctx.site, ctx.project, ctx.config
    results = [ctx.results[spec.id] for spec in registry() if spec.id in ctx.results]
    buildable, buildable_ha = buildable if buildable is not None else \
        buildable_area(site, results)
    return ScreenResult(site=site, area_ha=ctx.site_ha, project=project, results=results,
                        overall=compliance(results, config), reasons=reasons(results, config),
                        buildable=buildable, buildable_ha=buildable_ha,
                        indicative_layers=_indicative(results),
                        suitability=suitability(results, config), missing_layers=_missing(results))


# --------------------------------------------------------------------------- batch
_STATE: dict[str, Any] = {}


def _init_worker(layers: ScreeningLayers, project: Project, config: CheckConfig,
                 transform: Callable[[str, ScreenResult], Any] | None) -> None:
    _STATE.update(layers=layers, project=project, config=config, transform=transform)


def _work(item: tuple[str, BaseGeometry]) -> tuple[str, Any]:
    site_id, geom = item
    res = screen_site(geom, _STATE["project"], _STATE["layers"], _STATE["config"])
    transform = _STATE["transform"]
    return site_id, (transform(site_id, res) if transform else res)


def screen_many(sites: Iterable[tuple[str, BaseGeometry]], project: Project,
                layers: ScreeningLayers, config: CheckConfig | None = None,
                workers: int = 1, transform: Callable[[str, ScreenResult], Any] | None = None,
                chunksize: int = 64) -> Iterator[tuple[str, Any]]:
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
def _fmt(value: Any, digits: int = 4) -> Any:
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


def _check_row(site_id: str, res: CheckResult, lang: str) -> dict[str, Any]:
    spec = get_check(res.check)
    return {
        "site_id": site_id, "check": res.check, "status": res.status,
        "overlap_ha": _fmt(res.metrics.get("overlap_ha")) if spec.csv_overlap else "",
        "overlap_share": _fmt(res.metrics.get("overlap_share"), 6) if spec.csv_overlap else "",
        "distance_m": _fmt(res.metrics.get("distance_m"), 1)
        if spec.csv_overlap or res.check == "base" else "",
        "detail": _detail(res, lang), "rule": res.rule.get("basis", ""),
        "data_accuracy": ",".join(sorted({str(d.get("accuracy")) for d in res.data_used
                                          if d.get("accuracy")})),
        "area_ha": "", "buildable_ha": "", "score": "",
        "new_construction_ha": _fmt(res.metrics.get("new_construction_ha")),
        "farmland_ha": _fmt(res.metrics.get("farmland_ha")),
        "cropland_ha": _fmt(res.metrics.get("cropland_ha"))}


def result_rows(site_id: str, result: ScreenResult, lang: str = "en") -> dict[str, Any]:
    """CSV rows and GeoJSON features of one screen.

    Rows: the six checks of the first release, ``overall`` (the compliance
    verdict over the binding checks), one row per newer check, ``suitability``
    (advisory score, status = its band); ``record``, the site's row of the batch
    table (:func:`geo.batch.site_record`) that :func:`ranks` ranks.
    """
    from .i18n import t

    by = {r.check: r for r in result.results}
    rows = [_check_row(site_id, by[c], lang) for c in LEGACY_CHECKS if c in by]
    reasons_text = "; ".join(f"{r['check']} {r['status']}" for r in result.reasons)
    overall_detail = t("chk.overall", lang, status=t(f"status.{result.overall}", lang),
                       reasons=reasons_text or "-")
    if result.indicative_layers:
        overall_detail += " " + t("chk.overall.indicative", lang,
                                  layers=", ".join(result.indicative_layers))
    empty = {k: "" for k in CSV_COLUMNS}
    rows.append({**empty, "site_id": site_id, "check": "overall", "status": result.overall,
                 "detail": overall_detail, "area_ha": _fmt(result.area_ha),
                 "buildable_ha": _fmt(result.buildable_ha)})
    rows += [_check_row(site_id, r, lang) for r in result.results if r.check not in LEGACY_CHECKS]
    suit = result.suitability
    assert suit is not None  # screen_result always scores suitability
    rows.append({**empty, "site_id": site_id, "check": "suitability", "status": suit.band,
                 "detail": suitability_text(suit, lang), "score": _fmt(suit.score)})
    gj = result.to_geojson(site_id)["features"]
    if gj[-1]["properties"]["kind"] == "buildable" and \
            abs(result.buildable_ha - result.area_ha) < 1e-9 * max(1.0, result.area_ha):
        gj = gj[:-1]  # buildable == site: do not repeat the polygon
    from .batch import site_record

    return {"rows": rows, "features": gj, "overall": result.overall,
            "record": site_record(site_id, result)}


def _result_rows_en(site_id: str, result: ScreenResult) -> dict[str, Any]:
    return result_rows(site_id, result, "en")


def _result_rows_zh(site_id: str, result: ScreenResult) -> dict[str, Any]:
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
    ``important``, ``scale``); control-line and land-use layers polygons
    (optional ``name``, the level field of their kind, ``dlbm`` for 三调).
    Missing ``source`` is the file name, missing ``accuracy`` is ``user``.
    """
    key = LAYER_NAMES.get(name, name)
    out = frame.copy()
    if key == "redline" or key in CONTROL_LAYERS:
        bad = ~out.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
        if bad.any():
            n = int(np.flatnonzero(bad.values)[0]) + 1
            raise InputError(f"--layer {name}={path}: feature {n} is a "
                             f"{out.geometry.geom_type.iloc[n - 1]}, {key} features must be "
                             f"polygons (red lines must be polygons)",
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
    allowed = ["redline", "minerals", *CONTROL_LAYERS]
    if name not in ("redlines", "deposits", *allowed):
        raise InputError(f"--layer {spec!r}: layer was {name!r} but is expected to be in "
                         f"{allowed}", key="err.layer_spec", spec=spec)
    return name, Path(path.strip())


# --------------------------------------------------------------------------- progress
class Progress:
    """A one-line progress bar on a stream (stderr), at most ~10 redraws a second."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30,
                 enabled: bool = True) -> None:
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
    p.add_argument("--investment", type=float, default=None, help="investment, 万元 (投资强度)")
    p.add_argument("--layer", action="append", default=[], metavar="KIND=PATH",
                   help="use a layer for this run: redline=PATH, minerals=PATH, or a control "
                        "layer (" + ", ".join(CONTROL_LAYERS) + ")=PATH")
    p.add_argument("--industry", default=None, help="GB/T 4754 industry class (e.g. C2624)")
    p.add_argument("--floor-area", type=float, default=None, help="总建筑面积, m²")
    p.add_argument("--footprint", type=float, default=None, help="建筑物及构筑物基底面积, m²")
    p.add_argument("--admin-area", type=float, default=None,
                   help="行政办公及生活服务设施用地面积, m²")
    p.add_argument("--weights", default=None,
                   help="rank by the weighted score verdict=W,chain=W,quota=W (default: in "
                        "turn by verdict, chain, quota, as the batch page)")
    p.add_argument("--out", required=True, help="output CSV; OUT.geojson is written beside it")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of 'detail'")
    p.add_argument("--workers", type=int, default=None,
                   help="processes (default: number of CPUs for > 500 sites, else 1)")
    p.add_argument("--bundle", default=str(BUNDLE_PATH), help=argparse.SUPPRESS)
    p.add_argument("--dem", default=str(DEM_PATH), help=argparse.SUPPRESS)
    p.add_argument("--local-dem", default=None, metavar="GEOTIFF",
                   help="a finer elevation model (GeoTIFF, any coordinate system, at most 200 "
                        "MB) that refines the terrain check where it covers a whole site, as an "
                        "import on the data page does")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def with_local_dem(layers: ScreeningLayers, path: Path) -> ScreeningLayers:
    """``layers`` with the GeoTIFF at ``path`` as the finer elevation model, read with the
    data page's import (size, grid and extent bounded; any CRS, warped to EPSG:4326)."""
    import dataclasses
    import tempfile

    from .dem import check_dem_size, import_dem, read_dem

    if not path.is_file():
        raise InputError(f"{path}: no such file", key="err.file_missing", path=str(path))
    check_dem_size(path.stat().st_size)  # refused before it is read
    with tempfile.TemporaryDirectory(prefix="qpa_dem_") as tmp:
        out = Path(tmp) / "local.tif"
        import_dem(path.read_bytes(), out)
        local = read_dem(out)
    return dataclasses.replace(layers, local_dem=local, local_slope=None)


def _load_layers(args: argparse.Namespace) -> ScreeningLayers:
    specs = [_parse_layer_spec(s) for s in args.layer]  # bad specs fail before loading
    layers = ScreeningLayers.from_bundle(Path(args.bundle), Path(args.dem))
    if getattr(args, "local_dem", None):
        layers = with_local_dem(layers, Path(args.local_dem))
    for name, path in specs:
        frame = read_vector(path, f"--layer {name}")
        # a replacement of a province-wide layer covers the province; a control layer its extent
        cover = layers.coverage if name in LAYER_NAMES else None
        layers = layers.replace(name, normalise_layer(name, frame, path), coverage=cover)
    return layers


def ranks(outputs: list[tuple[str, dict[str, Any]]], weights: dict[str, float] | None,
          order: tuple[str, ...]) -> dict[str, int]:
    """Rank of each site (1 best) by :func:`geo.batch.rank_sites`, the ranking the batch
    page shows: lexicographic with ``weights=None``, else the weighted score."""
    from .batch import rank_sites

    if not outputs:
        return {}
    ranked = rank_sites(pd.DataFrame([o["record"] for _, o in outputs]), weights, order)
    return dict(zip(ranked["site_id"].astype(str), ranked["rank"].astype(int)))


def _write(out: Path, outputs: list[tuple[str, dict[str, Any]]], rank: dict[str, int]) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for sid, o in outputs:
            for row in o["rows"]:
                writer.writerow(neutralise_row({**row, "rank": rank[sid]}))
    gj_path = out.with_suffix(".geojson")
    feats = []
    for sid, o in outputs:
        for f in o["features"]:
            if f["properties"].get("kind") == "site":
                f["properties"]["rank"] = rank[sid]
            feats.append(f)
    with open(gj_path, "w", encoding="utf-8") as fh:
        json.dump({"type": "FeatureCollection", "features": feats}, fh, ensure_ascii=False)
    return gj_path


def run(args: argparse.Namespace) -> int:
    """Run a parsed command line; raises :class:`QPAError` on bad input."""
    from .batch import parse_weights

    config = load_config()
    config.activity(args.activity)
    weights = parse_weights(args.weights)  # a bad --weights fails before any work
    sites = read_sites(args.sites)
    layers = _load_layers(args)
    project = Project(product=args.product, activity=args.activity or
                      config.redline.get("default_activity", "industrial"),
                      investment_wan=args.investment, year=args.year, industry=args.industry,
                      floor_area_m2=args.floor_area, footprint_m2=args.footprint,
                      admin_area_m2=args.admin_area)
    workers = args.workers or ((os.cpu_count() or 1) if len(sites) > 500 else 1)
    transform = _result_rows_zh if args.lang == "zh" else _result_rows_en
    bar = Progress(len(sites), enabled=not args.quiet)
    outputs: list[tuple[str, dict[str, Any]]] = []
    for sid, o in screen_many(sites, project, layers, config, workers, transform):
        outputs.append((sid, o))
        bar.update()
    bar.close()
    gj = _write(Path(args.out), outputs, ranks(outputs, weights, config.status_order))
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
