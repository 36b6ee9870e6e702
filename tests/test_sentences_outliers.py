"""The outliers page's sentences and verdicts against the data they describe (computed here with core directly),
across the page's control space and its presets; one test per finding of issue 16 (outliers) and issue 19 item 1."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
from tests.helpers import chart_texts
from tests.test_pages import open_page, snapshot
from ui import charts, table
from ui.frames import MAX_EDITOR_ROWS
from ui.lessons.outliers import sentences as say
from ui.lessons.outliers.facts import NEAR

FRACTIONS = tuple(np.round(np.linspace(0, 0.5, 11), 2))
LOSSES = ("l1", "l2", "huber")
# the page's presets (pages/outliers.py PRESETS) over its defaults
DEFAULTS = {"n": 30, "w": 2.0, "b": 1.0, "sigma": 0.5, "frac": 0.1, "size": 25.0, "seed": 0, "bias": True, "delta": 1.0}
PRESETS = {
    "Clean data": {"frac": 0.0},
    "One bad point in ten": {},
    "A third of the data bad": {"frac": 0.35},
    "Just under half bad": {"frac": 0.45},
    "Through the origin (the weighted median)": {"bias": False, "b": 0.0},
}


def tenths(lo: float, hi: float, step: float):
    return st.integers(0, round((hi - lo) / step)).map(lambda i: round(lo + i * step, 10))


SETTINGS = st.fixed_dictionaries(
    {
        "n": st.integers(10, 100),
        "w": tenths(-3.0, 3.0, 0.1),
        "b": tenths(-5.0, 5.0, 0.1),
        "sigma": tenths(0.0, 3.0, 0.1),
        "frac": tenths(0.0, 0.5, 0.05),
        "size": tenths(-50.0, 50.0, 1.0),
        "seed": st.integers(0, 99),
        "bias": st.booleans(),
        "delta": tenths(0.1, 10.0, 0.1),
    }
)
CONTROL_SPACE = st.one_of(SETTINGS, st.sampled_from([DEFAULTS | p for p in PRESETS.values()]))


def _params(loss: str, delta: float) -> dict:
    return {"delta": delta} if loss == "huber" else {}


def page_run(s: dict) -> dict:
    """What the page computes from its settings, with core directly."""
    b_true = s["b"] if s["bias"] else 0.0
    d = core.make_dataset(s["n"], (0.0, 5.0), s["w"], b_true, s["sigma"], s["frac"], s["size"], s["seed"])
    x, y = d.x.round(3), d.y.round(3)  # the table shows (and the page fits) three decimals
    exact = {k: core.fit_line(k, x, y, s["bias"], **_params(k, s["delta"])) for k in LOSSES}
    grid = np.linspace(x.min(), x.max(), say.GAP_GRID)
    gaps = {k: float(np.mean(np.abs(exact[k][0] * grid + exact[k][1] - (s["w"] * grid + b_true)))) for k in LOSSES}
    return {"x": x, "y": y, "exact": exact, "gaps": gaps, "b_true": b_true, "shifted": int(d.is_outlier.sum())}


def _g(v: float) -> str:
    return f"{v:.3g}"


@given(CONTROL_SPACE)
def test_which_fit_ends_further_is_decided_by_the_gaps_and_says_them(s):
    run = page_run(s)
    gaps, tol = run["gaps"], NEAR.tolerance(s["sigma"])
    answer = say.further_answer(gaps, tol)
    if answer == "neither moves":
        assert gaps["l1"] <= tol and gaps["l2"] <= tol
    else:
        k, other = ("l1", "l2") if answer.startswith("L1") else ("l2", "l1")
        assert gaps[k] > tol and gaps[k] >= gaps[other]
    why = say.further_explanation(gaps, tol, (run["x"].min(), run["x"].max()), run["shifted"])
    assert f"L1's line is {_g(gaps['l1'])}" in why and f"L2's {_g(gaps['l2'])}" in why and _g(tol) in why
    assert ("so L2 moves its line" in why) == (answer.startswith("L2"))
    assert ("L1 follows them" in why) == (answer.startswith("L1"))
    assert ("No point in the table is marked as shifted" in why) == (answer == "neither moves" and run["shifted"] == 0)


@given(CONTROL_SPACE)
def test_the_fit_sentence_states_the_fits_and_which_stayed_near(s):
    run = page_run(s)
    gaps, tol, exact = run["gaps"], NEAR.tolerance(s["sigma"]), run["exact"]
    text = say.fit_seen(exact, (s["w"], run["b_true"]), gaps, tol)
    for k in ("l1", "l2"):
        assert _g(exact[k][0]) in text and _g(exact[k][1]) in text
    near = {k: gaps[k] <= tol for k in ("l1", "l2")}
    assert ("Both lines stay near" in text) == (near["l1"] and near["l2"])
    assert ("L1 lets the bad points sit far" in text) == (near["l1"] and not near["l2"])
    assert ("it is L1's line that left the truth" in text) == (near["l2"] and not near["l1"])
    assert ("Neither line stays near" in text) == (not near["l1"] and not near["l2"])


def sweep(s: dict) -> dict[str, list[float]]:
    """The breakdown sweep as the page's chart draws it: x on [0, 5], each fraction's data set fitted exactly."""
    b_true = s["b"] if s["bias"] else 0.0
    grid = np.linspace(0.0, 5.0, 51)
    out = {k: [] for k in ("l1", "l2")}
    for frac in FRACTIONS:
        d = core.make_dataset(s["n"], (0.0, 5.0), s["w"], b_true, s["sigma"], float(frac), s["size"], s["seed"])
        for k in out:
            fw, fb = core.fit_line(k, d.x, d.y, s["bias"])
            out[k].append(float(np.mean(np.abs((fw - s["w"]) * grid + (fb - b_true)))))
    return out


@given(CONTROL_SPACE)
def test_the_breakdown_sentence_and_verdict_say_where_l1_broke_in_this_sweep(s):
    gaps, tol = sweep(s), NEAR.tolerance(s["sigma"])
    inside = [g <= tol for g in gaps["l1"]]
    held = None if not inside[0] else FRACTIONS[(inside + [False]).index(False) - 1]
    assert say.held_to(FRACTIONS, gaps["l1"], tol) == held
    answer = say.breakdown_answer(held)
    assert abs(say.BREAKS[answer] - (held or 0.0)) == min(abs(v - (held or 0.0)) for v in say.BREAKS.values())
    text = say.breakdown_seen(FRACTIONS, gaps, tol, (0.0, 5.0))
    assert f"L2's line is {'already' if gaps['l2'][1] > tol else 'only'} {_g(gaps['l2'][1])}" in text
    if held is None:
        assert "even at 0% outliers" in text and "cannot show a breakdown point" in text
        return
    assert f"up to **{held:.0%}** outliers" in text
    if held < 0.5:
        broke = FRACTIONS[FRACTIONS.index(held) + 1]
        assert f"away at {broke:.0%}" in text and gaps["l1"][FRACTIONS.index(broke)] > tol
    assert ("close to one half" in text) == (held >= 0.45)
    assert ("below the one half" in text) == (held < 0.45)


RUN = st.fixed_dictionaries(
    {
        "arrived": st.booleans(),
        "excess_loss": st.one_of(st.just(0.0), st.floats(1e-12, 10.0)),
        "settled": st.one_of(st.none(), st.integers(0, 2999)),
        "end": st.tuples(st.floats(-50, 50), st.floats(-50, 50)),
    }
)


@given(st.fixed_dictionaries({k: RUN for k in LOSSES}))
def test_the_descent_verdict_and_sentence_name_each_late_run_with_its_reason(gd):
    answers = ["yes, all three", "L2 and Huber, but not L1: at its kink there is no gradient", "not all"]
    all_in = all(r["arrived"] for r in gd.values())
    assert say.descent_answer(gd, answers) == (answers[0] if all_in else answers[2])
    exact = {k: (r["end"][0] + 1.0, r["end"][1] - 2.0) for k, r in gd.items()}
    why, seen = say.descent_explanation(gd, exact, 3000, 0.01), say.descent_seen(gd, exact, 3000, 0.01)
    for k, r in gd.items():
        name = core.LOSS_LABELS[k]
        if r["arrived"]:
            assert f"{name} ends" not in why
        elif r["excess_loss"] > 1e-9:
            far = f"{name} ended 2 from its exact line, which lies {_g(max(abs(exact[k][0]), abs(exact[k][1])))} from"
            assert far in why and far in seen and "on its way" in why
        else:
            assert f"{name} ends away from the exact line with a loss as low" in why
        if r["settled"] is not None:
            k = r["settled"]
            assert f"{name} after {k:,} {'update' if k == 1 else 'updates'}" in seen
        else:
            assert f"{name} after" not in seen
    assert ("All three arrive" in seen) == all_in


@given(st.floats(-100, 100))
def test_the_number_line_sentence_gives_the_median_and_mean_and_where_the_median_can_go(drag):
    fixed = np.array([2.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 7.5])
    text = say.number_line_seen(fixed, drag)
    targets = np.append(fixed, drag)
    assert f"here {np.median(targets):.3g}" in text and f"here {np.mean(targets):.3g}" in text
    lo, hi = (float(v) for v in re.search(r"stays between (\S+) and (\S+) wherever", text).groups())
    reached = [np.median(np.append(fixed, d)) for d in np.linspace(-1e3, 1e3, 201)]
    assert min(reached) == lo and max(reached) == hi and lo <= np.median(targets) <= hi
    assert "the mean moves by 1/9 of every move" in text


@given(CONTROL_SPACE)
def test_the_pull_sentence_gives_each_loss_strongest_pull_and_its_bound(s):
    run = page_run(s)
    x, y = run["x"], run["y"]
    res = s["w"] * x + run["b_true"] - y
    pulls = {k: core.loss_grad(k, res, **_params(k, s["delta"])) * x for k in LOSSES}
    top = {k: float(np.max(np.abs(p))) for k, p in pulls.items()}
    assert top["l1"] <= np.max(np.abs(x)) and top["huber"] <= s["delta"] * np.max(np.abs(x)) * (1 + 1e-12)
    text = say.influence_seen(pulls, x, s["delta"])
    assert f"L1 {_g(top['l1'])}, Huber {_g(top['huber'])}, L2 {_g(top['l2'])}" in text
    assert ("no residual is large enough" in text) == (top["l2"] <= top["l1"])


# --- one test per finding (each fails on the page before this change) ---


def test_just_under_half_bad_credits_l1_for_moving_and_says_why_in_numbers():
    at = open_page("pages/outliers.py", {"o_frac": "0.45"})
    at.radio(key="o_predict").set_value("L1 (absolute)").run()
    verdict = " ".join(m.value for m in at.success)
    assert verdict.startswith("Right") and "L1 follows them" in verdict and "so L2" not in verdict
    gaps = [float(v) for v in re.findall(r"L1's line is (\S+) from the true line and L2's (\S+);", verdict)[0]]
    assert gaps[0] > gaps[1] > NEAR.tolerance(0.5)


def test_clean_data_credits_neither_moves():
    at = open_page("pages/outliers.py", {"o_frac": "0.0"})
    at.radio(key="o_predict").set_value("neither moves").run()
    assert any(m.value.startswith("Right") and "No point in the table" in m.value for m in at.success)


def test_the_breakdown_sentence_does_not_promise_one_half_where_the_sweep_breaks_sooner():
    at = open_page("pages/outliers.py")
    at.radio(key="o_break_predict").set_value("almost 50%").run()
    text = snapshot(at)
    assert "up to **40%** outliers" in text and "away at 47%" in text  # 45% of 30 points is 14 of them: 47%
    assert "the most any estimator can have" not in text and "below the one half" in text


def test_no_bias_and_every_x_zero_gets_a_message_not_an_exception():
    at = open_page("pages/outliers.py", {"o_bias": "false"})
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {i: {"x": "0"} for i in range(30)}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Every x is 0" in e.value for e in at.error)


def test_the_pulls_are_drawn_on_linear_axes_with_the_bounded_losses_on_their_own():
    at = open_page("pages/outliers.py")
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    pulls = [sp for sp in specs if "pull on w" in json.dumps(sp)]
    assert len(pulls) == 2
    for sp in pulls:
        assert sp["encoding"]["y"].get("scale", {}).get("type", "linear") == "linear"
    assert [d["range"] for d in (pulls[1]["encoding"]["color"]["scale"],)] == [
        [charts.LOSS_COLORS["l1"], charts.LOSS_COLORS["huber"]]
    ]


# --- the table: bounded before any work (issue 19 item 1) ---


def test_a_paste_of_2000_rows_is_capped_before_streamlit_applies_it_and_the_page_keeps_working():
    at = open_page("pages/outliers.py")
    key = at.data_editor[0].key
    rows = [{"x": str(i % 5), "y": "abc" if i % 4 == 0 else str(2 * (i % 5) + 1)} for i in range(2000)]
    at.session_state[key] = {"edited_rows": {}, "added_rows": rows, "deleted_rows": []}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.data_editor[0].key != key, "the editor starts afresh: the paste no longer sits in its state"
    assert len(at.data_editor[0].value) == MAX_EDITOR_ROWS
    notes = " ".join(w.value for w in at.warning)
    assert "2,000 new rows arrived at once" in notes and "1,530 dropped" in notes and "emptied" in notes
    at.checkbox(key="o_gd_predict_skip").check().run()  # a later rerun pays nothing for the paste
    assert not at.exception and "distance to exact" in snapshot(at)
    assert len(at.data_editor[0].value) == MAX_EDITOR_ROWS


def test_small_plain_edits_still_go_to_streamlit():
    edits = {"edited_rows": {0: {"x": "1.5"}}, "added_rows": [{"x": 1, "y": 2}], "deleted_rows": [3]}
    assert not table.is_heavy(edits, 30, ("x", "y", "kind"))
    assert not table.is_heavy(None, 30, ("x", "y", "kind"))


HOSTILE = [
    {"edited_rows": {999999: {"x": "1"}}, "added_rows": [], "deleted_rows": []},
    {"edited_rows": {0: {"nope": "1"}}, "added_rows": [], "deleted_rows": []},
    {"edited_rows": {}, "added_rows": [{"x": {"a": 1}}], "deleted_rows": []},
    {"edited_rows": {}, "added_rows": "rows", "deleted_rows": [-1, 10**9]},
    {"edited_rows": [], "added_rows": [], "deleted_rows": "all"},
    ["not", "a", "mapping"],
    {"edited_rows": {}, "added_rows": [{"x": "9" * 400, "y": "1"}], "deleted_rows": []},
]


@pytest.mark.parametrize("edits", HOSTILE)
def test_malformed_edits_are_folded_into_a_clean_bounded_table(edits):
    base = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 3.0], "kind": ["inlier"] * 3})
    assert table.is_heavy(edits, len(base), ("x", "y", "kind"))
    out, notes = table.fold(base, edits, ("x", "y"))
    assert len(out) <= MAX_EDITOR_ROWS and list(out.columns) == ["x", "y", "kind"]
    assert out["x"].dtype == float and out["y"].dtype == float
    finite = out[["x", "y"]].to_numpy()
    assert np.all(np.isnan(finite) | (np.abs(finite) <= 1e6))


@given(
    st.lists(
        st.fixed_dictionaries(
            {"x": st.one_of(st.text(max_size=8), st.floats(allow_nan=True, allow_infinity=True), st.none())}
        ),
        max_size=700,
    ),
    st.integers(0, 40),
)
def test_folding_any_paste_keeps_what_fits_and_counts_what_it_dropped(rows, deleted):
    base = pd.DataFrame({"x": np.arange(40.0), "y": np.arange(40.0), "kind": ["inlier"] * 40})
    edits = {"edited_rows": {}, "added_rows": rows, "deleted_rows": list(range(deleted))}
    out, notes = table.fold(base, edits, ("x", "y"))
    room = MAX_EDITOR_ROWS - (40 - deleted)
    assert len(out) == 40 - deleted + min(len(rows), room)
    assert (len(rows) > room) == any("arrived at once" in n for n in notes)
    kept = out["x"].to_numpy()[40 - deleted :]
    for row, value in zip(rows, kept, strict=False):
        raw = row["x"]
        try:
            expected = float(raw) if raw is not None and not isinstance(raw, bool) else np.nan
        except ValueError:
            expected = np.nan
        if not (np.isfinite(expected) and abs(expected) <= 1e6) or (isinstance(raw, str) and len(raw) > 64):
            expected = np.nan
        assert (np.isnan(value) and np.isnan(expected)) or value == expected


def test_line_text_writes_the_sign_of_the_intercept_and_drops_it_without_a_bias():
    assert say.line_text(2.0, -0.3, True) == "2x − 0.3" and say.line_text(2.014, 4.9, True) == "2.01x + 4.9"
    assert say.line_text(-1.5, 7.0, False) == "-1.5x" and say.line_text(3.0, 0.0, True, "g") == "3x + 0"


@pytest.mark.parametrize("link", [{}, {"o_bias": "false", "o_b": "0"}, {"o_b": "-3", "o_size": "-20"}])
def test_the_scatter_description_names_each_exact_line_and_the_true_one(link):
    at = open_page("pages/outliers.py", link)
    text = next(t for t in chart_texts(at) if "points with the lines that minimise" in t)
    bias, w_true, b_true = (at.session_state[k] for k in ("o_bias", "o_w", "o_b"))
    points = next(c.proto for c in at.get("vega_lite_chart") if any(d.name == "points" for d in c.datasets))
    table_ = pa.ipc.open_stream(next(d.data.data for d in points.datasets if d.name == "points")).read_all()
    x, y = np.asarray(table_["x"]), np.asarray(table_["y"])
    for k in ("l1", "l2", "huber"):
        params = {"delta": at.session_state["o_delta"]} if k == "huber" else {}
        w, b = core.fit_line(k, x, y, fit_bias=bias, **params)
        assert f"{charts.label(k)}'s y = {say.line_text(w, b, bias)}" in text
    assert f"the true line y = {say.line_text(w_true, b_true if bias else 0.0, bias, 'g')}, dashed." in text
    truth = pa.ipc.open_stream(next(d.data.data for d in points.datasets if d.name == "truth")).read_all()
    xt, yt = np.asarray(truth["x"]), np.asarray(truth["y"])
    np.testing.assert_allclose(yt, w_true * xt + (b_true if bias else 0.0), rtol=1e-12, atol=1e-12)  # it is drawn


def test_a_changed_near_rule_changes_the_answer_and_the_teachers_page(monkeypatch):
    """The rule is read where it is printed: at 2·sigma + 0.1 the words say so, and nothing says 3·sigma."""
    from streamlit.testing.v1 import AppTest

    from tests.test_pages import APP
    from ui.lessons.outliers import facts
    from ui.lessons.outliers import lesson as outliers

    values = outliers.LESSON.defaults()
    assert NEAR.describe() in outliers.LESSON.expected(values)[1]
    changed = facts.NearRule(per_sigma=2.0, floor=0.1)
    monkeypatch.setattr(facts, "NEAR", changed)
    why = outliers.LESSON.expected(values)[1]
    assert "2·sigma + 0.1" in why and NEAR.describe() not in why
    assert say.near_tolerance(0.5) == changed.tolerance(0.5) != NEAR.tolerance(0.5)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.switch_page("pages/teachers.py")
    at.run()
    shown = "\n".join(e.value for e in [*at.markdown, *at.success])
    assert f"{changed.describe()} = {changed.tolerance(values['o_sigma']):g}" in shown
    assert NEAR.describe() not in shown
