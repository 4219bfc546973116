"""Provenance attributes every bundled or imported feature carries.

Every feature says where it came from (``source``), when that source was
published or read (``source_date``, ISO ``YYYY-MM-DD``) and how far it can be
trusted (``accuracy``):

* ``authoritative`` -- an official file imported by an authorised user;
* ``indicative``    -- drawn from public descriptions (a base's known location
  and size, a reserve's approximate extent); never to be filed as a boundary;
* ``derived``       -- computed from real public data (e.g. converted,
  simplified or buffered outlines).
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

__all__ = [
    "ACCURACY_LEVELS",
    "PROVENANCE_FIELDS",
    "NAME_FIELDS",
    "ProvenanceError",
    "check_provenance",
    "indicative_layers",
]

PROVENANCE_FIELDS: tuple[str, ...] = ("source", "source_date", "accuracy")
NAME_FIELDS: tuple[str, ...] = ("name_zh", "name_en")
ACCURACY_LEVELS: tuple[str, ...] = ("authoritative", "indicative", "derived")


class ProvenanceError(ValueError):
    """A feature lacks a provenance field or has an unknown accuracy."""


def check_provenance(frame: pd.DataFrame, layer: str = "") -> None:
    """Raise :class:`ProvenanceError` unless every row has full provenance.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        Rows to check; must have the columns of ``PROVENANCE_FIELDS`` and
        ``NAME_FIELDS``, none empty, and ``accuracy`` in ``ACCURACY_LEVELS``.
    layer : str
        Layer name used in the message.
    """
    where = f"layer '{layer}'" if layer else "frame"
    for col in PROVENANCE_FIELDS + NAME_FIELDS:
        if col not in frame.columns:
            raise ProvenanceError(f"{where} has no column '{col}'")
        empty = frame[col].isna() | (frame[col].astype(str).str.strip() == "")
        if empty.any():
            rows = list(frame.index[empty][:5])
            raise ProvenanceError(f"{where}: '{col}' is empty in rows {rows}")
    bad = ~frame["accuracy"].isin(ACCURACY_LEVELS)
    if bad.any():
        values = sorted(set(frame.loc[bad, "accuracy"].astype(str)))
        raise ProvenanceError(
            f"{where}: accuracy {values} is not one of {list(ACCURACY_LEVELS)}"
        )


def indicative_layers(frames: Iterable[tuple[str, pd.DataFrame]]) -> list[str]:
    """Names of the layers that hold at least one indicative feature."""
    return [name for name, f in frames if (f["accuracy"] == "indicative").any()]
