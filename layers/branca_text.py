"""Rendered map text kept as text: branca no longer compiles it as a Jinja template.

branca (0.8) puts every piece a folium element renders -- each layer's script,
each header line, the ``<meta>`` tag of every new figure -- into the figure as
``Element(text)``, and ``Element.__init__`` compiles that text with
``jinja2.Template(text)``: a full Jinja parse and a Python ``compile`` of text
that holds no Jinja at all (its ids are random, so no compile cache could help).
On the site-check map that was about half of the CPU of drawing the map, on every
rerun of every session (``bench/RESULTS.md``, "Server CPU per site check").

:func:`install` makes ``branca.element``'s ``Template`` a factory that returns
:class:`TextTemplate` for a text without Jinja syntax (no ``{{``, ``{%``, ``{#``)
and a real ``jinja2.Template`` for anything else. ``TextTemplate.render`` gives
exactly what Jinja's ``render()`` gives for such a text (its newlines made
``\\n``, one trailing newline dropped: Jinja's defaults); anything else asked
of it (``module``, ``blocks``...) comes from the real template, compiled then.
It also memoises branca's ``_camelify`` (element names -> JavaScript variable
prefixes; called for every ``get_name()``, thousands of times per map, on a
handful of class names).
"""
from __future__ import annotations

import functools
from typing import Any

import branca.element
import jinja2

__all__ = ["TextTemplate", "template", "install", "JINJA_MARKS"]

#: Jinja's default block, variable and comment openers: text with none of them is data only.
JINJA_MARKS = ("{{", "{%", "{#")


def _as_jinja_renders(text: str) -> str:
    """``jinja2.Template(text).render()`` for a text without :data:`JINJA_MARKS`.

    >>> _as_jinja_renders("a\\r\\nb\\rc\\n\\n")
    'a\\nb\\nc\\n'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:-1] if text.endswith("\n") else text


class TextTemplate:
    """Stands in for ``jinja2.Template(source)`` when ``source`` holds no Jinja syntax."""

    def __init__(self, source: str):
        self.source = source
        self._text: str | None = None
        self._compiled: jinja2.Template | None = None

    def render(self, *args: Any, **kwargs: Any) -> str:
        """The text as Jinja renders it (the context is not used: there is nothing to fill)."""
        if self._text is None:
            self._text = _as_jinja_renders(self.source)
        return self._text

    def __getattr__(self, name: str) -> Any:
        """Any other attribute of a Jinja template, from the real one (compiled on first use)."""
        if name.startswith("__") or name in ("source", "_text", "_compiled"):
            raise AttributeError(name)
        if self._compiled is None:
            self._compiled = jinja2.Template(self.source)
        return getattr(self._compiled, name)


def template(source: Any, *args: Any, **kwargs: Any) -> Any:
    """``jinja2.Template(source, ...)``, or a :class:`TextTemplate` for plain text."""
    if args or kwargs or not isinstance(source, str) or any(m in source for m in JINJA_MARKS):
        return jinja2.Template(source, *args, **kwargs)
    return TextTemplate(source)


_INSTALLED = False


def install() -> None:
    """Make branca build its text elements with :func:`template` (idempotent)."""
    global _INSTALLED
    if _INSTALLED:
        return
    branca.element.Template = template  # type: ignore[misc,assignment]  # a factory for the class
    branca.element._camelify = functools.lru_cache(maxsize=512)(branca.element._camelify)
    _INSTALLED = True
