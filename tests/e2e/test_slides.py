"""The slide view of page 1 in Chromium at 1280x800: Next walks every screen the lesson declares, each fits the
screen, and the misconception and the check question (the teachers' exit ticket) are each on a screen of their own."""

from __future__ import annotations

from bench.serve import new_tab, rerun, wait_for_run
from ui.layout import slide_screens
from ui.lessons import CHECK_SCREEN
from ui.lessons.derivation import lesson


def test_page_one_walks_to_the_misconception_and_the_check_question(browser, app_url):
    page = new_tab(browser, viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{app_url}/derivation?slides=true")
        wait_for_run(page)
        names = slide_screens(len(lesson.LESSON.questions), lesson.LESSON.slide_names)
        misconception = page.get_by_text("Try the misconception", exact=False)
        check = page.get_by_text("Check your understanding.", exact=False)
        seen = {}
        for step, name in enumerate(names, start=1):
            assert page.get_by_text(f"{step} / {len(names)} · {name}").is_visible()
            main = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            assert main <= 801, f"screen {step} ({name}) scrolls: {main} px"
            seen[name] = (misconception.is_visible(), check.is_visible())
            if step < len(names):
                with rerun(page):
                    page.get_by_role("button", name="Next ▶").click()
        assert seen[lesson.MISCONCEPTION] == (True, False) and seen[CHECK_SCREEN] == (False, True), seen
        assert all(v == (False, False) for k, v in seen.items() if k not in (lesson.MISCONCEPTION, CHECK_SCREEN))
        with rerun(page):  # the exit ticket, answered on its screen
            page.locator('[data-testid="stRadio"] label').filter(has_text=lesson.CHECK.correct).first.click()
        assert page.get_by_text("Right.", exact=False).first.is_visible()
    finally:
        page.context.close()


def test_signed_l1_fits_every_screen_after_the_vote(browser, app_url):
    """A fresh read: answered (not skipped), the answer's screen grew past 800 px under its verdict, and the loss and
    gradient screens hid two of their three panels in a scroll box the takeaway spoke of."""
    from ui.lessons.signed_l1 import lesson as signed

    page = new_tab(browser, viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{app_url}/signed_l1?slides=true")
        wait_for_run(page)
        names = slide_screens(len(signed.LESSON.questions), signed.LESSON.slide_names)
        for step, name in enumerate(names, start=1):
            if step == 2:
                with rerun(page):
                    page.locator('[data-testid="stMain"] [data-testid="stRadio"] label:visible').first.click()
            sizes = page.evaluate(
                """() => [document.querySelector('[data-testid="stMain"]').scrollHeight,
                  ...[...document.querySelectorAll('[data-testid="stMain"] [data-testid="stVerticalBlock"]')]
                  .filter(e => e.offsetParent && e.scrollHeight > e.clientHeight + 2
                    && ["auto", "scroll"].includes(getComputedStyle(e).overflowY)).map(e => e.scrollHeight)]"""
            )
            assert sizes[0] <= 801 and len(sizes) == 1, f"screen {step} ({name}) scrolls: {sizes}"
            if step < len(names):
                with rerun(page):
                    page.get_by_role("button", name="Next ▶").click()
    finally:
        page.context.close()
