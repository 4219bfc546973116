"""Status rules of today's six checks, on arrays of measured figures.

Each function mirrors the verdict of one per-site check in :mod:`geo.checks`
(the same thresholds from ``data/rules/``, the same order of conditions, the
same translation keys) but takes one array per figure and returns
``(status, message_key)`` arrays. Measurement is elsewhere
(:mod:`geo.bulk.measure`); nothing here touches a geometry. When the check
registry of issue 10 lands, each function is the place to rewire.
"""
from __future__ import annotations

import numpy as np

from ..checks.config import CheckConfig
from ..checks.result import Project

__all__ = ["redline", "minerals", "base", "quota", "terrain", "chain", "overall"]


def _select(n: int, rules: list[tuple[np.ndarray, str, str]], default: tuple[str, str]
            ) -> tuple[np.ndarray, np.ndarray]:
    """First matching (condition, status, key) per element, else ``default``."""
    if not rules:
        return np.full(n, default[0], dtype=object), np.full(n, default[1], dtype=object)
    conds = [np.broadcast_to(np.asarray(c, dtype=bool), (n,)) for c, _, _ in rules]
    status = np.select(conds, [s for _, s, _ in rules], default[0]).astype(object)
    key = np.select(conds, [k for _, _, k in rules], default[1]).astype(object)
    return status, key


def redline(has_layer: bool, covered, overlapped, core, nearest_found, nearest_m,
            project: Project, config: CheckConfig) -> tuple[np.ndarray, np.ndarray]:
    """:func:`geo.checks.redline.redline_check`: core overlap / overlap / near / clear."""
    n = len(covered)
    act = config.activity(project.activity)
    core_ok = act["code"] in set(config.redline.get("core_admitted", []))
    sec = config.section("redline")
    alert_m = float(sec.get("alert_within_m", 0) or 0)
    alert_status = str(sec.get("alert_status", "WARN"))
    near = nearest_found & (nearest_m <= alert_m) if alert_m and alert_status != "PASS" \
        else np.zeros(n, bool)
    return _select(n, [
        (not has_layer, "UNKNOWN", "chk.no_layer"),
        (~covered, "UNKNOWN", "chk.no_coverage"),
        (overlapped & core & (not core_ok), "FAIL", "chk.redline.fail_core"),
        (overlapped & (not act.get("admitted")), "FAIL", "chk.redline.fail"),
        (overlapped, "WARN", "chk.redline.warn_admitted"),
        (~nearest_found, "PASS", "chk.redline.pass_empty"),
        (near, alert_status, "chk.redline.warn_near"),
    ], ("PASS", "chk.redline.pass"))


def minerals(has_layer: bool, covered, n_pieces, any_fail, nearest_found
             ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`geo.checks.minerals.minerals_check`: FAIL / WARN on counted deposits, else PASS."""
    n = len(covered)
    some = np.asarray(n_pieces) > 0
    return _select(n, [
        (not has_layer, "UNKNOWN", "chk.no_layer"),
        (~covered, "UNKNOWN", "chk.no_coverage"),
        (some & any_fail, "FAIL", "chk.minerals.fail"),
        (some, "WARN", "chk.minerals.warn"),
        (~nearest_found, "PASS", "chk.minerals.pass_empty"),
    ], ("PASS", "chk.minerals.pass"))


def base(has_layer: bool, n: int, product: str | None, inside, matched, others, share,
         config: CheckConfig) -> tuple[np.ndarray, np.ndarray]:
    """:func:`geo.checks.base.base_check` (its ``_verdict``)."""
    inside_share = float(config.section("base").get("inside_share", 0.999))
    if not has_layer:
        return _select(n, [], ("UNKNOWN", "chk.no_layer"))
    if not product:
        return _select(n, [(inside, "UNKNOWN", "chk.base.unknown_inside")],
                       ("UNKNOWN", "chk.base.unknown_outside"))
    out = ~inside
    return _select(n, [
        (out & matched, "WARN", "chk.base.warn_outside_match"),
        (out & others, "WARN", "chk.base.warn_outside"),
        (out, "WARN", "chk.base.warn_outside_none"),
        (~matched & others, "WARN", "chk.base.warn_mismatch"),
        (~matched, "WARN", "chk.base.warn_mismatch_none"),
        (share < inside_share, "WARN", "chk.base.warn_partial"),
    ], ("PASS", "chk.base.pass"))


def quota(has_layer: bool, in_base, row_found, requested, remaining, config: CheckConfig
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`geo.checks.quota.quota_check`; also returns the use share (requested / remaining)."""
    n = len(in_base)
    warn_share = float(config.section("quota").get("warn_share", 0.8))
    with np.errstate(divide="ignore", invalid="ignore"):
        use = np.where(remaining > 0, requested / np.where(remaining > 0, remaining, 1.0), np.inf)
    status, key = _select(n, [
        (not has_layer, "UNKNOWN", "chk.no_layer"),
        (~in_base, "UNKNOWN", "chk.quota.unknown_base"),
        (~row_found, "UNKNOWN", "chk.quota.unknown_year"),
        (requested > remaining, "FAIL", "chk.quota.fail"),
        (use > warn_share, "WARN", "chk.quota.warn"),
    ], ("PASS", "chk.quota.pass"))
    return status, key, use


def terrain(has_dem: bool, any_valid, n_centre, slope_max, config: CheckConfig
            ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`geo.checks.terrain.terrain_check`: coarse DEM UNKNOWN, else slope thresholds."""
    sec = config.section("terrain")
    min_cells = int(sec.get("min_cells", 9))
    n = len(any_valid)
    with np.errstate(invalid="ignore"):
        fail = slope_max > float(sec.get("fail_slope_deg", 25))
        warn = slope_max > float(sec.get("warn_slope_deg", 15))
    return _select(n, [
        (not has_dem, "UNKNOWN", "chk.no_layer"),
        (~any_valid, "UNKNOWN", "chk.no_coverage"),
        (n_centre < min_cells, "UNKNOWN", "chk.terrain.coarse"),
        (fail, "FAIL", "chk.terrain.fail"),
        (warn, "WARN", "chk.terrain.warn"),
    ], ("PASS", "chk.terrain.pass"))


def chain(n: int, reason: str, score, any_missing: bool, scoring: dict
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`geo.chains.chain_adjacency` status; returns (status, key, reason)."""
    if reason in ("no_product", "unknown_product", "no_partners"):
        status, key = _select(n, [], ("UNKNOWN", f"chk.chain.{reason}"))
        return status, key, np.full(n, reason, dtype=object)
    adj = scoring["adjacency"]
    low = score < adj["pass_min_score"]
    missing = bool(any_missing and adj["warn_on_missing"])
    status, key = _select(n, [(low, "WARN", "chk.chain.low_score"),
                              (missing, "WARN", "chk.chain.missing_links")],
                          ("PASS", "chk.chain.ok"))
    return status, key, np.array([k.rsplit(".", 1)[1] for k in key], dtype=object)


def overall(statuses: list[np.ndarray], order: tuple[str, ...]) -> np.ndarray:
    """Worst status per site over the checks (``order`` best first)."""
    rank = {s: i for i, s in enumerate(order)}
    ranks = np.vstack([np.vectorize(rank.__getitem__, otypes=[int])(s) for s in statuses])
    return np.asarray(order, dtype=object)[ranks.max(axis=0)]
