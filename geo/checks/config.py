"""Thresholds and rules of the site check, read from ``data/rules/``.

``checks.yaml`` holds the thresholds (buffers, shares, slopes) and product
synonyms; ``redline_rules.yaml`` the red-line activity rules. Code reads
values from here and never writes a threshold inline.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from .result import DEFAULT_STATUS_ORDER, STATUSES

__all__ = ["RULES_DIR", "CheckConfig", "load_config"]

RULES_DIR = Path(__file__).resolve().parents[2] / "data" / "rules"


@dataclass(frozen=True)
class CheckConfig:
    """Both rule files, parsed.

    Attributes
    ----------
    checks : dict
        ``data/rules/checks.yaml``.
    redline : dict
        ``data/rules/redline_rules.yaml``.
    """

    checks: dict[str, Any] = field(default_factory=dict)
    redline: dict[str, Any] = field(default_factory=dict)

    @property
    def status_order(self) -> tuple[str, ...]:
        """Statuses best first."""
        return tuple(self.checks.get("status_order", DEFAULT_STATUS_ORDER))

    def section(self, name: str) -> dict[str, Any]:
        """One section of ``checks.yaml`` (``redline``, ``minerals``...)."""
        rule: dict[str, Any] = self.checks.get(name, {})
        return rule

    def rule(self, check: str) -> dict[str, Any]:
        """``{id, key, basis}`` of a non-red-line check."""
        return dict(self.checks["rules"][check])

    def redline_rule(self, name: str) -> dict[str, Any]:
        """``{id, key, basis}`` of a red-line rule (``overlap_general``...)."""
        rule = dict(self.redline["rules"][name])
        rule.setdefault("id", f"redline.{name}")
        return rule

    def activity(self, code: str | None) -> dict[str, Any]:
        """The activity entry of ``code`` (the default activity when ``None``).

        Raises
        ------
        InputError
            When ``code`` is not in the rules (the message lists the codes).
        """
        code = code or self.redline.get("default_activity", "industrial")
        acts = self.redline["activities"]
        if code not in acts:
            raise InputError(
                f"activity was {code!r} but is expected to be in {sorted(acts)}",
                key="err.activity", activity=code, allowed=", ".join(sorted(acts)))
        return {"code": code, **acts[code]}

    def with_overrides(self, **sections: dict[str, Any]) -> CheckConfig:
        """Copy with some ``checks.yaml`` sections updated (tests, what-ifs).

        >>> cfg = load_config().with_overrides(quota={"warn_share": 0.5})
        >>> cfg.section("quota")["warn_share"]
        0.5
        """
        checks = copy.deepcopy(self.checks)
        for name, values in sections.items():
            checks.setdefault(name, {}).update(values)
        return CheckConfig(checks=checks, redline=self.redline)


def _validate(cfg: CheckConfig) -> CheckConfig:
    order = cfg.status_order
    if sorted(order) != sorted(STATUSES) or order.index("UNKNOWN") < order.index("PASS"):
        raise ValueError(f"status_order {order} must list {STATUSES} with UNKNOWN after PASS")
    for code in cfg.redline.get("core_admitted", []):
        if code not in cfg.redline["activities"]:
            raise ValueError(f"core_admitted names unknown activity {code!r}")
    return cfg


@lru_cache(maxsize=4)
def _load(checks_path: str, redline_path: str) -> CheckConfig:
    with open(checks_path, encoding="utf-8") as fh:
        checks = yaml.safe_load(fh)
    with open(redline_path, encoding="utf-8") as fh:
        redline = yaml.safe_load(fh)
    return _validate(CheckConfig(checks=checks, redline=redline))


_CHECKS_YAML = str(RULES_DIR / "checks.yaml")
_REDLINE_YAML = str(RULES_DIR / "redline_rules.yaml")


def load_config(checks_path: Path | None = None, redline_path: Path | None = None) -> CheckConfig:
    """Read (and cache) the rule files; defaults are the ones under ``data/rules/``."""
    return _load(_CHECKS_YAML if checks_path is None else str(checks_path),
                 _REDLINE_YAML if redline_path is None else str(redline_path))


def as_float(value: Any, default: float = float("nan")) -> float:
    """``float(value)`` or ``default`` for None / blanks / junk."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return default
    return out
