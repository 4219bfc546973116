"""The bulk path gives what the per-site engine gives, check by check.

2,000 sites of the stress set (bench.stress_data: 20,000 red-line polygons,
5,000 deposits, a quarter of them made authoritative reserve polygons, salt
lakes, 15 bases with quotas) are screened once by
:func:`geo.screen.screen_site` and once by :func:`geo.bulk.screen_bulk`; for every
check of the registry, every status, message key and figure must agree
(figures to 1e-6 relative; areas, some of which are differences of two areas, also to
1e-6 of the site's area), and so must the compliance verdict, the
suitability score, the buildable area and the indicative layers. A second
run adds a fine synthetic DEM (so terrain gives PASS / WARN / FAIL, not only
UNKNOWN), another product and activity, so the other branches of the rules are
exercised too.
"""
from __future__ import annotations

import math
import pickle

import numpy as np
import geopandas as gpd
import pandas as pd
import pytest
import shapely
import shapely.affinity
from affine import Affine

from bench.stress_data import control_layers, generate, qinghai_region
from geo.bulk import FIGURES, screen_bulk
from geo.bulk.measure import (Pairs, areas_ha, distance_bounds, nearest, pair_distances,
                              search_boxes, site_latitudes, within, within_rings)
from geo.bundle import BUNDLE_PATH
from geo.checks import Project, check_ids
from geo.checks.measure import local_buffer
from geo.dem import Dem
from geo.geodesy import area_ha
from geo.layers_index import LayerIndex, ScreeningLayers
from geo.screen import screen_site
from geo.site_input import site_from_point

N_SITES = 2000


@pytest.fixture(scope="module")
def stress():
    data = generate(20261123, qinghai_region(BUNDLE_PATH))
    sites = data["sites"].head(N_SITES)
    geoms = np.array([site_from_point(r.lon, r.lat, r.area_ha).geometry
                      for r in sites.itertuples()], dtype=object)
    return data, sites["site_id"].to_numpy(), geoms


def _layers(data, dem=None, controls=None):
    return ScreeningLayers.from_frames(
        redline=data["redlines"], deposits=_with_reserves(data["deposits"]),
        salt_lakes=data["salt_lakes"],
        bases=data["bases"], quotas=data["quotas"], dem=dem,
        coverage=data["admin_province"].geometry.iloc[0], controls=controls)


def _with_reserves(deposits):
    """Every fourth deposit an authoritative 3 km reserve polygon (the 压覆 FAIL path)."""
    dep = deposits.copy()
    sel = dep.index[::4]
    dep.loc[sel, "geometry"] = [local_buffer(p, 3000.0, p.y) for p in dep.geometry[sel]]
    dep.loc[sel, "accuracy"] = "authoritative"
    return dep


def _fine_dem(bounds) -> Dem:
    """A 0.0008 degree DEM (~80 m, fine enough for slope shares) over ``bounds`` with hills
    steep enough for every slope class and a flat plateau."""
    w, s, e, n = bounds
    res = 0.0008
    cols, rows = int(math.ceil((e - w) / res)), int(math.ceil((n - s) / res))
    x = w + res * (np.arange(cols) + 0.5)
    y = n - res * (np.arange(rows) + 0.5)
    xx, yy = x[None, :], y[:, None]
    elev = 3000 + 1800 * np.sin(xx * 40) * np.cos(yy * 25) + 300 * np.sin(xx * 7)
    elev[:, (x - w) < 0.05 * (e - w)] = np.nan  # a no-data strip
    elev[:, (e - x) < 0.3 * (e - w)] = 3200.0  # a flat plateau in the east
    return Dem(elev=elev, transform=Affine(res, 0.0, w, 0.0, -res, n), tags={"accuracy": "indicative"})


def _same(a, b, abs_tol: float = 1e-9) -> bool:
    if isinstance(a, (list, tuple)):
        a = ",".join(str(v) for v in a)
    if a is None or (isinstance(a, float) and np.isnan(a)):
        return b is None or (isinstance(b, float) and np.isnan(b))
    if isinstance(a, str):
        return a == b
    return b is not None and not (isinstance(b, float) and np.isnan(b)) and \
        math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=abs_tol)


def _compare(ids, geoms, project, layers):
    bulk = screen_bulk(geoms, project, layers, site_ids=ids, chunk=700)
    ref = [screen_site(g, project, layers) for g in geoms]
    problems = []
    assert set(FIGURES) == set(check_ids())
    for check, figures in FIGURES.items():
        for i, r in enumerate(ref):
            res = r.result(check)
            row = bulk.iloc[i]
            if res.status != row[f"{check}_status"] or res.message_key != row[f"{check}_key"]:
                problems.append((ids[i], check, res.status, res.message_key,
                                 row[f"{check}_status"], row[f"{check}_key"]))
            for metric, col in figures:
                # an area is the difference of two areas at most (new construction land = the
                # site minus existing construction land): to 1e-6 of the site's area
                tol = 1e-6 * r.area_ha if metric.endswith("_ha") else 1e-9
                if not _same(res.metrics.get(metric), row[f"{check}_{col}"], tol):
                    problems.append((ids[i], check, metric, res.metrics.get(metric),
                                     row[f"{check}_{col}"]))
    for i, r in enumerate(ref):
        row = bulk.iloc[i]
        if r.overall != row["overall"] or ",".join(r.indicative_layers) != row["indicative"]:
            problems.append((ids[i], "overall", r.overall, row["overall"]))
        if not _same(r.suitability.score, row["suitability"]) or \
                r.suitability.band != row["suitability_band"]:
            problems.append((ids[i], "suitability", r.suitability.score, row["suitability"]))
        if not math.isclose(r.area_ha, row["area_ha"], rel_tol=1e-6):
            problems.append((ids[i], "area_ha", r.area_ha, row["area_ha"]))
        if abs(r.buildable_ha - row["buildable_ha"]) > 1e-6 * r.area_ha:
            problems.append((ids[i], "buildable_ha", r.buildable_ha, row["buildable_ha"]))
    assert not problems, f"{len(problems)} differences, first: {problems[:5]}"
    return bulk, ref


def test_bulk_equals_per_site_on_stress_sites(stress):
    """The stress red lines taken as authoritative (an official's import), so that no
    overlap can PASS; the indicative case (no overlap is WARN) is the next test's."""
    data, ids, geoms = stress
    red = data["redlines"].assign(accuracy="authoritative")
    bulk, ref = _compare(ids, geoms, Project(product="碳酸锂"), _layers({**data, "redlines": red}))
    # the comparison covers every status the stress set produces, not one path
    statuses = {c: set(bulk[f"{c}_status"]) for c in FIGURES}
    assert statuses["minerals"] >= {"FAIL"} and statuses["terrain"] == {"UNKNOWN"}
    assert statuses["redline"] >= {"PASS", "WARN", "FAIL", "UNKNOWN"}
    assert statuses["minerals"] >= {"PASS", "WARN", "FAIL"}
    assert statuses["quota"] >= {"PASS", "WARN", "FAIL", "UNKNOWN"}
    assert statuses["base"] >= {"PASS", "WARN"}
    assert (bulk["redline_overlap_ha"].fillna(0) > 0).sum() > 100


def test_bulk_equals_per_site_with_red_lines_of_mixed_provenance(stress):
    """When red-line zones differ in accuracy, the zones within the rings decide which data a
    row says it used: the bulk path then measures the rings even when no ring count is asked for
    (with one provenance for all zones it skips them: the stress layer above)."""
    data, ids, geoms = stress
    red = data["redlines"].copy()
    red.loc[shapely.get_x(shapely.centroid(red.geometry.values)) > 97.0, "accuracy"] = "authoritative"  # the east surveyed
    layers = _layers({**data, "redlines": red})
    assert not layers.redline.uniform_provenance() and _layers(data).redline.uniform_provenance()
    bulk, _ = _compare(ids[:600], geoms[:600], Project(product="碳酸锂"), layers)
    said = bulk["indicative"].str.split(",").map(lambda v: "redline" in v)
    assert said.any() and not said.all()  # the rings' zones decide it, site by site
    # not every zone authoritative and far from the provincial total: no overlap is no clearance
    assert "chk.redline.warn_incomplete" in set(bulk["redline_key"])
    assert "chk.redline.pass" not in set(bulk["redline_key"])


def test_bulk_equals_per_site_with_fine_dem_and_other_project(stress):
    data, ids, geoms = stress
    bounds = (94.0, 35.0, 99.0, 38.0)
    inside = shapely.contains_xy(shapely.box(*bounds), shapely.get_x(shapely.centroid(geoms)),
                                 shapely.get_y(shapely.centroid(geoms)))
    sel = np.flatnonzero(inside)[:400]
    layers = _layers(data, _fine_dem(bounds))
    bulk, _ = _compare(ids[sel], geoms[sel], Project(product="钾肥", activity="linear_infrastructure",
                                                     area_ha=30.0, year=2025), layers)
    assert set(bulk["terrain_status"]) >= {"PASS", "WARN", "FAIL"}
    bulk, _ = _compare(ids[sel[:150]], geoms[sel[:150]], Project(), layers)
    assert set(bulk["chain_status"]) == {"UNKNOWN"} and set(bulk["base_status"]) == {"UNKNOWN"}


def test_bulk_equals_per_site_with_control_and_landuse_layers(stress):
    """永久基本农田 (must not overlap), 城镇开发边界 (must lie inside, partly covered) and a
    三调 layer (DLBM codes; the quota then charges only new construction land) measured with
    arrays give what each site's own check gives."""
    data, ids, geoms = stress
    ctl = control_layers(region=qinghai_region(BUNDLE_PATH))
    near = shapely.STRtree(ctl["urban_boundary"].geometry.values).query(geoms, predicate="intersects")
    sel = np.unique(np.r_[near[0][:150], np.arange(250)])  # sites inside a boundary, and others
    bulk, _ = _compare(ids[sel], geoms[sel], Project(product="碳酸锂", activity="industrial"),
                       _layers(data, controls=ctl))
    assert set(bulk["farmland_status"]) >= {"PASS", "FAIL"}
    assert set(bulk["urban_boundary_status"]) >= {"FAIL", "UNKNOWN"}
    assert set(bulk["landuse_status"]) >= {"WARN", "UNKNOWN"}
    assert (bulk["landuse_new_construction_ha"] < bulk["area_ha"] - 1e-6).any()


def test_bulk_areas_agree_with_geodesy_to_1e6(stress):
    data, _, geoms = stress
    pieces = shapely.intersection(geoms[:300], shapely.buffer(geoms[:300], 0.004))
    shapes = np.concatenate([geoms, data["bases"].geometry.values, data["salt_lakes"].geometry.values,
                             data["redlines"].geometry.values[:2000], pieces])
    ref = np.array([area_ha(g) for g in shapes])
    got = areas_ha(shapes)
    assert np.max(np.abs(got / ref - 1)) < 1e-6
    # a site drawn far from the others (another latitude) is measured as well as the rest
    far = site_from_point(101.5, 38.9, 50.0).geometry
    assert abs(areas_ha(np.array([far, geoms[0]]))[0] / area_ha(far) - 1) < 1e-6
    assert np.isnan(areas_ha(np.array([None]))[0]) and areas_ha([shapely.Polygon()])[0] == 0.0


def test_bulk_nearest_and_within_equal_layer_index(stress):
    data, _, geoms = stress
    layers = _layers(data)
    sub = geoms[:300]
    rows, dist = nearest(sub, layers.redline)
    rows_w, dist_w = nearest(sub, layers.redline, first_m=3000.0)
    pairs, d = within(sub, layers.redline, 5000.0)
    for i, g in enumerate(sub):
        r, m = layers.redline.nearest(g)
        assert rows[i] == r and rows_w[i] == r
        assert math.isclose(dist[i], m, rel_tol=1e-9, abs_tol=1e-9)
        cand, cd = layers.redline.within(g, 5000.0)
        mine = pairs.site == i
        assert list(pairs.row[mine]) == list(cand)
        assert np.allclose(d[mine], cd, rtol=1e-9)


def test_distance_bounds_hold_the_exact_distance_at_every_latitude():
    """The cheap bounds of the ring search hold the per-site rule's distance, far north too."""
    rng = np.random.default_rng(7)
    for lat0 in (0.5, 36.3, 36.5, 37.49, 60.0, 80.0):
        zones = gpd.GeoDataFrame(
            {"id": [f"z{i}" for i in range(300)]},
            geometry=[shapely.Point(x, y).buffer(r, quad_segs=6) for x, y, r in zip(
                rng.uniform(100, 100.5, 300), rng.uniform(lat0 - 0.2, lat0 + 0.2, 300),
                rng.uniform(0.002, 0.05, 300))], crs=4326)
        idx = LayerIndex("redline", zones)
        sites = np.array([shapely.box(x, y, x + w, y + w * 0.7) for x, y, w in zip(
            rng.uniform(100, 100.5, 100), rng.uniform(lat0 - 0.2, lat0 + 0.2, 100),
            rng.uniform(0.001, 0.02, 100))], dtype=object)
        lat = site_latitudes(sites)
        pairs = Pairs.from_query(idx.tree.query(search_boxes(sites, np.full(100, 15_000.0))))
        lo, hi = distance_bounds(sites, idx, pairs, lat)
        exact = pair_distances(sites[pairs.site], idx.geoms[pairs.row], lat[pairs.site])
        assert len(pairs) > 50
        assert (lo <= exact).all() and (exact <= hi).all(), lat0
        assert np.median((hi - lo)[exact > 0] / exact[exact > 0]) < 0.05
        # ring membership and the nearest zone as the exact search gives them
        radii = [1000.0, 5000.0, 10000.0]
        rp, inside, _, known = within_rings(sites, idx, radii, lat, nearest_of=np.ones(100, bool))
        for j, r in enumerate(radii):
            ep, _ = within(sites, idx, r, lat)
            got = set(zip(rp.site[inside[:, j]].tolist(), rp.row[inside[:, j]].tolist()))
            assert got == set(zip(ep.site.tolist(), ep.row.tolist())), (lat0, r)
        rows_a, dist_a = nearest(sites, idx, lat, first_m=10000.0, known=known)
        rows_b, dist_b = nearest(sites, idx, lat)
        assert (rows_a == rows_b).all() and np.allclose(dist_a, dist_b, rtol=1e-12)
        # far from every feature (tens to hundreds of km): as LayerIndex.nearest answers
        far = np.array([shapely.affinity.translate(g, 0.0, 1.5 * (1 if j % 2 else -1))
                        for j, g in enumerate(sites[:40])], dtype=object)
        rows_f, dist_f = nearest(far, idx, site_latitudes(far))
        for j, g in enumerate(far):
            r, m = idx.nearest(g)
            assert rows_f[j] == r and math.isclose(dist_f[j], m, rel_tol=1e-12), (lat0, j)
        assert dist_f.min() > 50_000
        # sent to Dask workers without the scaled copies and seed trees (rebuilt there)
        assert {"_band_frames", "_point_tree"} <= set(idx.__dict__)
        again = pickle.loads(pickle.dumps(idx))
        assert not {"_band_frames", "_point_tree"} & set(again.__dict__)
        assert (nearest(far, again, site_latitudes(far))[0] == rows_f).all()


def test_bulk_ring_counts_and_extra_layer(stress):
    data, ids, geoms = stress
    layers = _layers(data)
    sub = geoms[:200]
    farmland = data["redlines"].iloc[::2].reset_index(drop=True)
    from geo.layers_index import LayerIndex

    bulk = screen_bulk(sub, Project(product="碳酸锂"), layers, site_ids=ids[:200], rings=True,
                       checks=("redline",), extra={"farmland": LayerIndex("farmland", farmland)})
    assert set(bulk.columns) >= {"redline_n_within_1000_m", "farmland_overlap_ha", "farmland_ids"}
    assert "minerals_status" not in bulk.columns
    for i, g in enumerate(sub):
        res = screen_site(g, Project(product="碳酸锂"), layers).result("redline")
        if res.status == "UNKNOWN":
            continue
        for r in (1000, 5000, 10000):
            assert len(res.metrics[f"within_{r}_m"]) == bulk.loc[i, f"redline_n_within_{r}_m"]
        hits = [shapely.intersection(g, z) for z in farmland.geometry if z.intersects(g)]
        ha = area_ha(shapely.union_all(hits)) if hits else 0.0
        assert math.isclose(bulk.loc[i, "farmland_overlap_ha"], ha, rel_tol=1e-6, abs_tol=1e-9)


def test_bad_sites_get_an_error_not_a_crash(stress):
    data, _, geoms = stress
    bow_tie = shapely.Polygon([(96, 36), (96.01, 36.01), (96.01, 36), (96, 36.01)])
    bad = np.array([geoms[0], shapely.Point(96, 36), None, bow_tie,
                    shapely.box(200, 10, 201, 11)], dtype=object)
    out = screen_bulk(bad, Project(product="碳酸锂"), _layers(data))
    errors = [None if pd.isna(e) else e for e in out["error"]]
    assert errors == [None, "err.site_type", "err.site_empty", None, "err.site_range"]
    assert out.loc[0, "overall"] == screen_site(geoms[0], Project(product="碳酸锂"),
                                                _layers(data)).overall
    assert out.loc[3, "area_ha"] > 0  # the bow tie was repaired, as screen_site repairs it
    assert pd.isna(out.loc[1, "overall"]) and pd.isna(out.loc[1, "redline_status"])


def test_extra_layer_named_like_a_check_is_refused(stress):
    from geo.errors import InputError
    from geo.i18n import t
    from geo.layers_index import LayerIndex

    data, _, geoms = stress
    extra = {"farmland": LayerIndex("farmland", data["redlines"].head(50))}
    with pytest.raises(InputError) as err:  # landuse needs the farmland check: columns would clash
        screen_bulk(geoms[:3], Project(), _layers(data), checks=("landuse",), extra=extra)
    assert err.value.key == "err.bulk_extra_name"
    assert "farmland" in t(err.value.key, "zh", **err.value.params)
