"""A shared deep link on a fresh server runs through app.py: the one place that knows a Streamlit internal.

Streamlit 1.67 treats a folder named pages/ beside the entry file as a legacy (v1) multipage app until
some run calls st.navigation: `PagesManager.uses_pages_directory` is set when the first session starts,
and while it is true the script runner executes the page file alone (`_mpa_v1`). A link such as
/signed_l1 opened before anyone loaded / would run the page without app.py: no sidebar, no shared
settings. No public API turns the legacy mode off except calling st.navigation, which app.py does, so
a page that finds itself run alone clears the flag (as st.navigation would) and reruns, which runs app.py.
(Known upstream: streamlit/streamlit PR 10276.) The folder keeps its name: it is part of the design.

tests/test_deeplink.py fails the day Streamlit renames or drops the flag, and tests/e2e opens a deep
link on a fresh server.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

FLAG = "uses_pages_directory"


def legacy_mode() -> bool:
    """True while Streamlit would run a page file without the entry script."""
    return bool(getattr(PagesManager, FLAG, False))


def run_through_app_shell() -> None:
    """Called at the top of every page: leave the legacy mode and rerun through app.py if in it."""
    if legacy_mode():
        setattr(PagesManager, FLAG, False)  # what st.navigation itself does (streamlit/commands/navigation.py)
        st.rerun()
