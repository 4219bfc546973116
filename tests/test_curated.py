"""Tests of the curated, seed-derived layers (data/sources + data/build/curated.py).

The seed texts live in ``../shared/seeds`` (``/work/shared/seeds`` here); tests
that read them are skipped when the seeds are not present.
"""
from __future__ import annotations

import json
import re
import unicodedata
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import yaml

from geo.geodesy import area_ha
from shapely.geometry import Point, box

from data.build import curated
from data.build.curated import (
    QINGHAI_BBOX,
    CuratedDataError,
    RedlineCoverageWarning,
    build_bases,
    build_curated,
    build_deposits,
    build_quotas,
    build_redlines,
    build_salt_lakes,
    geodesic_ellipse,
    redline_coverage,
)
from geo.provenance import check_provenance

REPO = Path(__file__).resolve().parents[1]
_SEED_DIRS = [REPO.parent / "shared" / "seeds", Path("/work/shared/seeds")]
SEEDS = next((d for d in _SEED_DIRS if d.is_dir()), None)
needs_seeds = pytest.mark.skipif(SEEDS is None, reason="seed texts not available")

EXPECTED_IDS = [
    "ganhe", "qarhan", "golmud", "nanchuan", "linkong", "dongchuan", "biotech", "beichuan",
    "delingha", "ulan", "dachaidan", "dulan", "ledu", "huzhu", "minhe",
]


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def layers() -> dict[str, pd.DataFrame]:
    """All curated layers, built once without a lakes table (warning silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RedlineCoverageWarning)
        return build_curated(warn=False)


@pytest.fixture(scope="module")
def bases_yaml() -> list[dict]:
    return curated.load_yaml("bases")["bases"]


@pytest.fixture(scope="module")
def seed001_items() -> dict[int, str]:
    """Seed 001 §四 items: number -> item text ("N．XXX园区。..." up to the line end)."""
    text = _seed("001")
    sec = text[text.index("四、主要任务"): text.index("五、推进措施")]
    items = {}
    for m in re.finditer(r"^\s*(\d{1,2})．(\S+?园区)。(.*)$", sec, flags=re.M):
        items[int(m.group(1))] = (m.group(2), m.group(0).strip())
    return items


@pytest.fixture(scope="module")
def seed004_tiers() -> dict[str, str]:
    """Short base name -> tier parsed from seed 004's 推进产业基地建设 sentence."""
    text = _seed("004")
    m = re.search(r"4\.推进产业基地建设[^\n]*", text)
    assert m, "seed 004 paragraph 4.推进产业基地建设 not found"
    sent = m.group(0)
    tiers = {}
    for seg in sent.split("产业基地"):
        m = re.search(r"(\d+)个(千亿|五百亿)$", seg)
        if not m:
            continue
        names = re.sub(r"^和", "", re.sub(r"^.*构建", "", seg[: m.start()]))
        parts = [p for p in re.split(r"[､、]", names) if p.endswith("园区")]
        if parts:
            assert len(parts) == int(m.group(1)), seg
            tiers.update({p: m.group(2) for p in parts})
    return tiers


# ----------------------------------------------------------------------------- bases
def test_fifteen_bases_in_seed_order(layers):
    b = layers["bases"]
    assert list(b["id"]) == EXPECTED_IDS
    assert list(b["seq"]) == list(range(1, 16))


@needs_seeds
def test_base_names_match_seed_001(layers, seed001_items):
    assert sorted(seed001_items) == list(range(1, 16))
    b = layers["bases"].set_index("seq")
    for n, (name, _text) in seed001_items.items():
        assert b.loc[n, "name_zh"] == name, f"item {n}"


@needs_seeds
def test_tiers_match_seed_004(layers, seed004_tiers):
    assert list(seed004_tiers.values()).count("千亿") == 5
    assert list(seed004_tiers.values()).count("五百亿") == 10
    b = layers["bases"]
    for short, tier in seed004_tiers.items():
        hit = b[b["name_zh"].str.contains(short)]
        assert len(hit) == 1, f"{short} matches {list(hit['name_zh'])}"
        assert hit["tier"].iloc[0] == tier, short
    assert set(b.loc[b["tier"] == "千亿", "id"]) == {"ganhe", "nanchuan", "linkong", "golmud", "qarhan"}
    assert set(b["tier_en"]) == {"100-billion-yuan", "50-billion-yuan"}
    assert set(b.loc[b["tier"] == "千亿", "target_output_yi_yuan"]) == {1000}
    assert set(b.loc[b["tier"] == "五百亿", "target_output_yi_yuan"]) == {500}


@needs_seeds
def test_positioning_and_chains_trace_to_seed(bases_yaml, seed001_items):
    for e in bases_yaml:
        _name, item = seed001_items[e["seq"]]
        assert e["positioning_zh"] in item, e["id"]
        assert e["chains"], e["id"]
        for c in e["chains"]:
            where = f"{e['id']}/{c['id']}"
            assert c["cite"].startswith(f"001 §四.{e['seq']}"), where
            assert c["basis_zh"] in item, where
            assert c["steps_zh"] and len(c["steps_zh"]) == len(c["steps_en"]), where
            for step in c["steps_zh"]:
                assert step and _nfkc(step) in _nfkc(c["basis_zh"]), f"{where}: {step}"
            if c.get("explicit"):
                assert "-" in _nfkc(c["basis_zh"]) or len(c["steps_zh"]) == 1, where


@needs_seeds
def test_every_explicit_seed_chain_is_present(bases_yaml, seed001_items):
    """Every "A-B-C" run in a §四 item is covered by some chain's basis."""
    for e in bases_yaml:
        _name, item = seed001_items[e["seq"]]
        bases_text = " ".join(_nfkc(c["basis_zh"]) for c in e["chains"])
        for run in re.findall(r"[^，、。；,]+?(?:-[^，、。；,-]+)+", _nfkc(item)):
            first = run.split("-")[0][-3:]
            assert first in bases_text, f"{e['id']}: seed chain {run!r} not covered"


def test_chain_counts(layers):
    b = layers["bases"].set_index("id")
    assert b.loc["ganhe", "n_chains"] == 7
    qarhan = {c["id"]: c for c in json.loads(b.loc["qarhan", "chains"])}
    assert qarhan["potash"]["steps_zh"] == ["钾肥"]
    assert qarhan["magnesium"]["steps_zh"] == ["金属镁", "镁合金及压铸"]
    assert qarhan["pvc"]["steps_zh"] == ["PVC精深加工"]
    nan = {c["id"]: c for c in json.loads(b.loc["nanchuan", "chains"])}
    assert nan["lithium_battery"]["steps_zh"][0] == "电池级碳酸锂"
    for chains in b["chains"]:
        for c in json.loads(chains):
            assert c["steps_zh"] and c["cite"]


def test_base_area_and_outline(layers):
    b = layers["bases"]
    src = {e["id"]: e for e in curated.load_yaml("bases")["bases"]}
    for _, row in b.iterrows():
        want = src[row["id"]]["area_ha"]
        assert abs(row["area_ha"] - want) / want < 0.005, row["id"]
        assert row.geometry.contains(Point(row["lon"], row["lat"]))
        assert len(row.geometry.exterior.coords) == 65


def test_bases_do_not_overlap(layers):
    g = layers["bases"].geometry
    for i in range(len(g)):
        for j in range(i + 1, len(g)):
            assert not g.iloc[i].intersects(g.iloc[j]), (i, j)


# ----------------------------------------------------------------------------- common
@pytest.mark.parametrize("name", ["bases", "salt_lakes", "deposits", "redlines", "quotas"])
def test_provenance(layers, name):
    check_provenance(layers[name], name)
    for d in layers[name]["source_date"]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)


@pytest.mark.parametrize("name", ["bases", "salt_lakes", "deposits", "redlines"])
def test_geometry_valid_inside_bbox(layers, name):
    g = layers[name]
    assert g.crs.to_epsg() == 4326
    assert g.geometry.is_valid.all() and not g.geometry.is_empty.any()
    assert g.geometry.within(box(*QINGHAI_BBOX)).all()


@pytest.mark.parametrize("name", ["bases", "salt_lakes", "deposits", "redlines"])
def test_ids_unique(layers, name):
    assert layers[name]["id"].is_unique


# ----------------------------------------------------------------------------- resources
def test_salt_lakes(layers):
    s = layers["salt_lakes"].set_index("id")
    for lake in ["qarhan", "dong_taijinar", "xi_taijinar", "yiliping", "da_qaidam", "mahai", "chaka", "kunteyi"]:
        assert lake in s.index
    assert s.loc["qarhan", "minerals"] == "K,Na,Mg,Li,B"
    assert set(s["accuracy"]) == {"indicative"}
    assert abs(s.loc["qarhan", "area_ha"] / 100 - 5856) / 5856 < 0.01


def test_salt_lakes_use_gshhg_outline():
    real = box(95.0, 36.9, 95.3, 37.03)  # stands in for the GSHHG Dabusun outline
    far = box(100.0, 36.6, 100.2, 36.8)  # a 'Chaka Salt Lake' row in the wrong place
    lakes = gpd.GeoDataFrame({"name_en": ["Dabusun Lake", "Chaka Salt Lake"]}, geometry=[real, far], crs=4326)
    with pytest.warns(UserWarning, match="Chaka"):
        s = build_salt_lakes(lakes).set_index("id")
    assert s.loc["dabusun", "accuracy"] == "derived"
    assert s.loc["dabusun"].geometry.equals(real)
    assert s.loc["chaka", "accuracy"] == "indicative"
    assert s.loc["qarhan", "accuracy"] == "indicative"


def test_deposits(layers):
    d = layers["deposits"].set_index("id")
    assert len(d) >= 25
    for dep in ["xitieshan", "derni", "yuqia", "xiarihamu", "kendekeke", "qarhan_potash", "dong_taijinar_li"]:
        assert dep in d.index
    assert set(d["scale"]) <= {"large", "medium", "small"}
    assert d["important"].map(type).eq(bool).all()
    assert not d.loc["xitieshan", "important"]  # Pb-Zn is not a strategic mineral
    assert d.loc["derni", "important"] and d.loc["qarhan_potash", "important"]
    assert not d.loc["chaka_salt", "important"] and not d.loc["da_qaidam_b", "important"]
    assert (d.geometry.geom_type == "Point").all()


def test_important_flag_matches_strategic_list():
    data = curated.load_yaml("deposits")
    strategic = set(data["strategic_minerals"])
    assert len(strategic) == 24
    for e in data["deposits"]:
        named = [m for m in strategic if m in e["important_basis"].split(" ")[0]]
        assert bool(named) == e["important"], e["id"]


# ----------------------------------------------------------------------------- red lines
def test_required_redlines(layers):
    r = layers["redlines"].set_index("id")
    for rid in ["sjy_changjiang", "sjy_huanghe", "sjy_lancang", "qilianshan", "qinghaihu_nnr"]:
        assert rid in r.index
    assert r["name_zh"].str.contains("梭梭林").sum() >= 3
    assert set(r["category"]) <= set(curated.CATEGORIES)
    assert set(r["control_level"]) <= set(curated.CONTROL_LEVELS)
    assert (r["area_ha"] > 0).all()
    for e in curated.load_yaml("redlines")["redlines"]:
        assert len(e["outline"]) >= 12 and e["legal_basis"], e["id"]


def test_redline_coverage_warning(layers):
    with pytest.warns(RedlineCoverageWarning, match="296,400"):
        ratio = redline_coverage(layers["redlines"])
    assert 0 < ratio < 1


def test_qinghai_lake_from_lakes_table():
    lake = box(99.7, 36.6, 100.7, 37.1)
    lakes = gpd.GeoDataFrame({"name_en": ["Qinghai Lake"]}, geometry=[lake], crs=4326)
    r = build_redlines(lakes).set_index("id")
    row = r.loc["qinghaihu_nnr"]
    assert row["accuracy"] == "derived"
    assert row.geometry.contains(lake)
    # a 1.5 km buffer of a ~90 x 55 km box adds ~ perimeter x 1.5 km
    assert 0 < row["area_ha"] - area_ha(lake) < 1.6 * 290 * 150


# ----------------------------------------------------------------------------- quotas
def test_quotas(layers):
    q = layers["quotas"]
    assert set(q["base_id"]) == set(EXPECTED_IDS)
    assert set(q["year"]) == {2024, 2025, 2026}
    for c in ["allocated_ha", "used_ha", "reserved_ha", "remaining_ha"]:
        assert (q[c] >= 0).all(), c
    assert ((q["allocated_ha"] - q["used_ha"] - q["reserved_ha"] - q["remaining_ha"]).abs() < 1e-9).all()
    big = q.merge(layers["bases"][["id", "tier"]], left_on="base_id", right_on="id")
    assert big.loc[big["tier"] == "千亿", "allocated_ha"].mean() > big.loc[big["tier"] == "五百亿", "allocated_ha"].mean()


# ----------------------------------------------------------------------------- bad input
def _patch_yaml(monkeypatch, tmp_path, name, mutate):
    src = curated.SOURCES_DIR
    for f in src.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    data = yaml.safe_load((src / name).read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(curated, "SOURCES_DIR", tmp_path)


def test_bad_tier(monkeypatch, tmp_path):
    _patch_yaml(monkeypatch, tmp_path, "bases.yaml", lambda d: d["bases"][2].update(tier="百亿"))
    with pytest.raises(CuratedDataError, match=r"bases.yaml: entry 2 \(id='golmud'\) has unknown tier"):
        build_bases()


def test_missing_field(monkeypatch, tmp_path):
    _patch_yaml(monkeypatch, tmp_path, "bases.yaml", lambda d: d["bases"][0].pop("county_zh"))
    with pytest.raises(CuratedDataError, match="bases.yaml: entry 0 .*'county_zh'"):
        build_bases()


@pytest.mark.parametrize("name, key, build", [
    ("bases.yaml", "bases", "build_bases"), ("salt_lakes.yaml", "lakes", "build_salt_lakes"),
    ("deposits.yaml", "deposits", "build_deposits"), ("redlines.yaml", "redlines", "build_redlines")])
def test_duplicate_id_refused(monkeypatch, tmp_path, name, key, build):
    """Every curated table refuses an id used twice (the salt lakes did not check)."""
    def twice(d):
        d[key][1]["id"] = d[key][0]["id"]
    _patch_yaml(monkeypatch, tmp_path, name, twice)
    with pytest.raises(CuratedDataError, match=rf"{name}: entry 1 .*duplicates id"):
        getattr(curated, build)()


def test_swapped_lonlat(monkeypatch, tmp_path):
    _patch_yaml(monkeypatch, tmp_path, "deposits.yaml",
                lambda d: d["deposits"][0].update(lon=37.34, lat=95.56))
    with pytest.raises(CuratedDataError, match="deposits.yaml: .*outside the Qinghai bbox"):
        build_deposits()


def test_bad_outline(monkeypatch, tmp_path):
    def bowtie(d):
        o = d["redlines"][1]["outline"]
        o[0], o[6] = o[6], o[0]  # self-intersecting ring
    _patch_yaml(monkeypatch, tmp_path, "redlines.yaml", bowtie)
    with pytest.raises(CuratedDataError, match="redlines.yaml: entry 1 .*invalid"):
        build_redlines()


def test_quota_overrun(monkeypatch, tmp_path):
    for f in curated.SOURCES_DIR.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    q = pd.read_csv(tmp_path / "quotas.csv")
    q.loc[0, "used_ha"] = q.loc[0, "allocated_ha"] + 1
    q.to_csv(tmp_path / "quotas.csv", index=False)
    monkeypatch.setattr(curated, "SOURCES_DIR", tmp_path)
    with pytest.raises(CuratedDataError, match="exceeds allocated"):
        build_quotas()


def test_geodesic_ellipse_area():
    p = geodesic_ellipse(95.0, 36.9, 100_000, ratio=3.0)
    assert abs(area_ha(p) - 100_000) / 100_000 < 0.002
    assert p.is_valid
