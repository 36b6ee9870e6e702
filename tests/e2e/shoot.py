"""Full-page screenshots for a person to look at: python -m tests.e2e.shoot [path?query ...] [--dark] [--reveal]"""

import sys

from playwright.sync_api import sync_playwright

from bench.serve import (
    CHROMIUM_ARGS,
    ROOT,
    chromium_path,
    full_height_screenshot,
    new_tab,
    rerun,
    streamlit_server,
    wait_for_run,
)


def main(paths: list[str], scheme: str = "light", reveal: bool = False) -> None:
    """Screenshots after skipping the first question; with `reveal`, every question and the sweep too."""
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    with streamlit_server() as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = new_tab(browser, viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        for path in paths:
            page.goto(f"{url}/{path}")
            wait_for_run(page)
            skips, clicked = page.get_by_text("Skip the question and show the result"), 0
            while skips.count() > clicked and (reveal or clicked == 0):
                with rerun(page):
                    skips.nth(clicked).click()  # a skipped question may reveal another one below it
                clicked += 1
            for toggle in page.get_by_text("Run the sweep").all() if reveal else []:
                with rerun(page):
                    toggle.click()
            name = (path.split("?")[0] or "home").replace("/", "_") + ("" if scheme == "light" else f"_{scheme}")
            full_height_screenshot(page, str(out / f"{name}.png"))
            print(out / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    scheme = "dark" if "--dark" in args else "light"
    main([a for a in args if not a.startswith("--")] or [""], scheme, "--reveal" in args)
