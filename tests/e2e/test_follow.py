"""Charts that follow the hand (ui/follow.py), in Chromium: dragging a chart's own slider redraws the chart at every
step with no message to the server; on release the page's words catch up and the link keeps the value; the arrow
keys move it too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bench import follow
from bench.serve import new_tab, rerun, wait_for_run
from ui.layout import CHART_TEXT
from ui.lessons.landscape import lesson as landscape
from ui.lessons.noise import lesson as noise

# page -> (its reveals, the chart slider's control key, where its value reads in the chart's description)
PAGES = {
    "signed_l1": (("s_predict_skip", "s_step_open"), "s_step_k", r"marker at update (\d+)"),
    "derivation": (("d_guess_skip",), "d_w", r"w = (−?[\d.]+)"),
    "outliers": (("o_predict_skip",), "o_frac", r"\((\d+) of them shifted"),
    "noise_and_learning_rate": (("n_predict_skip",), "n_lr", r"and lr0? ([\d.]+)\."),
    "landscape": (("l_predict_skip",), "l_lr", r"at lr ([\d.]+)"),
}
# page -> the value at the range input's position, where the chart slider moves by index (a "log" control)
AT_POSITION = {"noise_and_learning_rate": noise.LR_SLIDER.at, "landscape": landscape.lr_slider().at}


@pytest.fixture
def tab(browser):
    pg = new_tab(browser, viewport={"width": 1280, "height": 900})
    follow.install(pg.context)
    yield pg
    pg.context.close()


def _open(tab, url: str, reveals) -> None:
    tab.goto(url)
    wait_for_run(tab)
    for key in reveals:
        with rerun(tab):
            tab.locator(f'[data-testid="stMain"] .st-key-{key} label').first.click()


def _description(tab, key: str) -> str:
    return tab.locator(f".st-key-follow-{key} .{CHART_TEXT}").inner_text()


@pytest.mark.parametrize("name", list(PAGES))
def test_dragging_the_chart_slider_redraws_it_without_the_server_and_the_words_follow(tab, app_url, name):
    reveals, key, said = PAGES[name]
    _open(tab, f"{app_url}/{name}", reveals)
    box = tab.locator(f".st-key-follow-{key}")
    box.scroll_into_view_if_needed()
    slider = box.get_by_role("slider")
    start = float(slider.input_value())
    before = _description(tab, key)

    for _ in range(4):  # a drag during which the shared machine stalled a frame for 150 ms is tried again
        with rerun(tab):  # the rerun comes once the hand pauses
            moved = follow.drag(tab, key, 3)
        assert all(t is not None for t in moved["times"]), f"a step did not redraw the chart: {moved}"
        sent = follow.sent_while_moving(moved)
        if sent is not None:
            break
    assert sent == [], f"the page talked to the server while the hand moved: {moved}"
    value = moved["values"][-1]
    assert value > start
    after = _description(tab, key)
    assert after != before and re.search(said, after), after  # the words caught up
    at = AT_POSITION.get(name, lambda position: position)
    assert f"{key}={at(value):g}" in tab.url, tab.url  # the link keeps the value

    slider.focus()
    with rerun(tab):
        tab.keyboard.press("ArrowLeft")  # the keyboard moves it too
    assert f"{key}={at(moved['values'][-2]):g}" in tab.url, tab.url
    assert tab.locator('[data-testid="stException"]').count() == 0


def test_a_preset_moves_the_chart_slider_and_a_link_restores_it(tab, app_url):
    _open(tab, f"{app_url}/derivation?d_w=-1.25", PAGES["derivation"][0])
    slider = tab.locator(".st-key-follow-d_w").get_by_role("slider")
    assert float(slider.input_value()) == -1.25
    tab.locator(".st-key-d_preset").click()
    with rerun(tab):
        tab.get_by_role("option", name=re.compile("Standing on the kink")).click()
    slider = tab.locator(".st-key-follow-d_w").get_by_role("slider")  # re-pinned: a new chart
    assert float(slider.input_value()) == 0.5 and "d_w=0.5" in tab.url


def test_ask_again_keeps_the_chart_slider_where_the_hand_left_it(tab, app_url):
    """Ask again stops the page above the chart; answered again, the chart comes back with its slider where the
    hand left it, not where it was first pinned."""
    reveals, key, said = PAGES["outliers"]
    _open(tab, f"{app_url}/outliers", reveals)
    with rerun(tab):
        moved = follow.drag(tab, key, 2)
    value, words = moved["values"][-1], _description(tab, key)
    with rerun(tab):
        tab.locator('[data-testid="stMain"] .st-key-o_predict_again button').first.click()
    for reveal_key in reveals:  # answered again, in the same session
        with rerun(tab):
            tab.locator(f'[data-testid="stMain"] .st-key-{reveal_key} label').first.click()
    slider = tab.locator(f".st-key-follow-{key}").get_by_role("slider")
    assert float(slider.input_value()) == value and f"{key}={value:g}" in tab.url
    assert _description(tab, key) == words and re.search(said, words)


@pytest.mark.parametrize("name", ["derivation", "noise_and_learning_rate", "landscape"])
def test_after_ask_again_the_chart_slider_starts_where_the_hand_left_it(tab, app_url, name):
    """Ask again hides the chart for a run, and the browser draws it again from its spec: at the moved value, not
    where the chart was first pinned."""
    reveals, key, _ = PAGES[name]
    _open(tab, f"{app_url}/{name}", reveals)
    tab.locator(f".st-key-follow-{key}").scroll_into_view_if_needed()
    with rerun(tab):
        moved = follow.drag(tab, key, 3)
    with rerun(tab):
        tab.locator(f".st-key-{reveals[0].removesuffix('_skip')}_again button").first.click()
    expect(tab.locator(f".st-key-follow-{key}")).to_have_count(0)  # hidden until the question is answered again
    with rerun(tab):  # answered again in the same session (a reload would start from the link)
        tab.locator(f'[data-testid="stMain"] .st-key-{reveals[0]} label').first.click()
    slider = tab.locator(f".st-key-follow-{key}").get_by_role("slider")
    assert float(slider.input_value()) == moved["values"][-1]
    at = AT_POSITION.get(name, lambda position: position)
    assert f"{key}={at(moved['values'][-1]):g}" in tab.url, tab.url


def test_a_chart_slider_over_option_indices_is_read_out_as_the_option(tab, app_url):
    """The landscape's lr slider moves over the options' indices; a screen reader reads the lr, not the index."""
    reveals, key, _ = PAGES["landscape"]
    _open(tab, f"{app_url}/landscape?{key}=0.0015", reveals)
    slider = tab.locator(f".st-key-follow-{key}").get_by_role("slider", name=landscape.C["lr"].label)
    expect(slider).to_have_attribute("aria-valuetext", "0.0015")
    slider.focus()
    with rerun(tab):
        tab.keyboard.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuetext", "0.002")
    assert f"{key}=" not in tab.url  # the default lr: the link drops it
