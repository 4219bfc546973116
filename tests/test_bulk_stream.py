"""Streaming a parcel layer: chunks in, GeoPackage / GeoParquet out, resumable.

The output of :func:`geo.bulk.stream.screen_file` must be exactly what
:func:`geo.bulk.screen_bulk` gives for the same parcels, whatever the chunking,
format or interruption; a resumed run must not screen finished chunks again.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import geopandas as gpd
import pyarrow.parquet as pq
import pytest
import shapely

from bench.stress_data import farmland, generate, parcels, qinghai_region
from geo.bulk import screen_bulk
from geo.bulk import stream as stream_mod
from geo.bulk.stream import ChunkReader, StreamSpec, screen_file
from geo.bundle import BUNDLE_PATH
from geo.checks import Project
from geo.errors import InputError
from geo.i18n import t
from geo.layers_index import LayerIndex, ScreeningLayers

N = 2500
CHUNK = 700


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    data = generate(20261123, qinghai_region(BUNDLE_PATH))
    layers = ScreeningLayers.from_frames(redline=data["redlines"], bases=data["bases"],
                                         quotas=data["quotas"],
                                         coverage=data["admin_province"].geometry.iloc[0])
    frame = parcels(N)
    path = tmp_path_factory.mktemp("parcels") / "parcels.parquet"
    frame.to_parquet(path, index=False, row_group_size=300)  # batches unlike the chunks
    extra = {"pbnt": LayerIndex("pbnt", farmland())}
    return layers, frame, path, extra


def _spec(extra, **kw) -> StreamSpec:
    base = dict(project=Project(product="碳酸锂"), checks=("redline", "base", "quota"),
                extra=extra, chunk=CHUNK, workers=1)
    return StreamSpec(**{**base, **kw})


def _read(out) -> pd.DataFrame:
    frame = gpd.read_file(out) if str(out).endswith(".gpkg") else gpd.read_parquet(out)
    return frame.sort_values("site_id").reset_index(drop=True)


def _assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    cols = [c for c in want.columns if c != "geometry"]
    a = pd.DataFrame(got[cols]).reset_index(drop=True)
    b = pd.DataFrame(want[cols]).reset_index(drop=True)
    for c in cols:
        x, y = a[c].to_numpy(dtype=object), b[c].to_numpy(dtype=object)
        for u, v in zip(x, y):
            if pd.isna(v):
                assert pd.isna(u), (c, u, v)
            elif isinstance(v, str):
                assert u == v, (c, u, v)
            else:
                assert np.isclose(float(u), float(v), rtol=1e-12, atol=0), (c, u, v)


def _direct(layers, frame, extra) -> pd.DataFrame:
    out = screen_bulk(frame.geometry.values, Project(product="碳酸锂"), layers,
                      site_ids=frame["TBBH"].to_numpy(), checks=("redline", "base", "quota"),
                      extra=extra)
    return out.sort_values("site_id").reset_index(drop=True)


def test_chunks_are_exact_whatever_the_batches(world):
    _, _, path, _ = world
    sizes = [len(g) for _, g, _, _ in ChunkReader(path, CHUNK)]
    assert sizes == [CHUNK] * (N // CHUNK) + [N % CHUNK]
    first = next(iter(ChunkReader(path, CHUNK)))
    assert first[2][0] == "0000001" and set(first[3]) == {"TBBH", "DLBM", "DLMC"}


@pytest.mark.parametrize("suffix", [".parquet", ".gpkg"])
def test_stream_output_equals_screen_bulk(world, tmp_path, suffix, capsys):
    layers, frame, path, extra = world
    out = tmp_path / f"screened{suffix}"
    res = screen_file(path, out, layers, _spec(extra))
    assert res["rows"] == N and res["chunks"] == 4 and res["skipped"] == 0
    got = _read(out)
    want = _direct(layers, frame, extra)
    _assert_same(got, want)
    assert (got["DLBM"].to_numpy() == frame.sort_values("TBBH")["DLBM"].to_numpy()).all()
    assert shapely.equals_exact(np.asarray(got.geometry.values, dtype=object),
                                np.asarray(want["geometry"], dtype=object), 1e-12).all()
    assert (got["pbnt_overlap_ha"] > 0).sum() > 50
    if suffix == ".parquet":
        assert pq.ParquetFile(out).metadata.num_row_groups == 4
        assert not out.with_name(out.name + ".parts").exists()
    err = capsys.readouterr().err
    assert "2,500/2,500 parcels" in err and "ETA" in err and "/s" in err


@pytest.mark.parametrize("suffix", [".parquet", ".gpkg"])
def test_resume_after_a_crash_screens_only_what_is_left(world, tmp_path, suffix, monkeypatch):
    layers, frame, path, extra = world
    out = tmp_path / f"resumed{suffix}"
    writer_cls = stream_mod._ParquetWriter if suffix == ".parquet" else stream_mod._GpkgWriter
    real_write = writer_cls.write
    calls = {"n": 0}

    def crashing_write(self, index, table):
        calls["n"] += 1
        if calls["n"] == 3:
            if suffix == ".gpkg":  # the third chunk reaches the file, the state never hears of it
                import pyogrio

                pyogrio.write_arrow(table, self.out, layer=stream_mod.LAYER, driver="GPKG",
                                    geometry_name="geometry", geometry_type="Unknown",
                                    crs="EPSG:4326", append=True)
            raise KeyboardInterrupt("power cut")
        return real_write(self, index, table)

    monkeypatch.setattr(writer_cls, "write", crashing_write)
    with pytest.raises(KeyboardInterrupt):
        screen_file(path, out, layers, _spec(extra), quiet=True)
    monkeypatch.setattr(writer_cls, "write", real_write)

    screened = []
    real_screen = stream_mod.screen_bulk

    def counting(geoms, *a, **kw):
        screened.append(len(geoms))
        return real_screen(geoms, *a, **kw)

    monkeypatch.setattr(stream_mod, "screen_bulk", counting)
    res = screen_file(path, out, layers, _spec(extra), quiet=True)
    done_before = 3 * CHUNK if suffix == ".gpkg" else 2 * CHUNK
    assert res["skipped"] == done_before and sum(screened) == N - done_before
    _assert_same(_read(out), _direct(layers, frame, extra))
    # a finished run resumed again has nothing left to do
    again = screen_file(path, out, layers, _spec(extra), quiet=True)
    assert again["rows"] == 0 and again["skipped"] == N


def test_a_torn_part_is_screened_again(world, tmp_path, monkeypatch):
    layers, frame, path, extra = world
    out = tmp_path / "torn.parquet"
    monkeypatch.setattr(stream_mod._ParquetWriter, "close", lambda self: None)
    screen_file(path, out, layers, _spec(extra), quiet=True)
    part = out.with_name(out.name + ".parts") / "part-000001.parquet"
    part.write_bytes(part.read_bytes()[:100])
    monkeypatch.undo()
    res = screen_file(path, out, layers, _spec(extra), quiet=True)
    assert res["rows"] == CHUNK and res["skipped"] == N - CHUNK
    _assert_same(_read(out), _direct(layers, frame, extra))


def test_resume_refuses_other_parameters_and_restart_starts_over(world, tmp_path):
    layers, _, path, extra = world
    out = tmp_path / "params.parquet"
    screen_file(path, out, layers, _spec(extra), quiet=True)
    with pytest.raises(InputError) as err:
        screen_file(path, out, layers, _spec(extra, project=Project(product="钾肥")), quiet=True)
    assert err.value.key == "err.bulk_resume_params" and "project" in str(err.value)
    for lang in ("zh", "en"):
        assert t(err.value.key, lang, **err.value.params) != err.value.key
    res = screen_file(path, out, layers, _spec(extra, project=Project(product="钾肥")),
                      quiet=True, restart=True)
    assert res["rows"] == N and res["skipped"] == 0
    other = tmp_path / "other.gpkg"
    other.write_bytes(b"not mine")
    with pytest.raises(InputError) as err:
        screen_file(path, other, layers, _spec(extra), quiet=True)
    assert err.value.key == "err.bulk_out_exists"


def test_command_line_reads_a_gauss_kruger_shapefile(tmp_path, capsys):
    """``python -m geo.batch PARCELS.shp --out OUT.gpkg`` on the bundled layers."""
    from geo.batch import main
    from geo.bulk.measure import areas_ha

    small = parcels(400, centre=(101.7, 36.6))  # near Xining
    shp = tmp_path / "parcels.shp"
    small.to_crs(4541).to_file(shp)  # CGCS2000 / 3-degree Gauss-Kruger CM 96E... projected metres
    out = tmp_path / "out.gpkg"
    code = main([str(shp), "--out", str(out), "--checks", "redline,base,quota", "--chunk", "150",
                 "--workers", "2", "--product", "碳酸锂"])
    assert code == 0
    got = _read(out)
    assert len(got) == 400 and set(got["redline_status"]) <= {"PASS", "WARN", "FAIL", "UNKNOWN"}
    want = areas_ha(small.geometry.values)
    assert np.allclose(got["area_ha"].to_numpy(), want, rtol=1e-6)
    assert "400 parcels screened" in capsys.readouterr().err
    # a second run resumes (nothing left), a bad check name is refused in the user's terms
    assert main([str(shp), "--out", str(out), "--checks", "redline,base,quota", "--chunk", "150",
                 "--quiet", "--product", "碳酸锂"]) == 0
    assert main([str(shp), "--out", str(tmp_path / "x.parquet"), "--checks", "redline,nope"]) == 2
    assert "nope" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.gpkg"), "--out", str(tmp_path / "y.parquet")]) == 2


def _gpkg_with_endless_view(path, also_real: bool) -> None:
    """A GeoPackage whose feature layer ``endless`` is a view over an endless recursive
    query (reading it never ends); with ``also_real``, a real table ``parcels`` is listed
    first in its catalogue."""
    import sqlite3

    small = parcels(3, centre=(101.7, 36.6))
    small.to_file(path, layer="parcels", driver="GPKG")
    con = sqlite3.connect(path)
    drop = "" if also_real else """
        DELETE FROM gpkg_contents WHERE table_name = 'parcels';
        DELETE FROM gpkg_geometry_columns WHERE table_name = 'parcels';"""
    con.executescript(f"""
        CREATE VIEW endless AS
          WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
          SELECT x AS fid, (SELECT geom FROM parcels LIMIT 1) AS geom FROM c;
        {drop}
        INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)
          VALUES ('endless', 'features', 'endless', 4326);
        INSERT INTO gpkg_geometry_columns VALUES ('endless', 'geom', 'POLYGON', 4326, 0, 0);
    """)
    con.commit()
    con.close()


def _within(seconds: float, fn):
    import threading

    box: dict = {}
    th = threading.Thread(target=lambda: box.update(value=fn()), daemon=True)
    th.start()
    th.join(seconds)
    assert not th.is_alive(), "reading the GeoPackage did not end"
    return box["value"]


def test_command_line_refuses_a_geopackage_view_at_once(tmp_path, capsys):
    """A feature layer that is a view (here over an endless query) is never read: one
    line in the user's language, exit code 2 (it used to take a core until killed)."""
    from geo.batch import main

    path = tmp_path / "evil.gpkg"
    _gpkg_with_endless_view(path, also_real=False)
    code = _within(60, lambda: main([str(path), "--out", str(tmp_path / "o.parquet"),
                                     "--lang", "zh", "--quiet"]))
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: " + t("file.err.no_layer", "zh", name="evil.gpkg")]


def test_command_line_reads_the_real_table_beside_a_view(tmp_path):
    from geo.batch import main

    path = tmp_path / "both.gpkg"
    _gpkg_with_endless_view(path, also_real=True)
    out = tmp_path / "o.parquet"
    code = _within(120, lambda: main([str(path), "--out", str(out), "--checks", "redline,base",
                                      "--workers", "1", "--quiet"]))
    assert code == 0 and len(_read(out)) == 3


def test_command_line_says_why_a_file_cannot_be_read_in_the_users_language(tmp_path, capsys):
    from geo.batch import main

    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"garbage" * 10)
    assert main([str(bad), "--out", str(tmp_path / "o.parquet"), "--lang", "zh"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: 无法读取文件 bad.gpkg：不是可读取的 GeoPackage")
