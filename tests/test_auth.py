"""Roles and credentials: bcrypt hashes from secrets/env/local file, the guard, lock-out."""
from __future__ import annotations

import io
import json
import os
import stat
import statistics
import subprocess
import uuid
from pathlib import Path

import bcrypt
import pytest

from geo import auth
from geo.auth import (ANONYMOUS, OFFICIAL, SYSTEM, LoginError, PermissionDenied, User,
                      authenticate, can_see, ensure_sample_credentials, is_official,
                      load_credentials, require_official)

ROOT = Path(__file__).resolve().parent.parent


def _hash(pw: str) -> str:
    return bcrypt.hashpw(pw.encode(), bcrypt.gensalt(4)).decode()  # cheap rounds for tests


def test_guard():
    assert require_official(User("wang", OFFICIAL)).username == "wang"
    assert is_official(SYSTEM)
    for who in (ANONYMOUS, User("li", "viewer"), None, "official", {"role": "official"},
                User("x", "admin")):
        assert not is_official(who)
        with pytest.raises(PermissionDenied) as err:
            require_official(who, "reserve land quota")
        assert err.value.key == "auth.err.denied" and "reserve" in str(err.value)


def test_can_see():
    assert can_see(ANONYMOUS, True) and not can_see(ANONYMOUS, False)
    assert can_see(User("wang", OFFICIAL), False)


def test_credentials_from_secrets_win_over_env():
    secrets = {"auth": {"users": {"wang": {"password_hash": _hash("s3cret"), "role": "official",
                                           "name": "王工"}}}}
    env = {"QPA_USERS": f"li:{_hash('x')}"}
    creds = load_credentials(secrets, env=env)
    assert list(creds) == ["wang"]
    user = authenticate("wang", "s3cret", creds)
    assert user == User("wang", OFFICIAL, "王工") and user.label == "王工"


def test_credentials_from_env_and_file(tmp_path):
    creds = load_credentials(None, env={"QPA_USERS": f"li:{_hash('pw1')}, zhao:{_hash('pw2')}:viewer"})
    assert creds["li"]["role"] == "official" and creds["zhao"]["role"] == "viewer"
    assert authenticate("zhao", "pw2", creds).role == "viewer"
    path = tmp_path / "users.json"
    path.write_text(json.dumps({"ma": {"password_hash": _hash("pw"), "role": "official"}}))
    assert list(load_credentials(None, env={"QPA_USERS_FILE": str(path)})) == ["ma"]


@pytest.mark.parametrize("bad", [
    {"QPA_USERS": "li:plaintext"},
    {"QPA_USERS": "li"},
    {"QPA_USERS": f"li:{'$2b$04$' + 'a' * 53}:admin"},
])
def test_bad_credential_config_refused(bad):
    with pytest.raises(ValueError):
        load_credentials(None, env=bad)


def test_wrong_password_and_unknown_user_look_the_same():
    creds = {"wang": {"password_hash": _hash("right"), "role": "official", "name": ""}}
    with pytest.raises(LoginError) as a:
        authenticate("wang", "wrong", creds)
    with pytest.raises(LoginError) as b:
        authenticate("nobody", "wrong", creds)
    assert str(a.value) == str(b.value) and a.value.key == b.value.key == "auth.err.login"


def test_guesses_from_one_client_never_lock_out_the_real_user():
    """Five wrong guesses by someone make that client wait; the official, from another
    client, still logs in (the old lock-out was per user name)."""
    name = f"u{uuid.uuid4().hex[:6]}"
    creds = {name: {"password_hash": _hash("right"), "role": "official", "name": ""}}
    attacker, official = f"ip:{uuid.uuid4().hex}", f"ip:{uuid.uuid4().hex}"
    for _ in range(5):
        with pytest.raises(LoginError) as err:
            authenticate(name, "wrong", creds, client=attacker)
        assert err.value.key == "auth.err.login"
    with pytest.raises(LoginError) as err:
        authenticate(name, "right", creds, client=attacker)  # even the right password waits
    assert err.value.key == "sec.err.locked" and err.value.params["seconds"] >= 1
    assert authenticate(name, "right", creds, client=official).username == name


def test_back_off_doubles_and_is_forgotten():
    log = auth.FailureLog(free=2, max_wait=8, forget=100)
    assert [log.attempt("c", now=0) for _ in range(3)] == [0, 0, 1]  # third waits 2**0 s
    assert log.attempt("c", now=1) == 0 and log.wait_left("c", now=1) == 2
    assert log.attempt("c", now=3) == 0 and log.wait_left("c", now=3) == 4
    for now in (7, 15, 23, 31):
        assert log.attempt("c", now=now) == 0
    assert log.wait_left("c", now=31) == 8  # capped
    assert log.attempt("c", now=200) == 0  # long after: counting starts again
    assert log.wait_left("c", now=200) == 0
    log.succeeded("c")
    assert len(log) == 0


def test_failure_records_are_bounded():
    log = auth.FailureLog(max_clients=100, forget=50)
    for i in range(5000):
        log.attempt(f"ip:10.0.{i // 256}.{i % 256}", now=float(i % 40))
    assert len(log) <= 100
    log.attempt("late", now=1000.0)  # everything older than `forget` is dropped
    assert len(log) == 1
    assert len(auth._failures) <= auth._MAX_CLIENTS


def test_unknown_names_cost_as_much_as_known_ones():
    """Login time must not tell which user names exist (it was 549 ms against 1.2 ms)."""
    import time

    creds = {"wang": {"password_hash": bcrypt.hashpw(b"right", bcrypt.gensalt(10)).decode(),
                      "role": "official", "name": ""}}

    def timed(name: str) -> float:
        start = time.perf_counter()
        with pytest.raises(LoginError):
            authenticate(name, "wrong", creds, client=f"t:{uuid.uuid4().hex}")
        return time.perf_counter() - start

    timed("nobody")  # the dummy hash of this cost is made once
    pairs = [(timed("wang"), timed(f"nobody{i}")) for i in range(5)]  # interleaved: same load
    known = statistics.median(k for k, _ in pairs)
    unknown = statistics.median(u for _, u in pairs)
    assert unknown >= 0.5 * known, pairs


def test_over_long_password_is_a_wrong_password():
    creds = {"wang": {"password_hash": _hash("right"), "role": "official", "name": ""}}
    for name in ("wang", "nobody"):
        with pytest.raises(LoginError) as err:
            authenticate(name, "密" * 40, creds, client=f"t:{uuid.uuid4().hex}")  # 120 bytes
        assert err.value.key == "auth.err.login"


@pytest.mark.parametrize("address, url, allowed", [
    ("127.0.0.1", None, True), ("localhost", "", True), ("::1", None, True), ("[::1]", None, True),
    ("127.0.0.1", "postgresql://u:p@db/qpa", False),
    (None, None, False), ("", None, False), ("0.0.0.0", None, False), ("::", None, False),
    ("192.168.1.5", None, False), ("atlas.example.gov.cn", None, False),
])
def test_sample_login_only_on_a_local_server_with_the_embedded_store(address, url, allowed):
    assert auth.sample_login_allowed(address, url) is allowed


def test_sample_credentials_generated_once_and_printed_once(tmp_path):
    out = io.StringIO()
    path = ensure_sample_credentials(tmp_path, stream=out)
    printed = out.getvalue()
    password = printed.split("password '")[1].split("'")[0]
    text = path.read_text()
    assert password not in text and "$2b$" in text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = io.StringIO()
    ensure_sample_credentials(tmp_path, stream=again)
    assert again.getvalue() == "" and path.read_text() == text
    creds = load_credentials(None, env={}, data_dir=tmp_path)
    assert authenticate(auth.SAMPLE_USER, password, creds).role == OFFICIAL


def test_no_credentials_without_data_dir():
    assert load_credentials(None, env={}) == {}


def test_no_credentials_in_the_repository():
    try:
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                               check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    assert not [f for f in files if f.endswith(("credentials.json", "secrets.toml"))]
