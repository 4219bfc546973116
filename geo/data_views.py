"""The data page's tables and choices: layer versions, elevation-model versions.

No Streamlit here: the page reads the versions from the store and passes them
in; these functions pick the elevation model in use, what can be restored, and
build the tables with translated headers and Beijing times.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .auth import who
from .dem_versions import DemVersion
from .i18n import t
from .store import LayerVersion
from .beijing_time import beijing_text

__all__ = ["dem_in_use", "dem_restore_choices", "dem_in_use_label", "layer_version_rows",
           "dem_version_rows"]


def dem_in_use(dems: Sequence[DemVersion]) -> DemVersion | None:
    """The stored elevation model in use: the newest version (``dems`` oldest first, as
    :func:`geo.dem_versions.dem_versions` gives them); None when only the bundled
    overview is in use."""
    return max(dems, key=lambda v: v.version) if dems else None


def dem_restore_choices(dems: Sequence[DemVersion]) -> list[int | None]:
    """What a restore can bring back: ``None`` (the bundled overview) and every stored
    version but the one in use, oldest first."""
    current = dem_in_use(dems)
    return [None, *[v.version for v in dems if current is None or v.version != current.version]]


def dem_in_use_label(dems: Sequence[DemVersion], lang: str) -> str:
    """``v<N>`` of the elevation model in use, or the bundled overview's name."""
    current = dem_in_use(dems)
    return f"v{current.version}" if current is not None else t("dem.bundled", lang)


def dem_choice_label(version: int | None, dems: Sequence[DemVersion], lang: str) -> str:
    """A restore choice as a person tells versions apart: ``v<N> · Beijing time · file``,
    or the bundled overview's name."""
    if version is None:
        return t("dem.bundled", lang)
    v = next((d for d in dems if d.version == version), None)
    if v is None:
        return f"v{version}"
    return f"v{v.version} · {beijing_text(v.created_at)} · {v.source}"


def layer_version_rows(versions: Sequence[LayerVersion], lang: str) -> pd.DataFrame:
    """One row per stored version of a layer, oldest first, headers in ``lang``."""
    return pd.DataFrame([{
        t("data.col.version", lang): v.version, t("data.col.current", lang): "✓" if v.current else "",
        t("data.col.action", lang): t(f"data.action.{v.action}", lang),
        t("data.col.at_beijing", lang): beijing_text(v.created_at, seconds=True),
        t("data.col.by", lang): who(v.created_by, lang), t("data.col.source", lang): v.source,
        t("data.col.source_date", lang): v.source_date, t("data.col.n", lang): v.n_features,
        t("data.col.note", lang): v.note} for v in versions])


def dem_version_rows(dems: Sequence[DemVersion], lang: str) -> pd.DataFrame:
    """One row per stored elevation model, newest first, the one in use ticked."""
    current = dem_in_use(dems)
    return pd.DataFrame([{
        t("data.col.version", lang): v.version,
        t("data.col.current", lang): "✓" if current is not None and v.version == current.version
        else "",
        t("data.col.at_beijing", lang): beijing_text(v.created_at, seconds=True),
        t("data.col.by", lang): who(v.created_by, lang), t("data.col.source", lang): v.source,
        t("dem.col.cell", lang): v.cell_m, t("dem.col.shape", lang): f"{v.shape[0]}×{v.shape[1]}",
        t("data.col.note", lang): v.note} for v in reversed(list(dems))])

