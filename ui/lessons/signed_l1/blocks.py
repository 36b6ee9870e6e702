"""The signed-L1 page's blocks under its charts: what each run did with its goal (the w chart's takeaway, the numbers
folded), and the loss and the gradient of every run over updates, each chart with its one plain takeaway."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import streamlit as st

import core
from ui import charts, compute, frames, layout
from ui.controls import Settings
from ui.lessons.signed_l1 import sentences as say
from ui.lessons.signed_l1.charts import aligned_panels
from ui.lessons.signed_l1.lesson import GRADIENT_SCREEN, LOSS_SCREEN, LOSSES, C

GRADIENTS_DRAWN = 2_000  # updates whose gradients the chart draws one by one (the longest run at batch 2)


def stories(
    v: Settings, data: core.Dataset, runs: Mapping[str, core.Trajectory], goal: dict, *, sched
) -> tuple[dict[str, say.Story], core.Trajectory | None]:
    """What absolute L1 and L2 do with their goals; absolute L1 still on its way is run on (the same settings, more
    epochs, its first updates the run on screen) to say when it gets there. Returns the stories and that longer run."""
    signed, absl1, l2 = runs.values()
    more = None
    if say.run_state(absl1.w, goal["l1"], absl1.diverged_at) == "heads":
        longer = max(1, min(1000, core.MAX_UPDATES // signed.updates_per_epoch))
        more = compute.run(data, "l1", sched, v["w0"], v["bs"], epochs=longer)
    return {
        "absolute L1": say.story(absl1.w, goal["l1"], absl1.diverged_at, None if more is None else more.w),
        "L2": say.story(l2.w, goal["l2"], l2.diverged_at),
    }, more


def ending_line(v: Settings, runs: Mapping[str, core.Trajectory], goal: dict) -> str:
    """The line under the w chart: where each run ends, or, for absolute L1 landing on its target a rounding error
    off it (`say.lands_by_rounding`), where and when it reaches it (the chart's own story; its fold says the rest)."""
    absl1 = list(runs)[1]
    landed = (
        {absl1: (goal["l1"].lo, say.first_reach(runs[absl1].w, goal["l1"]))}
        if say.lands_by_rounding(runs[absl1].w, goal["l1"]) is not None
        else None
    )
    final = {lab: (say.end_value(r.w), r.diverged_at) for lab, r in runs.items()}
    return say.ending_line(final, start=v["w0"], landed=landed)


def what_each_run_did(
    v: Settings,
    data: core.Dataset,
    runs: Mapping[str, core.Trajectory],
    goal: dict,
    told: Mapping[str, say.Story],
    more: core.Trajectory | None,
    *,
    sums,
    on_closed,
) -> None:
    """The w chart's takeaway (signed L1 against each other run), with each run's story in numbers folded."""
    signed, absl1, l2 = runs.values()
    abs_says = say.approach("Absolute L1", absl1.w, goal["l1"], absl1.diverged_at)
    abs_reached = say.first_reach(absl1.w, goal["l1"]) is not None
    if not abs_reached and more is not None:
        abs_says += " " + say.more_epochs("absolute L1", goal["l1"], more.w, signed.updates_per_epoch, C["epochs"].hi)
    note = say.article_note(v, abs_reached, absl1.w[-1])
    why_slow = say.abs_step_reason(v["lr"], absl1.w, sums, told["absolute L1"].state, full=v["full"])
    others = {"absolute L1": (told["absolute L1"], goal["l1"].word), "L2": (told["L2"], goal["l2"].word)}
    numbers = "\n\n".join(
        part
        for part in (
            say.signed_seen(
                v["lr"],
                sums,
                say.end_value(signed.w),
                on_closed,
                v["w_true"],
                full=v["full"],
                exact_data=bool(np.all(data.y == v["w_true"] * data.x)),
                start=v["w0"],
            ),
            f"{abs_says} {why_slow} {note}".strip(),
            say.grid_note(absl1.w, goal["l1"]),
            say.approach("L2", l2.w, goal["l2"], l2.diverged_at),
        )
        if part
    )
    layout.takeaway(say.takeaway(say.end_value(signed.w), v["lr"], sums, others, start=v["w0"]), numbers, answers=True)


PANEL_HEIGHT_ON_SLIDE = 54  # px per panel before the projector's scaling: three panels and the takeaway fit 1280x800


# Over 50 lines: the loss and gradient panels, their slide screens and takeaways read the same three runs.
def loss_and_gradients(
    runs: Mapping[str, core.Trajectory],
    x: np.ndarray,
    batch_sums: np.ndarray,
    goal: dict,
    told: Mapping[str, say.Story],
) -> None:
    """The loss over updates and the gradient each update used, one panel per run, each chart with its takeaway."""
    signed, absl1, l2 = runs.values()
    K = signed.n_updates
    # a slide: the three panels short enough to show whole under the heading, the takeaway (which reads all three)
    # under them on the 1280x800 screen; no scroll box that would hide two of them
    panel = {"height": PANEL_HEIGHT_ON_SLIDE} if layout.sliding() else {}
    with layout.slide_screen(LOSS_SCREEN):
        if not layout.sliding():  # a slide: the navigation names the screen
            st.subheader("The loss over updates")
        short = say.loss_takeaway(signed.loss, l2.diverged_at)
        scale = max(float(np.nanmax(np.abs(r.w[np.isfinite(r.w)]))) for r in (absl1, l2))
        numbers = say.loss_fold(signed.loss, absl1.loss, l2.loss, l2.diverged_at, x=x, w_scale=scale)
        loss_df = frames.runs_frame(runs, "loss")
        layout.chart(
            aligned_panels(
                charts.small_multiples(loss_df, "loss", "loss on all 20 samples", LOSSES, **panel), loss_df["loss"]
            ),
            f"{short} {numbers}",
        )
        layout.takeaway(short, numbers)
    with layout.slide_screen(GRADIENT_SCREEN):
        if not layout.sliding():  # a slide: the navigation names the screen
            st.subheader("The gradient each update used")
        short = say.gradient_takeaway(
            signed.grad[1:], absl1.w, absl1.grad[1:], goal["l1"], l2.grad[1:], told["L2"], goal["l2"]
        )
        numbers = say.gradient_fold(
            signed.grad[1:],
            absl1.grad[1:],
            batch_sums,
            l2.grad[1:],
            told["L2"],
            l2.diverged_at,
            rounding_flips=say.lands_by_rounding(absl1.w, goal["l1"]) is not None,
        )
        # every gradient drawn up to GRADIENTS_DRAWN updates: thinning keeps each bucket's first, lowest and highest
        # value, which would hide most of absolute L1's sign flips that the fold counts
        if K > GRADIENTS_DRAWN:
            numbers += (
                f" The chart keeps, in each stretch of its {K:,} updates, the first, lowest and highest gradient: it "
                "draws fewer sign changes than there are."
            )
        grad_df = frames.runs_frame(runs, "grad", K > GRADIENTS_DRAWN)
        layout.chart(
            aligned_panels(
                charts.small_multiples(grad_df, "grad", "dL/dw of the update", LOSSES, **panel), grad_df["grad"]
            ),
            f"{short} {numbers}",
        )
        layout.takeaway(short, numbers)
