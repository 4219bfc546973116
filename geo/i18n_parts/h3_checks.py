"""Translations of the check registry: column titles, units, layer names, verdicts."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # the two verdicts
    "verdict.compliance": ("合规性结论", "Compliance verdict"),
    "verdict.suitability": ("适宜性（建议）", "Suitability (advisory)"),
    "verdict.suitability_note": ("适宜性用于比选排序，不作审批依据。",
                                 "Suitability ranks sites; it approves nothing."),
    "suit.line": ("适宜性得分 {score:.2f}（{band}）：{parts}",
                  "Suitability score {score:.2f} ({band}): {parts}"),
    "suit.none": ("适宜性无法评分（各项均无数据）：{parts}",
                  "Suitability not scored (no part known): {parts}"),
    "suit.part_unknown": ("无数据", "no data"),
    "suit.band.high": ("较高", "high"),
    "suit.band.medium": ("中等", "medium"),
    "suit.band.low": ("较低", "low"),
    "suit.band.unknown": ("无法评分", "not scored"),
    "kind.binding": ("合规性（约束性）", "compliance (binding)"),
    "kind.advisory": ("适宜性（建议性）", "suitability (advisory)"),
    # layers named in messages
    "lyr.redline": ("生态保护红线", "ecological red line"),
    "lyr.deposits": ("矿产地", "mineral deposit"),
    "lyr.bases": ("产业基地", "industrial base"),
    "lyr.quotas": ("建设用地指标", "land quota"),
    "lyr.dem": ("数字高程模型", "DEM"),
    # messages added by the corrections
    "chk.redline.warn_major": (
        "国家重大项目与 {n} 处生态保护红线重叠 {overlap_ha:,.2f} 公顷（占选址 {share_pct:.1f}%）：{names}；"
        "不属有限人为活动，须：{requires}",
        "A national major project overlapping {n} red-line zone(s) by {overlap_ha:,.2f} ha "
        "({share_pct:.1f}% of the site): {names}; not a limited human activity, it needs "
        "{requires}"),
    "rule.redline.overlap_major": (
        "有限人为活动之外，确需占用生态保护红线的国家重大项目，须由省级人民政府出具不可避让论证意见，"
        "并按规定办理占用生态保护红线的用地审批（自然资发〔2022〕142号 三）。",
        "A national major project that must occupy the red line outside the limited human "
        "activities needs the provincial government's cannot-avoid demonstration opinion and "
        "the approval of the occupation (自然资发〔2022〕142号 §3)."),
    "chk.base.pass_regional": (
        "位于{base}内（{share_pct:.0f}%）；“{product}”由政策文本按区域指派到该基地所在区域"
        "（{cite}），属区域指派推定",
        "Inside {base} ({share_pct:.0f}%); '{product}' is assigned by a policy text to the "
        "region that holds this base ({cite}): derived from a regional assignment"),
    # column titles (units apart)
    "col.name": ("名称", "Name"),
    "col.overlap_area": ("重叠面积", "Overlap"),
    "col.overlap_share": ("占选址比例", "Share of the site"),
    "col.n_overlapped": ("重叠图斑数", "Features overlapped"),
    "col.nearest_zone": ("最近的红线区", "Nearest zone"),
    "col.nearest_deposit": ("最近的矿产地", "Nearest deposit"),
    "col.distance_nearest": ("与最近要素距离", "Distance to the nearest"),
    "col.distance": ("距离", "Distance"),
    "col.layer_share_province": ("所用图层占全省生态保护红线比例",
                                 "Layer's share of the provincial red line"),
    "col.covered_share": ("数据覆盖选址比例", "Share of the site the data cover"),
    "col.category": ("类型", "Category"),
    "col.control_level": ("管控级别", "Control level"),
    "col.legal_basis": ("法律依据", "Legal basis"),
    "col.accuracy": ("数据精度", "Data accuracy"),
    "col.buffer": ("矿产地点位计入半径", "Radius counted around a deposit point"),
    "col.n_salt_lakes": ("含矿盐湖数", "Mineral salt lakes"),
    "col.n_important": ("重要矿产数", "Important minerals"),
    "col.resource_kind": ("类别", "Kind"),
    "col.mineral": ("矿种", "Mineral"),
    "col.scale": ("规模", "Scale"),
    "col.important": ("重要矿产", "Important mineral"),
    "col.base": ("产业基地", "Base"),
    "col.share_inside": ("位于基地内比例", "Share inside the base"),
    "col.distance_base": ("与基地距离", "Distance to the base"),
    "col.matched": ("相符的产业链环节或指派产品", "Matching chain steps or assigned products"),
    "col.n_admitting": ("相符的基地数", "Bases that admit the product"),
    "col.role": ("关系", "Role"),
    "col.cite": ("依据（文件、条款）", "Basis (document, section)"),
    "col.derived": ("区域指派推定", "Derived from a regional assignment"),
    "col.year": ("年度", "Year"),
    "col.requested": ("申请用地", "Requested"),
    "col.new_construction": ("新增建设用地", "New construction land"),
    "col.existing_construction": ("现状建设用地", "Existing construction land"),
    "col.farmland_taken": ("占用永久基本农田", "Permanent basic farmland taken"),
    "col.cropland_taken": ("占用耕地", "Cropland taken"),
    "col.allocated": ("下达指标", "Allocated"),
    "col.used": ("已使用", "Used"),
    "col.reserved": ("已预留", "Reserved"),
    "col.remaining": ("剩余指标", "Remaining"),
    "col.use_share": ("占剩余指标比例", "Share of the remaining quota"),
    "col.source": ("来源", "Source"),
    "col.elev_mean": ("平均高程", "Mean elevation"),
    "col.elev_min": ("最低高程", "Lowest elevation"),
    "col.elev_max": ("最高高程", "Highest elevation"),
    "col.dem_cell": ("高程数据格网", "DEM cell"),
    "col.n_cells": ("选址内格网中心数", "DEM cell centres in the site"),
    "col.slope_class": ("坡度分级", "Slope class"),
    "col.slope_above": ("坡度下限", "Slope above"),
    "col.share_of_site": ("占选址比例", "Share of the site"),
    "col.status": ("结论", "Status"),
    "col.score": ("得分", "Score"),
    "col.upstream_score": ("上游得分", "Upstream score"),
    "col.downstream_score": ("下游得分", "Downstream score"),
    "col.reason": ("说明", "Reason"),
    "col.side": ("上下游", "Side"),
    "col.product": ("产品", "Product"),
    "col.host": ("最近承载地", "Nearest host"),
    "col.road_distance": ("道路距离（估）", "Road distance (est.)"),
    "col.missing": ("省内无承载地", "No host in the province"),
    # units
    "unit.ha": ("公顷", "ha"),
    "unit.m": ("米", "m"),
    "unit.km": ("公里", "km"),
    "unit.km_from_m": ("公里", "km"),
    "unit.pct_grade": ("%坡度", "% grade"),
    # report
    "rpt.side.upstream": ("上游", "upstream"),
    "rpt.side.downstream": ("下游", "downstream"),
}
TEXT.update({
    # site-check page: result section and project form
    "site.col.kind": ("性质", "Kind"),
    "site.verdict_compliance": ("合规性结论：{status}", "Compliance verdict: {status}"),
    "site.missing_layers": ("以下管控图层尚未导入，相应核查为“无法判断”：{kinds}",
                            "These control layers are not imported; their checks are UNKNOWN: "
                            "{kinds}"),
    "site.applicant": ("用地单位", "Applicant (用地单位)"),
    "site.project_name": ("项目名称", "Project name"),
    "site.project_code": ("项目代码", "Project code"),
    "site.industry": ("行业（GB/T 4754 分类）", "Industry (GB/T 4754 class)"),
    "site.industry_help": ("国民经济行业分类代码，如 C2624（复混肥料制造）或 C26",
                           "National industry classification code, e.g. C2624 or C26"),
    "site.land_use_type": ("用地性质", "Land-use type (用地性质)"),
    "site.floor_area": ("总建筑面积（平方米）", "Total floor area (m²)"),
    "site.footprint": ("建筑物及构筑物基底面积（平方米）", "Building and structure footprint (m²)"),
    "site.admin_area": ("行政办公及生活服务设施用地面积（平方米）",
                        "Land for offices and living services (m²)"),
    "site.own_mining_right": ("本项目为采矿权人在其矿区范围内的自用工程（填矿业权编号或名称）",
                              "The project is a mining-right holder's own works inside its "
                              "mining area (right id or name)"),
    "site.own_mining_right_help": ("留空表示不是", "Leave empty if not"),
})


def _control_texts() -> dict[str, tuple[str, str]]:
    """Check names and rule texts of the control-line kinds, from data/rules/control_lines.yaml."""
    from geo.rules_tables import CONTROL_KINDS, control_kind

    what = {"must_not_overlap": ("选址不得占用{zh}", "A site must not overlap {en}"),
            "must_lie_inside": ("工业项目选址应位于{zh}以内", "An industrial site must lie inside {en}"),
            "consult": ("选址与{zh}重叠的，须按规定办理相关评估或审批",
                        "A site overlapping {en} needs the assessment or approval the rules require")}
    out = {}
    for kid in CONTROL_KINDS:
        k = control_kind(kid)
        zh, en = what[k.control]
        out[f"check.{kid}"] = (k.name_zh, k.name_en[:1].upper() + k.name_en[1:])
        out[f"layer.{kid}"] = out[f"check.{kid}"]
        out[f"rules.control_rule.{kid}"] = (
            zh.format(zh=k.name_zh) + "；各级别、各类项目的结论与须办理的手续按管控线规则表。",
            en.format(en=k.name_en) + "; the status per level and activity and the step to take "
            "follow the control-line rules table.")
    return out


TEXT.update(_control_texts())
TEXT.update({
    "chk.control.pass": ("与{kind}无重叠", "No overlap with {kind}"),
    "chk.control.overlap": ("与 {n} 处{kind}重叠 {overlap_ha:,.2f} 公顷（占选址 {share_pct:.1f}%）：{names}。{step}",
                            "Overlaps {n} {kind} feature(s) by {overlap_ha:,.2f} ha ({share_pct:.1f}% "
                            "of the site): {names}. {step}"),
    "chk.control.outside": ("选址有 {outside_ha:,.2f} 公顷（{share_pct:.1f}%）位于{kind}以外。{step}",
                            "{outside_ha:,.2f} ha ({share_pct:.1f}%) of the site lie outside the "
                            "{kind}. {step}"),
    "chk.control.inside": ("选址全部位于{kind}以内", "The site lies wholly inside the {kind}"),
    "col.outside": ("位于边界以外", "Outside the boundary"),
    "col.step": ("须办理的手续", "Step to take"),
    "col.holder": ("矿业权人", "Right holder"),
    "col.own_right": ("本矿区自用工程", "Holder's own works"),
})

TEXT.update({
    "check.landuse": ("现状地类（三调）", "Current land use (三调)"),
    "check.landuse_standard": ("建设用地控制指标", "Land-use standard"),
    "check.industry_policy": ("产业政策", "Industry policy"),
    "lyr.landuse": ("三调现状地类", "三调 land-use"),
    "layer.landuse": ("三调现状地类（DLBM）", "Current land use (三调, DLBM)"),
    "chk.input_missing": ("未填写{figure}，无法判断", "{figure} is not given; cannot judge"),
    "chk.landuse.pass": (
        "选址为现状建设用地 {construction_ha:,.2f} 公顷、未利用地 {unused_ha:,.2f} 公顷，不占耕地和农用地；"
        "新增建设用地 {new_ha:,.2f} 公顷",
        "The site is existing construction land ({construction_ha:,.2f} ha) and unused land "
        "({unused_ha:,.2f} ha), no cropland or farmland; new construction land {new_ha:,.2f} ha"),
    "chk.landuse.warn": (
        "占用耕地 {cropland_ha:,.2f} 公顷（须落实耕地占补平衡）、其他农用地 {agricultural_ha:,.2f} 公顷"
        "（须办理农用地转用）；现状建设用地 {construction_ha:,.2f} 公顷，新增建设用地 {new_ha:,.2f} 公顷；"
        "地类待核 {unclassified_ha:,.2f} 公顷",
        "Takes {cropland_ha:,.2f} ha of cropland (耕地占补平衡 required) and {agricultural_ha:,.2f} ha "
        "of other agricultural land (conversion approval required); existing construction land "
        "{construction_ha:,.2f} ha, new construction land {new_ha:,.2f} ha; unclassified "
        "{unclassified_ha:,.2f} ha"),
    "rule.landuse.current": (
        "按三调现状地类划分选址：占用耕地须落实占补平衡（占多少、垦多少），农用地转为建设用地须办理农用地转用审批"
        "（《土地管理法》第三十条、第四十四条）；新增建设用地 = 选址 − 现状建设用地。",
        "The site is split by current land use (三调): cropland taken needs an equal area "
        "reclaimed (占补平衡), agricultural land converted needs conversion approval (Land "
        "Administration Law art. 30, 44); new construction land = site − existing construction land."),
    "chk.landuse_standard": ("{industry}：{text}", "{industry}: {text}"),
    "chk.landuse_standard.not_covered": ("{reason}", "{reason}"),
    "rule.landuse_standard": (
        "工业项目的投资强度、容积率、建筑系数、行政办公及生活服务设施用地所占比重应符合《工业项目建设用地控制指标》"
        "按行业和地区分类的控制值。",
        "An industrial project's investment intensity, plot ratio, building coverage and share "
        "of office and living land must meet the control values of the industrial land-use "
        "standard for its industry and region class."),
    "chk.industry_policy.pass": (
        "“{product}”不在规则表所列的《产业结构调整指导目录》限制类、淘汰类及限制、禁止用地项目目录条目中",
        "'{product}' is not among the restricted / eliminated entries of the industrial "
        "structure catalogue or the restricted / prohibited land-supply catalogues listed in the "
        "rules table"),
    "chk.industry_policy.hit": ("{text}", "{text}"),
    "rule.industry_policy": (
        "《产业结构调整指导目录》限制类提示、淘汰类不通过；《限制用地项目目录》提示、《禁止用地项目目录》不通过。",
        "Restricted entries of the industrial structure catalogue WARN, eliminated ones FAIL; "
        "the restricted land-supply catalogue WARNs, the prohibited one FAILs."),
    "col.dlbm": ("地类编码", "Land-use code"),
    "col.dlmc": ("地类名称", "Land-use name"),
    "col.landuse_class": ("三大类", "Class"),
    "col.agricultural": ("农用地（耕地除外）", "Agricultural land (not cropland)"),
    "col.unused": ("未利用地", "Unused land"),
    "col.unclassified": ("地类待核", "Unclassified"),
    "col.industry": ("行业", "Industry"),
    "col.indicator": ("指标", "Indicator"),
    "col.value": ("项目值", "Project value"),
    "col.threshold": ("控制值", "Control value"),
    "col.catalogue": ("目录", "Catalogue"),
    "col.policy_category": ("类别", "Category"),
    "col.entry": ("条目", "Entry"),
    "rules.landuse.class.unclassified": ("待核", "unclassified"),
})

TEXT.update({
    "rpt.data_versions": ("所用数据及版本", "Data and versions used"),
    "rpt.missing_kinds": ("未导入数据的管控类型（相应核查为“无法判断”）",
                          "Control kinds with no data imported (their checks are UNKNOWN)"),
    "rpt.missing_none": ("各管控类型均已导入数据。", "Every control kind has data."),
})
