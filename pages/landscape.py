"""The (w, b) loss landscape: L1's creased surface against L2's bowl, and optimisers racing across it."""

import streamlit as st

from ui import charts, follow, frames, layout
from ui.controls import loss_params, settings
from ui.layout import takeaway
from ui.lessons.landscape import blocks, lesson
from ui.lessons.landscape import charts as lesson_charts
from ui.lessons.landscape import sentences as say
from ui.lessons.landscape.lesson import OPTIMIZERS, PRESETS, C
from ui.questions import check_understanding, predict
from ui.words import plain, power_of_ten

layout.header(
    "The (w, b) landscape",
    "With a bias the loss is a surface. What does L1's look like, and how do optimisers cross it?",
)
follow.take(lesson.lr_slider())  # where the hand left the map's own lr slider, before the settings are read
v = settings(  # by name, as this page reads them; v.by_key as the lesson reads them
    C,
    presets=PRESETS,
    preset_key="l_preset",
    rows=[
        ("loss", "data", "w0", "b0"),
        tuple(f"use_{o}" for o in OPTIMIZERS),
        ("steps", "sched", "lr", "adam_lr"),
        ("beta", "beta1", "beta2", "delta"),
    ],
    # a control that cannot change anything in the current state is greyed out, with the reason
    idle={
        "sched": (
            lambda s: not (s.use_sgd or s.use_momentum),
            "Plain descent and momentum are both off: Adam keeps a constant lr, Polyak's step sets its own.",
        ),
        "lr": (lambda s: not (s.use_sgd or s.use_momentum), "Plain descent and momentum are both off."),
        "adam_lr": (lambda s: not s.use_adam, "Adam is off."),
        "beta": (lambda s: not s.use_momentum, "Momentum is off."),
        "beta1": (lambda s: not s.use_adam, "Adam is off."),
        "beta2": (lambda s: not s.use_adam, "Adam is off."),
        "delta": (lambda s: "delta" not in loss_params(s.loss, s), "Only the Huber loss has a delta."),
    },
)
values = v.by_key
names = lesson.labels(values)  # each optimiser by its name on this loss
beside = layout.presenting() and not layout.sliding()  # a projector: the question beside the chart that answers it
chosen = lesson.chosen(values)
if not chosen:
    st.warning("Pick at least one optimiser (in Settings).", icon="☝️")
    st.stop()

if beside:  # the question and the loss curves that answer it on the first screen, the map below
    ask, curves_box = st.columns([2, 3])
    map_box = st.container()
elif layout.sliding():  # the answer's screen: the map and the curves side by side, made once the question is asked
    ask = st.container()
else:
    ask, map_box, curves_box = (st.container() for _ in range(3))
with ask:
    ready = predict(
        lesson.PREDICT_KEY,
        lesson.question(values),
        lesson.options(values),
        # a pick that ties with the best (within the stated tolerance) is right too: the radio holds the pick
        decide=lambda: lesson.expected(values, st.session_state.get(lesson.PREDICT_KEY)),
        wrong=lesson.LESSON.rebuttals(values),
        beside=curves_box if beside else None,  # a teacher's live bars in a room: beside it until the reveal
    )
if not ready:
    layout.stop_until_answered()
if layout.sliding():  # the map shows the paths the question is about, the curves which got closest
    with layout.slide_part(3):
        map_box, curves_box = st.columns(2, gap="medium")

data = lesson.dataset(values)
w_opt, b_opt, f_star = lesson.optimum(values)
runs = lesson.runs(values)
excess = lesson.excess(values)
slider = lesson.lr_slider() if lesson.follows_lr(values) else None  # the map's own lr slider, when lr moves a path
land = lesson.landscape(values)
moved = [names[o] for o in chosen if o in lesson.FOLLOW_LR]  # the paths the slider moves
with map_box:
    if not layout.presenting():  # a projector's slide has no room for it: the slider's own label says it
        st.caption(say.map_caption(moved, land.drawn, land.states))
    spec = lesson_charts.landscape_chart(
        land.grid, land.paths, land.creases, (w_opt, b_opt), chosen, w_range=land.w_range, b_range=land.b_range,
        labels=names, moving=land.moving, slider=slider, height=250 if layout.sliding() else 400,
    )  # fmt: skip
    described = (
        f"{charts.label(v['loss'])} over (w, b), darker is lower, optimum at ({w_opt:.3f}, {b_opt:.3f}) marked "
        f"with an orange-red cross; the paths of {', '.join(names[o] for o in chosen)} from "
        f"({plain(v['w0'])}, {plain(v['b0'])}) over {v['steps']:,} updates"
        + (f" ({' and '.join(moved)} at lr {v['lr']:g})" if slider else "")
        + ", ending at "
        + "; ".join(f"{names[o]} {say.point(r.w[-1], r.b[-1])}" for o, r in runs.items())
        + "."
        + (" Faint green lines are the creases where one residual is zero." if land.creases is not None else "")
    )
    if slider:
        follow.chart(spec, slider, described)
    else:
        layout.chart(spec, described)
    if not layout.sliding():  # a slide has room for the map alone: the zoom has a screen of its own
        blocks.zoom_block(values, runs, (w_opt, b_opt))
    settled, numbers = say.settling(runs["sgd"].loss, f_star, runs["sgd"].diverged_at) if "sgd" in runs else (None, {})
    share, last = (0.0, 0)
    if v["loss"] == "l1" and "sgd" in runs:
        sgd = runs["sgd"]  # the crossings over the same last quarter the settle verdict reads
        share, last = say.crease_crossings(sgd.w, sgd.b, data.x, data.y, say.last_quarter(sgd.n_updates))
    folded = blocks.map_folds(v, runs, share, last)
    if settled is not None:
        short = say.map_takeaway(
            v["loss"], settled, share, last, frames.finite_range(runs["sgd"].w[-max(last, 1) :]),
            decaying=v["sched"] != "constant",
        )  # fmt: skip
    else:
        short = say.race_takeaway(excess, f_star, names)
    map_short = short  # the zoom's screen reads it too
    if not layout.sliding():  # a slide has room for one takeaway: the curves' answer beside the map
        takeaway(short, "\n\n".join(folded))

FLOOR_NOTE = f"a loss on the optimum, 0, is drawn at the bottom, {power_of_ten(lesson_charts.LOG_FLOOR, 1)}"
with curves_box:  # in the slide view inside the answer's screen, beside the map
    st.markdown(
        f"**Loss minus the optimum over {v['steps']:,} updates**"
        + ("" if layout.sliding() else f" (log scale; dashed: the best so far; {FLOOR_NOTE})")  # a slide: legend
    )
    layout.chart(
        lesson_charts.optimizer_loss_chart(  # a slide, or a projector beside the question, fits 1280x800
            blocks.loss_rows(runs, f_star, names), chosen, names, height=150 if beside or layout.sliding() else 340
        ),
        f"Loss minus the optimal loss {plain(f_star)} over {v['steps']:,} updates for each optimiser (solid), and the "
        f"best so far (dashed), on a log scale ({FLOOR_NOTE}); lowest reached: "
        + "; ".join(f"{names[o]} {say.excess_words(excess[o], f_star)}" for o in runs)
        + ".",
        answers=True,
    )
    gone = {o: r.diverged_at for o, r in runs.items()}
    race = say.race_explanation(excess, f_star, names, v["steps"], gone, ends=lesson.ends(values))
    if settled is not None:
        short = say.settle_takeaway(settled, numbers)
        why = lesson.expected(values)[1] + "\n\nAll the optimisers: " + race
    else:
        short, why = say.race_takeaway(excess, f_star, names), race
    layout.seen(short)
    if not layout.sliding():  # a slide: the verdict above says why; the numbers stay on the page
        with st.expander("Why, in numbers"):
            st.markdown(why)
            layout.table(blocks.end_rows(runs, excess, f_star, names))

if layout.sliding():  # the zoom's screen: the zoom and the map's takeaway, which reads what it shows
    with layout.slide_screen(lesson.ZOOM):
        if blocks.zoom_block(values, runs, (w_opt, b_opt)):
            takeaway(map_short)
        else:
            st.info(
                "No zoom at these settings: it is drawn when plain descent bounces around the optimum in a patch "
                "too small to see on the map.",
                icon="🔍",
            )
with layout.slide_screen(lesson.POLYAK):
    layout.explain(
        "Polyak's step",
        (
            "Polyak's step size is (f(θ) − f*)/‖g‖²: it needs the optimal loss f*, which we know here because the "
            "exact minimiser is computed separately. Far from the optimum it takes big steps, near it small ones, so "
            "it converges on L1 without a schedule. Without f* you must use a decaying learning rate instead."
        ),
        open_on_slide=True,
    )
layout.download(
    lambda: frames.export_frame({names[o]: r for o, r in runs.items()}), "landscape_runs.csv", key="l_download"
)
check_understanding(
    "l_check",
    "Why does the L1 surface have creases?",
    [
        "Because the data are noisy",
        "Because each |rᵢ| has a kink where rᵢ = 0, which is a line in the (w, b) plane",
        "Because the learning rate is too large",
    ],
    "Because each |rᵢ| has a kink where rᵢ = 0, which is a line in the (w, b) plane",
    "|w·xᵢ + b − yᵢ| is a V along one direction, with its fold on the line b = yᵢ − w·xᵢ. The sum of 30 such Vs "
    "is a surface of planar facets (tilted planes, each with its own constant gradient) joined along 30 lines.",
)
