"""Streamlit's own words in the user's language, where only a style sheet can reach them.

Streamlit 1.67 writes the file uploader's button ("Upload") and its limit line
("200MB per file • ZIP": the transport limit, not the limit of the use) in
English with no option to change them. :func:`file_uploader` is the app's one
file uploader: beside Streamlit's it adds a style sheet, for that uploader
only, that hides those texts and shows in their place (CSS generated content)
the button in the user's language and the size limit of the use (a site file,
a batch, an official's import, a DEM), which the app checks itself with a
message in the user's language. The element, its accessibility and its
behaviour stay Streamlit's.
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import streamlit as st

from geo.i18n import t

__all__ = ["uploader_css", "file_uploader"]

_MB = 1024 * 1024


def uploader_css(key: str, lang: str, max_bytes: int) -> str:
    """The style sheet of the uploader with widget key ``key`` (Streamlit marks its element
    ``st-key-<key>``): its button and limit line in ``lang``."""
    scope = ".st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)
    drop, limit = f'{scope} [data-testid="stFileUploaderDropzone"]', \
        f'{scope} [data-testid="stFileUploaderDropzoneInstructions"]'
    button = json.dumps(t("chrome.upload", lang), ensure_ascii=False)
    line = json.dumps(t("chrome.upload_limit", lang, mb=f"{max_bytes / _MB:,.0f}"),
                      ensure_ascii=False)
    return (f"{drop} button * {{display: none !important;}}\n"
            f"{drop} button::after {{content: {button};}}\n"
            f"{limit} * {{display: none !important;}}\n"
            f"{limit}::after {{content: {line}; font-size: 0.875rem; opacity: 0.6;}}\n")


def file_uploader(label: str, *, key: str, lang: str, max_bytes: int, types: Sequence[str],
                  where: Any = st, **kwargs: Any) -> Any:
    """``st.file_uploader`` with its words in ``lang`` and the use's limit ``max_bytes``
    shown (files above it are refused by the reader with the project's own message)."""
    st.html(f"<style>\n{uploader_css(key, lang, max_bytes)}</style>")
    return where.file_uploader(label, type=list(types), key=key, **kwargs)
