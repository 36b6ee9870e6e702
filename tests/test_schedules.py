import math

import numpy as np
import pytest

from core import (
    constant,
    cosine,
    exponential_decay,
    inverse_sqrt,
    inverse_time_decay,
    make_schedule,
    rates,
    schedule_from_name,
    step_decay,
)

FORMULAS = [
    (constant(0.1), lambda t: 0.1),
    (inverse_time_decay(0.01, 1 / 2000), lambda t: 0.01 / (1 + t / 2000)),
    (exponential_decay(0.5, 0.99), lambda t: 0.5 * 0.99**t),
    (step_decay(1.0, 0.5, 10), lambda t: 1.0 * 0.5 ** (t // 10)),
    (inverse_sqrt(0.3), lambda t: 0.3 / math.sqrt(1 + t)),
    (cosine(1.0, 100, 0.1), lambda t: 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(t, 100) / 100))),
]


@pytest.mark.parametrize(("schedule", "formula"), FORMULAS)
def test_schedule_formula_scalar_and_array(schedule, formula):
    t = np.arange(0, 250, 7)
    expected = np.array([formula(int(k)) for k in t])
    np.testing.assert_allclose(schedule(t), expected, rtol=1e-12)
    assert float(schedule(13)) == pytest.approx(formula(13))


def test_t_zero_is_the_first_update_and_gives_lr0():
    for schedule in (inverse_time_decay(0.01, 0.5), exponential_decay(0.01, 0.9), inverse_sqrt(0.01), cosine(0.01, 5)):
        assert float(schedule(0)) == pytest.approx(0.01)


def test_article_decay_halves_at_2000_updates():
    assert float(inverse_time_decay(0.01, 1 / 2000)(2000)) == pytest.approx(0.005)


def test_decaying_schedules_are_non_increasing():
    t = np.arange(500)
    for schedule in (
        inverse_time_decay(0.1, 0.01),
        exponential_decay(0.1, 0.97),
        step_decay(0.1, 0.5, 20),
        inverse_sqrt(0.1),
        cosine(0.1, 300),
    ):
        assert np.all(np.diff(schedule(t)) <= 1e-15)


def test_float_is_a_constant_schedule():
    np.testing.assert_array_equal(rates(0.02, 4), [0.02] * 4)
    assert make_schedule(0.02)(7) == 0.02
    s = inverse_sqrt(1.0)
    assert make_schedule(s) is s


def test_scalar_only_user_schedule_is_accepted():
    np.testing.assert_allclose(rates(lambda t: 0.1 if t < 2 else 0.05, 4), [0.1, 0.1, 0.05, 0.05])


@pytest.mark.parametrize(
    "factory",
    [
        lambda: constant(0),
        lambda: constant(-1),
        lambda: inverse_time_decay(0.1, -1),
        lambda: exponential_decay(0.1, 1.5),
        lambda: step_decay(0.1, 0.5, 0),
        lambda: cosine(0.1, 0),
        lambda: constant(float("nan")),
        lambda: schedule_from_name("warp", 0.1),
        lambda: schedule_from_name("step", 0.1),
    ],
)
def test_bad_arguments_fail_when_made(factory):
    with pytest.raises(ValueError):
        factory()


def test_schedule_from_name_builds_each():
    assert float(schedule_from_name("inverse_time", 0.01, decay=1 / 2000)(2000)) == pytest.approx(0.005)
    assert float(schedule_from_name("step", 1.0, factor=0.1, every=5)(5)) == pytest.approx(0.1)


@pytest.mark.parametrize("bad", [0, 0.0, -0.1, float("nan"), float("inf"), True, "0.1", None, [0.1]])
def test_check_lr_is_the_one_rule_for_a_constant_rate(bad):
    from core.schedules import check_lr

    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        check_lr(bad)


def test_check_lr_accepts_any_real_number_type_and_names_the_parameter():
    from core.schedules import check_lr

    assert check_lr(np.float32(0.5)) == 0.5 and check_lr(3) == 3.0 and type(check_lr(np.int64(2))) is float
    with pytest.raises(ValueError, match="lr0 must be"):
        check_lr(0.0, "lr0")


def test_check_rates_allows_zero_but_nothing_below_or_infinite():
    from core.schedules import check_rates

    np.testing.assert_array_equal(check_rates([0.1, 0.0]), [0.1, 0.0])
    for bad in ([0.1, -1e-300], [np.nan], [0.1, np.inf]):
        with pytest.raises(ValueError, match="lr must be finite and >= 0 at every update"):
            check_rates(bad)


def test_check_lrs_applies_the_same_rule_to_many_rates_at_once():
    from core.schedules import check_lrs

    np.testing.assert_array_equal(check_lrs(np.array([1, 2])), [1.0, 2.0])
    assert check_lrs([0.5, np.float32(0.25)]).dtype == float
    for bad in ([0.1, 0.0], np.array([0.1, np.nan]), [0.1, True], np.array([], dtype=float), [], ["0.1"]):
        with pytest.raises(ValueError, match="lr must be"):
            check_lrs(bad)
