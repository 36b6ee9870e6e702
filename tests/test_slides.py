"""The slide view's screens beyond the questions': every screen a lesson declares (Lesson.slides, then the check
question's) holds its block, and the page outside the slide view is as it was. Through AppTest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import layout
from ui.controls import SLIDE
from ui.lessons import CHECK_SCREEN
from ui.lessons.registry import LESSONS

APP = Path(__file__).resolve().parents[1] / "app.py"
SLIDE_ID = re.compile(r"-slide-(\d+)-[^-]+$")  # a part's container (ui.internals.SLIDE_KEY): its screen


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def parts(node, screen: int | None = None, out: dict | None = None) -> dict[int, list]:
    """The elements of the page by the slide view's screen whose part holds them (the innermost part's)."""
    out = {} if out is None else out
    if m := SLIDE_ID.search(getattr(getattr(node, "proto", None), "id", "") or ""):
        screen = int(m.group(1))
        out.setdefault(screen, [])
    if screen is not None and not getattr(node, "children", None):
        out[screen].append(node)
    for child in getattr(node, "children", {}).values():
        parts(child, screen, out)
    return out


def past_the_answers(path: str, monkeypatch) -> tuple[AppTest, list[str]]:
    """The slide view of `path` moved on by Next to the first screen after its questions' (every question skipped
    by the slide view, so the whole page runs), and every screen name the page asked a container for."""
    asked: list[str] = []
    real = layout.slide_screen

    def spy(name, part=None):
        asked.append(name)
        return real(name, part)

    monkeypatch.setattr(layout, "slide_screen", spy)
    monkeypatch.setattr("ui.questions.slide_screen", spy)
    entry = next(e for e in LESSONS if e.path == path)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.query_params.update({"slides": "true"})
    at.switch_page(path)
    run(at)
    for _ in range(2 * len(entry.lesson.questions) + 1):
        at.button(key="slide_next").click()
        run(at)
    return at, asked


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.lesson.page)
def test_every_declared_screen_is_reachable_and_shows_its_block(entry, monkeypatch):
    """A fresh teacher's read: the slide view of the derivation and the signed-L1 pages had 3 screens (the question,
    the prediction, the answer): the kink, the misconception, the panels, the check question were on none."""
    lesson = entry.lesson
    at, asked = past_the_answers(entry.path, monkeypatch)
    names = layout.slide_screens(len(lesson.questions), lesson.slide_names)
    first = 2 + 2 * len(lesson.questions)  # the first screen after the questions'
    assert at.session_state[SLIDE.key] == first and len(names) == first - 1 + len(lesson.slide_names)
    assert len(names) <= SLIDE.hi, "the URL's slide control reaches every screen"
    assert set(asked) <= set(lesson.slide_names), f"a screen the lesson does not declare: {set(asked) - set(names)}"
    assert lesson.slide_names[-1] == CHECK_SCREEN and lesson.check
    by_screen = parts(at.main)
    for n, name in enumerate(lesson.slide_names, start=first):
        shown = by_screen.get(n, [])
        kinds = [getattr(e, "type", "") for e in shown]
        assert any(k not in ("", "empty") for k in kinds), f"screen {n} ({name}) of {lesson.page} shows nothing"
    check = by_screen[first - 1 + len(lesson.slide_names)]
    assert [e.key for e in check if getattr(e, "type", "") == "radio"] == [f"{lesson.page[0]}_check"], check
    assert any(f"{first} / {len(names)} · {lesson.slide_names[0]}" in m.value for m in at.markdown)
    at.button(key="slide_back").click()
    run(at)  # back on the last question's answer: its result stays shown, the page whole
    assert all(at.session_state[f"{key}_skip"] for key in lesson.questions)


def test_the_derivation_screens_carry_the_kink_the_misconception_and_the_median(monkeypatch):
    from ui.lessons.derivation import lesson

    at, _ = past_the_answers("pages/derivation.py", monkeypatch)
    by_screen = parts(at.main)
    first = 2 + 2 * len(lesson.LESSON.questions)
    screen = {name: by_screen[n] for n, name in enumerate(lesson.LESSON.slide_names, start=first)}

    def text(name: str) -> str:
        return " ".join(str(getattr(e, "value", "")) for e in screen[name])

    assert "The kink" in text(lesson.KINK) and r"\in [-2,\, 2]" in text(lesson.KINK)
    assert "Slide w to 0.5" in text(lesson.KINK), "how to stand on it, from the page's own sample"
    assert any(getattr(e, "key", None) == "d_wrong" for e in screen[lesson.MISCONCEPTION])
    assert "weighted median" in text(lesson.SAMPLES) and "analytic sign(r)·x" in text(lesson.NUMERIC)
    at.toggle(key="d_wrong").set_value(True)
    run(at)  # the misconception's run, drawn on its own screen
    runs = parts(at.main)[first + lesson.SLIDES.index(lesson.MISCONCEPTION)]
    assert "vega_lite_chart" in [getattr(e, "type", "") for e in runs]


def test_a_link_to_a_screen_past_an_open_question_says_what_it_waits_for():
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"slides": "true", "slide": "6"})
    at.switch_page("pages/derivation.py")
    run(at)
    waiting = [e.value for e in parts(at.main).get(6, []) if getattr(e, "type", "") == "alert"]
    waiting += [i.value for i in at.info]
    assert any("This screen shows once the question on screen 2 is answered or skipped" in w for w in waiting)


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.lesson.page)
def test_outside_the_slide_view_no_part_of_the_page_is_keyed_for_a_screen(entry):
    """The slide view's containers exist only in the slide view: the page reads as it did."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.switch_page(entry.path)
    run(at)
    at.checkbox(key=f"{entry.lesson.predict_key}_skip").check()
    run(at)
    assert parts(at.main) == {}


def test_presenting_the_derivation_shows_the_answer_and_its_takeaway_above_l_of_w():
    """A fresh read: on a projector after the reveal, the answer (−2, the chain rule's line) and the takeaway fell
    below the first screen, under L(w), which has no slope number."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"present": "true"})
    at.switch_page("pages/derivation.py")
    run(at)
    at.checkbox(key="d_guess_skip").check()
    run(at)
    column = next(c for c in at.columns if any(getattr(e, "type", "") == "vega_lite_chart" for e in leaves(c)))
    kinds = [getattr(e, "type", "") for e in leaves(column)]
    chart = kinds.index("vega_lite_chart")
    latex = [e.value for e in leaves(column)[:chart] if getattr(e, "type", "") == "latex"]
    assert any(r"\cdot 1\cdot 2 = −2" in v for v in latex), latex
    said = [e.value for e in leaves(column)[:chart] if getattr(e, "type", "") == "info"]
    assert any("L1's slope is −2" in v for v in said), said


def leaves(node) -> list:
    children = list(getattr(node, "children", {}).values())
    return [node] if not children else [leaf for c in children for leaf in leaves(c)]


def test_the_landscape_zoom_screen_carries_its_takeaway(monkeypatch):
    """A fresh read of the slide view: the zoom on the optimum had a chart and no sentence saying what it shows."""
    from ui.lessons.landscape import lesson
    from ui.lessons.landscape import sentences as say

    at, _ = past_the_answers("pages/landscape.py", monkeypatch)
    first = 2 + 2 * len(lesson.LESSON.questions)
    shown = parts(at.main)[first + lesson.LESSON.slide_names.index(lesson.ZOOM)]
    texts = " ".join(str(getattr(e, "value", "")) for e in shown)
    assert "Zoom: plain descent's last 250 updates" in texts and "zig-zags across the creases" in texts
    assert say.SETTLES[1] == lesson.settle(lesson.LESSON.defaults())[0]  # the default run bounces: its zoom is drawn
