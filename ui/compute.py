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
from ui.frames import thin_series
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


def _params(loss: str, **values: float) -> dict[str, float]:
    """The parameters `loss` declares (`core.LOSSES[loss].params`), read from `values` by name: a loss takes
    the ones it has (Huber its `delta`), and one that declares none takes none."""
    return {p.name: values[p.name] for p in core.LOSSES[loss].params if p.name in values}


@cached(max_entries=256, max_mb=2)
def exact_fits(
    x: np.ndarray, y: np.ndarray, fit_bias: bool, delta: float, losses: tuple[str, ...]
) -> dict[str, tuple[float, float]]:
    """Per loss, the exact minimiser (w, b) of sum loss(w x + b - y) (core.fit_line; delta for Huber)."""
    return {k: core.fit_line(k, x, y, fit_bias, **_params(k, delta=delta)) for k in losses}


@cached(max_entries=256, max_mb=1)
def optimal_loss(x: np.ndarray, y: np.ndarray, loss: str, delta: float) -> tuple[float, float, float]:
    """(w*, b*, f*): the exact line with a bias and its summed loss."""
    params = _params(loss, delta=delta)
    w, b = core.fit_line(loss, x, y, True, **params)
    return w, b, float(np.sum(core.loss_value(loss, w * x + b - y, **params)))


@cached(max_entries=64, max_mb=4)
def descent_to_exact(
    x: np.ndarray, y: np.ndarray, fit_bias: bool, delta: float, losses: tuple[str, ...], updates: int, near: float
) -> dict[str, dict]:
    """Per loss: full-batch gradient descent from (0, 0) with lr0 / (1 + 0.01 t), against the exact fit.

    lr0 is 1/(largest curvature) of L2's sum, 0.5 / lambda_max(A^T A): Huber's curvature is half L2's,
    so it gets twice that, and L1 (whose steps never shrink with the residual) four times.
    Returns where each run ends, whether it ends within `near` of the exact fit (w and b both), its
    loss minus the exact fit's (relative), the first update from which it stays within `near` (None
    if it never settles), and its distance to the exact fit, thinned for a chart.
    """
    data = core.Dataset(x, y)
    A = np.stack([x, np.ones_like(x)], axis=1) if fit_bias else x[:, None]
    lr0 = 0.5 / max(float(np.linalg.eigvalsh(A.T @ A).max()), 1e-9)
    exact = exact_fits(x, y, fit_bias, delta, losses)
    out = {}
    for k in losses:
        boost, params = {"l1": 4.0, "l2": 1.0, HUBER: 2.0}.get(k, 1.0), _params(k, delta=delta)
        sched = core.inverse_time_decay(lr0 * boost, 0.01)
        run = core.descend(data, k, sched, 0.0, data.n, updates, fit_bias=fit_bias, track_loss=False, **params)
        distance = np.maximum(np.abs(run.w - exact[k][0]), np.abs(run.b - exact[k][1]))
        keep = thin_series(distance, 300)
        end_loss = float(np.sum(core.loss_value(k, run.w[-1] * x + run.b[-1] - y, **params)))
        exact_loss = float(np.sum(core.loss_value(k, exact[k][0] * x + exact[k][1] - y, **params)))
        out[k] = {
            "end": (float(run.w[-1]), float(run.b[-1])),
            "arrived": bool(distance[-1] <= near),  # nan (a blown-up run) has not arrived
            "excess_loss": (end_loss - exact_loss) / max(1.0, abs(exact_loss)),  # relative; ~0 yet far: a tie
            "settled": core.entered_band_at(np.nan_to_num(distance, nan=np.inf), (0.0, near)),
            "update": keep,
            "distance": distance[keep],
        }
    return out


@cached(max_entries=64, max_mb=4)
def breakdown(
    n: int,
    w: float,
    b: float,
    sigma: float,
    size: float,
    seed: int,
    fit_bias: bool,
    delta: float,
    fractions: tuple[float, ...],
    losses: tuple[str, ...],
) -> pd.DataFrame:
    """For each outlier fraction asked for and each loss, the exact fit on x in [0, 5] and its mean vertical gap
    to the true line (columns: fraction, loss, gap, slope, bias). `fraction` is the share the data set holds,
    round(fraction × n) / n (35% of 30 points is 10 points, 33%): what a sentence or an axis may quote."""
    grid = np.linspace(0.0, 5.0, 51)
    rows = []
    for frac in fractions:
        d = core.make_dataset(n, (0.0, 5.0), w, b, sigma, float(frac), size, seed)
        for k in losses:
            fw, fb = core.fit_line(k, d.x, d.y, fit_bias, **_params(k, delta=delta))
            gap = float(np.mean(np.abs((fw - w) * grid + (fb - b))))
            rows.append({"fraction": float(d.is_outlier.mean()), "loss": k, "gap": gap, "slope": fw, "bias": fb})
    return pd.DataFrame(rows)


@cached(max_entries=64, max_mb=12)
def surface(
    x: np.ndarray, y: np.ndarray, loss: str, delta: float, w_range: tuple, b_range: tuple, grid: int
) -> pd.DataFrame:
    """Summed loss over a grid x grid lattice of (w, b), in one vectorised pass, as heatmap cells
    (w0, w1, b0, b1, loss, level = log(1 + loss)), in 32-bit floats: a picture and a tooltip need no more,
    and the 4,900 cells the landscape sends on every change take half the bytes."""
    ws, bs = np.linspace(*w_range, grid), np.linspace(*b_range, grid)
    W, B = np.meshgrid(ws, bs, indexing="ij")
    L = core.loss_value(loss, W[..., None] * x + B[..., None] - y, **_params(loss, delta=delta)).sum(axis=2)
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
