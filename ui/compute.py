"""Cached calls into core, at the page boundary. Arguments are plain values (numbers, text, arrays, datasets).

Every function here is pure: the same arguments give the same result, so one cache shared by every session
(`ui.runtime.cached`) serves a class that opens the same preset with one computation. Each cache is bounded by
entries and by bytes, so memory stays flat however many settings a class tries: all of them together hold at
most `CACHE_MB` megabytes. Results are shared, so their arrays are read-only.
A lesson's own experiments live in its folder (ui/lessons/<name>/compute.py), cached the same way.
"""

from __future__ import annotations

import core
from ui.runtime import cached

HUBER = "huber"
CACHE_MB = 100  # every `cached` cache together, the lessons' included (tests/test_compute.py adds up their bounds)


def schedule(
    name: str, lr0: float, decay: float = 0.0, gamma: float = 1.0, factor: float = 0.5, every: int = 100, total: int = 1
) -> core.schedules.Schedule:
    """A schedule from the controls' plain values (cheap: not cached)."""
    params = {
        "inverse_time": {"decay": decay},
        "exponential": {"gamma": gamma},
        "step": {"factor": factor, "every": every},
        "cosine": {"total": total},
    }.get(name, {})
    return core.schedule_from_name(name, lr0, **params)


# core.make_dataset, cached: its signature is core's, written once
dataset = cached(max_entries=64, max_mb=4)(core.make_dataset)


@cached(max_entries=256, max_mb=48)
def run(
    data: core.Dataset,
    loss: str,
    sched: tuple,
    w0: float,
    batch_size: int,
    *,
    epochs: int,
    optimizer: str = "sgd",
    optimizer_params: tuple = (),
    **options,
) -> core.Trajectory:
    """One trajectory. `sched` is (name, lr0, ((param, value), ...)) and the optimiser is a name with
    its parameters as (param, value) pairs: plain values, so the cache key sees every setting."""
    name, lr0, params = sched
    opt = core.make_optimizer(optimizer, **dict(optimizer_params))
    return core.descend(
        data, loss, schedule(name, lr0, **dict(params)), w0, batch_size, epochs=epochs, optimizer=opt, **options
    )


def loss_kwargs(loss: str, **values: float) -> dict[str, float]:
    """The parameters `loss` declares (`core.LOSSES[loss].params`), read from `values` by name: a loss takes
    the ones it has (Huber its `delta`), and one that declares none takes none."""
    return {p.name: values[p.name] for p in core.LOSSES[loss].params if p.name in values}
