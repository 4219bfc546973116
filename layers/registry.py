"""The one registry of atlas layers.

Each :class:`LayerSpec` says everything the map, the legend, the layer
control, popups and (later) reports need about a layer: its id and title key,
kind, how to load it, how to style each feature, its legend entries, popup
fields, whether it is shown by default and whether viewers may see it.
Adding a layer is adding one entry to :data:`LAYERS`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd

from geo import palette
from geo.quota import join_quotas
from geo.sources import BundleSource, LayerSource

from .popups import PopupField
from .styles import MINERAL_COLORS, QUOTA_RAMP, REDLINE_COLORS, TIER_COLORS, ramp_color

__all__ = ["RenderContext", "LegendItem", "LayerSpec", "LAYERS", "get_layer", "layer_ids"]


@dataclass(frozen=True)
class RenderContext:
    """What a render depends on besides the data: language, quota year and measure."""

    lang: str = "zh"
    year: int = 2025
    quota_measure: str = "remaining_share"
    source: LayerSource = field(default_factory=BundleSource)


@dataclass(frozen=True)
class LegendItem:
    """A legend row: a label key (or literal text) and a swatch."""

    label: str
    color: str
    shape: str = "square"  # square | circle | line | dashed | site
    params: tuple[tuple[str, object], ...] = ()  # fill the label's {placeholders}


@dataclass(frozen=True)
class LayerSpec:
    """One layer of the atlas."""

    id: str
    title: str  # translation key
    kind: str  # polygon | line | point | raster
    style: Callable[[dict, RenderContext], dict] | None
    legend: tuple[LegendItem, ...] | Callable[[RenderContext], tuple[LegendItem, ...]]
    popup: tuple[PopupField, ...] = ()
    table: str = ""
    show: bool = True
    public: bool = True
    simplify: bool = True
    point_radius: int = 6
    pins: bool = False  # also draw a pin at each feature (small areas seen at province zoom)
    loader: Callable[[RenderContext], gpd.GeoDataFrame] | None = field(default=None)

    def load(self, ctx: RenderContext) -> gpd.GeoDataFrame:
        """The layer's features for ``ctx`` (EPSG:4326)."""
        if self.loader is not None:
            return self.loader(ctx)
        return ctx.source.read_layer(self.table or self.id)

    def legend_items(self, ctx: RenderContext) -> tuple[LegendItem, ...]:
        return self.legend(ctx) if callable(self.legend) else self.legend


_PROV = (
    PopupField("source", "f.source", "source"),
    PopupField("source_date", "f.source_date"),
    PopupField("accuracy", "f.accuracy", "accuracy"),
)


def _bases_with_quota(ctx: RenderContext) -> gpd.GeoDataFrame:
    out = join_quotas(ctx.source.read_layer("bases"), ctx.source.read_quotas(), ctx.year)
    out["quota_year"] = ctx.year
    return out


def _line(color: str, weight: float = 1.0, dash: str | None = None, fill: str | None = None,
          fill_opacity: float = 0.0) -> dict:
    """Leaflet path options; without ``fill`` the inside is not drawn and takes no clicks."""
    style = {"color": color, "weight": weight, "fillOpacity": fill_opacity, "opacity": 0.9,
             "fill": fill is not None}
    if dash:
        style["dashArray"] = dash
    if fill:
        style["fillColor"] = fill
    return style


def _base_style(p: dict, ctx: RenderContext) -> dict:
    color = TIER_COLORS.get(str(p.get("tier")), "#444444")
    return _line(color, 2.0, fill=color, fill_opacity=0.45)


def _redline_style(p: dict, ctx: RenderContext) -> dict:
    color = REDLINE_COLORS.get(str(p.get("control_level")), "#66bd63")
    return _line("#1b7837", 1.0, dash="4 3", fill=color, fill_opacity=0.30)


def _salt_style(p: dict, ctx: RenderContext) -> dict:
    return _line("#2c7fb8", 1.2, fill="#c6dbef", fill_opacity=0.75)


def _deposit_style(p: dict, ctx: RenderContext) -> dict:
    important = p.get("important") in (True, 1, "1", "true", "True")
    color = MINERAL_COLORS[important]
    return {"color": "#ffffff", "weight": 1, "fill": True, "fillColor": color, "fillOpacity": 0.95}


def _quota_style(p: dict, ctx: RenderContext) -> dict:
    value = p.get(ctx.quota_measure)
    if ctx.quota_measure == "remaining_share":
        color = ramp_color(value)
    else:
        color = ramp_color(value, lo=0.0, hi=float(p.get("_quota_max") or 1.0))
    return _line("#333333", 1.0, fill=color, fill_opacity=0.85)


def _quota_legend(ctx: RenderContext) -> tuple[LegendItem, ...]:
    """Every step of the ramp the polygons are drawn with (:func:`ramp_color`), lowest first,
    and the grey of a base without a quota row."""
    n = len(QUOTA_RAMP)
    key = ("legend.quota_share_step" if ctx.quota_measure == "remaining_share"
           else "legend.quota_rel_step")
    steps = tuple(LegendItem(key, color, params=(("lo", round(100 * i / n)),
                                                 ("hi", round(100 * (i + 1) / n))))
                  for i, color in enumerate(QUOTA_RAMP))
    return (*steps, LegendItem("legend.quota_none", palette.NO_DATA))


_ADMIN_POPUP = (PopupField("adcode", "f.adcode"), *_PROV)

LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec("dem", "layer.dem", "raster", None,
              (LegendItem("legend.elev", "#d7c88c"),), show=True, simplify=False),
    LayerSpec("admin_province", "layer.admin_province", "polygon",
              lambda p, c: _line("#252525", 2.5), (LegendItem("layer.admin_province", "#252525", "line"),),
              _ADMIN_POPUP),
    LayerSpec("admin_prefecture", "layer.admin_prefecture", "polygon",
              lambda p, c: _line("#525252", 1.5, dash="8 4"),
              (LegendItem("layer.admin_prefecture", "#525252", "line"),), _ADMIN_POPUP),
    LayerSpec("admin_county", "layer.admin_county", "polygon",
              lambda p, c: _line("#969696", 0.7, dash="2 3"),
              (LegendItem("layer.admin_county", "#969696", "line"),), _ADMIN_POPUP, show=False),
    LayerSpec("rivers", "layer.rivers", "line", lambda p, c: _line("#6baed6", 1.0),
              (LegendItem("layer.rivers", "#6baed6", "line"),), (PopupField("level", "f.level"), *_PROV),
              show=False),
    LayerSpec("lakes", "layer.lakes", "polygon", lambda p, c: _line("#4292c6", 0.8, fill="#9ecae1", fill_opacity=0.6),
              (LegendItem("layer.lakes", "#9ecae1"),), (PopupField("area_ha", "f.area_ha", "ha"), *_PROV)),
    LayerSpec("redlines", "layer.redlines", "polygon", _redline_style,
              (LegendItem("legend.core", REDLINE_COLORS["核心保护区"]),
               LegendItem("legend.general", REDLINE_COLORS["一般控制区"])),
              (PopupField("category", "f.category"), PopupField("control_level", "f.control_level"),
               PopupField("legal_basis", "f.legal_basis"), PopupField("area_ha", "f.area_ha", "ha"), *_PROV)),
    LayerSpec("salt_lakes", "layer.salt_lakes", "polygon", _salt_style,
              (LegendItem("layer.salt_lakes", "#c6dbef"),),
              (PopupField("minerals", "f.minerals"), PopupField("area_ha", "f.area_ha", "ha"), *_PROV)),
    LayerSpec("deposits", "layer.deposits", "point", _deposit_style,
              (LegendItem("legend.important", MINERAL_COLORS[True], "circle"),
               LegendItem("legend.other_mineral", MINERAL_COLORS[False], "circle")),
              (PopupField("commodity", "f.commodity"), PopupField("scale", "f.scale"),
               PopupField("important", "f.important", "bool"), *_PROV), simplify=False),
    LayerSpec("quotas", "layer.quotas", "polygon", _quota_style, _quota_legend,
              (PopupField("quota", "f.quota", "quota"),), show=False, simplify=False,
              loader=_bases_with_quota),
    LayerSpec("bases", "layer.bases", "polygon", _base_style,
              (LegendItem("legend.tier_1000", TIER_COLORS["千亿"]),
               LegendItem("legend.tier_500", TIER_COLORS["五百亿"])),
              (PopupField("tier", "f.tier"), PopupField("prefecture", "f.prefecture"),
               PopupField("county", "f.county"), PopupField("positioning", "f.positioning"),
               PopupField("chains", "f.chains", "chains"), PopupField("quota", "f.quota", "quota"),
               PopupField("area_ha", "f.area_ha", "ha"), PopupField("cite", "f.cite", "source"), *_PROV),
              simplify=False, pins=True, loader=_bases_with_quota),
)


def layer_ids() -> list[str]:
    """Ids of all registered layers, in drawing order (bottom first)."""
    return [spec.id for spec in LAYERS]


def get_layer(layer_id: str) -> LayerSpec:
    """The spec of ``layer_id``; ``ValueError`` lists the valid ids."""
    for spec in LAYERS:
        if spec.id == layer_id:
            return spec
    raise ValueError(f"layer was {layer_id!r} but is expected to be in {layer_ids()}")
