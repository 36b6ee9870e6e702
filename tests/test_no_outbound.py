"""Serving the app and using every page reaches no other machine (README: nothing is fetched at run time).

The server runs with tests/outbound/ on its PYTHONPATH: its sitecustomize installs an audit hook
(`sys.addaudithook`) that records, and refuses, every socket connect to an address that is not loopback
and every name lookup of a host that is not local. Streamlit 1.67 looks up the machine's external IP at
start (an HTTP request to checkip.amazonaws.com) unless an address is configured, and again when a
websocket arrives from another origin; .streamlit/config.toml sets `browser.serverAddress` for the first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from bench.hostile import PAGES, Attack, Report
from bench.protocol import run
from bench.serve import ROOT
from tests.conftest import outbound_env


def _run_hooked(code: str, log: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, **outbound_env(log)}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_hook_sees_and_refuses_a_connect_off_the_machine(tmp_path):
    """The control: without it an empty log would prove nothing. 192.0.2.1 is TEST-NET-1 (RFC 5737), and a
    UDP connect sends no packet; the hook refuses it anyway."""
    log = tmp_path / "outbound.log"
    code = (
        "import socket\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "try:\n    s.connect(('192.0.2.1', 9))\nexcept OSError as e:\n    print('refused', e)\n"
        "s.connect(('127.0.0.1', 9))\n"
    )
    done = _run_hooked(code, log)
    assert done.returncode == 0, done.stderr
    assert "refused" in done.stdout
    lines = log.read_text().splitlines()
    assert len(lines) == 1 and "192.0.2.1" in lines[0], lines


def test_start_up_looks_up_no_address_even_on_a_wildcard_address(tmp_path):
    """Streamlit's start-up banner, as a container serving on 0.0.0.0 prints it, with the repo's config."""
    log = tmp_path / "outbound.log"
    code = (
        "from streamlit import config\n"
        "from streamlit.web import bootstrap\n"
        "config.get_config_options(force_reparse=True)\n"
        "config.set_option('server.address', '0.0.0.0', 'command-line')\n"
        "bootstrap._print_url(False)\n"
    )
    done = _run_hooked(code, log)
    assert done.returncode == 0, done.stderr
    assert not log.exists(), log.read_text()


async def _use_every_page(url: str) -> Report:
    report = Report()
    for page in PAGES:
        attack = Attack(url, page, None, report)
        await attack.open()  # every predict skipped, every section shown
        await attack.valid_change("opening")
        await attack.close()
    return report


async def _from_another_origin(url: str) -> str:
    """A websocket a page on another site opens: Streamlit refuses it (its origin is not the app's)."""
    try:
        ws = await connect(
            url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            origin="http://elsewhere.example",
        )
    except InvalidStatus as refused:
        return f"refused {refused.response.status_code}"
    await ws.close()
    return "accepted"


def test_serving_and_using_every_page_connects_nowhere(hooked_server):
    """On the session's hooked server (tests/conftest.py): its start-up, every page used here and, in a whole run,
    every hostile message of tests/test_hostile.py before."""
    url, _proc, log = hooked_server
    report = run(_use_every_page(url))
    answer = run(_from_another_origin(url))
    assert report.messages == len(PAGES) and not report.findings, report.findings
    assert answer.startswith("refused"), answer
    assert not log.exists(), log.read_text()
