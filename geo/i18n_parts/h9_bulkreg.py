"""Texts of the bulk screening on the check registry (geo/bulk/screen.py)."""

TEXT = {
    "err.bulk_extra_name": (
        "附加图层 {names} 与正在运行的检查项同名（其结果列会冲突）：请改名，或作为该检查项的图层载入",
        "Extra layer(s) {names} are named like a check that runs (their columns would collide): "
        "rename them, or load them as that check's layer"),
}
