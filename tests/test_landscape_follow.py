"""The landscape map's own lr slider (ui.follow): its family holds, at each lr, the run a direct call of the optimiser
makes at that lr (core.descend, as tests/test_sentences_landscape.py makes the page's runs), and the page's words
read that same run."""

from __future__ import annotations

import json

import numpy as np
import pytest

import core
from tests.helpers import chart_texts
from tests.test_descent import loops_tolerance
from tests.test_pages import open_page, snapshot
from tests.test_sentences_landscape import DEFAULTS, page_runs
from ui import follow
from ui.lessons.landscape import compute as lesson_compute
from ui.lessons.landscape import lesson
from ui.lessons.landscape import sentences as say

SLIDER = lesson.lr_slider()
CASES = {  # the page's settings (by name, as page_runs reads them): the default, a decaying lr, a bowl that blows up
    "default": DEFAULTS,
    "decaying": DEFAULTS | {"sched": "inverse_sqrt", "steps": 2000},
    "l2": DEFAULTS | {"loss": "l2", "steps": 300, "beta": 0.5},
}


def by_key(s: dict) -> dict:
    """The page's settings by control key, as the lesson reads them."""
    on = {f"l_{o}": o in s["on"] for o in lesson.OPTIMIZERS}
    return {lesson.C[name].key: s[name] for name in lesson.C if name in s} | on


def direct(s: dict, optimizer: str, lr: float) -> tuple[core.Trajectory, np.ndarray]:
    """The run core.descend makes at `lr`, and how far another loop's (w, b) may be from it (`loops_tolerance`)."""
    data, runs, f_star = page_runs(s | {"lr": lr, "on": (optimizer,)})
    args = {"data": data, "loss": s["loss"], "lr": runs[optimizer].lr[1], "w0": s["w0"], "b0": s["b0"]}
    args |= {"batch_size": data.n, "epochs": s["steps"], "fit_bias": True, "f_star": f_star}
    args |= {"optimizer": core.make_optimizer(optimizer, **({"beta": s["beta"]} if optimizer == "momentum" else {}))}
    if s["sched"] != "constant":
        args["lr"] = core.schedule_from_name(s["sched"], lr)
    return runs[optimizer], loops_tolerance(core.descend, args, data.n)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("optimizer", lesson.FOLLOW_LR)
def test_the_run_at_each_lr_of_the_slider_is_a_direct_run_at_that_lr(case, optimizer):
    s = CASES[case]
    many = lesson.runs_over_lr(by_key(s), optimizer)
    assert many.w.shape == (SLIDER.values.size, s["steps"] + 1)
    blew_up = 0
    for i, lr in enumerate(SLIDER.values):
        one, tol = direct(s, optimizer, float(lr))
        got = lesson_compute.at(many, i)
        assert got.diverged_at == one.diverged_at, (lr, got.diverged_at, one.diverged_at)
        blew_up += one.diverged_at is not None
        apart = np.abs(got.w - one.w) + np.abs(got.b - one.b)
        ok = np.isfinite(one.w)  # both nan past a blow-up (diverged_at is the same)
        assert np.array_equal(ok, np.isfinite(got.w)) and np.all(apart[ok] <= tol[ok]), (lr, np.nanmax(apart - tol))
        np.testing.assert_array_equal(got.lr, one.lr)
        np.testing.assert_allclose(got.best_loss[ok], one.best_loss[ok], rtol=1e-9)
    assert (blew_up > 0) == (case == "l2")  # the L2 bowl blows up at the largest rates, L1 never does


@pytest.mark.parametrize("case", CASES)
def test_the_map_draws_each_path_at_each_lr_through_the_direct_runs_points(case):
    """Column i of the map's family "moving" is plain descent's and momentum's path at the slider's i-th lr, at the
    updates it lists (float32: the browser draws no more); Adam's and Polyak's paths, which that lr does not move,
    are drawn once."""
    s = CASES[case]
    land = lesson.landscape(by_key(s))
    fam = land.moving
    assert fam.by_value is None and fam.nbytes <= follow.MAX_FAMILY_BYTES
    assert set(land.paths["optimizer"]) == {lesson.labels(by_key(s))[o] for o in ("adam", "polyak")}
    for i, lr in enumerate(SLIDER.values):
        _, runs, _ = page_runs(s | {"lr": float(lr)})
        for o, run in runs.items():
            moves = o in lesson.FOLLOW_LR
            table = fam.rows if moves else land.paths
            rows = table[table["optimizer"] == lesson.labels(by_key(s))[o]]
            steps = rows[f"step_{i}" if moves else "step"].to_numpy().astype(int)
            assert steps[0] == 0 and np.all(np.diff(steps) >= 0) and steps[-1] <= s["steps"]
            assert len(steps) <= land.drawn < land.states == s["steps"] + 1
            for f, series in (("w", run.w), ("b", run.b)):
                want = series[steps]
                assert np.all(np.isfinite(want))  # a path is drawn up to where it blew up
                scale = np.abs(run.b[steps]) + np.abs(run.w[steps])
                got = rows[f"{f}_{i}" if moves else f].to_numpy()
                assert np.all(np.abs(got - want) <= 2**-20 * scale + 1e-9), (o, lr, f)


def test_the_map_is_pinned_at_the_links_lr_and_the_words_read_the_run_at_it():
    """The map's own slider starts at the link's lr (its index among the options), the map's description and the
    page's verdict are for that lr, and the verdict is read off the family's own run there."""
    values = lesson.LESSON.defaults() | {"l_lr": 0.0005}
    at = open_page("pages/landscape.py", {"l_lr": "0.0005"})
    at.checkbox(key="l_predict_skip").check().run()
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    (param,) = [p for spec in specs for p in spec.get("params", []) if p["name"] == SLIDER.name]
    assert param["value"] == [{"lr": SLIDER.index(0.0005)}] and param["bind"]["max"] == SLIDER.values.size - 1
    assert any("(plain (sub)gradient descent and momentum at lr 0.0005)" in t for t in chart_texts(at))
    answer, numbers = lesson.settle(values)
    assert answer != lesson.settle(lesson.LESSON.defaults())[0]  # this lr changes the verdict
    sgd = lesson_compute.at(lesson.runs_over_lr(values, "sgd"), SLIDER.index(0.0005))
    assert (answer, numbers) == say.settling(sgd.loss, lesson.optimum(values)[2], sgd.diverged_at)
    assert say.settle_takeaway(answer, numbers) in snapshot(at)


@pytest.mark.parametrize("loss", ["l2", "huber"])
def test_plain_descent_is_named_a_gradient_descent_on_a_smooth_loss(loss):
    """A subgradient is L1's (its creases); on L2 and Huber plain descent follows the gradient, and every name on
    the page (question, legends, words, the table) says so. On L1 the name says (sub)gradient."""
    at = open_page("pages/landscape.py", {"l_loss": loss})
    at.checkbox(key="l_predict_skip").check().run()
    seen = snapshot(at) + " ".join(chart_texts(at))
    assert "(sub)gradient" not in seen and "plain gradient descent" in seen
    assert lesson.labels(lesson.LESSON.defaults())["sgd"] == "plain (sub)gradient descent"


def test_the_maps_colour_legend_reads_round_losses():
    """The map's greys follow log(1 + loss): the legend's scale is that same curve (a symmetric log with constant
    1) over the loss itself, so its ticks fall on round losses (400), not on round log(1 + loss) (402.4)."""
    from ui.lessons.landscape import charts as lesson_charts

    values = lesson.LESSON.defaults()
    land = lesson.landscape(values)
    spec = lesson_charts.landscape_chart(
        land.grid, land.paths, land.creases, lesson.optimum(values)[:2], ["sgd"],
        w_range=land.w_range, b_range=land.b_range,
    ).to_dict()  # fmt: skip
    colours = [
        layer["encoding"]["color"]
        for layer in spec["layer"]
        if layer.get("encoding", {}).get("color", {}).get("title") == "loss"
    ]
    (colour,) = colours
    assert colour["field"] == "loss" and colour["scale"]["type"] == "symlog" and colour["scale"]["constant"] == 1
    ends = sorted(spec["datasets"]["map"].column("loss").to_pylist())
    loss = land.grid["loss"].to_numpy(dtype=float)
    assert ends == pytest.approx([loss.min(), loss.max()], rel=1e-5)  # the grid is 32-bit


def test_plain_descents_path_is_drawn_last_on_top_of_the_others():
    """A fresh read at lr 0.1: momentum's wild path covered plain descent's, the one the question is about."""
    values = lesson.LESSON.defaults() | {"l_lr": 0.1}
    rows = lesson.landscape(values).moving.rows
    names = list(dict.fromkeys(rows["optimizer"]))
    assert names[-1] == lesson.labels(values)["sgd"] and len(names) == 2
