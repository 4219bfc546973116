"""The indicative-data warning, following what the store holds (one for every page)."""
from __future__ import annotations

import streamlit as st

from geo.i18n import t
from geo.layer_accuracy import indicative_layers
from layers.registry import LAYERS

from .screening import store_source

__all__ = ["indicative_warning"]


_TABLES = {s.table or s.id: s.id for s in LAYERS if s.kind != "raster"}  # store table -> layer id


@st.cache_data(show_spinner=False, max_entries=16)
def _indicative(version: str) -> list[str]:
    """Ids of the layers with indicative data in store ``version``."""
    return [_TABLES[table] for table in indicative_layers(store_source(), list(_TABLES))]


def indicative_warning(lang: str) -> None:
    """Warn about the layers that still hold indicative data; nothing when none does."""
    layers = _indicative(store_source().version_key())
    if layers:
        sep = "、" if lang == "zh" else ", "
        st.warning(t("warn.indicative_layers", lang,
                     layers=sep.join(t(f"layer.{lid}", lang) for lid in layers)))
