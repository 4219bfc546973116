"""Qinghai Park Atlas (青海产业基地一张图): the entry point.

Run with ``bash scripts/app.sh`` (or ``streamlit run streamlit_app.py``).
"""
import streamlit as st

from ui.shell import run_router

st.set_page_config(page_title="青海产业基地一张图 · Qinghai Park Atlas", layout="wide")
run_router()
