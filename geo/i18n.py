"""The one translation table (zh, en) for every text shown to users.

Pages, layers and reports look text up here with :func:`t`; nothing shown to a
user is written inline in another module.

>>> t("app.title", "en")
'Qinghai Park Atlas'
>>> t("layer.bases", "zh")
'重大产业基地'
"""
from __future__ import annotations

import re

__all__ = ["LANGS", "TEXT", "t", "field", "error_text"]

LANGS: tuple[str, ...] = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    # app
    "app.title": ("青海产业基地一张图", "Qinghai Park Atlas"),
    "app.language": ("语言 / Language", "Language / 语言"),
    "app.subtitle": (
        "青海省15个重大产业基地与盐湖矿产、生态保护红线、建设用地指标",
        "Qinghai's 15 major industrial bases over salt-lake and mineral resources, "
        "ecological red lines and land quotas",
    ),
    "page.atlas": ("一张图", "Atlas map"),
    "warn.indicative": (
        "提示：图中标注“示意”的图层（产业基地边界、盐湖范围、矿产地、生态保护红线、用地指标）"
        "依据公开描述绘制，仅供参考，不是法定界线；请通过数据管理导入权威数据替换。",
        "Note: layers marked 'indicative' (base outlines, salt-lake extents, deposits, "
        "ecological red lines, land quotas) are drawn from public descriptions for "
        "orientation only, not legal boundaries; replace them with authoritative data.",
    ),
    "warn.redline_share": (
        "示意红线图层面积 {layer_km2:,.0f} km²，相当于全省生态保护红线（约29.64万 km²，约占全省41%）的 {pct:.0f}%；"
        "其余红线未在图中，范围以外不代表不在红线内。",
        "The indicative red-line layer covers {layer_km2:,.0f} km², {pct:.0f}% of Qinghai's "
        "ecological red line (about 296,400 km², ≈ 41% of the province); the rest is not "
        "drawn, so a site outside these outlines may still be inside the red line.",
    ),
    # sidebar / controls
    "app.controls_loading": ("控件加载中…", "Loading the controls…"),
    "ctl.basemap": ("底图", "Basemap"),
    "ctl.search": ("查找产业基地", "Find a base"),
    "ctl.search_none": ("（全省）", "(whole province)"),
    "ctl.tianditu_key": ("天地图密钥（tk）", "Tianditu key (tk)"),
    "ctl.tianditu_help": (
        "在 console.tianditu.gov.cn 申请的浏览器端密钥；仅保存在本次会话中。",
        "A browser key from console.tianditu.gov.cn; kept for this session only.",
    ),
    "ctl.tianditu_missing": (
        "使用天地图底图需要填写密钥；当前显示无底图。",
        "Tianditu needs a key; showing no basemap for now.",
    ),
    "ctl.terrain": ("地形（数字高程模型）", "Terrain (DEM)"),
    "ctl.quota_year": ("指标年度", "Quota year"),
    "ctl.quota_measure": ("用地指标专题", "Quota measure"),
    "basemap.none": ("无底图（离线）", "None (offline)"),
    "basemap.osm": ("OpenStreetMap", "OpenStreetMap"),
    "basemap.tianditu": ("天地图矢量", "Tianditu vector"),
    "basemap.tianditu_img": ("天地图影像", "Tianditu imagery"),
    "payload": ("地图数据量 {kb:,.0f} KB（简化容差 {tol_m:,.0f} 米）",
                "Map payload {kb:,.0f} KB (simplified to {tol_m:,.0f} m)"),
    # layers
    "layer.admin_province": ("省界", "Province boundary"),
    "layer.admin_prefecture": ("市州界", "Prefectures"),
    "layer.admin_county": ("县级行政区", "Counties"),
    "layer.lakes": ("湖泊", "Lakes"),
    "layer.rivers": ("河流", "Rivers"),
    "layer.bases": ("重大产业基地", "Major industrial bases"),
    "layer.salt_lakes": ("盐湖资源", "Salt lakes"),
    "layer.deposits": ("矿产地", "Mineral deposits"),
    "layer.redlines": ("生态保护红线", "Ecological red lines"),
    "layer.quotas": ("建设用地指标", "Land quotas"),
    "layer.dem": ("地形晕渲", "Terrain (hillshade)"),
    "layer.indicative": ("示意", "indicative"),
    # legend
    "legend.title": ("图例", "Legend"),
    "legend.tier_1000": ("千亿产业基地", "100-billion-yuan base"),
    "legend.tier_500": ("五百亿产业基地", "50-billion-yuan base"),
    "legend.important": ("战略性矿产", "Strategic mineral"),
    "legend.other_mineral": ("其他矿产", "Other mineral"),
    "legend.core": ("核心保护区", "Core protection zone"),
    "legend.general": ("一般控制区", "General control zone"),
    "legend.elev": ("高程（米）", "Elevation (m)"),
    "legend.quota_share_step": ("剩余比例 {lo}%–{hi}%", "{lo}–{hi}% remaining"),
    "legend.quota_rel_step": ("本年最大值的 {lo}%–{hi}%", "{lo}–{hi}% of the year's largest"),
    "legend.quota_none": ("本年无指标数据", "No quota for the year"),
    # popup fields
    "f.tier": ("等级", "Tier"),
    "f.prefecture": ("所在市州", "Prefecture"),
    "f.county": ("所在县区", "County"),
    "f.positioning": ("产业定位", "Positioning"),
    "f.chains": ("产业链", "Industry chains"),
    "f.quota": ("建设用地指标（公顷）", "Land quota (ha)"),
    "f.year": ("年度", "Year"),
    "f.allocated": ("下达", "Allocated"),
    "f.used": ("已用", "Used"),
    "f.reserved": ("预留", "Reserved"),
    "f.remaining": ("剩余", "Remaining"),
    "f.area_ha": ("面积（公顷）", "Area (ha)"),
    "f.minerals": ("主要矿种", "Main minerals"),
    "f.commodity": ("矿种", "Commodity"),
    "f.scale": ("规模", "Scale"),
    "f.important": ("战略性矿产", "Strategic mineral"),
    "f.category": ("类型", "Category"),
    "f.control_level": ("管控级别", "Control level"),
    "f.legal_basis": ("管控依据", "Legal basis"),
    "f.level": ("级别", "Level"),
    "f.adcode": ("行政区划代码", "Admin code"),
    "f.source": ("来源", "Source"),
    "f.source_date": ("来源日期", "Source date"),
    "f.accuracy": ("精度", "Accuracy"),
    "f.cite": ("依据", "Cited from"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "accuracy.authoritative": ("权威", "authoritative"),
    "accuracy.indicative": ("示意", "indicative"),
    "accuracy.derived": ("派生（公开数据）", "derived (public data)"),
    "quota.remaining_share": ("剩余比例", "Share remaining"),
    "quota.sample": ("示例数据，非官方", "sample figures, not official"),
    # errors
    "err.no_data": (
        "未找到打包数据 {path}；请运行 python -m data.build 重新生成。",
        "Bundled data {path} not found; run python -m data.build to regenerate it.",
    ),
    "err.dem_upload": ("无法使用该高程文件：{detail}", "Cannot use the elevation file: {detail}"),
    "err.generic": ("出错：{detail}", "Error: {detail}"),
    "err.input": ("输入有误：{detail}", "Invalid input: {detail}"),
}


def _merge_parts() -> None:
    """Add the keys of every ``geo/i18n_parts/*.py`` (a dict ``TEXT``) to the table."""
    import importlib
    import pkgutil

    from . import i18n_parts

    for info in sorted(pkgutil.iter_modules(i18n_parts.__path__), key=lambda m: m.name):
        part = importlib.import_module(f"{i18n_parts.__name__}.{info.name}")
        clash = set(part.TEXT) & set(TEXT)
        if clash:
            raise RuntimeError(f"translation keys defined twice: {sorted(clash)}")
        TEXT.update(part.TEXT)


_merge_parts()


def t(key: str, lang: str = "zh", **fmt: object) -> str:
    """Text for ``key`` in ``lang`` ('zh' or 'en'), formatted with ``fmt``.

    An unknown key raises ``KeyError`` (a missing translation is a bug, not a
    blank label); an unknown language raises ``ValueError``.
    """
    if lang not in LANGS:
        raise ValueError(f"language was {lang!r} but is expected to be in {LANGS}")
    text = TEXT[key][LANGS.index(lang)]
    if fmt and "|" in text:  # English plurals: [site|sites:n] picks by the count n
        text = _PLURAL.sub(lambda m: m.group(1) if fmt.get(m.group(3)) == 1 else m.group(2), text)
    return text.format(**fmt) if fmt else text


_PLURAL = re.compile(r"\[([^|\[\]]+)\|([^|\[\]:]+):(\w+)\]")


def field(name: str, lang: str) -> str:
    """Column holding the ``lang`` version of attribute ``name`` (``name_zh``)."""
    if lang not in LANGS:
        raise ValueError(f"language was {lang!r} but is expected to be in {LANGS}")
    return f"{name}_{lang}"


def error_text(err: Exception, lang: str = "zh") -> str:
    """The user's-language message of a domain error (``key`` and ``params``).

    Falls back to the generic message with the English detail when the
    translation needs a parameter the error did not carry.
    """
    key = getattr(err, "key", "err.generic")
    params = dict(getattr(err, "params", {}) or {})
    params.setdefault("detail", str(err))
    if "reason" in params:  # often a library's English sentence
        from .reasons import reason_text

        params["reason"] = reason_text(params["reason"], lang)
    try:
        return t(key, lang, **params)
    except (KeyError, IndexError, ValueError):
        return t("err.generic", lang, detail=str(err))
