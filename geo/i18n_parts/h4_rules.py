"""Texts of the rules tables (geo/rules_tables.py): errors, control-line steps, land-use
standard and industry-policy reasons, land-use classes.

The control-line step texts and kind / activity names are read from
``data/rules/control_lines.yaml`` (the table stays the one source of its words); a table that
does not load leaves them out here and raises its own error when a check reads it.
"""
from __future__ import annotations

from ..errors import QPAError

TEXT: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- errors
    "rules.err.unknown_table": ("未知的规则表“{table}”；可选：{allowed}",
                                "Unknown rules table '{table}'; known: {allowed}"),
    "rules.err.file": ("规则表 {table} 无法读取：{detail}", "Rules table {table} cannot be read: {detail}"),
    "rules.err.bad_value": ("规则表 {table} 的 {where} 有误：{detail}",
                            "Rules table {table}, {where}: {detail}"),
    "rules.err.unknown_key": ("规则表 {table} 的 {where} 中有未知项“{field}”（是否应为“{hint}”？）",
                              "Rules table {table}, {where}: unknown key '{field}' (did you mean '{hint}'?)"),
    "rules.err.missing_key": ("规则表 {table} 的 {where} 缺少“{field}”",
                              "Rules table {table}, {where}: '{field}' is missing"),
    "rules.err.no_source": ("规则表 {table} 的 {where} 缺少依据或待核说明",
                            "Rules table {table}, {where}: the source (or what to check) is missing"),
    "rules.err.unknown_kind": ("未知的管控线类型“{kind}”；可选：{allowed}",
                               "Unknown control-line kind '{kind}'; known: {allowed}"),
    "rules.err.unknown_activity": ("未知的项目活动类型“{activity}”；可选：{allowed}",
                                   "Unknown project activity '{activity}'; allowed: {allowed}"),
    "rules.err.landuse_code": ("未知的地类编码“{code}”（应为 GB/T 21010 或三调工作分类编码）",
                               "Unknown land-use code '{code}' (expected a GB/T 21010 or 三调 code)"),
    "rules.err.landuse_ambiguous": ("地类编码“{code}”包含不同类别的二级地类，须使用四位编码",
                                    "Land-use code '{code}' spans several classes; a 4-digit code is needed"),
    "rules.err.industry_code": ("行业代码“{code}”有误（应为 GB/T 4754 的2～4位数字）",
                                "Industry class '{code}' is not a 2–4 digit GB/T 4754 class"),
    "rules.err.industry_not_covered": (
        "行业“{code}”不属于《工业项目建设用地控制指标》适用的制造业（13～43大类）",
        "Industry '{code}' is not a manufacturing class (13–43) covered by the industrial land-use standard"),
    "rules.err.region_class": ("地区分类“{value}”有误；可选：{allowed}",
                               "Region class '{value}' is not valid; allowed: {allowed}"),
    "rules.err.bad_input": ("{name} 须为不小于0的数字（收到 {value}）",
                            "{name} must be a number ≥ 0 (got {value})"),
    "rules.err.area_exceeds_site": ("{name}（{value} m²）大于用地面积（{site_m2} m²）",
                                    "{name} ({value} m²) is larger than the site ({site_m2} m²)"),
    # ---------------------------------------------------------------- control lines (generic)
    "rules.control.no_layer": ("未导入{kind}数据，无法判断（不视为通过）；请向主管部门调取{kind}成果核实选址，"
                               "或在“数据管理”导入后重新检查",
                               "No {kind} data imported: not checked (never a pass). Obtain the "
                               "{kind} data from the competent authority to verify the site, or "
                               "import it on the data page and check again"),
    "rules.control.pass.must_not_overlap": ("选址与{kind}无重叠", "The site does not overlap {kind}"),
    "rules.control.pass.must_lie_inside": ("选址全部位于{kind}内", "The site lies wholly inside {kind}"),
    "rules.control.pass.consult": ("选址不在{kind}内", "The site is not in {kind}"),
    "rules.control.level_unknown": ("图层未给出可识别的级别（字段 {field}），按{level}从严判断，请核对",
                                    "The layer gives no recognisable level (field {field}); treated as "
                                    "{level} (the strictest), check it"),
    "rules.control.type.must_not_overlap": ("不得占用", "must not overlap"),
    "rules.control.type.must_lie_inside": ("须位于其内", "must lie inside"),
    "rules.control.type.consult": ("涉及须论证/评估", "needs a study or approval"),
    # ---------------------------------------------------------------- terrain
    "rules.terrain.dem_coarse": (
        "DEM 格网约 {cell_km} km，粗于选址，不计算坡度；选址高程约 {elevation_m} m",
        "DEM cell ~{cell_km} km, coarser than the site: no slope is computed; elevation about {elevation_m} m"),
    # ---------------------------------------------------------------- land-use classes
    "rules.landuse.class.cropland": ("耕地", "Cropland"),
    "rules.landuse.class.agricultural": ("农用地（耕地除外）", "Agricultural land (other than cropland)"),
    "rules.landuse.class.construction": ("建设用地", "Construction land"),
    "rules.landuse.class.unused": ("未利用地", "Unused land"),
    # ---------------------------------------------------------------- land-use standard
    "rules.land.indicator.investment_intensity": ("投资强度（万元/公顷）", "Investment intensity (10k yuan/ha)"),
    "rules.land.indicator.plot_ratio": ("容积率", "Plot ratio"),
    "rules.land.indicator.building_coverage": ("建筑系数（%）", "Building coverage (%)"),
    "rules.land.indicator.admin_share": ("行政办公及生活服务设施用地所占比重（%）",
                                         "Administration and living-service land share (%)"),
    "rules.land.indicator.green_share": ("绿地率（%）", "Green-space share (%)"),
    "rules.land.input.investment_wan": ("项目总投资（万元）", "total investment (10k yuan)"),
    "rules.land.input.floor_area_m2": ("总建筑面积（m²）", "total floor area (m²)"),
    "rules.land.input.footprint_m2": ("建筑物及构筑物基底面积（m²）", "footprint of buildings and structures (m²)"),
    "rules.land.input.admin_area_m2": ("行政办公及生活服务设施用地面积（m²）",
                                       "administration and living-service land (m²)"),
    "rules.land.input.green_area_m2": ("绿地面积（m²）", "green space (m²)"),
    "rules.land.missing": ("未填写{figure}，无法计算{name}", "{name}: cannot be computed, {figure} is not given"),
    "rules.land.unverified": ("{name} {value}：本表未核实该行业（地区）的控制值，请按{edition}核对",
                              "{name} {value}: the threshold for this industry (region) is not verified "
                              "in the rules table; check it in {edition}"),
    "rules.land.fail": ("{name} {value}，不符合控制值（{comparison} {threshold}）",
                        "{name} {value} does not meet the threshold ({comparison} {threshold})"),
    "rules.land.pass": ("{name} {value}，符合控制值（{comparison} {threshold}）",
                        "{name} {value} meets the threshold ({comparison} {threshold})"),
    "rules.land.fail_edition": ("{name} {value}，不符合{edition}的控制值（{comparison} {threshold}）；"
                                "该版本是否现行未核实：请按现行《工业项目建设用地控制指标》复核，"
                                "仍不符合的不予通过",
                                "{name} {value} does not meet the threshold of {edition} "
                                "({comparison} {threshold}); whether that edition is in force is "
                                "not confirmed: re-check against the edition in force, and refuse "
                                "the site if it still fails"),
    "rules.land.edition": ("{name} {value}，符合{edition}的控制值（{comparison} {threshold}）；"
                           "现行版本未核实，请按现行《工业项目建设用地控制指标》复核",
                           "{name} {value} meets the threshold of {edition} ({comparison} {threshold}); "
                           "the edition in force is not confirmed, re-check against it"),
    "rules.land.region_step": (
        "地区分类未确定：查《全国工业用地出让最低价标准》（国土资发〔2006〕307号）中该县的土地等别，按控制指标应用说明确定",
        "Region class not set: look up the county's land grade in the national minimum industrial-land "
        "price standard (国土资发〔2006〕307号) and derive the class per the application notes"),
    "rules.land.region_known": ("地区分类取自规则表", "Region class taken from the rules table"),
    # ---------------------------------------------------------------- industry policy
    "rules.policy.category.restricted": ("限制类", "restricted"),
    "rules.policy.category.eliminated": ("淘汰类", "eliminated"),
    "rules.policy.category.land_restricted": ("限制用地", "restricted land supply"),
    "rules.policy.category.land_prohibited": ("禁止用地", "prohibited land supply"),
    "rules.policy.listed": ("属于{catalogue}{item}：{text}", "Listed in {catalogue} {item}: {text}"),
    "rules.policy.condition": ("可能属于{catalogue}{item}（{text}）：{condition}",
                               "May fall under {catalogue} {item} ({text}): {condition}"),
    "rules.policy.unverified": ("可能属于{catalogue}{item}（{text}，条文待核）：{condition}",
                                "May fall under {catalogue} {item} ({text}; wording to be checked): {condition}"),
    "rules.policy.hits": ("产品可能属于产业政策目录所列项目，见下列条目", "The product may fall under the catalogue entries below"),
    "rules.policy.no_product": ("未填写产品，无法对照产业政策目录", "No product given: the industry-policy catalogues cannot be checked"),
    "rules.policy.none_verified": ("产品未列入产业结构调整指导目录限制类、淘汰类及限制/禁止用地项目目录",
                                   "The product is not listed as restricted or eliminated, nor in the restricted / prohibited land lists"),
    "rules.policy.none_unverified": ("规则表未见该产品的限制类、淘汰类或限制/禁止用地条目，但尚未对照目录原文核实，请核对",
                                     "The rules table has no restricted / eliminated / land-list entry for this product, but this is not yet checked against the gazetted catalogues; check it"),
    "rules.policy.not_covered": ("规则表未收录该产品，请对照《产业结构调整指导目录（2024年本）》及限制/禁止用地项目目录人工核对",
                                 "The rules table does not cover this product; check it against the 2024 industrial-structure catalogue and the restricted / prohibited land lists"),
    "rules.policy.check_text": ("请对照目录原文核对该条目", "check this entry against the gazetted catalogue"),
    # ---------------------------------------------------------------- minerals (压覆)
}


def _control_texts() -> dict[str, tuple[str, str]]:
    from .. import rules_tables as rt

    try:
        out = rt.control_step_texts()
        for code, names in rt.control_activities().items():
            out[f"rules.activity.{code}"] = names
        for kind in rt.CONTROL_KINDS:
            k = rt.control_kind(kind)
            out[f"rules.kind.{kind}"] = (k.name_zh, k.name_en)
    except QPAError:
        return {}
    return out


TEXT.update(_control_texts())
