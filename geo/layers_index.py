"""Screening layers with spatial indices, built once and queried per site.

:class:`ScreeningLayers` holds the red lines, deposits, salt lakes, bases,
quotas and DEM the site check needs. Each vector layer is wrapped in a
:class:`LayerIndex` with a shapely 2 ``STRtree`` and prepared geometries, so a
screen queries the tree with the site (or a generous degree window around it)
and measures only the few candidates exactly: areas on the ellipsoid,
distances geodesic. Nothing loops over all features of a layer.

Coordinates are (lon, lat), EPSG:4326.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from .bundle import BUNDLE_PATH, DEM_PATH
from .checks.measure import geodesic_distances, site_latitude, window_degrees
from .dem import QINGHAI_BBOX, Dem, read_dem, slope_degrees
from .errors import InputError
from .rules_tables import CONTROL_KINDS

if TYPE_CHECKING:
    from .sources import LayerSource

__all__ = ["LAYER_NAMES", "CONTROL_LAYERS", "LayerIndex", "ScreeningLayers", "read_vector"]

#: Canonical layer names and the aliases accepted by ``replace`` and ``--layer``.
LAYER_NAMES: dict[str, str] = {
    "redline": "redline", "redlines": "redline",
    "minerals": "deposits", "deposits": "deposits",
    "salt_lakes": "salt_lakes", "saltlakes": "salt_lakes",
    "bases": "bases", "base": "bases",
}
#: Bundle layer of each canonical name.
_BUNDLE_NAME = {"redline": "redlines", "deposits": "deposits",
                "salt_lakes": "salt_lakes", "bases": "bases"}
_PROV = ("source", "source_date", "accuracy")
#: Importable layers of the binding controls (三区三线 and the other control lines, the
#: 三调 land-use layer, mining rights), named as in ``--layer KIND=PATH``, the store and the
#: CSV ``check`` column. Each covers its own extent.
CONTROL_LAYERS: tuple[str, ...] = ("landuse", *CONTROL_KINDS)


def _as_4326(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        w, s, e, n = frame.total_bounds if len(frame) else (0, 0, 0, 0)
        if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= 90 and -90 <= n <= 90):
            raise InputError(f"{what}: no CRS and coordinates are not lon/lat degrees "
                             f"(bounds {w:.1f}, {s:.1f}, {e:.1f}, {n:.1f})")
        return frame.set_crs(4326)
    if frame.crs.to_epsg() != 4326:
        return frame.to_crs(4326)
    return frame


@dataclass
class LayerIndex:
    """One vector layer with its STRtree.

    Attributes
    ----------
    name : str
        Canonical layer name (``redline``, ``deposits``, ``salt_lakes``, ``bases``).
    frame : GeoDataFrame
        EPSG:4326, index reset to 0..n-1 (tree positions are row positions).
    geoms : ndarray of geometries
        Prepared in place (shapely.prepare).
    tree : shapely.STRtree
    coverage : shapely geometry
        Where this layer is complete: given (the province for the bundled
        layers), else the convex hull of its features (an imported county
        layer covers its county). A check may say "no overlap" only inside it.
    """

    name: str
    frame: gpd.GeoDataFrame
    coverage: BaseGeometry | None = None
    geoms: np.ndarray = field(init=False, repr=False)
    tree: shapely.STRtree = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.frame = _as_4326(self.frame, self.name).reset_index(drop=True)
        self.frame = self.frame[~self.frame.geometry.isna() & ~self.frame.geometry.is_empty]
        self.frame = self.frame.reset_index(drop=True)
        geoms = np.asarray(self.frame.geometry.values, dtype=object)
        bad = ~shapely.is_valid(geoms)
        if bad.any():
            geoms = geoms.copy()
            geoms[bad] = shapely.make_valid(geoms[bad])
            self.frame = self.frame.set_geometry(gpd.GeoSeries(geoms, crs=4326))
        shapely.prepare(geoms)
        self.geoms = geoms
        self.tree = shapely.STRtree(geoms)
        if self.coverage is None:
            self.coverage = (shapely.convex_hull(shapely.GeometryCollection(list(geoms)))
                             if len(geoms) else shapely.Polygon())
        shapely.prepare(self.coverage)
        self._records = self.frame.drop(columns=self.frame.geometry.name).to_dict("records")
        self._layer_provenance: list[dict[str, Any]] | None = None
        self._provenance_keys: dict[int, tuple[str, ...]] = {}
        self._uniform: bool | None = None

    def __len__(self) -> int:
        return len(self.geoms)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (to Dask workers) without the bulk path's derived caches: scaled copies
        of the features and seed trees are rebuilt where they are needed."""
        state = dict(self.__dict__)
        for key in ("_band_frames", "_point_tree"):
            state.pop(key, None)
        return state

    def record(self, i: int) -> dict[str, Any]:
        """Attributes of row ``i`` (a dict; missing columns are absent)."""
        record: dict[str, Any] = self._records[i]
        return record

    def get(self, i: int, column: str, default: Any = None) -> Any:
        """One attribute of row ``i``, ``default`` when absent or NaN."""
        value = self._records[i].get(column, default)
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return default
        return value

    def intersecting(self, geom: BaseGeometry) -> np.ndarray:
        """Positions of the features that intersect ``geom`` (tree + exact predicate)."""
        return np.sort(self.tree.query(geom, predicate="intersects"))

    def within(self, geom: BaseGeometry, metres: float) -> tuple[np.ndarray, np.ndarray]:
        """Features within ``metres`` (geodesic) of ``geom`` and their distances.

        The tree is queried with a generous degree window; candidates are then
        measured geodesically and filtered.
        """
        deg = window_degrees(metres, site_latitude(geom))
        cand = np.sort(self.tree.query(geom, predicate="dwithin", distance=deg))
        if len(cand) == 0:
            return cand, np.zeros(0)
        dist, _ = geodesic_distances(geom, self.geoms[cand])
        keep = dist <= metres
        return cand[keep], dist[keep]

    def nearest(self, geom: BaseGeometry) -> tuple[int | None, float]:
        """The feature geodesically nearest to ``geom`` and its distance in metres.

        The planar nearest (in degrees) bounds the answer; every feature that
        could be nearer on the ellipsoid lies within a window derived from its
        geodesic distance, and the minimum over that window is returned.
        """
        if len(self.geoms) == 0:
            return None, float("nan")
        first = self.tree.query_nearest(geom, all_matches=False)
        d0, _ = geodesic_distances(geom, self.geoms[first[:1]])
        if d0[0] == 0.0:
            return int(first[0]), 0.0
        cand, dist = self.within(geom, float(d0[0]) * 1.0001)
        if len(cand) == 0:
            return int(first[0]), float(d0[0])
        j = int(np.argmin(dist))
        return int(cand[j]), float(dist[j])

    def uniform_provenance(self) -> bool:
        """Whether every feature has the same (source, source_date, accuracy): then the
        provenance of any rows is the layer's (computed once per layer)."""
        if self._uniform is None:
            self._uniform = len(self.provenance(None)) <= 1
        return self._uniform

    def provenance(self, rows: Iterable[int] | None) -> list[dict[str, Any]]:
        """Distinct (source, source_date, accuracy) of ``rows``, or of the layer when empty
        (computed once per layer)."""
        rows = list(rows) if rows is not None else []
        if not rows:
            if self._layer_provenance is None:
                self._layer_provenance = self._provenance(range(len(self._records)))
            return [dict(d) for d in self._layer_provenance]
        return self._provenance(rows)

    def _provenance(self, rows: Iterable[int]) -> list[dict[str, Any]]:
        seen: dict[tuple[str, ...], dict[str, Any]] = {}
        keys = self._provenance_keys
        for i in rows:
            key = keys.get(i)
            if key is None:  # a row's (source, date, accuracy) is fixed: read it once
                key = keys[i] = tuple(str(self.get(i, c, "")) for c in _PROV)
            if key not in seen:
                seen[key] = {"layer": self.name, **dict(zip(_PROV, key))}
            if len(seen) >= 20:
                break
        return list(seen.values())


@dataclass
class ScreeningLayers:
    """Everything a site screen reads, indexed once.

    Build with :meth:`from_bundle` (the bundled GeoPackage and DEM) or
    :meth:`from_frames` (GeoDataFrames, for tests and imports). Any layer may
    be ``None``; its check then reports UNKNOWN.

    Attributes
    ----------
    redline, deposits, salt_lakes, bases : LayerIndex or None
    quotas : DataFrame or None
        ``base_id, year, allocated_ha, used_ha, reserved_ha[, remaining_ha], source...``
    dem : Dem or None
        The province DEM (the bundled 0.2° overview unless another is given).
    slope : ndarray or None
        Slope in degrees of every DEM cell (computed once).
    local_dem : Dem or None
        An imported finer DEM of part of the province: the terrain check uses it for a
        site it covers whole, ``dem`` elsewhere (:func:`geo.checks.terrain.dem_cells`).
    local_slope : ndarray or None
        Slope in degrees of every ``local_dem`` cell.
    coverage : shapely geometry
        The province (Qinghai): coverage of the bundled layers. Each layer
        carries its own (:attr:`LayerIndex.coverage`).
    controls : dict
        ``{kind: LayerIndex}`` of the imported control-line and land-use
        layers (``farmland``, ``urban_boundary``, ``landuse``...).
    prefectures : LayerIndex or None
        Prefecture outlines (drawn on the report's location map; no check reads them).
    """

    redline: LayerIndex | None = None
    deposits: LayerIndex | None = None
    salt_lakes: LayerIndex | None = None
    bases: LayerIndex | None = None
    quotas: pd.DataFrame | None = None
    dem: Dem | None = None
    slope: np.ndarray | None = None
    coverage: BaseGeometry | None = None
    local_dem: Dem | None = None
    local_slope: np.ndarray | None = None
    controls: dict[str, LayerIndex] = field(default_factory=dict)
    prefectures: LayerIndex | None = None
    _cache: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.coverage is None:
            self.coverage = shapely.box(*QINGHAI_BBOX)
        shapely.prepare(self.coverage)
        if self.dem is not None and self.slope is None:
            self.slope = slope_degrees(self.dem)
        if self.local_dem is not None and self.local_slope is None:
            self.local_slope = slope_degrees(self.local_dem)

    @classmethod
    def from_frames(cls, redline: gpd.GeoDataFrame | None = None,
                    deposits: gpd.GeoDataFrame | None = None,
                    salt_lakes: gpd.GeoDataFrame | None = None,
                    bases: gpd.GeoDataFrame | None = None,
                    quotas: pd.DataFrame | None = None, dem: Dem | None = None,
                    coverage: BaseGeometry | None = None,
                    controls: dict[str, Any] | None = None,
                    prefectures: gpd.GeoDataFrame | None = None,
                    local_dem: Dem | None = None) -> ScreeningLayers:
        """Index GeoDataFrames (any may be ``None``); ``dem`` covers the province,
        ``local_dem`` (an imported finer DEM) refines it where it covers a whole site.

        The four province-wide layers carry ``coverage`` (Qinghai's bounding
        box by default); ``controls`` (``{kind: frame}``, see
        :data:`CONTROL_LAYERS`) each cover their own extent.
        """
        cover = coverage if coverage is not None else shapely.box(*QINGHAI_BBOX)

        def idx(name: str, frame: gpd.GeoDataFrame | None) -> LayerIndex | None:
            return None if frame is None else LayerIndex(name, frame, cover)

        return cls(redline=idx("redline", redline), deposits=idx("deposits", deposits),
                   salt_lakes=idx("salt_lakes", salt_lakes), bases=idx("bases", bases),
                   quotas=quotas, dem=dem, coverage=cover,
                   controls={k: LayerIndex(k, f) for k, f in (controls or {}).items()
                             if f is not None},
                   prefectures=idx("prefectures", prefectures), local_dem=local_dem)

    @classmethod
    def from_bundle(cls, path: Path = BUNDLE_PATH, dem_path: Path | None = DEM_PATH
                    ) -> ScreeningLayers:
        """Load and index the bundled layers; missing layers stay ``None``.

        Raises
        ------
        BundleError
            If the GeoPackage itself is missing.
        """
        from .sources import BundleSource

        return cls.from_source(BundleSource(path), dem_path)

    @classmethod
    def from_source(cls, source: LayerSource, dem_path: str | Path | None = DEM_PATH,
                    local_dem_path: str | Path | None = None) -> ScreeningLayers:
        """Load and index the layers of a :class:`~geo.sources.LayerSource`, the province
        DEM at ``dem_path`` and an imported finer DEM at ``local_dem_path``.

        Layers the source lacks stay ``None`` (their checks report UNKNOWN).
        """
        frames = {key: source.read_layer(lname) if source.has_layer(lname) else None
                  for key, lname in _BUNDLE_NAME.items()}
        coverage = None
        if source.has_layer("admin_province"):
            coverage = shapely.union_all(source.read_layer("admin_province").geometry.values)
        dem = read_dem(Path(dem_path)) if dem_path and Path(dem_path).exists() else None
        local = read_dem(Path(local_dem_path)) if local_dem_path else None
        controls = {kind: source.read_layer(kind) for kind in CONTROL_LAYERS
                    if source.has_layer(kind)}
        return cls.from_frames(redline=frames["redline"], deposits=frames["deposits"],
                               salt_lakes=frames["salt_lakes"], bases=frames["bases"],
                               quotas=source.read_quotas(), dem=dem, coverage=coverage,
                               controls=controls,
                               prefectures=(source.read_layer("admin_prefecture")
                                            if source.has_layer("admin_prefecture") else None),
                               local_dem=local)

    def layer(self, kind: str) -> LayerIndex | None:
        """The layer of ``kind`` (a canonical name or a control kind), or None."""
        if kind in _BUNDLE_NAME:
            index: LayerIndex | None = getattr(self, kind)
            return index
        return self.controls.get(kind)

    def replace(self, name: str, frame: gpd.GeoDataFrame | None,
                coverage: BaseGeometry | None = None) -> ScreeningLayers:
        """A copy with layer ``name`` (``redline``, ``minerals``, ``farmland``...) replaced.

        The new layer covers ``coverage`` when given, else its own extent
        (the convex hull of its features).

        Raises
        ------
        InputError
            Unknown layer name.
        """
        key = LAYER_NAMES.get(name) or (name if name in CONTROL_LAYERS else None)
        if key is None:
            allowed = sorted(set(LAYER_NAMES) | set(CONTROL_LAYERS))
            raise InputError(f"layer was {name!r} but is expected to be in {allowed}",
                             key="err.layer_name", name=name)
        out = copy.copy(self)
        out._cache = {}
        new = None if frame is None else LayerIndex(key, frame, coverage)
        if key in _BUNDLE_NAME:
            setattr(out, key, new)
        else:
            out.controls = {k: v for k, v in self.controls.items() if k != key}
            if new is not None:
                out.controls[key] = new
        return out


def _read_vector(path: Path, what: str) -> gpd.GeoDataFrame:
    from .vector_io import IMPORT, read_path, to_lonlat

    layers = read_path(path, IMPORT)
    frame = layers[0].frame if layers else None
    if frame is None or len(frame) == 0 or frame.geometry.isna().all():
        raise InputError(f"{what} {path}: has no features", key="err.file_unreadable",
                         path=str(path))
    frame, _, _ = to_lonlat(frame, path.name, [])
    geoms = np.asarray(frame.geometry.values, dtype=object)
    bad = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if bad.any():  # repaired here, in the guarded child, not later in LayerIndex
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
        frame = frame.set_geometry(gpd.GeoSeries(geoms, crs=4326))
    return frame


def read_vector(path: str | Path, what: str = "file") -> gpd.GeoDataFrame:
    """Read a vector file given on a command line, in EPSG:4326, repaired.

    Read by :mod:`geo.vector_io` as an official's import is (limits
    :data:`~geo.vector_io.IMPORT` from headers, then a child process under
    CPU, memory and time limits, no network; .prj or GeoJSON CRS, degrees as
    WGS84, Gauss-Krüger by the zone prefix).

    Raises
    ------
    InputError
        Missing or unreadable file, no features, no usable CRS, too big.
    """
    from .vector_io import IMPORT, guarded

    path = Path(path)
    if not path.exists():
        raise InputError(f"{what} {path}: no such file", key="err.file_missing", path=str(path))
    return guarded(_read_vector, path, what, limits=IMPORT)
