#!/usr/bin/env bash
# Run the app:  bash scripts/app.sh [extra `streamlit run` args, e.g. --server.port 8502]
# On a fresh machine: creates .venv (python3 -m venv) and installs requirements.txt;
# reinstalls only when requirements.txt changed (hash stamp inside .venv).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. scripts/_setup.sh
setup_venv app.sh


exec python -m streamlit run streamlit_app.py "$@"
