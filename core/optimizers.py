"""Optimisers as pure update rules: `step(g, state, lr, excess) -> (delta, new_state)`, written once.

`g` is a tuple of P gradient coordinates (w, and b when fitted); each coordinate is either one
Python float (the descent loop over floats, for a run on a few samples) or an array of shape (C,)
(C configurations at once). A rule uses arithmetic operators only, so the same code serves both:
there is one update rule per optimiser. `lr` and `excess` = f(params) - f_star (Polyak's step only)
are a float or a (C,) array alike. The state is an immutable tuple, `init(P)` the first one;
`delta` (a tuple of P) is what gets subtracted from the parameters.

| name       | rule                                                                  |
|------------|-----------------------------------------------------------------------|
| "sgd"      | delta = lr g                                                          |
| "momentum" | v = beta v + g;  delta = lr v   (heavy ball, as PyTorch's SGD)        |
| "adam"     | m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²; delta = lr m̂ / (sqrt(v̂) + eps) |
| "polyak"   | delta = (f - f*) / |g|² g  (lr unused; 0 when g = 0)                   |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

OPTIMIZER_NAMES: tuple[str, ...] = ("sgd", "momentum", "adam", "polyak")

Coords = tuple  # P gradient coordinates: floats, or arrays of shape (C,)


@dataclass(frozen=True)
class Optimizer:
    name: str
    init: Callable[[int], tuple]  # P -> the first state
    step: Callable[[Coords, tuple, object, object], tuple[Coords, tuple]]
    needs_loss: bool = False
    hyper: tuple[tuple[str, float], ...] = ()  # the rule's constants (beta; beta1, beta2, eps)


def sgd() -> Optimizer:
    return Optimizer("sgd", lambda p: (), lambda g, s, lr, f: ([lr * gi for gi in g], s))


def momentum(beta: float = 0.9) -> Optimizer:
    if not 0 <= beta < 1:
        raise ValueError(f"momentum beta must lie in [0, 1), got {beta=}")

    def step(g, state, lr, f):
        v = tuple([beta * vi + gi for vi, gi in zip(state[0], g, strict=True)])
        return tuple([lr * vi for vi in v]), (v,)

    return Optimizer("momentum", lambda p: ((0.0,) * p,), step, hyper=(("beta", beta),))


def adam(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
        raise ValueError(f"adam betas must lie in [0, 1), got {beta1=}, {beta2=}")
    if not eps > 0:
        raise ValueError(f"adam eps must be > 0, got {eps=}")

    def step(g, state, lr, f):
        m, v, t = state
        t += 1
        m = tuple([beta1 * mi + (1 - beta1) * gi for mi, gi in zip(m, g, strict=True)])
        v = tuple([beta2 * vi + (1 - beta2) * (gi * gi) for vi, gi in zip(v, g, strict=True)])
        c1, c2 = 1 - beta1**t, 1 - beta2**t
        return tuple([lr * (mi / c1) / ((vi / c2) ** 0.5 + eps) for mi, vi in zip(m, v, strict=True)]), (m, v, t)

    hyper = (("beta1", beta1), ("beta2", beta2), ("eps", eps))
    return Optimizer("adam", lambda p: ((0.0,) * p, (0.0,) * p, 0), step, hyper=hyper)


def polyak() -> Optimizer:
    def step(g, state, lr, excess):
        g2 = sum([gi * gi for gi in g])
        size = np.maximum(excess, 0.0) / (g2 + (g2 == 0))  # max(excess, 0) / |g|²; g = 0 gives delta 0
        return tuple([size * gi for gi in g]), state

    return Optimizer("polyak", lambda p: (), step, needs_loss=True)


def scalar_rule(opt: Optimizer) -> Callable[[list[float], float, float], list[float]]:
    """`opt.step` for one run in Python floats, keeping its own state: `rule(g, lr, excess) -> delta`."""
    state: list = []

    def rule(g, lr, excess):
        delta, new = opt.step(tuple(g), state[0] if state else opt.init(len(g)), lr, excess)
        state[:] = [new]
        return list(delta)

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
