"""The check registry: every check of the site screen, declared once.

Each :class:`CheckSpec` says what a check is (id, title key, ``binding``
合规性 or ``advisory`` 适宜性), which layers it reads, how it runs
(``run(ctx: CheckContext) -> CheckResult``, one signature for all), which
figures and evidence columns it shows (translation key and unit each) and
whether its overlaps cut the buildable area. :func:`geo.screen.screen_site`,
the report, batch rows, the CLI CSV and the pages read this table; adding a
check is one module and one entry here (the control-line checks are one entry
per kind of ``data/rules/control_lines.yaml``, added by :func:`_control_specs`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from collections.abc import Callable, Sequence

from . import (base, chain, controls, industry_policy, landuse, landuse_standard, minerals,
               quota, redline, terrain)
from .context import CheckContext
from .result import CheckResult

__all__ = ["Column", "CheckSpec", "registry", "get_check", "check_ids", "binding_ids",
           "advisory_ids", "run_order", "run_order_for", "LEGACY_CHECKS"]

#: The six checks of the first release, in CSV order (the CLI contract).
LEGACY_CHECKS: tuple[str, ...] = ("redline", "minerals", "base", "quota", "terrain", "chain")


@dataclass(frozen=True)
class Column:
    """One figure or evidence column.

    Attributes
    ----------
    key : str
        Metric key (figures) or evidence field.
    label : str
        Translation key of the column title (no unit in it).
    unit : str
        Translation key of the unit (``unit.ha``...) or ``""``.
    kind : str
        How the value is shown: ``num`` (``digits`` decimals), ``int``, ``year``
        (an integer without separators), ``pct`` (a 0-1 share as %), ``text``, ``loc`` (``key_zh``/``key_en``),
        ``list``, ``status``, ``yesno``, ``code`` (translated with
        ``prefix + value``).
    digits : int
    prefix : str
        For ``code``: the translation-key prefix.
    csv : str
        Column name in the batch table (``{check}_{csv}``), default ``key``.
    """

    key: str
    label: str
    unit: str = ""
    kind: str = "num"
    digits: int = 2
    prefix: str = ""
    csv: str = ""

    @property
    def csv_name(self) -> str:
        return self.csv or self.key


@dataclass(frozen=True)
class CheckSpec:
    """One check of the registry (see the module doc)."""

    id: str
    title_key: str
    kind: str
    layers: tuple[str, ...]
    run: Callable[[CheckContext], CheckResult]
    figures: tuple[Column, ...] = ()
    evidence: tuple[Column, ...] = ()
    cuts_buildable: bool = False
    needs: tuple[str, ...] = ()
    csv_overlap: bool = False
    batch_figures: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.kind not in ("binding", "advisory"):
            raise ValueError(f"kind was {self.kind!r} but is expected to be binding or advisory")


C = Column
_OVERLAP = (C("overlap_ha", "col.overlap_area", "unit.ha"),
            C("overlap_share", "col.overlap_share", "", "pct"))
_NAME = C("name", "col.name", kind="loc")
_E_OVERLAP = C("overlap_ha", "col.overlap_area", "unit.ha")
_E_DIST = C("distance_m", "col.distance", "unit.m", digits=0)
#: The quota ledger's four figures of a base and year (ha).
_QUOTA_MEASURES = (C("allocated_ha", "col.allocated", "unit.ha"), C("used_ha", "col.used", "unit.ha"),
                   C("reserved_ha", "col.reserved", "unit.ha"),
                   C("remaining_ha", "col.remaining", "unit.ha"))


def _core_specs() -> list[CheckSpec]:
    return [
        CheckSpec("redline", "check.redline", "binding", ("redline",), redline.run,
                  figures=_OVERLAP + (
                      C("n_overlapped", "col.n_overlapped", kind="int"),
                      C("nearest_name", "col.nearest_zone", kind="loc"),
                      C("distance_m", "col.distance_nearest", "unit.m", digits=0),
                      C("layer_share_of_province", "col.layer_share_province", "", "pct"),
                      C("covered_share", "col.covered_share", "", "pct")),
                  evidence=(_NAME, C("category", "col.category", kind="loc"),
                            C("control_level", "col.control_level", kind="loc"),
                            _E_OVERLAP, _E_DIST, C("legal_basis", "col.legal_basis", kind="text"),
                            C("accuracy", "col.accuracy", kind="code", prefix="accuracy.")),
                  cuts_buildable=True, csv_overlap=True,
                  batch_figures=("overlap_ha", "overlap_share", "distance_m")),
        CheckSpec("minerals", "check.minerals", "binding", ("deposits", "salt_lakes"), minerals.run,
                  figures=_OVERLAP + (
                      C("buffer_m", "col.buffer", "unit.m", digits=0),
                      C("n_deposits", "col.n_deposits_counted", kind="int"),
                      C("n_salt_lakes", "col.n_salt_lakes", kind="int"),
                      C("n_important", "col.n_important", kind="int"),
                      C("nearest_name", "col.nearest_deposit", kind="loc"),
                      C("nearest_deposit_m", "col.distance_nearest_deposit", "unit.m", digits=0),
                      C("salt_lake_name", "col.salt_lakes_overlapped", kind="loc"),
                      C("salt_lake_overlap_ha", "col.salt_lake_overlap", "unit.ha"),
                      C("distance_m", "col.distance_nearest_mineral", "unit.m", digits=0),
                      C("covered_share", "col.covered_share", "", "pct")),
                  evidence=(_NAME, C("kind", "col.resource_kind", kind="code", prefix="rpt.kind."),
                            C("commodity", "col.mineral", kind="loc"),
                            C("scale", "col.scale", kind="code", prefix="rpt.scale."),
                            C("important", "col.important", kind="yesno"), _E_DIST, _E_OVERLAP,
                            C("accuracy", "col.accuracy", kind="code", prefix="accuracy.")),
                  csv_overlap=True,
                  batch_figures=("overlap_ha", "overlap_share", "distance_m", "n_important")),
        CheckSpec("base", "check.base", "advisory", ("bases",), base.run,
                  figures=(C("base_name", "col.base", kind="loc"),
                           C("share_inside", "col.share_inside", "", "pct"),
                           C("distance_m", "col.distance_base", "unit.m", digits=0),
                           C("matched", "col.matched", kind="list"),
                           C("n_admitting", "col.n_admitting", kind="int")),
                  evidence=(C("role", "col.role", kind="code", prefix="rpt.role."), _NAME,
                            C("share_inside", "col.share_inside", "", "pct"),
                            C("distance_m", "col.distance", "unit.km_from_m", digits=1),
                            C("matched", "col.matched", kind="list"),
                            C("cite", "col.cite", kind="loc"),
                            C("derived", "col.derived", kind="yesno")),
                  csv_overlap=False,
                  batch_figures=("base_id", "nearest_base_id", "share_inside", "distance_m")),
        CheckSpec("quota", "check.quota", "binding", ("bases", "quotas", "landuse"), quota.run,
                  figures=(C("base_name", "col.base", kind="loc"),
                           C("year", "col.year", kind="year"),
                           C("requested_ha", "col.requested", "unit.ha"),
                           C("new_construction_ha", "col.new_construction", "unit.ha"),
                           C("existing_construction_ha", "col.existing_construction", "unit.ha"),
                           C("farmland_ha", "col.farmland_taken", "unit.ha"),
                           C("cropland_ha", "col.cropland_taken", "unit.ha"),
                           *_QUOTA_MEASURES,
                           C("use_share", "col.use_share", "", "pct")),
                  evidence=(C("year", "col.year", kind="year"), *_QUOTA_MEASURES,
                            C("source", "col.source", kind="text"),
                            C("accuracy", "col.accuracy", kind="code", prefix="accuracy.")),
                  needs=("base", "landuse"),
                  batch_figures=("remaining_ha", "requested_ha", "new_construction_ha", "year")),
        CheckSpec("terrain", "check.terrain", "advisory", ("dem",), terrain.run,
                  figures=(C("elev_mean", "col.elev_mean", "unit.m", digits=0),
                           C("elev_min", "col.elev_min", "unit.m", digits=0),
                           C("elev_max", "col.elev_max", "unit.m", digits=0),
                           C("cell_km", "col.dem_cell", "unit.km", digits=2),
                           C("dem_used", "col.dem_used", kind="code", prefix="dem.used."),
                           C("n_centre_cells", "col.n_cells", kind="int")),
                  evidence=(C("class", "col.slope_class", kind="loc"),
                            C("above_pct", "col.slope_above", "unit.pct_grade", digits=0),
                            C("share", "col.share_of_site", "", "pct"),
                            C("status", "col.status", kind="status")),
                  batch_figures=("elev_mean", "share_above_gentle", "share_above_moderate")),
        CheckSpec("chain", "check.chain", "advisory", (), chain.run,
                  figures=(C("score", "col.score", digits=2),
                           C("upstream_score", "col.upstream_score", digits=2),
                           C("downstream_score", "col.downstream_score", digits=2),
                           C("reason", "col.reason", kind="code", prefix="rpt.reason.")),
                  evidence=(C("side", "col.side", kind="code", prefix="rpt.side."),
                            C("product", "col.product", kind="loc"),
                            C("host", "col.host", kind="loc"),
                            C("geodesic_km", "col.distance", "unit.km", digits=1),
                            C("road_km", "col.road_distance", "unit.km", digits=1),
                            C("link_score", "col.score", digits=3),
                            C("missing", "col.missing", kind="yesno")),
                  batch_figures=("score", "upstream_score", "downstream_score")),
    ]


def _new_specs() -> list[CheckSpec]:
    return [
        CheckSpec("landuse", "check.landuse", "binding", ("landuse", "farmland"), landuse.run,
                  figures=(C("construction_ha", "col.existing_construction", "unit.ha"),
                           C("new_construction_ha", "col.new_construction", "unit.ha"),
                           C("cropland_ha", "col.cropland_taken", "unit.ha"),
                           C("agricultural_ha", "col.agricultural", "unit.ha"),
                           C("unused_ha", "col.unused", "unit.ha"),
                           C("unclassified_ha", "col.unclassified", "unit.ha"),
                           C("covered_share", "col.covered_share", "", "pct")),
                  evidence=(C("dlbm", "col.dlbm", kind="text"),
                            C("dlmc", "col.dlmc", kind="loc"),
                            C("klass", "col.landuse_class", kind="code",
                              prefix="rules.landuse.class."),
                            _E_OVERLAP),
                  needs=("farmland",), batch_figures=("new_construction_ha", "cropland_ha")),
        CheckSpec("landuse_standard", "check.landuse_standard", "binding", (),
                  landuse_standard.run,
                  figures=(C("industry", "col.industry", kind="text"),),
                  evidence=(C("indicator", "col.indicator", kind="code",
                              prefix="rules.land.indicator."),
                            C("value", "col.value", kind="text"),
                            C("threshold", "col.threshold", kind="text"),
                            C("status", "col.status", kind="status"),
                            C("reason", "col.reason", kind="loc")),
                  needs=("base",), batch_figures=()),
        CheckSpec("industry_policy", "check.industry_policy", "binding", (), industry_policy.run,
                  evidence=(C("catalogue", "col.catalogue", kind="text"),
                            C("category", "col.policy_category", kind="loc"),
                            C("entry", "col.entry", kind="text"),
                            C("status", "col.status", kind="status"),
                            C("reason", "col.reason", kind="loc")),
                  batch_figures=()),
    ]


def _control_specs() -> list[CheckSpec]:
    return [CheckSpec(kind, f"check.{kind}", "binding", (kind,), controls.runner(kind),
                      figures=_OVERLAP + (C("n_overlapped", "col.n_overlapped", kind="int"),
                                          C("outside_ha", "col.outside", "unit.ha"),
                                          C("covered_share", "col.covered_share", "", "pct")),
                      evidence=(_NAME, C("level", "col.control_level", kind="text"), _E_OVERLAP,
                                C("mineral", "col.mineral", kind="text"),
                                C("holder", "col.holder", kind="text"),
                                C("own", "col.own_right", kind="yesno"),
                                C("status", "col.status", kind="status"),
                                C("step", "col.step", kind="loc")),
                      cuts_buildable=controls.cuts_buildable(kind), csv_overlap=True,
                      batch_figures=("overlap_ha",))
            for kind in controls.control_kinds()]


@lru_cache(maxsize=1)
def registry() -> tuple[CheckSpec, ...]:
    """Every check, in report order: the six of the first release, then the new ones."""
    specs = _core_specs() + _new_specs()[:1] + _control_specs() + _new_specs()[1:]
    ids = [s.id for s in specs]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate check ids in the registry: {ids}")
    return tuple(specs)


def get_check(check_id: str) -> CheckSpec:
    """The spec of ``check_id`` (``KeyError`` for an unknown id)."""
    for spec in registry():
        if spec.id == check_id:
            return spec
    raise KeyError(check_id)


def check_ids() -> tuple[str, ...]:
    """Ids of every check, in report order."""
    return tuple(s.id for s in registry())


def binding_ids() -> tuple[str, ...]:
    """Checks that decide the compliance verdict (合规性)."""
    return tuple(s.id for s in registry() if s.kind == "binding")


def advisory_ids() -> tuple[str, ...]:
    """Checks that feed the suitability score (适宜性)."""
    return tuple(s.id for s in registry() if s.kind == "advisory")


@lru_cache(maxsize=1)
def run_order() -> tuple[CheckSpec, ...]:
    """The registry with every check after the checks it ``needs``."""
    done: list[CheckSpec] = []
    seen: set[str] = set()

    def visit(spec: CheckSpec, stack: tuple[str, ...] = ()) -> None:
        if spec.id in seen:
            return
        if spec.id in stack:
            raise ValueError(f"check dependency cycle: {stack + (spec.id,)}")
        for need in spec.needs:
            visit(get_check(need), stack + (spec.id,))
        seen.add(spec.id)
        done.append(spec)

    for spec in registry():
        visit(spec)
    return tuple(done)


def run_order_for(check_ids_: Sequence[str]) -> tuple[CheckSpec, ...]:
    """:func:`run_order` restricted to ``check_ids_`` and the checks they need (KeyError if unknown)."""
    wanted: set[str] = set()
    todo = list(check_ids_)
    while todo:
        spec = get_check(todo.pop())
        if spec.id not in wanted:
            wanted.add(spec.id)
            todo += spec.needs
    return tuple(s for s in run_order() if s.id in wanted)
