"""The batch ranking as the batch page shows and exports it.

>>> import pandas as pd
>>> ranked = pd.DataFrame({"rank": [1, 2], "site_id": ["B", "A"], "score": [0.9, 0.5]})
>>> sens = pd.DataFrame({"site_id": ["A", "B"], "top_share": [0.25, 1.0]})
>>> ranking_export(ranked, sens)[["site_id", "top3_share"]].values.tolist()
[['B', 1.0], ['A', 0.25]]
>>> list(ranking_export(ranked, None).columns)
['rank', 'site_id', 'score']
"""
from __future__ import annotations

import pandas as pd

__all__ = ["ranking_export"]


def ranking_export(ranked: pd.DataFrame, sens: pd.DataFrame | None) -> pd.DataFrame:
    """The ranked table with ``top3_share`` (share of perturbed-weight draws in which the
    site is in the top 3) when a weighted ranking was tested; in rank order."""
    if sens is None:
        return ranked
    return ranked.merge(sens[["site_id", "top_share"]].rename(columns={"top_share": "top3_share"}),
                        on="site_id", how="left")
