"""Start `streamlit run` on a free loopback port, and launch the system Chromium: for bench and tests (tests import
this; bench imports no tests)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
HOW_TO_ENABLE = (
    "Chromium was not found, so the browser tests are skipped. To run them install it "
    "(Debian/Ubuntu: `sudo apt-get install chromium`; macOS: `brew install --cask chromium`) "
    "or set CHROMIUM=/path/to/chromium."
)


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(script: str = "app.py", port: int | None = None, timeout: float = 60.0, extra_args=()):
    """Serve `script` (relative to the repo root) and yield (base URL, process); stop it afterwards."""
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *extra_args,
    ]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a chatty server can never block on it
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait_healthy(url, proc, log, timeout)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_healthy(url: str, proc: subprocess.Popen, log, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not start: {log.read().decode()[-2000:]}") from None
            time.sleep(0.2)


_QUIET_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') === 'running') return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    return !!main && main.innerText.trim().length > 0;
}"""


# Streamlit's own signals, for tests. The protocol's script_finished message (ForwardMsg field 6, a status enum) ends
# every script run: a run is counted when one arrives with any status but FINISHED_EARLY_FOR_RERUN (2), two animation
# frames later (React has drawn what the run sent). A run so quick that React never draws stApp's
# data-test-script-state as running is counted all the same. Then the page: that attribute at notRunning, its
# data-test-connection-state, no skeleton of a lazily loaded element, no element marked data-stale, and a canvas or
# svg in every Vega-Lite chart on show.
_RUNS_JS = """(() => {
    window.__l1Runs = 0;
    const finished = (bytes) => {  // the script_finished status of a ForwardMsg, or -1: its top-level fields only
        let i = 0;
        const varint = () => {
            let value = 0, shift = 0, b;
            do { b = bytes[i++]; value += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
            return value;
        };
        while (i < bytes.length) {
            const key = varint(), field = Math.floor(key / 8), wire = key % 8;
            if (field === 6 && wire === 0) return varint();
            if (wire === 0) varint();
            else if (wire === 2) { const n = varint(); i += n; }
            else if (wire === 1) i += 8;
            else if (wire === 5) i += 4;
            else return -1;
        }
        return -1;
    };
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', (e) => {
                if (!(e.data instanceof ArrayBuffer)) return;
                const status = finished(new Uint8Array(e.data));
                if (status >= 0 && status !== 2) {
                    requestAnimationFrame(() => requestAnimationFrame(() => { window.__l1Runs++; }));
                }
            });
        }
    };
})();"""

_READY_JS = """(runs) => {
    if (window.__l1Runs === undefined) throw new Error('open the page with bench.serve.new_tab: no run counter');
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (app.getAttribute('data-test-connection-state') !== 'CONNECTED' || window.__l1Runs < runs) return false;
    if (document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')) return false;
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    if (!main || main.innerText.trim().length === 0) return false;
    const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    return charts.every((c) => !c.checkVisibility() || c.querySelector('canvas, svg'));  // each shown view drawn
}"""


def new_tab(browser, **context_options):
    """A page in a context of its own that counts the script runs each document starts (see wait_for_run)."""
    context = browser.new_context(**context_options)
    context.add_init_script(_RUNS_JS)
    return context.new_page()


def runs(page) -> int:
    """How many script runs this document has seen finish (a fragment's run counts too)."""
    return page.evaluate("() => window.__l1Runs")


def wait_for_run(page, after: int | None = 0, timeout_ms: int = 30_000) -> None:
    """Wait on Streamlit's signals: a script run after the first `after` ones (after a page load: 0) has finished,
    connected, with nothing stale, no skeleton, content in the main block and every chart on show drawn
    (a chart hidden by CSS, as the slide view hides the other steps', never draws).
    `after=None` asks for no new run, only that state (after a reconnect, which may not rerun)."""
    runs_needed = 0 if after is None else after + 1
    try:
        page.wait_for_function(_READY_JS, arg=runs_needed, polling=50, timeout=timeout_ms)  # checked every 50 ms
    except Exception as e:  # a Playwright timeout: say which signal never came
        raise AssertionError(f"no finished run after {after} on {page.url}: {page.evaluate(_STATE_JS)}") from e


_STATE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    return {runs: window.__l1Runs, script: app && app.getAttribute('data-test-script-state'),
            connection: app && app.getAttribute('data-test-connection-state'),
            skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
            stale: document.querySelectorAll('[data-stale="true"]').length,
            charts_shown: charts.filter((c) => c.checkVisibility()).length,
            charts_drawn: charts.filter((c) => c.querySelector('canvas, svg')).length};
}"""


@contextmanager
def rerun(page, timeout_ms: int = 30_000):
    """`with rerun(page): <click or key press>`: then wait for the run it starts (wait_for_run)."""
    before = runs(page)
    yield
    wait_for_run(page, before, timeout_ms)


def next_frame(page) -> None:
    """Wait for the browser to lay out and paint the next frame (after a resize, before a screenshot)."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def wait_for_app(page, timeout_ms: int = 30_000, quiet_polls: int = 3) -> None:
    """Wait until the script has run, no skeleton is left, and the page stays that way for a moment (bench.browser's
    settle wait, kept as its figures were measured with it; the tests wait on signals, wait_for_run)."""
    waited, streak = 0, 0
    while streak < quiet_polls:
        if waited > timeout_ms:
            raise TimeoutError("the app did not settle")
        streak = streak + 1 if page.evaluate(_QUIET_JS) else 0
        page.wait_for_timeout(200)
        waited += 200
    page.wait_for_timeout(300)  # let Vega finish drawing


def full_height_screenshot(page, path: str, width: int = 1280) -> None:
    """Streamlit scrolls inside its own container: grow the viewport to the content, then shoot."""
    height = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]') || document.querySelector('section.main');
        return Math.max(900, main ? main.scrollHeight : document.body.scrollHeight);
    }""")
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 12000)})
    next_frame(page)  # the page laid out at its new height (the width, hence every chart's, is unchanged)
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size({"width": width, "height": 900})
