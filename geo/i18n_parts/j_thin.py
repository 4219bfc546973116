"""Texts added by j-thin: table headers of the data and batch pages."""

TEXT = {
    "data.col.at_beijing": ("时间（北京时间）", "When (Beijing time)"),
    "batch.col.site_id": ("地块编号", "Site id"),
}
