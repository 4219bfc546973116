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
   stderr) and kept nowhere in clear. Only for local use: never when a
   database URL is configured or the server listens beyond loopback
   (:func:`sample_login_allowed`); such a deployment requires 1. or 2.

Wrong passwords are paced per client (:class:`FailureLog`), never per user
name, so nobody can lock the real official out; an unknown name costs the same
bcrypt work as a known one.

Hash a password for 1. or 2. with ``python -m geo.auth hash``.
"""
from __future__ import annotations

import getpass
import ipaddress
import json
import os
import re
import secrets as _secrets
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import bcrypt

from .errors import QPAError
from .i18n import t

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
    "sample_login_allowed",
    "FailureLog",
    "authenticate",
    "SAMPLE_USER",
    "who",
    "CREDENTIALS_FILE",
]

VIEWER = "viewer"
OFFICIAL = "official"
ROLES: tuple[str, ...] = (VIEWER, OFFICIAL)
_SYSTEM_ROLE = "system"
SAMPLE_USER = "official"
#: User names shown in the user's language (:func:`who`): the app's own and the sample login.
_SHOWN_AS = {"system": "auth.who_system", SAMPLE_USER: "auth.who_sample"}
CREDENTIALS_FILE = "credentials.json"
#: Failed logins a client may make freely; each further one doubles its wait
#: (1 s, 2 s, 4 s ... at most ``_MAX_WAIT_SECONDS``).
_FREE_FAILURES = 5
_MAX_WAIT_SECONDS = 300.0
#: A client's failures are forgotten this long after its last one.
_FORGET_SECONDS = 900.0
#: At most this many clients' failures are kept (the oldest are dropped).
_MAX_CLIENTS = 4096
_LOOPBACK_NAMES = ("localhost",)
_BCRYPT_MAX_BYTES = 72


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


def who(username: str | None, lang: str) -> str:
    """The name to show for a user name recorded in the store or the ledger: the app itself
    and the sample local official in the user's language, anyone else as recorded."""
    if username in _SHOWN_AS:
        return t(_SHOWN_AS[username], lang)
    return "" if username is None else str(username)


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


def _entry(name: str, value: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    role = str(value.get("role", OFFICIAL))
    if role not in ROLES:
        raise ValueError(f"user {name!r} has role {role!r}; expected one of {ROLES}")
    hashed = str(value.get("password_hash", ""))
    if not hashed.startswith("$2"):
        raise ValueError(f"user {name!r} has no bcrypt password_hash")
    return name, {"password_hash": hashed, "role": role, "name": str(value.get("name", ""))}


def _from_secrets(secrets: Mapping[str, Any] | None) -> dict[str, Any]:
    try:
        users = secrets["auth"]["users"] if secrets is not None else None
    except (KeyError, TypeError, FileNotFoundError):
        return {}
    except Exception:  # Streamlit raises its own error when no secrets file exists
        return {}
    return dict(_entry(str(k), v) for k, v in (users or {}).items())


def _from_env(env: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
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


def ensure_sample_credentials(data_dir: Path, stream: TextIO | None = None) -> Path:
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


def sample_login_allowed(server_address: str | None, database_url: str | None) -> bool:
    """Whether the sample local login may exist: no shared database and a server
    listening on loopback only (``server.address`` 127.0.0.1, ``localhost`` or ``::1``;
    unset means every interface)."""
    if (database_url or "").strip():
        return False
    host = (server_address or "").strip().strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_credentials(secrets: Mapping[str, Any] | None = None, env: Mapping[str, Any] | None = None,
                     data_dir: Path | None = None) -> dict[str, Any]:
    """``{username: {password_hash, role, name}}`` from secrets, env, or the local file.

    The first source that defines any user wins. With none, the local file
    under ``data_dir`` is used (created with a sample account when absent);
    pass ``data_dir=None`` where :func:`sample_login_allowed` is False.
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


class FailureLog:
    """Failed logins per client (IP address or session), bounded in size.

    A client may fail ``free`` times; after that it waits ``2**(n - free)``
    seconds (at most ``max_wait``) after each failure. Records are forgotten
    ``forget`` seconds after a client's last failure, and at most ``max_clients``
    are kept (the least recently failed are dropped first).
    """

    def __init__(self, free: int = _FREE_FAILURES, max_wait: float = _MAX_WAIT_SECONDS,
                 forget: float = _FORGET_SECONDS, max_clients: int = _MAX_CLIENTS) -> None:
        self.free, self.max_wait, self.forget, self.max_clients = free, max_wait, forget, max_clients
        self._log: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._log)

    def _wait(self, count: int, last: float, now: float) -> float:
        if count < self.free:
            return 0.0
        return max(0.0, last + min(2.0 ** (count - self.free), self.max_wait) - now)

    def wait_left(self, client: str, now: float | None = None) -> float:
        """Seconds ``client`` must still wait before its next try (0: may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            count, last = self._log.get(client, (0, 0.0))
        return self._wait(count, last, now)

    def attempt(self, client: str, now: float | None = None) -> float:
        """Start a try by ``client``: the seconds it must wait first, or 0 and the try is
        counted as a failure until :meth:`succeeded` -- in one step, so simultaneous
        tries from one client cannot all pass the check before any is counted."""
        now = time.monotonic() if now is None else now
        with self._lock:
            count, last = self._log.get(client, (0, 0.0))
            if now - last > self.forget:
                count = 0
            wait = self._wait(count, last, now)
            if wait > 0:
                return wait
            self._log.pop(client, None)
            self._log[client] = (count + 1, now)
            while self._log:  # the least recently failed first
                oldest, (_, at) = next(iter(self._log.items()))
                if len(self._log) <= self.max_clients and now - at <= self.forget:
                    break
                del self._log[oldest]
        return 0.0

    def succeeded(self, client: str) -> None:
        """Forget ``client``'s failures."""
        with self._lock:
            self._log.pop(client, None)


_failures = FailureLog()
_COST_RE = re.compile(r"^\$2[abxy]?\$(\d\d)\$")


@lru_cache(maxsize=8)
def _dummy_hash(cost: int) -> bytes:
    return bcrypt.hashpw(b"no such user", bcrypt.gensalt(cost))


def _dummy_for(credentials: Mapping[str, Any]) -> bytes:
    """A hash of the same bcrypt cost as the configured ones (12 when none are)."""
    costs = [int(m.group(1)) for e in credentials.values()
             if (m := _COST_RE.match(str((e or {}).get("password_hash", ""))))]
    return _dummy_hash(max(costs, default=12))


def authenticate(username: str, password: str, credentials: Mapping[str, Any],
                 client: str = "") -> User:
    """The :class:`User` for a correct user name and password.

    Parameters
    ----------
    client : str
        Who is trying (IP address, else session id): failures are paced per
        client, so guesses by someone else never lock the real user out.

    Raises
    ------
    LoginError
        Unknown user or wrong password (same message, same bcrypt work for
        both), or ``client`` failed too often (``sec.err.locked``: wait).
    """
    name = (username or "").strip()
    wait = _failures.attempt(client)
    if wait > 0:
        raise LoginError(f"too many failed attempts; wait {wait:.0f} s", key="sec.err.locked",
                         seconds=int(wait + 0.999))
    entry = credentials.get(name)
    stored = str((entry or {}).get("password_hash", ""))
    hashed = stored.encode("ascii") if entry is not None and stored else _dummy_for(credentials)
    given = (password or "").encode("utf-8")
    fits = len(given) <= _BCRYPT_MAX_BYTES  # bcrypt refuses longer ones: a wrong password
    ok = bcrypt.checkpw(given if fits else b"", hashed) and fits and entry is not None
    if not ok or entry is None:
        raise LoginError("wrong user name or password")
    _failures.succeeded(client)
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
