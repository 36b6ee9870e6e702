"""What a student waits for in Chromium: slider released to chart redrawn, on the heaviest page and on
the floor app (bench/floor_app.py), served by the same Streamlit, as a ratio.

A keyboard step moves the slider to a value not seen before (so no cache helps); the time runs
until the chart's accessible name (its alt text, which carries the numbers it shows) has changed
and the browser has painted two more frames.

    python -m bench.browser [--page outliers] [--changes 10]
"""

from __future__ import annotations

import argparse
import statistics
import time

from playwright.sync_api import sync_playwright

from bench.serve import CHROMIUM_ARGS, chromium_path, streamlit_server, wait_for_app

# page -> the slider a student moves (its label)
SLIDERS = {
    "outliers": "Outlier shift (added to y)",
    "noise_and_learning_rate": "Noise sigma",
    "landscape": "Start w",
    "signed_l1": "Start w0",
    "derivation": "Weight w",
}
REDRAWN = """([el, before]) => {
    if (el.getAttribute('aria-label') === before) return false;
    return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))));
}"""


def slider_to_chart(page, slider: str, changes: int) -> list[float]:
    """Seconds from each key press on `slider` to the first chart showing the new value."""
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("canvas, svg").first.wait_for(state="attached", timeout=30_000)
    handle = chart.element_handle()
    times = []
    for _ in range(changes):
        before = chart.get_attribute("aria-label")
        page.get_by_role("slider", name=slider).focus()
        start = time.perf_counter()
        page.keyboard.press("ArrowRight")  # always a new value: nothing is cached yet
        page.wait_for_function(REDRAWN, arg=[handle, before], timeout=30_000)
        times.append(time.perf_counter() - start)
        wait_for_app(page)
    return times


def main(page_name: str, changes: int) -> None:
    with (
        streamlit_server("bench/floor_app.py") as (floor_url, _),
        streamlit_server() as (app_url, _),
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        tab.goto(floor_url)
        wait_for_app(tab)
        floor = statistics.median(slider_to_chart(tab, "Frequency", changes))
        tab.goto(f"{app_url}/{page_name}")
        wait_for_app(tab)
        tab.get_by_text("Skip the question and show the result").first.click()
        wait_for_app(tab)
        app = statistics.median(slider_to_chart(tab, SLIDERS[page_name], changes))
        browser.close()
    print(f"Chromium, slider released to chart redrawn, median of {changes} changes")
    print(f"  {'floor app':26s} {floor * 1000:7.1f} ms   1.00x")
    print(f"  {page_name:26s} {app * 1000:7.1f} ms   {app / floor:5.2f}x   (slider: {SLIDERS[page_name]})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="outliers", choices=sorted(SLIDERS))
    parser.add_argument("--changes", type=int, default=10)
    args = parser.parse_args()
    main(args.page, args.changes)
