"""Opening the app in AppTest as a browser does.

A session opened on the atlas draws its map first and its sidebar widgets with the next
run (:func:`ui.shell.controls_deferred`), which a browser starts when the map reports its
view. AppTest runs no JavaScript, so :func:`map_reports` makes that run.
"""
from __future__ import annotations

from geo.i18n import t


def controls_loading(at) -> bool:
    """True when the sidebar still says its controls are coming."""
    return any(c.value in (t("app.controls_loading", "zh"), t("app.controls_loading", "en"))
               for c in at.sidebar.caption)


def map_reports(at):
    """The run the atlas map's first report starts; the sidebar's widgets are there after it."""
    at.run()
    assert not at.exception, at.exception
    assert not controls_loading(at)
    return at
