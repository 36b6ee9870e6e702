import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
from core import (
    Dataset,
    article_dataset,
    cosine,
    descend,
    entered_band_at,
    fit_line,
    l1_minimizers,
    l1_optimum,
    l2_max_stable_lr,
    l2_optimum,
    loss_value,
    make_dataset,
    oscillation_band,
    signed_l1_closed_form,
    theory,
)


def brute_force_l1(x, y, lo, hi, n=200_001):
    grid = np.linspace(lo, hi, n)
    values = np.abs(grid[:, None] * x - y).sum(axis=1)
    return values.min()


@pytest.mark.parametrize("seed", range(8))
def test_l1_optimum_is_the_brute_force_minimiser(seed):
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-3, 3, 9), rng.normal(0, 2, 9)
    f = lambda w: np.sum(np.abs(w * x - y))  # noqa: E731
    lo, hi = l1_minimizers(x, y)
    assert f(l1_optimum(x, y)) <= brute_force_l1(x, y, -20, 20) + 1e-9
    assert f(lo) == pytest.approx(f(hi))


def test_l1_optimum_is_the_median_when_x_is_constant():
    y = np.array([3.0, -1.0, 10.0, 2.0, 2.5])
    assert l1_optimum(np.full(5, 2.0), 2.0 * y) == pytest.approx(np.median(y))
    lo, hi = l1_minimizers(np.ones(4), np.array([1.0, 2.0, 4.0, 9.0]))
    assert (lo, hi) == (2.0, 4.0)


def test_l2_optimum_is_least_squares():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=30), rng.normal(size=30)
    assert l2_optimum(x, y) == pytest.approx(np.linalg.lstsq(x[:, None], y, rcond=None)[0][0])


@pytest.mark.parametrize("loss", ["l1", "l2", "huber"])
@pytest.mark.parametrize("seed", range(4))
def test_fit_line_beats_a_brute_force_grid(loss, seed):
    d = make_dataset(
        n=25, x=(-2, 4), w_true=1.3, b_true=0.4, noise_sigma=0.5, outlier_fraction=0.2, outlier_size=15.0, seed=seed
    )
    w, b = fit_line(loss, d.x, d.y)
    f = lambda w_, b_: float(np.sum(loss_value(loss, w_ * d.x + b_ - d.y)))  # noqa: E731
    ws, bs = np.linspace(w - 1, w + 1, 201), np.linspace(b - 2, b + 2, 201)
    best = min(f(a, c) for a in ws[::5] for c in bs[::5])
    assert f(w, b) <= best + 1e-7
    # and no nearby point is better (a local check at fine resolution)
    for dw, db in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3), (1e-3, -1e-3), (-1e-3, 1e-3)]:
        assert f(w, b) <= f(w + dw, b + db) + 1e-9


def test_l1_line_resists_a_few_outliers_but_l2_does_not():
    d = make_dataset(n=40, x=(0, 5), w_true=2.0, b_true=1.0, outlier_fraction=0.1, outlier_size=40.0, seed=2)
    w1, b1 = fit_line("l1", d.x, d.y)
    w2, b2 = fit_line("l2", d.x, d.y)
    assert abs(w1 - 2.0) < 1e-6 and abs(b1 - 1.0) < 1e-6
    assert abs(b2 - 1.0) > 1.0


@pytest.mark.parametrize("seed", range(30))
def test_constant_lr_l1_never_leaves_the_oscillation_band(seed):
    rng = np.random.default_rng(seed)
    n, bs = int(rng.integers(4, 30)), int(rng.integers(1, 8))
    full = bool(rng.integers(0, 2))
    x = rng.uniform(0.5, 3.0, n) * rng.choice([-1, 1], n)
    d = make_dataset(n=n, x=2.0, noise_sigma=float(rng.uniform(0, 3)), seed=seed)
    data = Dataset(x, d.y)
    lr = float(10 ** rng.uniform(-2.5, -1))
    band = oscillation_band(x, d.y, lr, None if full else bs)
    run = descend(
        data, "l1", lr, float(rng.uniform(-10, 10)), n if full else bs, epochs=1000 if full else 1000 // n * bs
    )
    k = entered_band_at(run.w, band)
    inside = (run.w >= band[0] - 1e-9) & (run.w <= band[1] + 1e-9)
    first_in = int(np.argmax(inside)) if inside.any() else None
    assert first_in is not None, "a long run reaches its band"
    assert np.all(inside[first_in:]), "once inside, never outside"
    assert k is not None and k <= first_in


def test_band_is_tight_and_proportional_to_lr_without_noise():
    d = article_dataset()
    for lr in (0.001, 0.01, 0.1):
        lo, hi = oscillation_band(d.x, d.y, lr, 2)
        assert (lo, hi) == pytest.approx((1 - 4 * lr, 1 + 4 * lr))


def test_l2_stability_bound_is_sharp_for_the_article():
    d = article_dataset()
    bound = l2_max_stable_lr(d.x, 2)
    assert bound == pytest.approx(1 / 8)
    below = descend(d, "l2", bound * 0.98, 20, 2, epochs=200)
    above = descend(d, "l2", bound * 1.02, 20, 2, epochs=200)
    assert abs(below.w[-1] - 1) < 1e-3
    assert above.diverged_at is not None or abs(above.w[-1] - 1) > 20
    assert l2_max_stable_lr(d.x, None) == pytest.approx(1 / 80)


@pytest.mark.parametrize("lr", [0.01, 0.003])
def test_signed_l1_closed_form_matches_simulation(lr):
    d = article_dataset(3.0, seed=4)
    for full, s in ((True, d.x.sum()), (False, 4.0)):
        run = descend(d, "signed_l1", lr, 20, 2, epochs=20, gradient_over="full" if full else "batch")
        np.testing.assert_allclose(run.w, signed_l1_closed_form(20, lr, s, run.n_updates), atol=1e-9)


def test_entered_band_at():
    assert entered_band_at(np.array([5.0, 3.0, 1.0, 1.1, 0.9]), (0.8, 1.2)) == 2
    assert entered_band_at(np.array([5.0, 1.0, 3.0]), (0.8, 1.2)) is None


@pytest.mark.parametrize(("n", "bs", "full"), [(20, 2, False), (7, 3, False), (7, 3, True)])
def test_signed_l1_closed_form_from_data_alone(n, bs, full):
    d = make_dataset(n=n, x=(0.5, 3.0), noise_sigma=2.0, seed=n)
    from core import gradient_x_sums

    sums = gradient_x_sums(d.x, bs, 9, full)
    run = descend(d, "signed_l1", 0.02, 5.0, bs, epochs=9, gradient_over="full" if full else "batch")
    np.testing.assert_allclose(run.w, signed_l1_closed_form(5.0, 0.02, sums, run.n_updates), atol=1e-9)


def _huber_by_search(x, y, fit_bias, delta):
    """The 1-D search fit_line used for Huber before Newton: golden section over w, bisection for b."""
    params = {"delta": delta}

    def g(w):
        r0 = w * x - y
        b = theory._best_bias("huber", r0, params) if fit_bias else 0.0
        return float(np.sum(loss_value("huber", r0 + b, **params)))

    start = fit_line("l2", x, y, fit_bias)[0]
    w = theory._convex_argmin(g, *theory._bracket(g, start, 1.0 + abs(start)))
    return w, theory._best_bias("huber", w * x - y, params) if fit_bias else 0.0


@pytest.mark.parametrize("seed", range(60))
def test_huber_newton_matches_the_search_and_has_zero_gradient(seed):
    rng = np.random.default_rng(seed)
    fit_bias, delta = bool(seed % 2), float(rng.choice([0.1, 0.5, 1.0, 3.0, 10.0]))
    d = make_dataset(
        n=int(rng.integers(3, 100)),
        x=(float(rng.uniform(-5, 0)), 5.0),
        w_true=float(rng.uniform(-3, 3)),
        b_true=float(rng.uniform(-5, 5)),
        noise_sigma=float(rng.uniform(0, 3)),
        outlier_fraction=float(rng.uniform(0, 0.5)),
        outlier_size=float(rng.uniform(-50, 50)),
        seed=seed,
    )
    f = lambda w, b: float(np.sum(loss_value("huber", w * d.x + b - d.y, delta=delta)))  # noqa: E731
    w, b = fit_line("huber", d.x, d.y, fit_bias, delta=delta)
    assert f(w, b) <= f(*_huber_by_search(d.x, d.y, fit_bias, delta)) + 1e-9 * (1 + f(w, b))
    fast = theory._huber_newton(d.x, d.y, fit_bias, delta)
    if fast is not None:  # Newton's answer has a zero gradient, to rounding
        r = fast[0] * d.x + fast[1] - d.y
        g = np.clip(r, -delta, delta)
        assert abs(g @ d.x) <= 1e-9 * delta * np.abs(d.x).sum()
        assert not fit_bias or abs(g.sum()) <= 1e-9 * delta * d.x.size


def test_huber_fit_falls_back_to_the_search_when_newton_cannot_tell():
    # an L1-like optimum (delta tiny against the spread): no two points end up quadratic
    x, y = np.array([0.8, 2.4, 1.7, -1.6, -1.2, 2.2]), np.array([-8.9, 5.8, 5.3, -0.6, -3.5, -4.0])
    assert theory._huber_newton(x, y, True, 0.01) is None
    w, b = fit_line("huber", x, y, True, delta=0.01)
    assert (w, b) == pytest.approx(_huber_by_search(x, y, True, 0.01), abs=1e-6)


def test_huber_fit_refuses_a_bad_delta():
    with pytest.raises(ValueError, match="delta"):
        fit_line("huber", [1.0, 2.0, 3.0], [1.0, 2.0, 2.0], delta=-1.0)


# The real L2 stability limit: the spectral radius of one epoch's product of batch maps.


def _epoch_gap(data: Dataset, lr: float, bs: int, epochs: int, fit_bias: bool = False) -> np.ndarray:
    """max |theta(start A) - theta(start B)| at each epoch's end, by simulation (descend), not by the formula.

    The map of an epoch is affine, so the gap between two runs evolves by its linear part alone: it
    shrinks to 0 when the epoch contracts and grows when it does not.
    """
    per_epoch = -(-data.n // bs)
    a = descend(data, "l2", lr, 3.0, bs, epochs=epochs, b0=0.0, fit_bias=fit_bias, track_loss=False)
    b = descend(
        data, "l2", lr, 4.0, bs, epochs=epochs, b0=1.0 if fit_bias else 0.0, fit_bias=fit_bias, track_loss=False
    )
    gap = np.maximum(np.abs(a.w - b.w), np.abs(a.b - b.b))
    return gap[::per_epoch]


@pytest.mark.parametrize("bs", [1, 2, 3, 4, 6, 7, 9, 20])
@pytest.mark.parametrize("sigma", [0.0, 5.0])
def test_l2_limit_separates_settling_from_growing_runs(bs, sigma):
    """Just below the limit two runs from different starts meet; just above they part (a direct simulation)."""
    d = article_dataset(sigma, seed=1)
    limit = l2_max_stable_lr(d.x, bs)
    below, above = _epoch_gap(d, limit * 0.98, bs, 400), _epoch_gap(d, limit * 1.02, bs, 400)
    assert below[-1] < 1e-2 * below[0], (bs, limit, below[-1])
    assert above[-1] > 1e2 * above[0] or not np.isfinite(above[-1]), (bs, limit, above[-1])


@pytest.mark.parametrize(("bs", "limit", "old"), [(3, 0.0896, 1 / 12), (6, 0.0679, 1 / 24)])
def test_l2_is_stable_above_the_old_per_batch_bound(bs, limit, old):
    """The page said "L2 is stable only for lr < 0.0833" (batch 3): a run at 0.086 settles. The old bound was
    sufficient, not necessary; it lives on as l2_contracting_lr."""
    d = article_dataset(5.0)
    assert theory.l2_contracting_lr(d.x, bs) == pytest.approx(old)
    assert l2_max_stable_lr(d.x, bs) == pytest.approx(limit, abs=5e-4)
    between = (old + limit) / 2
    gap = _epoch_gap(d, between, bs, 600)
    assert gap[-1] < 1e-3 * gap[0]


def test_l2_has_stable_islands_above_the_limit():
    """Batches of 9, 9 and 2: at lr = 1/16 the last batch's factor 1 - 2 lr 8 is 0, so the epoch contracts
    though the limit (the first lr where it stops) is 0.0347; the radius says so for each lr."""
    d = article_dataset(5.0)
    assert l2_max_stable_lr(d.x, 9) == pytest.approx(1 / 28.8, rel=1e-9)  # (72 lr - 1)^2 (1 - 16 lr) = 1
    assert theory.l2_epoch_radius(d.x, 1 / 16, 9) == 0.0
    assert theory.l2_epoch_radius(d.x, 0.045, 9) > 1
    assert _epoch_gap(d, 0.06, 9, 200)[-1] < 1e-6
    assert theory.l2_epoch_radius(d.x, 0.067, 9) > 1 and _epoch_gap(d, 0.067, 9, 200)[-1] > 1e3


@pytest.mark.parametrize("bs", [1, 3, 7, 20])
def test_l2_limit_with_a_bias_separates_settling_from_growing_runs(bs):
    d = make_dataset(n=20, x=(-1.0, 3.0), w_true=1.0, b_true=0.5, noise_sigma=1.0, seed=3)
    limit = l2_max_stable_lr(d.x, bs, fit_bias=True)
    assert limit >= theory.l2_contracting_lr(d.x, bs, fit_bias=True)
    below = _epoch_gap(d, limit * 0.97, bs, 600, fit_bias=True)
    above = _epoch_gap(d, limit * 1.03, bs, 600, fit_bias=True)
    assert below[-1] < 1e-2 * below[0]
    assert above[-1] > 1e2 * above[0] or not np.isfinite(above[-1])


@given(
    x=st.lists(st.floats(-5, 5, allow_nan=False).filter(lambda v: abs(v) > 0.05), min_size=1, max_size=25),
    bs=st.integers(1, 25),
)
def test_l2_limit_is_the_first_lr_where_the_radius_reaches_one(x, bs):
    """Every lr below the limit has radius < 1 (checked on a grid of 400 rates), and the radius is 1 at it."""
    limit = l2_max_stable_lr(x, bs)
    assert np.isfinite(limit) and limit >= theory.l2_contracting_lr(x, bs) * (1 - 1e-12)
    for lr in np.linspace(0, limit, 402)[1:-1]:
        assert theory.l2_epoch_radius(x, lr, bs) < 1
    # at the limit: 1 up to the rounding of a product of up to 25 factors
    assert theory.l2_epoch_radius(x, limit, bs) == pytest.approx(1.0, rel=1e-9)


@pytest.mark.parametrize("bad", [0.0, -0.01, float("nan"), float("inf")])
def test_one_rule_for_a_constant_lr_across_core(bad):
    """A constant lr is a finite number > 0 for descend, oscillation_band and the L2 radius alike."""
    d = article_dataset()
    for call in (
        lambda: descend(d, "l1", bad, 20.0, 2, epochs=1),
        lambda: oscillation_band(d.x, d.y, bad, 2),
        lambda: theory.l2_epoch_radius(d.x, bad, 2),
    ):
        with pytest.raises(ValueError, match="lr must be"):
            call()


def test_a_schedule_may_reach_zero_and_then_takes_no_step():
    """The other half of the rule: a schedule's rate may be 0 at some updates (cosine's tail), never below."""
    d = article_dataset()
    run = descend(d, "l1", cosine(0.01, total=10), 20.0, 2, epochs=3)  # 30 updates; lr[k] is update k's, 0 from k = 11
    assert run.lr[10] > 0 and np.all(run.lr[11:] == 0) and np.all(run.w[11:] == run.w[10])
    with pytest.raises(ValueError, match="lr must be"):
        descend(d, "l1", lambda t: -0.01 + 0 * np.asarray(t, dtype=float), 20.0, 2, epochs=1)


def _l1_by_search(x, y):
    """The L1 line as fit_line found it before `_l1_slope`: golden section over w, the median bias for each w."""

    def g(w):
        r0 = w * x - y
        return float(np.sum(np.abs(r0 - np.median(r0))))

    start = fit_line("l2", x, y)[0]
    w = theory._convex_argmin(g, *theory._bracket(g, start, 1.0 + abs(start)))
    return w, -float(np.median(w * x - y)), g


@pytest.mark.parametrize("seed", range(40))
def test_the_l1_line_by_the_slopes_of_pairs_is_the_search_s_to_its_rounding(seed):
    """`_l1_slope` takes the best slope of a pair of points; the search it replaces stops where g's rounding
    (64 n eps g) hides the slope of g, so the two agree within that rounding over g's smaller one-sided slope."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 101))
    d = make_dataset(
        n,
        (0.0, 5.0),
        float(rng.uniform(-3, 3)),
        1.0,
        float(rng.choice([0.0, 1.0])),
        outlier_fraction=0.3,
        outlier_size=30.0,
        seed=seed,
    )
    x, y = (d.x.round(2), d.y.round(3)) if seed % 2 else (d.x, d.y)
    w, b = fit_line("l1", x, y)
    w_old, b_old, g = _l1_by_search(x, y)
    rounding = 64 * n * np.finfo(float).eps * max(1.0, g(w_old))
    assert g(w) <= g(w_old) + rounding
    if theory._l1_slope(x, y) is None:  # the search decided, as before
        assert (w, b) == (w_old, b_old)
        return
    i, j = np.triu_indices(n, 1)
    keep = x[j] != x[i]
    slopes = np.unique((y[j] - y[i])[keep] / (x[j] - x[i])[keep])
    k = int(np.searchsorted(slopes, w))
    kappa = min(abs(g(slopes[k + s]) - g(w)) / abs(slopes[k + s] - w) for s in (-1, 1))
    assert abs(w - w_old) <= 1e-13 * max(1.0, abs(w)) + 2 * rounding / kappa
    assert abs(b - b_old) <= 1e-13 * max(1.0, abs(b)) + (np.abs(x).max() + 1) * (abs(w - w_old) + 1e-15)


def test_the_closed_form_condition_number_is_numpy_s():
    rng = np.random.default_rng(0)
    for _ in range(200):
        M = rng.normal(size=(int(rng.integers(1, 30)), 2)) * rng.uniform(0.01, 100, 2)
        H, want = M.T @ M, np.linalg.cond(M.T @ M)
        assert theory._cond(H) == pytest.approx(want, rel=1e-6) if want < 1e10 else theory._cond(H) > 1e12
    assert theory._cond(np.array([[1.0, 2.0], [2.0, 4.0]])) > 1e12  # singular
    assert theory._cond(np.zeros((2, 2))) == np.inf and theory._cond(np.zeros((1, 1))) == np.inf
    assert theory._cond(np.array([[3.0]])) == 1.0


@pytest.mark.parametrize(
    ("v", "lo", "hi", "expected"),
    [(0.5, 1.0, 2.0, 0.5), (1.0, 1.0, 2.0, 0.0), (1.5, 1.0, 2.0, 0.0), (2.0, 1.0, 2.0, 0.0), (3.5, 1.0, 2.0, 1.5),
     (1.0, 1.0, 1.0, 0.0), (-1.0, 1.0, 1.0, 2.0)],
)  # fmt: skip
def test_distance_to_interval(v, lo, hi, expected):
    assert core.distance_to_interval(v, lo, hi) == expected


@pytest.mark.parametrize(
    ("n", "batch", "epochs", "expected"), [(20, 2, 10, 100), (20, 3, 10, 70), (20, 50, 4, 4), (5, 5, 0, 0)]
)
def test_updates_per_run(n, batch, epochs, expected):
    assert core.updates_per_run(n, batch, epochs) == expected
    data = core.make_dataset(n=n)
    assert core.descend(data, "l2", 0.01, 0.0, batch, epochs=epochs).n_updates == expected
