"""The site check: one module per check, each ``run(ctx) -> CheckResult``.

The checks are declared in :mod:`.registry` (id, binding or advisory, layers,
figure and evidence columns, whether overlaps cut the buildable area); the data
model is in :mod:`.result`, the shared context and UNKNOWN in :mod:`.context`,
the two verdicts in :mod:`.verdict`, thresholds and rules in :mod:`.config`
(``data/rules/``). :func:`geo.screen.screen_site` runs them all.
"""
from __future__ import annotations

from .config import CheckConfig, load_config
from .context import CheckContext, unknown
from .products import product_matches
from .registry import (CheckSpec, Column, advisory_ids, binding_ids, check_ids, get_check,
                       registry)
from .result import STATUSES, CheckResult, Project, ScreenResult, Suitability, worst_status

__all__ = [
    "STATUSES",
    "CheckConfig",
    "CheckContext",
    "CheckResult",
    "CheckSpec",
    "Column",
    "Project",
    "ScreenResult",
    "Suitability",
    "advisory_ids",
    "binding_ids",
    "check_ids",
    "get_check",
    "load_config",
    "product_matches",
    "registry",
    "unknown",
    "worst_status",
]
