"""Wrapper app for the batch page browser test: runs pages/batch.py as the main page.

(The lead registers the page in ui/shell.py PAGES; until then this runs it on its own.)
"""
import os
import runpy
import sys

ROOT = os.environ.get("ATLAS_REPO_ROOT") or os.getcwd()
sys.path.insert(0, ROOT)

import streamlit as st  # noqa: E402

st.set_page_config(page_title="Batch", layout="wide")
runpy.run_path(os.path.join(ROOT, "pages", "batch.py"), run_name="__main__")
