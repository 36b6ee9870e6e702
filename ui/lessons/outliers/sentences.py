"""The outliers page's sentences and verdicts, computed from the fits, runs and sweeps on screen.

"Near the true line" means one thing on the whole page: the mean vertical gap between a fitted line and
the true one, over x on the data's range, is at most `near_tolerance(sigma, n, shift)` (the rule `facts.NEAR`).

Over 400 lines: every sentence the page prints, each a short pure function with a branch per case the fits can show.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

import core
from ui.lessons.outliers import facts
from ui.lessons.outliers.facts import CLOSED_OVER
from ui.words import count, listing, number_word, percent, plain, times

FURTHER = ("only L1 (absolute)", "only L2 (squared)", "neither: both stay near", "both break down")
# the breakdown question's answers: ranges of the share L1 stays near up to, [lo, hi) (the last one up to half
# inclusive). Wide ranges, so a sweep that holds to 40% and breaks at 47% is one answer a student who knows a
# median withstands up to half can pick, not two answers one grid step apart.
BREAKS = {"under 20%": (0.0, 0.2), "20 to 35%": (0.2, 0.35), "35 to 50%": (0.35, 0.5)}
NEVER = "not even with no bad points"  # L1 is not near at 0%: every share-option fails
BREAK_OPTIONS = (*BREAKS, NEVER)
GAP_ROUNDING = 1e-9  # a mean gap this small is floating point's rounding (the table holds 3 decimals): "0"
SHORT = {"l1": "L1", "l2": "L2", "huber": "Huber"}  # a takeaway's names for the losses
FLAT = 0.1  # a late run whose loss is within 10% of the exact line's sits where the loss is nearly flat
JUST_OUTSIDE = 3.0  # a late run within 3 x near of its exact line is just outside: its zig-zag, not the way there


def near_tolerance(sigma: float, n: int, shift: float) -> float:
    """How close to the true line counts as near (mean vertical gap over x): facts.NEAR for n points at this
    sigma, the bad points shifted by `shift`."""
    return facts.NEAR.tolerance(sigma, n, shift)


mean_gap = facts.mean_gap  # the exact mean vertical gap over x on [lo, hi], as printed (3 significant digits)


def _g(value: float) -> str:
    """At most 3 significant digits (2, not 2.00), the minus sign −, never e-notation (a gap of 4.96e-14 printed
    as such once)."""
    text = plain(facts.shown(value))
    return text.rstrip("0").rstrip(".") if "." in text else text


def line_text(w: float, b: float, with_bias: bool, spec: str = ".3g") -> str:
    """The right-hand side of y = w·x + b as a sentence writes it: "2.01x + 4.9", "−3.34x − 0.3", or "2.01x" for a
    line through the origin (`with_bias` False: the fit has no intercept); `spec` "g" for a setting's own digits."""

    def digits(v: float) -> str:  # 3 significant digits: −29,500x + 109,000, not −29,490x + 108,799
        return _g(v) if spec == ".3g" else f"{v:{spec}}".replace("-", "−")

    slope = f"{digits(w)}x"
    if not with_bias:
        return slope
    return f"{slope} {'−' if b < 0 else '+'} {digits(abs(b))}"


def gap_text(gap: float) -> str:
    """A mean gap as a takeaway prints it: 3 significant digits ("about 45,000" past 1,000, not 45,045), "0 (to
    rounding)" within GAP_ROUNDING."""
    value = facts.shown(gap)
    return ("about " if abs(value) >= 1000 else "") + plain(value, rounding=GAP_ROUNDING)


def shifted_words(shifted: int, n: int) -> str:
    """ "3 of the 30 points (10%) were", "1 of the 10 points (10%) was": the subject and its verb agree."""
    share = shifted / n if n else 0.0
    return f"{shifted} of the {n} points ({share:.0%}) {'was' if shifted == 1 else 'were'}"


def near_lines(gaps: Mapping[str, float], tol: float) -> dict[str, bool]:
    """Per loss, whether its line is near the true one: a mean gap of at most `tol` (nan counts as far)."""
    return {k: bool(g <= tol) for k, g in gaps.items()}


def _further(near: Mapping[str, bool]) -> str:
    if near["l1"] and near["l2"]:
        return FURTHER[2]
    if not near["l1"] and not near["l2"]:
        return FURTHER[3]
    return FURTHER[1] if near["l1"] else FURTHER[0]


def further_answers(gaps: Mapping[str, float], tol: float) -> tuple[str, ...]:
    """Which lines leave the true one, by the near rule alone (a difference inside `tol` decides nothing): the
    plain rule's answer first, then the others a line on the edge of near allows (facts.NEAR.readings)."""
    readings = {k: facts.NEAR.readings(gaps[k], tol) for k in ("l1", "l2")}
    answers = (_further({"l1": a, "l2": b}) for a in readings["l1"] for b in readings["l2"])
    return tuple(dict.fromkeys(answers))


def further_answer(gaps: Mapping[str, float], tol: float) -> str:
    """The plain near rule's answer: the first of `further_answers`."""
    return further_answers(gaps, tol)[0]


def edge_note(gaps: Mapping[str, float], tol: float, answers: Sequence[str]) -> str:
    """The sentence that says which lines sit on the edge of near and which answers therefore count ("" if none)."""
    edge = [k for k in ("l1", "l2") if facts.NEAR.on_edge(gaps[k], tol)]
    if len(answers) < 2 or not edge:
        return ""
    who = " and ".join(f"{SHORT[k]}'s gap, {gap_text(gaps[k])}," for k in edge)
    return (
        f" {who[0].upper()}{who[1:]} {'is' if len(edge) == 1 else 'are'} within {facts.NEAR.edge:.0%} of "
        f"{near_text(tol)}, on the edge of near: {' and '.join(f'«{a}»' for a in answers)} both count."
    )


def near_text(tol: float) -> str:
    """The near rule's gap as every sentence, chart and the teachers' page print it: its 3 significant digits ("1.35",
    "1.1"), the number the rule compares (facts.NearRule.tolerance)."""
    return _g(tol)


def near_rule(tol: float) -> str:
    """The rule as a question or a sentence prints it, from facts.NEAR: "within 1.4 (the larger of ...)"."""
    return f"within {near_text(tol)} ({facts.NEAR.describe()})"


def further_explanation(
    gaps: Mapping[str, float], tol: float, x_range: tuple[float, float], shifted: int, n: int = 0, *, size: float = 0.0
) -> str:
    """Why, in numbers: each line's mean gap to the true line against the near rule, and the case the data show
    (`shifted` of `n` points moved by `size`)."""
    answers = further_answers(gaps, tol)
    answer = answers[0]
    g1, g2 = gap_text(gaps["l1"]), gap_text(gaps["l2"])
    numbers = (
        f"On average over x from {_g(x_range[0])} to {_g(x_range[1])}, L1's line is {g1} from the true line and "
        f"L2's {g2}; near means {near_rule(tol)}. "
    )
    share = shifted / n if n else 0.0
    shift = f"{size:+g}".replace("-", "−")
    verb = "moves the" if shifted == 1 else "move their"
    moved = f"{shifted} of {n} points ({share:.0%}) moved by {shift} {verb} mean by {plain(share * size, 2)}"
    if answer == FURTHER[2]:
        why = (
            "No point in the table is marked as shifted, so there is nothing for either loss to chase."
            if shifted == 0
            else f"Both gaps are inside the rule: {moved}, and at this noise near allows up to {near_text(tol)}."
        )
    elif answer == FURTHER[1]:
        why = (
            f"Only L2 left it. L2 averages: {moved}, and squaring lets the far points dominate its sum. L1 counts "
            f"points: {shifted} shifted against {n - shifted} others, so the majority holds its line."
        )
    elif answer == FURTHER[0]:
        why = (
            f"Only L1 left it: it counts points, not distances, and here the {shifted} shifted points tipped it, "
            f"while L2's average stayed inside the band."
        )
    else:
        why = (
            f"Both left it. {moved[0].upper()}{moved[1:]}, which carries L2's average; and with {share:.0%} of the "
            "points shifted together, even L1, which counts points, follows them."
            if shifted
            else "Both left it, though no point is marked as shifted: the edited points put both lines there."
        )
    return numbers + why + edge_note(gaps, tol, answers)


def far_words(far: int, values: Mapping[str, object]) -> str:
    """An edited table's far points as the chart's description counts them: "1 of them more than 2.5 from the true
    line" (facts.FAR at this noise)."""
    return f"{far} of them more than {_g(facts.FAR.threshold(values['o_sigma']))} from the true line"


def _draggers(far: int | None) -> str:
    """Who drags L2 off: the generated table's shifted points (`far` None), or an edited table's far points."""
    if far is None:
        return "the shifted points drag"
    if far == 0:
        return "the edited points drag"
    one = far == 1
    return f"the {number_word(far)} point{'' if one else 's'} far from the true line drag{'s' if one else ''}"


def fit_takeaway(
    gaps: Mapping[str, float],
    tol: float,
    far: int | None = None,
    tie: Mapping[str, tuple[float, ...]] | None = None,
) -> str:
    """The scatter's one-line takeaway: which lines stay near the true one, by the near rule, with their gaps.
    `far`: the table was edited, this many of its points lie far from the true line (None: the generated table);
    `tie`: L1's best line is a near-tie with one near the truth (near_ties), said instead of a plain break."""
    near = near_lines(gaps, tol)
    g1, g2, rule = gap_text(gaps["l1"]), gap_text(gaps["l2"]), f"(near: within {near_text(tol)})"
    edge = [SHORT[k] for k in ("l1", "l2") if facts.NEAR.on_edge(gaps[k], tol)]
    if edge:
        rule = f"(near: within {near_text(tol)}; {' and '.join(edge)} on the edge of it)"
    if tie and "l1" in tie and not near["l1"]:
        run, _, excess = tie["l1"]
        head = "Both break down, L1 only just" if not near["l2"] else "L1 breaks down only just"
        l2 = f"L2 is {g2} off" if not near["l2"] else f"L2 stays near, {g2} off"
        return (
            f"{head}: its best line, {g1} off, beats one {gap_text(run)} off by {percent(excess)} of loss, a "
            f"near-tie a tiny change tips. {l2} {rule}."
        )
    if near["l1"] and near["l2"]:
        return f"Both lines stay near the true one: L1 is {g1} and L2 {g2} off on average {rule}."
    if near["l1"]:
        return f"L1 stays near the true line, {g1} off on average; {_draggers(far)} L2 {g2} off {rule}."
    if near["l2"]:
        return f"L2 stays near the true line, {g2} off on average; L1's line left it, {g1} off {rule}."
    return f"Both lines break down: L1 is {g1} and L2 {g2} off the true line on average {rule}."


def near_ties(
    gd: Mapping[str, Mapping], exact_gaps: Mapping[str, float], truth: tuple[float, float], x_range, tol: float
) -> dict[str, tuple[float, float, float]]:
    """L1's best line when it is a near-tie: its descent run stopped clearly near the true line (nearer_truth) on a
    line whose loss is within facts.TIE of the exact fit's, which left it: {"l1": (the run's gap, the exact fit's,
    the run's loss above the exact one's, relative)} or {}."""
    nearer = nearer_truth({"l1": gd["l1"]}, exact_gaps, truth, x_range, tol)
    if "l1" in nearer and gd["l1"]["excess_loss"] <= facts.TIE:
        return {"l1": (*nearer["l1"], float(gd["l1"]["excess_loss"]))}
    return {}


def tie_note(tie: Mapping[str, tuple[float, ...]] | None) -> str:
    """The first answer's sentence on L1's near-tie ("" if none): its verdict hangs on a small loss difference."""
    if not tie or "l1" not in tie:
        return ""
    run, fit, excess = tie["l1"]
    return (
        f" But L1 breaks down only just: a line {gap_text(run)} from the true one has a loss only {percent(excess)} "
        f"above its best line's ({gap_text(fit)} off), so a tiny change in the data tips it, and gradient descent "
        "(below) stops on that good line."
    )


def fit_seen(
    exact: Mapping[str, tuple[float, float]], truth: tuple[float, float], gaps: Mapping[str, float], tol: float
) -> str:
    """What the scatter shows: both lines' slope and bias against the truth, and which one stayed near."""
    w, b = truth
    text = (
        f"L2's line has slope {_g(exact['l2'][0])} and bias {_g(exact['l2'][1])}, L1's {_g(exact['l1'][0])} and "
        f"{_g(exact['l1'][1])}, against the true {w:g} and {b:g}: a mean gap of {gap_text(gaps['l2'])} for L2 and "
        f"{gap_text(gaps['l1'])} for L1, on average over x (near: {near_rule(tol)}). "
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


def nearer_truth(
    gd: Mapping[str, Mapping], exact_gaps: Mapping[str, float], truth: tuple[float, float], x_range, tol: float
) -> dict[str, tuple[float, float]]:
    """The late runs whose line ends clearly near the true one while their exact fit is clearly not (by
    facts.NEAR, edges excluded): {loss: (the run's mean gap to the true line, its exact fit's)}."""
    out = {}
    for k, run in gd.items():
        gap = mean_gap(*run["end"], *truth, *x_range)
        if not run["arrived"] and facts.NEAR.readings(gap, tol) == (True,) == tuple(
            not r for r in facts.NEAR.readings(exact_gaps[k], tol)
        ):
            out[k] = (gap, float(exact_gaps[k]))
    return out


def nearer_words(gd: Mapping[str, Mapping], nearer: Mapping[str, tuple[float, float]], with_bias: bool) -> str:
    """The fold's sentence on runs that stopped near the true line short of an exact fit that left it ("")."""
    if not nearer:
        return ""
    runs = "; ".join(
        f"{SHORT[k]}'s run ends at y = {line_text(*gd[k]['end'], with_bias)}, {gap_text(run)} from the true line on "
        f"average, its exact fit {gap_text(fit)}"
        for k, (run, fit) in nearer.items()
    )
    return (
        f" {runs}. With this many bad points a line through the good points fits almost as well as the best line, "
        "which follows the bad ones: descent from (0, 0) meets the good line first and the loss barely pulls it on."
    )


KINK_REBUTTAL = (  # the second question's misconception, answered before its numbers
    "At the kink descent uses a subgradient: |r| has every slope from −1 to 1 there and any one of them gives a valid "
    "step (this page uses 0), so every update is defined. A kink can slow descent down; it cannot stop it. The chart "
    "below shows how close each run gets."
)


ARRIVAL_EDGE = 1.25  # a run ending within 25% of the arrival line either side: "yes" and "not all" both count


def descent_answer(gd: Mapping[str, Mapping], answers: Sequence[str]) -> str:
    """answers[0] ("yes, all three") if every run ended within `near` of its exact line, else answers[2]."""
    return answers[0] if all(run["arrived"] for run in gd.values()) else answers[2]


def descent_answers(gd: Mapping[str, Mapping], answers: Sequence[str], near: float) -> tuple[str, ...]:
    """`descent_answer` first; both answers[0] and answers[2] when a run that decides it ends on the edge of the
    arrival line (within ARRIVAL_EDGE of `near`, either side): 0.0118 against 0.01 is not a verdict."""
    main = descent_answer(gd, answers)
    edge = [run for run in gd.values() if near / ARRIVAL_EDGE <= run["final"] <= near * ARRIVAL_EDGE]
    late = [run for run in gd.values() if not run["arrived"]]
    flips = (main == answers[0] and edge) or (main == answers[2] and late and all(r in edge for r in late))
    return (main, answers[2] if main == answers[0] else answers[0]) if flips else (main,)


def arrival_edge_note(gd: Mapping[str, Mapping], near: float) -> str:
    """The explanation's sentence on runs that end on the edge of the arrival line ("" if none)."""
    edge = [k for k, run in gd.items() if near / ARRIVAL_EDGE <= run["final"] <= near * ARRIVAL_EDGE]
    if not edge:
        return ""
    ends = listing(f"{SHORT[k]} {plain(gd[k]['final'])}" for k in edge)
    return (
        f" On the edge of the {near:g} line ({ends}, within {ARRIVAL_EDGE - 1:.0%} of it), 'yes' and 'not all' both "
        "count: the line is a choice, not a law."
    )


def why_late(run: Mapping, near: float, tie: float = 1e-9) -> str:
    """Why a run that did not arrive is late, from its numbers: "tied" (a loss as low as the exact line's: another
    optimal line), "close" (within JUST_OUTSIDE x near: its zig-zag has not shrunk enough), "flat" (its loss within
    FLAT of the exact line's: the surface is nearly flat, so it crawls), or "slow" (the decaying step has shrunk)."""
    if run["excess_loss"] <= tie:
        return "tied"
    if run["final"] <= JUST_OUTSIDE * near:
        return "close"
    return "flat" if run["excess_loss"] <= FLAT else "slow"


def _names(keys: Sequence[str]) -> str:
    return listing(SHORT[k] for k in keys)


def _far(gd: Mapping[str, Mapping], k: str, exact: Mapping[str, tuple[float, float]]) -> str:
    """Where a late run ended, against its exact line and the start (0, 0), in max(|dw|, |db|) as the chart draws."""
    (ew, eb) = exact[k]
    return (
        f"{SHORT[k]} ended {plain(gd[k]['final'])} from its exact line, which lies "
        f"{plain(max(abs(ew), abs(eb)))} from the start (0, 0)"
    )


def _pace(run: Mapping) -> str:
    """How much of its distance a run closed over its last CLOSED_OVER updates, and what that pace would need."""
    closed, final = run["closed"], run["final"]
    text = f"its last {CLOSED_OVER:,} updates closed {plain(max(closed, 0.0), 2)} of the distance"
    if closed > 0:
        text += f"; at that pace the remaining {plain(final, 2)} takes about {_g(final / closed * CLOSED_OVER)} "
        text += "more updates, and the decaying step only slows it further"
    return text


def _reason(k: str, run: Mapping, near: float, tie: float) -> str:
    """One late run's reason, in numbers (for the fold)."""
    name, kind = SHORT[k], why_late(run, near, tie)
    if kind == "tied":
        return (
            f"{name} ends {plain(run['final'])} from the exact line with a loss as low: the data do not pin the line "
            "down, so several lines are optimal and descent found another"
        )
    if kind == "close":
        return (
            f"{name} ends {plain(run['final'])} from its exact line, just outside {near:g}: it zig-zags around the "
            f"line, and the decaying step (down to {run['lr_ratio']:.0%} of its first size) has not yet shrunk the "
            "zig-zag enough"
        )
    head = f"{name} ends {plain(run['final'])} from its exact line with a loss {percent(run['excess_loss'])} above the "
    if kind == "flat":
        return head + (
            "exact line's: not stuck at a kink but crawling, because the loss is nearly flat between the two lines, "
            f"so the gradient that pulls it across is small; {_pace(run)}"
        )
    return (
        head
        + f"exact line's: still on its way, with the step down to {run['lr_ratio']:.0%} of its first size; {_pace(run)}"
    )


def descent_explanation(
    gd: Mapping[str, Mapping],
    exact: Mapping[str, tuple[float, float]],
    updates: int,
    near: float,
    tie: float = 1e-9,
    nearer: str = "",
) -> str:
    """Why, in numbers: where each run that did not arrive ended, and why, from its loss and its pace."""
    late = [k for k, run in gd.items() if not run["arrived"]]
    if not late:
        slowest = max(gd, key=lambda k: gd[k]["final"])
        return (
            f"All three end within {near:g} of their exact lines after {updates:,} updates (the furthest at the end, "
            f"{SHORT[slowest]}, {plain(gd[slowest]['final'])} away): a subgradient is all descent needs (at "
            "L1's kink we use 0), and the decaying step shrinks the zig-zag around the optimum."
        )
    parts = [_reason(k, gd[k], near, tie) for k in late]
    return f"Not all end within {near:g} after {updates:,} updates. " + "; ".join(parts) + "." + nearer


def descent_seen(
    gd: Mapping[str, Mapping],
    exact: Mapping[str, tuple[float, float]],
    updates: int,
    near: float,
    tie: float = 1e-9,
    nearer: str = "",
) -> str:
    """What the distance chart shows: when each run settled for good, where each ended, and why the late ones are
    late."""
    settled = sorted((run["settled"], SHORT[k]) for k, run in gd.items() if run["settled"] is not None)
    text = (
        f"Within {near:g} of the exact fit for good: "
        + ", ".join(f"{name} after {count(k, 'updates')}" for k, name in settled)
        if settled
        else f"No run stays within {near:g} of its exact fit"
    ) + ". "
    text += (
        "At the end: "
        + "; ".join(f"{SHORT[k]} {plain(run['final'], rounding=GAP_ROUNDING)}" for k, run in gd.items())
        + ". "
    )
    late = [k for k, run in gd.items() if not run["arrived"]]
    if not late:
        return text + "All three arrive: descent handles L1's kink."
    text += f"Not there after {updates:,} updates: {_names(late)}. "
    paces = {k: f" ({_pace(gd[k])})" if why_late(gd[k], near, tie) in ("flat", "slow") else "" for k in late}
    return (
        text
        + "; ".join(f"{_far(gd, k, exact)}: {_reason_short(k, gd[k], near, tie)}{paces[k]}" for k in late)
        + "."
        + nearer
    )


def _reason_short(k: str, run: Mapping, near: float, tie: float) -> str:
    return {
        "tied": "its loss is as low: the data do not pin the line down, so another line is optimal too",
        "close": "just outside, still zig-zagging around it",
        "flat": f"its loss is within {percent(run['excess_loss'])} of the best, so it crawls across a nearly flat "
        "stretch, not stuck at a kink",
        "slow": "still on its way, and a decaying step covers ground ever more slowly",
    }[why_late(run, near, tie)]


def held_to(fractions: Sequence[float], gaps: Sequence[float], tol: float) -> float | None:
    """The largest outlier fraction up to which every fitted line stayed within `tol` (None: not even the first)."""
    held = None
    for frac, gap in sorted(zip(fractions, gaps, strict=True)):
        if not gap <= tol:  # nan counts as far
            break
        held = float(frac)
    return held


def breakdown_answer(held: float | None) -> str:
    """The range that holds the share L1 stayed near up to (BREAKS: [lo, hi), the last to 50% inclusive); NEVER
    when it was not near even without outliers."""
    if held is None:
        return NEVER
    return next((k for k, (lo, hi) in BREAKS.items() if lo <= held < hi), list(BREAKS)[-1])


def breakdown_answers(fractions: Sequence[float], gaps: Sequence[float], tol: float) -> tuple[str, ...]:
    """The breakdown question's right answers: the plain near rule's range first, then every range between the
    share L1 holds to with each gap on the edge of near read as far and the share with each read as near."""
    order = [NEVER, *BREAKS]
    main = breakdown_answer(held_to(fractions, gaps, tol))
    lo, hi = (order.index(breakdown_answer(held_to(fractions, gaps, tol * f))) for f in facts.NEAR.readings_band())
    return tuple(dict.fromkeys([main, *order[lo : hi + 1]]))


def _edge_shares(fractions: Sequence[float], gaps: Sequence[float], tol: float) -> list[tuple[float, float]]:
    """The (share, gap) pairs on the edge of near whose reading moves how far the line holds: after the share it
    holds to with every edge read as far, up to the first share past the one it holds to with every edge near."""
    pairs = sorted(zip((float(f) for f in fractions), (float(g) for g in gaps), strict=True))
    lo, hi = (held_to(fractions, gaps, tol * f) for f in facts.NEAR.readings_band())
    after_hi = next((f for f, _ in pairs if hi is None or f > hi), math.inf)
    return [(f, g) for f, g in pairs if (lo is None or f > lo) and f <= after_hi and facts.NEAR.on_edge(g, tol)]


def _edge_words(edge: Sequence[tuple[float, float]]) -> str:
    """ "35% on the edge of near (2.73)": the shares a verdict must not hang on."""
    shares = " and ".join(f"{f:.0%}" for f, _ in edge)
    return f"{shares} on the edge of near ({', '.join(gap_text(g) for _, g in edge)})"


def _held_text(name: str, held: float | None, fractions: Sequence[float], gaps: Sequence[float], tol: float) -> str:
    if held is None:
        return f"{name}'s line is {gap_text(gaps[0])} from the true line even at {fractions[0]:.0%} outliers"
    after = [(f, g) for f, g in sorted(zip(fractions, gaps, strict=True)) if f > held]
    if not after:
        return f"{name} stays within {near_text(tol)} of the true line up to **{held:.0%}** outliers, the whole sweep"
    return (
        f"{name} stays within {near_text(tol)} of the true line up to **{held:.0%}** outliers and is "
        f"{gap_text(after[0][1])} away at {after[0][0]:.0%}"
    )


def breakdown_explanation(fractions: Sequence[float], l1_gaps: Sequence[float], tol: float) -> str:
    held = held_to(fractions, l1_gaps, tol)
    answers = breakdown_answers(fractions, l1_gaps, tol)
    edge = _edge_shares(fractions, l1_gaps, tol)
    both = (
        f" With {_edge_words(edge)}, within {facts.NEAR.edge:.0%} of {near_text(tol)}, "
        f"{' and '.join(f'«{a}»' for a in answers)} {'both' if len(answers) == 2 else 'all'} count."
        if len(answers) > 1 and edge
        else ""
    )
    return (
        f"Near means {near_rule(tol)} of the true line, on average over x. "
        + _held_text("L1", held, fractions, l1_gaps, tol)
        + "."
        + both
    )


def breakdown_seen(
    fractions: Sequence[float],
    gaps: Mapping[str, Sequence[float]],
    tol: float,
    outliers_x_range: tuple[float, float],
    weights: Sequence[float] | None = None,
) -> str:
    """What the sweep shows: how far L2 and L1 are at the first non-zero fraction, where L1 breaks here, the
    shares on the edge of near that the takeaway's "about" stands for, and (`weights`, a line through the origin)
    the weight that decides a weighted median."""
    edge = {k: _edge_shares(fractions, gaps[k], tol) for k in ("l1", "l2")}
    said = [f"{SHORT[k]} at {_edge_words(e).replace(' on the edge of near', '')}" for k, e in edge.items() if e]
    on_edge = (
        f" On the edge of near, within {facts.NEAR.edge:.0%} of {near_text(tol)}, where a rule of thumb decides "
        f"nothing: {'; '.join(said)}."
        if said
        else ""
    )
    weight = _weight_at_held(fractions, gaps["l1"], tol, weights)
    median = (
        f" Through the origin L1's slope is the weighted median of yᵢ/xᵢ, each weighted by |xᵢ|: it holds while the "
        f"bad points carry under half of Σ|xᵢ|. At {held_to(fractions, gaps['l1'], tol):.0%} of the points they carry "
        f"{_weight_text(weight)} here, so which side of one half they fall on is down to the x values this seed gave "
        "them."
        if weight is not None
        else ""
    )
    return _breakdown_story(fractions, gaps, tol, outliers_x_range) + on_edge + median


def _breakdown_story(
    fractions: Sequence[float], gaps: Mapping[str, Sequence[float]], tol: float, outliers_x_range: tuple[float, float]
) -> str:
    order = np.argsort(fractions)
    fr = [float(fractions[i]) for i in order]
    l1 = [float(gaps["l1"][i]) for i in order]
    l2 = [float(gaps["l2"][i]) for i in order]
    first = 1 if len(fr) > 1 else 0
    l2_word = "already" if l2[first] > tol else "only"
    text = f"At {fr[first]:.0%} outliers L2's line is {l2_word} {gap_text(l2[first])} away from the truth on average, "
    text += f"L1's {gap_text(l1[first])}. " + _held_text("L1", held_to(fr, l1, tol), fr, l1, tol) + ": "
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
        "its breakdown point here is below the one half that the median of y alone reaches. A line has a slope to "
        f"choose as well (x runs from {lo:g} to {hi:g} here): it can pass through the bad points at one end and the "
        "good ones at the other, so fewer than half the points can carry it."
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
        strongest = f", here up to {times(top['l2'], top['l1'])} times L1's strongest." if top["l1"] > 0 else "."
        return text + strongest
    return text + ": here no residual is large enough for L2's pull to pass L1's."


def _held_phrase(name: str, held: float | None, fractions: Sequence[float], edge: bool = False) -> str:
    """Up to which share a line stays near; `edge`: a share that decides it sits on the edge of near, so the
    phrase says "about" or "only just" (the gaps are in the fold)."""
    fr = sorted(float(f) for f in fractions)
    if held is None:
        return f"{name} is {'just outside near' if edge else 'not near'} even with no bad points"
    if held >= fr[-1]:
        return f"{name} stays near over the whole sweep, to {held:.0%}{', only just' if edge else ''}"
    nxt = next(f for f in fr if f > held)
    if held <= 0:
        return f"{name} leaves {'near at about' if edge else 'at'} the first bad share ({nxt:.0%})"
    return f"{name} stays near up to {'about ' if edge else ''}{held:.0%} bad points"


def breakdown_takeaway(
    fractions: Sequence[float], gaps: Mapping[str, Sequence[float]], tol: float, weights: Sequence[float] | None = None
) -> str:
    """The sweep's takeaway: up to which share of bad points each of L1 and L2 stays near the true line, "about"
    where a share on the edge of near decides it; `weights` (a line through the origin: the bad points' share of
    Σ|x| per data set): when L1 holds to a share near half, the weight its bad points carry there."""
    phrases = []
    for k in ("l1", "l2"):
        held = held_to(fractions, gaps[k], tol)
        phrases.append(_held_phrase(SHORT[k], held, fractions, edge=bool(_edge_shares(fractions, gaps[k], tol))))
    note = _weight_note(fractions, gaps["l1"], tol, weights)
    return f"{phrases[0]}{note}; {phrases[1]} (near: within {near_text(tol)})."


HALF_BAND = 0.05  # a weight share within 5 points of one half: which side it falls on is the seed's doing


def _weight_at_held(fractions, gaps, tol, weights) -> float | None:
    """The bad points' share of Σ|x| at the share L1 holds to, when that is near one half (None otherwise)."""
    held = held_to(fractions, gaps, tol)
    if weights is None or held is None or held < 0.5 - HALF_BAND:
        return None
    weight = dict(zip((float(f) for f in fractions), (float(w) for w in weights), strict=True))[held]
    return weight if abs(weight - 0.5) <= HALF_BAND else None


def _weight_note(fractions, gaps, tol, weights) -> str:
    weight = _weight_at_held(fractions, gaps, tol, weights)
    if weight is None:
        return ""
    side = "just under half" if weight < 0.5 else "half" if weight == 0.5 else "just over half"
    return f" (bad points: {_weight_text(weight)} of the weight, {side})"


def _weight_text(weight: float) -> str:
    """A weight share near one half to 3 digits: 49.9%, not the 50% two digits would round it to."""
    return f"{plain(100 * weight, 3)}%"


def _late_reason(gd: Mapping[str, Mapping], late: Sequence[str], near: float, tie: float) -> str:
    """The takeaway's reason for the late runs: the farthest one's case, said of all of them if they share it."""
    worst = max(late, key=lambda k: gd[k]["final"])
    kind = why_late(gd[worst], near, tie)
    same = all(why_late(gd[k], near, tie) == kind for k in late)
    many = same and len(late) > 1
    its, it = ("their", "they") if many else ("its", "it")
    who = "" if same else f"{SHORT[worst]}: "
    if kind == "tied":
        return f"{who}{its} loss is as low as the exact line's: another line is optimal too"
    if kind == "close":
        return f"{who}just outside, as the decaying step has not yet shrunk {its} zig-zag below {near:g}"
    if kind == "flat":
        pct = max(gd[k]["excess_loss"] for k in late if why_late(gd[k], near, tie) == "flat")
        return f"{who}{its} loss is within {percent(pct)} of the best, nearly flat there, so {it} crawl" + (
            "" if many else "s"
        )
    return f"{who}the decaying step is down to {gd[worst]['lr_ratio']:.0%} of its first size"


def descent_takeaway(
    gd: Mapping[str, Mapping], updates: int, near: float, tie: float = 1e-9, nearer: Mapping | None = None
) -> str:
    """The distance chart's takeaway: which runs end within `near` of their exact lines, the margin of the slowest
    when all do, and why the others are late, from their numbers; for late runs that stopped near the true line
    short of an exact fit that left it (`nearer_truth`), that instead (the pace is in the fold)."""
    done = [k for k, run in gd.items() if run["arrived"]]
    late = [k for k in gd if k not in done]
    if not late:  # in the order they came in for good: the last one in is not always the one ending furthest
        order = sorted(gd, key=lambda k: (gd[k]["settled"] is None, gd[k]["settled"] or 0))
        when = [
            f"{SHORT[k]} by {'update ' if i == 0 else ''}{gd[k]['settled']:,}"
            if gd[k]["settled"] is not None
            else f"{SHORT[k]} only at the end"
            for i, k in enumerate(order)
        ]
        furthest = max(gd, key=lambda k: gd[k]["final"])
        margin = f"; {SHORT[furthest]} ends furthest, {plain(gd[furthest]['final'])} off"  # first in is not closest
        return (
            f"All three reach their exact lines (within {near:g}) and stay: {', '.join(when)}{margin}. "
            "L1's kink does not stop descent."
        )
    ends = "ends" if len(late) == 1 else "end"
    finals = [plain(gd[k]["final"], 2) for k in late]
    dists = finals[0] if len(finals) == 1 else ", ".join(finals[:-1]) + " and " + finals[-1]
    reason = _late_reason(gd, late, near, tie)
    if nearer:  # the surprise beats the pace: a late run nearer the truth than the line it is heading for
        many = len(nearer) > 1
        who = f"the runs of {_names(list(nearer))} sit" if many else f"{_names(list(nearer))}'s run sits"
        reason = f"{who} near the true line, {'their exact fits do' if many else 'its exact fit does'} not"
    if not done:
        return f"None arrives: {_names(late)} end {dists} from their exact lines; {reason}."
    head = f"{_names(done)} {'reaches its exact line' if len(done) == 1 else 'reach their exact lines'}. "
    return f"{head}{_names(late)} {ends} {dists} away: {reason}."


def number_line_takeaway(fixed: np.ndarray, dragged: float) -> str:
    """The number line's takeaway: the median and the mean now, and where the median can go."""
    targets = np.append(np.asarray(fixed, dtype=float), dragged)
    lo, hi = median_reach(fixed)
    return (
        f"Median {plain(np.median(targets))}, mean {plain(np.mean(targets))}: the mean follows the dragged point, "
        f"the median stays between {plain(lo)} and {plain(hi)} wherever it goes."
    )


def pulls_on_w(loss: str, height: np.ndarray, x: np.ndarray, **params: float) -> np.ndarray:
    """Each point's pull on w at a line: the way one gradient step moves w, −loss'(r)·x with r = −height the
    prediction minus y (`height`: how far the point sits above the line). Positive: it steepens the line."""
    return -core.loss_grad(loss, -np.asarray(height, dtype=float), **params) * np.asarray(x, dtype=float)


def _strongest(p: np.ndarray) -> float:
    p = np.asarray(p, dtype=float)
    return float(p[np.argmax(np.abs(p))]) if p.size else 0.0


def influence_takeaway(pulls: Mapping[str, np.ndarray]) -> str:
    """The pulls chart's takeaway: L2's strongest pull, its direction, and how it compares with L1's."""
    l1, l2 = _strongest(pulls["l1"]), _strongest(pulls["l2"])
    if l1 == 0 and l2 == 0:
        return "Every pull on w is 0: every point has x = 0, so no point can turn the slope."
    if abs(l2) <= abs(l1):
        return (
            f"No point is far enough for L2 to pull harder than L1: their strongest pulls are {plain(abs(l2))} "
            f"and {plain(abs(l1))}."
        )
    way = "steepening the line" if l2 > 0 else "flattening it"
    ratio = f", {times(abs(l2), abs(l1))} times L1's strongest" if l1 else ""
    return f"L2's strongest pull is {plain(abs(l2))}, {way}{ratio}: under L2 a point pulls harder the further it is."


def bounded_takeaway(pulls: Mapping[str, np.ndarray], x: np.ndarray, delta: float) -> str:
    """The bounded panel's takeaway: L1's and Huber's strongest pulls against their caps |x| and delta·|x|."""
    x_max = float(np.max(np.abs(x))) if np.size(x) else 0.0
    l1, hu = abs(_strongest(pulls["l1"])), abs(_strongest(pulls["huber"]))
    return (
        f"Capped however far a point is: L1's strongest pull is {plain(l1)}, at most |x| = {plain(x_max)}; "
        f"Huber's {plain(hu)}, at most delta·|x| = {plain(delta * x_max)}."
    )
