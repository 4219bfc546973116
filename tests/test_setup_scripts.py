"""scripts/app.sh and scripts/test.sh share one .venv and reinstall only what changed.

``setup_venv`` (scripts/_setup.sh) runs here against a stand-in ``.venv`` whose
``python`` only logs the pip calls, so nothing is installed.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sandbox(tmp_path):
    for name in ("requirements.txt", "requirements-build.txt"):
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "_setup.sh", tmp_path / "scripts" / "_setup.sh")
    (tmp_path / "static" / "vendor" / "leaflet").mkdir(parents=True)
    (tmp_path / "static" / "vendor" / "leaflet" / "leaflet.js").write_text("")
    bin_ = tmp_path / ".venv" / "bin"
    bin_.mkdir(parents=True)
    (bin_ / "python").write_text(f'#!/bin/sh\necho "$*" >> "{tmp_path}/pip.log"\n')
    (bin_ / "python").chmod(0o755)
    (bin_ / "activate").write_text(f'PATH="{bin_}:$PATH"\n')
    return tmp_path


def _setup(sandbox: Path, *args: str) -> list[str]:
    """Run ``setup_venv ARGS``; the requirements files pip was asked to install."""
    log = sandbox / "pip.log"
    before = log.read_text().splitlines() if log.exists() else []
    subprocess.run(["bash", "-c", f". scripts/_setup.sh && setup_venv {' '.join(args)}"],
                   cwd=sandbox, check=True, capture_output=True, env=dict(os.environ))
    after = log.read_text().splitlines() if log.exists() else []
    return [line.split("-r ")[1] for line in after[len(before):] if " -r " in line]


def test_switching_between_app_and_test_installs_nothing(sandbox):
    assert _setup(sandbox, "app.sh") == ["requirements.txt"]
    assert _setup(sandbox, "test.sh", "requirements-build.txt") == ["requirements-build.txt"]
    for _ in range(2):
        assert _setup(sandbox, "app.sh") == []
        assert _setup(sandbox, "test.sh", "requirements-build.txt") == []


def test_a_changed_file_is_installed_once(sandbox):
    _setup(sandbox, "test.sh", "requirements-build.txt")  # stamps both files
    assert _setup(sandbox, "app.sh") == []
    with open(sandbox / "requirements.txt", "a") as fh:
        fh.write("# a new pin\n")
    assert _setup(sandbox, "app.sh") == ["requirements.txt"]
    assert _setup(sandbox, "test.sh", "requirements-build.txt") == []  # already there
    with open(sandbox / "requirements.txt", "a") as fh:
        fh.write("# another\n")
    assert _setup(sandbox, "test.sh", "requirements-build.txt") == ["requirements-build.txt"]
    assert _setup(sandbox, "app.sh") == []


def test_setup_names_what_a_fresh_machine_needs():
    test_sh = (ROOT / "scripts" / "test.sh").read_text()
    debs = next(line for line in test_sh.splitlines() if line.startswith("DEBS="))
    assert "poppler-utils" in debs  # the PDF tests read the report with pdftotext
    assert "python3-venv" in (ROOT / "README.md").read_text()
    assert "scripts/warm_up.py" in (ROOT / "scripts" / "app.sh").read_text()


def test_no_deploy_menu_in_the_toolbar():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] in ("viewer", "minimal")
