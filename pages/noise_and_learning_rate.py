"""The noise and learning-rate lab: absolute L1 against L2 (and Huber), constant against decaying steps."""

import streamlit as st

from ui import follow, frames, layout
from ui.controls import Row, Shown, settings
from ui.lessons.noise import blocks, lesson
from ui.lessons.noise.lesson import PRESETS, C
from ui.questions import predict

layout.header(
    "Noise and learning rate",
    "Why does absolute L1 keep oscillating with a constant step while L2 settles, when does it not, and what makes "
    "L1 converge?",
)
beside = layout.presenting() and not layout.sliding()  # a projector: the question beside its chart, one screen
setup = st.container()
follow.take(lesson.LR_SLIDER)  # where the hand left the w chart's own lr slider, before the settings are read
v = settings(  # by name, as this page reads them; v.by_key as the lesson reads them
    C,
    presets=PRESETS,
    preset_key="n_preset",
    rows=[
        ("sigma", "lr", "epochs", "bs"),
        (  # a schedule's own parameters beside it
            "sched",
            Shown("decay", lambda s: s.sched == "inverse_time"),
            Shown("gamma", lambda s: s.sched == "exponential"),
            Shown("factor", lambda s: s.sched == "step"),
            Shown("every", lambda s: s.sched == "step"),
        ),
        ("w0", "seed", "shuffle", Shown("delta", lambda s: s.huber)),
        Row(("l1", "l2", "huber"), columns=3),  # three: the labels fit
    ],
    idle={"seed": (lambda s: s.sigma == 0 and not s.shuffle, "No noise and no shuffling: the seed has no effect.")},
)
values = v.by_key
ask, main = st.columns([2, 3]) if beside else (st.container(), st.container())
zoom = st.container()  # the end of the run, the updates the question measures
answer_first = layout.sliding() or beside  # the zoom and the answer: beside the question on a projector, first on
if answer_first:  # the answer's slide (on the whole run's chart, 0.016 and 0.005 from w = 1 are one pixel row)
    main, zoom = zoom, main
with ask if beside else setup:
    layout.explain("The setup", lesson.setup_text())
losses = lesson.shown_losses(values)
if not losses:
    st.warning("Pick at least one loss to compare (in Settings).", icon="☝️")
    st.stop()

with ask:
    ready = predict(
        lesson.PREDICT_KEY,
        lesson.question(values),
        lesson.OPTIONS,
        decide=lambda: lesson.expected(values),  # (answer, why): the lesson's verdict whole, run once
        wrong=lesson.LESSON.rebuttals(values),
        beside=zoom if beside else None,  # a teacher's live bars in a room: in the chart's column until the reveal
    )
if not ready:
    layout.stop_until_answered()

lab = blocks.lab(v, losses)
blocks.runs_block(lab, main, zoom, answer_first=answer_first)
with layout.slide_screen(lesson.CLAIM):
    blocks.claim_table()
with layout.slide_screen(lesson.LOSS):
    blocks.loss_block(lab)
with layout.slide_screen(lesson.RATE):
    blocks.rate_block(lab)
with layout.slide_screen(lesson.WHY):
    blocks.explanations(lab)
with layout.slide_screen(lesson.STEP):
    if st.toggle("Step through the run, update by update", key="n_step_open"):
        blocks.step_block(lab)
with layout.slide_screen(lesson.SWEEP):
    blocks.sweep_heading(lab)
    blocks.sweep_block(lab)
blocks.draws_block(lab)  # the page's second question: its own two screens
with layout.slide_screen(lesson.HEAT):
    blocks.heat_block(lab)
layout.download(lambda: frames.export_frame(lab.runs), "noise_and_learning_rate.csv", key="n_download")
blocks.check_block()
