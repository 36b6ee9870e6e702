"""The lecture hall: app processes behind HAProxy (deploy/), used as a class would use it; and the deploy files.

One hall for the module, started with `make hall N=2` as a lecturer would, on free loopback ports. The hall tests
run in file order and two break it on purpose: one kills an app process (the limit tests after it need only the
proxy and one live process), the last stops the hall with Ctrl-C. Without HAProxy (or Chromium, for the browser
tests) they skip with a message; under CI=true they fail.

Over 400 lines: one hall (processes, HAProxy, browsers) started once and shared by every test here.
"""

from __future__ import annotations

import asyncio
import csv
import http.client
import http.server
import io
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.load import reveal
from bench.pages import LAB_PAGES, REVEAL
from bench.protocol import Session
from bench.serve import ROOT, free_port, new_tab, rerun, wait_for_run
from deploy.hall import CONFIG, HOW_TO_INSTALL, haproxy_path, read_stats, render_config
from ui.lessons.registry import LESSONS
from ui.words import MINUS

CI = os.environ.get("CI", "").lower() == "true"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
KUBERNETES = ROOT / "deploy" / "kubernetes.yaml"
SKIP = "Skip the question and show the result"


def _required(found, how: str):
    if found:
        return found
    if CI:
        pytest.fail(f"CI=true but a tool is missing (.ci/run should have installed it): {how}")
    pytest.skip(how)


def _run(coroutine):
    """asyncio.run in a thread of its own: Playwright's sync API owns this thread's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


def _until(condition, what: str, timeout: float = 60.0, every: float = 0.2):
    """Poll `condition` until it returns something truthy; fail saying `what` did not happen."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(every)
    return result


# --- the deploy files, no hall needed --------------------------------------------------------------------------------


def test_the_checked_in_config_is_what_the_hall_writes_for_four_and_haproxy_accepts_any_n(tmp_path):
    assert CONFIG.read_text() == render_config([8511, 8512, 8513, 8514])
    binary = _required(haproxy_path(), HOW_TO_INSTALL)
    for ports in ([40001], [40001, 40002, 40003]):
        text = render_config(ports)
        assert re.findall(r"^    server (app\d+) 127\.0\.0\.1:(\d+) cookie (app\d+)$", text, re.M) == [
            (f"app{i}", str(p), f"app{i}") for i, p in enumerate(ports, start=1)
        ]
        cfg = tmp_path / f"haproxy-{len(ports)}.cfg"
        cfg.write_text(text)
        check = subprocess.run([binary, "-c", "-f", str(cfg)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    with pytest.raises(ValueError, match="at least one port"):
        render_config([])


class _Echo(http.server.BaseHTTPRequestHandler):
    """Answers every GET with the headers it was sent, as JSON: what the app would see behind HAProxy."""

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        body = json.dumps({k.lower(): self.headers.get_all(k) for k in set(self.headers.keys())}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_app_learns_the_clients_address_in_one_x_forwarded_for_whatever_the_client_claims(tmp_path):
    """The hall's config in front of an echo server: the app's last (and only) X-Forwarded-For entry is the peer."""
    binary = _required(haproxy_path(), HOW_TO_INSTALL)
    echo = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(render_config([echo.server_address[1]]))
    port = free_port()
    env = {**os.environ, "HALL_ADDRESS": "127.0.0.1", "HALL_PORT": str(port), "HALL_STATS_PORT": str(free_port())}
    haproxy = subprocess.Popen([binary, "-db", "-f", str(cfg)], env=env, stderr=subprocess.DEVNULL)
    try:
        _until(lambda: haproxy.poll() is not None or _healthy(f"http://127.0.0.1:{port}"), "HAProxy answering")
        assert haproxy.poll() is None
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=("127.0.0.9", 0))
        forged = {"X-Forwarded-For": "6.6.6.6", "Forwarded": "for=6.6.6.6", "X-Real-IP": "6.6.6.6"}
        conn.request("GET", "/_stcore/health", headers=forged)
        seen = json.loads(conn.getresponse().read())
        conn.close()
    finally:
        haproxy.terminate()
        haproxy.wait(10)
        echo.shutdown()
        echo.server_close()
    assert seen["x-forwarded-for"] == ["127.0.0.9"]  # the connection's own address, once
    assert "forwarded" not in seen and "x-real-ip" not in seen


def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def _make_run_command() -> list[str]:
    """The command `make run` runs, as make prints it (dry run), on the default port."""
    out = subprocess.run(
        ["make", "-n", "run", "STREAMLIT_SERVER_PORT=8501"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return shlex.split(next(line for line in out.splitlines() if " streamlit run " in line))


def test_the_dockerfile_installs_what_make_run_installs_and_its_cmd_is_make_runs_command():
    steps = _dockerfile()
    makefile = (ROOT / "Makefile").read_text()
    make_install = shlex.split(re.search(r"-m pip install (.*-r requirements\.txt)", makefile).group(1))
    runs = [shlex.split(args) for kind, args in steps if kind == "RUN"]
    install = next(args for args in runs if "pip" in args)
    assert install[install.index("pip") + 1] == "install" and set(make_install) <= set(install)
    copied_first = next(i for i, (kind, args) in enumerate(steps) if kind == "COPY" and "requirements.txt" in args)
    assert copied_first < steps.index(("RUN", shlex.join(install))), "requirements.txt must be copied before pip runs"

    cmd = json.loads(next(args for kind, args in steps if kind == "CMD"))
    expected = ["python", *_make_run_command()[1:]]
    expected[expected.index("localhost")] = "0.0.0.0"  # in a container the app must face the container's network
    assert cmd == expected


async def _open_every_page(url: str) -> dict[str, Session]:
    sessions = {}
    for page in ["", *LAB_PAGES]:
        s = Session(url, page)
        await s.open()
        await reveal(s, page)  # every result on the page drawn, as a class sees it
        await s.close()
        sessions[page] = s
    return sessions


def test_the_files_the_dockerfile_copies_serve_every_page_with_its_cmd(tmp_path):
    """The image's steps without a container engine: copy what it copies into an empty directory, run its CMD."""
    steps = _dockerfile()
    for kind, args in steps:
        if kind == "COPY":
            source, dest = shlex.split(args)
            target = tmp_path / dest / (Path(source).name if dest.endswith("/") and not source.endswith("/") else "")
            if (ROOT / source).is_dir():
                shutil.copytree(ROOT / source, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT / source, target)
    cmd = json.loads(next(args for kind, args in steps if kind == "CMD"))
    port = free_port()
    cmd[0], cmd[cmd.index("8501")], cmd[cmd.index("0.0.0.0")] = sys.executable, str(port), "127.0.0.1"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # only the copied files may be imported
    with open(tmp_path / "server.log", "wb") as log:
        server = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _until(lambda: server.poll() is not None or _healthy(url), "the copied app answering its health check")
        assert server.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
        sessions = _run(_open_every_page(url))
    finally:
        server.terminate()
        server.wait(30)
    for page, s in sessions.items():
        assert s.errors == 0, f"page {page or 'home'} raised in the copied app: {getattr(s, 'exceptions', '')}"
    for page in LAB_PAGES:
        assert len(sessions[page].ids) > 3, f"page {page} did not draw its controls from the copied files"


def test_the_kubernetes_example_uses_the_halls_settings_and_the_dockerfiles_command():
    yaml = _required(_import("yaml"), "PyYAML is needed to read deploy/kubernetes.yaml (requirements-dev.txt)")
    docs = {d["kind"]: d for d in yaml.safe_load_all(KUBERNETES.read_text())}
    assert set(docs) == {"Deployment", "Service", "Ingress"}
    deployment, service, ingress = docs["Deployment"], docs["Service"], docs["Ingress"]
    haproxy = CONFIG.read_text()

    assert deployment["spec"]["replicas"] >= 2
    pod = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"] == pod["metadata"]["labels"] == service["spec"]["selector"]
    (container,) = pod["spec"]["containers"]
    assert container["command"] == json.loads(next(args for kind, args in _dockerfile() if kind == "CMD"))
    (container_port,) = container["ports"]
    assert container_port["containerPort"] == int(container["command"][container["command"].index("--server.port") + 1])
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/_stcore/health", "port": container_port["name"]}

    (service_port,) = service["spec"]["ports"]
    assert service_port["targetPort"] == container_port["name"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": service_port["name"]}}

    notes = ingress["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "session-cookie-name"] == re.search(r"^\s+cookie (\S+) insert", haproxy, re.M).group(1)
    assert "option redispatch" in haproxy and notes[prefix + "session-cookie-change-on-failure"] == "true"
    tunnel = re.search(r"^\s+timeout tunnel (\d+)h", haproxy, re.M).group(1)
    assert notes[prefix + "proxy-read-timeout"] == notes[prefix + "proxy-send-timeout"] == str(int(tunnel) * 3600)

    # the same paths let through (exact ones, and the two folders of files), and the same request rate
    paths = ingress["spec"]["rules"][0]["http"]["paths"]
    assert all(p["backend"]["service"] == backend for p in paths)
    exact = {p["path"] for p in paths if p["pathType"] == "Exact"}
    lists = re.findall(r"^\s+acl (?:page|core|stream) path ([^#\n]+)", haproxy, re.M)
    assert exact == {path for line in lists for path in line.split()}
    assert {p["path"] for p in paths if p["pathType"] == "Prefix"} == {"/static", "/media"}
    assert int(notes[prefix + "limit-rps"]) * 10 == _limits()["http_req_rate"]


def _import(name: str):
    try:
        return __import__(name)
    except ImportError:
        return None


def _healthy(url: str) -> bool:
    try:
        return _get(f"{url}/_stcore/health")[0] == 200
    except OSError:
        return False


# --- the running hall -------------------------------------------------------------------------------------------------


@dataclass
class RunningHall:
    url: str
    stats_url: str
    pids: dict[str, int]  # app process name (app1, app2) -> pid
    ports: dict[str, int]  # app process name -> its own port on 127.0.0.1
    make: subprocess.Popen
    log: Path

    def stats(self) -> dict[str, dict[str, str]]:
        return read_stats(self.stats_url)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _group(pgid: int) -> list[str]:
    """The processes of a process group that are still alive (not zombies), as 'pid command' lines."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # it exited while we looked
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(f"{stat.parent.name} {cmdline}")
    return alive


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    _required(haproxy_path(), HOW_TO_INSTALL)
    port = free_port()
    log = tmp_path_factory.mktemp("hall") / "make-hall.log"
    env = {**os.environ, "STREAMLIT_SERVER_PORT": str(port), "HALL_ADDRESS": "127.0.0.1"}
    with log.open("wb") as out:  # a file, not a pipe: the hall can never block on its output
        make = subprocess.Popen(
            ["make", "--no-print-directory", "hall", "N=2"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives it: Ctrl-C is SIGINT to the group
        )
    running = RunningHall(f"http://127.0.0.1:{port}", "", {}, {}, make, log)
    try:
        _until(
            lambda: "Share this URL" in running.output() or make.poll() is not None, "make hall printing its URL", 180
        )
        text = running.output()
        assert make.poll() is None, text
        assert f"Share this URL: http://127.0.0.1:{port}" in text
        apps = re.findall(r"^  (app\d+)  pid (\d+)  http://127\.0\.0\.1:(\d+)$", text, re.M)
        running.pids = {name: int(pid) for name, pid, _port in apps}
        running.ports = {name: int(app_port) for name, _pid, app_port in apps}
        running.stats_url = re.search(r"sessions per process: (http://127\.0\.0\.1:\d+)/", text).group(1)
        assert sorted(running.pids) == ["app1", "app2"]
        yield running
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGINT)
            try:
                make.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(make.pid, signal.SIGKILL)
                make.wait()


@dataclass
class Tab:
    """A browser tab that notes which process answered each HTTP response and every websocket it opens."""

    page: object
    served: list[tuple[str, str]]  # (url, X-Served-By)
    sockets: list

    def processes(self) -> set[str]:
        return {by for _url, by in self.served}


def _tab(browser) -> Tab:
    page = new_tab(browser, viewport={"width": 1280, "height": 900})
    tab = Tab(page, [], [])
    page.on("response", lambda r: r.headers.get("x-served-by") and tab.served.append((r.url, r.headers["x-served-by"])))
    page.on("websocket", lambda ws: tab.sockets.append(ws))
    return tab


def _switch_page(page, title_part: str, path: str) -> None:
    """Click a page in the sidebar: Streamlit switches pages over the open websocket, no page load."""
    with rerun(page):
        page.locator('[data-testid="stSidebarNavLink"]', has_text=title_part).click()
        page.wait_for_url(re.compile(f"/{path}($|\\?)"), timeout=30_000)


def _signed_l1_matches_its_slider(page) -> bool:
    """signed_l1 with its defaults: signed L1 descent from w0 falls by 0.4 for 200 updates, so it ends at w0 - 80."""
    w0 = float(page.get_by_role("slider", name="Start w0").get_attribute("aria-valuetext"))
    texts = page.locator('[data-testid="stMarkdownContainer"]').all_inner_texts()
    return any(f"ends at {w0 - 80:g}".replace("-", MINUS) in t for t in texts) and _script_idle(page)


def _script_idle(page) -> bool:
    return page.locator('[data-testid="stApp"]').get_attribute("data-test-script-state") != "running"


def _move_start_w0(page, steps: int) -> None:
    """signed_l1: move the 'Start w0' slider by keyboard (0.5 a step); wait for its new value's result sentence."""
    slider = page.get_by_role("slider", name="Start w0")
    target = float(slider.get_attribute("aria-valuetext")) + 0.5 * steps
    slider.focus()
    with rerun(page):
        for _ in range(steps):
            page.keyboard.press("ArrowRight")
    page.wait_for_function(
        """t => [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
        .some(e => e.innerText.includes(t))""",
        arg=f"ends at {target - 80:g}".replace("-", MINUS),
        timeout=30_000,
    )


def _exceptions(page) -> int:
    return page.locator('[data-testid="stException"]').count()


def test_a_browser_keeps_one_process_across_reruns_page_switches_and_a_download(hall, browser):
    tab = _tab(browser)
    page = tab.page
    page.goto(hall.url)
    wait_for_run(page)
    _switch_page(page, "signed-L1", "signed_l1")
    with rerun(page):
        page.get_by_text(SKIP).first.click()
    _move_start_w0(page, 4)
    with page.expect_download(timeout=30_000) as download_info:
        page.get_by_role("button", name=re.compile("Download the data")).click()
    download = download_info.value
    assert download.failure() is None
    rows = Path(download.path()).read_text().splitlines()
    assert len(rows) > 10 and "," in rows[0], rows[:3]
    _switch_page(page, "Noise and learning rate", "noise_and_learning_rate")

    (process,) = tab.processes()  # every HTTP response, the download's included, came from one process
    status, headers, _ = _get(download.url, cookie=f"L1LAB_PROCESS={process}")
    assert status == 200 and headers["x-served-by"] == process
    (socket_,) = tab.sockets  # one websocket for the whole visit: no reconnect, so no new session
    assert not socket_.is_closed()
    stats = hall.stats()
    assert int(stats[process]["scur"]) >= 1, stats  # the websocket is open on that process
    assert _exceptions(page) == 0
    page.context.close()


def test_sessions_from_one_address_spread_over_every_process(hall):
    """Four students behind one address arrive one after another: leastconn gives each process two of them."""
    _until(lambda: all(row["scur"] == "0" for row in hall.stats().values()), "the hall's sessions closing", 30)
    status, headers, _ = _get(hall.url)  # a first visit: HAProxy names the process in a cookie
    assert status == 200 and re.match(r"L1LAB_PROCESS=(app\d+);", headers["set-cookie"]).group(1) in hall.pids

    async def arrive_one_by_one() -> dict[str, int]:
        sessions = []
        try:
            for _ in range(4):  # each stays open, as a student's tab does, while the next arrives
                sessions.append(Session(hall.url, "derivation"))
                await sessions[-1].open()
            assert sum(s.errors for s in sessions) == 0
            return {name: int(row["scur"]) for name, row in hall.stats().items()}
        finally:
            await asyncio.gather(*(s.close() for s in sessions))

    open_now = _run(arrive_one_by_one())
    assert sorted(open_now) == sorted(hall.pids) and all(n >= 2 for n in open_now.values()), open_now


METRICS_SPELLINGS = [  # /_stcore/metrics as Streamlit reads it: it decodes the path before routing it
    "/_stcore/metrics",
    "/%5Fstcore/metrics",
    "/%5fstcore/metrics",
    "/_stcore/%6detrics",
    "/%5F%73%74%63%6F%72%65%2F%6D%65%74%72%69%63%73",
    "/_stcore//metrics",
    "//_stcore/metrics",
    "/_stcore/./metrics",
    "/static/../_stcore/metrics",
    "/static/%2e%2e/_stcore/metrics",
    "/static/js/..%2F..%2F_stcore%2Fmetrics",
    "/_stcore/metrics/",
    "/_stcore/metrics?x=1",
]
NOT_ON_THE_LIST = [
    "/_stcore/upload_file/x/y",  # the app has no uploads
    "/_stcore/agent/openapi.json",  # Streamlit's agent API
    "/_stcore/agent/mcp",
    "/_stcore/script-health-check",
    "/_stcore/stream",  # without the websocket upgrade
    "/signed_l1/_stcore/health",  # the frontend's probe for a base path: it needs Streamlit's 404
    "/index.html",
    "/manifest.json",
    "/app/static/x",
    "/component/x/index.html",
    "/static/js/../../app.py",
    "/media/../app.py",
    "/media/x%2F..%2F..%2Fapp.py",
    "/nope",
    "/%zz",
]


def _status(base: str, path: str, method: str = "GET") -> int:
    """The status of one request, its path sent exactly as written (http.client does not re-encode it)."""
    conn = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _app_pages() -> list[str]:
    """The URL path of every page app.py hands st.navigation: its own pages (the default one is /, the others their
    file's name) and one per lesson (ui/lessons/registry.py)."""
    own = re.findall(r"st\.Page\(\s*\"pages/(\w+)\.py\"([^)]*)\)", (ROOT / "app.py").read_text())
    assert own and "LESSONS" in (ROOT / "app.py").read_text(), own
    lessons = [f"/{entry.lesson.page}" for entry in LESSONS]
    return sorted(["/" if "default=True" in rest else f"/{name}" for name, rest in own] + lessons)


def test_the_halls_list_of_pages_is_the_apps():
    listed = re.search(r"^\s+acl page path (.+)$", CONFIG.read_text(), re.M).group(1).split()
    assert sorted(listed) == _app_pages(), "a page was added or renamed: update `acl page` in deploy/haproxy.cfg"


def test_the_hall_passes_only_the_paths_the_app_uses(hall):
    """Every spelling of /_stcore/metrics and every path the app does not use is a 404; every page is served."""
    app_port = next(iter(hall.ports.values()))
    assert _status(f"http://127.0.0.1:{app_port}", "/%5Fstcore/metrics") == 200  # what the process gives, unguarded
    refused = {path: _status(hall.url, path) for path in METRICS_SPELLINGS + NOT_ON_THE_LIST}
    assert {path: code for path, code in refused.items() if code not in (400, 404)} == {}
    assert _status(hall.url, "/_stcore/health", "POST") == 405  # GET and HEAD are all a page sends
    served = {path: _status(hall.url, path) for path in [*_app_pages(), "/_stcore/health", "/favicon.png"]}
    assert set(served.values()) == {200}, served


def test_a_cookie_naming_no_process_is_served_and_given_a_real_one(hall):
    for forged in ("L1LAB_PROCESS=app9", "L1LAB_PROCESS=", "L1LAB_PROCESS=../app1", "L1LAB_PROCESS=APP1"):
        status, headers, _ = _get(f"{hall.url}/_stcore/health", cookie=forged)
        given = re.match(r"L1LAB_PROCESS=(app\d+);", headers.get("set-cookie", ""))
        assert status == 200 and given and given.group(1) == headers["x-served-by"] in hall.pids, (forged, headers)
    status, headers, _ = _get(f"{hall.url}/_stcore/health", cookie="L1LAB_PROCESS=app2")  # a real one pins
    assert status == 200 and headers["x-served-by"] == "app2" and "L1LAB_PROCESS" not in headers.get("set-cookie", "")


def test_killing_a_process_leaves_the_others_serving_and_its_browsers_reconnect(hall, browser):
    tab = _tab(browser)
    page = tab.page
    page.goto(f"{hall.url}/signed_l1")
    wait_for_run(page)
    with rerun(page):
        page.get_by_text(SKIP).first.click()
    (doomed,) = tab.processes()
    (survivor,) = set(hall.pids) - {doomed}
    served_before = len(tab.served)

    with page.expect_websocket(timeout=60_000) as reconnect:
        os.kill(hall.pids[doomed], signal.SIGKILL)
    assert reconnect.value is not tab.sockets[0] and tab.sockets[0].is_closed()
    wait_for_run(page, after=None, timeout_ms=60_000)  # connected again, idle, the page on screen
    # The page works on the live process. Its first change there may snap back to the value in the address bar:
    # the process starts a new session, whose first run restores the controls from the link (ui.controls.restore).
    # Either way the page must answer it, consistently; the changes after it must take effect.
    page.get_by_role("slider", name="Start w0").focus()
    page.keyboard.press("ArrowRight")
    _until(lambda: _signed_l1_matches_its_slider(page), "the page answering a change after the reconnect", 60)
    _move_start_w0(page, 4)
    assert _exceptions(page) == 0
    assert {by for _url, by in tab.served[served_before:]} == {survivor}

    _until(lambda: hall.stats()[doomed]["status"].startswith("DOWN"), f"HAProxy marking {doomed} down")
    for cookie in (None, f"L1LAB_PROCESS={doomed}"):  # a new student, and one whose cookie names the dead process
        status, headers, _ = _get(hall.url, cookie)
        assert status == 200 and headers["x-served-by"] == survivor
    assert hall.make.poll() is None, "the hall must keep running when one process dies"
    _until(lambda: f"{doomed} (port" in hall.output(), "the hall saying a process exited", 10)
    page.context.close()


def _limits() -> dict[str, int]:
    """The per-address limits in deploy/haproxy.cfg: connections and requests in 10 s, websockets in a minute."""
    text = CONFIG.read_text()
    found = {k: re.search(rf"{k} gt (\d+)", text) for k in ("sc0_conn_rate", "sc0_http_req_rate", "sc0_gpc0_rate")}
    return {k.removeprefix("sc0_"): int(m.group(1)) for k, m in found.items()}


def _send(source: str, port: int, paths: list[str]) -> Counter:
    """One connection from `source` (a loopback address of its own, so its count is its own), its requests
    pipelined: the status of each answer. Every path here is answered by HAProxy itself, never by the app."""
    with socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0)) as s:
        s.sendall("".join(f"GET {p} HTTP/1.1\r\nHost: hall\r\n\r\n" for p in paths).encode())
        data = b""
        while len(statuses := re.findall(rb"HTTP/1\.1 (\d{3}) ", data)) < len(paths):
            chunk = s.recv(1 << 16)
            if not chunk:  # closed: the answers so far are all there is
                break
            data += chunk
    return Counter(int(code) for code in statuses)


def _cold_visit(hall, browser) -> tuple[int, int]:
    """A student's first visit in Chromium, every result revealed and the QR code opened: (connections, requests)
    HAProxy counted. The heaviest page (the derivation's results load the most scripts) is the one measured."""

    def counted() -> tuple[int, int]:
        with urllib.request.urlopen(f"{hall.stats_url}/;csv", timeout=5) as r:
            rows = csv.DictReader(io.StringIO(r.read().decode().lstrip("# ")))
            front = next(row for row in rows if row["pxname"] == "hall" and row["svname"] == "FRONTEND")
        return int(front["stot"]), int(front["req_tot"])

    before = counted()
    page = new_tab(browser, viewport={"width": 1280, "height": 900})
    page.goto(f"{hall.url}/derivation")
    wait_for_run(page)
    for key in REVEAL["derivation"]:
        box = page.locator(f'[data-testid="stMain"] .st-key-{key}').first
        box.evaluate("el => { const d = el.closest('details'); if (d && !d.open) d.querySelector('summary').click(); }")
        with rerun(page):
            box.locator("label").first.click()
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="QR code of this link").click()
    page.wait_for_function(  # the QR code is an image Streamlit serves from /media/
        """() => [...document.querySelectorAll('[role="dialog"] img')].some(i => i.complete && i.naturalWidth > 0)""",
        timeout=30_000,
    )
    after = counted()
    assert _exceptions(page) == 0
    page.context.close()
    return after[0] - before[0], after[1] - before[1]


def test_a_lecture_hall_behind_one_address_passes_the_limits(hall, browser):
    """300 students opening the link at once behind one address: each makes what a cold visit in Chromium makes
    (its connections, its requests, one websocket), all from one loopback address, as fast as this machine can."""
    connections, requests = _cold_visit(hall, browser)
    assert 2 <= connections and connections < requests
    limits = _limits()
    assert 300 * connections <= limits["conn_rate"], connections
    assert 300 * requests <= limits["http_req_rate"], requests
    front_port = int(hall.url.rsplit(":", 1)[1])
    files = [f"/nope/{i}" for i in range(requests - 1)]  # refused by HAProxy: counted, and the app never sees them
    per_connection = [files[i :: connections - 1] for i in range(connections - 1)]
    answers: Counter = Counter()
    for _student in range(300):
        for paths in per_connection:
            answers += _send("127.0.0.3", front_port, paths)
        answers += _send("127.0.0.3", front_port, ["/_stcore/stream"])  # its websocket (asked for, not upgraded)
    assert answers == Counter({404: 300 * requests}), answers


@pytest.mark.parametrize(
    ("limit", "source", "per_connection", "path"),
    [
        ("conn_rate", "127.0.0.4", 1, "/nope"),  # thousands of connections
        ("http_req_rate", "127.0.0.5", 2000, "/nope"),  # tens of thousands of requests over a few
        ("gpc0_rate", "127.0.0.6", 1, "/_stcore/stream"),  # hundreds of websockets: Streamlit sessions
    ],
)
def test_one_address_past_a_limit_gets_429(hall, limit, source, per_connection, path):
    """A bounded flood from a loopback address of its own (the others' counts stay theirs): everything up to the
    limit is answered as usual, the request past it gets 429."""
    cap = _limits()[limit]
    front_port = int(hall.url.rsplit(":", 1)[1])
    answers: Counter = Counter()
    while not answers[429] and answers.total() <= 2 * cap:
        answers += _send(source, front_port, [path] * per_connection)
    assert answers[429] and answers[404] >= cap, answers  # none refused before the limit (a window may slide)


def test_ctrl_c_stops_make_hall_with_no_process_left(hall):
    front_port = int(hall.url.rsplit(":", 1)[1])
    assert _group(hall.make.pid), "the hall's process group should be running before Ctrl-C"
    os.killpg(hall.make.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    hall.make.wait(60)
    assert _group(hall.make.pid) == []
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", front_port), timeout=2):
        pass
    assert "every process of the hall has exited" in hall.output()
