"""Texts of the shared page helpers (state in the URL, pickers) and of the pages' new parts."""

TEXT = {
    "url.err.choice": ("链接中的参数 {param}={value} 不是可选值，已忽略。",
                       "The link's {param}={value} is not one of the choices; it was ignored."),
    "url.err.too_long": ("链接中的参数 {param} 过长，已忽略。",
                         "The link's {param} is too long; it was ignored."),
    "url.err.site": ("链接中的场址无法使用：{detail}", "The link's site cannot be used: {detail}"),
    "url.site_too_big": ("场址顶点过多（{n} 个，上限 {cap} 个），链接中不含场址。",
                         "The site has too many vertices ({n}, at most {cap}) to go in the link."),
    "quota.col.id": ("编号", "No."),
    "quota.reason_col": ("原因", "Reason"),
    "quota.col.by": ("经办人", "By"),
    "quota.col.at": ("时间", "When"),
}
