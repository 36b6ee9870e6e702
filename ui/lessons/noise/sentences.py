"""Sentences of the noise and learning-rate page, each built from the runs it describes (pure: numbers in, text out).

The page runs absolute L1 and L2 (and Huber) on the article's y = 2·w + noise with mini-batches. The article
claims that with a constant step absolute L1 keeps oscillating while L2 settles; that holds at some settings
and not at others, so every sentence here decides from the numbers which case is on screen. Thresholds that
turn numbers into words are named constants below, and each sentence states the numbers it rests on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

import core
from ui.words import count

TAIL_SHARE = 0.3  # "the end of the run": its last 30% of updates (the page's zoom)
DRIFT_SHARE = 0.5  # a window whose net move is more than half its range is travel, not oscillation
SETTLE_RATIO = 0.5  # "L2 settles while L1 swings": L2's swing at most half of L1's
TIE = 0.05  # two errors within 5% of the larger one are "about the same"
FLOOR_BAND = 0.1  # "at its noise floor": within 10% of the floor (or 1e-3, whichever is larger)
L1_NAME, L2_NAME = core.LOSSES["l1"].short_name, core.LOSSES["l2"].short_name
SAME = "about the same (within 5%)"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def num(v: float) -> str:
    """A number as the page prints it: 3 significant digits."""
    return f"{float(v):.3g}"


ERROR_FLOOR = 1e-6  # the charts' floor for an error |w − 1| (log axes): drawn there, and sentences say 'under' it


def error_text(v: float) -> str:
    """An error |w − 1| as a sentence prints it: 3 significant digits, or "under 1e-06" at the floor."""
    return f"under {ERROR_FLOOR:g}" if v <= ERROR_FLOOR else num(v)


def tail_start(n_updates: int) -> int:
    """First update of the last 30% of a run of n_updates updates (the zoom's window)."""
    return n_updates - max(1, (3 * n_updates) // 10)


@dataclass(frozen=True)
class Window:
    """What w did over the updates start..end of one run."""

    start: int
    swing: float  # max - min of w over the window
    net: float  # w at the end minus w at the start of the window
    step_min: float  # the smallest |w_k - w_(k-1)| inside the window
    step_max: float  # the largest one
    size: float = 0.0  # max |w| over the window: the scale of its rounding

    @property
    def still(self) -> bool:
        """Not moving: the range is at most 16 roundings of w (a float sum's noise, on any CPU)."""
        return self.swing <= 16 * np.finfo(float).eps * self.size

    @property
    def drifting(self) -> bool:
        """Still travelling: most of the window's range is one net move (not a back-and-forth)."""
        return not self.still and abs(self.net) > DRIFT_SHARE * self.swing


def tail_range(name: str, w: np.ndarray, start: int) -> str:
    """Where a run's w stays from update `start` on, for the zoom's description: its lowest and highest value
    (4 significant digits), one value if it does not move at that precision, or that it left the finite numbers."""
    part = np.asarray(w, dtype=float)[start:]
    if not np.all(np.isfinite(part)):
        return f"{name} has diverged"
    lo, hi = f"{part.min():.4g}", f"{part.max():.4g}"
    return f"{name} stays at {lo}" if lo == hi else f"{name} stays between {lo} and {hi}"


def last_loss(name: str, loss: np.ndarray) -> str:
    """A run's loss at its last update, for the loss chart's description (4 significant digits), or that it
    diverged (the loss is nan from a run's first diverged state on)."""
    end = float(np.asarray(loss, dtype=float)[-1])
    return f"{name} ends at {end:.4g}" if np.isfinite(end) else f"{name} has diverged"


def window(w: np.ndarray, start: int) -> Window:
    """The window of w from update `start` to the end (w indexed by update, 0 is the start of the run)."""
    part = np.asarray(w, dtype=float)[start:]
    steps = np.abs(np.diff(part)) if part.size > 1 else np.zeros(1)
    return Window(
        start,
        float(np.ptp(part)),
        float(part[-1] - part[0]),
        float(steps.min()),
        float(steps.max()),
        float(np.max(np.abs(part))),
    )


def closer_answer(err_l1: float, err_l2: float) -> str:
    """Which loss ends closer to w_true, or a tie when the two errors are within TIE of the larger one.

    An infinite error (a diverged run) loses to any finite one.
    """
    if np.isfinite(err_l1) != np.isfinite(err_l2):
        return L1_NAME if np.isfinite(err_l1) else L2_NAME
    if err_l1 == err_l2 or abs(err_l1 - err_l2) <= TIE * max(err_l1, err_l2):
        return SAME
    return L1_NAME if err_l1 < err_l2 else L2_NAME


def closer_explanation(err_l1: float, err_l2: float, where: str, l1_window: Window | None = None) -> str:
    """Why the closer answer is what it is, in numbers; `where` says what the errors average over."""
    if not np.isfinite(err_l2):
        return f"L2 diverged, so absolute L1 ({num(err_l1)} from w = 1 {where.lower()}) is closer."
    verdict = closer_answer(err_l1, err_l2)
    head = f"{where}, absolute L1 is on average **{num(err_l1)}** from w = 1 and L2 **{num(err_l2)}**"
    if verdict == SAME:
        return f"{head}: within 5% of each other, which we count as about the same."
    near, far = sorted((err_l1, err_l2))
    times = f"{num(far / near)} times" if near > 0 else "infinitely"
    text = f"{head}: {verdict} is {times} closer (more than the 5% we count as a tie)."
    if verdict == L1_NAME and l1_window is not None and l1_window.drifting:
        text += (
            " Absolute L1 is still travelling at the end (it moved "
            f"{num(l1_window.net)} over the last 30%), so this may not last."
        )
    return text


def _no_oscillation(l1: Window, l2: Window) -> str | None:
    """Why the run is not the article's case (absolute L1 travelling, or not moving), or None when it is."""
    if l1.drifting:
        return (
            "**Not the article's case here:** absolute L1 has not arrived. Over the last 30% it moved "
            f"{num(l1.net)} in net (its whole range there is {num(l1.swing)}): that is travel, not "
            f"oscillation. L2 swings by {num(l2.swing)}."
        )
    if l1.still:
        return (
            "**Not the article's case here:** absolute L1 does not move over the last 30%: every batch's "
            "signs cancel (or its residuals are 0, where the page's gradient is 0). L2 swings by "
            f"{num(l2.swing)}."
        )
    return None


def _l2_does_not_settle(l1: Window, l2: Window, numbers: str, sigma: float, batch_size: int, n: int) -> str:
    """The claim fails: L2 swings more than SETTLE_RATIO of absolute L1's swing; how much, and why."""
    why = ""
    if sigma > 0 and batch_size < n:
        why = (
            f" With noise sigma {sigma:g}, each batch of {batch_size} has its own optimum and L2 steps towards it "
            "by an amount that grows with that batch's residuals, which noise keeps large."
        )
    elif l2.drifting:
        why = " L2 is still travelling towards its optimum."
    how = (
        "L2 swings more than absolute L1"
        if l2.swing > l1.swing
        else "L2 swings more than half as much as absolute L1 (the claim needs at most half)"
    )
    return f"**The article's claim does not hold here:** {numbers}: {how}.{why}"


def constant_rate(rates: np.ndarray) -> bool:
    """Did the run take one learning rate throughout? Read from its rates, not its schedule's name: an
    exponential schedule with gamma = 1 runs a constant rate. A nan (a trajectory's start, before any update)
    is no rate taken."""
    taken = np.asarray(rates, dtype=float)
    taken = taken[~np.isnan(taken)]
    return taken.size > 0 and bool(np.all(taken == taken[0]))


def claim(
    l1: Window | None,
    l2: Window | None,
    l2_diverged_at: int | None,
    *,
    rates: np.ndarray,
    sigma: float,
    batch_size: int,
    n: int,
) -> tuple[bool | None, str]:
    """Does the article's claim hold on screen: constant-step absolute L1 keeps oscillating while L2 settles?

    `rates` are the learning rates the run took, update by update. Returns (holds, sentence): True, False, or
    None when the run cannot test it (a loss hidden, or rates that change, where the claim's constant step is
    not what runs).
    """
    if l1 is None or (l2 is None and l2_diverged_at is None):
        return None, "Show both the absolute-L1 and the L2 run to test the article's claim."
    if l2_diverged_at is not None or l2 is None:
        return False, (
            f"**The article's claim does not hold here:** L2 diverged at update {l2_diverged_at} "
            "(this learning rate is past its stability limit), while absolute L1's steps stay bounded."
        )
    numbers = f"over the last 30% absolute L1 swings by **{num(l1.swing)}** and L2 by **{num(l2.swing)}**"
    if not constant_rate(rates):
        return None, (
            "The article's claim is about a constant step; this schedule shrinks the step, and " + numbers + "."
        )
    if (not_the_case := _no_oscillation(l1, l2)) is not None:
        return False, not_the_case
    if l2.swing <= SETTLE_RATIO * l1.swing:
        ratio = "L2 does not move (to rounding)" if l2.still else f"L2's swing is {num(l1.swing / l2.swing)}×"
        ratio += "" if l2.still else " smaller"
        return True, f"**The article's claim holds here:** {numbers}: {ratio}."
    return False, _l2_does_not_settle(l1, l2, numbers, sigma, batch_size, n)


def _swing(name: str, win: Window, with_swing: bool) -> str:
    return f"{name} swings by **{num(win.swing)}** over the last 30%: " if with_swing else ""


def l1_steps(l1: Window, full_step: float, with_swing: bool = False) -> str:
    """Absolute L1's step is lr·|Σ sign(rᵢ)·xᵢ|: from 0 (signs cancel) to lr·Σ|xᵢ| (signs agree)."""
    if num(l1.step_min) == num(l1.step_max):
        seen = f"over the last 30% every one of its steps measures {num(l1.step_max)}"
    else:
        seen = f"over the last 30% its steps measure {num(l1.step_min)} to {num(l1.step_max)}"
    return _cap(
        _swing(L1_NAME, l1, with_swing)
        + f"each absolute-L1 step is lr·|Σ sign(rᵢ)·xᵢ|, at most lr·Σ|xᵢ| = {num(full_step)} when a batch's "
        f"residuals share a sign and less when they cancel; {seen}."
    )


def l2_steps(l2: Window, first_step: float, with_swing: bool = False) -> str:
    """L2's step is 2·lr·|Σ rᵢ·xᵢ|: it follows the batch's residuals."""
    if l2.still:
        return _cap(_swing(L2_NAME, l2, with_swing) + "L2 does not move: its gradient 2·Σrᵢxᵢ is 0 to rounding.")
    compare = (
        f", against {num(first_step)} at its first update"
        if l2.step_max < first_step
        else f", no smaller than at its first update ({num(first_step)})"
    )
    return _cap(
        _swing(L2_NAME, l2, with_swing)
        + "each L2 step is 2·lr·|Σ rᵢ·xᵢ|, as large as the batch's residuals; over the last 30% its steps "
        f"measure {num(l2.step_min)} to {num(l2.step_max)}{compare}."
    )


def batch_noise(sigma: float, batch_size: int, n: int, shuffle: bool) -> str:
    """Why noise moves every optimiser, when it does."""
    if sigma == 0:
        return "Without noise every sample agrees on w = 1, so every batch's optimum is 1."
    if batch_size >= n:
        return "One batch holds all the data, so each update pulls towards the same optimum."
    order = "reshuffled every epoch" if shuffle else "the same every epoch"
    return (
        f"With {count(batch_size, 'samples')} per batch (batches {order}) each batch has its own optimum, and each "
        "update steps towards its batch's: the noise moves that target from one batch to the next."
    )


def band_too_wide(band: tuple[float, float], sigma: float, batch_size: int, n: int, shuffle: bool) -> str:
    """Caption when absolute L1's guaranteed band is too wide to shade over the zoom."""
    lo, hi = band
    head = f"Absolute L1's guaranteed band here is {num(lo)} to {num(hi)}: too wide to shade over this zoom."
    if sigma > 0 and batch_size < n:
        spread = "every yᵢ/xᵢ (the batches change each epoch)" if shuffle else "every batch's own optimum"
        return head + f" With noise and batches of {batch_size} the band must cover {spread}; try batch size {n}."
    return head + " It is the optimum widened by lr·Σ|xᵢ| either side; a smaller lr narrows it."


def optimum_sentence(l1_interval: tuple[float, float], l2_opt: float) -> str:
    """Where each loss's own optimum lies, against w = 1, for the data on screen."""
    lo, hi = l1_interval
    d1 = max(lo - 1.0, 1.0 - hi, 0.0)
    d2 = abs(l2_opt - 1.0)
    where = f"{num(lo)} to {num(hi)}" if hi > lo else num(lo)
    head = (
        f"On this data absolute L1's optimum (the median of yᵢ/2) is {where}, {num(d1)} from 1, and L2's "
        f"(the mean) is {num(l2_opt)}, {num(d2)} from 1"
    )
    verdict = closer_answer(d1, d2)
    if verdict == SAME:
        return head + ": about equally far, so which run ends closer is decided by the descent."
    return head + f": {'the mean' if verdict == L2_NAME else 'the median'} is closer before any descent."


def _ranges(values: Sequence[float]) -> str:
    return ", ".join(num(v) for v in values)


def _monotone_above(lrs: np.ndarray, err: np.ndarray) -> tuple[int, int]:
    """From the best rate up: (steps where the error does not fall, all steps)."""
    best = int(np.argmin(err))
    d = np.diff(err[best:])
    return int(np.sum(d >= 0)), int(d.size)


def _at_the_smallest_rate(
    lrs: np.ndarray, errors: dict[str, np.ndarray], labels: dict[str, str], n_updates: int, start_error: float
) -> str | None:
    """The errors at the smallest rate, and whether every loss is still far (more than half w0's distance)."""
    first = {k: e[0] for k, e in errors.items() if np.isfinite(e[0])}
    if not first:
        return None
    listed = ", ".join(f"{labels[k]} {num(e)}" for k, e in first.items())
    far = [k for k, e in first.items() if e > 0.5 * start_error]
    if start_error > 0 and len(far) == len(first):
        return (
            f"At the smallest rate, lr = {lrs[0]:g}, no loss arrives in {n_updates} updates: the errors are "
            + listed
            + f", with w0 {num(start_error)} from 1."
        )
    return f"At the smallest rate, lr = {lrs[0]:g}, the errors are " + listed + f" (w0 is {num(start_error)} from 1)."


def _above_the_best(lrs: np.ndarray, err: np.ndarray) -> str:
    """How the error goes on from its smallest point as lr grows (finite points only)."""
    rises, steps = _monotone_above(lrs, err)
    if steps == 0:
        return ", the largest rate it ran at."
    if rises == steps:
        return f"; from there it never falls as lr grows, up to {error_text(err[-1])} at lr = {lrs[-1]:.3g}."
    return (
        f"; above that it rises at {rises} of the {steps} steps up in lr and not at the other {steps - rises} "
        f"(it is {error_text(err[-1])} at lr = {lrs[-1]:.3g})."
    )


def _at_the_floor(lrs: np.ndarray, err: np.ndarray, floor: float) -> str:
    """Where the error sits at the noise floor |optimum - 1|: within FLOOR_BAND of it, or 1e-3."""
    at_floor = np.abs(err - floor) <= max(FLOOR_BAND * floor, 1e-3)
    if not at_floor.any():
        return f" It never comes within 10% (or 0.001) of its noise floor |optimum − 1| = {num(floor)}."
    return (
        f" At {int(at_floor.sum())} of its {err.size} points it sits at its noise floor |optimum − 1| = "
        f"{num(floor)} (within 10% or 0.001), from lr = {lrs[at_floor][0]:.3g} to {lrs[at_floor][-1]:.3g}."
    )


def _one_loss_sweep(lrs: np.ndarray, err: np.ndarray, label: str, floor: float | None) -> str:
    """One loss across the sweep: its best rate, the trend above it, and its noise floor (nan = diverged)."""
    ok = np.isfinite(err)
    if not ok.any():
        return f"{_cap(label)} diverged at every rate."
    e, r = np.maximum(err[ok], ERROR_FLOOR), lrs[ok]  # as the chart draws them: rounding-level errors tie
    best = int(np.argmin(e))
    if e[best] > ERROR_FLOOR:
        text = f"{_cap(label)}'s error is smallest at lr = {r[best]:.3g} ({num(e[best])})"
    else:
        zero = r[e <= ERROR_FLOOR]
        where = f"lr = {zero[0]:.3g}" if zero.size == 1 else f"{zero.size} rates, lr = {zero[0]:.3g} to {zero[-1]:.3g}"
        text = f"{_cap(label)}'s error is under {ERROR_FLOOR:g} (the chart's floor) at {where}"
    text += _above_the_best(r, e)
    return text if floor is None else text + _at_the_floor(r, e, floor)


def sweep_sentences(
    lrs: np.ndarray,
    errors: dict[str, np.ndarray],
    labels: dict[str, str],
    n_updates: int,
    start_error: float,
    floors: dict[str, float],
    l2_limit: float | None,
    l2_radius: np.ndarray | None,
) -> list[str]:
    """What the sweep chart shows, per loss, decided from its points (nan = diverged, dropped from the chart).

    `floors`: each loss's error at its own optimum (|optimum - 1|); `l2_radius`: the epoch radius at each lr.
    """
    lrs = np.asarray(lrs, dtype=float)
    first = _at_the_smallest_rate(lrs, errors, labels, n_updates, start_error)
    out = [] if first is None else [first]
    out += [_one_loss_sweep(lrs, err, labels[k], floors.get(k)) for k, err in errors.items()]
    if "l2" in errors and l2_limit is not None and l2_radius is not None:
        out.append(_l2_sweep_stability(lrs, errors["l2"], n_updates, l2_limit, np.asarray(l2_radius)))
    return out


def _l2_sweep_stability(lrs: np.ndarray, err: np.ndarray, n_updates: int, limit: float, radius: np.ndarray) -> str:
    """L2's stability over the swept rates: the theory (epoch radius) against what the runs did."""
    text = f"Every lr below {limit:.3g} is stable for L2 (one epoch shrinks its distance to its cycle)."
    beyond = lrs > limit
    if beyond.any():
        unstable, islands = beyond & (radius >= 1), beyond & (radius < 1)
        text += f" L2 beyond lr = {limit:.3g} is unstable at {int(unstable.sum())} of the {int(beyond.sum())} rates"
        text += " swept there"
        if islands.any():
            text += (
                f", and stable again at lr = {_ranges(lrs[islands])}: there a batch's factor 1 − 2·lr·Σx² is "
                "close to 0, so the epoch as a whole contracts"
            )
        text += "."
    diverged = ~np.isfinite(err)
    if diverged.any():
        first = int(np.argmax(diverged))
        where = f"from lr = {lrs[first]:.3g} up" if diverged[first:].all() else f"at lr = {_ranges(lrs[diverged])}"
        text += f" It diverged {where} (dropped from the chart)."
    slow = (radius >= 1) & ~diverged
    if slow.any():
        text += f" At lr = {_ranges(lrs[slow])} it is unstable but had not blown up within {n_updates} updates."
    return text


def heat_sentences(
    rows: dict[str, list[tuple[float, np.ndarray, np.ndarray]]], labels: dict[str, str], l2_limit: float | None
) -> list[str]:
    """Read across the heatmap's rows: per loss, the noise levels where the error never falls as lr grows.

    `rows[loss]` is a list of (sigma, lrs, errors) with nan where the run diverged (a grey cell).
    """
    out = []
    for k, grid in rows.items():
        finite = [(s, lr[np.isfinite(e)], e[np.isfinite(e)]) for s, lr, e in grid]
        rising = [s for s, _, e in finite if e.size > 1 and np.all(np.diff(e) >= 0)]
        other = [s for s, _, e in finite if e.size > 1 and not np.all(np.diff(e) >= 0)]
        name = _cap(labels[k])
        if not other:
            text = f"{name}'s error never falls as lr grows, in every row."
        elif not rising:
            text = f"{name}'s error falls somewhere along every row"
        else:
            text = (
                f"{name}'s error never falls as lr grows at sigma {_ranges(rising)}; at sigma {_ranges(other)} it falls"
            )
        if other:
            s, lr, e = next(row for row in finite if row[0] == other[0])
            j = int(np.argmax(np.diff(e) < 0))
            text += (
                f" (at sigma {s:g}: {error_text(e[j])} at lr = {lr[j]:.3g}, {error_text(e[j + 1])} at lr = "
                f"{lr[j + 1]:.3g})."
            )
        blank = sorted({float(lr) for _, lrs, e in grid for lr in lrs[~np.isfinite(e)]})
        if blank:
            text += f" Grey from lr = {blank[0]:.3g}"
            text += f" (every lr below {l2_limit:.3g} is stable for L2)." if k == "l2" and l2_limit else "."
        out.append(text)
    return out


def draws_sentence(
    means: dict[str, float], optimum_means: dict[str, float], descent_means: dict[str, float], labels: dict[str, str]
) -> str:
    """The many-draws result: mean final errors, how far each loss's optimum is on average (`optimum_means`: for L1
    the median, the middle of its interval of optima), what descent adds (`descent_means`: for L1 the distance to
    that interval, any point of which is optimal)."""
    text = "Mean final error over the draws: " + ", ".join(f"{labels[k]} **{num(m)}**" for k, m in means.items())
    if "l1" in means and "l2" in means:
        verdict = closer_answer(means["l1"], means["l2"])
        text += ". " + ("They are about the same (within 5%)." if verdict == SAME else f"{verdict} ends closer.")
    if "l1" in optimum_means and "l2" in optimum_means:
        o1, o2 = optimum_means["l1"], optimum_means["l2"]
        better = closer_answer(o1, o2)
        which = {
            SAME: "about equally precise here",
            L2_NAME: "the mean is the more precise, as with Gaussian noise it is on average",
            L1_NAME: "the median is the more precise in these draws",
        }[better]
        text += (
            f" Before any descent, the optima alone are on average {num(o1)} (L1: the median, the middle of its "
            f"interval of optima) and {num(o2)} (L2: the mean) from 1: {which}."
        )
        text += (
            " The runs end on average "
            + " and ".join(f"{num(descent_means[k])} ({labels[k]})" for k in ("l1", "l2") if k in descent_means)
            + " from their own optimum."
        )
    return text


def diverged_warning(lr: float, batch_size: int, limit: float, radius: float) -> str:
    """Why L2 diverged, with the numbers of this lr (its largest, for a schedule)."""
    return (
        f"L2 diverged: at lr = {lr:g} with batches of {batch_size}, one epoch of L2 multiplies its distance to the "
        f"cycle by {num(radius)} (more than 1). Every lr below {limit:.3g} is stable; lower the learning rate."
    )
