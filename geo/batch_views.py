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

import pandas as pd

from .i18n import t

__all__ = ["ranking_export", "sensitivity_rows", "SENSITIVITY_COLUMNS"]

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
