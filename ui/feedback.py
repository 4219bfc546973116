"""The one way pages show messages and errors.

Streamlit renders the text of ``st.error``/``st.success``/``st.warning``/
``st.info``/``st.caption``/``st.markdown`` as Markdown, so a file name, a
``.prj`` CRS name or a pasted product name could become an image the browser
fetches, a link, or styled text. Everything here shows such text as written:

* :func:`plain` -- text with every Markdown construct escaped, database
  passwords masked and server paths cut to their file name;
* :func:`error`, :func:`warning`, :func:`success`, :func:`info`,
  :func:`caption` -- show a whole text that way;
* :func:`say` -- a translation whose own Markdown is kept but whose
  parameters (from files or users) are shown as plain text;
* :func:`show_error` -- an exception in the user's language: the project's
  own errors by their translation key, anything else as one generic line
  (the traceback goes to the server log, redacted), never a traceback or a
  server path on the page.
"""
from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable

import streamlit as st

from geo.errors import QPAError
from geo.i18n import error_text, t
from geo.redact import redact_text

__all__ = ["plain", "error", "warning", "success", "info", "caption", "say", "show_error"]

_LOG = logging.getLogger("qpa")
#: Markdown punctuation that starts a construct anywhere (links, images, code,
#: emphasis, HTML and autolinks, LaTeX, strikethrough, tables, entities,
#: headings; ``[`` also Streamlit's ``:color[...]``).
_ALWAYS = re.compile(r"([\\`*\[\]<>$~|&#!])")
#: ``_`` emphasises only at a word boundary (``area_ha`` stays as it is).
_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")
#: What GFM turns into a link by itself: ``scheme://`` and ``www.``.
_AUTOLINK = re.compile(r"(?i):(?=//)|(?<=\bwww)\.")
#: A block construct at the start of a line: list, quote, numbered list, rule.
_LINE_START = re.compile(r"(?m)^(\s*)([-+=]|\d+(?=[.)]))")
#: An absolute server path of two or more parts (``/srv/qpa/var/x.gpkg``): its
#: file name is enough for the user, the folders tell an attacker the layout.
_SERVER_PATH = re.compile(r"(?<![\w/:.\\-])/(?:[^\s/'\"()<>\[\]]*/)+([^\s/'\"()<>\[\]]+)")


def _scrub(text: str) -> str:
    return _SERVER_PATH.sub(r"\1", redact_text(text))


def plain(text: object) -> str:
    """``text`` as Streamlit Markdown that shows it literally, secrets and server paths removed.

    >>> plain("![x](http://h/x.png) in area_ha")
    '\\\\!\\\\[x\\\\](http\\\\://h/x.png) in area_ha'
    """
    out = _ALWAYS.sub(r"\\\1", _scrub(str(text)))
    out = _UNDERSCORE.sub(r"\\_", out)
    out = _AUTOLINK.sub(lambda m: "\\" + m.group(0), out)
    return _LINE_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit()
                                                   else "\\" + m.group(2)), out)


def error(text: object) -> None:
    """``st.error`` showing ``text`` as written."""
    st.error(plain(text))


def warning(text: object) -> None:
    """``st.warning`` showing ``text`` as written."""
    st.warning(plain(text))


def success(text: object) -> None:
    """``st.success`` showing ``text`` as written."""
    st.success(plain(text))


def info(text: object) -> None:
    """``st.info`` showing ``text`` as written."""
    st.info(plain(text))


def caption(text: object) -> None:
    """``st.caption`` showing ``text`` as written."""
    st.caption(plain(text))


_SHOW: dict[str, Callable[[str], object]] = {
    "error": st.error, "warning": st.warning, "success": st.success, "info": st.info,
    "caption": st.caption, "markdown": st.markdown}


def say(how: str, key: str, lang: str, /, **params: object) -> None:
    """Show translation ``key`` with ``st.<how>``; string ``params`` appear as written.

    ``how`` is one of error, warning, success, info, caption, markdown.
    """
    safe = {k: plain(v) if isinstance(v, str) else v for k, v in params.items()}
    _SHOW[how](t(key, lang, **safe))


def show_error(err: BaseException, lang: str) -> None:
    """Show ``err`` in the user's language: a :class:`~geo.errors.QPAError` by its
    translation key, anything else as one generic line (details to the server log)."""
    if isinstance(err, QPAError):
        st.error(plain(error_text(err, lang)))
        return
    _LOG.error("unexpected error shown to a user as a generic message:\n%s",
               redact_text("".join(traceback.format_exception(err))))
    st.error(t("sec.err.unexpected", lang))
