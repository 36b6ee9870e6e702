"""The worst rerun a student can cause, searched for: server CPU per rerun at the corners of every control, and
the memory all caches hold after many distinct settings.

Every lab page runs in this process through Streamlit's AppTest, its results revealed (bench/pages.py) and
every toggle on (Huber, shuffle, every loss and optimiser), from the settings known to cost most
(`bench.pages.HEAVY_START`: batch 1, most epochs). Then, one control at a time, each corner is tried:
a slider's or select-slider's two ends, a toggle's two states, every option of a select box (every preset and
every schedule among them); a corner that costs more than the settings so far is kept (a greedy search, so
batch 1 meets 1,000 epochs). Each try starts with every cache empty, as a new setting does (what the app
computes once per process, the noise page's table of the article's claim, stays), and is timed by
`time.process_time` (CPU of the whole process: the script and Streamlit's own work, not the machine's load);
the least of two tries counts, as interference only ever adds.
The worst settings found are measured again (median of `--repeat`) and printed; the target is 0.5 s.

Memory: after `--distinct` reruns at random settings over all pages, the bytes every cache holds (the app's
`ui.runtime` caches and any `st.cache_data`), against the target of 100 MB, and the process's RSS growth.

    python -m bench.worst [--pages noise_and_learning_rate] [--passes 1] [--distinct 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import streamlit as st
import streamlit.logger
import streamlit.testing.v1.app_test
import streamlit.testing.v1.local_script_runner
from streamlit.runtime.caching.cache_data_api import _data_caches
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest

from bench.pages import HEAVY_START, LAB_PAGES, REVEAL
from ui.controls import SHARED
from ui.lessons.registry import every_control
from ui.runtime import cache_report, clear_caches

ROOT = Path(__file__).resolve().parents[1]

# A server compiles each page once per process (its ScriptCache); AppTest makes a new ScriptCache for every run,
# so it compiled the page again each time (26 ms of every noise-page rerun, 14 ms of an outliers one, that no
# student's rerun costs). Every run here shares one, as the server's sessions do.
_SCRIPTS = ScriptCache()
streamlit.testing.v1.app_test.ScriptCache = streamlit.testing.v1.local_script_runner.ScriptCache = lambda: _SCRIPTS

TARGET_S = 0.5
TARGET_MB = 100
REVEALS = {key for keys in REVEAL.values() for key in keys}
SKIP = ("_predict", "_guess", "_check", "_download", "poll_")  # questions, exports, the class poll
CONTROLS = every_control()  # every Control a page declares, by key: a select box's raw options
SHELL = {c.key for c in SHARED}  # the sidebar every page shares (presentation mode, slides, the room)


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.switch_page(f"pages/{page}.py")
    at.run()
    for key in REVEAL[page]:
        _bool_widget(at, key).set_value(True)
        at.run()
    for w in at.toggle:  # every toggle on
        if _searchable(w) and not w.disabled and not w.value and w.key:
            w.set_value(True)
            at.run()
    _raise(at)
    return at


def _bool_widget(at: AppTest, key: str):
    found = [w for w in (*at.checkbox, *at.toggle) if w.key == key]
    if not found:
        raise KeyError(f"no checkbox or toggle {key!r} on the page: update bench/pages.py")
    return found[0]


def _searchable(w) -> bool:
    """A setting to search over: not a question, an export, the shell, or a reveal (those stay on)."""
    return bool(w.key) and not any(tag in w.key for tag in SKIP) and w.key not in REVEALS | SHELL


class PageError(RuntimeError):
    """The page raised at these settings (the tree may be mid-edit, or a setting breaks it: both worth reading)."""


def _raise(at: AppTest) -> None:
    if at.exception:
        raise PageError("; ".join((list(e.stack_trace) or [e.message])[-1].strip() for e in at.exception))


def _number(text: str):
    """A select-slider's option as the page gave it: AppTest lists them as shown (%g); ours are numbers."""
    try:
        return float(text)
    except ValueError:
        return text


def corners(w) -> list:
    """The values of widget `w` worth trying: its ends, both states, every option (a select box by index)."""
    kind = type(w).__name__
    if kind == "Slider":
        return [w.min, w.max]
    if kind == "SelectSlider":
        return [_number(w.options[0]), _number(w.options[-1])]
    if kind in ("Toggle", "Checkbox"):
        return [True, False]
    if kind == "Selectbox":
        return list(_raw_options(w))
    return []


def _raw_options(w) -> list:
    """A select box's options as the page gave them (a Control's raw values; AppTest shows only the formatted
    labels and cannot map a formatted label back), else their positions."""
    return list(CONTROLS[w.key].options) if w.key in CONTROLS else list(range(len(w.options)))


def _by_index(w) -> bool:
    return type(w).__name__ == "Selectbox" and w.key not in CONTROLS


def _current(w):
    return w.index if _by_index(w) else w.value


def controls(at: AppTest) -> list:
    return [w for w in (*at.slider, *at.select_slider, *at.toggle, *at.selectbox) if _searchable(w) and not w.disabled]


def cold_rerun(at: AppTest) -> float:
    """CPU seconds of one rerun with every cache empty."""
    clear_caches()
    st.cache_data.clear()
    start = time.process_time()
    at.run()
    seconds = time.process_time() - start
    _raise(at)
    return seconds


def steady_rerun(at: AppTest, tries: int = 2) -> float:
    """The least CPU of `tries` cold reruns: interference only ever adds, so the least is the page's own cost."""
    return min(cold_rerun(at) for _ in range(tries))


def _find(at: AppTest, key: str):
    return next((w for w in controls(at) if w.key == key), None)


def _set(w, value) -> None:
    if _by_index(w):
        w.select_index(value)
    else:
        w.set_value(value)


def search(page: str, passes: int) -> tuple[float, AppTest, list[str]]:
    """Greedy search over the corners: (worst CPU seconds found, the page at the settings that cost it, errors)."""
    at = _rebuild(page, dict(HEAVY_START.get(page, {})))
    worst, errors, kept = steady_rerun(at), [], dict(HEAVY_START.get(page, {}))  # kept: to rebuild the page
    for _ in range(passes):
        for key in [w.key for w in controls(at)]:
            w = _find(at, key)
            if w is None:
                continue  # gone in this state (a schedule's own parameter)
            keep = _current(w)
            for value in corners(w):
                w = _find(at, key)
                if w is None or value == _current(w):
                    continue
                try:
                    _set(w, value)
                    seconds = steady_rerun(at)
                except Exception as why:  # the page raised, or AppTest could not read a widget back
                    errors.append(f"{key}={value!r}: {type(why).__name__}: {why}")
                    at = _rebuild(page, kept)
                    continue
                if seconds > worst:
                    worst, keep = seconds, value
            kept[key] = keep
            w = _find(at, key)
            if w is not None and _by_index(w):  # a preset sets other controls too: rebuild from the corners kept
                at = _rebuild(page, kept)
            elif w is not None and _current(w) != keep:
                _set(w, keep)
                try:
                    at.run()
                except Exception:  # noqa: BLE001  (as above)
                    at = _rebuild(page, kept)
    return worst, at, errors


def _rebuild(page: str, kept: dict) -> AppTest:
    """The page opened afresh at the corners kept so far."""
    at = open_page(page)
    for key, value in kept.items():
        w = _find(at, key)
        if w is not None and _current(w) != value:
            _set(w, value)
            at.run()
    return at


def settings_of(at: AppTest) -> dict:
    return {w.key: w.value for w in controls(at)}


def remeasure(at: AppTest, repeat: int) -> float:
    return statistics.median(cold_rerun(at) for _ in range(repeat))


def floor_cpu(repeat: int) -> float:
    at = AppTest.from_file(str(ROOT / "bench/floor_app_frozen.py"), default_timeout=60)
    at.run()
    times = []
    for i in range(repeat):
        at.slider(key="f").set_value(1.0 + 0.3 * (i + 1))
        times.append(cold_rerun(at))
    return statistics.median(times)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory(pages: list[str], distinct: int, seed: int = 0) -> tuple[float, float, list]:
    """Cache bytes (MB) and RSS growth (MB) after `distinct` reruns at random settings, caches kept."""
    rng = random.Random(seed)
    clear_caches()
    st.cache_data.clear()
    opened = {}
    for page in pages:
        try:
            opened[page] = open_page(page)
        except (PageError, KeyError):
            continue  # reported by the search
    before = rss_mb()
    for i in range(distinct if opened else 0):
        at = list(opened.values())[i % len(opened)]
        sliders = [w for w in (*at.slider, *at.select_slider) if _searchable(w) and not w.disabled]
        for w in rng.sample(sliders, min(2, len(sliders))):
            if type(w).__name__ == "Slider":
                steps = int(round((w.max - w.min) / w.step))
                w.set_value(type(w.min)(round(w.min + w.step * rng.randint(0, steps), 10)))
            else:
                w.set_value(_number(rng.choice(w.options)))
        at.run()
    ours = sum(nbytes for _, _, nbytes, _ in cache_report())
    theirs = sum(s.byte_length for stats in _data_caches.get_stats().values() for s in stats)
    return (ours + theirs) / 2**20, rss_mb() - before, cache_report()


def main(pages: list[str], passes: int, repeat: int, distinct: int) -> None:
    streamlit.logger.set_log_level("error")  # AppTest's bare-mode notices
    floor = floor_cpu(repeat)
    print(
        f"server CPU per rerun, caches empty, every result revealed and every toggle on (process_time; machine "
        f"shared)\n  frozen floor app {floor * 1000:.0f} ms"
    )
    for page in pages:
        t0 = time.perf_counter()
        try:
            _, at, errors = search(page, passes)
        except (PageError, KeyError) as why:
            print(f"  {page:24s} raised before the search could start: {why}")
            continue
        try:
            worst = remeasure(at, repeat)
        except PageError as why:
            print(f"  {page:24s} raised when measured again: {why}")
            continue
        verdict = "ok" if worst <= TARGET_S else f"over the {TARGET_S:g} s target"
        print(
            f"  {page:24s} worst {worst:6.3f} s  ({worst / floor:5.1f}x the floor; {verdict}; "
            f"searched in {time.perf_counter() - t0:.0f} s)"
        )
        print(f"    at {settings_of(at)}")
        if errors:
            print(f"    {len(errors)} corner(s) raised, e.g. {errors[0]}")
    mb, rss, report = memory(pages, distinct)
    verdict = "ok" if mb <= TARGET_MB else f"over the {TARGET_MB} MB target"
    print(f"\ncaches after {distinct} reruns at random settings: {mb:.1f} MB ({verdict}); RSS grew {rss:.0f} MB")
    for name, entries, nbytes, bound in report[:6]:
        print(f"  {name:34s} {entries:4d} entries {nbytes / 2**20:7.2f} MB of {bound / 2**20:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=list(LAB_PAGES), choices=LAB_PAGES)
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--distinct", type=int, default=200)
    args = parser.parse_args()
    main(args.pages, args.passes, args.repeat, args.distinct)
