"""Learning-rate schedules: factories that check their arguments once and return a pure t -> lr.

t counts updates from 0 (t = 0 is the first update). Every schedule accepts an int or an
integer array and returns lr of the same shape, so a whole run's rates come from one call.
A plain float is accepted anywhere a schedule is: `make_schedule(0.01)` is constant.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

Schedule = Callable[[np.ndarray | int], np.ndarray | float]

SCHEDULE_NAMES: tuple[str, ...] = ("constant", "inverse_time", "exponential", "step", "inverse_sqrt", "cosine")


def check_lr(lr: float, name: str = "lr") -> float:
    """A constant learning rate (or a schedule's lr0), checked by core's one rule: a finite number > 0.

    Every part of core that takes a constant rate calls this (descend, the schedules, theory). A schedule's
    rates are checked by `check_rates`: they may reach 0 (cosine's tail), never go below it.
    """
    if isinstance(lr, (bool, np.bool_)) or not isinstance(lr, numbers.Real):
        raise ValueError(f"{name} must be a finite number > 0, got {lr!r}")
    value = float(lr)
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def check_lrs(lrs) -> np.ndarray:
    """`check_lr` on each of many constant rates at once (an array of real numbers): a float array."""
    if not isinstance(lrs, np.ndarray) and len(lrs):  # a list may mix types numpy would coerce (True -> 1.0)
        return np.array([check_lr(v) for v in lrs], dtype=float)
    arr = np.asarray(lrs).reshape(-1)
    if arr.dtype.kind in "iuf" and arr.size:
        out = arr.astype(float)
        if np.all(np.isfinite(out) & (out > 0)):
            return out
    for v in arr.tolist():  # find the first one the rule refuses, and say why
        check_lr(v)
    raise ValueError(f"lr must be a non-empty array of finite numbers > 0, got {lrs!r}")


def check_rates(lrs: np.ndarray, name: str = "lr") -> np.ndarray:
    """A schedule's rates, one per update: finite and >= 0 at every update (0 takes no step)."""
    lrs = np.asarray(lrs, dtype=float)
    if not bool(np.all(np.isfinite(lrs) & (lrs >= 0))):
        bad = lrs[~(np.isfinite(lrs) & (lrs >= 0))].flat[0]
        raise ValueError(f"{name} must be finite and >= 0 at every update, got {bad} from a schedule")
    return lrs


def constant(lr: float) -> Schedule:
    """lr(t) = lr."""
    lr = check_lr(lr, "lr")
    return lambda t: lr * np.ones_like(t, dtype=float) if np.ndim(t) else lr


def inverse_time_decay(lr0: float, decay: float) -> Schedule:
    """lr(t) = lr0 / (1 + decay * t), the seed article's decay (it used lr0 = 0.01, decay = 1/2000)."""
    lr0 = check_lr(lr0, "lr0")
    if not (np.isfinite(decay) and decay >= 0):
        raise ValueError(f"decay must be a finite number >= 0, got {decay=}")
    return lambda t: lr0 / (1.0 + decay * np.asarray(t, dtype=float))


def exponential_decay(lr0: float, gamma: float) -> Schedule:
    """lr(t) = lr0 * gamma**t with 0 < gamma <= 1."""
    lr0 = check_lr(lr0, "lr0")
    if not (0 < gamma <= 1):
        raise ValueError(f"gamma must lie in (0, 1], got {gamma=}")
    return lambda t: lr0 * np.power(gamma, np.asarray(t, dtype=float))


def step_decay(lr0: float, factor: float, every: int) -> Schedule:
    """lr(t) = lr0 * factor**floor(t / every): multiply by `factor` every `every` updates."""
    lr0 = check_lr(lr0, "lr0")
    if not (0 < factor <= 1):
        raise ValueError(f"factor must lie in (0, 1], got {factor=}")
    if int(every) != every or every < 1:
        raise ValueError(f"every must be a whole number >= 1, got {every=}")
    every = int(every)
    return lambda t: lr0 * np.power(factor, np.floor_divide(np.asarray(t), every).astype(float))


def inverse_sqrt(lr0: float) -> Schedule:
    """lr(t) = lr0 / sqrt(1 + t)."""
    lr0 = check_lr(lr0, "lr0")
    return lambda t: lr0 / np.sqrt(1.0 + np.asarray(t, dtype=float))


def cosine(lr0: float, total: int, lr_min: float = 0.0) -> Schedule:
    """lr(t) = lr_min + (lr0 - lr_min) (1 + cos(pi min(t, total) / total)) / 2."""
    lr0 = check_lr(lr0, "lr0")
    if int(total) != total or total < 1:
        raise ValueError(f"total must be a whole number >= 1, got {total=}")
    if not (0 <= lr_min <= lr0):
        raise ValueError(f"lr_min must lie in [0, lr0], got {lr_min=}")
    phase = lambda t: np.pi * np.minimum(np.asarray(t, dtype=float), total) / total  # noqa: E731
    return lambda t: lr_min + (lr0 - lr_min) * 0.5 * (1.0 + np.cos(phase(t)))


def make_schedule(lr: float | Schedule) -> Schedule:
    """A schedule from a float (constant) or a schedule (returned as it is)."""
    if callable(lr):
        return lr
    return constant(lr)


def schedule_from_name(name: str, lr0: float, **params) -> Schedule:
    """Build a schedule by name: the way the app's controls describe one.

    constant(lr0); inverse_time(lr0, decay); exponential(lr0, gamma);
    step(lr0, factor, every); inverse_sqrt(lr0); cosine(lr0, total, lr_min=0).
    """
    factories = {
        "constant": lambda: constant(lr0),
        "inverse_time": lambda: inverse_time_decay(lr0, params["decay"]),
        "exponential": lambda: exponential_decay(lr0, params["gamma"]),
        "step": lambda: step_decay(lr0, params["factor"], params["every"]),
        "inverse_sqrt": lambda: inverse_sqrt(lr0),
        "cosine": lambda: cosine(lr0, params["total"], params.get("lr_min", 0.0)),
    }
    if name not in factories:
        raise ValueError(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULE_NAMES)}")
    try:
        return factories[name]()
    except KeyError as missing:
        raise ValueError(f"schedule {name!r} needs parameter {missing.args[0]!r}") from None


def rates(schedule: float | Schedule, n_updates: int) -> np.ndarray:
    """The learning rate of each update t = 0 .. n_updates-1 as a float array."""
    sched = make_schedule(schedule)
    t = np.arange(n_updates)
    try:
        out = np.asarray(sched(t), dtype=float)
    except (TypeError, ValueError):  # a user schedule written for one t at a time
        out = None
    if out is None or out.shape != t.shape:
        out = np.array([float(sched(int(k))) for k in t])
    return out
