"""L1 Descent Lab: the entry point. Page config, navigation, and the sidebar every page shares."""

import streamlit as st

import core  # noqa: F401  (imported before the freeze below, with every module the pages use)
from ui import charts, compute, controls, diagram, frames, internals, layout, questions, runtime, stepper, table  # noqa: F401
from ui.controls import PRESENTATION, SLIDE, SLIDES
from ui.layout import apply_presentation_style
from ui.lessons.registry import LESSONS, import_every_lesson_module
from ui.poll import view as poll
from ui.poll.page_view import LabPage

import_every_lesson_module()
runtime.freeze_imports()
internals.install()  # a forged widget state cannot break a session; no address look-ups (ui/internals.py)

st.set_page_config(page_title="L1 Descent Lab", page_icon="📉", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Start here", icon="🏠", default=True),
    *(st.Page(entry.path, title=entry.title, icon=entry.icon) for entry in LESSONS),
    st.Page("pages/teachers.py", title="For teachers", icon="🧑‍🏫"),
]
QUESTIONS = {entry.lesson.page: entry.lesson.questions for entry in LESSONS}  # what the slide view walks through,
SCREENS = {entry.lesson.page: entry.lesson.slide_names for entry in LESSONS}  # then its further screens
LAB_PAGES = {  # what a class poll room follows of each lab page: the teacher's page and its settings
    e.lesson.page: LabPage(e.path, e.title, e.lesson.controls, e.lesson.questions) for e in LESSONS
}
page = st.navigation(PAGES)
controls.enter_page(page.url_path)

controls.show_notes(controls.restore([PRESENTATION, SLIDES, SLIDE]))
if layout.presenting():  # a projector: the page gets the whole width (the sidebar stays a click away)
    st.set_page_config(initial_sidebar_state="collapsed")
with st.sidebar:
    controls.widget(PRESENTATION)
    controls.widget(SLIDES)
    st.caption("Every setting is kept in the address bar: copy the URL to share the exact experiment.")
poll.sidebar()  # the class poll: start, join or leave a room; a QR code of this link
apply_presentation_style()
layout.slide_nav(
    questions=QUESTIONS.get(page.url_path, ()), named=SCREENS.get(page.url_path, ()), lab_pages=len(LESSONS)
)
poll.follow(page.url_path, LAB_PAGES)
internals.mark_app_shell()  # the page's header checks it: a run without the shell reruns through it
page.run()
