"""Made for the room, in Chromium: a projector at 1280x800 in presentation mode, and a phone 390 px wide.

On every page: nothing wider than the screen (what is wider scrolls inside its own box), and in
presentation mode the title is the largest text and a chart starts on the first screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.serve import new_tab, rerun, wait_for_run
from tests.e2e.test_browser import LAB_PAGES, assert_healthy, open_and_reveal, reveal
from ui.lessons.registry import LESSONS

LESSON_BY_PAGE = {entry.lesson.page: entry.lesson for entry in LESSONS}

SPILLS = (Path(__file__).parent / "overflow.js").read_text()  # elements past the right edge, not inside a scroller


PROJECTOR, PHONE = (1280, 800, "?present=true"), (390, 844, "")


# A phone says so in its User-Agent ("Mobi"): the page then folds its settings so the question comes first.
PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)


def _screen(browser, width: int, height: int, query: str):
    phone = {"user_agent": PHONE_UA, "is_mobile": True, "has_touch": True} if width < 600 else {}
    page = new_tab(browser, viewport={"width": width, "height": height}, **phone)
    try:
        yield page, query, height
    finally:
        page.context.close()


# One tab per screen for the module. The tests of one page on one screen run one after another (in_page_order,
# called by tests/e2e/conftest.py), and a test that only reads a page takes it as the test before left it: the same
# URL, loaded once. Each tab remembers (url, revealed) of what it shows; a test that goes elsewhere forgets it.
_SHOWN: dict[int, tuple[str, bool]] = {}


@pytest.fixture(scope="module", params=[PROJECTOR, PHONE], ids=["projector", "phone"])
def screen(request, browser):
    for tab in _screen(browser, *request.param):
        yield tab
        _SHOWN.pop(id(tab[0]), None)


def _open(page, url: str) -> None:
    """The page at `url` as it first shows, its question not answered."""
    if _SHOWN.get(id(page), ("",))[0] != url:
        page.goto(url)
        wait_for_run(page)
        _SHOWN[id(page)] = (url, False)


def _open_and_reveal(page, url: str) -> None:
    """The page at `url` with its first question skipped (tests/e2e/test_browser.open_and_reveal)."""
    if _SHOWN.get(id(page)) == (url, True):
        return
    if _SHOWN.get(id(page)) == (url, False):
        reveal(page)
    else:
        open_and_reveal(page, url)
    _SHOWN[id(page)] = (url, True)


PATHS = ["", *LAB_PAGES, "teachers"]
ON_A_PHONE = pytest.mark.parametrize("screen", [PHONE], ids=["phone"], indirect=True)
ON_A_PROJECTOR = pytest.mark.parametrize("screen", [PROJECTOR], ids=["projector"], indirect=True)


@ON_A_PHONE
@pytest.mark.parametrize("path", LAB_PAGES)
def test_on_a_phone_the_question_comes_before_any_slider(screen, app_url, path):
    """Settings fold on a phone: the first thing to answer is the question, not a column of sliders."""
    page, query, _ = screen
    _open(page, f"{app_url}/{path}{query}")
    question = page.get_by_text("Predict first", exact=False).first.bounding_box()
    sliders = [s.bounding_box() for s in page.locator('[data-testid="stSlider"]').all() if s.is_visible()]
    assert question and all(question["y"] < b["y"] for b in sliders), (question, sliders[:1])


@pytest.mark.parametrize("path", PATHS)
def test_nothing_is_wider_than_the_screen(screen, app_url, shots, path):
    page, query, _ = screen
    _open_and_reveal(page, f"{app_url}/{path}{query}")
    assert_healthy(page)
    assert page.evaluate(SPILLS) == []
    page.screenshot(path=str(shots / f"room_{path or 'home'}_{page.viewport_size['width']}.png"))


@ON_A_PROJECTOR
@pytest.mark.parametrize("path", LAB_PAGES)
def test_presentation_mode_puts_title_first_and_a_chart_on_the_first_screen(screen, app_url, path):
    page, query, height = screen
    _open_and_reveal(page, f"{app_url}/{path}{query}")
    sizes = page.evaluate("""() => {
        const px = (e) => parseFloat(getComputedStyle(e).fontSize);
        const body = [...document.querySelectorAll('[data-testid="stMain"] p')].map(px);
        return {title: px(document.querySelector('h1 span') || document.querySelector('h1')), body: Math.max(...body)};
    }""")
    assert sizes["title"] > sizes["body"], sizes
    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
    top = page.locator('[data-testid="stVegaLiteChart"]').first.bounding_box()["y"]
    assert top < height - 150, f"the first chart starts at {top:.0f} px, below the first screen of {height}"


@ON_A_PROJECTOR
@pytest.mark.parametrize("path", LAB_PAGES)
def test_slide_view_walks_every_question_with_nothing_to_scroll(screen, app_url, path):
    """The question, then each prediction and the chart that answers it: each screen fits a 1280x800 projector."""
    page, _, height = screen
    _SHOWN.pop(id(page), None)  # the tab goes to the slide view: what it showed is gone
    page.goto(f"{app_url}/{path}?slides=true")
    ask, answer = '[data-testid="stRadio"], [data-testid="stNumberInput"]', '[data-testid="stVegaLiteChart"]'
    expected = ["h1", *[s for _ in LESSON_BY_PAGE[path].questions for s in (ask, answer)]]
    wait_for_run(page)
    for step, selector in enumerate(expected, start=1):
        assert_healthy(page)
        assert page.locator(selector).filter(visible=True).count(), f"slide {step} of {path} lacks {selector}"
        main = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        assert main <= height + 1, f"slide {step} of {path} scrolls ({main} px)"
        assert f"slide={step}" in page.url or step == 1
        if step < len(expected):
            with rerun(page):
                page.get_by_role("button", name="Next ▶").click()


def in_page_order(items: list) -> list:
    """This module's tests by screen, then page, then as written: each page loads once per screen."""
    written = [test_on_a_phone_the_question_comes_before_any_slider, test_nothing_is_wider_than_the_screen]
    written += [test_presentation_mode_puts_title_first_and_a_chart_on_the_first_screen]
    written += [test_slide_view_walks_every_question_with_nothing_to_scroll]

    def key(item):
        params = item.callspec.params
        return [PROJECTOR, PHONE].index(params["screen"]), PATHS.index(params["path"]), written.index(item.function)

    return sorted(items, key=key)
