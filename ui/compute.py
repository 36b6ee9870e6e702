"""Cached calls into core, at the page boundary. Arguments are plain hashable values.

Every function here is pure: the same arguments give the same result, so `st.cache_data`
shares results between sessions (a class that opens the same preset computes it once).
Entries are bounded so memory stays flat however many different settings a class tries.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import core


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


@st.cache_data(max_entries=32, show_spinner=False)
def dataset(
    n: int = 20,
    x: float | tuple[float, float] = 2.0,
    w_true: float = 1.0,
    b_true: float = 0.0,
    noise_sigma: float = 0.0,
    outlier_fraction: float = 0.0,
    outlier_size: float = 0.0,
    seed: int = 0,
) -> core.Dataset:
    return core.make_dataset(n, x, w_true, b_true, noise_sigma, outlier_fraction, outlier_size, seed)


@st.cache_data(max_entries=256, show_spinner=False)
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


@st.cache_data(max_entries=64, show_spinner=False)
def lr_sweep(
    data: core.Dataset, loss: str, lrs: tuple[float, ...], w0: float, batch_size: int, epochs: int, **options
) -> np.ndarray:
    """Mean |w - w_true| over the last 10% of updates for each constant lr, in one vectorised pass.

    A mean over a window rather than the last value, so an oscillating run is not judged by where
    one jump happened to land. nan where the run diverged.
    """
    many = core.descend_many(data, loss, np.array(lrs), w0, batch_size, epochs, track_loss=False, **options)
    tail = max(1, many.n_updates // 10)
    return np.mean(np.abs(many.w[:, -tail:] - data.w_true), axis=1)


@st.cache_data(max_entries=64, show_spinner=False)
def noise_draws(
    n: int,
    x: float,
    noise_sigma: float,
    seeds: int,
    loss: str,
    sched: tuple,
    w0: float,
    batch_size: int,
    epochs: int,
    **options,
) -> np.ndarray:
    """Final w for noise seeds 0..seeds-1 of y = x w (w_true 1) + noise, one vectorised pass.

    The data sets are made inside, so the cache key is a handful of numbers, not 48 arrays.
    """
    sets = [core.make_dataset(n, x, 1.0, 0.0, noise_sigma, 0.0, 0.0, s) for s in range(seeds)]
    name, lr0, params = sched
    many = core.descend_many(
        sets, loss, schedule(name, lr0, **dict(params)), w0, batch_size, epochs, track_loss=False, **options
    )
    return many.w[:, -1].copy()


@st.cache_data(max_entries=32, show_spinner=False)
def heat_final(
    datasets: tuple[core.Dataset, ...],
    loss: str,
    lrs: tuple[float, ...],
    w0: float,
    batch_size: int,
    epochs: int,
    **options,
) -> np.ndarray:
    """Final w over the grid datasets x constant lrs (dataset-major), one vectorised pass."""
    sets = [d for d in datasets for _ in lrs]
    many = core.descend_many(
        sets, loss, np.tile(np.array(lrs), len(datasets)), w0, batch_size, epochs, track_loss=False, **options
    )
    return many.w[:, -1].copy()
