"""Roles, credentials and the guard every editing function calls.

Two roles: ``viewer`` (anyone, no login; sees public layers only) and
``official`` (logs in; edits quotas, reserves land, imports and restores
layers, sees restricted layers). A third, internal identity :data:`SYSTEM`
loads the bundled data on first start.

Credentials are bcrypt hashes, never plain passwords, and never in the
repository. They come from, in order:

1. Streamlit secrets (the page passes ``st.secrets``)::

       [auth.users.wang]
       password_hash = "$2b$12$..."
       role = "official"
       name = "王工"

2. the environment: ``QPA_USERS="wang:$2b$12$...:official,li:$2b$12$..."``
   (``user:hash[:role]``, comma separated; role defaults to official), or
   ``QPA_USERS_FILE`` naming a JSON file ``{user: {password_hash, role, name}}``;
3. a local file ``<data dir>/credentials.json`` created on first start with
   one sample official account whose random password is printed once (to
   stderr) and kept nowhere in clear. For local use only.

Hash a password for 1. or 2. with ``python -m geo.auth hash``.
"""
from __future__ import annotations

import getpass
import json
import os
import secrets as _secrets
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from .errors import QPAError

__all__ = [
    "VIEWER",
    "OFFICIAL",
    "ROLES",
    "User",
    "ANONYMOUS",
    "SYSTEM",
    "PermissionDenied",
    "LoginError",
    "is_official",
    "require_official",
    "can_see",
    "hash_password",
    "load_credentials",
    "ensure_sample_credentials",
    "authenticate",
    "SAMPLE_USER",
    "CREDENTIALS_FILE",
]

VIEWER = "viewer"
OFFICIAL = "official"
ROLES: tuple[str, ...] = (VIEWER, OFFICIAL)
_SYSTEM_ROLE = "system"
SAMPLE_USER = "official"
CREDENTIALS_FILE = "credentials.json"
#: Failed logins allowed per user name before a pause of ``_LOCK_SECONDS``.
_MAX_FAILURES = 5
_LOCK_SECONDS = 60.0


@dataclass(frozen=True)
class User:
    """Who is acting.

    Attributes
    ----------
    username : str
    role : {'viewer', 'official', 'system'}
    name : str
        Display name (defaults to ``username``).
    """

    username: str
    role: str = VIEWER
    name: str = ""

    @property
    def label(self) -> str:
        """Display name, else user name."""
        return self.name or self.username


#: Anyone who has not logged in.
ANONYMOUS = User("anonymous", VIEWER)
#: The application itself (first-start loading of the bundled data).
SYSTEM = User("system", _SYSTEM_ROLE, "system")


class PermissionDenied(QPAError):
    """The user's role does not allow the action."""

    key = "auth.err.denied"


class LoginError(QPAError):
    """Wrong user name or password, or too many attempts."""

    key = "auth.err.login"


def is_official(user: object) -> bool:
    """True for a logged-in official (or the internal system user)."""
    return isinstance(user, User) and user.role in (OFFICIAL, _SYSTEM_ROLE)


def require_official(user: object, action: str = "edit") -> User:
    """Return ``user`` if it may edit; else raise :class:`PermissionDenied`.

    Every function that changes stored data calls this first, so a viewer
    cannot edit even by calling the logic directly.

    Parameters
    ----------
    user : User
        Anything else (None, a dict, a user name string) is refused.
    action : str
        Named in the message.
    """
    if not is_official(user):
        who = user.username if isinstance(user, User) else repr(user)
        raise PermissionDenied(f"{who} may not {action}: officials only",
                               action=action, user=who)
    return user  # type: ignore[return-value]


def can_see(user: object, public: bool) -> bool:
    """Whether ``user`` may see a layer whose registry flag ``public`` is given."""
    return bool(public) or is_official(user)


def hash_password(password: str) -> str:
    """bcrypt hash (``$2b$12$...``) of ``password``."""
    if not password:
        raise ValueError("empty password")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(12)).decode("ascii")


def _entry(name: str, value: Mapping) -> tuple[str, dict]:
    role = str(value.get("role", OFFICIAL))
    if role not in ROLES:
        raise ValueError(f"user {name!r} has role {role!r}; expected one of {ROLES}")
    hashed = str(value.get("password_hash", ""))
    if not hashed.startswith("$2"):
        raise ValueError(f"user {name!r} has no bcrypt password_hash")
    return name, {"password_hash": hashed, "role": role, "name": str(value.get("name", ""))}


def _from_secrets(secrets: Mapping | None) -> dict:
    try:
        users = secrets["auth"]["users"] if secrets is not None else None
    except (KeyError, TypeError, FileNotFoundError):
        return {}
    except Exception:  # Streamlit raises its own error when no secrets file exists
        return {}
    return dict(_entry(str(k), v) for k, v in (users or {}).items())


def _from_env(env: Mapping) -> dict:
    out: dict = {}
    for item in filter(None, (s.strip() for s in env.get("QPA_USERS", "").split(","))):
        parts = item.split(":")
        if len(parts) not in (2, 3):
            raise ValueError("QPA_USERS items are user:bcrypt_hash[:role]")
        role = parts[2] if len(parts) == 3 else OFFICIAL
        out.update([_entry(parts[0], {"password_hash": parts[1], "role": role})])
    path = env.get("QPA_USERS_FILE")
    if path:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        out.update(_entry(str(k), v) for k, v in data.items())
    return out


def ensure_sample_credentials(data_dir: Path, stream=None) -> Path:
    """Create ``<data_dir>/credentials.json`` with one sample official, once.

    The random password is written to ``stream`` (default stderr) this one
    time; the file holds only its bcrypt hash (mode 0600). An existing file is
    left as it is.
    """
    path = Path(data_dir) / CREDENTIALS_FILE
    if path.exists():
        return path
    password = _secrets.token_urlsafe(12)
    data = {SAMPLE_USER: {"password_hash": hash_password(password), "role": OFFICIAL,
                          "name": "sample official (local use only)"}}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
    print(f"[qpa] sample local login (shown once, for local use only): user '{SAMPLE_USER}', "
          f"password '{password}'  (hash kept in {path}; set real users in secrets or "
          "QPA_USERS, see README)", file=stream or sys.stderr, flush=True)
    return path


def load_credentials(secrets: Mapping | None = None, env: Mapping | None = None,
                     data_dir: Path | None = None) -> dict:
    """``{username: {password_hash, role, name}}`` from secrets, env, or the local file.

    The first source that defines any user wins. With none, the local file
    under ``data_dir`` is used (created with a sample account when absent).
    """
    env = os.environ if env is None else env
    users = _from_secrets(secrets)
    if users:
        return users
    users = _from_env(env)
    if users or data_dir is None:
        return users
    path = ensure_sample_credentials(Path(data_dir))
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(_entry(str(k), v) for k, v in data.items())


_failures: dict[str, tuple[int, float]] = {}
_failures_lock = threading.Lock()
_DUMMY_HASH = bcrypt.hashpw(b"dummy", bcrypt.gensalt(4))


def authenticate(username: str, password: str, credentials: Mapping) -> User:
    """The :class:`User` for a correct user name and password.

    Raises
    ------
    LoginError
        Unknown user or wrong password (same message for both), or more than
        ``_MAX_FAILURES`` failures for that name in a row (then wait).
    """
    name = (username or "").strip()
    with _failures_lock:
        count, since = _failures.get(name, (0, 0.0))
    if count >= _MAX_FAILURES and time.monotonic() - since < _LOCK_SECONDS:
        raise LoginError("too many failed attempts; wait a minute", key="auth.err.locked")
    entry = credentials.get(name)
    hashed = (entry or {}).get("password_hash", "").encode("ascii") or _DUMMY_HASH
    ok = bcrypt.checkpw((password or "").encode("utf-8"), hashed) and entry is not None
    if not ok:
        with _failures_lock:
            _failures[name] = (count + 1, time.monotonic())
        raise LoginError("wrong user name or password")
    with _failures_lock:
        _failures.pop(name, None)
    return User(name, entry["role"], entry.get("name", ""))


def _main(argv: list[str]) -> int:
    if argv[:1] != ["hash"]:
        print("usage: python -m geo.auth hash   (reads a password, prints its bcrypt hash)",
              file=sys.stderr)
        return 2
    password = getpass.getpass("password: ")
    if password != getpass.getpass("again: "):
        print("passwords differ", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main(sys.argv[1:]))
