"""The signed-L1 failure: the seed article's "L1 loss" sum(y_hat - y) has no absolute value."""

import numpy as np
import pandas as pd
import streamlit as st

import core
from ui import charts, frames, layout
from ui.controls import settings
from ui.lessons.signed_l1 import blocks, lesson
from ui.lessons.signed_l1 import sentences as say
from ui.lessons.signed_l1.charts import legend_in_one_row
from ui.lessons.signed_l1.lesson import LOSSES, PRESETS, C
from ui.questions import check_understanding, predict
from ui.stepper import step_through

layout.header(
    "The signed-L1 failure",
    "The article's “L1 loss” is Σ(ŷ − y), with no absolute value. What happens when you minimise it?",
)
ARTICLE = (
    "A blog post (*L1 loss, abs L1 loss, and L2 loss*) fits **2·w = y** to 20 samples with true w = 1, "
    "starting from w₀ = 20, learning rate 0.01, batches of 2, 20 epochs. Its “L1” branch is printed like this "
    "(the notes after ← are ours):"
)
if layout.presenting():  # a projector: the article folds, so the question, its four answers and its chart share
    with st.expander("The article and its code"):  # the first screen
        st.markdown(ARTICLE)
        st.code(lesson.ARTICLE_CODE, language="python")
elif layout.on_phone():  # a phone: the question comes before the code, whose notes go above their lines
    st.markdown(ARTICLE.replace("like this (the notes after ← are ours):", "in the fold below (notes: ↓ ours)."))
    with st.expander("The article's code"):
        st.code(lesson.narrow_code(lesson.ARTICLE_CODE), language="python")
else:
    st.markdown(ARTICLE)
    st.code(lesson.ARTICLE_CODE, language="python")

v = settings(  # by name, as this page reads them; v.by_key as the lesson reads them
    C,
    presets=PRESETS,
    preset_key="s_preset",
    rows=["full", ("lr", "w0", "epochs", "bs", "x", "w_true", "sigma", "seed")],
    idle={"seed": (lambda s: s.sigma == 0, "No noise: the seed has no effect.")},
)
values = v.by_key
data = lesson.dataset(values)
sums = lesson.gradient_sums(values)  # signed L1's gradient, update by update
closed = lesson.closed_form(values)

beside = layout.presenting() and not layout.sliding()  # a projector: the question beside its chart, one screen
ask, main = st.columns([2, 3]) if beside else (st.container(), st.container())
with ask:
    if layout.sliding():  # the slide view: the question's screen shows the lines it is about (the code is folded)
        with layout.slide_part(2, question=lesson.PREDICT_KEY):
            st.code(lesson.SLIDE_CODE, language="python")
    ready = predict(
        lesson.PREDICT_KEY,
        lesson.question(values),
        lesson.OPTIONS,
        decide=lambda: lesson.expected(values),
        wrong=lesson.LESSON.rebuttals(values),  # the numbers of the run on screen, under every preset
        beside=main if beside else None,  # a teacher's live bars in a room: in the chart's column until the reveal
    )
if not ready:
    layout.stop_until_answered()

sched = ("constant", v["lr"], ())
runs = {charts.label(loss): lesson.run(values, loss) for loss in LOSSES}
signed, absl1, l2 = (runs[charts.label(k)] for k in LOSSES)
K = signed.n_updates
on_closed = say.on_closed_form(signed.w, closed, v["lr"], sums)
batch_sums = core.gradient_x_sums(data.x, v["bs"], v["epochs"])  # Σx of each update's batch
goal = say.goals(data.x, data.y, v["w_true"], core.l1_minimizers(data.x, data.y), core.l2_optimum(data.x, data.y))
told, more = blocks.stories(v, data, runs, goal, sched=sched)

theory = pd.DataFrame({"update": np.arange(K + 1), "w": closed, "text": "closed form w₀ − k·lr·Σx"})
theory = theory.iloc[np.unique(np.linspace(0, K, min(K + 1, lesson.RINGS)).astype(int))]
refs = say.reference_lines(v["w_true"], goal)
w_df, cut = frames.focus_on_tame_runs(frames.runs_frame(runs, "w"), runs, "w", refs["y"])  # a diverging L2 flattened
with main:  # every other line
    st.subheader("Where w goes")
    w_chart = charts.trajectory_chart(
        w_df,
        "w",
        "weight w",
        LOSSES,
        hlines=refs,
        theory=theory,
        height=lesson.W_CHART_HEIGHT["beside" if beside else "page"],
        rule_style=charts.LEGIBLE_RULES,
    )
    layout.chart(
        w_chart if layout.on_phone() else legend_in_one_row(w_chart, len(LOSSES)),
        say.w_chart_alt(K, say.end_value(signed.w), on_closed, start=v["w0"]),
        answers=True,
    )

st.markdown(blocks.ending_line(v, runs, goal))
blocks.what_each_run_did(v, data, runs, goal, told, more, sums=sums, on_closed=on_closed)
st.caption(say.gradients_used(v["full"], data.n))
if warning := say.diverged_warning({lab: r.diverged_at for lab, r in runs.items()}, cut=cut):
    st.warning(warning, icon="💥")

with layout.slide_screen(lesson.STEP):
    if st.toggle("Step through the run, update by update", key="s_step_open"):
        h = lesson.W_CHART_HEIGHT["page"]
        step_through("s_step", runs, LOSSES, refs, height=h, rule_style=charts.LEGIBLE_RULES)

blocks.loss_and_gradients(runs, data.x, batch_sums, goal, told)  # a screen for each chart
with layout.slide_screen(lesson.WHY):
    layout.explain("Why it breaks, in four sentences", say.WHY_IT_BREAKS, open_on_slide=True)
layout.explain(
    "What the toggle changes",
    say.toggle_explanation(
        v["w0"],
        v["lr"],
        K,
        data.n,
        float(np.sum(data.x)),
        per_epoch=core.gradient_x_sums(data.x, v["bs"], 1),
        w_true=v["w_true"],
        full=v["full"],
    ),
)

layout.download(lambda: frames.export_frame(runs), "signed_l1_trajectories.csv", key="s_download")

check_understanding(
    "s_check", lesson.CHECK_QUESTION, lesson.CHECK_OPTIONS, lesson.CHECK_RIGHT, lesson.CHECK_WHY, lesson.CHECK_WRONG
)
