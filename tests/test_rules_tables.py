"""The rules tables (data/rules/*.yaml) and their accessors in geo/rules_tables.py."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

import geo.rules_tables as rt
from geo.errors import InputError
from geo.i18n import TEXT, error_text, t

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def rules_copy(tmp_path):
    """A writable copy of data/rules an official could have edited."""
    dest = tmp_path / "rules"
    shutil.copytree(ROOT / "data" / "rules", dest)
    return dest


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# ----------------------------------------------------------------------------- every table
@pytest.mark.parametrize("name", rt.TABLES)
def test_every_table_loads_and_is_a_copy(name):
    data = rt.load_rules(name)
    assert data["version"] == 1
    data["version"] = 99                       # callers cannot spoil the cache
    assert rt.load_rules(name)["version"] == 1


def test_unknown_table_is_refused():
    with pytest.raises(InputError) as err:
        rt.load_rules("redlines")
    assert err.value.key == "rules.err.unknown_table"


def test_every_control_kind_has_a_source_and_a_control_type():
    data = rt.load_rules("control_lines")
    assert set(data["kinds"]) == set(rt.CONTROL_KINDS)
    for kind in rt.CONTROL_KINDS:
        k = rt.control_kind(kind)
        assert k.control in rt.CONTROL_TYPES
        assert k.basis and all(c.title and c.number for c in k.basis)
        for c in k.basis:
            assert c.verified or c.note, (kind, c.title)   # unverified says what to check


def test_every_policy_entry_and_mineral_list_has_a_source():
    pol = rt.load_rules("industry_policy")
    for e in pol["entries"]:
        cat = pol["catalogues"][e["catalogue"]]
        assert cat["title"] and cat["number"] and e["item"] and e["text"]
        assert e["verified"] or e["note"], e["id"]
    minerals = rt.load_rules("important_minerals")
    for lid in ("reg241", "strat24"):
        assert minerals["lists"][lid]["title"] and minerals["lists"][lid]["number"]


def test_every_step_text_is_translated_in_both_languages():
    keys = rt.control_step_texts()
    assert keys
    for key in keys:
        assert key in TEXT and all(TEXT[key]), key
    for kind in rt.CONTROL_KINDS:
        assert t(f"rules.kind.{kind}", "zh") and t(f"rules.kind.{kind}", "en")
    for code in ("national_major", "separate_site", "own_mining_works"):
        assert t(f"rules.activity.{code}", "en")


# ----------------------------------------------------------------------------- validation
def test_a_typo_in_a_key_is_refused_with_a_suggestion(rules_copy):
    _edit(rules_copy / "control_lines.yaml", "    control: must_lie_inside", "    contrl: must_lie_inside")
    with pytest.raises(InputError) as err:
        rt.load_rules("control_lines", rules_dir=rules_copy)
    assert err.value.key == "rules.err.unknown_key"
    assert err.value.params["field"] == "contrl" and err.value.params["hint"] == "control"
    assert "contrl" in error_text(err.value, "zh") and "control" in error_text(err.value, "en")


def test_a_typo_in_a_step_key_is_refused(rules_copy):
    _edit(rules_copy / "control_lines.yaml", "          step_en: The site takes permanent",
          "          step_eng: The site takes permanent")
    with pytest.raises(InputError) as err:
        rt.load_rules("control_lines", rules_dir=rules_copy)
    assert err.value.key in ("rules.err.unknown_key", "rules.err.missing_key")


def test_an_unknown_status_or_activity_is_refused(rules_copy):
    path = rules_copy / "control_lines.yaml"
    _edit(path, "          status: FAIL\n          step_zh: 选址占用永久基本农田",
          "          status: FAILED\n          step_zh: 选址占用永久基本农田")
    with pytest.raises(InputError) as err:
        rt.load_rules("control_lines", rules_dir=rules_copy)
    assert err.value.key == "rules.err.bad_value"
    shutil.copy(ROOT / "data" / "rules" / "control_lines.yaml", path)
    _edit(path, "          separate_site:\n            status: WARN\n            step_zh: 能源",
          "          separate_sites:\n            status: WARN\n            step_zh: 能源")
    with pytest.raises(InputError) as err:
        rt.load_rules("control_lines", rules_dir=rules_copy)
    assert err.value.key == "rules.err.bad_value" and "separate_sites" in str(err.value)


def test_an_entry_without_a_source_is_refused(rules_copy):
    path = rules_copy / "control_lines.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["kinds"]["wetland"]["basis"] = []
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as err:
        rt.load_rules("control_lines", rules_dir=rules_copy)
    assert err.value.key == "rules.err.no_source"

    pol = rules_copy / "industry_policy.yaml"
    data = yaml.safe_load(pol.read_text(encoding="utf-8"))
    del data["entries"][0]["note"]              # unverified and no note of what to check
    pol.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as err:
        rt.load_rules("industry_policy", rules_dir=rules_copy)
    assert err.value.key == "rules.err.no_source"


def test_citations_name_one_document_each_without_placeholders():
    """A report cites each document once, issuer outside its 《》, never a nested 《《》》 or a
    "（待核）" placeholder in the number: an unread source is marked as such, with its note."""
    kinds = [rt.control_kind(k) for k in rt.CONTROL_KINDS]
    texts = [c.text() for k in kinds for c in k.basis]
    for text in texts:
        assert text.count("《") == 1 and text.count("》") == 1 and "待核" not in text, text
    farmland = {c.title: c for c in rt.control_kind("farmland").basis}
    strict = farmland["关于严格耕地用途管制有关问题的通知"]
    assert strict.issuer == "自然资源部 农业农村部 国家林业和草原局"
    assert strict.text().startswith("自然资源部 农业农村部 国家林业和草原局《关于严格耕地用途管制")
    assert "自然资发〔2021〕166号" in strict.text() and strict.text().endswith("〔未核原文〕")
    assert not any(c.verified is False and not c.note for k in kinds for c in k.basis)


def test_a_title_with_its_own_title_marks_is_refused(rules_copy):
    path = rules_copy / "control_lines.yaml"
    _edit(path, "title: 关于严格耕地用途管制有关问题的通知", "title: 部《关于严格耕地用途管制有关问题的通知》")
    with pytest.raises(InputError) as err:
        rt.load_rules("control_lines", rules_dir=rules_copy)
    assert err.value.key == "rules.err.bad_value" and "issuer" in str(err.value)


def test_broken_yaml_is_the_projects_error(rules_copy):
    (rules_copy / "terrain.yaml").write_text("version: 1\nclasses: [\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        rt.load_rules("terrain", rules_dir=rules_copy)
    assert err.value.key == "rules.err.file"


def test_an_edited_table_is_read_again(rules_copy):
    path = rules_copy / "land_use_standards.yaml"
    assert rt.load_rules("land_use_standards", rules_dir=rules_copy)["indicators"]["admin_share"]["value"] == 7
    _edit(path, "    value: 7\n", "    value: 6\n")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert rt.load_rules("land_use_standards", rules_dir=rules_copy)["indicators"]["admin_share"]["value"] == 6


# ----------------------------------------------------------------------------- control lines
def test_farmland_fails_and_a_national_major_project_needs_the_occupation_case():
    farm = rt.control_kind("farmland")
    assert farm.control == "must_not_overlap"
    assert farm.status_for("industrial")[0] == "FAIL"
    status, key = farm.status_for("national_major")
    assert status == "WARN"
    assert "补划" in t(key, "zh") and "re-designation" in t(key, "en")
    assert farm.status_for("national_major_project") == farm.status_for("national_major")
    assert any("第三十五条" in (c.article or "") for c in farm.basis)


def test_urban_boundary_industrial_outside_fails_unless_separately_sited():
    ub = rt.control_kind("urban_boundary")
    assert ub.control == "must_lie_inside"
    assert ub.status_for("industrial")[0] == "FAIL"
    assert ub.status_for("separate_site")[0] == "WARN"


def test_water_source_levels_from_the_layer_field():
    ws = rt.control_kind("water_source")
    assert ws.level_field == "level"
    assert ws.status_for("industrial", "一级保护区")[0] == "FAIL"
    assert ws.status_for("industrial", 2)[0] == "FAIL"
    assert ws.status_for("industrial", " 准保护区 ")[0] == "WARN"
    assert ws.level_of("二级") == ("二级", True)
    # an empty or unknown level is read as the strictest, and said so
    assert ws.level_of(None) == ("一级", False)
    assert ws.status_for("industrial", "???")[0] == "FAIL"


def test_heritage_geohazard_wetland_world_heritage():
    assert rt.control_kind("heritage").status_for("industrial", "建设控制地带")[0] == "WARN"
    assert rt.control_kind("heritage").status_for("industrial", "保护范围")[0] == "FAIL"
    geo = rt.control_kind("geohazard")
    assert geo.control == "consult"
    status, key = geo.status_for("industrial", "中")
    assert status == "WARN" and "危险性评估" in t(key, "zh")
    assert geo.status_for("industrial", "危险区")[0] == "FAIL"
    wl = rt.control_kind("wetland")
    assert wl.status_for("industrial", "国家")[0] == "FAIL"
    assert wl.status_for("national_major", "国家")[0] == "WARN"
    assert wl.status_for("industrial", "省级")[0] == "WARN"
    assert rt.control_kind("world_heritage").status_for("industrial")[0] == "FAIL"


def test_mining_rights_depend_on_the_mineral_and_the_holder():
    mr = rt.control_kind("mining_rights")
    assert mr.status_for("industrial", "采矿权")[0] == "FAIL"
    assert mr.status_for("industrial", "采矿权", important=False)[0] == "WARN"
    status, key = mr.status_for("own_mining_works", "mining right")
    assert status == "PASS" and "矿区" in t(key, "zh")
    # strategic minerals "原则上不得压覆"; other important minerals need the 压覆 approval
    lead = rt.is_important_mineral("Pb")
    status, key = mr.status_for("industrial", "储量", strategic=lead.strategic)
    assert status == "WARN" and "审批" in t(key, "zh")
    potash = rt.is_important_mineral("钾盐")
    assert mr.status_for("industrial", "储量", strategic=potash.strategic)[0] == "FAIL"
    assert mr.status_for("national_major", "储量")[0] == "WARN"
    assert rt.control_kind("heritage").status_for("linear_infrastructure", "保护范围")[0] == "WARN"
    assert any(c.year == 2024 for c in mr.basis)


def test_unknown_kind_and_activity_are_refused():
    with pytest.raises(InputError) as err:
        rt.control_kind("farmlands")
    assert err.value.key == "rules.err.unknown_kind"
    with pytest.raises(InputError) as err:
        rt.control_kind("farmland").status_for("factory")
    assert err.value.key == "rules.err.unknown_activity"
    assert "industrial" in err.value.params["allowed"]


# ----------------------------------------------------------------------------- minerals
def test_important_minerals_follow_both_lists():
    assert rt.is_important_mineral("Li").lists == ("strat24",)          # strategic only
    assert set(rt.is_important_mineral("K").lists) == {"reg241", "strat24"}
    assert rt.is_important_mineral("Pb").lists == ("reg241",)           # registration list only
    assert rt.is_important_mineral("Pb-Zn").id == "lead"
    assert rt.is_important_mineral("铜钴").id == "copper"
    assert rt.is_important_mineral("钾盐").strategic
    for not_important in ("B", "Mg", "NaCl", "Na", "", "unobtainium"):
        assert rt.is_important_mineral(not_important) is None


def test_important_minerals_cite_the_2024_law_not_1996():
    k = rt.is_important_mineral("K")
    law = k.citation[0]
    assert law.year == 2024 and "2025-07-01" in law.number
    assert all(c.year != 1996 for c in k.citation)


def test_every_mineral_code_of_the_bundled_data_is_in_the_table():
    table = rt.load_rules("important_minerals")
    known = {rt._norm(c) for m in table["minerals"] for c in m["codes"]}
    deposits = yaml.safe_load((ROOT / "data/sources/deposits.yaml").read_text(encoding="utf-8"))
    lakes = yaml.safe_load((ROOT / "data/sources/salt_lakes.yaml").read_text(encoding="utf-8"))
    codes = {d["commodity"] for d in deposits["deposits"]}
    codes |= {m for lake in lakes["lakes"] for m in lake["minerals"]}
    for code in codes:
        parts = [p for p in rt._SEPARATORS.split(rt._norm(code)) if p]
        assert all(p in known for p in parts), code


# ----------------------------------------------------------------------------- land-use codes
def test_landuse_classes():
    assert rt.landuse_class("0103") == "cropland"
    assert rt.landuse_class("0101") == "cropland"
    assert rt.landuse_class("0601") == "construction"
    assert rt.landuse_class("05h1") == "construction"
    assert rt.landuse_class(" 08H2 ") == "construction"
    assert rt.landuse_class(101) == "cropland"                 # lost its leading zero
    assert rt.landuse_class("1001") == "construction"
    assert rt.landuse_class("1201") == "construction"
    assert rt.landuse_class("1104A") == "agricultural"
    assert rt.landuse_class("0301") == "agricultural"
    assert rt.landuse_class("0404") == "unused"
    assert rt.landuse_class("1204") == "unused"
    assert rt.landuse_class("09") == "construction"
    assert rt.landuse_name("0102", "zh") == "水浇地"
    assert rt.landuse_name("0102", "en") == "irrigated land"


def test_landuse_unknown_and_ambiguous_codes_are_refused():
    with pytest.raises(InputError) as err:
        rt.landuse_class("0199")
    assert err.value.key == "rules.err.landuse_code"
    assert "0199" in error_text(err.value, "zh")
    with pytest.raises(InputError) as err:
        rt.landuse_class("04")                                  # 0401 agricultural, 0404 unused
    assert err.value.key == "rules.err.landuse_ambiguous"
    assert rt.landuse_name("04", "zh") == "草地"


# ----------------------------------------------------------------------------- land-use standard
def test_a_missing_investment_is_unknown_naming_the_figure():
    th = rt.land_standard_thresholds("2624", "七类")             # 钾肥: 26 化学原料
    inds = {i.id: i for i in rt.evaluate_land_standard(
        th, site_ha=20, floor_area_m2=140000, footprint_m2=70000, admin_area_m2=10000)}
    inv = inds["investment_intensity"]
    assert inv.status == "UNKNOWN" and inv.value is None and inv.missing == "investment_wan"
    for lang in ("zh", "en"):
        assert t("rules.land.input.investment_wan", lang) in inv.reason(lang)
    assert "green_share" not in inds                            # not asked, not reported


def test_figures_against_the_2008_thresholds():
    th = rt.land_standard_thresholds("2624", 7)
    assert th.industry == "26" and th["plot_ratio"].value == 0.6
    inds = {i.id: i for i in rt.evaluate_land_standard(
        th, site_ha=20, investment_wan=50000, floor_area_m2=100000, footprint_m2=50000,
        admin_area_m2=16000)}
    # 100000 m² / 200000 m² = 0.5 < 0.6 ; 25 % < 30 % ; 8 % > 7 % -- against the 2008 figures,
    # whose standing is not confirmed: WARN with the re-check step, never a FAIL on them alone
    assert inds["plot_ratio"].value == pytest.approx(0.5) and inds["plot_ratio"].status == "WARN"
    assert inds["building_coverage"].value == pytest.approx(25) and inds["building_coverage"].status == "WARN"
    assert inds["admin_share"].value == pytest.approx(8) and inds["admin_share"].status == "WARN"
    assert inds["plot_ratio"].reason_key == "rules.land.fail_edition"
    assert "2008" in inds["plot_ratio"].reason("zh") and "复核" in inds["plot_ratio"].reason("zh")
    # investment: 2500 万元/公顷, but no verified threshold in the table -> WARN, never PASS
    assert inds["investment_intensity"].value == pytest.approx(2500)
    assert inds["investment_intensity"].status == "WARN"
    ok = {i.id: i for i in rt.evaluate_land_standard(
        th, site_ha=20, floor_area_m2=140000, footprint_m2=70000, admin_area_m2=10000)}
    # meets the 2008 figures, but the edition in force is not confirmed -> WARN saying so
    assert ok["plot_ratio"].status == "WARN" and ok["plot_ratio"].reason_key == "rules.land.edition"
    assert "2008" in ok["plot_ratio"].reason("zh")


def test_confirmed_edition_and_filled_investment_table_give_pass_and_fail(rules_copy, monkeypatch):
    """An official confirms the edition and fills the investment table: PASS and FAIL follow."""
    path = rules_copy / "land_use_standards.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["edition"]["current_confirmed"] = True
    nonferrous = next(i for i in data["industries"] if i["code"] == "32")
    nonferrous["investment_intensity"] = {"by_region_class": {"7": 900}, "verified": True}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(rt, "RULES_DIR", rules_copy)
    th = rt.land_standard_thresholds("3216", "第七类")            # 电解铝: 32 有色
    assert th["investment_intensity"].value == 900
    inds = {i.id: i for i in rt.evaluate_land_standard(
        th, site_ha=10, investment_wan=8000, floor_area_m2=70000, footprint_m2=35000,
        admin_area_m2=5000)}
    assert inds["investment_intensity"].status == "FAIL"        # 800 < 900 万元/公顷
    assert inds["plot_ratio"].status == "PASS"                  # 0.7 >= 0.6
    assert inds["building_coverage"].status == "PASS"           # 35 % >= 30 %
    assert inds["admin_share"].status == "PASS"                 # 5 % <= 7 %
    assert inds["plot_ratio"].reason("en").endswith("(>= 0.6)")
    assert rt.land_standard_thresholds("3216", None)["investment_intensity"].value is None
    assert rt.land_standard_thresholds("2624", 7)["investment_intensity"].value is None


def test_industry_and_input_checks():
    assert rt.land_standard_thresholds("C3841").industry == "38"     # 锂离子电池 -> 电气机械
    assert rt.land_standard_thresholds("2921").industry == "292"     # 塑料 longest prefix
    assert rt.land_standard_thresholds("29")["plot_ratio"].value is None
    for code, key in (("1030", "rules.err.industry_not_covered"),
                      ("4411", "rules.err.industry_not_covered"),
                      ("abc", "rules.err.industry_code")):
        with pytest.raises(InputError) as err:
            rt.land_standard_thresholds(code)
        assert err.value.key == key
    with pytest.raises(InputError) as err:
        rt.land_standard_thresholds("26", "9")
    assert err.value.key == "rules.err.region_class"
    th = rt.land_standard_thresholds("26")
    with pytest.raises(InputError) as err:
        rt.evaluate_land_standard(th, site_ha=1, investment_wan=-5)
    assert err.value.key == "rules.err.bad_input"
    with pytest.raises(InputError) as err:
        rt.evaluate_land_standard(th, site_ha=1, footprint_m2=20000)
    assert err.value.key == "rules.err.area_exceeds_site"
    with pytest.raises(InputError):
        rt.evaluate_land_standard(th, site_ha=0)


def test_region_class_of_a_county_not_in_the_table_says_what_to_do():
    rc = rt.region_class_for("632801")
    assert rc.region_class is None and not rc.verified
    assert "307" in t(rc.step_key, "zh")


# ----------------------------------------------------------------------------- industry policy
def test_electrolytic_aluminium_hits_the_2024_catalogue_with_its_condition():
    hits = rt.match_industry_policy("电解铝")
    main = next(h for h in hits if h.catalogue.title == "产业结构调整指导目录（2024年本）"
                and h.category == "restricted")
    assert "产能置换" in main.text and "产能置换" in main.condition("zh")
    assert main.status == "WARN"
    assert "capacity" in main.reason("en")
    assert main.catalogue.number == "国家发展和改革委员会令第7号"
    assert {h.id for h in rt.match_industry_policy("primary aluminium smelter")} >= {main.id}


def test_policy_class_filter_and_products_without_entries():
    assert rt.match_industry_policy("PVC精深加工", "2922") == []     # plastics products, not resin
    assert rt.match_industry_policy("PVC精深加工")                   # no class: flagged to check
    assert rt.match_industry_policy("钾肥") == []
    assert rt.match_industry_policy("碳酸锂") == []
    assert rt.match_industry_policy("  ") == []
    assert {h.id for h in rt.match_industry_policy("电石")} >= {"calcium_carbide_restricted",
                                                               "carbide_furnace_eliminated"}


def test_a_verified_unconditional_eliminated_entry_fails(rules_copy, monkeypatch):
    path = rules_copy / "industry_policy.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(e for e in data["entries"] if e["id"] == "flat_glass_eliminated")
    entry["verified"] = True
    entry.pop("condition_zh"), entry.pop("condition_en")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(rt, "RULES_DIR", rules_copy)
    hit = next(h for h in rt.match_industry_policy("平板玻璃") if h.id == "flat_glass_eliminated")
    assert hit.status == "FAIL" and hit.reason_key == "rules.policy.listed"


# ----------------------------------------------------------------------------- terrain
def test_slope_classes_and_thresholds():
    classes = rt.slope_classes()
    assert [c.id for c in classes] == ["flat", "gentle", "moderate", "steep"]
    gentle = classes[1]
    assert gentle.max_pct == 10 and gentle.max_deg == pytest.approx(5.7106, abs=1e-3)
    rules = rt.terrain_rules()
    assert rules.min_cells_in_site == 25 and rules.max_cell_m_for_slope == 100
    assert rt.slope_status({"gentle": 0.1, "moderate": 0.0}) == ("PASS", None)
    status, rule = rt.slope_status({"gentle": 0.3, "moderate": 0.0})
    assert status == "WARN" and rule.above == "gentle"
    assert rt.slope_status({"moderate": 0.7})[0] == "FAIL"
    assert rules.sources and all(c.verified or c.note for c in rules.sources)


# ----------------------------------------------------------------------------- helpers for the checks
def test_every_rules_key_the_module_names_is_translated():
    import re

    source = (ROOT / "geo" / "rules_tables.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'"(rules\.[a-z_]+(?:\.[a-z_]+)+)"', source))
    assert {"rules.land.missing", "rules.policy.condition", "rules.err.unknown_key"} <= keys
    missing = sorted(k for k in keys if k not in TEXT)
    assert not missing, missing
    for kind in rt.CONTROL_KINDS:
        control = rt.control_kind(kind).control
        for lang in ("zh", "en"):
            name = t(f"rules.kind.{kind}", lang)
            assert name in t(f"rules.control.pass.{control}", lang, kind=name)
            assert name in t("rules.control.no_layer", lang, kind=name)


def test_landuse_table_maps_a_column_in_one_pass():
    table = rt.landuse_class_table()
    column = [" 0101", "05h1", 601, "0404", "1202"]
    assert [table[rt.normalise_dlbm(c)] for c in column] == [
        "cropland", "construction", "construction", "unused", "agricultural"]
    assert table["04"] is None


def test_activity_codes_cover_red_line_and_control_line_activities():
    redline = yaml.safe_load((ROOT / "data/rules/redline_rules.yaml").read_text(encoding="utf-8"))
    codes = set(rt.activity_codes())
    assert set(redline["activities"]) <= codes
    assert {"national_major", "separate_site", "own_mining_works"} <= codes


def test_dem_must_be_fine_enough_for_a_slope():
    # the bundled 0.2° DEM (~20 km cells) never is; a 30 m DEM over a 20 ha site is
    assert not rt.dem_adequate(20_000, 0)
    assert rt.dem_adequate(30, int(200_000 / 900))
    assert rt.dem_adequate(90, 30)               # 3″ DEM over a ~25 ha site
    assert not rt.dem_adequate(90, 12)           # ... but not over a 10 ha one
    assert not rt.dem_adequate(250, 100)         # enough cells but coarser than 100 m
    text = t("rules.terrain.dem_coarse", "en", cell_km=20, elevation_m=2900)
    assert "20 km" in text and "2900" in text


def test_industry_policy_verdict_never_passes_an_unchecked_product(rules_copy, monkeypatch):
    al = rt.evaluate_industry_policy("电解铝", "3216")
    assert al.status == "WARN" and al.hits and al.reason_key == "rules.policy.hits"
    potash = rt.evaluate_industry_policy("氯化钾")
    assert potash.status == "WARN" and not potash.hits
    assert potash.reason_key == "rules.policy.none_unverified"
    assert rt.evaluate_industry_policy("藏毯").reason_key == "rules.policy.not_covered"
    assert rt.evaluate_industry_policy("").status == "UNKNOWN"
    for key in ("rules.policy.none_unverified", "rules.policy.not_covered", "rules.policy.no_product"):
        assert t(key, "zh") and t(key, "en")
    # once the official has checked the catalogues, a reviewed product without entry passes
    path = rules_copy / "industry_policy.yaml"
    _edit(path, "reviewed_without_entry:\n  verified: false", "reviewed_without_entry:\n  verified: true")
    monkeypatch.setattr(rt, "RULES_DIR", rules_copy)
    assert rt.evaluate_industry_policy("钾肥").status == "PASS"
    assert rt.evaluate_industry_policy("钾肥").reason_key == "rules.policy.none_verified"


def test_landuse_breakdown_charges_only_new_construction_land():
    # 20 ha site: 6 ha 旱地, 5 ha existing 工业用地, 4 ha 其他草地, 3 ha 盐碱地, 2 ha the layer misses
    b = rt.landuse_breakdown([("0103", 6), ("601", 5), ("0404", 4), (" 1204 ", 3)], 20)
    assert (b.cropland_ha, b.construction_ha, b.unused_ha, b.agricultural_ha) == (6, 5, 7, 0)
    assert b.uncovered_ha == pytest.approx(2)
    assert b.new_construction_ha == pytest.approx(15)          # everything but the 5 ha 工业用地
    # a mixed 2-digit code is not guessed: reported, and charged as new construction land
    b = rt.landuse_breakdown([("04", 3), ("05H1", 1)], 4)
    assert dict(b.unclassified) == {"04": 3} and b.new_construction_ha == pytest.approx(3)
    with pytest.raises(InputError):
        rt.landuse_breakdown([("0101", -1)], 4)


def test_outside_the_urban_boundary_only_concentrated_construction_fails():
    ub = rt.control_kind("urban_boundary")
    assert ub.status_for("industrial")[0] == "FAIL"
    for activity in ("linear_infrastructure", "eco_tourism", "separate_site", "national_major"):
        assert ub.status_for(activity)[0] == "WARN", activity
    assert rt.control_kind("farmland").status_for("linear_infrastructure")[0] == "WARN"
    assert rt.control_kind("wetland").status_for("ecological_restoration", "国家")[0] == "WARN"
    assert rt.control_kind("wetland").status_for("eco_tourism", "国家级")[0] == "FAIL"


def test_a_broken_control_table_does_not_break_the_translation_table(rules_copy, monkeypatch):
    """geo.i18n merges the step texts at import; a broken table leaves them out and the check
    that reads the table reports the table's own error instead of a crash at start-up."""
    from geo.i18n_parts import h4_rules

    _edit(rules_copy / "control_lines.yaml", "    control: must_lie_inside", "    contrl: must_lie_inside")
    monkeypatch.setattr(rt, "RULES_DIR", rules_copy)
    assert h4_rules._control_texts() == {}
    with pytest.raises(InputError) as err:
        rt.control_kind("urban_boundary")
    assert err.value.key == "rules.err.unknown_key"


def test_the_terrain_rule_text_says_the_tables_dem_limits():
    """The rule text a report prints names the DEM limits the check applies (the walk found
    '9 cell centres' in the text while the check asked for 25)."""
    rules = rt.terrain_rules()
    for lang in ("zh", "en"):
        text = t("rule.terrain.slope", lang)
        assert str(rules.min_cells_in_site) in text and f"{rules.max_cell_m_for_slope:g}" in text, text
