"""The batch ranking as the batch page shows and exports it.

>>> import pandas as pd
>>> ranked = pd.DataFrame({"rank": [1, 2], "site_id": ["B", "A"], "score": [0.9, 0.5]})
>>> sens = pd.DataFrame({"site_id": ["A", "B"], "top_share": [0.25, 1.0]})
>>> ranking_export(ranked, sens)[["site_id", "top3_share"]].values.tolist()
[['B', 1.0], ['A', 0.25]]
>>> list(ranking_export(ranked, None).columns)
['rank', 'site_id', 'score']
>>> list(sensitivity_rows(sens.assign(mean_rank=1.0, best_rank=1, worst_rank=2), "en").columns)
['Site id', 'top-3 share', 'mean rank', 'best rank', 'worst rank']
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from .checks.registry import Column

__all__ = ["ranking_download", "ranking_export", "ranking_rows", "sensitivity_rows", "SENSITIVITY_COLUMNS"]

#: Columns of :func:`geo.batch.sensitivity`, in the order shown.
SENSITIVITY_COLUMNS: tuple[str, ...] = ("site_id", "top_share", "mean_rank", "best_rank",
                                        "worst_rank")


def ranking_export(ranked: pd.DataFrame, sens: pd.DataFrame | None) -> pd.DataFrame:
    """The ranked table with ``top3_share`` (share of perturbed-weight draws in which the
    site is in the top 3) when a weighted ranking was tested; in rank order."""
    if sens is None:
        return ranked
    return ranked.merge(sens[["site_id", "top_share"]].rename(columns={"top_share": "top3_share"}),
                        on="site_id", how="left")


def sensitivity_rows(sens: pd.DataFrame, lang: str, n: int = 20) -> pd.DataFrame:
    """The ``n`` sites most often in the top 3 under varied weights, headers in ``lang``."""
    return sens.head(n)[list(SENSITIVITY_COLUMNS)].rename(
        columns={c: t(f"batch.col.{c}", lang) for c in SENSITIVITY_COLUMNS})


_NUMERIC = ("num", "int", "pct")


def _figure_title(check_title: str, column: str, lang: str) -> str:
    return f"{check_title}：{column}" if lang == "zh" else f"{check_title}: {column}"


def ranking_rows(ranked: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ranked table as the batch page shows it: headers with units in ``lang``, the
    verdicts and every check's status translated, the registry's numeric batch figures
    under "<check>: <figure>"; the weighted score only when the ranking is weighted.
    Rows in rank order; the downloads keep :func:`ranking_export`'s ids and codes."""
    from .checks.registry import registry

    def status(col: pd.Series) -> pd.Series:
        return col.map(lambda v: t(f"status.{v}", lang) if isinstance(v, str) else v)

    out = {t("batch.col.rank", lang): ranked["rank"],
           t("batch.col.site_id", lang): ranked["site_id"],
           t("verdict.compliance", lang): status(ranked["overall"])}
    if "score" in ranked and ranked["score"].notna().any():
        out[t("batch.col.score", lang)] = ranked["score"]
    out[t("batch.col.suitability", lang)] = ranked["suitability"]
    out[t("batch.col.area_ha", lang)] = ranked["area_ha"]
    out[t("batch.col.buildable_ha", lang)] = ranked["buildable_ha"]
    for spec in registry():
        title = t(spec.title_key, lang)
        out[title] = status(ranked[f"{spec.id}_status"])
        for col in spec.figures:
            name = f"{spec.id}_{col.key}"
            if col.key in spec.batch_figures and col.kind in _NUMERIC and name in ranked:
                out[_figure_title(title, _header(col, lang), lang)] = _values(col, ranked[name])
    return pd.DataFrame(out).reset_index(drop=True)


def ranking_download(export: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table a person downloads (CSV, the workbook's first sheet) from
    :func:`ranking_export`'s table: :func:`ranking_rows` in ``lang`` (its headers, translated
    verdicts and statuses) and, when the weighted ranking was tested, each site's top-3
    share. The workbook's second sheet and the GeoJSON keep the export's field names and
    codes, for programs."""
    rows = ranking_rows(export, lang)
    if "top3_share" in export:
        rows[t("batch.col.top_share", lang)] = export["top3_share"].to_numpy()
    return rows


def _header(col: Column, lang: str) -> str:
    from .checks.columns import column_title

    if col.kind == "pct":
        return t(col.label, lang) + ("（%）" if lang == "zh" else " (%)")
    return column_title(col, lang)


def _values(col: Column, values: pd.Series) -> pd.Series:
    """A batch figure in the unit its header names (a share as %, metres shown as km)."""
    v = pd.to_numeric(values, errors="coerce")
    if col.kind == "pct":
        return v * 100
    if col.kind in ("int", "year"):
        return v.round().astype("Int64")
    return v / 1000.0 if col.unit == "unit.km_from_m" else v
