# Sourced by scripts/app.sh and scripts/test.sh: create .venv if missing, install the
# requirements file ($2, default requirements.txt) when it changed, fetch map assets if absent.
#
# One venv, one stamp per requirements file (.venv/.stamp-<file>.sha256, the file's hash).
# A file is installed when its stamp or the stamp of a file it pulls in with `-r` is stale;
# installing requirements-build.txt (which includes requirements.txt) stamps both, so
# switching between app.sh and test.sh reinstalls nothing.
_req_hash() { sha256sum "$1" | cut -d' ' -f1; }

_req_files() {  # the file and every file it includes
  local f="$1" inc
  echo "$f"
  for inc in $(sed -n 's/^[[:space:]]*-r[[:space:]]*\([^[:space:]#]*\).*/\1/p' "$f"); do
    _req_files "$(dirname "$f")/$inc"
  done
}

setup_venv() {
  local py="${PYTHON:-python3}" tag="$1" reqs="${2:-requirements.txt}"
  if [ ! -x .venv/bin/python ]; then
    "$py" -m venv .venv || {
      echo "$tag: could not create .venv; on Debian/Ubuntu: apt-get install python3-venv" >&2
      return 1
    }
  fi
  # shellcheck disable=SC1091
  . .venv/bin/activate
  local f stale=0
  for f in $(_req_files "$reqs"); do
    [ "$(_req_hash "$f")" = "$(cat ".venv/.stamp-$(basename "$f").sha256" 2>/dev/null || true)" ] || stale=1
  done
  if [ "$stale" = 1 ]; then
    echo "$tag: installing $reqs into .venv" >&2
    python -m pip install -q --upgrade pip
    python -m pip install -q -r "$reqs"
    for f in $(_req_files "$reqs"); do
      _req_hash "$f" > ".venv/.stamp-$(basename "$f").sha256"
    done
  fi
  if [ ! -f static/vendor/leaflet/leaflet.js ]; then
    echo "$tag: static/vendor is empty; fetching map assets (scripts/vendor_assets.sh)" >&2
    bash scripts/vendor_assets.sh
  fi
}
