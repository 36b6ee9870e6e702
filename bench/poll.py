"""The class poll under a room of simulated students: votes per second and what the live views cost.

    python -m bench.poll                       # SQLite in a temp dir
    DATABASE_URL=postgresql://... python -m bench.poll      # and the same against PostgreSQL
    python -m bench.poll --students 300 --questions 3 --threads 8 --processes 2

Figures (medians where a time is per call):
- votes/s: every student answers every question once, then changes one answer; one thread, then
  --threads threads in one process (a Streamlit server's sessions), then --processes processes (the
  load-balanced setup) sharing the database.
- the teacher's refresh: what the teacher's fragment does every 2 s for one question (read the counts,
  build the chart spec, serialise it), and the same read alone.
- the students' watch: one room-state read per student every 2 s; the share of one core that a whole
  room's watch costs.
- the per-address limit on new voters (NEW_VOTERS), on a simulated clock: a hall of --students behind one
  address (everyone answering in the same second, or over a minute; a held-back page retries every 2 s)
  against one client making 500 fresh sessions in 30 s: when the hall is all counted, how many the bot got in.
On a shared machine these move with the other load: run it twice and read the spread.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from ui.poll.store import NEW_VOTERS, PollStore, SourceBusy
from ui.poll.view import REFRESH_S, spread_spec

OPTIONS = ["It settles at the true w = 1", "It oscillates around 1", "It stops at 12", "It never stops"]


def voter(i: int) -> str:
    return f"bench-student-{i:06d}"


def vote_all(url: str, code: str, students: range, questions: int) -> int:
    """Each student answers each question, then changes its first answer: the votes sent."""
    store = PollStore(url)
    sent = 0
    for i in students:
        for q in range(questions):
            store.answer(code, voter(i), f"q{q}", OPTIONS[(i + q) % len(OPTIONS)])
            sent += 1
        store.answer(code, voter(i), "q0", OPTIONS[(i + 1) % len(OPTIONS)])
        sent += 1
    store.close_connections()
    return sent


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def votes_per_second(url: str, students: int, questions: int, threads: int, processes: int) -> dict[str, float]:
    owner = PollStore(url)
    out = {}
    room = owner.create_room()
    n = students * (questions + 1)
    out["1 thread"] = n / _timed(vote_all, url, room.code, range(students), questions)

    room = owner.create_room()
    parts = [range(k, students, threads) for k in range(threads)]
    workers = [threading.Thread(target=vote_all, args=(url, room.code, p, questions)) for p in parts]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out[f"{threads} threads"] = n / (time.perf_counter() - start)
    assert sum(owner.counts(room.code, "q0", teacher_key=room.teacher_key).values()) == students

    room = owner.create_room()
    parts = [range(k, students, processes) for k in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        pool.map(voter, range(processes * 4))  # the workers import this module first, outside the timing
        start = time.perf_counter()
        sent = sum(pool.starmap(vote_all, [(url, room.code, p, questions) for p in parts]))
        out[f"{processes} processes"] = sent / (time.perf_counter() - start)
    assert sum(owner.counts(room.code, "q1", teacher_key=room.teacher_key).values()) == students
    owner.close_connections()
    return out


def view_costs(url: str, students: int, questions: int, repeats: int) -> dict[str, float]:
    store = PollStore(url)
    room = store.create_room()
    vote_all(url, room.code, range(students), questions)

    def teacher_refresh() -> None:
        counts = store.counts(room.code, "q0", teacher_key=room.teacher_key)
        json.dumps(spread_spec(counts, OPTIONS))

    refresh = [_timed(teacher_refresh) for _ in range(repeats)]
    read = [_timed(lambda: store.counts(room.code, "q0", teacher_key=room.teacher_key)) for _ in range(repeats)]
    watch = [_timed(store.state, room.code) for _ in range(repeats)]
    store.close_connections()
    watch_ms = statistics.median(watch) * 1e3
    return {
        "teacher refresh, ms": statistics.median(refresh) * 1e3,
        "  of which the counts read, ms": statistics.median(read) * 1e3,
        "one student's watch read, ms": watch_ms,
        f"whole room's watch, % of a core ({students} reads / {REFRESH_S:g} s)": watch_ms * students / REFRESH_S / 10,
    }


class _Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def one_address(url: str, arrivals: list[float], retry_s: float = REFRESH_S) -> list[float]:
    """Voters behind one address, each first answering at its arrival (seconds after the question) and, while
    held back, again every retry_s (the page's room watch), on a simulated clock: the times each was counted."""
    clock = _Clock()
    store = PollStore(url, clock=clock)
    room = store.create_room(guarded=True)
    start, waiting, counted = clock.now, sorted((t, i) for i, t in enumerate(arrivals)), []
    while waiting:
        at, i = waiting.pop(0)
        clock.now = start + at
        try:
            store.answer(room.code, voter(i), "q0", OPTIONS[0], source="203.0.113.7")
        except SourceBusy:
            waiting.append((at + retry_s, i))
            waiting.sort()
        else:
            counted.append(at)
    store.close_connections()
    return counted


def hall_vs_bot(url: str, students: int) -> dict[str, float]:
    at_once = one_address(url, [0.0] * students)
    over_a_minute = one_address(url, [k * 60 / students for k in range(students)])
    bot = one_address(url, [k * 30 / 500 for k in range(500)])
    return {
        f"a hall of {students} answering at once: all counted after, s": max(at_once),
        f"a hall of {students} answering over a minute: all counted after, s": max(over_a_minute),
        "one client, 500 fresh sessions in 30 s: counted in those 30 s": sum(t <= 30 for t in bot),
        "  ... and all 500 counted after, s": max(bot),
    }


def report(name: str, url: str, args) -> None:
    print(f"\n{name}: a room of {args.students} students, {args.questions} questions")
    for label, value in votes_per_second(url, args.students, args.questions, args.threads, args.processes).items():
        print(f"  votes/s, {label:<14} {value:10.0f}")
    for label, value in view_costs(url, args.students, args.questions, args.repeats).items():
        print(f"  {label:<58} {value:8.3f}")
    print(f"  new voters from one address: {NEW_VOTERS.size:g} at once, then {NEW_VOTERS.per_s:g} a second")
    for label, value in hall_vs_bot(url, args.students).items():
        print(f"  {label:<66} {value:6.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    print(f"bench.poll on {os.cpu_count()} cores (shared machines: figures move with the other load)")
    with tempfile.TemporaryDirectory() as tmp:
        report("SQLite (WAL)", str(Path(tmp) / "poll.sqlite3"), args)
    if os.environ.get("DATABASE_URL"):
        report("PostgreSQL", os.environ["DATABASE_URL"], args)


if __name__ == "__main__":
    main()
