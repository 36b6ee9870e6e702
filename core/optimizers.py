"""Optimisers as pure update rules, written once for every parameter and every representation.

`step(g, state, lr, excess, g2) -> (delta, new_state)` updates ONE parameter (w, or b): `g` is its
gradient, either one Python float (the descent loop over floats, for a run on a few samples) or an
array of shape (C,) (C configurations at once). A rule uses arithmetic operators only, so the same
code serves both; the loops call it for w, and again for b when the bias is fitted, each with its own
state (`init()` gives the first). `lr` is a float or a (C,) array alike. Polyak's step (`needs_loss`)
also reads `excess` = f(params) - f_star and `g2` = |g|², summed over every parameter; the other
rules ignore both. `delta` is what gets subtracted from the parameter.

| name       | rule                                                                  |
|------------|-----------------------------------------------------------------------|
| "sgd"      | delta = lr g                                                          |
| "momentum" | v = beta v + g;  delta = lr v   (heavy ball, as PyTorch's SGD)        |
| "adam"     | m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²; delta = lr m̂ / (sqrt(v̂) + eps) |
| "polyak"   | delta = (f - f*) / |g|² g  (lr unused; 0 when g = 0)                   |

    >>> opt = make_optimizer("momentum", beta=0.5)
    >>> state = opt.init()
    >>> delta, state = opt.step(2.0, state, 0.1, None, None)   # v = 2
    >>> delta, state = opt.step(2.0, state, 0.1, None, None)   # v = 0.5 * 2 + 2
    >>> round(delta, 12), state
    (0.3, 3.0)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

OPTIMIZER_NAMES: tuple[str, ...] = ("sgd", "momentum", "adam", "polyak")


@dataclass(frozen=True)
class Optimizer:
    name: str
    init: Callable[[], object]  # one parameter's first state
    step: Callable[..., tuple]  # (g, state, lr, excess, g2) -> (delta, state)
    needs_loss: bool = False  # Polyak: the loops compute excess and g2 for it
    hyper: tuple[tuple[str, float], ...] = ()  # the rule's constants (beta; beta1, beta2, eps)


def sgd() -> Optimizer:
    return Optimizer("sgd", lambda: None, lambda g, s, lr, f, g2: (lr * g, s))


def momentum(beta: float = 0.9) -> Optimizer:
    if not 0 <= beta < 1:
        raise ValueError(f"momentum beta must lie in [0, 1), got {beta=}")

    def step(g, v, lr, f, g2):
        v = beta * v + g
        return lr * v, v

    return Optimizer("momentum", lambda: 0.0, step, hyper=(("beta", beta),))


def adam(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
        raise ValueError(f"adam betas must lie in [0, 1), got {beta1=}, {beta2=}")
    if not eps > 0:
        raise ValueError(f"adam eps must be > 0, got {eps=}")

    def step(g, state, lr, f, g2):
        m, v, t = state
        t += 1
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * (g * g)
        return lr * (m / (1 - beta1**t)) / ((v / (1 - beta2**t)) ** 0.5 + eps), (m, v, t)

    hyper = (("beta1", beta1), ("beta2", beta2), ("eps", eps))
    return Optimizer("adam", lambda: (0.0, 0.0, 0), step, hyper=hyper)


def polyak() -> Optimizer:
    def step(g, s, lr, excess, g2):
        return np.maximum(excess, 0.0) / (g2 + (g2 == 0)) * g, s  # max(f - f*, 0) / |g|² g; 0 when g = 0

    return Optimizer("polyak", lambda: None, step, needs_loss=True)


def scalar_rule(opt: Optimizer) -> Callable[[list[float], float, float], list[float]]:
    """`opt.step` on every parameter of one run in Python floats, keeping the states: `rule(g, lr, excess)`."""
    states: list = []

    def rule(g, lr, excess):
        states[:] = states or [opt.init() for _ in g]
        g2 = sum(gi * gi for gi in g)
        out = [opt.step(gi, si, lr, excess, g2) for gi, si in zip(g, states, strict=True)]
        states[:] = [si for _, si in out]
        return [d for d, _ in out]

    return rule


def make_optimizer(name: str, **params) -> Optimizer:
    """Build an optimiser by name with its parameters (beta; beta1, beta2, eps)."""
    factories = {"sgd": sgd, "momentum": momentum, "adam": adam, "polyak": polyak}
    if name not in factories:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZER_NAMES)}")
    try:
        return factories[name](**params)
    except TypeError:
        raise ValueError(f"optimizer {name!r} does not take parameters {sorted(params)}") from None
