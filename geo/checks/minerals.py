"""Check 2: mineral overlap (压覆矿产资源).

Deposits inside the site or within ``minerals.deposit_buffer_m`` of it (a
deposit point stands for a larger ore body, so it is counted through a
geodesic circle of that radius; polygon deposits through their own outline),
and salt-lake polygons carrying any of ``minerals.salt_lake_minerals`` (the
salt lakes are the potash / lithium / boron deposits).

* FAIL: an important (strategic) deposit of a scale in ``fail_scales``
  (an important deposit without a scale FAILs when ``unknown_scale_fails``),
  or a salt lake with a mineral of ``salt_lake_strategic``;
* WARN: any other deposit or salt lake counted;
* PASS: none, with the distance to the nearest deposit;
* UNKNOWN: no deposit layer, or the site outside the layers' coverage.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..geodesy import area_ha
from .config import CheckConfig
from .measure import local_buffer, site_latitude
from .result import CheckResult

if TYPE_CHECKING:  # pragma: no cover
    from ..layers_index import LayerIndex, ScreeningLayers

__all__ = ["minerals_check", "is_important"]

_TRUE = {"true", "1", "yes", "y", "t", "是"}


def is_important(value) -> bool:
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


def _deposit_piece(site: BaseGeometry, idx: LayerIndex, i: int, dist: float, sec: dict,
                   site_ha: float) -> dict:
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
    important = is_important(idx.get(i, "important"))
    fails = important and (scale in set(sec.get("fail_scales", ["large", "medium"]))
                           or (scale is None and bool(sec.get("unknown_scale_fails", True))))
    return {"kind": "deposit", "id": str(idx.get(i, "id", i)), "row": i,
            "name_zh": idx.get(i, "name_zh", idx.get(i, "name")),
            "name_en": idx.get(i, "name_en", idx.get(i, "name")),
            "commodity": idx.get(i, "commodity"), "commodity_zh": idx.get(i, "commodity_zh"),
            "commodity_en": idx.get(i, "commodity_en"), "scale": scale,
            "important": important, "distance_m": dist, "overlap_ha": ha,
            "overlap_share": ha / site_ha if site_ha else 0.0, "fails": bool(fails),
            "accuracy": idx.get(i, "accuracy"), "geometry": piece}


def _deposits(site, site_ha, layers, sec) -> list[dict]:
    idx = layers.deposits
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


def _salt_lakes(site, site_ha, layers, sec) -> list[dict]:
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
                    "overlap_share": ha / site_ha if site_ha else 0.0,
                    "fails": bool(strategic & set(minerals)),
                    "accuracy": idx.get(int(i), "accuracy"), "geometry": piece})
    return out


def _unknown(key: str, config: CheckConfig) -> CheckResult:
    return CheckResult("minerals", "UNKNOWN", rule=config.rule("minerals"), message_key=key,
                       params={"layer_zh": "矿产地", "layer_en": "mineral deposits"})


def minerals_check(site: BaseGeometry, site_ha: float, layers: ScreeningLayers,
                   config: CheckConfig) -> CheckResult:
    """Deposits and mineral salt lakes overlapped by ``site`` (lon/lat polygon).

    Returns
    -------
    CheckResult
        metrics: ``overlap_ha`` (site area within deposit buffers and mineral
        salt lakes, union), ``overlap_share``, ``distance_m`` (to the nearest
        deposit or counted salt lake; 0 when overlapping), ``n_deposits``,
        ``n_salt_lakes``, ``n_important``, ``buffer_m``.
    """
    if layers.deposits is None:
        return _unknown("chk.no_layer", config)
    if not layers.coverage.covers(site):
        return _unknown("chk.no_coverage", config)
    sec = config.section("minerals")
    pieces = _deposits(site, site_ha, layers, sec) + _salt_lakes(site, site_ha, layers, sec)
    geoms = [p["geometry"] for p in pieces if not p["geometry"].is_empty]
    overlap_ha = area_ha(shapely.union_all(geoms)) if geoms else 0.0
    near_i, near_m = layers.deposits.nearest(site)
    if pieces:
        near_m = min([near_m] + [p["distance_m"] for p in pieces])
    metrics = {"overlap_ha": overlap_ha, "overlap_share": overlap_ha / site_ha if site_ha else 0.0,
               "distance_m": near_m, "buffer_m": float(sec.get("deposit_buffer_m", 1000)),
               "n_deposits": sum(p["kind"] == "deposit" for p in pieces),
               "n_salt_lakes": sum(p["kind"] == "salt_lake" for p in pieces),
               "n_important": sum(p["important"] for p in pieces),
               "nearest_id": None if near_i is None else str(layers.deposits.get(near_i, "id", near_i))}
    evidence = [{k: v for k, v in p.items() if k not in ("geometry", "row")} for p in pieces]
    data_used = layers.deposits.provenance(
        [p["row"] for p in pieces if p["kind"] == "deposit"] + ([near_i] if near_i is not None else []))
    if layers.salt_lakes is not None:
        data_used += layers.salt_lakes.provenance([p["row"] for p in pieces if p["kind"] == "salt_lake"])
    params = {"overlap_ha": overlap_ha, "distance_km": near_m / 1000.0,
              "buffer_km": metrics["buffer_m"] / 1000.0, "n": len(pieces)}
    if near_i is not None:
        params.update(name_zh=layers.deposits.get(near_i, "name_zh", layers.deposits.get(near_i, "name", "")),
                      name_en=layers.deposits.get(near_i, "name_en", layers.deposits.get(near_i, "name", "")))
    if pieces:
        params.update(names_zh="、".join(str(p["name_zh"]) for p in pieces),
                      names_en="; ".join(str(p["name_en"]) for p in pieces))
        fail = any(p["fails"] for p in pieces)
        status, key = ("FAIL", "chk.minerals.fail") if fail else ("WARN", "chk.minerals.warn")
    elif near_i is None:
        status, key = "PASS", "chk.minerals.pass_empty"
    else:
        status, key = "PASS", "chk.minerals.pass"
    overlaps = [{"id": p["id"], "resource": p["kind"], "name_zh": p["name_zh"], "name_en": p["name_en"],
                 "commodity": p["commodity"], "overlap_ha": p["overlap_ha"], "geometry": p["geometry"]}
                for p in pieces if not p["geometry"].is_empty]
    return CheckResult("minerals", status, metrics, evidence, config.rule("minerals"),
                       data_used, key, params, overlaps)
