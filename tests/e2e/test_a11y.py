"""axe-core (WCAG 2.0 and 2.1, levels A and AA) finds nothing in Chromium: on every page, with every result revealed
(every "Skip the question" box ticked, every result toggle on: bench.pages.REVEAL), in the light and the dark
scheme, each at 1280x800, 390 px wide and in presentation mode; and in a class poll room, for the teacher and a
student on a phone, before and after the reveal. axe-core is axe-playwright-python's copy (no network).

The same visits are the browser canary of ui/internals.py: every selector its CSS and script name still matches an
element of the served app."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import expect

from bench.pages import REVEAL
from bench.serve import new_tab, next_frame, rerun, wait_for_run
from tests.e2e.test_browser import LAB_PAGES, assert_healthy
from tests.e2e.test_room import PHONE_UA
from ui import internals

PAGES = ["", *LAB_PAGES, "teachers"]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WAIT_MS = 20_000  # a poll room is re-read every 2 s

_AXE_JS = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return result.violations.flatMap((v) => v.nodes.map((n) =>
        `${v.id} (${v.impact}): ${n.target.join(' ')}\\n    ${n.html.slice(0, 300)}\\n    ${n.failureSummary}`));
}"""
_CONTENT_HEIGHT = """() => Math.max(...['stMain', 'stSidebarContent']
    .map((id) => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight || 0))"""
_MATCHED = "(selectors) => selectors.filter((s) => document.querySelector(s) !== null)"


def violations(page) -> list[str]:
    """axe-core's WCAG A/AA violations on the page as it stands, one line per element: rule, target, html, why.

    Streamlit scrolls inside its own box, and axe cannot judge the contrast of text outside the viewport: the
    viewport grows to the content's height first (the width, hence the layout, is unchanged). The mouse rests
    off the page, so no hover (a slider's tick bar fades in under it) is caught half drawn."""
    width = page.viewport_size["width"]
    page.mouse.move(width // 2, 1)
    page.set_viewport_size({"width": width, "height": min(16_000, page.evaluate(_CONTENT_HEIGHT) + 40)})
    next_frame(page)
    wait_for_run(page, after=None)  # every chart drawn at its new size
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    try:
        return page.evaluate(_AXE_JS, WCAG_AA)
    finally:
        page.set_viewport_size({"width": width, "height": 800})


def reveal_all(page, path: str) -> None:
    """Tick every reveal of the page in order (bench.pages.REVEAL), opening a folded expander first."""
    for key in REVEAL.get(path, ()):
        box = page.locator(f'[data-testid="stMain"] .st-key-{key}').first
        box.wait_for(state="attached")
        box.evaluate("el => { const d = el.closest('details'); if (d && !d.open) d.querySelector('summary').click(); }")
        if not box.locator("input").first.is_checked():
            with rerun(page):
                box.locator("label").first.click()


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{view}:\n  " + "\n  ".join(lines) for view, lines in found.items() if lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_page_at_any_size(browser, app_url, scheme):
    """One tab per scheme: each page loads once, is revealed, audited at 1280x800 and 390 px wide, then in
    presentation mode (the sidebar's switch: the same session, so its results stay revealed)."""
    page = new_tab(browser, viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    selectors, matched, found = internals.page_selectors(), set(), {}
    for path in PAGES:
        name = path or "home"
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"{app_url}/{path}")
        wait_for_run(page)
        reveal_all(page, path)
        assert_healthy(page)
        found[f"{name}, {scheme}, 1280x800"] = violations(page)
        matched |= set(page.evaluate(_MATCHED, selectors))
        page.set_viewport_size({"width": 390, "height": 800})
        found[f"{name}, {scheme}, 390 px"] = violations(page)
        matched |= set(page.evaluate(_MATCHED, selectors))
        page.set_viewport_size({"width": 1280, "height": 800})
        with rerun(page):
            page.locator('[data-testid="stSidebar"]').get_by_text("Presentation mode", exact=True).click()
        assert "present=true" in page.url
        found[f"{name}, {scheme}, presentation mode"] = violations(page)
        matched |= set(page.evaluate(_MATCHED, selectors))
    page.context.close()
    assert not any(found.values()), "axe-core found WCAG 2.1 A/AA violations:\n" + _report(found)
    unmatched = [s for s in selectors if s not in matched]
    assert not unmatched, f"no element of the app matches {unmatched}: did Streamlit rename it? (ui/internals.py)"


def test_axe_finds_nothing_in_a_class_poll_room(browser, app_url):
    """A teacher (light, 1280x800) starts a room; a student on a phone (dark, 390 px) joins it and answers; the
    teacher reveals. Both views are audited before and after the reveal."""
    teacher = new_tab(browser, viewport={"width": 1280, "height": 800})
    student = new_tab(
        browser,
        viewport={"width": 390, "height": 800},
        color_scheme="dark",
        user_agent=PHONE_UA,
        is_mobile=True,
        has_touch=True,
    )
    teacher.goto(f"{app_url}/signed_l1")
    wait_for_run(teacher)
    sidebar = teacher.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Class poll").click()
    sidebar.get_by_role("button", name="Start a room (teacher)").click()
    expect(sidebar.get_by_text(re.compile(r"Room code [A-Z2-9]{6}"))).to_be_visible(timeout=WAIT_MS)
    expect(sidebar.locator('[data-testid="stImage"] img')).to_be_visible()
    wait_for_run(teacher, after=None)
    found = {"teacher, room open": violations(teacher)}

    student.goto(sidebar.locator('[data-testid="stCode"]').inner_text().strip())
    wait_for_run(student)
    found["student on a phone, room open"] = violations(student)
    main = student.locator('[data-testid="stMain"]')
    main.locator('[data-testid="stRadio"] [role="radiogroup"] label').first.click()
    expect(main.get_by_text("Counted for room")).to_be_visible(timeout=WAIT_MS)
    teacher.locator('[data-testid="stMain"]').get_by_role("button", name="Reveal to the room").first.click()
    expect(main.get_by_text("How the room answered")).to_be_visible(timeout=WAIT_MS)
    wait_for_run(teacher, after=None)
    wait_for_run(student, after=None)
    found["teacher, revealed"] = violations(teacher)
    found["student on a phone, revealed"] = violations(student)
    for tab in (teacher, student):
        assert_healthy(tab)
        tab.context.close()
    assert not any(found.values()), "axe-core found WCAG 2.1 A/AA violations:\n" + _report(found)


def test_a_formula_that_scrolls_is_reached_by_keyboard_and_named(browser, app_url):
    """On a phone the start page's formula is wider than the screen: Tab reaches its box, which is labelled; on a
    desk it fits, and is no tab stop."""
    page = new_tab(browser, viewport={"width": 390, "height": 800})
    page.goto(f"{app_url}/")
    wait_for_run(page)
    next_frame(page)
    box = page.locator(".katex-display").first
    assert box.evaluate("e => e.scrollWidth > e.clientWidth"), "the formula fits a phone: pick a wider one"
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
    assert box.get_attribute("aria-label") == internals.SCROLL_BOXES[".katex-display"]
    box.focus()
    page.keyboard.press("ArrowRight")  # a focused scroll box scrolls with the arrow keys
    page.wait_for_function("() => document.querySelector('.katex-display').scrollLeft > 0")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function("() => !document.querySelector('.katex-display').hasAttribute('tabindex')")
    assert box.get_attribute("aria-label") is None
    page.context.close()
