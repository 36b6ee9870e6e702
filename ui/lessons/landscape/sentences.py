"""The landscape page's sentences and verdicts, computed from the optimisers' runs on screen.

Over 400 lines: every sentence the page prints, each a short pure function with a branch per case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

import core
from ui.words import capital, listing, percent, plain, power_of_ten

TIE_RELATIVE = 0.25  # a best excess within 25% of the best one is a tie: a bouncing run's lowest point moves that much
TIE_ABSOLUTE = 1e-6  # ... or both within 1e-6 x max(1, f*) of the optimum: rounding, not a race
FLOAT_ROUNDING = 1e-12  # a loss within 1e-12 x max(1, f*) of the optimum is on it, as floating point computes both
PASSED = 10.0  # a run that ends 10 times above its lowest point only passed it
SETTLE = 1e-4  # settled: the loss stays within 0.01% of the optimal loss (x max(1, f*)) over the last quarter
RISES = 0.2  # bouncing: the loss rose in at least a fifth of the last quarter's updates (on a facet it only falls)
RISES_EDGE = (0.1, 0.4)  # a share of rises in here is near the line: "bouncing" and "on its way down" both count
GROWS = 10.0  # blowing up before the limit: the loss ends this many times further above f* than it started, rising
SETTLES = (  # the default question's answers: what plain descent does by its last update
    "yes: it settles on the lowest loss",
    "no: it keeps bouncing above the lowest loss",
    "not yet: it is still on its way down",
    "no: it blows up",
)
SHRINKS = 1.5  # the bounces shrink: the window before the last quarter rose this many times higher than the last
MOSTLY = 0.5  # a path that crossed a crease in at least half its last updates is not "sliding down a facet"
SIGN_DESCENT = (2 / 3, 1.5)  # Adam's median step / lr in this range: it moves like sign descent


def best_excess(best_loss: np.ndarray, f_star: float) -> float:
    """The lowest finite loss a run reached, minus the optimal loss (inf if the run has no finite loss)."""
    finite = np.asarray(best_loss, dtype=float)
    finite = finite[np.isfinite(finite)]
    return float(finite.min() - f_star) if finite.size else float("inf")


TINY = 1e-4  # an excess under it prints as "less than 0.0001": real, but more digits teach an intro class nothing


def excess_words(excess: float, f_star: float) -> str:
    """A run's best loss minus the optimum as the page prints it: "0 (to rounding)" within FLOAT_ROUNDING·max(1, |f*|)
    of it (the summed loss and f* can part by that much in floating point, so a run can print a few ulps under f*),
    "less than 0.0001" above that and under TINY (0.0000000311 is a real, if tiny, excess), else 3 significant
    digits, never e-notation."""
    if not np.isfinite(excess):
        return "no finite loss (diverged)"
    rounding = FLOAT_ROUNDING * max(1.0, abs(f_star))
    if rounding < excess < TINY:
        return f"less than {TINY:g}"
    return big(excess) if excess >= BIG else plain(max(excess, 0.0), rounding=rounding)


BIG = 1e6  # a number from here up prints as a power of ten: −5.0 × 10⁷, not −50,355,087


def big(value: float) -> str:
    """A number as plain() prints it, or from BIG up as a power of ten (a whole number would keep all its digits)."""
    return power_of_ten(value) if np.isfinite(value) and abs(value) >= BIG else plain(value)


def point(w: float, b: float) -> str:
    """Where a run ends on the map, as a sentence prints it: "(2.01, 1.19)", or that it left the map."""
    if not (np.isfinite(w) and np.isfinite(b)):
        return "off the map (diverged)"
    return f"({big(w)}, {big(b)})"


def tie_tolerance(excess: Mapping[str, float], f_star: float) -> float:
    """How much above the best excess still counts as as close: TIE_ABSOLUTE·max(1, |f*|) or 1% of the best."""
    best = min(excess.values())
    return max(TIE_ABSOLUTE * max(1.0, abs(f_star)), TIE_RELATIVE * best if np.isfinite(best) else 0.0)


def closest(excess: Mapping[str, float], f_star: float) -> list[str]:
    """The optimisers whose best loss is within the tie tolerance of the best one's, best first."""
    best, tol = min(excess.values()), tie_tolerance(excess, f_star)
    return sorted((o for o, e in excess.items() if e <= best + tol), key=lambda o: excess[o])


def race_answer(excess: Mapping[str, float], f_star: float, picked: str | None) -> str:
    """The student's pick if it ties with the best (within the tolerance), else the best optimiser."""
    winners = closest(excess, f_star)
    return picked if picked in winners else winners[0]


def _loss(e: float, f_star: float, diverged_at: int | None) -> str:
    if diverged_at is None or not np.isfinite(e):
        return excess_words(e, f_star)
    return f"diverged at update {diverged_at} (its lowest, before that, {excess_words(e, f_star)})"


def race_explanation(
    excess: Mapping[str, float],
    f_star: float,
    labels: Mapping[str, str],
    steps: int,
    diverged: Mapping[str, int | None] | None = None,
    ends: Mapping[str, float] | None = None,
) -> str:
    """Why, in numbers: each optimiser's best loss minus the optimum (`diverged`: where a run blew up, by
    optimiser), and who ties with the best; `ends`: each run's last loss minus the optimum, and which runs only
    passed their lowest point (ending PASSED times above it, and above the tie's tolerance)."""
    winners = closest(excess, f_star)
    gone = diverged or {}
    numbers = "; ".join(
        f"{labels[o]} {_loss(excess[o], f_star, gone.get(o))}" for o in sorted(excess, key=lambda o: excess[o])
    )
    tol = tie_tolerance(excess, f_star)
    if len(winners) == 1:
        lead = f"{labels[winners[0]]} gets closest"
    else:
        lead = f"{listing(labels[o] for o in winners)} tie (within {plain(tol, 2)} of each other)"
    text = f"{lead}. Lowest loss reached within {steps:,} updates, minus the optimal loss {plain(f_star)}: {numbers}. "
    if ends:
        last = "; ".join(f"{labels[o]} {excess_words(ends[o], f_star)}" for o in sorted(ends, key=lambda o: ends[o]))
        passed = [o for o in ends if np.isfinite(excess[o]) and ends[o] > max(PASSED * max(excess[o], 0.0), tol)]
        text += f"At the last update: {last}. " + (
            f"{capital(listing(labels[o] for o in passed))} only passed {'its' if len(passed) == 1 else 'their'} "
            "lowest point: the race is to the lowest loss reached, not to where a run ends. "
            if passed
            else ""
        )
    return text + "Compare the loss curves and the paths on the map."


def crease_crossings(w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, last: int = 100) -> tuple[float, int]:
    """(share of the last `last` finite updates in which some residual changed sign, how many updates that is)."""
    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    finite = np.isfinite(w) & np.isfinite(b)
    end = int(np.argmin(finite)) if not finite.all() else w.size  # a diverged run: up to where it blew up
    w, b = w[:end], b[:end]
    if w.size < 2:
        return 0.0, 0
    signs = np.sign(np.outer(w, x) + b[:, None] - y)
    flips = np.any(signs[1:] != signs[:-1], axis=1)[-last:]
    return float(flips.mean()), int(flips.size)


def crease_seen(share: float, updates: int, schedule: str, lr_ratio: float = 1.0, *, on_its_way: bool = False) -> str:
    """What plain subgradient descent did at the creases in its last updates, for a constant or decaying lr
    (`lr_ratio`: the last update's lr over the first's); `on_its_way`: the run is still far above the bottom (the
    settle verdict's "not yet"), where what happens near the bottom is not yet what it shows."""
    if updates == 0:
        return "Plain subgradient descent made no finite update to look at."
    if share == 0:
        return (
            f"Plain subgradient descent crossed no crease in its last {updates:,} updates: every residual kept its "
            "sign, so it is still sliding down one planar facet (a tilted plane), where the gradient does not "
            "shrink as it goes."
        )
    text = (
        f"Plain subgradient descent crossed a crease in **{share:.0%}** of its last {updates:,} updates: every time a "
        "residual changes sign, the subgradient jumps. "
    )
    decay = (
        f"The lr decays as lr/√(1 + t), to {lr_ratio:.2g} of its first value by the last update, so the jumps "
        "across the creases shrink with it, although the gradient on a facet does not."
    )
    if on_its_way:
        far = (
            "It is still far above the lowest loss: each crossing bends its path, and the next facet takes it on "
            "down. Near the bottom the crossings come at almost every update."
        )
        return text + far + ("" if schedule == "constant" else " " + decay)
    if schedule == "constant":
        return text + (
            "With a constant lr nothing makes the step shrink near the bottom: the surface is made of planar facets "
            "(tilted planes) joined at creases, and on each facet the subgradient is constant."
        )
    return text + decay


def step_ratio(w: np.ndarray, lr: np.ndarray, first: int = 50) -> float:
    """Median |w_k - w_(k-1)| / lr_k over the first `first` updates (finite ones; nan if none)."""
    steps = np.abs(np.diff(np.asarray(w, dtype=float)[: first + 1])) / np.asarray(lr, dtype=float)[1 : first + 1]
    steps = steps[np.isfinite(steps)]
    return float(np.median(steps)) if steps.size else float("nan")


def sign_changes(grad: np.ndarray, first: int = 50) -> float:
    """Share of the first `first` updates whose gradient in w has the other sign than the update before."""
    g = np.sign(np.asarray(grad, dtype=float)[1 : first + 1])
    g = g[np.isfinite(g)]
    return float(np.mean(g[1:] != g[:-1])) if g.size > 1 else 0.0


def adam_seen(ratio: float, flips: float, beta2: float, updates: int) -> str:
    """Whether Adam moved like sign descent (median step within SIGN_DESCENT × lr) over its first updates."""
    if not np.isfinite(ratio):
        return "Adam made no finite step to measure."
    lo, hi = SIGN_DESCENT
    text = f"Over its first {updates:,} updates Adam's steps in w have a median size of **{ratio:.2f} × lr**"
    if lo <= ratio <= hi:
        return text + (
            ": it behaves like **sign descent**. Adam divides each coordinate's running mean gradient m̂ by the root "
            "of its running mean square √v̂, so while the gradient keeps its sign and size, m̂/√v̂ ≈ g/|g| = sign(g) "
            f"and every coordinate moves by about lr whatever the gradient's scale (its sign in w changed in "
            f"{flips:.0%} of these updates)."
        )
    if ratio < lo:
        return text + (
            f", well under lr: not sign descent here. The gradient's sign in w changed in {flips:.0%} of these "
            "updates, and opposite signs cancel in the running mean m̂ while the running mean square √v̂ keeps "
            "their size."
        )
    return text + (
        f", above lr: not sign descent here. m̂/√v̂ exceeds 1 when recent gradients are larger than the root mean "
        f"square √v̂, which follows them slowly (β₂ = {beta2:.4g})."
    )


def settle_margin(f_star: float) -> float:
    """How close to the optimal loss counts as settled: SETTLE·max(1, |f*|)."""
    return SETTLE * max(1.0, abs(f_star))


def last_quarter(n_updates: int) -> int:
    """How many of the last updates the settle verdict reads: a quarter of the run, at least 10 (or all)."""
    return min(n_updates, max(10, n_updates // 4))


def settling(loss: np.ndarray, f_star: float, diverged_at: int | None) -> tuple[str, dict]:
    """What a run does by its last update, read off its loss curve (loss[0] is the start), one of SETTLES, and
    the numbers that decide it: over the last quarter, the largest loss minus f* and the share of updates in
    which the loss rose; and "before", the largest loss minus f* over as many updates before them (nan if the run
    is too short), which says whether the bounces shrink."""
    loss = np.asarray(loss, dtype=float)
    n = loss.size - 1
    if diverged_at is not None or not np.all(np.isfinite(loss)):
        return SETTLES[3], {"diverged_at": diverged_at, "window": 0, "worst": float("inf"), "rises": 0.0}
    window = last_quarter(n)
    tail = loss[-window - 1 :] - f_star
    earlier = loss[-2 * window - 1 : -window] - f_star if 2 * window <= n else np.array([])
    numbers = {
        "diverged_at": None,
        "window": window,
        "worst": float(tail.max()),
        "before": float(earlier.max()) if earlier.size else float("nan"),
        "end": float(tail[-1]),
        "rises": float(np.mean(np.diff(tail) > 0)) if window else 0.0,
        "margin": settle_margin(f_star),
        "f_star": float(f_star),
    }
    start = float(loss[0] - f_star)
    if numbers["end"] > GROWS * max(start, numbers["margin"]) and numbers["rises"] >= 1 - RISES:
        # stopped before it passed the limit, but growing at nearly every update: a blow-up on its way
        return SETTLES[3], numbers | {"grew": numbers["end"] / max(start, numbers["margin"]), "window": window}
    if numbers["worst"] <= numbers["margin"]:
        return SETTLES[0], numbers
    return (SETTLES[1] if numbers["rises"] >= RISES else SETTLES[2]), numbers


def near_the_line(answer: str, numbers: Mapping[str, float]) -> bool:
    """Bouncing or on its way down, decided by a share of rises close to RISES: both readings are fair."""
    return answer in SETTLES[1:3] and RISES_EDGE[0] <= numbers["rises"] < RISES_EDGE[1]


def settle_takeaway(answer: str, numbers: Mapping[str, float], name: str = "Plain descent") -> str:
    """The loss chart's takeaway: what plain descent does by its last update, with the numbers that decide it."""
    window = numbers["window"]
    if answer == SETTLES[3] and numbers.get("grew") is not None:
        every = "every one" if numbers["rises"] == 1 else f"{numbers['rises']:.0%}"
        return (
            f"{name} blows up: its loss rose at {every} of its last {window:,} updates, to "
            f"{big(numbers['grew'])} times as far above the lowest loss as it started. This lr is too large."
        )
    if answer == SETTLES[3]:
        at = numbers["diverged_at"]
        return f"{name} blows up" + (f" at update {at:,}" if at is not None else "") + ": this lr is too large."
    if answer == SETTLES[0]:  # what it measured, beside the rule it met
        worst = excess_words(numbers["worst"], numbers["f_star"])
        bound = worst if worst.startswith("less than") else f"at most {worst}"
        return (
            f"{name} settles: over its last {window:,} updates its loss stays {bound} above the lowest loss "
            f"(settled: within {plain(numbers['margin'], 2)}, 0.01% of it)."
        )
    if answer == SETTLES[1] and shrinking(numbers):
        return (
            f"{name} keeps bouncing, but lower: its loss rose in {numbers['rises']:.0%} of its last {window:,} "
            f"updates, up to {plain(numbers['worst'])} above the lowest loss ({plain(numbers['before'])} in the "
            f"{window:,} before)."
        )
    if answer == SETTLES[1]:
        share = numbers["worst"] / numbers["f_star"] if numbers.get("f_star", 0) > 0 else float("nan")
        size = f" ({percent(share)} of it)" if np.isfinite(share) else ""
        return (
            f"{name} never settles: over its last {window:,} updates its loss keeps bouncing, up to "
            f"{plain(numbers['worst'])} above the lowest loss{size}"
            + (", in a band that does not shrink." if np.isfinite(numbers.get("before", np.nan)) else ".")
        )
    return (
        f"{name} is still on its way down: its loss fell in {1 - numbers['rises']:.0%} of its last {window:,} "
        f"updates and ends {plain(numbers['end'])} above the lowest loss."
    )


def shrinking(numbers: Mapping[str, float]) -> bool:
    """The bounces shrink: the window before the last quarter rose at least SHRINKS times higher than the last."""
    before = numbers.get("before", float("nan"))
    return bool(np.isfinite(before) and before >= SHRINKS * numbers["worst"])


def settle_explanation(answer: str, numbers: Mapping[str, float], lr: str, loss: str, decaying: bool) -> str:
    """Why, in numbers, for the default question: the rule, the statistic, and what the step did (`lr`: the
    step in words; `loss`: the loss's key; `decaying`: the lr shrinks over the run)."""
    if answer == SETTLES[3] and numbers.get("grew") is not None:
        return settle_takeaway(answer, numbers) + (
            " The run ends before its w or b passes "
            f"{power_of_ten(core.DIVERGENCE_LIMIT, 1)}, where it would be stopped; more updates would get there."
        )
    if answer == SETTLES[3]:
        return settle_takeaway(answer, numbers) + (
            f" Its w or b grew past {power_of_ten(core.DIVERGENCE_LIMIT, 1)} (a trillion), where the run is stopped."
        )
    f_star = numbers["f_star"]
    rule = (
        f"Read off its loss curve over the last {numbers['window']:,} updates. The lowest loss is "
        f"{plain(f_star)}; settled means the loss stays at most {plain(numbers['margin'], 2)} above it (0.01% of "
        f"it) all that time; bouncing means it rose in at least {RISES:.0%} of them. "
    )
    if answer == SETTLES[1] and np.isfinite(numbers["worst"]) and f_star > 0 and 0 < numbers["worst"] < 0.01 * f_star:
        rule += (
            f"Against the loss itself the bouncing is small (up to {plain(numbers['worst'])} on {plain(f_star)}, "
            f"{plain(100 * numbers['worst'] / f_star, 2)}%): it shows only on the log chart of the loss minus the "
            "lowest. "
        )
    if answer == SETTLES[0]:
        why = "Its steps shrank to nothing: " + (
            "the lr decays." if decaying else "the gradient shrinks near the bottom of this surface."
        )
    elif answer == SETTLES[1] and decaying and shrinking(numbers) and loss == "l1":
        why = (
            f"With {lr} the step shrinks, so the bounces across the creases shrink too, but slowly: lr/√(1 + t) "
            "halves only when t quadruples, so settling within 0.01% takes far more updates."
        )
    elif answer == SETTLES[1]:
        why = f"With {lr} the step does not shrink enough near the bottom: " + (
            "on L1's creased surface each facet has a constant gradient, so it jumps back and forth across the "
            "creases, as far as its step takes it."
            if loss == "l1"
            else "each step overshoots the bottom and comes back."
        )
    else:
        why = f"With {lr} it has not reached the bottom yet: more updates, or a larger lr, would get it closer."
    return rule + settle_takeaway(answer, numbers) + " " + why


def map_takeaway(
    loss: str,
    answer: str,
    share: float,
    updates: int,
    spread: tuple[float, float] | None = None,
    *,
    decaying: bool = False,
) -> str:
    """The map's takeaway: what plain descent's path does at the creases, consistent with the settle verdict
    (`spread`: the range of its w over those last `updates`, for how far it bounces)."""
    if answer == SETTLES[3]:
        return "Plain descent's path leaves the map: it blows up."
    if loss != "l1":
        smooth = "smooth everywhere" if loss == "l2" else "smooth near the optimum"
        if answer == SETTLES[1]:
            return (
                f"No creases here (the surface is {smooth}), yet plain descent jumps back and forth across the "
                "bottom: this lr is too large for how steeply the bowl curves."
            )
        if answer == SETTLES[2]:
            return (
                f"No creases here: the surface is {smooth}, and plain descent is still on its way down to the bottom."
            )
        return f"No creases here: the surface is {smooth}, so the gradient shrinks as the path nears the bottom."
    crossed = f"it crossed a crease in {share:.0%} of its last {updates:,} updates"
    if answer == SETTLES[1]:
        where = f", w between {plain(spread[0])} and {plain(spread[1])}" if spread is not None else ""
        settles = "has not settled yet (its step shrinks)" if decaying else "never settles"
        return f"Plain descent zig-zags across the creases and {settles}: {crossed}{where}."
    if answer == SETTLES[2] and share >= MOSTLY:
        return f"Plain descent is still on its way down, zig-zagging along a crease towards the optimum: {crossed}."
    if answer == SETTLES[2] and share > 0:  # a facet, then a crease now and then: "sliding down a facet" was false
        return f"Plain descent is still on its way down, across a crease now and then: {crossed}."
    if answer == SETTLES[2]:
        return f"Plain descent is still sliding down a facet towards the optimum: {crossed}."
    if answer == SETTLES[0]:
        return f"Plain descent ends on the optimum, where the creases meet: {crossed}."
    return "Plain descent's path leaves the map: it blows up."


def race_takeaway(excess: Mapping[str, float], f_star: float, labels: Mapping[str, str]) -> str:
    """The loss chart's takeaway when plain descent is off: who gets closest, and how close."""
    winners = closest(excess, f_star)
    names = listing(labels[o] for o in winners)
    verb = "gets" if len(winners) == 1 else "get"
    e = excess[winners[0]]
    if not np.isfinite(e):
        return "Every optimiser that is on blew up: none has a finite loss."
    above = plain(max(e, 0.0), rounding=FLOAT_ROUNDING * max(1.0, abs(f_star)))
    return f"{names} {verb} closest to the lowest loss: {above} above it."


def map_caption(moved: Sequence[str], drawn: int, states: int) -> str:
    """Under the map: what its own lr slider moves (`moved`: the paths' names; none: no slider), and how many of
    its `states` points each path is drawn through at most (`drawn`, frames.thin_series)."""
    hint = (
        f"Drag the lr slider under the map (or use its arrow keys): the path{'s' if len(moved) > 1 else ''} of "
        f"{' and '.join(moved)} follow{'' if len(moved) > 1 else 's'} your hand; the loss curves and the words below "
        "catch up when you let go. "
        if moved
        else ""
    )
    thinned = (
        f"Each path is drawn through at most {drawn:,} of its {states:,} points: the first and last, and in each "
        "stretch of updates the ones with the lowest and highest w."
        if drawn < states
        else ""
    )
    return hint + thinned


# Over 50 lines: one rebuttal per wrong pick for each verdict, side by side so none contradicts another.
def settle_rebuttals(answer: str, numbers: Mapping[str, float], loss: str, decaying: bool) -> dict[str, str]:
    """Each wrong pick of the settle question, answered from the run's own numbers (`answer`, `numbers`: the
    verdict and what decided it, as settling gives them; `loss`: the loss's key; `decaying`: the lr shrinks)."""
    window, rises = numbers.get("window", 0), numbers.get("rises", 0.0)
    settled, bounces, on_its_way, blows = SETTLES
    if answer == blows:
        away = "each step lands further from the bottom than the last (this lr is too large)"
        return {
            settled: f"Its loss grows instead: {away}.",
            bounces: f"Its jumps grow instead of keeping their size: {away}.",
            on_its_way: f"It moves away from the bottom, not towards it: {away}.",
        }
    margin, worst = plain(numbers["margin"], 2), excess_words(numbers["worst"], numbers.get("f_star", 0.0))
    last = f"its last {window:,} updates"
    if answer == settled:
        shrink = (
            "The decaying lr shrinks each jump across the creases"
            if loss == "l1"
            else "This surface is smooth: its gradient shrinks to 0 at the bottom, so the steps shrink with it"
        )
        return {
            bounces: f"{shrink}, and over {last} the loss stays within {margin} of the lowest.",
            on_its_way: f"It got there: over {last} its loss stays within {margin} of the lowest.",
            blows: f"Its steps shrank instead of growing: over {last} its loss stays within {margin} of the lowest.",
        }
    rose = (
        f"its loss rose at every one of {last}"
        if rises == 1
        else f"its loss fell at every one of {last}"
        if rises == 0
        else f"its loss rose in {rises:.0%} of {last}"
    )
    if answer == bounces:
        if loss != "l1":
            why = "This lr is too large for how steeply the bowl curves: each step overshoots the bottom"
        elif decaying:
            why = "The lr decays, but slowly: the jumps across the creases shrink only a little"
        else:
            why = "On L1 each facet's gradient keeps its size near the bottom, so a constant lr keeps the jumps"
        bounded = "On L1 the gradient's size is bounded, so the steps are too: " if loss == "l1" else ""
        return {
            settled: f"{why}; {rose}.",
            on_its_way: f"Going downhill the loss only falls, but {rose}: it has reached the bottom and jumps "
            "around it.",
            blows: f"{bounded}its jumps do not grow: over {last} its loss stays within {worst} of the lowest.",
        }
    end = excess_words(numbers["end"], numbers.get("f_star", 0.0))
    return {
        settled: f"Not yet: it ends {end} above the lowest loss, and settled means within {margin}.",
        bounces: f"{capital(rose)}: it is still going downhill, not jumping around the bottom.",
        blows: "Its loss is falling, not growing: more updates would take it further down.",
    }
