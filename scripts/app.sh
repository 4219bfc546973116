#!/usr/bin/env bash
# Run the app:  bash scripts/app.sh [extra `streamlit run` args, e.g. --server.port 8502]
# On a fresh machine: creates .venv (python3 -m venv; Debian needs python3-venv) and installs
# requirements.txt; reinstalls only when a requirements file changed (stamps inside .venv,
# shared with scripts/test.sh). Once the server answers, scripts/warm_up.py runs the atlas
# once per language inside it, so the first visitor finds the caches built.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. scripts/_setup.sh
setup_venv app.sh

port="${STREAMLIT_SERVER_PORT:-8501}" address="${STREAMLIT_SERVER_ADDRESS:-127.0.0.1}" prev=""
for arg in "$@"; do
  case "$arg" in
    --server.port=*) port="${arg#*=}" ;;
    --server.address=*) address="${arg#*=}" ;;
  esac
  case "$prev" in
    --server.port) port="$arg" ;;
    --server.address) address="$arg" ;;
  esac
  prev="$arg"
done
case "$address" in 0.0.0.0|"::"|"") address=127.0.0.1 ;; esac

python -m streamlit run streamlit_app.py "$@" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM
python scripts/warm_up.py "http://$address:$port" || true &
wait "$server"
