"""Audit trail: every screening run by an official, kept with its inputs and result.

Viewers (investors) screen anonymously and are not recorded; an official's
screening is stored in full (the project, how the site was given, the site
geometry, every check's status, figures and evidence) so a filed finding can
be traced back. Layer replacements and ledger changes keep their own history
(:meth:`geo.store.Store.versions`, :func:`geo.ledger.entries`).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pandas as pd

from .auth import User, is_official
from .store import Store, dumps, now_iso

if TYPE_CHECKING:
    from .checks.result import Project, ScreenResult
    from .site_input import Site

__all__ = ["screening_inputs", "record_site_check", "record_screening", "screenings",
           "screening"]


def _as_dict(result: Any) -> dict[str, Any]:
    if hasattr(result, "to_dict"):
        as_dict: dict[str, Any] = result.to_dict()
        return as_dict
    return dict(result or {})


def screening_inputs(store: Store, site: Site, project: Project) -> dict[str, Any]:
    """What one site check was given and screened against, as its audit record keeps it.

    ``site`` is a :class:`geo.site_input.Site` (how it was given, its CRS, its
    name, the polygon), ``project`` a :class:`geo.checks.Project`. The record
    also names the data in use: each layer's current version in ``store`` and
    the elevation model's (0: the bundled one), so a filed finding can be
    traced to the exact data it was made on.
    """
    dem = store.current_dem()
    return {"how": site.source_kind, "crs": site.crs_in, "name": site.name,
            "area_ha": site.area_ha, "site": site.geometry.__geo_interface__,
            "project": project.to_dict(),
            "data": {"layers": {lid: store.current_version(lid) for lid in store.layer_ids()},
                     "dem_version": dem.version if dem is not None else 0}}


def record_site_check(store: Store, user: User, site: Site, result: ScreenResult) -> int | None:
    """Keep an official's site check: :func:`screening_inputs` of ``site`` and the
    screened project, and ``result`` (a ScreenResult); None for a viewer."""
    if not is_official(user):
        return None
    return record_screening(store, user, screening_inputs(store, site, result.project), result)


def record_screening(store: Store, user: User, inputs: dict[str, Any],
                     result: ScreenResult | dict[str, Any]) -> int | None:
    """Keep one screening run by an official; returns its id (None for a viewer).

    Parameters
    ----------
    store : Store
    user : User
        Only officials are recorded (viewers screen anonymously).
    inputs : dict
        What was given: site (GeoJSON or text), how (click/draw/paste/file),
        CRS, project fields... Geometries and numpy values are converted.
    result : dict or ScreenResult
        The result (``ScreenResult.to_dict()`` or the object itself).

    Returns
    -------
    int or None
        Id of the audit record, to link a reservation to it.
    """
    if not is_official(user):
        return None
    body = _as_dict(result)
    overall = body.get("overall")
    with store.transaction() as tx:
        row = tx.one("INSERT INTO screenings (at, username, overall, inputs, result) "
                     "VALUES (?, ?, ?, ?, ?) RETURNING id",
                     (now_iso(), user.username, None if overall is None else str(overall),
                      dumps(inputs or {}), dumps(body)))
    assert row is not None  # INSERT ... RETURNING gives one row
    return int(row[0])


def screenings(store: Store, username: str | None = None, limit: int = 200) -> pd.DataFrame:
    """Recorded screenings, newest first: id, at, username, overall (no bodies)."""
    sql = "SELECT id, at, username, overall FROM screenings"
    params: list[Any] = []
    if username:
        sql, params = sql + " WHERE username = ?", [username]
    with store.transaction() as tx:
        return tx.frame(sql + " ORDER BY id DESC LIMIT ?", [*params, int(limit)])


def screening(store: Store, screening_id: int) -> dict[str, Any] | None:
    """One recorded screening with its ``inputs`` and ``result`` decoded (None if absent)."""
    with store.transaction() as tx:
        row = tx.one("SELECT id, at, username, overall, inputs, result FROM screenings "
                     "WHERE id = ?", (int(screening_id),))
    if row is None:
        return None
    return {"id": int(row[0]), "at": row[1], "username": row[2], "overall": row[3],
            "inputs": json.loads(row[4]), "result": json.loads(row[5])}
