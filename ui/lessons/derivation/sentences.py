"""Sentences of the derivation page, each built from the numbers it describes (pure: numbers in, text out).

The page differentiates L(w) = |w·x + b − t| for one sample the student sets, checks it with finite differences,
runs the misconception ∇L = ∇m against the true gradient, and sums L1 gradients over a few samples. Every
function states only what its arguments show, with a branch for each case the page's controls can produce:
x = 0 (w has no effect), standing on the kink r = 0, a negative x, a bias.

Over 400 lines: every sentence the page prints, each a short pure function with a branch per case.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ui.words import num

EPS = np.finfo(float).eps
GUESS_TOL = 1e-3  # a typed dL/dw counts as right within this


EXACT_DECIMALS = 4  # the sliders hold at most 2 decimals: their products and sums, at most 4 (1.35·2.7 = 3.645)


def fmt(v: float) -> str:
    """A number as the page prints it, the minus sign −, never e-notation (ui.words.num): a decimal the sliders'
    arithmetic makes exactly (at most EXACT_DECIMALS decimals: ŷ = 1.35·2.7 = 3.645, dL/dw = −2) as it is, any
    other (the kink at w = −0.667, a sum over random samples) to 3 significant digits."""
    v = float(v) + 0.0  # + 0.0: no "−0"
    short = round(v, EXACT_DECIMALS)
    if abs(v - short) <= 1e-9 * max(1.0, abs(v)):  # the float's rounding of a short decimal: 0.1 + 0.2
        return num(short + 0.0, 15)
    return num(v, 3)


def factor(v: float) -> str:
    """A number as a factor of a printed product: in brackets when negative ("1·(−1.5)", not "1·−1.5")."""
    text = fmt(v)
    return f"({text})" if text.startswith("−") else text


def residual(w: float, x: float, b: float, t: float) -> float:
    """r = w·x + b − t, with the product's rounding read as 0: the sliders hold decimals, and 1.5·0.2 − 0.3
    = 5.6e-17 in floats is, for the student who set them, exactly the kink."""
    r = w * x + b - t
    return 0.0 if abs(r) <= 8 * EPS * max(abs(w * x), abs(b), abs(t)) else r


class WrongGuess(NamedTuple):
    name: str  # what the student computed, e.g. "x alone"
    value: float
    why: str  # the slip behind it, in numbers


def wrong_guesses(x: float, r: float, sign: float) -> tuple[WrongGuess, ...]:
    """The common wrong answers for dL/dw off the kink, in the order a typed number is matched against them."""
    return (
        WrongGuess(
            "x alone", x, f"That is dŷ/dw = x alone: the misconception. r = {fmt(r)} is negative, so the sign flips it"
        ),
        WrongGuess(
            "sign(r) alone",
            sign,
            f"That is dL/dr = sign(r) alone: the chain rule stopped one factor early, x = {fmt(x)} multiplies it",
        ),
        WrongGuess(
            "2·r·x",
            2 * r * x,
            "That is 2·r·x, the squared loss's gradient, which shrinks near the target; |r|'s keeps its size",
        ),
        WrongGuess("|r|", abs(r), "That is |r|, the loss's value, not its slope"),
    )


def guess_feedback(guess: float, x: float, r: float, sign: float, grad_w: float) -> tuple[bool, str]:
    """Whether a typed dL/dw is right, and why, in numbers. On the kink any subgradient is right; with x = 0 there
    is no kink in w (L is flat in w) and the slope is 0."""
    if x == 0 and r == 0:  # off the target a slip is still named below (sign(r) alone is 1, x = 0 multiplies it)
        ok = abs(guess) <= GUESS_TOL
        return ok, (
            f"{'Right' if ok else 'Not quite'}: with x = 0, w does not move the prediction, so L is flat in w and "
            f"dL/dw = sign(r)·0 = 0{'' if ok else f' (yours: {fmt(guess)})'}."
        )
    if r == 0:
        ok = abs(guess) <= abs(x) + GUESS_TOL
        return ok, (
            f"{'Right' if ok else 'Not quite'}: here r = 0, the kink. Any value in [−|x|, |x|] = "
            f"[{fmt(-abs(x))}, {fmt(abs(x))}] is a valid subgradient; "
            f"{'yours is one' if ok else 'yours is outside that set'} (the app picks sign(0)·x = {fmt(grad_w)})."
        )
    if abs(guess - grad_w) <= GUESS_TOL:
        return True, f"Right: sign(r)·x = {fmt(sign)}·{factor(x)} = {fmt(grad_w)}."
    answer = f"dL/dw = sign(r)·x = {fmt(sign)}·{factor(x)} = {fmt(grad_w)}"
    for guessed in wrong_guesses(x, r, sign):  # the first that matches is named
        if abs(guess - guessed.value) <= GUESS_TOL:
            return False, f"{guessed.why}: {answer}."
    return False, f"Not quite: dL/dw = sign(r)·x = {fmt(sign)}·{factor(x)} = {fmt(grad_w)} (yours: {fmt(guess)})."


def gradient_why(y_hat: float, t: float, r: float, x: float, sign: float) -> str:
    """Why dL/dw is what it is, in numbers: the residual, then sign(r)·x (on the kink, the subgradients; with
    x = 0, no kink in w: L is flat)."""
    if x == 0:
        return (
            f"r = ŷ − t = {fmt(y_hat)} − {factor(t)} = {fmt(r)}, and x = 0: w does not move the prediction, so L is "
            + ("flat in w (no kink in w, whatever sign(0) is)" if r == 0 else "flat in w")
            + f" and dL/dw = sign(r)·x = {fmt(sign)}·0 = 0."
        )
    if r == 0:
        return (
            f"r = ŷ − t = {fmt(y_hat)} − {factor(t)} = 0: the kink, where |r| has no derivative. Every value in "
            f"[−|x|, |x|] = [{fmt(-abs(x))}, {fmt(abs(x))}] is a subgradient; the app picks "
            f"sign(0)·x = {fmt(sign)}·{factor(x)} = {fmt(sign * x)}."
        )
    return (
        f"r = ŷ − t = {fmt(y_hat)} − {factor(t)} = {fmt(r)}, so dL/dw = sign(r)·x = {fmt(sign)}·{factor(x)} "
        f"= {fmt(sign * x)}."
    )


def dl_dr_latex(r: float, sign: float) -> str:
    """The first factor of the chain rule: sign(r), or on the kink the subdifferential and the app's pick."""
    if r == 0:
        return rf"\frac{{dL}}{{dr}} \in \partial|r|\,\big|_{{r=0}} = [-1,\, 1] \ni {fmt(sign)}"  # the app's pick
    return rf"\frac{{dL}}{{dr}} = \operatorname{{sign}}({fmt(r)}) = {fmt(sign)}"


def _clean(v: float, scale: float) -> float:
    """v, or 0 where v is only the rounding of numbers of size `scale` (0.3 − 0.6/2 = −5.6e-17 is 0)."""
    return 0.0 if abs(v) <= 16 * EPS * scale else v


def kink_w(w: float, x: float, r: float) -> float | None:
    """The w where the prediction meets the target (b held fixed): w − r/x; None when x = 0 (no such w)."""
    if x == 0:
        return None
    return w if r == 0 else _clean(w - r / x, abs(w) + abs(r / x))


def kink_note(x: float, w: float, r: float, kink: float, lo: float, hi: float, *, step: float) -> tuple[str, str]:
    """(kind, text) under the chain rule: on the kink the subgradients and the app's pick ("warning"); with x = 0 and
    ŷ = t, no kink in w at all (L is flat); else the app's convention and how to reach the kink (`kink_hint`)."""
    if r == 0 and x == 0:
        return "caption", (
            "ŷ = t at every w: with x = 0, w does not move the prediction, so L(w) = |b − t| = 0 is flat in w, with no "
            f"kink, and dL/dw = sign(0)·0 = 0 whatever sign(0) the app takes (here {fmt(kink)})."
        )
    if r == 0:
        return "warning", (
            f"**You are on the kink**: r = 0, and |r| has no derivative here. Every slope between −|x| = "
            f"{fmt(-abs(x))} and |x| = {fmt(abs(x))} is a *subgradient*. The app uses {kink_convention(kink)}, "
            f"giving {fmt(kink * x)}."
        )
    return "caption", (
        f"The app's convention at the kink r = 0: {kink_convention(kink)}. " + kink_hint(w, x, r, lo, hi, step=step)
    )


def kink_hint(w: float, x: float, r: float, lo: float, hi: float, *, step: float) -> str:
    """How to stand on the kink with the w slider (from `lo` to `hi` in steps of `step`): slide to it, or change
    x, t or b when ŷ = t falls between the slider's steps or outside its range."""
    at = kink_w(w, x, r)
    if at is None:
        return "With x = 0, only b or t can put ŷ on t."
    if not lo <= at <= hi:
        return f"ŷ = t at w = {fmt(at)}, outside the w slider's range {fmt(lo)} to {fmt(hi)}: change x, t or b."
    if abs(at / step - round(at / step)) > 1e-9:
        return f"ŷ = t at w = {fmt(at)}, between the w slider's steps of {step:g}: change x, t or b to land on one."
    return f"Slide w to {fmt(at)}, where ŷ = t, to stand on it."


def curve_alt(x: float, w: float, r: float, b: float, t: float, *, slope_l1: float, slope_l2: float) -> str:
    """Alt text of the L(w) chart."""
    head = "L1 and L2 loss of one sample against w."
    if x == 0:
        return (
            f"{head} With x = 0 the prediction does not depend on w: both curves are flat, at |b − t| = "
            f"{fmt(abs(b - t))} and (b − t)² = {fmt((b - t) ** 2)}, and every slope is 0."
        )
    where = fmt(kink_w(w, x, r))
    if r == 0:
        return (
            f"{head} The L1 curve is a V with its kink at w = {where}, where your w stands: no single tangent there, "
            f"but a fan of subgradient lines with slopes from {fmt(-abs(x))} to {fmt(abs(x))}; L2's tangent is flat."
        )
    return (
        f"{head} The L1 curve is a V with its kink at w = {where}; at your w = {fmt(w)} its tangent has slope "
        f"{fmt(slope_l1)}, L2's has slope {fmt(slope_l2)}."
    )


def tangent_takeaway(x: float, w: float, r: float, sign: float, slope_l2: float) -> str:
    """The L(w) chart's one plain takeaway (the numbers behind it: `tangent_seen`, folded)."""
    if x == 0:
        return "With x = 0, w does not change the prediction: L is flat, and every slope is 0."
    if r == 0:
        return (
            f"On the kink the V has no tangent: every slope from {fmt(-abs(x))} to {fmt(abs(x))} is a subgradient, "
            f"and the app uses {fmt(sign * x)}."
        )
    return (
        f"L1's slope is {fmt(sign * x)}: always ±|x|, its sign flipping where the prediction crosses the target "
        f"(w = {fmt(kink_w(w, x, r))}). L2's, {fmt(slope_l2)}, shrinks to zero there."
    )


def tangent_seen(x: float, w: float, r: float, sign: float, slope_l2: float) -> str:
    """'What you see' under the L(w) chart: the L1 slope's size and sign, L2's slope, the kink."""
    if x == 0:
        return (
            "With x = 0, w does not change the prediction: L is flat in w, and both the L1 and the L2 slope are 0. "
            "Move *Input x* away from 0 to see the V."
        )
    where = fmt(kink_w(w, x, r))
    if r == 0:
        return (
            f"You stand **on the kink** (w = {where}): the V has no tangent here. The L1 line drawn has the app's "
            f"subgradient slope sign(0)·x = {fmt(sign)}·{factor(x)} = {fmt(sign * x)}, one of the fan's slopes from "
            f"{fmt(-abs(x))} to {fmt(abs(x))}. Step off the kink and the slope is ±|x| = ±{fmt(abs(x))}: "
            f"−{fmt(abs(x))} on one side, {fmt(abs(x))} on the other. L2's slope is 0 here, at its minimum"
            + (": its flat tangent lies under the app's line." if sign == 0 else ".")
            + " While w stands on the kink the chart zooms in on the corner; one step off, it shows the whole range."
        )
    side = "below" if r < 0 else "above"
    return (
        f"The L1 tangent has slope **{fmt(sign * x)}**: its size is |x| = {fmt(abs(x))} wherever w is off the kink, "
        f"only its sign changes, and it changes exactly where the prediction crosses the target (w = {where}); "
        f"here the prediction is {side} the target. L2's slope 2·r·x = {fmt(slope_l2)} shrinks to zero as the "
        f"prediction approaches the target (as w approaches {where}); L1's keeps its size. At the kink the V has no "
        "single tangent: standing on it, the chart draws the fan of subgradients, every line through the corner "
        "that stays under the curve."
    )


def finite_differences(
    r: float, x: float, h: float, analytic: float, forward: float, *, backward: float, central: float
) -> tuple[str, str]:
    """(kind, text) on the finite-difference table: "warning" when a step reaches across the kink. A quotient
    within the rounding of L(w ± h) divided by h prints as "0 (to rounding)", not as the 5.551e−11 it computes."""
    floor = 8 * EPS * (abs(x) * h + abs(r)) / h

    def quotient(v: float) -> str:
        return "0 (to rounding)" if abs(v) <= floor else fmt(v)

    if x == 0:  # L(w ± h) = |b − t| = L(w): every difference is exactly 0
        return "caption", (
            "With x = 0, L does not change with w: all three differences are exactly 0, as is the analytic "
            "sign(r)·x = 0. There is no kink in w to straddle."
        )
    if r == 0:
        return "warning", (
            f"You stand on the kink, and the step h = {fmt(h)} straddles it: forward gives {quotient(forward)}, the "
            f"right arm of the V; backward {quotient(backward)}, the left one; central {quotient(central)}, their "
            "average. There is no derivative here for them to agree on; the analytic value is the app's pick from "
            "the subgradients."
        )
    if abs(r) < abs(x) * h - 8 * EPS * (abs(r) + abs(x * h)):  # |r| = |x|·h in decimals is not across
        crossing, clean = ("forward", "backward") if r * x < 0 else ("backward", "forward")
        values = {"forward": forward, "backward": backward}
        return "warning", (
            f"The step h = {fmt(h)} reaches across the kink (|r| = {fmt(abs(r))} < |x|·h = {fmt(abs(x) * h)}): the "
            f"{crossing} difference, {quotient(values[crossing])}, and the central one, {quotient(central)}, mix the "
            f"two arms of the V, whose slopes are ±{fmt(abs(x))}; only the {clean} one, {quotient(values[clean])}, "
            f"stays on one arm and matches the analytic {fmt(analytic)}. A step below |r|/|x| = {fmt(abs(r / x))} "
            "sees the true slope."
        )
    worst = max(abs(d - analytic) for d in (forward, backward, central))
    agree = (
        "all three equal the analytic value exactly"
        if worst == 0
        else "all three agree with the analytic value up to rounding in L(w ± h)"
    )
    return "caption", (
        f"Away from the kink {agree}: |r| is a straight line on each side of it, so the step h adds no error "
        f"of its own. A step h past |r|/|x| = {fmt(abs(r / x))} spans the kink, and they split."
    )


def kink_convention(kink: float) -> str:
    """The app's sign(0), said once: "sign(0) = 0, as PyTorch's abs takes it" at the default, else the slider's value
    against PyTorch's 0."""
    if kink == 0:
        return "sign(0) = 0, as PyTorch's abs takes it (the slider sets it)"
    return f"sign(0) = {fmt(kink)}, set by the slider (PyTorch's abs takes 0)"


def other_target(y_hat: float, t: float, r: float) -> tuple[float, float]:
    """Two targets on either side of the prediction: the student's t and its mirror image 2ŷ − t (on the kink,
    r = 0 as `residual` reads it, ŷ + 1 and ŷ − 1)."""
    if r == 0:
        return y_hat + 1.0, y_hat - 1.0
    return t, 2 * y_hat - t


def misconception_text(
    x: float, y_hat: float, targets: tuple[float, float], grads: tuple[float, float], on_kink: bool = False
) -> str:
    """The wrong gradient ∇m = x is the same for every target; the true one, at two targets on either side of ŷ,
    has opposite signs (grads: the true dL/dw at each target; `targets` as `other_target` gives them: the
    student's t and its mirror image, or on the kink ŷ ± 1)."""
    if x == 0:
        return (
            "With x = 0 the “gradient” ∇m = x is 0, and so is the true one at every target: w does not change the "
            "prediction. Move *Input x* away from 0 to see them differ. Descending with the wrong one is descending "
            "on L = ŷ − t, the signed L1:"
        )
    (t1, t2), (g1, g2) = targets, grads
    where = ["above" if t > y_hat else "below" for t in (t1, t2)]
    pair = (  # on the kink the student's t is ŷ itself: a target 1 above it and one 1 below it show the contrast
        f"your t is the prediction itself, so take a target 1 above it and one 1 below it, t = {fmt(t1)} and "
        f"t = {fmt(t2)}"
        if on_kink
        else f"take your t = {fmt(t1)} and its mirror image t = {fmt(t2)} on the other side of ŷ"
    )
    return (
        f"The “gradient” ∇m = x = **{fmt(x)}** whatever the target: {pair}. The true gradient is "
        f"**{fmt(g1)}** at t = {fmt(t1)} ({where[0]} the prediction ŷ = {fmt(y_hat)}) and **{fmt(g2)}** at "
        f"t = {fmt(t2)} ({where[1]} it): it reads the target through the sign. Descending with the wrong one is "
        "descending on L = ŷ − t, the signed L1:"
    )


def _reach(r: np.ndarray, tol: float) -> int | None:
    """First update at which the residual is 0 (within tol) or has changed sign; None if never."""
    s = np.where(np.abs(r) <= tol, 0, np.sign(r))
    moved = np.flatnonzero(s != s[0]) if s[0] != 0 else np.array([0])
    return int(moved[0]) if moved.size else None


def hit_w(w: float, x: float, r: float, bias: bool) -> float | None:
    """The w at which descent on this one sample meets ŷ = t: each update moves w by lr·g·x and b (if fitted) by
    lr·g, so r changes by lr·g·(x² + 1 if bias else x²) and reaches 0 at w − x·r/(x² + bias). None if it cannot."""
    curvature = x * x + (1.0 if bias else 0.0)
    return None if curvature == 0 else _clean(w - x * r / curvature, abs(w) + abs(x * r / curvature))


def hit_label(w_hit: float, bias: bool) -> str:
    """The misconception chart's dashed line's name: with b trained too, ŷ = t is a line in (w, b), and w_hit only
    where the runs' paths first cross it (`hit_w`); short, it sits above the plot on a phone."""
    return f"paths first reach ŷ = t: w = {fmt(w_hit)}" if bias else f"ŷ = t at w = {fmt(w_hit)}"


def misconception_alt(
    x: float, t: float, lr: float, wrong_w: np.ndarray, right_w: np.ndarray, *, right_b: np.ndarray, w_hit: float | None
) -> str:
    """Alt text of the misconception chart: where each run goes relative to the w at which ŷ = t (w_hit, see
    `hit_w`). right_w, right_b: the right run's w and b at each update."""
    right_w, right_b = np.asarray(right_w, dtype=float), np.asarray(right_b, dtype=float)
    right_r = right_w * x + right_b - t
    tol = 1e-12 * (1.0 + abs(t) + abs(x) * float(np.abs(right_w).max()) + float(np.abs(right_b).max()))
    K = wrong_w.size - 1
    head = f"{K} updates with lr {lr:g} from w = {fmt(wrong_w[0])}."
    if np.ptp(right_b) > 0 and w_hit is not None:  # the runs fit the bias too
        head += (
            " Both runs also train b, so ŷ = t is a line in (w, b), not one w: the dashed line marks "
            f"w = {fmt(w_hit)}, where their paths first cross it (the loss curve above holds b where you set it)."
        )
    if x == 0:
        return f"{head} With x = 0 neither gradient moves w: both lines stay at {fmt(wrong_w[0])}."
    step = wrong_w[1] - wrong_w[0]
    way = "down" if step < 0 else "up"
    wrong = (
        f"The wrong gradient moves w by −lr·x = {fmt(step)} every update, a straight line {way} to {fmt(wrong_w[-1])}"
    )
    if w_hit is not None:
        ahead = (w_hit - wrong_w[0]) * step > 0
        if not ahead:
            wrong += f", away from w = {fmt(w_hit)}, where ŷ = t"
        elif (wrong_w[-1] - w_hit) * step > 0:
            wrong += f", straight past w = {fmt(w_hit)}, where ŷ = t"
        else:
            wrong += f", towards w = {fmt(w_hit)}, where ŷ = t, without reaching it yet"
    return f"{head} {wrong}. {_right_run(right_w, right_r, tol)}"


def _right_run(w: np.ndarray, r: np.ndarray, tol: float) -> str:
    """Reaching ŷ = t is judged within tol (a float lands 1e-16 off it); what the run does there is judged by the
    exact signs its own updates saw."""
    k = _reach(r, tol)
    if k is None:
        return (
            f"The right one moves towards ŷ = t but does not get there in {w.size - 1} updates "
            f"(r goes from {fmt(r[0])} to {fmt(r[-1])})."
        )
    met = "reaches" if abs(r[k]) <= tol else "crosses"  # lands on it, or jumps over it
    start = "starts on ŷ = t" if k == 0 else f"{met} ŷ = t at update {k}"
    after_w, after_r = w[k:], r[k:]
    if after_w.size == 1:
        return f"The right one {met} ŷ = t at update {k}, the last one."
    if np.ptp(after_w) == 0:
        return f"The right one {start} and stops there: r = 0 makes its gradient sign(0)·x = 0."
    scale = float(np.abs(w).max())
    lo, hi = fmt(_clean(float(after_w.min()), scale)), fmt(_clean(float(after_w.max()), scale))
    if met == "reaches" and r[k] != 0 and (after_r[1:] != 0).all():  # landed a rounding error off ŷ = t
        return (
            f"The right one reaches ŷ = t at update {k}, where sign(0)·x = 0 would stop it; the arithmetic lands it "
            f"a rounding error off, so it steps back and forth between {lo} and {hi}."
        )
    if (after_r > 0).any() and (after_r < 0).any():
        how = "its gradient's sign flipping each time r crosses 0"
    elif (after_r == 0).any():
        how = "landing exactly on r = 0, where the app's sign(0) is not 0 and pushes it off again, to one side"
    else:
        how = "on one side of ŷ = t"
    return f"The right one {start} and then hovers: w moves between {lo} and {hi}, {how}."


def samples_total(w: float, total: float, lo: float, hi: float) -> str:
    """The several-samples paragraph: the total subgradient at w and where it changes sign."""
    where = (
        f"at the **weighted median** of tᵢ/xᵢ, w = {fmt(lo)}"
        if lo == hi
        else f"on the **weighted median** of tᵢ/xᵢ: every w from {fmt(lo)} to {fmt(hi)} (the weights split in half)"
    )
    return (
        f"At w = {fmt(w)} the total is Σ sign(rᵢ)·xᵢ = **{fmt(total)}**. Samples above the line pull w up with "
        f"weight |xᵢ|, samples below pull it down. The total changes sign where the weights of the two sides "
        f"balance: {where}."
    )


def staircase_alt(x: np.ndarray, lo: float, hi: float) -> str:
    """Alt text of the total-gradient chart: a staircase with a jump of 2|xᵢ| at each tᵢ/xᵢ."""
    jumps = 2 * np.abs(np.asarray(x, dtype=float))
    zero = f"crosses zero at the weighted median {fmt(lo)}" if lo == hi else f"is zero from {fmt(lo)} to {fmt(hi)}"
    return (
        f"The total L1 gradient over {jumps.size} samples against w: a staircase that jumps up by 2|xᵢ| (from "
        f"{fmt(jumps.min())} to {fmt(jumps.max())} here) at each tᵢ/xᵢ, and {zero}."
    )


def graph_alt(
    w: float, x: float, t: float, b: float | None, y_hat: float, *, r: float, loss: float, sign: float,
    grad_w: float, grad_b: float,
) -> str:  # fmt: skip
    """The computational graph in words, for a screen reader: the forward pass, then the gradients back."""
    model = f"ŷ = w·x + b = {fmt(y_hat)} with b = {fmt(b)}" if b is not None else f"ŷ = w·x = {fmt(y_hat)}"
    back = f"∂L/∂w = {fmt(grad_w)}" + (f", ∂L/∂b = {fmt(grad_b)}" if b is not None else "")
    back += f" and, on the target's edge, ∂L/∂t = −sign(r) = {fmt(-sign)}"
    at_r = (
        f"r = 0, the kink: |r| has no derivative there, any value in [−1, 1] is a subgradient, and the page takes "
        f"sign(0) = {fmt(sign)}, so ∂L/∂ŷ = {fmt(sign)}"
        if r == 0
        else f"∂L/∂r = sign(r) = {fmt(sign)}, ∂L/∂ŷ = {fmt(sign)}"
    )
    return (
        f"Computational graph. Forward: w = {fmt(w)} and x = {fmt(x)} give {model}; r = ŷ − t = {fmt(r)} "
        f"with t = {fmt(t)}; L = |r| = {fmt(loss)}. Backward: {at_r}, {back}."
    )


class CheckQuestion(NamedTuple):
    """The closing check question on L(w) = |x·w − t| at one w: its options, the right one, why, and for each
    wrong option the slip behind it."""

    question: str
    options: list[str]
    correct: str
    explanation: str
    wrong: dict[str, str]


def check_question(x: float, t: float, w: float) -> CheckQuestion:
    """The check question "For L(w) = |x·w − t|, what is dL/dw at w?" with its options computed from x, t and w:
    sign(r)·x (right), x alone (the page's misconception), sign(r) alone, and 0 (the kink's slope, read off it).
    Its numbers keep w off the kink (r ≠ 0) and the four options apart."""
    r = x * w - t
    sign = float(np.sign(r))
    if r == 0 or x == 0 or len({x, sign * x, sign, 0.0}) < 4:
        raise ValueError(f"a check question needs w off the kink and four different options: {x=}, {t=}, {w=}")
    grad, kink = sign * x, t / x
    options = {"right": fmt(grad), "x alone": fmt(x), "sign alone": fmt(sign), "zero": "0"}
    r_text = f"r = {fmt(x)}·{factor(w)} − {factor(t)} = {fmt(r)}"
    side, towards = ("negative", "increasing w lowers") if r < 0 else ("positive", "decreasing w lowers")
    flips = "flips it" if r < 0 else "keeps it"
    wrong = {
        options["x alone"]: (
            f"That is dŷ/dw = {fmt(x)} alone: the page's misconception, “∇loss = ∇m, since t is a constant”, the "
            f"chain rule without its first factor dL/dr = sign(r). The target enters through that sign: here r is "
            f"{side}, so the sign {flips}."
        ),
        options["sign alone"]: (
            f"That is dL/dr = sign(r) = {fmt(sign)} alone: the chain rule stopped one factor early; "
            f"dŷ/dw = {fmt(x)} multiplies it."
        ),
        options["zero"]: (
            f"0 is a slope of the V only at its kink, w = {fmt(kink)}, where {fmt(x)}w = {fmt(t)} (there the app "
            f"takes sign(0) = 0). At w = {fmt(w)} you are off the kink, on an arm whose slope is ±{fmt(abs(x))}."
        ),
    }
    explanation = (
        f"{r_text} {'<' if r < 0 else '>'} 0, so dL/dw = sign({fmt(r)})·{factor(x)} = {fmt(grad)}: {towards} "
        f"the loss, towards w = {fmt(kink)}."
    )
    question = f"For L(w) = |{fmt(x)}w − {factor(t)}|, what is dL/dw at w = {fmt(w)}?"
    return CheckQuestion(question, [options[k] for k in ("x alone", "right", "sign alone", "zero")], options["right"],
                         explanation, wrong)  # fmt: skip
