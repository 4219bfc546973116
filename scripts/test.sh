#!/usr/bin/env bash
# Run the tests:  bash scripts/test.sh [pytest args, e.g. tests/browser -x -k smoke]
# Sets up .venv like scripts/app.sh (with requirements-build.txt, for the data-build test),
# runs scripts/lint.sh (ruff, then mypy; the run fails naming the tool that found problems),
# installs the Debian packages the tests need if missing (chromium, a CJK font, gmt, poppler-utils),
# starts a throwaway PostGIS on loopback (scripts/postgis.sh, stopped on exit),
# then runs pytest over tests/. Browser artifacts (screenshots, server logs) go to
# test-output/. Exit status is lint's (1) when it fails, else pytest's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. scripts/_setup.sh
setup_venv test.sh requirements-build.txt  # the tests also rebuild data/ to prove it reproduces

# Lint and type check before anything slow (pyproject.toml configures both)
bash scripts/lint.sh

# Debian packages: chromium for the browser tests, a CJK font so screenshots show Chinese,
# gmt + GSHHG for the data-build test, poppler-utils (pdftotext) for the PDF report tests
DEBS="chromium fonts-wqy-microhei gmt gmt-gshhg-full poppler-utils"
missing=""
for deb in $DEBS; do dpkg -s "$deb" >/dev/null 2>&1 || missing="$missing $deb"; done
if [ -n "$missing" ]; then
  echo "test.sh: installing Debian packages:$missing" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  if ! { $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y $missing; }; then
    echo "test.sh: could not install$missing; browser/build tests will be skipped (or fail if CI is set)" >&2
  fi
fi


# A throwaway PostgreSQL + PostGIS on loopback, so the storage tests run on both backends
# (give QPA_TEST_POSTGIS_URL to use your own; QPA_SKIP_POSTGIS=1 skips those tests).
if [ -z "${QPA_TEST_POSTGIS_URL:-}" ] && [ "${QPA_SKIP_POSTGIS:-0}" != 1 ]; then
  if QPA_TEST_POSTGIS_URL="$(bash scripts/postgis.sh start)"; then
    export QPA_TEST_POSTGIS_URL
    trap 'bash scripts/postgis.sh stop' EXIT
  else
    echo "test.sh: could not start PostGIS; its tests will be skipped (or fail if CI is set)" >&2
  fi
fi

mkdir -p test-output
export PYTHONDONTWRITEBYTECODE=1
export TEST_OUTPUT_DIR="$PWD/test-output"
# with no test path, pytest.ini's testpaths run: tests/ and the doctests of geo/ and layers/
python -m pytest -q "$@"
