"""The rules tables of the site check (``data/rules/*.yaml``): loading, validation, look-ups.

Pure Python: no Streamlit, no geometry. Every table an official can edit is read here, checked
(unknown keys — typos — and missing sources are refused with an :class:`InputError` carrying a
translation key) and cached until the file changes. The checks in ``geo/checks/`` use the typed
accessors:

* control lines (永久基本农田, 城镇开发边界, ...): :func:`control_kind`, :data:`CONTROL_KINDS`
* 压覆 important minerals: :func:`is_important_mineral`
* 三调 / GB/T 21010 land-use codes: :func:`landuse_class`, :func:`landuse_name`
* 《工业项目建设用地控制指标》: :func:`land_standard_thresholds`, :func:`evaluate_land_standard`,
  :func:`region_class_for`
* 产业结构调整指导目录 / 限制、禁止用地项目目录: :func:`match_industry_policy`
* terrain: :func:`slope_classes`, :func:`terrain_rules`, :func:`slope_status`

>>> landuse_class("0103"), landuse_class("0601"), landuse_class(" 05h1 ")
('cropland', 'construction', 'construction')
>>> control_kind("farmland").status_for("industrial")
('FAIL', 'rules.control.farmland.all.default')
>>> is_important_mineral("Li").lists
('strat24',)
>>> is_important_mineral("Mg") is None
True
"""
from __future__ import annotations

import difflib
import os
import math
import re
from typing import Any, Literal, overload
import unicodedata
from dataclasses import dataclass, field
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from collections.abc import Iterable, Iterator, Mapping

import yaml

from .errors import InputError

__all__ = [
    "RULES_DIR", "TABLES", "CONTROL_KINDS", "CONTROL_TYPES", "LANDUSE_CLASSES", "STATUSES",
    "Citation", "ControlKind", "ImportantMineral", "Threshold", "Thresholds", "Indicator",
    "RegionClass", "PolicyHit", "SlopeClass", "TerrainRule", "TerrainRules",
    "load_rules", "held", "control_kind", "control_activities", "control_step_texts",
    "is_important_mineral", "landuse_class", "landuse_name",
    "land_standard_thresholds", "evaluate_land_standard", "region_class_for",
    "match_industry_policy", "slope_classes", "terrain_rules", "slope_status", "dem_adequate",
    "activity_codes", "normalise_dlbm", "landuse_class_table", "PolicyResult",
    "evaluate_industry_policy", "LanduseBreakdown", "landuse_breakdown",
]

RULES_DIR = Path(__file__).resolve().parents[1] / "data" / "rules"
TABLES: tuple[str, ...] = (
    "control_lines", "important_minerals", "landuse_codes", "land_use_standards",
    "industry_policy", "terrain",
)
CONTROL_KINDS: tuple[str, ...] = (
    "farmland", "urban_boundary", "water_source", "heritage", "geohazard", "wetland",
    "world_heritage", "mining_rights",
)
CONTROL_TYPES: tuple[str, ...] = ("must_not_overlap", "must_lie_inside", "consult")
LANDUSE_CLASSES: tuple[str, ...] = ("cropland", "agricultural", "construction", "unused")
STATUSES: tuple[str, ...] = ("PASS", "WARN", "FAIL", "UNKNOWN")
_RULE_STATUSES = ("PASS", "WARN", "FAIL")
_LANGS = ("zh", "en")


# ----------------------------------------------------------------------------- errors
def _bad(table: str, where: str, detail: str) -> InputError:
    return InputError(f"rules table {table}: {where}: {detail}", "rules.err.bad_value",
                      table=table, where=where)


def _keys(obj: Any, table: str, where: str, required: Iterable[str],
          optional: Iterable[str] = ()) -> dict[str, Any]:
    """``obj`` as a mapping with exactly the allowed keys (typos refused, with a suggestion)."""
    if not isinstance(obj, dict):
        raise _bad(table, where, f"expected a mapping, got {type(obj).__name__}")
    required, allowed = set(required), set(required) | set(optional)
    for key in obj:
        if key not in allowed:
            near = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = near[0] if near else ", ".join(sorted(allowed))
            raise InputError(
                f"rules table {table}: {where}: unknown key {key!r} (did you mean {hint!r}?)",
                "rules.err.unknown_key", table=table, where=where, field=key, hint=hint)
    for key in sorted(required - set(obj)):
        raise InputError(f"rules table {table}: {where}: missing key {key!r}",
                         "rules.err.missing_key", table=table, where=where, field=key)
    return obj


def _text(obj: Any, table: str, where: str) -> str:
    if not isinstance(obj, str) or not obj.strip():
        raise _bad(table, where, "expected a non-empty text")
    return obj


def _choice(value: Any, allowed: Iterable[str], table: str, where: str) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise _bad(table, where, f"{value!r} is not one of {', '.join(allowed)}")
    return str(value)


@overload
def _number(value: Any, table: str, where: str, *, optional: Literal[False] = False) -> float: ...
@overload
def _number(value: Any, table: str, where: str, *, optional: bool) -> float | None: ...
def _number(value: Any, table: str, where: str, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(table, where, f"expected a number, got {value!r}")
    return float(value)


def _bool(value: Any, table: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise _bad(table, where, f"expected true or false, got {value!r}")
    return value


# ----------------------------------------------------------------------------- citations
_CITATION_REQUIRED = ("title", "number", "verified")
_CITATION_OPTIONAL = ("issuer", "article", "year", "url", "note", "in_force")


@dataclass(frozen=True)
class Citation:
    """One source of a rule: document, issuing number (文号), article, year, URL, checked or not."""

    title: str
    number: str
    article: str | None = None
    year: int | None = None
    url: str | None = None
    verified: bool = False
    note: str = ""
    issuer: str = ""

    def text(self) -> str:
        """The citation as printed in a report (issuer, document, number, article, year); a
        source not read in its original text says so (its note says what to check).

        >>> Citation("湿地保护法", "主席令第102号", "第十九条", 2021, verified=True).text()
        '《湿地保护法》（主席令第102号）第十九条（2021）'
        >>> Citation("关于严格耕地用途管制有关问题的通知", "自然资发〔2021〕166号", None, 2021,
        ...          issuer="自然资源部 农业农村部 国家林业和草原局").text()
        '自然资源部 农业农村部 国家林业和草原局《关于严格耕地用途管制有关问题的通知》（自然资发〔2021〕166号）（2021）〔未核原文〕'
        """
        out = f"{self.issuer}《{self.title}》（{self.number}）"
        if self.article:
            out += str(self.article)
        if self.year:
            out += f"（{self.year}）"
        if not self.verified:
            out += "〔未核原文〕"
        return out


def _citation(obj: Any, table: str, where: str) -> Citation:
    obj = _keys(obj, table, where, _CITATION_REQUIRED, _CITATION_OPTIONAL)
    verified = _bool(obj["verified"], table, f"{where}.verified")
    note = obj.get("note") or ""
    if not verified and not str(note).strip():
        raise InputError(
            f"rules table {table}: {where}: an unverified source needs a note saying what to check",
            "rules.err.no_source", table=table, where=where)
    year = obj.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise _bad(table, f"{where}.year", f"expected a year, got {year!r}")
    title = _text(obj["title"], table, f"{where}.title")
    if any(mark in title for mark in "《》"):  # one document per entry; the issuer apart
        raise _bad(table, f"{where}.title", f"a bare document title without 《》, got {title!r} "
                   "(put the issuing body in `issuer`, a second document in its own entry)")
    return Citation(
        title=title, issuer=str(obj.get("issuer") or "").strip(),
        number=_text(str(obj["number"]), table, f"{where}.number"),
        article=None if obj.get("article") is None else str(obj["article"]),
        year=year, url=obj.get("url"), verified=verified, note=str(note).strip(),
    )


def _citations(obj: Any, table: str, where: str) -> tuple[Citation, ...]:
    if not isinstance(obj, list) or not obj:
        raise InputError(f"rules table {table}: {where}: every entry needs at least one source",
                         "rules.err.no_source", table=table, where=where)
    return tuple(_citation(item, table, f"{where}[{i}]") for i, item in enumerate(obj))


# ----------------------------------------------------------------------------- loading
def _read(path: Path, name: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"rules table {name}: cannot read {path.name}: {err}",
                         "rules.err.file", table=name, detail=str(err)) from err
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise InputError(f"rules table {name}: not valid YAML: {err}", "rules.err.file",
                         table=name, detail=str(err).splitlines()[0]) from err
    if not isinstance(data, dict):
        raise _bad(name, "file", "expected a mapping at the top")
    if data.get("version") != 1:
        raise _bad(name, "version", f"expected version 1, got {data.get('version')!r}")
    return data


@lru_cache(maxsize=32)
def _load_cached(path_str: str, mtime_ns: int, name: str) -> tuple[dict[str, Any], Any]:
    data = _read(Path(path_str), name)
    parsed = _VALIDATORS[name](data, Path(path_str).parent)
    return data, parsed


#: Tables read while :func:`held` is active: ``{(name, rules_dir): (data, parsed)}``.
_HELD: dict[tuple[str, str], tuple[dict[str, Any], Any]] | None = None


@contextmanager
def held() -> Iterator[None]:
    """Read each rules table once for the duration of the block (one version of the rules).

    Outside the block every look-up checks the file's modification time, so an
    edited table is read again; a bulk screen holds the rules for a chunk so
    that its many look-ups cost no file-system call and all its sites are
    judged by the same version of every table.
    """
    global _HELD
    outer = _HELD
    if outer is None:
        _HELD = {}
    try:
        yield
    finally:
        _HELD = outer


def _load(name: str, rules_dir: Path | None) -> tuple[dict[str, Any], Any]:
    if _HELD is not None:
        key = (name, str(rules_dir or ""))
        if key not in _HELD:
            _HELD[key] = _load_checked(name, rules_dir)
        return _HELD[key]
    return _load_checked(name, rules_dir)


def _load_checked(name: str, rules_dir: Path | None) -> tuple[dict[str, Any], Any]:
    if name not in TABLES:
        raise InputError(f"unknown rules table {name!r}; known: {', '.join(TABLES)}",
                         "rules.err.unknown_table", table=name, allowed=", ".join(TABLES))
    path = Path(rules_dir or RULES_DIR) / f"{name}.yaml"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as err:
        raise InputError(f"rules table {name}: cannot read {path}: {err}", "rules.err.file",
                         table=name, detail=str(err)) from err
    return _load_cached(os.path.abspath(path), mtime, name)  # abspath: no syscall per look-up


def load_rules(name: str, *, rules_dir: str | Path | None = None) -> dict[str, Any]:
    """The validated contents of ``data/rules/<name>.yaml`` (a fresh copy; cached per file version).

    Raises :class:`InputError` (key ``rules.err.*``) for an unknown table, unreadable YAML, an
    unknown or missing key, a bad value or an entry without a source.
    """
    import copy

    data, _ = _load(name, Path(rules_dir) if rules_dir else None)
    return copy.deepcopy(data)


def _parsed(name: str) -> Any:
    return _load(name, None)[1]


# ----------------------------------------------------------------------------- control lines
def _norm(text: Any) -> str:
    """NFKC, no whitespace, case-folded (how user and layer text is compared)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).casefold()


@dataclass(frozen=True)
class ControlKind:
    """One control-line kind and its statuses per activity (and level)."""

    id: str
    name_zh: str
    name_en: str
    control: str
    level_field: str | None
    levels: tuple[str, ...]
    basis: tuple[Citation, ...]
    unknown_level: str | None = None
    _aliases: Mapping[str, str] = field(default_factory=dict, repr=False)
    _rules: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False)
    _not_important: str | None = field(default=None, repr=False)
    _not_strategic: str | None = field(default=None, repr=False)
    _activities: Mapping[str, str] = field(default_factory=dict, repr=False)

    def name(self, lang: str) -> str:
        return {"zh": self.name_zh, "en": self.name_en}[lang]

    def level_of(self, value: Any) -> tuple[str | None, bool]:
        """The level a layer value names, and whether it was recognised.

        An empty or unknown value gives ``unknown_level`` (the strictest) and ``False``; a kind
        without levels gives ``(None, True)``.
        """
        if not self.levels:
            return None, True
        if value is not None and _norm(value) in self._aliases:
            return self._aliases[_norm(value)], True
        return self.unknown_level, False

    def status_for(self, activity: str, level: Any = None, *,
                   important: bool = True, strategic: bool = True) -> tuple[str, str]:
        """(status, translation key of the step) when the site conflicts with this kind.

        Conflict is an overlap for ``must_not_overlap`` and ``consult``, lying (partly) outside
        for ``must_lie_inside``; no conflict is PASS and is not asked here. ``level`` is the
        layer's value (any alias). ``important`` / ``strategic`` are used by ``mining_rights``
        only (see :func:`is_important_mineral`): a mineral not on the important lists gives the
        ``not_important`` rule, an important one that is not strategic the
        ``important_not_strategic`` rule, unless the activity's own rule (e.g. the holder's own
        works) says otherwise.
        """
        act = self._activities.get(activity)
        if act is None:
            allowed = ", ".join(sorted(self._activities))
            raise InputError(f"unknown activity {activity!r}; allowed: {allowed}",
                             "rules.err.unknown_activity", activity=activity, allowed=allowed)
        lvl = str(self.level_of(level)[0]) if self.levels else "all"  # with levels: a level id
        rules = self._rules[lvl]
        if act in rules:
            return rules[act], f"rules.control.{self.id}.{lvl}.{act}"
        if self._not_important is not None and not important:
            return self._not_important, f"rules.control.{self.id}.not_important"
        if self._not_strategic is not None and not strategic:
            return self._not_strategic, f"rules.control.{self.id}.important_not_strategic"
        return rules["default"], f"rules.control.{self.id}.{lvl}.default"


def _redline_activities(rules_dir: Path) -> tuple[str, ...]:
    data = _read(rules_dir / "redline_rules.yaml", "redline_rules")
    acts = data.get("activities")
    if not isinstance(acts, dict) or not acts:
        raise _bad("redline_rules", "activities", "expected the activity table")
    return tuple(acts)


def _status_entry(obj: Any, table: str, where: str) -> tuple[str, str, str]:
    obj = _keys(obj, table, where, ("status", "step_zh", "step_en"))
    return (_choice(obj["status"], _RULE_STATUSES, table, f"{where}.status"),
            _text(obj["step_zh"], table, f"{where}.step_zh"),
            _text(obj["step_en"], table, f"{where}.step_en"))


def _validate_control_lines(data: dict[str, Any], rules_dir: Path) -> dict[str, Any]:
    t = "control_lines"
    _keys(data, t, "file", ("version", "activities", "kinds"))
    extra = _keys(data["activities"], t, "activities", (), data["activities"].keys())
    activities: dict[str, str] = {a: a for a in _redline_activities(rules_dir)}
    for code, act in extra.items():
        act = _keys(act, t, f"activities.{code}", ("name_zh", "name_en"), ("same_as",))
        _text(act["name_zh"], t, f"activities.{code}.name_zh")
        _text(act["name_en"], t, f"activities.{code}.name_en")
        activities[code] = code
    for code, act in extra.items():
        if act.get("same_as"):
            same = _choice(act["same_as"], activities, t, f"activities.{code}.same_as")
            activities[same] = code
    kinds = data["kinds"]
    _keys(kinds, t, "kinds", CONTROL_KINDS)
    parsed: dict[str, ControlKind] = {}
    texts: dict[str, tuple[str, str]] = {}
    for kid, kind in kinds.items():
        w = f"kinds.{kid}"
        _keys(kind, t, w, ("name_zh", "name_en", "control", "level_field", "rules", "basis"),
              ("levels", "unknown_level", "not_important", "important_not_strategic"))
        control = _choice(kind["control"], CONTROL_TYPES, t, f"{w}.control")
        levels = kind.get("levels") or {}
        aliases: dict[str, str] = {}
        for lvl, spec in _keys(levels, t, f"{w}.levels", (), levels.keys()).items():
            spec = _keys(spec, t, f"{w}.levels.{lvl}", ("aliases",))
            for alias in [lvl, *spec["aliases"]]:
                aliases[_norm(alias)] = lvl
        if levels and not kind.get("level_field"):
            raise _bad(t, f"{w}.level_field", "a kind with levels needs the layer field that holds them")
        unknown = kind.get("unknown_level")
        if levels:
            unknown = _choice(unknown, tuple(levels), t, f"{w}.unknown_level")
        elif unknown is not None:
            raise _bad(t, f"{w}.unknown_level", "only a kind with levels has an unknown_level")
        rule_keys = tuple(levels) if levels else ("all",)
        rules_in = _keys(kind["rules"], t, f"{w}.rules", rule_keys)
        rules: dict[str, dict[str, str]] = {}
        for lvl, rule in rules_in.items():
            rw = f"{w}.rules.{lvl}"
            rule = _keys(rule, t, rw, ("default",), ("activities",))
            st, zh, en = _status_entry(rule["default"], t, f"{rw}.default")
            rules[lvl] = {"default": st}
            texts[f"rules.control.{kid}.{lvl}.default"] = (zh, en)
            for act, entry in (rule.get("activities") or {}).items():
                canon = _choice(act, activities, t, f"{rw}.activities")
                st, zh, en = _status_entry(entry, t, f"{rw}.activities.{act}")
                rules[lvl][activities[canon]] = st
                texts[f"rules.control.{kid}.{lvl}.{activities[canon]}"] = (zh, en)
        mineral_rules: dict[str, str | None] = {"not_important": None, "important_not_strategic": None}
        for rule_id in mineral_rules:
            if kind.get(rule_id) is None:
                continue
            if kid != "mining_rights":
                raise _bad(t, f"{w}.{rule_id}", f"only mining_rights has a {rule_id} rule")
            mineral_rules[rule_id], zh, en = _status_entry(kind[rule_id], t, f"{w}.{rule_id}")
            texts[f"rules.control.{kid}.{rule_id}"] = (zh, en)
        parsed[kid] = ControlKind(
            id=kid, name_zh=_text(kind["name_zh"], t, f"{w}.name_zh"),
            name_en=_text(kind["name_en"], t, f"{w}.name_en"), control=control,
            level_field=kind.get("level_field"), levels=tuple(levels),
            basis=_citations(kind["basis"], t, f"{w}.basis"), unknown_level=unknown,
            _aliases=aliases, _rules=rules, _not_important=mineral_rules["not_important"],
            _not_strategic=mineral_rules["important_not_strategic"],
            _activities={a: activities[a] for a in activities},
        )
    return {"kinds": parsed, "texts": texts,
            "activity_names": {code: (act["name_zh"], act["name_en"]) for code, act in extra.items()}}


def control_kind(kind: str) -> ControlKind:
    """The control-line kind ``kind`` (one of :data:`CONTROL_KINDS`)."""
    if kind not in CONTROL_KINDS:
        raise InputError(f"unknown control-line kind {kind!r}; known: {', '.join(CONTROL_KINDS)}",
                         "rules.err.unknown_kind", kind=kind, allowed=", ".join(CONTROL_KINDS))
    found: ControlKind = _parsed("control_lines")["kinds"][kind]
    return found


def control_activities() -> dict[str, tuple[str, str]]:
    """The activity codes this table adds to the red-line ones: {code: (name_zh, name_en)}."""
    return dict(_parsed("control_lines")["activity_names"])


def activity_codes() -> tuple[str, ...]:
    """Every activity code a project may give: the red-line ones and this table's (with aliases).

    >>> {"industrial", "national_major", "national_major_project", "separate_site"} <= set(activity_codes())
    True
    """
    return tuple(control_kind(CONTROL_KINDS[0])._activities)


def control_step_texts() -> dict[str, tuple[str, str]]:
    """Every step text of the control-line table by its translation key (for geo.i18n)."""
    return dict(_parsed("control_lines")["texts"])


# ----------------------------------------------------------------------------- important minerals
@dataclass(frozen=True)
class ImportantMineral:
    """A mineral on the 重要矿产 list(s) of the 压覆 rule."""

    id: str
    name_zh: str
    name_en: str
    lists: tuple[str, ...]
    list_sources: tuple[Citation, ...]
    citation: tuple[Citation, ...]

    @property
    def strategic(self) -> bool:
        """On the 24 strategic minerals (战略性矿产: in principle may not be overlain)."""
        return "strat24" in self.lists

    def name(self, lang: str) -> str:
        return {"zh": self.name_zh, "en": self.name_en}[lang]


def _validate_important_minerals(data: dict[str, Any], _rules_dir: Path) -> dict[str, Any]:
    t = "important_minerals"
    _keys(data, t, "file", ("version", "lists", "law", "rules", "minerals"))
    lists = {lid: _citation(c, t, f"lists.{lid}") for lid, c in
             _keys(data["lists"], t, "lists", (), data["lists"].keys()).items()}
    law = _citation(data["law"], t, "law")
    rules = _citations(data["rules"], t, "rules")
    by_code: dict[str, ImportantMineral | None] = {}
    if not isinstance(data["minerals"], list):
        raise _bad(t, "minerals", "expected a list")
    for i, m in enumerate(data["minerals"]):
        w = f"minerals[{i}]"
        m = _keys(m, t, w, ("id", "name_zh", "name_en", "codes", "lists"), ("note",))
        mlists = tuple(_choice(x, lists, t, f"{w}.lists") for x in m["lists"])
        if not mlists and not str(m.get("note") or "").strip():
            raise InputError(f"rules table {t}: {w}: a mineral on no list needs a note",
                             "rules.err.no_source", table=t, where=w)
        mineral = ImportantMineral(
            id=m["id"], name_zh=_text(m["name_zh"], t, f"{w}.name_zh"),
            name_en=_text(m["name_en"], t, f"{w}.name_en"), lists=mlists,
            list_sources=tuple(lists[x] for x in mlists), citation=(law, *rules),
        ) if mlists else None
        if not m["codes"]:
            raise _bad(t, f"{w}.codes", "expected at least one code")
        for code in m["codes"]:
            key = _norm(code)
            if key in by_code:
                raise _bad(t, f"{w}.codes", f"code {code!r} is given twice")
            by_code[key] = mineral
    return {"by_code": by_code}


_SEPARATORS = re.compile(r"[-/、,，+;；&]")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")


def is_important_mineral(code_or_name: str) -> ImportantMineral | None:
    """The important mineral a code or name stands for, or None (not important or not known).

    Composite codes are split (``"Cu-Co"``, ``"Pb-Zn"``; ``"铜钴"`` letter by letter) and the
    first important part is returned.

    >>> is_important_mineral("Pb-Zn").name_en, is_important_mineral("铜钴").id
    ('lead', 'copper')
    >>> is_important_mineral("NaCl") is None
    True
    """
    by_code: dict[str, ImportantMineral] = _parsed("important_minerals")["by_code"]
    whole = _norm(code_or_name)
    if not whole:
        return None
    if whole in by_code:
        return by_code[whole]
    parts = [p for p in _SEPARATORS.split(whole) if p]
    if len(parts) == 1 and _CJK.match(whole):
        parts = list(whole)
    for part in parts:
        if by_code.get(part) is not None:
            return by_code[part]
    return None


# ----------------------------------------------------------------------------- land-use codes
def _validate_landuse_codes(data: dict[str, Any], _rules_dir: Path) -> dict[str, Any]:
    t = "landuse_codes"
    _keys(data, t, "file", ("version", "sources", "classes", "codes"))
    _citations(data["sources"], t, "sources")
    _keys(data["classes"], t, "classes", LANDUSE_CLASSES)
    codes: dict[str, tuple[str | None, str, str]] = {}
    for code, entry in _keys(data["codes"], t, "codes", (), data["codes"].keys()).items():
        w = f"codes.{code}"
        if not isinstance(code, str) or not re.fullmatch(r"\d{2}(\d{2}|H\d)?A?", code):
            raise _bad(t, w, "a code is 2 or 4 characters (e.g. '01', '0101', '05H1', '1104A')")
        entry = _keys(entry, t, w, ("zh", "en", "class"))
        cls = entry["class"]
        if cls is not None:
            _choice(cls, LANDUSE_CLASSES, t, f"{w}.class")
        codes[code] = (cls, _text(entry["zh"], t, f"{w}.zh"), _text(entry["en"], t, f"{w}.en"))
    return {"codes": codes, "classes": data["classes"]}


def normalise_dlbm(dlbm: Any) -> str:
    """A land-use code as the table spells it: ``' 05h1'`` -> ``'05H1'``, ``101`` -> ``'0101'``.

    >>> normalise_dlbm(" 05h1 "), normalise_dlbm(101), normalise_dlbm("0102.0")
    ('05H1', '0101', '0102')
    """
    code = unicodedata.normalize("NFKC", str(dlbm))
    code = re.sub(r"\s+", "", code).upper()
    code = re.sub(r"\.0+$", "", code)          # 101.0 from a numeric field
    if code.isdigit() and len(code) in (1, 3):
        code = code.zfill(len(code) + 1)       # 101 -> 0101, 9 -> 09
    return code


def _landuse_entry(dlbm: Any) -> tuple[str, tuple[str | None, str, str]]:
    code = normalise_dlbm(dlbm)
    entry = _parsed("landuse_codes")["codes"].get(code)
    if entry is None:
        raise InputError(f"unknown land-use code (DLBM) {str(dlbm)!r}", "rules.err.landuse_code",
                         code=str(dlbm))
    return code, entry


def landuse_class(dlbm: Any) -> str:
    """The class of a 三调 / GB/T 21010 code: cropland, agricultural, construction or unused.

    Accepts 2- and 4-digit codes, 三调 letter codes (05H1, 08H2, 1104A, 0810A), lower case,
    spaces and codes that lost their leading zero (``101``). Unknown codes, and 2-digit codes
    whose 4-digit codes lie in different classes (``04``, ``10``, ``11``, ``12``), raise
    :class:`InputError`.

    >>> landuse_class(101), landuse_class("0404"), landuse_class("1202")
    ('cropland', 'unused', 'agricultural')
    """
    code, (cls, _zh, _en) = _landuse_entry(dlbm)
    if cls is None:
        raise InputError(f"land-use code {code} spans several classes; a 4-digit code is needed",
                         "rules.err.landuse_ambiguous", code=code)
    return cls


def landuse_class_table() -> dict[str, str | None]:
    """{code: class} of every code in the table (None for mixed 2-digit codes), for mapping a
    layer's normalised DLBM column in one pass (``df.DLBM.map(normalise_dlbm).map(table)``)."""
    return {code: entry[0] for code, entry in _parsed("landuse_codes")["codes"].items()}


@dataclass(frozen=True)
class LanduseBreakdown:
    """A site's area by land-use class (ha) and the 新增建设用地 it implies.

    ``new_construction_ha`` = site − existing 建设用地: land of the site the layer does not cover,
    or whose code is unknown or spans classes, counts as new (the quota is charged for it) and is
    reported in ``uncovered_ha`` / ``unclassified``.
    """

    site_ha: float
    cropland_ha: float
    agricultural_ha: float
    construction_ha: float
    unused_ha: float
    uncovered_ha: float
    unclassified: Mapping[str, float]
    new_construction_ha: float


def landuse_breakdown(pieces: Iterable[tuple[Any, float]], site_ha: float) -> LanduseBreakdown:
    """Sum (DLBM, area_ha) pieces of a site (the site cut by a 三调 layer) by class.

    >>> b = landuse_breakdown([("0103", 4.0), ("0601", 3.0), ("1206", 2.0), ("9999", 0.5)], 10.0)
    >>> b.cropland_ha, b.construction_ha, b.unused_ha, dict(b.unclassified), b.uncovered_ha
    (4.0, 3.0, 2.0, {'9999': 0.5}, 0.5)
    >>> b.new_construction_ha
    7.0
    """
    site = _figure("site_ha", site_ha)
    if site is None or site <= 0:
        raise InputError(f"site area must be > 0 ha, got {site_ha!r}", "rules.err.bad_input",
                         name="site_ha", value=str(site_ha))
    table = landuse_class_table()
    sums = dict.fromkeys(LANDUSE_CLASSES, 0.0)
    unclassified: dict[str, float] = {}
    for code, area in pieces:
        area = _figure("area_ha", area) or 0.0
        key = normalise_dlbm(code)
        cls = table.get(key)
        if cls is None:
            unclassified[key] = unclassified.get(key, 0.0) + area
        else:
            sums[cls] += area
    covered = sum(sums.values()) + sum(unclassified.values())
    uncovered = max(site - covered, 0.0)
    return LanduseBreakdown(
        site_ha=site, cropland_ha=sums["cropland"], agricultural_ha=sums["agricultural"],
        construction_ha=sums["construction"], unused_ha=sums["unused"], uncovered_ha=uncovered,
        unclassified=unclassified, new_construction_ha=max(site - sums["construction"], 0.0))


def landuse_name(dlbm: Any, lang: str) -> str:
    """The name of a land-use code in ``lang``.

    >>> landuse_name("0102", "zh"), landuse_name("0102", "en")
    ('水浇地', 'irrigated land')
    """
    if lang not in _LANGS:
        raise ValueError(f"language was {lang!r} but is expected to be in {_LANGS}")
    _code, (_cls, zh, en) = _landuse_entry(dlbm)
    return zh if lang == "zh" else en


# ----------------------------------------------------------------------------- land-use standards
_INDICATORS = ("investment_intensity", "plot_ratio", "building_coverage", "admin_share",
               "green_share")
_CN_NUM = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
           "八": "8", "九": "9"}


@dataclass(frozen=True)
class Threshold:
    id: str
    value: float | None
    comparison: str                 # '>=' or '<='
    unit: str
    input: str                      # the figure the project gives (investment_wan, ...)
    verified: bool
    note: str


@dataclass(frozen=True)
class Thresholds:
    """The thresholds of one industry (and region class) of 《工业项目建设用地控制指标》."""

    industry: str                   # the table's code that matched (longest prefix)
    industry_name_zh: str
    industry_name_en: str
    region_class: str | None
    items: Mapping[str, Threshold]
    edition: Citation
    current_confirmed: bool

    def __getitem__(self, indicator: str) -> Threshold:
        return self.items[indicator]


@dataclass(frozen=True)
class Indicator:
    """One indicator of the land-use standard for a project.

    ``status`` is PASS / FAIL, UNKNOWN when the project's figure is missing (``missing`` names
    it), WARN when the threshold is unverified or missing, or when the figure meets a threshold of
    an edition not confirmed as current. ``reason_key`` + ``params`` say why (geo.i18n).
    """

    id: str
    value: float | None
    threshold: float | None
    comparison: str
    unit: str
    status: str
    missing: str | None
    basis: str
    note: str
    reason_key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def reason(self, lang: str) -> str:
        """Why this status, in ``lang`` (names the missing figure for UNKNOWN)."""
        from .i18n import t

        return t(self.reason_key, lang, **self.params,
                 name=t(f"rules.land.indicator.{self.id}", lang),
                 figure=t(f"rules.land.input.{self.params['input']}", lang))


@dataclass(frozen=True)
class RegionClass:
    county: str
    region_class: str | None
    verified: bool
    step_key: str


def _validate_land_use_standards(data: dict[str, Any], _rules_dir: Path) -> dict[str, Any]:
    t = "land_use_standards"
    _keys(data, t, "file", ("version", "edition", "indicators", "region_classes", "industries",
                            "plot_ratio_source"))
    ed = _keys(dict(data["edition"]), t, "edition", (*_CITATION_REQUIRED, "current_confirmed"),
               _CITATION_OPTIONAL)
    current = _bool(ed.pop("current_confirmed"), t, "edition.current_confirmed")
    edition = _citation(ed, t, "edition")
    _citation(data["plot_ratio_source"], t, "plot_ratio_source")
    indicators: dict[str, dict[str, Any]] = {}
    for iid, ind in _keys(data["indicators"], t, "indicators", _INDICATORS).items():
        w = f"indicators.{iid}"
        ind = _keys(ind, t, w, ("name_zh", "name_en", "unit", "comparison", "input", "note"),
                    ("value", "verified"))
        _choice(ind["comparison"], (">=", "<="), t, f"{w}.comparison")
        if "value" in ind:
            _number(ind["value"], t, f"{w}.value", optional=True)
            _bool(ind.get("verified"), t, f"{w}.verified")
        indicators[iid] = ind
    rc = _keys(data["region_classes"], t, "region_classes",
               ("classes", "how_chosen_zh", "how_chosen_en", "verified", "counties", "step_zh",
                "step_en"))
    classes = tuple(str(c) for c in rc["classes"])
    counties: dict[str, dict[str, Any]] = {}
    for county, spec in (rc["counties"] or {}).items():
        spec = _keys(spec, t, f"region_classes.counties.{county}", ("class", "verified"), ("note",))
        _choice(str(spec["class"]), classes, t, f"region_classes.counties.{county}.class")
        counties[_norm(county)] = {**spec, "class": str(spec["class"])}
    industries: dict[str, dict[str, Any]] = {}
    if not isinstance(data["industries"], list):
        raise _bad(t, "industries", "expected a list")
    for i, ind in enumerate(data["industries"]):
        w = f"industries[{i}]"
        ind = _keys(ind, t, w, ("code", "name_zh", "name_en", "gbt4754_2002", "plot_ratio"),
                    ("investment_intensity",))
        code = str(ind["code"])
        if not re.fullmatch(r"\d{2,4}", code) or not 13 <= int(code[:2]) <= 43:
            raise _bad(t, f"{w}.code", f"{code!r} is not a manufacturing class 13–43 of GB/T 4754")
        pr = _keys(ind["plot_ratio"], t, f"{w}.plot_ratio", ("value", "verified"), ("note",))
        _number(pr["value"], t, f"{w}.plot_ratio.value", optional=True)
        if not _bool(pr["verified"], t, f"{w}.plot_ratio.verified") and not pr.get("note"):
            raise InputError(f"rules table {t}: {w}.plot_ratio: unverified figure needs a note",
                             "rules.err.no_source", table=t, where=f"{w}.plot_ratio")
        inv = ind.get("investment_intensity")
        if inv is not None:
            inv = _keys(inv, t, f"{w}.investment_intensity", ("by_region_class", "verified"),
                        ("note",))
            for cls, val in (inv["by_region_class"] or {}).items():
                _choice(str(cls), classes, t, f"{w}.investment_intensity.by_region_class")
                _number(val, t, f"{w}.investment_intensity.by_region_class.{cls}")
            _bool(inv["verified"], t, f"{w}.investment_intensity.verified")
        if code in industries:
            raise _bad(t, f"{w}.code", f"industry {code} is given twice")
        industries[code] = ind
    return {"edition": edition, "current": current, "indicators": indicators,
            "classes": classes, "counties": counties, "industries": industries,
            "rc": rc}


def _industry_code(gbt4754: Any, *, manufacturing: bool = True) -> str:
    """A GB/T 4754 class as 2–4 digits (门类 letter dropped); ``manufacturing`` refuses classes
    outside 13–43, which the land-use standard does not cover."""
    code = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(gbt4754))).upper()
    if code[:1].isalpha() and code[1:].isdigit():      # 门类 letter (C = 制造业)
        code = code[1:]
    if not re.fullmatch(r"\d{2,4}", code):
        raise InputError(f"GB/T 4754 industry class {str(gbt4754)!r} is not 2–4 digits",
                         "rules.err.industry_code", code=str(gbt4754))
    if manufacturing and not 13 <= int(code[:2]) <= 43:
        raise InputError(
            f"GB/T 4754 class {code} is not manufacturing (13–43), which the land-use standard covers",
            "rules.err.industry_not_covered", code=code)
    return code


def _region(region_class: Any, classes: tuple[str, ...]) -> str | None:
    if region_class is None or (isinstance(region_class, str) and not region_class.strip()):
        return None
    text = unicodedata.normalize("NFKC", str(region_class)).strip()
    text = re.sub(r"^第|类$|类地区$", "", text)
    text = _CN_NUM.get(text, text)
    if text not in classes:
        raise InputError(f"region class {region_class!r} is not one of {', '.join(classes)}",
                         "rules.err.region_class", value=str(region_class),
                         allowed=", ".join(classes))
    return text


def land_standard_thresholds(gbt4754: Any, region_class: Any = None) -> Thresholds:
    """Thresholds of 《工业项目建设用地控制指标》 for an industry (GB/T 4754-2017) and region class.

    The industry is matched by its longest prefix in the table (``3841`` -> ``38``). The
    investment threshold needs the region class; without it (None) its value is None.

    >>> th = land_standard_thresholds("3216", 7)
    >>> th.industry, th["plot_ratio"].value, th["admin_share"].value
    ('32', 0.6, 7.0)
    """
    p = _parsed("land_use_standards")
    code = _industry_code(gbt4754)
    match = next((code[:n] for n in range(len(code), 1, -1) if code[:n] in p["industries"]), None)
    if match is None:
        raise InputError(f"GB/T 4754 class {code} is not in the land-use standard table",
                         "rules.err.industry_not_covered", code=code)
    ind = p["industries"][match]
    region = _region(region_class, p["classes"])
    items: dict[str, Threshold] = {}
    for iid, spec in p["indicators"].items():
        value, verified, note = spec.get("value"), bool(spec.get("verified")), spec["note"]
        if iid == "plot_ratio":
            pr = ind["plot_ratio"]
            value, verified = pr["value"], pr["verified"]
            note = pr.get("note") or note
        elif iid == "investment_intensity":
            inv = ind.get("investment_intensity") or {}
            by_class = {str(k): v for k, v in (inv.get("by_region_class") or {}).items()}
            value = by_class.get(region) if region else None
            verified = bool(inv.get("verified")) and value is not None
            note = p["rc"]["step_zh"] if region is None else inv.get("note") or note
        items[iid] = Threshold(
            id=iid, value=None if value is None else float(value), comparison=spec["comparison"],
            unit=spec["unit"], input=spec["input"], verified=verified, note=str(note).strip())
    return Thresholds(industry=match, industry_name_zh=ind["name_zh"],
                      industry_name_en=ind["name_en"], region_class=region, items=items,
                      edition=p["edition"], current_confirmed=p["current"])


def _figure(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < 0:
        raise InputError(f"{name} must be a number ≥ 0, got {value!r}", "rules.err.bad_input",
                         name=name, value=str(value))
    return float(value)


def evaluate_land_standard(thresholds: Thresholds, *, site_ha: float,
                           investment_wan: float | None = None,
                           floor_area_m2: float | None = None,
                           footprint_m2: float | None = None,
                           admin_area_m2: float | None = None,
                           green_area_m2: float | None = None) -> list[Indicator]:
    """The project's figures against ``thresholds``: one :class:`Indicator` per indicator.

    investment_intensity = 投资 (万元) / 用地 (公顷); plot_ratio = 总建筑面积 / 用地面积;
    building_coverage = 建筑物及构筑物基底面积 / 用地面积 × 100; admin_share = 行政办公及生活服务
    设施用地面积 / 用地面积 × 100; green_share (only when ``green_area_m2`` is given) likewise.
    Against an edition not confirmed as the one in force, a miss is WARN (re-check), not FAIL.

    >>> th = land_standard_thresholds("2624", 7)
    >>> [(i.id, i.status, i.reason_key) for i in evaluate_land_standard(th, site_ha=20,
    ...     floor_area_m2=60000, footprint_m2=50000, admin_area_m2=8000)]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('investment_intensity', 'UNKNOWN', 'rules.land.missing'),
     ('plot_ratio', 'WARN', 'rules.land.fail_edition'),
     ('building_coverage', 'WARN', 'rules.land.fail_edition'),
     ('admin_share', 'WARN', 'rules.land.edition')]
    """
    site = _figure("site_ha", site_ha)
    if site is None or site <= 0:
        raise InputError(f"site area must be > 0 ha, got {site_ha!r}", "rules.err.bad_input",
                         name="site_ha", value=str(site_ha))
    site_m2 = site * 10_000.0
    figures = {"investment_wan": _figure("investment_wan", investment_wan),
               "floor_area_m2": _figure("floor_area_m2", floor_area_m2),
               "footprint_m2": _figure("footprint_m2", footprint_m2),
               "admin_area_m2": _figure("admin_area_m2", admin_area_m2),
               "green_area_m2": _figure("green_area_m2", green_area_m2)}
    for name in ("footprint_m2", "admin_area_m2", "green_area_m2"):
        figure = figures[name]
        if figure is not None and figure > site_m2 * (1 + 1e-9):
            raise InputError(f"{name} ({figures[name]:,.0f} m²) exceeds the site ({site_m2:,.0f} m²)",
                             "rules.err.area_exceeds_site", name=name,
                             value=f"{figures[name]:,.0f}", site_m2=f"{site_m2:,.0f}")
    values = {
        "investment_intensity": None if figures["investment_wan"] is None
        else figures["investment_wan"] / site,
        "plot_ratio": None if figures["floor_area_m2"] is None
        else figures["floor_area_m2"] / site_m2,
        "building_coverage": None if figures["footprint_m2"] is None
        else figures["footprint_m2"] / site_m2 * 100.0,
        "admin_share": None if figures["admin_area_m2"] is None
        else figures["admin_area_m2"] / site_m2 * 100.0,
        "green_share": None if figures["green_area_m2"] is None
        else figures["green_area_m2"] / site_m2 * 100.0,
    }
    edition = thresholds.edition.text()
    out: list[Indicator] = []
    for iid in _INDICATORS:
        th = thresholds.items[iid]
        if iid == "green_share" and figures["green_area_m2"] is None:
            continue
        value = values[iid]
        params: dict[str, Any] = {"value": "" if value is None else f"{value:,.2f}",
                                  "threshold": "" if th.value is None else f"{th.value:g}",
                                  "comparison": th.comparison, "unit": th.unit,
                                  "input": th.input, "note": th.note, "edition": edition}
        missing = None
        if value is None:
            status, reason, missing = "UNKNOWN", "rules.land.missing", th.input
        elif th.value is None or not th.verified:
            status, reason = "WARN", "rules.land.unverified"
        else:
            meets = value >= th.value if th.comparison == ">=" else value <= th.value
            if not meets and thresholds.current_confirmed:
                status, reason = "FAIL", "rules.land.fail"
            elif not meets:  # a binding FAIL needs the edition in force: until confirmed, WARN
                status, reason = "WARN", "rules.land.fail_edition"
            elif thresholds.current_confirmed:
                status, reason = "PASS", "rules.land.pass"
            else:
                status, reason = "WARN", "rules.land.edition"
        out.append(Indicator(id=iid, value=value, threshold=th.value, comparison=th.comparison,
                             unit=th.unit, status=status, missing=missing, basis=edition,
                             note=th.note, reason_key=reason, params=params))
    return out


def region_class_for(county_code_or_name: Any) -> RegionClass:
    """The region class (地区分类) of a county for the investment threshold, if the table has it.

    The table lists no county yet (their land grades could not be confirmed): the answer is then
    ``region_class=None`` with the step the official takes (``rules.land.region_step``).
    """
    p = _parsed("land_use_standards")
    county = str(county_code_or_name).strip()
    spec = p["counties"].get(_norm(county))
    if spec is None:
        return RegionClass(county=county, region_class=None, verified=False,
                           step_key="rules.land.region_step")
    return RegionClass(county=county, region_class=spec["class"], verified=bool(spec["verified"]),
                       step_key="rules.land.region_known" if spec["verified"]
                       else "rules.land.region_step")


# ----------------------------------------------------------------------------- industry policy
_POLICY_CATEGORIES = {"restricted": "WARN", "eliminated": "FAIL", "land_restricted": "WARN",
                      "land_prohibited": "FAIL"}


@dataclass(frozen=True)
class PolicyHit:
    """One catalogue entry a product falls under."""

    id: str
    catalogue: Citation
    category: str                   # restricted | eliminated | land_restricted | land_prohibited
    item: str
    text: str
    status: str                     # FAIL / WARN (WARN whenever a condition or check remains)
    condition_zh: str
    condition_en: str
    verified: bool
    note: str
    reason_key: str

    @property
    def basis(self) -> str:
        return f"{self.catalogue.text()} {self.item}"

    def condition(self, lang: str) -> str:
        return {"zh": self.condition_zh, "en": self.condition_en}[lang]

    def reason(self, lang: str) -> str:
        """The entry, its catalogue and what the official must verify, in ``lang``."""
        from .i18n import t

        condition = self.condition(lang) or t("rules.policy.check_text", lang)
        return t(self.reason_key, lang, catalogue=f"《{self.catalogue.title}》", item=self.item,
                 text=self.text, condition=condition)


def _validate_industry_policy(data: dict[str, Any], _rules_dir: Path) -> dict[str, Any]:
    t = "industry_policy"
    _keys(data, t, "file", ("version", "catalogues", "entries"), ("reviewed_without_entry",))
    cats = {cid: _citation(c, t, f"catalogues.{cid}") for cid, c in
            _keys(data["catalogues"], t, "catalogues", (), data["catalogues"].keys()).items()}
    entries = []
    seen: set[str] = set()
    if not isinstance(data["entries"], list):
        raise _bad(t, "entries", "expected a list")
    for i, e in enumerate(data["entries"]):
        w = f"entries[{i}]"
        e = _keys(e, t, w, ("id", "catalogue", "category", "item", "text", "match", "verified"),
                  ("condition_zh", "condition_en", "note"))
        if e["id"] in seen:
            raise _bad(t, f"{w}.id", f"id {e['id']!r} is given twice")
        seen.add(e["id"])
        _choice(e["catalogue"], cats, t, f"{w}.catalogue")
        _choice(e["category"], _POLICY_CATEGORIES, t, f"{w}.category")
        m = _keys(e["match"], t, f"{w}.match", ("zh", "en"), ("gbt4754",))
        terms = [_norm(x) for x in [*m["zh"], *m["en"]] if _norm(x)]
        if not terms:
            raise _bad(t, f"{w}.match", "expected at least one product word")
        classes = tuple(str(c) for c in (m.get("gbt4754") or ()))
        if bool(e.get("condition_zh")) != bool(e.get("condition_en")):
            raise _bad(t, w, "a condition is given in both languages or in neither")
        verified = _bool(e["verified"], t, f"{w}.verified")
        if not verified and not str(e.get("note") or "").strip():
            raise InputError(f"rules table {t}: {w}: an unverified entry needs a note",
                             "rules.err.no_source", table=t, where=w)
        entries.append((terms, classes, e, cats[e["catalogue"]]))
    reviewed: list[str] = []
    rev = data.get("reviewed_without_entry")
    rev_verified = False
    if rev is not None:
        rev = _keys(rev, t, "reviewed_without_entry", ("verified", "note", "products"))
        rev_verified = _bool(rev["verified"], t, "reviewed_without_entry.verified")
        _text(rev["note"], t, "reviewed_without_entry.note")
        for i, prod in enumerate(rev["products"]):
            prod = _keys(prod, t, f"reviewed_without_entry.products[{i}]", ("zh", "en"))
            reviewed += [_norm(x) for x in [*prod["zh"], *prod["en"]] if _norm(x)]
    return {"entries": entries, "reviewed": tuple(reviewed), "reviewed_verified": rev_verified}


def match_industry_policy(product: str, gbt4754: str | None = None) -> list[PolicyHit]:
    """The catalogue entries a product (zh or en words) falls under.

    A product matches an entry when one of its words is part of the product text (or the product
    text, of 2+ characters, is part of the word). When both the project and the entry give a
    GB/T 4754 class, the classes must agree (so 'PVC精深加工' in 2922 塑料制品 does not hit PVC
    resin plants). Only the products covered by data/rules/industry_policy.yaml can hit.

    >>> [h.id for h in match_industry_policy("电解铝")][:2]
    ['al_electrolytic_restricted', 'al_electrolytic_land_restricted']
    """
    text = _norm(product)
    if not text:
        return []
    return _policy_hits(text, gbt4754)


def _matches(text: str, term: str) -> bool:
    return term in text or (len(text) >= 2 and text in term)


def _policy_hits(text: str, gbt4754: Any) -> list[PolicyHit]:
    project_class = None if gbt4754 in (None, "") else _industry_code(gbt4754, manufacturing=False)
    hits: list[PolicyHit] = []
    for terms, classes, e, cat in _parsed("industry_policy")["entries"]:
        if not any(_matches(text, term) for term in terms):
            continue
        if project_class and classes and not any(
                project_class.startswith(c) or c.startswith(project_class) for c in classes):
            continue
        status = _POLICY_CATEGORIES[e["category"]]
        cond_zh, cond_en = e.get("condition_zh") or "", e.get("condition_en") or ""
        if not e["verified"]:
            status, reason = "WARN", "rules.policy.unverified"
        elif cond_zh:
            status, reason = "WARN", "rules.policy.condition"
        else:
            reason = "rules.policy.listed"
        hits.append(PolicyHit(id=e["id"], catalogue=cat, category=e["category"], item=e["item"],
                              text=e["text"], status=status, condition_zh=cond_zh,
                              condition_en=cond_en, verified=e["verified"],
                              note=str(e.get("note") or ""), reason_key=reason))
    return hits


@dataclass(frozen=True)
class PolicyResult:
    """The industry-policy verdict of a product: worst status of its hits, or why there are none."""

    status: str
    hits: tuple[PolicyHit, ...]
    reason_key: str


def evaluate_industry_policy(product: str, gbt4754: str | None = None) -> PolicyResult:
    """Status for a product: the worst of its hits; with no hit PASS only when the table records the
    product as reviewed (and verified) without an entry, else WARN saying what to check; no product
    given is UNKNOWN.

    >>> evaluate_industry_policy("钾肥").status, evaluate_industry_policy("钾肥").reason_key
    ('WARN', 'rules.policy.none_unverified')
    >>> evaluate_industry_policy("藏毯").reason_key
    'rules.policy.not_covered'
    """
    text = _norm(product or "")
    if not text:
        return PolicyResult("UNKNOWN", (), "rules.policy.no_product")
    hits = tuple(_policy_hits(text, gbt4754))
    if hits:
        worst = "FAIL" if any(h.status == "FAIL" for h in hits) else "WARN"
        return PolicyResult(worst, hits, "rules.policy.hits")
    p = _parsed("industry_policy")
    if any(_matches(text, term) for term in p["reviewed"]):
        if p["reviewed_verified"]:
            return PolicyResult("PASS", (), "rules.policy.none_verified")
        return PolicyResult("WARN", (), "rules.policy.none_unverified")
    return PolicyResult("WARN", (), "rules.policy.not_covered")


# ----------------------------------------------------------------------------- terrain
@dataclass(frozen=True)
class SlopeClass:
    id: str
    name_zh: str
    name_en: str
    max_pct: float | None           # upper bound in percent grade (None: open-ended)
    max_deg: float | None
    note: str

    def name(self, lang: str) -> str:
        return {"zh": self.name_zh, "en": self.name_en}[lang]


@dataclass(frozen=True)
class TerrainRule:
    above: str                      # a class id: the share of the site steeper than its max
    min_share: float
    status: str
    basis: str


@dataclass(frozen=True)
class TerrainRules:
    classes: tuple[SlopeClass, ...]
    thresholds: tuple[TerrainRule, ...]
    min_cells_in_site: int
    max_cell_m_for_slope: float
    sources: tuple[Citation, ...]


def _validate_terrain(data: dict[str, Any], _rules_dir: Path) -> dict[str, Any]:
    t = "terrain"
    _keys(data, t, "file", ("version", "classes", "thresholds", "dem", "sources"))
    sources = _citations(data["sources"], t, "sources")
    classes: list[SlopeClass] = []
    last = -1.0
    if not isinstance(data["classes"], list) or not data["classes"]:
        raise _bad(t, "classes", "expected a list of slope classes")
    for i, c in enumerate(data["classes"]):
        w = f"classes[{i}]"
        c = _keys(c, t, w, ("id", "name_zh", "name_en", "max_pct", "note"))
        top = _number(c["max_pct"], t, f"{w}.max_pct", optional=True)
        if top is None and i != len(data["classes"]) - 1:
            raise _bad(t, f"{w}.max_pct", "only the last class is open-ended")
        if top is not None and top <= last:
            raise _bad(t, f"{w}.max_pct", "classes must be given from flat to steep")
        last = top if top is not None else last
        classes.append(SlopeClass(
            id=c["id"], name_zh=_text(c["name_zh"], t, f"{w}.name_zh"),
            name_en=_text(c["name_en"], t, f"{w}.name_en"), max_pct=top,
            max_deg=None if top is None else math.degrees(math.atan(top / 100.0)),
            note=_text(c["note"], t, f"{w}.note")))
    bounded = [c.id for c in classes if c.max_pct is not None]
    rules = []
    for i, r in enumerate(data["thresholds"] or ()):
        w = f"thresholds[{i}]"
        r = _keys(r, t, w, ("above", "min_share", "status", "basis"))
        share = _number(r["min_share"], t, f"{w}.min_share")
        if not 0 < share <= 1:
            raise _bad(t, f"{w}.min_share", "a share is in (0, 1]")
        rules.append(TerrainRule(above=_choice(r["above"], bounded, t, f"{w}.above"),
                                 min_share=share,
                                 status=_choice(r["status"], ("WARN", "FAIL"), t, f"{w}.status"),
                                 basis=_text(str(r["basis"]), t, f"{w}.basis")))
    dem = _keys(data["dem"], t, "dem", ("min_cells_in_site", "max_cell_m_for_slope", "note"))
    cells = _number(dem["min_cells_in_site"], t, "dem.min_cells_in_site")
    cell_m = _number(dem["max_cell_m_for_slope"], t, "dem.max_cell_m_for_slope")
    if cells < 1 or cell_m <= 0:
        raise _bad(t, "dem", "min_cells_in_site ≥ 1 and max_cell_m_for_slope > 0")
    return {"rules": TerrainRules(classes=tuple(classes), thresholds=tuple(rules),
                                  min_cells_in_site=int(cells), max_cell_m_for_slope=cell_m,
                                  sources=sources)}


def slope_classes() -> tuple[SlopeClass, ...]:
    """The slope classes for industrial land, flat to steep (bounds in % grade and degrees).

    >>> [(c.id, c.max_pct) for c in slope_classes()]
    [('flat', 5.0), ('gentle', 10.0), ('moderate', 25.0), ('steep', None)]
    """
    return terrain_rules().classes


def terrain_rules() -> TerrainRules:
    """Classes, share thresholds and the DEM resolution the terrain check needs."""
    rules: TerrainRules = _parsed("terrain")["rules"]
    return rules


def dem_adequate(cell_size_m: float, cells_in_site: int) -> bool:
    """Whether a DEM is fine enough to report slope shares for a site (else: elevation only).

    >>> dem_adequate(30, 400), dem_adequate(20000, 0), dem_adequate(30, 9)
    (True, False, False)
    """
    rules = terrain_rules()
    return cells_in_site >= rules.min_cells_in_site and cell_size_m <= rules.max_cell_m_for_slope


def slope_status(shares_above: Mapping[str, float]) -> tuple[str, TerrainRule | None]:
    """Worst status of the share thresholds given the share of the site steeper than each class.

    ``shares_above[class_id]`` is the share (0–1) of the site area with a slope above that
    class's upper bound. Returns ``("PASS", None)`` when no threshold is reached.

    >>> slope_status({"gentle": 0.3, "moderate": 0.05})[0]
    'WARN'
    >>> slope_status({"gentle": 0.9, "moderate": 0.6})[0]
    'FAIL'
    """
    order = {"PASS": 0, "WARN": 1, "FAIL": 2}
    worst: tuple[str, TerrainRule | None] = ("PASS", None)
    for rule in terrain_rules().thresholds:
        share = shares_above.get(rule.above)
        if share is None:
            continue
        if share >= rule.min_share and order[rule.status] > order[worst[0]]:
            worst = (rule.status, rule)
    return worst


_VALIDATORS = {
    "control_lines": _validate_control_lines,
    "important_minerals": _validate_important_minerals,
    "landuse_codes": _validate_landuse_codes,
    "land_use_standards": _validate_land_use_standards,
    "industry_policy": _validate_industry_policy,
    "terrain": _validate_terrain,
}
