"""Why a file or a shape could not be used, in the user's language.

A read error's ``reason`` is often a library's own English sentence (GDAL, PROJ,
GEOS, zipfile, the JSON parser). :func:`reason_text` puts the cause in the user's
language first and keeps the library's words after it, marked as the original text,
for whoever supports the user; reasons this project writes itself are translated
whole.

>>> reason_text("Self-intersection[96.1 36.05]", "zh")
'边界自相交（原文：Self-intersection[96.1 36.05]）'
>>> reason_text("empty", "zh")
'文件为空'
>>> reason_text("Self-intersection[96.1 36.05]", "en")
'Self-intersection[96.1 36.05]'
"""
from __future__ import annotations

import re

__all__ = ["reason_text", "OWN", "LIBRARY"]

#: Reasons written by this project: (zh, en).
OWN: dict[str, tuple[str, str]] = {
    "empty": ("文件为空", "the file is empty"),
    "a member without a name": ("压缩包中有无名文件", "a member without a name"),
    "NUL character": ("含空字符（NUL）", "a NUL character"),
    "non-finite result": ("坐标转换结果为无穷大或非数值", "the transformed coordinates are not finite"),
    "checksum": ("写入后校验不符", "the checksum after writing did not match"),
    "no 'type'": ("缺少 type 字段", "no 'type'"),
    "'features' is not a list of objects": ("features 不是对象列表",
                                            "'features' is not a list of objects"),
}

#: A library's message (matched from its start or anywhere, case-insensitive) -> its cause
#: in Chinese; the first match wins.
LIBRARY: tuple[tuple[str, str], ...] = (
    (r"geojson", "不是有效的 GeoJSON"),
    (r"\bkml\b", "KML 内容格式错误或不完整"),
    (r"geopackage|not a database|database disk image|sqlite", "不是可读取的 GeoPackage（文件损坏或格式不符）"),
    (r"parquet|arrow", "不是有效的 GeoParquet 文件"),
    (r"\.shx|\.shp\b|\.dbf|shapefile", "Shapefile 的组成文件（.shp/.shx/.dbf）损坏或不完整"),
    (r"encrypt|password", "压缩包已加密"),
    (r"compression method|compression type|deflate64", "压缩方式不受支持"),
    (r"not a zip file|bad magic|crc|truncated|unexpected end", "文件已损坏或不完整"),
    (r"no space left", "磁盘空间不足"),
    (r"permission denied|read-only file system", "没有写入权限"),
    (r"ring self-intersection|self-intersection", "边界自相交"),
    (r"too few points", "折点过少"),
    (r"hole lies outside shell", "内环位于外环之外"),
    (r"nested holes", "内环相互嵌套"),
    (r"interior is disconnected", "面内部不连通"),
    (r"nested shells", "外环相互嵌套"),
    (r"duplicate rings", "环重复"),
    (r"invalid coordinate", "坐标无效"),
    (r"ring is not closed", "环未闭合"),
    (r"tiff|not recognized as (a|being in a) supported file format", "不是可识别的 GeoTIFF"),
    (r"proj|crs|projection|ellipsoid|datum|wkt|epsg|coordinate (system|reference)",
     "坐标系定义无法解析"),
    (r"invalid (point|polygon|linestring|geometry)|expected array|coordinates",
     "几何坐标格式错误"),
    (r"memory|too large|too many", "超出处理上限"),
    (r"json|expecting|unterminated|delimiter", "文本格式错误"),
)
_PATTERNS = tuple((re.compile(p, re.IGNORECASE), zh) for p, zh in LIBRARY)


def reason_text(reason: object, lang: str) -> str:
    """``reason`` for a message in ``lang``: this project's own reasons translated whole; a
    library's message, in Chinese, as its cause followed by the original words."""
    raw = str(reason)
    own = OWN.get(raw)
    if own is not None:
        return own[0] if lang == "zh" else own[1]
    if lang != "zh" or not raw.strip():
        return raw
    cause = next((zh for pattern, zh in _PATTERNS if pattern.search(raw)), "无法解析")
    return f"{cause}（原文：{raw}）"
