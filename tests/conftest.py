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
