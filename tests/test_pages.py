"""Every page through Streamlit's AppTest: renders, every control changes the output, links restore
every control, hostile link values fall back to defaults with a note.

Over 400 lines: the checks every page shares, run once per page.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import core
from tests.helpers import chart_texts
from ui.layout import CHART_LABEL
from ui.lessons.registry import LESSONS, every_control

APP = Path(__file__).resolve().parents[1] / "app.py"
# page -> the widget that answers or skips its predict-first question
PAGES = {"pages/home.py": None, **{e.path: f"{e.lesson.predict_key}_skip" for e in LESSONS}}
LAB_PAGES = [p for p in PAGES if p != "pages/home.py"]
# keys that are not experiment settings: questions, their skip boxes, preset pickers, buttons, reveals
NOT_SETTINGS = ("_predict", "_check", "_guess", "_preset", "_reset", "_heat", "_show", "_download", "_step")
JUNK = [
    "abc",
    "",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "9" * 40,
    "<script>alert(1)</script>",
    "ü" * 300,
    "0x1F",
    "[1, 2]",
    "%00",
    "true; DROP TABLE",
]


def open_page(path: str, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params.update(query or {})
    at.switch_page(path)
    at.run()
    skip = PAGES[path]
    if skip and any(c.key == skip for c in at.checkbox):  # absent when the page stopped early, e.g. no loss picked
        at.checkbox(key=skip).check().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def snapshot(at: AppTest) -> str:
    """Everything a student sees: text, formulas, tables and chart specs (data included by name)."""
    parts = [
        e.value
        for kind in ("markdown", "latex", "info", "warning", "success", "error", "caption")
        for e in getattr(at, kind)
    ]
    parts += [e.value.to_csv() for e in at.dataframe]
    for kind in ("vega_lite_chart", "graphviz_chart"):
        parts += [str(e.proto) for e in at.get(kind)]
    return "\n".join(map(str, parts))


def settings(at: AppTest) -> list:
    widgets = [*at.slider, *at.select_slider, *at.toggle, *at.selectbox, *at.number_input]
    return [
        w
        for w in widgets
        if w.key and not any(tag in w.key for tag in NOT_SETTINGS) and w.key != "present" and not w.disabled
    ]


def move(w):
    """Set a widget to a valid value different from its current one (not yet run)."""
    kind = type(w).__name__
    if kind == "Toggle":
        return w.set_value(not w.value)
    if kind in ("Slider", "NumberInput"):
        return w.set_value(w.max if w.value != w.max else w.min)
    if kind == "SelectSlider":  # AppTest lists the options as shown (%g); ours are numbers
        options = [float(o) for o in w.options]
        return w.set_value(options[-1] if w.value != options[-1] else options[0])
    options = list(every_control()[w.key].options)  # raw values: AppTest only shows the formatted labels
    return w.set_value(options[-1] if w.value != options[-1] else options[0])


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_without_exception(path):
    at = open_page(path)
    assert at.title and at.title[0].value
    if path != "pages/home.py":
        assert at.get("vega_lite_chart"), "a lab page draws charts"


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.lesson.page)
def test_every_question_a_page_asks_is_in_its_lessons_list_in_page_order(entry, monkeypatch):
    """Lesson.questions is what the slide view walks through and the teachers' page counts: a question a page
    asks and its lesson does not list would have no screen."""
    from bench.pages import REVEAL
    from ui import questions

    asked, real = [], questions.slide_part  # predict opens its box with slide_part(2, question=key), whoever calls it

    def spy(step, question=None):
        if question is not None:
            asked.append(question)
        return real(step, question)

    monkeypatch.setattr(questions, "slide_part", spy)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.switch_page(entry.path)
    at.run()
    for key in REVEAL[entry.lesson.page]:  # every result on: each later question is asked
        box = next((b for kind in (at.checkbox, at.toggle) for b in kind if b.key == key), None)
        if box is not None and not box.value:
            box.set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    assert list(dict.fromkeys(asked)) == list(entry.lesson.questions)


def described_charts(at: AppTest) -> list[tuple[tuple, str]]:
    """(its datasets, its description) for every chart ui.layout.chart drew, in the page's order."""
    drawn = [c.proto for c in at.get("vega_lite_chart") if c.proto.alt == CHART_LABEL]
    texts = chart_texts(at)
    assert len(drawn) == len(texts), "every chart is followed by its description"
    return [(tuple((d.name, d.data.data) for d in c.datasets), text) for c, text in zip(drawn, texts, strict=True)]


@pytest.mark.parametrize("path", LAB_PAGES)
def test_every_control_changes_the_output(path):
    """And a control that moves a chart changes what a screen reader hears of the charts it moves."""
    keys = [w.key for w in settings(open_page(path))]
    assert len(keys) >= 3
    unchanged, unsaid = [], []
    for key in keys:
        at = open_page(path)
        w = next((w for w in settings(at) if w.key == key), None)
        if w is None:
            continue  # shown only in another state (e.g. a schedule's own parameter)
        before, charts_before = snapshot(at), described_charts(at)
        move(w).run()
        assert not at.exception, (key, [e.message for e in at.exception])
        if snapshot(at) == before:
            unchanged.append(key)
        after = described_charts(at)
        if len(after) == len(charts_before):  # (a toggle may add or remove a chart)
            moved = [(t0, t1) for (d0, t0), (d1, t1) in zip(charts_before, after, strict=True) if d0 != d1]
            if moved and all(t0 == t1 for t0, t1 in moved):
                unsaid.append(key)
    assert not unchanged, f"moving these controls changed nothing on {path}: {unchanged}"
    assert not unsaid, f"these controls move charts on {path} but no chart's description: {unsaid}"


@pytest.mark.parametrize("path", LAB_PAGES)
def test_a_link_restores_every_control(path):
    """Move every control, take the URL the app wrote, open it in a new session: every control is back."""
    at = open_page(path)
    for w in settings(at):
        move(w)
    at.run()
    moved = {w.key: w.value for w in settings(at)}
    link = dict(at.query_params)
    assert link, "moving the controls wrote them to the URL"
    fresh = open_page(path, link)
    assert not any("could not be used" in w.value for w in fresh.warning)
    restored = {w.key: w.value for w in settings(fresh)}
    assert restored == moved


@pytest.mark.parametrize("path", LAB_PAGES)
@pytest.mark.parametrize("junk", JUNK)
def test_hostile_link_values_fall_back_with_a_note(path, junk):
    base = open_page(path)
    defaults = {w.key: w.value for w in settings(base)}
    at = open_page(path, {key: junk for key in defaults} | {"present": junk})
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    assert "could not be used" in notes
    for w in settings(at):
        if w.key in defaults and junk not in ("true; DROP TABLE",):
            assert w.value == defaults[w.key], (w.key, junk, w.value)


def test_unknown_parameters_are_ignored_and_dropped():
    at = open_page("pages/signed_l1.py", {"nonsense": "1", "s_lr": "0.1"})
    assert at.select_slider(key="s_lr").value == pytest.approx(0.1)
    assert "nonsense" not in at.query_params


def test_signed_l1_defaults_show_minus_60_and_the_toggle_12():
    at = open_page("pages/signed_l1.py")
    text = snapshot(at)
    assert "w ends at **−60**" in text  # a true minus sign, as the chart prints it
    at.toggle(key="s_full").set_value(False).run()
    assert "w ends at **12**" in snapshot(at)


def test_signed_l1_preset_applies_and_reset_restores():
    at = open_page("pages/signed_l1.py")
    at.selectbox(key="s_preset").set_value("Noisy data, sigma 5").run()
    assert at.slider(key="s_sigma").value == 5.0 and at.query_params.get("s_sigma") == "5"
    at.button(key="s_preset_reset").click().run()
    assert at.slider(key="s_sigma").value == 0.0 and "s_sigma" not in at.query_params


def test_derivation_numbers_equal_core():
    import core

    at = open_page("pages/derivation.py", {"d_x": "2", "d_t": "1", "d_w": "0.3"})
    at.number_input(key="d_guess").set_value(-2.0).run()
    assert any("Right" in s.value for s in at.success)
    grad = float(core.loss_grad("l1", 0.3 * 2 - 1)) * 2
    assert grad == -2.0
    assert any(r"= -1\cdot 1\cdot 2 = -2".replace("-", "−") in e.value for e in at.latex)
    assert "sign(0) = 0" in snapshot(at)  # the page names its convention at the kink


def test_derivation_at_the_kink_shows_the_subgradient_set():
    at = open_page("pages/derivation.py", {"d_x": "2", "d_t": "1", "d_w": "0.5"})
    text = snapshot(at)
    assert "You are on the kink" in text and "subgradient" in text
    assert "straddles it: forward gives" in text


def test_presentation_mode_survives_a_page_change():
    at = open_page("pages/signed_l1.py", {"present": "true"})
    assert at.toggle(key="present").value is True
    assert at.query_params.get("present") == "true"


def test_step_through_walks_the_run_and_shows_the_numbers():
    at = open_page("pages/signed_l1.py")
    assert "s_step_k" not in at.session_state, "the panel is built only when opened"
    at.toggle(key="s_step_open").set_value(True).run()
    assert at.session_state["s_step_k"] == 0
    at.button(key="s_step_next").click().run()
    assert at.session_state["s_step_k"] == 5  # the default speed: 5 updates per step
    gen = at.session_state["_follow:s_step_k"]["gen"]  # the w chart's own slider, released at update 100
    at.session_state[f"s_step_k_chart_{gen}"] = {"selection": {"k": [{"k": 100}]}}
    at.run()
    table = next(df.value for df in at.dataframe if "gradient dL/dw" in df.value.columns)
    signed = table[table["loss"].str.startswith("signed")].iloc[0]
    assert signed["w"] == pytest.approx(20 - 100 * 0.01 * 40) and signed["gradient dL/dw"] == 40
    at.button(key="s_step_play").click().run()
    assert at.button(key="s_step_play").label == "⏸"
    at.button(key="s_step_back").click().run()
    assert at.session_state["s_step_k"] < 105


def test_derivation_preset_puts_the_student_on_the_kink():
    at = open_page("pages/derivation.py")
    at.selectbox(key="d_preset").set_value("Standing on the kink: w = 0.5").run()
    assert at.slider(key="d_w").value == 0.5 and "You are on the kink" in snapshot(at)


def test_noise_page_runs_its_heavy_experiments_only_when_asked():
    """A slider change pays for the runs on screen; the sweep and the 48 draws wait for the student."""
    at = open_page("pages/noise_and_learning_rate.py", {"n_sigma": "5", "n_epochs": "200"})
    charts_before = len(at.get("vega_lite_chart"))
    assert "Mean |w − 1| over the draws" not in snapshot(at)
    at.toggle(key="n_sweep_show").set_value(True).run()
    assert len(at.get("vega_lite_chart")) == charts_before + 1 and "L2 beyond lr" in snapshot(at)
    at.radio(key="n_draws_predict").set_value("L2").run()
    assert not at.exception
    text = snapshot(at)
    assert "Mean |w − 1| over the draws" in text and len(at.get("vega_lite_chart")) == charts_before + 2
    # the feedback names the answer the draws give, computed only now, at the page's own lr (its default)
    from ui.lessons.noise import lesson as noise
    from ui.lessons.noise import sentences as noise_say

    lr, runs = noise.C["lr"].default, [core.article_dataset(5.0, seed=s) for s in range(noise.SEEDS)]
    tail = noise_say.TAIL.updates(core.updates_per_run(20, 2, 200))
    errors = {  # each draw's mean |w - 1| over the tail of its updates, never its final w
        k: np.mean([np.mean(np.abs(core.descend(d, k, lr, 20.0, 2, epochs=200).w[-tail:] - 1)) for d in runs])
        for k in ("l1", "l2")
    }
    low, high = sorted(errors.values())
    tie = high <= (1 + noise_say.TIE) * low
    right = noise_say.SAME if tie else ("L2" if errors["l2"] < errors["l1"] else "absolute L1")
    assert (any("Right" in s.value for s in at.success)) == (right == "L2"), (errors, right)


def test_outliers_breakdown_answer_comes_from_the_fits():
    at = open_page("pages/outliers.py")
    assert "breakdown point" not in snapshot(at)
    at.radio(key="o_break_predict").set_value("35 to 50%").run()
    text = snapshot(at)
    assert "breakdown point" in text
    held = float(text.split("of the true line up to **")[1].split("%")[0]) / 100
    ranges = {"under 20%": (0.0, 0.2), "20 to 35%": (0.2, 0.35), "35 to 50%": (0.35, 0.5001)}
    expected = next(k for k, (lo, hi) in ranges.items() if lo <= held < hi)
    assert any("Right" in s.value for s in at.success) == (expected == "35 to 50%")
    assert expected == "35 to 50%"  # the defaults' sweep holds to 12 of 30 points: the answer says so


def test_outliers_gradient_descent_runs_when_asked_and_its_answer_comes_from_the_runs():
    easy = open_page("pages/outliers.py")
    assert "distance to exact" not in snapshot(easy), "descent runs only once the question is answered"
    easy.radio(key="o_gd_predict").set_value("yes, all three").run()
    text = snapshot(easy)
    assert "distance to exact" in text and "All three arrive" in text
    assert any("Right" in s.value for s in easy.success)

    hard = open_page("pages/outliers.py", {"o_frac": "0.45", "o_size": "48", "o_seed": "0"})
    hard.radio(key="o_gd_predict").set_value("yes, all three").run()
    text = snapshot(hard)
    assert "Not there after 3,000 updates" in text and "not all: some are still on their way" in text
    table = next(e.value for e in hard.dataframe if "arrived" in e.value.columns)
    assert (table["arrived"] == "no").any()


def test_the_app_shell_freezes_its_imports_once():
    """Streamlit's gc.collect() after every run must not walk numpy, pandas and Altair (ui/runtime.py)."""
    import gc

    from ui import runtime

    open_page("pages/home.py")
    frozen = gc.get_freeze_count()
    assert runtime._frozen and frozen > 10_000, "app.py froze the objects alive after its imports"
    runtime.freeze_imports()
    assert gc.get_freeze_count() == frozen, "a second call freezes nothing more"


def _edit_outliers_table(at: AppTest, edits: dict) -> AppTest:
    """Type into the outliers page's data editor, as a browser would send it (edited, added, deleted rows)."""
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": []} | edits
    return at.run()


def test_outliers_table_garbage_gets_a_note_and_the_page_keeps_working():
    at = open_page("pages/outliers.py")
    at.radio(key="o_gd_predict").set_value("yes, all three").run()
    junk = {0: {"x": "abc"}, 1: {"y": "1e400"}, 2: {"x": "<script>alert(1)</script>"}, 3: {"y": ""}, 4: {"x": "nan"}}
    _edit_outliers_table(at, {"edited_rows": junk, "added_rows": [{"x": "ü" * 300, "y": "9" * 40}]})
    assert not at.exception, [e.message for e in at.exception]
    note = " ".join(w.value for w in at.warning)
    assert "Ignored 6 rows" in note and "rows 0, 1, 2, 3, 4 and 30." in note, "rows as the table labels them"
    assert "distance to exact" in snapshot(at), "the fits and gradient descent still run on the rows left"


def test_outliers_table_that_pins_no_line_stops_with_a_message():
    at = open_page("pages/outliers.py")
    _edit_outliers_table(at, {"deleted_rows": list(range(2, 30))})
    assert not at.exception and any("Fewer than 3 valid points" in e.value for e in at.error)


def test_outliers_table_with_one_x_and_huge_y_still_fits():
    at = open_page("pages/outliers.py")
    at.radio(key="o_gd_predict").set_value("yes, all three").run()
    _edit_outliers_table(at, {"edited_rows": {i: {"x": "2", "y": str((-1) ** i * 1e6)} for i in range(30)}})
    assert not at.exception, [e.message for e in at.exception]
    text = snapshot(at)
    assert "distance to exact" in text and "do not pin the line down" in text, "a tie is not called a failure"


def test_the_draws_sentence_measures_the_median_and_the_mean_from_the_draws_data():
    """'the optima alone are on average ... (L1: the median ...) and ... (L2: the mean) from 1', against the 48
    data sets made here: the median and the mean of yᵢ/xᵢ (x = 2 for every sample)."""
    at = open_page("pages/noise_and_learning_rate.py", {"n_sigma": "5"})
    at.radio(key="n_draws_predict").set_value("L2").run()
    text = snapshot(at)
    found = re.search(r"optima alone are on average (\S+) \(L1: the median, [^)]*\) and (\S+) \(L2: the mean\)", text)
    assert found, "the draws sentence names both optima"
    ratios = [
        d.y / d.x
        for d in (
            core.make_dataset(20, 2.0, 1.0, 0.0, 5.0, outlier_fraction=0.0, outlier_size=0.0, seed=s) for s in range(48)
        )
    ]
    median_err = np.mean([abs(np.median(r) - 1) for r in ratios])
    mean_err = np.mean([abs(np.mean(r) - 1) for r in ratios])
    for shown, exact in zip(found.groups(), (median_err, mean_err), strict=True):
        assert float(shown) == pytest.approx(exact, rel=5e-2)  # printed to 2 significant digits


def test_the_teachers_plan_shows_every_row_whole_and_its_times_on_one_line():
    """A | inside a cell (|ŷ − t|) ended the table's cell: the introduction read 'Write L(w) ='. A fresh read: "0–4
    min" broke after its dash at 1280 px; the plan's rows are now columns, each time kept on one line."""
    from ui.lessons import plan

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.switch_page("pages/teachers.py")
    at.run()
    shown = [m.value for m in at.main.markdown]
    assert any("Write L(w) = |ŷ − t| on the board" in m for m in shown)
    for row in plan.rows(LESSONS):
        assert f"**{row.when}**" in shown
        assert " " not in row.when and "\u2060–\u2060" in row.when  # no break at the dash, nor before "min"


def test_the_staircase_shows_every_step_of_the_summed_subgradient():
    """A fresh teacher's read: the staircase's axis ended at 2.2 and cut its fifth step, at tᵢ/xᵢ = 2.30."""
    import pyarrow as pa

    at = open_page("pages/derivation.py")
    table = at.dataframe[-1].value  # the samples' table: tᵢ/xᵢ is where the sum steps
    kinks = table["tᵢ/xᵢ"].str.replace("−", "-").astype(float)  # as printed, 3 significant digits
    (steps,) = [c for c in at.get("vega_lite_chart") if any(d.name == "steps" for d in c.proto.datasets)]
    data = next(d.data.data for d in steps.proto.datasets if d.name == "steps")
    w = pa.ipc.open_stream(data).read_all().to_pandas()["w"]
    assert w.min() < kinks.min() and w.max() > kinks.max()


def test_the_noise_pages_heaviest_corner_runs_every_experiment_without_error():
    """Batch 1, 1,000 epochs, every loss and result on: the experiments share a budget, so a loss that also runs the
    draws and the heatmap keeps fewer of the sweep's rates (the sweep shows the rates every loss ran; it raised)."""
    from bench.pages import REVEAL

    heavy = {"n_bs": "1", "n_epochs": "1000", "n_shuffle": "true", "n_huber": "true", "n_sigma": "0"}
    at = open_page("pages/noise_and_learning_rate.py", heavy)
    for key in REVEAL["noise_and_learning_rate"]:
        box = next((b for kind in (at.checkbox, at.toggle) for b in kind if b.key == key), None)
        if box is not None and not box.value:
            box.set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("learning rates" in c.value and "evenly spread" in c.value for c in at.caption)  # said, not hidden
