"""The atlas page with every layer switched on, for the first-paint benchmark (bench.run_all).

Started by ``bench/run_all.py`` with ``streamlit run`` from a run folder whose
``static`` links to the repo's (offline Leaflet assets); the repo root is on
PYTHONPATH. Not a page of the app.
"""
import os
import runpy
from pathlib import Path

import streamlit as st

import layers.registry as registry

ROOT = Path(os.environ.get("ATLAS_REPO_ROOT", Path(__file__).resolve().parent.parent))

for spec in registry.LAYERS:  # every layer on (county lines, quotas, ... included)
    object.__setattr__(spec, "show", True)

st.set_page_config(page_title="bench: atlas, all layers", layout="wide")
st.session_state.setdefault("lang", "zh")
runpy.run_path(str(ROOT / "pages" / "atlas.py"), run_name="__main__")
