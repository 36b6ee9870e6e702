"""What a class waits for in Chromium: slider released to every chart redrawn, every lab page with its results
revealed (every Skip box ticked and every result toggle on: bench/pages.py), against the frozen floor app
(bench/floor_app_frozen.py) and a draw-only copy of each page (bench/draw_only_app.py), all served in this run.

Every slider on a page is moved `--moves` times by the keyboard (ArrowRight, or ArrowLeft from its maximum: each
press a value not seen before, so no cache helps). A move's time runs from the key press to the last chart it
redrew: an init script notes every change Vega makes to a chart's svg (or canvas) once the task that made it has
run (headless Chromium paints on demand, so an animation frame would time the bench, not the page). A move has
ended once the script has finished and no chart has changed for `QUIET_MS`: every chart counts, not just the
first. Each page's main slider (bench/pages.py) is moved first, from its default; then the same values are played
to its draw-only copy: the charts the page sent at those values, captured over Streamlit's protocol, served by a
script that computes nothing. The floor is measured before and after the pages (load drifts); both are pooled.

    python -m bench.browser [--pages outliers landscape] [--moves 5] [--main-only]
    python -m bench.browser --follow [--moves 5]

`--follow` times the pages whose chart carries its own slider (bench/pages.py FOLLOW_SLIDER, ui/follow.py) the way a
hand uses it: each move drags the slider 6 values, a frame apart (bench/follow.py), and prints the median time from
an input event to the chart's redraw against the frozen floor's release-to-redraw (same run; the issue's target is
at most 0.4x), the messages the page sent while the hand moved (target 0), the time from the last input to the
chart's description of the run being true for the new value (the page's words, target 0.5 s), and the first load
(the page opened, its first run finished and every chart drawn) against the floor's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import pickle
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

from bench import follow
from bench.load import reveal
from bench.pages import FLOOR_SLIDER, FOLLOW_SLIDER, LAB_PAGES, MAIN_SLIDER, REVEAL
from bench.protocol import Session
from bench.serve import CHROMIUM_ARGS, chromium_path, new_tab, rerun, streamlit_server, wait_for_app, wait_for_run

QUIET_MS = 500  # a move has ended when no chart has drawn for this long after the script finished
HOOK = """(() => {
    window.__draws = []; window.__t0 = null; let next = 0;
    const element = n => (n.nodeType === 1 ? n : n.parentElement);
    const chartOf = n => element(n) && element(n).closest('[data-testid="stVegaLiteChart"]');
    const note = chart => {
        if (chart.__bench === undefined) chart.__bench = next++;
        queueMicrotask(() => window.__draws.push([performance.now(), chart.__bench]));
    };
    // Vega's SVG renderer (Streamlit's) edits the svg in place, or a new chart adds one
    new MutationObserver(records => {
        const seen = new Set();
        for (const r of records) {
            const chart = chartOf(r.target);
            if (!chart || seen.has(chart)) continue;
            const drew = element(r.target).closest('svg')
                || [...r.addedNodes].some(n => n.nodeType === 1 && (n.tagName === 'svg' || n.querySelector('svg')));
            if (drew) { seen.add(chart); note(chart); }
        }
    }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
    // the canvas renderer starts every render with clearRect
    const clear = CanvasRenderingContext2D.prototype.clearRect;
    CanvasRenderingContext2D.prototype.clearRect = function (...args) {
        note(chartOf(this.canvas) || this.canvas);
        return clear.apply(this, args);
    };
    document.addEventListener('keydown', () => { window.__t0 = performance.now(); window.__draws = []; }, true);
})();"""
STATE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const draws = window.__draws || [];
    return {
        running: !app || app.getAttribute('data-test-script-state') === 'running',
        now: performance.now(), t0: window.__t0,
        last: draws.length ? Math.max(...draws.map(d => d[0])) : null,
        charts: new Set(draws.map(d => d[1])).size,
    };
}"""
SLIDERS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] input[type="range"]')).map(el => {
    const box = el.closest('[class*="st-key-"]');
    const key = box ? [...box.classList].find(c => c.startsWith('st-key-')).slice(7) : null;
    return {key, disabled: el.disabled};
}).filter(s => s.key)"""


def _thumb(page, key: str):
    return page.locator(f'[data-testid="stMain"] .st-key-{key} input[type="range"]').first


def move(page, key: str) -> tuple[float | None, int]:
    """Press an arrow key on slider `key`; seconds to the last chart painted (None if no chart drew) and how many
    charts drew."""
    thumb = _thumb(page, key)
    at_max = thumb.evaluate("el => Number(el.value) >= Number(el.max) - 1e-9")
    thumb.focus()
    page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        s = page.evaluate(STATE)
        if s["t0"] is not None and not s["running"] and s["now"] - max(s["last"] or 0, s["t0"]) > QUIET_MS:
            return ((s["last"] - s["t0"]) / 1000 if s["last"] else None), s["charts"]
        page.wait_for_timeout(25)
    raise TimeoutError(f"slider {key}: the page did not settle")


def time_slider(page, key: str, moves: int) -> tuple[list[float], list[int]]:
    times, charts = [], []
    for _ in range(moves):
        seconds, drawn = move(page, key)
        if seconds is not None:
            times.append(seconds)
        charts.append(drawn)
        wait_for_app(page, quiet_polls=2)
    return times, charts


_OPEN_FOLD = "el => { const d = el.closest('details'); if (d && !d.open) d.querySelector('summary').click(); }"


def reveal_in_browser(page, page_name: str) -> None:
    """Tick the page's reveals as a student would (opening a folded expander first)."""
    for key in REVEAL[page_name]:
        box = page.locator(f'[data-testid="stMain"] .st-key-{key}').first
        box.wait_for(state="attached", timeout=30_000)
        box.evaluate(_OPEN_FOLD)
        if not box.locator("input").first.is_checked():
            box.locator("label").first.click()
        wait_for_app(page)


class _Capture(Session):
    """A protocol session that keeps the charts and the slider definitions each run sends."""

    charts: list
    sliders: dict

    def _note(self, element) -> None:
        super()._note(element)
        kind = element.WhichOneof("type")
        if kind == "vega_lite_chart":
            c = element.vega_lite_chart
            self.charts.append((json.loads(c.spec), {d.name: d.data.data for d in c.datasets}, c.alt))
        elif kind == "slider":
            self.sliders[element.slider.id.split("-", 2)[-1]] = element.slider

    async def run_and_keep(self, key: str | None = None, value: float | None = None) -> list:
        self.charts, self.sliders = [], getattr(self, "sliders", {})
        await (self.set(key, value) if key else self.rerun())
        return self.charts


async def capture(app_url: str, page_name: str, moves: int, folder: Path) -> None:
    """The charts `page_name` sends, revealed, at its main slider's default and the next `moves` values up."""
    key = MAIN_SLIDER[page_name][0]
    shell = Session(app_url, "")  # a fresh server's first run goes through app.py (ui.layout.header)
    await shell.open()
    await shell.close()
    s = _Capture(app_url, page_name)
    s.charts, s.sliders = [], {}
    await s.open()
    await reveal(s, page_name)
    proto = s.sliders[key]
    lo, hi, step, default = proto.min, proto.max, proto.step, proto.default[0]
    charts = {default: await s.run_and_keep()}
    for i in range(1, moves + 1):
        value = round(min(hi, default + i * step), 10)
        charts[value] = await s.run_and_keep(key, value)
    await s.close()
    slider = {"key": key, "label": proto.label, "min": lo, "max": hi, "step": step, "default": default}
    (folder / f"{page_name}.pickle").write_bytes(pickle.dumps({"slider": slider, "charts": charts}))


def _open(tab, url: str, page_name: str | None = None) -> None:
    tab.goto(url)
    wait_for_app(tab)
    if page_name:
        reveal_in_browser(tab, page_name)


def _ms(values: list[float]) -> float:
    return statistics.median(values) * 1000 if values else float("nan")


def _time_page(tab, app_url: str, draw_url: str, name: str, moves: int, *, main_only: bool) -> tuple:
    """(page, main slider, {slider: (times, charts drawn)}, the draw-only copy's (times, charts drawn))."""
    main_key = MAIN_SLIDER[name][0]
    _open(tab, f"{app_url}/{name}", name)
    results = {main_key: time_slider(tab, main_key, moves)}  # first, from its default: the values captured
    if not main_only:
        for s in tab.evaluate(SLIDERS):
            if s["key"] not in results and not s["disabled"]:
                results[s["key"]] = time_slider(tab, s["key"], moves)
    _open(tab, f"{draw_url}/?page={name}")
    return name, main_key, results, time_slider(tab, main_key, moves)


def main(pages: list[str], moves: int, main_only: bool) -> None:
    folder = Path(tempfile.mkdtemp(prefix="l1_draw_"))
    os.environ["L1_DRAW_CAPTURES"] = str(folder)  # the draw-only server inherits it
    with (
        streamlit_server("bench/floor_app_frozen.py") as (floor_url, _),
        streamlit_server() as (app_url, _),
        streamlit_server("bench/draw_only_app.py") as (draw_url, _),
    ):
        for name in pages:  # before Playwright: its sync API keeps an event loop running
            asyncio.run(capture(app_url, name, moves, folder))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(HOOK)
            tab = context.new_page()
            _open(tab, floor_url)
            floor = time_slider(tab, FLOOR_SLIDER[0], max(moves, 5))[0]
            rows = [_time_page(tab, app_url, draw_url, name, moves, main_only=main_only) for name in pages]
            _open(tab, floor_url)
            floor += time_slider(tab, FLOOR_SLIDER[0], max(moves, 5))[0]
            browser.close()
    report(rows, floor, moves)


def report(rows: list, floor: list[float], moves: int) -> None:
    f = _ms(floor)
    print(f"Chromium, slider released to every chart redrawn, results revealed, median of {moves} moves per slider")
    print(f"(machine shared: read the ratios; frozen floor {f:.0f} ms, median of {len(floor)} moves before and after)")
    print(
        f"  {'page':24s} {'main slider':>12s} {'x floor':>8s} {'draw-only':>10s} {'x floor':>8s} {'page/draw':>9s}"
        f"   {'every slider: median, worst (slider)':s}"
    )
    for name, main_key, results, draw in rows:
        page_ms, draw_ms = _ms(results[main_key][0]), _ms(draw[0])
        per = {k: _ms(t) for k, (t, _) in results.items() if t}
        all_moves = [t for times, _ in results.values() for t in times]
        worst = max(per, key=per.get) if per else "-"
        print(
            f"  {name:24s} {page_ms:9.0f} ms {page_ms / f:7.2f}x {draw_ms:7.0f} ms {draw_ms / f:7.2f}x "
            f"{page_ms / draw_ms:8.2f}x   {_ms(all_moves) / f:.2f}x, {per.get(worst, float('nan')) / f:.2f}x ({worst})"
        )
    print("\n  per slider (median ms, x floor, charts redrawn per move):")
    for name, _, results, _ in rows:
        cells = [
            f"{k} {_ms(t):.0f} {_ms(t) / f:.1f}x {statistics.median(c) if c else 0:g}" for k, (t, c) in results.items()
        ]
        print(f"  {name}: " + "; ".join(cells))


DRAG_STEPS = 6  # values per drag
_DESCRIPTION = """([key, before]) => {
    const p = document.querySelector(`.st-key-follow-${key} .l1-chart-text`);
    return p && p.innerText !== before ? performance.now() : false;
}"""


def _first_load(tab, url: str) -> float:
    """Seconds from opening `url` to its first run finished with every chart drawn (bench.serve.wait_for_run)."""
    t0 = time.perf_counter()
    tab.goto(url)
    wait_for_run(tab)
    return time.perf_counter() - t0


def _load_and_reveal(tab, url: str, name: str) -> tuple[float, float]:
    """Seconds to the page's first screen, and then to every result revealed (each reveal's rerun finished with every
    chart drawn): the second carries the chart's family."""
    load = _first_load(tab, url)
    t0 = time.perf_counter()
    for reveal_key in REVEAL[name]:
        box = tab.locator(f'[data-testid="stMain"] .st-key-{reveal_key}').first
        box.evaluate(_OPEN_FOLD)  # a reveal inside a folded expander (the noise page's heatmap)
        with rerun(tab):
            box.locator("label").first.click()
    return load, time.perf_counter() - t0


def _loads(tab, url: str, name: str) -> list[tuple[float, float]]:
    _load_and_reveal(tab, url, name)  # the first visit compiles the page and fills the caches
    return [_load_and_reveal(tab, url, name) for _ in range(3)]


def _follow_page(tab, app_url: str, name: str, moves: int) -> dict:
    """Drag the page's chart slider `moves` times (up, then down, ...): each step's redraw, the sends while the hand
    moved, and the time from the last input to the words being true for the new value."""
    key = FOLLOW_SLIDER[name]
    loads = _loads(tab, f"{app_url}/{name}", name)
    tab.locator(f".st-key-follow-{key}").scroll_into_view_if_needed()
    redraws, sends, moving, stalled, follows = [], 0, 0, 0, []
    for i in range(moves):
        before = tab.locator(f".st-key-follow-{key} .l1-chart-text").inner_text()
        with rerun(tab):
            moved = follow.drag(tab, key, DRAG_STEPS if i % 2 == 0 else -DRAG_STEPS)
            last_input = tab.evaluate("() => performance.now()") - 0  # the drag returns a frame after its last input
            done = tab.wait_for_function(_DESCRIPTION, arg=[key, before], polling="raf", timeout=30_000).json_value()
        redraws += [t / 1000 for t in moved["times"] if t is not None]
        sends += moved["sends"]
        unclear = follow.sent_while_moving(moved)
        moving += len(unclear) if unclear is not None else 0
        stalled += unclear is None
        follows.append((done - last_input) / 1000)
    return {
        "redraws": redraws,
        "sends": sends,
        "moving": moving,
        "stalled": stalled,
        "follows": follows,
        "loads": loads,
        "drags": moves,
    }


def main_follow(pages: list[str], moves: int, baseline: str | None) -> None:
    """`baseline`: a checkout of the app before its charts followed the hand (`git archive <commit> | tar -x -C
    DIR`), served in the same run for the first load's "x before" (the issue's target: at most 1.5x)."""
    with contextlib.ExitStack() as stack:
        floor_url, _ = stack.enter_context(streamlit_server("bench/floor_app_frozen.py"))
        app_url, _ = stack.enter_context(streamlit_server())
        before_url = stack.enter_context(streamlit_server(f"{baseline}/app.py"))[0] if baseline else None
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            tab = new_tab(browser, viewport={"width": 1280, "height": 900})
            tab.context.add_init_script(HOOK)
            follow.install(tab.context)
            _open(tab, floor_url)
            floor = time_slider(tab, FLOOR_SLIDER[0], max(moves, 5))[0]
            floor_loads = [_first_load(tab, floor_url) for _ in range(3)]
            rows = {name: _follow_page(tab, app_url, name, moves) for name in pages}
            for name in pages if before_url else ():
                rows[name]["before"] = _loads(tab, f"{before_url}/{name}", name)
            _open(tab, floor_url)
            floor += time_slider(tab, FLOOR_SLIDER[0], max(moves, 5))[0]
            floor_loads += [_first_load(tab, floor_url) for _ in range(3)]
            browser.close()
    f, fl = _ms(floor), _ms(floor_loads)
    print(f"Chromium, a chart's own slider dragged {DRAG_STEPS} values a frame apart, {moves} drags per page")
    print(f"(machine shared: read the ratios; frozen floor: release to redraw {f:.0f} ms, first load {fl:.0f} ms)")
    print(
        f"  {'page':12s} {'redraw/step':>11s} {'x floor':>8s} {'sends/drag':>10s} {'moving':>9s} {'words true':>10s} "
        f"{'worst':>6s} {'first load':>10s} {'x floor':>8s} {'x before':>8s} {'revealed':>9s} {'x before':>8s}"
    )
    for name, r in rows.items():
        redraw, words = _ms(r["redraws"]), _ms(r["follows"])
        load, shown = _ms([a for a, _ in r["loads"]]), _ms([b for _, b in r["loads"]])
        was = [_ms([a for a, _ in r["before"]]), _ms([b for _, b in r["before"]])] if "before" in r else [np.nan] * 2
        print(
            f"  {name:12s} {redraw:8.1f} ms {redraw / f:7.2f}x {r['sends'] / r['drags']:10.1f} "
            f"{r['moving']:5d} ({r['stalled']}) "
            f"{words:7.0f} ms {max(r['follows']) * 1000:5.0f} {load:7.0f} ms {load / fl:7.2f}x {load / was[0]:7.2f}x "
            f"{shown:6.0f} ms {shown / was[1]:7.2f}x"
        )
    print("  (sends/drag: every message during a drag, those after a pause included; moving: sent before the hand")
    print(f"   had paused {follow.DEBOUNCE_MS} ms, target 0, in brackets the drags where a frame stalled that long and")
    print("   Streamlit sent as after a pause; words true: last input to the chart's description of the run true)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=None, choices=LAB_PAGES)
    parser.add_argument("--moves", type=int, default=5)
    parser.add_argument("--main-only", action="store_true", help="move only each page's main slider")
    parser.add_argument("--follow", action="store_true", help="drag the pages' chart sliders (FOLLOW_SLIDER)")
    parser.add_argument("--baseline", help="with --follow: a checkout of the app before, for the first load")
    args = parser.parse_args()
    if args.follow:
        main_follow([p for p in (args.pages or FOLLOW_SLIDER) if p in FOLLOW_SLIDER], args.moves, args.baseline)
    else:
        main(args.pages or list(LAB_PAGES), args.moves, args.main_only)
