"""Check 2: mineral overlap (压覆矿产资源).

Deposits inside the site or within ``minerals.deposit_buffer_m`` of it (a
deposit point stands for a larger ore body, so it is counted through a
geodesic circle of that radius; polygon deposits through their own outline),
and salt-lake polygons carrying any of ``minerals.salt_lake_minerals`` (the
salt lakes are the potash / lithium / boron deposits).

《矿产资源法》(2024 修订, 2025-07-01 施行) requires a project that may overlay
important mineral resources to have the overlay assessed and approved; an
indicative point or outline only says that the query must be made:

* FAIL: an authoritative 储量 polygon (``accuracy`` authoritative, polygonal,
  imported) of an important mineral overlapped by the site (the mining-right
  polygons are the ``mining_rights`` check);
* WARN "需开展压覆重要矿产资源查询/评估": any indicative deposit or mineral salt
  lake counted, naming the deposit, mineral and distance;
* PASS: none, with the distance to the nearest deposit;
* UNKNOWN: no deposit layer, or nothing counted and the site not wholly
  inside the layer's coverage (the share covered is stated).

Mineral overlaps do not cut the buildable area: an approved overlay is
buildable.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..geodesy import area_ha
from .config import CheckConfig
from .context import CheckContext, covered_share, overlaps, unknown
from .measure import local_buffer, site_latitude
from .result import CheckResult

if TYPE_CHECKING:  # pragma: no cover
    from ..layers_index import LayerIndex, ScreeningLayers

__all__ = ["MineralsMeasure", "run", "measure", "decide", "is_important", "important_mineral",
           "deposit_body", "deposit_reach", "search_reach", "counted_minerals", "circle_quad_segs"]

_TRUE = {"true", "1", "yes", "y", "t", "是"}


def is_important(value: object) -> bool:
    """Truthiness of an ``important`` attribute (bool, 0/1 or text).

    >>> is_important("true"), is_important(0), is_important(None)
    (True, False, False)
    """
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    try:
        return bool(value) and not (isinstance(value, float) and np.isnan(value))
    except (TypeError, ValueError):
        return False


def important_mineral(commodity: object, flag: object = None) -> bool:
    """Whether a deposit is of an important mineral: its ``important`` flag, else the list of
    ``data/rules/important_minerals.yaml`` (34 minerals of the 开采登记 appendix, 24 strategic)."""
    if is_important(flag):
        return True
    if commodity in (None, ""):
        return False
    from ..rules_tables import is_important_mineral

    return is_important_mineral(str(commodity)) is not None


def deposit_body(geom: BaseGeometry, site_lat: float, sec: dict[str, Any]) -> BaseGeometry:
    """The area a deposit stands for, in the local frame of the site's latitude.

    A point or line deposit is a geodesic circle / band of ``deposit_buffer_m``;
    a polygon deposit its own outline grown by ``deposit_polygon_buffer_m``.
    """
    if geom.geom_type in ("Point", "MultiPoint", "LineString", "MultiLineString"):
        return local_buffer(geom, float(sec.get("deposit_buffer_m", 1000)), site_lat,
                            quad_segs=circle_quad_segs(sec))
    return local_buffer(geom, float(sec.get("deposit_polygon_buffer_m", 0)), site_lat)


def circle_quad_segs(sec: dict[str, Any]) -> int:
    """Segments per quarter circle of a deposit's circle."""
    return max(2, int(sec.get("circle_segments", 32)) // 4)


def deposit_reach(geom_type: str, sec: dict[str, Any]) -> float:
    """Distance (m) within which a deposit of ``geom_type`` is counted."""
    if geom_type.endswith(("Point", "LineString")):
        return max(float(sec.get("deposit_buffer_m", 1000)),
                   float(sec.get("deposit_polygon_buffer_m", 0)))
    return float(sec.get("deposit_polygon_buffer_m", 0))


def search_reach(sec: dict[str, Any]) -> float:
    """Distance (m) of the search for deposits (the largest reach of any kind)."""
    return max(float(sec.get("deposit_buffer_m", 1000)),
               float(sec.get("deposit_polygon_buffer_m", 0)))


def counted_minerals(idx: LayerIndex, i: int, sec: dict[str, Any]) -> list[str] | None:
    """The minerals of salt lake ``i`` if it carries a counted one (K/Li/B), else None."""
    counted = set(sec.get("salt_lake_minerals", ["K", "Li", "B"]))
    minerals = [m.strip() for m in str(idx.get(int(i), "minerals", "")).split(",") if m.strip()]
    return minerals if counted & set(minerals) else None


@dataclass
class MineralsMeasure:
    """What the minerals check measures of one site (per-site or bulk, the same fields).

    Attributes
    ----------
    deposits : list of (row, distance_m, piece, overlap_ha)
        Deposits counted (within their reach), in row order: the part of the
        site inside the deposit's body and its area.
    salt_lakes : list of (row, piece, overlap_ha)
        Salt lakes of a counted mineral overlapping the site by more than
        ``min_overlap_ha``, in row order.
    overlap_ha : float
        Area of the union of the non-empty pieces.
    covered : float
        Share of the site inside the deposit layer's coverage.
    nearest_i : int or None
        Row of the nearest deposit; ``nearest_m`` its geodesic distance.
    """

    deposits: list[tuple[int, float, BaseGeometry, float]]
    salt_lakes: list[tuple[int, BaseGeometry, float]]
    overlap_ha: float
    covered: float
    nearest_i: int | None
    nearest_m: float


def _deposit_piece(idx: LayerIndex, i: int, dist: float, piece: BaseGeometry, ha: float,
                   site_ha: float) -> dict[str, Any]:
    geom = idx.geoms[i]
    scale = idx.get(i, "scale")
    important = important_mineral(idx.get(i, "commodity_zh") or idx.get(i, "commodity"),
                                  idx.get(i, "important"))
    authoritative = str(idx.get(i, "accuracy", "")).lower() == "authoritative"
    fails = important and authoritative and geom.geom_type in ("Polygon", "MultiPolygon") \
        and ha > 0
    return {"kind": "deposit", "id": str(idx.get(i, "id", i)), "row": i,
            "name_zh": idx.get(i, "name_zh", idx.get(i, "name")),
            "name_en": idx.get(i, "name_en", idx.get(i, "name")),
            "commodity": idx.get(i, "commodity"), "commodity_zh": idx.get(i, "commodity_zh"),
            "commodity_en": idx.get(i, "commodity_en"), "scale": scale,
            "important": important, "distance_m": dist, "overlap_ha": ha,
            "overlap_share": ha / site_ha if site_ha else 0.0, "fails": bool(fails),
            "accuracy": idx.get(i, "accuracy"), "geometry": piece}


def _salt_piece(idx: LayerIndex, i: int, piece: BaseGeometry, ha: float, site_ha: float,
                sec: dict[str, Any]) -> dict[str, Any]:
    minerals = counted_minerals(idx, i, sec) or []
    strategic = set(sec.get("salt_lake_strategic", ["K", "Li"]))
    return {"kind": "salt_lake", "id": str(idx.get(int(i), "id", i)), "row": int(i),
            "name_zh": idx.get(int(i), "name_zh"), "name_en": idx.get(int(i), "name_en"),
            "commodity": ",".join(minerals), "important": bool(strategic & set(minerals)),
            "scale": None, "distance_m": 0.0, "overlap_ha": ha,
            "overlap_share": ha / site_ha if site_ha else 0.0, "fails": False,
            "accuracy": idx.get(int(i), "accuracy"), "geometry": piece}


def _deposits(site: BaseGeometry, layers: ScreeningLayers, sec: dict[str, Any]
              ) -> list[tuple[int, float, BaseGeometry, float]]:
    idx = layers.deposits
    assert idx is not None  # run() answers UNKNOWN before this without deposits
    cand, dist = idx.within(site, search_reach(sec))
    out = []
    for i, d in zip(cand, dist):
        geom = idx.geoms[i]
        if d <= deposit_reach(geom.geom_type, sec):
            piece = shapely.intersection(site, deposit_body(geom, site_latitude(site), sec))
            out.append((int(i), float(d), piece, area_ha(piece)))
    return out


def _salt_lakes(site: BaseGeometry, layers: ScreeningLayers, sec: dict[str, Any]
                ) -> list[tuple[int, BaseGeometry, float]]:
    idx = layers.salt_lakes
    if idx is None:
        return []
    counted = [int(i) for i in idx.intersecting(site)
               if counted_minerals(idx, int(i), sec) is not None]
    return overlaps(site, idx, float(sec.get("min_overlap_ha", 0.0)), counted)


def measure(site: BaseGeometry, site_ha: float, layers: ScreeningLayers, config: CheckConfig
            ) -> MineralsMeasure:
    """Deposits and salt lakes counted, their union, coverage and the nearest deposit."""
    sec = config.section("minerals")
    deposits = _deposits(site, layers, sec)
    lakes = _salt_lakes(site, layers, sec)
    geoms = [g for _, _, g, _ in deposits if not g.is_empty] + \
        [g for _, g, _ in lakes if not g.is_empty]
    overlap_ha = area_ha(shapely.union_all(geoms)) if geoms else 0.0
    idx = layers.deposits
    assert idx is not None  # run() answers UNKNOWN before this without deposits
    covered = covered_share(site, site_ha, idx.coverage)
    near_i, near_m = idx.nearest(site)
    return MineralsMeasure(deposits, lakes, overlap_ha, covered, near_i, near_m)


def _name(p: dict[str, Any], lang: str) -> str:
    return str(p.get(f"name_{lang}") or p.get("name_zh") or p["id"])


def _items(pieces: list[dict[str, Any]], lang: str) -> str:
    """``name（mineral，where）`` of every counted deposit or salt lake, for the message: a
    deposit's own distance (or in the site), a salt lake's area inside the site."""
    sep, unit = ("、", "公里") if lang == "zh" else ("; ", "km")
    out = []
    for p in pieces:
        name = _name(p, lang)
        mineral = p.get(f"commodity_{lang}") or p.get("commodity") or ""
        if p["kind"] == "salt_lake":
            where = (f"选址内 {p['overlap_ha']:,.2f} 公顷" if lang == "zh" else
                     f"{p['overlap_ha']:,.2f} ha of the site")
        else:
            where = (f"{p['distance_m'] / 1000:.1f} {unit}" if p["distance_m"] > 0 else
                     ("选址内" if lang == "zh" else "in the site"))
        out.append(f"{name}（{mineral}，{where}）" if lang == "zh" else f"{name} ({mineral}, {where})")
    return sep.join(out)


def run(ctx: CheckContext) -> CheckResult:
    """Deposits and mineral salt lakes overlaid by the site (:func:`measure`, :func:`decide`)."""
    if ctx.layers.deposits is None:
        return unknown("minerals", ctx.config.rule("minerals"), "lyr.deposits")
    return decide(measure(ctx.site, ctx.site_ha, ctx.layers, ctx.config), ctx.site_ha,
                  ctx.layers, ctx.config)


def decide(m: MineralsMeasure, site_ha: float, layers: ScreeningLayers, config: CheckConfig
           ) -> CheckResult:
    """The rule of the minerals check on a measurement (no geometry is measured here).

    Returns
    -------
    CheckResult
        metrics: ``overlap_ha`` (site area within deposit buffers and mineral
        salt lakes, union), ``overlap_share``, ``distance_m`` (to the nearest
        deposit or counted salt lake; 0 when overlapping), ``nearest_id`` /
        ``nearest_name_zh/en`` / ``nearest_deposit_m`` (the nearest deposit and
        its own distance), ``salt_lake_name_zh/en`` / ``salt_lake_overlap_ha``
        (the counted salt lakes the site overlaps and the area inside them),
        ``n_deposits``, ``n_salt_lakes``, ``n_important``, ``buffer_m``,
        ``covered_share``.
    """
    rule = config.rule("minerals")
    sec = config.section("minerals")
    dep = layers.deposits
    assert dep is not None  # run() answers UNKNOWN before this without deposits
    pieces = [_deposit_piece(dep, i, d, g, ha, site_ha) for i, d, g, ha in m.deposits]
    if layers.salt_lakes is not None:
        pieces += [_salt_piece(layers.salt_lakes, i, g, ha, site_ha, sec)
                   for i, g, ha in m.salt_lakes]
    covered, overlap_ha = m.covered, m.overlap_ha
    near_i, deposit_m = m.nearest_i, m.nearest_m
    near_m = min([deposit_m] + [p["distance_m"] for p in pieces])
    lakes = [p for p in pieces if p["kind"] == "salt_lake"]
    metrics = {"overlap_ha": overlap_ha, "overlap_share": overlap_ha / site_ha if site_ha else 0.0,
               "distance_m": near_m, "buffer_m": float(sec.get("deposit_buffer_m", 1000)),
               "nearest_deposit_m": deposit_m if near_i is not None else None,
               "salt_lake_name_zh": "、".join(_name(p, "zh") for p in lakes) or None,
               "salt_lake_name_en": "; ".join(_name(p, "en") for p in lakes) or None,
               "salt_lake_overlap_ha": sum(p["overlap_ha"] for p in lakes),
               "n_deposits": sum(p["kind"] == "deposit" for p in pieces),
               "n_salt_lakes": sum(p["kind"] == "salt_lake" for p in pieces),
               "n_important": sum(p["important"] for p in pieces), "covered_share": covered,
               "nearest_id": None if near_i is None else str(dep.get(near_i, "id", near_i))}
    if near_i is not None:
        metrics.update(nearest_name_zh=dep.get(near_i, "name_zh", dep.get(near_i, "name")),
                       nearest_name_en=dep.get(near_i, "name_en", dep.get(near_i, "name")))
    evidence = [{k: v for k, v in p.items() if k not in ("geometry", "row")} for p in pieces]
    data_used = dep.provenance(
        [p["row"] for p in pieces if p["kind"] == "deposit"] + ([near_i] if near_i is not None else []))
    if layers.salt_lakes is not None:
        data_used += layers.salt_lakes.provenance([p["row"] for p in pieces if p["kind"] == "salt_lake"])
    if not pieces and covered < 1.0:
        return unknown("minerals", rule, "lyr.deposits", covered, metrics=metrics,
                       data_used=data_used)
    params = {"overlap_ha": overlap_ha, "distance_km": near_m / 1000.0,
              "buffer_km": metrics["buffer_m"] / 1000.0, "n": len(pieces),
              "salt_lake_zh": metrics["salt_lake_name_zh"] or "",
              "salt_lake_en": metrics["salt_lake_name_en"] or "",
              "salt_lake_ha": metrics["salt_lake_overlap_ha"]}
    if near_i is not None:
        params.update(name_zh=metrics["nearest_name_zh"] or "", name_en=metrics["nearest_name_en"] or "",
                      deposit_km=deposit_m / 1000.0)
    if pieces:
        fails = [p for p in pieces if p["fails"]]
        shown = fails or pieces
        params.update(items_zh=_items(shown, "zh"), items_en=_items(shown, "en"))
        status, key = ("FAIL", "chk.minerals.fail") if fails else ("WARN", "chk.minerals.warn")
    elif near_i is None:
        status, key = "PASS", "chk.minerals.pass_empty"
    else:
        status, key = "PASS", "chk.minerals.pass"
    overlaps = [{"id": p["id"], "resource": p["kind"], "name_zh": p["name_zh"], "name_en": p["name_en"],
                 "commodity": p["commodity"], "overlap_ha": p["overlap_ha"], "geometry": p["geometry"]}
                for p in pieces if not p["geometry"].is_empty]
    return CheckResult("minerals", status, metrics, evidence, rule, data_used, key, params, overlaps)
