"""The control-line checks (管控线): one module for every kind of ``data/rules/control_lines.yaml``.

永久基本农田 (``farmland``), 城镇开发边界 (``urban_boundary``), 饮用水水源保护区
(``water_source``), 文物保护范围/建设控制地带 (``heritage``), 地质灾害易发区
(``geohazard``), 重要湿地 (``wetland``), 世界自然遗产 (``world_heritage``) and
矿业权/储量 (``mining_rights``). What a conflict is, and its status per project
activity and feature level, come from the table (:func:`geo.rules_tables.control_kind`):

* ``must_not_overlap`` / ``consult``: the site overlaps a feature: the status
  of that feature's level for the project's activity, with the step the
  official takes; the worst over the features;
* ``must_lie_inside``: part of the site (inside the layer's coverage) lies
  outside every feature: the status for the activity (城镇开发边界: FAIL for an
  industrial project, WARN for a 单独选址 project);
* no conflict: PASS; no conflict measured but the site not wholly inside the
  layer's coverage: UNKNOWN stating the share covered; no layer imported:
  UNKNOWN ("no 永久基本农田 data imported"), never PASS.

``mining_rights``: a right of a mineral that is not on the important list
gives the table's ``not_important`` status; a project declared as the right
holder's own works (``Project.own_mining_right`` equal to the feature's id,
name or holder) inside that right is the ``own_mining_works`` activity.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry.base import BaseGeometry

from ..geodesy import area_ha
from ..i18n import t
from ..rules_tables import CONTROL_KINDS, ControlKind, control_kind
from .config import CheckConfig
from .context import CheckContext, covered_share, overlaps, unknown
from .result import CheckResult, worst_status

if TYPE_CHECKING:  # pragma: no cover
    from ..layers_index import LayerIndex

__all__ = ["control_kinds", "runner", "cuts_buildable", "rule_of", "min_overlap_ha",
           "measure_overlaps", "measure_inside", "decide_overlap", "decide_inside"]

_NAME_FIELDS = ("name_zh", "name", "名称", "mc", "id")
_MINERAL_FIELDS = ("mineral", "commodity", "kz", "矿种")
_HOLDER_FIELDS = ("holder", "权利人", "qlr")


def control_kinds() -> tuple[str, ...]:
    """The kinds of the control-line table, in its order."""
    return CONTROL_KINDS


def cuts_buildable(kind: str) -> bool:
    """Whether an overlap of ``kind`` removes land from the buildable area.

    Lines that forbid building (must not overlap, must lie inside) cut it;
    ``consult`` kinds (地质灾害易发区, 矿业权) need a procedure, not a cut.
    """
    return control_kind(kind).control != "consult"


def rule_of(kind: ControlKind) -> dict[str, Any]:
    """``{id, key, basis}`` of a :class:`~geo.rules_tables.ControlKind`: its legal basis, cited."""
    return {"id": f"control.{kind.id}", "key": f"rules.control_rule.{kind.id}",
            "basis": "; ".join(c.text() for c in kind.basis)}


def _get(idx: LayerIndex, i: int, fields: tuple[str, ...]) -> Any:
    for f in fields:
        v = idx.get(i, f)
        if v not in (None, ""):
            return v
    return None


def _activity(ctx: CheckContext) -> str:
    return ctx.project.activity or "industrial"


def _own_right(ctx: CheckContext, idx: LayerIndex, i: int) -> bool:
    own = (ctx.project.own_mining_right or "").strip()
    if not own:
        return False
    names = {str(idx.get(i, "id", "")), str(_get(idx, i, _NAME_FIELDS) or ""),
             str(_get(idx, i, _HOLDER_FIELDS) or "")}
    return own in {n.strip() for n in names if n}


def _feature_status(ctx: CheckContext, kind: ControlKind, idx: LayerIndex, i: int) -> tuple[str, str, dict[str, Any]]:
    level = idx.get(i, kind.level_field) if kind.level_field else None
    extra: dict[str, Any] = {}
    activity = _activity(ctx)
    important = True
    if kind.id == "mining_rights":
        from .minerals import important_mineral

        mineral = _get(idx, i, _MINERAL_FIELDS)
        important = important_mineral(mineral, idx.get(i, "important"))
        own = _own_right(ctx, idx, i)
        extra.update(mineral=mineral, important=important, own=own,
                     holder=_get(idx, i, _HOLDER_FIELDS))
        if own:
            activity = "own_mining_works"
    status, step_key = kind.status_for(activity, level, important=important)
    lvl, known = kind.level_of(level)
    extra.update(level=level if level not in (None, "") else lvl, level_known=known)
    return status, step_key, extra


def _feature_piece(ctx: CheckContext, kind: ControlKind, idx: LayerIndex, i: int,
                   geom: BaseGeometry, ha: float) -> dict[str, Any]:
    status, step_key, extra = _feature_status(ctx, kind, idx, i)
    name = _get(idx, i, _NAME_FIELDS)
    return {"id": str(idx.get(i, "id", i)), "row": i,
            "name_zh": idx.get(i, "name_zh", name), "name_en": idx.get(i, "name_en", name),
            "overlap_ha": ha, "distance_m": 0.0, "status": status, "step_key": step_key,
            "geometry": geom, **extra}


def min_overlap_ha(config: CheckConfig) -> float:
    """Overlaps of at most this area (ha) are not counted."""
    return float(config.section("controls").get("min_overlap_ha", 0.0001))


def measure_overlaps(site: BaseGeometry, idx: LayerIndex, config: CheckConfig
                     ) -> tuple[list[tuple[int, BaseGeometry, float]], float]:
    """``[(row, overlap, overlap_ha)]`` of the features overlapping the site by more than
    :func:`min_overlap_ha`, in row order, and the area (ha) of their union."""
    out = overlaps(site, idx, min_overlap_ha(config))
    union_ha = area_ha(shapely.union_all([g for _, g, _ in out])) if len(out) > 1 else \
        (out[0][2] if out else 0.0)
    return out, union_ha


def measure_inside(site: BaseGeometry, idx: LayerIndex, covered: float
                   ) -> tuple[list[int], BaseGeometry, float]:
    """Rows of the features the site intersects, the part of the site (inside the layer's
    coverage) outside all of them, and its area (ha)."""
    rows = idx.intersecting(site)
    inside = shapely.union_all(idx.geoms[rows]) if len(rows) else shapely.Polygon()
    judged = shapely.intersection(site, idx.coverage) if covered < 1.0 else site
    outside = shapely.difference(judged, inside)
    return [int(i) for i in rows], outside, area_ha(outside)


def _message_params(ctx: CheckContext, kind: ControlKind, pieces: list[dict[str, Any]], overlap_ha: float) -> dict[str, Any]:
    worst = worst_status([p["status"] for p in pieces], ctx.config.status_order)
    steps = list(dict.fromkeys(p["step_key"] for p in pieces if p["status"] == worst))
    return {"kind_zh": kind.name_zh, "kind_en": kind.name_en, "overlap_ha": overlap_ha,
            "share_pct": 100 * overlap_ha / ctx.site_ha if ctx.site_ha else 0.0, "n": len(pieces),
            "names_zh": "、".join(str(p["name_zh"]) for p in pieces),
            "names_en": "; ".join(str(p["name_en"]) for p in pieces),
            "step_zh": "".join(t(k, "zh") for k in steps),
            "step_en": " ".join(t(k, "en") for k in steps)}


def decide_overlap(ctx: CheckContext, kind: ControlKind, idx: LayerIndex,
                   measured: list[tuple[int, BaseGeometry, float]], overlap_ha: float,
                   covered: float) -> CheckResult:
    """The rule of a must-not-overlap / consult kind on :func:`measure_overlaps` (``ctx`` gives
    the project, area and rules; nothing is measured here)."""
    rule = rule_of(kind)
    pieces = [_feature_piece(ctx, kind, idx, i, g, ha) for i, g, ha in measured]
    data_used = idx.provenance([p["row"] for p in pieces])
    if not pieces:
        metrics = {"overlap_ha": 0.0, "overlap_share": 0.0, "covered_share": covered}
        if covered < 1.0:
            return unknown(kind.id, rule, f"rules.kind.{kind.id}", covered, metrics=metrics,
                           data_used=data_used)
        return CheckResult(kind.id, "PASS", metrics, [], rule, data_used, "chk.control.pass",
                           {"kind_zh": kind.name_zh, "kind_en": kind.name_en})
    status = worst_status([p["status"] for p in pieces], ctx.config.status_order)
    metrics = {"overlap_ha": overlap_ha, "overlap_share": overlap_ha / ctx.site_ha if ctx.site_ha
               else 0.0, "n_overlapped": len(pieces), "covered_share": covered}
    evidence = [{k: v for k, v in p.items() if k not in ("geometry", "row", "step_key")}
                | {"step_zh": t(p["step_key"], "zh"), "step_en": t(p["step_key"], "en")}
                for p in pieces]
    overlaps = [{"id": p["id"], "name_zh": p["name_zh"], "name_en": p["name_en"],
                 "overlap_ha": p["overlap_ha"], "geometry": p["geometry"]}
                for p in pieces if p["status"] != "PASS"]
    return CheckResult(kind.id, status, metrics, evidence, rule, data_used, "chk.control.overlap",
                       _message_params(ctx, kind, pieces, overlap_ha), overlaps)


def decide_inside(ctx: CheckContext, kind: ControlKind, idx: LayerIndex, rows: list[int],
                  outside: BaseGeometry, out_ha: float, covered: float) -> CheckResult:
    """The rule of a must-lie-inside kind on :func:`measure_inside` (nothing is measured here)."""
    rule = rule_of(kind)
    min_ha = min_overlap_ha(ctx.config)
    data_used = idx.provenance(rows)
    metrics = {"outside_ha": out_ha, "overlap_ha": out_ha,
               "overlap_share": out_ha / ctx.site_ha if ctx.site_ha else 0.0,
               "covered_share": covered}
    names = {"kind_zh": kind.name_zh, "kind_en": kind.name_en}
    if out_ha > min_ha:
        status, step_key = kind.status_for(_activity(ctx))
        params = {**names, "outside_ha": out_ha, "share_pct": 100 * metrics["overlap_share"],
                  "step_zh": t(step_key, "zh"), "step_en": t(step_key, "en")}
        overlaps = [{"id": f"{kind.id}-outside", "name_zh": f"{kind.name_zh}以外",
                     "name_en": f"outside the {kind.name_en}", "overlap_ha": out_ha,
                     "geometry": outside}] if status != "PASS" else []
        return CheckResult(kind.id, status, metrics, [], rule, data_used, "chk.control.outside",
                           params, overlaps)
    if covered < 1.0:
        return unknown(kind.id, rule, f"rules.kind.{kind.id}", covered, metrics=metrics,
                       data_used=data_used)
    return CheckResult(kind.id, "PASS", metrics, [], rule, data_used, "chk.control.inside", names)


def runner(kind_id: str) -> Callable[[CheckContext], CheckResult]:
    """The ``run(ctx)`` of the control-line check of ``kind_id``."""
    def run(ctx: CheckContext) -> CheckResult:
        kind = control_kind(kind_id)
        idx = ctx.layers.layer(kind_id)
        if idx is None:
            return unknown(kind_id, rule_of(kind), f"rules.kind.{kind_id}")
        covered = covered_share(ctx.site, ctx.site_ha, idx.coverage)
        if kind.control == "must_lie_inside":
            return decide_inside(ctx, kind, idx, *measure_inside(ctx.site, idx, covered), covered)
        return decide_overlap(ctx, kind, idx, *measure_overlaps(ctx.site, idx, ctx.config),
                              covered)

    run.__name__ = f"run_{kind_id}"
    run.__doc__ = f"The {kind_id} control-line check (see :mod:`geo.checks.controls`)."
    return run
