"""Texts added by j-thin: table headers of the data and batch pages."""

TEXT = {
    "data.col.at_beijing": ("时间（北京时间）", "When (Beijing time)"),
    "batch.col.site_id": ("地块编号", "Site id"),
    "batch.col.rank": ("名次", "Rank"),
    "batch.col.score": ("加权得分", "Weighted score"),
    "batch.col.suitability": ("适宜性得分", "Suitability score"),
    "batch.col.area_ha": ("面积（公顷）", "Area (ha)"),
    "batch.col.buildable_ha": ("可建设面积（公顷）", "Buildable (ha)"),
}
