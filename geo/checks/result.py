"""Data model of the site check: the project, one check's result, the whole screen.

A check returns data, never text: a status, figures (``metrics``), the features
behind it (``evidence``), the rule it applied, the data it used and a
translation key with parameters for its one-line summary. Rendering (page,
report, CSV) is elsewhere.

Statuses are ordered ``PASS < UNKNOWN < WARN < FAIL`` (the order comes from
``data/rules/checks.yaml``): the compliance verdict (合规性) is the worst status
of the binding checks, so a screen with a binding check that had no data is
never a PASS. The advisory checks give a suitability score (适宜性,
:class:`Suitability`) that ranks sites and approves nothing. Coordinates are
(lon, lat), EPSG:4326; areas are ellipsoidal hectares, distances geodesic metres.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from collections.abc import Iterable
from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

__all__ = [
    "STATUSES",
    "DEFAULT_STATUS_ORDER",
    "Project",
    "CheckResult",
    "ScreenResult",
    "Suitability",
    "worst_status",
]

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
        ``linear_infrastructure``, ``national_major_project``...).
    area_ha : float, optional
        Land requested; defaults to the site's ellipsoidal area.
    investment_wan : float, optional
        Fixed-asset investment in 万元 (投资强度 of the land-use standard).
    year : int, optional
        Quota year; defaults to the latest year of the base's quota rows.
    applicant, name, code : str, optional
        用地单位, 项目名称, 项目代码 (shown in the report's project block).
    industry : str, optional
        GB/T 4754 class of the industry (code such as ``C26`` / ``2624``).
    land_use_type : str, optional
        用地性质 (e.g. 工业用地).
    floor_area_m2, footprint_m2, admin_area_m2 : float, optional
        总建筑面积, 建筑物及构筑物基底面积, 行政办公及生活服务设施用地面积 (m²).
    own_mining_right : str, optional
        The project is the works of this mining right's holder inside its
        矿区 (the right's id or name).
    """

    product: str | None = None
    activity: str = "industrial"
    area_ha: float | None = None
    investment_wan: float | None = None
    year: int | None = None
    applicant: str | None = None
    name: str | None = None
    code: str | None = None
    industry: str | None = None
    land_use_type: str | None = None
    floor_area_m2: float | None = None
    footprint_m2: float | None = None
    admin_area_m2: float | None = None
    own_mining_right: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Suitability:
    """The advisory answer (适宜性): a score in [0, 1] from the advisory checks.

    Attributes
    ----------
    score : float or None
        Weighted mean of the known parts; None when no part is known.
    parts : list of dict
        ``check``, ``status``, ``value`` (0-1 or None), ``weight`` per advisory check.
    band : str
        ``high`` / ``medium`` / ``low`` (thresholds in ``checks.yaml``
        ``suitability``) or ``unknown``.
    """

    score: float | None
    parts: list[dict[str, Any]]
    band: str

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = _clean({"score": self.score, "parts": self.parts, "band": self.band})
        return out


def _geojson(geom: BaseGeometry | None) -> dict[str, Any] | None:
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
        Id of a check of :mod:`geo.checks.registry`.
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
    metrics: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    rule: dict[str, Any] = field(default_factory=dict)
    data_used: list[dict[str, Any]] = field(default_factory=list)
    message_key: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    overlaps: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
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
        out: dict[str, Any] = _clean({
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
        return out


def localise_params(params: dict[str, Any], lang: str) -> dict[str, Any]:
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
        The compliance verdict (合规性结论): worst status of the binding
        checks (PASS < UNKNOWN < WARN < FAIL).
    reasons : list of dict
        ``check``, ``status``, ``message_key``, ``params`` of every binding
        check that is not PASS, worst first.
    buildable : shapely geometry
        Site minus the overlaps of the checks that cut the buildable area
        (red lines and control lines; not mineral areas).
    buildable_ha : float
    indicative_layers : list of str
        Layers used whose data is indicative (the report warns on them).
    suitability : Suitability
        The advisory answer (适宜性).
    missing_layers : list of str
        Checks whose layer is not loaded (their kinds are listed in the report).
    timestamp : str
        ISO 8601 UTC time of the screen.
    """

    site: BaseGeometry
    area_ha: float
    project: Project
    results: list[CheckResult]
    overall: str
    reasons: list[dict[str, Any]]
    buildable: BaseGeometry | None
    buildable_ha: float
    indicative_layers: list[str]
    suitability: Suitability | None = None
    missing_layers: list[str] = field(default_factory=list)
    timestamp: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

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
            "suitability": self.suitability.to_dict() if self.suitability else None,
            "missing_layers": self.missing_layers,
            "timestamp": self.timestamp,
            "project": self.project.to_dict(),
            "results": [r.to_dict(geometry) for r in self.results],
        }
        if geometry:
            out["site"] = _geojson(self.site)
            out["buildable"] = _geojson(self.buildable)
        cleaned: dict[str, Any] = _clean(out)
        return cleaned

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


def _feature(geom: BaseGeometry, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": _geojson(geom), "properties": _clean(props)}
