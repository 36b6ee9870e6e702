"""Numbers from core -> long-form pandas tables for charts and CSV export.

Long trajectories are thinned before they reach a chart: each bucket of updates keeps its
first, lowest and highest value, so an oscillation band or a spike is never drawn away.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from core import Trajectory

MAX_POINTS = 600  # per series on a chart: more than a chart a few hundred pixels wide can show


def thin_series(values: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of `values` to draw: all of them if few, else per-bucket first/argmin/argmax + last."""
    n = values.size
    if n <= max_points:
        return np.arange(n)
    buckets = max(1, max_points // 3)
    edges = np.linspace(0, n, buckets + 1).astype(int)
    keep = [0, n - 1]
    finite = np.where(np.isfinite(values), values, np.nan)
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        chunk = finite[a:b]
        keep.append(a)
        if np.any(np.isfinite(chunk)):
            keep += [a + int(np.nanargmin(chunk)), a + int(np.nanargmax(chunk))]
    return np.unique(keep)


def series_frame(series: Mapping[str, np.ndarray], value_name: str = "value", thin: bool = True) -> pd.DataFrame:
    """{label: values over updates} -> long table (update, series, value), thinned per series."""
    parts = []
    for label, values in series.items():
        values = np.asarray(values, dtype=float)
        idx = thin_series(values) if thin else np.arange(values.size)
        parts.append(pd.DataFrame({"update": idx, "series": label, value_name: values[idx]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["update", "series", value_name])


def runs_frame(runs: Mapping[str, Trajectory], field: str, thin: bool = True) -> pd.DataFrame:
    """One field (w, loss, lr, ...) of several runs as a long table."""
    return series_frame({label: getattr(run, field) for label, run in runs.items()}, field, thin)


def export_frame(runs: Mapping[str, Trajectory]) -> pd.DataFrame:
    """Every update of every run, for CSV download (not thinned)."""
    parts = []
    for label, run in runs.items():
        parts.append(
            pd.DataFrame(
                {
                    "run": label,
                    "update": np.arange(run.w.size),
                    "w": run.w,
                    "b": run.b,
                    "lr": run.lr,
                    "grad_w": run.grad,
                    "loss": run.loss,
                    "best_loss": run.best_loss,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def to_csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8")
