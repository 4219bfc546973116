"""Widget state that survives reruns, language switches and reloads.

A selection widget (selectbox, radio, tabs) sends the browser its options as
formatted labels, and the browser sends the chosen *label* back. When the
language changes, every label changes: the browser still holds the old one,
and Streamlit can no longer map it to an option, so the choice is lost or,
with a lenient ``format_func``, a raw label becomes the value.

The cure, used by every page:

* :func:`keep` -- a keyed selection widget whose value is an id or code (the
  label comes from ``format_func``). Its default is set through session state
  (never ``index=``), and when the language changes, :func:`pin_choices`
  (the language radio's ``on_change``) writes each kept value back to session
  state, so Streamlit sends the browser the label in the new language.
* :func:`tabs` -- ``st.tabs`` whose open tab is remembered by id: the tab
  labels change with the language, the id does not.
* :func:`from_url` / :func:`to_url` -- the page's main choices in the URL
  (``st.query_params``), read once per session and page and checked against
  the allowed values; a bad value is an :class:`~geo.errors.InputError`.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

import streamlit as st

from geo.errors import InputError
from geo.i18n import LANGS, error_text, t

__all__ = ["keep", "pin", "pin_choices", "tabs", "open_tab", "from_url", "to_url", "text_param",
           "weight_param", "LANG_KEY",
           "DEFERRED", "controls_deferred"]

LANG_KEY = "lang"
DEFERRED = "_controls_deferred"  # set by the router for each run (ui.shell.run_router)
_KEPT: set[str] = set()  # keys of kept selection widgets (names in code, the same for everyone)


def keep(key: str, default: Any, options: Collection[Any] | None = None,
         label: Callable[[Any, str], str] | None = None) -> str:
    """Register ``key`` as a kept choice; set ``default`` if the session has no value yet.

    Returns ``key``, for ``st.selectbox(..., key=keep("focus_base", "", base_ids))``. The
    widget itself must not pass ``index=`` (the default lives in session state). A choice
    survives a visit to another page of the app and back.

    With ``options``, a value that is not one of them is replaced by the last one that was
    (else ``default``): right after a language switch, a rerun that starts before the
    browser has the new labels gets the choice back as its label in the old language, which
    Streamlit then takes for the value itself. With ``label(option, lang)`` (the widget's
    ``format_func`` for a language), such a label, in either language, is taken as the option
    it names, so the choice is kept exactly; other values fall back as above.
    """
    _KEPT.add(key)
    good = f"_kept_ok.{key}"
    if key not in st.session_state:
        # Streamlit drops a widget's value when a run does not draw it (the user went to another
        # page): the copy under ``good`` (not a widget key, so kept) brings the choice back
        remembered = st.session_state.get(good, default)
        st.session_state[key] = (remembered if options is None or remembered in options
                                 else default)
    elif options is not None and st.session_state[key] not in options:
        value = st.session_state[key]
        named = {label(o, lang): o for lang in LANGS for o in options} if label else {}
        st.session_state[key] = (named[value] if isinstance(value, str) and value in named
                                 else st.session_state.get(good, default))
    if options is None or st.session_state[key] in options:
        st.session_state[good] = st.session_state[key]
    return key


def pin_choices() -> None:
    """Write every kept choice back to session state (the language radio's ``on_change``).

    Runs before the script, while Streamlit still reads the browser's labels
    with the previous run's options, so each value is the right id; writing it
    makes the next run send the browser the label in the new language.
    """
    for key in _KEPT:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def tabs(key: str, ids: Sequence[str], label: Callable[[str], str]):
    """``st.tabs`` of ``ids`` labelled by ``label(id)``; the open tab survives a language switch.

    The open tab's id is kept under ``_tab.<key>`` (a link may give it as
    ``?<key>=<id>``, read once per session): a tab container's identity is its
    labels, so after a language switch Streamlit makes a new one, which opens on
    the remembered tab. :func:`open_tab` says which tab is open.
    """
    store = f"_tab.{key}"
    _tab_from_url(key, ids)
    _show_url_errors(f"tab.{key}")
    labels = [label(i) for i in ids]
    # The container's identity includes its default: keep the default it was made with while
    # the labels stay (a new default each click would make a new container, drawn beside the
    # old one until the run ends); new labels (the other language) make a new one anyway,
    # opened on the remembered tab.
    made = st.session_state.get(f"_tab_made.{key}")
    if made and made[0] == labels:
        default = made[1]
    else:
        current = st.session_state.get(store)
        default = labels[ids.index(current)] if current in ids else labels[0]
        st.session_state[f"_tab_made.{key}"] = (labels, default)

    def _remember() -> None:
        chosen = st.session_state.get(key)
        if chosen in labels:
            st.session_state[store] = ids[labels.index(chosen)]

    return st.tabs(labels, key=key, default=default, on_change=_remember)


def _tab_from_url(key: str, ids: Sequence[str]) -> None:
    """Take the open tab of :func:`tabs` ``key`` from the link (``?<key>=<id>``), once per
    session, whichever of :func:`tabs` and :func:`open_tab` asks first."""
    if not st.session_state.get(f"_url_read.{key}"):
        st.session_state[f"_url_read.{key}"] = True
        raw = st.query_params.get(key)
        if raw is None:
            return
        try:
            st.session_state[f"_tab.{key}"] = _parse(key, raw, ids)
        except InputError as exc:  # said on the page (by :func:`tabs`) until dismissed
            st.session_state[f"_url_errors.tab.{key}"] = [exc]
            del st.query_params[key]


def open_tab(key: str, ids: Sequence[str]) -> str:
    """The id of the open tab of :func:`tabs` ``key`` (a page may ask before making them)."""
    _tab_from_url(key, ids)
    current = st.session_state.get(f"_tab.{key}")
    return str(current) if current in ids else ids[0]


def controls_deferred() -> bool:
    """True in the run that opens a session on the atlas: the page draws its map and leaves
    its sidebar widgets (read from their kept values) to the next run, which the map's first
    report starts."""
    return bool(st.session_state.get(DEFERRED))


def from_url(page: str, params: dict[str, Callable[[str], Any] | Collection[Any]]) -> None:
    """Seed the page's choices from the URL, once per session and page.

    ``params`` maps a widget key (also the query parameter's name) to the
    allowed values or to a parser that returns the value or raises
    :class:`~geo.errors.InputError`. A value that is not allowed is dropped from
    the URL and shown as an error in the user's language, on every run of the page
    until the user dismisses it; the widget keeps its default.
    """
    flag, kept = f"_url_read.{page}", f"_url_errors.{page}"
    if not st.session_state.get(flag):
        st.session_state[flag] = True
        refused: list[InputError] = []
        for key, allowed in params.items():
            raw = st.query_params.get(key)
            if raw is None:
                continue
            try:
                value = _parse(key, raw, allowed)
            except InputError as exc:
                refused.append(exc)
                del st.query_params[key]
            else:
                st.session_state[key] = value
        if refused:
            st.session_state[kept] = refused
    _show_url_errors(page)


def _show_url_errors(page: str) -> None:
    """The link's refused values of ``page`` (kept under ``_url_errors.<page>``), shown until
    the user dismisses them: the page reruns by itself (a map reports its view), and a message
    gone after a moment would look like the link was taken as given."""
    kept = f"_url_errors.{page}"
    errors = st.session_state.get(kept)
    if errors:
        lang = st.session_state.get(LANG_KEY, LANGS[0])
        for shown in errors:
            st.error(error_text(shown, lang))
        st.button(t("url.err.dismiss", lang), key=f"_url_dismiss.{page}",
                  on_click=lambda: st.session_state.pop(kept, None))


def _parse(key: str, raw: str, allowed) -> Any:
    if callable(allowed):
        return allowed(raw)
    for value in allowed:
        if str(value) == raw:
            return value
    raise InputError(f"the link's {key}={raw[:40]!r} is not one of the choices",
                     key="url.err.choice", param=key, value=raw[:40])


def to_url(values: dict[str, Any]) -> None:
    """Put ``values`` (the page's current choices) and the language in the URL.

    ``None`` removes a parameter. Other parameters are dropped, so a link
    carries exactly this page's state.
    """
    wanted = {LANG_KEY: st.session_state.get(LANG_KEY, LANGS[0])}
    wanted.update({k: str(v) for k, v in values.items() if v is not None})
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def pin(*keys: str) -> None:
    """Keep the choices of widgets made elsewhere (with their own defaults) across a
    language switch, like :func:`keep` but without setting a default."""
    _KEPT.update(keys)


def text_param(max_chars: int = 100) -> Callable[[str], str]:
    """A parser for :func:`from_url` of free text up to ``max_chars`` characters."""
    def parse(raw: str) -> str:
        if len(raw) > max_chars:
            raise InputError(f"a link parameter has {len(raw)} characters, at most {max_chars}",
                             key="url.err.too_long", param="text")
        return raw
    return parse


def weight_param(raw: str) -> float:
    """A parser for :func:`from_url` of a weight: a number from 0 to 1, taken to the sliders'
    step of 0.05."""
    try:
        value = float(raw[:20])
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        raise InputError(f"the link's weight {raw[:20]!r} is not a number from 0 to 1",
                         key="url.err.weight", value=raw[:20])
    return round(round(value / 0.05) * 0.05, 2)
