"""For teachers: per page the question, the answer its default run gives (computed), the common wrong
answers and the misconception behind each, a plan for a 50-minute lecture, and the links worth showing."""

from urllib.parse import urlencode

import streamlit as st

from ui import internals, layout
from ui.controls import sync_url
from ui.lessons import plan
from ui.lessons.registry import LESSONS

PLAN_COLUMNS = (1, 7)  # when, what: "45–50 min" on one line at 1280 px with the sidebar open


def page_link(container, entry, label: str, icon: str, query: dict[str, str] | None = None) -> None:
    """A link to a lab page that opens in this tab (st.page_link: the session, its room and the teacher's hold on it
    come along), with `query` as the page's settings. Run alone (`streamlit run pages/teachers.py`, no navigation
    to link through), a plain link."""
    if st.session_state.get(internals.SHELL):
        container.page_link(entry.path, label=label, icon=icon, query_params=query or {})
    else:
        container.markdown(f"[{label}]({entry.lesson.page}{'?' + urlencode(query) if query else ''})")


layout.header("For teachers", "How do I run this in a 50-minute lecture, and what will the room answer?")
sync_url([])
st.markdown(
    "Each lab page opens with a **Predict first** question. In a lecture: read it aloud, let everyone commit "
    "to an answer (with a class poll room from the sidebar, the room's answers appear live on your screen), "
    "let neighbours argue for a minute, then reveal. The answers below are **computed from each page's default "
    "run** when this page opens, with the same code the page uses, so they are what the room will see."
)

st.caption(  # in-app links keep this tab's session: its class poll room, and the teacher's hold on it
    "Every page link here opens in this tab (a preset's link with its settings): a class poll room you started "
    "stays yours, and the room follows you to the page."
)

st.subheader("A 50-minute lecture")
with st.container(border=True):
    for row in plan.rows(LESSONS):
        when, what = st.columns(PLAN_COLUMNS, vertical_alignment="center")
        when.markdown(f"**{row.when}**")
        if row.entry is None:
            what.markdown(row.what)
        else:
            page_link(what, row.entry, row.what, row.entry.icon)
st.markdown(
    "**If you run short of time**, leave out, in this order:\n\n"
    + "\n".join(f"- {entry.title}: {entry.lesson.trim}." for entry in plan.trims(LESSONS))
)

for entry in LESSONS:
    lesson = entry.lesson
    st.subheader(entry.title)
    values = lesson.defaults()
    answer, why = lesson.expected(values)
    st.markdown(f"**Ask:** {lesson.question(values)}")
    st.success(f"**The default run's answer: {plan.shown(answer)}.** {why}", icon="✅")
    if lesson.say:
        st.markdown(f"**While they argue:** {lesson.say}")
    st.markdown(
        "**Common wrong answers**\n\n" + "\n".join(f"- *{wrong}*: {why}" for wrong, why in lesson.wrong.items())
    )
    if lesson.show:
        st.markdown("**Worth showing**")
        for name in lesson.show:
            page_link(st, entry, name, "▶️", lesson.query(name))
