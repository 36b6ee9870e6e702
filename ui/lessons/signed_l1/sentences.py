"""Sentences of the signed-L1 page, each built from the runs it describes (pure: numbers in, text out).

The page runs three losses on y = w·x (+ noise): the article's signed "L1" Σ(ŷ − y), whose gradient is Σx
whatever the data say, absolute L1 and L2. Every function here states only what its arguments show, with
one branch per case the page's controls can produce.

Over 400 lines: every sentence the page prints, each a short pure function with a branch per case the runs can show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import DIVERGENCE_LIMIT
from ui import words

EPS = np.finfo(float).eps
LIMIT_TEXT = "10" + str(int(np.log10(DIVERGENCE_LIMIT))).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
# core stops a run whose |w| passes DIVERGENCE_LIMIT: "10¹²"
REACHES_PRESET = "Absolute L1 reaches the target, then steps around it: 60 epochs"
ARTICLE = {"lr": 0.01, "w0": 20.0, "bs": 2, "epochs": 20, "x": 2.0, "w_true": 1.0, "sigma": 0.0}


def num(v: float) -> str:
    """A number as the page prints it: 4 significant digits, a true minus sign (ui.words.num)."""
    return words.num(v)


def apart(a: float, b: float) -> tuple[str, str]:
    """a and b printed with the fewest digits (4 at least, 12 at most) that tell them apart: a first step of
    0.0004 from 20 reads 20 → 19.9996, not 20 → 20."""
    for digits in range(4, 13):
        shown = words.num(a, digits), words.num(b, digits)
        if shown[0] != shown[1]:
            break
    return shown


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
    """How close counts as "at" a target: half a unit in the 4th digit the page prints (5e-4 of it, at least 5e-4)."""
    return 5e-4 * max(1.0, abs(target))


@dataclass(frozen=True)
class Goal:
    """Where a loss wants w: an interval [lo, hi] (a point when lo == hi), named for a sentence. A w within
    `near` of the interval counts as on it: the page prints 4 digits, and a run that lands 1e-13 off a
    target is, for a reader, on it."""

    lo: float
    hi: float
    name: str
    kink_stops: bool = False  # absolute L1 on data that lie on the line: on the goal every residual is 0, and the
    # page's sign(0) = 0 makes the gradient 0 there

    @property
    def tol(self) -> float:
        return near(max(abs(self.lo), abs(self.hi)))

    def side(self, w: np.ndarray) -> np.ndarray:
        """-1 below the goal, +1 above it, 0 on it (within tol)."""
        w = np.asarray(w, dtype=float)
        return np.where(w < self.lo - self.tol, -1, np.where(w > self.hi + self.tol, 1, 0))

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
        return {"l1": Goal(w_true, w_true, target, kink_stops=True), "l2": Goal(w_true, w_true, target)}
    l1 = (
        f"its optimum w = {num(lo)} (the median of yᵢ/xᵢ)"
        if lo == hi
        else f"its optimum, the interval [{num(lo)}, {num(hi)}] (the median of yᵢ/xᵢ)"
    )
    return {"l1": Goal(lo, hi, l1), "l2": Goal(l2_opt, l2_opt, f"its optimum w = {num(l2_opt)} (least squares)")}


def first_reach(w: np.ndarray, goal: Goal) -> int | None:
    """The first update at which w is on the goal or on its other side from the start; None if it never is."""
    side = goal.side(w)
    moved = np.flatnonzero(side != side[0]) if side[0] != 0 else np.array([0])
    return int(moved[0]) if moved.size else None


# Over 50 lines: one branch per thing a run can do with its goal, each tested against the run it describes.
def approach(name: str, w: np.ndarray, goal: Goal, diverged_at: int | None) -> str:
    """What one run does with its goal: never reaches it, closes in, reaches it and turns around, or passes it."""
    if diverged_at is not None:
        return f"{name} diverges: |w| passes {LIMIT_TEXT} at update {diverged_at}, where the run stops."
    w = np.asarray(w, dtype=float)
    K, d = w.size - 1, goal.distance(w)
    k = first_reach(w, goal)
    if k is None:
        if d[-1] <= 0.01 * d[0]:
            return (
                f"{name} closes in on {goal.name} without reaching it: {num(d[0])} away at the start, "
                f"{num(d[-1])} after {K} updates."
            )
        if d[-1] < d[0]:
            return (
                f"{name} does not reach {goal.name} in {'this update' if K == 1 else f'these {K:,} updates'}: it "
                f"ends at {num(end_value(w))}, "
                f"{num(d[-1])} away."
            )
        return f"{name} moves away from {goal.name}: {num(d[0])} away at the start, {num(d[-1])} at the end."
    after = w[k:]
    if k == 0:  # it starts on its goal
        if np.all(goal.side(after) == 0):
            return f"{name} starts on {goal.name} and stays on it (within {num(goal.tol)})."
        return (
            f"{name} starts on {goal.name} and does not stay there: w moves between {num(after.min())} and "
            f"{num(after.max())} and ends {num(d[-1])} from it."
        )
    if np.all(goal.side(after) == 0):
        head = f"{name} reaches {goal.name} at update {k} and stays on it"
        if np.ptp(after) == 0:
            return f"{head}: w is {num(after[0])} from then to the end."
        return f"{head} (within {num(goal.tol)}) to the end."
    start_side = int(goal.side(w[:1])[0])
    if not np.any(np.diff(after) * start_side > 0):
        return f"{name} passes {goal.name} at update {k} and keeps going: it ends {num(d[-1])} beyond it."
    if d[-1] > d[0]:
        late = d[k:]
        if late.size > 1 and late[late.size // 2 :].max() > late[: late.size // 2].max() * (1 + 1e-9):
            return (
                f"{name} overshoots {goal.name} at update {k} and swings wider: {num(d[-1])} away at the end "
                f"against {num(d[0])} at the start."
            )
        sides = goal.side(after)
        crossings = int(np.count_nonzero(sides[1:] * sides[:-1] < 0))
        if crossings >= 2:
            return (
                f"{name} overshoots {goal.name} at update {k} and keeps jumping across it, w between "
                f"{num(after.min())} and {num(after.max())}: the swing does not grow, and it does not land on it "
                f"({num(d[-1])} away at the end, {num(d[0])} at the start)."
            )
        return (
            f"{name} overshoots {goal.name} at update {k} and ends further from it than it started: {num(d[-1])} "
            f"against {num(d[0])}, w between {num(after.min())} and {num(after.max())} from then on."
        )
    return (
        f"{name} reaches {goal.name} at update {k} and turns around: from then on w stays between "
        f"{num(after.min())} and {num(after.max())}."
    )


def landing_note(w: np.ndarray, goal: Goal) -> str:
    """For a fold: why a run that reaches a goal where every residual would be 0 (and sign(0) = 0 would stop it)
    still turns: it lands a rounding error off it. '' when that is not what the run shows."""
    w = np.asarray(w, dtype=float)
    k = first_reach(w, goal)
    if not goal.kink_stops or k is None or k == 0:
        return ""
    off = float(goal.distance(w[k : k + 1])[0])
    if not 0 < off <= goal.tol:
        return ""
    return (
        f"Exactly on the target every residual would be 0, and sign(0) = 0 would stop w there. After {k} updates of "
        f"floating-point arithmetic w lands {words.power_of_ten(off)} off it instead: too little to print, but every "
        "residual keeps "
        "its sign, so the step is the full one and w turns."
    )


def more_epochs(name: str, goal: Goal, longer_w: np.ndarray, updates_per_epoch: int, max_epochs: int) -> str:
    """For a run that has not reached its goal: when a longer run of the same settings does (its first updates
    are the run on screen), and how many epochs that takes."""
    longer_w = np.asarray(longer_w, dtype=float)
    k = first_reach(longer_w, goal)
    if k is None:
        return f"Even {longer_w.size - 1} updates would not bring {name} to {goal.name}."
    start_side = int(goal.side(longer_w[:1])[0])
    back = np.flatnonzero(np.diff(longer_w[k:]) * start_side > 0)
    see, last = ("get there and turn", k + int(back[0]) + 1) if back.size else ("get there", k)
    epochs, reach_epoch = -(-last // updates_per_epoch), -(-k // updates_per_epoch)
    if epochs <= max_epochs:
        return f"With more epochs it gets there at update {k}: set *Epochs* to {epochs} or more to see it {see}."
    if reach_epoch <= max_epochs:  # it arrives within the slider's range and turns only past it
        return (
            f"With more epochs it gets there at update {k}: set *Epochs* to {reach_epoch} or more to see it get "
            f"there (it turns only in epoch {epochs}, past the slider's {max_epochs})."
        )
    return f"It would get there at update {k}, in epoch {reach_epoch}: past the slider's {max_epochs}."


def is_article(settings: dict) -> bool:
    """Whether the settings are the article's experiment (the toggle aside)."""
    return all(float(settings[k]) == float(v) for k, v in ARTICLE.items())


def takeaway(signed_end: float, lr: float, sums: np.ndarray, others: dict[str, str], start: float | None = None) -> str:
    """The one plain line under the chart: signed L1 falls the same step every update and never stops, against
    what each other run does (name -> "reaches" | "heads" | "diverges", read off its run); the numbers behind it
    go to the fold."""
    steps = _distinct(lr * np.asarray(sums, dtype=float))
    step = " or ".join(num(s) for s in steps)
    doing = {
        "reaches": "reaches its target",
        "swings": "swings across its target without settling",
        "heads": "is still on its way",
        "diverges": "diverges",
    }
    rest = "; ".join(f"{name} {doing[what]}" for name, what in others.items())
    end = words.apart(signed_end, signed_end if start is None else start)
    return (
        f"Signed L1 falls by {step} every update, to {end}, and never stops: its gradient ignores the "
        f"target. {rest[0].upper()}{rest[1:]}."
    )


SETTLED = 0.01  # a run that got to its goal has settled when, over the last tenth of its updates, it stays this
# share of its starting distance from it (a step of 2 about w = 1 from w0 = 20 is 5%: it swings)


def run_state(w: np.ndarray, goal: Goal, diverged_at: int | None) -> str:
    """'diverges'; 'reaches' (got to the goal and, over the last tenth of its updates, stays within SETTLED of
    its starting distance from it); 'swings' (got to it, or past it, and keeps swinging further than that); or
    'heads' (still on its way, or away)."""
    if diverged_at is not None:
        return "diverges"
    w = np.asarray(w, dtype=float)
    if first_reach(w, goal) is None:
        return "heads"
    d = goal.distance(w)
    late = d[-max(1, d.size // 10) :]
    return "reaches" if late.max() <= max(SETTLED * d[0], goal.tol) else "swings"


def gradients_used(full: bool, n: int) -> str:
    """Which gradient each run takes: the toggle changes signed L1's only."""
    dots = " Grey dots: signed L1's closed form w₀ − k·lr·Σx."
    if full:
        return (
            f"Signed L1 takes its gradient as the article prints it, over all {n} samples; absolute L1 and L2 take "
            f"each batch's.{dots}"
        )
    return f"All three take each batch's gradient (the toggle in Settings gives signed L1 the article's sum).{dots}"


def ending_line(final: dict[str, tuple[float, int | None]]) -> str:
    """'**name**: w ends at **v**' per run (label -> (last w, diverged_at))."""
    parts = []
    for lab, (w_end, diverged_at) in final.items():
        if diverged_at is not None:
            parts.append(f"**{lab}**: w **diverges** at update {diverged_at}")
        else:
            parts.append(f"**{lab}**: w ends at **{num(w_end)}**")
    return " · ".join(parts)


def signed_steps(lr: float, sums: np.ndarray) -> str:
    """How far signed L1 falls each update: lr × Σx of the samples that update uses."""
    sums = np.asarray(sums, dtype=float)
    if _same(sums):
        return f"lr·Σx = {lr:g} × {num(sums[0])} = {num(lr * sums[0])} every update"
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


def w_chart_alt(K: int, signed_end: float, on_closed: bool) -> str:
    where = "on the grey dots of its closed form" if on_closed else "off the grey dots of its closed form"
    return f"Weight w over {K} updates for signed L1, absolute L1 and L2. Signed L1 ends at {num(signed_end)}, {where}."


def signed_seen(
    lr: float, sums: np.ndarray, signed_end: float, on_closed: bool, w_true: float, *, full: bool, exact_data: bool
) -> str:
    """Signed L1's part of 'what you see': its constant fall, and its gradient at the true w."""
    fall = signed_steps(lr, sums)
    where = "exactly on the closed form (grey dots)" if on_closed else "close to the closed form (grey dots)"
    at_target = "where every prediction is right" if exact_data else "where the predictions lie on the noiseless line"
    grad = (
        f"Σx over all samples = {num(sums[0])}"
        if full
        else "Σx of its batch = " + " or ".join(num(s) for s in _distinct(sums))
    )
    return (
        f"Signed L1's w falls by {fall}, {where}: it ends at {num(signed_end)}. Even **at** the true "
        f"w = {num(w_true)}, {at_target}, its gradient is still {grad}: it never looks at the target. Move the "
        "*True w* slider: the signed-L1 line does not move at all."
    )


def loss_caption(signed_loss: np.ndarray, abs_diverged: int | None, l2_diverged: int | None) -> str:
    """The loss chart's caption: where signed L1's loss ends and that it falls every update."""
    signed_loss = np.asarray(signed_loss, dtype=float)
    end = signed_loss[-1]
    sign = "below zero" if end < 0 else ("at zero" if end == 0 else "still above zero")
    falls = "falling every update" if np.all(np.diff(signed_loss) < 0) else "falling overall"
    others = "absolute L1 and L2 stay at or above zero"
    if l2_diverged is not None:
        others = f"absolute L1 stays at or above zero; L2's ends at update {l2_diverged}, where |w| passed {LIMIT_TEXT}"
    return f"Loss over updates, one panel per loss. Signed L1 ends at {num(end)}, {sign} and {falls}; {others}."


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
    turn = f"it changes sign {flips} time{'s' if flips != 1 else ''}" if flips else "it never changes sign"
    if full.all():
        return f"absolute L1's is ±Σx of the batch on every update (all its samples lie on one side), and {turn}"
    parts = (
        f"±Σx on {int(np.count_nonzero(full))} updates, where the batch's samples all lie on one side, and "
        if full.any()
        else ""
    )
    partial, zeros = int(np.count_nonzero(~full)), int(np.count_nonzero(zero))
    if zeros == partial:
        rest = f"0 on {partial}, where their signs cancel or every residual is 0"
    else:
        rest = f"less in size on {partial}, where their signs differ and cancel or a residual is 0"
        rest += f" (0 on {zeros})" if zeros else ""
    return f"absolute L1's is Σ sign(rᵢ)·xᵢ over the batch: {parts}{rest}; {turn}"


def gradient_caption(
    signed_g: np.ndarray,
    abs_g: np.ndarray,
    batch_sums: np.ndarray,
    l2_g: np.ndarray,
    l2_closer: bool,
    *,
    l2_div: int | None,
    l2_settled: bool = True,
) -> str:
    """The gradient chart's caption, every clause read off the gradients plotted (index 0, the start, excluded);
    `l2_closer`: L2 ends nearer its optimum than it started; `l2_settled`: it stays there (run_state "reaches"),
    not swinging across it."""
    signed_g = np.asarray(signed_g, dtype=float)
    if _same(signed_g):
        signed = f"Signed L1's is constant at {num(signed_g[0])}"
    else:
        signed = "Signed L1's is Σx of each batch: " + " or ".join(num(v) for v in _distinct(signed_g))
    if l2_div is not None:
        l2 = f"L2's grows until |w| passes {LIMIT_TEXT} at update {l2_div}, where the run stops"
    else:
        first, last = abs(float(l2_g[0])), abs(float(l2_g[-1]))
        if last < first:
            trend = (
                "though w is no nearer its optimum"
                if not l2_closer
                else "as w nears its optimum"
                if l2_settled
                else "while w keeps swinging across its optimum"
            )
            end = "0 (to rounding)" if last <= rounding_bound(l2_g.size, first) else num(last)
            l2 = f"L2's shrinks in size from {num(first)} at the first update to {end} at the last, {trend}"
        else:
            l2 = f"L2's is {num(first)} in size at the first update and {num(last)} at the last: it does not shrink"
    return f"Gradient per update. {signed}; {abs_gradient_phrase(abs_g, batch_sums)}; {l2}."


def _cross_update(w0: float, lr: float, per_epoch: np.ndarray, w_true: float, max_updates: int) -> int | None:
    """First update at which w0 − Σ lr·Sⱼ (per-batch sums repeated every epoch) is at w_true (within `near`) or
    below it."""
    epochs = -(-max_updates // per_epoch.size)
    w = w0 - np.cumsum(lr * np.tile(per_epoch, epochs))[:max_updates]
    hit = np.flatnonzero(w <= w_true + near(w_true))
    return int(hit[0]) + 1 if hit.size else None


def toggle_explanation(
    w0: float, lr: float, K: int, n: int, full_sum: float, *, per_epoch: np.ndarray, w_true: float, full: bool
) -> str:
    """'What the toggle changes', computed for the settings on screen: both variants' step and end, and whether
    the per-batch one gets past the target. per_epoch: Σx of each batch of one epoch."""
    per_epoch = np.asarray(per_epoch, dtype=float)
    bound = rounding_bound(K + 1, abs(w0) + K * lr * max(full_sum, float(per_epoch.max())))
    full_end = w0 - K * lr * full_sum
    batch_closed = w0 - float(np.sum(lr * np.tile(per_epoch, K // per_epoch.size)))
    full_end, batch_closed = (0.0 if abs(e) <= bound else e for e in (full_end, batch_closed))
    shown = (" (on screen)", "") if full else ("", " (on screen)")
    text = (
        f"*As printed*{shown[0]}, the L1 branch uses `np.sum(x)`: the sum over **all {n} samples** "
        f"(Σx = {num(full_sum)}), every update, so w falls by {num(lr * full_sum)} per update and ends at "
        f"{num(w0)} − {K} × {num(lr * full_sum)} = **{words.apart(full_end, w0)}**. *Per batch*{shown[1]} uses "
        "`this_x`, "
        f"the samples of the batch ("
    )
    if _same(per_epoch):
        text += (
            f"Σx = {num(per_epoch[0])}), so w falls by {num(lr * per_epoch[0])} per update and ends at "
            f"{num(w0)} − {K} × {num(lr * per_epoch[0])} = **{words.apart(batch_closed, w0)}**"
        )
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
            f": slower, but still straight down past the target w = {num(w_true)} (reached at update {cross})."
        )
    later = f"it would reach it at update {cross} and keep falling" if cross else "it would reach it later"
    return (
        text
        + f": slower, and in these {K} updates it does not even get down to the target w = {num(w_true)} ({later})."
    )


def predict_explanation(w0: float, lr: float, sums: np.ndarray, K: int, w_end: float, *, full: bool) -> str:
    """The predict question's explanation with the numbers of the run on screen."""
    sums = np.asarray(sums, dtype=float)
    where = "all the samples" if full else "the batch"
    if _same(sums):
        step = (
            f"Here Σx over {where} is {num(sums[0])}, so every update subtracts {lr:g} × {num(sums[0])} = "
            f"{num(lr * sums[0])} from w"
        )
        path = " → ".join(apart(w0, w0 - lr * sums[0])) + f" → … → {num(w_end)}"
    else:
        step = (
            f"Here Σx over the batch is {' or '.join(num(s) for s in _distinct(sums))}, so every update subtracts "
            f"{' or '.join(num(lr * s) for s in _distinct(sums))} from w"
        )
        path = f"{num(w0)} → … → {num(w_end)}"
    return (
        "The gradient of Σ(ŷ − y) with respect to w is Σx: the targets y vanish when you differentiate. "
        f"{step}, whatever the data say, so w goes {path} after {K} updates, and on to −∞ with more."
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
        f": after 20 epochs it has not reached the target yet (the preset *{REACHES_PRESET}* runs it longer)."
    )


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
