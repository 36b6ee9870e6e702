"""The derivation page's sentences against the numbers they describe, across the page's whole control space and
its presets (hypothesis), and one test per finding of issue 16 that the page's old fixed sentences failed.

Over 400 lines: one property test per sentence the page prints, with the strategies they share.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
from tests.helpers import chart_texts, control_space
from tests.test_pages import open_page
from ui import charts
from ui.lessons.derivation import compute, lesson
from ui.lessons.derivation import sentences as say
from ui.lessons.derivation.lesson import PRESETS, C

EPS = np.finfo(float).eps
NUMBER = r"(−?\d+(?:\.\d+)?(?:e[-+−]\d+)?)"
LR, UPDATES = 0.1, 30  # the misconception runs, as the page makes them


SETTINGS = control_space(C, PRESETS)


def value(token: str) -> float:
    return float(token.replace("−", "-"))


def shows(token: str, v: float) -> bool:
    """A number printed to 3 significant digits (or exactly, say.fmt) stands for v."""
    return abs(value(token) - v) <= 5e-3 * abs(v) + 1e-12


def exact(v: float) -> Fraction:
    """The decimal a slider holds (values are snapped to 10 decimals)."""
    return Fraction(repr(round(v, 10)))


def page_numbers(v: dict) -> dict:
    """What pages/derivation.py computes for the single sample."""
    x, t, w, kink = v["x"], v["t"], v["w"], v["kink"]
    b = v["b"] if v["bias"] else 0.0
    r = say.residual(w, x, b, t)
    sign = float(core.loss_grad("l1", r, at_kink=kink))
    return {"x": x, "t": t, "w": w, "b": b, "kink": kink, "r": r, "sign": sign, "y_hat": w * x + b}


# -- the checks ------------------------------------------------------------------------------------------------


def check_lesson(v: dict, p: dict) -> None:
    """The lesson computes what the page shows, its expected answer is judged right by the page's own verdict,
    and a number 2·GUESS_TOL away from it is not (off the kink, where one slope is the answer)."""
    values = {C[name].key: value for name, value in v.items()}
    s = lesson.sample(values)
    assert (s.r, s.sign, s.y_hat, s.grad_w) == (p["r"], p["sign"], p["y_hat"], p["sign"] * p["x"])
    answer, why = lesson.expected(values)
    assert abs(float(answer) - s.grad_w) <= say.GUESS_TOL / 100 and f"= {say.fmt(s.grad_w)}." in why
    ok, text = lesson.verdict(values, float(answer))
    assert ok and text.startswith("Right")
    if s.r != 0:
        assert not lesson.verdict(values, float(answer) + 2 * say.GUESS_TOL)[0]
    question = lesson.question(values)
    assert f"x = {say.fmt(s.x)}" in question and (f"b = {say.fmt(s.b)}" in question) == s.bias


def check_wrong_answers_named(p: dict, guess: float) -> None:
    """A wrong answer is named (x alone, sign(r) alone, 2·r·x, |r|) only when it is that number, and each of them
    typed off the kink, unless it happens to be right, is named."""
    x, r, sign = p["x"], p["r"], p["sign"]
    named = {
        "That is dŷ/dw = x alone": x,
        "That is dL/dr = sign(r) alone": sign,
        "That is 2·r·x": 2 * r * x,
        "That is |r|": abs(r),
    }
    for typed in (guess, *named.values()):
        ok, why = say.guess_feedback(typed, x, r, sign, sign * x)
        matches = [wrong for prefix, wrong in named.items() if why.startswith(prefix)]
        assert all(not ok and abs(typed - wrong) <= say.GUESS_TOL for wrong in matches), why
        if r != 0 and not ok and typed != guess:
            assert matches, why


def check_residual(p: dict) -> None:
    """r is 0 exactly when the decimals the student set put the prediction on the target."""
    true_r = exact(p["w"]) * exact(p["x"]) + exact(p["b"]) - exact(p["t"])
    assert (p["r"] == 0) == (true_r == 0)
    if p["r"]:
        assert abs(p["r"] - float(true_r)) <= 8 * EPS * (abs(p["w"] * p["x"]) + abs(p["b"]) + abs(p["t"]))


def check_tangent_sentences(p: dict) -> None:
    x, w, r, sign, b, t = p["x"], p["w"], p["r"], p["sign"], p["b"], p["t"]
    slope_l2 = 2 * r * x
    seen = say.tangent_seen(x, w, r, sign, slope_l2)
    short = say.tangent_takeaway(x, w, r, sign, slope_l2)
    assert len(short.split()) <= 32 and not re.search(r"\d[eE][+-]?\d", short), short  # one plain line
    assert (f"{say.fmt(sign * x)}" in short) if x else ("flat" in short)
    if x and r:
        assert f"(w = {say.fmt(say.kink_w(w, x, r))})" in short and say.fmt(slope_l2) in short
    alt = say.curve_alt(x, w, r, b, t, slope_l1=sign * x, slope_l2=slope_l2)
    if x == 0:
        assert "flat" in seen and "flat" in alt
        return
    w_star = say.kink_w(w, x, r)
    assert abs(w_star * x + b - t) <= 64 * EPS * (abs(w * x) + abs(b) + abs(t) + 1), "the kink is where ŷ = t"
    where = re.search(rf"(?:crosses the target|on the kink\*\*) \(w = {NUMBER}\)", seen).group(1)
    assert shows(where, w_star) and shows(re.search(rf"kink at w = {NUMBER}", alt).group(1), w_star)
    # the slope's size is |x| on both sides of the kink, its sign flips there, and L2's shrinks towards it
    for side in (-1, 1):
        wv = w_star + side * 0.5
        assert abs(float(core.loss_grad("l1", wv * x + b - t)) * x) == abs(x)
    left, right = (float(core.loss_grad("l1", (w_star + d) * x + b - t)) * x for d in (-0.5, 0.5))
    assert left * right < 0
    if r == 0:
        assert "The L1 tangent has slope" not in seen and "on the kink" in seen and "L2's slope is 0" in seen
        assert f"= {say.fmt(sign * x)}," in seen
        assert "no single tangent there" in alt
        return
    assert "on the kink" not in seen and "move w to" not in seen  # the slider may not reach it (−0.667)
    assert f"slope **{say.fmt(sign * x)}**" in seen and sign == np.sign(r)
    assert ("prediction is below the target" in seen) == (r < 0)
    assert f"2·r·x = {say.fmt(slope_l2)}" in seen and slope_l2 != 0
    nearer = (w + w_star) / 2
    assert abs(2 * (nearer * x + b - t) * x) < abs(slope_l2), "L2's slope shrinks on the way to the target"
    assert f"tangent has slope {say.fmt(sign * x)}, L2's has slope {say.fmt(slope_l2)}" in alt


def check_finite_differences(p: dict, h: float) -> None:
    x, w, b, t, r = p["x"], p["w"], p["b"], p["t"], p["r"]

    def L(wv: float) -> float:
        return float(core.loss_value("l1", wv * x + b - t))

    central, forward, backward = (L(w + h) - L(w - h)) / (2 * h), (L(w + h) - L(w)) / h, (L(w) - L(w - h)) / h
    analytic = p["sign"] * x
    kind, text = say.finite_differences(r, x, h, analytic, forward, backward=backward, central=central)
    tol = 64 * EPS * (abs(w * x) + abs(b) + abs(t) + abs(x) * h + 1) / h  # rounding of L(w ± h), divided by h
    if x == 0:  # L is flat in w: no kink to straddle, every difference exactly 0
        assert (forward, backward, central) == (0, 0, 0) and kind == "caption" and "exactly 0" in text
        assert "straddles" not in text and "reaches across" not in text
        return
    if r == 0:
        assert kind == "warning"
        assert abs(forward - abs(x)) <= tol and abs(backward + abs(x)) <= tol and abs(central) <= tol
    elif "reaches across the kink" in text:
        crossing = re.search(r"the (forward|backward) difference", text).group(1)
        values = {"forward": forward, "backward": backward}
        clean = values["backward" if crossing == "forward" else "forward"]
        assert abs(clean - analytic) <= tol, "the one-sided difference that stays on one arm is the slope"
        assert abs(values[crossing]) < abs(x) - tol and abs(central) < abs(x) - tol, "the others mix the arms"
    else:
        assert kind == "caption" and abs(r) >= abs(x) * h - 8 * EPS * (abs(r) + abs(x * h))
        for d in (forward, backward, central):
            assert abs(d - analytic) <= tol
        assert ("up to rounding" in text) == (max(abs(d - analytic) for d in (forward, backward, central)) > 0)
    # a quotient at rounding level is printed as such, never as the rounding error it computes (5.551e−11)
    for name, d in (("forward", forward), ("backward", backward), ("central", central)):
        m = re.search(rf"{name}(?: gives| difference,| one,)? (0 \(to rounding\)|[−\d.]+)[,;]", text)
        assert m or kind == "caption" or (name == "backward" and "forward difference" in text), (name, text)
        if m:  # one value per quotient, "0 (to rounding)" inside the rounding of L(w ± h) / h
            assert (m.group(1) == "0 (to rounding)") == (abs(d) <= 8 * EPS * (abs(x) * h + abs(r)) / h), (name, d)
            assert "(0 (to rounding))" not in text


def check_no_kink_in_w_when_x_is_0(v: dict, p: dict, guess: float) -> None:
    """With x = 0, L(w) = |b − t| is flat in w: no sentence may speak of a kink in w, a V or its subgradients, and
    the slope is 0 (a teacher's read: "You are on the kink ... every slope between −|x| = 0 and |x| = 0")."""
    x, w, r, sign, kink = p["x"], p["w"], p["r"], p["sign"], p["kink"]
    kind, note = say.kink_note(x, w, r, kink, C["w"].lo, C["w"].hi, step=C["w"].step)
    assert (kind == "warning") == (r == 0 and x != 0)
    why = say.gradient_why(p["y_hat"], p["t"], r, x, sign)
    ok, verdict = say.guess_feedback(guess, x, r, sign, sign * x)
    if x != 0:
        return
    for text in (note, why, verdict):
        assert "on the kink" not in text.lower() and "subgradient" not in text and "[0, 0]" not in text, text
    assert ok == (abs(guess) <= say.GUESS_TOL) and "flat in w" in why
    if r == 0:
        assert "flat in w, with no kink" in note and "dL/dw = sign(0)·0 = 0" in note and "flat in w" in verdict
    values = {C[name].key: setting for name, setting in v.items()}
    assert not lesson.sample(values).kinked and lesson.room_answer(values)[0] == "0, sign(r)·x"


def check_misconception(p: dict, bias: bool) -> None:
    x, w, b, t, y_hat, kink = p["x"], p["w"], p["b"], p["t"], p["y_hat"], p["kink"]
    targets = say.other_target(y_hat, t, p["r"])
    grads = tuple(float(core.loss_grad("l1", say.residual(w, x, b, tk), at_kink=kink)) * x for tk in targets)
    text = say.misconception_text(x, y_hat, targets, grads, on_kink=p["r"] == 0)
    assert (targets[0] - y_hat) * (targets[1] - y_hat) < 0, "the two targets lie on either side of the prediction"
    if x != 0 and p["r"] != 0:
        assert f"your t = {say.fmt(t)}" in text, "off the kink the first target is the student's own"
    elif x != 0:
        assert "your t is the prediction itself" in text and f"t = {say.fmt(t)} " not in text
    if x != 0:
        assert grads[0] * grads[1] < 0, "so the true gradients have opposite signs"
        assert f"**{say.fmt(grads[0])}** at t = {say.fmt(targets[0])}" in text
        assert f"**{say.fmt(grads[1])}** at" in text
    one = core.Dataset([x], [t])
    wrong = core.descend(one, "signed_l1", LR, w, 1, epochs=UPDATES, b0=b, fit_bias=bias)
    right = core.descend(one, "l1", LR, w, 1, epochs=UPDATES, b0=b, fit_bias=bias, at_kink=kink)
    w_hit = say.hit_w(w, x, p["r"], bias)
    alt = say.misconception_alt(x, t, LR, wrong.w, right.w, right_b=right.b, w_hit=w_hit)
    if x == 0:
        assert np.ptp(wrong.w) == 0 and np.ptp(right.w) == 0
        return
    step = wrong.w[1] - wrong.w[0]
    assert np.allclose(np.diff(wrong.w), -LR * x, rtol=1e-9, atol=64 * EPS * (abs(w) + UPDATES * LR * abs(x)))
    assert f"−lr·x = {say.fmt(step)} every update, a straight line {'down' if x > 0 else 'up'}" in alt
    moving_to = (w_hit - w) * step > 0
    if "away from" in alt:
        assert not moving_to
    elif "straight past" in alt:
        assert moving_to and (wrong.w[-1] - w_hit) * step > 0
    else:
        assert "without reaching it yet" in alt and moving_to and (wrong.w[-1] - w_hit) * step <= 0
    rr = right.w * x + right.b - t
    tol = 1e-12 * (1 + abs(t) + abs(x) * np.abs(right.w).max() + np.abs(right.b).max())
    s = np.where(np.abs(rr) <= tol, 0, np.sign(rr))
    if bias and np.ptp(right.b) > 0:  # read4a 5: with b trained, ŷ = t is a line in (w, b), w_hit one point of it
        assert "ŷ = t is a line in (w, b), not one w" in alt and "first cross it" in alt
        assert say.hit_label(w_hit, bias).startswith("paths first reach ŷ = t")
    if m := re.search(r"(reaches|crosses) ŷ = t at update (\d+)", alt):
        k = int(m.group(2))
        assert s[0] != 0 and (s[k] == 0 or s[k] != s[0]) and np.all(s[:k] == s[0])
        assert (m.group(1) == "reaches") == (s[k] == 0), "it lands on ŷ = t, or jumps over it"
        lo, hi = sorted((right.w[k - 1], right.w[k]))
        assert lo - tol <= w_hit <= hi + tol, "ŷ = t is met between the two updates, at w_hit"
    elif "starts on ŷ = t" in alt:
        assert s[0] == 0
    else:
        assert "does not get there" in alt and np.all(s == s[0])
    if "stops there" in alt:
        k = int(np.flatnonzero(s == 0)[0])
        assert np.all(s[k:] == 0) and np.ptp(right.w[k:]) == 0
    if m := re.search(rf"hovers: w moves between {NUMBER} and {NUMBER}", alt):
        k = int(np.flatnonzero(s != s[0])[0]) if s[0] != 0 else 0
        run_tol = 16 * EPS * np.abs(right.w).max()  # the sentence prints rounding-sized values as 0
        for token, end in ((m.group(1), right.w[k:].min()), (m.group(2), right.w[k:].max())):
            assert shows(token, end) or (value(token) == 0 and abs(end) <= run_tol)
        after = rr[k:]  # the exact signs the run's own updates saw
        if "sign flipping" in alt:
            assert np.any(after > 0) and np.any(after < 0), "the sign flips while it hovers"
        elif "sign(0) is not 0" in alt:
            assert kink != 0 and np.any(after == 0) and not (np.any(after > 0) and np.any(after < 0))
        else:
            assert "on one side of ŷ = t" in alt and (np.all(after > 0) or np.all(after < 0))


def check_samples(v: dict, w: float, kink: float) -> None:
    data = core.make_dataset(n=v["n"], x=(0.5, 2.5), w_true=1.0, noise_sigma=0.8, seed=v["seed"])
    contrib = core.loss_grad("l1", w * data.x - data.y, at_kink=kink) * data.x
    lo, hi = core.l1_minimizers(data.x, data.y)
    text = say.samples_total(w, float(contrib.sum()), lo, hi)
    assert shows(re.search(rf"= \*\*{NUMBER}\*\*", text).group(1), float(contrib.sum()))

    def total(wv: float) -> float:
        return float(np.sum(core.loss_grad("l1", wv * data.x - data.y) * data.x))

    scale = 1e-9 * (1 + max(abs(lo), abs(hi)))
    assert total(lo - scale) < 0 < total(hi + scale), "the total changes sign at the weighted median"
    alt = say.staircase_alt(data.x, lo, hi)
    ratios = np.sort(data.y / data.x)
    assert np.all(np.diff(ratios) > 0), "distinct steps"
    gaps = np.diff(ratios).min() if ratios.size > 1 else 1.0
    d = min(gaps / 4, 1e-6)
    for z, xi in zip(data.y / data.x, data.x, strict=True):
        assert abs(total(z + d) - total(z - d) - 2 * abs(xi)) <= 1e-9 * np.abs(data.x).sum()
    a, b = re.search(rf"from {NUMBER} to {NUMBER} here", alt).groups()
    assert shows(a, 2 * np.abs(data.x).min()) and shows(b, 2 * np.abs(data.x).max())


@given(SETTINGS, st.floats(-4, 4, allow_nan=False))
def test_every_sentence_of_the_derivation_page_holds_for_its_numbers(v, guess):
    p = page_numbers(v)
    check_residual(p)
    check_lesson(v, p)
    ok, why = say.guess_feedback(guess, p["x"], p["r"], p["sign"], p["sign"] * p["x"])
    assert why.startswith("Right") == ok, "a right answer is called right, a wrong one never is"
    check_wrong_answers_named(p, guess)
    if p["r"] == 0:
        assert ok == (abs(guess) <= abs(p["x"]) + say.GUESS_TOL)
    else:
        assert ok == (abs(guess - p["sign"] * p["x"]) <= say.GUESS_TOL)
        assert f"= {say.fmt(p['sign'] * p['x'])}" in why
    latex = say.dl_dr_latex(p["r"], p["sign"])
    assert latex.endswith(say.fmt(p["sign"])) and (r"= [-1,\, 1] \ni" in latex) == (p["r"] == 0)
    assert r"\ni =" not in latex
    check_tangent_sentences(p)
    check_no_kink_in_w_when_x_is_0(v, p, guess)
    check_finite_differences(p, v["h"])
    check_misconception(p, v["bias"])
    check_samples(v, p["w"], p["kink"])


# -- one test per finding of issue 16 (each failed on the page's fixed sentences) -------------------------------


def on_the_kink():
    at = open_page("pages/derivation.py")
    at.selectbox(key="d_preset").set_value("Standing on the kink: w = 0.5").run()
    return at


def test_on_the_kink_no_tangent_slope_is_claimed_and_the_formula_is_whole():
    at = on_the_kink()
    seen = " ".join(e.value for e in [*at.info, *at.markdown])  # the takeaway and its fold
    assert "The L1 tangent has slope" not in seen and "shrinks to zero" not in seen
    assert "On the kink the V has no tangent" in seen and "L2's slope is 0 here" in seen
    first_factor = next(e.value for e in at.latex if r"\frac{dr}{d\hat y}" in e.value)
    assert r"\ni =" not in first_factor and r"\partial|r|\,\big|_{r=0} = [-1,\, 1] \ni 0," in first_factor


def test_the_misconception_shows_targets_on_both_sides_with_opposite_gradients():
    at = open_page("pages/derivation.py", {"d_wrong": "true"})
    text = next(e.value for e in at.markdown if "reads the target" in e.value)
    grads = [value(g) for g in re.findall(rf"\*\*{NUMBER}\*\* at t", text)]
    assert len(grads) == 2 and grads[0] * grads[1] < 0


def alt_texts(at) -> list[str]:
    return chart_texts(at)


def test_the_misconception_chart_says_where_w_really_goes():
    default = " ".join(alt_texts(open_page("pages/derivation.py", {"d_wrong": "true"})))
    assert "past the target" not in default and "a straight line down to −5.7, away from w = 0.5" in default
    negative = " ".join(alt_texts(open_page("pages/derivation.py", {"d_wrong": "true", "d_x": "-1.5", "d_w": "0.8"})))
    assert "a straight line up to" in negative and "walks w down" not in negative


def test_the_staircase_jumps_by_twice_the_size_of_x():
    alt = " ".join(alt_texts(open_page("pages/derivation.py")))
    assert "jumps up by 2|xᵢ|" in alt and "jumps by 2xᵢ " not in alt


def test_the_l1_v_fills_the_loss_chart_and_the_misconception_chart_is_tall():
    at = open_page("pages/derivation.py", {"d_wrong": "true"})
    protos = [e.proto for e in at.get("vega_lite_chart")]
    specs = [json.loads(p.spec) for p in protos]
    curve = next(p for p in protos if any(d.name == charts.PARAMS for d in p.datasets))  # the y range goes as data
    y_hi = next(pa.ipc.open_stream(d.data.data).read_all() for d in curve.datasets if d.name == charts.PARAMS)["y_hi"]
    y_hi = y_hi[0].as_py()
    w_lo, w_hi = lesson.C["w"].lo, lesson.C["w"].hi  # the chart follows its w slider: the plot spans its reach
    ws = np.linspace(w_lo - compute.PAD, w_hi + compute.PAD, 241)
    assert np.abs(ws * 2 - 1).max() <= y_hi <= 1.5 * np.abs(ws * 2 - 1).max(), "the top is set by the L1 V"
    misconception = next(s for s in specs if "update k" in json.dumps(s))
    assert misconception["height"] >= 300


def test_each_common_wrong_answer_typed_on_the_page_is_named():
    """The lesson's wrong answers at the defaults, typed into the page, get the misconception behind them."""
    at = open_page("pages/derivation.py")
    at.checkbox(key="d_guess_skip").uncheck().run()
    for wrong in lesson.LESSON.wrong:
        number, name = wrong.split(", ")
        at.number_input(key=lesson.PREDICT_KEY).set_value(value(number)).run()
        verdict = " ".join(e.value for e in at.error)
        assert not at.success and f"{name}" in verdict and "= −2." in verdict, (wrong, verdict)


def test_a_negative_factor_is_bracketed_and_the_kink_has_no_derivative_in_the_graphs_description():
    assert say.factor(-1.5) == "(−1.5)" and say.factor(2) == "2"
    at = open_page("pages/derivation.py", {"d_x": "-1.5", "d_w": "0.8"})
    text = " ".join(str(e.value) for kind in ("latex", "markdown", "info", "caption") for e in getattr(at, kind))
    assert "·−" not in text and "\\cdot−" not in text and "(−1.5)" in text
    kink = say.graph_alt(0.5, 1.0, 0.5, None, 0.5, r=0.0, loss=0.0, sign=0.0, grad_w=0.0, grad_b=0.0)
    assert "∂L/∂r = sign(r)" not in kink and "no derivative" in kink and "sign(0) = 0" in kink


def test_the_misconception_says_its_runs_train_b_when_the_bias_is_on():
    """With the bias on, the paths first reach ŷ = t at w − x·r/(x² + 1) (b moves too), not at the loss curve's
    kink."""
    at = open_page("pages/derivation.py", {"d_bias": "true", "d_b": "0.8", "d_wrong": "true"})
    text = next(c.value for c in at.caption if "updates with lr" in c.value)
    w, x, b, t = (at.session_state[k] for k in ("d_w", "d_x", "d_b", "d_t"))
    r = w * x + b - t
    assert f"the dashed line marks w = {say.fmt(w - x * r / (x * x + 1))}, where their paths first cross it" in text
    off = open_page("pages/derivation.py", {"d_wrong": "true"})
    assert "also train b" not in next(c.value for c in off.caption if "updates with lr" in c.value)


@pytest.mark.parametrize(
    ("x", "t", "w", "says"),
    [
        (2.0, 1.0, 0.3, "Slide w to 0.5, where ŷ = t"),
        (0.3, 0.2, 0.65, "between the w slider's steps of 0.05"),  # w = 0.6667
        (0.5, 3.0, 0.3, "outside the w slider's range −2 to 2"),  # w = 6
        (0.0, 1.0, 0.3, "With x = 0"),
    ],
)
def test_the_kink_hint_says_whether_the_w_slider_can_reach_the_kink(x, t, w, says):
    at = open_page("pages/derivation.py", {"d_x": str(x), "d_t": str(t), "d_w": str(w)})
    assert any(says in c.value for c in at.caption)


def test_each_wrong_pick_of_the_check_question_gets_its_own_rebuttal():
    """A teacher's read: 3, −1 and 0 all got one generic line; 3 is the page's misconception (dŷ/dw alone), −1 is
    sign(r) alone, 0 the kink's slope."""
    at = open_page("pages/derivation.py")
    said = {}
    for pick in ("3", "−1", "0"):
        at.radio(key="d_check").set_value(pick).run()
        said[pick] = " ".join(e.value for e in at.error if "the answer is **−3**" in e.value)
    assert "dŷ/dw = 3 alone" in said["3"] and "misconception" in said["3"] and "r = 3·1 − 6 = −3" in said["3"]
    assert "sign(r) = −1 alone" in said["−1"] and "dŷ/dw = 3 multiplies it" in said["−1"]
    assert "only at its kink, w = 2" in said["0"]
    assert len(set(said.values())) == 3


@given(st.sampled_from([-3.0, -2.0, -0.5, 0.5, 1.5, 3.0]), st.integers(-6, 6), st.sampled_from([-1.0, 0.5, 1.0, 2.0]))
def test_the_check_questions_options_are_computed_from_its_numbers(x, t, w):
    r = x * w - t
    if r == 0 or len({x, np.sign(r) * x, np.sign(r), 0.0}) < 4:
        with pytest.raises(ValueError):
            say.check_question(x, float(t), w)
        return
    check = say.check_question(x, float(t), w)
    assert check.correct == say.fmt(np.sign(r) * x) and len(set(check.options)) == 4
    assert set(check.wrong) == set(check.options) - {check.correct}
    side = "negative" if r < 0 else "positive"  # r itself is worked out once, in the explanation under it
    assert "misconception" in check.wrong[say.fmt(x)] and f"here r is {side}" in check.wrong[say.fmt(x)]
    assert f"= {say.fmt(r)}" in check.explanation
    assert f"sign(r) = {say.fmt(np.sign(r))} alone" in check.wrong[say.fmt(np.sign(r))]
    assert f"kink, w = {say.fmt(t / x)}" in check.wrong["0"]
    assert check.explanation.endswith(f"towards w = {say.fmt(t / x)}.")
    assert lesson.CHECK.question == "For L(w) = |3w − 6|, what is dL/dw at w = 1?"


def test_numbers_print_3_significant_digits_unless_the_sliders_make_them_exactly(monkeypatch):
    """A teacher's read: "kink at w = −0.6667", a samples table of 0.5819 and −0.02993, "−4.989", "w = 1.163",
    "from 1.066 to 4.253"; 3 significant digits where the digits are not the point, exact values kept (−2)."""
    from ui import layout

    digits = []
    table = layout.table
    monkeypatch.setattr(layout, "table", lambda df, **kw: digits.append(kw.get("digits")) or table(df, **kw))
    at = open_page("pages/derivation.py", {"d_x": "-1.5", "d_w": "0.8"})
    text = " ".join([e.value for kind in ("markdown", "caption", "info", "latex") for e in getattr(at, kind)])
    text += " ".join(alt_texts(at))
    assert "(w = −0.667)" in text and "0.6667" not in text and "from 1.07 to 4.25 here" in text
    assert digits == [3, 3], "both tables print 3 significant digits"
    default = " ".join(e.value for e in open_page("pages/derivation.py").markdown)
    assert "Σ sign(rᵢ)·xᵢ = **−4.99**" in default and "w = 1.16." in default and "4.989" not in default
    assert "= -2" not in default and say.fmt(-2.0) == "−2" and say.fmt(1.35 * 2.7) == "3.645"


@given(SETTINGS, st.floats(-100, 100, allow_nan=False))
def test_fmt_keeps_the_sliders_arithmetic_exact_and_rounds_the_rest_to_3_digits(v, other):
    p = page_numbers(v)
    true_r = exact(p["w"]) * exact(p["x"]) + exact(p["b"]) - exact(p["t"])
    assert value(say.fmt(p["r"])) == float(true_r) and value(say.fmt(p["y_hat"])) == float(true_r + exact(p["t"]))
    printed = say.fmt(other)
    assert "e" not in printed and abs(value(printed) - other) <= 5e-3 * abs(other) + 1e-9  # 1e-32 is 0
    digits = printed.lstrip("−").replace(".", "").replace(",", "").lstrip("0")
    assert len(digits.rstrip("0")) <= 3 or value(printed) == round(other, say.EXACT_DECIMALS)


def test_the_step_h_and_a_typed_answer_read_without_e_notation_or_padding():
    """d_h=1e-06 read "1e-06" on its slider and in the sentence; a typed 2 read "2.0000"."""
    at = open_page("pages/derivation.py", {"d_h": "1e-06", "d_x": "2", "d_w": "0.5"})  # on the kink: h is printed
    assert at.select_slider(key="d_h").options[0] == "0.000001"
    assert not any("e-0" in o for o in at.select_slider(key="d_h").options)
    assert any("h = 0.000001 straddles" in w.value for w in at.warning)
    number_format = at.number_input(key=lesson.PREDICT_KEY).proto.format
    assert number_format % 2.0 == "2" and number_format % -1.5 == "-1.5"


@given(SETTINGS, st.booleans(), st.floats(-4, 4, allow_nan=False))
def test_with_x_0_no_sentence_speaks_of_a_kink_in_w(v, on_target, guess):
    v = {**v, "x": 0.0} | ({"t": v["b"] if v["bias"] else 0.0} if on_target else {})  # ŷ = t at every w, or never
    p = page_numbers(v)
    check_no_kink_in_w_when_x_is_0(v, p, guess)
    check_wrong_answers_named(p, guess)
    check_finite_differences(p, v["h"])
    check_lesson(v, p)


def test_with_x_0_and_t_0_the_page_says_l_is_flat_not_that_you_stand_on_a_kink():
    at = open_page("pages/derivation.py", {"d_x": "0", "d_t": "0"})
    text = " ".join(e.value for kind in ("warning", "caption", "markdown", "info") for e in getattr(at, kind))
    assert "You are on the kink" not in text and "straddles" not in text and "between −|x| = 0" not in text
    assert "flat in w, with no kink" in text and "all three differences are exactly 0" in text


def slide_screens(at) -> dict[int, str]:
    """Each slide-view screen's text (formulas, text, charts' kinds) from the page's parts keyed slide-<screen>-<part>
    (ui.layout.slide_part): what the projector shows on that screen."""
    screens: dict[int, list[str]] = {}

    def texts(node) -> list[str]:
        out = [str(getattr(node, "value", "")) if type(node).__name__ != "UnknownElement" else node.type]
        for child in getattr(node, "children", {}).values():
            out += texts(child)
        return out

    def walk(node) -> None:
        if m := re.search(r"-slide-(\d+)-\d+$", getattr(getattr(node, "proto", None), "id", "") or ""):
            screens.setdefault(int(m.group(1)), []).extend(texts(node))
            return
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return {n: " ".join(t) for n, t in screens.items()}


def test_the_slide_view_carries_the_forward_pass_the_chart_and_its_takeaway():
    """A teacher's read: screen 1 showed the title only, the forward pass (r = −0.4) was on no screen, so the chain
    rule on screen 3 used an r the room never saw; the answer's screen had no takeaway."""
    at = open_page("pages/derivation.py", {"slides": "true"})
    screens = slide_screens(at)
    forward = r"r = \hat y - t = 0.6 - 1 = −0.4"
    assert forward in screens[1] and forward in screens[2], "on the question's screen and beside the prediction"
    assert "Predict first" in screens[2] and "Predict first" not in screens[1]
    answer = screens[3]
    assert r"\operatorname{sign}(−0.4) = −1" in answer and "vega_lite_chart" in answer
    assert "L1's slope is −2" in answer and "Slide w to 0.5, where ŷ = t" in answer


def test_the_charts_w_slider_reads_as_the_settings_one_the_graph_shows_dl_dt_and_a_phone_sees_the_summed_column(
    monkeypatch,
):
    """A teacher's read: the chart's "Weight w" showed no value or ends; the graph had no ∂L/∂t, the factor that shows
    the target matters; at 390 px the samples table cut off sign(rᵢ)·xᵢ, the column the sentence sums."""
    from ui import internals
    from ui import layout as ui_layout
    from ui.diagram import computational_graph

    at = open_page("pages/derivation.py")
    readout = internals.follow_slider_readout_css("follow-d_w", "−2", "2")
    assert any(e.proto.body == readout for e in at.get("html")), "the chart's slider shows its value and ends"
    assert "display: inline !important" in readout and 'content: "−2"' in readout and 'content: "2"' in readout
    svg = computational_graph(
        w=0.3, x=2, t=1, b=None, y_hat=0.6, r=-0.4, loss=0.4, sign=-1, grad_w=-2, grad_b=None, fmt=say.fmt
    )
    assert "∂L/∂t = −sign(r) = 1" in svg
    assert "∂L/∂t = −sign(r) = 1" in say.graph_alt(
        0.3, 2, 1, None, 0.6, r=-0.4, loss=0.4, sign=-1, grad_w=-2, grad_b=-1
    )
    monkeypatch.setattr(ui_layout, "on_phone", lambda: True)
    phone = open_page("pages/derivation.py")
    samples = next(e.value for e in phone.dataframe if "sign(rᵢ)·xᵢ" in e.value.columns)
    assert len(samples.columns) <= 4 and list(samples.columns)[-1] == "sign(rᵢ)·xᵢ"


def test_a_right_run_that_lands_a_rounding_error_off_its_target_says_so():
    """A fresh read: at x = −3, t = 3, w = 2 the right run 'reaches ŷ = t and then hovers', while in exact arithmetic
    it lands on w = −1, where sign(0)·x = 0 stops it: the hover is the arithmetic's rounding, and the page says so."""
    from tests.helpers import chart_texts
    from tests.test_pages import open_page, snapshot

    at = open_page("pages/derivation.py", {"d_x": "-3", "d_t": "3", "d_w": "2", "d_wrong": "true"})
    at.checkbox(key="d_guess_skip").check().run()
    text = snapshot(at) + " ".join(chart_texts(at))
    assert "where sign(0)·x = 0 would stop it; the arithmetic lands it a rounding error off" in text
    assert "and then hovers" not in text


# -- a teacher's read (read4a, findings 6-8): a number said twice, an arbitrary "step" --------------------------


@given(st.sampled_from([-1.0, 0.0, 1.0]), st.sampled_from([-2.0, 0.5, 1.5]))
def test_the_kink_convention_says_sign0_once(kink, x):
    """ "sign(0) = 0 (0 by default, as PyTorch's abs)" said 0 twice; at 1 it read "sign(0) = 1 (0 by default …)"."""
    on_kink = say.kink_note(x, 0.5, 0.0, kink, -2.0, 2.0, step=0.05)[1]
    off_kink = say.kink_note(x, 0.5, -0.4, kink, -2.0, 2.0, step=0.05)[1]
    for text in (on_kink, off_kink):
        assert "by default" not in text and text.count(f"sign(0) = {say.fmt(kink)}") == 1, text
        assert ("PyTorch's abs takes it" in text) == (kink == 0), text


def test_the_check_questions_wrong_pick_and_explanation_work_r_out_once():
    """A wrong pick of x alone read the rebuttal, then the explanation: "r = 3·1 − 6 = −3" twice in a row."""
    q = lesson.CHECK
    r_text = re.search(r"r = [^=]+= [−\d.]+", q.explanation).group(0)
    for rebuttal in q.wrong.values():
        assert (rebuttal + " " + q.explanation).count(r_text) == 1, rebuttal


def test_on_the_kink_the_misconception_takes_targets_1_above_and_1_below():
    """ "take two targets a step either side, t = 1.1 and t = −0.9": a "step" of 1 read as arbitrary."""
    text = say.misconception_text(0.1, 0.1, say.other_target(0.1, 0.1, 0.0), (-0.1, 0.1), on_kink=True)
    assert "a step either side" not in text and "a target 1 above it and one 1 below it, t = 1.1 and t = −0.9" in text


def test_the_bias_presets_dashed_line_is_named_as_the_paths_first_crossing_and_read_beside_its_line():
    """read4a 5: with b trained, the misconception chart's dashed line read "ŷ = t at w = 0.14" (ŷ = t is a line in
    (w, b): 0.14 is where the paths first cross it), in small grey type squeezed above the plot's top-right corner.
    Its name says what it is, in the chart's legible style, beside its line where no run crosses it."""
    at = open_page("pages/derivation.py", {"d_bias": "true", "d_b": "0.8", "d_wrong": "true"})
    specs = [(json.loads(e.proto.spec), e.proto) for e in at.get("vega_lite_chart")]
    spec, proto = next((sp, p) for sp, p in specs if "update k" in json.dumps(sp))
    rules = next(pa.ipc.open_stream(d.data.data).read_all() for d in proto.datasets if d.name == "rules").to_pylist()
    assert [r["text"] for r in rules] == ["paths first reach ŷ = t: w = 0.14"]
    assert rules[0]["slot"] not in charts.TOP_SLOTS
    fonts = [la["mark"].get("fontSize") for la in spec["layer"] if "rules" in json.dumps(la.get("data", {}))]
    assert charts.LEGIBLE_RULES.font in fonts
    assert any("ŷ = t is a line in (w, b)" in c for c in (e.value for e in at.caption))


def _significant(text: str) -> int:
    digits = text.replace("−", "").replace(",", "").replace(".", "").lstrip("0")
    return len(digits)


def test_the_samples_table_prints_three_significant_digits_in_one_style():
    """read4a 9: the samples table mixed "2" and "2.3" with "1.16" and "−0.0562": every sample's number has 3
    significant digits, trailing zeros kept; the sign column its whole −1, 0 or 1."""
    from ui.lessons.derivation import blocks

    for seed in (0, 7):
        at = open_page("pages/derivation.py", {"d_seed": str(seed), "d_n": "12"})
        df = next(d.value for d in at.dataframe if "tᵢ/xᵢ" in d.value.columns)
        for column in df.columns:
            for text in df[column]:
                assert isinstance(text, str), (column, text)
                if column == "sign(rᵢ)":
                    assert text in ("−1", "0", "1")
                elif "×" not in text and text != "0":
                    assert _significant(text) == blocks.DIGITS, (column, text)
    assert [blocks.sig(v) for v in (2.0, 2.302, -0.05621, 1.0)] == ["2.00", "2.30", "−0.0562", "1.00"]


def test_the_staircases_names_sit_where_it_never_runs():
    """read4a 24: at 390 px the "weighted median" name, written at the top right of its line, was crossed by the
    staircase's top step. The staircase only rises (every xᵢ > 0), so a name right of its line goes at the bottom,
    one left of it at the top, where the steps never run."""
    from ui.lessons.derivation import charts as lesson_charts

    data = core.make_dataset(n=5, x=(0.5, 2.5), w_true=1.0, noise_sigma=0.8, seed=0)
    assert (data.x > 0).all()
    spec = lesson_charts.step_function_chart(pd.DataFrame({"w": [0.0, 1.0], "g": [-1.0, 1.0]}), 0.3, (1.16, 1.16))
    names = [la for la in spec.to_dict()["layer"] if la["mark"]["type"] == "text"]
    assert len(names) == 4
    for la in names:
        right = la["mark"]["align"] == "left"  # written rightwards from its line
        assert la["encoding"]["y"]["value"] == ("height" if right else 0), la
        assert la["mark"]["baseline"] == ("bottom" if right else "top")


def test_the_bias_switch_label_is_whole_in_its_quarter_row_on_a_projector():
    """read5a 11: in presentation mode at 1280 the switch read "Add a bias b to the mo…": its column is a quarter of
    the settings row (about 270 px) less the switch (about 40 px), at the projector's ~12 px per letter."""
    label = C["bias"].label
    assert len(label) * 12 <= 270 - 40, label
    assert "bias b" in label
