"""Load benchmark over Streamlit's own browser protocol (protobuf BackMsg/ForwardMsg on /_stcore/stream).

It serves the app and a floor app (bench/floor_app.py: one slider, one 200-point line, one line of text)
with the same Streamlit, and reports in one run, every page with its results revealed as a class sees it
(every "Skip the question" box ticked and every result toggle on: bench/pages.py):
  1. per page, the median round trip of a slider change in one session, as a ratio to the floor's, and to
     the floor with the app's one process-level setting (bench/floor_app_frozen.py: imports frozen);
  2. 30 concurrent sessions spread over the pages, each making several changes: throughput, p50, p95
     and errors, as ratios to the frozen floor app under the same load;
  3. the server's memory per open session.
A round trip is the time from sending the rerun to receiving "script finished": what a browser waits for.

On loopback (64 KB segments), a rerun whose output passes about 64 KB stalls for 40 ms: the server has
written everything, and the next bytes wait for the client's delayed acknowledgement (measured: with
TCP_QUICKACK on the client the stall is gone). No server work causes it, a browser on another machine
with ordinary 1.5 KB segments does not meet it, and it would swamp the differences measured here, so
the client acknowledges every read at once (TCP_QUICKACK, Linux). `--delayed-ack` measures with it.

    python -m bench.load [--sessions 30] [--changes 6] [--delayed-ack]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import time

from bench import protocol
from bench.pages import FLOOR_SLIDER, MAIN_SLIDER, REVEAL, unlisted_reveals
from bench.protocol import Session
from bench.serve import streamlit_server

# page -> (the slider a student moves, the values it moves through)
PAGES = {page: (key, values) for page, (key, _, values) in MAIN_SLIDER.items()}
FLOOR = ("", FLOOR_SLIDER[0], FLOOR_SLIDER[2])


class MissingReveal(Exception):
    """A page no longer draws a widget bench/pages.py reveals, or draws a reveal it does not list."""


async def reveal(s: Session, page: str) -> None:
    """Tick every Skip box and result toggle of `page`, in order (a later one appears once the one before is on)."""
    for key in REVEAL.get(page, ()):
        if key not in s.ids:
            raise MissingReveal(f"{page} draws no widget {key!r}: update bench/pages.py")
        await s.set(key, True)
    extra = unlisted_reveals(page, s.ids)
    if extra:
        raise MissingReveal(f"{page} draws reveals bench/pages.py does not list: {extra}")


def rss_mb(pid: int) -> float:
    out = subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True, check=True).stdout
    return int(out.strip()) / 1024


async def one_session(
    url: str, page: str, key: str, values: list, changes: int, start_at: int = 0
) -> tuple[list[float], int]:
    s = Session(url, page)
    await s.open()
    await reveal(s, page)
    times = [await s.set(key, values[(start_at + i) % len(values)]) for i in range(changes)]
    await s.close()
    return times, s.errors


async def crowd(url: str, plan: list[tuple], changes: int) -> dict:
    """Open every session of `plan` at once; each makes `changes` slider changes."""
    start = time.perf_counter()
    results = await asyncio.gather(
        *(one_session(url, page, key, values, changes, start_at=i) for i, (page, key, values) in enumerate(plan)),
        return_exceptions=True,
    )
    wall = time.perf_counter() - start
    times = [t for r in results if not isinstance(r, BaseException) for t in r[0]]
    errors = sum(r[1] if not isinstance(r, BaseException) else 1 for r in results)
    q = statistics.quantiles(times, n=20) if len(times) >= 2 else [float("nan")] * 19
    return {
        "throughput": len(times) / wall,
        "p50": statistics.median(times),
        "p95": q[18],
        "errors": errors,
        "changes": len(times),
    }


async def memory_per_session(url: str, pid: int, n: int) -> float:
    warm = Session(url, "signed_l1")
    await warm.open()
    await reveal(warm, "signed_l1")
    before = rss_mb(pid)
    sessions = []
    for i in range(n):
        page, (key, values) = list(PAGES.items())[i % len(PAGES)]
        s = Session(url, page)
        await s.open()
        await reveal(s, page)
        await s.set(key, values[i % len(values)])
        sessions.append(s)
    after = rss_mb(pid)
    for s in [warm, *sessions]:
        await s.close()
    return (after - before) / n


async def _floors(floor_url: str, frozen_url: str, n: int, start_at: int) -> tuple[list[float], list[float]]:
    """Round trips of `n` floor slider changes: the stock floor app's, then the frozen floor app's."""
    stock = (await one_session(floor_url, *FLOOR, n, start_at=start_at))[0]
    return stock, (await one_session(frozen_url, *FLOOR, n, start_at=start_at))[0]


def _print_per_page(n: int, floor_med: float, frozen_med: float, pages: dict[str, tuple[list[float], int]]) -> None:
    print(f"one session, results revealed, median round trip of a slider change ({n} distinct values, cold caches)")
    print(f"  {'':28s} {'':10s} {'x floor':>8s} {'x frozen floor':>15s}   (floors: before and after the pages)")
    print(f"  {'floor app':28s} {floor_med * 1000:7.1f} ms {1:8.2f}x")
    print(f"  {'floor app, imports frozen':28s} {frozen_med * 1000:7.1f} ms {frozen_med / floor_med:8.2f}x {1:14.2f}x")
    for page, (times, errors) in pages.items():
        med = statistics.median(times)
        print(
            f"  {page:28s} {med * 1000:7.1f} ms {med / floor_med:8.2f}x {med / frozen_med:14.2f}x"
            f"   (slider {PAGES[page][0]}; errors {errors})"
        )


async def _per_page(app_url: str, floor_url: str, frozen_url: str, n: int) -> None:
    """1. Per page, one session's median round trip over `n` slider values, as ratios to the two floors."""
    # the floors before the pages and after them, pooled: the machine's load drifts
    stock, frozen = await _floors(floor_url, frozen_url, n, 0)
    pages = {page: await one_session(app_url, page, key, values, n) for page, (key, values) in PAGES.items()}
    stock_after, frozen_after = await _floors(floor_url, frozen_url, n, n)
    floor_med, frozen_med = statistics.median(stock + stock_after), statistics.median(frozen + frozen_after)
    _print_per_page(n, floor_med, frozen_med, pages)


def _print_concurrent(sessions: int, changes: int, floor_load: dict, app_load: dict) -> None:
    print(
        f"\n{sessions} concurrent sessions, {changes} changes each (app: spread over {len(PAGES)} pages, "
        "results revealed)"
    )
    for name, r in (("frozen floor", floor_load), ("L1 Descent Lab", app_load)):
        print(
            f"  {name:16s} throughput {r['throughput']:6.1f} changes/s   p50 {r['p50'] * 1000:7.1f} ms   "
            f"p95 {r['p95'] * 1000:7.1f} ms   errors {r['errors']}   ({r['changes']} changes)"
        )
    print(
        f"  ratios: throughput {app_load['throughput'] / floor_load['throughput']:.2f}x (target >= 0.8)   "
        f"p50 {app_load['p50'] / floor_load['p50']:.2f}x   p95 {app_load['p95'] / floor_load['p95']:.2f}x "
        "(target <= 3)"
    )


async def _concurrent(app_url: str, frozen_url: str, sessions: int, changes: int) -> None:
    """2. `sessions` sessions at once spread over the pages, against as many on the frozen floor app."""
    plan = [(p, *PAGES[p]) for p in list(PAGES) * (sessions // len(PAGES) + 1)][:sessions]
    floor_load = await crowd(frozen_url, [FLOOR] * sessions, changes)  # the stricter floor
    app_load = await crowd(app_url, plan, changes)
    _print_concurrent(sessions, changes, floor_load, app_load)


async def main(sessions: int, changes: int) -> None:
    with (
        streamlit_server("bench/floor_app.py") as (floor_url, _),
        streamlit_server("bench/floor_app_frozen.py") as (frozen_url, _),
        streamlit_server() as (app_url, app_proc),
    ):
        await one_session(app_url, "", "present", [False], 1)  # first load: the app shell's one-off setup
        await _per_page(app_url, floor_url, frozen_url, changes * 2)
        await _concurrent(app_url, frozen_url, sessions, changes)
        mb = await memory_per_session(app_url, app_proc.pid, sessions)
        print(f"\nmemory: {mb:.2f} MB of server RSS per open session ({sessions} sessions; target < 10 MB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--changes", type=int, default=6)
    parser.add_argument(
        "--delayed-ack", action="store_true", help="let the client delay its TCP acknowledgements (see the doc)"
    )
    args = parser.parse_args()
    protocol.QUICKACK = protocol.QUICKACK and not args.delayed_ack
    print(
        f"client acknowledges {'at once (TCP_QUICKACK)' if protocol.QUICKACK else 'as the kernel likes (delayed ACK)'}"
    )
    asyncio.run(main(args.sessions, args.changes))
