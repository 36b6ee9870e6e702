"""The class poll and the teacher's kit on the pages, through AppTest: Ask again, the QR code, a room
from start to reveal with a teacher and students, bad codes, and no database work outside a room; the teacher
passphrase, the lock, a full room, the per-address limit. Then a hostile visitor over Streamlit's own protocol
(bench.protocol), on a served app: a fresh session per click on Start a room, or per vote, and forged
X-Forwarded-For headers.

Over 400 lines: the poll as teacher and students use it, one scenario per test, sharing their helpers.
"""

from __future__ import annotations

import struct
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from bench.protocol import Session, run
from bench.serve import streamlit_server
from tests.conftest import _environ
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


def _derivation(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params.update(query or {})
    at.switch_page("pages/derivation.py")
    return rerun(at)


def _backward_pass(at: AppTest) -> bool:
    return any(h.value.startswith("Backward pass") for h in at.subheader)


def test_the_derivations_typed_answer_has_ask_again_and_counts_in_a_room_under_its_bar():
    """The derivation's question is a number to type: alone it gets Ask again; in a room each typed number counts
    under the bar it falls in (the right one, a common slip, or another number), and the reveal shows the spread."""
    from ui.lessons.derivation import lesson

    key = lesson.PREDICT_KEY
    alone = _derivation()
    alone.number_input(key=key).set_value(-2.0)
    assert "Right" in texts(rerun(alone)) and _backward_pass(alone)
    alone.button(key=f"{key}_again").click()
    assert not _backward_pass(rerun(alone)) and alone.number_input(key=key).value is None

    teacher = _derivation()
    teacher.button(key="poll_start").click()
    code = rerun(teacher).session_state[ROOM.key]
    assert key not in keys(teacher, "number_input")  # the teacher sees the room's answers
    bars = lesson.number_answer(lesson.LESSON.defaults()).options
    assert bars[0] == "−2, sign(r)·x" and "2, x alone" in bars and bars[-1] == lesson.OTHER
    for typed in (-2.0, 2.0, 2.0, 7.5):
        student = _derivation({"room": code})
        assert f"{key}_skip" not in keys(student, "checkbox")
        student.number_input(key=key).set_value(typed)
        assert f"Counted for room {code}" in texts(rerun(student))
    assert f"**4** answers in room {code}" in texts(rerun(teacher))
    assert not any("room's answers" in c.proto.alt for c in teacher.get("vega_lite_chart"))  # bars at the reveal
    teacher.button(key=f"{key}_reveal").click()
    assert "How the room answered" in texts(rerun(teacher)) and "The answer is **−2, sign(r)·x**" in texts(teacher)
    (spread,) = [c.proto.alt for c in teacher.get("vega_lite_chart") if "room's answers: −2, sign(r)·x" in c.proto.alt]
    assert "−2, sign(r)·x: 1," in spread and "2, x alone: 2," in spread and f"{lesson.OTHER}: 1" in spread
    rerun(student)  # the last one typed 7.5
    assert "Not quite" in texts(student) and _backward_pass(student)


def test_a_number_on_the_kink_counts_as_a_subgradient():
    from ui.lessons.derivation import lesson

    values = {**lesson.LESSON.defaults(), lesson.C["w"].key: 0.5}  # ŷ = t: every slope in [−2, 2] is right
    typed = lesson.number_answer(values)
    assert typed.options == ["[−2, 2], a subgradient", lesson.OTHER]
    assert typed.option(1.3) == typed.options[0] and typed.option(2.5) == lesson.OTHER


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


# --- issue 28: a public link -----------------------------------------------------------------------------------


def start(at: AppTest, passphrase: str | None = None) -> AppTest:
    if passphrase is not None:
        at.text_input(key="poll_passphrase").input(passphrase)
    at.button(key="poll_start").click()
    return rerun(at)


def test_without_a_passphrase_configured_there_is_none_to_type_and_no_secrets_file_is_no_message(monkeypatch):
    monkeypatch.delenv("POLL_TEACHER_PASSPHRASE", raising=False)
    at = open_page()
    assert "poll_passphrase" not in keys(at, "text_input")
    assert "secret" not in texts(at).lower() and not at.exception
    start(at)
    assert at.session_state[ROOM.key]


@pytest.mark.parametrize("where", ["environment", "secrets"])
def test_with_a_passphrase_configured_only_the_passphrase_starts_a_room(monkeypatch, where):
    monkeypatch.delenv("POLL_TEACHER_PASSPHRASE", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=90)
    if where == "environment":
        monkeypatch.setenv("POLL_TEACHER_PASSPHRASE", "correct horse battery")
    else:
        at.secrets["POLL_TEACHER_PASSPHRASE"] = "correct horse battery"
    at.switch_page(PAGE)
    rerun(at)
    assert "poll_passphrase" in keys(at, "text_input")
    for tried, note in (("", "Type the teacher passphrase"), ("correct horse", "not the teacher passphrase")):
        start(at, tried)
        assert note in texts(at) and not at.session_state[ROOM.key]
    start(at, "correct horse battery")
    code = at.session_state[ROOM.key]
    assert code and at.session_state["poll_passphrase"] == ""  # not kept in the session
    assert "closes itself" not in texts(at)  # a teacher's room keeps its 4 hours, answered or not


def test_the_teacher_locks_the_room_and_sees_who_answered():
    teacher = start(open_page())
    code = teacher.session_state[ROOM.key]
    assert "**0** sessions from **0** addresses have answered" in texts(teacher)
    assert "closes itself" in texts(teacher)  # started without a passphrase: 15 minutes to a first answer
    inside = open_page({"room": code})
    inside.radio(key=KEY).set_value(inside.radio(key=KEY).options[0])
    rerun(inside)
    teacher.button(key="poll_lock").click()
    rerun(teacher)
    assert "Locked: no new students" in texts(teacher)
    assert "Unlock the room" in [b.label for b in teacher.button]
    late = open_page({"room": code})
    late.radio(key=KEY).set_value(late.radio(key=KEY).options[0])
    rerun(late)
    assert f"room {code} is locked by the teacher" in texts(late)
    inside.radio(key=KEY).set_value(inside.radio(key=KEY).options[1])  # already in: may still change it
    rerun(inside)
    assert f"Counted for room {code}" in texts(inside)
    rerun(teacher)
    assert "**1** session from **1** address has answered" in texts(teacher)
    assert "locked: **1** try to join was turned away" in texts(teacher)
    assert "1 in all" in teacher.get("vega_lite_chart")[0].proto.alt


def test_a_full_room_tells_the_teacher_beside_the_question(monkeypatch):
    monkeypatch.setattr(poll_store, "MAX_VOTERS_PER_ROOM", 1)
    teacher = start(open_page({"present": "true"}))
    code = teacher.session_state[ROOM.key]
    for _ in range(2):
        student = open_page({"room": code})
        student.radio(key=KEY).set_value(student.radio(key=KEY).options[0])
        rerun(student)
    assert "this room is full (1 students)" in texts(student)
    rerun(teacher)
    live = [w.value for w in teacher.main.warning]
    assert any("The room is full (1 students)" in w and "**1** try to join" in w for w in live), live


def test_a_student_held_back_by_the_per_address_limit_is_told_and_counted_on_a_later_run(monkeypatch):
    teacher = start(open_page())
    code = teacher.session_state[ROOM.key]
    monkeypatch.setattr(poll_store, "NEW_VOTERS", poll_store.Limit(1, 1e-9, "many new students from your network"))
    first, second = open_page({"room": code}), open_page({"room": code})
    for student in (first, second):
        student.radio(key=KEY).set_value(student.radio(key=KEY).options[0])
        rerun(student)
    assert f"Counted for room {code}" in texts(first)
    assert "Not counted yet: many new students from your network" in texts(second)
    monkeypatch.setattr(poll_store, "NEW_VOTERS", poll_store.Limit(60, 1e6, "busy"))  # refilled at once
    rerun(second)  # the room watch sends it again every 2 s; a run of the page does too
    assert f"Counted for room {code}" in texts(second)


# --- over the protocol: what one client making a fresh session per click can do ----------------------------------


@dataclass
class Visitor(Session):
    """A tab whose request carries X-Forwarded-For (as HAProxy on this machine would send it, or as a forger)."""

    forwarded: str = ""
    options: dict[str, list[str]] = field(default_factory=dict)  # each radio's options, by key

    def _note(self, element) -> None:
        super()._note(element)
        if element.WhichOneof("type") == "radio":
            self.options[element.radio.id.split("-", 2)[2]] = list(element.radio.options)

    def __post_init__(self) -> None:
        if self.forwarded:
            self.headers["X-Forwarded-For"] = self.forwarded

    async def click(self, key: str) -> None:
        await self.send(key, trigger_value=True)
        self.widgets.pop(self.ids[key])  # a browser sends a click once, not with every later rerun

    def room(self) -> str | None:
        return parse_qs(self.query).get("room", [None])[0]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(url, database path, secrets file): the app served with a poll database of its own and a secrets file
    that does not exist yet (the passphrase test writes it last: Streamlit reads it once it exists)."""
    base = tmp_path_factory.mktemp("poll_served")
    db_path, secrets_file = base / "poll.sqlite3", base / "secrets.toml"
    with ExitStack() as stack:
        env = {"POLL_DB_PATH": str(db_path)}
        with _environ(env, drop=("DATABASE_URL", "POLL_TEACHER_PASSPHRASE")):
            url, _ = stack.enter_context(streamlit_server(extra_args=("--secrets.files", str(secrets_file))))
        yield url, str(db_path), secrets_file


def open_rooms(db_path: str) -> int:
    store = PollStore(db_path)
    with store._tx(write=False) as db:
        n = db("SELECT COUNT(*) FROM poll_rooms")[0][0]
    store.close_connections()
    return n


def test_a_client_with_a_fresh_session_per_click_starts_a_few_rooms_not_500(served):
    url, db_path, secrets_file = served
    assert not secrets_file.exists()

    async def clicks(n: int, forwarded: str = "") -> tuple[list[str], list[str]]:
        started, notes = [], []
        for _ in range(n):
            tab = Visitor(url, "signed_l1", forwarded=forwarded)
            await tab.open()
            assert "poll_passphrase" not in tab.shown  # no passphrase configured, and no message about secrets
            await tab.click("poll_start")
            started += [tab.room()] if tab.room() else []
            notes += tab.alerts
            assert not tab.exceptions, tab.exceptions
            await tab.close()
        return started, notes

    per_source = int(poll_store.LIMITS["start_source"].size)
    started, notes = run(clicks(per_source + 2))
    assert len(started) == per_source == open_rooms(db_path)
    assert sum("rooms were started from your address" in n for n in notes) == 2, notes
    started, _ = run(clicks(1, forwarded="203.0.113.50"))  # HAProxy on this machine names another client
    assert len(started) == 1 and open_rooms(db_path) == per_source + 1


def test_a_client_with_a_fresh_session_per_vote_is_held_back_and_the_lock_stops_it(served):
    url, db_path, _ = served
    teacher = PollStore(db_path)
    room = teacher.create_room(guarded=True)
    ahead = PollStore(db_path, clock=lambda: time.time() + 3600)  # its bucket is empty for the next hour
    i = 0
    while True:
        try:
            ahead.answer(room.code, f"bot-session-{i:04d}", KEY, "a bot's answer", source="203.0.113.9")
        except poll_store.SourceBusy:
            break
        i += 1
    assert i == poll_store.NEW_VOTERS.size
    ahead.close_connections()

    async def vote(forwarded: str, index: int = 0, tab: Visitor | None = None) -> Visitor:
        if tab is None:
            tab = Visitor(url, "signed_l1", forwarded=forwarded, query=f"room={room.code}")
            await tab.open()
        await tab.send(KEY, string_value=tab.options[KEY][index])  # a radio sends its option's text
        assert not tab.exceptions, tab.exceptions
        return tab

    async def story() -> None:
        forged = await vote("198.51.100.66, 203.0.113.9")  # the client wrote the first entry, HAProxy the last
        assert any("Not counted yet: many new students" in a for a in forged.alerts), forged.alerts
        student = await vote("198.51.100.20")
        teacher.lock(room.code, room.teacher_key)
        late = await vote("198.51.100.21")
        assert any(f"room {room.code} is locked by the teacher" in a for a in late.alerts), late.alerts
        await vote("", 1, tab=student)  # already in the room: may still change the answer
        for tab in (forged, student, late):
            await tab.close()

    run(story())
    counts = teacher.counts(room.code, KEY, teacher_key=room.teacher_key)
    info = teacher.room_info(room.code, room.teacher_key)
    teacher.close_connections()
    burst = poll_store.NEW_VOTERS.size
    assert counts.pop("a bot's answer") == burst and sum(counts.values()) == 1  # the student's changed answer
    assert (info.sessions, info.sources, info.refused_locked) == (burst + 1, 2, 1)


def test_once_the_host_sets_a_passphrase_only_it_starts_a_room(served):
    """Last of the served tests: the secrets file, once written, stays read for the server's life."""
    url, db_path, secrets_file = served
    secrets_file.write_text('POLL_TEACHER_PASSPHRASE = "correct horse battery"\n')

    async def story() -> list[tuple[str | None, list[str]]]:
        tab = Visitor(url, "signed_l1", forwarded="192.0.2.77")
        await tab.open()
        assert "poll_passphrase" in tab.shown
        outcomes = []
        for tried in ("", "correct horse", "x" * 100_000, "correct horse battery"):
            tab.widgets[tab.ids["poll_passphrase"]] = WidgetState(id=tab.ids["poll_passphrase"], string_value=tried)
            await tab.click("poll_start")
            outcomes.append((tab.room(), list(tab.alerts)))
        assert not tab.exceptions, tab.exceptions
        await tab.close()
        return outcomes

    outcomes = run(story())
    assert [room is not None for room, _ in outcomes] == [False, False, False, True], outcomes
    assert "Type the teacher passphrase" in " ".join(outcomes[0][1])
    assert all("not the teacher passphrase" in " ".join(alerts) for _, alerts in outcomes[1:3])


def test_students_get_a_link_to_the_page_the_teacher_moved_to():
    teacher = open_page()
    teacher.button(key="poll_start").click()
    rerun(teacher)
    code = teacher.session_state[ROOM.key]
    student = open_page({"room": code})
    assert not student.get("page_link") or "moved on" not in texts(student)  # same page: nothing to follow
    teacher.switch_page("pages/noise_and_learning_rate.py")
    rerun(teacher)
    rerun(student)
    links = [link.proto for link in student.get("page_link")]
    assert "Your teacher has moved on to **3 · Noise and learning rate**." in texts(student)
    assert any(link.label == "Go to 3 · Noise and learning rate" for link in links)
    student.switch_page("pages/noise_and_learning_rate.py")
    rerun(student)
    assert "moved on" not in texts(student) and student.session_state[ROOM.key] == code  # still in the room
    teacher.switch_page("pages/teachers.py")  # the teachers' page is not a lab page: the room is not sent there
    rerun(teacher)
    rerun(student)
    assert "moved on" not in texts(student)


def test_a_presenting_teacher_shows_the_room_on_the_page_and_the_bars_large():
    """Presentation mode folds the sidebar: the room's code, link and a button for its QR code go on top of the page,
    and the live bars use the projector's font."""
    import json

    from ui.poll.view import PROJECTOR_FONT

    teacher = open_page({"present": "true"})
    teacher.button(key="poll_start").click()
    rerun(teacher)
    code = teacher.session_state[ROOM.key]
    assert any(f"Join room **{code}**" in m.value for m in teacher.main.markdown)
    assert "room_banner_qr" in keys(teacher.main, "button"), (
        "the QR code is a click away on the page, not only in the sidebar"
    )
    live = json.loads(next(c for c in teacher.get("vega_lite_chart") if "room's answers" in c.proto.alt).proto.spec)
    fonts = [layer["mark"]["fontSize"] for layer in live["layer"] if layer["mark"]["type"] == "text"]
    assert min(fonts) >= PROJECTOR_FONT
    reading = open_page()
    reading.button(key="poll_start").click()
    rerun(reading)
    assert not any("Join room" in m.value for m in reading.main.markdown)  # at a desk the sidebar shows it


def _screens(node, key: str = "", out: dict | None = None) -> dict[str, list[str]]:
    """Element types by the slide view's screen that holds them ('slide-2', 'slide-3'; '' for none)."""
    out = {} if out is None else out
    block_id = getattr(getattr(node, "proto", None), "id", "") or ""
    key = "slide-" + block_id.split("slide-")[1].split("-")[0] if "slide-" in block_id else key
    if getattr(node, "type", "") in ("error", "success", "info", "radio", "vega_lite_chart"):
        out.setdefault(key, []).append(node.type)
    for child in getattr(node, "children", {}).values():
        _screens(child, key, out)
    return out


def test_in_the_slide_view_the_verdict_waits_for_the_answers_screen():
    """The prediction's screen shows the question; the verdict shows on the answer's screen, above its chart."""
    at = open_page({"slides": "true", "slide": "2"})
    radio = at.radio(key=KEY)
    radio.set_value(radio.options[0])
    rerun(at)
    screens = _screens(at.main)
    assert "radio" in screens["slide-2"] and not {"error", "success"} & set(screens["slide-2"])
    assert screens["slide-3"][:2] == ["error", "vega_lite_chart"]  # the verdict, then the chart that answers
    reading = open_page()
    radio = reading.radio(key=KEY)
    radio.set_value(radio.options[0])
    rerun(reading)
    assert "error" in _screens(reading.main)[""]  # outside the slide view: beside the question, as before


def _radios(node, screen: str = "", out: dict | None = None) -> dict[str, list[str]]:
    """The radio questions' keys by the slide view's screen that holds them."""
    out = {} if out is None else out
    block_id = getattr(getattr(node, "proto", None), "id", "") or ""
    screen = "slide-" + block_id.split("slide-")[1].split("-")[0] if "slide-" in block_id else screen
    if getattr(node, "type", "") == "radio":
        out.setdefault(screen, []).append(node.key)
    for child in getattr(node, "children", {}).values():
        _radios(child, screen, out)
    return out


def test_the_slide_view_walks_through_every_question_of_a_page_each_with_its_answer():
    """Outliers asks three questions: the slide view is the question, then each prediction and its answer (7), then
    the lesson's own screens (tests/test_slides.py)."""
    from ui.layout import slide_screens
    from ui.lessons.outliers import lesson

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"slides": "true"})
    at.switch_page("pages/outliers.py")
    at.run()
    screens = slide_screens(len(lesson.LESSON.questions))
    every = len(slide_screens(len(lesson.LESSON.questions), lesson.LESSON.slide_names))
    assert len(screens) == 7 and any(f"1 / {every} · The question" in m.value for m in at.markdown)
    for q, key in enumerate(lesson.LESSON.questions):
        at.button(key="slide_next").click()
        rerun(at)  # to the prediction: the question is open, on its own screen
        assert _radios(at.main).get(f"slide-{2 + 2 * q}") == [key], (q, _radios(at.main))
        assert at.session_state[f"{key}_skip"] is False
        at.button(key="slide_next").click()
        rerun(at)  # to the answer: the slide view skips the question for it, and the chart that answers shows
        assert at.session_state[f"{key}_skip"] is True
        answer = _screens(at.main).get(f"slide-{3 + 2 * q}", [])
        assert "vega_lite_chart" in answer, (q, answer)
    assert not at.button(key="slide_next").disabled, "the lesson's own screens follow"
    for _ in range(len(screens) - 2):
        at.button(key="slide_back").click()
        rerun(at)
    assert at.session_state[lesson.PREDICT_KEY + "_skip"] is False  # back on the first prediction: open again
    assert all(at.session_state[f"{key}_skip"] is False for key in lesson.LESSON.questions)


@pytest.mark.parametrize(
    "given",
    [{}, {"answer": "a"}, {"explanation": "why"}, {"decide": lambda: ("a", "why"), "answer": "a"}],
)
def test_predict_takes_either_an_answer_and_its_explanation_or_decide(given):
    from ui.questions import predict

    with pytest.raises(ValueError, match="either answer and explanation, or decide"):
        predict("t_predict", "Which?", ["a", "b"], **given)


def test_the_landscape_slide_answer_shows_the_map_beside_the_curves():
    """A fresh read: the slide view's answer showed only the loss curves; the page's question is about the paths
    on the (w, b) map. The answer's screen now holds both charts."""
    from ui.lessons.landscape import lesson

    at = first_answer_slide("pages/landscape.py")
    assert at.session_state[f"{lesson.PREDICT_KEY}_skip"] is True
    charts = [c for c in at.get("vega_lite_chart") if "slide-3" in _block_ids(at.main, c)]
    specs = " ".join(c.proto.spec for c in charts)
    assert len(charts) == 2 and "symlog" in specs and "best so far" in specs  # the map, the curves


def first_answer_slide(path: str):
    """A session in the slide view of `path`, moved on by Next to its first answer's screen (slide 3)."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"slides": "true"})
    at.switch_page(path)
    at.run()
    for _ in range(2):
        at.button(key="slide_next").click()
        rerun(at)
    return at


def _block_ids(node, target, ids: tuple[str, ...] = ()) -> str:
    """The ids of the blocks that hold `target`, joined ("" if `node` does not hold it)."""
    block_id = getattr(getattr(node, "proto", None), "id", "") or ""
    ids = (*ids, block_id)
    if node is target:
        return " ".join(ids)
    for child in getattr(node, "children", {}).values():
        found = _block_ids(child, target, ids)
        if found:
            return found
    return ""


def test_beside_a_questions_count_the_rooms_sessions_are_said_to_be_any_questions():
    """A fresh read: after a preset change the teacher read "0 answers" right above "2 sessions … have answered",
    which read as a contradiction. Beside the count the sessions line says it counts any question, so far."""
    from ui.poll.store import RoomInfo
    from ui.poll.view import who_answered

    info = RoomInfo(
        locked=False, sessions=2, sources=1, refused_full=0, refused_locked=0, guarded=False, expires_at=0.0
    )
    beside, alone = who_answered(info, beside_count=True), who_answered(info)
    assert "any question" in beside and "the count above is this question's" in beside
    assert alone.endswith("answered in this room.")
