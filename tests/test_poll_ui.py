"""The class poll and the teacher's kit on the pages, through AppTest: Ask again, the QR code, a room
from start to reveal with a teacher and students, bad codes, and no database work outside a room."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import qr
from ui.controls import ROOM
from ui.poll import store as poll_store
from ui.poll.store import CODE_PATTERN, PollStore

APP = Path(__file__).resolve().parents[1] / "app.py"
PAGE = "pages/signed_l1.py"
KEY = "s_predict"


@pytest.fixture(autouse=True)
def poll_db(tmp_path, monkeypatch) -> str:
    path = str(tmp_path / "poll.sqlite3")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("POLL_DB_PATH", path)
    return path


@pytest.fixture
def db_calls(monkeypatch) -> list[str]:
    """Every transaction the poll store opens, by the method that opened it."""
    calls: list[str] = []
    real = PollStore._tx

    def counted(self, write=True):
        calls.append("write" if write else "read")
        return real(self, write)

    monkeypatch.setattr(PollStore, "_tx", counted)
    return calls


def open_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params.update(query or {})
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "success", "error", "info", "warning")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def results_shown(at: AppTest) -> bool:
    return any(
        "the answer is" in str(e.value).lower() or "Right." in str(e.value) for e in [*at.success, *at.error, *at.info]
    )


def keys(at: AppTest, kind: str) -> set[str]:
    return {w.key for w in getattr(at, kind) if w.key}


def test_the_room_control_and_the_store_agree_on_codes():
    assert ROOM.pattern == CODE_PATTERN
    assert ROOM.parse(" k7qm2d ") == "K7QM2D"
    with pytest.raises(ValueError):
        ROOM.parse("K7QM20")


def test_ask_again_hides_the_result_and_clears_the_prediction(db_calls):
    at = open_page()
    assert "Ask again" not in [b.label for b in at.button] and not results_shown(at)
    radio = at.radio(key=KEY)
    radio.set_value(radio.options[0])
    rerun(at)
    assert results_shown(at)
    charts_answered = len(at.get("vega_lite_chart"))
    at.button(key=f"{KEY}_again").click()
    rerun(at)
    assert at.radio(key=KEY).value is None and not results_shown(at)
    assert len(at.get("vega_lite_chart")) < charts_answered
    at.checkbox(key=f"{KEY}_skip").check()
    rerun(at)
    assert len(at.get("vega_lite_chart")) == charts_answered
    at.button(key=f"{KEY}_again").click()
    rerun(at)
    assert at.checkbox(key=f"{KEY}_skip").value is False
    assert db_calls == []  # no room, no database


def test_no_database_work_without_a_room(db_calls):
    at = open_page({"lr": "0.02"})
    at.checkbox(key=f"{KEY}_skip").check()
    rerun(at)
    at.toggle(key="present").set_value(True)
    rerun(at)
    assert db_calls == [] and "room" not in at.query_params


def test_a_teacher_and_students_from_start_to_reveal(db_calls):
    teacher = open_page()
    teacher.button(key="poll_start").click()
    rerun(teacher)
    code = teacher.session_state[ROOM.key]
    assert teacher.query_params.get("room") == code
    assert "Reveal to the room" in [b.label for b in teacher.button]
    assert f"**0** answers in room {code}" in texts(teacher)
    assert KEY not in keys(teacher, "radio")  # the teacher sees the room's answers, not the options
    assert teacher.get("image"), "the teacher's sidebar shows the room's QR code"
    assert any(f"room={code}" in c.value for c in teacher.sidebar.code)  # and its link

    students = [open_page({"room": code.lower()}) for _ in range(3)]
    for i, student in enumerate(students):
        assert "Reveal to the room" not in [b.label for b in student.button]
        assert f"{KEY}_skip" not in keys(student, "checkbox")  # no peeking in a room
        radio = student.radio(key=KEY)
        radio.set_value(radio.options[3 if i else 0])
        rerun(student)
        assert f"Counted for room {code}" in texts(student) and not results_shown(student)
    writes_before = db_calls.count("write")
    rerun(students[0])  # a rerun with the same answer writes nothing
    assert db_calls.count("write") == writes_before

    rerun(teacher)
    assert f"**3** answers in room {code}" in texts(teacher)
    live = teacher.get("vega_lite_chart")[0].proto.alt
    radio_options = students[0].radio(key=KEY).options
    assert f"{radio_options[0]}: 1," in live and f"{radio_options[3]}: 2 " in live and "(3 in all)" in live

    teacher.button(key=f"{KEY}_reveal").click()
    rerun(teacher)
    assert results_shown(teacher) and "How the room answered" in texts(teacher)
    for student in students:
        rerun(student)
        assert results_shown(student) and "How the room answered" in texts(student)
        assert at_disabled(student)

    teacher.button(key=f"{KEY}_again").click()  # the next group predicts again
    rerun(teacher)
    assert f"**0** answers in room {code}" in texts(teacher)
    for student in students:
        rerun(student)
        assert student.radio(key=KEY).value is None and not results_shown(student)

    teacher.button(key="poll_close").click()
    rerun(teacher)
    assert "room" not in teacher.query_params
    rerun(students[0])
    assert "is not open" in texts(students[0]) and f"{KEY}_skip" in keys(students[0], "checkbox")


def at_disabled(at: AppTest) -> bool:
    return at.radio(key=KEY).disabled


@pytest.mark.parametrize(("code", "note"), [("<b>x</b>", "ignored"), ("ZZZZZZ", "is not open"), ("0" * 300, "ignored")])
def test_a_bad_or_unknown_code_gets_a_note_and_the_page_works_without_a_room(code, note):
    at = open_page({"room": code})
    assert note in texts(at)
    assert f"{KEY}_skip" in keys(at, "checkbox") and "room" not in at.query_params
    at.checkbox(key=f"{KEY}_skip").check()
    rerun(at)
    assert len(at.get("vega_lite_chart")) >= 1


def test_an_expired_room_gets_a_note(poll_db):
    made_long_ago = PollStore(poll_db, clock=lambda: time.time() - poll_store.ROOM_TTL_S - 60)
    room = made_long_ago.create_room()
    made_long_ago.close_connections()
    at = open_page({"room": room.code})
    assert f"Room {room.code} is not open" in texts(at) and f"{KEY}_skip" in keys(at, "checkbox")


def test_joining_by_typing_the_code():
    store = PollStore.from_env()
    room = store.create_room()
    store.close_connections()
    at = open_page()
    at.text_input(key="poll_join").input(f" {room.code.lower()} ")
    rerun(at)
    assert at.session_state[ROOM.key] == room.code and "Leave the room" in [b.label for b in at.button]
    at.button(key="poll_leave").click()
    rerun(at)
    assert not at.session_state[ROOM.key] and f"{KEY}_skip" in keys(at, "checkbox")
    at.text_input(key="poll_join").input("hello")
    rerun(at)
    assert "not a room code" in texts(at)


def test_an_unreachable_database_is_a_note_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("POLL_DB_PATH", str(tmp_path))  # a directory: SQLite cannot open it
    at = open_page({"room": "K7QM2D"})
    assert "not available" in texts(at) and f"{KEY}_skip" in keys(at, "checkbox")
    at.button(key="poll_start").click()
    rerun(at)
    assert "Could not start a room" in texts(at)


def test_the_qr_button_opens_without_a_database(db_calls):
    """AppTest does not render dialogs: tests/e2e/test_poll.py checks the image and its link in Chromium."""
    with_settings = {"s_lr": "0.02", "present": "true"}
    at = open_page(with_settings)
    at.button(key="poll_qr").click()
    rerun(at)
    assert at.query_params.get("s_lr") == "0.02" and db_calls == []


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_qr_codes_hold_the_whole_link():
    short = qr.link("http://host:8501/signed_l1?old=1", {"room": "K7QM2D"})
    assert short == "http://host:8501/signed_l1?room=K7QM2D"
    long = qr.link("http://host:8501/noise", {f"p{i}": "0.123456" for i in range(30)})
    w_short, h_short = png_size(qr.qr_png(short, scale=1))
    w_long, _ = png_size(qr.qr_png(long, scale=1))
    assert w_short == h_short and w_long > w_short  # a longer link needs a larger code
    assert png_size(qr.qr_png(short, scale=4))[0] == 4 * w_short
    for bad in ("", "x" * (qr.MAX_LINK_CHARS + 1)):
        with pytest.raises(ValueError, match="characters"):
            qr.qr_png(bad)


def test_a_students_page_reruns_for_a_reveal_or_ask_again_not_for_other_answers(poll_db):
    from ui.poll.view import _moved_on

    store = PollStore(poll_db)
    room = store.create_room()
    seen = _moved_on(store.state(room.code))
    store.answer(room.code, "session-00000001", "q", "A")  # another student's first answer creates the row
    assert _moved_on(store.state(room.code)) == seen
    store.reveal(room.code, room.teacher_key, "q")
    revealed = _moved_on(store.state(room.code))
    assert revealed != seen
    store.reset(room.code, room.teacher_key, "q")
    assert _moved_on(store.state(room.code)) not in (seen, revealed)
    store.close_connections()


def test_the_room_link_leaves_out_the_teachers_own_view_and_the_answer_screen_says_what_it_waits_for(db_calls):
    """A teacher in the slide view, on the answer's screen, before the reveal: the screen says it waits for the
    reveal (it was empty), and the room's link gives students the page, not the teacher's slides."""
    teacher = open_page({"slides": "true", "slide": "3", "present": "true"})
    assert any("once the question on the previous screen is answered or skipped" in i.value for i in teacher.info)
    teacher.button(key="poll_start").click()
    rerun(teacher)
    code = teacher.session_state[ROOM.key]
    assert any("once the teacher reveals the room's answers" in i.value for i in teacher.info)
    link = next(c.value for c in teacher.sidebar.code if f"room={code}" in c.value)
    assert "slides" not in link and "slide=" not in link and "present" not in link, link


@pytest.mark.parametrize("path", ["pages/home.py", "pages/teachers.py"])
def test_a_page_without_slides_reads_as_usual_in_the_slide_view(path):
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params.update({"slides": "true", "slide": "2"})
    at.switch_page(path)
    at.run()
    assert not at.exception
    assert "slide_next" not in {b.key for b in at.button}, "no back and next on a page without slides"
    assert any("this page reads as usual" in c.value for c in at.caption)
    assert not any("display: none" in str(m.value) for m in at.markdown), "nothing hidden"


def test_back_from_the_answers_screen_opens_the_question_again_unless_the_student_skipped_it():
    at = open_page({"slides": "true", "slide": "2"})
    at.button(key="slide_next").click()
    rerun(at)
    assert at.session_state["slide"] == 3 and at.checkbox(key=f"{KEY}_skip").value  # Next shows the result
    at.button(key="slide_back").click()
    rerun(at)
    assert at.session_state["slide"] == 2 and not at.checkbox(key=f"{KEY}_skip").value  # Back asks again
    at.checkbox(key=f"{KEY}_skip").check()
    rerun(at)
    at.button(key="slide_next").click()
    rerun(at)
    at.button(key="slide_back").click()
    rerun(at)
    assert at.checkbox(key=f"{KEY}_skip").value, "a skip the student chose stays"
