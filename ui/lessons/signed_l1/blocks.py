"""The signed-L1 page's lower blocks: the loss and the gradient of every run over updates, and what each run did
with its goal (the takeaway, the numbers folded)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import streamlit as st

import core
from ui import charts, compute, frames, layout
from ui.controls import Settings
from ui.lessons.signed_l1 import sentences as say
from ui.lessons.signed_l1.lesson import LOSSES, C

GRADIENTS_DRAWN = 2_000  # updates whose gradients the chart draws one by one (the longest run at batch 2)


def loss_and_gradients(runs: Mapping[str, core.Trajectory], batch_sums: np.ndarray, goal: dict) -> None:
    """The loss over updates and the gradient each update used, one panel per run, each with its caption."""
    signed, absl1, l2 = runs.values()
    K = signed.n_updates
    st.subheader("The loss over updates")
    layout.chart(
        charts.small_multiples(frames.runs_frame(runs, "loss"), "loss", "loss on all 20 samples", LOSSES),
        say.loss_caption(signed.loss, absl1.diverged_at, l2.diverged_at),
    )
    st.subheader("The gradient each update used")
    gradients = say.gradient_caption(
        signed.grad[1:],
        absl1.grad[1:],
        batch_sums,
        l2.grad[1:],
        bool(goal["l2"].distance(l2.w[-1]) < goal["l2"].distance(l2.w[0])),
        l2_div=l2.diverged_at,
        l2_settled=say.run_state(l2.w, goal["l2"], l2.diverged_at) == "reaches",
    )
    # every gradient drawn up to GRADIENTS_DRAWN updates: thinning keeps each bucket's first, lowest and highest value,
    # which would hide most of absolute L1's sign flips that the caption counts
    thin_gradients = K > GRADIENTS_DRAWN
    layout.chart(
        charts.small_multiples(frames.runs_frame(runs, "grad", thin_gradients), "grad", "dL/dw of the update", LOSSES),
        gradients,
    )
    st.caption(
        gradients
        + (
            f" The chart keeps, in each stretch of its {K} updates, the first, lowest and highest gradient: it draws "
            "fewer sign changes than there are."
            if thin_gradients
            else ""
        )
    )


def what_each_run_did(
    v: Settings, data: core.Dataset, runs: Mapping[str, core.Trajectory], goal: dict, *, sched, sums, on_closed
) -> None:
    """The w chart's takeaway (signed L1 against each other run), with each run's story in numbers folded."""
    signed, absl1, l2 = runs.values()
    abs_says = say.approach("Absolute L1", absl1.w, goal["l1"], absl1.diverged_at)
    abs_reached = say.first_reach(absl1.w, goal["l1"]) is not None
    if not abs_reached:
        longer = max(1, min(1000, core.MAX_UPDATES // signed.updates_per_epoch))
        more = compute.run(data, "l1", sched, v["w0"], v["bs"], epochs=longer)
        abs_says += " " + say.more_epochs("absolute L1", goal["l1"], more.w, signed.updates_per_epoch, C["epochs"].hi)
    note = say.article_note(v, abs_reached, absl1.w[-1])
    others = {"absolute L1": say.run_state(absl1.w, goal["l1"], absl1.diverged_at)}
    others["L2"] = say.run_state(l2.w, goal["l2"], l2.diverged_at)
    layout.seen(say.takeaway(say.end_value(signed.w), v["lr"], sums, others, start=v["w0"]), answers=True)
    with st.expander("Why, in numbers"):  # what each run did, number by number
        st.markdown(
            "\n\n".join(
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
                    ),
                    f"{abs_says} {note}".strip(),
                    say.approach("L2", l2.w, goal["l2"], l2.diverged_at),
                    say.landing_note(absl1.w, goal["l1"]),
                )
                if part
            )
        )
