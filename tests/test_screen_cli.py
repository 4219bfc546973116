"""``python -m geo.screen`` end to end on a synthetic bundle, and its bad-input paths.

The bundle is written to a temporary GeoPackage from the hand-made layers of
``tests/test_checks.py`` (red-line boxes, deposit points, salt lakes, two
bases, quotas) plus a small planar DEM, so expected statuses are known.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely

from geo.bundle import REPO_ROOT
from geo.geodesy import area_ha
from geo.checks import check_ids
from geo.i18n import t
from geo.screen import CSV_COLUMNS, main
from tests.test_checks import synthetic_dem, synthetic_frames

CHECK_ROWS = ["redline", "minerals", "base", "quota", "terrain", "chain", "overall"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """(gpkg, dem) paths of a synthetic bundle."""
    root = tmp_path_factory.mktemp("bundle")
    gpkg = root / "atlas.gpkg"
    for name, frame in synthetic_frames().items():
        pyogrio.write_dataframe(frame, gpkg, layer=name, driver="GPKG")
    dem = synthetic_dem()
    tif = root / "dem.tif"
    with rasterio.open(tif, "w", driver="GTiff", height=dem.elev.shape[0],
                       width=dem.elev.shape[1], count=1, dtype="float64", crs="EPSG:4326",
                       transform=dem.transform, nodata=np.nan) as out:
        out.write(dem.elev, 1)
    return gpkg, tif


def run_cli(bundle, *args) -> int:
    gpkg, tif = bundle
    return main([*map(str, args), "--bundle", str(gpkg), "--dem", str(tif), "--quiet"])


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_sites_csv(path, rows, header="site_id,lon,lat,area_ha"):
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_csv_sites_end_to_end(bundle, tmp_path):
    sites = write_sites_csv(tmp_path / "sites.csv", [
        "in_base,97.05,36.05,20",     # inside b1, lithium: base PASS
        "on_redline,96.01,36.01,50",  # inside the general red-line zone: FAIL
        "near_potash,96.5,36.5,30",   # on the indicative potash deposit: minerals WARN
    ])
    out = tmp_path / "out" / "result.csv"
    assert run_cli(bundle, sites, "--product", "碳酸锂", "--year", "2026", "--out", out) == 0
    rows = read_rows(out)
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    per_site = len(check_ids()) + 2  # every check, overall, suitability
    assert len(rows) == 3 * per_site
    by = {(r["site_id"], r["check"]): r for r in rows}
    assert [r["check"] for r in rows[:7]] == CHECK_ROWS
    assert [r["check"] for r in rows[7:per_site]] == \
        [c for c in check_ids() if c not in CHECK_ROWS] + ["suitability"]
    assert by[("in_base", "base")]["status"] == "PASS"
    assert by[("in_base", "quota")]["status"] == "PASS"
    assert by[("in_base", "chain")]["status"] == "WARN"  # lithium partners are far away
    # chain and base are advisory; the binding red line, minerals and quota pass, but no
    # 永久基本农田 / 城镇开发边界 / 三调 layer is given (UNKNOWN) and the industry-policy table
    # is not yet verified against the gazetted catalogues (WARN naming the check to make)
    assert by[("in_base", "industry_policy")]["status"] == "WARN"
    assert by[("in_base", "overall")]["status"] == "WARN"
    assert by[("in_base", "farmland")]["status"] == "UNKNOWN"
    assert "permanent basic farmland" in by[("in_base", "farmland")]["detail"]
    assert by[("in_base", "quota")]["new_construction_ha"] != ""
    suit = by[("in_base", "suitability")]
    assert suit["status"] in ("high", "medium", "low") and 0 <= float(suit["score"]) <= 1
    red = by[("on_redline", "redline")]
    assert red["status"] == "FAIL" and float(red["distance_m"]) == 0.0
    assert float(red["overlap_ha"]) == pytest.approx(50.0, rel=1e-3)  # whole square inside
    assert by[("on_redline", "overall")]["status"] == "FAIL"
    assert float(by[("on_redline", "overall")]["buildable_ha"]) == pytest.approx(0.0, abs=1e-3)
    assert by[("near_potash", "minerals")]["status"] == "WARN"
    assert by[("near_potash", "overall")]["status"] == "WARN"
    assert by[("in_base", "redline")]["overlap_ha"] == "0.0"
    assert by[("in_base", "quota")]["overlap_ha"] == ""
    assert all(r["status"] in ("PASS", "WARN", "FAIL", "UNKNOWN") for r in rows
               if r["check"] != "suitability")
    # ranked as the batch page ranks (geo.batch.rank_sites): the red-line FAIL last
    assert sorted(by[(s, "overall")]["rank"] for s in ("in_base", "on_redline", "near_potash")) \
        == ["1", "2", "3"]
    assert by[("on_redline", "overall")]["rank"] == "3"
    gj = json.loads(out.with_suffix(".geojson").read_text(encoding="utf-8"))
    site_feats = [f for f in gj["features"] if f["properties"]["kind"] == "site"]
    assert [f["properties"]["site_id"] for f in site_feats] == ["in_base", "on_redline", "near_potash"]
    assert site_feats[1]["properties"]["overall"] == "FAIL"
    assert any(f["properties"]["kind"] == "redline_overlap" for f in gj["features"])
    assert any(f["properties"]["kind"] == "minerals_overlap" for f in gj["features"])


def test_vector_sites_with_redline_override(bundle, tmp_path):
    s1 = shapely.box(97.04, 36.04, 97.05, 36.05)
    s2 = shapely.box(96.30, 36.30, 96.31, 36.31)
    sites = tmp_path / "sites.geojson"
    gpd.GeoDataFrame({"site_id": ["A", "B"]}, geometry=[s1, s2], crs=4326).to_file(sites)
    zone = shapely.box(96.305, 36.29, 96.32, 36.32)  # covers the east half of B
    override = tmp_path / "zones.geojson"
    gpd.GeoDataFrame({"name": ["用户红线"], "category": ["自然保护区"]}, geometry=[zone],
                     crs=4326).to_file(override)
    out = tmp_path / "v.csv"
    rc = run_cli(bundle, sites, "--product", "lithium carbonate", "--layer",
                 f"redline={override}", "--out", out, "--lang", "zh")
    assert rc == 0
    by = {(r["site_id"], r["check"]): r for r in read_rows(out)}
    red_b = by[("B", "redline")]
    assert red_b["status"] == "FAIL"
    expected = area_ha(shapely.box(96.305, 36.30, 96.31, 36.31))
    assert float(red_b["overlap_ha"]) == pytest.approx(expected, rel=1e-3)
    assert "用户红线" in red_b["detail"]
    assert red_b["data_accuracy"] == "user"
    # the bundled general zone is gone with the override: A is far from the user zone
    assert by[("A", "redline")]["status"] == "WARN"  # a user layer, not authoritative: no clearance
    assert by[("A", "base")]["status"] == "PASS"


def test_vector_sites_take_row_numbers_as_ids(bundle, tmp_path):
    sites = tmp_path / "s.gpkg"
    gpd.GeoDataFrame({"x": [1]}, geometry=[shapely.box(96.3, 36.3, 96.31, 36.31)],
                     crs=4326).to_file(sites)
    out = tmp_path / "r.csv"
    assert run_cli(bundle, sites, "--product", "钾肥", "--out", out) == 0
    assert {r["site_id"] for r in read_rows(out)} == {"1"}


def test_minerals_override(bundle, tmp_path):
    sites = write_sites_csv(tmp_path / "s.csv", ["m,96.3,36.3,10"])
    mins = tmp_path / "m.geojson"
    gpd.GeoDataFrame({"name": ["新钾矿"], "commodity": ["K"], "important": ["true"]},
                     geometry=[shapely.Point(96.3, 36.3)], crs=4326).to_file(mins)
    out = tmp_path / "m.csv"
    assert run_cli(bundle, sites, "--product", "x", "--layer", f"minerals={mins}", "--out", out) == 0
    by = {r["check"]: r for r in read_rows(out)}
    assert by["minerals"]["status"] == "WARN"  # a user point: the overlay query is needed
    assert float(by["minerals"]["distance_m"]) == 0.0
    # an authoritative reserve polygon of an important mineral: FAIL
    reserve = tmp_path / "r.geojson"
    gpd.GeoDataFrame({"name": ["钾盐储量区"], "commodity": ["K"], "important": ["true"],
                      "accuracy": ["authoritative"]},
                     geometry=[shapely.box(96.29, 36.29, 96.31, 36.31)], crs=4326).to_file(reserve)
    assert run_cli(bundle, sites, "--product", "x", "--layer", f"minerals={reserve}",
                   "--out", out) == 0
    by = {r["check"]: r for r in read_rows(out)}
    assert by["minerals"]["status"] == "FAIL" and "钾盐储量区" in by["minerals"]["detail"]


def test_border_site_inside_a_user_red_line_fails_with_the_full_overlap(bundle, tmp_path):
    """A site across the province's west border, wholly inside a zone given with --layer."""
    site = shapely.box(89.25, 36.0, 89.35, 36.05)  # the province box's west edge is 89.3
    sites = tmp_path / "border.geojson"
    gpd.GeoDataFrame({"site_id": ["border"]}, geometry=[site], crs=4326).to_file(sites)
    zone = tmp_path / "zone.geojson"
    gpd.GeoDataFrame({"name": ["跨界保护区"], "category": ["自然保护区"]},
                     geometry=[shapely.box(89.0, 35.9, 89.6, 36.2)], crs=4326).to_file(zone)
    out = tmp_path / "b.csv"
    assert run_cli(bundle, sites, "--product", "x", "--layer", f"redline={zone}",
                   "--out", out) == 0
    by = {r["check"]: r for r in read_rows(out)}
    assert by["redline"]["status"] == "FAIL"
    assert float(by["redline"]["overlap_ha"]) == pytest.approx(area_ha(site), rel=1e-4)
    assert float(by["redline"]["overlap_share"]) == pytest.approx(1.0, rel=1e-4)
    assert by["overall"]["status"] == "FAIL"


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("content, message", [
    ("site_id,lon,lat\nA,96,36\n", "missing column(s) area_ha"),
    ("site_id,lon,lat,area_ha\nA,96,36,10\nB,east,36,10\n", "line 3: lon 'east' is not a number"),
    ("site_id,lon,lat,area_ha\nA,96,36,-5\n", "line 2: area_ha -5 is out of range"),
    ("site_id,lon,lat,area_ha\nA,96,36,5\nA,96,36,5\n", "already used on line 2"),
    ("site_id,lon,lat,area_ha\n", "no sites"),
])
def test_bad_csv_exits_2_with_message(bundle, tmp_path, capsys, content, message):
    sites = tmp_path / "bad.csv"
    sites.write_text(content, encoding="utf-8")
    assert run_cli(bundle, sites, "--product", "x", "--out", tmp_path / "o.csv") == 2
    assert message in capsys.readouterr().err


def test_unreadable_or_missing_sites_file_exits_2(bundle, tmp_path, capsys):
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"this is not a geopackage")
    assert run_cli(bundle, junk, "--product", "x", "--out", tmp_path / "o.csv") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Cannot read junk.gpkg") and err.count("\n") == 1
    assert run_cli(bundle, tmp_path / "nope.csv", "--product", "x", "--out", tmp_path / "o.csv") == 2
    assert t("err.file_missing", "en", path=tmp_path / "nope.csv") in capsys.readouterr().err


@pytest.mark.parametrize("spec, message", [
    ("redline", "expected NAME=PATH"),
    ("rivers=x.geojson", "expected to be in ['redline', 'minerals', 'landuse', 'farmland'"),
    ("redline=/no/such/file.geojson", "File /no/such/file.geojson not found"),
])
def test_bad_layer_spec_exits_2(bundle, tmp_path, capsys, spec, message):
    sites = write_sites_csv(tmp_path / "s.csv", ["a,96.3,36.3,10"])
    assert run_cli(bundle, sites, "--product", "x", "--layer", spec, "--out", tmp_path / "o.csv") == 2
    assert message in capsys.readouterr().err


def test_point_redline_layer_exits_2(bundle, tmp_path, capsys):
    sites = write_sites_csv(tmp_path / "s.csv", ["a,96.3,36.3,10"])
    pts = tmp_path / "p.geojson"
    gpd.GeoDataFrame({"name": ["p"]}, geometry=[shapely.Point(96, 36)], crs=4326).to_file(pts)
    assert run_cli(bundle, sites, "--product", "x", "--layer", f"redline={pts}",
                   "--out", tmp_path / "o.csv") == 2
    assert "must be polygons" in capsys.readouterr().err


def test_unknown_activity_and_missing_product_exit_2(bundle, tmp_path, capsys):
    sites = write_sites_csv(tmp_path / "s.csv", ["a,96.3,36.3,10"])
    assert run_cli(bundle, sites, "--product", "x", "--activity", "casino",
                   "--out", tmp_path / "o.csv") == 2
    assert "Unknown activity 'casino'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        run_cli(bundle, sites, "--out", tmp_path / "o.csv")
    assert exc.value.code == 2


def test_module_entry_point_runs_with_progress_bar(bundle, tmp_path):
    gpkg, tif = bundle
    sites = write_sites_csv(tmp_path / "s.csv", ["a,97.05,36.05,10", "b,96.3,36.3,10"])
    out = tmp_path / "o.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "geo.screen", str(sites), "--product", "碳酸锂", "--out", str(out),
         "--bundle", str(gpkg), "--dem", str(tif)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "2/2" in proc.stderr and "2 sites screened" in proc.stderr
    assert out.exists() and out.with_suffix(".geojson").exists()
    bad = subprocess.run([sys.executable, "-m", "geo.screen", str(tmp_path / "none.csv"),
                          "--product", "x", "--out", str(out)],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "none.csv not found" in bad.stderr


def test_control_layers_from_the_command_line(bundle, tmp_path):
    """--layer farmland= / urban_boundary= / landuse= in CGCS2000 Gauss-Krüger (EPSG:4522)."""
    site = shapely.box(97.04, 36.04, 97.06, 36.06)  # in b1
    sites = tmp_path / "s.geojson"
    gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[site], crs=4326).to_file(sites)
    farm = tmp_path / "farm.gpkg"
    gpd.GeoDataFrame({"名称": ["基本农田1"]}, geometry=[shapely.box(97.05, 36.0, 97.1, 36.1)],
                     crs=4326).to_crs(4522).to_file(farm)
    town = tmp_path / "town.gpkg"
    gpd.GeoDataFrame({"name": ["开发边界"]}, geometry=[shapely.box(96.9, 35.9, 97.2, 36.2)],
                     crs=4326).to_crs(4522).to_file(town)
    landuse = tmp_path / "dltb.gpkg"
    gpd.GeoDataFrame({"dlbm": ["0103", "0601"]},
                     geometry=[shapely.box(96.9, 35.9, 97.05, 36.2),
                               shapely.box(97.05, 35.9, 97.2, 36.2)],
                     crs=4326).to_crs(4522).to_file(landuse)
    out = tmp_path / "c.csv"
    assert run_cli(bundle, sites, "--product", "碳酸锂", "--year", "2026",
                   "--layer", f"farmland={farm}", "--layer", f"urban_boundary={town}",
                   "--layer", f"landuse={landuse}", "--out", out) == 0
    by = {r["check"]: r for r in read_rows(out)}
    east = area_ha(shapely.box(97.05, 36.04, 97.06, 36.06))
    assert by["farmland"]["status"] == "FAIL"
    assert float(by["farmland"]["overlap_ha"]) == pytest.approx(east, rel=1e-3)
    assert by["urban_boundary"]["status"] == "PASS"
    assert by["landuse"]["status"] == "WARN"
    assert float(by["quota"]["new_construction_ha"]) == pytest.approx(area_ha(site) - east,
                                                                       rel=1e-3)
    assert float(by["quota"]["cropland_ha"]) == pytest.approx(area_ha(site) - east, rel=1e-3)
    assert float(by["quota"]["farmland_ha"]) == pytest.approx(east, rel=1e-3)
    assert by["overall"]["status"] == "FAIL"
    assert float(by["overall"]["buildable_ha"]) == pytest.approx(area_ha(site) - east, rel=1e-3)
