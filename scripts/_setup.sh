# Sourced by scripts/app.sh and scripts/test.sh: create .venv if missing, install the
# requirements file ($2, default requirements.txt) when it changed (hash stamp in .venv),
# fetch map assets if absent.
setup_venv() {
  local py="${PYTHON:-python3}" tag="$1" reqs="${2:-requirements.txt}"
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  # shellcheck disable=SC1091
  . .venv/bin/activate
  local want have stamp=.venv/.requirements.sha256
  want="$(cat requirements*.txt "$reqs" | sha256sum | cut -d' ' -f1)"
  have="$(cat "$stamp" 2>/dev/null || true)"
  if [ "$want" != "$have" ]; then
    echo "$tag: installing $reqs into .venv" >&2
    python -m pip install -q --upgrade pip
    python -m pip install -q -r "$reqs"
    echo "$want" > "$stamp"
  fi
  if [ ! -f static/vendor/leaflet/leaflet.js ]; then
    echo "$tag: static/vendor is empty; fetching map assets (scripts/vendor_assets.sh)" >&2
    bash scripts/vendor_assets.sh
  fi
}
