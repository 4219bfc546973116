"""Texts of the bulk parcel screening (geo/bulk): errors of the streaming command."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "err.bulk_out_exists": ("输出文件已存在且没有续跑记录：{detail}",
                            "The output exists and has no resume record: {detail}"),
    "err.bulk_resume_params": ("续跑参数与上次不同：{detail}",
                               "Resuming with other parameters than the first run: {detail}"),
    "err.bulk_resume_output": ("输出文件与续跑记录不符：{detail}",
                               "The output does not match its resume record: {detail}"),
    "err.bulk_out_format": ("输出格式须为 .gpkg 或 .parquet：{detail}",
                            "The output must be a .gpkg or .parquet file: {detail}"),
    "err.bulk_checks": ("检查项名称有误：{detail}", "Unknown check names: {detail}"),
}
