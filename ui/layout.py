"""Page furniture shared by every page: the question, explanations, charts with alt text,
presentation mode and downloads."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from ui.charts import Spec
from ui.controls import PRESENTATION
from ui.frames import to_csv

_PRESENTATION_CSS = """
<style>
html, body, [class*="st-"] { font-size: 1.18rem; }
.stMarkdown p, .stMarkdown li { font-size: 1.3rem; line-height: 1.5; }
h1 { font-size: 2.6rem !important; } h2 { font-size: 2.0rem !important; } h3 { font-size: 1.7rem !important; }
section.main > div.block-container, .block-container { max-width: 100% !important; padding-top: 2rem; }
</style>
"""


def presenting() -> bool:
    return bool(st.session_state.get(PRESENTATION.key, False))


def apply_presentation_style() -> None:
    if presenting():
        st.markdown(_PRESENTATION_CSS, unsafe_allow_html=True)


def _run_through_app_shell() -> None:
    """Make a deep link on a fresh server go through app.py.

    Streamlit 1.67 treats a folder named pages/ beside the entry file as a legacy (v1)
    multipage app until some run calls st.navigation. A shared link such as /signed_l1 opened
    before anyone loaded / would run the page alone: no sidebar, no presentation mode. The
    page then switches the server to st.navigation mode and reruns, which runs app.py.
    (Known upstream: streamlit/streamlit PR 10276. tests/e2e checks a fresh deep link.)
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the legacy mode
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def header(title: str, question: str) -> None:
    """The page title and the one question the page answers."""
    _run_through_app_shell()
    st.title(title)
    st.markdown(f"##### ❓ {question}")


def explain(title: str, body: str, expanded_when_reading: bool = True) -> None:
    """An explanation: shown as text when reading, folded into an expander when presenting."""
    if presenting() or not expanded_when_reading:
        with st.expander(title):
            st.markdown(body)
    else:
        st.markdown(f"**{title}**\n\n{body}")


def seen(text: str) -> None:
    """'What you see', in plain words, next to the charts."""
    st.info(text, icon="👀")


def chart(spec: Spec, alt_text: str, key: str | None = None) -> None:
    """Draw a chart from ui.charts full width, with alt text for screen readers.

    The spec's text is the same from one rerun to the next while only its datasets change, so the
    browser updates the data in place instead of rebuilding the view.
    """
    st.vega_lite_chart(spec.to_dict(), width="stretch", alt=alt_text, key=key)


def download(
    make: Callable[[], pd.DataFrame], filename: str, label: str = "Download the data (CSV)", key: str | None = None
) -> None:
    """A CSV download of the table `make()` builds. The table is built when the button is clicked,
    not on every rerun: a slider change does not pay for an export nobody asked for."""
    st.download_button(
        label, lambda: to_csv(make()), file_name=filename, mime="text/csv", key=key, icon="⬇️", on_click="ignore"
    )
