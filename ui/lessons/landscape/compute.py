"""The landscape lesson's cached work: the loss surface over (w, b) and the optimum it is measured against."""

from __future__ import annotations

import numpy as np
import pandas as pd

import core
from ui.compute import loss_kwargs
from ui.runtime import cached


@cached(max_entries=256, max_mb=1)
def optimal_loss(x: np.ndarray, y: np.ndarray, loss: str, delta: float) -> tuple[float, float, float]:
    """(w*, b*, f*): the exact line with a bias and its summed loss."""
    params = loss_kwargs(loss, delta=delta)
    w, b = core.fit_line(loss, x, y, True, **params)
    return w, b, float(np.sum(core.loss_value(loss, w * x + b - y, **params)))


@cached(max_entries=64, max_mb=12)
def surface(
    x: np.ndarray, y: np.ndarray, loss: str, delta: float, w_range: tuple, *, b_range: tuple, grid: int
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
