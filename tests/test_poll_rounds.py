"""A question asked afresh in a class poll room, through AppTest with a teacher's and students' sessions (from a
fresh teacher's read, read5a): a student's old pick must not look like a sent answer once the question is asked
again (new settings, Ask again, the teacher's settings taken), and a student whose pick the room did not count is
never told "Right." as if they had answered in the room.

AppTest reads a widget's value from the script's state; a browser keeps what it showed unless the run sends a value
with the widget (`set_value`). `browser_shows` models the browser, so these tests see what a student sees.
"""

from __future__ import annotations

from tests.test_poll_ui import APP, poll_db, rerun, texts  # noqa: F401  (poll_db: each test's own database)
from ui.controls import ROOM
from ui.lessons.signed_l1 import lesson as signed_l1
from ui.poll.store import PollStore

KEY = signed_l1.PREDICT_KEY
PAGE = "pages/signed_l1.py"
TARGET = "Move the target: true w = −3"


def _open(query: dict[str, str] | None = None, page: str = PAGE):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(query or {})
    at.switch_page(page)
    return rerun(at)


def _teacher(query: dict[str, str] | None = None, page: str = PAGE):
    at = _open(query, page)
    at.button(key="poll_start").click()
    return rerun(at), at.session_state[ROOM.key]


def browser_shows(widget, before):
    """The value a browser shows in `widget` after the run just made: the one the run sent with it (a value the
    script set, e.g. cleared), else the one it showed before."""
    proto = widget.proto
    if not proto.set_value:
        return before
    if widget.type == "radio":
        return proto.raw_value if proto.HasField("raw_value") else None
    return proto.value if proto.HasField("value") else None


def answers_in_db(code: str, key: str) -> int:
    store = PollStore.from_env()
    try:
        with store._tx(write=False) as db:
            ((n,),) = db("SELECT COUNT(*) FROM poll_answers WHERE room = ? AND question = ?", code, key)
    finally:
        store.close_connections()
    return n


def _pick(student, shown, choice):
    """A student clicks `choice` as a browser would: a click on the option already shown changes nothing (no run)."""
    if shown != choice:
        student.radio(key=KEY).set_value(choice)
        rerun(student)
    return choice


def test_a_student_who_takes_the_teachers_settings_sees_the_question_open_and_the_same_pick_counts():
    """read5a finding 1: after the teacher's preset change the student clicked "Use the teacher's settings"; the radio
    still showed the old pick, so clicking it again sent nothing, and after the reveal the page said "Right." for an
    answer the room never counted. On page 2 the right answer is the same under every preset."""
    right = signed_l1.LESSON.values(TARGET)
    right_answer = signed_l1.expected(right)[0]
    assert right_answer == signed_l1.expected(signed_l1.LESSON.values())[0]  # the same pick is right again

    teacher, code = _teacher()
    student = _open({"room": code})
    shown = _pick(student, None, right_answer)
    assert f"Counted for room {code}" in texts(student)
    teacher.button(key=f"{KEY}_reveal").click()
    rerun(teacher)
    assert "Right." in texts(rerun(student))
    shown = browser_shows(student.radio(key=KEY), shown)

    teacher.selectbox(key="s_preset").set_value(TARGET)  # new settings: the question is asked afresh
    rerun(teacher)
    assert f"{KEY}_reveal" in {b.key for b in teacher.button}
    rerun(student)
    shown = browser_shows(student.radio(key=KEY), shown)
    student.button(key=f"{KEY}_teacher_settings").click()
    rerun(student)
    shown = browser_shows(student.radio(key=KEY), shown)
    assert shown is None, "the old pick still shows: a click on it sends nothing"
    assert "it counts, anonymously" in texts(student)
    shown = _pick(student, shown, right_answer)
    assert f"Counted for room {code}" in texts(student)
    assert answers_in_db(code, KEY) == 1

    teacher.button(key=f"{KEY}_reveal").click()
    rerun(teacher)
    assert "**1** answer in room" in texts(teacher)
    student.radio(key=KEY).set_value(shown)  # what the browser sends with the watch's rerun
    assert "Right." in texts(rerun(student))


def test_ask_again_clears_the_pick_the_browser_shows():
    teacher, code = _teacher()
    student = _open({"room": code})
    shown = _pick(student, None, signed_l1.OPTIONS[0])
    teacher.button(key=f"{KEY}_reveal").click()
    rerun(teacher)
    rerun(student)
    shown = browser_shows(student.radio(key=KEY), shown)
    teacher.button(key=f"{KEY}_again").click()
    rerun(teacher)
    rerun(student)
    assert browser_shows(student.radio(key=KEY), shown) is None


def test_a_pick_the_room_did_not_count_is_not_told_right(monkeypatch):
    """A student's pick held back by the per-address limit when the teacher reveals is never counted (the question
    is closed): the page must not say "Right." as if it had been."""
    from ui.poll import store as poll_store

    right_answer = signed_l1.expected(signed_l1.LESSON.values())[0]
    teacher, code = _teacher()
    monkeypatch.setattr(poll_store, "NEW_VOTERS", poll_store.Limit(1, 1e-9, "many new students from your network"))
    first, held = _open({"room": code}), _open({"room": code})
    for student in (first, held):
        _pick(student, None, right_answer)
    assert "Not counted yet" in texts(held)
    teacher.button(key=f"{KEY}_reveal").click()
    rerun(teacher)
    assert "Right." in texts(rerun(first))
    told = texts(rerun(held))
    assert answers_in_db(code, KEY) == 1
    assert "Right." not in told and f"The answer is **{right_answer}**" in told
    assert "not counted" in told


def _room_chart_alt(at, option: str) -> str | None:
    """The room's chart of the question that has `option`, as a screen reader reads it, or None."""
    charts = at.get("vega_lite_chart")
    return next((c.proto.alt for c in charts if "room's answers" in c.proto.alt and option in c.proto.alt), None)


def test_the_check_question_is_a_poll_question_counted_at_any_settings():
    """read5a finding 2: the teachers' plan sets the exit ticket "in the poll", but the check question at the foot of
    page 1 never reached the room. In a room it is a poll question as the prediction is: the teacher sees the room's
    bars and reveals, each student reads the verdict and the room's spread. The page's settings do not change it,
    so a student whose settings differ from the teacher's is counted too."""
    from ui.lessons.derivation import lesson as derivation

    page, check = "pages/derivation.py", derivation.CHECK
    teacher, code = _teacher(page=page)
    assert "d_check" not in {r.key for r in teacher.radio} and _room_chart_alt(teacher, check.correct) is None
    teacher.button(key=f"{derivation.PREDICT_KEY}_reveal").click()  # the page goes on past its question
    rerun(teacher)
    assert "d_check" not in {r.key for r in teacher.radio}  # the teacher sees the room's answers, not the options
    assert _room_chart_alt(teacher, check.correct).startswith("The room's answers: ")
    wrong = next(o for o in check.options if o != check.correct)
    students = [_open({"room": code}, page), _open({"room": code}, page)]
    students[1].slider(key="d_w").set_value(0.8)  # another setting than the teacher's
    for student, pick in zip(students, (check.correct, wrong), strict=True):
        rerun(student)
        assert "on the teacher's screen" in texts(student) or student is students[0]
        student.radio(key="d_check").set_value(pick)
        assert f"Counted for room {code}" in texts(rerun(student))
    assert answers_in_db(code, "d_check") == 2
    rerun(teacher)
    live = _room_chart_alt(teacher, check.correct)
    assert f"{check.correct}: 1," in live and "(2 in all)" in live
    teacher.button(key="d_check_reveal").click()
    assert f"The answer is **{check.correct}**" in texts(rerun(teacher))
    for student, verdict in zip(students, ("Right.", "Not quite"), strict=True):
        told = texts(rerun(student))
        assert verdict in told and _room_chart_alt(student, check.correct).endswith("(2 in all).")
    teacher.button(key="d_check_again").click()
    rerun(teacher)
    assert browser_shows(rerun(students[0]).radio(key="d_check"), check.correct) is None
