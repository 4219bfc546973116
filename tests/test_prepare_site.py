"""geo.screen.prepare_site bounds a geometry passed in code like every input path does.

A caller of :func:`geo.screen.screen_site` (batch code, a script, the command line) can
hand over any shapely geometry; the repair of a self-crossing ring grows ~n³, so the
vertex limit and the lon/lat check come before any repair and a large repair runs in
the sandbox under the use's CPU / wall-clock / memory limits.
"""
from __future__ import annotations

import dataclasses
import random

import pytest
import shapely

from geo.errors import InputError
from geo.i18n import LANGS, t
from geo.screen import prepare_site, screen_site
from geo.vector_io import SITE


def _renders(err: InputError) -> None:
    for lang in LANGS:
        assert t(err.key, lang, **err.params)


def hostile_ring(points: int, seed: int = 11) -> shapely.Polygon:
    """A ring through random points of a 0.1° box near Xining: it crosses itself ~n²/4 times
    (unbounded, ``make_valid`` of 300 points takes tens of seconds)."""
    rng = random.Random(seed)
    return shapely.Polygon([(101.70 + rng.random() * 0.1, 36.50 + rng.random() * 0.1)
                            for _ in range(points)])


def test_hostile_ring_is_stopped_at_the_sandbox_limit():
    ring = hostile_ring(300)
    assert not ring.is_valid
    tight = dataclasses.replace(SITE, cpu_seconds=1, wall_seconds=5.0)
    with pytest.raises(InputError) as info:
        prepare_site(ring, limits=tight)
    assert info.value.key == "input.err.timeout"
    _renders(info.value)


def test_too_many_vertices_refused_before_any_repair():
    n = SITE.max_feature_vertices + 10
    ring = hostile_ring(n, seed=3)  # would take days to repair
    with pytest.raises(InputError) as info:
        screen_site(ring)
    assert info.value.key == "input.err.too_many_feature_vertices"
    assert info.value.params["n"] == n + 1  # the closing vertex
    _renders(info.value)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 1e400, 200.0])
def test_coordinates_that_are_not_degrees_are_refused(bad):
    poly = shapely.Polygon([(101.7, 36.5), (bad, 36.5), (101.8, 36.6), (101.7, 36.6)])
    with pytest.raises(InputError) as info:
        prepare_site(poly)
    assert info.value.key == "err.site_range"
    _renders(info.value)


def test_small_bowtie_still_repaired_to_its_two_triangles():
    bowtie = shapely.Polygon([(101.70, 36.60), (101.71, 36.61), (101.71, 36.60), (101.70, 36.61)])
    site = prepare_site(bowtie)
    assert site.is_valid and site.geom_type == "MultiPolygon" and len(site.geoms) == 2
    assert site.area == pytest.approx(0.01 * 0.01 / 2)


def test_a_line_is_not_a_site():
    with pytest.raises(InputError) as info:
        prepare_site(shapely.LineString([(101.7, 36.5), (101.8, 36.6)]))
    assert info.value.key == "err.site_type"
    _renders(info.value)
