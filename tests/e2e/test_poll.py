"""The class poll in Chromium: a teacher starts a room, three students (one on a phone) open its link and
answer, the teacher's live chart counts them without a page rerun, the teacher reveals, and every student's
page shows the result and the room's spread on its own. Screenshots go to screenshots/poll_*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bench.serve import new_tab, rerun, wait_for_run
from ui.lessons.signed_l1.lesson import FALLS
from ui.lessons.signed_l1.lesson import OPTIONS as ANSWERS

WAIT_MS = 20_000  # the room is re-read every 2 s; a loaded shared machine may take a few rounds
OPTIONS = [FALLS, ANSWERS[2], FALLS]  # the students' answers, in the lesson's own words: two right, one not


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def main(page):
    return page.locator('[data-testid="stMain"]')


def teacher_in_a_room(browser, app_url: str, page: str):
    """A projector-sized tab on `page` that has started a room (its code shown in the sidebar)."""
    teacher = new_tab(browser, viewport={"width": 1280, "height": 800})
    teacher.goto(f"{app_url}/{page}")
    wait_for_run(teacher)
    sidebar(teacher).get_by_text("Class poll").click()
    sidebar(teacher).get_by_role("button", name="Start a room (teacher)").click()
    expect(sidebar(teacher).get_by_text(re.compile(r"Room code [A-Z2-9]{6}"))).to_be_visible(timeout=WAIT_MS)
    return teacher


def test_a_room_answers_the_teacher_reveals_the_students_see_it(browser, app_url, shots):
    """On the session's server: its poll database is its own (tests/conftest.py), and every room is new."""
    teacher = teacher_in_a_room(browser, app_url, "signed_l1")
    code = re.search(r"Room code ([A-Z2-9]{6})", sidebar(teacher).inner_text()).group(1)
    expect(sidebar(teacher).locator('[data-testid="stImage"] img')).to_be_visible()  # the room's QR code
    room_link = sidebar(teacher).locator('[data-testid="stCode"]')
    assert f"room={code}" in room_link.inner_text()
    slider = main(teacher).get_by_role("slider", name="Start w0")
    slider.focus()
    for _ in range(4):  # w0 20 -> 22: the room's link and QR code follow the teacher's settings
        teacher.keyboard.press("ArrowRight")
    expect(room_link).to_contain_text("s_w0=22", timeout=WAIT_MS)
    link = room_link.inner_text().strip()
    assert link.startswith(app_url) and f"room={code}" in link
    expect(main(teacher).get_by_text(f"0 answers in room {code}")).to_be_visible(timeout=WAIT_MS)
    assert main(teacher).locator('[data-testid="stRadio"]').count() == 0  # options are on the chart

    students = []
    for i in range(len(OPTIONS)):  # the class opens the link at once: their pages load side by side
        student = new_tab(browser, viewport={"width": 390, "height": 844} if i == 2 else {"width": 1280, "height": 800})
        student.goto(link)  # what the QR code holds
        students.append(student)
    for student, choice in zip(students, OPTIONS, strict=True):
        wait_for_run(student)
        expect(main(student).get_by_text(f"it counts, anonymously, for room {code}")).to_be_visible(timeout=WAIT_MS)
        assert float(main(student).get_by_role("slider", name="Start w0").get_attribute("aria-valuetext")) == 22
        assert main(student).get_by_text("Skip the question and show the result").count() == 0
        main(student).locator('[data-testid="stRadio"]').get_by_text(choice, exact=True).click()
    for student in students:
        expect(main(student).get_by_text(f"Counted for room {code}")).to_be_visible(timeout=WAIT_MS)

    # the teacher touches nothing: the fragment re-reads the room and redraws the chart
    expect(main(teacher).get_by_text(f"3 answers in room {code}")).to_be_visible(timeout=WAIT_MS)
    chart = main(teacher).locator('[data-testid="stVegaLiteChart"]').first
    expect(chart).to_have_attribute("aria-label", re.compile(re.escape(FALLS) + r": 2.*\(3 in all\)"))
    teacher.screenshot(path=str(shots / "poll_teacher_live.png"))
    for student in students:
        assert main(student).get_by_text("How the room answered").count() == 0  # nothing before the reveal

    main(teacher).get_by_role("button", name="Reveal to the room").click()
    expect(main(teacher).get_by_text("How the room answered")).to_be_visible(timeout=WAIT_MS)
    expect(main(teacher).get_by_role("button", name="Ask again")).to_be_visible()
    teacher.screenshot(path=str(shots / "poll_teacher_revealed.png"))

    for i, student in enumerate(students):  # nobody clicks: each page notices the reveal
        expect(main(student).get_by_text("How the room answered")).to_be_visible(timeout=WAIT_MS)
        verdict = "Right." if OPTIONS[i] == FALLS else "Not quite"
        expect(main(student).get_by_text(verdict)).to_be_visible()
        expect(main(student).locator('[data-testid="stVegaLiteChart"]').nth(1)).to_be_visible(timeout=WAIT_MS)
    students[2].screenshot(path=str(shots / "poll_student_phone.png"), full_page=True)

    main(teacher).get_by_role("button", name="Ask again").click()  # the next group predicts again
    expect(main(teacher).get_by_text(f"0 answers in room {code}")).to_be_visible(timeout=WAIT_MS)
    for student in students:  # the question open again (the check question at the foot said "it counts" already)
        expect(main(student).get_by_text("How the room answered")).to_have_count(0, timeout=WAIT_MS)
        expect(main(student).get_by_text(f"it counts, anonymously, for room {code}")).to_be_visible(timeout=WAIT_MS)

    assert teacher.locator('[data-testid="stException"]').count() == 0
    for student in students:
        assert student.locator('[data-testid="stException"]').count() == 0
        student.context.close()
    teacher.context.close()


def test_the_qr_code_of_this_link_carries_its_settings(browser, app_url, shots):
    page = new_tab(browser, viewport={"width": 1280, "height": 800})
    page.goto(f"{app_url}/signed_l1?s_lr=0.02&s_w0=22")
    wait_for_run(page)
    sidebar(page).get_by_role("button", name="QR code of this link").click()
    dialog = page.locator('[data-testid="stDialog"]')
    expect(dialog.locator('[data-testid="stImage"] img')).to_be_visible(timeout=WAIT_MS)
    caption = dialog.inner_text()
    assert "/signed_l1?" in caption and "s_lr=0.02" in caption and "s_w0=22" in caption
    box = dialog.locator('[data-testid="stImage"] img').bounding_box()
    assert box and box["width"] >= 300  # big enough for the back row
    page.screenshot(path=str(shots / "poll_qr_dialog.png"))
    page.context.close()


@pytest.mark.parametrize("page", ["derivation", "signed_l1"])
def test_a_presenting_teacher_sees_reveal_then_the_rooms_spread_on_the_first_screen(browser, app_url, shots, page):
    """Fresh teachers' reads: at 1280x800 in presentation mode the room's banner and the forward pass pushed Reveal
    to the bottom edge (read 4), and after the reveal "How the room answered" started at y = 780 of 800 (read5a 11).
    The banner is one line (its QR code behind a button); Reveal and the live count stand in the chart's column
    beside the question, and after the reveal the room's spread takes their place there."""
    teacher = teacher_in_a_room(browser, app_url, page)
    with rerun(teacher):  # the page as presentation mode draws it, not the run before
        sidebar(teacher).get_by_text("Presentation mode").click()
    expect(main(teacher).get_by_text(re.compile(r"Join room [A-Z2-9]{6}"))).to_be_visible(timeout=WAIT_MS)
    reveal = main(teacher).get_by_role("button", name="Reveal to the room")
    expect(main(teacher).get_by_text(re.compile(r"0 answers in room"))).to_be_visible(timeout=WAIT_MS)
    main(teacher).evaluate("m => m.scrollTo(0, 0)")
    box = reveal.bounding_box()
    assert box and box["y"] + box["height"] <= 800, box
    teacher.screenshot(path=str(shots / f"poll_teacher_presenting_{page}.png"))
    reveal.click()
    heading = main(teacher).get_by_text("How the room answered")
    expect(heading).to_be_visible(timeout=WAIT_MS)
    main(teacher).evaluate("m => m.scrollTo(0, 0)")
    # the bars are drawn before the page's charts beside and under them: wait for the layout to settle, then measure
    settled = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')]
        .some(c => (c.getAttribute('aria-label') || '').includes("room's answers")
            && c.getBoundingClientRect().height > 0 && c.getBoundingClientRect().bottom <= 800)"""
    teacher.wait_for_function(settled, timeout=WAIT_MS)
    box = heading.bounding_box()
    assert box and box["y"] < 600, box
    teacher.screenshot(path=str(shots / f"poll_teacher_revealed_{page}.png"))
    if page == "derivation":
        main(teacher).get_by_role("button", name="QR code").click()
        expect(teacher.locator('[data-testid="stDialog"] [data-testid="stImage"] img')).to_be_visible(timeout=WAIT_MS)
    teacher.context.close()
