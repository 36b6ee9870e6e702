"""A hostile visitor: every widget on every page gets values no browser sends, the outliers table gets pastes
and impossible edits, a link gets junk parameters. Over Streamlit's own protocol (bench.hostile), one server
for them all. After every bad message a valid change on the same session must run: zero exceptions, zero
stuck sessions. (The server is the session's hooked one, tests/conftest.py: test_no_outbound.py checks after these
that nothing it served reached off the machine.) Then the pieces, without a server: Control.check, the link
reader, the download cap."""

from __future__ import annotations

import math
from urllib.parse import parse_qsl, urlencode

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.hostile import LEAN_WRONG_TYPES, PAGES, Attack, Report, attack, controls_by_page, editor_cases
from bench.protocol import Session, run
from ui import layout
from ui.controls import Control, _url_values

CHOICE_PAGES = ("signed_l1", "noise_and_learning_rate", "landscape")  # pages with a "choice" or "log" control


@pytest.fixture(scope="module")
def server(hooked_server):
    url, proc, _log = hooked_server
    return url, proc


@pytest.fixture(scope="module")
def controls():
    """Each page's Controls as declared: the shell's, its lesson's, the step-through's (bench.hostile)."""
    return controls_by_page()


@pytest.mark.parametrize("page", PAGES)
def test_every_widget_refuses_bad_values_and_the_session_goes_on(server, controls, page):
    url, proc = server
    report = Report()
    # the table has its own test below; junk messages and "clear cache" once, on the first page
    run(attack(url, page, controls[page], proc.pid, report, table=False, lean=True, extras=page == PAGES[0]))
    assert not report.findings, "\n".join(f"{f.what} -> {f.problem}" for f in report.findings)
    assert report.messages >= 2 * len(LEAN_WRONG_TYPES)  # every round sent, each followed by a valid change
    if page in CHOICE_PAGES:  # an unknown option reaches restore(), which says so on the page
        assert report.notes_seen > 0


def test_the_step_through_refuses_a_speed_of_abc(server):
    """ui/stepper.py read the speed with int(): "abc" raised on every rerun after."""
    url, _ = server

    async def go() -> tuple[list[str], list[str], list[str]]:
        a = Attack(url, "signed_l1", None, Report())
        await a.open()
        await a.session.send("s_step_speed", string_value="abc")
        notes, exceptions = list(a.session.alerts), list(a.session.exceptions)
        chart = next(k for k in a.session.ids if k.startswith("s_step_k_chart"))  # update k: the chart's own slider
        for junk in ('{"selection": {"k": [{"k": NaN}]}}', "{not json", '{"selection": {"k": [{"k": 1e308}]}}'):
            await a.session.send(chart, json_value=junk)
            exceptions += a.session.exceptions
        await a.session.set("s_w0", 4.0)
        exceptions += a.session.exceptions
        await a.close()
        return notes, exceptions, sorted(a.session.shown)

    notes, exceptions, shown = run(go())
    assert "s_step_speed" in shown and not exceptions, exceptions
    assert any("**Updates per step**: a value sent for it was ignored: it takes one of" in n for n in notes), notes
    assert not any("abc" in n for n in notes), notes  # the note never repeats what was sent


def test_outliers_table_pastes_and_impossible_edits(server):
    """The table's cases one by one (bench.hostile.editor_cases): 10, 2,000 and 30,000 pasted rows, rows and
    columns that do not exist, non-numbers, edits of the wrong shape, text that is not JSON; then a 3 MB message."""
    url, proc = server
    report = Report()

    async def go() -> list[str]:
        a = Attack(url, "outliers", proc.pid, report)
        await a.open()
        failed = await a.editor(editor_cases())
        await a.oversized()  # past server.maxWidgetStateSize: that connection is closed, a new tab runs
        await a.close()
        return failed

    failed = run(go())
    assert not failed and not report.findings, [f"{f.what} -> {f.problem}" for f in report.findings]
    assert report.messages == 2 * len(editor_cases()) + 1


def test_a_link_is_read_whatever_junk_comes_before_it(server):
    """200 junk parameters, then the real ones: the page takes the real ones and the URL it writes back
    holds only them."""
    url, _ = server
    junk = [(f"junk{i}", "x" * (i % 70)) for i in range(200)]
    query = urlencode([*junk, ("d_w", "1.5"), ("zz", "<script>"), ("d_x", "-1")])

    async def go() -> tuple[str, list[str]]:
        s = Session(url, "derivation", query=query)
        await s.open()
        await s.close()
        return s.query, s.exceptions

    written, exceptions = run(go())
    assert not exceptions
    assert dict(parse_qsl(written)) == {"d_w": "1.5", "d_x": "-1"}


# ---- the pieces, without a server ------------------------------------------------------------------------------

FLOAT = Control("t_hostile_f", "a float", "float", 0.5, 0.0, 1.0, 0.1)
INT = Control("t_hostile_i", "an int", "int", 3, 1, 10, 1)
LOG = Control("t_hostile_l", "a log", "log", 0.01, options=(0.001, 0.01, 0.1))
CHOICE = Control("t_hostile_c", "a choice", "choice", "a", options=("a", "b"))
BOOL = Control("t_hostile_b", "a bool", "bool", False)
ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=80),
    st.lists(st.integers(), max_size=3),
    st.sampled_from(["a", "b", 0.01, 0.001, 3, 3.0, True]),
)


@given(ANYTHING)
def test_check_returns_a_value_the_control_can_hold_or_says_why(value):
    for c in (FLOAT, INT, LOG, CHOICE, BOOL):
        try:
            held = c.check(value)
        except ValueError as why:
            assert str(why)
            continue
        if c.kind == "bool":
            assert isinstance(held, bool)
        elif c.kind in ("choice", "log"):
            assert held in c.options
        else:
            assert not isinstance(held, bool) and math.isfinite(held) and c.lo <= held <= c.hi
            assert isinstance(held, int if c.kind == "int" else float)


def test_check_keeps_valid_values_and_refuses_near_misses():
    assert FLOAT.check(0.3) == 0.3 and INT.check(4) == 4 and INT.check(4.0) == 4 and LOG.check(0.1) == 0.1
    for c, value in [(FLOAT, 1.01), (INT, 4.5), (INT, True), (LOG, 0.02), (CHOICE, "a "), (BOOL, 1), (FLOAT, "0.3")]:
        with pytest.raises(ValueError):
            c.check(value)


class _Params:
    """st.query_params as the link reader sees it: every value of a key, in order."""

    def __init__(self, pairs):
        self.pairs = pairs

    def get_all(self, key):
        return [v for k, v in self.pairs if k == key]


@given(
    st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), max_size=300),
    st.permutations([("d_w", "1.5"), ("d_x", "-1")]),
    st.integers(0, 300),
)
def test_the_link_reader_finds_the_known_keys_among_any_junk(junk, real, at):
    junk = [(k, v) for k, v in junk if k not in ("d_w", "d_x", "d_t")]
    pairs = junk[:at] + real + junk[at:]
    assert _url_values(_Params(pairs), ["d_w", "d_x", "d_t"]) == {"d_w": "1.5", "d_x": "-1"}


@given(st.lists(st.integers(1, 3000), min_size=1, max_size=5), st.integers(10, 2000))
def test_a_thinned_download_keeps_each_runs_first_and_last_row(lengths, limit):
    table = pd.DataFrame(
        {
            "run": np.repeat([f"run {i}" for i in range(len(lengths))], lengths),
            "update": np.concatenate([np.arange(n) for n in lengths]),
        }
    )
    thin = layout.thin_rows(table, limit)
    if len(table) <= limit:
        assert thin is table
        return
    assert len(thin) <= limit + 2 * len(lengths)
    for i, n in enumerate(lengths):
        updates = thin.loc[thin["run"] == f"run {i}", "update"].to_numpy()
        assert updates[0] == 0 and updates[-1] == n - 1 and np.all(np.diff(updates) > 0)


def test_a_download_is_capped_and_written_once_per_table():
    long = pd.DataFrame({"run": ["a"] * 30_000, **{f"c{i}": np.arange(30_000) * 0.1 for i in range(7)}})
    kept = layout.capped(long)
    assert len(kept) <= layout.row_limit(long) + 2 and len(kept) * kept.shape[1] <= layout.MAX_DOWNLOAD_CELLS + 16
    first = layout.cached_csv(kept)
    assert layout.cached_csv(layout.capped(long.copy())) is first  # the same table: the same bytes, not rewritten
    assert layout.cached_csv(kept.assign(c0=kept["c0"] + 1)) != first
    assert first.count(b"\n") == len(kept) + 1


def test_a_long_run_says_beside_the_button_that_its_file_is_thinned():
    """The signed-L1 page at 200 epochs of batch size 1: three runs of 4,000 updates, 12,003 rows."""
    from streamlit.testing.v1 import AppTest

    from bench.serve import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"s_bs": "1", "s_epochs": "200"})
    at.switch_page("pages/signed_l1.py")
    at.run()
    at.checkbox(key="s_predict_skip").check().run()
    assert not at.exception, [e.message for e in at.exception]
    notes = [c.value for c in at.caption if "The file holds" in c.value]
    assert len(notes) == 1 and notes[0].startswith("The file holds about 7,500 of the 12,003 rows"), notes
