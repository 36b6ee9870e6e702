"""For teachers: per page the question, the answer its default run gives (computed), the common wrong
answers and the misconception behind each, a plan for a 50-minute lecture, and the links worth showing."""

import streamlit as st

from ui import layout
from ui.controls import sync_url
from ui.lessons import plan
from ui.lessons.registry import LESSONS

layout.header("For teachers", "How do I run this in a 50-minute lecture, and what will the room answer?")
sync_url([])
st.markdown(
    "Each lab page opens with a **Predict first** question. In a lecture: read it aloud, let everyone commit "
    "to an answer (with a class poll room from the sidebar, the room's answers appear live on your screen), "
    "let neighbours argue for a minute, then reveal. The answers below are **computed from each page's default "
    "run** when this page opens, with the same code the page uses, so they are what the room will see."
)

st.subheader("A 50-minute lecture")
cells = (f"| {when} | {what.replace('|', chr(92) + '|')} |" for when, what in plan.rows(LESSONS))  # | ends a cell
st.markdown("| when | what |\n| --- | --- |\n" + "\n".join(cells))
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
        st.markdown("**Worth showing**\n\n" + "\n".join(f"- [{name}]({lesson.link(name)})" for name in lesson.show))
