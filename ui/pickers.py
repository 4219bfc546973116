"""Pickers the pages share, so each choice looks and behaves the same everywhere."""
from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from .state import keep

__all__ = ["quota_year"]


def quota_year(label: str, years: Sequence[int], key: str, where=st) -> int:
    """The quota year (default: the latest); kept across reruns and language switches.

    ``where`` is the container (``st``, ``st.sidebar``, a column), or None for the kept
    year without a widget (a run that shows its widgets later). A year the ledger no
    longer has falls back to the latest.
    """
    years = list(years)
    if st.session_state.get(key) not in years:
        st.session_state.pop(key, None)
    kept = keep(key, years[-1], years)
    if where is None:
        return int(st.session_state[kept])
    return int(where.selectbox(label, years, key=kept))
