"""Import an authoritative layer to replace a stored one: read, repair, map, replace.

The steps, each a function the data page calls in turn:

1. :func:`read_layer_file` -- any vector upload the site reader takes
   (zipped Shapefile, GeoPackage, GeoJSON, KML/KMZ, GeoParquet, 界址点 TXT)
   into EPSG:4326, read by :mod:`geo.vector_io` under the import limits
   (:data:`~geo.vector_io.IMPORT`: size, features, vertices from headers;
   a child process with CPU, memory and time limits and no network; zip
   guard, .cpg / guessed GBK, .prj, Gauss-Krüger by prefix). The CRS and
   encoding can be given when the file does not say (``crs=``, ``encoding=``).
2. :func:`repair_geometries` -- drop empty features, make invalid ones valid,
   keep the layer's geometry family, refuse a wrong geometry type; reports
   what was repaired. :func:`check_in_qinghai` refuses features outside Qinghai.
3. :func:`suggest_mapping` / :func:`apply_mapping` -- map the file's fields
   onto the layer's schema (:class:`LayerSchema`, listed in
   ``layers/schema.py``), add provenance (``accuracy = authoritative``, the
   given source and date), compute ellipsoidal areas.
4. :func:`commit_import` -- an official replaces the layer: a new version in
   the store, all or nothing. :func:`restore_layer` makes an older version
   current again.

Every refusal is an :class:`~geo.errors.InputError` with a translation key,
and the stored layer is unchanged.
"""
from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from . import vector_io
from .auth import User, require_official
from .errors import InputError
from .geodesy import areas_ha
from .gk import Notice, zone_table
from .site_input import QINGHAI_BBOX
from .jzd import read_jzd
from .provenance import ProvenanceError, check_provenance
from .store import LayerVersion, Store
from .structured_fields import check_structured_fields

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MAX_FEATURES",
    "MAX_VERTICES",
    "GEOMETRY_FAMILIES",
    "CRS_OPTIONS",
    "ENCODING_OPTIONS",
    "FieldSpec",
    "LayerSchema",
    "ReadReport",
    "RepairReport",
    "ImportRead",
    "read_layer_file",
    "repair_geometries",
    "check_in_qinghai",
    "read_for_import",
    "suggest_mapping",
    "apply_mapping",
    "validate_layer",
    "commit_import",
    "restore_layer",
]

#: Largest upload accepted, bytes.
MAX_UPLOAD_BYTES = vector_io.IMPORT.max_bytes
#: Most features / vertices in one imported layer.
MAX_FEATURES = vector_io.IMPORT.max_features
MAX_VERTICES = vector_io.IMPORT.max_vertices
#: Geometry types accepted for each layer kind.
GEOMETRY_FAMILIES: dict[str, tuple[str, ...]] = {
    "polygon": ("Polygon", "MultiPolygon"),
    "line": ("LineString", "MultiLineString"),
    "point": ("Point", "MultiPoint"),
}
#: How far (degrees) a feature may reach beyond Qinghai's bounding box.
_BBOX_MARGIN = 0.5
#: Coordinate systems a user can choose when the file does not say (``auto``: detect).
CRS_OPTIONS: tuple[str, ...] = ("auto", "wgs84", "cgcs2000") + tuple(
    f"gk:{z}:{p}" for z in range(30, 35) for p in ("prefixed", "noprefix"))
#: Attribute encodings a user can choose (``auto``: .cpg, else guessed).
ENCODING_OPTIONS: tuple[str, ...] = ("auto", "UTF-8", "GBK", "GB18030")


@dataclass(frozen=True)
class FieldSpec:
    """One attribute of a layer's schema.

    Attributes
    ----------
    name : str
        Column name in the store.
    required : bool
        The import is refused without it.
    kind : {'str', 'int', 'float', 'bool'}
    aliases : tuple of str
        Field names in files that mean this field (matched ignoring case,
        spaces and underscores), e.g. ``('名称', 'MC', 'NAME')``.
    computed : bool
        Computed on import (e.g. ``area_ha``), never mapped.
    """

    name: str
    required: bool = False
    kind: str = "str"
    aliases: tuple[str, ...] = ()
    computed: bool = False


@dataclass(frozen=True)
class LayerSchema:
    """What a registry layer holds: its geometry family and fields.

    Attributes
    ----------
    layer_id : str
    geometry : {'polygon', 'line', 'point'}
    fields : tuple of FieldSpec
    key : str or None
        Identifier field; unique; fields the file lacks are carried over
        from the current version for features with the same key.
    """

    layer_id: str
    geometry: str
    fields: tuple[FieldSpec, ...]
    key: str | None = None

    @property
    def required(self) -> list[str]:
        """Names of the required fields."""
        return [f.name for f in self.fields if f.required]

    @property
    def optional(self) -> list[str]:
        """Names of the optional, mappable fields."""
        return [f.name for f in self.fields if not f.required and not f.computed]

    @property
    def mappable(self) -> list[FieldSpec]:
        """Fields that can be mapped from a file column (not computed)."""
        return [f for f in self.fields if not f.computed]

    def field(self, name: str) -> FieldSpec:
        """The spec of field ``name`` (KeyError if absent)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass
class ReadReport:
    """How a file was read: its CRS and encoding, and how each was found."""

    filename: str
    n_read: int = 0
    crs_in: str = "unknown"
    crs_how: str = "file"  # file | assumed | gk_prefix | user
    encoding: str = "UTF-8"
    encoding_how: str = "format"  # format | cpg | guess | user
    source_layer: str = ""
    notices: list[Notice] = field(default_factory=list)


@dataclass
class RepairReport:
    """What :func:`repair_geometries` changed."""

    n_in: int = 0
    n_out: int = 0
    dropped_empty: int = 0
    repaired: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    collapsed: list[int] = field(default_factory=list)  # rows dropped: nothing of the family left
    dropped_parts: int = 0

    @property
    def changed(self) -> bool:
        """Whether anything was repaired or dropped."""
        return bool(self.dropped_empty or self.repaired or self.collapsed or self.dropped_parts)


@dataclass
class ImportRead:
    """A file read, repaired and checked, ready for field mapping."""

    frame: gpd.GeoDataFrame
    read: ReadReport
    repair: RepairReport


# ------------------------------------------------------------------ reading
def _err(key: str, message: str, **params: Any) -> InputError:
    return InputError(message, key=key, **params)


def _user_crs(choice: str) -> tuple[pyproj.CRS, str]:
    if choice == "wgs84":
        return pyproj.CRS.from_epsg(4326), "WGS84"
    if choice == "cgcs2000":
        return pyproj.CRS.from_epsg(4490), "CGCS2000"
    m = re.fullmatch(r"gk:(\d+):(prefixed|noprefix)", choice or "")
    if m:
        zone, prefixed = int(m.group(1)), m.group(2) == "prefixed"
        return (pyproj.CRS.from_epsg(zone_table()[(zone, prefixed)]),
                f"GK zone {zone} ({'prefixed' if prefixed else 'no prefix'})")
    try:
        crs = pyproj.CRS.from_user_input(choice)
    except pyproj.exceptions.CRSError:
        raise _err("import.err.crs_choice", f"unknown coordinate system {choice!r}",
                   crs=choice) from None
    return crs, crs.name


def _gk_zone(choice: str | None) -> int | None:
    m = re.fullmatch(r"gk:(\d+):\w+", choice or "")
    return int(m.group(1)) if m else None


def _read_vector(filename: str, data: bytes, family: str | None, encoding: str | None,
                 report: ReadReport, limits: vector_io.Limits) -> gpd.GeoDataFrame:
    with tempfile.TemporaryDirectory(prefix="qpa_import_") as tmpdir:
        layers = vector_io.read_layers(filename, data, Path(tmpdir), limits,
                                       family=family, encoding=encoding)
    if not layers:
        raise _err("import.err.empty", f"{filename} holds no layer", name=filename)
    layer = layers[0]
    report.source_layer = layer.name
    report.encoding, report.encoding_how = layer.encoding or "UTF-8", layer.encoding_how
    report.notices.extend(layer.notices)
    return layer.frame


def _read_jzd_frame(data: bytes, crs: str | None, report: ReadReport) -> gpd.GeoDataFrame:
    parcels = read_jzd(data, zone=_gk_zone(crs))
    rows = [{k: v for k, v in p.attrs.items() if k != "extra"} for p in parcels]
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=[p.geometry for p in parcels], crs=4326)
    first = parcels[0]
    report.crs_in = f"GK zone {first.zone} ({'prefixed' if first.prefixed else 'no prefix'})"
    report.crs_how = "file"
    report.encoding, report.encoding_how = first.encoding, "guess"
    for p in parcels:
        report.notices.extend(p.warnings)
    return frame


def _place(frame: gpd.GeoDataFrame, filename: str, crs: str | None,
           report: ReadReport) -> gpd.GeoDataFrame:
    """Put ``frame`` in EPSG:4326, recording how its CRS was found."""
    if crs and crs != "auto":
        target, label = _user_crs(crs)
        if frame.crs is not None and not frame.crs.equals(target):
            report.notices.append(Notice("import.warn.crs_overridden",
                                         was_crs=vector_io.label_crs(frame.crs), now_crs=label))
        report.crs_in, report.crs_how = label, "user"
        try:
            return frame.set_crs(target, allow_override=True).to_crs(4326)
        except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError, ValueError) as exc:
            raise _err("import.err.crs_choice", f"cannot use {crs!r}: {exc}", crs=crs) from None
    notices: list[Notice] = []
    frame, label, how = vector_io.to_lonlat(frame, filename, notices)
    report.notices.extend(notices)
    report.crs_in, report.crs_how = label, how
    return frame


def _precheck(filename: str, data: bytes, crs: str | None) -> str:
    """The checks made before any work: empty, too big, type, a bad CRS choice."""
    filename = filename or "upload"
    if not data:
        raise _err("import.err.empty", f"{filename} is empty", name=filename)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _err("import.err.too_big", f"{filename} is {len(data) / 2**20:,.0f} MB; at most "
                   f"{MAX_UPLOAD_BYTES / 2**20:,.0f} MB", mb=len(data) / 2**20,
                   max_mb=MAX_UPLOAD_BYTES / 2**20)
    ext = Path(filename).suffix.lower()
    if ext == ".shp":
        raise _err("file.err.shp_alone", "upload the Shapefile as a .zip", name=filename)
    if ext != ".txt" and ext not in vector_io.VECTOR_EXTENSIONS:
        raise _err("file.err.type", f"{filename}: unsupported file type {ext or '(none)'}",
                   name=filename, ext=ext)
    if crs and crs != "auto":
        _user_crs(crs)
    return filename


def read_layer_file(filename: str, data: bytes, *, geometry: str | None = None,
                    crs: str | None = None, encoding: str | None = None,
                    limits: vector_io.Limits = vector_io.IMPORT
                    ) -> tuple[gpd.GeoDataFrame, ReadReport]:
    """Read an uploaded vector file into EPSG:4326 (lon, lat), any geometry type.

    Parameters
    ----------
    filename : str
        Its extension picks the reader: ``.zip`` (Shapefile), ``.gpkg``,
        ``.geojson``/``.json``, ``.kml``/``.kmz``, ``.txt`` (界址点).
    data : bytes
    geometry : {'polygon', 'line', 'point'}, optional
        In a file with several layers, the first of this family is read.
    crs : str, optional
        One of :data:`CRS_OPTIONS` (or any pyproj input) to use instead of
        what the file says; ``None``/``'auto'`` detects (.prj or embedded
        CRS; else degrees are taken as WGS84 and prefixed Gauss-Krüger placed
        by its zone, each with a notice).
    encoding : str, optional
        Shapefile attribute encoding instead of the .cpg / guess.
    limits : Limits, optional
        :data:`~geo.vector_io.IMPORT` by default: the file is bounded from its
        headers, then read in a child process under its CPU, memory and time
        limits, without network.

    Raises
    ------
    InputError
        Too big, unknown type, unreadable, unsafe or oversized zip, no CRS
        (``file.err.no_crs``: ask the user), too many features or vertices
        (``input.err.too_many_*``), or the reading overran its limits
        (``input.err.timeout`` / ``input.err.memory``).
    """
    filename = _precheck(filename, data, crs)
    encoding = None if encoding in (None, "", "auto") else encoding
    return vector_io.guarded(_read_layer_file, filename, bytes(data), geometry, crs, encoding,
                             limits, limits=limits)


def _read_layer_file(filename: str, data: bytes, geometry: str | None, crs: str | None,
                     encoding: str | None, limits: vector_io.Limits
                     ) -> tuple[gpd.GeoDataFrame, ReadReport]:
    report = ReadReport(filename)
    if Path(filename).suffix.lower() == ".txt":
        frame = _read_jzd_frame(data, crs, report)
    else:
        frame = _read_vector(filename, data, geometry, encoding, report, limits)
        frame = _place(frame, filename, crs, report)
    vector_io.check_geometry_size(frame.geometry.values, limits)
    report.n_read = len(frame)
    return frame, report


# ------------------------------------------------------------------ repair and checks
def _family_part(geom: BaseGeometry, types: tuple[str, ...]) -> BaseGeometry | None:
    """The part of ``geom`` of the wanted family (None if there is none)."""
    if geom.geom_type in types:
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in types]
    if not parts:
        return None
    return shapely.union_all(parts) if types[0] != "Point" else shapely.MultiPoint(parts)


def repair_geometries(frame: gpd.GeoDataFrame, geometry: str,
                      limits: vector_io.Limits = vector_io.IMPORT
                      ) -> tuple[gpd.GeoDataFrame, RepairReport]:
    """Validate and repair geometries for a layer of family ``geometry``.

    Empty or missing geometries are dropped; invalid ones are made valid
    (:func:`shapely.make_valid`) and the wanted family kept; parts of another
    family in a collection are dropped; Z/M are removed; polygons are
    oriented (exterior counter-clockwise). Every change is in the report.

    The repair runs in a :func:`~geo.vector_io.guarded` child under
    ``limits`` (a self-intersecting ring of a few hundred vertices can take
    minutes in :func:`shapely.make_valid`).

    Raises
    ------
    InputError
        ``import.err.empty`` (nothing left), ``import.err.geom_type``
        (features of another geometry type), ``import.err.nonfinite``,
        ``input.err.timeout`` / ``input.err.memory``.
    """
    return vector_io.guarded(_repair_geometries, frame, geometry, limits=limits)


def _repair_geometries(frame: gpd.GeoDataFrame, geometry: str
                       ) -> tuple[gpd.GeoDataFrame, RepairReport]:
    types = GEOMETRY_FAMILIES[geometry]
    report = RepairReport(n_in=len(frame))
    geoms = frame.geometry.values
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    report.dropped_empty = int(empty.sum())
    frame = frame.loc[~empty].reset_index(drop=True)
    if frame.empty:
        raise _err("import.err.empty", "the layer has no features with a geometry")
    geoms = shapely.force_2d(frame.geometry.values)
    if not np.isfinite(shapely.get_coordinates(geoms)).all():
        raise _err("import.err.nonfinite", "the layer has non-finite coordinates")
    names = pd.Series([g.geom_type for g in geoms])
    collection = names == "GeometryCollection"
    wrong = ~names.isin(types) & ~collection
    if wrong.any():
        found = ", ".join(f"{k} × {n}" for k, n in names[wrong].value_counts().items())
        raise _err("import.err.geom_type", f"the layer needs {geometry} features; the file has "
                   f"{found}", expected=geometry, found=found, n=int(wrong.sum()))
    out, keep = [], []
    for i, geom in enumerate(geoms):
        if not geom.is_valid:
            report.repaired.append((i, shapely.is_valid_reason(geom)))
            try:
                geom = shapely.make_valid(geom)
            except shapely.errors.GEOSException:
                report.collapsed.append(i)
                continue
        try:
            part = _family_part(geom, types)
        except shapely.errors.GEOSException:
            part = None
        if part is None or part.is_empty:
            report.collapsed.append(i)
            continue
        if part is not geom and geom.geom_type != part.geom_type:
            report.dropped_parts += 1
        if geometry == "polygon":
            part = shapely.orient_polygons(part)
        out.append(part)
        keep.append(i)
    if not out:
        raise _err("import.err.empty", "no feature has a usable geometry")
    frame = frame.iloc[keep].reset_index(drop=True)
    frame = frame.set_geometry(gpd.GeoSeries(out, crs=frame.crs))
    report.n_out = len(frame)
    return frame, report


def check_in_qinghai(frame: gpd.GeoDataFrame) -> None:
    """Refuse features that reach outside Qinghai (its bounding box + 0.5°).

    Raises
    ------
    InputError
        ``import.err.outside``: how many features, and where the first is.
    """
    w, s, e, n = QINGHAI_BBOX
    m = _BBOX_MARGIN
    b = shapely.bounds(frame.geometry.values)
    bad = (b[:, 0] < w - m) | (b[:, 2] > e + m) | (b[:, 1] < s - m) | (b[:, 3] > n + m)
    if bad.any():
        x0, y0, x1, y1 = b[np.flatnonzero(bad)[0]]
        lon, lat = float((x0 + x1) / 2), float((y0 + y1) / 2)
        raise _err("import.err.outside",
                   f"{int(bad.sum())} feature(s) lie outside Qinghai, e.g. at {lon:.3f}E, "
                   f"{lat:.3f}N; check the coordinate system",
                   n=int(bad.sum()), lon=lon, lat=lat)


def read_for_import(schema: LayerSchema, filename: str, data: bytes, *,
                    crs: str | None = None, encoding: str | None = None,
                    limits: vector_io.Limits = vector_io.IMPORT) -> ImportRead:
    """Read, locate-check and repair an upload for ``schema``'s layer (steps 1-2).

    The location check (bounding boxes) comes before any repair; reading and
    repair run in one :func:`~geo.vector_io.guarded` child under ``limits``.
    """
    filename = _precheck(filename, data, crs)
    encoding = None if encoding in (None, "", "auto") else encoding
    return vector_io.guarded(_read_for_import, schema.geometry, filename, bytes(data), crs,
                             encoding, limits, limits=limits)


def _read_for_import(geometry: str, filename: str, data: bytes, crs: str | None,
                     encoding: str | None, limits: vector_io.Limits) -> ImportRead:
    frame, read = read_layer_file(filename, data, geometry=geometry, crs=crs,
                                  encoding=encoding, limits=limits)
    check_in_qinghai(frame)
    frame, repair = repair_geometries(frame, geometry, limits)
    return ImportRead(frame, read, repair)


# ------------------------------------------------------------------ mapping
def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(name)).lower()


def suggest_mapping(columns: Sequence[str], schema: LayerSchema) -> dict[str, str | None]:
    """For each mappable field of ``schema``, the file column that seems to hold it.

    Matches the field's name, then its aliases, ignoring case, spaces,
    ``_`` and ``-``; a column is used once. Unmatched fields map to None.
    """
    cols = [c for c in columns if c != "geometry"]
    by_norm: dict[str, str] = {}
    for c in cols:
        by_norm.setdefault(_norm(c), c)
    used: set[str] = set()
    out: dict[str, str | None] = {}
    for spec in schema.mappable:
        hit = None
        for cand in (spec.name, *spec.aliases):
            col = by_norm.get(_norm(cand))
            if col is not None and col not in used:
                hit = col
                break
        if hit:
            used.add(hit)
        out[spec.name] = hit
    return out


def _convert(values: pd.Series, spec: FieldSpec) -> pd.Series:
    if spec.kind in ("float", "int"):
        text = values.astype(object).where(values.notna(), None)
        text = text.map(lambda v: v.strip().replace(",", "") if isinstance(v, str) else v)
        text = text.map(lambda v: None if v == "" else v)
        out = pd.to_numeric(text, errors="coerce")
        bad = out.isna() & text.notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise _err("import.err.bad_value", f"field {spec.name}: {text.iloc[row]!r} in row "
                       f"{row + 1} is not a number", field=spec.name, row=row + 1,
                       value=str(text.iloc[row]))
        if spec.kind == "int":
            return out.round().astype("Int64") if out.isna().any() else out.round().astype("int64")
        return out.astype(float)
    if spec.kind == "bool":
        truth = {"1": True, "true": True, "yes": True, "是": True, "y": True,
                 "0": False, "false": False, "no": False, "否": False, "n": False}
        return values.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                          else truth.get(str(v).strip().lower(), bool(v)))
    text = values.astype(object).where(values.notna(), None)
    return text.map(lambda v: (str(v).strip() or None) if v is not None else None)


def _check_date(value: str) -> str:
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise _err("import.err.source_date", f"source date {value!r} is not YYYY-MM-DD",
                   value=str(value)) from None


def apply_mapping(frame: gpd.GeoDataFrame, schema: LayerSchema, mapping: Mapping[str, str | None],
                  *, source: str, source_date: str,
                  current: gpd.GeoDataFrame | None = None) -> tuple[gpd.GeoDataFrame, list[Notice]]:
    """The layer to store: ``schema``'s fields from ``frame``'s mapped columns.

    Parameters
    ----------
    frame : GeoDataFrame
        Repaired, EPSG:4326 (from :func:`read_for_import`).
    mapping : dict
        Field -> file column (None: not in the file).
    source, source_date : str
        Provenance of the file (required; date as YYYY-MM-DD). Every feature
        gets ``accuracy = 'authoritative'``.
    current : GeoDataFrame, optional
        The stored layer: for a schema with a ``key``, fields the file lacks
        are carried over from the current feature with the same key.

    Returns
    -------
    (GeoDataFrame, list of Notice)
        The mapped layer, and notices (names filled, fields carried, areas
        computed).

    Raises
    ------
    InputError
        A mapped column missing from the file, a required field not mapped
        (``import.err.missing_field``), a bad number, duplicate keys, an empty
        required value, a bad source or date.
    """
    notices: list[Notice] = []
    source = (source or "").strip()
    if not source:
        raise _err("import.err.source", "give the source of the file (issuing authority, document)")
    source_date = _check_date(source_date)
    unknown = [c for c in mapping.values() if c and c not in frame.columns]
    if unknown:
        raise _err("import.err.no_column", f"the file has no column {unknown[0]!r}",
                   column=unknown[0])
    out = pd.DataFrame(index=frame.index)
    for spec in schema.mappable:
        col = mapping.get(spec.name)
        if col:
            out[spec.name] = _convert(frame[col], spec)
    carried = _carry(out, schema, current)
    if carried:
        notices.append(Notice("import.warn.carried", fields=", ".join(carried)))
    for a, b in (("name_zh", "name_en"), ("name_en", "name_zh")):
        if b in [f.name for f in schema.fields] and a in out and b not in out:
            out[b] = out[a]
            notices.append(Notice("import.warn.name_copied", field=b, src=a))
    missing = [f for f in schema.required if f not in out]
    if missing:
        raise _err("import.err.missing_field", f"required fields not mapped: {', '.join(missing)}",
                   fields=", ".join(missing))
    for name in schema.required:
        empty = out[name].isna()
        if empty.any():
            row = int(np.flatnonzero(empty.to_numpy())[0]) + 1
            raise _err("import.err.empty_value", f"required field {name} is empty in row {row}",
                       field=name, row=row)
    if schema.key and schema.key in out and out[schema.key].duplicated().any():
        dup = out.loc[out[schema.key].duplicated(), schema.key].iloc[0]
        raise _err("import.err.duplicate_key", f"{schema.key} {dup!r} occurs more than once",
                   field=schema.key, value=str(dup))
    geoms = frame.geometry.values
    for spec in schema.fields:
        if spec.computed and spec.name == "area_ha":
            out["area_ha"] = np.round(areas_ha(geoms), 4)
            notices.append(Notice("import.warn.area_computed"))
    ordered = [f.name for f in schema.fields if f.name in out]
    out = out[ordered]
    out["source"], out["source_date"], out["accuracy"] = source, source_date, "authoritative"
    result = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs=4326), crs=4326)
    validate_layer(result, schema)
    return result, notices


def _carry(out: pd.DataFrame, schema: LayerSchema, current: gpd.GeoDataFrame | None) -> list[str]:
    """Fill fields the file lacks from the current layer, matched on the key."""
    key = schema.key
    if current is None or not key or key not in out or key not in current:
        return []
    lookup = pd.DataFrame(current.drop(columns=current.geometry.name)).drop_duplicates(key)
    lookup = lookup.set_index(lookup[key].astype(str))
    keys = out[key].astype(str)
    carried = []
    for spec in schema.mappable:
        if spec.name in out or spec.name not in lookup.columns:
            continue
        values = keys.map(lookup[spec.name])
        if values.notna().any():
            out[spec.name] = _convert(values, spec)
            carried.append(spec.name)
    return carried


def validate_layer(frame: gpd.GeoDataFrame, schema: LayerSchema) -> None:
    """Check a layer about to be stored (what :func:`commit_import` relies on).

    Non-empty, EPSG:4326, every geometry valid and of the schema's family,
    inside Qinghai, required fields present, full provenance.

    Raises
    ------
    InputError
    """
    if frame is None or len(frame) == 0:
        raise _err("import.err.empty", "the layer is empty")
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise _err("import.err.crs_choice", "the layer is not in EPSG:4326", crs=str(frame.crs))
    geoms = frame.geometry.values
    types = GEOMETRY_FAMILIES[schema.geometry]
    bad = [g is None or g.is_empty or g.geom_type not in types for g in geoms]
    if any(bad):
        found = ", ".join(sorted({(g.geom_type if g is not None else "None")
                                  for g, b in zip(geoms, bad) if b}))
        raise _err("import.err.geom_type", f"the layer needs {schema.geometry} features, "
                   f"not {found}", expected=schema.geometry, found=found, n=sum(bad))
    if not shapely.is_valid(geoms).all():
        raise _err("import.err.invalid", "the layer has invalid geometries; repair them first")
    check_in_qinghai(frame)
    missing = [f for f in schema.required if f not in frame.columns]
    if missing:
        raise _err("import.err.missing_field", f"required fields missing: {', '.join(missing)}",
                   fields=", ".join(missing))
    check_structured_fields(frame)
    try:
        check_provenance(frame, schema.layer_id)
    except ProvenanceError as exc:
        raise _err("import.err.provenance", str(exc), detail=str(exc)) from None


# ------------------------------------------------------------------ store
def commit_import(store: Store, user: User, schema: LayerSchema, frame: gpd.GeoDataFrame, *,
                  source: str | None = None, source_date: str | None = None,
                  note: str = "") -> LayerVersion:
    """Replace ``schema``'s layer with ``frame`` as a new version (all or nothing).

    ``frame`` comes from :func:`apply_mapping` (or :func:`combine_import`); it is
    validated again here, so a direct call cannot store a bad layer.

    Parameters
    ----------
    source, source_date : str, optional
        The provenance of this import (what the official entered), kept in the
        version record. Give them whenever ``frame`` also holds features kept
        from the stored layer (append, update): those keep their own sources.
        When omitted, every feature of ``frame`` must share one source and date.

    Raises
    ------
    PermissionDenied
        ``user`` is not an official.
    InputError
        The frame fails :func:`validate_layer`, the source or date is blank or
        bad, or omitted while the features have several (the stored layer is
        unchanged).
    """
    require_official(user, "import a layer")
    validate_layer(frame, schema)
    source, source_date = _version_provenance(frame, source, source_date)
    return store.replace_layer(schema.layer_id, frame, user=user, source=source,
                               source_date=source_date, note=note)


def _version_provenance(frame: gpd.GeoDataFrame, source: str | None,
                        source_date: str | None) -> tuple[str, str]:
    """(source, date) of a new version: those given, else the one all features share."""
    if source is None or source_date is None:
        pairs = frame[["source", "source_date"]].astype(str).drop_duplicates()
        if len(pairs) != 1:
            raise _err("import.err.version_source", "the layer's features have several sources;"
                       " give the source and date of this import", n=len(pairs))
        found = pairs.iloc[0]
        source = found["source"] if source is None else source
        source_date = found["source_date"] if source_date is None else source_date
    source = str(source).strip()
    if not source:
        raise _err("import.err.source", "give the source of the file (issuing authority, document)")
    return source, _check_date(str(source_date))


def restore_layer(store: Store, user: User, layer_id: str, version: int,
                  note: str = "") -> LayerVersion:
    """Make a copy of ``version`` the current version of ``layer_id`` (officials only)."""
    require_official(user, "restore a layer version")
    return store.restore_version(layer_id, int(version), user=user, note=note)


# ------------------------------------------------------------------ how an import meets the store
#: How an imported file meets the stored layer: replace it, add to it, or update it by key.
IMPORT_MODES: tuple[str, ...] = ("replace", "append", "update")
_CONST = "__constant__:"


def constant_column(field_name: str) -> str:
    """The column :func:`add_constants` adds for ``field_name`` (map the field to it)."""
    return f"{_CONST}{field_name}"


def add_constants(frame: gpd.GeoDataFrame, constants: Mapping[str, str]) -> gpd.GeoDataFrame:
    """``frame`` with one column per non-blank constant, for fields the file lacks.

    Map field ``f`` to ``constant_column(f)`` so every feature gets the value
    (e.g. the category of a red-line file that has none).

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> f = gpd.GeoDataFrame({"a": [1, 2]}, geometry=[Point(0, 0), Point(1, 1)])
    >>> list(add_constants(f, {"category": " 水源涵养 ", "x": ""})[constant_column("category")])
    ['水源涵养', '水源涵养']
    """
    out = frame.copy()
    for name, value in constants.items():
        value = str(value or "").strip()
        if value:
            out[constant_column(name)] = value
    return out


def combine_import(current: gpd.GeoDataFrame | None, incoming: gpd.GeoDataFrame,
                   schema: LayerSchema, how: str) -> gpd.GeoDataFrame:
    """The layer to store when ``incoming`` (from :func:`apply_mapping`) meets ``current``.

    * ``replace`` -- ``incoming`` alone;
    * ``append`` -- the current features, then the new ones (keys must stay unique);
    * ``update`` -- by ``schema.key``: a new feature replaces the current one with
      the same key, new keys are added, the other current features are kept.

    Every feature keeps its own provenance (``source``, ``accuracy``).

    Raises
    ------
    InputError
        An unknown ``how``, ``update`` on a layer without a key, or a key that
        would occur twice.
    """
    if how not in IMPORT_MODES:
        raise _err("import.err.mode", f"import mode was {how!r} but is expected to be in "
                   f"{IMPORT_MODES}", mode=str(how))
    if how == "replace" or current is None or len(current) == 0:
        return incoming
    key = schema.key
    if how == "update":
        if not key or key not in incoming or key not in current:
            raise _err("import.err.no_key", f"layer {schema.layer_id} has no key to update by",
                       layer=schema.layer_id)
        current = current[~current[key].astype(str).isin(set(incoming[key].astype(str)))]
    columns = list(dict.fromkeys([*incoming.columns, *current.columns]))
    kept = pd.DataFrame(current.drop(columns=current.geometry.name)).reindex(
        columns=[c for c in columns if c != incoming.geometry.name])
    kept = gpd.GeoDataFrame(kept, geometry=current.geometry.to_crs(incoming.crs).values,
                            crs=incoming.crs)
    combined = pd.concat([kept, incoming], ignore_index=True)
    combined = gpd.GeoDataFrame(combined, geometry=combined.geometry.name, crs=incoming.crs)
    if key and key in combined and combined[key].astype(str).duplicated().any():
        dup = combined.loc[combined[key].astype(str).duplicated(), key].iloc[0]
        raise _err("import.err.duplicate_key", f"{key} {dup!r} occurs more than once",
                   field=key, value=str(dup))
    return combined


@dataclass(frozen=True)
class ImportChange:
    """What a commit would do to the stored layer: features and area before and after."""

    n_before: int
    n_after: int
    area_before_ha: float
    area_after_ha: float

    def notices(self) -> list[Notice]:
        """Warnings when the layer would lose features or area (a replacement by a partial file)."""
        out = []
        if self.n_after < self.n_before:
            out.append(Notice("import.warn.fewer_features", before=self.n_before,
                              after=self.n_after))
        if self.area_before_ha > 0 and self.area_after_ha < 0.99 * self.area_before_ha:
            out.append(Notice("import.warn.less_area", before=self.area_before_ha,
                              after=self.area_after_ha,
                              pct=100.0 * (1 - self.area_after_ha / self.area_before_ha)))
        return out


def import_change(current: gpd.GeoDataFrame | None, result: gpd.GeoDataFrame) -> ImportChange:
    """Compare the stored layer with the layer a commit would store (areas ellipsoidal, ha;
    0 for points and lines).

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> old = gpd.GeoDataFrame(geometry=[box(96, 36, 96.1, 36.1), box(97, 36, 97.1, 36.1)], crs=4326)
    >>> change = import_change(old, old.iloc[:1])
    >>> change.n_before, change.n_after, [str(n) for n in change.notices()]
    (2, 1, ['import.warn.fewer_features', 'import.warn.less_area'])
    """
    def _area(frame: gpd.GeoDataFrame | None) -> float:
        if frame is None or len(frame) == 0:
            return 0.0
        polys = frame.geometry[frame.geometry.geom_type.isin(("Polygon", "MultiPolygon"))]
        return float(areas_ha(polys.values).sum()) if len(polys) else 0.0

    return ImportChange(0 if current is None else len(current), len(result),
                        round(_area(current), 2), round(_area(result), 2))
