"""The site check: one module per check, each returning a :class:`CheckResult`.

``redline``, ``minerals``, ``base``, ``quota``, ``terrain``, ``chain``; the
data model in :mod:`.result`, thresholds and rules in :mod:`.config`
(``data/rules/``). :func:`geo.screen.screen_site` runs them all.
"""
from __future__ import annotations

from .base import base_check
from .chain import chain_check
from .config import CheckConfig, load_config
from .minerals import minerals_check
from .products import product_matches
from .quota import quota_check
from .redline import redline_check
from .result import CHECKS, STATUSES, CheckResult, Project, ScreenResult, worst_status
from .terrain import terrain_check

__all__ = [
    "CHECKS",
    "STATUSES",
    "CheckConfig",
    "CheckResult",
    "Project",
    "ScreenResult",
    "base_check",
    "chain_check",
    "load_config",
    "minerals_check",
    "product_matches",
    "quota_check",
    "redline_check",
    "terrain_check",
    "worst_status",
]
