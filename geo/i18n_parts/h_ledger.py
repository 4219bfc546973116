"""Texts added by h-ledger: one reservation per site check, the allocate form, ledger tables."""

TEXT = {
    "ledger.err.screen_reserved": ("本次选址检查已预留（编号 {id}）；如需重新预留，请先释放该预留",
                                   "This site check is already reserved (no. {id}); release "
                                   "that reservation to reserve again"),
}
