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


# Each loss is one object (core.losses.Loss): everything below runs over every loss in core.LOSSES.

SOME_PARAMS = {"l1": [{}, {"at_kink": -0.4}], "huber": [{}, {"delta": 0.3}, {"delta": 4.0}]}


def every_loss():
    from core import LOSSES, make_loss

    return [make_loss(name, **p) for name in LOSSES for p in SOME_PARAMS.get(name, [{}])]


@pytest.mark.parametrize("loss", every_loss(), ids=lambda loss: f"{loss.name}{dict(loss.settings)}")
def test_pieces_are_the_value_and_grad1_is_grad(loss):
    """`kinks` and `quadratics` describe the value exactly (core.data_loss sums by them); grad1 is grad on a float."""
    r = np.concatenate([np.linspace(-6, 6, 241), np.array(loss.kinks), np.array(loss.kinks) + 1e-9])
    piece = np.searchsorted(np.array(loss.kinks), r)
    a, b, c = np.array(loss.quadratics)[piece].T
    np.testing.assert_allclose(a * r * r + b * r + c, loss.value(r), rtol=1e-14, atol=1e-14)
    assert list(loss.kinks) == sorted(loss.kinks) and len(loss.quadratics) == len(loss.kinks) + 1
    special = np.array([-np.inf, -1e300, -0.0, 0.0, 1e300, np.inf, np.nan, *loss.kinks])
    np.testing.assert_array_equal([loss.grad1(float(v)) for v in special], loss.grad(special))
    np.testing.assert_array_equal([loss.value1(float(v)) for v in r], loss.value(r))


@pytest.mark.parametrize("loss", every_loss(), ids=lambda loss: f"{loss.name}{dict(loss.settings)}")
def test_each_grad_matches_a_finite_difference_away_from_its_kinks(loss):
    for r in (-7.3, -1.2, -0.4, 0.29, 0.99, 1.01, 2.5, 40.0):
        if min((abs(r - k) for k in loss.kinks), default=1.0) > 1e-3:
            numeric = central_difference(lambda v: float(loss.value(np.array(v))), r)
            assert float(loss.grad(np.array(r))) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


def test_each_parameter_says_its_label_range_and_default_and_checks_values():
    from core import LOSSES

    seen = {}
    for loss in LOSSES.values():
        for p in loss.params:
            lo, hi, step = p.slider
            assert p.check(p.default) == p.default and p.check(lo) == lo and p.check(hi) == hi and step > 0
            assert p.label and p.help and dict(loss.settings)[p.name] == p.default
            seen[(loss.name, p.name)] = p
    assert set(seen) == {("huber", "delta"), ("l1", "at_kink")}
    assert seen[("huber", "delta")].changes_value and not seen[("l1", "at_kink")].changes_value
    with pytest.raises(ValueError, match="delta must be a finite number > 0"):
        seen[("huber", "delta")].check(0.0)
    with pytest.raises(ValueError, match=r"at_kink must lie in \[-1, 1\]"):
        seen[("l1", "at_kink")].check(-1.5)


def test_make_loss_checks_its_parameters_once_and_the_old_functions_are_views():
    from core import LOSS_LABELS, LOSS_NAMES, LOSSES, make_loss
    from core.losses import huber, scalar_grad, scalar_value

    assert make_loss("huber", delta=0.5) is make_loss("huber", delta=0.5)  # built once per setting
    assert make_loss(LOSSES["l2"]) is LOSSES["l2"] and make_loss("huber", delta=0.5).settings == huber(0.5).settings
    assert LOSS_NAMES == tuple(LOSSES) and LOSS_LABELS == {k: v.label for k, v in LOSSES.items()}
    assert scalar_grad("huber", delta=0.5)(2.0) == 0.5 and scalar_value("l1", at_kink=0.3)(-2.0) == 2.0
    np.testing.assert_array_equal(loss_value("l1", [-1.0, 0.0], at_kink=0.9), [1.0, 0.0])  # at_kink: grad only
    for bad, message in [({"delta": 1.0}, "takes no parameter"), ({"delta": "x"}, "delta must be")]:
        with pytest.raises(ValueError, match=message):
            make_loss("l2" if "takes" in message else "huber", **bad)
    with pytest.raises(ValueError, match="unknown loss"):
        make_loss("l3")


def test_each_loss_has_a_short_name_its_legend_label_starts_with():
    from core import LOSSES, make_loss

    for name, loss in LOSSES.items():
        assert loss.short_name and loss.label.startswith(loss.short_name), name
        with_params = make_loss(name, **{p.name: p.slider[1] for p in loss.params})
        assert with_params.short_name == loss.short_name  # a factory's every object keeps it
