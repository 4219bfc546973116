"""The shell's deep-link guard: a page Streamlit ran directly runs the router instead."""
from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager

import ui.shell as shell


class Stopped(Exception):
    pass


@pytest.mark.parametrize("flag,bypassed", [(True, True), (False, False), (None, False)])
def test_router_bypassed_reads_streamlits_pages_directory_flag(monkeypatch, flag, bypassed):
    monkeypatch.setattr(PagesManager, "uses_pages_directory", flag)
    assert shell.router_bypassed() is bypassed


def test_a_bypassed_page_runs_the_router_then_stops(monkeypatch):
    ran = []
    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)
    monkeypatch.setattr(shell.runpy, "run_path", lambda path, run_name: ran.append((path, run_name)))
    monkeypatch.setattr(shell.st, "stop", lambda: (_ for _ in ()).throw(Stopped()))
    with pytest.raises(Stopped):
        shell.page_lang()
    assert ran == [(str(shell.ROUTER), "__main__")]


def test_a_routed_page_gets_the_language(monkeypatch):
    monkeypatch.setattr(PagesManager, "uses_pages_directory", False)
    monkeypatch.setattr(shell.st, "session_state", {"lang": "en"})
    assert shell.page_lang() == "en"
