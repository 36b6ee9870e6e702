"""Sentences of the noise and learning-rate page, each built from the runs it describes (pure: numbers in, text out).

The page runs absolute L1 and L2 (and Huber) on the article's y = 2·w + noise with mini-batches. The article
claims that with a constant step absolute L1 keeps oscillating while L2 settles; that holds at some settings
and not at others, so every sentence here decides from the numbers which case is on screen. Thresholds that
turn numbers into words are named constants below, and each sentence states the numbers it rests on.

Over 400 lines: every sentence the page prints, each a short pure function with a branch per case the runs can show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

import core
from ui import words
from ui.words import capital, count, listing, percent, times

DRIFT_SHARE = 0.5  # a window whose net move is more than half its range is travel, not oscillation
SETTLE_RATIO = 0.5  # "L2 settles while L1 swings": L2's swing at most half of L1's
TIE = 0.25  # "about the same": the larger of two errors at most 25% above the smaller (1.25 times), as "times
# closer" prints them; a 9% difference is not a verdict a student would accept
LEVEL = 0.1  # an error curve over learning rates (the sweep, a heatmap row) rises or falls only by more than 10%;
# within it, points are level ("flat"), and a point within 10% of its loss's noise floor sits at that floor. A 2-5%
# step (a run still settling, a float's last digits) is not a trend a student can see or should be told about.
L1_NAME, L2_NAME = core.LOSSES["l1"].short_name, core.LOSSES["l2"].short_name
SAME = f"about the same (within {TIE:.0%})"
# the right answer when the run further from w = 1 is still travelling (`behind`): the run cannot say which ends closer
TOO_EARLY = "too early to tell"
NO_DRAWS = "No question here at sigma 0: without noise every draw is the same data, so all the runs are the one above."
# The article's claim the page tests, in plain words (its own: "the L2 gradient will be reduced if it is close to
# the global minimum. However, for the abs L1 the magnitude of the gradient keeps the same"): one fact, read by the
# verdict's lead-in and the claim table's heading.
CLAIM = "with a constant step, absolute L1 keeps swinging around its optimum while L2 settles"
CLAIM_STATED = (
    f"The article's claim: {CLAIM}, because near the optimum L2's gradient shrinks while absolute L1's keeps its size."
)


@dataclass(frozen=True)
class Tail:
    """The last `share` of a run's updates (at least one), counted from its end."""

    share: float

    def updates(self, n_updates: int) -> int:
        """How many updates: floor(share · n_updates), at least one (exact for a share like 0.3)."""
        f = Fraction(self.share).limit_denominator(1000)
        return max(1, n_updates * f.numerator // f.denominator)

    def start(self, n_updates: int) -> int:
        """The first update of the tail of a run of n_updates updates."""
        return n_updates - self.updates(n_updates)

    def describe(self) -> str:
        """As a sentence prints it: "last 30%"."""
        return f"last {self.share:.0%}"


# "The end of the run", one window for every measure the page takes of it: how close a run ends (its mean |w − 1|
# over these updates, never one final w), its swing and steps, whether it has arrived, the article's claim, the zoom.
# One window: a student reads one "last 10%" on the question, the zoom, the verdict and the table.
TAIL = Tail(0.1)


def num(v: float) -> str:
    """A number as the page prints it: 3 significant digits, never e-notation (ui.words.plain), rounding-level
    values (ROUNDING) as "0 (to rounding)", past a thousand trillion as a power of ten (1.8 × 10³⁰⁸)."""
    return _num(v, 3)


def _num(v: float, digits: int) -> str:
    """`num` with `digits` significant digits."""
    if abs(float(v)) >= 1e15:
        return words.power_of_ten(v, 2)
    return _trim(words.plain(v, digits, rounding=ROUNDING))


def _trim(text: str) -> str:
    """No trailing zeros after a decimal point: 0.01, not 0.0100 (the digits shown are still significant)."""
    return text.rstrip("0").rstrip(".") if "." in text and text[-1].isdigit() else text


ERROR_FLOOR = 1e-6  # the charts' floor for an error |w − 1| (log axes): drawn there, and sentences say 'under' it
ROUNDING = 1e-12  # a distance this small is floating point's rounding of w (about 1), not a result


FLOOR_TEXT = "under " + _trim(words.plain(ERROR_FLOOR))  # "under 0.000001"


def plain(v: float) -> str:
    """A number for a takeaway: 3 significant digits, never e-notation, a true minus sign (ui.words.plain); a
    distance at rounding level is "0 (to rounding)", one under the charts' floor "under 0.000001"."""
    v = float(v)
    if not np.isfinite(v):
        return "infinite"
    if ROUNDING < abs(v) < ERROR_FLOOR:
        return FLOOR_TEXT
    return num(v)


def lr_text(lr: float) -> str:
    """A learning rate as sentences print it: up to 3 significant digits, never e-notation (0.00001, 0.125)."""
    return _trim(words.plain(lr, 3))


def error_tail(n_updates: int) -> int:
    """How many of a run's last updates its error averages over (the TAIL)."""
    return TAIL.updates(n_updates)


def mean_error(w: np.ndarray, w_true: float = 1.0) -> float:
    """The page's one measure of how close a run ends: mean |w - w_true| over its TAIL
    (w indexed by update; inf once any of them left the finite numbers)."""
    part = np.abs(np.asarray(w, dtype=float)[-error_tail(len(w) - 1) :] - w_true)
    return float(np.mean(part)) if np.all(np.isfinite(part)) else float("inf")


def arrived(w: np.ndarray) -> np.ndarray:
    """Per run (a row of `w`, the measured window of its updates): had it arrived where it stays before the window
    began? Yes when its net move over the window is at most DRIFT_SHARE of its range there (a back-and-forth, not
    travel), or when its whole range there is under the charts' ERROR_FLOOR. A run passing w = 1 on its way to its
    optimum has not arrived, however small its error; a diverged run (nan) has not."""
    w = np.atleast_2d(np.asarray(w, dtype=float))
    with np.errstate(invalid="ignore"):
        swing = np.ptp(w, axis=1)
        net = np.abs(w[:, -1] - w[:, 0])
        return np.isfinite(swing) & ((net <= DRIFT_SHARE * swing) | (swing <= ERROR_FLOOR))


def last_updates(n_updates: int) -> str:
    """Which updates the error averages over, in words: "Over the last 200 updates (1,801 to 2,000)"."""
    k = error_tail(n_updates)
    if k == 1:
        return f"At the last update ({n_updates:,})"
    return f"Over the last {k:,} updates ({n_updates - k + 1:,} to {n_updates:,})"


def error_text(v: float) -> str:
    """An error |w − 1| as a sentence prints it: 3 significant digits, or "under 0.000001" at the chart's floor."""
    return FLOOR_TEXT if v <= ERROR_FLOOR else num(v)


def tail_start(n_updates: int) -> int:
    """First update of the TAIL of a run of n_updates updates (the zoom's window)."""
    return TAIL.start(n_updates)


@dataclass(frozen=True)
class Window:
    """What w did over the updates start..end of one run."""

    start: int
    swing: float  # max - min of w over the window
    net: float  # w at the end minus w at the start of the window
    step_min: float  # the smallest |w_k - w_(k-1)| inside the window
    step_max: float  # the largest one
    size: float = 0.0  # max |w| over the window: the scale of its rounding
    updates: int = 0  # how many updates the window holds (its states less the one it starts from)
    lands: bool = False  # it comes within rounding of a w where every residual is 0 (`window`'s root): exactly
    # there sign(0) = 0, the step is 0, and in exact arithmetic the run stops; any move after is rounding's

    @property
    def still(self) -> bool:
        """Not moving: the range is at most 16 roundings of w (a float sum's noise, on any CPU)."""
        return self.swing <= 16 * np.finfo(float).eps * self.size

    @property
    def one_move(self) -> bool:
        """The window holds one update: one move, which shows no back-and-forth (a swing needs two)."""
        return self.updates <= 1

    @property
    def drifting(self) -> bool:
        """Still travelling: most of the window's range is one net move (not a back-and-forth)."""
        return not self.still and abs(self.net) > DRIFT_SHARE * self.swing


MAX_DIGITS = 6  # a range's ends printed with at most this many significant digits (`span_ends`)


def span_ends(lo: float, hi: float, around: float | None = None) -> tuple[str, str]:
    """The ends of a range [lo, hi] as a sentence prints them: with the fewest significant digits (3 to MAX_DIGITS)
    at which rounding does not make the range say something false: ends that differ (beyond ROUNDING) print apart,
    and when the range reaches both sides of `around` (w = 1), neither end prints as `around` (0.9897 to 1.002,
    not "0.99 to 1"). Where MAX_DIGITS cannot tell them apart, the ends at MAX_DIGITS (callers say it in words:
    `crosses`)."""
    lo, hi = float(lo), float(hi)
    for digits in range(3, MAX_DIGITS + 1):
        a, b = (_num(v, digits) for v in (lo, hi))
        ref = _num(around, digits) if around is not None else None
        apart = a != b or abs(hi - lo) <= ROUNDING
        clear = not crosses(lo, hi, around) or ref not in (a, b)
        if apart and clear:
            return a, b
    return a, b


def apart(v: float, ref: float = 1.0) -> str:
    """v as `num` prints it, with more digits (up to MAX_DIGITS) where 3 would print it as `ref` though it lies
    beyond rounding from it: an optimum 1.004 is "1.004", not "1" beside "0.00414 from 1"."""
    for digits in range(3, MAX_DIGITS + 1):
        text = _num(v, digits)
        if abs(v - ref) <= ROUNDING or text != _num(ref, digits):
            return text
    return text


def crosses(lo: float, hi: float, around: float | None) -> bool:
    """Does [lo, hi] reach beyond rounding on both sides of `around`?"""
    return around is not None and lo < around - ROUNDING and hi > around + ROUNDING


def tail_range(name: str, w: np.ndarray, start: int, around: float = 1.0) -> str:
    """Where a run's w stays from update `start` on, for the zoom's description: its lowest and highest value
    (`span_ends`: 3 significant digits, more where fewer would hide that it reaches both sides of `around`, the
    true w), one value if it does not move at that precision, or that it left the finite numbers."""
    part = np.asarray(w, dtype=float)[start:]
    if not np.all(np.isfinite(part)):
        return f"{name} has diverged"
    lo, hi = span_ends(part.min(), part.max(), around)
    if lo == hi:
        return f"{name} stays at {lo}"
    hidden = around is not None and _num(around, 3) in (num(part.min()), num(part.max()))  # at 3 digits, an end is 1
    both = f", on both sides of {around:g}" if crosses(part.min(), part.max(), around) and hidden else ""
    return f"{name} stays between {lo} and {hi}{both}"


def last_loss(name: str, loss: np.ndarray) -> str:
    """A run's loss at its last update, for the loss chart's description (3 significant digits, `num`), or that it
    diverged (the loss is nan from a run's first diverged state on)."""
    end = float(np.asarray(loss, dtype=float)[-1])
    return f"{name} ends at {num(end)}" if np.isfinite(end) else f"{name} has diverged"


def window(w: np.ndarray, start: int, root: float | None = None) -> Window:
    """The window of w from update `start` to the end (w indexed by update, 0 is the start of the run); `root`: the
    w where every sample's residual is 0 (noise-free data), or None. The window `lands` when it comes within the
    run's rounding (`rounding_of`, over the whole run) of it."""
    full = np.asarray(w, dtype=float)
    part = full[start:]
    lands = (
        root is not None and bool(np.all(np.isfinite(full))) and bool(np.any(np.abs(part - root) <= rounding_of(full)))
    )
    steps = np.abs(np.diff(part)) if part.size > 1 else np.zeros(1)
    return Window(
        start,
        float(np.ptp(part)),
        float(part[-1] - part[0]),
        float(steps.min()),
        step_max=float(steps.max()),
        size=float(np.max(np.abs(part))),
        updates=part.size - 1,
        lands=lands,
    )


def closer_answer(err_l1: float, err_l2: float) -> str:
    """Which loss ends closer to w_true, or a tie when the larger error is at most (1 + TIE) times the smaller.

    An infinite error (a diverged run) loses to any finite one.
    """
    if np.isfinite(err_l1) != np.isfinite(err_l2):
        return L1_NAME if np.isfinite(err_l1) else L2_NAME
    if max(err_l1, err_l2) <= ROUNDING or max(err_l1, err_l2) <= (1 + TIE) * min(err_l1, err_l2):
        return SAME  # both 0 to rounding, or within TIE of each other
    return L1_NAME if err_l1 < err_l2 else L2_NAME


def closer_verdict(err_l1: float, err_l2: float, l1_window: Window | None, l2_window: Window | None) -> str:
    """The first question's right answer: TOO_EARLY while the run further from w = 1 is still travelling (`behind`:
    how far each has got is not how close each ends), else `closer_answer`."""
    going = behind({"l1": err_l1, "l2": err_l2}, {"l1": l1_window, "l2": l2_window})
    return TOO_EARLY if going is not None else closer_answer(err_l1, err_l2)


def behind(errors: Mapping[str, float], windows: Mapping[str, Window | None]) -> str | None:
    """The run (its key in both mappings) that ends further from w = 1 while still travelling over its TAIL: its
    distance is then distance still to go, and which ends closer is not decided yet. None when the further run
    has arrived (swinging or still), or is not finite (a diverged run has lost), or there are not two runs."""
    if len(errors) != 2 or not all(np.isfinite(e) for e in errors.values()):
        return None
    far = max(errors, key=lambda k: errors[k])
    win = windows.get(far)
    return far if win is not None and win.drifting and not _tie(*errors.values()) else None


def closer_explanation(
    err_l1: float,
    err_l2: float,
    where: str,
    l1_window: Window | None = None,
    l2_window: Window | None = None,
    floor: float | None = None,
) -> str:
    """Why the closer answer is what it is, in numbers; `where` says what the errors average over (`last_updates`).
    No ratio against rounding: an error at rounding level is "0 (to rounding)" and the other is simply closer.
    A run still travelling (its window) has not arrived: the comparison is then how far each has got. `floor`:
    the distance from 1 of the optimum of the run that stays finite when the other diverged (`bounded`)."""
    if not (np.isfinite(err_l1) and np.isfinite(err_l2)):
        if not (np.isfinite(err_l1) or np.isfinite(err_l2)):
            return "Both runs diverged (this learning rate is too large for both), so neither ends near w = 1."
        gone, kept, err = ("L2", L1_NAME, err_l1) if np.isfinite(err_l1) else (L1_NAME, "L2", err_l2)
        where = where[:1].lower() + where[1:]
        text = f"{gone} diverged, so {kept} ({plain(err)} from w = 1 on average, {where}) is closer."
        return text if floor is None else f"{text} {capital(bounded(kept, err, floor))}."
    verdict = closer_answer(err_l1, err_l2)
    head = f"{where}, absolute L1 is on average **{plain(err_l1)}** from w = 1 and L2 **{plain(err_l2)}**"
    if verdict == SAME:
        return f"{head}: about the same (within {TIE:.0%})."
    near, far = sorted((err_l1, err_l2))
    text = f"{head}: {verdict} is " + ("closer." if near <= ROUNDING else f"{times(far, near)} times closer.")
    if l1_window is not None and l1_window.lands:  # judged by the run on screen; the exact story is the fold's
        text += " (L1 swings only because the arithmetic lands it a rounding error off 1: Why, in numbers.)"
    windows = {L1_NAME: l1_window, L2_NAME: l2_window}
    far = behind({L1_NAME: err_l1, L2_NAME: err_l2}, windows)
    if far is not None:  # said first: the verdict above it is literal, not the lesson
        text = (
            f"**{capital(TOO_EARLY)}:** {far} is still travelling (it moved {plain(abs(windows[far].net))} over the "
            f"{TAIL.describe()}), so this run cannot say which ends closer. So far: " + text[:1].lower() + text[1:]
        )
    return text


def _no_oscillation(l1: Window, l2: Window, l1_never_left: bool = False) -> str | None:
    """Why the run is not the article's case (absolute L1 started at its answer, travelling, or not moving), or
    None when it is."""
    if l1_never_left:
        return (
            "**Not the article's case here:** absolute L1 started inside its optimum interval and never left it, so "
            f"it cannot test the claim ({TAIL.describe()}: it swings {plain(l1.swing)}, L2 {plain(l2.swing)})."
        )
    if l1.drifting:
        return (
            f"**Not the article's case here:** absolute L1 has not arrived: over the {TAIL.describe()} it moved "
            f"{plain(l1.net)} (its range there {plain(l1.swing)}), travel, not oscillation. L2 swings by "
            f"{plain(l2.swing)}."
        )
    if l1.still:
        return (
            f"**Not the article's case here:** absolute L1 does not move over the {TAIL.describe()} (its batches' "
            f"signs cancel, or its residuals are 0). L2 swings by {plain(l2.swing)}."
        )
    return None


def claim_why(l1: Window | None, l2: Window | None, sigma: float, batch_size: int, n: int) -> str:
    """Why L2 swings as it does, for the fold under the verdict: noise moves each batch's optimum, or L2 travels."""
    if l2 is None or l2.still:
        return ""
    if sigma > 0 and batch_size < n:
        return (
            f"With noise sigma {sigma:g}, each batch of {batch_size} has its own optimum and L2 steps towards it "
            "by an amount that grows with that batch's residuals, which noise keeps large."
        )
    if l2.drifting:
        return "L2 is still travelling towards its optimum."
    return ""


def _l2_does_not_settle(l1: Window, l2: Window) -> str:
    """The claim fails: L2 swings more than SETTLE_RATIO of absolute L1's swing (the claim needs at most that)."""
    share = "more than" if l2.swing > l1.swing else f"more than {_share(SETTLE_RATIO)} of"
    return (
        f"**The article's claim does not hold here:** over the {TAIL.describe()}, L2 swings **{plain(l2.swing)}**, "
        f"{share} absolute L1's **{plain(l1.swing)}**."
    )


def _share(ratio: float) -> str:
    """A ratio in words: "half" for 0.5, else a percentage."""
    return "half" if ratio == 0.5 else f"{ratio:.0%}"


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
    l1_never_left: bool = False,
) -> tuple[bool | None, str]:
    """Does the article's claim hold on screen: constant-step absolute L1 keeps oscillating while L2 settles?

    `rates` are the learning rates the run took, update by update; `l1_never_left`: absolute L1 started inside its
    interval of optima and never left it (`never_left`). Returns (holds, sentence): True, False, or None when the
    run cannot test it (a loss hidden, a window of one update, or rates that change, where the claim's constant
    step is not what runs).
    """
    if l1 is None or (l2 is None and l2_diverged_at is None):
        return None, "Show both the absolute-L1 and the L2 run to test the article's claim."
    if l2_diverged_at is not None or l2 is None:
        return False, (
            f"**The article's claim does not hold here:** L2 diverged at update {l2_diverged_at} "
            "(this learning rate is past its stability limit), while absolute L1's steps stay bounded."
        )
    if l1.one_move:
        return None, (
            f"**Too short to test the article's claim:** the {TAIL.describe()} is one update, one move, no swing "
            f"(absolute L1 moved {plain(l1.net)}, L2 {plain(l2.net)}). More epochs give it a window."
        )
    if l1.lands:
        return None, rounding_swing(l1, l2)
    numbers = f"over the {TAIL.describe()} absolute L1 swings by **{plain(l1.swing)}** and L2 by **{plain(l2.swing)}**"
    if not constant_rate(rates):
        return None, (
            "The article's claim is about a constant step; this schedule shrinks the step, and " + numbers + "."
        )
    if (not_the_case := _no_oscillation(l1, l2, l1_never_left)) is not None:
        return False, not_the_case
    if l2.swing <= SETTLE_RATIO * l1.swing:
        ratio = "L2 does not move (to rounding)" if l2.still else f"L2's swing is {plain(l1.swing / l2.swing)}×"
        ratio += "" if l2.still else " smaller"
        return True, f"**The article's claim holds here:** {numbers}: {ratio}."
    return False, _l2_does_not_settle(l1, l2)


def rounding_swing(l1: Window, l2: Window) -> str:
    """The claim's verdict when absolute L1 lands on a w where every residual is 0 (`Window.lands`): the run on
    screen swings (it is judged as drawn), but only because the arithmetic lands it a rounding error off that w;
    exactly there its step is 0 and it would stop (the fold's story, `rounding_steps`), so no clean yes."""
    l2_moves = "L2 does not move (to rounding)" if l2.still else f"L2 by {plain(l2.swing)}"
    return (
        f"**On this run the article's claim holds only through rounding:** over the {TAIL.describe()} absolute L1 "
        f"swings by {plain(l1.swing)} and {l2_moves}; in exact arithmetic L1 would land on w = 1 and stop."
    )


def rounding_steps(grid: float | None, w0: float | None) -> str:
    """The fold's numbers for a run that lands on w = 1 (`Window.lands`): why the float run moves on, and a start
    `w0` off its step grid (lesson.off_grid_start, one the w0 slider offers) that swings for real."""
    text = (
        " Exactly on w = 1 every residual is 0, sign(0) = 0 and the step is 0; the arithmetic lands w a rounding "
        "error off 1 (too little to print), every residual keeps its sign, and the step stays the full one. The page "
        "judges the run as it is drawn."
    )
    if grid and w0 is not None:
        text += f" A start off its step grid of {num(grid)}, such as w0 = {w0:g}, swings for real."
    return text


def _swing(name: str, win: Window, with_swing: bool) -> str:
    if not with_swing:
        return ""
    if win.one_move:
        return f"{name} moves **{num(win.net)}** in the {TAIL.describe()}, its last update: "
    return f"{name} swings by **{num(win.swing)}** over the {TAIL.describe()}: "


def _measured(win: Window) -> str:
    """What its steps over the TAIL measure: one step, one size, or a range."""
    if win.one_move:
        return f"its one step in the {TAIL.describe()} measures {num(win.step_max)}"
    if num(win.step_min) == num(win.step_max):
        return f"over the {TAIL.describe()} every one of its steps measures {num(win.step_max)}"
    return f"over the {TAIL.describe()} its steps measure {num(win.step_min)} to {num(win.step_max)}"


def l1_steps(l1: Window, full_step: float, with_swing: bool = False) -> str:
    """Absolute L1's step is lr·|Σ sign(rᵢ)·xᵢ|: from 0 (signs cancel) to lr·Σ|xᵢ| (signs agree)."""
    seen = _measured(l1)
    return capital(
        _swing(L1_NAME, l1, with_swing)
        + f"each absolute-L1 step is lr·|Σ sign(rᵢ)·xᵢ|, at most lr·Σ|xᵢ| = {num(full_step)} when a batch's "
        f"residuals share a sign and less when they cancel; {seen}."
    )


def l2_steps(l2: Window, first_step: float, with_swing: bool = False) -> str:
    """L2's step is 2·lr·|Σ rᵢ·xᵢ|: it follows the batch's residuals."""
    if l2.still:
        return capital(_swing(L2_NAME, l2, with_swing) + "L2 does not move: its gradient 2·Σrᵢxᵢ is 0 to rounding.")
    compare = (
        f", against {num(first_step)} at its first update"
        if l2.step_max < first_step
        else f", no smaller than at its first update ({num(first_step)})"
    )
    return capital(
        _swing(L2_NAME, l2, with_swing)
        + f"each L2 step is 2·lr·|Σ rᵢ·xᵢ|, as large as the batch's residuals; {_measured(l2)}{compare}."
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
    head = "Absolute L1's guaranteed band here is {} to {}: too wide to shade over this zoom.".format(
        *span_ends(lo, hi)
    )
    if sigma > 0 and batch_size < n:
        spread = "every yᵢ/xᵢ (the batches change each epoch)" if shuffle else "every batch's own optimum"
        return head + f" With noise and batches of {batch_size} the band must cover {spread}; try batch size {n}."
    return head + " It is the optimum widened by lr·Σ|xᵢ| either side; a smaller lr narrows it."


def optimum_sentence(l1_interval: tuple[float, float], l2_opt: float, l1_place: Place | None = None) -> str:
    """Where each loss's own optimum lies, against w = 1, for the data on screen. Absolute L1's optimum is an
    interval: the median is closer only when all of it is, and where the run sits against it (`l1_place`, over
    the TAIL) decides the rest."""
    lo, hi = l1_interval
    near, far = core.distance_to_interval(1.0, lo, hi), max(abs(lo - 1.0), abs(hi - 1.0))
    d2 = abs(l2_opt - 1.0)
    ends = span_ends(lo, hi, 1.0)
    where = f"{ends[0]} to {ends[1]}" if ends[0] != ends[1] else ends[0]
    span = plain(near) if plain(near) == plain(far) else f"{plain(near)} to {plain(far)}"
    head = (
        f"On this data absolute L1's optimum (the median of yᵢ/2) is {where}, {span} from 1, and L2's "
        f"(the mean) is {apart(l2_opt)}, {plain(d2)} from 1"
    )
    if closer_answer(near, d2) == SAME and closer_answer(far, d2) == SAME:
        return head + ": about equally far, so which run ends closer is decided by the descent."
    if closer_answer(far, d2) == L1_NAME:
        return head + ": the median is closer before any descent, wherever in its interval L1 stops."
    if closer_answer(near, d2) == L2_NAME:
        return head + ": the mean is closer before any descent."
    text = head + ": which is closer depends on where in its interval absolute L1 stops"
    return text + "." if l1_place is None else text + ". " + place_sentence(l1_place, lo, hi)


@dataclass(frozen=True)
class Place:
    """Where a constant- or changing-step absolute-L1 run spends its TAIL, against its interval of optima."""

    mean: float  # its average w over the TAIL's updates
    inside: int  # how many of those updates it spends inside the interval (to the run's rounding)
    updates: int  # the TAIL's updates
    visits: tuple[float, ...]  # the values it takes there, when they are few (MAX_VISITS), else ()
    low: float  # its lowest w there
    high: float  # its highest
    never_left: bool  # it started inside the interval and never left it
    w0: float
    grid: float | None  # its steps' unit (lesson.l1_grid: a constant rate and every |xᵢ| equal), or None
    grid_inside: bool  # some point w0 + grid·k lies in the interval (False without a grid)
    grid_has_one: bool  # 1 is such a point
    visits_inside: tuple[float, ...] = ()  # the values it takes inside the interval, when they are few, else ()
    inside_low: float = 0.0  # its lowest w inside the interval (when it is inside at all)
    inside_high: float = 0.0  # its highest


MAX_VISITS = 5  # a run's tail values listed one by one up to this many ("0.96, 1 and 1.04"), else a range


def rounding_of(w: np.ndarray) -> float:
    """How far a run's w can be off from exact arithmetic: one rounding of its largest |w| per update (a bound)."""
    w = np.asarray(w, dtype=float)
    return float(w.size * np.finfo(float).eps * max(1.0, float(np.max(np.abs(w)))))


def never_left(w: np.ndarray, interval: tuple[float, float]) -> bool:
    """Did the run `w` (indexed by update) start inside `interval` and stay there at every update (to its rounding)?"""
    w = np.asarray(w, dtype=float)
    tol = rounding_of(w)
    return bool(np.all(np.isfinite(w)) and np.all((w >= interval[0] - tol) & (w <= interval[1] + tol)))


def l1_place(w: np.ndarray, interval: tuple[float, float], grid: float | None) -> Place:
    """Where the run `w` (indexed by update, finite) spends its TAIL against `interval`; `grid`: its steps' unit
    (every step a whole multiple of it), or None."""
    w = np.asarray(w, dtype=float)
    lo, hi = interval
    tol = rounding_of(w)
    part = w[-error_tail(w.size - 1) :]
    inside = (part >= lo - tol) & (part <= hi + tol)
    groups, within = _groups(part, tol), _groups(part[inside], tol)
    w0 = float(w[0])
    grid_inside = has_one = False
    if grid is not None and grid > 0:
        first = np.ceil((lo - tol - w0) / grid)  # the first grid point at or above the interval's low end
        grid_inside = bool(w0 + first * grid <= hi + tol)
        has_one = on_grid(1.0, w0, grid)
    return Place(
        mean=float(np.mean(part)),
        inside=int(inside.sum()),
        updates=int(part.size),
        visits=tuple(float(v) for v in groups) if groups.size <= MAX_VISITS else (),
        low=float(part.min()),
        high=float(part.max()),
        never_left=never_left(w, interval),
        w0=w0,
        grid=grid,
        grid_inside=grid_inside,
        grid_has_one=has_one,
        visits_inside=tuple(float(v) for v in within) if 0 < within.size <= MAX_VISITS else (),
        inside_low=float(part[inside].min()) if inside.any() else 0.0,
        inside_high=float(part[inside].max()) if inside.any() else 0.0,
    )


def _groups(values: np.ndarray, tol: float) -> np.ndarray:
    """The distinct values, those one rounding (`tol`) apart counted as one."""
    distinct = np.unique(values)
    return distinct[np.r_[True, np.diff(distinct) > 2 * tol]] if distinct.size else distinct


def on_grid(v: float, w0: float, grid: float) -> bool:
    """Is v a point w0 + grid·k (k whole, to a millionth of a step)?"""
    units = (w0 - v) / grid
    return abs(units - round(units)) < 1e-6


def _visits(p: Place) -> str:
    return listing(num(v) for v in p.visits) if p.visits else "values from {} to {}".format(*span_ends(p.low, p.high))


def _visits_inside(p: Place) -> str:
    """The values it takes inside the interval: listed when few, else their range (one value: "at 0.664")."""
    if p.visits_inside:
        return ("at " if len(p.visits_inside) == 1 else "") + listing(num(v) for v in p.visits_inside)
    low, high = span_ends(p.inside_low, p.inside_high)
    return f"at {low}" if low == high else f"values from {low} to {high}"


def _against(v: float, lo: float, hi: float) -> str:
    """Where v lies against [lo, hi]: "inside it", "0.0033 above it", "0.01 below it"."""
    if lo <= v <= hi:
        return "inside it"
    return f"outside it, {plain(v - hi)} above" if v > hi else f"outside it, {plain(lo - v)} below"


def place_sentence(p: Place, lo: float, hi: float) -> str:
    """Where absolute L1 spends the TAIL against its interval of optima [lo, hi], one branch per case: it started
    inside and never left; it stays inside; it never lands inside (on a step grid with no point there, or not);
    it is inside some of the time. Its average is the middle of its jumps, not a place it stays."""
    tail = f"the {TAIL.describe()} of its updates"
    if p.never_left:
        return (
            f"Absolute L1 started inside that interval (w0 = {plain(p.w0)}) and never left it: it never had to "
            f"travel, every point of the interval is optimal, and over {tail} it only moves between "
            + " and ".join(span_ends(p.low, p.high))
            + "."
        )
    if p.inside == p.updates:
        low, high = span_ends(p.low, p.high)
        where = f"at {low}" if low == high else f"between {low} and {high}"
        return f"Over {tail} absolute L1 stays inside that interval, {where}: it arrived where every point is optimal."
    average = f"Its average, {plain(p.mean)}, is {_against(p.mean, lo, hi)}"
    if p.inside:
        return (
            f"Over {tail} absolute L1 is inside that interval at {p.inside:,} of {count(p.updates, 'updates')} "
            f"({_visits_inside(p)}). {average}."
        )
    text = f"Over {tail} absolute L1 never lands in that interval"
    if p.grid is not None and not p.grid_inside:
        reach = f"1 ± {num(p.grid)}·k" if p.grid_has_one else f"{plain(p.w0)} ± {num(p.grid)}·k"
        text += (
            f": every step lr·|Σ sign(rᵢ)·xᵢ| is a whole multiple of {num(p.grid)}, so from w0 = {plain(p.w0)} it "
            "can only reach "
            f"{reach} (here {_visits(p)}), and none of those lies in it"
        )
    else:
        text += f" (it takes {_visits(p)})"
    return text + f". {average}: the middle of its jumps, not a place it stays."


def _span(values: np.ndarray) -> str:
    """Rates as a range: "0.00001 to 0.00251", or one rate."""
    lo, hi = lr_text(values.min()), lr_text(values.max())
    return lo if lo == hi else f"{lo} to {hi}"


def _ranges(values: Sequence[float]) -> str:
    return ", ".join(num(v) for v in values)


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
            f"At the smallest rate, lr = {lr_text(lrs[0])}, no loss arrives in {count(n_updates, 'updates')}: "
            "the errors are " + listed + f", with w0 {num(start_error)} from 1."
        )
    return (
        f"At the smallest rate, lr = {lr_text(lrs[0])}, the errors are "
        + listed
        + f" (w0 is {num(start_error)} from 1)."
    )


def _past_the_lowest(lrs: np.ndarray, err: np.ndarray, stretches: list[tuple[int, int]], lowest: int) -> str:
    """How the error goes on past its lowest level stretch (`level_runs`) as lr grows: its moves beyond LEVEL."""
    after = stretches[lowest:]
    if len(after) == 1:
        return ", the largest rate it ran at." if after[0][1] - after[0][0] == 1 else ", up to the largest it ran at."
    kinds = moves(err, after)
    past = "from there" if after[0][1] - after[0][0] == 1 else f"past lr = {lr_text(lrs[after[0][1] - 1])}"
    end = f"{error_text(err[-1])} at lr = {lr_text(lrs[-1])}"
    if set(kinds) == {"rise"}:
        return f"; {past} it grows, to {end}: every change of more than {LEVEL:.0%} is a rise."
    ups = kinds.count("rise")
    return (
        f"; {past} it rises {count(ups, 'times')} and falls {count(len(kinds) - ups, 'times')} by more "
        f"than {LEVEL:.0%} (it is {end})."
    )


def _lowest(lrs: np.ndarray, err: np.ndarray, stretch: tuple[int, int]) -> str:
    """The lowest level stretch in words: one rate, the chart's floor, or a level (within LEVEL) range of rates."""
    a, b = stretch
    if b - a == 1:
        return f"is smallest at lr = {lr_text(lrs[a])} ({num(err[a])})"
    rates = f"{b - a} rates, lr = {lr_text(lrs[a])} to {lr_text(lrs[b - 1])}"
    if err[a:b].max() <= ERROR_FLOOR:
        return f"is {FLOOR_TEXT} (the chart's floor) at {rates}"
    low, high = num(err[a:b].min()), num(err[a:b].max())
    values = low if low == high else f"{low} to {high}"
    return f"is lowest and level (within {LEVEL:.0%}: {values}) at {rates}"


def _at_the_floor(lrs: np.ndarray, err: np.ndarray, floor: float) -> str:
    """Where the error sits at the noise floor |optimum - 1|: within LEVEL of it (or under the charts' floor)."""
    at_floor = np.abs(err - floor) <= max(LEVEL * floor, ERROR_FLOOR)
    band = f"within {LEVEL:.0%} of its noise floor |optimum − 1| = {num(floor)}"
    band += f" (or {FLOOR_TEXT})" if LEVEL * floor < ERROR_FLOOR else ""
    if not at_floor.any():
        return f" It never comes {band}."
    k, where = int(at_floor.sum()), lrs[at_floor]
    points = f"all {k} of its points" if k == err.size else f"{k} of its {err.size} points"
    rates = f"lr = {lr_text(where[0])}" if k == 1 else f"lr = {lr_text(where[0])} to {lr_text(where[-1])}"
    return f" At {points} ({rates}) it sits {band}."


def _one_loss_sweep(
    lrs: np.ndarray, err: np.ndarray, label: str, floor: float | None, came: np.ndarray | None = None
) -> str:
    """One loss across the sweep, over the runs that arrived (`came`; all if None): which did not, its lowest
    level among the others, how it goes past that (by LEVEL), and its noise floor (nan = diverged)."""
    finite = np.isfinite(err)
    if not finite.any():
        return f"{capital(label)} diverged at every rate."
    came = np.ones(err.shape, dtype=bool) if came is None else np.asarray(came, dtype=bool)
    ok = finite & came
    away = finite & ~came
    head = ""
    if away.any():
        head = (
            f"{capital(label)} had not arrived at {away.sum()} of its {finite.sum()} rates (lr {_span(lrs[away])}): "
            "its error there is where the run passed by, not where it stays. "
        )
    if not ok.any():
        return head.rstrip() if head else f"{capital(label)} arrived at no rate."
    e, r = np.maximum(err[ok], ERROR_FLOOR), lrs[ok]  # as the chart draws them: rounding-level errors tie
    stretches = level_runs(e)
    best = int(np.argmin(e))
    lowest = next(i for i, (a, b) in enumerate(stretches) if a <= best < b)
    label = f"Among the runs that arrived, {label}" if away.any() else capital(label)
    text = head + f"{label}'s error {_lowest(r, e, stretches[lowest])}" + _past_the_lowest(r, e, stretches, lowest)
    return text if floor is None else text + _at_the_floor(r, e, floor)


def sweep_sentences(
    lrs: np.ndarray,
    errors: dict[str, np.ndarray],
    labels: dict[str, str],
    n_updates: int,
    start_error: float,
    *,
    floors: dict[str, float],
    l2_limit: float | None,
    l2_radius: np.ndarray | None,
    arrived_at: dict[str, np.ndarray] | None = None,
) -> list[str]:
    """What the sweep chart shows, per loss, decided from its points (nan = diverged, dropped from the chart).

    `floors`: each loss's error at its own optimum (|optimum - 1|); `l2_radius`: the epoch radius at each lr;
    `arrived_at`: per loss, which runs had arrived (`arrived`); the best rate is read among those.
    """
    lrs = np.asarray(lrs, dtype=float)
    first = _at_the_smallest_rate(lrs, errors, labels, n_updates, start_error)
    out = [] if first is None else [first]
    came = arrived_at or {}
    out += [_one_loss_sweep(lrs, err, labels[k], floors.get(k), came.get(k)) for k, err in errors.items()]
    if "l2" in errors and l2_limit is not None and l2_radius is not None:
        out.append(_l2_sweep_stability(lrs, errors["l2"], n_updates, l2_limit, np.asarray(l2_radius)))
    return out


def _l2_sweep_stability(lrs: np.ndarray, err: np.ndarray, n_updates: int, limit: float, radius: np.ndarray) -> str:
    """L2's stability over the swept rates: the theory (epoch radius) against what the runs did."""
    text = f"Every lr below {lr_text(limit)} is stable for L2 (one epoch shrinks its distance to its cycle)."
    beyond = lrs > limit
    if beyond.any():
        unstable, islands = beyond & (radius >= 1), beyond & (radius < 1)
        text += (
            f" L2 beyond lr = {lr_text(limit)} is unstable at {int(unstable.sum())} of the {int(beyond.sum())} rates"
        )
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
        where = f"from lr = {lr_text(lrs[first])} up" if diverged[first:].all() else f"at lr = {_ranges(lrs[diverged])}"
        text += f" It diverged {where} (dropped from the chart)."
    slow = (radius >= 1) & ~diverged
    if slow.any():
        within = count(n_updates, "updates")
        text += f" At lr = {_ranges(lrs[slow])} it is unstable but had not blown up within {within}."
    return text


def heat_sentences(
    rows: dict[str, list[tuple[float, np.ndarray, np.ndarray, np.ndarray]]],
    labels: dict[str, str],
    l2_limit: float | None,
) -> list[str]:
    """The heatmap's fold: per loss, the noise rows by the shape of their arrived runs' errors (`trend`), the cells
    that had not arrived, an example where a row does not grow, and where runs diverged (grey), if any.

    `rows[loss]` is a list of (sigma, lrs, errors, arrived) with nan errors where the run diverged.
    """
    out = []
    for k, grid in rows.items():
        by_shape: dict[str, list[float]] = {}
        for sigma, lr, e, came in grid:
            shape = _row_shape(lr, e, came)
            by_shape.setdefault(shape or "too few", []).append(sigma)
        said = [
            f"{_ROW_WORDS.get(shape, 'has fewer than two arrived runs')} at sigma {', '.join(f'{v:g}' for v in sigmas)}"
            + (_UNCLEAR if shape == "unclear" else "")
            for shape, sigmas in by_shape.items()
        ]
        text = f"{capital(labels[k])}'s error, over the runs that arrived: " + "; ".join(said) + "."
        waiting = sum(int(np.sum(np.isfinite(e) & ~c)) for _, _, e, c in grid)
        if waiting:
            faded = "1 cell had" if waiting == 1 else f"{waiting:,} cells had"
            its = "its" if waiting == 1 else "their"
            text += f" {faded} not arrived (faded): {its} error is where the run passed by."
        other = next((g for g in grid if _row_shape(g[1], g[2], g[3]) in ("mixed", "falls")), None)
        if other is not None:
            sigma, lr, e, came = other
            keep = np.isfinite(e) & came
            cells = ", ".join(f"{error_text(v)} at lr {lr_text(x)}" for x, v in zip(lr[keep], e[keep], strict=True))
            text += f" At sigma {sigma:g}: {cells}."
        blank = sorted({float(x) for _, lr, e, _ in grid for x in lr[~np.isfinite(e)]})
        if blank:
            text += f" Grey: diverged, from lr {lr_text(blank[0])}"
            text += f" (every lr below {lr_text(l2_limit)} is stable for L2)." if k == "l2" and l2_limit else "."
        out.append(text)
    return out


def draws_sentence(
    means: dict[str, float],
    optimum_means: dict[str, float],
    descent_means: dict[str, float] | None,
    labels: dict[str, str],
    diverged: Mapping[str, int] | None = None,
    n_draws: int = 0,
    going: Sequence[str] = (),
) -> str:
    """The many-draws result (no winner while `going` names a run still travelling, as `draws_takeaway`): mean final
    errors, how far each loss's optimum is on average (`optimum_means`: for L1
    the median, the middle of its interval of optima), what descent adds (`descent_means`: for L1 the distance to
    that interval, any point of which is optimal)."""
    text = f"Mean |w − 1| over the draws (each over its run's {TAIL.describe()} of updates): " + ", ".join(
        f"{labels[k]} **{plain(m)}**" if np.isfinite(m) else f"{labels[k]} diverged {_in_draws(diverged, k, n_draws)}"
        for k, m in means.items()
    )
    text += "."
    if "l1" in means and "l2" in means and all(np.isfinite(m) for m in means.values()):
        verdict = closer_answer(means["l1"], means["l2"])
        text += " " + (
            f"{capital(going[0])} is still on its way: too early to tell which ends closer."
            if going
            else f"They are about the same (within {TIE:.0%})."
            if verdict == SAME
            else f"{capital(verdict)} ends closer."
        )
    if "l1" in optimum_means and "l2" in optimum_means:
        o1, o2 = optimum_means["l1"], optimum_means["l2"]
        better = closer_answer(o1, o2)
        which = {
            SAME: "about equally precise here",
            L2_NAME: "the mean is the more precise, as with Gaussian noise it is on average",
            L1_NAME: "the median is the more precise in these draws",
        }[better]
        text += (
            f" Before any descent, the optima alone are on average {plain(o1)} (L1: the median, the middle of its "
            f"interval of optima) and {plain(o2)} (L2: the mean) from 1: {which}."
        )
    if descent_means and "l1" in optimum_means and "l2" in optimum_means:
        text += (
            " The runs end on average "
            + " and ".join(f"{plain(descent_means[k])} ({labels[k]})" for k in ("l1", "l2") if k in descent_means)
            + " from their own optimum."
        )
    return text


def growth(factor: float) -> str:
    """How much one epoch multiplies a distance, in words a class reads: "more than 1,000" past a thousand."""
    return "more than 1,000" if factor > 1000 else plain(factor)


def diverged_warning(lr: float, batch_size: int, limit: float, radius: float) -> str:
    """Why L2 diverged, with the numbers of this lr (its largest, for a schedule)."""
    return (
        f"L2 diverged: lr = {plain(lr)} is above its stability limit for batches of {batch_size} (every lr below "
        f"{plain(limit)} is stable), so each epoch multiplies its distance to its cycle by {growth(radius)}. "
        "Lower the learning rate."
    )


# --- Takeaways: one plain sentence under each chart (at most about 30 words, numbers from `plain`) ---


def tail_errors_text(errors: dict[str, float], n_updates: int) -> str:
    """The run chart's description, by the statistic its takeaway reads: each run's mean |w − 1| over the
    TAIL (`mean_error`), or that it diverged."""
    parts = [
        f"{name} is on average {plain(e)} from w = 1" if np.isfinite(e) else f"{name} diverged"
        for name, e in errors.items()
    ]
    return f"{last_updates(n_updates)}: " + "; ".join(parts) + "."


def ends_takeaway(
    errors: dict[str, float],
    labels: dict[str, str],
    n_updates: int,
    windows: Mapping[str, Window | None] | None = None,
    *,
    summable: bool = False,
    draws: Draws | None = None,
    l1_width: float = 0.0,
    floors: Mapping[str, float] | None = None,
    more_epochs: bool = True,
) -> str:
    """Under the run's chart (`more_epochs`: the epochs slider can go higher): how close each shown run ends, by
    the page's one measure (`mean_error`); where a run
    has not arrived (`windows`, by loss key: still travelling), that no run has won yet; where this one noise
    draw's order is luck (`luck`: the `draws` at these settings disagree, or where absolute L1 stops in its interval
    of optima, `l1_width` wide, decides it), no winner; where one run diverged, how far the other ends against its
    own optimum's distance from 1 (`floors`, by loss key; `bounded`)."""
    where = last_updates(n_updates)
    if "l1" in errors and "l2" in errors:
        far = behind({k: errors[k] for k in ("l1", "l2")}, windows or {})
        if far is not None:
            return _not_arrived(far, errors, summable, more_epochs=more_epochs)
        w = windows or {}
        e1, e2 = errors["l1"], errors["l2"]
        kept = "l1" if np.isfinite(e1) else "l2"
        if floors and kept in floors and np.isfinite(e1) != np.isfinite(e2):  # one diverged: how far the other ends
            gone = L2_NAME if kept == "l1" else L1_NAME
            return f"{where}, {gone} diverged; {bounded(core.LOSSES[kept].short_name, errors[kept], floors[kept])}."
        if why := luck(e1, e2, draws, l1_width):
            return luck_takeaway(closer_answer(e1, e2), why, draws)
        return closer_explanation(e1, e2, where, w.get("l1"), w.get("l2"))
    k, e = next(iter(errors.items()))
    if not np.isfinite(e):
        return f"{capital(labels[k])} diverged."
    return f"{where}, {labels[k]} is on average **{plain(e)}** from w = 1."


@dataclass(frozen=True)
class Draws:
    """The run's settings over many noise draws (the page's many-draws chart): each draw's mean |w − 1| over its
    TAIL, per loss (inf or nan where that draw diverged), the same draws for both."""

    l1: np.ndarray
    l2: np.ndarray

    def __post_init__(self):
        for k in ("l1", "l2"):  # a diverged draw as inf: it loses to any finite one
            e = np.asarray(getattr(self, k), dtype=float)
            object.__setattr__(self, k, np.where(np.isfinite(e), e, np.inf))

    @property
    def n(self) -> int:
        return int(min(self.l1.size, self.l2.size))

    def mean(self, k: str) -> float:
        return float(np.mean(getattr(self, k)[: self.n]))

    def closer_in(self, k: str) -> int:
        """In how many draws loss `k` ends closer (by any margin)."""
        a, b = (self.l1, self.l2)[:: 1 if k == "l1" else -1]
        return int(np.sum(a[: self.n] < b[: self.n]))

    def diverged(self, k: str) -> int:
        return int(np.sum(~np.isfinite(getattr(self, k)[: self.n])))

    @property
    def verdict(self) -> str:
        """Which ends closer on average over the draws (`closer_answer`)."""
        return closer_answer(self.mean("l1"), self.mean("l2"))


def luck(err_l1: float, err_l2: float, draws: Draws | None, l1_width: float = 0.0) -> tuple[str, ...]:
    """Why one run's order (absolute L1 against L2, both finite, not a tie) is no verdict: "draws", the many noise
    draws at its settings order them otherwise on average (the other loss, or a tie); "interval", absolute L1's
    optimum is an interval `l1_width` wide, and had it stopped elsewhere in it (its distance from 1 moved by up to
    that width) the order would change. () when the order stands."""
    verdict = closer_answer(err_l1, err_l2)
    if verdict == SAME or not (np.isfinite(err_l1) and np.isfinite(err_l2)):
        return ()
    why = []
    if draws is not None and draws.n > 1 and draws.verdict != verdict:
        why.append("draws")
    moved = err_l1 + l1_width if verdict == L1_NAME else max(err_l1 - l1_width, 0.0)
    if l1_width > 0 and closer_answer(moved, err_l2) != verdict:
        why.append("interval")
    return tuple(why)


def luck_takeaway(verdict: str, why: Sequence[str], draws: Draws | None) -> str:
    """The run's takeaway when its order is luck (`luck`): no winner, and why, in words (numbers: `luck_numbers`)."""
    if "draws" in why:
        turn = "evens out" if draws.verdict == SAME else "reverses"
        return (
            f"No winner from one noise draw: here {verdict} ends closer, but that is this draw's luck; over "
            f"{draws.n} draws the order {turn} (the many-draws chart below)."
        )
    return (
        f"No winner from this run: {verdict} ends closer only by where absolute L1 happens to stop in its interval "
        "of optima; elsewhere in it, the order changes."
    )


def luck_numbers(
    err_l1: float, err_l2: float, why: Sequence[str], draws: Draws | None, l1_interval, where: str = ""
) -> str:
    """The numbers behind `luck_takeaway`, for its fold: this run's errors (`where`: the updates they average over,
    `last_updates`), the draws' and L1's interval of optima, as `why` calls for."""
    parts = [f"{where}, absolute L1 is on average {plain(err_l1)} from w = 1 and L2 {plain(err_l2)}."] if where else []
    if "draws" in why:
        parts.append(
            f"Over the {draws.n} noise draws at these settings, absolute L1 ends closer in {draws.closer_in('l1')} "
            f"and L2 in {draws.closer_in('l2')} (on average {plain(draws.mean('l1'))} and "
            f"{plain(draws.mean('l2'))} from w = 1)."
        )
    if "interval" in why:
        lo, hi = span_ends(*l1_interval, 1.0)
        parts.append(
            f"Absolute L1's optimum is the whole interval {lo} to {hi}, every point of it optimal: where in it L1 "
            f"stops moves its distance from 1 by up to {plain(l1_interval[1] - l1_interval[0])}, enough to change "
            f"the order against L2's {plain(err_l2)}."
        )
    return " ".join(parts)


FAR = 10  # a run that stays finite is "far" past this many times its optimum's distance from w = 1


def bounded(name: str, err: float, floor: float) -> str:
    """How close a run ends that stays finite beside one that diverged: being finite is no result by itself, so
    against its own optimum's distance from 1 (`floor`): about as close as that, within FAR times, or far."""
    if err <= max((1 + TIE) * floor, ROUNDING):
        return f"{name} ends about as close as its optimum allows, on average {plain(err)} from w = 1"
    if floor > ROUNDING and err <= FAR * floor:
        return (
            f"{name} stays bounded, on average {plain(err)} from w = 1, {times(err, floor)} times as far as its "
            f"optimum ({plain(floor)})"
        )
    return f"{name} stays bounded but far: on average {plain(err)} from w = 1, against {plain(floor)} for its optimum"


def _not_arrived(far: str, errors: dict[str, float], summable: bool = False, *, more_epochs: bool = True) -> str:
    """The takeaway while the run further from w = 1 (`far`, a loss key) is still on its way: no verdict yet, and
    what would let it arrive (a schedule whose steps add up to a finite distance, `summable`: only a larger lr0)."""
    near = "l2" if far == "l1" else "l1"
    name, other = core.LOSSES[far].short_name, core.LOSSES[near].short_name
    if summable:  # its shrinking steps add up to a finite distance: it stalls short of w = 1
        return (
            f"{capital(name)} stalls short of w = 1 ({plain(errors[far])} from it on average; {other} "
            f"{plain(errors[near])}): no verdict. Its steps add up to a finite distance: only a larger lr0 gets it "
            "there."
        )
    return (
        f"{capital(name)} has not arrived yet ({plain(errors[far])} from w = 1 on average and still moving; {other} "
        f"{plain(errors[near])}): no verdict yet. "
        + (
            "More epochs or a larger lr let it arrive."
            if more_epochs
            else "A larger lr lets it arrive (the epochs are at their most)."
        )
    )


def _tie(a: float, b: float) -> bool:
    """Two errors "about the same": the larger at most (1 + TIE) times the smaller (closer_answer's rule)."""
    return max(a, b) <= (1 + TIE) * min(a, b) or max(a, b) <= ROUNDING


def level_runs(err: np.ndarray, level: float = LEVEL) -> list[tuple[int, int]]:
    """`err` (in order, finite) cut into level stretches, (start, stop) index pairs: consecutive points whose
    largest is at most (1 + LEVEL) times the smallest. A point that would break that starts the next stretch: a
    rise if it is above the stretch, a fall if below (`moves`)."""
    e = np.asarray(err, dtype=float)
    out, start, lo, hi = [], 0, float(e[0]), float(e[0])
    for i in range(1, e.size):
        low, high = min(lo, float(e[i])), max(hi, float(e[i]))
        if high <= (1 + level) * low:
            lo, hi = low, high
        else:
            out.append((start, i))
            start, lo, hi = i, float(e[i]), float(e[i])
    out.append((start, e.size))
    return out


def moves(err: np.ndarray, stretches: list[tuple[int, int]]) -> list[str]:
    """From each level stretch to the next: "rise" or "fall" (`level_runs`)."""
    e = np.asarray(err, dtype=float)
    return ["rise" if e[b] > e[a:b].max() else "fall" for (a, b), _ in zip(stretches, stretches[1:], strict=False)]


@dataclass(frozen=True)
class Trend:
    """How an error goes as lr grows, over the runs that arrived (lrs ascending): its shape and the numbers behind
    it, by LEVEL (`level_runs`). shape: "flat" (one level stretch), "grows" (every move from one stretch to the
    next a rise), "falls" (every one a fall), or "mixed" (a "valley" when its falls all come before its rises)."""

    shape: str
    first: float  # the error at the smallest arrived rate
    last: float  # the error at the largest
    flat_to: float  # the largest rate of the first level stretch (the first rate when it holds one point)
    flat_at: float  # the error that stretch sits near (its median)
    valley: bool = False  # mixed: it only falls, then only rises
    lowest: tuple[float, float] = (0.0, 0.0)  # the first and last rate of its lowest level stretch


def trend(lrs: np.ndarray, err: np.ndarray, level: float = LEVEL) -> Trend:
    """The Trend of `err` over ascending `lrs` (finite errors of arrived runs, at least one), its level stretches
    cut at `level` (LEVEL)."""
    e = np.maximum(np.asarray(err, dtype=float), ERROR_FLOOR)  # as the charts draw them: rounding-level errors tie
    stretches = level_runs(e, level)
    kinds = moves(e, stretches)
    shape = {frozenset(): "flat", frozenset({"rise"}): "grows", frozenset({"fall"}): "falls"}.get(frozenset(kinds))
    falls = kinds.count("fall")
    valley = shape is None and kinds == ["fall"] * falls + ["rise"] * (len(kinds) - falls)
    a, b = stretches[0]
    low = next((p, q) for p, q in stretches if p <= int(np.argmin(e)) < q)
    return Trend(
        shape or "mixed",
        float(e[0]),
        float(e[-1]),
        float(lrs[b - 1]),
        float(np.median(e[a:b])),
        valley=valley,
        lowest=(float(lrs[low[0]]), float(lrs[low[1] - 1])),
    )


def _trend_words(t: Trend, flat_start: bool) -> str:
    """A Trend in a few words: "is flat", "grows with lr", "is flat to 0.01, then grows", "falls, then grows past
    lr 0.0631" (the last rate of its lowest level), "goes up and down"."""
    if t.shape == "flat":
        return "is flat, " + (FLOOR_TEXT if t.flat_at <= ERROR_FLOOR else f"near {plain(t.flat_at)}")
    if t.valley:
        return f"falls, then grows past lr {lr_text(t.lowest[1])}"
    if t.shape == "mixed":
        return "goes up and down"
    return f"is flat to {lr_text(t.flat_to)}, then {t.shape}" if flat_start else f"{t.shape} with lr"


def sweep_takeaway(
    lrs: np.ndarray, errors: dict[str, np.ndarray], arrived_at: dict[str, np.ndarray], labels: dict[str, str]
) -> str:
    """Under the sweep: from which rate each loss's runs have arrived (`arrived`), and how the error of the runs
    that have goes with lr; where L2 diverges. Absolute L1 and L2 first (two losses at most)."""
    lr = np.asarray(lrs, dtype=float)
    keys = [k for k in ("l1", "l2", "huber") if k in errors][:2]
    froms, parts = [], []
    for i, k in enumerate(keys):
        err = np.asarray(errors[k], dtype=float)
        ok = np.isfinite(err)
        came = ok & np.asarray(arrived_at[k], dtype=bool)
        if not ok.any():
            parts.append(f"{labels[k]} diverges at every rate")
            continue
        if not came.any():
            parts.append(f"{labels[k]} arrives at no rate")
            continue
        froms.append(f"{lr_text(lr[came][0])} ({labels[k]})")
        t = trend(lr[came], err[came])
        text = f"{labels[k]}'s{'' if i else ' error'} {_trend_words(t, t.flat_to > lr[came][0])}"
        parts.append(text + (f", and diverges from {lr_text(lr[~ok][0])}" if not ok.all() else ""))
    head = "Runs arrive from lr " + " and ".join(froms) + ": " if froms else ""
    return capital(head + "; ".join(parts) + ".")


ROW_MARGIN = 0.5  # a heatmap row's shape must hold with its level rule LEVEL moved by half either way (5% and 15%)


def _row_shape(lrs: np.ndarray, err: np.ndarray, came: np.ndarray) -> str | None:
    """One heatmap row's Trend shape over its arrived, finite cells (the errors the chart colours); None with fewer
    than two; "unclear" when the shape changes as the LEVEL rule moves by ROW_MARGIN of itself (a 9% dip under a
    10% rule, read as flat there and as a fall at 5%: a label that hangs on the rule, not on the row)."""
    keep = np.isfinite(err) & came
    if keep.sum() < 2:
        return None
    shapes = {trend(lrs[keep], err[keep], LEVEL * f).shape for f in (1 - ROW_MARGIN, 1, 1 + ROW_MARGIN)}
    return shapes.pop() if len(shapes) == 1 else "unclear"


_ROW_WORDS = {
    "grows": "grows with lr",
    "flat": "stays about flat",
    "falls": "falls",
    "mixed": "goes up and down",
    "unclear": "has no clear trend",
}
_UNCLEAR = (  # the fold's reason for a row with no clear trend
    f" (a step there of between {LEVEL * (1 - ROW_MARGIN):.0%} and {LEVEL * (1 + ROW_MARGIN):.0%}: its label "
    f"would hang on where the {LEVEL:.0%} rule for a change falls)"
)
_ROW_SHORT = {"flat": "flat", "falls": "falls", "mixed": "up and down", "unclear": "unclear"}


def heat_takeaway(
    rows: dict[str, list[tuple[float, np.ndarray, np.ndarray, np.ndarray]]], labels: dict[str, str]
) -> str:
    """Under the heatmap: per loss, in how many noise rows the error of the runs that arrived grows with lr (a row
    with fewer than two such runs is not counted), and what the other rows do. `rows[loss]` is a list of
    (sigma, lrs, errors, arrived) with nan errors where the run diverged (drawn grey)."""
    parts, grey, said = [], False, False
    for k, grid in rows.items():
        grey = grey or any(not np.all(np.isfinite(e)) for _, _, e, _ in grid)
        shapes = [x for x in (_row_shape(lr, e, c) for _, lr, e, c in grid) if x is not None]
        n, up = len(shapes), shapes.count("grows")
        if not n:
            parts.append(f"{labels[k]}'s runs arrive in no row")
            continue
        where = f"all {n} rows" if up == n else ("no row" if up == 0 else f"{up} of {n} rows")
        text = f"{labels[k]}'s " + ("in " if said else "error grows with lr in ") + where
        said = True
        others = [x for x in ("flat", "mixed", "falls", "unclear") if x in shapes]
        text += "".join(f", {_ROW_SHORT[x]} in {shapes.count(x)}" for x in others)
        parts.append(text)
    text = "Unfaded cells: " + "; ".join(parts) + "."
    return text + (" Grey: diverged." if grey else "")


def draws_takeaway(
    means: dict[str, float],
    labels: dict[str, str],
    n_draws: int,
    going: Sequence[str] = (),
    diverged: Mapping[str, int] | None = None,
    floors: Mapping[str, float] | None = None,
) -> str:
    """Under the many-draws chart: which loss ends closer on average, by the page's one measure (a mean that is not
    finite: the loss diverged in at least one draw, in how many `diverged` counts, and the one that stays finite
    is judged against its optimum's mean distance from 1, `floors`, as `bounded` says); no verdict while a run at
    these settings is still on its way (`going`: the name of the run on screen that is further and still
    travelling, as `behind` finds it)."""
    head = f"Over {n_draws} noise draws"
    if going and all(np.isfinite(m) for m in means.values()):
        where = ", ".join(f"{labels[k]} {plain(m)}" for k, m in means.items())
        return f"{head}, {going[0]} has not arrived at these settings (on average {where} from w = 1): no verdict yet."
    gone = [k for k, m in means.items() if not np.isfinite(m)]
    if gone:
        kept = [
            bounded(labels[k], m, floors[k])
            if floors and k in floors
            else f"{labels[k]} ends on average {plain(m)} from w = 1"
            for k, m in means.items()
            if np.isfinite(m)
        ]
        return (
            f"{head}, "
            + " and ".join(f"{labels[k]} diverged {_in_draws(diverged, k, n_draws)}" for k in gone)
            + (f"; {', '.join(kept)}." if kept else ".")
        )
    if "l1" not in means or "l2" not in means:
        return (
            head
            + ", "
            + ", ".join(f"{labels[k]} ends on average {plain(m)} from w = 1" for k, m in means.items())
            + "."
        )
    e1, e2 = means["l1"], means["l2"]
    verdict = closer_answer(e1, e2)
    if verdict == SAME:
        return f"{head}, absolute L1 and L2 end about equally close to w = 1: {plain(e1)} and {plain(e2)} on average."
    near, far = sorted((e1, e2))
    ratio = "" if near <= ROUNDING else f" {times(far, near)} times"
    return (
        f"{head}, {verdict} ends{ratio} closer to w = 1: on average {plain(near)} from it, against "
        f"{plain(far)} for {L2_NAME if verdict == L1_NAME else L1_NAME}."
    )


def _in_draws(diverged: Mapping[str, int] | None, k: str, n_draws: int) -> str:
    """In how many of the draws loss `k` diverged, in words: "in every draw", "in 3 of 48", "in some" (no count)."""
    if diverged is None or k not in diverged:
        return "in some"
    return "in every draw" if diverged[k] >= n_draws else f"in {diverged[k]} of {n_draws}"


def final_misleads(final_errors: np.ndarray, grid: float | None, w0: float) -> str:
    """Why the page never judges by one final w: a constant-step absolute-L1 run takes steps lr·|Σ sign(rᵢ)·xᵢ|,
    whole multiples of `grid` (lesson.l1_grid; None if there is none), so it lives on a grid from w0."""
    at_one = int(np.sum(np.asarray(final_errors) <= ROUNDING))
    text = (
        "Why not the final w? One update can land on w = 1 or jump away from it: the last w is luck, the mean over "
        f"the {TAIL.describe()} of updates is not."
    )
    if not at_one:
        return text
    text += f" Here absolute L1's last w is 1 (to rounding) in {at_one} of {len(final_errors)} draws"
    if grid is not None and grid > 0 and on_grid(1.0, w0, grid):
        text += (
            f": every step lr·|Σ sign(rᵢ)·xᵢ| is a whole multiple of {plain(grid)}, so from w0 = {plain(w0)} it "
            "lives on a grid that contains 1"
        )
    return text + ", yet it keeps swinging around it."


def huber_sentence(huber: Window | None, l1: Window | None, l2: Window | None, delta: float) -> str:
    """What Huber does when it is on the chart: L2 within delta of its batch's residuals, absolute L1 beyond."""
    head = f"Huber (δ = {delta:g}) is L2 for residuals within δ and absolute L1 beyond"
    if huber is None:
        return head + ": here it diverged."
    if huber.one_move:
        return head + f": in the {TAIL.describe()}, its last update, it moves {plain(huber.net)}."
    text = f"{head}: over the {TAIL.describe()} it swings by {plain(huber.swing)}"
    others = {name: w.swing for name, w in ((L1_NAME, l1), (L2_NAME, l2)) if w is not None}
    if not others:
        return text + "."
    gap = {name: abs(np.log(max(huber.swing, ROUNDING) / max(v, ROUNDING))) for name, v in others.items()}
    like = min(gap, key=gap.get)
    return (
        text
        + f", like {like} ({plain(others[like])}): "
        + ("its residuals here are mostly within δ." if like == L2_NAME else "its residuals here are mostly beyond δ.")
    )


def loss_takeaway(losses: dict[str, np.ndarray]) -> str:
    """Under the loss chart: what each loss does over the TAIL, the window every verdict on the page reads: steady
    (its highest within TIE of its lowest there) or jumping between the two. The run's end against its lowest value
    ever said that L1's loss 'ends at about its lowest' while the chart showed it jumping."""
    parts = []
    for name, loss in losses.items():
        v = np.asarray(loss, dtype=float)
        end = float(v[-1])
        if not np.isfinite(end):
            parts.append(f"{name}'s loss diverged")
            continue
        tail = v[TAIL.start(v.size - 1) :]
        lo, hi = float(np.nanmin(tail)), float(np.nanmax(tail))
        if hi - lo <= TIE * max(abs(lo), ROUNDING) or hi <= ROUNDING:
            parts.append(f"{name}'s loss ends steady, at about {plain(end)}")
        else:
            a, b = span_ends(lo, hi)
            parts.append(f"{name}'s loss keeps jumping, between {a} and {b} over the {TAIL.describe()}")
    return capital("; ".join(parts)) + "."


def lr_takeaway(rates: np.ndarray) -> str:
    """Under the learning-rate chart: constant, or from where to where."""
    taken = np.asarray(rates, dtype=float)
    taken = taken[~np.isnan(taken)]
    if constant_rate(taken):
        return f"Every update uses the same learning rate, {plain(taken[0])}: the step never shrinks."
    first, last = float(taken[0]), float(taken[-1])
    way = "falls" if last < first else "changes"
    start, end = span_ends(first, last)  # apart: a rate that barely falls is not "from 0.01 to 0.01"
    return (
        f"The learning rate {way} from {start} to {end} over {count(taken.size, 'updates')} "
        f"({plain(100 * last / first)}% of its start)."
    )


CLAIM_WORDS = {  # the claim table's verdicts (lesson.article_verdict) in a sentence
    "yes": "holds",
    "no": "fails",
    "L1 still travelling": "cannot be tested (L1 still travelling)",
    "not a constant step": "does not apply (no constant step)",
    "L1 lands on 1": "holds only through rounding (in exact arithmetic L1 lands on 1 and stops)",
}


def claim_line(setting: str, ours: str, epochs: int, at_article: str, article_epochs: int, swings: tuple) -> str:
    """One row of the claim table as a line a phone shows whole: the setting, the verdict at our epochs with the
    swings it rests on (absolute L1's, L2's over the TAIL), and the verdict at the article's epochs."""
    l1, l2 = swings
    return (
        f"**{setting}**: the claim {CLAIM_WORDS[ours]} at our {epochs:,} epochs, where over the {TAIL.describe()} "
        f"L1 swings {num(l1)} and L2 {num(l2)}; at the article's {article_epochs}, it {CLAIM_WORDS[at_article]}."
    )


def article_epochs_sentence(verdicts: Sequence[str], epochs: int) -> str:
    """What the claim table's column at the article's own epoch count says, summed up in words."""
    counts = {v: sum(1 for x in verdicts if x == v) for v in dict.fromkeys(verdicts)}
    if set(counts) <= {"L1 still travelling", "not a constant step", "L1 lands on 1"}:
        return (
            f"At the article's {epochs} epochs absolute L1 is still travelling in every setting it can be tested in, "
            "so the claim cannot be tested there."
        )
    parts = [f"{CLAIM_WORDS[v]} in {n} of {len(verdicts)}" for v, n in counts.items()]
    return f"At the article's {epochs} epochs the claim " + ", ".join(parts) + " settings."


def decay_sentence(share: float, swing: float, constant_swing: float, n_updates: int) -> str:
    """What the decay preset shows (lesson.decay_demo): its rate falls to `share` of lr0 over `n_updates` updates,
    and absolute L1's swing over the TAIL with it, against the same run at a constant lr0; or, where it does not
    shrink the swing, that it does not."""
    if swing > SETTLE_RATIO * constant_swing:
        return (
            f"Its preset's run is too short to show it: lr falls only to {percent(share)} of lr0 over "
            f"{count(n_updates, 'updates')}, and absolute L1 swings {plain(swing)} (at a constant lr0: "
            f"{plain(constant_swing)})."
        )
    return (
        f"Its preset shows the swing shrinking, slowly: over {count(n_updates, 'updates')} lr falls to "
        f"{percent(share)} of lr0, and absolute L1's swing over the {TAIL.describe()} to {plain(swing)}, against "
        f"{plain(constant_swing)} at a constant lr0. Its optimum is still the median's, not w = 1."
    )
