import numpy as np
import pytest

from core import l1_subdifferential, loss_grad, loss_value
from tests.helpers import central_difference

# (loss, params, r, expected value, expected derivative): the kinks included
TABLE = [
    ("l1", {}, -2.0, 2.0, -1.0),
    ("l1", {}, 0.0, 0.0, 0.0),  # the convention at the kink: 0, as PyTorch's abs backward
    ("l1", {}, 0.5, 0.5, 1.0),
    ("l1", {"at_kink": 0.7}, 0.0, 0.0, 0.7),
    ("l1", {"at_kink": 0.7}, -3.0, 3.0, -1.0),
    ("l2", {}, -2.0, 4.0, -4.0),
    ("l2", {}, 0.0, 0.0, 0.0),
    ("l2", {}, 3.0, 9.0, 6.0),
    ("signed_l1", {}, -2.0, -2.0, 1.0),
    ("signed_l1", {}, 0.0, 0.0, 1.0),
    ("signed_l1", {}, 3.0, 3.0, 1.0),
    ("huber", {"delta": 1.0}, 0.5, 0.125, 0.5),
    ("huber", {"delta": 1.0}, 1.0, 0.5, 1.0),
    ("huber", {"delta": 1.0}, -3.0, 2.5, -1.0),
    ("huber", {"delta": 2.0}, 5.0, 8.0, 2.0),
    ("huber", {"delta": 2.0}, 0.0, 0.0, 0.0),
]


@pytest.mark.parametrize(("name", "params", "r", "value", "grad"), TABLE)
def test_loss_table(name, params, r, value, grad):
    vparams = {k: v for k, v in params.items() if k != "at_kink"}
    assert loss_value(name, r, **vparams) == pytest.approx(value)
    assert loss_grad(name, r, **params) == pytest.approx(grad)


@pytest.mark.parametrize("name", ["l1", "l2", "signed_l1", "huber"])
@pytest.mark.parametrize("r", [-7.3, -1.2, -0.4, 0.3, 0.99, 1.01, 2.5, 40.0])
def test_derivative_matches_finite_difference_away_from_kinks(name, r):
    numeric = central_difference(lambda v: float(loss_value(name, v)), r)
    assert float(loss_grad(name, r)) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


def test_vectorised_over_arrays():
    r = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(loss_grad("l1", r), [-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(loss_value("l2", r), [1.0, 0.0, 4.0])


def test_subdifferential_is_an_interval_only_at_the_kink():
    assert l1_subdifferential(0.0, slope=2.0) == (-2.0, 2.0)
    assert l1_subdifferential(0.0, slope=-3.0) == (-3.0, 3.0)
    assert l1_subdifferential(-0.5, slope=2.0) == (-2.0, -2.0)
    assert l1_subdifferential(0.1, slope=2.0) == (2.0, 2.0)


def test_one_sided_differences_disagree_at_the_kink():
    h = 1e-4
    f = lambda v: float(loss_value("l1", v))  # noqa: E731
    right, left = (f(h) - f(0)) / h, (f(0) - f(-h)) / h
    assert right == pytest.approx(1.0) and left == pytest.approx(-1.0)
    lo, hi = l1_subdifferential(0.0)
    assert lo <= float(loss_grad("l1", 0.0)) <= hi


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: loss_value("l3", 1.0), "unknown loss"),
        (lambda: loss_grad("huber", 1.0, delta=0.0), "delta must be a finite number > 0"),
        (lambda: loss_grad("huber", 1.0, delta=float("nan")), "delta must be a finite number > 0"),
        (lambda: loss_grad("l1", 0.0, at_kink=1.5), r"\[-1, 1\]"),
        (lambda: loss_grad("l2", 1.0, delta=1.0), "no parameter"),
    ],
)
def test_bad_arguments_name_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("name", "params"),
    [("l1", {}), ("l1", {"at_kink": 0.3}), ("l2", {}), ("signed_l1", {}), ("huber", {"delta": 0.5})],
)
def test_scalar_grad_equals_loss_grad_everywhere(name, params):
    """The descent loop's float fast path computes exactly what the array version does, nan included."""
    from core.losses import scalar_grad

    r = np.array([-np.inf, -1e300, -2.0, -0.5, -1e-300, -0.0, 0.0, 1e-300, 0.25, 0.5, 3.0, 1e300, np.inf, np.nan])
    fast = scalar_grad(name, **params)
    np.testing.assert_array_equal([fast(float(v)) for v in r], loss_grad(name, r, **params))
