"""Optimisers as pure update rules: `step(grad, state, lr, excess_loss) -> (delta, new_state)`.

`grad` has shape (C, P): C configurations, P parameters (w, and b when fitted). The state is
an immutable tuple of arrays; an update returns a new one. `delta` is what gets subtracted
from the parameters. `excess_loss` = f(params) - f_star, used only by Polyak's step.
`scalar_rule(opt)` is the same rule (momentum, Adam, Polyak) for one run in Python floats (the
descent loop's fast path for a run on a few samples); tests check the two give the same runs.

| name       | rule                                                                  |
|------------|-----------------------------------------------------------------------|
| "sgd"      | delta = lr g                                                          |
| "momentum" | v = beta v + g;  delta = lr v   (heavy ball, as PyTorch's SGD)        |
| "adam"     | m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²; delta = lr m̂ / (sqrt(v̂) + eps) |
| "polyak"   | delta = (f - f*) / |g|² g  (lr unused; 0 when g = 0)                   |
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

OPTIMIZER_NAMES: tuple[str, ...] = ("sgd", "momentum", "adam", "polyak")


@dataclass(frozen=True)
class Optimizer:
    name: str
    init: Callable[[tuple[int, int]], tuple]
    step: Callable[[np.ndarray, tuple, np.ndarray, np.ndarray], tuple[np.ndarray, tuple]]
    needs_loss: bool = False
    hyper: tuple[tuple[str, float], ...] = ()  # the rule's constants (beta; beta1, beta2, eps), for scalar_rule


def sgd() -> Optimizer:
    return Optimizer("sgd", lambda shape: (), lambda g, s, lr, f: (lr[:, None] * g, s))


def momentum(beta: float = 0.9) -> Optimizer:
    if not 0 <= beta < 1:
        raise ValueError(f"momentum beta must lie in [0, 1), got {beta=}")

    def step(g, state, lr, f):
        (v,) = state
        v = beta * v + g
        return lr[:, None] * v, (v,)

    return Optimizer("momentum", lambda shape: (np.zeros(shape),), step, hyper=(("beta", beta),))


def adam(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
        raise ValueError(f"adam betas must lie in [0, 1), got {beta1=}, {beta2=}")
    if not eps > 0:
        raise ValueError(f"adam eps must be > 0, got {eps=}")

    def step(g, state, lr, f):
        m, v, t = state
        t = t + 1
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        return lr[:, None] * m_hat / (np.sqrt(v_hat) + eps), (m, v, t)

    return Optimizer(
        "adam",
        lambda shape: (np.zeros(shape), np.zeros(shape), 0),
        step,
        hyper=(("beta1", beta1), ("beta2", beta2), ("eps", eps)),
    )


def polyak() -> Optimizer:
    def step(g, state, lr, excess):
        g2 = np.sum(g * g, axis=1)
        size = np.where(g2 > 0, np.maximum(excess, 0.0) / np.where(g2 > 0, g2, 1.0), 0.0)
        return size[:, None] * g, state

    return Optimizer("polyak", lambda shape: (), step, needs_loss=True)


def scalar_rule(opt: Optimizer) -> Callable[[list[float], float, float], list[float]]:
    """A fresh update rule for one run in Python floats: `rule(g, lr, excess) -> delta`, lists of P floats.

    It keeps its own state (momentum's v; Adam's m, v, t) between calls, and computes what `opt.step`
    computes, operation for operation. Plain SGD has none: the descent loop writes w - lr g inline.
    """
    h = dict(opt.hyper)
    if opt.name == "momentum":
        beta, v = h["beta"], []

        def momentum_rule(g, lr, excess):
            v[:] = [beta * vi + gi for vi, gi in zip(v or [0.0] * len(g), g, strict=True)]
            return [lr * vi for vi in v]

        return momentum_rule
    if opt.name == "adam":
        b1, b2, eps, m, v, t = h["beta1"], h["beta2"], h["eps"], [], [], [0]

        def adam_rule(g, lr, excess):
            t[0] += 1
            m[:] = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m or [0.0] * len(g), g, strict=True)]
            v[:] = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v or [0.0] * len(g), g, strict=True)]
            c1, c2 = 1 - b1 ** t[0], 1 - b2 ** t[0]
            return [lr * (mi / c1) / (math.sqrt(vi / c2) + eps) for mi, vi in zip(m, v, strict=True)]

        return adam_rule
    if opt.name == "polyak":

        def polyak_rule(g, lr, excess):
            g2 = sum(gi * gi for gi in g)
            size = max(excess, 0.0) / g2 if g2 > 0 else 0.0
            return [size * gi for gi in g]

        return polyak_rule
    raise ValueError(f"no scalar rule for optimizer {opt.name!r}")


def make_optimizer(name: str, **params) -> Optimizer:
    """Build an optimiser by name with its parameters (beta; beta1, beta2, eps)."""
    factories = {"sgd": sgd, "momentum": momentum, "adam": adam, "polyak": polyak}
    if name not in factories:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZER_NAMES)}")
    try:
        return factories[name](**params)
    except TypeError:
        raise ValueError(f"optimizer {name!r} does not take parameters {sorted(params)}") from None
