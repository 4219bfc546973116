"""Texts added by h-ledger: one reservation per site check, the allocate form, ledger tables."""

TEXT = {
    "ledger.err.screen_reserved": ("本次选址检查已预留（编号 {id}）；如需重新预留，请先释放该预留",
                                   "This site check is already reserved (no. {id}); release "
                                   "that reservation to reserve again"),
    "import.err.version_source": ("图层要素有 {n} 个不同的数据来源，请填写本次导入的数据来源和日期",
                                  "The layer's features have {n} different sources; give the "
                                  "source and date of this import"),
}
