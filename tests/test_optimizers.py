import numpy as np
import pytest

from core import Dataset, descend, fit_line, make_dataset


def one_point():
    return Dataset([2.0], [1.0])  # L(w) = loss(2w - 1)


def test_momentum_first_steps_by_hand():
    run = descend(one_point(), "l1", 0.1, 3.0, 1, epochs=3, optimizer="momentum")
    # g = sign(2w - 1) * 2 = 2 while w > 0.5; v1 = 2, v2 = 0.9*2 + 2 = 3.8, v3 = 0.9*3.8 + 2 = 5.42
    np.testing.assert_allclose(run.w, [3.0, 2.8, 2.42, 1.878])


def test_adam_first_steps_by_hand_are_sign_steps_on_l1():
    run = descend(one_point(), "l1", 0.1, 3.0, 1, epochs=3, optimizer="adam")
    # with a constant gradient, m_hat = g and v_hat = g², so every step is lr * g / (|g| + eps)
    np.testing.assert_allclose(run.w, [3.0, 2.9, 2.8, 2.7], atol=1e-7)


def test_polyak_step_solves_a_one_point_l1_problem_in_one_step():
    run = descend(one_point(), "l1", 1.0, 3.0, 1, epochs=2, optimizer="polyak", f_star=0.0)
    # step = (f - f*) / g² * g = 5 / 4 * 2 = 2.5, so w = 0.5 exactly
    np.testing.assert_allclose(run.w, [3.0, 0.5, 0.5])


def test_polyak_reaches_the_l1_line_with_a_known_optimum():
    d = make_dataset(n=30, x=(-2, 3), w_true=1.2, b_true=-0.5, noise_sigma=0.8, seed=4)
    w, b = fit_line("l1", d.x, d.y)
    f_star = float(np.sum(np.abs(w * d.x + b - d.y)))
    run = descend(d, "l1", 1.0, -3.0, 30, epochs=3000, b0=4.0, fit_bias=True, optimizer="polyak", f_star=f_star)
    assert run.best_loss[-1] - f_star < 1e-3 * f_star


def test_polyak_refuses_mini_batches():
    with pytest.raises(ValueError, match="Polyak"):
        descend(make_dataset(n=10), "l1", 1.0, 0.0, 2, epochs=3, optimizer="polyak")
