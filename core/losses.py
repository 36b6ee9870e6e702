"""Losses of the residual r = prediction - target, each next to its (sub)gradient.

Every loss here is a function of the residual only, so the chain rule for a model
m(w) is always  dL/dw = loss_grad(r) * dm/dw.  For the one-weight model m(w) = w * x
that is  dL/dw = loss_grad(r) * x.

| name        | value                                      | derivative d/dr        |
|-------------|--------------------------------------------|------------------------|
| "l1"        | |r|                                        | sign(r)                |
| "l2"        | r**2                                       | 2 r                    |
| "signed_l1" | r  (the seed article's "L1", no abs)       | 1                      |
| "huber"     | r**2/2 if |r| <= delta else delta(|r| - delta/2) | clip(r, -delta, delta) |

The only kink is l1's at r = 0, where any value in [-1, 1] is a subgradient. We use 0 there
(what PyTorch's abs backward gives); `loss_grad("l1", r, at_kink=c)` picks another c.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

LOSS_NAMES: tuple[str, ...] = ("l1", "l2", "signed_l1", "huber")

# Human-readable labels, shared by every page and chart legend.
LOSS_LABELS: dict[str, str] = {
    "l1": "absolute L1 |r|",
    "l2": "L2 r²",
    "signed_l1": "signed L1 r (no abs)",
    "huber": "Huber",
}


def _check_huber_delta(delta: float) -> float:
    delta = float(delta)
    if not np.isfinite(delta) or delta <= 0:
        raise ValueError(f"huber needs delta > 0 (finite), got {delta=}")
    return delta


def _l1_value(r: np.ndarray) -> np.ndarray:
    return np.abs(r)


def _l1_grad(r: np.ndarray, at_kink: float = 0.0) -> np.ndarray:
    """sign(r); at r == 0 the caller's choice `at_kink` in [-1, 1] (default 0)."""
    if not -1.0 <= at_kink <= 1.0:
        raise ValueError(f"l1 at_kink must lie in the subdifferential [-1, 1], got {at_kink=}")
    g = np.sign(r)  # np.sign(0) == 0: the default convention costs nothing extra
    return np.where(r == 0, at_kink, g) if at_kink else g


def _l2_value(r: np.ndarray) -> np.ndarray:
    return np.square(r)


def _l2_grad(r: np.ndarray) -> np.ndarray:
    return 2.0 * r


def _signed_l1_value(r: np.ndarray) -> np.ndarray:
    return np.asarray(r, dtype=float).copy()


def _signed_l1_grad(r: np.ndarray) -> np.ndarray:
    return np.ones_like(r, dtype=float)


def _huber_value(r: np.ndarray, delta: float = 1.0) -> np.ndarray:
    delta = _check_huber_delta(delta)
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * np.square(r), delta * (a - 0.5 * delta))


def _huber_grad(r: np.ndarray, delta: float = 1.0) -> np.ndarray:
    delta = _check_huber_delta(delta)
    return np.clip(r, -delta, delta)


_VALUE: dict[str, Callable[..., np.ndarray]] = {
    "l1": _l1_value,
    "l2": _l2_value,
    "signed_l1": _signed_l1_value,
    "huber": _huber_value,
}
_GRAD: dict[str, Callable[..., np.ndarray]] = {
    "l1": _l1_grad,
    "l2": _l2_grad,
    "signed_l1": _signed_l1_grad,
    "huber": _huber_grad,
}
_PARAMS: dict[str, dict[str, set[str]]] = {
    "l1": {"value": set(), "grad": {"at_kink"}},
    "l2": {"value": set(), "grad": set()},
    "signed_l1": {"value": set(), "grad": set()},
    "huber": {"value": {"delta"}, "grad": {"delta"}},
}


def scalar_grad(name: str, at_kink: float = 0.0, delta: float = 1.0) -> Callable[[float], float]:
    """`loss_grad` for one Python float, as a plain function: the descent loop's fast path.

    With a handful of runs on a few samples, numpy's cost per call exceeds the arithmetic, and
    this is about ten times faster. Same values as `loss_grad`, nan included (tests check it).
    """
    check_loss_name(name)
    if name == "l1":
        kink = float(at_kink)
        return lambda r: 1.0 if r > 0 else -1.0 if r < 0 else kink if r == 0 else r
    if name == "l2":
        return lambda r: 2.0 * r
    if name == "signed_l1":
        return lambda r: 1.0
    d = float(_check_huber_delta(delta))
    return lambda r: d if r > d else -d if r < -d else r  # nan falls through both tests: nan, as np.clip


def scalar_value(name: str, delta: float = 1.0) -> Callable[[float], float]:
    """`loss_value` for one Python float, as a plain function (Polyak's step in the descent fast path)."""
    check_loss_name(name)
    if name == "l1":
        return abs
    if name == "l2":
        return lambda r: r * r
    if name == "signed_l1":
        return lambda r: r
    d = float(_check_huber_delta(delta))
    return lambda r: 0.5 * (r * r) if abs(r) <= d else d * (abs(r) - 0.5 * d)


def check_loss_name(name: str) -> str:
    """Return `name` if it is a known loss, else raise ValueError listing the choices."""
    if name not in _VALUE:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSS_NAMES)}")
    return name


def _call(table: dict, kind: str, name: str, r, params: dict) -> np.ndarray:
    check_loss_name(name)
    extra = set(params) - _PARAMS[name][kind] - (_PARAMS[name]["grad"] if kind == "value" else set())
    if extra:
        raise ValueError(f"loss {name!r} takes no parameter(s) {sorted(extra)}")
    allowed = _PARAMS[name][kind]
    return table[name](np.asarray(r, dtype=float), **{k: v for k, v in params.items() if k in allowed})


def loss_value(name: str, r, **params) -> np.ndarray:
    """Loss of residual(s) r = prediction - target, elementwise. `params`: huber's `delta`.

    >>> loss_value("l1", [-2.0, 0.0, 3.0])
    array([2., 0., 3.])
    """
    return _call(_VALUE, "value", name, r, params)


def loss_grad(name: str, r, **params) -> np.ndarray:
    """d loss / d r, elementwise. At l1's kink r = 0 returns `at_kink` (default 0).

    >>> loss_grad("l1", [-2.0, 0.0, 3.0])
    array([-1.,  0.,  1.])
    """
    return _call(_GRAD, "grad", name, r, params)


def l1_subdifferential(r: float, slope: float = 1.0) -> tuple[float, float]:
    """The set of subgradients of |r| * (chain factor), as an interval (lo, hi).

    For L(w) = |w x - t| pass r = w x - t and slope = x: away from the kink the set is the
    single derivative sign(r) * x; at r = 0 it is every value between -|x| and |x|.
    """
    r, slope = float(r), float(slope)
    if r == 0:
        return (-abs(slope), abs(slope))
    g = float(np.sign(r)) * slope
    return (g, g)
