"""Texts added by h-ledger: one reservation per site check, the allocate form, ledger tables."""

TEXT = {
    "ledger.err.screen_reserved": ("本次选址检查已预留（编号 {id}）；如需重新预留，请先释放该预留",
                                   "This site check is already reserved (no. {id}); release "
                                   "that reservation to reserve again"),
    "import.err.version_source": ("图层要素有 {n} 个不同的数据来源，请填写本次导入的数据来源和日期",
                                  "The layer's features have {n} different sources; give the "
                                  "source and date of this import"),
    "ledger.err.alloc_below": ("{base_zh} {year} 年度已用与预留合计 {committed:,.2f} 公顷，"
                               "下达指标不能低于此数（本次填写 {allocated:,.2f} 公顷）",
                               "The allocation of {base_en} for {year} cannot go below its used "
                               "plus reserved land, {committed:,.2f} ha (entered "
                               "{allocated:,.2f} ha)"),
    "quota.alloc_now": ("{base} {year} 年度：现下达 {allocated:,.2f} 公顷，已用与预留合计 "
                        "{committed:,.2f} 公顷（下达指标不能低于此数）",
                        "{base}, {year}: allocated now {allocated:,.2f} ha, used plus reserved "
                        "{committed:,.2f} ha (the allocation cannot go below it)"),
    "quota.alloc_new": ("{base} {year} 年度尚无指标，保存后新建",
                        "{base} has no quota for {year} yet; saving creates it"),
    "quota.ha": ("{ha:,.2f} 公顷", "{ha:,.2f} ha"),
    "quota.none_open": ("当前无未结预留", "Nothing is reserved at present"),
    "quota.no_reservation": ("—", "—"),
}
