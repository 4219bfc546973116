"""Streamlit helpers shared by the pages: the store, the current user, the login box.

* :func:`get_store` -- the app's one store (cached for all sessions):
  secrets ``[database] url``, else ``$QPA_DATABASE_URL``, else the embedded
  file under the data directory.
* :func:`current_user` -- the logged-in :class:`~geo.auth.User`, or
  :data:`~geo.auth.ANONYMOUS` (a viewer).
* :func:`login_sidebar` -- the login / logout box; call it once per run,
  from the router (``streamlit_app.py``) before ``page.run()``.

The sample local login (:func:`geo.auth.sample_login_allowed`) exists only
for an embedded store on a server listening on loopback; a shared deployment
without configured users says so in the login box. Failed logins are paced
per client (:func:`client_id`).
"""
from __future__ import annotations

import ipaddress
import os

import streamlit as st

from geo.auth import (ANONYMOUS, LoginError, User, authenticate, is_official, load_credentials,
                      SAMPLE_USER, sample_login_allowed, who)
from geo.bundle import data_dir
from geo.i18n import t
from geo.seed import open_store
from geo.store import Store, store_location

from .feedback import show_error

__all__ = ["get_store", "current_user", "login_sidebar", "ensure_credentials", "secret",
           "client_id"]

_USER_KEY = "user"


def secret(section: str, key: str):
    """``st.secrets[section][key]``, or None when there are no such secrets."""
    try:
        return st.secrets[section][key]
    except Exception:  # no secrets file, no section, no key
        return None


def _secrets():
    try:
        return st.secrets if len(st.secrets) else None
    except Exception:
        return None


@st.cache_resource(show_spinner=False)
def _open(location: str, schema: str | None) -> Store:
    return open_store(location, schema=schema)


def get_store() -> Store:
    """The store every page and session shares (one per location and PostGIS schema)."""
    return _open(store_location(secret("database", "url")),
                 os.environ.get("QPA_DATABASE_SCHEMA") or None)


def current_user() -> User:
    """The logged-in user, else the anonymous viewer."""
    user = st.session_state.get(_USER_KEY)
    return user if isinstance(user, User) else ANONYMOUS


def _sample_dir():
    """The data directory for the sample local login, or None on a shared deployment."""
    database_url = secret("database", "url") or os.environ.get("QPA_DATABASE_URL")
    if sample_login_allowed(st.get_option("server.address"), database_url):
        return data_dir()
    return None


def _credentials() -> dict:
    return load_credentials(_secrets(), data_dir=_sample_dir())


@st.cache_resource(show_spinner=False)
def _credentials_ready(location: str) -> bool:
    """On the server's first run, with no credentials configured on a local server,
    create the sample local official (its password is printed once on the terminal),
    before anyone sees the login box. Runs once per server process."""
    _credentials()
    return True


def ensure_credentials() -> None:
    """The users are ready (the sample local official created if allowed); once per process."""
    _credentials_ready(str(data_dir()))


def client_id() -> str:
    """Who is logging in, for pacing failures: the client's IP address; behind a
    reverse proxy on this machine the address it forwards (``X-Forwarded-For``, last
    entry, or ``X-Real-Ip``); else this browser session."""
    ip = st.context.ip_address
    if ip is None:  # a loopback peer: a local browser or a local reverse proxy
        headers = st.context.headers
        forwarded = ",".join(headers.get_all("X-Forwarded-For")).split(",")[-1].strip()
        for candidate in (forwarded, (headers.get("X-Real-Ip") or "").strip()):
            try:
                ip = str(ipaddress.ip_address(candidate))
                break
            except ValueError:
                continue
    if ip:
        return f"ip:{ip}"
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return f"session:{ctx.session_id if ctx else 'unknown'}"


def login_sidebar(lang: str) -> User:
    """The login form (viewer) or the logged-in name and a logout button (official);
    on a shared deployment with no users configured, how to configure them."""
    ensure_credentials()
    user = current_user()
    with st.sidebar:
        if is_official(user):
            name = who(user.username, lang) if user.username == SAMPLE_USER else user.label
            st.caption(t("auth.logged_in", lang, name=name))
            if st.button(t("auth.logout", lang), key="auth_logout"):
                get_store().log_event(user, "logout")
                st.session_state.pop(_USER_KEY, None)
                st.rerun()
            return user
        with st.expander(t("auth.login_title", lang)):
            creds = _credentials()
            if not creds:
                st.info(t("sec.no_users", lang))
                return user
            with st.form("auth_login", clear_on_submit=True):
                name = st.text_input(t("auth.username", lang), key="auth_username")
                password = st.text_input(t("auth.password", lang), type="password",
                                         key="auth_password")
                submitted = st.form_submit_button(t("auth.login", lang))
            if submitted:
                try:
                    user = authenticate(name, password, creds, client=client_id())
                except LoginError as err:
                    show_error(err, lang)
                else:
                    st.session_state[_USER_KEY] = user
                    get_store().log_event(user, "login")
                    st.rerun()
    return user
