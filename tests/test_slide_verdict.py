"""On a slide and on a projector the verdict is short ("Right." / "Not quite: the answer is X."), its why in a fold,
so the answer's screen keeps its chart and its takeaway and says no sentence twice; the page's own view keeps the
whole verdict. Through AppTest."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui import internals
from ui.lessons.landscape import lesson

APP = Path(__file__).resolve().parents[1] / "app.py"
WRONG = "yes: it settles on the lowest loss"  # the landscape question's pick at the defaults (the answer: no)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def landscape(**params) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.query_params.update(params)
    at.switch_page("pages/landscape.py")
    return run(at)


def sentences(text: str) -> set[str]:
    return {s.strip(" *") for s in re.split(r"(?<=[.:;])\s+", text.replace("**", "")) if len(s.split()) >= 4}


def leaves(node) -> list:
    children = list(getattr(node, "children", {}).values())
    return [node] if not children else [leaf for c in children for leaf in leaves(c)]


def test_the_answer_slide_shows_a_short_verdict_beside_its_name_and_says_each_sentence_once():
    """A fresh read: the landscape's answer screen was 1,072 px, its 110-word verdict repeating the takeaway."""
    at = landscape(slides="true")
    at.button(key="slide_next").click()
    run(at)
    at.radio(key=lesson.PREDICT_KEY).set_value(WRONG)
    run(at)
    at.button(key="slide_next").click()
    run(at)
    verdict = [e.value for e in at.error]
    assert verdict == ["Not quite: the answer is **no: it keeps bouncing above the lowest loss**."], verdict
    nav = next(b for b in at.main.children.values() if internals.SLIDE_NAV_KEY in getattr(b.proto, "id", ""))
    assert any(getattr(e, "type", "") == "error" for e in leaves(nav)), "the verdict sits in the navigation's row"
    said = [e.value for e in at.info]  # the takeaways
    for s in said:
        assert not sentences(s) & sentences(verdict[0]), s


def test_the_page_keeps_its_whole_verdict():
    at = landscape()
    at.radio(key=lesson.PREDICT_KEY).set_value(WRONG)
    run(at)
    (verdict,) = [e.value for e in at.error]
    assert verdict.startswith("Not quite: the answer is **no: it keeps bouncing above the lowest loss**. ")
    assert len(verdict.split()) > 30  # the why, in numbers, in the verdict itself


def test_on_a_projector_the_short_verdict_sits_above_the_chart_beside_the_question():
    """A fresh read: presenting, the verdict fell below the first screen (under the question) on every page."""
    at = landscape(present="true")
    at.radio(key=lesson.PREDICT_KEY).set_value(WRONG)
    run(at)
    column = next(c for c in at.columns if any(getattr(e, "type", "") == "vega_lite_chart" for e in leaves(c)))
    kinds = [getattr(e, "type", "") for e in leaves(column)]
    assert "error" in kinds and kinds.index("error") < kinds.index("vega_lite_chart"), kinds
    assert at.error[0].value == "Not quite: the answer is **no: it keeps bouncing above the lowest loss**."


def test_the_projector_text_css_is_only_on_a_projector():
    assert "stNumberInput" in internals.page_style(True) and "stNumberInput" not in internals.page_style(False)
