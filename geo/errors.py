"""Typed errors of the domain core, each with a translation key.

``geo/`` raises these; pages catch :class:`QPAError` and show
``t(err.key, lang, **err.params)``. The English ``str(err)`` is for logs and
the command line.
"""
from __future__ import annotations

__all__ = ["QPAError", "InputError"]


class QPAError(ValueError):
    """Base error: ``key`` names a translation, ``params`` fill it."""

    key = "err.generic"

    def __init__(self, message: str, key: str | None = None, **params: object) -> None:
        super().__init__(message)
        if key is not None:
            self.key = key
        self.params = {"detail": message, **params}


class InputError(QPAError):
    """Input a user gave (coordinates, a file, a form field) cannot be used."""

    key = "err.input"
