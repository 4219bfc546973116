"""Texts added by helper j-journeys: the ledger entries table, the list separator."""

TEXT = {
    "list.sep": ("、", ", "),  # between the items of a list in running text
    "quota.col.action": ("变更类型", "Change"),
    "quota.col.d_allocated": ("下达变化（公顷）", "Allocated change (ha)"),
    "quota.col.d_used": ("已用变化（公顷）", "Used change (ha)"),
    "quota.col.d_reserved": ("预留变化（公顷）", "Reserved change (ha)"),
    "quota.action.seed": ("初始数据", "initial figures"),
    "quota.action.allocate": ("下达指标", "allocated"),
    "quota.action.reserve": ("预留", "reserved"),
    "quota.action.confirm": ("核销为已用", "confirmed as used"),
    "quota.action.release": ("释放预留", "released"),
}
