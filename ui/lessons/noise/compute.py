"""The noise lesson's experiments: the sweep over rates, the many noise draws, the heatmap and the w chart's family
over its lr slider, in one cached call.

Where they would cost more than a rerun may (`EXPERIMENT_BUDGET`), the sweep, draws and heatmap are coarsened,
never silently: `noise_experiments` runs an evenly spread share of its rates, draws and cells and says which
(`Thinned.note`, e.g. "24 of 48 noise draws"), for the page to print beside the chart. The family (the page's run
at every learning rate its slider offers) always runs whole: the slider reaches every one of them. It rides in the
same pass because a pass's cost is mostly per update, not per run (at batch 1 and 1,000 epochs a separate pass per
loss cost about 55 ms of CPU, its 31 runs inside the experiments' pass about a fifth of that); its updates are
thinned as every chart's are (`ui.frames.thin_series`) and kept as float32.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field

import numpy as np

import core
from ui.compute import schedule
from ui.frames import thin_series
from ui.lessons.noise.sentences import arrived, error_tail
from ui.runtime import cached

# updates x runs one experiment call may make per rerun. Every setting the noise page offers runs in full (20,000
# updates x 130 runs): measured, each update of a pass has a fixed cost worth about 160 runs' own work, so
# halving the runs saves only a fifth and thinning would lose more than it buys. The budget guards against more.
EXPERIMENT_BUDGET = 2_600_000
SPLIT_UPDATES = 2_000  # up to this many updates a run, the experiments run in two passes (experiments_by_rate)


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
    sweep_error: np.ndarray  # per rate, mean |w - 1| over the TAIL of updates (nan: diverged)
    sweep_arrived: np.ndarray  # per rate, whether the run had arrived before the TAIL (sentences.arrived)
    draw_seeds: np.ndarray  # the noise seeds run
    draw_final: np.ndarray  # per seed, the final w (only to show why one final value misleads)
    draw_error: np.ndarray  # per seed, mean |w - 1| over the TAIL of updates (the page's one measure)
    heat_sigmas: np.ndarray
    heat_lrs: np.ndarray  # the constant rates run, per noise level
    heat_final: np.ndarray  # (sigmas, lrs): the final w
    heat_error: np.ndarray  # (sigmas, lrs): mean |w - 1| over the TAIL of updates (nan: diverged)
    heat_arrived: np.ndarray  # (sigmas, lrs): whether the run had arrived (sentences.arrived)
    thinned: tuple[Thinned, ...]  # one per experiment asked for, in the order sweep, draws, heatmap
    # the family: its rates (the schedule's lr0), and per rate (rows: thinned updates, nan past a run's own) update, w
    family_lrs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    family_update: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    family_w: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))

    def note(self, what: str) -> str:
        """The coarsening note of one experiment ("learning rates", "noise draws" or "heatmap cells")."""
        return next((t.note for t in self.thinned if t.what == what), "")


@functools.lru_cache(maxsize=512)  # every loss's experiments share the data sets (at most 512: 0.3 MB)
def noise_data(sigma: float, seed: int) -> core.Dataset:
    """The article's data (core.article_dataset) at noise `sigma` and `seed`: every experiment's data set."""
    return core.article_dataset(sigma, seed=seed)


@dataclass(frozen=True)
class _NoisePlan:
    """What `noise_experiments` runs: the rates, seeds and noise levels kept within the budget, and the notes."""

    sweep_lrs: np.ndarray
    draw_seeds: np.ndarray
    heat_sigmas: np.ndarray
    heat_lrs: np.ndarray
    thinned: tuple[Thinned, ...]

    def runs(self, sched: tuple, sigma: float, seed: int, family_lrs: tuple = ()) -> tuple[list[core.Dataset], list]:
        """Every run's data set and learning rate, in the order sweep, draws, heatmap (row by row), family (the
        schedule from each of `family_lrs`)."""
        name, lr0, params = sched
        drawn = schedule(name, lr0, **dict(params))
        sets = [noise_data(sigma, seed)] * self.sweep_lrs.size + [noise_data(sigma, int(s)) for s in self.draw_seeds]
        sets += [noise_data(float(s), seed) for s in self.heat_sigmas for _ in self.heat_lrs]
        sets += [noise_data(sigma, seed)] * len(family_lrs)
        lrs = [*self.sweep_lrs, *([drawn] * self.draw_seeds.size), *np.tile(self.heat_lrs, self.heat_sigmas.size)]
        lrs += [schedule(name, float(lr), **dict(params)) for lr in family_lrs]
        return sets, lrs


def _noise_plan(
    sweep_lrs: tuple, seeds: int, heat_sigmas: tuple, heat_lrs: tuple, updates: int, *, budget: int
) -> _NoisePlan:
    """The share of each experiment that fits `budget` updates x runs (`share_budget`): evenly spread rates,
    the first seeds, and for the heatmap the same spread of rates on every noise level."""
    asked = {"sweep": len(sweep_lrs), "draws": seeds, "heat": len(heat_sigmas) * len(heat_lrs)}
    if not any(asked.values()):
        return _NoisePlan(*(np.zeros(0),) * 4, ())
    kept = share_budget({k: n for k, n in asked.items() if n}, updates, budget)
    per_sigma = max(1, kept.get("heat", 0) // max(1, len(heat_sigmas)))
    sweep_lr = np.asarray(sweep_lrs, dtype=float)[spread(len(sweep_lrs), kept.get("sweep", 0))]
    heat_lr = np.asarray(heat_lrs, dtype=float)[spread(len(heat_lrs), per_sigma) if heat_lrs else []]
    ran = {"sweep": sweep_lr.size, "draws": kept.get("draws", 0), "heat": len(heat_sigmas) * heat_lr.size}
    what = {"sweep": "learning rates", "draws": "noise draws", "heat": "heatmap cells"}
    thinned = tuple(Thinned(asked[k], ran[k], what[k]) for k in asked if asked[k])
    return _NoisePlan(sweep_lr, np.arange(ran["draws"]), np.asarray(heat_sigmas, dtype=float), heat_lr, thinned)


def thinned_family(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each run's (row of `w`) thinned updates and w there (`thin_series`, as its chart draws it), float32, padded
    with nan to one length: (update, w), each (runs, rows)."""
    picks = [thin_series(row) for row in w]
    rows = max((p.size for p in picks), default=0)
    update, at = np.full((len(picks), rows), np.nan, np.float32), np.full((len(picks), rows), np.nan, np.float32)
    for i, p in enumerate(picks):
        update[i, : p.size], at[i, : p.size] = p, w[i, p]
    return update, at


# Over 50 lines: four experiments in one vectorised pass (the point: one pass costs about as much as one run),
# most of it the docstring saying what each holds.
@cached(max_entries=64, max_mb=8)  # a family: 31 rates x about 300 rows x 2 float32 columns, 75 KB
def noise_experiments(
    loss: str,
    sched: tuple,
    w0: float,
    batch_size: int,
    epochs: int,
    *,
    sigma: float,
    seed: int,
    sweep_lrs: tuple[float, ...] = (),
    seeds: int = 0,
    heat_sigmas: tuple[float, ...] = (),
    heat_lrs: tuple[float, ...] = (),
    family_lrs: tuple[float, ...] = (),
    shuffle: bool = False,
    budget: int = EXPERIMENT_BUDGET,
    **loss_params,
) -> NoiseExperiments:
    """The sweep, the noise draws, the heatmap and the lr family for one loss, all their runs in one vectorised pass.

    sweep: constant `sweep_lrs` on the data set of noise `sigma` and `seed`; draws: the schedule `sched`
    (name, lr0, params) on noise seeds 0..seeds-1 at `sigma`; heatmap: constant `heat_lrs` on the data sets of
    noise `heat_sigmas` and `seed`; family: the schedule `sched` from each of `family_lrs` (in place of its lr0) on
    the data set of noise `sigma` and `seed`, the page's run at each of them (`thinned_family`). Every run starts
    at `w0`, takes batches of `batch_size` for `epochs` epochs, shuffled with shuffle_seed = seed when `shuffle`.
    An empty experiment is skipped. Beyond `budget` updates x runs, the sweep, draws and heatmap each run an evenly
    spread share of what the family leaves of it (`share_budget`; the draws: the first seeds; the family always runs
    whole), and
    `thinned` says how many of how many. Every error is mean |w - 1| over the TAIL of updates.
    """
    updates = core.updates_per_run(core.data.ARTICLE.n, batch_size, epochs)
    # the family always runs whole, within the budget: the other experiments share what it leaves
    plan = _noise_plan(sweep_lrs, seeds, heat_sigmas, heat_lrs, updates, budget=budget - len(family_lrs) * updates)
    if not (plan.thinned or family_lrs):
        raise ValueError("ask for at least one experiment: sweep_lrs, seeds, heat_sigmas and heat_lrs, or family_lrs")
    sets, lrs = plan.runs(sched, sigma, seed, family_lrs)
    many = core.descend_many(
        sets,
        loss,
        lrs,
        w0,
        batch_size,
        epochs=epochs,
        shuffle=shuffle,
        shuffle_seed=seed,
        track_loss=False,
        **loss_params,
    )
    a, b = plan.sweep_lrs.size, plan.sweep_lrs.size + plan.draw_seeds.size
    c = b + plan.heat_sigmas.size * plan.heat_lrs.size  # the family's first run
    family_update, family_w = thinned_family(many.w[c:])
    tail = error_tail(many.n_updates)
    errors = np.mean(np.abs(many.w[:, -tail:] - 1.0), axis=1)  # nan once a run diverged
    came = arrived(many.w[:, -tail - 1 :])  # the measured window and the state it starts from
    shape = (plan.heat_sigmas.size, plan.heat_lrs.size)
    heat = many.w[b:c, -1].reshape(shape) if plan.heat_lrs.size else None
    return NoiseExperiments(
        sweep_lrs=plan.sweep_lrs,
        sweep_error=errors[:a],
        sweep_arrived=came[:a],
        draw_seeds=plan.draw_seeds,
        draw_final=many.w[a:b, -1].copy(),
        draw_error=errors[a:b],
        heat_sigmas=plan.heat_sigmas,
        heat_lrs=plan.heat_lrs,
        heat_final=np.zeros((0, 0)) if heat is None else heat.copy(),
        heat_error=np.zeros((0, 0)) if heat is None else errors[b:c].reshape(shape),
        heat_arrived=np.zeros((0, 0), dtype=bool) if heat is None else came[b:c].reshape(shape),
        thinned=plan.thinned,
        family_lrs=np.asarray(family_lrs, dtype=float),
        family_update=family_update,
        family_w=family_w,
    )


def experiments_by_rate(
    loss: str, sched: tuple, w0: float, batch_size: int, epochs: int, *, seeds: int = 0, **asked
) -> NoiseExperiments:
    """`noise_experiments` (its arguments, `asked`: sigma, seed, the experiments, shuffle, the loss's parameters) in
    two cached passes: what does not depend on the schedule's lr0 (the sweep and the
    heatmap, whose rates are their own, and the family, which replaces lr0) and the draws, which run the schedule
    itself. A move of the lr slider then reruns only the draws. Each pass gets the budget share the one pass would
    give it (`share_budget` over all three experiments, within what the family leaves). Runs longer than
    SPLIT_UPDATES go in one pass, as a pass's cost is mostly per update (the worst corner: 0.74 s in two, 0.45 s
    in one)."""
    updates = core.updates_per_run(core.data.ARTICLE.n, batch_size, epochs)
    if updates > SPLIT_UPDATES:  # a pass costs mostly per update: two long passes would cost twice one
        return noise_experiments(loss, sched, w0, batch_size, epochs, seeds=seeds, **asked)
    parts = {k: tuple(asked.pop(k, ())) for k in ("sweep_lrs", "heat_sigmas", "heat_lrs", "family_lrs")}
    family = len(parts["family_lrs"])
    sizes = {
        "sweep": len(parts["sweep_lrs"]),
        "draws": seeds,
        "heat": len(parts["heat_sigmas"]) * len(parts["heat_lrs"]),
    }
    left = EXPERIMENT_BUDGET - family * updates
    kept = share_budget({k: n for k, n in sizes.items() if n}, updates, left) if any(sizes.values()) else {}
    name, _, params = sched
    rate_free = noise_experiments(  # lr0 is not read by this pass: a placeholder keeps its cache key the same
        loss, (name, 1.0, params), w0, batch_size, epochs, **parts,
        budget=(kept.get("sweep", 0) + kept.get("heat", 0) + family) * updates, **asked,
    ) if (parts["sweep_lrs"] or parts["heat_lrs"] or family) else None  # fmt: skip
    if not seeds:
        if rate_free is None:
            raise ValueError("ask for at least one experiment")
        return rate_free
    draws = noise_experiments(
        loss, sched, w0, batch_size, epochs, seeds=seeds, budget=kept.get("draws", seeds) * updates, **asked
    )
    if rate_free is None:
        return draws
    order = {"learning rates": 0, "noise draws": 1, "heatmap cells": 2}
    return dataclasses.replace(
        rate_free,
        draw_seeds=draws.draw_seeds,
        draw_final=draws.draw_final,
        draw_error=draws.draw_error,
        thinned=tuple(sorted(rate_free.thinned + draws.thinned, key=lambda t: order[t.what])),
    )
