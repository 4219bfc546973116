"""scripts/lint.sh (run by scripts/test.sh, hence by .ci/run) fails on a ruff or a mypy error.

It runs here on a small stand-in repository with the project's own pyproject.toml, so
each case is quick: clean code passes; an unused import fails in ruff; a wrong return
type in geo/ fails in mypy (strict there); each failure names its tool.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CLEAN = '''"""A stand-in domain module."""
from __future__ import annotations


def double(x: int) -> int:
    return 2 * x
'''


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "lint.sh", tmp_path / "scripts" / "lint.sh")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for target in config["tool"]["mypy"]["files"]:  # an empty stand-in for each checked path
        path = tmp_path / target
        if target.endswith(".py"):
            path.write_text("")
        else:
            path.mkdir(exist_ok=True)
            (path / "__init__.py").write_text("")
    (tmp_path / "geo" / "mod.py").write_text(CLEAN)
    return tmp_path


def _lint(repo: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QPA_LINT_PYTHON=sys.executable)
    return subprocess.run(["bash", "scripts/lint.sh"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=300)


def test_clean_code_passes(repo):
    run = _lint(repo)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "FAILED" not in run.stderr


def test_a_ruff_error_fails_and_names_ruff(repo):
    (repo / "geo" / "mod.py").write_text("import os\n" + CLEAN)  # unused import (F401)
    run = _lint(repo)
    assert run.returncode == 1
    assert "F401" in run.stdout
    assert "FAILED: ruff" in run.stderr
    assert "lint: mypy" not in run.stderr  # stops at the first tool that fails


def test_a_type_error_in_geo_fails_and_names_mypy(repo):
    (repo / "geo" / "mod.py").write_text(CLEAN + '''

def name(x: int) -> str:
    return x
''')
    run = _lint(repo)
    assert run.returncode == 1
    assert "return-value" in run.stdout
    assert "FAILED: mypy" in run.stderr


def test_geo_is_checked_strictly(repo):
    (repo / "geo" / "mod.py").write_text(CLEAN + '''

def untyped(x):
    return x
''')
    run = _lint(repo)
    assert run.returncode == 1
    assert "no-untyped-def" in run.stdout
    assert "FAILED: mypy" in run.stderr


def test_test_sh_runs_the_lint_before_pytest():
    script = (ROOT / "scripts" / "test.sh").read_text()
    assert "bash scripts/lint.sh" in script
    assert script.index("bash scripts/lint.sh") < script.index("python -m pytest")
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
