"""The (w, b) landscape lesson: a line y = w·x + b fitted to 30 points by four optimisers, on L1, L2 or Huber.

Its controls and presets, and the experiment behind the page's Predict-first question: run every optimiser that
is on at the control values (by key), full batch from the same start, and say which gets closest to the optimal
loss (its best loss minus f*, ties within `sentences.tie_tolerance`). Runs go through ui.compute, so
the page and the "For teachers" page share them.
"""

from __future__ import annotations

from collections.abc import Mapping

import core
from ui import charts, compute
from ui.controls import Control, log_options, loss_params
from ui.lessons import Lesson
from ui.lessons.landscape import compute as lesson_compute
from ui.lessons.landscape import sentences as say

OPTIMIZERS = ("sgd", "momentum", "adam", "polyak")
OPT_LABELS = {
    "sgd": "plain (sub)gradient descent",
    "momentum": "momentum",
    "adam": "Adam",
    "polyak": "Polyak's step",
}
C = {
    "loss": Control("l_loss", "Loss", "choice", "l1", options=("l1", "l2", "huber"), format_func=charts.label),
    "data": Control(
        "l_data",
        "Data",
        "choice",
        "outliers",
        options=("clean", "outliers"),
        format_func={"clean": "a clean line", "outliers": "10% outliers"}.get,  # as on the outliers page
    ),
    "w0": Control("l_w0", "Start w", "float", -2.0, -4.0, 6.0, 0.1),
    "b0": Control("l_b0", "Start b", "float", 6.0, -6.0, 10.0, 0.1),
    "steps": Control("l_steps", "Updates", "int", 300, 10, 2000, 10),
    "lr": Control("l_lr", "lr for plain descent and momentum", "log", 0.002, options=log_options(1e-4, 0.1)),
    "adam_lr": Control("l_adam_lr", "lr for Adam", "log", 0.05, options=log_options(1e-3, 1.0)),
    "sched": Control(
        "l_sched",
        "Schedule",
        "choice",
        "constant",
        options=("constant", "inverse_sqrt"),
        format_func={"constant": "constant", "inverse_sqrt": "lr/√(1 + t)"}.get,
    ),
    "beta": Control("l_beta", "momentum β", "float", 0.9, 0.0, 0.99, 0.01),
    "beta1": Control("l_beta1", "Adam β₁", "float", 0.9, 0.0, 0.99, 0.01),
    # 0.999 and 0.9999 differ where a two-decimal label shows 1.00 (no update at all): four decimals
    "beta2": Control("l_beta2", "Adam β₂", "float", 0.999, 0.9, 0.9999, 0.0001, slider_format="%.4f"),
    "delta": Control.from_param("l_delta", core.LOSSES["huber"].param("delta")),
    # the toggles' labels short enough for a quarter of the row ("plain (sub)gradient de…" was cut); legends say it all
    **{
        f"use_{o}": Control(f"l_{o}", OPT_LABELS[o].replace(" (sub)gradient descent", " descent"), "bool", True)
        for o in OPTIMIZERS
    },
}
CONTROLS = list(C.values())
PRESETS = {
    "L1: the race (defaults)": {},
    "L1 with a decaying step": {"l_sched": "inverse_sqrt", "l_lr": 0.01, "l_steps": 1000},
    "L2: a smooth bowl": {"l_loss": "l2"},
    "Huber": {"l_loss": "huber"},
    "Clean data, L1": {"l_data": "clean"},
}
PREDICT_KEY = "l_predict"


def chosen(values: Mapping[str, object]) -> list[str]:
    """The optimisers that are on, in the page's order."""
    return [o for o in OPTIMIZERS if values[C[f"use_{o}"].key]]


def dataset(values: Mapping[str, object]) -> core.Dataset:
    """30 points of y = 2x + 1 + N(0, 0.5²), x in [0, 5]; with 10% of them moved by 25 for "outliers" (cached)."""
    outliers = values["l_data"] == "outliers"
    return compute.dataset(
        n=30,
        x=(0.0, 5.0),
        w_true=2.0,
        b_true=1.0,
        noise_sigma=0.5,
        outlier_fraction=0.1 if outliers else 0.0,
        outlier_size=25.0,
        seed=0,
    )


def optimum(values: Mapping[str, object]) -> tuple[float, float, float]:
    """(w*, b*, f*): the exact minimiser of the summed loss with a bias, and that loss (cached)."""
    data = dataset(values)
    return lesson_compute.optimal_loss(data.x, data.y, values["l_loss"], values["l_delta"])


def run(values: Mapping[str, object], optimizer: str) -> core.Trajectory:
    """One optimiser's full-batch run from (w0, b0) at these values (cached). Polyak's step sets its own size."""
    data, f_star = dataset(values), optimum(values)[2]
    params = {
        "momentum": (("beta", values["l_beta"]),),
        "adam": (("beta1", values["l_beta1"]), ("beta2", values["l_beta2"])),
    }.get(optimizer, ())
    lr0 = values["l_adam_lr"] if optimizer == "adam" else values["l_lr"]
    sched = ("constant", 1.0, ()) if optimizer == "polyak" else (values["l_sched"], lr0, ())
    return compute.run(
        data,
        values["l_loss"],
        sched,
        values["l_w0"],
        data.n,
        values["l_steps"],
        b0=values["l_b0"],
        fit_bias=True,
        optimizer=optimizer,
        optimizer_params=params,
        f_star=f_star,
        **loss_params(values["l_loss"], values, C),
    )


def runs(values: Mapping[str, object]) -> dict[str, core.Trajectory]:
    """Every chosen optimiser's run, in the page's order."""
    return {o: run(values, o) for o in chosen(values)}


def excess(values: Mapping[str, object]) -> dict[str, float]:
    """Per chosen optimiser: the lowest loss its run reached minus f* (inf if it never had a finite loss)."""
    f_star = optimum(values)[2]
    return {o: say.best_excess(r.best_loss, f_star) for o, r in runs(values).items()}


def options(values: Mapping[str, object]) -> list[str]:
    """The question's answers: the chosen optimisers' labels."""
    return [OPT_LABELS[o] for o in chosen(values)]


def question(values: Mapping[str, object]) -> str:
    """The Predict-first question at these values."""
    return (
        f"Starting at (w, b) = ({values['l_w0']:g}, {values['l_b0']:g}), which optimiser gets closest to the lowest "
        f"{charts.label(values['l_loss'])} loss within {values['l_steps']} updates?"
    )


def expected(values: Mapping[str, object], picked: str | None = None) -> tuple[str, str]:
    """(the closest optimiser's label, every optimiser's best loss minus f*). A `picked` label that ties with the
    best (within the tolerance) is the answer; without one, the best itself, which is what the page names."""
    if not chosen(values):
        raise ValueError("no optimiser is on: the question needs at least one")
    gaps, f_star = excess(values), optimum(values)[2]
    by_label = {OPT_LABELS[o]: o for o in gaps}
    answer = say.race_answer(gaps, f_star, by_label.get(picked))
    return OPT_LABELS[answer], say.race_explanation(gaps, f_star, OPT_LABELS, values["l_steps"])


LESSON = Lesson(
    page="landscape",
    title="The (w, b) landscape",
    predict_key=PREDICT_KEY,
    controls=tuple(CONTROLS),
    presets=PRESETS,
    question=question,
    expected=expected,
    wrong={
        "Adam: it is the best optimiser, it always wins": (
            "Adam's update m̂/√v̂ is about sign(g) while the gradient keeps its sign: it moves every coordinate by "
            "about lr whatever the slope, so it comes fast down a facet but keeps stepping about lr across the "
            "creases at the bottom. With a constant lr nothing makes it stop; 'state of the art' is about deep nets, "
            "not about reaching f* on a kinked sum."
        ),
        "momentum: it rolls through the creases and gets there fastest": (
            "Momentum adds up past steps, and on L1 the subgradient does not shrink near the bottom, so the "
            "velocity it built on the way down carries it across the optimum: it overshoots and circles. It helps "
            "on L2's smooth bowl, where the gradient itself shrinks."
        ),
        "plain (sub)gradient descent: it follows the true slope, so it ends on the bottom": (
            "On a facet of L1's surface the subgradient is constant, so a constant lr gives steps of the same size "
            "however close it is: it zig-zags across the creases around the optimum. It needs a decaying lr to "
            "settle (the decaying-step preset)."
        ),
        "Polyak's step cannot win: it has no learning rate to tune": (
            "It has one, computed: (f(θ) − f*)/‖g‖², large far away and shrinking to 0 as the loss reaches f*. "
            "That is exactly what L1 lacks, but it needs f*, which the page knows because the exact fit is "
            "computed separately; in real training f* is rarely known."
        ),
    },
    show=("L1: the race (defaults)", "L1 with a decaying step", "L2: a smooth bowl"),
    minutes=10,
    say=(
        "Ask what each optimiser does with a gradient that does not shrink near the bottom: plain descent and "
        "Adam keep their step size, momentum keeps its speed, only Polyak's step shrinks with f(θ) − f*. Then "
        "show the L2 bowl, where the gradient shrinks by itself: plain descent and momentum catch up."
    ),
)
