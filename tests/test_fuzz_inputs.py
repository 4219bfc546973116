"""Property-based tests of every input parser: only the project's own errors escape.

A bounded number of examples per parser (fast enough for every run); the
long run of ≥ 100,000 inputs per parser is ``python -m bench.fuzz_inputs``
(same corpus and mutator, counts in README and bench/RESULTS.md).
"""
from __future__ import annotations

import functools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import fuzz_inputs as fz
from geo.errors import QPAError
from geo.i18n import LANGS, t
from geo.jzd import read_jzd
from geo.site_input import CRS_CHOICES, parse_coordinates

FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def seeds() -> dict:
    return fz.seed_files()


def only_project_errors(parser: str, item) -> None:
    kind, detail = fz.outcome(parser, item)
    assert kind != "unexpected", f"{parser}: {detail}\ninput: {item!r}"[:2000]


def renders(fn, *args, **kw) -> None:
    """``fn`` returns, or raises a QPAError whose message renders in zh and en."""
    try:
        fn(*args, **kw)
    except QPAError as err:
        for lang in LANGS:
            assert t(err.key, lang, **err.params)


# ------------------------------------------------------------------ free text
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**12, 10**12).map(str),
    st.sampled_from(fz.SPECIAL_NUMBERS),
    st.decimals(min_value=-10**8, max_value=10**8, places=3).map(str),
)
TOKEN = st.one_of(NUMBER, st.sampled_from(fz.INSERTS), st.text(max_size=4))
LINE = st.lists(TOKEN, max_size=6).map("".join)
TEXT = st.lists(LINE, max_size=12).map("\n".join)


@FAST
@given(text=TEXT, crs=st.sampled_from(sorted(CRS_CHOICES)), zone=st.sampled_from([None, 32, 34, 99]))
def test_pasted_text_free(text, crs, zone):
    renders(parse_coordinates, text, crs, zone=zone)


@FAST
@given(lines=st.lists(st.one_of(LINE, st.sampled_from(fz.JZD_SEED.split("\n"))), max_size=20),
       encoding=st.sampled_from(["gbk", "utf-8", "utf-8-sig", "utf-16"]))
def test_jzd_free(lines, encoding):
    renders(read_jzd, "\n".join(lines).encode(encoding, "replace"))


# ------------------------------------------------------------------ mutated corpus, every parser
#: parsers of text: cheap, more examples; the others write and read a file for each example
TEXT_PARSERS = {"paste", "jzd", "points_csv", "draw"}


@pytest.mark.parametrize("parser", fz.PARSERS)
def test_parsers_mutated(parser):
    @(FAST if parser in TEXT_PARSERS else SLOW)
    @given(seed=st.integers(0, 2**32))
    def run(seed):
        only_project_errors(parser, fz.make_input(parser, seed, seeds()))

    run()


def test_seed_files_are_read():
    """The unmutated corpus reads cleanly: the fuzzing starts from valid files."""
    for parser in ("geojson", "kml", "kmz", "shapefile", "gpkg", "geoparquet", "points_csv", "jzd"):
        for data in seeds()[parser]:
            assert fz.outcome(parser, data) == ("ok", ""), parser


@pytest.mark.parametrize("parser, seed", [
    ("gpkg", 225),          # table names that are not UTF-8: UnicodeDecodeError from sqlite3
    ("paste", 1940),        # 1e308 degrees with a hemisphere: GEOSException building the ring
    ("points_csv", 2378),   # an area of 1e-320 ha: ZeroDivisionError sizing the square
    ("shapefile", 19773),   # a zip member with an empty name: IndexError in zipfile
    ("geoparquet", 11638),  # a string that is not UTF-8: ArrowException when the rows are read
    ("gpkg", 85937),        # a table read without its geometry column: AttributeError
])
def test_inputs_found_by_the_long_fuzz_run(parser, seed):
    only_project_errors(parser, fz.make_input(parser, seed, seeds()))
