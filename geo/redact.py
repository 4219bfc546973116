"""Database URLs and messages with their secrets hidden, for pages, logs and errors.

>>> redact_url("postgresql://qpa:s3cret@db:5432/atlas?sslmode=require&password=x")
'postgresql://qpa:***@db:5432/atlas?sslmode=require&password=***'
>>> redact_text("cannot connect to postgresql://u:pw@h/db: timeout")
'cannot connect to postgresql://u:***@h/db: timeout'
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["redact_url", "redact_text"]

MASK = "***"
#: Query and libpq keyword parameters that carry a secret.
_SECRET_KEYS = ("password", "passwd", "pwd", "sslpassword", "pass")
_URL_RE = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s'\"<>]+")
#: ``password=...`` in a query string or a libpq ``key=value`` connection string.
_KEY_RE = re.compile(r"(?i)\b(" + "|".join(_SECRET_KEYS) + r")(\s*=\s*)('[^']*'|[^\s&;'\"]+)")
#: ``user:password@`` in a URL (also one urlsplit cannot parse).
_USERINFO_RE = re.compile(r"(://[^/\s:@]*:)([^@/]*)(@)")


def _secrets_in(url: str) -> list[str]:
    """The password of ``url`` and the values of its password query parameters."""
    out = [m.group(2) for m in _USERINFO_RE.finditer(url)]
    out += [m.group(3).strip("'") for m in _KEY_RE.finditer(url)]
    try:
        out += [unquote(s) for s in out]
        out += [v for k, v in parse_qsl(urlsplit(url).query) if k.lower() in _SECRET_KEYS]
    except ValueError:  # a malformed URL (bad port, brackets): the patterns above still apply
        pass
    return [s for s in out if s]


def redact_url(url: str) -> str:
    """``url`` with the password of ``user:password@`` and every ``password=`` parameter as ``***``."""
    text = str(url)
    text = _USERINFO_RE.sub(lambda m: m.group(1) + MASK + m.group(3), text)
    return _KEY_RE.sub(lambda m: m.group(1) + m.group(2) + MASK, text)


def redact_text(text: str, *urls: str) -> str:
    """``text`` with every URL in it redacted, and the secrets of ``urls`` masked wherever
    they occur (a driver's message may quote a password without its URL)."""
    out = _URL_RE.sub(lambda m: redact_url(m.group(0)), str(text))
    out = _KEY_RE.sub(lambda m: m.group(1) + m.group(2) + MASK, out)
    for url in urls:
        for secret in sorted(_secrets_in(str(url)), key=len, reverse=True):
            if len(secret) >= 3:  # a one- or two-letter password would mask ordinary words
                out = out.replace(secret, MASK)
    return out
