"""What every check reads (:class:`CheckContext`) and the one UNKNOWN every check gives.

A check is ``run(ctx) -> CheckResult``: the context holds the site, its
ellipsoidal area, the project, the indexed layers, the rules and the results
of the checks that ran before it (by id). :func:`unknown` is the single way a
check says it cannot judge: either no layer of that kind is loaded, or nothing
overlaps the part of the site the layer covers and the rest is outside its
coverage (the share covered is stated).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TYPE_CHECKING

import shapely
from shapely.geometry.base import BaseGeometry

from ..geodesy import area_ha
from .config import CheckConfig
from .result import CheckResult, Project

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from ..layers_index import LayerIndex, ScreeningLayers

__all__ = ["CheckContext", "unknown", "covered_share", "overlaps"]


@dataclass
class CheckContext:
    """Inputs of one check.

    Attributes
    ----------
    site : shapely geometry
        The site, lon/lat, valid and prepared.
    site_ha : float
        Its ellipsoidal area.
    project : Project
    layers : ScreeningLayers
    config : CheckConfig
    results : dict
        ``{check id: CheckResult}`` of the checks already run.
    """

    site: BaseGeometry
    site_ha: float
    project: Project
    layers: ScreeningLayers
    config: CheckConfig
    results: dict[str, Any] = field(default_factory=dict)

    def result(self, check: str) -> CheckResult | None:
        """The result of an earlier check, or None."""
        return self.results.get(check)


def covered_share(site: BaseGeometry, site_ha: float, coverage: BaseGeometry | None) -> float:
    """Share (0-1) of ``site`` inside ``coverage`` (1 when ``coverage`` is None)."""
    if coverage is None or coverage.covers(site):
        return 1.0
    if not coverage.intersects(site) or not site_ha:
        return 0.0
    return min(1.0, area_ha(shapely.intersection(site, coverage)) / site_ha)


def overlaps(site: BaseGeometry, idx: LayerIndex, min_ha: float,
             rows: Iterable[int] | None = None) -> list[tuple[int, BaseGeometry, float]]:
    """``[(row, overlap, overlap_ha)]`` of the features of ``idx`` that overlap ``site`` by
    more than ``min_ha`` hectares (ellipsoidal), in row order; ``rows``: only these of the
    intersecting features (default: all of them)."""
    out = []
    for i in idx.intersecting(site) if rows is None else rows:
        piece = shapely.intersection(site, idx.geoms[i])
        ha = area_ha(piece)
        if ha > min_ha:
            out.append((int(i), piece, ha))
    return out


def unknown(check: str, rule: dict[str, Any], layer_key: str, covered: float | None = None,
            metrics: dict[str, Any] | None = None, data_used: list[Any] | None = None, **params: Any) -> CheckResult:
    """The UNKNOWN of every check.

    Parameters
    ----------
    check : str
        Check id.
    rule : dict
        The rule the check would have applied.
    layer_key : str
        Translation key of the layer's name (``lyr.farmland``...).
    covered : float, optional
        Share of the site the layer covers; None means no layer is loaded
        (message ``chk.no_layer``), a number that the layer does not cover the
        whole site and nothing overlaps the covered part (``chk.no_coverage``).
    """
    from ..i18n import t

    names = {"layer_zh": t(layer_key, "zh"), "layer_en": t(layer_key, "en")}
    metrics = dict(metrics or {})
    if covered is None:
        key = "chk.no_layer"
        metrics.setdefault("reason", "no_layer")
    else:
        key = "chk.no_coverage"
        metrics.update(reason="no_coverage", covered_share=covered)
        params["covered_pct"] = 100.0 * covered
    return CheckResult(check, "UNKNOWN", metrics=metrics, rule=rule, data_used=data_used or [],
                       message_key=key, params={**names, **params})
