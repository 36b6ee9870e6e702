"""The outliers lesson's cached work: the exact fits, gradient descent towards them, and the breakdown sweep."""

from __future__ import annotations

import numpy as np
import pandas as pd

import core
from ui.compute import loss_kwargs
from ui.frames import thin_series
from ui.lessons.outliers import facts
from ui.lessons.outliers.facts import CLOSED_OVER
from ui.runtime import cached

X_RANGE = (0.0, 5.0)  # the breakdown's data sets' x: the gap is averaged over it


@cached(max_entries=256, max_mb=2)
def exact_fits(
    x: np.ndarray, y: np.ndarray, fit_bias: bool, delta: float, losses: tuple[str, ...]
) -> dict[str, tuple[float, float]]:
    """Per loss, the exact minimiser (w, b) of sum loss(w x + b - y) (core.fit_line; delta for Huber)."""
    return {k: core.fit_line(k, x, y, fit_bias, **loss_kwargs(k, delta=delta)) for k in losses}


@cached(max_entries=64, max_mb=4)
def descent_to_exact(
    x: np.ndarray, y: np.ndarray, fit_bias: bool, delta: float, losses: tuple[str, ...], *, updates: int, near: float
) -> dict[str, dict]:
    """Per loss: full-batch gradient descent from (0, 0) with the step facts.STEP, against the exact fit; lr0, one
    over the largest curvature of L2's sum, is 0.5 / lambda_max(A^T A).
    Returns where each run ends, whether it ends within `near` of the exact fit (w and b both), its
    loss minus the exact fit's (relative), the first update from which it stays within `near` (None
    if it never settles), its distance to the exact fit at the end ("final") and how much that distance
    shrank over the last CLOSED_OVER updates ("closed"), the last update's lr over the first's ("lr_ratio"),
    and its distance to the exact fit, thinned for a chart.
    """
    data = core.Dataset(x, y)
    A = np.stack([x, np.ones_like(x)], axis=1) if fit_bias else x[:, None]
    lr0 = 0.5 / max(float(np.linalg.eigvalsh(A.T @ A).max()), 1e-9)
    exact = exact_fits(x, y, fit_bias, delta, losses)
    out = {}
    for k in losses:
        boost, params = facts.STEP.boost.get(k, 1.0), loss_kwargs(k, delta=delta)
        sched = core.inverse_time_decay(lr0 * boost, facts.STEP.decay)
        run = core.descend(data, k, sched, 0.0, data.n, epochs=updates, fit_bias=fit_bias, track_loss=False, **params)
        distance = np.maximum(np.abs(run.w - exact[k][0]), np.abs(run.b - exact[k][1]))
        keep = thin_series(distance, 300)
        end_loss = float(np.sum(core.loss_value(k, run.w[-1] * x + run.b[-1] - y, **params)))
        exact_loss = float(np.sum(core.loss_value(k, exact[k][0] * x + exact[k][1] - y, **params)))
        out[k] = {
            "end": (float(run.w[-1]), float(run.b[-1])),
            "arrived": bool(distance[-1] <= near),  # nan (a blown-up run) has not arrived
            "excess_loss": (end_loss - exact_loss) / max(1.0, abs(exact_loss)),  # relative; ~0 yet far: a tie
            "settled": core.entered_band_at(np.nan_to_num(distance, nan=np.inf), (0.0, near)),
            "final": float(distance[-1]),
            "closed": float(distance[-1 - min(CLOSED_OVER, updates)] - distance[-1]),
            "lr_ratio": float(sched(updates - 1) / sched(0)),
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
    to the true line (columns: fraction, loss, gap, slope, bias, weight). `fraction` is the share the data set
    holds, round(fraction × n) / n (35% of 30 points is 10 points, 33%): what a sentence or an axis may quote;
    `weight` the bad points' share of Σ|x|, what decides a line through the origin's weighted median."""
    rows = []
    for frac in fractions:
        d = core.make_dataset(n, X_RANGE, w, b, sigma, outlier_fraction=float(frac), outlier_size=size, seed=seed)
        weight = float(np.abs(d.x[d.is_outlier]).sum() / max(np.abs(d.x).sum(), 1e-300))
        for k in losses:
            fw, fb = core.fit_line(k, d.x, d.y, fit_bias, **loss_kwargs(k, delta=delta))
            gap = facts.mean_gap(fw, fb, w, b, *X_RANGE)
            share = float(d.is_outlier.mean())
            rows.append({"fraction": share, "loss": k, "gap": gap, "slope": fw, "bias": fb, "weight": weight})
    return pd.DataFrame(rows)
