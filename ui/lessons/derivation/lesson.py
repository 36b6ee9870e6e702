"""The derivation lesson: dL/dw of L(w) = |w·x (+ b) − t| for one sample the student sets.

Its controls and presets, and the computation behind the page's Predict-first question: the forward pass and
the chain rule at the control values (by key), the expected answer and the verdict on a typed dL/dw. A typed
answer is right within say.GUESS_TOL = 0.001 of sign(r)·x; on the kink r = 0 every subgradient in [−|x|, |x|]
is right. Pure arithmetic on one sample: nothing to run or cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import core
from ui.controls import Control, log_options
from ui.lessons import Lesson
from ui.lessons.derivation import sentences as say
from ui.questions import NumberAnswer

C = {
    "x": Control("d_x", "Input x", "float", 2.0, lo=-3.0, hi=3.0, step=0.1),
    "t": Control("d_t", "Target t", "float", 1.0, lo=-3.0, hi=3.0, step=0.1),
    "w": Control("d_w", "Weight w", "float", 0.3, lo=-2.0, hi=2.0, step=0.05),
    "bias": Control("d_bias", "Add a bias b", "bool", False),  # short: whole in a quarter row on a projector
    "b": Control("d_b", "Bias b", "float", 0.0, lo=-2.0, hi=2.0, step=0.1),
    "kink": Control.from_param("d_kink", core.LOSSES["l1"].param("at_kink")),
    "h": Control(  # its readout as the sentences print it: 0.000001, not 1e-06
        "d_h", "Finite-difference step h", "log", 0.001, options=log_options(1e-6, 1.0, 3), format_func=say.fmt
    ),
    "wrong": Control("d_wrong", "Try the misconception: “∇loss = ∇m, since t is a constant”", "bool", False),
    "n": Control("d_n", "Samples in the sum", "int", 5, lo=2, hi=12, step=1),
    "seed": Control("d_seed", "Samples' seed", "int", 0, lo=0, hi=99, step=1),
}
CONTROLS = list(C.values())
PRESETS = {
    "The question's numbers: w = 0.3, x = 2, t = 1": {},
    "Standing on the kink: w = 0.5": {"d_w": 0.5},
    "A negative input: x = −1.5 (at w = 0.8)": {"d_x": -1.5, "d_w": 0.8},
    "The misconception, switched on": {"d_wrong": True},
    "A bias b = 0.8 lifts ŷ above t: the sign flips": {"d_bias": True, "d_b": 0.8},
}
PREDICT_KEY = "d_guess"
# The slide view's screens after the question's, in page order (Lesson.slides): the page wraps each block in its own
KINK, GRAPH, NUMERIC, MISCONCEPTION, SAMPLES = SLIDES = (
    "The kink",
    "The computational graph",
    "Check it numerically",
    "The misconception",
    "Several samples: a median",
)
CHECK = say.check_question(x=3.0, t=6.0, w=1.0)  # the closing question: L(w) = |3w − 6| at w = 1


@dataclass(frozen=True)
class Sample:
    """One sample's forward pass and the chain rule at it (b = 0 when the model has no bias)."""

    x: float
    t: float
    w: float
    b: float
    bias: bool
    kink: float  # the app's sign(0)
    y_hat: float
    r: float  # ŷ − t, with a product's rounding read as 0 (say.residual)
    loss: float
    sign: float  # dL/dr: sign(r), or the app's pick on the kink

    @property
    def grad_w(self) -> float:
        return self.sign * self.x

    @property
    def grad_b(self) -> float:
        return self.sign

    @property
    def at_kink(self) -> bool:
        return self.r == 0

    @property
    def kinked(self) -> bool:
        """On the V's corner: r = 0 with x ≠ 0 (with x = 0, L is flat in w: no corner, and its slope is 0)."""
        return self.at_kink and self.x != 0

    @property
    def slope_l2(self) -> float:
        """L2's slope at w, 2·r·x, for the tangent the chart draws beside L1's."""
        return float(core.loss_grad("l2", self.r)) * self.x


def sample(values: Mapping[str, object]) -> Sample:
    """The single sample at these control values (by key): ŷ = w·x + b, r = ŷ − t, L = |r|, dL/dr."""
    x, t, w, kink = (float(values[C[name].key]) for name in ("x", "t", "w", "kink"))
    bias = bool(values[C["bias"].key])
    b = float(values[C["b"].key]) if bias else 0.0
    r = say.residual(w, x, b, t)
    loss, sign = float(core.loss_value("l1", r)), float(core.loss_grad("l1", r, at_kink=kink))
    return Sample(x, t, w, b, bias=bias, kink=kink, y_hat=w * x + b, r=r, loss=loss, sign=sign)


def question(values: Mapping[str, object]) -> str:
    """The Predict-first question at these values."""
    s = sample(values)
    bias = f", b = {say.fmt(s.b)}" if s.bias else ""
    return f"With these numbers (w = {say.fmt(s.w)}, x = {say.fmt(s.x)}, t = {say.fmt(s.t)}{bias}), what is dL/dw?"


def expected(values: Mapping[str, object]) -> tuple[str, str]:
    """(dL/dw as a number's text float() reads, why in numbers): sign(r)·x, on the kink the app's subgradient."""
    s = sample(values)
    return f"{s.grad_w + 0.0:.6g}", say.gradient_why(s.y_hat, s.t, s.r, s.x, s.sign)


def verdict(values: Mapping[str, object], guess: float) -> tuple[bool, str]:
    """The page's verdict on a typed dL/dw: right within say.GUESS_TOL of `expected`'s sign(r)·x (on the kink,
    any subgradient), with the numbers that decide it."""
    s = sample(values)
    return say.guess_feedback(guess, s.x, s.r, s.sign, s.grad_w)


OTHER = "another number"  # the room's bar for a typed dL/dw that is neither right nor a common slip


def _right_option(s: Sample) -> str:
    if s.kinked:
        return f"[{say.fmt(-abs(s.x))}, {say.fmt(abs(s.x))}], a subgradient"
    return f"{say.fmt(s.grad_w)}, sign(r)·x"


def _room_bars(s: Sample) -> list[tuple[str, float | None]]:
    """(bar, the value it counts) for the room's chart: the right answer, each common slip that a typed number
    can still reach (one not matched by an earlier bar), and the rest."""
    bars: list[tuple[str, float | None]] = [(_right_option(s), None)]
    taken = [s.grad_w]
    for g in () if s.kinked else say.wrong_guesses(s.x, s.r, s.sign):
        if all(abs(g.value - v) > say.GUESS_TOL for v in taken):
            bars.append((f"{say.fmt(g.value)}, {g.name}", g.value))
            taken.append(g.value)
    return [*bars, (OTHER, None)]


def number_answer(values: Mapping[str, object]) -> NumberAnswer:
    """The Predict-first question's typed answer: its verdict, and the room's bar each typed number counts under."""
    s = sample(values)
    bars = _room_bars(s)

    def option(guess: float) -> str:
        if verdict(values, guess)[0]:
            return bars[0][0]
        return next((bar for bar, v in bars[1:-1] if abs(guess - v) <= say.GUESS_TOL), OTHER)

    return NumberAnswer(
        "Your dL/dw",
        [bar for bar, _ in bars],
        option,
        lambda guess: verdict(values, guess),
        placeholder="e.g. 1.5",
        waiting="Answer (or skip) to see the backward pass.",
    )


def room_answer(values: Mapping[str, object]) -> tuple[str, str]:
    """(the room's bar that holds the right answer, why in numbers): `expected` as the poll shows it."""
    return _right_option(sample(values)), expected(values)[1]


def _wrong_answers() -> dict[str, str]:
    """The answers a room gives at the defaults, each computed from them, and the misconception behind each."""
    s = sample({c.key: c.default for c in CONTROLS})
    f = say.fmt
    return {
        f"{f(s.x)}, x alone": (
            "“∇loss = ∇m, since t is a constant”: the chain rule without its first factor. The target enters "
            f"through sign(ŷ − t); here ŷ = {f(s.y_hat)} is below t = {f(s.t)}, so the sign is {f(s.sign)} and flips "
            "it. The page's misconception switch descends with it: w walks away from the target for ever."
        ),
        f"{f(s.sign)}, sign(r) alone": (
            f"dL/dr taken for dL/dw: the chain rule stopped one factor early; dŷ/dw = x = {f(s.x)} multiplies it."
        ),
        f"{f(s.loss)}, |r|": (
            f"the loss's value taken for its slope: L = |r| = {f(s.loss)} says how far off the prediction is; the "
            f"V's slope is ±|x| = ±{f(abs(s.x))} wherever w is off the kink."
        ),
        f"{f(2 * s.r * s.x)}, 2·r·x": (
            f"the squared loss's gradient, from habit: 2·r·x = {f(2 * s.r * s.x)} shrinks as ŷ nears t; the slope "
            "of |r| keeps its size and only changes sign."
        ),
    }


LESSON = Lesson(
    page="derivation",
    title="The L1 gradient, step by step",
    predict_key=PREDICT_KEY,
    controls=tuple(CONTROLS),
    presets=PRESETS,
    question=question,
    expected=expected,
    wrong=_wrong_answers(),
    show=(
        "Standing on the kink: w = 0.5",
        "A negative input: x = −1.5 (at w = 0.8)",
        "A bias b = 0.8 lifts ŷ above t: the sign flips",
        "The misconception, switched on",
    ),
    slides=SLIDES,
    minutes=9,
    trim="the finite-difference table: the chain rule, the misconception and the kink carry the lesson",
    say=(
        "Ask where the target t appears in their answer: if it does not, move t above ŷ and below it and ask "
        "again. Then stand on the kink (w = 0.5) and ask which slope the V has there."
    ),
)
