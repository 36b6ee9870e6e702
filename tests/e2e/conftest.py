"""Browser tests: the real app in the system Chromium, driven by Playwright.

They skip with a message saying how to enable them when Chromium is missing, except under
CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.serve import CHROMIUM_ARGS, HOW_TO_ENABLE, ROOT, chromium_path, streamlit_server

SHOTS = ROOT / "screenshots"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path:
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but Chromium is missing: .ci/run should have installed it. " + HOW_TO_ENABLE)
    pytest.skip(HOW_TO_ENABLE)


@pytest.fixture(scope="session")
def app_url(chromium):
    with streamlit_server() as (url, _proc):
        yield url


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(exist_ok=True)
    return SHOTS
