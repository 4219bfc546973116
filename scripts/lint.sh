#!/usr/bin/env bash
# Lint and type-check, as configured in pyproject.toml: `ruff check .` over the repository, then
# `mypy` (strict over geo/). Stops at the first tool that fails, says which, and exits 1.
# scripts/test.sh runs it before pytest; alone: `bash scripts/lint.sh` (uses .venv's Python,
# or $QPA_LINT_PYTHON).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
py="${QPA_LINT_PYTHON:-}"
if [ -z "$py" ]; then
  if [ -x .venv/bin/python ]; then py=.venv/bin/python; else py=python; fi
fi

echo "lint: ruff check ." >&2
if ! "$py" -m ruff check .; then
  echo "lint: FAILED: ruff check found the problems above" >&2
  exit 1
fi
echo "lint: mypy (pyproject.toml: strict on geo/)" >&2
if ! "$py" -m mypy; then
  echo "lint: FAILED: mypy found the type errors above" >&2
  exit 1
fi
