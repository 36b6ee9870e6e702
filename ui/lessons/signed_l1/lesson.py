"""The signed-L1 lesson: the blog post's "L1 loss" Σ(ŷ − y), with no absolute value, minimised by descent.

Its controls and presets, and the experiment behind the page's Predict-first question: the gradient of Σ(ŷ − y)
is Σx whatever the targets, so w falls by lr·Σx every update; the answer's numbers come from the data and the
closed form w₀ − Σ lr·Sⱼ at the control values (by key). Data and runs go through ui.compute, so the page and
the "For teachers" page share them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

import core
from ui import compute
from ui.controls import Control, log_options
from ui.lessons import Lesson
from ui.lessons.signed_l1 import sentences as say

N = 20  # the article's 20 samples of y = w·x (+ noise)
ARTICLE_CODE = """def loss(y_hat, y, loss='L1'):
    if loss=='L1':
        return np.sum(y_hat - y)          # <- our note: no absolute value
    elif loss == 'L2':
        return np.sum(np.square(y_hat-y))
...
        if loss_type == 'L1':
            # L = y_hat -y , dL/dy_hat = 1
            # dy_hat/dw = x
            # dL/dw = 1*x
            gradient = np.sum(x)          # <- our note: x, not this_x (all 20 samples)
            w -= lr*gradient
        elif loss_type == 'L2':
            gradient = np.sum(2*(y_hat-this_y)*this_x)
            w -= lr*gradient"""


def _excerpt(code: str) -> str:
    """The lines of the article's code the question is about: its L1 loss, and its L1 branch's gradient and step."""
    lines = code.splitlines()
    loss_end = next(i for i, line in enumerate(lines) if "np.sum(y_hat - y)" in line)
    branch = next(i for i, line in enumerate(lines) if "loss_type == 'L1'" in line)
    grad = next(i for i, line in enumerate(lines) if "gradient = np.sum(x)" in line)
    return "\n".join([*lines[: loss_end + 1], "...", lines[branch], lines[grad], lines[grad + 1]])


SLIDE_CODE = _excerpt(ARTICLE_CODE)  # the slide view's question screen (the whole code is folded on a projector)
RINGS = 16  # the closed form's rings on the w chart: few enough to tell from signed L1's dotted line they sit on
W_CHART_HEIGHT = {"page": 380, "beside": 300}  # the w chart's height in px, legend and axes included: its plot
# area about 190 px (the step-through's too) on a desk, a phone or the slide view's answer screen (where its
# takeaway still fits under it at 1280 x 800); beside the question on a projector
LOSSES = ("signed_l1", "l1", "l2")
C = {
    "full": Control(
        "s_full",
        "Gradient as the article prints it: summed over the whole data set",
        "bool",
        True,
        help="The article's L1 branch computes np.sum(x) over all 20 samples, not the batch.",
    ),
    "lr": Control("s_lr", "Learning rate", "log", 0.01, options=log_options(1e-4, 0.5)),
    "w0": Control("s_w0", "Start w0", "float", 20.0, lo=-50.0, hi=50.0, step=0.5),
    "epochs": Control("s_epochs", "Epochs", "int", 20, lo=1, hi=200, step=1),
    "bs": Control("s_bs", "Batch size", "int", 2, lo=1, hi=20, step=1),
    "x": Control("s_x", "x (the same for every sample)", "float", 2.0, lo=0.5, hi=5.0, step=0.5),
    "w_true": Control("s_wtrue", "True w", "float", 1.0, lo=-5.0, hi=5.0, step=0.5),
    "sigma": Control("s_sigma", "Noise sigma", "float", 0.0, lo=0.0, hi=10.0, step=0.05),
    "seed": Control("s_seed", "Noise seed", "int", 0, lo=0, hi=99, step=1),
}
CONTROLS = list(C.values())
PER_BATCH = "Per-batch gradient, w₀ = 20.5, 60 epochs (signed L1 ends at −3.5, absolute L1 steps across the target)"
LONGER = "Train ten times longer: absolute L1 reaches the target"  # at update 475, by 475 whole steps of 0.04: the
# chart, its takeaway and its end line say that; why the float run then hops a step off it (rounding) is the fold's
PRESETS = {  # each name promises only what its run shows (tests/test_sentences_signed_l1.py checks each against it)
    "The article, as printed (w ends at −60)": {},
    # long enough for absolute L1 to part from signed L1 (update 488); from 20.5 its steps of 0.04 cannot land on
    # the target (from 20 they land on it, where the step is 0, and only rounding moves w on: say.REACHES_PRESET)
    PER_BATCH: {"s_full": False, "s_w0": 20.5, "s_epochs": 60},
    "Noisy data, sigma 5": {"s_sigma": 5.0},
    "Move the target: true w = −3": {"s_wtrue": -3.0},
    say.REACHES_PRESET: {"s_w0": 20.5, "s_epochs": 60},
    LONGER: {"s_epochs": 200},
}
# The closing check question: clipping the signed loss at zero. Each wrong option gets its own rebuttal (a wrong
# pick reads it before the explanation).
CHECK_QUESTION = (
    "A colleague fixes the bug by clipping the loss at zero: max(Σ(ŷ − y), 0). Does that make it a good loss?"
)
CHECK_RIGHT = "No, because predictions far below the targets then cost nothing"  # read aloud after
# "Not quite: the answer is …", a comma, not "is No: predictions …"
CHECK_WRONG = {
    "Yes, because the loss can no longer go negative": (
        "Never going negative is not what makes a loss good: the clipped loss sits at its best, 0, for far too "
        "many w, so it cannot tell descent where to stop."
    ),
    "Yes, because its only minimum is now at the true w": (
        "The true w does score 0, but it is not alone: every smaller w puts the predictions, in total, further "
        "below the targets and scores the same 0 (on the article's data, every w ≤ 1). The minimum is a whole "
        "half-line, not a point."
    ),
}
CHECK_OPTIONS = (*list(CHECK_WRONG)[:1], CHECK_RIGHT, *list(CHECK_WRONG)[1:])
CHECK_WHY = (
    "Clipping hides the symptom. Any w that makes Σ(ŷ − y) ≤ 0 scores a perfect 0, so w = −1000 is “optimal”. "
    "A loss for a target must grow when you move away from it in either direction: |ŷ − y| or (ŷ − y)²."
)
PREDICT_KEY = "s_predict"
# The slide view's screens after the question's, in page order (Lesson.slides): the page wraps each block in its own
STEP, LOSS_SCREEN, GRADIENT_SCREEN, WHY = SLIDES = (
    "Step through the run",
    "The loss over updates",
    "The gradient each update used",
    "Why it breaks",
)
FALLS = "It falls on a straight line and never stops"
# the same words whatever the settings (the question states them), so an answer stays chosen while a student
# moves a slider; the distractors name the pull of the target, absolute L1's behaviour, and a last number read
# as a resting point
OPTIONS = ("It settles at the true w", "It oscillates around the true w", "It comes to rest at another w", FALLS)


def narrow_code(code: str) -> str:
    """The code for a phone's width: indents of two spaces instead of four, and a note at the end of a line
    (`  # <- …`) on its own line above it (`# ↓ …`)."""
    out = []
    for line in code.splitlines():
        body, mark, note = line.partition("  # <-")
        text = body.rstrip() if mark else line
        indent = " " * ((len(text) - len(text.lstrip())) // 2)
        if mark:
            out.append(f"{indent}# ↓{note}".rstrip())
        out.append(indent + text.lstrip())
    return "\n".join(out)


def by_name(values: Mapping[str, object]) -> dict[str, object]:
    """The control values by the page's short names (lr, w0, ...) from values by control key."""
    return {name: values[c.key] for name, c in C.items()}


def dataset(values: Mapping[str, object]) -> core.Dataset:
    """The 20 samples y = w_true·x (+ noise) at these values (cached)."""
    v = by_name(values)
    return compute.dataset(n=N, x=v["x"], w_true=v["w_true"], noise_sigma=v["sigma"], seed=v["seed"])


def gradient_sums(values: Mapping[str, object]) -> np.ndarray:
    """Signed L1's gradient of each update: Σx over all samples (as printed) or over the update's batch."""
    v = by_name(values)
    return core.gradient_x_sums(dataset(values).x, v["bs"], v["epochs"], v["full"])


def closed_form(values: Mapping[str, object]) -> np.ndarray:
    """w after each update, w₀ − Σ lr·Sⱼ: where signed L1 goes, whatever the targets."""
    v, sums = by_name(values), gradient_sums(values)
    return core.signed_l1_closed_form(v["w0"], v["lr"], sums, sums.size)


def run(values: Mapping[str, object], loss: str) -> core.Trajectory:
    """One loss's run at these values (cached); signed L1 sums its gradient over every sample when printed so."""
    v = by_name(values)
    over = "full" if (loss == "signed_l1" and v["full"]) else "batch"
    return compute.run(
        dataset(values), loss, ("constant", v["lr"], ()), v["w0"], v["bs"], epochs=v["epochs"], gradient_over=over
    )


def question(values: Mapping[str, object]) -> str:
    """The Predict-first question, with the settings on screen."""
    v = by_name(values)
    over = "summed over all 20 samples, as printed" if v["full"] else "summed over each batch"
    return (
        f"Learning rate {v['lr']:g}, w₀ = {say.num(v['w0'])}, {v['epochs']} epochs of batches of {v['bs']}, true w = "
        f"{say.num(v['w_true'])} (gradient {over}): where does w go under the article's signed “L1” loss?"
    )


def expected(values: Mapping[str, object]) -> tuple[str, str]:
    """(the answer, the numbers behind it): w falls by lr·Σx every update, whatever the targets."""
    v, sums, closed = by_name(values), gradient_sums(values), closed_form(values)
    return FALLS, say.predict_explanation(v["w0"], v["lr"], sums, sums.size, say.end_value(closed), full=v["full"])


def rebuttals(values: Mapping[str, object]) -> dict[str, str]:
    """The misconception behind each wrong pick, with the numbers of the run at these values (by key): a student who
    picks one under a preset, or after moving a slider, reads why it is wrong there, not the defaults' numbers."""
    v, x = by_name(values), dataset(values).x
    full, batch = (core.gradient_x_sums(x, v["bs"], v["epochs"], over_all) for over_all in (True, False))
    steps = {  # each reading's step, as the arithmetic gives it (short decimals: 0.01 × 40 = 0.4)
        k: [say.exact_text(say.exact(v["lr"]) * say.exact(s)) for s in say._distinct(g)]
        for k, g in (("full", full), ("batch", batch))
    }
    end = {
        k: say.num(say.end_value(core.signed_l1_closed_form(v["w0"], v["lr"], g, g.size)))
        for k, g in (("full", full), ("batch", batch))
    }
    shown = "full" if v["full"] else "batch"
    step = " or ".join(f"−{s}" for s in steps[shown])
    if steps["full"] == steps["batch"]:  # one batch of every sample: the two readings are one run
        ends = f"the run ends at {end['full']}"
    else:
        ends = (
            f"the run as printed ends at {end['full']}, the per-batch reading of the code at {end['batch']} (steps "
            f"of {' or '.join(steps['batch'])} instead of {' or '.join(steps['full'])})"
        )
    return {
        OPTIONS[0]: (
            "“It is the L1 loss, and L1 is minimised at the target.” The absolute value is what puts a minimum "
            "at the target; without it Σ(w·x − y) has none: its derivative Σx is never 0, so descent never stops."
        ),
        OPTIONS[1]: (
            "This is absolute L1's behaviour remembered: |r| flips its gradient's sign when the prediction crosses "
            "the target. Σ(ŷ − y) has no sign(r) in its gradient, so nothing flips: every step is "
            f"−lr·Σx = {step} here, above the target and below it."
        ),
        OPTIONS[2]: (
            f"A last printed number read as a resting point: {ends}. The run stops there; w does not: add epochs "
            "and it keeps falling by the same step."
        ),
    }


LESSON = Lesson(
    page="signed_l1",
    title="The signed-L1 failure",
    predict_key=PREDICT_KEY,
    controls=tuple(CONTROLS),
    presets=PRESETS,
    question=question,
    expected=expected,
    wrong=rebuttals({c.key: c.default for c in CONTROLS}),  # the teachers' page's list: the defaults' run
    rebut=rebuttals,  # every other setting: its own run's numbers
    show=(PER_BATCH, "Move the target: true w = −3", say.REACHES_PRESET),
    slides=SLIDES,
    minutes=8,
    trim="the step-through panel and the per-batch toggle: the default run and its one sentence are the point",
    say=(
        "Ask them to differentiate Σ(w·x − y) with respect to w, on paper: where did y go? A gradient that "
        "does not contain the target cannot lead to it. After the reveal, move True w: the signed-L1 line does "
        "not move at all."
    ),
)
