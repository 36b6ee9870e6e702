"""Page furniture shared by every page: the question, explanations, charts with alt text,
presentation mode and downloads."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from ui import deeplink
from ui.charts import Spec
from ui.controls import PRESENTATION
from ui.frames import to_csv

# Every screen: a display equation wider than its column scrolls inside its own box; tables and graphs
# never push the page sideways (a phone is 390 px wide).
_ALWAYS_CSS = """
<style>
.katex-display { overflow-x: auto; overflow-y: hidden; padding-bottom: 2px; }
[data-testid="stTable"], [data-testid="stMarkdownContainer"] table {
  display: block; overflow-x: auto; max-width: 100%; }
[data-testid="stGraphVizChart"] svg { max-width: 100%; height: auto; }
[data-testid="stVegaLiteChart"] { max-width: 100%; overflow-x: auto; }
</style>
"""

# A projector at the back of a hall: the title the largest text, body text large, the sidebar out of
# the way. Selectors name elements, not Streamlit's generated class names (a title's inner span has one).
_PRESENTATION_CSS = """
<style>
.stMarkdown p, .stMarkdown li, [data-testid="stWidgetLabel"] p, [data-testid="stCaptionContainer"],
[role="radiogroup"] label p, [data-testid="stCheckbox"] label p, summary p, .stButton button p {
  font-size: 1.35rem !important; line-height: 1.5; }
h1, h1 span { font-size: 3.2rem !important; line-height: 1.2 !important; }
h2, h2 span { font-size: 2.3rem !important; } h3, h3 span { font-size: 1.9rem !important; }
h5, h5 span { font-size: 1.7rem !important; }
.block-container { max-width: 100% !important; padding-top: 1.5rem !important; }
</style>
"""

# Chart text a back row can read: at least 16 px everywhere, charts a third taller.
PRESENTATION_CHART_CONFIG = {
    "axis": {"labelFontSize": 16, "titleFontSize": 18},
    "legend": {"labelFontSize": 16, "titleFontSize": 17, "symbolSize": 160},
    "header": {"labelFontSize": 17, "titleFontSize": 18},
    "title": {"fontSize": 20},
    "text": {"fontSize": 16},
}
PRESENTATION_HEIGHT = 1.35
MIN_PROJECTOR_FONT = 16


def presenting() -> bool:
    return bool(st.session_state.get(PRESENTATION.key, False))


def apply_presentation_style() -> None:
    st.markdown(_ALWAYS_CSS + (_PRESENTATION_CSS if presenting() else ""), unsafe_allow_html=True)


def for_projector(spec: dict) -> dict:
    """The same chart with projector-sized text (>= MIN_PROJECTOR_FONT px) and every fixed height scaled up."""
    spec["config"] = {**spec.get("config", {}), **PRESENTATION_CHART_CONFIG}
    stack = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("height"), int | float) and not isinstance(node.get("height"), bool):
                node["height"] = round(node["height"] * PRESENTATION_HEIGHT)
            if isinstance(node.get("fontSize"), int | float) and node["fontSize"] < MIN_PROJECTOR_FONT:
                node["fontSize"] = MIN_PROJECTOR_FONT  # a mark's own size overrides the config's
            stack.extend(v for k, v in node.items() if k not in ("datasets", "data"))
        elif isinstance(node, list):
            stack.extend(node)
    return spec


def header(title: str, question: str) -> None:
    """The page title and the one question the page answers."""
    deeplink.run_through_app_shell()
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
    d = spec.to_dict()
    st.vega_lite_chart(for_projector(d) if presenting() else d, width="stretch", alt=alt_text, key=key)


def download(
    make: Callable[[], pd.DataFrame], filename: str, label: str = "Download the data (CSV)", key: str | None = None
) -> None:
    """A CSV download of the table `make()` builds. The table is built when the button is clicked,
    not on every rerun: a slider change does not pay for an export nobody asked for."""
    st.download_button(
        label, lambda: to_csv(make()), file_name=filename, mime="text/csv", key=key, icon="⬇️", on_click="ignore"
    )
