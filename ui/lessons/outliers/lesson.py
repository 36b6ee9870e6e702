"""The outliers lesson: L1, L2 and Huber lines through data where a share of the points were shifted.

Its controls and presets, and the experiment behind the page's first Predict-first question: fit each loss's
exact line to the generated table at the control values (by key) and say which line ends further from the true
one (mean vertical gap over the data's x, against facts.NEAR). The page asks the same question of the table
the student edited (`verdict` on its points); `expected(values)` answers it for the generated table, the one a
teacher's link opens. Where L1's best line is a near-tie with one near the truth (gradient descent finds the other),
the answer says so. Fits go through ui.compute, so the page and the "For teachers" page share them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

import core
from ui import compute, frames
from ui.controls import Control
from ui.lessons import Lesson
from ui.lessons.outliers import compute as lesson_compute
from ui.lessons.outliers import facts
from ui.lessons.outliers import sentences as say

C = {
    "n": Control("o_n", "Points", "int", 30, lo=10, hi=100, step=1),
    "w": Control("o_w", "True slope w", "float", 2.0, lo=-3.0, hi=3.0, step=0.1),
    "b": Control("o_b", "True bias b", "float", 1.0, lo=-5.0, hi=5.0, step=0.1),
    "sigma": Control("o_sigma", "Noise sigma", "float", 0.5, lo=0.0, hi=3.0, step=0.1),
    "frac": Control("o_frac", "Fraction of outliers", "float", 0.1, lo=0.0, hi=0.5, step=0.05),
    "size": Control("o_size", "Outlier shift (added to y)", "float", 25.0, lo=-50.0, hi=50.0, step=1.0),
    "seed": Control("o_seed", "Seed", "int", 0, lo=0, hi=99, step=1),
    "bias": Control("o_bias", "Fit a bias (a line y = w·x + b; off: through the origin)", "bool", True),
    "delta": Control.from_param("o_delta", core.LOSSES["huber"].param("delta")),
    "drag": Control("o_drag", "Drag one target", "float", 12.0, lo=-100.0, hi=100.0, step=1.0),
}
CONTROLS = list(C.values())
PRESETS = {
    "Clean data": {"o_frac": 0.0},
    "One bad point in ten": {},
    "A third of the data bad": {"o_frac": 0.35},
    "Just under half bad": {"o_frac": 0.45},
    "Through the origin (the weighted median)": {"o_bias": False, "o_b": 0.0},
}
PREDICT_KEY = "o_predict"
GD_PREDICT_KEY = "o_gd_predict"  # does gradient descent reach the exact fit: the page's second question
BREAK_PREDICT_KEY = "o_break_predict"  # how many bad points break each fit: its third
# The slide view's screens after the questions', in page order (Lesson.slides): the page wraps each block in its own
NUMBER_LINE, PULLS, BOUNDED_PULLS = SLIDES = ("One number: median and mean", "Who pulls how hard", "Bounded pulls")
LOSSES = ("l1", "l2", "huber")
X_RANGE = (0.0, 5.0)  # the generated x: uniform on this interval
OPTIONS = say.FURTHER  # the first question's answers
# the defaults' numbers the wrong answers quote: a mean moves by fraction x shift
_MEAN_SHIFT = C["frac"].default * C["size"].default
_TOL = say.near_tolerance(C["sigma"].default, C["n"].default, C["size"].default)


def true_bias(values: Mapping[str, object]) -> float:
    """The true line's bias: the control's, or 0 for a line through the origin."""
    return float(values["o_b"]) if values["o_bias"] else 0.0


def dataset(values: Mapping[str, object]) -> core.Dataset:
    """The generated data at these values (cached, shared with every page that asks for it)."""
    return compute.dataset(
        n=values["o_n"],
        x=X_RANGE,
        w_true=values["o_w"],
        b_true=true_bias(values),
        noise_sigma=values["o_sigma"],
        outlier_fraction=values["o_frac"],
        outlier_size=values["o_size"],
        seed=values["o_seed"],
    )


def table(values: Mapping[str, object]) -> pd.DataFrame:
    """The generated data as the page's editor starts from it: x and y to 3 decimals, each row's kind."""
    d = dataset(values)
    return pd.DataFrame({"x": d.x.round(3), "y": d.y.round(3), "kind": np.where(d.is_outlier, "outlier", "inlier")})


@dataclass(frozen=True)
class Fits:
    """The exact lines fitted to a table's points, and each one's mean vertical gap to the true line."""

    exact: Mapping[str, tuple[float, float]]  # loss -> (w, b)
    gaps: Mapping[str, float]  # loss -> mean |fitted - true| over x on x_range
    tol: float  # near the true line: a gap of at most facts.NEAR at these settings (near_tolerance)
    x_range: tuple[float, float]


def fits(x: np.ndarray, y: np.ndarray, values: Mapping[str, object]) -> Fits:
    """Each loss's exact line through (x, y) at these values (cached), against the true line."""
    exact = lesson_compute.exact_fits(x, y, values["o_bias"], values["o_delta"], LOSSES)
    x_range = (float(x.min()), float(x.max()))
    gaps = {k: say.mean_gap(*exact[k], values["o_w"], true_bias(values), *x_range) for k in LOSSES}
    return Fits(exact, gaps, near(values), x_range)


def near(values: Mapping[str, object]) -> float:
    """The near rule's tolerance at these settings (facts.NEAR)."""
    return say.near_tolerance(values["o_sigma"], values["o_n"], values["o_size"])


def fit_ends(x: np.ndarray, exact: Mapping[str, tuple[float, float]]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Where the chart draws each fitted line: from the data's smallest x to its largest (xs), and per loss
    y = w·x + b at those two x."""
    xs = np.linspace(float(x.min()), float(x.max()), 2)
    return xs, {k: w * xs + b for k, (w, b) in exact.items()}


def far_points(x: np.ndarray, y: np.ndarray, values: Mapping[str, object]) -> int:
    """How many points lie far from the true line (facts.FAR at this noise), counted from the table's numbers."""
    height = np.asarray(y, dtype=float) - (float(values["o_w"]) * np.asarray(x, dtype=float) + true_bias(values))
    return int(np.sum(np.abs(height) > facts.FAR.threshold(values["o_sigma"])))


def near_tie(x: np.ndarray, y: np.ndarray, values: Mapping[str, object], f: Fits) -> dict[str, tuple[float, ...]]:
    """L1's best line when it is a near-tie (say.near_ties): gradient descent (the page's second question, cached)
    ends near the true line on a line whose loss is within facts.TIE of the exact fit's, which left it."""
    gd = lesson_compute.descent_to_exact(
        x, y, values["o_bias"], values["o_delta"], LOSSES, updates=facts.GD_UPDATES, near=facts.ARRIVED
    )
    return say.near_ties(gd, f.gaps, (values["o_w"], true_bias(values)), f.x_range, f.tol)


def question(values: Mapping[str, object]) -> str:
    """The first Predict-first question at these values, with the near rule that decides it."""
    n = int(values["o_n"])
    shifted = core.outlier_count(n, values["o_frac"])
    return (
        f"{say.shifted_words(shifted, n)} shifted by {values['o_size']:+g}. Which lines leave the true line, "
        f"ending more than {say.near_text(near(values))} from it on average (the mean vertical gap)?"
    )


def verdict(
    f: Fits, shifted: int, n: int, size: float, tie: Mapping[str, tuple[float, ...]] | None = None
) -> tuple[tuple[str, ...], str]:
    """(which lines leave the true one: every answer that counts, the plain rule's first; the gaps that decide
    it); `shifted` of the `n` points are marked as outliers, moved by `size`; `tie`: L1's near-tie (near_tie)."""
    answers = say.further_answers(f.gaps, f.tol)
    return answers, say.further_explanation(f.gaps, f.tol, f.x_range, shifted, n, size=size) + say.tie_note(tie)


def generated_points(values: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The generated table's points as the page reads them (frames.clean_points): x, y, and which are shifted."""
    t = table(values)
    x, y, kept, _ = frames.clean_points(t)
    return x, y, t["kind"].to_numpy()[kept] == "outlier"


def expected(values: Mapping[str, object]) -> tuple[str, str]:
    """The answer for the generated table at these values (what a link opens), read as the page reads it."""
    x, y, shifted = generated_points(values)
    f = fits(x, y, values)
    answers, why = verdict(f, int(shifted.sum()), x.size, float(values["o_size"]), near_tie(x, y, values, f))
    return answers[0], why


_SHIFTED = round(C["frac"].default * C["n"].default)  # the default run's shifted points


LESSON = Lesson(
    page="outliers",
    title="Outliers: median vs mean",
    predict_key=PREDICT_KEY,
    later_questions=(GD_PREDICT_KEY, BREAK_PREDICT_KEY),
    slides=SLIDES,
    controls=tuple(CONTROLS),
    presets=PRESETS,
    question=question,
    expected=expected,
    wrong={  # keyed by the page's own options (say.FURTHER): a student who picks one reads it at the defaults
        say.FURTHER[0]: (
            f"L1's pull is capped: each point pulls at most |x|, near or far, so {_SHIFTED} shifted points pull like "
            f"{_SHIFTED} ordinary ones and the other {C['n'].default - _SHIFTED} outvote them. L2's pull grows with "
            "the miss: a point "
            f"{C['size'].default:g} off pulls about {C['size'].default / C['sigma'].default:g} times harder than one "
            "at the noise level."
        ),
        say.FURTHER[2]: (
            "That is true of a median, not of a mean. Least squares with a bias puts the line through the mean of "
            f"the points, and shifting a tenth of them by {C['size'].default:g} moves a mean by about "
            f"{_MEAN_SHIFT:g}, well past the {say.near_text(_TOL)} the page counts as near. L1's line is a median "
            "and stays near."
        ),
        say.FURTHER[3]: (
            f"Only a fit that averages is ruined by a few points. At the defaults {C['frac'].default:.0%} of the "
            "points are shifted; L1 counts them as a few points against many and its line stays near, while L2's mean "
            "moves. Both break down only when the shifted points come near half the data (the preset just under "
            "half bad)."
        ),
    },
    show=("A third of the data bad", "Just under half bad", "Through the origin (the weighted median)"),
    minutes=8,
    trim="the breakdown sweep: the first question and gradient descent on the data carry it",
    say=(
        "Ask how hard one far point pulls on each line: L2's pull 2·r·x grows with its distance r, L1's is ±x "
        "whatever the distance. Then show a third of the data bad, where L1 still holds, and just under half, "
        "where L1's best line is a near-tie between the shifted points and the good ones: it counts points, and "
        "they are nearly half, so a tiny change tips it (gradient descent stops on the good line)."
    ),
)
