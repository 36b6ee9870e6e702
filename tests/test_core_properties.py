"""Properties of the engine on random small problems: the float loop, the array loop and an independent
loop agree within the rounding floor of the run; the loss summed by pieces equals the direct sum."""

import doctest
import importlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
import core.descent
from core import Dataset, descend, make_loss
from core.loss_sums import _moderate, by_pieces, direct_sum
from tests.test_descent import reference_loop

EPS = np.finfo(float).eps
LOSS_PARAMS = {"l1": {"at_kink": 0.25}, "l2": {}, "signed_l1": {}, "huber": {"delta": 0.7}}


@st.composite
def datasets(draw, min_n: int = 1, max_n: int = 9) -> Dataset:
    n = draw(st.integers(min_n, max_n))
    coords = st.floats(-3.0, 3.0, allow_nan=False, allow_subnormal=False)
    x = np.array(draw(st.lists(coords.map(lambda v: 0.0 if abs(v) < 1e-3 else v), min_size=n, max_size=n)))
    y = np.array(draw(st.lists(coords, min_size=n, max_size=n)))
    return Dataset(x, 1.5 * x + y)


@st.composite
def problems(draw) -> dict:
    """A small run: any loss, optimiser, batch size, order and model; rates that keep it bounded."""
    data = draw(datasets())
    loss = draw(st.sampled_from(list(LOSS_PARAMS)))
    optimizer = draw(st.sampled_from(["sgd", "momentum", "adam", "polyak"]))
    batch = data.n if optimizer == "polyak" else draw(st.integers(1, data.n + 1))
    scale = (1.0 + float(np.sum(data.x * data.x)) + data.n) * (2.0 if loss == "l2" else 1.0)
    lr = draw(st.floats(0.01, 0.3)) / scale if optimizer != "adam" else draw(st.floats(0.01, 0.3))
    args = {"data": data, "loss": loss, "lr": lr, "w0": draw(st.floats(-5, 5)), "b0": draw(st.floats(-5, 5))}
    args |= {"batch_size": batch, "epochs": draw(st.integers(1, 12)), "optimizer": optimizer}
    args |= {"fit_bias": draw(st.booleans()), "shuffle": draw(st.booleans()), "shuffle_seed": draw(st.integers(0, 9))}
    args |= {"f_star": 0.0 if loss != "signed_l1" else -1e3, **LOSS_PARAMS[loss]}
    return args


def both_paths(monkeypatch, run, args: dict):
    """The same call through the loop over Python floats, then through the array loop."""
    out = []
    for work in (10**9, 0):
        monkeypatch.setattr(core.descent, "_SCALAR_WORK", work)
        out.append(run(**args))
    monkeypatch.undo()
    return out


def nudge_floor(run, args: dict, n: int) -> np.ndarray:
    """How far a run's (w, b) moves when its start moves by a rounding error (4 n eps of its size, or of 1):
    the running maximum of that spread is the floor below which two loops that round differently cannot
    be told apart."""
    base = run(**args)
    spread = np.zeros_like(base.w)
    for sign in (-1.0, 1.0):
        moved = {k: args[k] + sign * 4 * n * EPS * max(1.0, abs(args[k])) for k in ("w0", "b0")}
        other = run(**(args | moved))
        spread = np.fmax(spread, np.abs(other.w - base.w) + np.abs(other.b - base.b))
    return np.maximum.accumulate(np.nan_to_num(spread, nan=np.inf))


def assert_within_floor(a, b, floor):
    k = np.arange(a.w.size)
    size = np.nan_to_num(np.abs(b.w) + np.abs(b.b), nan=0.0)
    tol = 16 * floor + 64 * EPS * (k + 1) * (size + 1.0)
    apart = np.nan_to_num(np.abs(a.w - b.w) + np.abs(a.b - b.b), nan=np.inf)
    apart[np.isnan(a.w) & np.isnan(b.w)] = 0.0
    assert np.all(apart <= tol), f"the loops part at update {int(np.argmax(apart > tol))}: {apart.max():.3g}"


@given(problems())
def test_float_and_array_loops_agree_within_the_rounding_floor(monkeypatch_module, args):
    a, b = both_paths(monkeypatch_module, descend, args)
    floor = nudge_floor(descend, args, args["data"].n)
    assert_within_floor(a, b, floor)
    assert a.lr.shape == b.lr.shape and np.array_equal(a.lr, b.lr, equal_nan=True)
    assert (a.diverged_at is None) == (b.diverged_at is None)


@given(problems())
def test_the_loss_of_each_state_is_the_direct_sum(args):
    """descend's tracked loss (by pieces for the slope alone) is the loss summed over the data at w, b."""
    run = descend(**args)
    data, loss = args["data"], make_loss(args["loss"], **LOSS_PARAMS[args["loss"]])
    ok = np.isfinite(run.w)
    direct = direct_sum(loss, data.x[None], data.y[None], run.w[ok][None], run.b[ok][None])[0]
    assert np.all(np.abs(run.loss[ok] - direct) <= sum_tolerance(loss, data.x, data.y, run.w[ok], run.b[ok]))
    assert np.all(np.diff(run.best_loss[ok]) <= 0)


@given(datasets(), st.sampled_from(["l1", "l2", "signed_l1", "huber"]), st.floats(1e-4, 0.05), st.integers(1, 10))
def test_both_loops_match_the_independent_loop(monkeypatch_module, data, loss, lr, batch):
    """tests/test_descent.py's reference_loop (the article's loop in plain Python) against each path."""
    lr = lr / (1.0 + float(np.sum(data.x * data.x)))
    params = {"delta": 0.7} if loss == "huber" else {}
    ref = reference_loop(data.x.tolist(), data.y.tolist(), loss, lr, 2.0, batch_size=batch, epochs=8, delta=0.7)
    args = {"data": data, "loss": loss, "lr": lr, "w0": 2.0, "b0": 0.0, "batch_size": batch, "epochs": 8, **params}
    floor = nudge_floor(descend, args, data.n)
    for run in both_paths(monkeypatch_module, descend, args):
        apart = np.abs(run.w - ref)
        tol = 16 * floor + 64 * EPS * np.arange(1, ref.size + 1) * (np.abs(ref) + 1.0)
        assert np.all(apart <= tol), f"part at update {int(np.argmax(apart > tol))}: {apart.max():.3g}"


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def sum_tolerance(loss, x, y, w, b=None) -> np.ndarray:
    """A bound on the rounding of sum_i loss(w x_i + b - y_i), however it is summed: 64 n eps times the sum of
    each piece's |terms| (|a| r² + |b r| + |c|, with |r| <= |w x| + |b| + |y|)."""
    q = np.abs(np.array(loss.quadratics)).max(axis=0)
    w = np.asarray(w, dtype=float)[..., None]
    r = np.abs(w * x) + np.abs(y) + (0.0 if b is None else np.abs(np.asarray(b, dtype=float)[..., None]))
    return 64 * x.size * EPS * np.sum(q[0] * r * r + q[1] * r + q[2], axis=-1)


@given(datasets(max_n=30), st.sampled_from(["l1", "l2", "signed_l1", "huber"]), st.integers(0, 2**32 - 1))
def test_the_sum_by_pieces_is_the_direct_sum(data, name, seed):
    loss = make_loss(name, **({"delta": 0.7} if name == "huber" else {}))
    x = np.where(np.random.default_rng(seed).random(data.n) < 0.2, 0.0, data.x)  # samples at x = 0 too
    z = data.y[x != 0] / x[x != 0]
    w = np.concatenate([np.random.default_rng(seed).normal(0, 10, 200), z, z + 1e-9, [0.0, -1e6, 1e6]])
    fast = by_pieces(loss, x, data.y, w)
    direct = direct_sum(loss, x[None], data.y[None], w[None], np.zeros((1, w.size)))[0]
    assert np.all(np.abs(fast - direct) <= sum_tolerance(loss, x, data.y, w))


@pytest.mark.parametrize("name", ["l1", "l2", "huber"])
def test_the_sum_by_pieces_keeps_its_precision_at_an_exact_fit(name):
    """Noise-free data: the loss falls to 0 at w = 1; near it the pieces keep relative precision."""
    d = core.article_dataset()
    w = 1.0 + np.concatenate([-np.logspace(-15, -1, 30), [0.0], np.logspace(-15, -1, 30)])
    fast = core.data_loss(name, d.x, d.y, w)
    direct = direct_sum(make_loss(name), d.x[None], d.y[None], w[None], np.zeros((1, w.size)))[0]
    assert fast[30] == 0.0
    np.testing.assert_allclose(fast, direct, rtol=1e-12, atol=0)


def test_data_with_extreme_magnitudes_is_summed_directly():
    """x = 1e-294 puts a breakpoint at w = 1e294, where x² underflows: the pieces cannot hold it, the sum can."""
    x, y = np.array([1e-294, 2.0]), np.array([1.0, 2.0])
    assert not _moderate(x, y) and _moderate(np.array([1e-3, 0.0]), y)
    w = np.linspace(-3, 3, 40)
    with np.errstate(all="raise"):
        got = core.data_loss("l2", x, y, w)
    np.testing.assert_array_equal(got, (w * x[0] - y[0]) ** 2 + (w * x[1] - y[1]) ** 2)


def test_data_loss_with_a_bias_and_with_few_states_is_the_direct_sum():
    d = core.make_dataset(30, (-2, 3), 1.2, -0.5, 0.8, seed=4)
    w, b = np.linspace(-3, 3, 40).reshape(8, 5), np.linspace(2, -1, 40).reshape(8, 5)
    got = core.data_loss("huber", d.x, d.y, w, b, delta=0.5)
    one = lambda wi, bi: np.sum(core.loss_value("huber", wi * d.x + bi - d.y, delta=0.5))  # noqa: E731
    expected = np.vectorize(one)(w, b)
    np.testing.assert_allclose(got, expected, rtol=1e-13)
    assert core.data_loss("l1", d.x, d.y, [0.5]).shape == (1,)


@pytest.mark.parametrize("module", ["core", "core.losses", "core.loss_sums", "core.descent", "core.optimizers"])
def test_the_documented_examples_run(module):
    """core/__init__.py's article example (-60.0) and every other docstring example, as written."""
    failed, attempted = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert failed == 0 and (attempted > 0 or module == "core.optimizers")


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "polyak"])
def test_one_rule_gives_the_same_step_on_floats_and_on_arrays(optimizer):
    """optimizers' rules are written once: on (C,) arrays they compute what they compute on each float."""
    opt = core.make_optimizer(optimizer)
    rng = np.random.default_rng(1)
    g = [rng.normal(size=6) for _ in range(4)]
    g[2][0] = 0.0  # a zero gradient (Polyak's step is then 0)
    lr, excess, g2 = rng.uniform(0.01, 0.1, 6), rng.normal(size=6), rng.uniform(0, 2, 6)
    g2[1] = 0.0
    arr_state, float_states = opt.init(), [opt.init() for _ in range(6)]
    for gk in g:
        delta, arr_state = opt.step(gk, arr_state, lr, excess, g2)
        for c in range(6):
            fd, float_states[c] = opt.step(float(gk[c]), float_states[c], float(lr[c]), float(excess[c]), float(g2[c]))
            assert delta[c] == pytest.approx(fd, rel=4 * EPS, abs=0)
    assert not np.all(delta == 0)
