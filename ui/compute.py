"""Cached calls into core, at the page boundary. Arguments are plain values (numbers, text, arrays, datasets).

Every function here is pure: the same arguments give the same result, so one cache shared by every session
(`ui.runtime.cached`) serves a class that opens the same preset with one computation. Each cache is bounded by
entries and by bytes, so memory stays flat however many settings a class tries: all of them together hold at
most `CACHE_MB` megabytes. Results are shared, so their arrays are read-only.

Where a page's experiments would cost more than a rerun may (`EXPERIMENT_BUDGET`), they are coarsened, never
silently: `noise_experiments` runs an evenly spread share of its rates, draws and cells and says which
(`Thinned.note`, e.g. "24 of 48 noise draws"), for the page to print beside the chart.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

import core
from ui.frames import thin_series
from ui.runtime import cached

HUBER = "huber"
CACHE_MB = 100  # every cache below together (tests/test_compute.py adds up their bounds)
# updates x runs one experiment call may make per rerun. Every setting the noise page offers runs in full (20,000
# updates x 130 runs): measured, each update of a pass has a fixed cost worth about 160 runs' own work, so
# halving the runs saves only a fifth and thinning would lose more than it buys. The budget guards against more.
EXPERIMENT_BUDGET = 2_600_000


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


@dataclass(frozen=True)
class Thinned:
    """`used` of the `asked` items of an experiment were computed, evenly spread over them."""

    asked: int
    used: int
    what: str  # the items, plural: "noise draws"

    @property
    def note(self) -> str:
        """What a page prints beside the chart: "24 of 48 noise draws", or "" when nothing was left out."""
        return "" if self.used >= self.asked else f"{self.used} of {self.asked} {self.what}"


def spread(n: int, k: int) -> np.ndarray:
    """k indices of range(n), evenly spread with the first and the last included (all n when k >= n)."""
    if k >= n:
        return np.arange(n)
    if k <= 1:
        return np.zeros(min(n, max(k, 0)), dtype=int)
    return np.unique(np.round(np.linspace(0, n - 1, k)).astype(int))


def share_budget(sizes: dict[str, int], updates: int, budget: int, least: int = 4) -> dict[str, int]:
    """How many runs of each experiment fit `budget` updates x runs when each run makes `updates` updates.

    All of them if they fit; else every experiment keeps the same share of its runs (at least `least`, or all
    it has if fewer): a thinned sweep and thinned draws then look alike, and none disappears.
    """
    total = sum(sizes.values())
    if total * updates <= budget:
        return dict(sizes)
    share = budget / max(1, total * updates)
    return {name: min(n, max(least, int(n * share))) for name, n in sizes.items()}


@dataclass(frozen=True)
class NoiseExperiments:
    """The noise page's three experiments for one loss (20 samples of y = 2 w + noise, w_true = 1)."""

    sweep_lrs: np.ndarray  # the constant rates run
    sweep_error: np.ndarray  # per rate, mean |w - 1| over the last 10% of updates (nan: diverged)
    draw_seeds: np.ndarray  # the noise seeds run
    draw_final: np.ndarray  # per seed, the final w
    heat_sigmas: np.ndarray
    heat_lrs: np.ndarray  # the constant rates run, per noise level
    heat_final: np.ndarray  # (sigmas, lrs): the final w
    thinned: tuple[Thinned, ...]  # one per experiment asked for, in the order sweep, draws, heatmap

    def note(self, what: str) -> str:
        """The coarsening note of one experiment ("learning rates", "noise draws" or "heatmap cells")."""
        return next((t.note for t in self.thinned if t.what == what), "")


@functools.lru_cache(maxsize=512)  # every loss's experiments share the data sets (at most 512: 0.3 MB)
def _noise_data(sigma: float, seed: int) -> core.Dataset:
    """The noise page's 20 samples of y = 2 w + noise (w_true = 1) at noise `sigma` and `seed`."""
    return core.make_dataset(20, 2.0, 1.0, 0.0, sigma, 0.0, 0.0, seed)


@dataclass(frozen=True)
class _NoisePlan:
    """What `noise_experiments` runs: the rates, seeds and noise levels kept within the budget, and the notes."""

    sweep_lrs: np.ndarray
    draw_seeds: np.ndarray
    heat_sigmas: np.ndarray
    heat_lrs: np.ndarray
    thinned: tuple[Thinned, ...]

    def runs(self, sched: tuple, sigma: float, seed: int) -> tuple[list[core.Dataset], list]:
        """Every run's data set and learning rate, in the order sweep, draws, heatmap (row by row)."""
        name, lr0, params = sched
        drawn = schedule(name, lr0, **dict(params))
        sets = [_noise_data(sigma, seed)] * self.sweep_lrs.size + [_noise_data(sigma, int(s)) for s in self.draw_seeds]
        sets += [_noise_data(float(s), seed) for s in self.heat_sigmas for _ in self.heat_lrs]
        lrs = [*self.sweep_lrs, *([drawn] * self.draw_seeds.size), *np.tile(self.heat_lrs, self.heat_sigmas.size)]
        return sets, lrs


def _noise_plan(
    sweep_lrs: tuple, seeds: int, heat_sigmas: tuple, heat_lrs: tuple, updates: int, budget: int
) -> _NoisePlan:
    """The share of each experiment that fits `budget` updates x runs (`share_budget`): evenly spread rates,
    the first seeds, and for the heatmap the same spread of rates on every noise level."""
    asked = {"sweep": len(sweep_lrs), "draws": seeds, "heat": len(heat_sigmas) * len(heat_lrs)}
    if not any(asked.values()):
        raise ValueError("ask for at least one experiment: sweep_lrs, seeds or heat_sigmas and heat_lrs")
    kept = share_budget({k: n for k, n in asked.items() if n}, updates, budget)
    per_sigma = max(1, kept.get("heat", 0) // max(1, len(heat_sigmas)))
    sweep_lr = np.asarray(sweep_lrs, dtype=float)[spread(len(sweep_lrs), kept.get("sweep", 0))]
    heat_lr = np.asarray(heat_lrs, dtype=float)[spread(len(heat_lrs), per_sigma) if heat_lrs else []]
    ran = {"sweep": sweep_lr.size, "draws": kept.get("draws", 0), "heat": len(heat_sigmas) * heat_lr.size}
    what = {"sweep": "learning rates", "draws": "noise draws", "heat": "heatmap cells"}
    thinned = tuple(Thinned(asked[k], ran[k], what[k]) for k in asked if asked[k])
    return _NoisePlan(sweep_lr, np.arange(ran["draws"]), np.asarray(heat_sigmas, dtype=float), heat_lr, thinned)


@cached(max_entries=64, max_mb=4)
def noise_experiments(
    loss: str,
    sched: tuple,
    w0: float,
    batch_size: int,
    epochs: int,
    sigma: float,
    seed: int,
    *,
    sweep_lrs: tuple[float, ...] = (),
    seeds: int = 0,
    heat_sigmas: tuple[float, ...] = (),
    heat_lrs: tuple[float, ...] = (),
    shuffle: bool = False,
    budget: int = EXPERIMENT_BUDGET,
    **loss_params,
) -> NoiseExperiments:
    """The sweep, the noise draws and the heatmap for one loss, all their runs in one vectorised pass.

    sweep: constant `sweep_lrs` on the data set of noise `sigma` and `seed`; draws: the schedule `sched`
    (name, lr0, params) on noise seeds 0..seeds-1 at `sigma`; heatmap: constant `heat_lrs` on the data sets of
    noise `heat_sigmas` and `seed`. Every run starts at `w0`, takes batches of `batch_size` for `epochs` epochs,
    shuffled with shuffle_seed = seed when `shuffle`. An empty experiment is skipped. Beyond `budget` updates x
    runs, each experiment runs an evenly spread share (`share_budget`; the draws: the first seeds), and
    `thinned` says how many of how many. The sweep's error is mean |w - 1| over the last 10% of updates.
    """
    plan = _noise_plan(sweep_lrs, seeds, heat_sigmas, heat_lrs, epochs * -(-20 // min(batch_size, 20)), budget)
    sets, lrs = plan.runs(sched, sigma, seed)
    many = core.descend_many(
        sets, loss, lrs, w0, batch_size, epochs, shuffle=shuffle, shuffle_seed=seed, track_loss=False, **loss_params
    )
    a, b = plan.sweep_lrs.size, plan.sweep_lrs.size + plan.draw_seeds.size
    tail = max(1, many.n_updates // 10)
    heat = many.w[b:, -1].reshape(plan.heat_sigmas.size, plan.heat_lrs.size) if plan.heat_lrs.size else None
    return NoiseExperiments(
        sweep_lrs=plan.sweep_lrs,
        sweep_error=np.mean(np.abs(many.w[:a, -tail:] - 1.0), axis=1),
        draw_seeds=plan.draw_seeds,
        draw_final=many.w[a:b, -1].copy(),
        heat_sigmas=plan.heat_sigmas,
        heat_lrs=plan.heat_lrs,
        heat_final=np.zeros((0, 0)) if heat is None else heat.copy(),
        thinned=plan.thinned,
    )
