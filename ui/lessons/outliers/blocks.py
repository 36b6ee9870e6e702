"""The outliers lesson's blocks on screen that hold more than a call: the table the student edits, and the chart of
the fits over it (following its own share slider while the table is the generated one)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import streamlit as st

from ui import charts, follow, frames, layout, table
from ui.controls import Settings, loss_params, sync_url, widget
from ui.layout import takeaway
from ui.lessons.outliers import charts as lesson_charts
from ui.lessons.outliers import compute as lesson_compute
from ui.lessons.outliers import facts, family, lesson
from ui.lessons.outliers import sentences as say
from ui.lessons.outliers.lesson import CONTROLS, LOSSES, C
from ui.questions import predict
from ui.words import plain

# Streamlit's number cells drop a comma as they parse what is typed (1,5 arrives as 15) and give the page no hook
# for the raw text (st.column_config.NumberColumn has format, min, max and step, no parser or locale): say so
DECIMALS = "Use a point for decimals: 1.5 (a comma is dropped, so 1,5 would become 15)."


def data_table(values: Mapping[str, object]) -> tuple[pd.DataFrame, bool]:
    """The editor of the data, started from the generated table at these values (a big paste folded into it first):
    the table as edited, and whether it is still the generated one (then the fits chart carries its family)."""
    st.caption(
        "Type into the table to move points, add rows at the bottom, or select rows and delete them. Changing a "
        f"slider above draws new data. {DECIMALS}"
    )
    keys = ("o_n", "o_w", "o_b", "o_sigma", "o_frac", "o_size", "o_seed")
    gen_key = "_".join(str(lesson.true_bias(values) if k == "o_b" else values[k]) for k in keys)
    if st.button("Reset the table to the generated data", key="o_reset_table"):
        st.session_state["o_table_version"] = st.session_state.get("o_table_version", 0) + 1
    editor_key = f"o_editor_{gen_key}_{st.session_state.get('o_table_version', 0)}"
    folded = st.session_state.get("o_table_folded")
    generated = lesson.table(values)
    if folded and folded["key"] == editor_key:  # a big paste earlier, folded into the table the editor starts from
        base, fold_notes = folded["table"], folded["notes"]
    else:
        base, fold_notes = generated, []
    edits = st.session_state.get(editor_key)
    if table.is_heavy(edits, len(base), ("x", "y", "kind")):
        # bounded work before Streamlit would apply the edits row by row: fold them here, start the editor afresh
        base, notes = table.fold(base, edits, ("x", "y"))
        fold_notes = [*fold_notes, *notes][-4:]  # the latest folds' notes; older ones describe rows already replaced
        st.session_state["o_table_version"] = st.session_state.get("o_table_version", 0) + 1
        editor_key = f"o_editor_{gen_key}_{st.session_state['o_table_version']}"
        st.session_state["o_table_folded"] = {"key": editor_key, "table": base, "notes": fold_notes}
    for note in fold_notes:
        st.warning(note, icon="📋")
    edited = st.data_editor(
        base,
        key=editor_key,
        num_rows="dynamic",
        hide_index=False,
        height=220,
        width="stretch",
        column_config={
            "x": st.column_config.NumberColumn("x"),
            "y": st.column_config.NumberColumn("y"),
            "kind": st.column_config.TextColumn("kind (as generated)", disabled=True),
        },
    )
    return edited, edited.equals(generated)


def _fits_height() -> int:
    """The fits chart's plot height: smaller when presenting, where the projector scales it up and a slide must hold
    it with its legends and slider."""
    return lesson_charts.PROJECTOR_HEIGHT if layout.presenting() else lesson_charts.HEIGHT


def fits_chart(
    points: pd.DataFrame, exact: Mapping[str, tuple[float, float]], truth: pd.DataFrame, values, *, follows: bool
) -> None:
    """The points with each loss's exact line and the true line; with `follows` (the generated table), the chart
    carries every share's points and lines and its own share slider (ui.follow)."""
    bias = bool(values["o_bias"])
    shifted = int((points["kind"] == "outlier").sum())
    which = (  # the edited table's far points, counted from its numbers: the generator's shift no longer says
        f"{shifted} of them shifted by {values['o_size']:+g}"
        if follows
        else say.far_words(lesson.far_points(points["x"].to_numpy(), points["y"].to_numpy(), values), values)
    )
    alt_text = (
        f"{len(points)} points ({which}) with the lines that minimise L1, L2 and Huber loss: "
        + "; ".join(f"{charts.label(k)}'s y = {say.line_text(*exact[k], bias)}" for k in lesson.LOSSES)
        + f"; {truth['text'].iloc[0]}, dashed."
    )
    if not follows:
        xs, ends = lesson.fit_ends(points["x"].to_numpy(), exact)
        lines = frames.stack(({"series": charts.label(k)}, {"x": xs, "y": ends[k]}) for k in lesson.LOSSES)
        spec = lesson_charts.scatter_fit_chart(points, lines, lesson.LOSSES, truth, _fits_height())
        layout.chart(spec, alt_text, answers=True)
        return
    slider = family.share_slider()
    with layout.slide_part(3):
        if not layout.presenting():  # a projector's slide has no room for it: the slider's own label says it
            st.caption("Drag the fraction slider under the chart (or use its arrow keys): points and lines follow.")
        spec = lesson_charts.scatter_follow_chart(family.picture(values), slider, lesson.LOSSES, truth, _fits_height())
        follow.chart(spec, slider, alt_text)


NUMBER_LINE = np.array([2.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 7.5])  # the fixed targets; the student drags a ninth
BOUNDED = ("l1", "huber")  # the losses whose pulls are bounded, drawn again on their own axis


@st.fragment
def number_line_block() -> None:
    """One dragged target against the median and the mean: the drag reruns only this block."""
    st.subheader("One number: the median and the mean")
    widget(C["drag"])
    sync_url(CONTROLS)  # the drag reruns only this block: its value goes to the URL from here
    drag = st.session_state[C["drag"].key]
    targets = np.append(NUMBER_LINE, drag)
    stats = pd.DataFrame(
        {
            "value": [float(np.median(targets)), float(np.mean(targets))],
            "series": [charts.label("l1"), charts.label("l2")],
            "text": [
                f"L1: median {plain(np.median(targets))}",  # short: it sits left of its rule on a phone too
                f"L2: mean {plain(np.mean(targets))}",
            ],
        }
    )
    targets_df = pd.DataFrame({"value": targets, "moved": ["fixed"] * NUMBER_LINE.size + ["dragged"]})
    layout.chart(
        lesson_charts.number_line_chart(targets_df, stats),
        f"Nine targets on a line, one dragged to {plain(drag)}. The median is {plain(np.median(targets))}, the mean "
        f"{plain(np.mean(targets))}.",
    )
    takeaway(say.number_line_takeaway(NUMBER_LINE, drag), say.number_line_seen(NUMBER_LINE, drag))


def _span(p: np.ndarray) -> str:
    return f"{plain(p.min())} to {plain(p.max())}"


def pulls_block(x: np.ndarray, y: np.ndarray, v: Settings, kinds: np.ndarray) -> None:
    """Each point's pull on w at the true line, for every loss on one scale and for the bounded ones alone; the
    shifted points (`kinds` "outlier") marked."""
    b_true = lesson.true_bias(v.by_key)
    st.subheader("Who pulls how hard")
    height = y - (v["w"] * x + b_true)  # how far each point sits above the true line
    order = np.argsort(height)
    pulls = {k: say.pulls_on_w(k, height[order], x[order], **loss_params(k, v)) for k in LOSSES}
    infl = frames.stack(
        (
            {"series": charts.label(k)},
            {"point": np.arange(x.size), "residual": height[order], "contribution": pulls[k], "kind": kinds[order]},
        )
        for k in LOSSES
    )
    BOUNDED = ("l1", "huber")
    layout.chart(
        lesson_charts.influence_chart(infl, LOSSES, "All three losses on one scale", 320),
        "Each point's pull on w at the true line, the way it moves the slope (up is steeper), sorted from the point "
        "furthest below the line to the one furthest above, on a linear axis, all three losses on one scale. "
        + " ".join(
            f"{charts.label(k)}'s pulls run from {plain(p.min())} to {plain(p.max())}." for k, p in pulls.items()
        ),
    )
    takeaway(say.influence_takeaway(pulls), say.influence_seen(pulls, x, v["delta"]))
    with layout.slide_screen(lesson.BOUNDED_PULLS):  # a slide: on a screen of its own
        layout.chart(
            lesson_charts.influence_chart(
                infl[infl["series"].isin([charts.label(k) for k in BOUNDED])],
                BOUNDED,
                "L1 and Huber alone: bounded pulls",
                280,
            ),
            "The same pulls for L1 and Huber alone, on their own linear axis. "
            + " ".join(
                f"{charts.label(k)}'s run from {plain(pulls[k].min())} to {plain(pulls[k].max())}." for k in BOUNDED
            ),
        )
        takeaway(
            say.bounded_takeaway(pulls, x, v["delta"]),
            "Evaluated at the true line. A point's pull on w is the way one gradient step moves w, −loss'(rᵢ)·xᵢ with "
            "rᵢ the prediction minus yᵢ: a point above the line (rᵢ < 0) at positive x pulls the slope up. For L1 it "
            "is ±xᵢ, at most |xᵢ|; for Huber at most delta·|xᵢ|; for L2 −2·rᵢ·xᵢ, unbounded.",
        )


GD_UPDATES, ARRIVED = facts.GD_UPDATES, facts.ARRIVED
GD_ANSWERS = [  # the second question's answers
    "yes, all three",
    "L2 and Huber, but not L1: at its kink there is no gradient",
    "not all: some are still on their way",
]


# Over 50 lines: the question, chart, table and takeaway of one run, in the page's order, inside one fragment.
@st.fragment
def descent_block(x: np.ndarray, y: np.ndarray, v: Settings, fit: lesson.Fits) -> None:
    """Gradient descent against the exact lines, behind its question: answering it reruns only this block."""
    st.subheader("Does gradient descent find these lines?")
    exact = fit.exact

    def descent() -> dict:
        return lesson_compute.descent_to_exact(x, y, v["bias"], v["delta"], LOSSES, updates=GD_UPDATES, near=ARRIVED)

    def nearer() -> dict:  # late runs that stopped near the true line, short of an exact fit that left it
        truth = (v["w"], lesson.true_bias(v.by_key))
        return say.nearer_truth(descent(), fit.gaps, truth, fit.x_range, fit.tol)

    if predict(
        lesson.GD_PREDICT_KEY,
        f"Gradient descent starts at w = b = 0 and makes {GD_UPDATES:,} full-batch updates with "
        f"{facts.STEP.describe()}. Do all three runs end within {ARRIVED:g} of the exact lines above, in both w and b?",
        GD_ANSWERS,
        answer=lambda: say.descent_answers(descent(), GD_ANSWERS, ARRIVED),
        wrong={GD_ANSWERS[1]: say.KINK_REBUTTAL},
        # the chart's takeaway, short enough to read aloud; the numbers are in its fold
        explanation=lambda: (
            say.descent_takeaway(descent(), GD_UPDATES, ARRIVED, nearer=nearer())
            + say.arrival_edge_note(descent(), ARRIVED)
        ),
    ):
        gd = descent()
        layout.chart(
            lesson_charts.convergence_chart(
                frames.stack(
                    (
                        {"series": charts.label(k)},
                        {"update": gd[k]["update"], "distance": np.maximum(gd[k]["distance"], 1e-12)},
                    )
                    for k in LOSSES
                ),
                LOSSES,
                ARRIVED,
            ),
            f"Distance from each gradient descent run to its exact fit (the larger of its gaps in w and in b) over "
            f"{GD_UPDATES:,} updates, log scale, with a dashed line at {ARRIVED:g}.",
            answers=True,
        )
        layout.table(
            pd.DataFrame(
                [
                    {
                        "loss": charts.label(k),
                        "w (gradient descent)": gd[k]["end"][0],
                        "w (exact)": exact[k][0],
                        "b (gradient descent)": gd[k]["end"][1],
                        "b (exact)": exact[k][1],
                        "arrived": "yes" if gd[k]["arrived"] else "no",
                    }
                    for k in LOSSES
                ]
            )
        )
        seen = say.descent_seen(gd, exact, GD_UPDATES, ARRIVED, nearer=say.nearer_words(gd, nearer(), v["bias"]))
        takeaway(say.descent_takeaway(gd, GD_UPDATES, ARRIVED, nearer=nearer()), seen, answers=True)
