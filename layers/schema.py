"""Import schema of each registry layer: geometry family, required and optional fields.

The data page maps an uploaded file's columns onto these fields
(:func:`geo.layer_import.suggest_mapping`); aliases are the field names
Chinese GIS files commonly use. Provenance (``source``, ``source_date``,
``accuracy``) is added on import and never mapped. ``area_ha`` of polygon
layers is computed (ellipsoidal) on import. Layers with a ``key`` carry the
fields a file lacks over from the current version (e.g. authoritative base
outlines keep their chains and tier).

The control-line layers of the site check (永久基本农田, 城镇开发边界, 三调 现状地类,
饮用水水源保护区, 文物保护范围, 地质灾害易发区, 重要湿地, 世界自然遗产, 矿业权/储量;
:data:`geo.layers_index.CONTROL_LAYERS`) are importable too: once an official
imports one, :meth:`geo.layers_index.ScreeningLayers.from_source` loads it and
its check runs on the page, in the report and in batch. Each has the level
field its kind of ``data/rules/control_lines.yaml`` reads.

The raster DEM (imported on the atlas page) and the quota layer (the ledger)
have no schema here.
"""
from __future__ import annotations

from geo.layer_import import FieldSpec as F
from geo.layer_import import LayerSchema

from geo.rules_tables import CONTROL_KINDS, control_kind

from .registry import get_layer, layer_ids

__all__ = ["SCHEMAS", "schema_for", "importable_layers"]

_NAME_ZH = F("name_zh", True, aliases=("名称", "name", "mc", "中文名", "名字", "dkmc", "xmmc"))
_NAME_EN = F("name_en", False, aliases=("英文名", "ename", "name_eng", "english"))
_AREA = F("area_ha", computed=True)
_ADMIN = (
    F("adcode", False, "int", ("行政区划代码", "行政代码", "xzqdm", "xzqhdm", "code", "dm")),
    _NAME_ZH, _NAME_EN,
    F("level", False, aliases=("级别", "jb")),
    F("parent_adcode", False, "int", ("上级代码", "sjdm", "parent")),
)

_SCHEMAS: tuple[LayerSchema, ...] = (
    LayerSchema("admin_province", "polygon", _ADMIN),
    LayerSchema("admin_prefecture", "polygon", _ADMIN),
    LayerSchema("admin_county", "polygon", _ADMIN),
    LayerSchema("rivers", "line", (
        F("river_id", False, aliases=("编号", "id", "bh")), _NAME_ZH, _NAME_EN,
        F("level", False, aliases=("级别", "等级", "jb")),
        F("length_km", False, "float", ("长度", "length", "cd")),
    ), key="river_id"),
    LayerSchema("lakes", "polygon", (
        F("lake_id", False, aliases=("编号", "id", "bh")), _NAME_ZH, _NAME_EN, _AREA,
    ), key="lake_id"),
    LayerSchema("redlines", "polygon", (
        F("id", False, aliases=("编号", "红线编号", "bh", "hxbh")), _NAME_ZH, _NAME_EN,
        F("category", True, aliases=("类型", "类别", "红线类型", "lx", "lb", "hxlx")),
        F("category_en", False),
        F("control_level", True, aliases=("管控级别", "管控分区", "控制级别", "gkjb", "gkfq")),
        F("control_level_en", False),
        F("legal_basis", False, aliases=("法律依据", "依据", "批准文号", "pzwh", "yj")),
        F("area_km2_public", False, "float", ("公布面积", "gbmj")),
        F("outline_note", False, aliases=("备注", "bz", "note")),
        _AREA,
    ), key="id"),
    LayerSchema("salt_lakes", "polygon", (
        F("id", False, aliases=("编号", "bh")), _NAME_ZH, _NAME_EN,
        F("minerals", False, aliases=("矿种", "资源", "kz", "zy")),
        F("cite", False, aliases=("出处", "来源依据")), F("note", False, aliases=("备注", "bz")),
        _AREA,
    ), key="id"),
    LayerSchema("deposits", "point", (
        F("id", False, aliases=("编号", "矿产地编号", "bh", "kcdbh")), _NAME_ZH, _NAME_EN,
        F("commodity", True, aliases=("矿种", "主矿种", "kz", "zkz")),
        F("commodity_zh", False), F("commodity_en", False),
        F("scale", False, aliases=("规模", "矿床规模", "gm")), F("scale_zh", False),
        F("important", False, "bool", ("战略性矿产", "重要矿产", "zyxkc")),
        F("important_basis", False),
    ), key="id"),
    LayerSchema("places", "point", (
        F("geonameid", False, "int", ("编号", "id")), _NAME_ZH, _NAME_EN,
        F("population", False, "int", ("人口", "rk")),
    ), key="geonameid"),
    LayerSchema("bases", "polygon", (
        F("id", True, aliases=("基地编号", "编号", "bh", "code")),
        F("seq", False, "int"), _NAME_ZH, _NAME_EN,
        F("tier", False, aliases=("层级", "能级")), F("tier_en", False), F("tier_cite", False),
        F("target_output_yi_yuan", False, "float", ("目标产值", "产值目标")),
        F("target_output_zh", False), F("target_output_en", False),
        F("prefecture_zh", False, aliases=("市州", "所在市州")), F("prefecture_en", False),
        F("county_zh", False, aliases=("县区", "所在县区")), F("county_en", False),
        F("positioning_zh", False, aliases=("定位", "产业定位")), F("positioning_en", False),
        F("chains", False), F("chain_names_zh", False), F("chain_names_en", False),
        F("n_chains", False, "int"), F("cite", False), _AREA,
    ), key="id"),
)

_CONTROL_ID = F("id", False, aliases=("编号", "bh", "bsm", "图斑编号", "tbbh"))
#: Extra fields of some control kinds (besides id, names and the level field).
_CONTROL_EXTRA = {
    "mining_rights": (
        F("mineral", False, aliases=("矿种", "开采矿种", "主矿种", "kz", "commodity")),
        F("holder", False, aliases=("矿业权人", "权利人", "采矿权人", "qlr")),
        F("important", False, "bool", ("重要矿产", "战略性矿产")),
    ),
}
#: Aliases of the level field of each kind (the field named in control_lines.yaml).
_LEVEL_ALIASES = {
    "level": ("级别", "保护级别", "分级", "jb", "bhjb"),
    "zone": ("分区", "区域", "保护区划", "fq"),
    "kind": ("类型", "矿业权类型", "权属类型", "lx"),
}


def _control_schema(kind: str) -> LayerSchema:
    k = control_kind(kind)
    fields = [_CONTROL_ID, _NAME_ZH, _NAME_EN]
    if k.level_field:
        fields.append(F(k.level_field, False, aliases=_LEVEL_ALIASES.get(k.level_field, ())))
    return LayerSchema(kind, "polygon", (*fields, *_CONTROL_EXTRA.get(kind, ()), _AREA))


_LANDUSE = LayerSchema("landuse", "polygon", (
    _CONTROL_ID,
    F("dlbm", True, aliases=("地类编码", "DLBM", "code")),
    F("name_zh", True, aliases=("地类名称", "DLMC", "dlmc", "名称")), _NAME_EN, _AREA,
))

_SCHEMAS = _SCHEMAS + (_LANDUSE,) + tuple(_control_schema(k) for k in CONTROL_KINDS)

#: Schema of every importable layer, by id, in registry order.
SCHEMAS: dict[str, LayerSchema] = {
    s.layer_id: s for s in sorted(_SCHEMAS, key=lambda s: layer_ids().index(s.layer_id)
                                  if s.layer_id in layer_ids() else 99)
}


def schema_for(layer_id: str) -> LayerSchema:
    """The schema of ``layer_id``; ``ValueError`` names the importable layers."""
    try:
        return SCHEMAS[layer_id]
    except KeyError:
        raise ValueError(f"layer was {layer_id!r} but is expected to be in {list(SCHEMAS)}") from None


def importable_layers(include_restricted: bool = True) -> list[str]:
    """Ids of the layers that can be imported (``include_restricted=False``: public only)."""
    out = []
    for lid in SCHEMAS:
        try:
            public = get_layer(lid).public
        except ValueError:  # a bundle layer not drawn on the atlas (places)
            public = True
        if include_restricted or public:
            out.append(lid)
    return out
