"""The real app in Chromium: pages load with their charts drawn, the keyboard moves a slider and the
chart follows, a deep link works on a fresh server, hostile links are refused politely, and the
light, dark and presentation looks are captured for a person to check (screenshots/)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest

from bench.serve import full_height_screenshot, new_tab, rerun, streamlit_server, wait_for_run
from ui.layout import CHART_TEXT
from ui.lessons.registry import LESSONS, controls_by_page

LAB_PAGES = [entry.lesson.page for entry in LESSONS]


def open_and_reveal(page, url: str) -> None:
    page.goto(url)
    wait_for_run(page)
    reveal(page)


def reveal(page) -> None:
    """Skip the page's first question, if it asks one, and wait for the run that shows its result."""
    skip = page.get_by_text("Skip the question and show the result")
    if skip.count():
        with rerun(page):
            skip.first.click()


def assert_healthy(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()


@pytest.mark.parametrize("path", ["", *LAB_PAGES])
def test_page_loads_and_draws_its_charts(page, app_url, shots, path):
    open_and_reveal(page, f"{app_url}/{path}")
    assert_healthy(page)
    if path:
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        assert charts.count() >= 2
        for i in range(charts.count()):
            drawn = charts.nth(i).locator("canvas, svg").first
            drawn.wait_for(state="attached", timeout=15_000)
            box = drawn.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 50, f"chart {i} on {path} is not drawn"
            assert charts.nth(i).get_attribute("aria-label"), f"chart {i} on {path} has no label"
        texts = page.locator(f".{CHART_TEXT}")  # each chart's description, for a screen reader (ui.layout.chart)
        assert texts.count() >= charts.count() and all(t.strip() for t in texts.all_inner_texts())
        boxes = [
            t.locator("xpath=ancestor::*[@data-testid='stElementContainer'][1]").bounding_box() for t in texts.all()
        ]
        assert all(b["height"] <= 1 for b in boxes if b), "a description takes room on the screen"
    full_height_screenshot(page, str(shots / f"{path or 'home'}_light.png"))


def test_keyboard_moves_a_slider_and_the_chart_follows(page, app_url):
    open_and_reveal(page, f"{app_url}/signed_l1")
    description = page.locator(f".{CHART_TEXT}").first  # the first chart's, for a screen reader
    before_alt = description.inner_text()
    result = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="ends at").first
    assert "ends at −60" in result.inner_text()  # a true minus sign, as the axis prints it
    slider = page.get_by_role("slider", name="Start w0")
    slider.focus()
    with rerun(page):
        for _ in range(4):  # 4 steps of 0.5: w0 = 22
            page.keyboard.press("ArrowRight")
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
        .some(e => e.innerText.includes('ends at −58'))""",
        timeout=15_000,
    )
    assert description.inner_text() != before_alt
    assert "s_w0=22" in page.url
    assert_healthy(page)


def test_deep_links_opened_at_once_on_a_fresh_server_all_go_through_the_app_shell(browser):
    """A class opening the shared links together on a fresh server: each tab gets the app (its sidebar, its
    presentation mode), not the page file run alone in Streamlit's legacy pages/ mode."""
    links = ["signed_l1?s_lr=0.1&s_full=false", "outliers", "outliers", "noise_and_learning_rate", "derivation", ""]
    with streamlit_server() as (url, _proc):  # nobody has loaded / on this server
        tabs = [new_tab(browser, viewport={"width": 1280, "height": 900}) for _ in links]
        for tab, link in zip(tabs, links, strict=True):
            tab.goto(f"{url}/{link}", wait_until="commit")  # every first run starts before any has finished
        for tab, link in zip(tabs, links, strict=True):
            wait_for_run(tab)
            nav = tab.locator('[data-testid="stSidebarNav"]').inner_text()
            assert "Start here" in nav and "app" not in nav.split(), (link, nav)
            assert tab.locator('[data-testid="stSidebar"]').get_by_text("Presentation mode", exact=True).count() == 1, (
                link
            )
        slider = tabs[0].get_by_role("slider", name="Learning rate")
        assert slider.get_attribute("aria-valuetext") == "0.1"
        for tab in tabs:
            tab.context.close()


def test_hostile_link_is_refused_politely(page, app_url):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = "n_lr=%3Cscript%3Ealert(1)%3C%2Fscript%3E&n_sigma=1e309&n_epochs=99999999999&n_sched=drop&present=maybe"
    open_and_reveal(page, f"{app_url}/noise_and_learning_rate?{hostile}")
    assert_healthy(page)
    assert not dialogs, "a script tag in the URL must never run"
    text = " ".join(page.locator('[data-testid="stAlert"]').filter(has_text="could not be used").all_inner_texts())
    for label in ("Learning rate", "Noise sigma", "Epochs", "Schedule", "Presentation mode"):
        assert label in text
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2


@pytest.mark.parametrize(("scheme", "query"), [("dark", ""), ("light", "?present=true"), ("dark", "?present=true")])
def test_dark_theme_and_presentation_mode_render(browser, app_url, shots, scheme, query):
    page = new_tab(browser, viewport={"width": 1280, "height": 720}, color_scheme=scheme)
    for path in ("signed_l1", "noise_and_learning_rate"):
        open_and_reveal(page, f"{app_url}/{path}{query}")
        assert_healthy(page)
        background = page.evaluate(
            "getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor"
        )
        channels = [int(c) for c in background[background.index("(") + 1 : background.index(")")].split(",")[:3]]
        assert (sum(channels) < 200) == (scheme == "dark"), background
        if query:
            size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.stMarkdown p')).fontSize)")
            assert size >= 20, "presentation mode enlarges the text for a projector"
        name = f"{path}_{scheme}{'_present' if query else ''}.png"
        page.screenshot(path=str(shots / name))  # the first screen, as a projector at 1280x720 shows it
    page.context.close()


def test_two_students_with_different_settings_never_see_each_others_values(browser, app_url):
    """Two tabs (two sessions on one server) move their own sliders in turn; each keeps its own values."""
    tabs = {}
    for name, sigma in (("a", "1"), ("b", "7")):
        tab = new_tab(browser, viewport={"width": 1280, "height": 900})
        open_and_reveal(tab, f"{app_url}/noise_and_learning_rate?n_sigma={sigma}")
        tabs[name] = tab

    def shown(name: str) -> str:
        return tabs[name].locator('[data-testid="stMarkdownContainer"]:has-text("Noise sigma =")').first.inner_text()

    def step(name: str, key: str, expect: str) -> None:
        tabs[name].get_by_role("slider", name="Noise sigma").focus()
        with rerun(tabs[name]):
            tabs[name].keyboard.press(key)  # one step of 0.05
        tabs[name].wait_for_function(
            """(expect) => [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
            .some(e => e.innerText.includes(expect))""",
            arg=f"Noise sigma = {expect},",
            timeout=15_000,
        )

    assert "Noise sigma = 1," in shown("a") and "Noise sigma = 7," in shown("b")
    step("a", "ArrowRight", "1.05")
    step("b", "ArrowLeft", "6.95")
    step("a", "ArrowRight", "1.1")
    assert "Noise sigma = 1.1," in shown("a") and "Noise sigma = 6.95," in shown("b")
    assert "n_sigma=1.1" in tabs["a"].url and "n_sigma=6.95" in tabs["b"].url
    for tab in tabs.values():
        assert_healthy(tab)
        tab.context.close()


_OFF_SITE = """() => [...document.querySelectorAll('a[href], img[src], image, [style*="url("]')]
    .map((e) => e.href?.baseVal ?? e.href ?? e.src ?? e.getAttribute('style'))
    .filter((u) => u && /^(https?:)?\\/\\/(?!127\\.0\\.0\\.1[:/])/.test(u) || /evil\\.example/.test(u))"""


@pytest.mark.parametrize("path", ["", *LAB_PAGES, "teachers"])
def test_markdown_in_a_link_makes_no_link_or_image_to_another_host(page, app_url, path):
    """Every control of the page gets a link, an image, styled text, LaTeX's \\href or HTML in its link value (each
    payload in turn, over two loads); the page shows its notes and no element or request reaches another host."""
    from tests.test_controls import LINK_PAYLOADS

    requests = []
    page.on("request", lambda r: requests.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1" else None)
    pages = controls_by_page()
    keys = list(pages.get(path, pages["home"]))  # the start and teachers' pages have the shell's controls only
    for shift in (0, len(LINK_PAYLOADS) // 2):
        query = urlencode({k: LINK_PAYLOADS[(i + shift) % len(LINK_PAYLOADS)] for i, k in enumerate(keys)})
        page.goto(f"{app_url}/{path}?{query}")
        wait_for_run(page)
        assert_healthy(page)
        notes = " ".join(page.locator('[data-testid="stAlert"]').filter(has_text="could not be used").all_inner_texts())
        assert "was ignored" in notes and "evil.example" not in notes
        assert page.evaluate(_OFF_SITE) == []
    assert requests == []
