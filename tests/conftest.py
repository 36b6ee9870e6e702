"""Shared test settings: hypothesis runs more examples under CI=true than on a laptop. And what several test modules
share for the whole session: one Chromium (tests/e2e and tests/test_hall.py), one served app (tests/e2e), one
server with the outbound audit hook (tests/test_hostile.py and tests/test_no_outbound.py)."""

from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bench.serve import CHROMIUM_ARGS, HOW_TO_ENABLE, chromium_path, streamlit_server

CI = os.environ.get("CI", "").lower() == "true"
HOOK_DIR = Path(__file__).resolve().parent / "outbound"

settings.register_profile("laptop", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if CI else "laptop")


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system Chromium; without it the browser tests skip with how to install it, except under CI=true."""
    path = chromium_path()
    if path:
        return path
    if CI:
        pytest.fail("CI=true but Chromium is missing: .ci/run should have installed it. " + HOW_TO_ENABLE)
    pytest.skip(HOW_TO_ENABLE)


@pytest.fixture(scope="session")
def browser(chromium):
    """One Chromium for the whole session; each test opens its own context (bench.serve.new_tab)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def app_url(chromium, tmp_path_factory):
    """The app served once for every browser test that needs no fresh server, with a poll database of its own
    (the store reads POLL_DB_PATH when the server starts)."""
    env = {"POLL_DB_PATH": str(tmp_path_factory.mktemp("poll") / "poll.sqlite3")}
    with ExitStack() as stack:
        with _environ(env, drop=("DATABASE_URL",)):  # only while the server starts: the other tests keep theirs
            url, _proc = stack.enter_context(streamlit_server())
        yield url


def outbound_env(log: Path) -> dict[str, str]:
    """The environment that loads tests/outbound/sitecustomize.py: it logs and refuses any reach off the machine."""
    paths = [str(HOOK_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {"OUTBOUND_LOG": str(log), "PYTHONPATH": os.pathsep.join(paths)}


@pytest.fixture(scope="session")
def hooked_server(tmp_path_factory):
    """(url, process, outbound log): one server with the outbound audit hook, shared by the hostile tests and the
    no-outbound test, which checks at its end that nothing served so far, hostile messages included, left the
    machine."""
    log = tmp_path_factory.mktemp("outbound") / "outbound.log"
    with ExitStack() as stack:
        with _environ(outbound_env(log)):
            url, proc = stack.enter_context(streamlit_server())
        yield url, proc, log


@contextmanager
def _environ(values: dict[str, str], drop: tuple[str, ...] = ()):
    """Set (and drop) environment variables for the block, as a server started in it inherits them."""
    saved = {k: os.environ.get(k) for k in [*values, *drop]}
    os.environ.update(values)
    for k in drop:
        os.environ.pop(k, None)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
