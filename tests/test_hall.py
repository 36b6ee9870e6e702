"""The lecture hall: app processes behind HAProxy (deploy/), used as a class would use it; and the deploy files.

One hall for the module, started with `make hall N=2` as a lecturer would, on free loopback ports. The hall tests
run in file order and the last two break it on purpose: one kills an app process, the last stops the hall with
Ctrl-C. Without HAProxy (or Chromium, for the browser tests) they skip with a message; under CI=true they fail.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.load import reveal
from bench.pages import LAB_PAGES
from bench.protocol import Session
from bench.serve import ROOT, free_port, new_tab, rerun, wait_for_run
from deploy.hall import CONFIG, HOW_TO_INSTALL, haproxy_path, read_stats, render_config

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
    return any(f"ends at {w0 - 80:g}" in t for t in texts) and _script_idle(page)


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
        arg=f"ends at {target - 80:g}",
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


def test_the_hall_keeps_streamlits_metrics_to_itself(hall):
    """/_stcore/metrics lists the cached functions and their counts to anyone (README: Running it in public)."""
    app_port = next(iter(hall.ports.values()))
    assert _get(f"http://127.0.0.1:{app_port}/_stcore/metrics")[0] == 200  # the process itself answers
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(f"{hall.url}/_stcore/metrics")
    refused.value.close()  # the error holds the response open
    assert refused.value.code == 403


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


def test_ctrl_c_stops_make_hall_with_no_process_left(hall):
    front_port = int(hall.url.rsplit(":", 1)[1])
    assert _group(hall.make.pid), "the hall's process group should be running before Ctrl-C"
    os.killpg(hall.make.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    hall.make.wait(60)
    assert _group(hall.make.pid) == []
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", front_port), timeout=2):
        pass
    assert "every process of the hall has exited" in hall.output()
