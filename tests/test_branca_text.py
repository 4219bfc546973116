"""Rendered map text is kept as text (layers.branca_text): the same page, no Jinja compile."""
from __future__ import annotations

import itertools

import branca.element
import jinja2
import pytest
import shapely
from streamlit_folium import _get_header, _get_html, _get_map_string

import pandas as pd

from geo.sources import BundleSource
from layers.atlas_view import dem_overlay, prepare_layer
from layers.branca_text import TextTemplate, template
from layers.chain_map import ranking_map
from layers.registry import LAYERS, RenderContext
from layers.render import build_map
from layers.site_view import context_layers, site_map

TEXTS = ["", "\n", "\r", "a\n", "a\n\n", "a\r\nb\r\n", "a\rb", "a\r\n\r\n", "青海 é\n",
         "x }} y %} z #}", "{ {a} }", "var m = {'a': 1};\n  L.map(m);\n",
         "<script>\n  var x = 1;\r\n</script>\n\n\n"]
JINJA = ["{{ this }}", "a {% if 1 %}b{% endif %}\n", "{# note #}c", "{{'geo_json_1'}}"]


@pytest.mark.parametrize("text", TEXTS)
def test_plain_text_renders_as_jinja_renders_it(text):
    made = template(text)
    assert isinstance(made, TextTemplate)
    assert made.render() == made.render(this=object(), kwargs={}) == jinja2.Template(text).render()
    assert made.module.__dict__.get("script") is None  # other attributes: the real template's


@pytest.mark.parametrize("text", JINJA)
def test_text_with_jinja_syntax_is_still_a_jinja_template(text):
    made = template(text)
    assert isinstance(made, jinja2.Template)
    assert made.render(this="x") == jinja2.Template(text).render(this="x")


def _site_map(draw: bool = False, click: bool = False):
    ctx = RenderContext(lang="en", source=BundleSource())
    site = shapely.box(101.726, 36.556, 101.734, 36.564)
    return site_map(ctx, site, None, draw=draw, click=click, layers=context_layers(ctx))


def _atlas_map():
    """The atlas as a user can open it: every layer, the terrain, OpenStreetMap."""
    ctx = RenderContext(lang="zh", source=BundleSource())
    layers = [prepare_layer(s.id, ctx, 8) for s in LAYERS if s.kind != "raster"]
    url, bounds, _ = dem_overlay()
    return build_map(layers, ctx, basemap="osm", dem_png=(url, bounds))


def _ranking_map():
    ranked = pd.DataFrame({"rank": [1, 4], "name_zh": ["甘河", "南川"], "name_en": ["Ganhe", "Nanchuan"],
                           "score": [0.5, 0.2], "lat": [36.5, 36.6], "lon": [101.5, 101.7]})
    return ranking_map(ranked, "zh")


MAPS = {"site": _site_map, "site, draw": lambda: _site_map(draw=True),
        "site, click": lambda: _site_map(click=True), "atlas": _atlas_map, "ranking": _ranking_map}


def _render(monkeypatch, make) -> tuple[str, str, str, str]:
    """The figure's HTML and streamlit-folium's header, html and script of a map, with
    element ids numbered (not random) so that two renders can be compared."""
    counter = itertools.count()
    monkeypatch.setattr(branca.element.Element, "_generate_id",
                        classmethod(lambda cls: f"{next(counter):032x}"))
    fig = make()
    page = fig.get_root().render()
    fig.render()
    return page, _get_header(fig), _get_html(fig), _get_map_string(fig)


@pytest.mark.parametrize("name", list(MAPS))
def test_a_map_is_the_same_page_as_with_jinja(monkeypatch, name):
    kept = _render(monkeypatch, MAPS[name])
    root = branca.element.Figure()
    assert any(isinstance(el._template, TextTemplate) for el in root.header._children.values())
    monkeypatch.setattr(branca.element, "Template", jinja2.Template)  # branca as released
    compiled = _render(monkeypatch, MAPS[name])
    assert kept == compiled
    assert len(kept[3]) > 1_000 and "L.map" in kept[0]
