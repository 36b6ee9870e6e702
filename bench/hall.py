"""Capacity of the lecture hall: slider changes per second and p95 for 1, 2 and N app processes behind HAProxy.

For each process count it starts the hall as `make hall` does (deploy/hall.py: the app processes and HAProxy, here
on loopback) and sends a crowd of sessions through HAProxy, spread over the lab pages with every result revealed
as a class sees it (every "Skip the question" box and result toggle: bench/pages.py). Once every session is open
and revealed, all of them make several slider changes at once: the changes per second of that phase are the
capacity, and each change's round trip (rerun sent to "script finished") gives the p50 and p95. The same crowd
runs twice: on cold caches, then again on warm ones (each process holds its own st.cache_data, so the second pass
shows what a cache shared by every process could at most save). One process served directly, without HAProxy,
is the reference, measured in the same run.

From the throughput it prints a sizing rule: students per process at 70 % of the capacity, each moving a slider
every 5 seconds. The client runs on the same machine and takes CPU too, and the figures are as noisy as the
machine is busy: run it on an otherwise idle machine.

    python -m bench.hall [--processes 1,2,4] [--sessions 30] [--changes 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from pathlib import Path

from bench.load import PAGES, reveal, rss_mb
from bench.protocol import Session
from bench.serve import free_port, streamlit_server
from deploy.hall import hall

SECONDS_BETWEEN_MOVES = 5.0  # "a student moving a slider every few seconds"
HEADROOM = 0.7  # run at 70 % of the capacity: beyond it the queue, and p95, grow fast


def plan(sessions: int) -> list[tuple]:
    """`sessions` sessions spread evenly over the lab pages: (page, slider key, values)."""
    return [(p, *PAGES[p]) for p in list(PAGES) * (sessions // len(PAGES) + 1)][:sessions]


async def warm_up(url: str, n: int) -> None:
    """One first visit per process (leastconn spreads them): the app shell's one-off setup is not measured."""
    sessions = [Session(url, "") for _ in range(n)]
    await asyncio.gather(*(s.open() for s in sessions))
    await asyncio.gather(*(s.close() for s in sessions))


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of proc(5)
    return total / os.sysconf("SC_CLK_TCK")


async def crowd(url: str, pids: list[int], sessions: int, changes: int) -> dict:
    """Open and reveal every session first (not timed), then all of them make `changes` slider changes at once.

    Besides the wall clock, the servers' own CPU time per change: it moves much less with the machine's load."""
    students = [(Session(url, page), key, values) for page, key, values in plan(sessions)]
    await asyncio.gather(*(_open_and_reveal(s) for s, _key, _values in students))
    start, cpu = time.perf_counter(), cpu_seconds(pids)
    times = await asyncio.gather(
        *(_move(s, key, values, changes, start_at=i) for i, (s, key, values) in enumerate(students))
    )
    wall, cpu = time.perf_counter() - start, cpu_seconds(pids) - cpu
    await asyncio.gather(*(s.close() for s, _key, _values in students))
    flat = [t for ts in times for t in ts]
    return {
        "throughput": len(flat) / wall,
        "cpu_per_change": cpu / len(flat),
        "p50": statistics.median(flat),
        "p95": statistics.quantiles(flat, n=20)[18],
        "errors": sum(s.errors for s, _key, _values in students),
    }


async def _open_and_reveal(s: Session) -> None:
    await s.open()
    await reveal(s, s.page)


async def _move(s: Session, key: str, values: list, changes: int, start_at: int) -> list[float]:
    return [await s.set(key, values[(start_at + i) % len(values)]) for i in range(changes)]


def _line(label: str, r: dict) -> str:
    return (
        f"  {label:22s} {r['throughput']:6.1f} changes/s   p50 {r['p50'] * 1000:6.0f} ms   "
        f"p95 {r['p95'] * 1000:6.0f} ms   server CPU {r['cpu_per_change'] * 1000:4.0f} ms a change   "
        f"errors {r['errors']}"
    )


def measure(url: str, pids: list[int], processes: int, sessions: int, changes: int) -> tuple[dict, dict]:
    asyncio.run(warm_up(url, processes))
    cold = asyncio.run(crowd(url, pids, sessions, changes))
    warm = asyncio.run(crowd(url, pids, sessions, changes))
    return cold, warm


def main(counts: list[int], sessions: int, changes: int) -> None:
    print(f"{sessions} sessions at once over {len(PAGES)} lab pages, results revealed, {changes} slider changes each")
    print(f"machine: {os.cpu_count()} cores (shared with whatever else runs: the figures move with its load)\n")
    with streamlit_server() as (url, proc):
        cold, warm = measure(url, [proc.pid], 1, sessions, changes)
        print(f"1 process, no HAProxy (reference)   {rss_mb(proc.pid):.0f} MB")
        print(_line("cold caches", cold))
        print(_line("warm caches", warm))
    results = {}
    for k in counts:
        with hall(k, free_port(), address="127.0.0.1") as h:
            cold, warm = measure(h.url, [h.haproxy.pid, *(a.proc.pid for a in h.apps)], k, sessions, changes)
            spread = sorted(int(row["stot"]) for row in h.stats().values())
            memory = sum(rss_mb(a.proc.pid) for a in h.apps)
        results[k] = cold
        label = f"{k} process{'es' if k > 1 else ''} behind HAProxy"
        print(f"\n{label}   {memory:.0f} MB in all   connections per process {spread}")
        print(_line("cold caches", cold))
        print(_line("warm caches", warm))

    print_sizing(results)


def print_sizing(results: dict[int, dict]) -> None:
    """Students per process (and per core) at HEADROOM of the capacity, each moving a slider every few seconds."""
    cores = os.cpu_count() or 1
    best = max(results, key=lambda k: results[k]["throughput"])
    k0 = max((k for k in results if k <= cores), default=min(results))  # the most processes that each get a core
    by_clock = results[k0]["throughput"] / k0
    by_cpu = 1.0 / results[k0]["cpu_per_change"]  # what one core does when nothing else wants it
    plural = "es" if best > 1 else ""
    print(f"\nmost changes/s with {best} process{plural}: {results[best]['throughput']:.1f} (cold caches)")
    for how, rate in (("wall clock", by_clock), ("server CPU time", by_cpu)):
        students = HEADROOM * rate * SECONDS_BETWEEN_MOVES
        print(
            f"sizing rule ({how}): one process per core serves about {students:.0f} students moving a slider every "
            f"{SECONDS_BETWEEN_MOVES:.0f} s ({HEADROOM:.0%} of {rate:.1f} changes/s per core, cold caches)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", default="1,2,4", help="process counts to measure, comma-separated")
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--changes", type=int, default=4)
    args = parser.parse_args()
    main([int(k) for k in args.processes.split(",")], args.sessions, args.changes)
