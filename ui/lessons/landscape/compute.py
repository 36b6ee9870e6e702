"""The landscape lesson's cached work: the loss surface over (w, b), the optimum it is measured against, and the
runs and paths at every learning rate of the map's own slider (ui.follow)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

import core
from ui import follow, frames
from ui.compute import loss_kwargs, schedule
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


# ---- the map's paths at every lr of the chart's own slider (ui.follow) -------------------------------------------

PATH_FIELDS = ("w", "b", "step")  # what the map draws of a path at each update


@cached(max_entries=16, max_mb=8)
def runs_over_lr(
    data: core.Dataset,
    loss: str,
    sched: tuple,
    lrs: tuple[float, ...],
    w0: float,
    b0: float,
    *,
    steps: int,
    optimizer: str,
    optimizer_params: tuple = (),
    f_star: float,
    **loss_params: float,
) -> core.Trajectory:
    """One full-batch run with a bias from (w0, b0) per learning rate in `lrs`, in one vectorised pass
    (core.descend_many; arrays (len(lrs), steps + 1)): `sched` is (name, ((param, value), ...)), the schedule
    ui.compute.schedule makes from each lr, as a single run (ui.compute.run) does."""
    name, params = sched
    lr = [schedule(name, lr0, **dict(params)) for lr0 in lrs]
    return core.descend_many(
        data,
        loss,
        lr,
        w0,
        data.n,
        epochs=steps,
        b0=b0,
        fit_bias=True,
        optimizer=core.make_optimizer(optimizer, **dict(optimizer_params)),
        f_star=f_star,
        **loss_params,
    )


def at(many: core.Trajectory, i: int) -> core.Trajectory:
    """Run i of `runs_over_lr`'s runs, as a single run (core.descend) returns it."""
    fields = (many.w, many.b, many.lr, many.grad, many.grad_b, many.loss, many.best_loss)
    return core.Trajectory(
        *(a[i] for a in fields), diverged_at=many.diverged_at[i], updates_per_epoch=many.updates_per_epoch
    )


@dataclass(frozen=True)
class Landscape:
    """The map's data: the loss surface's cells, the paths the slider does not move (`paths`: w, b, step, optimizer),
    those it moves at every slider value (`moving`, ui.follow's family of PATH_FIELDS; None: no path moves), the
    creases (None off L1), the axes' ranges, and how many points a path is drawn through at most (`drawn`) of its
    `states`."""

    grid: pd.DataFrame
    paths: pd.DataFrame
    moving: follow.Family | None
    creases: pd.DataFrame | None
    w_range: tuple[int, int]
    b_range: tuple[int, int]
    drawn: int
    states: int


def creases(x: np.ndarray, y: np.ndarray, w_range: tuple) -> pd.DataFrame:
    """Where sample i's residual is zero: the line b = y_i - w x_i in the (w, b) plane."""
    ws = np.tile(np.array(w_range, dtype=float), x.size)
    xs, ys = np.repeat(x, 2), np.repeat(y, 2)
    return pd.DataFrame({"w": ws, "b": ys - ws * xs, "sample": np.repeat(np.arange(x.size), 2)})


def _ranges(start: tuple[float, float], optimum: tuple[float, float], ws, bs) -> tuple[tuple, tuple]:
    """The axes: every path (`ws`, `bs`), the start and the optimum, with 0.5 to spare, at most 15 (w) and 30 (b)
    from the optimum; whole units, so nearby starts share a chart spec and the browser only swaps the data."""
    out = []
    for s, o, paths, reach in ((start[0], optimum[0], ws, 15), (start[1], optimum[1], bs, 30)):
        lo = min(s, o, *(frames.finite_stat(np.min, p, o) for p in paths)) - 0.5
        hi = max(s, o, *(frames.finite_stat(np.max, p, o) for p in paths)) + 0.5
        out.append((math.floor(max(lo, o - reach)), math.ceil(min(hi, o + reach))))
    return out[0], out[1]


def _thinned(w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The updates a path is drawn through (frames.thin_series of w), up to where it blew up."""
    keep = frames.thin_series(w)
    return keep[np.isfinite(w[keep]) & np.isfinite(b[keep])]


def path_family(paths: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> follow.Family:
    """The paths the slider moves as ui.follow's family "moving": `paths` maps a path's label to its (w, b) states at
    every slider value, each (values, K+1). Each path is thinned at each value on its own (frames.thin_series) and
    padded to one count of points by repeating its last point, so a value's rows are the same rows as any other's."""
    blocks = []
    for label, (w, b) in paths.items():
        keeps = [_thinned(wi, bi) for wi, bi in zip(w, b, strict=True)]
        width = max(k.size for k in keeps)
        keeps = np.stack([np.concatenate([k, np.repeat(k[-1:], width - k.size)]) for k in keeps])
        values = np.arange(w.shape[0])[:, None]
        blocks.append((label, width, {"w": w[values, keeps], "b": b[values, keeps], "step": keeps.astype(float)}))
    rows = pd.DataFrame(
        {"optimizer": pd.Categorical(np.repeat([lb for lb, _, _ in blocks], [n for _, n, _ in blocks]))}
    )
    arrays = {f: np.concatenate([cols[f] for _, _, cols in blocks], axis=1) for f in PATH_FIELDS}
    return follow.family("moving", rows, arrays)


def fixed_paths(paths: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """The paths the slider does not move, (w, b) states (K+1,) each, thinned (frames.thin_series), in one table
    (w, b, step, optimizer)."""
    parts = []
    for label, (w, b) in paths.items():
        keep = _thinned(w, b)
        parts.append(({"optimizer": label}, {"w": w[keep], "b": b[keep], "step": keep}))
    return frames.stack(parts)


def landscape(
    x: np.ndarray,
    y: np.ndarray,
    loss: str,
    delta: float,
    paths: Mapping[str, tuple[np.ndarray, np.ndarray]],
    served: int,
    *,
    start: tuple[float, float],
    optimum: tuple[float, float],
    grid: int,
) -> Landscape:
    """The map of `loss` over (w, b) around every path at slider value `served` (the axes fit those), the creases
    on L1, and the paths: `paths` maps a label to its (w, b) states, one row per slider value for a path the slider
    moves (`path_family`), one row for a path it does not (`fixed_paths`)."""
    rows = [(w[min(served, w.shape[0] - 1)], b[min(served, b.shape[0] - 1)]) for w, b in paths.values()]
    w_range, b_range = _ranges(start, optimum, [w for w, _ in rows], [b for _, b in rows])
    cells = surface(x, y, loss, delta, w_range, b_range=b_range, grid=grid)
    moves = {label: wb for label, wb in paths.items() if wb[0].shape[0] > 1}
    fixed = fixed_paths({label: (w[0], b[0]) for label, (w, b) in paths.items() if label not in moves})
    moving = path_family(moves) if moves else None
    tables = [t for t in (fixed, moving.rows if moving else None) if t is not None and len(t)]
    drawn = max(int(t["optimizer"].value_counts().max()) for t in tables)
    states = next(iter(paths.values()))[0].shape[1]
    lines = creases(x, y, w_range) if loss == "l1" else None
    return Landscape(cells, fixed, moving, lines, w_range, b_range, drawn, states)


ZOOM_PAD = 0.25  # the zoom's axes: the last updates' box and the optimum, a quarter of its size to spare each side
ZOOM_SMALL = 0.1  # a zoom is drawn when that box spans under a tenth of the map's width or height: too small to see


@dataclass(frozen=True)
class Zoom:
    """The map near the optimum: the surface over the box around a path's last updates, that stretch of the path
    unthinned (w, b, step, optimizer), the creases, and the axes' ranges."""

    grid: pd.DataFrame
    path: pd.DataFrame
    creases: pd.DataFrame | None
    w_range: tuple[float, float]
    b_range: tuple[float, float]


def zoom(x, y, loss: str, delta: float, path: tuple[np.ndarray, np.ndarray, str], *, first: int, optimum, grid: int):
    """The zoom on `path` (w, b, its label) from update `first` on, around it and the optimum; None when that box
    is not small against the map (`land_ranges`) or the path has no finite point there."""
    w, b, label = path
    w, b = np.asarray(w, dtype=float)[first:], np.asarray(b, dtype=float)[first:]
    ok = np.isfinite(w) & np.isfinite(b)
    if not ok.any():
        return None
    ranges = []
    for values, o in ((w[ok], optimum[0]), (b[ok], optimum[1])):
        lo, hi = min(float(values.min()), o), max(float(values.max()), o)
        pad = ZOOM_PAD * max(hi - lo, 1e-3 * max(1.0, abs(o)))
        ranges.append((lo - pad, hi + pad))
    steps = np.flatnonzero(ok) + first
    table = pd.DataFrame({"w": w[ok], "b": b[ok], "step": steps, "optimizer": label})
    cells = surface(x, y, loss, delta, ranges[0], b_range=ranges[1], grid=grid)
    lines = creases(x, y, ranges[0]) if loss == "l1" else None
    return Zoom(cells, table, lines, ranges[0], ranges[1])


def wants_zoom(last: Zoom | None, w_range: tuple, b_range: tuple) -> bool:
    """The zoom adds something: its box is under ZOOM_SMALL of the map's width and height."""
    if last is None:
        return False
    spans = [(r[1] - r[0]) / max(m[1] - m[0], 1e-12) for r, m in ((last.w_range, w_range), (last.b_range, b_range))]
    return max(spans) < ZOOM_SMALL
