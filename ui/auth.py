"""Streamlit helpers shared by the pages: the store, the current user, the login box.

* :func:`get_store` -- the app's one store (cached for all sessions):
  secrets ``[database] url``, else ``$QPA_DATABASE_URL``, else the embedded
  file under the data directory.
* :func:`current_user` -- the logged-in :class:`~geo.auth.User`, or
  :data:`~geo.auth.ANONYMOUS` (a viewer).
* :func:`login_sidebar` -- the login / logout box; call it once per run,
  from the router (``streamlit_app.py``) before ``page.run()``.
"""
from __future__ import annotations

import os

import streamlit as st

from geo.auth import ANONYMOUS, LoginError, User, authenticate, is_official, load_credentials
from geo.bundle import data_dir
from geo.errors import QPAError
from geo.i18n import error_text, t
from geo.seed import open_store
from geo.store import Store, store_location

__all__ = ["get_store", "current_user", "login_sidebar", "secret", "show_error"]

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


def show_error(err: Exception, lang: str) -> None:
    """Show a domain error in the user's language."""
    st.error(error_text(err, lang) if isinstance(err, QPAError) else str(err))


@st.cache_resource(show_spinner=False)
def _credentials_ready(location: str) -> bool:
    """At first start, with no credentials configured, create the sample local official
    (its password is printed once on the terminal). Runs once per server process."""
    load_credentials(_secrets(), data_dir=data_dir())
    return True


def login_sidebar(lang: str) -> User:
    """The login form (viewer) or the logged-in name and a logout button (official)."""
    _credentials_ready(str(data_dir()))
    user = current_user()
    with st.sidebar:
        if is_official(user):
            st.caption(t("auth.logged_in", lang, name=user.label))
            if st.button(t("auth.logout", lang), key="auth_logout"):
                get_store().log_event(user, "logout")
                st.session_state.pop(_USER_KEY, None)
                st.rerun()
            return user
        with st.expander(t("auth.login_title", lang)):
            with st.form("auth_login", clear_on_submit=True):
                name = st.text_input(t("auth.username", lang), key="auth_username")
                password = st.text_input(t("auth.password", lang), type="password",
                                         key="auth_password")
                submitted = st.form_submit_button(t("auth.login", lang))
            if submitted:
                try:
                    creds = load_credentials(_secrets(), data_dir=data_dir())
                    user = authenticate(name, password, creds)
                except LoginError as err:
                    show_error(err, lang)
                else:
                    st.session_state[_USER_KEY] = user
                    get_store().log_event(user, "login")
                    st.rerun()
    return user
