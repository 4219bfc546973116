"""Texts of the input module (:mod:`geo.vector_io`): limits, sandbox, zip guard, CRS, encoding.

Raised as :class:`~geo.errors.InputError` keys by ``geo/vector_io.py``,
``geo/site_input.py``, ``geo/layer_import.py`` and the command lines.
"""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "input.err.timeout": (
        "读取和修复该输入超过 {s} 秒，已停止；请简化图形（减少折点、消除自相交）或拆分文件后重试",
        "Reading and repairing this input took longer than {s} s and was stopped; simplify the "
        "shapes (fewer vertices, no self-intersections) or split the file"),
    "input.err.memory": (
        "读取该输入需要超过 {mb:,.0f} MB 内存，已停止；请拆分文件后重试",
        "Reading this input needed more than {mb:,.0f} MB of memory and was stopped; split the "
        "file"),
    "input.err.text_too_long": ("文本共 {n:,} 个字符，最多允许 {max:,} 个",
                                "The text has {n:,} characters; at most {max:,} are allowed"),
    "input.err.too_many_features": ("输入含 {n:,} 个要素，最多允许 {max:,} 个",
                                    "The input has {n:,} features; at most {max:,} are allowed"),
    "input.err.too_many_vertices": ("输入约含 {n:,} 个折点，最多允许 {max:,} 个",
                                    "The input has about {n:,} vertices; at most {max:,} are "
                                    "allowed"),
    "input.err.too_many_feature_vertices": (
        "一个图形含 {n:,} 个折点，单个图形最多允许 {max:,} 个；请简化后重试",
        "One shape has {n:,} vertices; at most {max:,} per shape are allowed; simplify it"),
    "input.err.too_big": ("文件 {name} 大小为 {mb:,.1f} MB，最多允许 {max_mb:,.0f} MB",
                          "{name} is {mb:,.1f} MB; at most {max_mb:,.0f} MB is allowed"),
    "file.err.zip_name": ("压缩包内文件名过长（{name}），已拒绝",
                          "The zip holds a file with an over-long name ({name}); refused"),
    "file.err.zip_clash": ("压缩包内同名的文件与文件夹冲突（{name}），已拒绝",
                           "The zip holds a file and a folder (or two files) named {name}; "
                           "refused"),
    "file.err.zip_encrypted": ("压缩包内文件 {name} 已加密，请上传未加密的压缩包",
                               "{name} in the zip is encrypted; upload a zip without a password"),
    "file.err.zip_method": ("压缩包内文件 {name} 使用了不支持的压缩方式（{method}），请用标准 "
                            "Deflate 压缩重新打包",
                            "{name} in the zip uses an unsupported compression method "
                            "({method}); re-zip it with standard Deflate"),
    "file.err.zip_member": ("压缩包内文件 {name} 已损坏：{reason}",
                            "{name} in the zip is damaged: {reason}"),
    "file.err.encoding_bom": (
        "文件开头标记为 UTF-8，但内容不是 UTF-8（可能是 GBK 编码）；请另存为 UTF-8 或不带标记的 GBK",
        "The file starts with a UTF-8 mark but is not UTF-8 (GBK?); save it as UTF-8, or as "
        "GBK without the mark"),
    "file.err.no_layer": ("{name} 中没有可读的要素表", "{name} holds no feature table to read"),
    "file.err.crs_link": (
        "{name} 以网络链接指定坐标系；出于安全不访问链接，请以名称注明坐标系（如 EPSG:4490）",
        "{name} names its coordinate system by a web link; links are never followed. Name the "
        "system instead (e.g. EPSG:4490)"),
    "file.err.kml_link": (
        "{name} 含网络链接（NetworkLink）或实体声明；出于安全不予读取，请导出为普通 KML",
        "{name} holds a NetworkLink or an entity declaration, which are never followed; "
        "export a plain KML"),
    "file.err.bad_crs": ("{name} 的坐标系无法使用（{reason}）；请检查 .prj 或选择坐标系",
                         "The coordinate system of {name} cannot be used ({reason}); check the "
                         ".prj or choose the system"),
    "file.err.nonfinite": ("{name} 含非有限坐标（无穷大或非数值）",
                           "{name} has non-finite coordinates (infinite or not a number)"),
    "site.err.nonfinite": ("地块坐标含无穷大或非数值", "The site has infinite or non-numeric "
                           "coordinates"),
    "site.err.invalid": ("地块图形无法修复（{reason}）；请检查折点顺序",
                         "The site's shape cannot be repaired ({reason}); check the vertex "
                         "order"),
}
