"""Texts added by j-thin: the data page's tables in Beijing time."""

TEXT = {
    "data.col.at_beijing": ("时间（北京时间）", "When (Beijing time)"),
}
