"""Losses of the residual r = prediction - target: one `Loss` object each, its (sub)gradient beside it.

Every loss here is a function of the residual only, so the chain rule for a model
m(w) is always  dL/dw = loss.grad(r) * dm/dw.  For the one-weight model m(w) = w * x
that is  dL/dw = loss.grad(r) * x.

| name        | value                                            | derivative d/dr        | parameters      |
|-------------|--------------------------------------------------|------------------------|-----------------|
| "l1"        | |r|                                              | sign(r)                | at_kink in [-1, 1] |
| "l2"        | r**2                                             | 2 r                    |                 |
| "signed_l1" | r  (the seed article's "L1", no abs)             | 1                      |                 |
| "huber"     | r**2/2 if |r| <= delta else delta(|r| - delta/2) | clip(r, -delta, delta) | delta > 0       |

The only kink with a choice is l1's at r = 0, where any value in [-1, 1] is a subgradient. We use 0
there (what PyTorch's abs backward gives); `l1(at_kink=c)` picks another c.

    >>> loss = make_loss("huber", delta=0.5)     # or huber(0.5); LOSSES["huber"] has the defaults
    >>> loss.value(np.array([0.2, 2.0])), loss.grad(np.array([0.2, 2.0]))
    (array([0.02 , 0.875]), array([0.2, 0.5]))
    >>> [(p.name, p.label, p.default) for p in loss.params]
    [('delta', 'Huber delta', 1.0)]

Adding a loss: write its factory here (value, grad, their one-float twins, its pieces), add it to
`_FACTORIES`, and add its rows to tests/test_losses.py. Descent, theory, ui and the pages read the rest
from the object. The older functions (`loss_value`, `loss_grad`, `scalar_grad`, `LOSS_LABELS`, ...)
are thin views over the objects.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Quadratic = tuple[float, float, float]  # (a, b, c): a r² + b r + c


@dataclass(frozen=True)
class LossParam:
    """One parameter of a loss: what a page shows (label, help, slider) and what core accepts (lo..hi)."""

    name: str
    label: str
    default: float
    lo: float  # allowed range, lo excluded when lo_open
    hi: float
    lo_open: bool = False
    slider: tuple[float, float, float] = (0.0, 1.0, 0.1)  # (lo, hi, step) a page offers
    help: str = ""
    changes_value: bool = True  # False: it moves only the (sub)gradient (l1's at_kink)

    def check(self, value: float) -> float:
        """`value` as a float, or ValueError naming the parameter and its range."""
        try:
            v = float(value)
        except (TypeError, ValueError):
            v = math.nan
        low_ok = v > self.lo if self.lo_open else v >= self.lo
        if np.isfinite(v) and low_ok and v <= self.hi:
            return v
        if self.hi == math.inf:
            raise ValueError(
                f"{self.name} must be a finite number {'>' if self.lo_open else '>='} {self.lo:g}, got {value!r}"
            )
        left = "(" if self.lo_open else "["
        raise ValueError(f"{self.name} must lie in {left}{self.lo:g}, {self.hi:g}], got {self.name}={value!r}")


@dataclass(frozen=True)
class Loss:
    """A loss of the residual, with its parameters fixed: value and (sub)gradient, on arrays and on one float.

    `pieces` describes the value exactly as a piecewise quadratic in r: `kinks` (sorted) split the line,
    and `quadratics[j]` = (a, b, c) gives a r² + b r + c on piece j. `core.data_loss` uses it to sum the
    loss over a data set at many states at once; tests check it against `value`.
    """

    name: str
    label: str
    formula: str
    value: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]  # the kink convention lives here
    value1: Callable[[float], float]
    grad1: Callable[[float], float]  # the same, on one float, for the fast loop (nan in, nan out)
    kinks: tuple[float, ...]
    quadratics: tuple[Quadratic, ...]
    params: tuple[LossParam, ...] = ()
    settings: tuple[tuple[str, float], ...] = ()  # this object's parameter values, in `params` order
    short_name: str = ""  # the loss in a sentence ("absolute L1"), where `label` is the legend's ("absolute L1 |r|")

    def param(self, name: str) -> LossParam:
        """The parameter called `name` (ValueError if this loss has none by that name)."""
        for p in self.params:
            if p.name == name:
                return p
        raise ValueError(f"loss {self.name!r} has no parameter {name!r}")


DELTA = LossParam(
    "delta", "Huber delta", 1.0, 0.0, math.inf, lo_open=True, slider=(0.1, 10.0, 0.1),
    help="Huber is quadratic for |r| <= delta and linear beyond: small residuals count as in L2, large ones as in L1.",
)  # fmt: skip
AT_KINK = LossParam(
    "at_kink", "Value of sign(0) used at the kink", 0.0, -1.0, 1.0, slider=(-1.0, 1.0, 0.1),
    help="At r = 0 any number in [−1, 1] is a valid subgradient of |r|. The app's default is 0.",
    changes_value=False,
)  # fmt: skip


def l1(at_kink: float = 0.0) -> Loss:
    """|r|; gradient sign(r), and `at_kink` (default 0, as PyTorch's abs backward) at r = 0."""
    kink = AT_KINK.check(at_kink)

    def grad(r: np.ndarray) -> np.ndarray:
        return np.where(r == 0, kink, np.sign(r))

    return Loss(
        "l1", "absolute L1 |r|", "|r|", np.abs,
        grad=grad if kink else np.sign,  # np.sign(0) is 0: the default
        value1=abs,
        grad1=lambda r: 1.0 if r > 0 else -1.0 if r < 0 else kink if r == 0 else r,  # nan falls through: nan
        kinks=(0.0,), quadratics=((0.0, -1.0, 0.0), (0.0, 1.0, 0.0)),
        params=(AT_KINK,), settings=(("at_kink", kink),),
        short_name="absolute L1",
    )  # fmt: skip


def l2() -> Loss:
    """r²; gradient 2 r."""
    return Loss(
        "l2", "L2 r²", "r²", np.square,
        grad=lambda r: r + r,  # r + r: exactly 2r
        value1=lambda r: r * r, grad1=lambda r: 2.0 * r, kinks=(), quadratics=((1.0, 0.0, 0.0),), short_name="L2",
    )  # fmt: skip


def signed_l1() -> Loss:
    """r, the seed article's "L1" without the absolute value; gradient 1 whatever r is."""
    return Loss(
        "signed_l1", "signed L1 r (no abs)", "r",
        lambda r: np.asarray(r, dtype=float).copy(), grad=lambda r: np.ones_like(r, dtype=float),
        value1=lambda r: r, grad1=lambda r: 1.0, kinks=(), quadratics=((0.0, 1.0, 0.0),), short_name="signed L1",
    )  # fmt: skip


def huber(delta: float = 1.0) -> Loss:
    """r²/2 if |r| <= delta else delta (|r| - delta/2); gradient clip(r, -delta, delta)."""
    d = DELTA.check(delta)
    lo, hi = np.float64(-d), np.float64(d)

    def grad(r: np.ndarray) -> np.ndarray:  # np.clip(r, -d, d), without np.clip's Python wrapper (3x its ufuncs)
        return np.minimum(np.maximum(r, lo), hi)

    def value(r: np.ndarray) -> np.ndarray:
        a = np.abs(r)
        return np.where(a <= d, 0.5 * np.square(r), d * (a - 0.5 * d))

    return Loss(
        "huber", "Huber", "r²/2 if |r| ≤ δ else δ(|r| − δ/2)", value, grad=grad,
        value1=lambda r: 0.5 * (r * r) if abs(r) <= d else d * (abs(r) - 0.5 * d),
        grad1=lambda r: d if r > d else -d if r < -d else r,  # nan falls through both tests: nan, as np.clip
        kinks=(-d, d), quadratics=((0.0, -d, -0.5 * d * d), (0.5, 0.0, 0.0), (0.0, d, -0.5 * d * d)),
        params=(DELTA,), settings=(("delta", d),),
        short_name="Huber",
    )  # fmt: skip


_FACTORIES: dict[str, Callable[..., Loss]] = {"l1": l1, "l2": l2, "signed_l1": signed_l1, "huber": huber}

LOSSES: dict[str, Loss] = {name: factory() for name, factory in _FACTORIES.items()}  # each with its defaults
LOSS_NAMES: tuple[str, ...] = tuple(LOSSES)
LOSS_LABELS: dict[str, str] = {name: loss.label for name, loss in LOSSES.items()}  # every page and legend


def check_loss_name(name: str) -> str:
    """Return `name` if it is a known loss, else raise ValueError listing the choices."""
    if not isinstance(name, str) or name not in _FACTORIES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSS_NAMES)}")
    return name


def make_loss(loss: str | Loss, **params) -> Loss:
    """The Loss called `loss` with its parameters checked (a Loss given with no parameters is returned).

    Parameters the loss does not take raise ValueError naming them and the ones it takes.
    """
    if isinstance(loss, Loss) and not params:
        return loss
    name = check_loss_name(loss.name if isinstance(loss, Loss) else loss)
    taken = {p.name for p in LOSSES[name].params}
    extra = sorted(set(params) - taken)
    if extra:
        raise ValueError(f"loss {name!r} takes no parameter(s) {extra} (its loss parameters: {sorted(taken)})")
    spec = LOSSES[name]
    return _cached(name, tuple(sorted((k, spec.param(k).check(v)) for k, v in params.items())))


@functools.lru_cache(maxsize=256)
def _cached(name: str, items: tuple) -> Loss:
    return _FACTORIES[name](**dict(items))


def _for_value(name: str, params: dict) -> Loss:
    """The loss for its value alone: a parameter that moves only the gradient (at_kink) is accepted, unused."""
    check_loss_name(name)
    kept = {
        k: v for k, v in params.items() if not any(p.name == k and not p.changes_value for p in LOSSES[name].params)
    }
    return make_loss(name, **kept)


def loss_value(name: str, r, **params) -> np.ndarray:
    """Loss of residual(s) r = prediction - target, elementwise. `params`: huber's `delta`.

    >>> loss_value("l1", [-2.0, 0.0, 3.0])
    array([2., 0., 3.])
    """
    return _for_value(name, params).value(np.asarray(r, dtype=float))


def loss_grad(name: str, r, **params) -> np.ndarray:
    """d loss / d r, elementwise. At l1's kink r = 0 returns `at_kink` (default 0).

    >>> loss_grad("l1", [-2.0, 0.0, 3.0])
    array([-1.,  0.,  1.])
    """
    return make_loss(name, **params).grad(np.asarray(r, dtype=float))


def scalar_grad(name: str, **params) -> Callable[[float], float]:
    """`loss_grad` for one Python float (the Loss's `grad1`): same values, nan included."""
    return make_loss(name, **params).grad1


def scalar_value(name: str, **params) -> Callable[[float], float]:
    """`loss_value` for one Python float (the Loss's `value1`)."""
    return _for_value(name, params).value1


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
