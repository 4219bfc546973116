"""The Dask engine gives, row by row, what the in-process bulk path gives.

A 2-worker LocalCluster is started here and handed to the engine by address,
the way a bureau points ``--scheduler`` at its own cluster; a second, small
run starts its own LocalCluster from the command line.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from bench.stress_data import farmland, generate, parcels, qinghai_region
from geo.bulk.dask_engine import _bare_main
from geo.bulk.stream import StreamSpec, screen_file
from geo.bundle import BUNDLE_PATH
from geo.checks import Project
from geo.layers_index import LayerIndex, ScreeningLayers

distributed = pytest.importorskip("distributed")


def _table(out) -> pd.DataFrame:
    frame = gpd.read_file(out) if str(out).endswith(".gpkg") else gpd.read_parquet(out)
    frame["wkb"] = frame.geometry.to_wkb()
    return pd.DataFrame(frame.drop(columns=["geometry", "chunk"])).sort_values(
        "site_id").reset_index(drop=True)


def test_dask_cluster_equals_in_process_row_by_row(tmp_path):
    data = generate(20261123, qinghai_region(BUNDLE_PATH))
    layers = ScreeningLayers.from_frames(redline=data["redlines"], bases=data["bases"],
                                         quotas=data["quotas"],
                                         coverage=data["admin_province"].geometry.iloc[0])
    path = tmp_path / "parcels.parquet"
    shuffled = parcels(6000).sample(frac=1.0, random_state=1)  # file order unlike space
    shuffled.to_parquet(path, index=False, row_group_size=1000)
    spec = StreamSpec(project=Project(product="碳酸锂"), checks=("redline", "base", "quota"),
                      extra={"pbnt": LayerIndex("pbnt", farmland())}, chunk=1500,
                      workers=2)
    local = screen_file(path, tmp_path / "local.parquet", layers, spec, quiet=True)
    with _bare_main(), distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                                processes=True, dashboard_address=None) as cluster:
        remote = screen_file(path, tmp_path / "dask.parquet", layers, spec, quiet=True,
                             engine="dask", scheduler=cluster.scheduler_address)
    assert local["rows"] == remote["rows"] == 6000 and remote["chunks"] == 4
    a, b = _table(tmp_path / "local.parquet"), _table(tmp_path / "dask.parquet")
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert (a["redline_status"] != "PASS").sum() > 100  # the comparison covers real overlaps
    # the partitions were spatially sorted: each covers a fraction of what a chunk of the file does
    parts = gpd.read_parquet(tmp_path / "dask.parquet")
    spans = parts.groupby("chunk").apply(lambda g: np.ptp(g["lon"]) * np.ptp(g["lat"]))
    local_spans = gpd.read_parquet(tmp_path / "local.parquet").groupby("chunk").apply(
        lambda g: np.ptp(g["lon"]) * np.ptp(g["lat"]))
    assert spans.mean() < 0.5 * local_spans.mean()


def test_engine_dask_from_the_command_line_starts_its_own_cluster(tmp_path, monkeypatch):
    """Also: the workers do not re-run the caller's main script (the Streamlit app, on a page)."""
    import sys
    import types

    from geo.batch import main

    marker = tmp_path / "app_ran_in_a_worker"
    app = tmp_path / "app.py"
    app.write_text(f"open({str(marker)!r}, 'w').write('ran')\n", encoding="utf-8")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(app)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)

    shp = tmp_path / "parcels.gpkg"
    parcels(500, centre=(101.7, 36.6)).drop(columns="TBBH").to_file(shp)  # no id field
    args = [str(shp), "--checks", "redline,base", "--chunk", "250", "--workers", "2", "--quiet"]
    assert main(args + ["--out", str(tmp_path / "a.gpkg")]) == 0
    assert main(args + ["--out", str(tmp_path / "b.gpkg"), "--engine", "dask"]) == 0
    a, b = _table(tmp_path / "a.gpkg"), _table(tmp_path / "b.gpkg")
    pd.testing.assert_frame_equal(a, b)
    # both engines number the features as the file orders them
    assert sorted(a["site_id"].astype(int)) == list(range(1, 501))
    assert not marker.exists()
