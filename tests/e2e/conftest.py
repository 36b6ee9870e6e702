"""Browser tests: the real app in the system Chromium, driven by Playwright.

They skip with a message saying how to enable them when Chromium is missing, except under CI=true, where a missing
browser is a failure. The browser and the served app are the session's (tests/conftest.py); every wait is on
Streamlit's own signals (bench.serve.wait_for_run), never a fixed sleep.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.serve import ROOT, new_tab

SHOTS = ROOT / "screenshots"


def pytest_itemcollected(item):
    """Marked as collected, before `-m browser` selects (make test runs these beside the others)."""
    if "tests/e2e" in str(item.fspath).replace(os.sep, "/"):
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)  # after pytest's own ordering by fixture parameters
def pytest_collection_modifyitems(config, items):
    from tests.e2e import test_room

    room = [i for i, item in enumerate(items) if item.module is test_room]
    for i, item in zip(room, test_room.in_page_order([items[i] for i in room]), strict=True):
        items[i] = item  # each page once per screen (test_room.in_page_order)


@pytest.fixture
def page(browser):
    pg = new_tab(browser, viewport={"width": 1280, "height": 900})
    yield pg
    pg.context.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(exist_ok=True)
    return SHOTS
