"""The (w, b) landscape lesson: a line y = w·x + b fitted to 30 points by four optimisers, on L1, L2 or Huber.

Its controls and presets, and the experiment behind the page's Predict-first question: run every optimiser that
is on at the control values (by key), full batch from the same start, and say which gets closest to the optimal
loss (its best loss minus f*, ties within `sentences.tie_tolerance`). Runs go through ui.compute, so
the page and the "For teachers" page share them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

import core
from ui import charts, compute, follow
from ui.controls import Control, log_options, loss_params
from ui.lessons import Lesson
from ui.lessons.landscape import compute as lesson_compute
from ui.lessons.landscape import sentences as say

OPTIMIZERS = ("sgd", "momentum", "adam", "polyak")
FOLLOW_LR = ("sgd", "momentum")  # the optimisers whose lr ("l_lr") the map's own slider sets
OPT_LABELS = {
    "sgd": "plain (sub)gradient descent",
    "momentum": "momentum",
    "adam": "Adam",
    "polyak": "Polyak's step",
}


def labels(values: Mapping[str, object]) -> dict[str, str]:
    """Each optimiser's name at these values: plain descent follows a subgradient on L1's creases, a gradient on a
    smooth loss (L2, Huber)."""
    return OPT_LABELS if values["l_loss"] == "l1" else {**OPT_LABELS, "sgd": "plain gradient descent"}


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
    "w0": Control("l_w0", "Start w", "float", -2.0, lo=-4.0, hi=6.0, step=0.1),
    "b0": Control("l_b0", "Start b", "float", 6.0, lo=-6.0, hi=10.0, step=0.1),
    # 1,000: long enough for plain descent to reach the creases around the optimum and show that it never settles
    "steps": Control("l_steps", "Updates", "int", 1000, lo=10, hi=2000, step=10),
    "lr": Control("l_lr", "lr for plain descent and momentum", "log", 0.002, options=log_options(1e-4, 0.1)),
    # Adam keeps a constant lr: it already scales its own steps, and a decaying lr on top stalls it (56 above f*)
    "adam_lr": Control("l_adam_lr", "lr for Adam (constant)", "log", 0.05, options=log_options(1e-3, 1.0)),
    "sched": Control(
        "l_sched",
        "Schedule for plain descent and momentum",
        "choice",
        "constant",
        options=("constant", "inverse_sqrt"),
        format_func={"constant": "constant", "inverse_sqrt": "lr/√(1 + t)"}.get,
    ),
    "beta": Control("l_beta", "momentum β", "float", 0.9, lo=0.0, hi=0.99, step=0.01),
    "beta1": Control("l_beta1", "Adam β₁", "float", 0.9, lo=0.0, hi=0.99, step=0.01),
    # 0.999 and 0.9999 differ where a two-decimal label shows 1.00 (no update at all): four decimals
    "beta2": Control("l_beta2", "Adam β₂", "float", 0.999, lo=0.9, hi=0.9999, step=0.0001, slider_format="%.4f"),
    "delta": Control.from_param("l_delta", core.LOSSES["huber"].param("delta")),
    # the toggles' labels short enough for a quarter of the row ("plain (sub)gradient de…" was cut); legends say it all
    **{
        f"use_{o}": Control(f"l_{o}", OPT_LABELS[o].replace(" (sub)gradient descent", " descent"), "bool", True)
        for o in OPTIMIZERS
    },
}
CONTROLS = list(C.values())
PRESETS = {
    "L1, a constant step (defaults)": {},
    # lr0 0.05 over 2,000 updates: it reaches the creases by update 500, then its bounces shrink with the lr
    "L1 with a decaying step: the bounces shrink, slowly": {"l_sched": "inverse_sqrt", "l_lr": 0.05, "l_steps": 2000},
    "L2: a smooth bowl": {"l_loss": "l2"},
    "Huber": {"l_loss": "huber"},
    "Clean data, L1": {"l_data": "clean"},
}
PREDICT_KEY = "l_predict"
# The slide view's screens after the questions', in page order (Lesson.slides): the page wraps each block in its own
ZOOM, POLYAK = SLIDES = ("The zoom on the optimum", "Polyak's step")
MAP_CELLS = 70  # cells per side of the loss map


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


def lr_slider() -> follow.Slider:
    """The map's own slider: plain descent's and momentum's lr (the page's question turns on it)."""
    return follow.Slider("lr", C["lr"])


def follows_lr(values: Mapping[str, object]) -> bool:
    """The map carries its paths at every lr of its own slider: plain descent or momentum is on."""
    return any(o in FOLLOW_LR for o in chosen(values))


def _params(values: Mapping[str, object], optimizer: str) -> tuple:
    return {
        "momentum": (("beta", values["l_beta"]),),
        "adam": (("beta1", values["l_beta1"]), ("beta2", values["l_beta2"])),
    }.get(optimizer, ())


def runs_over_lr(values: Mapping[str, object], optimizer: str) -> core.Trajectory:
    """Plain descent's or momentum's runs at every lr of the slider (C["lr"]'s options) in one vectorised pass,
    at these other values (cached): run i is the run at option i."""
    if optimizer not in FOLLOW_LR:
        raise ValueError(f"only {FOLLOW_LR} take the slider's lr, got {optimizer!r}")
    data = dataset(values)
    return lesson_compute.runs_over_lr(
        data,
        values["l_loss"],
        (values["l_sched"], ()),
        tuple(C["lr"].options),
        values["l_w0"],
        values["l_b0"],
        steps=values["l_steps"],
        optimizer=optimizer,
        optimizer_params=_params(values, optimizer),
        f_star=optimum(values)[2],
        **loss_params(values["l_loss"], values, C),
    )


def paths_over_lr(values: Mapping[str, object]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each chosen optimiser's label -> its (w, b) at every update, one row per lr of the slider (plain descent
    and momentum), or one row (Adam and Polyak's step, which the slider does not move)."""
    out = {}
    for o in sorted(chosen(values), key=lambda o: o == "sgd"):  # plain descent's drawn last, on top: it is asked about
        r = runs_over_lr(values, o) if o in FOLLOW_LR else run(values, o)
        out[labels(values)[o]] = (np.atleast_2d(r.w), np.atleast_2d(r.b))
    return out


def landscape(values: Mapping[str, object]) -> lesson_compute.Landscape:
    """The map at these values: the surface around every path at this lr, the paths that stay put, and plain
    descent's and momentum's at every lr of the map's own slider (`paths_over_lr`)."""
    data, (w_opt, b_opt, _) = dataset(values), optimum(values)
    return lesson_compute.landscape(
        data.x,
        data.y,
        values["l_loss"],
        values["l_delta"],
        paths_over_lr(values),
        lr_slider().index(values["l_lr"]),
        start=(values["l_w0"], values["l_b0"]),
        optimum=(w_opt, b_opt),
        grid=MAP_CELLS,
    )


def zoom(values: Mapping[str, object]) -> lesson_compute.Zoom | None:
    """The map near the optimum over plain descent's last quarter of updates (the window its verdict reads), when
    plain descent is on, keeps bouncing there, and that stretch is too small to see on the map; else None."""
    if "sgd" not in chosen(values):
        return None
    r, data, (w_opt, b_opt, f_star) = run(values, "sgd"), dataset(values), optimum(values)
    if say.settling(r.loss, f_star, r.diverged_at)[0] != say.SETTLES[1]:
        return None
    first = r.n_updates - say.last_quarter(r.n_updates)
    path = (r.w, r.b, labels(values)["sgd"])
    near = lesson_compute.zoom(
        data.x, data.y, values["l_loss"], values["l_delta"], path, first=first, optimum=(w_opt, b_opt), grid=MAP_CELLS
    )
    land = landscape(values)
    return near if lesson_compute.wants_zoom(near, land.w_range, land.b_range) else None


def run(values: Mapping[str, object], optimizer: str) -> core.Trajectory:
    """One optimiser's full-batch run from (w0, b0) at these values (cached). Polyak's step sets its own size;
    Adam keeps a constant lr (the schedule is plain descent's and momentum's). Plain descent's and momentum's
    run is the one at this lr among their runs at every lr of the map's slider (`runs_over_lr`): the page's
    words and the map's path at the slider's value are the same numbers."""
    if optimizer in FOLLOW_LR:
        return lesson_compute.at(runs_over_lr(values, optimizer), lr_slider().index(values["l_lr"]))
    data, f_star = dataset(values), optimum(values)[2]
    return compute.run(
        data,
        values["l_loss"],
        ("constant", 1.0 if optimizer == "polyak" else values["l_adam_lr"], ()),
        values["l_w0"],
        data.n,
        epochs=values["l_steps"],
        b0=values["l_b0"],
        fit_bias=True,
        optimizer=optimizer,
        optimizer_params=_params(values, optimizer),
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


def asks_settle(values: Mapping[str, object]) -> bool:
    """The default question (does plain descent settle?) needs plain descent on; without it the page asks the race."""
    return "sgd" in chosen(values)


def options(values: Mapping[str, object]) -> list[str]:
    """The question's answers: what plain descent does (fixed words), or the chosen optimisers' labels."""
    return list(say.SETTLES) if asks_settle(values) else [labels(values)[o] for o in chosen(values)]


def _lr_words(values: Mapping[str, object]) -> str:
    return (
        f"a constant lr of {values['l_lr']:g}"
        if values["l_sched"] == "constant"
        else f"a decaying lr of {values['l_lr']:g}/√(1 + t)"
    )


def question(values: Mapping[str, object]) -> str:
    """The Predict-first question at these values."""
    start = f"Starting at (w, b) = ({say.plain(values['l_w0'])}, {say.plain(values['l_b0'])})"
    loss = core.LOSSES[values["l_loss"]].short_name  # "the absolute L1 surface", not the legend's "… |r| surface"
    if asks_settle(values):
        return (
            f"{start}, plain descent steps down the {loss} surface with {_lr_words(values)}. By update "
            f"{values['l_steps']:,}, does it settle on the lowest loss?"
        )
    return f"{start}, which optimiser gets closest to the lowest {loss} loss within {values['l_steps']:,} updates?"


def settle(values: Mapping[str, object]) -> tuple[str, dict]:
    """Plain descent's verdict at these values (one of say.SETTLES) and the numbers behind it."""
    r = run(values, "sgd")
    return say.settling(r.loss, optimum(values)[2], r.diverged_at)


def expected(values: Mapping[str, object], picked: str | None = None) -> tuple[str, str]:
    """(the answer, why in numbers). The default question: what plain descent does by its last update. Without
    plain descent, the race: the closest optimiser's label; a `picked` label that ties with the best (within the
    tolerance) is the answer."""
    if not chosen(values):
        raise ValueError("no optimiser is on: the question needs at least one")
    if asks_settle(values):
        answer, numbers = settle(values)
        why = say.settle_explanation(
            answer, numbers, _lr_words(values), values["l_loss"], values["l_sched"] != "constant"
        )
        if say.near_the_line(answer, numbers):  # a share of rises near the line: both readings count
            why += (
                f" Its loss rose in {numbers['rises']:.0%} of these updates, near the {say.RISES:.0%} line between "
                "bouncing and still coming down: both answers count."
            )
            return (say.SETTLES[1], say.SETTLES[2]), why
        return answer, why
    gaps, f_star = excess(values), optimum(values)[2]
    names = labels(values)
    by_label = {names[o]: o for o in gaps}
    answer = say.race_answer(gaps, f_star, by_label.get(picked))
    gone = {o: r.diverged_at for o, r in runs(values).items()}
    why = say.race_explanation(gaps, f_star, names, values["l_steps"], gone, ends=ends(values))
    return names[answer], why


def run_rebuttals(values: Mapping[str, object]) -> dict[str, str]:
    """Each wrong pick of the settle question, from the run at these values (what the right answer's numbers say
    against that pick), so that every preset keeps a reason (Lesson.rebut; the defaults read `wrong`)."""
    if not asks_settle(values):
        return {}
    answer, numbers = settle(values)
    return say.settle_rebuttals(answer, numbers, values["l_loss"], values["l_sched"] != "constant")


def ends(values: Mapping[str, object]) -> dict[str, float]:
    """Per chosen optimiser: its run's last loss minus f* (inf if it blew up)."""
    f_star = optimum(values)[2]
    return {o: float(r.loss[-1] - f_star) if np.isfinite(r.loss[-1]) else np.inf for o, r in runs(values).items()}


LESSON = Lesson(
    page="landscape",
    title="The (w, b) landscape",
    predict_key=PREDICT_KEY,
    controls=tuple(CONTROLS),
    presets=PRESETS,
    question=question,
    expected=expected,
    wrong={
        "yes: it settles on the lowest loss": (
            "That is what it does on L2's smooth bowl, where the gradient shrinks near the bottom. On L1's creased "
            "surface each facet has a constant gradient, so with a constant lr the step never shrinks: near the "
            "optimum it jumps back and forth across the creases and its loss keeps rising and falling."
        ),
        "not yet: it is still on its way down": (
            "True for its first 270 or so updates, while its loss only falls. By the last quarter of 1,000 "
            "updates it has reached the creases around the optimum: its loss goes up as often as down, so more "
            "updates would not help; only a smaller or decaying lr would."
        ),
        "no: it blows up": (
            "Blowing up needs a step that grows; on L1 the gradient's size is bounded, so a constant lr keeps each "
            "step bounded too. It bounces near the optimum instead. L2 can blow up: its gradient grows with the "
            "distance (try lr 0.01 in the L2 preset)."
        ),
    },
    rebut=run_rebuttals,
    show=("L1, a constant step (defaults)", "L1 with a decaying step: the bounces shrink, slowly", "L2: a smooth bowl"),
    slides=SLIDES,
    minutes=6,
    trim="the whole page if you must drop one: it builds on everything before it",
    say=(
        "Ask what a constant step does where the gradient does not shrink near the bottom: plain descent keeps "
        "jumping across the creases. Then show the decaying step: once at the creases its bounces shrink as the lr "
        "decays and it ends closer than the constant step, though within 2,000 updates it still does not settle. "
        "Last, the L2 bowl, where the gradient shrinks by itself and plain descent settles."
    ),
)
