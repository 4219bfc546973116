"""Batch ranking (geo.batch): records, lexicographic and weighted ranking, sensitivity, CLI."""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from geo import batch
from geo.checks import Project, check_ids
from geo.errors import InputError
from geo.layers_index import ScreeningLayers
from geo.screen import screen_site
from geo.site_input import site_from_point


def _table(rows):
    cols = ["site_id", "overall", "chain_score", "quota_remaining_ha", "quota_requested_ha",
            "buildable_ha"]
    return pd.DataFrame(rows, columns=cols)


@pytest.fixture()
def toy():
    return _table([
        ("fail-best-chain", "FAIL", 1.0, 1000.0, 10.0, 10.0),
        ("pass-low", "PASS", 0.1, 0.0, 10.0, 10.0),
        ("pass-high", "PASS", 0.9, 20.0, 10.0, 10.0),
        ("warn", "WARN", 0.95, 500.0, 10.0, 10.0),
        ("unknown", "UNKNOWN", None, None, None, 10.0),
        ("pass-high-more-quota", "PASS", 0.9, 60.0, 10.0, 10.0),
    ])


def test_components_are_in_unit_range_with_known_values(toy):
    comp = batch.components(toy)
    assert comp.shape == (6, 3)
    assert comp[:, 0].tolist() == pytest.approx([0, 1, 1, 1 / 3, 2 / 3, 1])
    assert comp[4, 1] == 0.0 and comp[4, 2] == 0.0        # no data is never a good score
    assert comp[2, 2] == pytest.approx(0.1)              # (20 - 10) / 100
    assert comp[0, 2] == 1.0 and comp[1, 2] == 0.0       # clipped


def test_lexicographic_rank_verdict_then_chain_then_quota(toy):
    ranked = batch.rank_sites(toy)
    assert ranked["site_id"].tolist() == ["pass-high-more-quota", "pass-high", "pass-low",
                                          "unknown", "warn", "fail-best-chain"]
    assert ranked["rank"].tolist() == [1, 2, 3, 4, 5, 6]


def test_weighted_rank_lets_chain_outweigh_verdict_but_never_a_failure(toy):
    """The weights trade advisory merits: a WARN site with the best chain beats PASS sites;
    a site that fails a binding check comes last even with the best chain of all."""
    ranked = batch.rank_sites(toy, {"verdict": 0.0, "chain": 1.0, "quota": 0.0})
    ids = ranked["site_id"].tolist()
    assert ids[0] == "warn" and ids[-1] == "fail-best-chain"
    # equal chain scores: ties broken lexicographically (more quota first)
    assert ids.index("pass-high-more-quota") < ids.index("pass-high")
    assert ranked["score"].iloc[:-1].is_monotonic_decreasing
    assert ranked["score"].iloc[-1] == ranked["score"].max()  # its score is shown as it is


def test_sensitivity_never_puts_a_failing_site_in_the_top(toy):
    sens = batch.sensitivity(toy, {"verdict": 0.0, "chain": 1.0, "quota": 0.0}, draws=100,
                             spread=1.0, top=5)
    row = sens.set_index("site_id").loc["fail-best-chain"]
    assert row["top_share"] == 0.0 and row["best_rank"] == 6


def test_bad_weights_are_input_errors(toy):
    with pytest.raises(InputError):
        batch.rank_sites(toy, {"verdict": -1})
    with pytest.raises(InputError):
        batch.rank_sites(toy, {"price": 1})
    with pytest.raises(InputError):
        batch.parse_weights("verdict=abc")
    assert batch.parse_weights("") is None
    assert batch.parse_weights("verdict=1,chain=2") == {"verdict": 1.0, "chain": 2.0}


def test_sensitivity_matches_a_loop_over_draws(toy):
    w = {"verdict": 0.5, "chain": 0.3, "quota": 0.2}
    sens = batch.sensitivity(toy, w, draws=200, spread=0.5, seed=3)
    assert len(sens) == 6 and sens["top_share"].between(0, 1).all()
    # three sites are in each draw's top 3
    assert sens["top_share"].sum() == pytest.approx(3.0)
    draws = batch.perturbed_weights(w, 200, 0.5, 3)
    assert np.allclose(draws.sum(axis=1), 1.0)
    counts = dict.fromkeys(toy["site_id"], 0)
    for row in draws:
        ranked = batch.rank_sites(toy, dict(zip(batch.COMPONENTS, row)))
        for sid in ranked["site_id"].iloc[:3]:
            counts[sid] += 1
    got = dict(zip(sens["site_id"], sens["top_share"]))
    for sid, n in counts.items():
        assert got[sid] == pytest.approx(n / 200, abs=1e-9), sid


def test_sensitivity_zero_spread_is_the_weighted_top3(toy):
    w = {"verdict": 0.6, "chain": 0.25, "quota": 0.15}
    sens = batch.sensitivity(toy, w, draws=50, spread=0.0)
    top = set(batch.rank_sites(toy, w)["site_id"].iloc[:3])
    assert set(sens.loc[sens["top_share"] == 1.0, "site_id"]) == top
    assert (sens.loc[~sens["site_id"].isin(top), "top_share"] == 0).all()


def test_site_record_has_every_check_status_and_figures():
    layers = ScreeningLayers.from_bundle()
    site = site_from_point(101.70, 36.56, 30).geometry
    res = screen_site(site, Project(product="正极材料"), layers)
    rec = batch.site_record("s1", res)
    for check in check_ids():
        assert rec[f"{check}_status"] == res.result(check).status
    assert rec["overall"] == res.overall
    assert rec["suitability"] == pytest.approx(res.suitability.score, abs=1e-4)
    assert rec["area_ha"] == pytest.approx(30, rel=1e-3)
    assert rec["chain_score"] == pytest.approx(res.result("chain").metrics["score"], abs=1e-4)
    assert rec["farmland_status"] == "UNKNOWN"  # no 永久基本农田 imported
    assert isinstance(rec["redline_distance_m"], float)


def test_cli_writes_ranked_csv_geojson_and_excel(tmp_path):
    sites = tmp_path / "s.csv"
    sites.write_text("site_id,lon,lat,area_ha\na,94.9,36.4,50\nb,101.7,36.56,30\n"
                     "c,97.0,37.3,40\nd,95.3,36.9,20\n", encoding="utf-8")
    out = tmp_path / "out" / "ranked.csv"
    assert batch.main([str(sites), "--product", "正极材料", "--out", str(out), "--xlsx",
                       "--draws", "100", "--weights", "verdict=0.6,chain=0.25,quota=0.15"]) == 0
    ranked = pd.read_csv(out)
    assert ranked["rank"].tolist() == [1, 2, 3, 4]
    assert set(ranked["site_id"]) == {"a", "b", "c", "d"}
    assert "top3_share" in ranked and ranked["top3_share"].sum() == pytest.approx(3.0)
    order = ["PASS", "UNKNOWN", "WARN", "FAIL"]
    assert [order.index(s) for s in ranked["overall"]] == sorted(order.index(s) for s in
                                                                  ranked["overall"])
    gj = json.loads(out.with_suffix(".geojson").read_text(encoding="utf-8"))
    assert len(gj["features"]) == 4 and gj["features"][0]["geometry"]["type"] == "Polygon"
    xl = pd.read_excel(out.with_suffix(".xlsx"), sheet_name=None)
    assert set(xl) == {"ranking", "sensitivity"} and len(xl["ranking"]) == 4
    # in turn (no weights): no weights to vary, so no top3_share, as on the page
    assert batch.main([str(sites), "--product", "正极材料", "--out", str(out), "--xlsx"]) == 0
    assert "top3_share" not in pd.read_csv(out)
    assert set(pd.read_excel(out.with_suffix(".xlsx"), sheet_name=None)) == {"ranking"}


def test_cli_bad_input_exit_2(tmp_path, capsys):
    sites = tmp_path / "s.csv"
    sites.write_text("site_id,lon,lat\na,94.9,36.4\n", encoding="utf-8")
    assert batch.main([str(sites), "--product", "x", "--out", str(tmp_path / "o.csv")]) == 2
    assert "area_ha" in capsys.readouterr().err
    sites.write_text("site_id,lon,lat,area_ha\na,94.9,36.4,5\n", encoding="utf-8")
    assert batch.main([str(sites), "--product", "x", "--out", str(tmp_path / "o.csv"),
                       "--weights", "speed=1"]) == 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_downloaded_table_is_in_the_readers_language(tmp_path, lang):
    """The walk found the page's CSV in field names and codes (PASS, site_id): the CSV and the
    workbook's first sheet are the page's table, in the page's language, with the top-3 share."""
    from geo.batch_views import ranking_download, ranking_export
    from geo.i18n import t

    sites = tmp_path / "s.csv"
    sites.write_text("site_id,lon,lat,area_ha\na,94.9,36.4,50\nb,101.7,36.56,30\n", encoding="utf-8")
    out = tmp_path / "ranked.csv"
    assert batch.main([str(sites), "--product", "正极材料", "--out", str(out)]) == 0
    ranked = pd.read_csv(out, dtype={"site_id": str})
    sens = pd.DataFrame({"site_id": ["b", "a"], "top_share": [1.0, 0.4]})
    table = ranking_download(ranking_export(ranked, sens), lang)
    assert table.columns[0] == t("batch.col.rank", lang) and len(table) == 2
    assert table[t("batch.col.site_id", lang)].tolist() == ranked["site_id"].tolist()
    shares = dict(zip(table[t("batch.col.site_id", lang)], table[t("batch.col.top_share", lang)]))
    assert shares == {"a": 0.4, "b": 1.0}
    statuses = {t(f"status.{s}", lang) for s in ("PASS", "UNKNOWN", "WARN", "FAIL")}
    assert set(table[t("verdict.compliance", lang)]) <= statuses
    if lang == "zh":
        words = " ".join(map(str, table.columns)) + " " + " ".join(map(str, table.to_numpy().ravel()))
        assert not {"PASS", "WARN", "FAIL", "UNKNOWN", "site_id", "overall"} & set(words.split())
    book = pd.read_excel(io.BytesIO(batch.to_excel_bytes(ranked, None, table, t("batch.dl.sheet", lang))),
                         sheet_name=None)
    assert list(book) == [t("batch.dl.sheet", lang), "ranking"]
    assert list(book[t("batch.dl.sheet", lang)].columns) == list(table.columns)
