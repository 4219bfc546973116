"""Draw the industry-chain graph: Graphviz DOT for ``st.graphviz_chart`` and folium
maps with lines from each host base to the next along a chain.

No Streamlit here. Maps start from the atlas renderer (:func:`layers.render.build_map`
with the prepared ``bases`` layer) so outlines, popups and legend look as on the atlas,
(which ends with :func:`layers.offline.make_offline`: no internet needed). Leaflet wants
(lat, lon); everything else here is (lon, lat).
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import folium
import networkx as nx
import pandas as pd

from geo.chains.adjacency import DistanceModel, nearest_hosts
from geo.chains.graph import base_node, downstream, geodesic_km, hosts, upstream
from geo.i18n import t

from .registry import LegendItem, RenderContext
from .render import MapLayer, build_map

__all__ = ["COLORS", "chain_dot", "product_dot", "chain_lines", "chain_map", "partners_map",
           "ranking_map"]

COLORS = {"raw": "#c6dbef", "product": "#fdd0a2", "unhosted": "#fcbba1", "end_use": "#e0e0e0",
          "line": "#6a3d9a", "line_up": "#1f78b4", "line_down": "#e6550d", "host": "#6a3d9a"}


def _dot_str(text: str) -> str:
    """A DOT quoted string; newlines become DOT's centred line break."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


def _short(name: str) -> str:
    for suffix in ("综合经济园区", "工业园区", "产业园区", " Industrial Park", " Comprehensive Economic Park"):
        name = name.replace(suffix, "")
    return name


def _node_lines(g: nx.DiGraph, p: str, lang: str) -> tuple[str, dict]:
    node = g.nodes[p]
    kind = node["kind"]
    name = node[lang]
    style = {"style": "filled", "fillcolor": COLORS.get(kind, COLORS["product"]), "shape": "box"}
    if kind == "product":
        bases = [_short(g.nodes[h][lang]) for h in hosts(g, p, ("base",))]
        if bases:
            name += "\n" + "、".join(bases[:4]) + ("…" if len(bases) > 4 else "")
        else:
            name += "\n(" + t("chains.unhosted", lang) + ")"
            style.update(fillcolor=COLORS["unhosted"], style="filled,dashed", color="#cb181d")
    elif kind == "raw":
        style["shape"] = "ellipse"
    elif kind == "end_use":
        style["shape"] = "note"
    return name, style


def _dot(g: nx.DiGraph, nodes: Sequence[str], lang: str, rank_groups: Sequence[Sequence[str]] = (),
         focus: str | None = None) -> str:
    keep = list(dict.fromkeys(nodes))
    lines = ["digraph chain {", '  rankdir=LR; bgcolor="transparent";',
             '  node [fontname="sans-serif", fontsize=11]; edge [color="#555555"];']
    for p in keep:
        label, style = _node_lines(g, p, lang)
        if p == focus:
            style.update(penwidth="2.5", color="#000000")
        attrs = ", ".join(f"{k}={_dot_str(v)}" for k, v in style.items())
        lines.append(f"  {_dot_str(p)} [label={_dot_str(label)}, {attrs}];")
    for group in rank_groups:
        if len(group) > 1:
            lines.append("  { rank=same; " + " ".join(_dot_str(p) for p in group) + " }")
    inside = set(keep)
    for u, v, data in g.edges(data=True):
        if data["kind"] == "feeds" and u in inside and v in inside:
            dashed = data.get("basis") == "inferred" and not data.get("chains")
            lines.append(f"  {_dot_str(u)} -> {_dot_str(v)}" + (' [style="dashed"]' if dashed else "") + ";")
    lines.append("}")
    return "\n".join(lines)


def chain_dot(g: nx.DiGraph, chain_id: str, lang: str = "zh") -> str:
    """Graphviz DOT of one chain (steps left to right, parallel products stacked)."""
    chain = g.graph["chain_data"].chains[chain_id]
    return _dot(g, chain.products, lang, rank_groups=chain.steps)


def product_dot(g: nx.DiGraph, product: str, lang: str = "zh", depth: int = 1) -> str:
    """Graphviz DOT of a product with its inputs and outputs ``depth`` feeds steps away."""
    nodes = [*reversed(list(upstream(g, product, depth))), product, *downstream(g, product, depth)]
    return _dot(g, nodes, lang, focus=product)


def chain_lines(g: nx.DiGraph, steps: Sequence[Sequence[str]],
                model: DistanceModel | None = None) -> list[dict]:
    """Lines from each host of step i to each host base of step i+1 (same base skipped).

    A raw step is drawn from the resource nearest to each next-step host base. Returns
    dicts with ``from``/``to`` graph keys, ``from_lonlat``/``to_lonlat``, ``products``
    and ``geodesic_km``.
    """
    model = model or DistanceModel()
    out: list[dict] = []
    for prev, nxt in zip(steps, steps[1:]):
        for u in prev:
            for v in nxt:
                targets = hosts(g, v, ("base",))
                for tgt in targets:
                    tn = g.nodes[tgt]
                    if g.nodes[u]["kind"] == "raw":
                        near = nearest_hosts(g, u, tn["lon"], tn["lat"], model, limit=1)
                        sources = [near[0].host] if near else []
                    else:
                        sources = hosts(g, u, ("base",))
                    for src in sources:
                        if src == tgt:
                            continue
                        sn = g.nodes[src]
                        d = float(geodesic_km(sn["lon"], sn["lat"], [tn["lon"]], [tn["lat"]])[0])
                        out.append({"from": src, "to": tgt, "products": (u, v),
                                    "from_lonlat": (sn["lon"], sn["lat"]),
                                    "to_lonlat": (tn["lon"], tn["lat"]), "geodesic_km": d})
    return out


def _base_map(bases_layer: MapLayer | None, lang: str, *groups: folium.FeatureGroup,
              legend: tuple = ()) -> folium.Map:
    """The atlas bases (if given) with ``groups`` on top, listed in the layer control;
    ``legend``: ``(group, LegendItem)`` rows shown while their group is on."""
    return build_map([bases_layer] if bases_layer is not None else [], RenderContext(lang=lang),
                     zoom=6, extras=groups, legend_extra=legend)


def _marker(group, g: nx.DiGraph, key: str, lang: str, color: str, radius: int = 6) -> None:
    n = g.nodes[key]
    folium.CircleMarker([n["lat"], n["lon"]], radius=radius, color="#ffffff", weight=1.5,
                        fill=True, fill_color=color, fill_opacity=0.95,
                        tooltip=html.escape(n[lang]), class_name="qpa-chain-host").add_to(group)


def _line(group, a: tuple[float, float], b: tuple[float, float], color: str, tip: str,
          weight: float = 3.0) -> None:
    folium.PolyLine([[a[1], a[0]], [b[1], b[0]]], color=color, weight=weight, opacity=0.85,
                    tooltip=html.escape(tip), class_name="qpa-chain-line").add_to(group)


def chain_map(g: nx.DiGraph, steps: Sequence[Sequence[str]], lang: str = "zh",
              bases_layer: MapLayer | None = None) -> folium.Map:
    """Map of a chain: host bases / resources and lines from each step's hosts to the next's."""
    lines = chain_lines(g, steps)
    group = folium.FeatureGroup(name=t("chains.layer.lines", lang))
    pts = folium.FeatureGroup(name=t("chains.layer.hosts", lang))
    seen = set()
    for ln in lines:
        a, b = ln["products"]
        tip = (f"{g.nodes[ln['from']][lang]} → {g.nodes[ln['to']][lang]}: "
               f"{g.nodes[a][lang]} → {g.nodes[b][lang]} ({ln['geodesic_km']:,.0f} km)")
        _line(group, ln["from_lonlat"], ln["to_lonlat"], COLORS["line"], tip)
        seen.update([ln["from"], ln["to"]])
    for step in steps:
        for p in step:
            if g.nodes[p]["kind"] == "product":
                seen.update(hosts(g, p, ("base",)))
    for key in sorted(seen):
        color = COLORS["host"] if g.nodes[key]["type"] == "base" else "#2c7fb8"
        _marker(pts, g, key, lang, color)
    return _base_map(bases_layer, lang, group, pts, legend=(
        (group, LegendItem("chains.layer.lines", COLORS["line"], "line")),
        (pts, LegendItem("chains.layer.hosts", COLORS["host"], "circle"))))


def partners_map(g: nx.DiGraph, base_id: str, partners: Iterable, lang: str = "zh",
                 bases_layer: MapLayer | None = None) -> folium.Map:
    """Map of a base's partner bases: blue lines to suppliers, orange lines to customers."""
    group = folium.FeatureGroup(name=t("chains.layer.lines", lang))
    me = g.nodes[base_node(base_id)]
    done = set()
    for p in partners:
        key = (p.side, p.base_id)
        side = t(f"chains.side.{p.side}", lang)
        other_name = p.zh if lang == "zh" else p.en
        flow = ((p.partner_product, p.product) if p.side == "upstream" else (p.product, p.partner_product))
        tip = f"{side}: {other_name} ({g.nodes[flow[0]][lang]} → {g.nodes[flow[1]][lang]}"
        tip += f", {p.geodesic_km:,.0f} km)"
        if key in done:
            continue
        done.add(key)
        other = g.nodes[base_node(p.base_id)]
        color = COLORS["line_up"] if p.side == "upstream" else COLORS["line_down"]
        _line(group, (other["lon"], other["lat"]), (me["lon"], me["lat"]), color, tip)
        _marker(group, g, base_node(p.base_id), lang, color)
    _marker(group, g, base_node(base_id), lang, "#000000", radius=8)
    return _base_map(bases_layer, lang, group, legend=(
        (group, LegendItem("chains.side.upstream", COLORS["line_up"], "line")),
        (group, LegendItem("chains.side.downstream", COLORS["line_down"], "line"))))


def ranking_map(ranked: pd.DataFrame, lang: str = "zh", bases_layer: MapLayer | None = None) -> folium.Map:
    """Map of a ranking: a circle per base, larger and darker for a higher score."""
    group = folium.FeatureGroup(name=t("chains.layer.ranking", lang))
    for row in ranked.itertuples():
        score = float(row.score)
        name = row.name_zh if lang == "zh" else row.name_en
        folium.CircleMarker(
            [row.lat, row.lon], radius=5 + 14 * score, color="#ffffff", weight=1.5, fill=True,
            fill_color="#54278f" if row.rank <= 3 else "#9e9ac8", fill_opacity=0.85,
            tooltip=html.escape(f"{row.rank}. {name}: {score:.2f}"), class_name="qpa-chain-rank",
        ).add_to(group)
    return _base_map(bases_layer, lang, group, legend=(
        (group, LegendItem("chains.layer.ranking", "#54278f", "circle")),))
