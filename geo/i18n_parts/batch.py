"""Translations of the batch page: ranking many sites and the suitability surface (``batch.*``)."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "page.batch": ("批量选址与适宜性", "Batch ranking & suitability"),
    "batch.title": ("批量选址排序与全省适宜性", "Rank many sites; where in the province could it go"),
    "batch.intro": (
        "上传多个候选地块（CSV：site_id,lon,lat,area_ha，WGS84；或选址核查支持的矢量文件），"
        "对每个地块运行全部六项核查，按总体结论、产业链配套得分、用地指标排序。",
        "Upload many candidate sites (CSV site_id,lon,lat,area_ha in WGS84, or any vector file "
        "the site check reads); every site gets all six checks and is ranked by verdict, then "
        "chain adjacency, then land quota.",
    ),
    "batch.tab_rank": ("批量排序", "Rank sites"),
    "batch.tab_suit": ("全省适宜性", "Suitability surface"),
    "batch.file": ("候选地块文件", "Candidate sites file"),
    "batch.paste": ("或粘贴 CSV（site_id,lon,lat,area_ha）", "or paste CSV (site_id,lon,lat,area_ha)"),
    "batch.product": ("产品 / 产业链环节", "Product / chain step"),
    "batch.product_help": ("中文或英文，例如 正极材料、钾肥、lithium carbonate",
                           "Chinese or English, e.g. 正极材料, 钾肥, lithium carbonate"),
    "batch.year": ("指标年度", "Quota year"),
    "batch.run": ("开始批量核查", "Screen all sites"),
    "batch.no_sites": ("请上传文件或粘贴 CSV。", "Upload a file or paste a CSV first."),
    "batch.no_product": ("请填写产品。", "Enter a product."),
    "batch.progress": ("已核查 {done}/{total} 个地块", "Screened {done} of {total} [site|sites:total]"),
    "batch.done": ("{n} 个地块核查完毕，用时 {sec:.1f} 秒。", "{n} [site|sites:n] screened in {sec:.1f} s."),
    "batch.counts": ("通过 {PASS}，无法判断 {UNKNOWN}，注意 {WARN}，不通过 {FAIL}",
                     "PASS {PASS}, UNKNOWN {UNKNOWN}, WARN {WARN}, FAIL {FAIL}"),
    "batch.ranking": ("排序结果", "Ranking"),
    "batch.mode": ("排序方式", "Rank by"),
    "batch.mode.lex": ("依次比较：结论 → 产业链 → 指标", "in turn: verdict → chain → quota"),
    "batch.mode.weighted": ("加权得分", "weighted score"),
    "batch.w_verdict": ("权重：总体结论", "Weight: verdict"),
    "batch.w_chain": ("权重：产业链配套", "Weight: chain adjacency"),
    "batch.w_quota": ("权重：用地指标", "Weight: land quota"),
    "batch.weights_help": (
        "各分项取 0–1：结论（通过 1，无法判断 2/3，注意 1/3，不通过 0）、产业链配套得分、"
        "剩余指标（扣除本项目后，满 100 公顷记 1）。加权得分为加权平均。"
        "合规性结论为“不通过”的地块无论权重如何都排在最后：权重只在建议性因素之间取舍，不能抵消约束性规则。",
        "Each component is in 0–1: verdict (PASS 1, UNKNOWN 2/3, WARN 1/3, FAIL 0), the chain "
        "adjacency score, quota left after the request (100 ha or more counts 1). The score is "
        "the weighted mean. Sites whose compliance verdict is FAIL rank last whatever the "
        "weights: weights trade advisory merits, never a binding rule.",
    ),
    "batch.map": ("地块分布（按结论着色）", "Sites on the map (coloured by verdict)"),
    "batch.map_limited": ("地图仅显示排名前 {n} 个地块。", "The map shows the best {n} sites only."),
    "batch.sites_layer": ("候选地块", "Candidate sites"),
    "batch.site_tip": ("第 {rank} 名 {site}：{status}，产业链 {score}",
                       "#{rank} {site}: {status}, chain {score}"),
    "batch.download": ("下载", "Download"),
    "batch.dl.csv": ("排序表 CSV", "Ranking CSV"),
    "batch.dl.geojson": ("地块 GeoJSON", "Sites GeoJSON"),
    "batch.dl.xlsx": ("Excel 工作簿", "Excel workbook"),
    "batch.dl.csv_stem": ("批量选址排序", "batch-ranking"),
    "batch.dl.sheet": ("排序", "ranking table"),
    "batch.sens": ("权重敏感性", "Weight sensitivity"),
    "batch.sens_help": (
        "将权重各乘以对数正态随机因子（σ 可调）重复排序，统计每个地块进入前 3 名的比例。",
        "The weights are each multiplied by a log-normal random factor (σ adjustable) and the "
        "sites re-ranked; the share of draws in which each site is in the top 3.",
    ),
    "batch.draws": ("抽样次数", "Draws"),
    "batch.spread": ("扰动幅度 σ", "Perturbation σ"),
    "batch.sens_caption": ("基于当前权重（{weights}），{draws} 次抽样。",
                           "Around the current weights ({weights}), {draws} draws."),
    "batch.col.top_share": ("进入前3比例", "top-3 share"),
    "batch.col.mean_rank": ("平均名次", "mean rank"),
    "batch.col.best_rank": ("最好名次", "best rank"),
    "batch.col.worst_rank": ("最差名次", "worst rank"),
    # suitability
    "batch.suit_intro": (
        "全省格网，每个格元按产业链上下游配套（与选址核查第6项同一距离衰减）和到匹配产业基地的"
        "距离评分；生态保护红线和重要矿产压覆范围已扣除。",
        "A grid over the province; each cell is scored by chain adjacency (the same distance "
        "decay as check 6) and by the distance to a matching base; ecological red lines and "
        "important-mineral overlaps are masked out.",
    ),
    "batch.resolution": ("格网分辨率（米）", "Cell size (m)"),
    "batch.w_adjacency": ("权重：产业链配套", "Weight: chain adjacency"),
    "batch.w_base": ("权重：匹配基地距离", "Weight: distance to a matching base"),
    "batch.suit_run": ("计算适宜性", "Compute the surface"),
    "batch.suit_done": (
        "{product}：{nx} × {ny} 个格元，用时 {sec:.1f} 秒；可用 {open:,}，红线 {redline:,}，"
        "重要矿产 {mineral:,}；最高分 {max:.2f}。匹配基地：{bases}。",
        "{product}: {nx} × {ny} cells in {sec:.1f} s; open {open:,}, red line {redline:,}, "
        "important mineral {mineral:,}; best score {max:.2f}. Matching bases: {bases}.",
    ),
    "batch.suit_layer": ("适宜性评分", "Suitability score"),
    "batch.suit_legend": ("适宜性（{product}）", "Suitability ({product})"),
    "batch.mask_redline": ("生态保护红线（扣除）", "Ecological red line (masked)"),
    "batch.mask_mineral": ("重要矿产压覆（扣除）", "Important mineral (masked)"),
    "batch.dl.tif": ("下载 GeoTIFF", "Download GeoTIFF"),
    "batch.tif_help": ("4 个波段：评分、产业链配套、基地距离分（无数据 -1）、扣除原因（0 可用，1 红线，"
                       "2 重要矿产，3 省外）；EPSG:4326。",
                       "4 bands: score, chain adjacency, base proximity (nodata -1), mask "
                       "(0 open, 1 red line, 2 important mineral, 3 outside); EPSG:4326."),
    # errors
    "err.batch_weights": ("权重有误：{names}", "Bad weights: {names}"),
    "err.suit_product": ("产品“{product}”不在产业链词表中", "The product '{product}' is not in the "
                         "chain vocabulary"),
    "err.suit_resolution": ("分辨率 {value} 不可用", "Cell size {value} cannot be used"),
}
