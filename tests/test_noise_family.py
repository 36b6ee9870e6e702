"""ui/lessons/noise/compute.py: the w chart's family holds, at each rate its lr slider offers, the page's own run at
that rate (ui.lessons.noise.lesson.run, what the chart draws once the hand lets go), thinned as the chart thins it."""

import numpy as np
import pandas as pd
import pytest

from ui import follow, frames
from ui.controls import loss_params
from ui.lessons.noise import compute, lesson
from ui.lessons.noise.lesson import C

DEFAULTS = {c.key: c.default for c in lesson.CONTROLS}
OPTIONS = tuple(lesson.LR_SLIDER.values)


def _family(values: dict, loss: str, **experiments) -> compute.NoiseExperiments:
    """The experiments call the page makes (blocks.experiments), with the family at every option of the slider."""
    return compute.noise_experiments(
        loss,
        lesson.schedule(values),
        values["n_w0"],
        values["n_bs"],
        values["n_epochs"],
        sigma=values["n_sigma"],
        seed=values["n_seed"],
        family_lrs=OPTIONS,
        shuffle=values["n_shuffle"],
        **experiments,
        **loss_params(loss, values, C),
    )


@pytest.mark.parametrize(
    ("settings", "loss"),
    [
        ({}, "l1"),
        ({}, "l2"),
        ({"n_sigma": 5.0, "n_bs": 1, "n_epochs": 30, "n_shuffle": True, "n_seed": 7}, "huber"),
        ({"n_sched": "inverse_time", "n_decay": 0.0005, "n_sigma": 5.0, "n_epochs": 40}, "l1"),
        ({"n_sched": "cosine", "n_bs": 3, "n_epochs": 25, "n_w0": -4.0}, "l2"),
    ],
)
def test_the_familys_series_at_each_rate_is_the_pages_run_at_that_rate(settings, loss):
    values = DEFAULTS | settings
    got = _family(values, loss)
    assert got.family_lrs.tolist() == list(OPTIONS) and got.family_w.dtype == np.float32
    for i, lr in enumerate(OPTIONS):
        run = lesson.run(values | {"n_lr": lr}, loss)  # the run the page computes and draws at this rate
        shown = frames.thin_series(run.w)  # the updates its chart draws
        update, w = got.family_update[i], got.family_w[i]
        drawn = np.isfinite(update)
        assert update[drawn].tolist() == shown.tolist(), f"lr {lr}: other updates than the page's chart draws"
        assert not np.isfinite(w[~drawn]).any()  # the padding draws nothing
        # stored as float32: each value within half a float32 step of the float64 run (nan where the run blew up)
        expected = run.w[shown]
        tolerance = np.finfo(np.float32).eps / 2 * np.abs(expected)
        finite = np.isfinite(expected)
        assert np.array_equal(np.isfinite(w[drawn]), finite), f"lr {lr}: diverged at another update"
        assert np.all(np.abs(w[drawn][finite] - expected[finite]) <= tolerance[finite]), f"lr {lr}"


def test_the_family_rides_in_the_experiments_pass_without_moving_them():
    values = DEFAULTS | {"n_sigma": 5.0, "n_epochs": 20}
    alone = _family(values, "l1")
    both = _family(values, "l1", sweep_lrs=(1e-3, 0.05), seeds=4, heat_sigmas=(0.0, 5.0), heat_lrs=(1e-3, 0.1))
    without = compute.noise_experiments(
        "l1",
        lesson.schedule(values),
        values["n_w0"],
        values["n_bs"],
        values["n_epochs"],
        sigma=5.0,
        seed=0,
        sweep_lrs=(1e-3, 0.05),
        seeds=4,
        heat_sigmas=(0.0, 5.0),
        heat_lrs=(1e-3, 0.1),
    )
    np.testing.assert_array_equal(both.family_w, alone.family_w)
    np.testing.assert_array_equal(both.family_update, alone.family_update)
    for field in ("sweep_error", "draw_final", "heat_final"):
        np.testing.assert_array_equal(getattr(both, field), getattr(without, field))
    assert without.family_w.size == 0 and alone.draw_seeds.size == 0 and alone.thinned == ()


def test_the_worst_corners_family_fits_the_bound_a_page_may_send():
    """Batch 1, 1,000 epochs, every loss: 20,000 updates per run, thinned to the chart's points, float32."""
    values = DEFAULTS | {"n_bs": 1, "n_epochs": 1000, "n_shuffle": True}
    parts = [_family(values, k) for k in lesson.LOSS_KEYS]
    rows = sum(p.family_w.shape[1] for p in parts)
    assert rows <= len(lesson.LOSS_KEYS) * (frames.MAX_POINTS + 2)
    fam = follow.family(
        "runs",
        pd.DataFrame({"series": ["x"] * rows}),
        {f: np.concatenate([getattr(p, f"family_{f}") for p in parts], axis=1) for f in ("update", "w")},
    )
    assert fam.nbytes <= follow.MAX_FAMILY_BYTES and fam.by_value is None  # one column per rate and field


@pytest.mark.parametrize(
    "settings", [{}, {"n_bs": 1, "n_epochs": 1000, "n_shuffle": True}], ids=["defaults", "heaviest (thinned)"]
)
def test_the_two_passes_give_what_one_pass_gives_and_a_new_lr_reruns_only_the_draws(settings):
    """experiments_by_rate splits the page's experiments by whether they read the schedule's lr0: the sweep, the
    heatmap and the family do not, the draws do. Together they are the one pass's results (its budget shares)."""
    values = {**DEFAULTS, **settings}
    asked = dict(
        sweep_lrs=lesson.SWEEP_LRS, seeds=lesson.SEEDS, heat_sigmas=lesson.HEAT_SIGMAS, heat_lrs=lesson.HEAT_LRS
    )
    common = dict(sigma=values["n_sigma"], seed=values["n_seed"], shuffle=values["n_shuffle"], family_lrs=OPTIONS)
    args = ("l1", lesson.schedule(values), values["n_w0"], values["n_bs"], values["n_epochs"])
    one, two = (
        compute.noise_experiments(*args, **asked, **common),
        compute.experiments_by_rate(*args, **asked, **common),
    )
    assert [(t.what, t.asked) for t in two.thinned] == [(t.what, t.asked) for t in one.thinned]
    for t1, t2 in zip(one.thinned, two.thinned, strict=True):  # within the same budget: never more runs, about
        assert 0.8 * t1.used <= t2.used <= t1.used + 1  # as many (a heatmap keeps whole rows of noise levels)
    shared = np.isin(one.sweep_lrs, two.sweep_lrs)
    assert np.allclose(one.sweep_error[shared], two.sweep_error[np.isin(two.sweep_lrs, one.sweep_lrs)], equal_nan=True)
    n = min(one.draw_error.size, two.draw_error.size)
    assert np.allclose(one.draw_error[:n], two.draw_error[:n], equal_nan=True)  # the same seeds, the same runs
    assert np.allclose(one.family_w, two.family_w, equal_nan=True)
    moved = compute.experiments_by_rate("l1", lesson.schedule({**values, "n_lr": 0.03}), *args[2:], **asked, **common)
    assert not np.allclose(moved.draw_error, two.draw_error[: moved.draw_error.size])
    long = lesson.updates(values) > compute.SPLIT_UPDATES  # long runs go in one pass (a pass costs per update)
    assert (moved.sweep_error is two.sweep_error and moved.family_w is two.family_w) != long  # cached: not rerun
    assert (two is one) == long
