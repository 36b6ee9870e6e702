"""The predict-then-reveal question every lab page opens with, and the closing check question.

In a class poll room (ui.poll) the same question is counted for the room: a student's result waits
for the teacher's reveal, and the teacher sees the room's answers live instead of the options.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from ui.layout import answer_part, on_answer_screen, presenting, slide_part, slide_screen, verdict_slot
from ui.lessons import CHECK_SCREEN
from ui.poll import view as room_view


@dataclass(frozen=True)
class NumberAnswer:
    """A question answered by typing a number. In a class poll room a typed number counts under the option it
    falls in, so the room's chart shows what the room typed; alone, the student reads `verdict` on it."""

    label: str  # the input's label, e.g. "Your dL/dw"
    options: Sequence[str]  # the room's bars: the right answer, the common wrong ones, and the rest
    option: Callable[[float], str]  # the bar a typed number counts under
    verdict: Callable[[float], tuple[bool, str]]  # (right?, why in numbers) for a typed number
    placeholder: str = ""
    waiting: str = "Type an answer to see the result."  # the caption while the question is open


def predict(
    key: str,
    question: str,
    options: Sequence[str] | NumberAnswer,
    *,
    answer: str | Sequence[str] | Callable[[], str | Sequence[str]] | None = None,
    explanation: str | Callable[[], str] | None = None,
    decide: Callable[[], tuple[str | Sequence[str], str]] | None = None,
    wrong: Mapping[str, str] | None = None,
    beside=None,
) -> bool:
    """Ask before showing. Returns True once the student has answered (or chosen to skip), or, in a
    class poll room, once the teacher has revealed the result to the room.

    Give either `answer` and `explanation` (each a string, or a function called only once the student has
    answered, so an experiment that decides them does not run on every change of a setting while the question
    is open), or `decide`: one function returning (answer, why), run once (a lesson's `expected`). With a
    NumberAnswer the student types a number; the answer is then the option the right number counts under.
    `wrong`: a common wrong answer -> the misconception behind it (Lesson.wrong, the teachers' page's rebuttals):
    a student who picks one reads it first, the numbers folded below. The answer may be a tuple of options, each
    counted right: where the run sits on the edge between two of them, a verdict must not hang on the last digit.
    `beside`: a container for the teacher's live bars in a room (on a projector, the page's chart column beside
    the question, empty until the reveal), so the bars and Reveal share the first screen; None: in the question.
    """
    by_parts = answer is not None and explanation is not None
    if (decide is None) != by_parts or (decide is not None and (answer, explanation) != (None, None)):
        raise ValueError(f"predict({key!r}): give either answer and explanation, or decide")
    if decide is not None:
        decided = functools.cache(decide)
        answer, explanation = (lambda: decided()[0]), (lambda: decided()[1])
    room = room_view.joined()  # None outside a room: no database call
    with slide_part(2, question=key), st.container(border=True):
        st.markdown(f"**Predict first.** {question}")
        if room is None:
            ready = _ask(key, question, options, answer, explanation, wrong or {}, beside)
        elif room.teacher_key:
            ready = _ask_room_as_teacher(room, key, options, answer, explanation, wrong or {}, beside)
        else:
            ready = _ask_room_as_student(room, key, question, options, answer, explanation, wrong or {})
    answer_part(  # the slide view's answer screen: the result, or what shows it
        None
        if ready
        else "The answer shows here once the teacher reveals the room's answers."
        if room is not None
        else "The answer shows here once the question on the previous screen is answered or skipped."
    )
    return ready


def _input(
    key: str,
    question: str,
    options: Sequence[str] | NumberAnswer,
    *,
    disabled: bool = False,
    horizontal: bool | None = None,
):
    """The answer's widget: a number to type, or one option to pick (in a row if `horizontal`; None: up to 4)."""
    if isinstance(options, NumberAnswer):
        return st.number_input(
            options.label,
            value=None,
            step=0.1,
            format="%g",  # as typed: 2, not 2.0000
            key=key,
            placeholder=options.placeholder,
            disabled=disabled,
        )
    return st.radio(
        question,
        list(options),
        index=None,
        key=key,
        label_visibility="collapsed",
        horizontal=len(options) <= 4 if horizontal is None else horizontal,
        disabled=disabled,
    )


def _ask(key, question, options, correct, explanation, wrong: Mapping[str, str], beside=None) -> bool:
    answer = _input(key, question, options)
    skipped = st.checkbox("Skip the question and show the result", key=f"{key}_skip")
    if answer is None and not skipped:
        st.caption(options.waiting if isinstance(options, NumberAnswer) else "Pick an answer to run the experiment.")
        return False
    if answer is not None:
        judged = functools.partial(_judge, options, answer, _value(correct), _value(explanation), wrong)
        if beside is not None and presenting():  # a projector: above the chart beside the question, on the first screen
            with beside:
                judged()
        else:
            on_answer_screen(judged)
    st.button(
        "Ask again",
        key=f"{key}_again",
        on_click=_clear,
        args=(key,),
        help="Hide the result and clear the prediction, so the next group predicts again.",
    )
    return True


def _clear(key: str) -> None:
    st.session_state[key] = None
    st.session_state[f"{key}_skip"] = False


@dataclass(frozen=True)
class _Asked:
    """How a question is asked in a room: `fixed`, a question the page's settings do not change (the closing check
    question), counted at any settings and answered where it is asked; else a Predict-first question, counted at the
    settings the page shows, its result on the slide view's answer screen."""

    fixed: bool = False

    def view(self) -> str:
        return room_view.page_tag() if self.fixed else room_view.view_tag()

    def show(self, draw: Callable[[], None]) -> None:
        if self.fixed:
            draw()
        else:
            on_answer_screen(draw)


PREDICTION, CHECK = _Asked(), _Asked(fixed=True)


def _ask_room_as_teacher(
    room: room_view.Membership, key, options, correct, explanation, wrong, beside, asked: _Asked = PREDICTION
) -> bool:
    if not asked.fixed:
        room_view.show_view(room)  # the page and its settings, for the students to follow
    view = asked.view()
    if not room.question(key).revealed:  # a typed answer's options are not the students' to see: its count alone
        bars = None if isinstance(options, NumberAnswer) else [(o, o) for o in options]
        if beside is None:
            st.caption(f"Room {room.code}: the room's answers, live. Reveal when the discussion is done.")
            room_view.live_answers(room, key, bars, view)
        else:
            st.caption(f"Room {room.code}: the room's answers, live, beside this question.")
            with beside:
                room_view.live_answers(room, key, bars, view)
        return False
    result = functools.partial(
        _room_result,
        correct=_value(correct),
        explanation=_value(explanation),
        answer=None,
        wrong=wrong,
        view=view,
        beside=beside,
    )
    asked.show(functools.partial(result, room, key, options))
    st.button(
        "Ask again",
        key=f"{key}_again",
        on_click=room_view.ask_again,
        args=(room, key),
        help="Hide the result in the whole room and forget its answers to this question.",
    )
    return True


def _ask_room_as_student(
    room: room_view.Membership, key, question, options, correct, explanation, wrong, asked: _Asked = PREDICTION
) -> bool:
    revealed = room.question(key).revealed
    room_view.forget_if_asked_again(room, key)
    # the room answers a prediction at the teacher's settings
    differences = [] if asked.fixed else room_view.teachers_differ(room)
    if differences:
        room_view.settings_differ(room, key, differences, revealed)
    answer = _input(key, question, options, disabled=revealed, horizontal=False if asked.fixed else None)
    number = isinstance(options, NumberAnswer)
    if not revealed:
        if differences:  # told above: it counts once the page shows the teacher's settings
            return False
        if answer is None:
            st.caption(f"{'Type' if number else 'Pick'} an answer: it counts, anonymously, for room {room.code}.")
        else:
            room_view.send(room, key, options.option(answer) if number else answer, asked.view())
        return False
    choice = None if answer is None else options.option(answer) if number else answer
    if choice is not None and not room_view.counted(room, key, choice):  # held back, or never sent: not judged
        st.caption(f"Your answer did not reach room {room.code} before the reveal: it was not counted.")
        answer = None
    result = functools.partial(
        _room_result,
        correct=_value(correct),
        explanation=_value(explanation),
        answer=answer,
        wrong=wrong,
        view=asked.view(),
    )
    asked.show(functools.partial(result, room, key, options))
    return True


def _room_result(
    room, key, options, *, correct: str, explanation: str, answer, wrong: Mapping[str, str], view, beside=None
) -> None:
    """After the reveal: the verdict on this session's answer (a common wrong pick's own rebuttal first, as outside
    a room; the answer alone for the teacher or a student who did not answer), then how the room answered under
    the settings the page shows (`view`): in `beside` where the live bars stood (a projector's first screen),
    else under the verdict."""
    if answer is None:
        st.info(f"The answer is {_named(correct)}. {explanation}", icon="🗳️")
    else:
        _judge(options, answer, correct, explanation, wrong)
    bars = options.options if isinstance(options, NumberAnswer) else options
    with beside if beside is not None else contextlib.nullcontext():
        room_view.spread(room, key, bars, right_answers(correct), view)


def _value(x: str | Callable[[], str]) -> str:
    return x() if callable(x) else x


def right_answers(correct: str | Sequence[str]) -> tuple[str, ...]:
    """Every option counted right: one, or several where the run sits on the edge between them."""
    return (correct,) if isinstance(correct, str) else tuple(correct)


def _named(correct: str | Sequence[str]) -> str:
    return " or ".join(f"**{c}**" for c in right_answers(correct))


def _judge(
    options: Sequence[str] | NumberAnswer, answer, correct, explanation, wrong: Mapping[str, str] | None = None
) -> None:
    """The verdict on the student's answer: a typed number's from its own rule, a pick's against `correct`."""
    if isinstance(options, NumberAnswer):
        right, why = options.verdict(answer)
        if presenting():
            _short_verdict(right, options.options[0], [why])
        else:
            (st.success if right else st.error)(why, icon="✅" if right else "💡")
    else:
        _verdict(answer, _value(correct), _value(explanation), wrong)


def _verdict(
    answer: str, correct: str | Sequence[str], explanation: str, wrong: Mapping[str, str] | None = None
) -> None:
    """Right, with why in numbers; wrong, the misconception behind the pick first when it is a common one (the
    numbers then folded), else why in numbers. On a slide or a projector, short (`_short_verdict`)."""
    if presenting():
        _short_verdict(answer in right_answers(correct), correct, [(wrong or {}).get(answer, ""), explanation])
    elif answer in right_answers(correct):
        st.success(f"Right. {explanation}", icon="✅")
    elif wrong and answer in wrong:
        st.error(f"Not quite: the answer is {_named(correct)}. {wrong[answer]}", icon="💡")
        with st.expander("Why, in numbers"):
            st.markdown(explanation)
    else:
        st.error(f"Not quite: the answer is {_named(correct)}. {explanation}", icon="💡")


def _short_verdict(right: bool, correct: str | Sequence[str], why: Sequence[str]) -> None:
    """The verdict a hall reads on a slide or a projector: "Right." or "Not quite: the answer is X.", its why (the
    misconception behind a common wrong pick, then the numbers) in a fold, so the screen keeps its chart and its
    takeaway, and no sentence of the takeaway is said twice. In the slide view it sits in the navigation's row
    (ui.layout.verdict_slot), the why in a popover: opened, it floats over the slide instead of pushing it down."""
    with verdict_slot(), st.container(horizontal=True, vertical_alignment="center", gap="small", wrap=False):
        if right:
            st.success("Right.", icon="✅", width="stretch")
        else:
            st.error(f"Not quite: the answer is {_named(correct)}.", icon="💡", width="stretch")
        with st.popover(SHORT_WHY):
            st.markdown("\n\n".join(w for w in why if w))


SHORT_WHY = "Why, in numbers"  # the fold of a slide's short verdict


def check_understanding(
    key: str,
    question: str,
    options: Sequence[str],
    correct: str,
    explanation: str,
    wrong: Mapping[str, str] | None = None,
) -> None:
    """A closing question with feedback: `wrong` maps a wrong option to why it is wrong (the misconception behind
    it), shown before the explanation; the right option is named once, however it begins. In the slide view, on
    its own screen (the lesson's last, CHECK_SCREEN). In a class poll room it is a poll question as predict's
    (the room's bars on the teacher's screen, the reveal, the spread on each student's page), counted at any
    settings: the page's settings do not change it."""
    room = room_view.joined()  # None outside a room: no database call
    with slide_screen(CHECK_SCREEN, part=key), st.container(border=True):
        st.markdown(f"**Check your understanding.** {question}")
        if room is not None:
            if room.teacher_key:
                _ask_room_as_teacher(room, key, options, correct, explanation, wrong or {}, None, CHECK)
            else:
                _ask_room_as_student(room, key, question, options, correct, explanation, wrong or {}, CHECK)
            return
        answer = _input(key, question, options, horizontal=False)
        if answer is None:
            return
        if answer == correct:
            st.success(f"Right. {explanation}")  # not "Yes.": a right answer may itself begin "No: ..."
            return
        why = (wrong or {}).get(answer)
        st.error(f"Not quite: the answer is **{correct}**. " + (f"{why} " if why else "") + explanation)
