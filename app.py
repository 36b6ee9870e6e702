"""L1 Descent Lab: the entry point. Page config, navigation, and the sidebar every page shares."""

import streamlit as st

import core  # noqa: F401  (every module the pages use is imported before the freeze below)
from ui import charts, compute, controls, frames, internals, layout, questions, runtime, stepper  # noqa: F401
from ui.controls import PRESENTATION, SLIDE, SLIDES
from ui.layout import apply_presentation_style
from ui.poll import view as poll

runtime.freeze_imports()
internals.install()  # a forged widget state cannot break a session; no address look-ups (ui/internals.py)

st.set_page_config(page_title="L1 Descent Lab", page_icon="📉", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Start here", icon="🏠", default=True),
    st.Page("pages/derivation.py", title="1 · The L1 gradient, step by step", icon="✏️"),
    st.Page("pages/signed_l1.py", title="2 · The signed-L1 failure", icon="⚠️"),
    st.Page("pages/noise_and_learning_rate.py", title="3 · Noise and learning rate", icon="🎚️"),
    st.Page("pages/outliers.py", title="4 · Outliers: median vs mean", icon="🎯"),
    st.Page("pages/landscape.py", title="5 · The (w, b) landscape", icon="🗺️"),
    st.Page("pages/teachers.py", title="For teachers", icon="🧑‍🏫"),
]
page = st.navigation(PAGES)

controls.show_notes(controls.restore([PRESENTATION, SLIDES, SLIDE]))
if layout.presenting():  # a projector: the page gets the whole width (the sidebar stays a click away)
    st.set_page_config(initial_sidebar_state="collapsed")
with st.sidebar:
    controls.widget(PRESENTATION)
    controls.widget(SLIDES)
    st.caption("Every setting is kept in the address bar: copy the URL to share the exact experiment.")
poll.sidebar()  # the class poll: start, join or leave a room; a QR code of this link
apply_presentation_style()
layout.slide_nav(has_slides=page.url_path in {p.url_path for p in PAGES[1:6]})  # the five lab pages
page.run()
