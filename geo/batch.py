"""Batch ranking of many candidate sites, with a Monte-Carlo weight sensitivity.

Every site is screened with :func:`geo.screen.screen_site` (every check of the
registry); :func:`site_record` flattens one screen into one table row (the
compliance verdict ``overall``, the suitability score, each check's status and
its ``batch_figures`` in columns). :func:`rank_sites` orders the table:

* ``weights=None`` (the default): lexicographic, by overall verdict
  (PASS < UNKNOWN < WARN < FAIL), then chain adjacency score (high first), then
  the quota component (high first), then buildable hectares, then site id;
* ``weights={"verdict": w1, "chain": w2, "quota": w3}``: by the weighted mean of
  the three components (each in [0, 1], see :func:`components`), ties broken
  lexicographically as above.

:func:`sensitivity` perturbs the weights (``draws`` random draws, multiplicative
log-normal noise) and counts, for every site, the share of draws in which it is
in the top ``top`` (3) -- all draws in one matrix product, no loop over draws.

Command line::

    python -m geo.batch SITES --product TEXT --out RANKED.csv
                        [--weights verdict=0.6,chain=0.25,quota=0.15]
                        [--draws 300] [--spread 0.3] [--year N] [--workers N]
                        [--xlsx] [--lang en|zh]

writes ``RANKED.csv`` (one row per site, ranked; with ``--weights`` also ``top3_share``),
``RANKED.geojson`` and with ``--xlsx`` ``RANKED.xlsx``. No Streamlit here.
``python -m geo.batch PARCELS --out OUT.gpkg|OUT.parquet`` screens a parcel layer
of any size in chunks instead (:mod:`geo.bulk.stream`).
Coordinates (lon, lat) EPSG:4326; areas ellipsoidal ha; distances geodesic m.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from .checks import Project, ScreenResult, load_config
from .checks.registry import registry
from .checks.result import DEFAULT_STATUS_ORDER
from .errors import InputError
from .export_safe import neutralise_frame

if TYPE_CHECKING:
    from .checks import CheckConfig
    from .layers_index import ScreeningLayers

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "site_record",
    "screen_table",
    "components",
    "rank_sites",
    "perturbed_weights",
    "sensitivity",
    "to_geojson",
    "to_excel_bytes",
    "parse_weights",
    "main",
]

#: Ranking components, each in [0, 1] (1 best).
COMPONENTS: tuple[str, ...] = ("verdict", "chain", "quota")
#: Default weights of the weighted ranking (the page's sliders start here).
DEFAULT_WEIGHTS: dict[str, float] = {"verdict": 0.6, "chain": 0.25, "quota": 0.15}
#: Remaining quota (ha) at which the quota component reaches 1 (as the base ranking).
QUOTA_FULL_HA = 100.0

def _value(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, (list, tuple)):
        return ",".join(str(x) for x in v)
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float):
        return round(v, 4) if np.isfinite(v) else None
    return v


def site_record(site_id: str, result: ScreenResult) -> dict[str, Any]:
    """One flat row of a screen: ids, position, verdict, each check's status and figures.

    Module-level so that :func:`geo.screen.screen_many` can apply it in its workers.
    """
    pt = result.site.representative_point()
    rec = {"site_id": str(site_id), "lon": round(pt.x, 6), "lat": round(pt.y, 6),
           "area_ha": round(result.area_ha, 4), "buildable_ha": round(result.buildable_ha, 4),
           "overall": result.overall,
           "suitability": _value(result.suitability.score) if result.suitability else None}
    by_check = {r.check: r for r in result.results}
    for spec in registry():
        res = by_check.get(spec.id)
        rec[f"{spec.id}_status"] = res.status if res else "UNKNOWN"
        for key in spec.batch_figures:
            rec[f"{spec.id}_{key}"] = _value(res.metrics.get(key)) if res else None
    rec["indicative"] = ",".join(result.indicative_layers)
    return rec


def screen_table(sites: Sequence[tuple[str, BaseGeometry]], project: Project,
                 layers: ScreeningLayers, config: CheckConfig | None = None, workers: int = 1,
                 progress: Callable[[int, int], object] | None = None) -> pd.DataFrame:
    """Screen ``sites`` and return one row per site (input order, not ranked).

    ``progress(done, total)`` is called after each site (for a progress bar).
    """
    from .screen import screen_many

    config = config or load_config()
    rows, total = [], len(sites)
    for n, (_, rec) in enumerate(screen_many(sites, project, layers, config, workers,
                                             site_record), start=1):
        rows.append(rec)
        if progress is not None:
            progress(n, total)
    return pd.DataFrame(rows)


def components(table: pd.DataFrame, order: tuple[str, ...] = DEFAULT_STATUS_ORDER,
               quota_full_ha: float = QUOTA_FULL_HA) -> np.ndarray:
    """Component matrix (n_sites x 3, columns :data:`COMPONENTS`), each in [0, 1].

    * verdict: 1 for the best status, 0 for the worst, evenly between
      (PASS 1, UNKNOWN 2/3, WARN 1/3, FAIL 0);
    * chain: the chain adjacency score (0 when UNKNOWN -- no data is never good);
    * quota: min(1, remaining_ha after the request / ``quota_full_ha``), 0 when
      the site has no quota row or the request exceeds what is left.
    """
    n_status = max(1, len(order) - 1)
    verdict = 1.0 - table["overall"].map(lambda s: order.index(s)).to_numpy(float) / n_status
    chain = pd.to_numeric(table.get("chain_score"), errors="coerce").fillna(0.0).to_numpy(float)
    left = (pd.to_numeric(table.get("quota_remaining_ha"), errors="coerce")
            - pd.to_numeric(table.get("quota_requested_ha"), errors="coerce").fillna(0.0))
    quota = np.clip(left.fillna(0.0).to_numpy(float) / float(quota_full_ha), 0.0, 1.0)
    return np.column_stack([verdict, np.clip(chain, 0.0, 1.0), quota])


def _weight_vector(weights: dict[str, float] | None) -> np.ndarray:
    w = dict(DEFAULT_WEIGHTS, **(weights or {}))
    unknown = set(w) - set(COMPONENTS)
    if unknown:
        raise InputError(f"weight was {sorted(unknown)} but is expected to be in {COMPONENTS}",
                         key="err.batch_weights", names=", ".join(sorted(unknown)))
    vec = np.array([float(w[c]) for c in COMPONENTS])
    if (vec < 0).any() or not np.isfinite(vec).all() or vec.sum() <= 0:
        raise InputError(f"weights must be >= 0 with a positive sum, got {w}",
                         key="err.batch_weights", names=str(w))
    normalised: np.ndarray = vec / vec.sum()
    return normalised


def _fails(table: pd.DataFrame) -> np.ndarray:
    """1 where the site's compliance verdict is FAIL, else 0."""
    fails: np.ndarray = (table["overall"].astype(str) == "FAIL").to_numpy(np.int64)
    return fails


def _lex_position(table: pd.DataFrame, comp: np.ndarray) -> np.ndarray:
    """Position (0 = best) of each row in the lexicographic order."""
    keys = (table["site_id"].astype(str).to_numpy(),
            -pd.to_numeric(table["buildable_ha"], errors="coerce").fillna(0).to_numpy(float),
            -comp[:, 2], -comp[:, 1], -comp[:, 0])
    order = np.lexsort(keys)  # last key is the primary one
    pos = np.empty(len(order), dtype=np.int64)
    pos[order] = np.arange(len(order))
    return pos


def rank_sites(table: pd.DataFrame, weights: dict[str, float] | None = None,
               order: tuple[str, ...] = DEFAULT_STATUS_ORDER) -> pd.DataFrame:
    """The table ranked (``rank`` 1 = best) with the components and ``score`` columns.

    ``weights=None`` ranks lexicographically (verdict, chain, quota); otherwise by
    the weighted mean of the components (normalised weights), ties lexicographic.
    Whatever the weights, a site whose compliance verdict (``overall``) is FAIL ranks
    after every site that does not fail: weights trade advisory merits off against
    each other, never against a binding rule.
    """
    if table.empty:
        return table.assign(rank=pd.Series(dtype=int))
    comp = components(table, order)
    lex = _lex_position(table, comp)
    out = table.copy()
    for i, c in enumerate(COMPONENTS):
        out[f"c_{c}"] = comp[:, i].round(4)
    if weights is None:
        out["score"] = np.nan
        idx = np.argsort(lex, kind="stable")
    else:
        score = comp @ _weight_vector(weights)
        out["score"] = score.round(4)
        idx = np.lexsort((lex, -score, _fails(table)))
    out = out.iloc[idx].reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def perturbed_weights(weights: dict[str, float] | None, draws: int = 300,
                      spread: float = 0.3, seed: int = 0) -> np.ndarray:
    """``draws`` x 3 weight vectors: each weight times exp(N(0, spread)), rows summing to 1."""
    base = _weight_vector(weights)
    rng = np.random.default_rng(seed)
    w = base[None, :] * np.exp(rng.normal(0.0, spread, size=(int(draws), len(base))))
    rows: np.ndarray = w / w.sum(axis=1, keepdims=True)
    return rows


def sensitivity(table: pd.DataFrame, weights: dict[str, float] | None = None,
                draws: int = 300, spread: float = 0.3, top: int = 3, seed: int = 0,
                order: tuple[str, ...] = DEFAULT_STATUS_ORDER) -> pd.DataFrame:
    """How often each site is in the top ``top`` when the weights are perturbed.

    Returns a frame ``site_id, top_share`` (share of draws, 0..1), ``mean_rank``,
    ``best_rank``, ``worst_rank``, sorted by ``top_share`` then mean rank. One
    (n_sites x 3) @ (3 x draws) product and one argsort over the sites axis.
    """
    n = len(table)
    if n == 0:
        return pd.DataFrame(columns=["site_id", "top_share", "mean_rank", "best_rank",
                                     "worst_rank"])
    comp = components(table, order)
    lex = _lex_position(table, comp)
    w = perturbed_weights(weights, draws, spread, seed)           # draws x 3
    scores = comp @ w.T                                            # n x draws
    # ties broken lexicographically: subtract a tiny amount growing with the lex position;
    # a failing site after every other (scores are in [0, 1])
    scores = scores - lex[:, None] * (1e-9 / max(n, 1)) - 2.0 * _fails(table)[:, None]
    order_idx = np.argsort(-scores, axis=0, kind="stable")        # positions per draw
    ranks = np.empty_like(order_idx)
    np.put_along_axis(ranks, order_idx, np.arange(1, n + 1)[:, None].repeat(w.shape[0], 1), 0)
    out = pd.DataFrame({
        "site_id": table["site_id"].astype(str).to_numpy(),
        "top_share": (ranks <= top).mean(axis=1).round(4),
        "mean_rank": ranks.mean(axis=1).round(2),
        "best_rank": ranks.min(axis=1), "worst_rank": ranks.max(axis=1)})
    return out.sort_values(["top_share", "mean_rank"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def to_geojson(ranked: pd.DataFrame, geometries: dict[str, BaseGeometry]) -> str:
    """GeoJSON FeatureCollection of the ranked sites (their polygons, all columns)."""
    geoms = [geometries.get(str(s)) for s in ranked["site_id"]]
    frame = gpd.GeoDataFrame(ranked.copy(), geometry=geoms, crs=4326)
    text: str = frame.to_json(na="null", drop_id=True, ensure_ascii=False)
    return text


def to_excel_bytes(ranked: pd.DataFrame, sens: pd.DataFrame | None = None,
                   readable: pd.DataFrame | None = None, readable_name: str = "") -> bytes:
    """An .xlsx workbook (openpyxl): ``readable`` first when given (the table in the reader's
    language, sheet ``readable_name``), then sheet ``ranking`` (field names and codes), and
    ``sensitivity`` if given."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        if readable is not None:
            neutralise_frame(readable).to_excel(xl, sheet_name=readable_name or "table", index=False)
        neutralise_frame(ranked).to_excel(xl, sheet_name="ranking", index=False)
        if sens is not None:
            neutralise_frame(sens).to_excel(xl, sheet_name="sensitivity", index=False)
    return buf.getvalue()


def parse_weights(text: str | None) -> dict[str, float] | None:
    """``verdict=0.6,chain=0.3,quota=0.1`` -> dict; empty -> None (lexicographic)."""
    if not text or not text.strip():
        return None
    out = {}
    for part in text.split(","):
        name, sep, val = part.partition("=")
        try:
            out[name.strip()] = float(val)
        except ValueError:
            raise InputError(f"--weights {text!r}: expected NAME=NUMBER,..., e.g. "
                             f"verdict=0.6,chain=0.25,quota=0.15", key="err.batch_weights",
                             names=text) from None
        if not sep:
            raise InputError(f"--weights {text!r}: {part!r} has no '='", key="err.batch_weights",
                             names=text)
    _weight_vector(out)
    return out


# --------------------------------------------------------------------------- CLI
def _parser() -> argparse.ArgumentParser:
    from .bundle import BUNDLE_PATH, DEM_PATH

    p = argparse.ArgumentParser(prog="python -m geo.batch",
                                description="Screen many candidate sites and rank them.")
    p.add_argument("sites", metavar="SITES",
                   help="CSV site_id,lon,lat,area_ha (WGS84) or a vector file of site polygons")
    p.add_argument("--product", required=True, help="product or chain node (zh or en)")
    p.add_argument("--year", type=int, default=None, help="quota year")
    p.add_argument("--out", required=True, help="ranked CSV; .geojson (and .xlsx) beside it")
    p.add_argument("--weights", default=None,
                   help="verdict=W,chain=W,quota=W (default: lexicographic ranking)")
    p.add_argument("--draws", type=int, default=300,
                   help="sensitivity draws of the --weights (0: none; none without --weights)")
    p.add_argument("--spread", type=float, default=0.3, help="log-normal sigma of the draws")
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--xlsx", action="store_true", help="also write RANKED.xlsx")
    p.add_argument("--bundle", default=str(BUNDLE_PATH), help=argparse.SUPPRESS)
    p.add_argument("--dem", default=str(DEM_PATH), help=argparse.SUPPRESS)
    p.add_argument("--local-dem", default=None, metavar="GEOTIFF",
                   help="a finer elevation model (GeoTIFF, any coordinate system, at most 200 "
                        "MB) that refines the terrain check where it covers a whole site")
    return p


def run(args: argparse.Namespace) -> pd.DataFrame:
    """Run a parsed command line; returns the ranked table."""
    from .batch_views import ranking_export
    from .layers_index import ScreeningLayers
    from .screen import read_sites

    weights = parse_weights(args.weights)
    config = load_config()
    sites = read_sites(args.sites)
    layers = ScreeningLayers.from_bundle(Path(args.bundle), Path(args.dem))
    if getattr(args, "local_dem", None):
        from .screen import with_local_dem

        layers = with_local_dem(layers, Path(args.local_dem))
    project = Project(product=args.product, year=args.year)
    workers = args.workers or ((os.cpu_count() or 1) if len(sites) > 500 else 1)
    table = screen_table(sites, project, layers, config, workers)
    # as on the page: the weights are tested only where they rank (not in turn)
    sens = (sensitivity(table, weights, args.draws, args.spread, order=config.status_order)
            if weights is not None and args.draws > 0 else None)
    ranked = ranking_export(rank_sites(table, weights, config.status_order), sens)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    neutralise_frame(ranked).to_csv(out, index=False, encoding="utf-8")
    out.with_suffix(".geojson").write_text(to_geojson(ranked, dict(sites)), encoding="utf-8")
    if args.xlsx:
        out.with_suffix(".xlsx").write_bytes(to_excel_bytes(ranked, sens))
    counts = ranked["overall"].value_counts().to_dict()
    print(f"{len(ranked)} sites ranked: " + ", ".join(f"{s} {counts.get(s, 0)}"
                                                     for s in config.status_order)
          + f"; wrote {out}", file=sys.stderr)
    return ranked


def main(argv: Iterable[str] | None = None) -> int:
    """Entry point of ``python -m geo.batch``; 0 done, 1 bundle missing, 2 bad input.

    With ``--out`` a .gpkg or .parquet file, a parcel layer is screened chunk by
    chunk instead (:mod:`geo.bulk.stream`: streaming, resumable, ``--engine dask``).
    """
    from .bulk.stream import is_stream_out, main as stream_main
    from .screen import run_cli

    argv = list(sys.argv[1:] if argv is None else argv)
    if is_stream_out(argv):
        return stream_main(argv)
    return run_cli(_parser(), run, argv)

if __name__ == "__main__":
    sys.exit(main())
