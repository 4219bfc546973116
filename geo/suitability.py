"""A province-wide suitability surface for a product (where could it go at all?).

:func:`suitability` lays a regular lon/lat grid over Qinghai (cell size chosen in
metres, 1 km by default: the degree steps are the metres per degree at the grid's
middle latitude) and scores every cell centre, with array work only:

* **chain adjacency**, exactly the rule of :func:`geo.chains.chain_adjacency`
  (``data/chains/scoring.yaml``): for each upstream / downstream partner of the
  product, the distance grid to its nearest host (bases; for raw resources also
  salt lakes and deposits), road km = detour factor x geodesic km, link score
  ``1`` up to ``full_km`` then halving every ``half_km``; the score is the
  weighted mean of the upstream and downstream mean link scores;
* **base proximity**: the same distance decay to the nearest *matching* base
  (a base hosting the product in the chain graph; when none does, bases whose
  positioning names the product, level ``named`` or better);
* **score** = weighted mean of the two (``weights``, default 0.5 / 0.5); a
  product without partners in the graph is scored on base proximity alone.

Distances are geodesic on WGS84, approximated per cell by the local radii of
curvature at the mean latitude of the cell and the host (the error is below
0.5 % up to 1,000 km, far less than the detour factor's uncertainty). For each
host the distance grid is one broadcast of a column of latitudes against a row
of longitudes; no loop over cells.

**Masks** (score NaN, reason in :attr:`Surface.mask`): cells outside the province
outline (3); cells touched by an ecological red line (1); cells touched by an
important-mineral overlap (2): the ``deposit_buffer_m`` circle of an important
deposit of a failing scale, or a salt lake with a strategic mineral -- exactly
what makes the site check's red-line / mineral checks FAIL. Rasterised with
:func:`rasterio.features.rasterize` (``all_touched``: a cell a red line touches
is out). No Streamlit here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from affine import Affine
from rasterio.features import rasterize

from .checks.config import load_config
from .checks.measure import local_buffer
from .checks.minerals import is_important
from .errors import InputError

if TYPE_CHECKING:
    import networkx as nx

    from .checks.config import CheckConfig
    from .layers_index import ScreeningLayers

__all__ = [
    "MASK_OPEN", "MASK_REDLINE", "MASK_MINERAL", "MASK_OUTSIDE",
    "Surface", "grid_for", "distance_grid_km", "suitability",
]

MASK_OPEN, MASK_REDLINE, MASK_MINERAL, MASK_OUTSIDE = 0, 1, 2, 3
CRS = "EPSG:4326"
_A = 6378137.0
_E2 = 6.69437999014e-3  # WGS84 first eccentricity squared


@dataclass
class Surface:
    """A suitability grid. ``score``/``adjacency``/``base`` are float32 (ny, nx), row 0 north.

    Attributes
    ----------
    score : ndarray
        Combined score in [0, 1]; NaN where masked.
    adjacency, base : ndarray
        The two components in [0, 1] (not masked; NaN adjacency when no partners).
    mask : ndarray (uint8)
        0 open, 1 red line, 2 important mineral, 3 outside the province.
    transform : affine.Affine
        Pixel -> (lon, lat) of the top-left corner.
    crs : str
        ``EPSG:4326``.
    """

    score: np.ndarray
    adjacency: np.ndarray
    base: np.ndarray
    mask: np.ndarray
    transform: Affine
    crs: str = CRS
    product: str = ""
    resolution_m: float = 1000.0
    partners: list[dict[str, Any]] = field(default_factory=list)
    matching_bases: list[str] = field(default_factory=list)
    weights: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        return self.score.shape

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees."""
        ny, nx = self.shape
        t = self.transform
        return (t.c, t.f + t.e * ny, t.c + t.a * nx, t.f)

    def stats(self) -> dict[str, Any]:
        """Cell counts by mask reason and score quantiles of the open cells."""
        open_ = self.score[np.isfinite(self.score)]
        q = np.quantile(open_, [0.5, 0.9, 1.0]) if open_.size else [np.nan] * 3
        return {"cells": int(self.score.size), "open": int(open_.size),
                "redline": int((self.mask == MASK_REDLINE).sum()),
                "mineral": int((self.mask == MASK_MINERAL).sum()),
                "outside": int((self.mask == MASK_OUTSIDE).sum()),
                "p50": float(q[0]), "p90": float(q[1]), "max": float(q[2])}

    def write_geotiff(self, path: str | Path) -> Path:
        """GeoTIFF with 4 bands: score, adjacency, base proximity (float32, nodata -1), mask.

        The CRS (EPSG:4326) and the affine transform are set; band descriptions
        name the bands.
        """
        import rasterio

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        ny, nx = self.shape
        bands = [np.where(np.isfinite(a), a, -1.0).astype("float32")
                 for a in (self.score, self.adjacency, self.base)]
        bands.append(self.mask.astype("float32"))
        with rasterio.open(path, "w", driver="GTiff", width=nx, height=ny, count=4,
                           dtype="float32", crs=self.crs, transform=self.transform,
                           nodata=-1.0, compress="deflate") as dst:
            for i, (band, name) in enumerate(zip(bands, ("score", "adjacency", "base_proximity",
                                                          "mask")), start=1):
                dst.write(band, i)
                dst.set_band_description(i, name)
            dst.update_tags(product=self.product, resolution_m=str(self.resolution_m),
                            mask_codes="0 open, 1 red line, 2 important mineral, 3 outside",
                            weights=str(self.weights))
        return path

    def geotiff_bytes(self) -> bytes:
        """The GeoTIFF as bytes (for a download button)."""
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            return self.write_geotiff(Path(tmp) / "s.tif").read_bytes()


def _radii(lat_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Meridional (M) and prime-vertical (N) radii of curvature, metres."""
    s = np.sin(np.radians(lat_deg))
    w = 1.0 - _E2 * s * s
    return _A * (1 - _E2) / w ** 1.5, _A / np.sqrt(w)


def grid_for(bounds: tuple[float, float, float, float], resolution_m: float = 1000.0
             ) -> tuple[Affine, int, int]:
    """(transform, nx, ny) of a lon/lat grid covering ``bounds`` with ~``resolution_m`` cells."""
    if not resolution_m or resolution_m <= 0:
        raise InputError(f"resolution was {resolution_m} but is expected to be > 0 m",
                         key="err.suit_resolution", value=resolution_m)
    w, s, e, n = bounds
    mid = (s + n) / 2.0
    m, nn = _radii(np.array(mid))
    dlat = resolution_m / (float(m) * math.pi / 180.0)
    dlon = resolution_m / (float(nn) * math.cos(math.radians(mid)) * math.pi / 180.0)
    nx, ny = max(1, math.ceil((e - w) / dlon)), max(1, math.ceil((n - s) / dlat))
    if nx * ny > 40_000_000:
        raise InputError(f"{nx} x {ny} cells is too many; choose a coarser resolution",
                         key="err.suit_resolution", value=resolution_m)
    return Affine(dlon, 0.0, w, 0.0, -dlat, n), nx, ny


def _centres(transform: Affine, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    lons = transform.c + transform.a * (np.arange(nx) + 0.5)
    lats = transform.f + transform.e * (np.arange(ny) + 0.5)
    return lons, lats


def distance_grid_km(lons: np.ndarray, lats: np.ndarray, host_lon: float, host_lat: float
                     ) -> np.ndarray:
    """Approximate geodesic km from every (lats[i], lons[j]) to one host: (ny, nx) float32.

    Local radii of curvature at the mean latitude of each row and the host
    (one broadcast; < 0.5 % off the WGS84 geodesic up to ~1,000 km).
    """
    mid = (lats + host_lat) / 2.0
    m, n = _radii(mid)
    dy = (np.radians(lats - host_lat) * m)[:, None]                   # ny x 1
    kx = (n * np.cos(np.radians(mid)))[:, None]                       # ny x 1
    dlon = np.radians(lons - host_lon)[None, :]                       # 1 x nx
    km: np.ndarray = (np.hypot(dy, kx * dlon) / 1000.0).astype(np.float32)
    return km


def _nearest_km(lons: np.ndarray, lats: np.ndarray, points: list[tuple[float, float]]
                ) -> np.ndarray | None:
    if not points:
        return None
    out = None
    for lon, lat in sorted(set(points)):   # loop over hosts (a few dozen), never over cells
        d = distance_grid_km(lons, lats, lon, lat)
        out = d if out is None else np.minimum(out, d, out=out)
    return out


def _decay(road_km: np.ndarray, full_km: float, half_km: float) -> np.ndarray:
    return np.where(road_km <= full_km, 1.0,
                    np.power(0.5, (road_km - full_km) / half_km)).astype(np.float32)


def _host_points(graph: nx.DiGraph, product: str) -> list[tuple[float, float]]:
    from .chains import hosts

    kind = graph.nodes[product].get("kind")
    keys = hosts(graph, product, ("resource", "base") if kind == "raw" else ("base",))
    return [(float(graph.nodes[k]["lon"]), float(graph.nodes[k]["lat"])) for k in keys]


def _matching_bases(graph: nx.DiGraph, product: str, scoring: dict[str, Any]) -> list[str]:
    from .chains import base_ids, hosts, positioning_match

    keys = hosts(graph, product, ("base",))
    if keys:
        return keys
    named = float(scoring["ranking"]["positioning_levels"]["named"])
    return [f"base:{b}" for b in base_ids(graph)
            if positioning_match(graph, b, product, scoring)[1] >= named]


def _masks(shape: tuple[int, int], transform: Affine, layers: ScreeningLayers | None,
           config: CheckConfig) -> np.ndarray:
    mask = np.zeros(shape, dtype=np.uint8)
    if layers is None:
        return mask
    if layers.coverage is not None:
        inside = rasterize([(layers.coverage, 1)], out_shape=shape, transform=transform,
                           fill=0, dtype="uint8", all_touched=False)
        mask[inside == 0] = MASK_OUTSIDE
    sec = config.section("minerals")
    mineral = []
    if layers.deposits is not None and len(layers.deposits):
        fr = layers.deposits.frame
        scales = set(sec.get("fail_scales", ["large", "medium"]))
        unknown_fails = bool(sec.get("unknown_scale_fails", True))
        imp = np.array([is_important(v) for v in fr.get("important", [None] * len(fr))])
        scale = fr["scale"].astype(str).str.lower().to_numpy() if "scale" in fr else \
            np.array([""] * len(fr))
        known = np.isin(scale, ["large", "medium", "small"])
        fails = imp & (np.isin(scale, list(scales)) | (~known & unknown_fails))
        buf = float(sec.get("deposit_buffer_m", 1000))
        for g in layers.deposits.geoms[fails]:
            is_pt = g.geom_type in ("Point", "MultiPoint", "LineString", "MultiLineString")
            mineral.append(local_buffer(g, buf if is_pt else
                                        float(sec.get("deposit_polygon_buffer_m", 0)),
                                        quad_segs=4))
    if layers.salt_lakes is not None and len(layers.salt_lakes):
        strategic = set(sec.get("salt_lake_strategic", ["K", "Li"]))
        fr = layers.salt_lakes.frame
        mins = fr["minerals"] if "minerals" in fr else [""] * len(fr)
        for g, m in zip(layers.salt_lakes.geoms, mins):
            if strategic & {x.strip() for x in str(m or "").split(",")}:
                mineral.append(g)
    if mineral:
        hit = rasterize(((g, 1) for g in mineral), out_shape=shape, transform=transform,
                        fill=0, dtype="uint8", all_touched=True)
        mask[(hit == 1) & (mask == MASK_OPEN)] = MASK_MINERAL
    if layers.redline is not None and len(layers.redline):
        hit = rasterize(((g, 1) for g in layers.redline.geoms), out_shape=shape,
                        transform=transform, fill=0, dtype="uint8", all_touched=True)
        mask[(hit == 1) & (mask != MASK_OUTSIDE)] = MASK_REDLINE
    return mask


def suitability(product: str, layers: ScreeningLayers | None = None, resolution_m: float = 1000.0,
                bounds: tuple[float, float, float, float] | None = None,
                weights: dict[str, float] | None = None, graph: nx.DiGraph | None = None,
                scoring: dict[str, Any] | None = None, config: CheckConfig | None = None
                ) -> Surface:
    """The suitability surface of ``product`` (free text, zh or en) over the province.

    Parameters
    ----------
    layers : ScreeningLayers, optional
        Red lines, deposits, salt lakes and the province outline (``coverage``)
        for the masks; ``None``: no masks.
    resolution_m : float
        Cell size in metres (1,000 default).
    bounds : (west, south, east, north), optional
        Grid extent; default the bounds of ``layers.coverage``, else Qinghai's bbox.
    weights : {"adjacency": w, "base": w}, optional
    graph, scoring, config : chain graph, scoring.yaml, check rules (defaults: bundled)

    Raises
    ------
    InputError
        The vocabulary does not know ``product``; a bad resolution or weights.
    """
    from .chains import default_graph, feeds_in, feeds_out, load_scoring
    from .dem import QINGHAI_BBOX

    graph = graph if graph is not None else default_graph()
    scoring = scoring or load_scoring()
    config = config or load_config()
    node = graph.graph["vocabulary"].resolve(product) if product else None
    if node is None or node not in graph:
        raise InputError(f"product {product!r} is not in the chain vocabulary",
                         key="err.suit_product", product=product or "")
    w = {"adjacency": 0.5, "base": 0.5, **(weights or {})}
    if min(w.values()) < 0 or sum(w.values()) <= 0:
        raise InputError(f"weights must be >= 0 with a positive sum, got {w}",
                         key="err.batch_weights", names=str(w))
    if bounds is None:
        bounds = tuple(layers.coverage.bounds) if layers is not None and \
            layers.coverage is not None else QINGHAI_BBOX
    transform, nx, ny = grid_for(bounds, resolution_m)
    lons, lats = _centres(transform, nx, ny)
    dist = scoring["distance"]
    detour, full_km, half_km = (float(dist["detour_factor"]), float(dist["full_km"]),
                                float(dist["half_km"]))
    adj = scoring["adjacency"]
    keep_end = bool(adj.get("include_end_use", False))
    sides: dict[str, list[np.ndarray]] = {"upstream": [], "downstream": []}
    partners = []
    zero = np.zeros((ny, nx), dtype=np.float32)
    for side, prods in (("upstream", feeds_in(graph, node)), ("downstream", feeds_out(graph, node))):
        for p in sorted(prods):
            if graph.nodes[p].get("kind") == "end_use" and not keep_end:
                continue
            pts = _host_points(graph, p)
            near = _nearest_km(lons, lats, pts)
            link = zero if near is None else _decay(detour * near, full_km, half_km)
            sides[side].append(link)
            partners.append({"product": p, "side": side, "hosts": len(pts)})
    parts = [(float(adj[f"{s}_weight"]), np.mean(v, axis=0)) for s, v in sides.items() if v]
    if parts:
        adjacency = (sum(wt * m for wt, m in parts) / sum(wt for wt, _ in parts)).astype(np.float32)
    else:
        adjacency = np.full((ny, nx), np.nan, dtype=np.float32)
    bases = _matching_bases(graph, node, scoring)
    near = _nearest_km(lons, lats, [(float(graph.nodes[b]["lon"]), float(graph.nodes[b]["lat"]))
                                    for b in bases])
    base = zero.copy() if near is None else _decay(detour * near, full_km, half_km)
    if parts:
        score = (w["adjacency"] * adjacency + w["base"] * base) / (w["adjacency"] + w["base"])
    else:
        score = base.copy()
    mask = _masks((ny, nx), transform, layers, config)
    score = np.where(mask == MASK_OPEN, score, np.nan).astype(np.float32)
    return Surface(score=score, adjacency=adjacency, base=base, mask=mask, transform=transform,
                   product=node, resolution_m=float(resolution_m), partners=partners,
                   matching_bases=[b.split(":", 1)[1] for b in bases], weights=w)
