"""A lecture hall on one machine: N Streamlit processes of the app behind HAProxy, on one port.

    make hall N=4          # or: python deploy/hall.py --processes 4 [--port 8501] [--address 0.0.0.0]

Each process serves app.py as `make run` does, on a free port of 127.0.0.1. HAProxy (deploy/haproxy.cfg, its
server block written for N processes) listens on the port `make run` would use and keeps each browser on one
process with a cookie. The URL to share is printed. Ctrl-C (SIGINT to the whole process group) or SIGTERM to this
script stops every process it started. If one app process dies the others keep serving; its students' browsers
reconnect to them. Standard library only, so it runs with any Python that can run the app.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "haproxy.cfg"
SERVERS_BEGIN = "    # servers:"
SERVERS_END = "    # end servers"
HOW_TO_INSTALL = (
    "HAProxy was not found. Install it with the system package manager (Debian/Ubuntu: `sudo apt-get install "
    "haproxy`; macOS: `brew install haproxy`) or set HAPROXY=/path/to/haproxy."
)


def haproxy_path() -> str | None:
    """HAPROXY, else haproxy on PATH, else the sbin directories a user's PATH often lacks."""
    found = os.environ.get("HAPROXY") or shutil.which("haproxy")
    return found or next((p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if os.access(p, os.X_OK)), None)


def render_config(ports: Sequence[int], template: str | None = None) -> str:
    """deploy/haproxy.cfg with its server block written for one process per port, named app1, app2, ..."""
    if not ports:
        raise ValueError("need at least one port")
    lines = (CONFIG.read_text() if template is None else template).splitlines()
    begin = next(i for i, line in enumerate(lines) if line.startswith(SERVERS_BEGIN))
    end = lines.index(SERVERS_END)
    servers = [f"    server app{i} 127.0.0.1:{port} cookie app{i}" for i, port in enumerate(ports, start=1)]
    return "\n".join([*lines[: begin + 1], *servers, *lines[end:]]) + "\n"


def app_command(port: int) -> list[str]:
    """`make run`'s command for one process behind the balancer: loopback only, HAProxy faces the network."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class App:
    name: str
    port: int
    proc: subprocess.Popen


@dataclass
class Hall:
    url: str  # the balancer, as reached from this machine
    stats_url: str
    apps: list[App]
    haproxy: subprocess.Popen

    def stats(self) -> dict[str, dict[str, str]]:
        return read_stats(self.stats_url)


def read_stats(stats_url: str) -> dict[str, dict[str, str]]:
    """HAProxy's counters for each app process: current sessions `scur`, total `stot`, `status` (UP, DOWN), ..."""
    with urllib.request.urlopen(f"{stats_url}/;csv", timeout=5) as r:
        rows = csv.DictReader(io.StringIO(r.read().decode().lstrip("# ")))
        return {row["svname"]: row for row in rows if row["pxname"] == "streamlit" and row["svname"].startswith("app")}


def _check_free(address: str, port: int) -> None:
    """Fail before starting anything when the port is taken (a `make run` on it, say): HAProxy could not bind it."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as HAProxy binds: only a listener is in the way
        try:
            s.bind(("0.0.0.0" if address in ("", "*") else address, port))
        except OSError as why:
            raise RuntimeError(f"{address}:{port} is not free ({why.strerror}): set STREAMLIT_SERVER_PORT") from None


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _wait_until_healthy(url: str, procs: Sequence[subprocess.Popen], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        exited = [p.returncode for p in procs if p.poll() is not None]
        if not exited and _healthy(url):
            return
        if exited or time.monotonic() > deadline:
            why = f"its process exited with {exited}" if exited else f"nothing within {timeout:.0f} s"
            raise RuntimeError(f"{url} did not answer its health check: {why}")
        time.sleep(0.2)


def _stop(procs: Sequence[subprocess.Popen], grace: float = 10.0) -> None:
    """SIGTERM to every process still running (Streamlit shuts down cleanly on it), SIGKILL after `grace` seconds."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


@contextmanager
def hall(
    processes: int, port: int, address: str = "0.0.0.0", stats_port: int | None = None, timeout: float = 120.0
) -> Iterator[Hall]:
    """Start `processes` app processes and HAProxy in front on address:port; stop them all on exit."""
    if processes < 1:
        raise ValueError(f"need processes >= 1, got {processes}")
    binary = haproxy_path()
    if binary is None:
        raise RuntimeError(HOW_TO_INSTALL)
    _check_free(address, port)
    stats_port = stats_port or free_port()
    started: list[subprocess.Popen] = []
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="l1-hall-") as tmp:
        stack.callback(_stop, started)
        apps = []
        for i in range(1, processes + 1):
            app_port = free_port()
            proc = subprocess.Popen(app_command(app_port), cwd=ROOT, stdout=subprocess.DEVNULL)
            started.append(proc)
            apps.append(App(f"app{i}", app_port, proc))
        for app in apps:
            _wait_until_healthy(f"http://127.0.0.1:{app.port}", [app.proc], timeout)
        cfg = Path(tmp) / "haproxy.cfg"
        cfg.write_text(render_config([a.port for a in apps]))
        env = {**os.environ, "HALL_ADDRESS": address, "HALL_PORT": str(port), "HALL_STATS_PORT": str(stats_port)}
        haproxy = subprocess.Popen([binary, "-db", "-f", str(cfg)], env=env)
        started.append(haproxy)
        local = "127.0.0.1" if address in ("0.0.0.0", "", "*") else address
        front = f"http://{local}:{port}"
        _wait_until_healthy(front, [haproxy], timeout)
        yield Hall(front, f"http://127.0.0.1:{stats_port}", apps, haproxy)


def share_url(address: str, port: int) -> str:
    """The URL students type: this machine's address on its outgoing interface when listening on all of them."""
    if address not in ("0.0.0.0", "", "*"):
        return f"http://{address}:{port}"
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # a UDP connect sends nothing: it only picks the interface
            return f"http://{s.getsockname()[0]}:{port}"
    except OSError:
        return f"http://{socket.gethostname()}:{port}"


def watch(h: Hall, poll_seconds: float = 0.5) -> None:
    """Return when HAProxy or every app process has exited; say so when one app process dies."""
    reported: set[str] = set()
    while h.haproxy.poll() is None:
        for app in h.apps:
            if app.proc.poll() is not None and app.name not in reported:
                reported.add(app.name)
                alive = len(h.apps) - len(reported)
                print(f"{app.name} (port {app.port}) exited with code {app.proc.returncode}; {alive} still serving")
        if len(reported) == len(h.apps):
            print("every app process has exited: stopping")
            return
        time.sleep(poll_seconds)
    print(f"HAProxy exited with code {h.haproxy.returncode}: stopping")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", "-n", type=int, default=4, help="app processes (one per core; default 4)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("STREAMLIT_SERVER_PORT", 8501)))
    parser.add_argument(
        "--address",
        default=os.environ.get("HALL_ADDRESS", "0.0.0.0"),
        help="where HAProxy listens (default 0.0.0.0: the whole network; 127.0.0.1 keeps it on this machine)",
    )
    args = parser.parse_args(argv)
    if haproxy_path() is None:
        print(HOW_TO_INSTALL, file=sys.stderr)
        return 2
    # Ctrl-C and SIGTERM unwind through the context manager, which stops every process it started. SIGINT is set
    # explicitly: a shell starts background jobs with it ignored, and the children would inherit that.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    print(f"starting {args.processes} app process{'es' if args.processes != 1 else ''} and HAProxy ...", flush=True)
    try:
        with hall(args.processes, args.port, args.address) as h:
            for app in h.apps:
                print(f"  {app.name}  pid {app.proc.pid}  http://127.0.0.1:{app.port}")
            print(f"  haproxy  pid {h.haproxy.pid}  sessions per process: {h.stats_url}/ (this machine only)")
            print(f"Share this URL: {share_url(args.address, args.port)}   (Ctrl-C stops everything)", flush=True)
            watch(h)
    except KeyboardInterrupt:
        print("stopping: every process of the hall has exited")
        return 130
    except RuntimeError as why:  # a process that did not start (a port in use: HAProxy says which above)
        print(f"the hall did not start: {why}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
