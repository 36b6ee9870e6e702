"""The deep-link guard leans on one Streamlit internal: fail loudly the day it changes."""

import inspect

from streamlit.commands import navigation
from streamlit.runtime import pages_manager
from streamlit.runtime.scriptrunner import script_runner

from ui import deeplink


def test_streamlit_still_has_the_legacy_pages_flag_the_guard_clears():
    assert hasattr(pages_manager.PagesManager, deeplink.FLAG), "Streamlit dropped the flag: revisit ui/deeplink.py"
    assert f"PagesManager.{deeplink.FLAG} = False" in inspect.getsource(navigation), "st.navigation no longer clears it"
    assert f"PagesManager.{deeplink.FLAG}" in inspect.getsource(script_runner), "the runner no longer reads it"


def test_the_guard_reads_the_flag(monkeypatch):
    monkeypatch.setattr(pages_manager.PagesManager, deeplink.FLAG, True)
    assert deeplink.legacy_mode()
    monkeypatch.setattr(pages_manager.PagesManager, deeplink.FLAG, False)
    assert not deeplink.legacy_mode()
