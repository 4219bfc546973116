"""Logging in through the sidebar, as an official would: first-start credentials, then edits."""
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from geo.auth import hash_password

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def _login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_username").input(name)
    at.text_input(key="auth_password").input(password)
    next(b for b in at.button if b.label in ("登录", "Log in")).click().run()
    return at


def test_first_start_creates_a_sample_official_once(env, monkeypatch, capsys):
    monkeypatch.delenv("QPA_USERS", raising=False)
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    creds = json.loads((env / "credentials.json").read_text(encoding="utf-8"))
    (name, entry), = creds.items()
    assert entry["role"] == "official" and entry["password_hash"].startswith("$2")
    assert "password" not in json.dumps(creds).replace("password_hash", "")  # only the hash is kept


def test_official_logs_in_and_reaches_the_import(env, monkeypatch):
    monkeypatch.setenv("QPA_USERS", f"wang:{hash_password('s3cret-pass')}:official")
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/data.py").run()
    assert not at.file_uploader  # a viewer cannot import
    _login(at, "wang", "wrong")
    assert at.error and not at.file_uploader
    _login(at, "wang", "s3cret-pass")
    assert not at.exception, at.exception
    assert at.file_uploader  # the official's import action is there
