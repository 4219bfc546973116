"""Wrapper app for the Chains page browser test: runs pages/chains.py as the main page.

(The lead registers the page in streamlit_app.py; until then this runs it on its own.)
"""
import os
import runpy
import sys

ROOT = os.environ.get("ATLAS_REPO_ROOT") or os.getcwd()
sys.path.insert(0, ROOT)

import streamlit as st  # noqa: E402

st.set_page_config(page_title="Chains", layout="wide")
runpy.run_path(os.path.join(ROOT, "pages", "chains.py"), run_name="__main__")
