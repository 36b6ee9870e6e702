"""The room answers the question on the projector: a teacher's and students' sessions sharing a poll store
(AppTest), from a fresh teacher's read. The room carries the teacher's page and settings; students land on them by
the link, the code or Go to; a student whose settings differ is told and offered them in one click; the bars count
only answers to the question they show (their sum is the count under them); before the reveal they give nothing
away; a wrong pick in a room gets its own rebuttal; the teachers' page links keep the room."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

import pytest

from tests.test_poll_ui import APP, poll_db, rerun, texts  # noqa: F401  (poll_db: each test's own database)
from ui.controls import ROOM
from ui.lessons.derivation import lesson as derivation
from ui.lessons.registry import LESSONS
from ui.lessons.signed_l1 import lesson as signed_l1
from ui.poll.store import PollStore

KEY = derivation.PREDICT_KEY
KINK = "Standing on the kink: w = 0.5"
RULES = ("sign(r)", "x alone", "|r|", "2·r·x", "subgradient")  # the bars' names after the reveal


def _open(path: str, query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(query or {})
    at.switch_page(path)
    return rerun(at)


def _teacher(path: str = "pages/derivation.py", query: dict[str, str] | None = None):
    at = _open(path, query)
    at.button(key="poll_start").click()
    return rerun(at), at.session_state[ROOM.key]


def _live(teacher) -> tuple[int, str | None]:
    """(the count the teacher reads above the bars, the bars as a screen reader reads them: None without bars, as
    for a typed answer before the reveal)."""
    count = int(re.search(r"\*\*(\d+)\*\* answers? in room", texts(teacher)).group(1))
    return count, next((c.proto.alt for c in teacher.get("vega_lite_chart") if "room's answers" in c.proto.alt), None)


def _room_chart(at) -> dict:
    """The spec of the one chart of the room's answers on the page."""
    (chart,) = [c for c in at.get("vega_lite_chart") if "room's answers" in c.proto.alt]
    return json.loads(chart.proto.spec)


def _bars_sum(alt: str) -> int:
    """The sum of the bars' counts, as the chart's description lists them ("label: n, ... (total in all).")."""
    return sum(int(n) for n in re.findall(r": (\d+)(?=, | \()", alt))


def _follow(student, link):
    """What a click on a st.page_link does: the page, with the link's query parameters."""
    student.query_params.clear()
    student.query_params.update(dict(parse_qsl(link.proto.query_string)))
    student.switch_page(next(e.path for e in LESSONS if e.lesson.page == link.proto.page))
    return rerun(student)


def test_students_land_on_the_teachers_settings_by_the_link_the_code_or_go_to():
    """The teacher presents the kink preset (w = 0.5); students come by the room's link without settings, by typing
    the code, and from another page by Go to: each gets w = 0.5, and the bars count all three."""
    teacher, code = _teacher(query={"d_w": "0.5"})
    assert teacher.query_params.get("d_w") == "0.5" and teacher.query_params.get("room") == code
    by_link = _open("pages/derivation.py", {"room": code})
    by_code = _open("pages/derivation.py")
    by_code.text_input(key="poll_join").input(code)
    rerun(by_code)
    elsewhere = _open("pages/signed_l1.py", {"room": code})
    (go,) = [link for link in elsewhere.get("page_link") if link.proto.label.startswith("Go to")]
    assert dict(parse_qsl(go.proto.query_string)) == {"d_w": "0.5", "room": code}
    by_go = _follow(elsewhere, go)
    for student in (by_link, by_code, by_go):
        assert student.session_state["d_w"] == 0.5 and "w = 0.5" in texts(student)
        student.number_input(key=KEY).set_value(1.0)  # a subgradient: right on the kink
        assert f"Counted for room {code}" in texts(rerun(student))
    assert _live(rerun(teacher)) == (3, None)  # a typed answer: the count alone until the reveal


def test_a_student_whose_settings_differ_is_told_offered_them_and_never_counted_on_a_wrong_bar():
    teacher, code = _teacher()
    student = _open("pages/derivation.py", {"room": code})
    student.number_input(key=KEY).set_value(-2.0)
    rerun(student)
    teacher.slider(key="d_w").set_value(0.5)  # the teacher moves to the kink without asking again
    assert _live(rerun(teacher)) == (0, None) and "**1** more answer was given under other settings" in texts(teacher)
    rerun(student)  # the room watch reruns the page; here, by hand
    told = texts(student)
    assert "Weight w: 0.3 here, 0.5 on the teacher's screen" in told and "Counted" not in told
    student.button(key=f"{KEY}_teacher_settings").click()
    rerun(student)
    assert student.session_state["d_w"] == 0.5 and student.number_input(key=KEY).value is None  # asked anew
    assert "on the teacher's screen" not in texts(student)
    student.number_input(key=KEY).set_value(1.0)
    rerun(student)
    assert _live(rerun(teacher)) == (1, None) and "other settings" not in texts(teacher)
    wanderer = _open("pages/derivation.py", {"room": code})  # lands on w = 0.5, then moves away before answering
    wanderer.slider(key="d_w").set_value(0.8)
    told = texts(rerun(wanderer))
    assert "0.8 here, 0.5 on the teacher's screen" in told and wanderer.session_state["d_w"] == 0.8
    assert "it counts, anonymously" not in told  # one message: it counts once the settings are the teacher's


def test_a_room_keeps_only_settings_a_control_accepts():
    """Whatever a room's record holds, a student takes only the page's own controls, each with a value it accepts."""
    teacher, code = _teacher()
    store = PollStore.from_env()
    room_key = teacher.session_state["_poll_teacher"][code]
    store.show_page(code, room_key, "derivation", "d_w=99&d_x=abc&d_seed=7&evil=1&present=true&d_wrong=true&d_b=0.1")
    store.close_connections()
    student = _open("pages/derivation.py", {"room": code})
    assert not student.exception
    from ui.poll import page_view  # here: the module is new with the fix

    lab = page_view.LabPage("pages/derivation.py", "", derivation.LESSON.controls)
    assert page_view.decode(lab, "d_w=99&d_x=abc&d_seed=7&evil=1&d_wrong=true") == {"d_seed": "7", "d_wrong": "true"}
    assert page_view.decode(lab, "&".join(["d_w=0.5"] * 500)) is None  # no page writes that many
    got = {k: student.session_state[k] for k in ("d_w", "d_x", "d_seed", "d_wrong", "d_b")}
    assert got == {"d_w": 0.3, "d_x": 2.0, "d_seed": 7, "d_wrong": True, "d_b": 0.1}
    assert "evil" not in student.query_params and student.query_params.get("present") is None


def test_every_pages_settings_fit_what_the_room_stores():
    """The room keeps a page's settings as a bounded query string: every lesson's, with each control at its
    longest value, fits (else the teacher's settings would silently not reach the room)."""
    from ui.poll import page_view, store

    for entry in LESSONS:
        longest = {}
        for c in entry.lesson.controls:
            if c.kind == "bool":
                values = [not c.default]
            elif c.kind in ("choice", "log"):
                values = list(c.options)
            else:
                values = [c.lo + i * c.step for i in range(round((c.hi - c.lo) / c.step) + 1)]
            longest[c.key] = max((c.to_url(round(v, 10) if c.kind == "float" else v) for v in values), key=len)
        assert re.fullmatch(store.SETTINGS_PATTERN, page_view.encode(longest)), entry.lesson.page


@pytest.mark.parametrize("query", [{"present": "true"}, {"present": "true", "d_w": "0.5"}])
def test_before_the_reveal_a_typed_answer_shows_its_count_alone_and_after_it_the_labelled_bars(query):
    """read5a finding 3: a projected "Type a number" question listed −2 (the answer) and the four slips as bars
    before anyone answered, and on the kink one bar "from −2 to 2": the answer. Before the reveal the teacher sees
    the count of answers only; the labelled bars come with the reveal."""
    teacher, code = _teacher(query=query)
    values = {**derivation.LESSON.defaults(), **{k: float(v) for k, v in query.items() if k == "d_w"}}
    typed = derivation.number_answer(values)
    student = _open("pages/derivation.py", {"room": code})
    student.number_input(key=KEY).set_value(2.0)
    rerun(student)
    assert _live(rerun(teacher)) == (1, None)
    shown = texts(teacher) + "".join(c.proto.spec for c in teacher.get("vega_lite_chart"))
    labels = {*typed.options, "from −2 to 2"}  # the bars' labels, and the kink's interval the old live bar showed
    assert not any(label in shown for label in labels), [label for label in labels if label in shown]
    assert "their bars show at the reveal" in shown and not any(rule in shown for rule in RULES)
    teacher.button(key=f"{KEY}_reveal").click()
    shown = texts(rerun(teacher))
    charts = teacher.get("vega_lite_chart")
    (spread,) = [c.proto.alt for c in charts if c.proto.alt.startswith(f"The room's answers: {typed.options[0]}")]
    assert spread.startswith(f"The room's answers: {typed.options[0]}: ") and _bars_sum(spread) == 1
    assert all(f"{o}: " in spread for o in typed.options)
    if "d_w" not in query:
        assert spread.startswith("The room's answers: −2, sign(r)·x: 0, 2, x alone: 1")
        assert "The answer is **−2, sign(r)·x**" in shown


@pytest.mark.parametrize(("path", "key"), [("pages/derivation.py", KEY), ("pages/signed_l1.py", signed_l1.PREDICT_KEY)])
def test_after_the_reveal_a_presenting_teachers_room_spread_stands_beside_the_question(path, key):
    """read5a finding 11: after the reveal "How the room answered" started at the bottom edge of a 1280x800
    projector (under the question's verdict). It takes the place of the live bars, in the column beside the
    question (the browser test measures it on the first screen)."""
    teacher, code = _teacher(path, {"present": "true"})
    teacher.button(key=f"{key}_reveal").click()
    rerun(teacher)
    (beside,) = [
        c for c in teacher.main.columns if any("room's answers" in v.proto.alt for v in c.get("vega_lite_chart"))
    ]
    assert any(m.value == "**How the room answered**" for m in beside.markdown)
    assert not any("Predict first" in m.value for m in beside.markdown)  # not the question's column
    reading = _teacher(path)[0]  # at a desk: the spread under the verdict, in the question
    reading.button(key=f"{key}_reveal").click()
    assert not [
        c for c in rerun(reading).main.columns if any("room's answers" in v.proto.alt for v in c.get("vega_lite_chart"))
    ]


def test_a_wrong_pick_in_a_room_gets_its_own_rebuttal():
    """Outside a room a common wrong pick reads the misconception behind it; in a room it read only the numbers."""
    teacher, code = _teacher("pages/signed_l1.py")
    student = _open("pages/signed_l1.py", {"room": code})
    pick = signed_l1.OPTIONS[1]
    student.radio(key=signed_l1.PREDICT_KEY).set_value(pick)
    rerun(student)
    teacher.button(key=f"{signed_l1.PREDICT_KEY}_reveal").click()
    rerun(teacher)
    assert signed_l1.LESSON.wrong[pick] in texts(rerun(student))
    student.slider(key="s_w0").set_value(22.0)  # after the reveal, a student explores: the room's chart is not theirs
    told = texts(rerun(student))
    assert "The room answered at your teacher's settings" in told and "w0: 22 here, 20 on the teacher's screen" in told
    assert "**1** answer was given under other settings than this page shows now" in told


def test_a_presenting_teacher_gets_a_one_line_banner_and_the_live_count_beside_the_question():
    teacher, code = _teacher(query={"present": "true"})
    banner = [m.value for m in teacher.main.markdown if f"Join room **{code}**" in m.value]
    assert banner and "room_banner_qr" in {b.key for b in teacher.main.button}
    assert not teacher.main.get("image"), "the QR code waits behind its button: the banner stays one line"
    (beside,) = [c for c in teacher.main.columns if f"{KEY}_reveal" in {b.key for b in c.button}]
    assert any(f"answers in room {code}" in m.value for m in beside.markdown)  # Reveal beside the count ...
    assert not any("Predict first" in m.value for m in beside.markdown)  # ... in the column beside the question


def test_the_teachers_page_links_open_in_the_session_and_keep_the_room():
    """A teacher in a room follows the plan and a preset worth showing from the teachers' page: the page opens with
    the preset (a setting the session kept from an earlier visit gives way) and the room is still the teacher's."""
    teacher, code = _teacher()
    assert teacher.session_state["d_wrong"] is False
    teacher.switch_page("pages/teachers.py")
    rerun(teacher)
    links = teacher.main.get("page_link")
    room_key = teacher.session_state["_poll_teacher"][code]
    assert links and not any(room_key in link.proto.query_string for link in links)
    (misconception,) = [link for link in links if link.proto.label == "The misconception, switched on"]
    _follow(teacher, misconception)
    assert teacher.session_state["d_wrong"] is True and teacher.session_state[ROOM.key] == code
    assert f"{KEY}_reveal" in {b.key for b in teacher.button}  # still the room's teacher, with Reveal


def test_the_home_page_says_what_an_article_preset_keeps_and_what_is_ours():
    """A fresh read: the home page said the article's presets run the post's own settings; their names say some
    settings are ours (the epochs)."""
    names = [name for e in LESSONS for name in e.lesson.presets if name.startswith("The article")]
    home = "\n".join(m.value for m in _open("pages/home.py").markdown)
    assert any("ours" in name for name in names) and "says in brackets what is ours" in home


def test_students_follow_the_teacher_to_a_page_that_stops_before_its_question():
    """The page is recorded as the teacher enters it, its settings from its question: a page that stops before
    the question (no optimiser chosen) still takes the room's students along."""
    from ui.lessons.landscape import lesson as landscape

    teacher, code = _teacher()
    student = _open("pages/derivation.py", {"room": code})
    teacher.query_params.update({f"l_{o}": "false" for o in landscape.OPTIMIZERS})
    teacher.switch_page("pages/landscape.py")
    assert "Pick at least one optimiser" in texts(rerun(teacher))
    assert "Your teacher has moved on to **5 · The (w, b) landscape**" in texts(rerun(student))


def test_a_teacher_who_moves_to_new_settings_after_a_reveal_asks_the_room_afresh():
    """A fresh read: after the reveal at w = 0.3 the teacher picked the kink preset; the question stayed revealed
    (the teacher had to press Ask again) and students read 'The room answered at your teacher's settings; yours
    differ', false: the room had answered at theirs. New settings now ask a new question: its result is hidden."""
    teacher, code = _teacher()
    student = _open("pages/derivation.py", {"room": code})
    student.number_input(key=KEY).set_value(2.0)
    rerun(student)
    teacher.button(key=f"{KEY}_reveal").click()
    rerun(teacher)
    assert f"{KEY}_again" in {b.key for b in teacher.button}  # revealed
    teacher.slider(key="d_w").set_value(0.5)
    rerun(teacher)
    assert f"{KEY}_reveal" in {b.key for b in teacher.button}  # open again, at the new settings
    told = texts(rerun(student))
    assert "The room answered" not in told and "The room answers this question at your teacher's settings" in told
