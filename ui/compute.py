"""Cached calls into core, at the page boundary. Arguments are plain values (numbers, text, arrays, datasets).

Every function here is pure: the same arguments give the same result, so one cache shared by every session
(`ui.runtime.cached`) serves a class that opens the same preset with one computation. Each cache is bounded by
entries and by bytes, so memory stays flat however many settings a class tries: all of them together hold at
most `CACHE_MB` megabytes. Results are shared, so their arrays are read-only.
A lesson's own experiments live in its folder (ui/lessons/<name>/compute.py), cached the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
        data, loss, schedule(name, lr0, **dict(params)), w0, batch_size, epochs, optimizer=opt, **options
    )


def loss_kwargs(loss: str, **values: float) -> dict[str, float]:
    """The parameters `loss` declares (`core.LOSSES[loss].params`), read from `values` by name: a loss takes
    the ones it has (Huber its `delta`), and one that declares none takes none."""
    return {p.name: values[p.name] for p in core.LOSSES[loss].params if p.name in values}


@cached(max_entries=256, max_mb=1)
def optimal_loss(x: np.ndarray, y: np.ndarray, loss: str, delta: float) -> tuple[float, float, float]:
    """(w*, b*, f*): the exact line with a bias and its summed loss."""
    params = loss_kwargs(loss, delta=delta)
    w, b = core.fit_line(loss, x, y, True, **params)
    return w, b, float(np.sum(core.loss_value(loss, w * x + b - y, **params)))


@cached(max_entries=64, max_mb=12)
def surface(
    x: np.ndarray, y: np.ndarray, loss: str, delta: float, w_range: tuple, b_range: tuple, grid: int
) -> pd.DataFrame:
    """Summed loss over a grid x grid lattice of (w, b), in one vectorised pass, as heatmap cells
    (w0, w1, b0, b1, loss, level = log(1 + loss)), in 32-bit floats: a picture and a tooltip need no more,
    and the 4,900 cells the landscape sends on every change take half the bytes."""
    ws, bs = np.linspace(*w_range, grid), np.linspace(*b_range, grid)
    W, B = np.meshgrid(ws, bs, indexing="ij")
    L = core.loss_value(loss, W[..., None] * x + B[..., None] - y, **loss_kwargs(loss, delta=delta)).sum(axis=2)
    # half a cell each way and 4% more: neighbouring cells overlap, so the canvas leaves fewer hairline seams
    dw, db = 0.52 * (ws[1] - ws[0]), 0.52 * (bs[1] - bs[0])
    cells = {
        "w0": W.ravel() - dw,
        "w1": W.ravel() + dw,
        "b0": B.ravel() - db,
        "b1": B.ravel() + db,
        "loss": L.ravel(),
        "level": np.log1p(L.ravel()),
    }
    return pd.DataFrame({name: column.astype(np.float32) for name, column in cells.items()})
