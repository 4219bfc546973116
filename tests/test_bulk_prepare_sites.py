"""geo.bulk.prepare_sites is bounded like geo.screen.prepare_site (issue 11).

A self-crossing ring of a few hundred points takes minutes in ``make_valid`` (~n³); in a
parcel file screened in bulk it must end in the project's error key in the ``error``
column, after at most the sandbox's limits, with the other parcels of the chunk screened.
"""
from __future__ import annotations

import dataclasses
import multiprocessing as mp
import random
import time

import numpy as np
import pytest
import shapely

from geo.bulk import prepare_sites
from geo.i18n import LANGS, t
from geo.sandbox import BATCH
from geo.site_input import INLINE_REPAIR_VERTICES

TIGHT = dataclasses.replace(BATCH, cpu_seconds=1, wall_seconds=5.0)


def hostile_ring(points: int, seed: int = 11) -> shapely.Polygon:
    """A ring through random points of a 0.1° box near Xining: it crosses itself ~n²/4
    times; unbounded, ``make_valid`` of 400 points takes ~50 s (more on a busy machine)."""
    rng = random.Random(seed)
    return shapely.Polygon([(101.70 + rng.random() * 0.1, 36.50 + rng.random() * 0.1)
                            for _ in range(points)])


def long_bow_tie(per_edge: int = 40) -> shapely.Polygon:
    """A bow tie (one crossing, cheap to repair) with more than
    INLINE_REPAIR_VERTICES vertices, so that its repair goes to the sandbox."""
    corners = [(96.0, 36.0), (96.01, 36.01), (96.01, 36.0), (96.0, 36.01), (96.0, 36.0)]
    pts = [(x0 + (x1 - x0) * k / per_edge, y0 + (y1 - y0) * k / per_edge)
           for (x0, y0), (x1, y1) in zip(corners, corners[1:]) for k in range(per_edge)]
    poly = shapely.Polygon(pts)
    assert not poly.is_valid and shapely.get_num_coordinates(poly) > INLINE_REPAIR_VERTICES
    return poly


def test_hostile_ring_ends_in_an_error_and_the_rest_of_the_chunk_is_screened():
    square = shapely.box(101.72, 36.55, 101.73, 36.56)
    small_tie = shapely.Polygon([(96, 36), (96.01, 36.01), (96.01, 36), (96, 36.01)])
    flat = shapely.Polygon([(96, 36), (96.01, 36), (96, 36), (96.01, 36)])  # repairs to a line
    sites = np.array([square, hostile_ring(400), small_tie, long_bow_tie(), flat], dtype=object)
    start = time.monotonic()
    geoms, err = prepare_sites(sites, limits=TIGHT)
    took = time.monotonic() - start
    assert list(err) == ["", "input.err.timeout", "", "", "err.site_type"]
    assert took < 60  # the unbounded repair of the 400-point ring alone takes ~50 s or more
    for i in (2, 3):  # both bow ties repaired to their two triangles
        assert geoms[i].is_valid and geoms[i].geom_type == "MultiPolygon"
        assert geoms[i].area == pytest.approx(0.01 * 0.01 / 2)
    assert geoms[0].equals(square)
    for lang in LANGS:
        assert t(err[1], lang, s=TIGHT.cpu_seconds)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_too_many_vertices_and_bad_coordinates_are_refused_before_any_repair():
    huge = hostile_ring(BATCH.max_feature_vertices + 10, seed=3)  # would take days to repair
    nan = shapely.Polygon([(101.7, 36.5), (float("nan"), 36.5), (101.8, 36.6), (101.7, 36.6)])
    crossed_far = shapely.Polygon([(200, 10), (201, 11), (201, 10), (200, 11)])
    start = time.monotonic()
    _, err = prepare_sites(np.array([huge, nan, crossed_far], dtype=object))
    assert list(err) == ["input.err.too_many_feature_vertices", "err.site_range", "err.site_range"]
    assert time.monotonic() - start < 10  # no repair was tried


def _prepare_in_worker(sites):
    return list(prepare_sites(sites, limits=TIGHT)[1])


def test_repair_in_a_pool_worker_uses_the_sandbox():
    """The bulk screening runs chunks in daemonic pool workers (forked): a large repair
    there still goes to a sandbox child, even after this process started its own."""
    prepare_sites(np.array([long_bow_tie()], dtype=object), limits=TIGHT)  # a forkserver here
    chunk = np.array([long_bow_tie(), hostile_ring(400)], dtype=object)
    with mp.get_context("fork").Pool(1) as pool:
        assert pool.apply(_prepare_in_worker, (chunk,)) == ["", "input.err.timeout"]
