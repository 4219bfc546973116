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

from typing import Any, TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..geodesy import area_ha
from .context import CheckContext, covered_share, unknown
from .measure import local_buffer, site_latitude
from .result import CheckResult

if TYPE_CHECKING:  # pragma: no cover
    from ..layers_index import LayerIndex, ScreeningLayers

__all__ = ["run", "is_important", "important_mineral"]

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


def _deposit_piece(site: BaseGeometry, idx: LayerIndex, i: int, dist: float, sec: dict[str, Any],
                   site_ha: float) -> dict[str, Any]:
    geom = idx.geoms[i]
    buf_m = float(sec.get("deposit_buffer_m", 1000))
    if geom.geom_type in ("Point", "MultiPoint", "LineString", "MultiLineString"):
        body = local_buffer(geom, buf_m, site_latitude(site),
                            quad_segs=max(2, int(sec.get("circle_segments", 32)) // 4))
    else:
        body = local_buffer(geom, float(sec.get("deposit_polygon_buffer_m", 0)), site_latitude(site))
    piece = shapely.intersection(site, body)
    ha = area_ha(piece)
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


def _deposits(site: BaseGeometry, site_ha: float, layers: ScreeningLayers,
              sec: dict[str, Any]) -> list[dict[str, Any]]:
    idx = layers.deposits
    assert idx is not None  # run() answers UNKNOWN before this without deposits
    reach = max(float(sec.get("deposit_buffer_m", 1000)),
                float(sec.get("deposit_polygon_buffer_m", 0)))
    cand, dist = idx.within(site, reach)
    out = []
    for i, d in zip(cand, dist):
        geom = idx.geoms[i]
        limit = reach if geom.geom_type.endswith(("Point", "LineString")) \
            else float(sec.get("deposit_polygon_buffer_m", 0))
        if d <= limit:
            out.append(_deposit_piece(site, idx, int(i), float(d), sec, site_ha))
    return out


def _salt_lakes(site: BaseGeometry, site_ha: float, layers: ScreeningLayers,
                sec: dict[str, Any]) -> list[dict[str, Any]]:
    idx = layers.salt_lakes
    if idx is None:
        return []
    counted = set(sec.get("salt_lake_minerals", ["K", "Li", "B"]))
    strategic = set(sec.get("salt_lake_strategic", ["K", "Li"]))
    min_ha = float(sec.get("min_overlap_ha", 0.0))
    out = []
    for i in idx.intersecting(site):
        minerals = [m.strip() for m in str(idx.get(int(i), "minerals", "")).split(",") if m.strip()]
        if not counted & set(minerals):
            continue
        piece = shapely.intersection(site, idx.geoms[i])
        ha = area_ha(piece)
        if ha <= min_ha:
            continue
        out.append({"kind": "salt_lake", "id": str(idx.get(int(i), "id", i)), "row": int(i),
                    "name_zh": idx.get(int(i), "name_zh"), "name_en": idx.get(int(i), "name_en"),
                    "commodity": ",".join(minerals), "important": bool(strategic & set(minerals)),
                    "scale": None, "distance_m": 0.0, "overlap_ha": ha,
                    "overlap_share": ha / site_ha if site_ha else 0.0, "fails": False,
                    "accuracy": idx.get(int(i), "accuracy"), "geometry": piece})
    return out


def _items(pieces: list[dict[str, Any]], lang: str) -> str:
    """``name（mineral，distance）`` of every counted deposit, for the message."""
    sep, unit = ("、", "公里") if lang == "zh" else ("; ", "km")
    out = []
    for p in pieces:
        name = p.get(f"name_{lang}") or p.get("name_zh") or p["id"]
        mineral = p.get(f"commodity_{lang}") or p.get("commodity") or ""
        where = (f"{p['distance_m'] / 1000:.1f} {unit}" if p["distance_m"] > 0 else
                 ("选址内" if lang == "zh" else "in the site"))
        out.append(f"{name}（{mineral}，{where}）" if lang == "zh" else f"{name} ({mineral}, {where})")
    return sep.join(out)


def run(ctx: CheckContext) -> CheckResult:
    """Deposits and mineral salt lakes overlaid by the site.

    Returns
    -------
    CheckResult
        metrics: ``overlap_ha`` (site area within deposit buffers and mineral
        salt lakes, union), ``overlap_share``, ``distance_m`` (to the nearest
        deposit or counted salt lake; 0 when overlapping), ``n_deposits``,
        ``n_salt_lakes``, ``n_important``, ``buffer_m``, ``covered_share``.
    """
    site, site_ha, layers, config = ctx.site, ctx.site_ha, ctx.layers, ctx.config
    rule = config.rule("minerals")
    if layers.deposits is None:
        return unknown("minerals", rule, "lyr.deposits")
    sec = config.section("minerals")
    pieces = _deposits(site, site_ha, layers, sec) + _salt_lakes(site, site_ha, layers, sec)
    covered = covered_share(site, site_ha, layers.deposits.coverage)
    geoms = [p["geometry"] for p in pieces if not p["geometry"].is_empty]
    overlap_ha = area_ha(shapely.union_all(geoms)) if geoms else 0.0
    near_i, near_m = layers.deposits.nearest(site)
    if pieces:
        near_m = min([near_m] + [p["distance_m"] for p in pieces])
    dep = layers.deposits
    metrics = {"overlap_ha": overlap_ha, "overlap_share": overlap_ha / site_ha if site_ha else 0.0,
               "distance_m": near_m, "buffer_m": float(sec.get("deposit_buffer_m", 1000)),
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
              "buffer_km": metrics["buffer_m"] / 1000.0, "n": len(pieces)}
    if near_i is not None:
        params.update(name_zh=metrics["nearest_name_zh"] or "", name_en=metrics["nearest_name_en"] or "")
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
