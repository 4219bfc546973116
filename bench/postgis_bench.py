"""The red-line and mineral checks done by PostGIS, beside the indexed Python checks.

Used by ``python -m bench.run_all --postgis`` (which starts and stops the
throwaway cluster of ``scripts/postgis.sh``). Loads the stress red lines
(20k polygons, 2.1 M vertices), deposits (5k points) and salt lakes into
tables with GiST indexes on ``geom`` and on ``geom::geography``, then per site:

* red line: ``ST_Intersects`` candidates, ``ST_Area(ST_Union(ST_Intersection(..))::geography)``
  (overlap m², overlapping red lines counted once, as the Python check does), ``ST_DWithin(geography, 10 km)`` ring count and nearest
  ``ST_Distance(geography)`` within it;
* minerals: deposits ``ST_DWithin(geography, 1 km)`` with the overlap of the
  site and each deposit's 1 km ``ST_Buffer(geography)`` (``ST_Area`` on
  geography), salt lakes by ``ST_Intersects``.

Timed per site over one connection (the round trip included), against
the red-line and mineral checks of the registry in Python on the same sites; overlap areas
are compared as a cross-check.
"""
from __future__ import annotations

import io
import time

import numpy as np
import shapely

SQL = """
WITH s AS (SELECT ST_GeomFromWKB(%(wkb)s, 4326) AS g)
SELECT
 (SELECT coalesce(ST_Area(ST_Union(ST_Intersection(r.geom, s.g))::geography), 0)
    FROM redlines r, s WHERE ST_Intersects(r.geom, s.g)) AS red_m2,
 (SELECT count(*) FROM redlines r, s
    WHERE ST_DWithin(r.geom::geography, s.g::geography, 10000)) AS red_10km,
 (SELECT min(ST_Distance(r.geom::geography, s.g::geography)) FROM redlines r, s
    WHERE ST_DWithin(r.geom::geography, s.g::geography, 10000)) AS red_near_m,
 (SELECT coalesce(ST_Area(ST_Union(ST_Intersection(
          ST_Buffer(d.geom::geography, 1000)::geometry, s.g))::geography), 0)
    FROM deposits d, s WHERE ST_DWithin(d.geom::geography, s.g::geography, 1000)) AS dep_m2,
 (SELECT count(*) FROM salt_lakes l, s WHERE ST_Intersects(l.geom, s.g)) AS lakes
"""


def _copy(cur, table: str, frame) -> None:
    ewkb = shapely.to_wkb(shapely.set_srid(np.asarray(frame.geometry.values), 4326), hex=True,
                          include_srid=True)
    buf = io.StringIO("".join(f"{i}\t{g}\n" for i, g in enumerate(ewkb)))
    with cur.copy(f"COPY {table} (id, geom) FROM STDIN") as cp:
        cp.write(buf.read())


def load(conn, data) -> float:
    """Create and fill the three tables with GiST indexes; returns seconds."""
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        for table in ("redlines", "deposits", "salt_lakes"):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, geom geometry(Geometry, 4326))")
        _copy(cur, "redlines", data["redlines"])
        _copy(cur, "deposits", data["deposits"])
        _copy(cur, "salt_lakes", data["salt_lakes"])
        for table in ("redlines", "deposits", "salt_lakes"):
            cur.execute(f"CREATE INDEX ON {table} USING gist (geom)")
            cur.execute(f"CREATE INDEX ON {table} USING gist ((geom::geography))")
            cur.execute(f"ANALYZE {table}")
    conn.commit()
    return time.perf_counter() - t0


def run(url: str, data, stress, project, n: int, row) -> None:
    """Time PostGIS and Python on ``n`` stress sites; report through ``row(what, fig, floor, note)``."""
    import psycopg

    from bench.screen_bench import _sites
    from geo.checks import CheckContext, get_check, load_config
    from geo.geodesy import area_ha

    config = load_config()
    sites = _sites(data["sites"], max(n, 100))
    with psycopg.connect(url) as conn:
        t_load = load(conn, data)
        pg_ms, pg_red, pg_dep = [], [], []
        with conn.cursor() as cur:
            cur.execute(SQL, {"wkb": shapely.to_wkb(sites[0][1])})  # warm-up
            cur.fetchone()
            for _, geom in sites:
                t0 = time.perf_counter()
                cur.execute(SQL, {"wkb": shapely.to_wkb(geom)})
                got = cur.fetchone()
                assert got is not None  # one row per site, zero areas included
                red_m2, _, _, dep_m2, _ = got
                pg_ms.append(1000 * (time.perf_counter() - t0))
                pg_red.append(float(red_m2) / 1e4)
                pg_dep.append(float(dep_m2) / 1e4)
    py_ms, py_red, py_dep = [], [], []
    for _, geom in sites:
        t0 = time.perf_counter()
        ctx = CheckContext(geom, area_ha(geom), project, stress, config)
        r = get_check("redline").run(ctx)
        m = get_check("minerals").run(ctx)
        py_ms.append(1000 * (time.perf_counter() - t0))
        py_red.append(float(r.metrics.get("overlap_ha") or 0))
        py_dep.append(float(m.metrics.get("overlap_ha") or 0))
    red_diff = float(np.max(np.abs(np.array(pg_red) - np.array(py_red))))
    row(f"PostGIS red line + minerals per site ({len(sites)} sites)",
        f"p50 {np.percentile(pg_ms, 50):.2f} ms, p95 {np.percentile(pg_ms, 95):.2f} ms", "",
        f"load + GiST indexes {t_load:.1f} s; one round trip per site")
    row(f"Python indexed red line + minerals ({len(sites)} sites)",
        f"p50 {np.percentile(py_ms, 50):.2f} ms, p95 {np.percentile(py_ms, 95):.2f} ms", "",
        f"PostGIS / Python p50 = {np.percentile(pg_ms, 50) / np.percentile(py_ms, 50):.2f}; "
        f"red-line overlap max |diff| {red_diff:.4f} ha over {sum(x > 0 for x in py_red)} "
        f"overlapping sites (mineral overlap incl. salt lakes: Python {sum(py_dep):.1f} ha, "
        f"PostGIS deposits only {sum(pg_dep):.1f} ha)")
