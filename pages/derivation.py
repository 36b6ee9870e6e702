"""The L1 gradient, step by step: L(w) = |w·x (+ b) − t| with numbers the student moves."""

import contextlib

import streamlit as st

from ui import diagram, follow, layout
from ui.controls import Row, Shown, settings
from ui.lessons.derivation import blocks, compute, lesson
from ui.lessons.derivation import charts as lesson_charts
from ui.lessons.derivation import sentences as say
from ui.lessons.derivation.lesson import PRESETS, C
from ui.questions import check_understanding, predict

fmt = say.fmt


layout.header(
    "The L1 gradient, step by step", "For L(w) = |w·x − t|, what is dL/dw, and what happens where |·| has its kink?"
)
follow.take(compute.w_slider())  # where the hand left the L(w) chart's own w slider, before the settings are read
v = settings(  # by name, as this page reads them; v.by_key as the lesson reads them ("h" to "seed": drawn below)
    C,
    presets=PRESETS,
    preset_key="d_preset",
    rows=[("x", "t", "w", "kink"), Row(("bias", Shown("b", lambda s: s.bias)), columns=(1, 3))],
)
values = v.by_key
sample = lesson.sample(values)
x, t, w, b, kink = sample.x, sample.t, sample.w, sample.b, sample.kink
y_hat, r, loss, sign = sample.y_hat, sample.r, sample.loss, sample.sign
grad_w, grad_b = sample.grad_w, sample.grad_b

# On a projector the derivation and its question sit beside L(w), which answers it: both on the first screen.
# The slide view shows the forward pass on the question's screen and again beside the prediction, where the room works
# dL/dw out from it; the answer's screen holds the chain rule, the kink, and L(w) with its takeaway.
beside = layout.presenting() and not layout.sliding()
gap = r" \\ " if layout.on_phone() else r", \qquad "  # a row of equations: stacked on a phone, where it is too wide


def forward_pass() -> None:
    st.subheader("Forward pass")
    model = r"w\cdot x + b" if v["bias"] else r"w\cdot x"
    nums = f"{fmt(w)}\\cdot{say.factor(x)} + {say.factor(b)}" if v["bias"] else f"{fmt(w)}\\cdot{say.factor(x)}"
    st.latex(rf"\hat y = {model} = {nums} = {fmt(y_hat)}")
    st.latex(
        rf"\begin{{gathered}} r = \hat y - t = {fmt(y_hat)} - {say.factor(t)} = {fmt(r)}{gap}L = |r| = {fmt(loss)} "
        r"\end{gathered}"
    )


ask, drawn = st.columns(2, gap="large") if beside else (st.container(), contextlib.nullcontext())
with ask:
    if layout.sliding():
        with layout.slide_part(1):
            forward_pass()
        with layout.slide_part(2, question=lesson.PREDICT_KEY):
            forward_pass()
    else:
        forward_pass()
    ready = predict(
        lesson.PREDICT_KEY,
        f"{lesson.question(values)} Type a number.",
        lesson.number_answer(values),
        decide=lambda: lesson.room_answer(values),
        beside=drawn if beside else None,  # a teacher's live bars in a room: in the chart's column until the reveal
    )
if not ready:
    layout.stop_until_answered()

with layout.slide_part(3):
    if layout.sliding():  # the answer's screen: nothing to scroll at 1280x800
        rule_box, chart_box = st.columns(2, gap="large")
    else:
        rule_box, chart_box = (ask if beside else contextlib.nullcontext()), drawn
    with rule_box:
        st.subheader(
            "Backward pass: the chain rule"
            if layout.sliding()
            else "Backward pass: the chain rule, one factor at a time"
        )
        factors = r" \\ " if layout.sliding() else gap  # a slide's half-width column, its math enlarged: stacked
        st.latex(
            rf"\begin{{gathered}} {say.dl_dr_latex(r, sign)}{factors}\frac{{dr}}{{d\hat y}} = 1{factors}"
            rf"\frac{{d\hat y}}{{dw}} = x = {fmt(x)} \end{{gathered}}"
        )
        answer = (
            rf"\frac{{dL}}{{dw}} = \frac{{dL}}{{dr}}\cdot\frac{{dr}}{{d\hat y}}\cdot\frac{{d\hat y}}{{dw}}"
            rf" = {fmt(sign)}\cdot 1\cdot {say.factor(x)} = {fmt(grad_w)}"
        )
        st.latex(answer)
        if v["bias"]:
            st.latex(rf"\frac{{dL}}{{db}} = \frac{{dL}}{{dr}}\cdot 1 = {fmt(grad_b)}")
        with st.expander("In general: dL/dw = sign(m(w) − t)·m′(w)") if layout.sliding() else contextlib.nullcontext():
            st.latex(  # in rows: one row is wider than a phone; folded on a slide, whose screen has no room
                r"\begin{gathered} \text{In general:}"
                + (r" \\ " if layout.on_phone() else r"\ ")
                + r"\begin{aligned} \frac{dL}{dw} &= \frac{m(w)-t}{|m(w)-t|}\; m'(w) \\ "
                r"&= \operatorname{sign}(m(w)-t)\, m'(w) \end{aligned} \end{gathered}"
            )

    def kink_note() -> None:
        kind, note = say.kink_note(x, w, r, kink, C["w"].lo, C["w"].hi, step=C["w"].step)
        if kind == "warning":
            st.warning(note, icon="📐")
        else:
            st.caption(note)

    # A slide: the kink's note under L(w), whose fan it speaks of, the takeaway under the rule (the screen's room);
    # a projector: the answer and the takeaway above L(w), on the first screen beside the question
    takeaway_box = rule_box if layout.sliding() else chart_box
    pic, slope_l2 = compute.picture(values), sample.slope_l2  # every w's, and this w's
    said = say.tangent_takeaway(x, w, r, sign, slope_l2), say.tangent_seen(x, w, r, sign, slope_l2)
    if beside:
        with chart_box:
            st.latex(answer)
            layout.takeaway(*said)
    if not layout.sliding():
        with rule_box:
            kink_note()
    with chart_box:
        st.markdown(
            "**L(w) for this sample**, the tangents at your w (L1's dashed)"
            if layout.presenting()
            else "**L(w) for this sample** and the tangents at your w: L1's dashed, on the V's arm and on past the "
            "kink (on the kink it zooms in: the fan of subgradients and the app's slope)"
        )
        if not layout.presenting():  # a projector's slide has no room for it: the slider's own label says it
            st.caption("Drag the w slider under the chart (or use its arrow keys): the point and tangents follow.")
        curve, slope_l1, height = pic.curve, grad_w, 250 if layout.sliding() else 320  # a slide: the w slider fits
        follow.chart(
            lesson_charts.loss_curve_follow_chart(
                curve,
                pic.family,
                compute.w_slider(),
                ["l1", "l2"],
                pic.y_range,
                w_range=pic.w_range,
                zoom=pic.framed,
                height=height,
            ),
            compute.w_slider(),
            say.curve_alt(x, w, r, b, t, slope_l1=slope_l1, slope_l2=slope_l2)
            + (
                f" On the kink the chart draws the app's pick among the subgradients, slope {fmt(kink * x)}."
                if x  # off the kink too: the pick is drawn when the slider reaches it
                else ""
            ),
            readout=True,  # its value and ends shown: the same "Weight w" as in Settings
        )
        if layout.sliding() and not sample.kinked:  # on the kink the takeaway and the chain rule's ∂|r| say it
            kink_note()
    if not beside:
        with takeaway_box:
            layout.takeaway(*said)

if layout.sliding():  # the kink on a screen of its own (on the page: the note under the chain rule, the fan on L(w))
    with layout.slide_screen(lesson.KINK):
        blocks.kink_block(sample, answer_screen=layout.answer_screen())
with layout.slide_screen(lesson.GRAPH):
    st.markdown("**The computational graph** (forward values in the nodes, gradients on the way back)")
    st.image(
        diagram.computational_graph(
            w=w, x=x, t=t, b=b if v["bias"] else None, y_hat=y_hat, r=r, loss=loss, sign=sign, grad_w=grad_w,
            grad_b=grad_b if v["bias"] else None, fmt=fmt, vertical=layout.on_phone(),  # top to bottom on a phone
        ),
        alt=say.graph_alt(
            w, x, t, b if v["bias"] else None, y_hat, r=r, loss=loss, sign=sign, grad_w=grad_w, grad_b=grad_b
        ),
    )  # fmt: skip


with layout.slide_screen(lesson.NUMERIC):
    blocks.numerical_block(sample)
with layout.slide_screen(lesson.MISCONCEPTION):
    blocks.misconception_block(sample)
with layout.slide_screen(lesson.SAMPLES):
    blocks.samples_block(sample, pic.curve)
check = lesson.CHECK
check_understanding("d_check", check.question, check.options, check.correct, check.explanation, wrong=check.wrong)
