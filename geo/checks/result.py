"""Data model of the site check: the project, one check's result, the whole screen.

A check returns data, never text: a status, figures (``metrics``), the features
behind it (``evidence``), the rule it applied, the data it used and a
translation key with parameters for its one-line summary. Rendering (page,
report, CSV) is elsewhere.

Statuses are ordered ``PASS < UNKNOWN < WARN < FAIL`` (the order comes from
``data/rules/checks.yaml``): the overall verdict is the worst status, so a
screen with a check that had no data is never a PASS. Coordinates are
(lon, lat), EPSG:4326; areas are ellipsoidal hectares, distances geodesic metres.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

__all__ = [
    "CHECKS",
    "STATUSES",
    "DEFAULT_STATUS_ORDER",
    "Project",
    "CheckResult",
    "ScreenResult",
    "worst_status",
]

#: The checks, in report order.
CHECKS: tuple[str, ...] = ("redline", "minerals", "base", "quota", "terrain", "chain")
#: Allowed statuses.
STATUSES: tuple[str, ...] = ("PASS", "UNKNOWN", "WARN", "FAIL")
#: Best first; the config file may restate it but must keep UNKNOWN above PASS.
DEFAULT_STATUS_ORDER: tuple[str, ...] = ("PASS", "UNKNOWN", "WARN", "FAIL")


def worst_status(statuses: Iterable[str], order: tuple[str, ...] = DEFAULT_STATUS_ORDER) -> str:
    """The worst of ``statuses`` in ``order`` (best first).

    >>> worst_status(["PASS", "UNKNOWN"])
    'UNKNOWN'
    >>> worst_status(["WARN", "UNKNOWN", "PASS"])
    'WARN'
    >>> worst_status([])
    'UNKNOWN'
    """
    ranks = [order.index(s) for s in statuses]
    return order[max(ranks)] if ranks else "UNKNOWN"


@dataclass
class Project:
    """What is to be built on the site.

    Parameters
    ----------
    product : str, optional
        Product or chain node, free text (zh or en), matched against the
        bases' chains; ``None`` makes the positioning check UNKNOWN.
    activity : str
        Activity code of ``data/rules/redline_rules.yaml`` (``industrial``,
        ``linear_infrastructure``, ``mineral_exploration``...).
    area_ha : float, optional
        Land requested; defaults to the site's ellipsoidal area.
    investment_wan : float, optional
        Investment in 万元 (reported, not checked).
    year : int, optional
        Quota year; defaults to the latest year of the base's quota rows.
    """

    product: str | None = None
    activity: str = "industrial"
    area_ha: float | None = None
    investment_wan: float | None = None
    year: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return {
            "product": self.product,
            "activity": self.activity,
            "area_ha": self.area_ha,
            "investment_wan": self.investment_wan,
            "year": self.year,
        }


def _geojson(geom: BaseGeometry | None) -> dict | None:
    return None if geom is None or geom.is_empty else mapping(geom)


def _clean(value: Any) -> Any:
    """JSON-safe copy: NaN -> None, numpy scalars -> Python, tuples -> lists."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, BaseGeometry):
        return _geojson(value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass
class CheckResult:
    """Result of one check.

    Attributes
    ----------
    check : str
        One of :data:`CHECKS`.
    status : str
        One of :data:`STATUSES`.
    metrics : dict
        Figures (``overlap_ha``, ``overlap_share``, ``distance_m``...).
    evidence : list of dict
        Features behind the status (id, names, category, figures).
    rule : dict
        ``id``, ``key`` (translation of the rule text) and ``basis`` (legal
        basis / source of the threshold).
    data_used : list of dict
        ``layer``, ``source``, ``source_date``, ``accuracy`` of the data read.
    message_key : str
        Translation key of the one-line summary; ``params`` fill it (a param
        ending in ``_zh`` / ``_en`` is used for that language only).
    overlaps : list of dict
        Per-feature overlap pieces: ``id``, ``name_zh``, ``name_en``,
        ``overlap_ha`` and ``geometry`` (shapely, EPSG:4326).
    """

    check: str
    status: str
    metrics: dict = field(default_factory=dict)
    evidence: list = field(default_factory=list)
    rule: dict = field(default_factory=dict)
    data_used: list = field(default_factory=list)
    message_key: str = ""
    params: dict = field(default_factory=dict)
    overlaps: list = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.check not in CHECKS:
            raise ValueError(f"check was {self.check!r} but is expected to be in {CHECKS}")
        if self.status not in STATUSES:
            raise ValueError(f"status was {self.status!r} but is expected to be in {STATUSES}")

    @property
    def overlap(self) -> BaseGeometry | None:
        """Union of the overlap pieces, or ``None`` when there are none."""
        geoms = [o["geometry"] for o in self.overlaps if o.get("geometry") is not None]
        return shapely.union_all(geoms) if geoms else None

    def message(self, lang: str = "zh") -> str:
        """The one-line summary in ``lang``."""
        from ..i18n import t

        return t(self.message_key, lang, **localise_params(self.params, lang))

    def to_dict(self, geometry: bool = True) -> dict[str, Any]:
        """JSON-safe dict; overlap geometries as GeoJSON when ``geometry``."""
        overlaps = [
            {k: v for k, v in o.items() if geometry or k != "geometry"} for o in self.overlaps
        ]
        return _clean({
            "check": self.check,
            "status": self.status,
            "metrics": self.metrics,
            "evidence": self.evidence,
            "rule": self.rule,
            "data_used": self.data_used,
            "message_key": self.message_key,
            "params": self.params,
            "overlaps": overlaps,
        })


def localise_params(params: dict, lang: str) -> dict:
    """Message parameters for ``lang``: ``name_zh`` becomes ``name`` in zh.

    >>> localise_params({"n": 2, "name_zh": "甲", "name_en": "A"}, "en")
    {'n': 2, 'name': 'A'}
    >>> localise_params({"activity": "industrial", "activity_zh": "工业项目"}, "zh")
    {'activity': '工业项目'}
    """
    suffixes = ("_zh", "_en")
    out = {key: value for key, value in params.items() if not key.endswith(suffixes)}
    # the localised value wins over a plain key of the same stem (e.g. an activity code)
    out.update({key[:-3]: value for key, value in params.items() if key.endswith(f"_{lang}")})
    return out


@dataclass
class ScreenResult:
    """All checks of one site.

    Attributes
    ----------
    site : shapely geometry
        The site (EPSG:4326, lon/lat).
    area_ha : float
        Ellipsoidal area of the site.
    project : Project
    results : list of CheckResult
    overall : str
        Worst status of ``results`` (PASS < UNKNOWN < WARN < FAIL).
    reasons : list of dict
        ``check``, ``status``, ``message_key``, ``params`` of every check that
        is not PASS, worst first.
    buildable : shapely geometry
        Site minus red-line overlaps minus mineral overlaps.
    buildable_ha : float
    indicative_layers : list of str
        Layers used whose data is indicative (the report warns on them).
    timestamp : str
        ISO 8601 UTC time of the screen.
    """

    site: BaseGeometry
    area_ha: float
    project: Project
    results: list
    overall: str
    reasons: list
    buildable: BaseGeometry | None
    buildable_ha: float
    indicative_layers: list
    timestamp: str = field(
        default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def result(self, check: str) -> CheckResult:
        """The result of ``check`` (KeyError if it was not run)."""
        for res in self.results:
            if res.check == check:
                return res
        raise KeyError(check)

    def to_dict(self, geometry: bool = True) -> dict[str, Any]:
        """JSON-safe dict of everything; geometries as GeoJSON when ``geometry``."""
        out = {
            "overall": self.overall,
            "reasons": self.reasons,
            "area_ha": self.area_ha,
            "buildable_ha": self.buildable_ha,
            "indicative_layers": self.indicative_layers,
            "timestamp": self.timestamp,
            "project": self.project.to_dict(),
            "results": [r.to_dict(geometry) for r in self.results],
        }
        if geometry:
            out["site"] = _geojson(self.site)
            out["buildable"] = _geojson(self.buildable)
        return _clean(out)

    def to_geojson(self, site_id: str | None = None) -> dict[str, Any]:
        """FeatureCollection: the site, every overlap piece and the buildable part.

        Each feature has ``kind`` (``site``, ``redline_overlap``,
        ``minerals_overlap``, ``buildable``) and ``site_id``.
        """
        feats = [_feature(self.site, {
            "kind": "site", "site_id": site_id, "overall": self.overall,
            "area_ha": self.area_ha, "buildable_ha": self.buildable_ha,
            **{f"status_{r.check}": r.status for r in self.results}})]
        for res in self.results:
            for piece in res.overlaps:
                props = {k: v for k, v in piece.items() if k != "geometry"}
                feats.append(_feature(piece["geometry"], {
                    **props, "kind": f"{res.check}_overlap", "site_id": site_id}))
        if self.buildable is not None and not self.buildable.is_empty:
            feats.append(_feature(self.buildable, {
                "kind": "buildable", "site_id": site_id, "area_ha": self.buildable_ha}))
        return {"type": "FeatureCollection", "features": feats}


def _feature(geom: BaseGeometry, props: dict) -> dict:
    return {"type": "Feature", "geometry": _geojson(geom), "properties": _clean(props)}
