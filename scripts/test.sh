#!/usr/bin/env bash
# Run the tests:  bash scripts/test.sh [pytest args, e.g. tests/browser -x -k smoke]
# Sets up .venv like scripts/app.sh, installs Debian chromium for the browser tests
# if /usr/bin/chromium is missing, then runs pytest over tests/. Browser artifacts
# (screenshots, server logs) go to test-output/. Exit status is pytest's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. scripts/_setup.sh
setup_venv test.sh

# Debian chromium for the browser tests, and a CJK font so screenshots show Chinese text
if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/wqy ]; then
  echo "test.sh: installing Debian chromium and fonts-wqy-microhei" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  if ! { $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium fonts-wqy-microhei; }; then
    echo "test.sh: could not install chromium; browser tests will be skipped (or fail if CI is set)" >&2
  fi
fi


mkdir -p test-output
export PYTHONDONTWRITEBYTECODE=1
export TEST_OUTPUT_DIR="$PWD/test-output"
# default to tests/ unless a test path was given (options alone, e.g. `-x`, still run tests/)
has_path=0
for a in "$@"; do
  [ -e "${a%%::*}" ] && has_path=1
done
[ "$has_path" -eq 1 ] || set -- "$@" tests
exec python -m pytest -q "$@"
