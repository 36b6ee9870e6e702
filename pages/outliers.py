"""Outliers: L1 finds the median, L2 chases the outlier."""

import numpy as np
import pandas as pd
import streamlit as st

import core
from ui import charts, follow, frames, layout
from ui.controls import settings
from ui.layout import takeaway
from ui.lessons.outliers import blocks, family, lesson
from ui.lessons.outliers import charts as lesson_charts
from ui.lessons.outliers import compute as lesson_compute
from ui.lessons.outliers import sentences as say
from ui.lessons.outliers.lesson import LOSSES, PRESETS, C
from ui.questions import check_understanding, predict

FRACTIONS = tuple(np.round(np.linspace(0, 0.5, 11), 2))


layout.header("Outliers: median against mean", "A few points are badly wrong. Which fit notices, and which shrugs?")
follow.take(family.share_slider())  # where the hand left the fits chart's own share slider, before the settings
v = settings(  # by name, as this page reads them; v.by_key as the lesson reads them ("drag" is drawn below)
    C,
    presets=PRESETS,
    preset_key="o_preset",
    rows=[("frac", "size", "sigma", "n"), ("w", "b", "delta", "seed"), "bias"],
)
values = v.by_key
b_true = lesson.true_bias(values)

# On a desk the table sits open above the question; on a phone it folds, so the question comes first; on a
# projector the question sits beside its chart on the first screen, the folded table below them.
beside = layout.presenting() and not layout.sliding()
row = st.container() if beside else None
data_box = st.container() if layout.settings_expanded() else st.expander("The data: edit it")
ask, main = row.columns([2, 3], gap="medium") if beside else (st.container(), st.container())
with data_box:
    if layout.settings_expanded():
        st.subheader("The data: edit it")
    edited, generated = blocks.data_table(values)
    x, y, kept, notes = frames.clean_points(edited)
    for note in notes:
        st.warning(note, icon="🧹")
if x.size < 3:
    st.error("Fewer than 3 valid points: add or fix rows to fit a line. The table above keeps what you typed.")
    st.stop()
if not v["bias"] and not np.any(x != 0):
    st.error(
        "Every x is 0, and with *Fit a bias* off every line through the origin predicts 0 at every point: the "
        "slope cannot be fitted. Give some point a non-zero x, or turn *Fit a bias* on."
    )
    st.stop()
# rows the student added have no kind: they count as inliers
kinds = np.where(edited["kind"].iloc[kept].astype(str).to_numpy() == "outlier", "outlier", "inlier")

fit = lesson.fits(x, y, values)  # the edited table's lines; the lesson's expected answer uses the generated table
exact, gaps, tol, x_range = fit.exact, fit.gaps, fit.tol, fit.x_range
far = None if generated else lesson.far_points(x, y, values)  # an edited table is described by its own numbers


def tie() -> dict:  # L1's best line a near-tie with one near the truth (gradient descent's, cached)
    return lesson.near_tie(x, y, values, fit)


with ask:
    ready = predict(
        lesson.PREDICT_KEY,
        lesson.question(values)
        + ("" if generated else " (You edited the table: that count is the generated data's; the fits use yours.)"),
        list(lesson.OPTIONS),
        decide=lambda: lesson.verdict(fit, int(np.sum(kinds == "outlier")), x.size, v["size"], tie()),
        wrong=lesson.LESSON.rebuttals(values),
        beside=main if beside else None,  # a teacher's live bars in a room: in the chart's column until the reveal
    )
if not ready:
    layout.stop_until_answered()

xs = lesson.fit_ends(x, exact)[0]
true_line = f"the true line y = {say.line_text(v['w'], b_true, v['bias'], 'g')}"
truth = pd.DataFrame({"x": xs, "y": v["w"] * xs + b_true, "text": true_line})
with main:
    blocks.fits_chart(pd.DataFrame({"x": x, "y": y, "kind": kinds}), exact, truth, values, follows=generated)
    st.caption(
        "The dashed dark line is the true line. Each other line is its loss's exact minimiser"
        + (
            ": least squares for L2; for L1 and Huber a 1-D convex search over w with the best b for each w (for L1 "
            "the median of the residuals), or Newton's method for Huber."
            if v["bias"]
            else " through the origin: for L2 w = Σxy/Σx²; for L1 the weighted median of yᵢ/xᵢ with weights |xᵢ|; for "
            "Huber Newton's method, or a 1-D convex search over w."
        )
    )
    takeaway(say.fit_takeaway(gaps, tol, far, tie()), say.fit_seen(exact, (v["w"], b_true), gaps, tol), answers=True)

blocks.descent_block(x, y, v, fit)
st.subheader("How much bad data can each loss take?")
bd_args = (v["n"], v["w"], b_true, v["sigma"], v["size"], v["seed"], v["bias"], v["delta"], FRACTIONS, LOSSES)
shares = tuple(core.outlier_count(v["n"], f) / v["n"] for f in FRACTIONS)  # what each sweep data set holds


def sweep_gaps(loss: str) -> list[float]:
    bd = lesson_compute.breakdown(*bd_args)
    return bd.loc[bd["loss"] == loss, "gap"].tolist()


@st.fragment
def breakdown_block() -> None:
    """The breakdown sweep, behind its question: answering it reruns only this block."""
    if predict(
        lesson.BREAK_PREDICT_KEY,
        f"Now raise the share of bad points from 0 to {shares[-1]:.0%} (shift {v['size']:+g}; {len(FRACTIONS)} data "
        f"sets of {v['n']} points, a whole number of them bad, each fitted exactly). Up to about what share does "
        f"L1's line stay within {say.near_text(tol)} of the true one on average?",
        list(say.BREAK_OPTIONS),
        answer=lambda: say.breakdown_answers(shares, sweep_gaps("l1"), tol),
        explanation=lambda: say.breakdown_explanation(shares, sweep_gaps("l1"), tol),
    ):
        bd = lesson_compute.breakdown(*bd_args)
        bd = bd.assign(series=bd["loss"].map(charts.label))
        layout.chart(
            lesson_charts.breakdown_chart(bd, LOSSES, core.outlier_count(v["n"], v["frac"]) / v["n"], tol),
            f"Mean vertical gap between the fitted and the true line against the share of outliers, 0 to "
            f"{shares[-1]:.0%}, for L1, L2 and Huber.",
            answers=True,
        )
        swept = {k: sweep_gaps(k) for k in LOSSES}
        weights = None if v["bias"] else bd.loc[bd["loss"] == "l1", "weight"].tolist()  # a weighted median's
        seen = say.breakdown_seen(shares, swept, tol, (0.0, 5.0), weights)
        takeaway(say.breakdown_takeaway(shares, swept, tol, weights), seen, answers=True)


breakdown_block()


with layout.slide_screen(lesson.NUMBER_LINE):
    blocks.number_line_block()
with layout.slide_screen(lesson.PULLS):
    blocks.pulls_block(x, y, v, kinds)

layout.download(
    lambda: pd.DataFrame(
        {
            "x": x,
            "y": y,
            **{f"fit_{k}": exact[k][0] * x + exact[k][1] for k in LOSSES},
            **{f"residual_{k}": exact[k][0] * x + exact[k][1] - y for k in LOSSES},
        }
    ),
    "outliers.csv",
    key="o_download",
)
check_understanding(
    "o_check",
    "Nine house prices, one of them a castle at 50× the others. Which single number does minimising Σ|c − priceᵢ| "
    "give you?",  # nine: an odd count has one median; with ten every c between the middle two is a minimiser
    ["the mean price", "the median price", "the castle's price"],
    "the median price",
    "The L1 optimum of a constant is the median: each price adds +1 or −1 to the slope of Σ|c − priceᵢ|, by which "
    "side of c it lies on, so the best c has as many prices above as below, and the castle counts as just one above.",
    wrong={
        "the mean price": "The mean minimises Σ(c − priceᵢ)², the squared loss: the castle drags it up by a ninth "
        "of its excess. The absolute loss only counts how many prices lie on each side.",
        "the castle's price": "Far points do not win under the absolute loss: moving c towards the castle gets "
        "closer to one price and further from eight.",
    },
)
