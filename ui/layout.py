"""Page furniture shared by every page: the question, explanations, charts with their descriptions,
presentation mode and downloads.

Over 400 lines: the page's frame (header, charts, takeaways) and the slide view's screens, which wrap them.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st

from ui import internals
from ui.charts import Spec
from ui.controls import PRESENTATION, SLIDE, SLIDES
from ui.frames import to_csv
from ui.words import cell, number_word

# A chart's description (`chart`): for screen readers, no room on screen. Streamlit's own elements are styled in
# ui/internals.py (every selector on its page lives there).
_OWN_CSS = """
.l1-chart-text { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  white-space: nowrap; margin: 0; }
"""

# Chart text a back row can read: at least 16 px everywhere, charts a third taller.
PRESENTATION_CHART_CONFIG = {
    "axis": {"labelFontSize": 16, "titleFontSize": 18},
    "legend": {"labelFontSize": 16, "titleFontSize": 17, "symbolSize": 160},
    "header": {"labelFontSize": 17, "titleFontSize": 18},
    "title": {"fontSize": 20},
    "text": {"fontSize": 16},
}
PRESENTATION_HEIGHT = 1.35
MIN_PROJECTOR_FONT = 16


def presenting() -> bool:
    """Presentation mode, or the slide view (which is shown the same way)."""
    return bool(st.session_state.get(PRESENTATION.key, False) or sliding())


def sliding() -> bool:
    return bool(st.session_state.get(SLIDES.key, False))


def on_phone() -> bool:
    """The browser says it is a phone: 'Mobi' in its User-Agent (the convention browsers keep for it)."""
    try:
        return "Mobi" in (st.context.headers.get("User-Agent") or "")
    except Exception:  # no request behind this run (a test harness)
        return False


def settings_expanded() -> bool:
    """A page's settings start open on a desk, folded on a phone or a projector: the question comes first."""
    return not (presenting() or on_phone())


# The slide view: one screen at a time. The page's parts carry keys by the screen that shows them: screen 1 the
# title and the question, then for each Predict-first question the lesson lists (Lesson.questions) its prediction,
# then its answer (the verdict and the chart that answers it), then the lesson's further screens by name, in page
# order (Lesson.slide_names: its own blocks, then the check question). Every part of the main column that does not
# hold the current screen's is hidden. The page runs as usual, so what a slide shows is what the page shows.
_RUN = "_slide_run"  # this run's slide view: the page's questions and named screens, the question being asked, parts


def slide_screens(questions: int, named: tuple[str, ...] = ()) -> list[str]:
    """The slide view's screens for a page asking `questions` Predict-first questions, then its `named` screens."""
    tag = (lambda q: f" ({q} of {questions})") if questions > 1 else (lambda q: "")
    return ["The question", *(name + tag(q) for q in range(1, questions + 1) for name in ANSWER_SCREENS), *named]


ANSWER_SCREENS = ("Your prediction", "The answer")  # each question's two screens, after the first


def _screen(q: int, answer: bool) -> int:
    """Question q's (from 0) prediction screen, or its answer's."""
    return 2 + 2 * q + int(answer)


def answer_screen(q: int = 0) -> int:
    """The slide view's screen (from 1) holding the answer to the page's question q (from 0)."""
    return _screen(q, answer=True)


def _part(screen: int, part: object = None):
    run = st.session_state[_RUN]
    if part is None:
        run["parts"] += 1
        part = run["parts"]
    return st.container(key=internals.SLIDE_KEY.format(screen=screen, part=part))


def slide_part(step: int, question: str | None = None):
    """A container for the part of the page that slide `step` shows (1: the question, 2: a prediction, 3: its
    answer); outside the slide view, nothing. `question`: the Predict-first question a prediction's part holds
    (a part for step 3 belongs to the last one asked); a question the lesson does not list has no screen."""
    run = st.session_state.get(_RUN)
    if not sliding() or not run:
        return contextlib.nullcontext()
    if step == 1:
        screen = 1
    elif step == 2:
        if question not in run["questions"]:
            return contextlib.nullcontext()
        run["current"] = run["questions"].index(question)
        screen = _screen(run["current"], answer=False)
    elif run["current"] is None:
        return contextlib.nullcontext()
    else:
        screen = _screen(run["current"], answer=True)
    return _part(screen)


def slide_screen(name: str, part: str | None = None):
    """A container for the part of the page the slide view's screen `name` shows (one of the lesson's further
    screens, Lesson.slide_names); outside the slide view, or for a name the lesson does not declare, nothing.
    `part`: the container's own name (a fragment's: the same at every rerun), else numbered in page order."""
    run = st.session_state.get(_RUN)
    if not sliding() or not run or name not in run["named"]:
        return contextlib.nullcontext()
    return _part(1 + 2 * len(run["questions"]) + 1 + run["named"].index(name), part)


def stop_until_answered() -> None:
    """Stop the page at its open question (st.stop). In the slide view, a screen after that question's answer
    (reached by a link: Next skips the question) says what it waits for instead of showing nothing."""
    run = st.session_state.get(_RUN)
    step = int(st.session_state.get(SLIDE.key, 1))
    if sliding() and run and run["current"] is not None and step > _screen(run["current"], answer=True):
        with _part(step):
            st.info(
                f"This screen shows once the question on screen {_screen(run['current'], answer=False)} is answered "
                "or skipped (or, in a class poll, revealed).",
                icon="⏳",
            )
    st.stop()


_ANSWER = "_slide_answer"  # the question's result, waiting for the answer's screen (see on_answer_screen)


def on_answer_screen(draw: Callable[[], None]) -> None:
    """Draw the question's result (its verdict, the room's spread) now, or in the slide view on the answer's
    screen, above the chart that answers the question (the prediction's screen shows the question only)."""
    if sliding():
        st.session_state[_ANSWER] = draw
    else:
        draw()


def answer_part(waiting: str | None) -> None:
    """In the slide view, the first part of the answer's screen of the question just asked: its result, or
    `waiting` (what shows the answer) while the question is open."""
    if not sliding():
        return
    with slide_part(3):
        draw = st.session_state.pop(_ANSWER, None)
        if waiting is not None:
            st.info(waiting, icon="⏳")
        elif draw is not None:
            draw()


def _go(step: int, questions: tuple[str, ...]) -> None:
    """To screen `step`: an answer's screen, or any screen after it, shows its question's result (the open question
    is skipped for it), and a screen before that answer opens the question again."""
    st.session_state[SLIDE.key] = step
    skipped = st.session_state.setdefault("_slide_skipped", set())  # questions the slide view skipped
    for q, key in enumerate(questions):
        if step >= _screen(q, answer=True) and not st.session_state.get(f"{key}_skip"):
            st.session_state[f"{key}_skip"] = True
            skipped.add(key)
        elif step < _screen(q, answer=True) and key in skipped:
            st.session_state[f"{key}_skip"] = False
            skipped.discard(key)


def slide_nav(*, questions: tuple[str, ...], lab_pages: int, named: tuple[str, ...] = ()) -> None:
    """Back / next for the slide view, above the page (app.py calls it before the page runs). `questions`: the
    page's Predict-first questions in page order (Lesson.questions), `named`: its further screens (Lesson.slide_names);
    a page without any (the start page, the teachers' page) reads as usual, with a note."""
    st.session_state[_RUN] = {"questions": questions, "named": named, "current": None, "parts": 0}
    st.session_state.pop(_ANSWER, None)
    if not sliding():
        return
    if not questions:
        st.caption(
            f"The slide view shows the {number_word(lab_pages)} lab pages one screen at a time; "
            "this page reads as usual."
        )
        return
    screens = slide_screens(len(questions), named)
    step = min(int(st.session_state.get(SLIDE.key, 1)), len(screens))
    st.markdown(internals.slide_css(step), unsafe_allow_html=True)
    with st.container(key=internals.SLIDE_NAV_KEY, horizontal=True, vertical_alignment="center"):
        st.button("◀ Back", key="slide_back", disabled=step == 1, on_click=_go, args=(step - 1, questions))
        st.markdown(f"**{step} / {len(screens)} · {screens[step - 1]}**")
        st.button("Next ▶", key="slide_next", disabled=step == len(screens), on_click=_go, args=(step + 1, questions))
        if step in {answer_screen(q) for q in range(len(questions))}:  # the verdict's place: beside the screen's name
            st.session_state[_RUN]["verdict"] = st.container(
                key=internals.SLIDE_KEY.format(screen=step, part="verdict")
            )


def verdict_slot():
    """Where a slide's short verdict goes: in the slide view, on the answer's screen being shown, the slide
    navigation's row (beside the screen's name: the verdict takes no room from the chart that answers); else here."""
    run = st.session_state.get(_RUN)
    step = int(st.session_state.get(SLIDE.key, 1))
    if sliding() and run and run.get("verdict") is not None and run["current"] is not None:
        if step == _screen(run["current"], answer=True):
            return run["verdict"]
    return contextlib.nullcontext()


def apply_presentation_style() -> None:
    """Every page's style (ui/internals.py: contrast, scroll boxes, the projector's sizes), and the app's own."""
    st.html(internals.page_style(presenting()) + f"<style>{_OWN_CSS}</style>", unsafe_allow_javascript=True)


def for_projector(spec: dict) -> dict:
    """The same chart with projector-sized text (>= MIN_PROJECTOR_FONT px) and every fixed height scaled up."""
    spec["config"] = {**spec.get("config", {}), **PRESENTATION_CHART_CONFIG}
    stack = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("height"), int | float) and not isinstance(node.get("height"), bool):
                node["height"] = round(node["height"] * PRESENTATION_HEIGHT)
            if isinstance(node.get("fontSize"), int | float) and node["fontSize"] < MIN_PROJECTOR_FONT:
                node["fontSize"] = MIN_PROJECTOR_FONT  # a mark's own size overrides the config's
            stack.extend(v for k, v in node.items() if k not in ("datasets", "data"))
        elif isinstance(node, list):
            stack.extend(node)
    return spec


def header(title: str, question: str) -> None:
    """The page title and the one question the page answers."""
    internals.run_through_app_shell()
    with slide_part(1):
        st.title(title)
        st.markdown(f"##### ❓ {question}")


def explain(title: str, body: str, expanded_when_reading: bool = True, *, open_on_slide: bool = False) -> None:
    """An explanation: shown as text when reading, folded into an expander when presenting (`open_on_slide`: open
    in the slide view, where it has a screen of its own)."""
    if presenting() or not expanded_when_reading:
        with st.expander(title, expanded=open_on_slide and sliding()):
            st.markdown(body)
    else:
        st.markdown(f"**{title}**\n\n{body}")


def seen(text: str, *, answers: bool = False) -> None:
    """'What you see', in plain words, next to the charts. `answers`: it reads the chart that answers the page's
    question (the slide view shows it on the answer's screen, under that chart)."""
    with slide_part(3) if answers else contextlib.nullcontext():
        st.info(text, icon="👀")


def takeaway(text: str, numbers: str = "", *, answers: bool = False) -> None:
    """Under a chart: its one plain takeaway (shown in presentation mode and the slide view too), the numbers behind
    it folded ("Why, in numbers")."""
    seen(text, answers=answers)
    if numbers:
        with st.expander("Why, in numbers"):
            st.markdown(numbers)


CHART_LABEL = "Chart, described in the text that follows"


def table(df: pd.DataFrame, *, digits: int = 4, column_config: dict | None = None) -> None:
    """A table of results, its numbers as the sentences print them (ui.words.cell: `digits` significant digits,
    the minus sign −, never e-notation, — for a missing value); a column with no gap stays numeric, so a click on its
    header still sorts it."""
    gaps = [c for c in df.columns if df[c].isna().any()]  # Streamlit writes "None" in an empty cell, whatever the style
    df = df.assign(**{c: [cell(v, digits) for v in df[c]] for c in gaps})  # as text: Arrow takes no mixed column
    styled = df.style.format(lambda v: cell(v, digits))
    if presenting():  # HTML, whose text the projector's CSS sizes (a data frame draws on a canvas, at 13 px)
        st.table(styled.hide(axis="index"))
        return
    st.dataframe(styled, hide_index=True, width="stretch", column_config=column_config)


CHART_TEXT = "l1-chart-text"  # the class of a chart's description (visually hidden, read by screen readers)


def chart(spec: Spec, alt_text: str, key: str | None = None, answers: bool = False) -> None:
    """Draw a chart from ui.charts full width, with its description (`alt_text`) for screen readers.

    The spec's text is the same from one rerun to the next while only its datasets change, so the
    browser updates the data in place instead of rebuilding the view. The description is not the chart's
    own alt text, which Streamlit writes into the spec (as its `description`): a description that changes
    with the run would make the browser rebuild the chart at every move. The chart is labelled CHART_LABEL
    and its description follows it at once, in a text only a screen reader sees (`chart_text`).
    `answers`: this is the chart that answers the page's question (the slide view's third screen).

    Drawn on a canvas, not in SVG (Streamlit's default below 2,000 marks): a move of a slider redraws every
    chart on the page, and a canvas repaint costs the browser less than editing hundreds of SVG nodes (in
    Chromium, about a third less of the browser's time per move on the landscape and noise pages).
    The description stands in for the SVG's per-mark labels for a screen reader.
    """
    d = spec.to_dict()
    d["usermeta"] = {"embedOptions": {"renderer": "canvas"}}
    with slide_part(3) if answers else contextlib.nullcontext(), st.container(gap=None):  # the text adds no gap
        st.vega_lite_chart(for_projector(d) if presenting() else d, width="stretch", alt=CHART_LABEL, key=key)
        st.html(chart_text(alt_text))  # raw HTML: no markdown to parse


def chart_text(description: str) -> str:
    """A chart's description as the HTML `chart` draws after it: escaped, so it is read as plain text."""
    plain = html.escape(" ".join(description.split()))
    return f'<p class="{CHART_TEXT}">{plain}</p>'


MAX_DOWNLOAD_ROWS = 10_000
MAX_DOWNLOAD_CELLS = 60_000  # about 1 MB of CSV, 0.1 to 0.5 s of server CPU to write on this 2-core machine
_CSV_KEPT = 8  # CSV files kept, by content: a class downloading the same run pays once
_csv_cache: OrderedDict[str, bytes] = OrderedDict()
_csv_lock = threading.Lock()


def _series_starts(df: pd.DataFrame) -> np.ndarray:
    """Where each series starts: a series is a run of rows sharing the leading label (non-numeric) columns."""
    change = np.zeros(len(df), dtype=bool)
    change[:1] = True
    for name in df.columns:
        column = df[name]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            break
        values = column.cat.codes.to_numpy() if isinstance(column.dtype, pd.CategoricalDtype) else column.to_numpy()
        change[1:] |= values[1:] != values[:-1]
    return np.flatnonzero(change)


def thin_rows(df: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    """At most about `max_rows` rows: each series (see `_series_starts`) keeps evenly spaced rows in proportion
    to its length, its first and last always. A table that fits is returned as it is."""
    if len(df) <= max_rows:
        return df
    starts = _series_starts(df)
    keep = []
    for start, stop in zip(starts, [*starts[1:], len(df)], strict=True):
        n = stop - start
        budget = min(n, max(2, max_rows * n // len(df)))
        keep.append(start + np.unique(np.linspace(0, n - 1, budget).round().astype(int)))
    return df.iloc[np.concatenate(keep)]


def row_limit(df: pd.DataFrame) -> int:
    """How many rows a download of `df` may hold: MAX_DOWNLOAD_ROWS, fewer for a wide table (MAX_DOWNLOAD_CELLS)."""
    return min(MAX_DOWNLOAD_ROWS, MAX_DOWNLOAD_CELLS // max(1, df.shape[1]))


def capped(df: pd.DataFrame) -> pd.DataFrame:
    """The table a download holds: `df` thinned evenly to `row_limit(df)` rows if it is longer."""
    return thin_rows(df, row_limit(df))


def cached_csv(df: pd.DataFrame) -> bytes:
    """`to_csv(df)`, written once per table content (the last few kept): a click costs a hash, not a CSV."""
    digest = hashlib.blake2b(
        pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes() + repr(list(df.columns)).encode(),
        digest_size=16,
    ).hexdigest()
    with _csv_lock:
        if digest in _csv_cache:
            _csv_cache.move_to_end(digest)
            return _csv_cache[digest]
    data = to_csv(df)
    with _csv_lock:
        _csv_cache[digest] = data
        while len(_csv_cache) > _CSV_KEPT:
            _csv_cache.popitem(last=False)
    return data


def download(
    make: Callable[[], pd.DataFrame], filename: str, label: str = "Download the data (CSV)", key: str | None = None
) -> None:
    """A CSV download of the table `make()` builds, capped (`capped`) and cached (`cached_csv`).

    The CSV is written when the button is clicked, not on every rerun, and a second click on the same
    run (from any visitor) is served from the cache. The table itself is built here too (a few ms for
    the longest runs) to say, next to the button, when the file is thinned.
    """
    rows, limit = len(table := make()), row_limit(table)
    st.download_button(
        label,
        lambda: cached_csv(capped(make())),
        file_name=filename,
        mime="text/csv",
        key=key,
        icon="⬇️",
        on_click="ignore",
    )
    if rows > limit:
        st.caption(
            f"The file holds about {limit:,} of the {rows:,} rows, to stay near 1 MB: each run is thinned evenly, "
            "its first and last update kept."
        )
