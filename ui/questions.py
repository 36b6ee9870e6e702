"""The predict-then-reveal question every lab page opens with, and the closing check question."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st


def predict(
    key: str,
    question: str,
    options: Sequence[str],
    correct: str | Callable[[], str],
    explanation: str | Callable[[], str],
) -> bool:
    """Ask before showing. Returns True once the student has answered (or chosen to skip).

    `correct` and `explanation` may be functions: an experiment that decides the answer (and the
    numbers that say why) then runs only once the student has answered, not on every change of a
    setting while the question is open.
    """
    with st.container(border=True):
        st.markdown(f"**Predict first.** {question}")
        answer = st.radio(
            question, list(options), index=None, key=key, label_visibility="collapsed", horizontal=len(options) <= 4
        )
        skipped = st.checkbox("Skip the question and show the result", key=f"{key}_skip")
        if answer is None:
            if not skipped:
                st.caption("Pick an answer to run the experiment.")
            return skipped
        if callable(correct):
            correct = correct()
        if callable(explanation):
            explanation = explanation()
        if answer == correct:
            st.success(f"Right. {explanation}", icon="✅")
        else:
            st.error(f"Not quite: the answer is **{correct}**. {explanation}", icon="💡")
        return True


def check_understanding(key: str, question: str, options: Sequence[str], correct: str, explanation: str) -> None:
    """A closing question with feedback."""
    with st.container(border=True):
        st.markdown(f"**Check your understanding.** {question}")
        answer = st.radio(question, list(options), index=None, key=key, label_visibility="collapsed")
        if answer is not None:
            (st.success if answer == correct else st.error)(
                ("Yes. " if answer == correct else f"No: **{correct}**. ") + explanation
            )
