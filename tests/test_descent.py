import math
import warnings

import numpy as np
import pytest

from core import (
    MAX_UPDATES,
    article_dataset,
    descend,
    descend_many,
    fit_line,
    inverse_time_decay,
    loss_value,
    make_dataset,
)


def reference_loop(x, y, loss, lr, w0, *, batch_size, epochs, full=False, delta=1.0):
    """The article's loop, written again with plain Python floats: the independent check."""

    def dloss(r):
        if loss == "l1":
            return (r > 0) - (r < 0)
        if loss == "l2":
            return 2 * r
        if loss == "signed_l1":
            return 1.0
        return max(-delta, min(delta, r))  # huber

    w, ws, n = w0, [w0], len(x)
    for _ in range(epochs):
        for start in range(0, n, batch_size):
            idx = range(n) if full else range(start, min(n, start + batch_size))
            gradient = sum(dloss(w * x[i] - y[i]) * x[i] for i in idx)
            w -= lr * gradient
            ws.append(w)
    return np.array(ws)


@pytest.fixture(params=["floats", "arrays"])
def path(request, monkeypatch):
    """Run the test through the loop over Python floats, then again through the array loop."""
    import core.descent

    monkeypatch.setattr(core.descent, "_SCALAR_WORK", 10**9 if request.param == "floats" else 0)
    return request.param


@pytest.mark.parametrize("loss", ["l1", "l2", "signed_l1", "huber"])
@pytest.mark.parametrize(("batch_size", "full"), [(2, False), (3, False), (20, False), (2, True)])
def test_descend_matches_an_independent_loop_on_noisy_data(path, loss, batch_size, full):
    data = article_dataset(noise_sigma=0.7, seed=11)
    lr = 0.004 if loss == "l2" else 0.01
    ref = reference_loop(data.x.tolist(), data.y.tolist(), loss, lr, 20.0, batch_size=batch_size, epochs=15, full=full)
    run = descend(
        data,
        loss,
        lr,
        20.0,
        batch_size,
        epochs=15,
        gradient_over="full" if full else "batch",
        **({"delta": 1.0} if loss == "huber" else {}),
    )
    np.testing.assert_allclose(run.w, ref, atol=1e-9, rtol=0)


def test_article_signed_l1_as_printed_ends_at_minus_60(path):
    run = descend(article_dataset(), "signed_l1", lr=0.01, w0=20, batch_size=2, epochs=20, gradient_over="full")
    assert run.n_updates == 200
    assert run.w[-1] == pytest.approx(-60.0, abs=1e-9)
    assert np.all(run.grad[1:] == 40.0)  # sum(x) over all 20 samples, whatever the target
    assert run.loss[-1] < 0 and np.all(np.diff(run.loss) < 0)  # negative and still falling


def test_article_signed_l1_per_batch_ends_at_12(path):
    run = descend(article_dataset(), "signed_l1", 0.01, 20, 2, epochs=20)
    assert run.w[-1] == pytest.approx(12.0, abs=1e-9)


def test_article_absolute_l1_ends_at_12_and_l2_reaches_1(path):
    l1 = descend(article_dataset(), "l1", 0.01, 20, 2, epochs=20)
    l2 = descend(article_dataset(), "l2", 0.01, 20, 2, epochs=20)
    assert l1.w[-1] == pytest.approx(12.0, abs=1e-9)
    assert l2.w[-1] == pytest.approx(1.0, abs=1e-9)


def test_article_decay_brings_l1_within_005_of_1_in_2000_updates(path):
    run = descend(article_dataset(), "l1", inverse_time_decay(0.01, 1 / 2000), 20, 2, epochs=200)
    assert run.n_updates == 2000
    assert abs(run.w[-1] - 1.0) < 0.05
    constant = descend(article_dataset(), "l1", 0.01, 20, 2, epochs=200)
    assert abs(run.w[-1] - 1.0) <= abs(constant.w[-1] - 1.0) + 1e-12


def test_trajectory_indexing_start_at_zero(path):
    run = descend(article_dataset(), "l2", inverse_time_decay(0.1, 1.0), 20, 2, epochs=1)
    assert run.w[0] == 20 and math.isnan(run.lr[0]) and math.isnan(run.grad[0])
    assert run.lr[1] == pytest.approx(0.1) and run.lr[2] == pytest.approx(0.05)  # t = 0, then t = 1
    assert run.grad[1] == pytest.approx(2 * (20 * 2 - 2) * 2 * 2)
    assert run.loss[0] == pytest.approx(20 * (20 * 2 - 2) ** 2)
    assert np.all(np.diff(run.best_loss[~np.isnan(run.best_loss)]) <= 0)


def test_shuffling_is_seeded_and_changes_the_order():
    data = article_dataset(2.0, seed=5)
    a = descend(data, "l1", 0.01, 1.0, 2, epochs=5, shuffle=True, shuffle_seed=1)
    b = descend(data, "l1", 0.01, 1.0, 2, epochs=5, shuffle=True, shuffle_seed=1)
    c = descend(data, "l1", 0.01, 1.0, 2, epochs=5, shuffle=True, shuffle_seed=2)
    np.testing.assert_array_equal(a.w, b.w)
    assert not np.array_equal(a.w, c.w)


def test_bias_is_fitted_when_asked(path):
    data = make_dataset(n=40, x=(-2, 3), w_true=1.5, b_true=-0.7, seed=3)
    run = descend(data, "l2", 0.005, 0.0, 40, epochs=400, fit_bias=True)
    assert run.w[-1] == pytest.approx(1.5, abs=1e-6) and run.b[-1] == pytest.approx(-0.7, abs=1e-6)


def test_divergence_is_data_not_a_warning(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = descend(article_dataset(), "l2", 1.0, 20, 2, epochs=500)
    assert run.diverged_at is not None and run.diverged_at < 30
    assert np.all(np.isnan(run.w[run.diverged_at :])) and np.all(np.isfinite(run.w[: run.diverged_at]))
    ok = descend(article_dataset(), "l2", 0.1, 20, 2, epochs=50)
    assert ok.diverged_at is None


@pytest.mark.parametrize(
    "varying",
    [
        {"lr": np.array([0.001, 0.01, 0.05, 0.2])},
        {"w0": np.array([-5.0, 0.0, 3.0, 20.0])},
        {"data": [article_dataset(s, seed=k) for k, s in enumerate([0.0, 0.05, 1.0, 5.0])]},
        {"lr": [inverse_time_decay(0.01, d) for d in (0.0, 0.001, 0.01, 0.1)]},
    ],
)
@pytest.mark.parametrize("loss", ["l1", "l2", "huber"])
def test_descend_many_rows_equal_single_runs(varying, loss):
    base = {"data": article_dataset(1.0, seed=9), "lr": 0.01, "w0": 20.0}
    many = descend_many(**{**base, **varying}, loss=loss, batch_size=2, epochs=30)
    key, values = next(iter(varying.items()))
    assert many.w.shape == (4, 301)
    for c, value in enumerate(values):
        one = descend(**{**base, key: value}, loss=loss, batch_size=2, epochs=30)
        np.testing.assert_allclose(many.w[c], one.w, rtol=0, atol=1e-12)
        np.testing.assert_allclose(many.loss[c], one.loss, rtol=1e-12)


def test_descend_many_marks_divergence_per_row():
    many = descend_many(article_dataset(), "l2", np.array([0.01, 0.5]), 20, 2, epochs=50)
    assert many.diverged_at[0] is None and many.diverged_at[1] is not None


def test_track_loss_false_keeps_the_final_loss():
    a = descend_many(article_dataset(1.0), "l1", np.array([0.01, 0.02]), 20, 2, epochs=20)
    b = descend_many(article_dataset(1.0), "l1", np.array([0.01, 0.02]), 20, 2, epochs=20, track_loss=False)
    np.testing.assert_array_equal(a.w, b.w)
    np.testing.assert_allclose(a.loss[:, -1], b.loss[:, -1])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": -0.1}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"lr": 0.0}, "lr must be a finite number > 0"),
        ({"lr": True}, "lr must be a finite number > 0"),
        ({"lr": "0.1"}, "lr must be a finite number > 0"),
        ({"lr": lambda t: -0.01}, "lr must be finite and >= 0 at every update"),
        ({"loss": "huber", "delta": -1.0}, "delta must be a finite number > 0"),
        ({"loss": "l1", "at_kink": 2.0}, r"at_kink must lie in \[-1, 1\]"),
        ({"batch_size": 0}, "batch_size"),
        ({"epochs": -1}, "epochs"),
        ({"epochs": MAX_UPDATES}, "epochs"),
        ({"loss": "l3"}, "unknown loss"),
        ({"gradient_over": "some"}, "gradient_over"),
        ({"optimizer": "rmsprop"}, "optimizer"),
        ({"w0": float("inf")}, "w0"),
        ({"delta": 1.0, "loss": "l2", "bogus": 1}, "loss parameters"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_parameter(kwargs, message):
    args = {"data": article_dataset(), "loss": "l1", "lr": 0.01, "w0": 20.0, "batch_size": 2, "epochs": 5, **kwargs}
    with pytest.raises(ValueError, match=message):
        descend(**args)


def test_work_cap_on_updates_times_configurations():
    with pytest.raises(ValueError, match="updates x configurations"):
        descend_many(article_dataset(), "l1", np.full(1000, 0.01), 20, 2, epochs=1000)


def test_descend_many_lengths_must_agree():
    with pytest.raises(ValueError, match="one length"):
        descend_many(article_dataset(), "l1", np.array([0.1, 0.2]), np.array([1.0, 2.0, 3.0]), 2, epochs=3)


FLOAT_LOOP_CASES = [
    (loss, options)
    for loss in ("l1", "l2", "signed_l1", "huber")
    for options in (
        {},
        {"shuffle": True, "shuffle_seed": 4},
        {"fit_bias": True, "b0": 1.5},
        {"gradient_over": "full"},
        {"batch_size": 7},
    )
] + [("l2", {"lr": 0.9})]  # blows up: divergence is handled alike (L1 and Huber are chaotic at this step,
# so a last-bit rounding difference, a fused multiply-add in numpy's dot, would grow there)


def floats_and_arrays(monkeypatch, run, args: dict):
    """The same call through the loop over Python floats, then through the array loops."""
    import core.descent

    out = []
    for work in (10**9, 0):  # every call is small enough for floats; none is
        monkeypatch.setattr(core.descent, "_SCALAR_WORK", work)
        out.append(run(**args))
    return out


@pytest.mark.parametrize(("loss", "options"), FLOAT_LOOP_CASES)
def test_the_python_float_loop_gives_the_same_runs_as_the_array_loops(monkeypatch, loss, options):
    """descend takes a loop over Python floats for a few runs on small batches (faster there), arrays otherwise."""
    args = {
        "data": make_dataset(20, (-1.0, 3.0), 1.3, 0.4, 0.8, outlier_fraction=0.1, outlier_size=9.0, seed=2),
        "loss": loss,
        "lr": 0.01,
    }
    args |= {"w0": np.array([20.0, -3.0]), "batch_size": 2, "epochs": 40, **options}
    if loss == "l1":
        args["at_kink"] = 0.25
    if loss == "huber":
        args["delta"] = 0.7
    a, b = floats_and_arrays(monkeypatch, descend_many, args)
    assert a.diverged_at == b.diverged_at
    assert (a.diverged_at[0] is not None) == (options.get("lr") == 0.9)
    for field in ("w", "b", "lr", "grad", "grad_b", "loss", "best_loss"):
        np.testing.assert_allclose(getattr(a, field), getattr(b, field), rtol=1e-12, atol=1e-12, err_msg=field)


def rounding_spread(run, args: dict, n: int) -> np.ndarray:
    """How far the array loop's (w, b) moves when its inputs move by a rounding error, update by update.

    Two loops that sum in different orders (numpy pairwise or fused multiply-add, Python left to right)
    part by about what a relative perturbation of n * eps in the inputs does to the run: w0, b0 and f*
    (Polyak's step divides f - f* by |g|², so near the optimum it amplifies the last bits of f). The
    running maximum of that spread is the rounding floor each update's comparison is held to.
    """
    base = run(**args)
    rel = 4 * n * np.finfo(float).eps
    spread = np.zeros_like(base.w)
    for sign in (-1.0, 1.0):
        moved = {k: args[k] * (1 + sign * rel) for k in ("w0", "b0", "f_star")}
        other = run(**(args | moved))
        spread = np.fmax(spread, np.abs(other.w - base.w) + np.abs(other.b - base.b))
    return np.maximum.accumulate(spread)


def loops_tolerance(run, args: dict, n: int) -> np.ndarray:
    """How far apart two loops' (w, b) (|dw| + |db|) may be at each update of the run `run(**args)`: 16 times its
    rounding floor (`rounding_spread`), plus a few ulps per update of the state's size: tight where the run is well
    conditioned, and never asking for the last bits where the arithmetic itself cannot promise them."""
    floor, base = rounding_spread(run, args, n), run(**args)
    k = np.arange(base.w.shape[-1])
    return 16 * floor + 64 * np.finfo(float).eps * (k + 1) * (np.abs(base.w) + np.abs(base.b))


@pytest.mark.parametrize("optimizer", ["momentum", "adam", "polyak"])
@pytest.mark.parametrize("loss", ["l1", "l2", "huber"])
@pytest.mark.parametrize("fit_bias", [False, True])
def test_the_float_loop_runs_every_optimiser_as_the_array_loop_does(monkeypatch, optimizer, loss, fit_bias):
    """The landscape page's runs: one run, full batch, 300 updates, each optimiser.

    The loops must agree to within `loops_tolerance` (Polyak at the optimum: the arithmetic cannot promise
    the last bits there).
    """
    data = make_dataset(12, (0.0, 5.0), 2.0, 1.0, 0.5, outlier_fraction=0.1, outlier_size=25.0, seed=0)
    params = {"delta": 0.7} if loss == "huber" else {}
    f_star = 0.0
    if optimizer == "polyak":
        w, b = fit_line(loss, data.x, data.y, fit_bias, **params)
        f_star = float(np.sum(loss_value(loss, w * data.x + b - data.y, **params)))
    args = {"data": data, "loss": loss, "lr": 0.002 if optimizer != "adam" else 0.05, "w0": -2.0, "b0": 6.0}
    args |= {"batch_size": data.n, "epochs": 300, "fit_bias": fit_bias, "optimizer": optimizer, "f_star": f_star}
    args |= params
    a, b = floats_and_arrays(monkeypatch, descend, args)
    assert a.diverged_at == b.diverged_at is None
    floor, tol = rounding_spread(descend, args, data.n), loops_tolerance(descend, args, data.n)
    apart = np.abs(a.w - b.w) + np.abs(a.b - b.b)
    assert np.all(apart <= tol), f"loops part at update {int(np.argmax(apart > tol))}: {apart.max():.3g}"
    same = floor == 0  # bit-for-bit the same state: the gradients there must be the same too (L1's jump included)
    np.testing.assert_allclose(a.grad[same], b.grad[same], rtol=1e-12, atol=1e-12)
    assert a.best_loss[-1] == pytest.approx(b.best_loss[-1], rel=1e-6, abs=1e-9)
    if optimizer == "polyak":  # both reach the optimum
        assert a.best_loss[-1] - f_star <= 1e-6 * f_star and b.best_loss[-1] - f_star <= 1e-6 * f_star


def test_a_loss_object_runs_as_its_name_and_parameters_do():
    from core import make_loss

    data = article_dataset(1.0, seed=3)
    by_name = descend(data, "huber", 0.01, 20.0, 2, epochs=10, delta=0.5)
    by_object = descend(data, make_loss("huber", delta=0.5), 0.01, 20.0, 2, epochs=10)
    np.testing.assert_array_equal(by_name.w, by_object.w)
    np.testing.assert_array_equal(by_name.loss, by_object.loss)
    assert not np.array_equal(descend(data, "huber", 0.01, 20.0, 2, epochs=10, delta=2.0).w, by_name.w)


@pytest.mark.parametrize("track_loss", [True, False])
@pytest.mark.parametrize("fit_bias", [False, True])
def test_the_tracked_loss_is_the_direct_sum_with_one_data_set_per_run(track_loss, fit_bias):
    """Each run's loss at each state (by pieces, or summed directly) is sum loss(w x + b - y) over its own data."""
    sets = [article_dataset(s, seed=k) for k, s in enumerate([0.0, 0.5, 3.0])]
    many = descend_many(sets, "huber", 0.01, 5.0, 2, epochs=4, fit_bias=fit_bias, track_loss=track_loss, delta=0.6)
    for c, d in enumerate(sets):
        k = np.arange(many.w.shape[1]) if track_loss else np.array([-1])
        direct = [np.sum(loss_value("huber", many.w[c, j] * d.x + many.b[c, j] - d.y, delta=0.6)) for j in k]
        np.testing.assert_allclose(many.loss[c, k], direct, rtol=1e-13, atol=1e-13)
        assert track_loss or np.all(np.isnan(many.loss[c, :-1]))


@pytest.mark.parametrize("batch_size", [1, 3, 20])
def test_shuffled_epochs_each_walk_one_seeded_permutation(path, batch_size):
    """Epoch e's batches come from the e-th `permutation(n)` of one Generator seeded with shuffle_seed."""
    data = article_dataset(1.5, seed=4)
    rng = np.random.default_rng(7)
    w, ws = 3.0, [3.0]
    for _ in range(6):
        order = rng.permutation(data.n)
        for start in range(0, data.n, batch_size):
            i = order[start : start + batch_size]
            w -= 0.01 * float(np.sum(np.sign(w * data.x[i] - data.y[i]) * data.x[i]))
            ws.append(w)
    run = descend(data, "l1", 0.01, 3.0, batch_size, epochs=6, shuffle=True, shuffle_seed=7)
    np.testing.assert_allclose(run.w, ws, rtol=0, atol=1e-12)


def test_a_list_of_rates_and_schedules_runs_each_as_given():
    """Floats and schedules mixed, a schedule given twice apart: each row runs (and reports) its own rates."""
    decay, other = inverse_time_decay(0.02, 0.05), inverse_time_decay(0.01, 0.5)
    lrs = [0.01, decay, decay, 0.03, decay, other]
    data = article_dataset(1.0, seed=2)
    many = descend_many(data, "l1", lrs, 20.0, 2, epochs=10)
    for c, lr in enumerate(lrs):
        one = descend(data, "l1", lr, 20.0, 2, epochs=10)
        np.testing.assert_array_equal(many.lr[c], one.lr)
        np.testing.assert_allclose(many.w[c], one.w, rtol=0, atol=1e-12)


@pytest.mark.parametrize("fit_bias", [False, True])
@pytest.mark.parametrize("batch_size", [1, 2])
def test_every_array_is_nan_from_the_diverged_state_on(path, fit_bias, batch_size):
    """w, b, both gradients and the loss are nan from each run's first diverged update (the best loss keeps
    the best before it); before it, b and its gradient are 0 without a bias, and the runs that never diverge
    are left whole."""
    data = article_dataset(0.5, seed=1)
    many = descend_many(data, "l2", np.array([0.01, 0.6, 2.0]), 20.0, batch_size, epochs=20, fit_bias=fit_bias)
    assert many.diverged_at[0] is None and None not in many.diverged_at[1:]
    for c in (1, 2):
        k = many.diverged_at[c]
        assert np.all(many.best_loss[c, k:] == np.min(many.loss[c, :k]))
    for field in ("w", "b", "grad", "grad_b", "loss"):
        values = getattr(many, field)
        assert np.all(np.isfinite(values[0, 1:])), field
        for c in (1, 2):
            k = many.diverged_at[c]
            assert np.all(np.isnan(values[c, k:])) and np.all(np.isfinite(values[c, 1:k])), field
    if not fit_bias:
        assert np.all(many.b[0] == 0) and np.all(many.grad_b[0, 1:] == 0) and np.isnan(many.grad_b[0, 0])


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("batch_size", [1, 2])
def test_no_epochs_is_the_start_alone(shuffle, batch_size):
    sets = [article_dataset(s, seed=1) for s in np.linspace(0.0, 2.0, 40)]  # enough runs for the array loop
    many = descend_many(sets, "l1", 0.1, 1.0, batch_size, epochs=0, shuffle=shuffle)
    assert many.w.shape == (40, 1) and np.all(many.w == 1.0) and many.n_updates == 0


@pytest.mark.parametrize(
    "options", [{"shuffle": True, "shuffle_seed": 3}, {}, {"gradient_over": "full"}, {"batch_size": 3}]
)
@pytest.mark.parametrize("block", [1, 200, 10**9])  # one epoch a block; two (the last one shorter); all
def test_the_block_size_changes_nothing(monkeypatch, options, block):
    """The array loop works through blocks of epochs (`_GATHER` samples x runs, at least one epoch): whatever
    their size, and wherever the last one ends, the runs are the same."""
    import core.descent

    sets = [article_dataset(s, seed=k) for k, s in enumerate([0.0, 0.5, 2.0, 5.0])]
    args = {"loss": "huber", "lr": np.array([0.001, 0.01, 0.05, 0.2]), "w0": 20.0, "batch_size": 1, "epochs": 7}
    whole = descend_many(sets, **(args | options))
    monkeypatch.setattr(core.descent, "_GATHER", block)
    blocks = descend_many(sets, **(args | options))
    for field in ("w", "grad", "lr", "loss"):
        np.testing.assert_array_equal(getattr(whole, field), getattr(blocks, field), err_msg=field)
