"""Shared pytest configuration: marker registration only."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "browser: drives Chromium against a live Streamlit server (tests/browser); "
        "skipped when /usr/bin/chromium is missing, unless CI is set",
    )
    config.addinivalue_line(
        "markers", "build: runs a data builder (needs Debian gmt for hydro); slow"
    )
    config.addinivalue_line(
        "markers", "offline: checks that the map needs no internet (no CDN assets)"
    )
    # The app shows an unexpected exception's type only (.streamlit/config.toml); AppTest
    # failures should still say what went wrong.
    from streamlit import config as st_config

    st_config.set_option("client.showErrorDetails", "full")


import pytest  # noqa: E402


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An empty data directory and the embedded store (no QPA_DATABASE_URL)."""
    monkeypatch.setenv("QPA_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("QPA_DATABASE_URL", raising=False)
    return tmp_path
