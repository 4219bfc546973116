"""Texts of the shared page helpers (state in the URL, pickers) and of the pages' new parts."""

TEXT = {
    "url.err.dismiss": ("知道了", "Dismiss"),
    "url.err.weight": ("链接中的权重 {value} 不是 0 到 1 之间的数，已忽略。",
                       "The link's weight {value} is not a number from 0 to 1; it was ignored."),
    "colon": ("：", ": "),
    "url.err.choice": ("链接中的参数 {param}={value} 不是可选值，已忽略。",
                       "The link's {param}={value} is not one of the choices; it was ignored."),
    "url.err.too_long": ("链接中的参数 {param} 过长，已忽略。",
                         "The link's {param} is too long; it was ignored."),
    "url.err.site_format": ("链接中的选址不是“经度,纬度;经度,纬度;…”格式，已忽略。",
                            "The link's site is not 'lon,lat;lon,lat;…'; it was ignored."),
    "url.err.site_points": ("链接中的选址只有 {n} 个顶点，一个面至少需要 3 个，已忽略。",
                            "The link's site has only {n} vertices; an area needs at least 3. It was ignored."),
    "url.err.site_size": ("链接中的选址过大（最多 {cap} 个顶点），已忽略。",
                          "The link's site is too large (at most {cap} vertices); it was ignored."),
    "url.site_too_big": ("选址顶点过多（{n} 个，上限 {cap} 个），链接中不含选址。",
                         "The site has too many vertices ({n}, at most {cap}) to go in the link."),
    "url.err.project": ("链接中的项目信息无法使用，已忽略；请重新填写项目信息。",
                        "The link's project is not usable; it was ignored. Fill in the project again."),
    "quota.col.id": ("编号", "No."),
    "quota.reason_col": ("原因", "Reason"),
    "quota.col.by": ("经办人", "By"),
    "quota.col.at": ("时间", "When"),
}
TEXT.update({
    "batch.sens_lex": ("“依次比较”排序不使用权重，结果不随权重变化；选择“加权得分”可查看权重敏感性。",
                       "Ranking in turn uses no weights, so it does not change with them; "
                       "choose the weighted score to see how sensitive the ranking is."),
})
TEXT.update({
    "import.err.mode": ("导入方式 {mode} 无效", "Import mode {mode} is not valid"),
    "import.err.no_key": ("图层 {layer} 没有编号字段，不能按编号更新", "Layer {layer} has no key to update by"),
    "import.warn.fewer_features": ("注意：提交后要素由 {before} 个减少为 {after} 个。",
                                   "Careful: the layer would go from {before} features to {after}."),
    "import.warn.less_area": ("注意：提交后总面积由 {before:,.0f} 公顷减少为 {after:,.0f} 公顷（减少 {pct:.0f}%）。",
                              "Careful: the total area would drop from {before:,.0f} ha to {after:,.0f} ha "
                              "({pct:.0f}% less)."),
    "data.mode": ("导入方式", "How to import"),
    "data.mode.replace": ("替换整个图层", "Replace the whole layer"),
    "data.mode.append": ("追加到当前图层", "Add to the current layer"),
    "data.mode.update": ("按编号更新（同编号替换，新编号追加）", "Update by key (same key replaced, new keys added)"),
    "data.constant": ("或填写统一值：{field}", "or one value for all: {field}"),
    "data.constants": ("文件中没有的字段可填写统一值（所有要素相同）", "A field the file lacks can take one value for every feature"),
    "data.commit": ("提交：{mode}（{layer}，提交后共 {n} 个要素）",
                    "Commit: {mode} ({layer}, {n} [feature|features:n] after)"),
    "data.confirm_shrink": ("我已确认要素或面积减少是预期的", "I confirm the loss of features or area is intended"),
    "data.committed": ("已保存为第 {version} 版（{n} 个要素）", "Saved as version {version} ({n} [feature|features:n])"),
    "data.map_none": ("—（不对应）", "— (not in the file)"),
    "warn.indicative_layers": (
        "提示：以下图层含“示意”数据（依据公开描述绘制，仅供参考，不是法定界线）：{layers}。"
        "请通过数据管理导入权威数据替换。",
        "Note: these layers hold indicative data (drawn from public descriptions for orientation "
        "only, not legal boundaries): {layers}. Replace them with authoritative data on the data page.",
    ),
    "warn.redline_share_authoritative": (
        "生态保护红线图层为导入的权威数据，面积 {layer_km2:,.0f} km²（相当于全省生态保护红线约29.64万 km² 的 {pct:.0f}%）。",
        "The ecological red-line layer is imported authoritative data: {layer_km2:,.0f} km² "
        "({pct:.0f}% of Qinghai's red line of about 296,400 km²).",
    ),
})
TEXT.update({
    "data.map_constant": ("（统一值…）", "(one value for all…)"),
})
# Reasons of the chain-adjacency check as the report names them (the walk found them missing).
TEXT.update({
    "rpt.reason.unknown_product": ("产品不在产业链词表中", "the product is not in the chain vocabulary"),
    "rpt.reason.no_partners": ("该产品在产业链中没有上下游", "the product has no inputs or outputs in the chains"),
    "rpt.reason.low_score": ("上下游配套得分偏低", "low adjacency score"),
    "rpt.reason.missing_links": ("部分上下游环节在附近没有承接基地", "some inputs or outputs have no host nearby"),
    "rpt.reason.ok": ("上下游配套良好", "inputs and outputs are close by"),
})
TEXT.update({
})
