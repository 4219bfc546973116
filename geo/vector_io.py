"""The one way files and pasted text come in: bounded, offline, sandboxed.

Every upload (site check, batch, an official's layer import) and every file a
command line is given is read here:

* :class:`Limits` -- size, feature and vertex limits per use (:data:`SITE`,
  :data:`BATCH`, :data:`IMPORT`), checked from headers and streams *before*
  full parsing (:func:`check_headers`: a Shapefile's .shp/.dbf headers, a
  GeoPackage's tables, a GeoJSON's bytes and ``crs``, a KML's network links,
  a GeoParquet's footer).
* :func:`~geo.sandbox.guarded` (from :mod:`geo.sandbox`, re-exported) -- runs
  parsing and geometry repair of untrusted input in a child process under
  CPU, memory and wall-clock limits without network; importing
  :mod:`geo.sandbox` switches GDAL's and PROJ's network off in this process too.
* :func:`open_zip` / :func:`extract_zip` -- the zip guard (member count,
  unpacked size, unsafe or over-long paths, file/folder clashes, encryption,
  unsupported compression, bad CRC).
* :func:`decode_text` / :func:`dbf_encoding` -- encoding detection (BOM,
  UTF-8, GBK, a Shapefile's .cpg).
* :func:`read_layers` -- the vector layers of a GeoJSON, KML/KMZ, zipped
  Shapefile, GeoPackage (real feature tables only) or GeoParquet, as read.
* :func:`to_lonlat` -- CRS detection and placement in EPSG:4326 (.prj or
  embedded CRS, degrees assumed WGS84, Gauss-Krüger placed by its zone
  prefix).
* :func:`read_points_csv` -- the CSV of points ``site_id,lon,lat,area_ha``.

The 界址点 TXT is read by :mod:`geo.jzd` (text decoded here). Every refusal is
an :class:`~geo.errors.InputError` with a translation key.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
import sqlite3
import struct
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
from numpy.typing import ArrayLike
import pyogrio
import pyproj
import shapely

from .errors import InputError, QPAError
from .gk import Notice, detect_swap, gk_to_lonlat, is_prefixed, zone_table
from .sandbox import BATCH, IMPORT, SITE, Limits, guarded, in_worker, safe_reason

if TYPE_CHECKING:
    import geopandas as gpd

_T = TypeVar("_T")

__all__ = [
    "Limits",
    "SITE",
    "BATCH",
    "IMPORT",
    "VECTOR_EXTENSIONS",
    "RawLayer",
    "guarded",
    "in_worker",
    "check_text",
    "check_geometry_size",
    "open_zip",
    "extract_zip",
    "decode_text",
    "dbf_encoding",
    "check_headers",
    "gpkg_layers",
    "read_layers",
    "read_path",
    "label_crs",
    "to_lonlat",
    "read_points_csv",
    "safe_reason",
]

_MB = 1024 * 1024


#: Extensions of the vector formats read by :func:`read_layers`.
VECTOR_EXTENSIONS = (".geojson", ".json", ".kml", ".kmz", ".zip", ".gpkg", ".parquet",
                     ".geoparquet")
#: Zip guards: members, length of a member's name.
MAX_ZIP_MEMBERS = 50
MAX_ZIP_NAME = 200
# ------------------------------------------------------------------ bounds
def check_text(text: str, limits: Limits, what: str = "text") -> None:
    """Refuse a pasted text or text file longer than ``limits.max_text_chars``, or
    of more lines than ``limits.max_vertices`` (one point a line), before parsing."""
    if len(text) > limits.max_text_chars:
        raise InputError(f"the {what} has {len(text):,} characters; at most "
                         f"{limits.max_text_chars:,}", key="input.err.text_too_long",
                         n=len(text), max=limits.max_text_chars)
    lines = text.count("\n") + 1
    if lines > limits.max_vertices:
        raise _too_many("vertices", lines, limits.max_vertices)


def check_geometry_size(geoms: ArrayLike, limits: Limits) -> None:
    """Refuse too many features or vertices (before any repair)."""
    geoms = np.asarray(geoms, dtype=object)
    if geoms.size > limits.max_features:
        raise _too_many("features", geoms.size, limits.max_features)
    counts = shapely.get_num_coordinates(geoms)
    if counts.size and int(counts.max()) > limits.max_feature_vertices:
        raise _too_many("feature_vertices", int(counts.max()), limits.max_feature_vertices)
    if int(counts.sum()) > limits.max_vertices:
        raise _too_many("vertices", int(counts.sum()), limits.max_vertices)


def _too_many(what: str, n: int, most: int) -> InputError:
    return InputError(f"the input has {n:,} {what.replace('_', ' ')}; at most {most:,} allowed",
                      key=f"input.err.too_many_{what}", n=n, max=most)


def _check_bytes(filename: str, size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise InputError(f"{filename} is {size / _MB:,.1f} MB; at most {limits.max_bytes / _MB:,.0f} "
                         "MB", key="input.err.too_big", name=filename, mb=size / _MB,
                         max_mb=limits.max_bytes / _MB)


def _bad_file(filename: str, reason: str) -> InputError:
    reason = safe_reason(reason, filename)
    return InputError(f"cannot read {filename}: {reason}", key="file.err.read",
                      name=filename, reason=reason)


# ------------------------------------------------------------------ zip
def _zip_error(key: str, message: str, **params: Any) -> InputError:
    return InputError(message, key=key, **params)


def _check_member(info: zipfile.ZipInfo) -> None:
    name = info.filename.replace("\\", "/")
    if not name.strip("/"):
        raise _zip_error("file.err.zip_bad", "the zip holds a member without a name",
                         reason="a member without a name")
    parts = PurePosixPath(name).parts
    is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts or is_link \
            or "\0" in name:
        raise _zip_error("file.err.zip_traversal", f"the zip holds an unsafe path {info.filename!r}",
                         name=info.filename[:80])
    if len(name.encode("utf-8", "surrogatepass")) > MAX_ZIP_NAME or \
            any(len(p.encode("utf-8", "surrogatepass")) > 120 for p in parts):
        raise _zip_error("file.err.zip_name", "the zip holds a file with an over-long name",
                         name=info.filename[:60] + "…")
    if info.flag_bits & 0x1:
        raise _zip_error("file.err.zip_encrypted", f"{info.filename} is encrypted",
                         name=info.filename)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _zip_error("file.err.zip_method", f"{info.filename} is compressed with an "
                         f"unsupported method ({info.compress_type}); use Deflate",
                         name=info.filename, method=info.compress_type)


def open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """Open an uploaded zip after checking its members (count, size, names, method).

    Raises
    ------
    InputError
        Not a zip, more than :data:`MAX_ZIP_MEMBERS` members, unpacks to more
        than ``limits.max_bytes``, an unsafe or over-long path, a file and a
        folder of the same name, an encrypted member, a compression method
        other than Stored/Deflate.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
            struct.error, UnicodeDecodeError, NotImplementedError) as exc:
        raise _zip_error("file.err.zip_bad", f"not a valid zip file: {exc}",
                         reason=safe_reason(str(exc))) from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _zip_error("file.err.zip_members", f"the zip holds {len(infos)} files; at most "
                         f"{MAX_ZIP_MEMBERS} allowed", n=len(infos), max=MAX_ZIP_MEMBERS)
    total = sum(i.file_size for i in infos)
    if total > limits.max_bytes:
        raise _zip_error("file.err.zip_size", f"the zip unpacks to {total / _MB:,.0f} MB; at most "
                         f"{limits.max_bytes / _MB:,.0f} MB allowed",
                         mb=total / _MB, max_mb=limits.max_bytes / _MB)
    files: set[str] = set()
    dirs: set[str] = set()
    for info in infos:
        _check_member(info)
        name = info.filename.replace("\\", "/").rstrip("/").lower()
        parts = name.split("/")
        dirs.update("/".join(parts[:i]) for i in range(1, len(parts)))
        if info.is_dir():
            dirs.add(name)
        elif name in files:
            raise _zip_error("file.err.zip_clash", f"the zip holds {info.filename} twice",
                             name=info.filename)
        else:
            files.add(name)
    clash = files & dirs
    if clash:
        name = sorted(clash)[0]
        raise _zip_error("file.err.zip_clash", f"the zip holds a file and a folder both named "
                         f"{name}", name=name)
    return zf


def extract_zip(zf: zipfile.ZipFile, dest: Path, limits: Limits) -> list[Path]:
    """Extract checked members under ``dest``, counting the bytes really written.

    Raises
    ------
    InputError
        A member unpacks beyond ``limits.max_bytes`` in all, fails its CRC, or
        is damaged.
    """
    written, paths = 0, []
    root = dest.resolve()
    for info in zf.infolist():
        if info.is_dir():
            continue
        target = (dest / info.filename.replace("\\", "/")).resolve()
        if root not in target.parents:
            raise _zip_error("file.err.zip_traversal", f"the zip holds an unsafe path "
                             f"{info.filename!r}", name=info.filename)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    if written > limits.max_bytes:
                        raise _zip_error("file.err.zip_size", "the zip unpacks to more than "
                                         "allowed", mb=written / _MB,
                                         max_mb=limits.max_bytes / _MB)
                    out.write(chunk)
        except InputError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                NotImplementedError, ValueError) as exc:
            raise _zip_error("file.err.zip_member", f"{info.filename} in the zip is damaged: "
                             f"{safe_reason(str(exc))}", name=info.filename,
                             reason=safe_reason(str(exc))) from None
        paths.append(target)
    return paths


# ------------------------------------------------------------------ encodings
def decode_text(data: bytes | str) -> tuple[str, str]:
    """Decode file bytes as UTF-8 (with or without BOM) or GBK.

    Returns
    -------
    text, encoding : str
        Encoding is 'utf-8-sig', 'utf-8', 'gbk' (decoded as GB18030, the
        superset of GBK) or 'str' when ``data`` was text already.

    Raises
    ------
    InputError
        ``file.err.encoding``: neither, or a UTF-8 BOM before bytes that are
        not UTF-8.
    """
    if isinstance(data, str):
        return data.lstrip("\ufeff"), "str"
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError("the file starts with a UTF-8 mark but is not UTF-8 text (saved "
                             "as GBK?)", key="file.err.encoding_bom",
                             reason=str(exc)[:120]) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        raise InputError("the file is neither UTF-8 nor GBK text", key="file.err.encoding",
                         reason=str(exc)[:120]) from None


_CPG = {"936": "GBK", "cp936": "GBK", "gbk": "GBK", "gb2312": "GBK", "gb18030": "GB18030",
        "65001": "UTF-8", "utf-8": "UTF-8", "utf8": "UTF-8", "ansi 936": "GBK"}


def _sibling(shp: Path, ext: str) -> Path | None:
    return next((p for p in shp.parent.glob(glob_escape(shp.stem) + ".*")
                 if p.suffix.lower() == ext), None)


def glob_escape(name: str) -> str:
    """``name`` with glob wildcards escaped."""
    return re.sub(r"([\[\]*?])", r"[\1]", name)


def dbf_encoding(shp: Path) -> tuple[str | None, str]:
    """Attribute encoding of a Shapefile: .cpg, else UTF-8 if it decodes, else GBK.

    Returns
    -------
    (encoding or None, how) : how is 'cpg', 'guess' or 'none' (no .dbf).
    """
    cpg = _sibling(shp, ".cpg")
    if cpg is not None:
        value = cpg.read_bytes()[:64].decode("ascii", errors="ignore").strip()
        known = _CPG.get(value.lower())
        if known is None and value:
            try:
                known = codecs.lookup(value).name
            except (LookupError, ValueError):
                known = None
        if known:
            return known, "cpg"
    dbf = _sibling(shp, ".dbf")
    if dbf is None:
        return None, "none"
    raw = dbf.read_bytes()
    header_len = int.from_bytes(raw[8:10], "little") if len(raw) >= 10 else len(raw)
    names = b"".join(raw[32 + 32 * i: 43 + 32 * i].split(b"\0")[0]
                     for i in range(max(0, (header_len - 33) // 32)))
    body = names + raw[header_len:].rstrip(b"\x1a")
    for enc, label in (("utf-8", "UTF-8"), ("gb18030", "GBK")):
        try:
            body.decode(enc)
            return label, "guess"
        except UnicodeDecodeError:
            continue
    return "ISO-8859-1", "guess"


# ------------------------------------------------------------------ header checks
def _shapefile_headers(shp: Path, limits: Limits) -> None:
    """Feature and vertex bounds of a Shapefile from its .shp, .shx and .dbf headers."""
    size = shp.stat().st_size
    with open(shp, "rb") as fh:
        head = fh.read(100)
    if len(head) < 100 or struct.unpack(">i", head[:4])[0] != 9994:
        raise _bad_file(shp.name, "not a Shapefile (.shp header)")
    # a vertex takes 16 bytes: the file's size bounds the vertex count from above
    if (size - 100) // 16 > limits.max_vertices:
        raise _too_many("vertices", (size - 100) // 16, limits.max_vertices)
    shx = _sibling(shp, ".shx")
    if shx is not None and (shx.stat().st_size - 100) // 8 > limits.max_features:
        raise _too_many("features", (shx.stat().st_size - 100) // 8, limits.max_features)
    dbf = _sibling(shp, ".dbf")
    if dbf is not None:
        with open(dbf, "rb") as fh:
            head = fh.read(12)
        if len(head) >= 8:
            n = struct.unpack("<I", head[4:8])[0]
            if n > limits.max_features:
                raise _too_many("features", n, limits.max_features)


def _sqlite_ro(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, timeout=0.1)
    con.text_factory = lambda raw: raw.decode("utf-8", "replace")
    budget = [0]

    def _progress() -> int:
        budget[0] += 1
        return 1 if budget[0] > 20_000 else 0  # ~20M VM steps: abort runaway queries

    con.set_progress_handler(_progress, 1000)
    return con


def _gpkg_tables(con: sqlite3.Connection, filename: str) -> list[tuple[str, str, str]]:
    """(table, geometry column, geometry type) of the real feature tables of an open
    GeoPackage: views and ``gpkg_contents`` entries without a table are left out."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "gpkg_contents" not in tables:
        raise _bad_file(filename, "not a GeoPackage (no gpkg_contents table)")
    rows = con.execute("SELECT table_name FROM gpkg_contents "
                       "WHERE lower(data_type) = 'features'").fetchall()
    geoms = {}
    if "gpkg_geometry_columns" in tables:
        geoms = {r[0]: (r[1], r[2]) for r in con.execute(
            "SELECT table_name, column_name, geometry_type_name FROM gpkg_geometry_columns")}
    return [(str(name), str(geoms[name][0]), str(geoms[name][1])) for (name,) in rows
            if name in tables and name in geoms]


def gpkg_layers(path: Path, filename: str) -> list[str]:
    """The real feature tables of a GeoPackage, from its catalogue only (no feature is
    counted, so a layer of any size answers at once); views, for example over an endless
    recursive query, are never among them.

    Raises
    ------
    InputError
        Not a readable GeoPackage, or no feature table.
    """
    return _read_gpkg(path, filename, lambda con: [n for n, _, _ in _gpkg_tables(con, filename)])


def _read_gpkg(path: Path, filename: str, read: Callable[[sqlite3.Connection], list[_T]]) -> list[_T]:
    """``read(con)`` on the GeoPackage opened read-only and bounded; its errors are the
    project's, and an empty answer is "no feature table"."""
    try:
        con = _sqlite_ro(path)
        try:
            out = read(con)
        finally:
            con.close()
    except (sqlite3.Error, UnicodeDecodeError, ValueError, OverflowError) as exc:
        raise _bad_file(filename, f"not a readable GeoPackage ({exc})") from None
    if not out:
        raise InputError(f"{filename} holds no feature table", key="file.err.no_layer",
                         name=filename)
    return out


def gpkg_feature_tables(path: Path, filename: str, limits: Limits) -> list[tuple[str, str]]:
    """(table, geometry type) of a GeoPackage's real feature tables, bounded.

    Views (for example an endless recursive query) and entries of
    ``gpkg_contents`` without a table in ``sqlite_master`` are skipped; the
    features and geometry bytes of each table are counted against ``limits``.

    Raises
    ------
    InputError
        Not a GeoPackage, no feature table, too many features or vertices.
    """
    counted = [0, 0]  # features, geometry bytes

    def read(con: sqlite3.Connection) -> list[tuple[str, str]]:
        out = []
        for name, column, gtype in _gpkg_tables(con, filename):
            quoted = '"' + name.replace('"', '""') + '"'
            col = '"' + column.replace('"', '""') + '"'
            n, b = con.execute(f"SELECT count(*), sum(length({col})) FROM {quoted}").fetchone()
            counted[0] += int(n or 0)
            counted[1] += int(b or 0)
            out.append((name, gtype))
        return out

    out = _read_gpkg(path, filename, read)
    n_features, n_bytes = counted
    if n_features > limits.max_features:
        raise _too_many("features", n_features, limits.max_features)
    if n_bytes // 16 > limits.max_vertices:
        raise _too_many("vertices", n_bytes // 16, limits.max_vertices)
    return out


def _check_geojson(path: Path, filename: str, limits: Limits) -> None:
    """Refuse a GeoJSON whose ``crs`` is a link (never followed) or that is not JSON."""
    raw = path.read_bytes()
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _bad_file(filename, f"not GeoJSON ({safe_reason(str(exc), filename)[:80]})") from None
    if not isinstance(doc, dict):
        raise _bad_file(filename, "not GeoJSON (no object)")
    crs = doc.get("crs")
    if crs is not None:
        text = json.dumps(crs)
        if not isinstance(crs, dict) or crs.get("type") != "name" or \
                re.search(r"(?i)https?:|ftp:|/vsi|file:|href", text):
            raise InputError(f"{filename} names its coordinate system by a link; links are "
                             "not followed. Give the system by name (e.g. EPSG:4490)",
                             key="file.err.crs_link", name=filename)
        try:
            pyproj.CRS.from_user_input(str(crs.get("properties", {}).get("name", "")))
        except (pyproj.exceptions.CRSError, ValueError, TypeError, AttributeError) as exc:
            raise InputError(f"{filename}: its coordinate system cannot be used "
                             f"({safe_reason(str(exc), filename)[:120]})", key="file.err.bad_crs",
                             name=filename, reason=safe_reason(str(exc), filename)[:120]) from None
    feats = doc.get("features")
    if isinstance(feats, list) and len(feats) > limits.max_features:
        raise _too_many("features", len(feats), limits.max_features)


_NETWORK_TAGS = re.compile(rb"(?i)<\s*(?:[a-z0-9_]+:)?networklink\b|<!\s*(?:doctype|entity)\b")


def _check_kml(path: Path, filename: str) -> None:
    """Refuse a KML with network links, external references or entity declarations."""
    head = path.read_bytes()
    if _NETWORK_TAGS.search(head):
        raise InputError(f"{filename} holds a NetworkLink or an entity declaration; such "
                         "references are not followed", key="file.err.kml_link",
                         name=filename)


def _check_parquet(path: Path, filename: str, limits: Limits) -> None:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        raise _bad_file(filename, f"not a Parquet file ({safe_reason(str(exc), filename)[:80]})") from None
    if meta.num_rows > limits.max_features:
        raise _too_many("features", meta.num_rows, limits.max_features)


def check_headers(path: Path, filename: str, limits: Limits) -> None:
    """Bounds of a vector file from its headers, before any full parse."""
    _check_bytes(filename, path.stat().st_size, limits)
    ext = path.suffix.lower()
    if ext in (".geojson", ".json"):
        _check_geojson(path, filename, limits)
    elif ext == ".kml":
        _check_kml(path, filename)
    elif ext == ".shp":
        _shapefile_headers(path, limits)
    elif ext == ".gpkg":
        gpkg_feature_tables(path, filename, limits)
    elif ext in (".parquet", ".geoparquet"):
        _check_parquet(path, filename, limits)


# ------------------------------------------------------------------ reading
@dataclass
class RawLayer:
    """One layer of a file as read, before CRS placement.

    Attributes
    ----------
    frame : GeoDataFrame
        In the file's own CRS (``frame.crs`` None when it names none).
    name : str
        The layer (or Shapefile) it came from.
    encoding : str
        Attribute encoding used; ``encoding_how`` 'format', 'cpg', 'guess' or 'user'.
    notices : list of Notice
    """

    frame: Any
    name: str
    encoding: str = "UTF-8"
    encoding_how: str = "format"
    notices: list[Notice] = field(default_factory=list)


def _read_frame(path: Path, filename: str, layer: str | None = None, encoding: str | None = None,
                limits: Limits = SITE) -> gpd.GeoDataFrame:
    try:
        if path.suffix.lower() in (".parquet", ".geoparquet"):
            import geopandas as gpd

            frame = gpd.read_parquet(path)
            for col in frame.columns:  # decode Arrow strings now, not lazily later
                if col != frame.geometry.name:
                    frame[col] = np.asarray(frame[col].to_numpy(dtype=object), dtype=object)
        else:
            kwargs = {"layer": layer} if layer is not None else {}
            if encoding:
                kwargs["encoding"] = encoding
            frame = pyogrio.read_dataframe(path, max_features=limits.max_features + 1, **kwargs)
    except QPAError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # pyogrio/GDAL/pyarrow raise many kinds
        raise _bad_file(filename, str(exc)) from None
    import geopandas as gpd

    if not isinstance(frame, gpd.GeoDataFrame) or frame._geometry_column_name not in frame:
        raise _bad_file(filename, "no geometry column")
    if len(frame) > limits.max_features:
        raise _too_many("features", len(frame), limits.max_features)
    check_geometry_size(frame.geometry.values, limits)
    return frame


def _layers_of(path: Path, filename: str, limits: Limits) -> list[tuple[str, str]]:
    ext = path.suffix.lower()
    if ext == ".gpkg":
        return gpkg_feature_tables(path, filename, limits)
    if ext in (".parquet", ".geoparquet"):
        return [(path.stem, "")]
    try:
        return [(str(n), str(g)) for n, g in pyogrio.list_layers(path)]
    except Exception as exc:  # GDAL raises several kinds
        raise _bad_file(filename, str(exc)) from None


def _family_of(gtype: str) -> str | None:
    g = str(gtype or "").lower()
    for fam in ("polygon", "line", "point"):
        if fam in g:
            return fam
    return None


def _read_path(path: Path, filename: str, family: str | None, all_layers: bool,
               limits: Limits, strict: bool = False) -> list[RawLayer]:
    check_headers(path, filename, limits)
    layers = _layers_of(path, filename, limits)
    if not layers:
        raise InputError(f"{filename} holds no layer", key="file.err.no_layer", name=filename)
    if all_layers:
        chosen = [n for n, _ in layers]
    else:
        match = [n for n, g in layers if family and _family_of(g) == family]
        if strict and not match:
            raise InputError(f"{filename} has no {family} layer", key="file.err.no_polygons",
                             name=filename)
        chosen = (match or [layers[0][0]])[:1]
    return [RawLayer(_read_frame(path, filename, name, None, limits), name) for name in chosen]


def _read_shapefiles(paths: list[Path], filename: str, family: str | None, all_layers: bool,
                     encoding: str | None, limits: Limits) -> list[RawLayer]:
    shps = sorted(p for p in paths if p.suffix.lower() == ".shp")
    out = []
    for shp in shps:
        present = {p.suffix.lower() for p in shp.parent.glob(glob_escape(shp.stem) + ".*")}
        missing = [ext for ext in (".shx", ".dbf") if ext not in present]
        if missing:
            raise InputError(f"{shp.name} lacks {', '.join(missing)}",
                             key="file.err.zip_missing_part", name=shp.name,
                             parts=", ".join(missing))
        _shapefile_headers(shp, limits)
        enc: str | None
        if encoding:
            enc, how = encoding, "user"
        else:
            enc, how = dbf_encoding(shp)
        notices = [Notice("file.warn.encoding", encoding=enc)] if how == "guess" else []
        frame = _read_frame(shp, filename, None, enc, limits)
        out.append(RawLayer(frame, shp.name, enc or "UTF-8", how, notices))
    if sum(len(r.frame) for r in out) > limits.max_features:
        raise _too_many("features", sum(len(r.frame) for r in out), limits.max_features)
    if not all_layers and out:
        if family:
            match = [r for r in out if _family_of(" ".join(
                r.frame.geometry.geom_type.dropna().unique())) == family]
            out = match or out
        out = out[:1]
    return out


def read_layers(filename: str, data: bytes, tmp: Path, limits: Limits, *,
                family: str | None = None, all_layers: bool = False,
                encoding: str | None = None, strict: bool = False) -> list[RawLayer]:
    """The vector layers of an uploaded file, as read (no CRS placement yet).

    Parameters
    ----------
    filename : str
        Its extension picks the reader: ``.zip`` (Shapefile: .shp, .shx, .dbf,
        optional .prj/.cpg; or one GeoJSON/KML/GeoPackage inside), ``.kmz``,
        ``.geojson``/``.json``, ``.kml``, ``.gpkg``, ``.parquet``.
    data : bytes
    tmp : Path
        An empty private directory to unpack into.
    limits : Limits
    family : {'polygon', 'line', 'point'}, optional
        The first layer of this family is read (else the first layer).
    all_layers : bool
        Read every layer (every Shapefile of a zip).
    strict : bool
        Refuse a multi-layer file with no layer of ``family``
        (``file.err.no_polygons``) instead of reading its first layer.
    encoding : str, optional
        Shapefile attribute encoding instead of the .cpg / guess.

    Raises
    ------
    InputError
        Too big, unsafe or damaged zip, too many features or vertices, a
        GeoJSON CRS link, a KML network link, unreadable, no layer.
    """
    ext = Path(filename).suffix.lower()
    _check_bytes(filename, len(data), limits)
    if ext in (".zip", ".kmz"):
        paths = extract_zip(open_zip(data, limits), tmp, limits)
        if any(p.suffix.lower() == ".shp" for p in paths):
            return _read_shapefiles(paths, filename, family, all_layers, encoding, limits)
        inner = [p for p in paths if p.suffix.lower() in
                 (".kml", ".geojson", ".json", ".gpkg", ".parquet")]
        if not inner:
            raise InputError(f"{filename} holds no .shp file", key="file.err.zip_no_shp",
                             name=filename)
        return _read_path(inner[0], filename, family, all_layers, limits, strict)
    path = tmp / f"upload{ext}"
    path.write_bytes(data)
    return _read_path(path, filename, family, all_layers, limits, strict)


def read_path(path: Path, limits: Limits, *, family: str | None = None,
              all_layers: bool = False) -> list[RawLayer]:
    """The layers of a vector file on disk (a command line's argument), as read.

    A ``.shp`` is read with its sibling .shx/.dbf/.prj/.cpg; any other file
    as :func:`read_layers` reads an upload of that name.

    Raises
    ------
    InputError
        ``err.file_missing``, or as :func:`read_layers`.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file", key="err.file_missing", path=str(path))
    ext = path.suffix.lower()
    if ext == ".shp":
        siblings = list(path.parent.glob(glob_escape(path.stem) + ".*"))
        _check_bytes(path.name, sum(p.stat().st_size for p in siblings), limits)
        return _read_shapefiles([path], path.name, family, all_layers, None, limits)
    if ext not in VECTOR_EXTENSIONS:
        raise InputError(f"{path.name}: unsupported file type {ext or '(none)'}",
                         key="file.err.type", name=path.name, ext=ext)
    _check_bytes(path.name, path.stat().st_size, limits)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="qpa_path_") as tmp:
        return read_layers(path.name, path.read_bytes(), Path(tmp), limits, family=family,
                           all_layers=all_layers)


# ------------------------------------------------------------------ CRS
def label_crs(crs: pyproj.CRS | None) -> str:
    """A short label: 'WGS84', 'CGCS2000', 'GK zone 34 (prefixed)', 'EPSG:n' or its name."""
    if crs is None:
        return "unknown"
    try:
        epsg = crs.to_epsg(min_confidence=70)
    except pyproj.exceptions.CRSError:
        epsg = None
    for (zone, prefixed), code in zone_table().items():
        if code == epsg:
            return f"GK zone {zone} ({'prefixed' if prefixed else 'no prefix'})"
    if epsg == 4326:
        return "WGS84"
    if epsg == 4490:
        return "CGCS2000"
    return f"EPSG:{epsg}" if epsg else safe_reason(crs.name)[:80]


def _gk_prefix_mismatch(frame: gpd.GeoDataFrame, notices: list[Notice]) -> gpd.GeoDataFrame:
    """A GK .prj whose prefix variant contradicts the coordinates: use the other."""
    epsg = frame.crs.to_epsg(min_confidence=70)
    for (zone, prefixed), code in zone_table().items():
        if code != epsg:
            continue
        data_prefixed = is_prefixed(shapely.get_coordinates(frame.geometry.values)[:, 0])
        if data_prefixed != prefixed:
            notices.append(Notice("file.warn.prj_prefix", zone=zone))
            return frame.set_crs(zone_table()[(zone, data_prefixed)], allow_override=True)
    return frame


def _undeclared_crs(frame: gpd.GeoDataFrame, filename: str, notices: list[Notice]
                    ) -> tuple[gpd.GeoDataFrame, str, str]:
    """Place a layer without CRS: degrees as WGS84, prefixed GK by its prefix."""
    xy = shapely.get_coordinates(frame.geometry.values)
    if xy.size == 0:
        return frame.set_crs(4326), "unknown", "assumed"
    if not np.isfinite(xy).all():
        raise InputError(f"{filename} has non-finite coordinates", key="file.err.nonfinite",
                         name=filename)
    if np.all(np.abs(xy[:, 0]) <= 180) and np.all(np.abs(xy[:, 1]) <= 90):
        notices.append(Notice("file.warn.assumed_wgs84", name=filename))
        return frame.set_crs(4326), "WGS84 (assumed)", "assumed"
    try:
        _, y_east, swapped = detect_swap(xy[0, 1], xy[0, 0])
    except InputError:
        swapped, y_east = False, float("nan")
    if not (y_east >= 1e7):
        raise InputError(f"{filename} has no .prj and its coordinates do not say their "
                         "system; add the .prj or give the coordinate system",
                         key="file.err.no_crs", name=filename)
    col_x, col_y = (1, 0) if swapped else (0, 1)
    lon, lat = gk_to_lonlat(xy[:, col_y], xy[:, col_x])
    zone = int(y_east // 1e6)
    notices.append(Notice("file.warn.gk_from_prefix", name=filename, zone=zone))
    if swapped:
        notices.append(Notice("site.warn.swapped_xy", n=len(xy)))
    out = frame.copy()
    out.geometry = shapely.set_coordinates(frame.geometry.values.copy(),
                                           np.column_stack([lon, lat]))
    return out.set_crs(4326, allow_override=True), f"GK zone {zone} (prefixed)", "gk_prefix"


def to_lonlat(frame: gpd.GeoDataFrame, filename: str, notices: list[Notice]
              ) -> tuple[gpd.GeoDataFrame, str, str]:
    """``frame`` in EPSG:4326 and how its CRS was found.

    A declared CRS (.prj, GeoJSON ``crs``, GeoPackage) is used, a
    Gauss-Krüger .prj whose prefix variant contradicts the eastings is
    corrected (notice); without one, degree-sized coordinates are taken as
    WGS84 and prefixed Gauss-Krüger ones placed by the zone prefix (notices).

    Returns
    -------
    (GeoDataFrame, label, how) : how is 'file', 'assumed' or 'gk_prefix'.

    Raises
    ------
    InputError
        ``file.err.no_crs`` (ask for the system), ``file.err.bad_crs`` (a CRS
        that cannot be used: bad ellipsoid, unknown projection).
    """
    if frame.crs is None:
        return _undeclared_crs(frame, filename, notices)
    try:
        frame = _gk_prefix_mismatch(frame, notices)
        label = label_crs(frame.crs)
        out = frame.to_crs(4326)
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError, ValueError,
            TypeError) as exc:
        raise InputError(f"{filename}: its coordinate system cannot be used "
                         f"({safe_reason(str(exc), filename)[:120]})", key="file.err.bad_crs",
                         name=filename, reason=safe_reason(str(exc), filename)[:120]) from None
    xy = shapely.get_coordinates(out.geometry.values)
    if xy.size and not np.isfinite(xy).all():
        raise InputError(f"{filename}: its coordinate system cannot be used (coordinates do "
                         "not transform)", key="file.err.bad_crs", name=filename,
                         reason="non-finite result")
    return out, label, "file"


# ------------------------------------------------------------------ CSV of points
POINT_COLUMNS = ("site_id", "lon", "lat", "area_ha")


def is_points_csv(filename: str, data: bytes) -> bool:
    """Whether an upload is the CSV of points (``.csv``, or a ``.txt`` whose header is it)."""
    ext = Path(filename).suffix.lower()
    if ext == ".csv":
        return True
    head = data[:64].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    return ext == ".txt" and head.startswith(b"site_id")


def read_points_csv(filename: str, data: bytes, limits: Limits) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a CSV ``site_id,lon,lat,area_ha``: (line, {column: text}).

    Decoded as UTF-8 (BOM or not) or GBK; columns are checked; values are
    left for the caller (each with its line).

    Raises
    ------
    InputError
        Too long, undecodable, missing columns, no rows, too many rows.
    """
    _check_bytes(filename, len(data), limits)
    text, _ = decode_text(data)
    check_text(text, limits, "file")
    if "\0" in text:
        raise InputError(f"{filename}: holds a NUL character; not a text file",
                         key="file.err.read", name=filename, reason="NUL character")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [str(h).strip() for h in (reader.fieldnames or [])]
        missing = [c for c in POINT_COLUMNS if c not in header]
        if missing:
            raise InputError(f"{filename}: missing column(s) {', '.join(missing)}; the header "
                             f"must be {','.join(POINT_COLUMNS)} (got "
                             f"{','.join(header)[:80] or 'nothing'})", key="err.csv_columns",
                             path=filename, missing=", ".join(missing))
        reader.fieldnames = header
        rows = []
        for line, row in enumerate(reader, start=2):
            rows.append((line, {k: row.get(k) if isinstance(row.get(k), str) else ""
                                for k in POINT_COLUMNS}))
            if len(rows) > limits.max_features:
                raise _too_many("features", len(rows), limits.max_features)
    except csv.Error as exc:
        raise InputError(f"{filename}: not a readable CSV ({exc})", key="file.err.read",
                         name=filename, reason=safe_reason(str(exc), filename)) from None
    if not rows:
        raise InputError(f"{filename}: no sites (only a header)", key="err.no_sites",
                         path=filename)
    return rows


def parse_float(text: str) -> float:
    """A finite float from text (ValueError for anything else, incl. inf/nan/1e400)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value
