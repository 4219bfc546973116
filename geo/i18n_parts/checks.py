"""Translations of the site check: check names, statuses, rules, summaries.

Activity names (``activity.<code>``) and their requirements are read from
``data/rules/redline_rules.yaml`` so that the rules file stays the one source.
Message parameters ending in ``_zh`` / ``_en`` are chosen by language
(:func:`geo.checks.result.localise_params`).
"""
from __future__ import annotations

from pathlib import Path

import yaml

TEXT: dict[str, tuple[str, str]] = {
    # checks and statuses
    "check.redline": ("生态保护红线", "Ecological red line"),
    "check.minerals": ("压覆矿产", "Mineral overlap"),
    "check.base": ("产业基地与定位", "Base and positioning"),
    "check.quota": ("建设用地指标", "Land quota"),
    "check.terrain": ("地形", "Terrain"),
    "check.chain": ("产业链配套", "Chain adjacency"),
    "check.overall": ("合规性结论", "Compliance verdict"),
    "status.PASS": ("通过", "PASS"),
    "status.WARN": ("注意", "WARN"),
    "status.FAIL": ("不通过", "FAIL"),
    "status.UNKNOWN": ("无法判断（无数据）", "UNKNOWN (no data)"),
    "accuracy.user": ("用户提供", "user-supplied"),
    # metric labels
    "metric.buildable_ha": ("可建设面积（公顷）", "Buildable area (ha)"),
    # shared messages
    "chk.no_layer": ("未导入{layer}数据，无法判断；请向主管部门核实选址是否涉及该图层，或在“数据管理”"
                     "导入后重新检查",
                     "No {layer} data imported; cannot judge. Verify with the competent authority "
                     "whether the site touches this layer, or import it on the data page and check "
                     "again"),
    "chk.no_coverage": ("{layer}数据只覆盖选址的 {covered_pct:.0f}%，覆盖部分无重叠，其余无法判断；"
                        "请向主管部门核实其余部分，或在“数据管理”导入覆盖该处的数据后重新检查",
                        "The {layer} data cover {covered_pct:.0f}% of the site and nothing overlaps "
                        "that part; the rest cannot be judged. Verify the rest with the competent "
                        "authority, or import data covering it on the data page and check again"),
    "chk.overall": ("合规性结论：{status}（{reasons}）", "Compliance verdict: {status} ({reasons})"),
    "chk.overall.indicative": ("所用示意数据图层：{layers}，结论仅供参考。",
                               "Indicative layers used: {layers}; for orientation only."),
    # red line
    "chk.redline.fail": (
        "与 {n} 处生态保护红线重叠 {overlap_ha:,.2f} 公顷（占选址 {share_pct:.1f}%）：{names}；"
        "“{activity}”不属于允许的有限人为活动",
        "Overlaps {n} red-line zone(s) by {overlap_ha:,.2f} ha ({share_pct:.1f}% of the site): "
        "{names}; '{activity}' is not an admitted limited human activity"),
    "chk.redline.fail_core": (
        "与 {n} 处生态保护红线重叠 {overlap_ha:,.2f} 公顷（占选址 {share_pct:.1f}%），"
        "含自然保护地核心保护区（{core_names}），原则上禁止人为活动",
        "Overlaps {n} red-line zone(s) by {overlap_ha:,.2f} ha ({share_pct:.1f}% of the site), "
        "including core protection zones ({core_names}) where human activity is prohibited in "
        "principle"),
    "chk.redline.warn_admitted": (
        "与 {n} 处生态保护红线重叠 {overlap_ha:,.2f} 公顷（占选址 {share_pct:.1f}%）：{names}；"
        "“{activity}”属允许的有限人为活动，需：{requires}",
        "Overlaps {n} red-line zone(s) by {overlap_ha:,.2f} ha ({share_pct:.1f}% of the site): "
        "{names}; '{activity}' is admitted and needs {requires}"),
    "chk.redline.warn_near": (
        "未与生态保护红线重叠，但距{name}仅 {distance_km:,.2f} 公里（{alert_km:g} 公里内提示）",
        "No red-line overlap, but {name} is only {distance_km:,.2f} km away "
        "(alert within {alert_km:g} km)"),
    "chk.redline.pass": (
        "与所用生态保护红线图层无重叠（该图层覆盖全省生态保护红线的 {province_pct:.0f}%）；"
        "最近的红线区为{name}，距 {distance_km:,.2f} 公里",
        "No overlap with the red-line layer in use (it covers {province_pct:.0f}% of the "
        "provincial red line); the nearest zone is {name}, {distance_km:,.2f} km away"),
    "chk.redline.warn_incomplete": (
        "与所用示意红线图层无重叠，但该图层仅覆盖全省生态保护红线的 {province_pct:.0f}%，不能据此认定"
        "选址已避让红线；最近的红线区为{name}，距 {distance_km:,.2f} 公里",
        "No overlap with the indicative red-line layer in use, but it covers only "
        "{province_pct:.0f}% of the provincial red line, so this does not show that the site "
        "avoids the red line; the nearest zone is {name}, {distance_km:,.2f} km away"),
    "rule.redline.incomplete_layer": (
        "只有以生态保护红线划定成果（“三区三线”）核对，未重叠才能作为选址避让红线的依据。"
        "请向自然资源主管部门调取选址所在范围的生态保护红线划定成果核实，或在“数据管理”导入"
        "权威红线图层后重新检查。",
        "No overlap shows that a site avoids the red line only when checked against the "
        "delineated red line (the 三区三线 result). Obtain the red-line delineation for the "
        "site's area from the natural resources authority, or import the authoritative "
        "red-line layer on the data page and check again."),
    "chk.redline.pass_empty": ("未与生态保护红线重叠（图层中没有红线区）",
                               "No red-line overlap (the layer holds no zones)"),
    "rule.redline.overlap_general": (
        "生态保护红线内、自然保护地核心保护区外，禁止开发性、生产性建设活动，仅允许对生态功能不造成破坏的"
        "10 类有限人为活动；有限人为活动之外确需占用的国家重大项目须经不可避让论证并办理占用审批"
        "（自然资发〔2022〕142号 一（一）、三）。",
        "Inside the ecological red line and outside core zones of protected areas, development "
        "and production construction is prohibited; only 10 kinds of limited human activity that "
        "do not harm ecological functions are admitted; national major projects that must occupy "
        "it need a cannot-avoid demonstration and approval (自然资发〔2022〕142号 §1.(1), §3)."),
    "rule.redline.overlap_core": (
        "生态保护红线内自然保护地核心保护区原则上禁止人为活动（厅字〔2019〕48号；《国家公园管理暂行办法》），"
        "仅允许管护巡护、调查监测、科研及原住居民不扩大规模的生产生活设施修缮等。",
        "Core protection zones of protected areas inside the red line prohibit human activity in "
        "principle (厅字〔2019〕48号; Interim Measures on National Park Management, 2022); only "
        "patrol, monitoring, research and residents' repairs without expansion are admitted."),
    "rule.redline.buffer_alert": (
        "选址距生态保护红线在提示距离以内（项目设定的提示距离），建议核实红线边界。",
        "The site lies within the alert distance of a red line (project setting in "
        "project setting); verify the boundary."),
    "rule.redline.no_overlap": (
        "选址不得占用生态保护红线（自然资发〔2022〕142号）；列出最近红线区及 1/5/10 公里范围内的红线区。",
        "A site must not occupy the ecological red line (自然资发〔2022〕142号); the nearest zone and "
        "the zones within 1/5/10 km are listed."),
    # minerals
    "chk.minerals.fail": (
        "压覆重要矿产的储量范围：{items}（选址内 {overlap_ha:,.2f} 公顷），须依法办理压覆审批",
        "Overlays the reserve area of an important mineral: {items} ({overlap_ha:,.2f} ha of "
        "the site); the overlay needs approval under the law"),
    "chk.minerals.warn": (
        "需开展压覆重要矿产资源查询/评估：选址内或 {buffer_km:g} 公里范围内有示意矿产地或含矿盐湖：{items}",
        "A 压覆重要矿产资源 query/assessment is needed: indicative deposits or mineral salt lakes "
        "in the site or within {buffer_km:g} km: {items}"),
    "chk.minerals.pass": (
        "选址及 {buffer_km:g} 公里范围内无矿产地或含钾锂硼盐湖；最近的矿产地为{name}，距 {deposit_km:,.1f} 公里",
        "No deposit or K/Li/B salt lake in the site or within {buffer_km:g} km; the nearest "
        "deposit is {name}, {deposit_km:,.1f} km away"),
    "chk.minerals.pass_empty": ("选址范围内无矿产地（图层中没有矿产地）",
                                "No deposit at the site (the layer holds none)"),
    "rule.minerals.overlay": (
        "建设项目可能压覆重要矿产资源的，应查询并评估压覆情况，经批准后方可压覆（《中华人民共和国矿产资源法》"
        "2024年修订、2025年7月1日施行；国土资发〔2010〕137号）。示意矿产地点位或盐湖范围只提示需开展查询/评估；"
        "与导入的权威矿业权或储量范围（重要矿产）重叠才判为不通过。矿产压覆范围不扣减可建设面积。",
        "A project that may overlay important mineral resources must have the overlay queried "
        "and assessed and may overlay them only once approved (Mineral Resources Law, revised "
        "2024, in force 1 July 2025; 国土资发〔2010〕137号). An indicative deposit point or salt-lake "
        "outline only calls for the query; only an imported authoritative mining-right or "
        "reserve polygon of an important mineral fails. Mineral areas do not reduce the "
        "buildable area."),
    # base
    "chk.base.pass": (
        "位于{base}内（{share_pct:.0f}%），“{product}”符合其产业链：{steps}",
        "Inside {base} ({share_pct:.0f}%); '{product}' belongs to its chains: {steps}"),
    "chk.base.warn_partial": (
        "部分位于{base}内（{share_pct:.0f}%），其余在基地范围外；“{product}”符合其产业链：{steps}",
        "Only {share_pct:.0f}% inside {base}, the rest outside; '{product}' belongs to its "
        "chains: {steps}"),
    "chk.base.warn_mismatch": (
        "位于{base}内（{share_pct:.0f}%），但“{product}”不在其产业链或定位中；相符的基地：{admitting}",
        "Inside {base} ({share_pct:.0f}%), but '{product}' is not in its chains or positioning; "
        "bases that admit it: {admitting}"),
    "chk.base.warn_mismatch_none": (
        "位于{base}内（{share_pct:.0f}%），但没有任何产业基地的产业链或定位包含“{product}”",
        "Inside {base} ({share_pct:.0f}%), but no base's chains or positioning name '{product}'"),
    "chk.base.warn_outside_match": (
        "不在任何产业基地内；最近的{base}（{distance_km:,.1f} 公里）的产业链包含“{product}”",
        "Outside every base; the nearest, {base} ({distance_km:,.1f} km), admits '{product}'"),
    "chk.base.warn_outside": (
        "不在任何产业基地内；最近的基地为{base}（{distance_km:,.1f} 公里）；相符的基地：{admitting}",
        "Outside every base; the nearest is {base} ({distance_km:,.1f} km); bases that admit "
        "'{product}': {admitting}"),
    "chk.base.warn_outside_none": (
        "不在任何产业基地内，且没有基地的产业链包含“{product}”；最近的基地为{base}（{distance_km:,.1f} 公里）",
        "Outside every base and no base's chains name '{product}'; the nearest is {base} "
        "({distance_km:,.1f} km)"),
    "chk.base.unknown_inside": (
        "位于{base}内（{share_pct:.0f}%）；未填写产品，无法判断是否符合产业定位",
        "Inside {base} ({share_pct:.0f}%); no product given, positioning not checked"),
    "chk.base.unknown_outside": (
        "不在任何产业基地内，最近的为{base}（{distance_km:,.1f} 公里）；未填写产品，无法判断产业定位",
        "Outside every base, the nearest is {base} ({distance_km:,.1f} km); no product given, "
        "positioning not checked"),
    "rule.base.positioning": (
        "项目应位于重大产业基地内并符合基地的产业定位和产业链"
        "（《青海省人民政府关于加快工业转型升级建设重大产业基地的实施意见》四；青政〔2016〕48号 三（六）4）。",
        "A project should lie in a major industrial base and fit its positioning and chains "
        "(Qinghai opinions on building major industrial bases §4; 青政〔2016〕48号 §3.(6).4)."),
    # quota
    "chk.quota.pass": (
        "申请 {requested_ha:,.2f} 公顷，{base} {year} 年剩余指标 {remaining_ha:,.2f} 公顷（占用 {use_pct:.0f}%）；{charged}",
        "Requests {requested_ha:,.2f} ha; {base} has {remaining_ha:,.2f} ha left for {year} "
        "({use_pct:.0f}% used by this project); {charged}"),
    "chk.quota.warn": (
        "申请 {requested_ha:,.2f} 公顷，占{base} {year} 年剩余指标 {remaining_ha:,.2f} 公顷的 {use_pct:.0f}%，"
        "超过 {warn_pct:.0f}%；{charged}",
        "Requests {requested_ha:,.2f} ha, {use_pct:.0f}% of the {remaining_ha:,.2f} ha left at "
        "{base} for {year} (alert above {warn_pct:.0f}%); {charged}"),
    "chk.quota.fail": (
        "申请 {requested_ha:,.2f} 公顷，超过{base} {year} 年剩余指标 {remaining_ha:,.2f} 公顷；{charged}",
        "Requests {requested_ha:,.2f} ha, more than the {remaining_ha:,.2f} ha left at {base} "
        "for {year}; {charged}"),
    "chk.quota.unknown_base": ("选址不在产业基地内，没有对应的用地指标；{charged}",
                               "The site is not inside a base; no quota applies; {charged}"),
    "chk.quota.unknown_year": ("{base}没有 {year} 年的用地指标数据；{charged}",
                               "No quota figures for {base} in {year}; {charged}"),
    "rule.quota.remaining": (
        "申请用地不得超过所在基地当年剩余建设用地指标（下达 − 已用 − 预留）；占剩余指标比例超过提示值时提示。",
        "The land requested must not exceed the base's remaining quota for the year "
        "(allocated − used − reserved); above the alert share it is a warning."),
    # terrain
    "chk.terrain.pass": (
        "平均高程 {elev_mean:,.0f} 米（{elev_min:,.0f}–{elev_max:,.0f}）；{first}的部分占选址 {first_pct:.0f}%，"
        "未达坡度阈值",
        "Mean elevation {elev_mean:,.0f} m ({elev_min:,.0f}–{elev_max:,.0f}); {first_pct:.0f}% of "
        "the site has {first}, below the slope thresholds"),
    "chk.terrain.steep": (
        "{class}的部分占选址 {share_pct:.0f}%（达到 {min_pct:.0f}% 的阈值）；平均高程 {elev_mean:,.0f} 米",
        "{share_pct:.0f}% of the site has {class} (threshold {min_pct:.0f}%); mean elevation "
        "{elev_mean:,.0f} m"),
    "chk.terrain.coarse": (
        "高程数据格网约 {cell_km:,.1f} 公里，比选址粗（选址内 {n_centres} 个格网中心，需至少 {min_cells} 个）："
        "高程约 {elev_mean:,.0f} 米，坡度无法判断，需更细的高程数据",
        "DEM cell ~{cell_km:,.1f} km, coarser than the site ({n_centres} cell centres inside, "
        "{min_cells} needed): elevation ~{elev_mean:,.0f} m; slope not judged, a finer DEM is "
        "needed"),
    "rule.terrain.slope": (
        "按坡度分级（5%、10%、25%）统计选址陡于各级的面积比例，按比例阈值提示；"
        "高程数据须比选址细（选址内至少25个格网中心、格网不大于100米，30米更好）。属适宜性评价，不作合规结论。",
        "The share of the site steeper than each slope class (5%, 10%, "
        "25% grade) against share thresholds; the DEM must be fine enough (25 cell centres in "
        "the site, cells of 100 m or less, 30 m better). Advisory (suitability), not part of the "
        "compliance verdict."),
    # chain
    "chk.chain.no_product": ("未给出产品，无法判断上下游配套", "No product given; adjacency not judged"),
    "chk.chain.unknown_product": ("产业链图谱中没有“{product}”，无法判断上下游配套",
                                  "'{product}' is not in the chain graph; adjacency not judged"),
    "chk.chain.no_partners": ("“{product}”在产业链图谱中没有上下游环节",
                              "'{product}' has no upstream or downstream step in the chain graph"),
    "chk.chain.ok": ("“{product}”配套得分 {score:.2f}；{reach}",
                     "Adjacency score {score:.2f} for '{product}'; {reach}"),
    "chk.chain.low_score": ("“{product}”上下游配套得分 {score:.2f}，低于通过线；{reach}",
                            "Adjacency score {score:.2f} for '{product}' is below the pass line; "
                            "{reach}"),
    "chk.chain.missing_links": ("“{product}”配套得分 {score:.2f}；省内无承载地的环节：{missing}；{reach}",
                                "Score {score:.2f} for '{product}'; steps no base in the province "
                                "hosts: {missing}; {reach}"),
    "rule.chain.adjacency": (
        "项目上游原料与下游用户宜在邻近基地：按产业链图谱（青海省产业政策文本所列产业链）计算上下游最近承载地的"
        "距离衰减得分（项目设定的阈值）；最近承载地超出距离衰减范围（得分低于项目设定的下限）的环节不算邻近。",
        "A project's suppliers and customers should be in nearby bases: a distance-decay score "
        "over the nearest hosts of its upstream and downstream steps in the chain graph (the chains of "
        "Qinghai's industrial policy texts), with project-set thresholds; a step whose nearest "
        "host lies beyond the decay's reach (a score under the project-set floor) is not nearby."),
    # errors of the site check and the command line
    "err.activity": ("未知的活动类型“{activity}”；可选：{allowed}",
                     "Unknown activity '{activity}'; choose one of: {allowed}"),
    "err.layer_name": ("未知图层“{name}”", "Unknown layer '{name}'"),
    "err.layer_spec": ("图层参数有误：{detail}", "Bad layer option: {detail}"),
    "err.layer_file": ("图层文件有误：{detail}", "Bad layer file: {detail}"),
    "err.file_missing": ("找不到文件 {path}", "File {path} not found"),
    "err.file_unreadable": ("无法读取文件：{detail}", "Cannot read the file: {detail}"),
    "err.csv_columns": ("{path} 缺少列：{missing}（需要 site_id,lon,lat,area_ha）",
                        "{path} is missing column(s) {missing} (need site_id,lon,lat,area_ha)"),
    "err.csv_value": ("{path} 第 {line} 行 {field} 有误：{detail}",
                      "{path} line {line}, field {field}: {detail}"),
    "err.csv_number": ("{path} 第 {line} 行的 {field} 不是数字：“{value}”",
                       "{path} line {line}: {field} '{value}' is not a number"),
    "err.csv_range": ("{path} 第 {line} 行的 {field} 超出范围：{value}（应为 {bounds}）",
                      "{path} line {line}: {field} {value} is out of range ({bounds})"),
    "err.no_sites": ("{path} 中没有选址", "{path} holds no sites"),
    "err.site_empty": ("选址范围为空", "The site geometry is empty"),
    "err.site_type": ("选址必须是多边形（收到 {type}）", "The site must be a polygon (got {type})"),
    "err.site_range": ("选址坐标不是经纬度：{detail}", "Site coordinates are not lon/lat: {detail}"),
}


def _activities() -> dict[str, tuple[str, str]]:
    path = Path(__file__).resolve().parents[2] / "data" / "rules" / "redline_rules.yaml"
    with open(path, encoding="utf-8") as fh:
        rules = yaml.safe_load(fh)
    out: dict[str, tuple[str, str]] = {}
    for code, act in rules["activities"].items():
        out[f"activity.{code}"] = (act["name_zh"], act["name_en"])
        if act.get("requires_zh"):
            out[f"activity.{code}.requires"] = (act["requires_zh"], act["requires_en"])
    return out


TEXT.update(_activities())
