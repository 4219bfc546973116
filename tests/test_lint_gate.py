"""scripts/lint.sh (run by scripts/test.sh, hence by .ci/run) fails on a ruff or a mypy error.

It runs here on a small stand-in repository with the project's own pyproject.toml, so
each case is quick: clean code passes; an unused import fails in ruff; a wrong return
type in geo/ fails in mypy (strict there); each failure names its tool. scripts/test.sh
itself runs on a stand-in repository whose lint and pytest only log and exit as told: a lint
failure fails the run, both pytest parts still run, the status is the worst.
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


@pytest.mark.parametrize("package", ["pages", "ui", "layers", "bench", "scripts"])
def test_outside_geo_a_real_type_error_fails_but_annotations_are_optional(repo, package):
    """Outside geo/ unannotated code passes, a name reused with another type does not (the
    kind of slip pages/data.py had)."""
    (repo / package / "mod.py").write_text('''
def untyped(x):
    return x


def typed(n: int) -> str:
    version = n
    version = "v" + str(n)
    return version
''')
    run = _lint(repo)
    assert run.returncode == 1
    assert f"{package}/mod.py" in run.stdout and "[assignment]" in run.stdout
    assert "no-untyped-def" not in run.stdout
    assert "FAILED: mypy" in run.stderr


def test_test_sh_runs_the_lint_before_pytest():
    script = (ROOT / "scripts" / "test.sh").read_text()
    assert "bash scripts/lint.sh" in script
    assert script.index("bash scripts/lint.sh") < script.index("python -m pytest")
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


# --------------------------------------------------------------------------- scripts/test.sh
FAKE_PYTHON = '''#!/bin/sh
echo "python $*" >> "$QPA_FAKE_LOG"
case "$*" in
  "-c "*) echo 2 ;;
  *"-m pip"*) ;;
  *" -n "*) exit "${QPA_FAKE_PART1:-0}" ;;
  *"-m pytest"*) exit "${QPA_FAKE_PART2:-0}" ;;
esac
'''


@pytest.fixture
def test_sh(tmp_path: Path) -> Path:
    """A stand-in repository for scripts/test.sh: the real script and scripts/_setup.sh; a
    ``lint.sh`` that exits ``$QPA_FAKE_LINT``; a ``.venv`` whose python logs its arguments and
    exits ``$QPA_FAKE_PART1`` for the xdist part, ``$QPA_FAKE_PART2`` for any other pytest run;
    a ``dpkg`` that finds every package (so nothing is installed)."""
    for name in ("requirements.txt", "requirements-build.txt"):
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / "scripts").mkdir()
    for name in ("test.sh", "_setup.sh"):
        shutil.copy2(ROOT / "scripts" / name, tmp_path / "scripts" / name)
    (tmp_path / "scripts" / "lint.sh").write_text(
        'echo lint >> "$QPA_FAKE_LOG"\nexit "${QPA_FAKE_LINT:-0}"\n')
    (tmp_path / "static" / "vendor" / "leaflet").mkdir(parents=True)
    (tmp_path / "static" / "vendor" / "leaflet" / "leaflet.js").write_text("")
    bin_ = tmp_path / ".venv" / "bin"
    bin_.mkdir(parents=True)
    for name, text in (("python", FAKE_PYTHON), ("dpkg", "#!/bin/sh\nexit 0\n")):
        (bin_ / name).write_text(text)
        (bin_ / name).chmod(0o755)
    (bin_ / "activate").write_text(f'PATH="{bin_}:$PATH"\n')
    return tmp_path


def _test_sh(repo: Path, *args: str, lint: int = 0, part1: int = 0, part2: int = 0
             ) -> tuple[int, list[str]]:
    """Exit status of ``bash scripts/test.sh ARGS`` and what it ran, in order."""
    log = repo / "ran.log"
    log.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "QPA_TEST_POSTGIS_URL"}
    env.update(QPA_SKIP_POSTGIS="1", QPA_FAKE_LOG=str(log), QPA_FAKE_LINT=str(lint),
               QPA_FAKE_PART1=str(part1), QPA_FAKE_PART2=str(part2))
    run = subprocess.run(["bash", "scripts/test.sh", *args], cwd=repo, env=env,
                         capture_output=True, text=True, timeout=120)
    ran = [line for line in log.read_text().splitlines()
           if line == "lint" or " -m pytest " in line]
    return run.returncode, ran


def _parts(ran: list[str]) -> list[str]:
    return ["lint" if r == "lint" else "xdist" if " -n " in r else "browser"
            if r.endswith("tests/test_bulk_dask.py tests/browser") else r for r in ran]


def test_test_sh_lint_failure_fails_the_run_after_both_parts(test_sh):
    status, ran = _test_sh(test_sh, lint=1)
    assert _parts(ran) == ["lint", "xdist", "browser"]
    assert status == 1


def test_test_sh_status_is_the_worst(test_sh):
    assert _test_sh(test_sh)[0] == 0
    status, ran = _test_sh(test_sh, part1=1)
    assert _parts(ran) == ["lint", "xdist", "browser"]  # a failing first part stops nothing
    assert status == 1
    assert _test_sh(test_sh, lint=1, part2=2)[0] == 2
    assert _test_sh(test_sh, lint=1, part1=1)[0] == 1


def test_test_sh_with_arguments_lints_then_runs_just_those(test_sh):
    status, ran = _test_sh(test_sh, "tests/test_x.py", "-x", lint=1)
    assert ran == ["lint", "python -m pytest -q tests/test_x.py -x"]
    assert status == 1
    assert _test_sh(test_sh, "tests/test_x.py", part2=1)[0] == 1
