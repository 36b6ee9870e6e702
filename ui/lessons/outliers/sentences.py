"""The outliers page's sentences and verdicts, computed from the fits, runs and sweeps on screen.

"Near the true line" means one thing on the whole page: the mean vertical gap between a fitted line and
the true one, over x on the data's range, is at most `near_tolerance(sigma)` (the rule `facts.NEAR`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from core import LOSS_LABELS
from ui.lessons.outliers import facts
from ui.words import count

FURTHER = ("L1 (absolute)", "L2 (squared)", "neither moves")
BREAKS = {"about 10%": 0.1, "about 25%": 0.25, "about 40%": 0.4, "almost 50%": 0.5}
GAP_GRID = 51  # points on [lo, hi] over which a line's mean vertical gap is averaged


def near_tolerance(sigma: float) -> float:
    """How close to the true line counts as near (mean vertical gap over x): facts.NEAR at this sigma."""
    return facts.NEAR.tolerance(sigma)


def mean_gap(w: float, b: float, w_true: float, b_true: float, lo: float, hi: float) -> float:
    """Mean of |(w - w_true)·x + (b - b_true)| over GAP_GRID evenly spaced x on [lo, hi]."""
    grid = np.linspace(float(lo), float(hi), GAP_GRID)
    return float(np.mean(np.abs((w - w_true) * grid + (b - b_true))))


def _g(value: float) -> str:
    return f"{value:.3g}"


def line_text(w: float, b: float, with_bias: bool, spec: str = ".3g") -> str:
    """The right-hand side of y = w·x + b as a sentence writes it: "2.01x + 4.9", "2.01x − 0.3", or "2.01x" for a
    line through the origin (`with_bias` False: the fit has no intercept)."""
    slope = f"{w:{spec}}x"
    if not with_bias:
        return slope
    return f"{slope} {'−' if b < 0 else '+'} {abs(b):{spec}}"


def further_answer(gaps: Mapping[str, float], tol: float) -> str:
    """Which fit ends further from the true line: the one whose gap is larger, if it is beyond `tol`."""
    worst = "l1" if gaps["l1"] > gaps["l2"] else "l2"
    if gaps[worst] <= tol:
        return FURTHER[2]
    return FURTHER[0] if worst == "l1" else FURTHER[1]


def further_explanation(gaps: Mapping[str, float], tol: float, x_range: tuple[float, float], shifted: int) -> str:
    """Why, in numbers: each line's mean gap to the true line, the tolerance, and the case the data show."""
    answer = further_answer(gaps, tol)
    numbers = (
        f"On average over x from {_g(x_range[0])} to {_g(x_range[1])}, L1's line is {_g(gaps['l1'])} from the true "
        f"line and L2's {_g(gaps['l2'])}; near means within {facts.NEAR.describe()} = {_g(tol)}. "
    )
    if answer == FURTHER[2]:
        why = (
            "No point in the table is marked as shifted, so there is nothing for either loss to chase."
            if shifted == 0
            else "The shift is too small against the noise to carry either line out of that band."
        )
    elif answer == FURTHER[1]:
        why = (
            "Squaring makes a far point's residual dominate L2's sum, so L2 moves its line to shrink it; in L1 "
            "each point pulls with at most |x|, whatever its distance."
        )
    else:
        why = (
            "L1 counts points, not distances: with this many shifted points, a line that runs near them has a "
            "smaller sum of |residuals| than the true line, so L1 follows them. L2 averages the shift over all "
            "the points instead."
        )
    return numbers + why


def fit_seen(
    exact: Mapping[str, tuple[float, float]], truth: tuple[float, float], gaps: Mapping[str, float], tol: float
) -> str:
    """What the scatter shows: both lines' slope and bias against the truth, and which one stayed near."""
    w, b = truth
    text = (
        f"L2's line has slope {_g(exact['l2'][0])} and bias {_g(exact['l2'][1])}, L1's {_g(exact['l1'][0])} and "
        f"{_g(exact['l1'][1])}, against the true {w:g} and {b:g}: a mean gap of {_g(gaps['l2'])} for L2 and "
        f"{_g(gaps['l1'])} for L1, on average over x (near: within {facts.NEAR.describe()} = {_g(tol)}). "
    )
    near = {k: gaps[k] <= tol for k in ("l1", "l2")}
    if near["l1"] and near["l2"]:
        return text + "Both lines stay near the true one here."
    if near["l1"]:
        return text + (
            "L1 lets the bad points sit far from its line: each can only pull with strength |x|, however far away "
            "it is. L2's squares let them drag its line away."
        )
    if near["l2"]:
        return text + (
            "Here it is L1's line that left the truth: it counts points, not distances, and enough of them were "
            "shifted to carry it."
        )
    return text + "Neither line stays near the true one: too much of the data is bad for either loss."


def descent_answer(gd: Mapping[str, Mapping], answers: Sequence[str]) -> str:
    """answers[0] ("yes, all three") if every run ended within `near` of its exact line, else answers[2]."""
    return answers[0] if all(run["arrived"] for run in gd.values()) else answers[2]


def _late(gd: Mapping[str, Mapping], tie: float) -> tuple[list[str], list[str]]:
    late = [k for k, run in gd.items() if not run["arrived"]]
    return [k for k in late if gd[k]["excess_loss"] > tie], [k for k in late if gd[k]["excess_loss"] <= tie]


def _names(keys: Sequence[str]) -> str:
    return ", ".join(LOSS_LABELS[k] for k in keys)


def _far(gd: Mapping[str, Mapping], k: str, exact: Mapping[str, tuple[float, float]]) -> str:
    """Where a late run ended, against its exact line and the start (0, 0), in max(|dw|, |db|) as the chart draws."""
    (w, b), (ew, eb) = gd[k]["end"], exact[k]
    return (
        f"{LOSS_LABELS[k]} ended {_g(max(abs(w - ew), abs(b - eb)))} from its exact line, which lies "
        f"{_g(max(abs(ew), abs(eb)))} from the start (0, 0)"
    )


def descent_explanation(
    gd: Mapping[str, Mapping], exact: Mapping[str, tuple[float, float]], updates: int, near: float, tie: float = 1e-9
) -> str:
    """Why, in numbers: where each run that did not arrive ended, and whether its loss is as low as the exact one."""
    climbing, tied = _late(gd, tie)
    if not climbing and not tied:
        return (
            f"All three end within {near:g} of their exact lines after {updates:,} updates: a subgradient is all "
            "descent needs (at L1's kink we use 0), and the decaying step shrinks the zig-zag around the optimum."
        )
    parts = []
    for k in climbing:
        parts.append(
            f"{_far(gd, k, exact)}, with a loss {gd[k]['excess_loss']:.2g} (relative) above the exact line's: still "
            "on its way, and a decaying step covers ground ever more slowly"
        )
    for k in tied:
        parts.append(
            f"{LOSS_LABELS[k]} ends away from the exact line with a loss as low: the data do not pin the line down, "
            "so several lines are optimal and descent found another"
        )
    return f"Not all end within {near:g} after {updates:,} updates. " + "; ".join(parts) + "."


def descent_seen(
    gd: Mapping[str, Mapping], exact: Mapping[str, tuple[float, float]], updates: int, near: float, tie: float = 1e-9
) -> str:
    """What the distance chart shows: when each run settled for good, and why the late ones are late."""
    settled = sorted((run["settled"], LOSS_LABELS[k]) for k, run in gd.items() if run["settled"] is not None)
    text = (
        f"Within {near:g} of the exact fit for good: "
        + ", ".join(f"{name} after {count(k, 'updates')}" for k, name in settled)
        if settled
        else f"No run stays within {near:g} of its exact fit"
    ) + ". "
    climbing, tied = _late(gd, tie)
    if not climbing and not tied:
        return text + "All three arrive: descent handles L1's kink."
    if climbing:
        text += (
            f"Not there after {updates:,} updates: {_names(climbing)}. The exact fit has the lower loss, so these "
            f"runs are still on their way: {'; '.join(_far(gd, k, exact) for k in climbing)}. A decaying step "
            "covers ground ever more slowly. "
        )
    if tied:
        text += (
            f"{_names(tied)} ended away from the exact line with a loss as low: the data do not pin the line down "
            "(all x alike?), so many lines are optimal and descent found another."
        )
    return text.strip()


def held_to(fractions: Sequence[float], gaps: Sequence[float], tol: float) -> float | None:
    """The largest outlier fraction up to which every fitted line stayed within `tol` (None: not even the first)."""
    held = None
    for frac, gap in sorted(zip(fractions, gaps, strict=True)):
        if not gap <= tol:  # nan counts as far
            break
        held = float(frac)
    return held


def breakdown_answer(held: float | None) -> str:
    """The option nearest to the fraction L1 held to (0 when it was not near even without outliers)."""
    value = 0.0 if held is None else held
    return min(BREAKS, key=lambda k: abs(BREAKS[k] - value))


def _held_text(name: str, held: float | None, fractions: Sequence[float], gaps: Sequence[float], tol: float) -> str:
    if held is None:
        return f"{name}'s line is {_g(gaps[0])} from the true line even at {fractions[0]:.0%} outliers"
    after = [(f, g) for f, g in sorted(zip(fractions, gaps, strict=True)) if f > held]
    if not after:
        return f"{name} stays within {_g(tol)} of the true line up to **{held:.0%}** outliers, the whole sweep"
    return (
        f"{name} stays within {_g(tol)} of the true line up to **{held:.0%}** outliers and is {_g(after[0][1])} "
        f"away at {after[0][0]:.0%}"
    )


def breakdown_explanation(fractions: Sequence[float], l1_gaps: Sequence[float], tol: float) -> str:
    held = held_to(fractions, l1_gaps, tol)
    return (
        f"Near means within {facts.NEAR.describe()} = {_g(tol)} of the true line, on average over x. "
        + _held_text("L1", held, fractions, l1_gaps, tol)
        + "."
    )


def breakdown_seen(
    fractions: Sequence[float], gaps: Mapping[str, Sequence[float]], tol: float, outliers_x_range: tuple[float, float]
) -> str:
    """What the sweep shows: how far L2 and L1 are at the first non-zero fraction, and where L1 breaks here."""
    order = np.argsort(fractions)
    fr = [float(fractions[i]) for i in order]
    l1 = [float(gaps["l1"][i]) for i in order]
    l2 = [float(gaps["l2"][i]) for i in order]
    first = 1 if len(fr) > 1 else 0
    l2_word = "already" if l2[first] > tol else "only"
    text = f"At {fr[first]:.0%} outliers L2's line is {l2_word} {_g(l2[first])} away from the truth on average, L1's "
    text += f"{_g(l1[first])}. " + _held_text("L1", held_to(fr, l1, tol), fr, l1, tol) + ": "
    held = held_to(fr, l1, tol)
    if held is None:
        return text + "the noise alone carries it that far, so this sweep cannot show a breakdown point."
    if held >= 0.45:
        return text + (
            "its breakdown point here is close to one half, the most any estimator can have (past half, the bad "
            "points are the data)."
        )
    lo, hi = outliers_x_range
    return text + (
        "its breakdown point here is below the one half that the median of y alone reaches. In a line, a bad "
        f"point pulls on the slope with weight |x| (x runs from {lo:g} to {hi:g} here), so bad points at large "
        "|x| can tip L1's line before they are half the data."
    )


def median_reach(fixed: np.ndarray) -> tuple[float, float]:
    """The interval the median of `fixed` plus one more target covers as that target runs over all reals."""
    fixed = np.sort(np.asarray(fixed, dtype=float))
    return float(np.median(np.append(fixed, -np.inf if fixed.size % 2 == 0 else fixed[0] - 1.0))), float(
        np.median(np.append(fixed, np.inf if fixed.size % 2 == 0 else fixed[-1] + 1.0))
    )


def number_line_seen(fixed: np.ndarray, dragged: float) -> str:
    """The median and mean of the fixed targets plus the dragged one, and how each responds to the drag."""
    fixed = np.sort(np.asarray(fixed, dtype=float))
    n = fixed.size + 1
    targets = np.append(fixed, dragged)
    med, mean = float(np.median(targets)), float(np.mean(targets))
    lo, hi = median_reach(fixed)
    reach = f"the median stays between {lo:.3g} and {hi:.3g} wherever the dragged point goes"
    return (
        f"With no x at all (a model that predicts one number c), L1's best c is the **median** of the targets, "
        f"here {med:.3g}, and L2's is the **mean**, here {mean:.3g}. Drag the point: the mean moves by 1/{n} of "
        f"every move, while {reach}. Past the middle, moving the outlier changes Σ|c − tᵢ| by the same amount for "
        "every c near the median, so its minimiser does not move; Σ(c − tᵢ)² follows it."
    )


def influence_seen(pulls: Mapping[str, np.ndarray], x: np.ndarray, delta: float) -> str:
    """The largest pull of each loss at the true line, against the bounds |x| and delta·|x|."""
    top = {k: float(np.max(np.abs(v))) if np.size(v) else 0.0 for k, v in pulls.items()}
    x_max = float(np.max(np.abs(x))) if np.size(x) else 0.0
    text = (
        f"The strongest pull at the true line: L1 {_g(top['l1'])}, Huber {_g(top['huber'])}, L2 {_g(top['l2'])}. "
        f"L1's pulls are ±xᵢ, never more than the largest |x| = {_g(x_max)}; Huber's at most delta·|x| = "
        f"{_g(delta * x_max)}; L2's 2·rᵢ·xᵢ grow with the residual"
    )
    if top["l2"] > top["l1"]:
        ratio = top["l2"] / top["l1"] if top["l1"] > 0 else float("inf")
        return text + (f", here up to {ratio:.3g} times L1's strongest." if np.isfinite(ratio) else ".")
    return text + ": here no residual is large enough for L2's pull to pass L1's."
