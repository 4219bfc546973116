#!/usr/bin/env bash
# Run the tests:  bash scripts/test.sh [pytest args, e.g. tests/browser -x -k smoke]
# Sets up .venv like scripts/app.sh (with requirements-build.txt, for the data-build test),
# runs scripts/lint.sh (ruff, then mypy; the run fails naming the tool that found problems),
# installs the Debian packages the tests need if missing (chromium, a CJK font, gmt, poppler-utils),
# starts a throwaway PostGIS on loopback (scripts/postgis.sh, stopped on exit),
# then runs pytest over tests/ (see the end of this file). Browser artifacts (screenshots, server
# logs) go to test-output/. A lint failure fails the run, but pytest still runs; the exit status is
# the worst of lint's (1 on a failure) and pytest's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. scripts/_setup.sh
setup_venv test.sh requirements-build.txt  # the tests also rebuild data/ to prove it reproduces

# Lint and type check before anything slow (pyproject.toml configures both); a failure fails the
# run at the end, after the tests have run too
status=0
bash scripts/lint.sh || status=$?

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
worst() { [ "$1" -gt "$status" ] && status=$1; return 0; }
if [ "$#" -gt 0 ]; then
  python -m pytest -q "$@" || worst $?
  exit "$status"
fi
# The whole suite, in two parts. The domain, page (AppTest) and storage tests and the doctests
# of geo/ and layers/ run on every CPU (pytest-xdist, whole files per worker); the browser tests
# then run in one process with one Chromium (they drive live servers and measure what a person
# sees, so they are not run beside each other), with the Dask test (its LocalCluster spawns worker
# processes, which it does not do reliably from inside an xdist worker).
# Both parts always run (after lint, whatever it found); the status is the worst of the three.
WORKERS="${QPA_TEST_WORKERS:-$(python -c 'import os; print(max(1, min(4, len(os.sched_getaffinity(0)))))')}"
echo "test.sh: domain, page and storage tests on $WORKERS workers" >&2
python -m pytest -q -n "$WORKERS" --dist loadfile tests geo layers --ignore=tests/browser \
  --ignore=tests/test_bulk_dask.py || worst $?
echo "test.sh: the Dask cluster test and the browser tests (headless Chromium)" >&2
python -m pytest -q tests/test_bulk_dask.py tests/browser || worst $?
exit "$status"
