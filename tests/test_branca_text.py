"""Rendered map text is kept as text (layers.branca_text): the same page, no Jinja compile."""
from __future__ import annotations

import itertools

import branca.element
import jinja2
import pytest
import shapely
from streamlit_folium import _get_header, _get_html, _get_map_string

from geo.sources import BundleSource
from layers.branca_text import TextTemplate, template
from layers.registry import RenderContext
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


def _render_site_map(monkeypatch, draw: bool, click: bool) -> tuple[str, str, str, str]:
    """The figure's HTML and streamlit-folium's header, html and script of one site map,
    with element ids numbered (not random) so that two renders can be compared."""
    counter = itertools.count()
    monkeypatch.setattr(branca.element.Element, "_generate_id",
                        classmethod(lambda cls: f"{next(counter):032x}"))
    ctx = RenderContext(lang="en", source=BundleSource())
    site = shapely.box(101.726, 36.556, 101.734, 36.564)
    fig = site_map(ctx, site, None, draw=draw, click=click, layers=context_layers(ctx))
    page = fig.get_root().render()
    fig.render()
    return page, _get_header(fig), _get_html(fig), _get_map_string(fig)


@pytest.mark.parametrize("draw,click", [(False, False), (True, False), (False, True)])
def test_a_site_map_is_the_same_page_as_with_jinja(monkeypatch, draw, click):
    kept = _render_site_map(monkeypatch, draw, click)
    root = branca.element.Figure()
    assert any(isinstance(el._template, TextTemplate) for el in root.header._children.values())
    monkeypatch.setattr(branca.element, "Template", jinja2.Template)  # branca as released
    compiled = _render_site_map(monkeypatch, draw, click)
    assert kept == compiled
    assert "qpa-site" in kept[3] and len(kept[3]) > 10_000
