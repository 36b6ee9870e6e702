"""Sentences of the signed-L1 page, each built from the runs it describes (pure: numbers in, text out).

The page runs three losses on y = w·x (+ noise): the article's signed "L1" Σ(ŷ − y), whose gradient is Σx
whatever the data say, absolute L1 and L2. Every function here states only what its arguments show, with
one branch per case the page's controls can produce. Each chart gets one plain takeaway of at most MAX_WORDS
words (numbers to DIGITS significant digits, no power of ten), its numbers in a fold; a run that lands on its
target only a rounding error off it says so (`lands_by_rounding`), so no verdict hangs on that error.

Over 400 lines: every sentence the page prints, each a short pure function with a branch per case the runs can show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from core import DIVERGENCE_LIMIT
from ui import words

EPS = np.finfo(float).eps
DIGITS = 3  # significant digits of every number the page's sentences print (as ui.words.plain's takeaways)
LIMIT_TEXT = "10" + str(int(np.log10(DIVERGENCE_LIMIT))).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
# core stops a run whose |w| passes DIVERGENCE_LIMIT: "10¹²" in a fold, "a trillion" in a takeaway or a warning
LIMIT_WORDS = {6: "a million", 9: "a billion", 12: "a trillion"}[int(np.log10(DIVERGENCE_LIMIT))]
REACHES_PRESET = "Absolute L1 reaches the target and steps across it: w₀ = 20.5, 60 epochs"
# from w0 = 20 its steps of 0.04 land on 1 exactly (19 = 475 × 0.04), where every residual is 0 and the step is 0:
# only a rounding error would move it on. From 20.5 they cannot land on it (19.5 = 487.5 steps): w really steps
# across it, 1.02 to 0.98 and back
ARTICLE = {"lr": 0.01, "w0": 20.0, "bs": 2, "epochs": 20, "x": 2.0, "w_true": 1.0, "sigma": 0.0}


def num(v: float) -> str:
    """A number as the page prints it: DIGITS significant digits, a true minus sign (ui.words.num), a whole number
    of 1,000 or more with all its digits (ui.words.plain, as the step-through's table shows it); past the
    divergence limit in words ("over a trillion"), never in e-notation (an L2 loss can reach 10¹⁷ while |w| is
    still under the limit)."""
    if abs(v) >= DIVERGENCE_LIMIT and np.isfinite(v):
        return f"over {LIMIT_WORDS}" if v > 0 else f"below minus {LIMIT_WORDS}"
    if abs(v) >= 1000:  # a whole number keeps its digits, as the step-through's table prints it: 28,880, not 28,900
        return words.plain(v, DIGITS)
    return words.num(v, DIGITS)


def count(n: int, noun: str) -> str:
    """A count with its noun, singular for one, thousands separated: "1 update", "1,275 updates"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def apart(a: float, b: float) -> tuple[str, str]:
    """a and b printed with the fewest digits (DIGITS at least, 12 at most) that tell them apart: a first step of
    0.0004 from 20 reads 20 → 19.9996, not 20 → 20."""
    for digits in range(DIGITS, 13):
        shown = words.num(a, digits), words.num(b, digits)
        if shown[0] != shown[1]:
            break
    return shown


def barely(start: float, end: float) -> str:
    """How little a value moved when DIGITS digits print its start and its end alike (50 and 49.98 both "50"): "stays
    at 50" when it did not move at all, "barely moves from 50 (down 0.02 over the run)" else, the change itself to
    DIGITS digits; '' when the two print apart, and a sentence can say "from 50 to 40"."""
    if num(start) != num(end):
        return ""
    if start == end:
        return f"stays at {num(start)}"
    return f"barely moves from {num(start)} ({'down' if end < start else 'up'} {num(abs(end - start))} over the run)"


def rounding_bound(k: int, size: float) -> float:
    """How far k additions or subtractions of numbers up to `size` can drift from exact arithmetic."""
    return 2 * EPS * k * size


def end_value(w: np.ndarray) -> float:
    """Where a run ends, with a drift that is only rounding read as 0: 24.5 − 700 × 0.035 is 0, not −9e-14."""
    w = np.asarray(w, dtype=float)
    end = float(w[-1])
    if not np.isfinite(end):
        return end
    return 0.0 if abs(end) <= rounding_bound(w.size, float(np.nanmax(np.abs(w)))) else end


def _same(values: np.ndarray) -> bool:
    """Whether all values are one number, up to the rounding of the sums that made them."""
    values = np.asarray(values, dtype=float)
    return bool(np.ptp(values) <= 16 * EPS * np.max(np.abs(values)))


def _distinct(values: np.ndarray) -> list[float]:
    """The distinct values, largest first, merged within rounding."""
    out: list[float] = []
    for v in sorted(np.asarray(values, dtype=float), reverse=True):
        if not out or abs(out[-1] - v) > 16 * EPS * max(abs(v), abs(out[-1])):
            out.append(float(v))
    return out


def near(target: float) -> float:
    """How close counts as "at" a target: half a unit in the last digit the page prints (DIGITS significant digits:
    0.005 of it, at least 0.005), so a w the page prints as the target is on it."""
    return 0.5 * 10.0 ** (1 - DIGITS) * max(1.0, abs(target))


ON_EXACTLY = 1e-8  # how far off its goal absolute L1 may be and count as on it: far above the rounding drift of
# MAX_UPDATES updates (under 1e-9 here), far below its smallest step (lr·x = 0.0001 × 0.5)


@dataclass(frozen=True)
class Goal:
    """Where a loss wants w: an interval [lo, hi] (a point when lo == hi), named for a sentence. A w within
    `near` of the interval counts as on it: the page prints DIGITS digits, and a run that lands 1e-13 off a
    target is, for a reader, on it."""

    lo: float
    hi: float
    name: str
    kink_stops: bool = False  # absolute L1 on data that lie on the line: on the goal every residual is 0, and the
    # page's sign(0) = 0 makes the gradient 0 there
    exact: bool = False  # absolute L1's goal: its steps are whole batch sums, so w gets onto it (or across it) at one
    # update, to rounding (ON_EXACTLY); L2 closes in geometrically and only comes within `near` of its optimum

    @property
    def tol(self) -> float:
        scale = max(abs(self.lo), abs(self.hi))
        return ON_EXACTLY * max(1.0, scale) if self.exact else near(scale)

    @property
    def within(self) -> str:
        """' (within 0.005)' after "stays on it" for a goal reached within a print's rounding; '' for an exact one."""
        return "" if self.exact else f" (within {num(self.tol)})"

    def side(self, w: np.ndarray) -> np.ndarray:
        """-1 below the goal, +1 above it, 0 on it (within tol)."""
        w = np.asarray(w, dtype=float)
        return np.where(w < self.lo - self.tol, -1, np.where(w > self.hi + self.tol, 1, 0))

    @property
    def word(self) -> str:
        """The goal in two words for a takeaway: "the target" (data on the line) or "its optimum"."""
        return "the target" if self.name.startswith("the target") else "its optimum"

    def distance(self, w: np.ndarray) -> np.ndarray:
        """How far w is from the interval (0 inside it)."""
        w = np.asarray(w, dtype=float)
        return np.maximum(0.0, np.maximum(self.lo - w, w - self.hi))


def goals(x: np.ndarray, y: np.ndarray, w_true: float, l1_interval: tuple[float, float], l2_opt: float) -> dict:
    """Where absolute L1 and L2 want w: the target w_true when the data lie on y = w_true·x, else each loss's own
    optimum (L1: the median of yᵢ/xᵢ, an interval for an even count; L2: least squares Σxy/Σx²)."""
    lo, hi = l1_interval
    if np.all(y == w_true * x) and lo == hi == w_true == l2_opt:
        target = f"the target w = {num(w_true)}"
        return {"l1": Goal(w_true, w_true, target, kink_stops=True, exact=True), "l2": Goal(w_true, w_true, target)}
    l1 = (
        f"its optimum w = {num(lo)} (the median of yᵢ/xᵢ)"
        if lo == hi
        else f"its optimum, the interval [{num(lo)}, {num(hi)}] (the median of yᵢ/xᵢ)"
    )
    return {
        "l1": Goal(lo, hi, l1, exact=True),
        "l2": Goal(l2_opt, l2_opt, f"its optimum w = {num(l2_opt)} (least squares)"),
    }


def first_reach(w: np.ndarray, goal: Goal) -> int | None:
    """The first update at which w is on the goal or on its other side from the start; None if it never is."""
    side = goal.side(w)
    moved = np.flatnonzero(side != side[0]) if side[0] != 0 else np.array([0])
    return int(moved[0]) if moved.size else None


def _landing(w: np.ndarray, goal: Goal) -> int | None:
    """The first update, from the one that reaches the goal on, at which w is on its point to rounding (within the
    drift of that many updates); None if none is. For a goal where every residual is 0 (`kink_stops`)."""
    w = np.asarray(w, dtype=float)
    k = first_reach(w, goal)
    if not goal.kink_stops or k is None or k == 0:
        return None
    d = goal.distance(w[k:])
    on = np.flatnonzero(d <= rounding_bound(w.size, float(np.max(np.abs(w)))))
    return k + int(on[0]) if on.size else None


def lands_by_rounding(w: np.ndarray, goal: Goal) -> int | None:
    """The update at which a run lands on a goal where every residual is 0 (`kink_stops`) only a rounding error off
    it: exact arithmetic would put w on the goal, where sign(0) = 0 makes the step 0 and w stops for good; the
    floating-point run lands a hair off it, every residual keeps its sign and w steps on. None when the run does
    not land on such a goal, or lands on it exactly (and stops)."""
    j = _landing(w, goal)
    return j if j is not None and goal.distance(np.asarray(w, dtype=float)[j : j + 1])[0] > 0 else None


def first_past(w: np.ndarray, goal: Goal) -> int | None:
    """The first update at which w is beyond the goal, on its far side from the start (not merely within `tol` of
    it); None if it never is."""
    w = np.asarray(w, dtype=float)
    beyond = w < goal.lo if w[0] > goal.hi else w > goal.hi
    hit = np.flatnonzero(beyond)
    return int(hit[0]) if hit.size else None


def arrives(goal: Goal, w: np.ndarray, k: int) -> str:
    """How w got to its goal at update k (`first_reach`): "reaches the target w = 1 at update 48" where w is on it
    (to rounding) or past it, "comes within 0.005 of the target w = 1 at update 48" where it is only that close."""
    w = np.asarray(w, dtype=float)
    on = goal.distance(w[k : k + 1])[0] <= rounding_bound(w.size, float(np.max(np.abs(w))))
    past = first_past(w, goal) == k
    if on or past:
        return f"reaches {goal.name} at update {k:,}"
    return f"comes within {num(goal.tol)} of {goal.name} at update {k:,}"


# Over 50 lines: one branch per thing a run can do with its goal, each tested against the run it describes.
def approach(name: str, w: np.ndarray, goal: Goal, diverged_at: int | None) -> str:
    """What one run does with its goal: never reaches it, closes in, reaches it and turns around, or passes it."""
    if diverged_at is not None:
        return (
            f"{name} diverges: |w| passes {LIMIT_WORDS} ({LIMIT_TEXT}) at update {diverged_at:,}, where the run stops."
        )
    w = np.asarray(w, dtype=float)
    K, d = w.size - 1, goal.distance(w)
    k = first_reach(w, goal)
    if k is None:
        if d[-1] <= 0.01 * d[0]:
            return (
                f"{name} closes in on {goal.name} without reaching it: {num(d[0])} away at the start, "
                f"{num(d[-1])} after {count(K, 'update')}."
            )
        if d[-1] < d[0]:
            return (
                f"{name} does not reach {goal.name} in {'this update' if K == 1 else f'these {K:,} updates'}: it "
                f"{barely(w[0], end_value(w)) or f'ends at {num(end_value(w))}'}, "
                f"{num(d[-1])} away."
            )
        if moved := barely(d[0], d[-1]):  # its distance prints alike at both ends
            return f"{name} moves away from {goal.name}, if only just: its distance {moved}."
        return f"{name} moves away from {goal.name}: {num(d[0])} away at the start, {num(d[-1])} at the end."
    after = w[k:]
    if k == 0:  # it starts on its goal
        if np.all(goal.side(after) == 0):
            return f"{name} starts on {goal.name} and stays on it{goal.within}."
        return (
            f"{name} starts on {goal.name} and does not stay there: w moves between {num(after.min())} and "
            f"{num(after.max())} and ends {num(d[-1])} from it."
        )
    if (j := lands_by_rounding(w, goal)) is not None and j == k == w.size - 1:  # the last update: no "from then on"
        return f"{name} reaches {goal.name} at update {k:,}, the run's last."
    if (j := lands_by_rounding(w, goal)) is not None:
        return (
            f"{name} reaches {goal.name} at update {k:,}{'' if j == k else f' and lands on it at update {j:,}'}. "
            "Exactly there every residual is 0, sign(0) = 0 makes the "
            f"step 0 and w would stop for good; the arithmetic lands w a rounding error off {num(goal.lo)} instead "
            "(too little to print), every residual keeps its sign, so the step stays the full one: from then on "
            f"w steps between {num(after.min())} and {num(after.max())}."
        )
    if np.all(goal.side(after) == 0):
        head = f"{name} {arrives(goal, w, k)} and stays on it"
        if np.ptp(after) == 0:
            return f"{head}: w is {num(after[0])} from then to the end."
        return f"{head}{goal.within} to the end."
    start_side = int(goal.side(w[:1])[0])
    kp = first_past(w, goal) or k  # passing or overshooting: the update at which w is beyond it
    if not np.any(np.diff(after) * start_side > 0):
        if kp == K:  # on the run's last update: nothing after it to show what w does next
            last = "the run's only update" if K == 1 else "the run's last"
            return (
                f"{name} passes {goal.name} at update {kp:,}, {last}: it ends {num(d[-1])} beyond it. "
                f"{'One update' if K == 1 else 'The run'} cannot show whether w then turns back or settles."
            )
        return f"{name} passes {goal.name} at update {kp:,} and keeps going: it ends {num(d[-1])} beyond it."
    if d[-1] > d[0]:
        late = d[k:]
        if late.size > 1 and late[late.size // 2 :].max() > late[: late.size // 2].max() * (1 + 1e-9):
            return (
                f"{name} overshoots {goal.name} at update {kp:,} and swings wider: {num(d[-1])} away at the end "
                f"against {num(d[0])} at the start."
            )
        sides = goal.side(after)
        crossings = int(np.count_nonzero(sides[1:] * sides[:-1] < 0))
        if crossings >= 2:
            return (
                f"{name} overshoots {goal.name} at update {kp:,} and keeps jumping across it, w between "
                f"{num(after.min())} and {num(after.max())}: the swing does not grow, and it does not land on it "
                f"({num(d[-1])} away at the end, {num(d[0])} at the start)."
            )
        return (
            f"{name} overshoots {goal.name} at update {kp:,} and ends further from it than it started: {num(d[-1])} "
            f"against {num(d[0])}, w between {num(after.min())} and {num(after.max())} from then on."
        )
    ends = (  # a swing that dies down (L2 at batch 20: a factor −0.6 an update) ends on the goal
        f", and it settles: it ends on it{goal.within}" if goal.side(w[-1:])[0] == 0 else ""
    )
    return (
        f"{name} {arrives(goal, w, k)} and turns around: from then on w stays between "
        f"{num(after.min())} and {num(after.max())}{ends}."
    )


def more_epochs(name: str, goal: Goal, longer_w: np.ndarray, updates_per_epoch: int, max_epochs: int) -> str:
    """For a run that has not reached its goal: when a longer run of the same settings does (its first updates
    are the run on screen), and how many epochs that takes. A run that would land on the goal only a rounding
    error off it (`lands_by_rounding`) is promised to get there, not to turn: exactly there it would stop."""
    longer_w = np.asarray(longer_w, dtype=float)
    k = first_reach(longer_w, goal)
    if k is None:
        return f"Even {longer_w.size - 1:,} updates would not bring {name} to {goal.name}."
    start_side = int(goal.side(longer_w[:1])[0])
    back = np.flatnonzero(np.diff(longer_w[k:]) * start_side > 0)
    turns = back.size > 0 and lands_by_rounding(longer_w, goal) is None
    see, last = ("get there and turn", k + int(back[0]) + 1) if turns else ("get there", k)
    epochs, reach_epoch = -(-last // updates_per_epoch), -(-k // updates_per_epoch)
    if epochs <= max_epochs:
        return f"With more epochs it gets there at update {k:,}: set *Epochs* to {epochs:,} or more to see it {see}."
    if reach_epoch <= max_epochs:  # it arrives within the slider's range and turns only past it
        return (
            f"With more epochs it gets there at update {k:,}: set *Epochs* to {reach_epoch:,} or more to see it get "
            f"there (it turns only in epoch {epochs:,}, past the slider's {max_epochs:,})."
        )
    return f"It would get there at update {k:,}, in epoch {reach_epoch:,}: past the slider's {max_epochs:,}."


def is_article(settings: dict) -> bool:
    """Whether the settings are the article's experiment (the toggle aside)."""
    return all(float(settings[k]) == float(v) for k, v in ARTICLE.items())


MAX_WORDS = 30  # a takeaway's length: one plain line a student reads under its chart


def _fit(*versions: str) -> str:
    """The first version (longest first) of at most MAX_WORDS words; the last, shortest, whatever its length."""
    return next((v for v in versions if len(v.split()) <= MAX_WORDS), versions[-1])


SETTLED = 0.01  # a run that got to its goal has settled when, over the last tenth of its updates, it stays this
# share of its starting distance from it (a step of 2 about w = 1 from w0 = 20 is 5%: it swings)


def run_state(w: np.ndarray, goal: Goal, diverged_at: int | None) -> str:
    """'diverges'; 'stays' (starts on the goal and stays on it); 'reaches' (got to the goal and, over the last tenth
    of its updates, stays within SETTLED of its starting distance from it); 'passes' (got past it and, to the run's
    end, never turned back: at one update, or a crossing on the last, a run too short to show a swing); 'swings'
    (got to it, or past it, turned and keeps swinging further than that); 'heads' (not there yet, and closer than
    it started) or 'away'."""
    if diverged_at is not None:
        return "diverges"
    w = np.asarray(w, dtype=float)
    k, d = first_reach(w, goal), goal.distance(w)
    if k is None:
        return "heads" if d[-1] < d[0] else "away"
    if k == 0 and np.all(goal.side(w) == 0):
        return "stays"
    late = d[-max(1, d.size // 10) :]
    if late.max() <= max(SETTLED * d[0], goal.tol):
        return "reaches"
    start_side = int(goal.side(w[:1])[0])
    return "passes" if k > 0 and not np.any(np.diff(w[k:]) * start_side > 0) else "swings"


def steps_across(w: np.ndarray, goal: Goal) -> bool:
    """Whether, over the last tenth of its updates, w still jumps from one side of the goal to the other (twice at
    least): a run of equal steps off the grid that would land on it; not one that lands a rounding error off it
    (`lands_by_rounding`: there the step would be 0)."""
    w = np.asarray(w, dtype=float)
    if lands_by_rounding(w, goal) is not None:
        return False
    sides = goal.side(w[-max(3, w.size // 10) :])
    sides = sides[sides != 0]
    return bool(np.count_nonzero(sides[1:] != sides[:-1]) >= 2)


@dataclass(frozen=True)
class Story:
    """What a run does with its goal (`run_state`), with, for a run still on its way, its steps and when a longer
    run of the same settings gets there."""

    state: str
    across: bool = False  # 'reaches': over the last tenth of its updates w still steps across the goal, to and fro
    step: float = 0.0  # 'heads': its largest step |Δw| (0: not given)
    steady: bool = False  # 'heads': every step the same size, to rounding
    arrives: int | None = None  # 'heads': the update at which the longer run first gets there
    horizon: int = 0  # 'heads': the updates the longer run covers (0: none was run)


def story(w: np.ndarray, goal: Goal, diverged_at: int | None, longer_w: np.ndarray | None = None) -> Story:
    """A run's Story; `longer_w`: the same settings run for more updates (its first ones are `w`), for a run on its
    way: its steps, and when it gets there."""
    state = run_state(w, goal, diverged_at)
    w = np.asarray(w, dtype=float)
    if state == "reaches":
        return Story(state, across=steps_across(w, goal))
    if state != "heads" or longer_w is None:
        return Story(state)
    steps = np.abs(np.diff(w))
    steady = bool(np.ptp(steps) <= 4 * EPS * np.max(np.abs(w))) if steps.size else False
    longer_w = np.asarray(longer_w, dtype=float)
    return Story(
        state, step=float(steps.max()), steady=steady, arrives=first_reach(longer_w, goal), horizon=longer_w.size - 1
    )


def _other(name: str, s: Story, goal: str, signed_step: float | None, *, numbers: int) -> str:
    """One other run's clause of the w chart's takeaway (`goal`: "the target" or "its optimum"); `numbers`, for a
    run on its way: 3 with its step (against signed L1's) and its arrival, 2 with its step's ratio and arrival,
    1 with its step's ratio or size, 0 with nothing more."""
    if s.state == "diverges":
        return f"{name} diverges"
    if s.state == "stays":
        return f"{name} starts on {goal} and stays there"
    if s.state == "reaches":
        return f"{name} reaches {goal}" + (" and steps across it" if s.across else "")
    if s.state == "passes":
        return f"{name} jumps past {goal}, and the run ends before it could turn"  # too short to show a swing
    if s.state == "swings":
        return f"{name} jumps across {goal} without settling"
    if s.state == "away":
        return f"{name} moves away from {goal}"
    if not s.horizon:  # on its way, its steps not given
        return f"{name} closes in on {goal}" + (", not there yet" if numbers else "")
    if not numbers:
        return f"{name} heads for {goal}"
    ratio = signed_step / s.step if (signed_step and s.steady) else 0.0
    if ratio >= 1.5:
        size = f"in steps {words.times(signed_step, s.step)} times smaller" + (
            f" ({num(s.step)})" if numbers == 3 else ""
        )
    else:
        size = f"in steps of {'' if s.steady else 'at most '}{num(s.step)}"
    if numbers < 2:
        arrival = ""
    elif s.arrives is not None:
        arrival = f", due at update {s.arrives:,}"  # past this run's end: when a longer run gets there
    else:
        arrival = f", not arriving within {s.horizon:,} updates"
    return f"{name} heads for {goal} {size}{arrival}"


def takeaway(
    signed_end: float,
    lr: float,
    sums: np.ndarray,
    others: dict[str, tuple[Story, str]],
    start: float | None = None,
) -> str:
    """The one plain line under the w chart (at most MAX_WORDS words): signed L1 falls every update and never
    stops, against what each other run does (name -> (its Story, "the target" or "its optimum")); a run still on
    its way says its step (against signed L1's) and when it would arrive. The numbers behind it go to the fold."""
    steps = _distinct(lr * np.asarray(sums, dtype=float))
    signed_step = steps[0] if len(steps) == 1 else None
    if start is not None and num(signed_end) == num(start):  # a fall too small to print: say how far in all
        end = f"{num(start - signed_end)} in all"
    else:
        end = f"to {num(signed_end)}"
    heads = [f"Signed L1 falls {' or '.join(num(s) for s in steps)} every update", "Signed L1 falls every update"]

    def line(head: str, numbers: int) -> str:
        rest = " ".join(
            f"{words.capital(_other(name, s, goal, signed_step, numbers=numbers))}."
            for name, (s, goal) in others.items()
        )
        return f"{head}, {end}, never stopping. {rest}"

    return _fit(*(line(h, numbers) for numbers in (3, 2, 1, 0) for h in heads))


def gradients_used(full: bool, n: int) -> str:
    """Which gradient each run takes: the toggle changes signed L1's only; the rings on the chart."""
    rings = " Grey rings: signed L1's closed form w₀ − k·lr·Σx, its line through every one."
    if full:
        return (
            f"Signed L1 takes its gradient as the article prints it, over all {n} samples; absolute L1 and L2 take "
            f"each batch's.{rings}"
        )
    return f"All three take each batch's gradient (the toggle in Settings gives signed L1 the article's sum).{rings}"


def reference_lines(w_true: float, goal: dict) -> pd.DataFrame:
    """The w chart's reference lines (y, text): the target alone where every loss wants it (data on the line), else
    the true w and each loss's own optimum (noisy data)."""
    l1, l2 = goal["l1"], goal["l2"]
    if l1.lo == l1.hi == l2.lo == w_true:
        return pd.DataFrame({"y": [w_true], "text": [f"target w = {num(w_true)}"]})
    return pd.DataFrame(
        {
            "y": [w_true, (l1.lo + l1.hi) / 2, l2.lo],
            "text": [
                f"true w = {num(w_true)}",
                f"L1 optimum {num(l1.lo)}" if l1.lo == l1.hi else f"L1 optima {num(l1.lo)} to {num(l1.hi)}",
                f"L2 optimum {num(l2.lo)}",
            ],
        }
    )


def diverged_warning(diverged_at: dict[str, int | None], *, cut: bool) -> str:
    """The warning over runs that diverged (label -> the update where |w| passed the limit, None for a run that did
    not); '' when none did."""
    gone = {lab: k for lab, k in diverged_at.items() if k is not None}
    if not gone:
        return ""
    return (
        f"{words.listing(gone)} diverged (|w| passed {LIMIT_WORDS} at update "
        f"{words.listing(f'{k:,}' for k in gone.values())}, where the run stops): the learning rate is too large for "
        "L2's curvature. Lower it to bring L2 back."
        + (" On the chart its line stops where it leaves the others' range, so they stay readable." if cut else "")
    )


def ending_line(
    final: dict[str, tuple[float, int | None]],
    *,
    start: float | None = None,
    landed: dict[str, tuple[float, int]] | None = None,
) -> str:
    """'**name**: w ends at **v**' per run (label -> (last w, diverged_at)); `start`: the runs' w₀, for a run whose
    end prints as its start ("**name**: w barely moves from **50** (down 0.02 over the run)"); `landed`: label ->
    (goal, update) for a run that lands on a goal where its step would be 0 (`lands_by_rounding`): "w reaches **1**
    at update 475", what the chart shows; the float run's later hops of a step (rounding's doing) are the fold's."""
    parts = []
    for lab, (w_end, diverged_at) in final.items():
        if diverged_at is not None:
            parts.append(f"**{lab}**: w **diverges** at update {diverged_at:,}")
        elif landed and lab in landed:
            parts.append(f"**{lab}**: w reaches **{num(landed[lab][0])}** at update {landed[lab][1]:,}")
        elif start is not None and (moved := barely(start, w_end)):
            parts.append(f"**{lab}**: w " + moved.replace(num(start), f"**{num(start)}**", 1))
        else:
            parts.append(f"**{lab}**: w ends at **{num(w_end)}**")
    return " · ".join(parts)


def signed_steps(lr: float, sums: np.ndarray) -> str:
    """How far signed L1 falls each update: lr × Σx of the samples that update uses."""
    sums = np.asarray(sums, dtype=float)
    if _same(sums):
        return f"lr·Σx = {lr:g} × {num(sums[0])} = {exact_text(exact(lr) * exact(sums[0]))} every update"
    values = _distinct(sums)
    return (
        f"lr × the batch's Σx every update: {' or '.join(num(lr * s) for s in values)} "
        f"(Σx = {' or '.join(num(s) for s in values)}: the last batch of each epoch is smaller)"
    )


def on_closed_form(w: np.ndarray, closed: np.ndarray, lr: float, sums: np.ndarray) -> bool:
    """Whether the run equals w0 − Σ lr·Sⱼ at every update, within the rounding of that many subtractions: each
    of the k operations behind update k (in the run and in the sum) is off by at most eps/2 of |w0| + Σ lr·|Sⱼ|."""
    size = np.abs(w[0]) + np.cumsum(np.concatenate([[0.0], lr * np.abs(sums)]))
    tol = 2 * EPS * np.arange(1, size.size + 1) * size
    return bool(np.all(np.abs(np.asarray(w) - np.asarray(closed)) <= tol))


def w_chart_alt(K: int, signed_end: float, on_closed: bool, *, start: float | None = None) -> str:
    where = "through the grey rings of its closed form" if on_closed else "off the grey rings of its closed form"
    moved = barely(start, signed_end) if start is not None else ""
    return (
        f"Weight w over {count(K, 'update')} for signed L1, absolute L1 and L2. Signed L1 "
        f"{moved or f'ends at {num(signed_end)}'}, {where}."
    )


def signed_seen(
    lr: float,
    sums: np.ndarray,
    signed_end: float,
    on_closed: bool,
    w_true: float,
    *,
    full: bool,
    exact_data: bool,
    start: float | None = None,
) -> str:
    """Signed L1's part of 'what you see': its constant fall, and its gradient at the true w."""
    fall = signed_steps(lr, sums)
    where = "exactly on the closed form (grey rings)" if on_closed else "close to the closed form (grey rings)"
    at_target = "where every prediction is right" if exact_data else "where the predictions lie on the noiseless line"
    grad = (
        f"Σx over all samples = {num(sums[0])}"
        if full
        else "Σx of its batch = " + " or ".join(num(s) for s in _distinct(sums))
    )
    return (
        f"Signed L1's w falls by {fall}, {where}: it "
        f"{(barely(start, signed_end) if start is not None else '') or f'ends at {num(signed_end)}'}. Even **at** the "
        "true "
        f"w = {num(w_true)}, {at_target}, its gradient is still {grad}: it never looks at the target. Move the "
        "*True w* slider: the signed-L1 line does not move at all."
    )


def abs_step_reason(lr: float, abs_w: np.ndarray, signed_sums: np.ndarray, state: str, *, full: bool) -> str:
    """For the fold, while absolute L1 is on its way: why its step is smaller than signed L1's as printed. Its step
    is lr·Σ sign(rᵢ)·xᵢ over a batch; signed L1's sums all the samples. '' where the page does not show that."""
    steps = np.abs(np.diff(np.asarray(abs_w, dtype=float)))
    signed = _distinct(np.asarray(signed_sums, dtype=float))
    if state != "heads" or not full or not steps.size or len(signed) != 1:
        return ""
    biggest = float(steps.max())
    ratio = words.times(lr * signed[0], biggest)
    if abs(biggest - lr * signed[0]) <= 16 * EPS * float(np.max(np.abs(abs_w))):  # one batch of all 20, one side
        size = "and its step is the same size: its one batch holds every sample"
    elif float(ratio.replace(",", "")) < 1.5:  # "1.0 times smaller" would read as the same size
        size = "its step a little smaller"
    else:
        size = f"its step {ratio} times smaller"
    return (
        f"Absolute L1 moves by lr × Σ sign(rᵢ)·xᵢ over its batch: at most {num(biggest)} an update here, while "
        f"signed L1 as printed takes lr × Σx over all the samples = {lr:g} × {num(signed[0])} = "
        f"{exact_text(exact(lr) * exact(signed[0]))}. Its direction is right, {size}."
    )


def loss_takeaway(signed_loss: np.ndarray, l2_diverged: int | None) -> str:
    """The loss chart's one plain line: signed L1's loss has no floor; the others stay at or above zero."""
    signed_loss = np.asarray(signed_loss, dtype=float)
    start, end = signed_loss[0], signed_loss[-1]
    falls = "falls every update" if np.all(np.diff(signed_loss) < 0) else "falls overall"
    if end < start and barely(start, end):  # a fall too small to print at DIGITS digits: how far in all
        below = "further below zero" if end < 0 else "below zero"
        head = f"Signed L1's loss {falls}, by {num(start - end)} in all, with no floor: it would go on {below}."
    elif end < 0:
        head = f"Signed L1's loss {falls}, below zero to {num(end)}: it has no floor to stop at."
    elif end == 0:
        head = f"Signed L1's loss {falls}, to 0, with no floor: it would go on below zero."
    else:
        head = f"Signed L1's loss {falls}, to {num(end)}, with no floor: it would go on below zero."
    if l2_diverged is None:
        return f"{head} Absolute L1's and L2's never go below zero."
    return f"{head} Absolute L1's never goes below zero; L2's grows until |w| passes {LIMIT_WORDS}."


def loss_fold(
    signed_loss: np.ndarray,
    abs_loss: np.ndarray,
    l2_loss: np.ndarray,
    l2_diverged: int | None,
    *,
    x: np.ndarray,
    w_scale: float,
) -> str:
    """The loss chart's numbers: where each loss starts and ends (the lowest on the way for the two that have one).
    A run whose w is the target to rounding (`w_scale`: the largest |w| of the runs) leaves a loss of rounding size:
    Σ|xᵢ|·δ for absolute L1, Σxᵢ²·δ² for L2, δ the drift of that many updates; it prints as 0 (to rounding)."""
    s, a, q = (np.asarray(v, dtype=float) for v in (signed_loss, abs_loss, l2_loss))
    drift = rounding_bound(s.size, w_scale)
    x = np.abs(np.asarray(x, dtype=float))
    abs_floor, l2_floor = float(x.sum()) * drift, float(np.sum(x**2)) * drift**2

    def shown(v: float, floor: float) -> str:
        if 0 < v <= floor:
            return "0 (to rounding)"
        if 0 < v < NEARLY_ZERO:  # 0.0000386 reads as a row of zeros: say how small
            return f"nearly 0 (under {words.num(10.0 ** np.ceil(np.log10(v)))})"
        return num(v)

    def course(v: np.ndarray, floor: float) -> str:
        """'from 760 to 440, its lowest 440', or, where the start and the end print alike, how little it moved."""
        low = float(np.nanmin(v))
        lowest = "" if num(low) == num(v[0]) else f", its lowest {shown(low, floor)}"
        if v[-1] > floor and (moved := barely(v[0], v[-1])):
            return f"{moved}{lowest}"
        return f"from {num(v[0])} to {shown(v[-1], floor)}, its lowest {shown(low, floor)}"

    l2 = (
        f"L2's from {num(q[0])} until update {l2_diverged:,}, where |w| passes {LIMIT_WORDS} ({LIMIT_TEXT}) and the "
        "run stops"
        if l2_diverged is not None
        else f"L2's {course(q, l2_floor)}"
    )
    signed = barely(s[0], s[-1]) or f"goes from {num(s[0])} to {num(s[-1])}"
    why = (
        "below zero the predictions sit, in total, below the targets, and the lower w, the lower the loss"
        if s.min() < 0
        else "the lower w, the lower the loss, with no floor: on below zero the predictions would sit, in total, below "
        "the targets"
    )
    abs_l1 = course(a, abs_floor)
    return (
        "Each panel is one loss on all 20 samples, with its own scale; the dashed line is 0. Signed L1's "
        f"Σ(ŷ − y) {signed}: {why}. Absolute L1's {'goes ' if abs_l1.startswith('from') else ''}{abs_l1}; {l2}."
    )


NEARLY_ZERO = 1e-3  # a loss under this (and above rounding) prints as "nearly 0 (under 0.0001)", not 0.0000386


def _flips(g: np.ndarray) -> int:
    s = np.sign(g[g != 0])
    return int(np.count_nonzero(s[1:] != s[:-1]))


def abs_gradient_phrase(g: np.ndarray, batch_sums: np.ndarray) -> str:
    """Absolute L1's batch gradient Σ sign(rᵢ)·xᵢ against ±Σx of the batch (g, batch_sums: per update)."""
    g, S = np.asarray(g, dtype=float), np.asarray(batch_sums, dtype=float)
    tol = 16 * EPS * S
    full = np.abs(np.abs(g) - S) <= tol
    zero = g == 0
    flips = _flips(g)
    turn = f"it changes sign {flips:,} time{'s' if flips != 1 else ''}" if flips else "it never changes sign"
    if full.all():
        return f"absolute L1's is ±Σx of the batch on every update (all its samples lie on one side), and {turn}"
    parts = (
        f"±Σx on {int(np.count_nonzero(full)):,} updates, where the batch's samples all lie on one side, and "
        if full.any()
        else ""
    )
    partial, zeros = int(np.count_nonzero(~full)), int(np.count_nonzero(zero))
    if zeros == partial:
        rest = f"0 on {partial:,}, where their signs cancel or every residual is 0"
    else:
        rest = f"less in size on {partial:,}, where their signs differ and cancel or a residual is 0"
        rest += f" (0 on {zeros:,})" if zeros else ""
    return f"absolute L1's is Σ sign(rᵢ)·xᵢ over the batch: {parts}{rest}; {turn}"


def _signed_gradient(signed_g: np.ndarray, *, short: bool = False) -> str:
    """Signed L1's clause of the gradient takeaway; `short`: a batch's Σx without its values."""
    signed_g = np.asarray(signed_g, dtype=float)
    if _same(signed_g):
        return f"Signed L1's gradient is always {num(signed_g[0])}, wherever w is"
    values = "" if short else f", {' or '.join(num(v) for v in _distinct(signed_g))}"
    return f"Signed L1's gradient is its batch's Σx{values}, wherever w is"


def _abs_gradient(abs_w: np.ndarray, abs_g: np.ndarray, goal: Goal, *, short: bool = False) -> str:
    """Absolute L1's clause of the gradient takeaway, from its gradients (per update) and its run; `short`: why its
    zeros off the goal happen (signs cancelling) left to the fold."""
    g = np.asarray(abs_g, dtype=float)
    if lands_by_rounding(abs_w, goal) is not None:  # why it flips on (rounding) is the fold's to say
        before = _distinct(g[: first_reach(abs_w, goal)])  # a smaller last batch of an epoch: two values
        return f"absolute L1's is {' or '.join(num(v) for v in before)} until w reaches {goal.word}, then flips sign"
    if np.all(g == 0):
        return f"absolute L1's is 0: w starts on {goal.word}" if goal.side(abs_w[:1])[0] == 0 else "absolute L1's is 0"
    flips = _flips(g)
    if flips:
        return f"absolute L1's changes sign {flips:,} time{'s' if flips != 1 else ''}"
    if np.any(g == 0):
        # where the zeros happen: g[i] is taken at w[i] (the update's start); on the goal, or off it where a
        # noisy batch's signs cancel (σ = 10, x = 0.5: twenty zeros near w = 20, its optimum near −9)
        off = int(np.count_nonzero(goal.side(np.asarray(abs_w, dtype=float)[:-1][g == 0]) != 0))
        if not off:
            return f"absolute L1's drops to 0 once w sits on {goal.word}"
        zeros = int(np.count_nonzero(g == 0))
        some = "" if off == zeros else f", {off:,}"
        why = "" if short else ", where signs cancel"
        return f"absolute L1's is 0 on {count(zeros, 'update')}{some} away from {goal.word}{why}"
    sides = goal.side(abs_w)
    if np.all(sides == sides[0]) and sides[0] != 0:
        where = "above" if sides[0] > 0 else "below"
        if _same(np.abs(g)):  # on every update: w never gets to the other side in this run
            return f"absolute L1's is always {num(g[0])}: w stays {where} {goal.word}"
        return f"absolute L1's keeps one sign while w stays {where} {goal.word}"
    return "absolute L1's keeps one sign"


def _l2_gradient(l2_g: np.ndarray, s: Story, goal: Goal, *, short: bool = False) -> str:
    """L2's clause of the gradient takeaway, by what its run does (`s`: its Story); `short`: where w settles, or
    what it jumps across or moves away from, left unsaid."""
    g = np.abs(np.asarray(l2_g, dtype=float))
    where = "" if short else f" on {goal.word}"
    first, last = float(g[0]), float(g[-1])
    if s.state == "diverges":
        return f"L2's grows until |w| passes {LIMIT_WORDS}"
    if s.state == "stays":
        if g.max() <= rounding_bound(g.size, 1.0):
            return f"L2's is 0: w starts at {goal.word}"
        return f"L2's stays under {num(g.max())}: w starts at {goal.word}"
    if s.state == "reaches":
        if last <= rounding_bound(g.size, first):
            return f"L2's shrinks to 0 as w settles{where}"
        return f"L2's {'shrinks' if last < first else 'jitters'} as w settles{where}"
    across = "" if short else f" across {goal.word}"
    if s.state == "passes":
        return f"L2's keeps one sign as w jumps past {goal.word}" if not short else "L2's keeps one sign"
    if s.state == "swings":
        if _flips(np.asarray(l2_g, dtype=float)):
            return f"L2's flips sign as w jumps{across}"
        return f"L2's swings as w jumps{across}"
    if s.state == "heads":
        return f"L2's {'shrinks' if last < first else 'varies'} as w closes in" + ("" if short else ", not there yet")
    return f"L2's {'grows' if last > first else 'varies'} as w moves away" + ("" if short else f" from {goal.word}")


def gradient_takeaway(
    signed_g: np.ndarray,
    abs_w: np.ndarray,
    abs_g: np.ndarray,
    abs_goal: Goal,
    l2_g: np.ndarray,
    l2: Story,
    l2_goal: Goal,
) -> str:
    """The gradient chart's one plain line (at most MAX_WORDS words): signed L1's gradient ignores w, absolute L1's
    and L2's follow where w is; every clause read off the gradients plotted (index 0, the start, excluded)."""
    if np.asarray(signed_g).size == 1:  # one update, one gradient each: nothing to show how one changes
        return (
            f"One update, so one gradient each: signed L1's {num(signed_g[0])}, absolute L1's {num(abs_g[0])}, L2's "
            f"{num(l2_g[0])}. One update cannot show how a gradient changes as w moves."
        )
    rest = (
        f"{words.capital(_abs_gradient(abs_w, abs_g, abs_goal, short=True))}; "
        f"{_l2_gradient(l2_g, l2, l2_goal, short=True)}."
    )
    return _fit(
        *(
            f"{_signed_gradient(signed_g, short=brief)}. "
            f"{words.capital(_abs_gradient(abs_w, abs_g, abs_goal, short=brief and short))}; "
            f"{_l2_gradient(l2_g, l2, l2_goal, short=short)}."
            for brief in (False, True)
            for short in (False, True)
        ),
        f"Signed L1's gradient ignores w. {rest}",  # the shortest: its values and why are the fold's
    )


def _l2_numbers(l2_g: np.ndarray, l2: Story, l2_div: int | None) -> str:
    """L2's clause of the gradient fold, by what its run does (`l2`: its Story), with its gradient's sizes."""
    g = np.abs(np.asarray(l2_g, dtype=float))
    first, last = float(g[0]), float(g[-1])
    if l2_div is None and g.size == 1:
        return f"L2's is {num(first)} in size at the run's one update: one update cannot show how it changes"
    end = "0 (to rounding)" if last <= rounding_bound(g.size, first) else num(last)
    shrinks = f"L2's shrinks in size from {num(first)} at the first update to {end} at the last"
    sized = f"{num(first)} in size at the first update and {end} at the last"
    if end != "0 (to rounding)" and (moved := barely(first, last)):  # the two print alike: how little it moved
        shrinks = f"L2's, in size, {moved}"
        sized = f"{num(first)} in size, and it {moved.replace(f' from {num(first)}', '')}"
    sizes = f"L2's is {sized}"
    if l2_div is not None or l2.state == "diverges":
        return f"L2's grows until |w| passes {LIMIT_WORDS} ({LIMIT_TEXT}) at update {l2_div:,}, where the run stops"
    if l2.state == "stays":
        if g.max() <= rounding_bound(g.size, 1.0):
            return "L2's is 0 (to rounding) at every update: w starts at its optimum, where it is 0"
        return f"L2's stays under {num(g.max())} in size: w starts at its optimum and stays on it"
    if l2.state == "reaches":
        if last < first:
            return f"{shrinks}, as w settles on its optimum"
        return f"{sizes}: w settles on its optimum, and each batch pulls it its own way"
    if l2.state == "passes":
        return f"{sizes}, as w gets past its optimum and the run ends before it turns back"
    if l2.state == "swings":
        flips = _flips(np.asarray(l2_g, dtype=float))
        return f"L2's changes sign {flips:,} time{'s' if flips != 1 else ''} as w jumps across its optimum ({sized})"
    if l2.state == "heads":
        if last < first:
            return f"{shrinks}, as w closes in on its optimum without reaching it"
        return f"{sizes}, while w closes in on its optimum without reaching it"
    return f"{sizes}, as w moves away from its optimum"


def gradient_fold(
    signed_g: np.ndarray,
    abs_g: np.ndarray,
    batch_sums: np.ndarray,
    l2_g: np.ndarray,
    l2: Story,
    l2_div: int | None,
    *,
    rounding_flips: bool = False,
) -> str:
    """The gradient chart's numbers: each run's gradients, L2's by what its run does (`l2`: its Story);
    `rounding_flips`: absolute L1 landed on its target a rounding error off it (`lands_by_rounding`), so its sign
    changes from then on are that error's doing."""
    signed_g = np.asarray(signed_g, dtype=float)
    if signed_g.size == 1:
        signed = f"Signed L1's is {num(signed_g[0])}"
    elif _same(signed_g):
        signed = f"Signed L1's is constant at {num(signed_g[0])}"
    else:
        signed = "Signed L1's is Σx of each batch: " + " or ".join(num(v) for v in _distinct(signed_g))
    abs_text = abs_gradient_phrase(abs_g, batch_sums)
    if rounding_flips:
        abs_text += " (from the update it reaches the target, a rounding error's doing: exactly on it, it is 0)"
    return f"Gradient per update, one panel per loss. {signed}; {abs_text}; {_l2_numbers(l2_g, l2, l2_div)}."


def exact(value: float) -> Decimal:
    """A control's value or a sum of them as the decimal it stands for (0.01, not 0.01000000000000000020816…): the
    shortest decimal that reads back as the float."""
    return Decimal(repr(float(value)))


def exact_text(value: Decimal) -> str:
    """The exact result of an equation on short decimals, every digit, thousands separated, a true minus sign:
    20.5 − 600 × 0.4 = −219.5, not the −220 that 3 significant digits would print."""
    text = f"{value.normalize():,f}"
    return "0" if text in ("0", "-0") else text.replace("-", words.MINUS)


def _cross_update(w0: float, lr: float, per_epoch: np.ndarray, w_true: float, max_updates: int) -> int | None:
    """The first update k at which w0 − lr·Σⱼ≤ₖ Sⱼ (the per-batch sums Sⱼ repeated every epoch) is at w_true or
    below it, in exact arithmetic (the controls' values are short decimals); None if none is by `max_updates`.
    From 20 at 0.01 a step to −5: update 2,500, not the 2,498 at which it comes within a print's rounding."""
    per = [Fraction(exact(s)) for s in per_epoch]
    need = (Fraction(exact(w0)) - Fraction(exact(w_true))) / Fraction(exact(lr))  # Σ Sⱼ must reach this
    if need <= 0:
        return 0
    period, prefix, found = sum(per), 0, None
    for r, s in enumerate(per, start=1):  # k = q·n + r: the q whole epochs first, then r batches of the next
        prefix += s
        q = max(0, math.ceil((need - prefix) / period))
        k = q * len(per) + r
        found = k if found is None else min(found, k)
    return found if found is not None and found <= max_updates else None


def toggle_explanation(
    w0: float, lr: float, K: int, n: int, full_sum: float, *, per_epoch: np.ndarray, w_true: float, full: bool
) -> str:
    """'What the toggle changes', computed for the settings on screen: both variants' step and end, and whether
    the per-batch one gets past the target. per_epoch: Σx of each batch of one epoch."""
    per_epoch = np.asarray(per_epoch, dtype=float)
    bound = rounding_bound(K + 1, abs(w0) + K * lr * max(full_sum, float(per_epoch.max())))
    batch_closed = w0 - float(np.sum(lr * np.tile(per_epoch, K // per_epoch.size)))
    batch_closed = 0.0 if abs(batch_closed) <= bound else batch_closed
    shown = (" (on screen)", "") if full else ("", " (on screen)")

    def fall(sum_x: float) -> str:  # the step and the end, each as the arithmetic gives it (short decimals)
        step = exact(lr) * exact(sum_x)
        return (
            f"so w falls by {exact_text(step)} per update and ends at "
            f"{exact_text(exact(w0))} − {K:,} × {exact_text(step)} = **{exact_text(exact(w0) - K * step)}**"
        )

    text = (
        f"*As printed*{shown[0]}, the L1 branch uses `np.sum(x)`: the sum over **all {n} samples** "
        f"(Σx = {num(full_sum)}), every update, {fall(full_sum)}. *Per batch*{shown[1]} uses `this_x`, the samples "
        "of the batch ("
    )
    if _same(per_epoch):
        text += f"Σx = {num(per_epoch[0])}), {fall(per_epoch[0])}"
    else:
        text += (
            f"Σx = {' or '.join(num(s) for s in _distinct(per_epoch))}: the last batch of an epoch is smaller), "
            f"so w falls by lr × that each update and ends at **{num(batch_closed)}**"
        )
    if per_epoch.size == 1:  # one batch of every sample: this_x is x
        return text + ": with one batch of all the samples, `this_x` is `x` and the two readings are the same run."
    tol = near(w_true)
    if w0 <= w_true + tol:
        return text + (
            f": it starts at or below the target w = {num(w_true)} and falls away from it from the first update."
        )
    cross = _cross_update(w0, lr, per_epoch, w_true, max(K, 20_000))
    if abs(batch_closed - w_true) <= tol:
        return text + f": slower, and it ends on the target w = {num(w_true)}, from where it would keep falling."
    if batch_closed < w_true:
        return text + (
            f": slower, but still straight down past the target w = {num(w_true)} (reached at update {cross:,})."
        )
    later = f"it would reach it at update {cross:,} and keep falling" if cross else "it would reach it later"
    these = "this one update" if K == 1 else f"these {K:,} updates"
    return text + f": slower, and in {these} it does not even get down to the target w = {num(w_true)} ({later})."


def predict_explanation(w0: float, lr: float, sums: np.ndarray, K: int, w_end: float, *, full: bool) -> str:
    """The predict question's explanation with the numbers of the run on screen."""
    sums = np.asarray(sums, dtype=float)
    where = "all the samples" if full else "the batch"
    if _same(sums):
        step = (
            f"Here Σx over {where} is {num(sums[0])}, so every update subtracts {lr:g} × {num(sums[0])} = "
            f"{exact_text(exact(lr) * exact(sums[0]))} from w"
        )
        path = " → ".join(apart(w0, w0 - lr * sums[0])) + f" → … → {words.apart(w_end, w0, DIGITS)}"
    else:
        step = (
            f"Here Σx over the batch is {' or '.join(num(s) for s in _distinct(sums))}, so every update subtracts "
            f"{' or '.join(num(lr * s) for s in _distinct(sums))} from w"
        )
        path = f"{num(w0)} → … → {words.apart(w_end, w0, DIGITS)}"
    return (
        "The gradient of Σ(ŷ − y) with respect to w is Σx: the targets y vanish when you differentiate. "
        f"{step}, whatever the data say, so w goes {path} after {count(K, 'update')}, and on to −∞ with more."
    )


def article_note(settings: dict, abs_reached: bool, abs_end: float) -> str:
    """On the article's printed settings: where absolute L1 ends there. The article plots its own absolute-L1 run
    but prints neither its code nor its settings nor where it ends, so the note claims none of that."""
    if not is_article(settings):
        return ""
    head = (
        "The article plots an absolute-L1 run too but prints neither its code nor where it ends. On the settings it "
        f"prints, absolute L1 ends at {num(abs_end)}"
    )
    if abs_reached:
        return head + "."
    return head + (
        f": after 20 epochs it has not reached the target yet (the preset *{REACHES_PRESET}* shows it getting there)."
    )


def grid_note(w: np.ndarray, goal: Goal) -> str:
    """For the fold, a run of equal steps that reaches a goal where every residual would be 0 (`kink_stops`): from
    its start, a whole number of steps lands on the goal (exactly, or a rounding error off it, `lands_by_rounding`)
    or none can (then w steps across it for good); '' for any other run, or one that has not yet shown which."""
    w = np.asarray(w, dtype=float)
    k = first_reach(w, goal)
    if not goal.kink_stops or k is None or k == 0:
        return ""
    j = _landing(w, goal)
    steps = np.abs(np.diff(w[: (k if j is None else j) + 1]))
    if np.ptp(steps) > 4 * EPS * np.max(np.abs(w)):  # steps of different sizes: no one grid
        return ""
    step, gap = float(steps[0]), abs(float(w[0]) - goal.lo)
    count = gap / step
    whole = abs(count - round(count)) <= 4 * EPS * count * w.size  # to the rounding of that many steps
    if whole and j is not None:
        return (
            f"Why it lands there: from {num(w[0])}, the gap {num(gap)} is {round(count):,} whole "
            f"steps of {num(step)}, so w lands on {num(goal.lo)}. From a start off that grid (the preset "
            f"*{REACHES_PRESET}*) it cannot land on it, and steps across it instead."
        )
    crossed = np.flatnonzero((w[k:] - goal.lo) * (w[0] - goal.lo) < 0)
    if whole or not crossed.size:  # it has not landed yet, or not yet gone past
        return ""
    head = (
        f"Why it steps across: from {num(w[0])}, the gap {num(gap)} is {words.num(count, 6)} steps of {num(step)}, "
        f"not a whole number, so w cannot land on {num(goal.lo)}"
    )
    tail = " Exactly on it every residual would be 0, and so would the step."
    after = w[k + int(crossed[0]) - 1 :]
    if after.size < 3:  # the run ends as it gets past
        return f"{head}: it jumps past it.{tail}"
    return f"{head}: it jumps past it and back, between {num(after.min())} and {num(after.max())}.{tail}"


WHY_IT_BREAKS = (  # the page's explanation of the failure, in four numbered sentences
    "1. The gradient of Σ(ŷ − y) = Σ(w·x − y) with respect to w is **Σx**: the targets y vanish when you "
    "differentiate, so no data can ever stop the descent.\n"
    "2. The loss is **unbounded below**: making w more negative always makes Σ(w·x − y) smaller, so gradient "
    "descent is doing exactly its job by running to −∞.\n"
    "3. “The loss is negative” is a **symptom**, not the disease: a loss that can keep decreasing forever "
    "has no minimum to find.\n"
    "4. The absolute value is the fix: the gradient of |ŷ − y| is **sign(ŷ − y)·x**, which points back "
    "towards the target from both sides."
)
