"""The noise and learning-rate lab: absolute L1 against L2 (and Huber), constant against decaying steps."""

import numpy as np
import pandas as pd
import streamlit as st

import core
from ui import charts, frames, layout
from ui.controls import Row, Shown, loss_params, settings
from ui.lessons.noise import charts as lesson_charts
from ui.lessons.noise import compute as lesson_compute
from ui.lessons.noise import lesson
from ui.lessons.noise import sentences as say
from ui.lessons.noise.lesson import ARTICLE_PRESETS, CONTROLS, PRESETS, SHORT_NAMES, C
from ui.questions import check_understanding, predict
from ui.stepper import step_through

SWEEP_LRS = tuple(float(v) for v in np.logspace(-5, 0, 26))
HEAT_LRS = tuple(float(v) for v in np.logspace(-4, -0.5, 8))
HEAT_SIGMAS = (0.0, 0.05, 0.5, 1.0, 2.0, 5.0, 10.0)
SEEDS = 48

layout.header(
    "Noise and learning rate",
    "Why does absolute L1 keep oscillating with a constant step while L2 settles, when does it not, and what makes "
    "L1 converge?",
)
beside = layout.presenting() and not layout.sliding()  # a projector: the question beside its chart, one screen
setup = st.container()
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
sched_name = v.sched
ask, main = st.columns([2, 3]) if beside else (st.container(), st.container())
zoom = st.container()  # the end of the run, which the question asks about
if layout.sliding():  # the slide view's answer screen shows the zoom, so it comes first (the page's first chart)
    main, zoom = zoom, main
with ask if beside else setup:
    layout.explain(
        "The setup",
        "The blog post's setup again: 20 samples of **y = 2·w + noise**, true w = 1, one update per batch (the "
        "article's batches go in order; Settings can shuffle them). Now with the absolute value in place, against L2.",
    )
losses = [k for k in ("l1", "l2", "huber") if v[k]]
if not losses:
    st.warning("Pick at least one loss to compare (in Settings).", icon="☝️")
    st.stop()

data = lesson.dataset(values)
K = lesson.updates(values)
sched = lesson.schedule(values)
labels = {k: charts.label(k) for k in ("l1", "l2", "huber")}
names = {k: core.LOSSES[k].short_name for k in ("l1", "l2", "huber")}  # in sentences
draw_losses = list(dict.fromkeys(["l1", "l2", *losses]))  # the draws question compares L1 and L2


def experiments(loss: str) -> lesson_compute.NoiseExperiments:
    """The sweep, the noise draws and the heatmap this loss shows, in one vectorised pass (cached): every view
    reads it, and the draws come with it, so answering their question reruns nothing. The result toggles are
    read when it is called: a block that reruns on its own (a fragment) asks for what is shown now."""
    sweep_on, heat_on = st.session_state.get("n_sweep_show", False), st.session_state.get("n_heat", False)
    return lesson_compute.noise_experiments(
        loss,
        sched,
        v["w0"],
        v["bs"],
        v["epochs"],
        v["sigma"],
        v["seed"],
        sweep_lrs=SWEEP_LRS if sweep_on and loss in losses else (),
        seeds=SEEDS if loss in draw_losses else 0,
        heat_sigmas=HEAT_SIGMAS if heat_on and loss in losses and loss != "huber" else (),
        heat_lrs=HEAT_LRS if heat_on and loss in losses and loss != "huber" else (),
        shuffle=v["shuffle"],
        **loss_params(loss, v),
    )


def takeaway(text: str, why: str = "") -> None:
    """Under a chart: its one plain takeaway (shown in presentation mode too), the numbers behind it folded."""
    layout.seen(text)
    if why:
        with st.expander("Why, in numbers"):
            st.markdown(why)


tail_from = say.tail_start(K)
with ask:
    ready = predict(
        lesson.PREDICT_KEY,
        lesson.question(values),
        lesson.OPTIONS,
        lambda: lesson.expected(values),  # (answer, why): the lesson's verdict whole, run once
    )
if not ready:
    st.stop()

runs = {labels[k]: lesson.run(values, k) for k in losses}
optima = {"l1": core.l1_minimizers(data.x, data.y), "l2": (core.l2_optimum(data.x, data.y),) * 2}
if "huber" in losses:
    optima["huber"] = (core.fit_line("huber", data.x, data.y, fit_bias=False, **loss_params("huber", v))[0],) * 2
constant = say.constant_rate(next(iter(runs.values())).lr)  # the rates it ran, not the schedule's name
band = core.oscillation_band(data.x, data.y, v["lr"], v["bs"], v["shuffle"]) if constant else None

refs = [{"y": 1.0, "text": "true w = 1"}]
for k in losses:
    lo, hi = optima[k]
    txt = f"{labels[k]} optimum {lo:.3f}" + (f" to {hi:.3f}" if hi > lo else "")
    refs.append({"y": (lo + hi) / 2, "text": txt})
refs = pd.DataFrame(refs)
w_df = frames.runs_frame(runs, "w")
with main:
    st.subheader("w over updates")
    layout.chart(
        charts.trajectory_chart(w_df, "w", "weight w", losses, hlines=refs),
        f"Weight w over {K} updates from w0 = {v['w0']:g} with noise sigma {v['sigma']:g}: "
        + "; ".join(f"{name} ends at {run.w[-1]:.4g}" for name, run in runs.items())
        + ".",
    )
errors = {k: lesson.tail_error(runs[labels[k]]) for k in losses}  # the page's one measure of how close a run ends
l1_settled = "l1" in losses and np.isfinite(errors["l1"])
l1_at = float(np.mean(runs[labels["l1"]].w[-say.error_tail(K) :])) if l1_settled else None
with main:
    takeaway(
        say.ends_takeaway(errors, labels, K),
        say.optimum_sentence(optima["l1"], optima["l2"][0], l1_at)
        + " Why the mean over the last updates and not the final w: a constant-step absolute-L1 run can land on 1 "
        "for one update and jump away at the next.",
    )
tail = frames.runs_frame(runs, "w", start=tail_from)  # thinned on its own: the zoom keeps its detail
view = float(tail["w"].max() - tail["w"].min()) if len(tail) else 0.0
band_fits = band is not None and "l1" in losses and (band[1] - band[0]) <= 4 * max(view, 1e-9)
band_layer = (band[0], band[1], "constant-step band: once inside, absolute L1 never leaves") if band_fits else None
with zoom, layout.slide_part(3):  # the zoom answers the question, shown with its title on the answer's slide
    st.markdown(
        f"**Zoom: the last 30% of the run** (updates {tail_from} to {K})"
        + (", with absolute L1's guaranteed band shaded" if band_fits else "")
    )
    layout.chart(
        charts.trajectory_chart(tail, "w", "weight w", losses, hlines=refs, band=band_layer, height=260),
        f"The last 30% of the run, updates {tail_from} to {K}, zoomed: "
        + "; ".join(say.tail_range(name, run.w, tail_from) for name, run in runs.items())
        + (". The shaded band is where constant-step L1 is guaranteed to stay once it enters." if band_fits else "."),
        answers=True,
    )
if band is not None and "l1" in losses and not band_fits:
    zoom.caption(say.band_too_wide(band, v["sigma"], v["bs"], 20, v["shuffle"]))

rows = []
for k in losses:
    run = runs[labels[k]]
    lo, hi = optima[k]
    half = (band[1] - band[0]) / 2 if band is not None else None
    own = (lo - half, hi + half) if half is not None else None
    tail_w = run.w[tail_from:]
    rows.append(
        {
            "loss": labels[k],
            "mean |w − 1|, last 10%": errors[k] if np.isfinite(errors[k]) else None,
            "swing in the last 30% (max − min)": frames.finite_stat(np.ptp, tail_w),
            "in the band from update": (core.entered_band_at(run.w, band if k == "l1" else own) if own else None),
            "diverged at": frames.diverged_text(run.diverged_at),
        }
    )


def run_table() -> None:
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={
            **{  # three significant digits, as the sentences print them
                name: st.column_config.NumberColumn(format="%.3g")
                for name in ("mean |w − 1|, last 10%", "swing in the last 30% (max − min)")
            },
            "in the band from update": st.column_config.NumberColumn(
                help="Absolute L1: its theoretical band. Others: a band of the same width around their own optimum."
            ),
        },
    )


l1run = runs.get(labels["l1"])
l2run = runs.get(labels["l2"])
l2_limit = core.l2_max_stable_lr(data.x, v["bs"])
diverged = [k for k in losses if runs[labels[k]].diverged_at is not None]
for k in diverged:
    if k == "l2":
        radius = core.l2_epoch_radius(data.x, float(np.max(l2run.lr[1:])), v["bs"])
        st.warning(say.diverged_warning(float(np.max(l2run.lr[1:])), v["bs"], l2_limit, radius), icon="💥")
    else:
        st.warning(f"{labels[k]} diverged at update {runs[labels[k]].diverged_at}.", icon="💥")

l1_win = say.window(l1run.w, tail_from) if l1run is not None and l1run.diverged_at is None else None
l2_win = say.window(l2run.w, tail_from) if l2run is not None and l2run.diverged_at is None else None
holds, verdict = say.claim(
    l1_win,
    l2_win,
    l2run.diverged_at if l2run is not None else None,
    rates=next(iter(runs.values())).lr,
    sigma=v["sigma"],
    batch_size=v["bs"],
    n=lesson.N,
)
steps = []
lone = l1_win is None or l2_win is None  # the verdict then gives no swing: the step sentence does
if l1_win is not None:
    biggest_batch = float(np.sum(np.sort(np.abs(data.x))[-min(v["bs"], 20) :]))
    full_step = float(np.max(l1run.lr[tail_from + 1 :])) * biggest_batch
    steps.append(say.l1_steps(l1_win, full_step, with_swing=lone))
if l2_win is not None:
    steps.append(say.l2_steps(l2_win, abs(float(l2run.w[1] - l2run.w[0])), with_swing=lone))
with zoom:
    takeaway(verdict)
    if "huber" in losses:
        h = runs[labels["huber"]]
        h_win = say.window(h.w, tail_from) if h.diverged_at is None else None
        layout.seen(say.huber_sentence(h_win, l1_win, l2_win, v["delta"]))
    with st.expander("Why, in numbers"):
        why = say.claim_why(l1_win, l2_win, v["sigma"], v["bs"], lesson.N)
        st.markdown(" ".join([*([why] if why else []), *steps, say.batch_noise(v["sigma"], v["bs"], 20, v["shuffle"])]))
        run_table()


RUN_KEYS = ["n_sigma", "n_lr", "n_sched", "n_bs", "n_epochs", "n_w0", "n_seed", "n_shuffle"]


def claim_row(name: str, preset: dict) -> dict:
    """One of the article's settings and the claim there (`lesson.article_claim`), ▶ when it is on screen."""
    _, l1_swing, l2_swing = lesson.article_claim(name)
    p = {c.key: c.default for c in CONTROLS} | preset
    defining = [*RUN_KEYS, "n_decay"] if p["n_sched"] == "inverse_time" else RUN_KEYS
    on_screen = all(st.session_state[key] == p[key] for key in defining)
    return {
        "the article's setting": ("▶ " if on_screen else "") + SHORT_NAMES[name],
        "claim holds (our epochs)": lesson.article_verdict(name),
        f"at the article's {lesson.ARTICLE_EPOCHS} epochs": lesson.article_verdict(name, lesson.ARTICLE_EPOCHS),
        "our epochs": p["n_epochs"],
        "L1 swing (last 30%)": l1_swing,
        "L2 swing (last 30%)": l2_swing,
    }


st.markdown(
    "**Where the article's claim holds**, setting by setting (its presets: seed 0, w0 = 20; ▶ marks the one on screen)"
)
st.caption(
    lesson.ARTICLE_SETTINGS
    + " The epochs in our presets are ours. "
    + say.article_epochs_sentence(
        [lesson.article_verdict(name, lesson.ARTICLE_EPOCHS) for name in ARTICLE_PRESETS], lesson.ARTICLE_EPOCHS
    )
)
st.dataframe(
    pd.DataFrame([claim_row(name, preset) for name, preset in ARTICLE_PRESETS.items()]),
    hide_index=True,
    width="stretch",
    column_config={
        "claim holds (our epochs)": st.column_config.TextColumn(
            help="Yes when absolute L1 swings back and forth (not still travelling) and L2 swings at most half as "
            "much, over the last 30% of updates."
        )
    },
)

st.markdown("**Loss over updates**, one panel per loss (the dark line is the best loss so far)")
layout.chart(
    charts.small_multiples(
        frames.runs_frame(runs, "loss", True, "best_loss"),
        "loss",
        "loss on all 20 samples",
        losses,
        best="best_loss",
        log_y=True,
    ),
    "Loss on all 20 samples over updates, one panel per loss, with the best loss so far. The loss: "
    + "; ".join(say.last_loss(name, run.loss) for name, run in runs.items())
    + ".",
)
takeaway(say.loss_takeaway({name: run.loss for name, run in runs.items()}))
st.markdown("**Learning rate over updates**")
lr_df = frames.series_frame({labels[losses[0]]: next(iter(runs.values())).lr}, "lr")
layout.chart(lesson_charts.lr_chart(lr_df, [losses[0]]), f"The {sched_name} learning-rate schedule over {K} updates.")
takeaway(say.lr_takeaway(next(iter(runs.values())).lr))

layout.explain(
    "Why L1 oscillates and L2 settles, when they do",
    (
        "L2's gradient is 2·r·x: it **shrinks with the residual r**, so near the optimum of the batch it is "
        "working on, its steps shrink. L1's gradient is sign(r)·x: a batch's step is lr·|Σ sign(rᵢ)·xᵢ|, which is "
        "the full lr·Σ|xᵢ| whenever the batch's residuals share a sign, **however close w is**. So once L1 is near "
        "its optimum it keeps jumping across it. Without noise, with the article's batches of 2, it stays in "
        "1 ± 4·lr: the width is proportional to lr. With noise and small batches each batch has its own optimum: "
        "L1's band must also cover them, and L2 is pulled from one batch's optimum to the next, so it swings too, "
        "sometimes more than L1 (the table above says where)."
    ),
)
layout.explain(
    "What makes L1 converge",
    (
        "Shrink the step. Subgradient methods converge when the learning rates satisfy **Σ lrₜ = ∞** (they can still "
        "travel any distance) and **Σ lrₜ² < ∞** (the jumps die out): Boyd's lecture notes on subgradient methods. "
        "The article's lr0/(1 + decay·t) is one such schedule: try its preset. A constant rate fails the second "
        "condition; exponential decay with γ < 1 fails the first (it can stall before arriving)."
    ),
)
layout.explain(
    "Median against mean",
    (
        "The L1 optimum of 2·w ≈ y is the **median** of y/2, L2's is the **mean**. With Gaussian noise the mean is "
        "the more precise of the two on average over noise draws (for large samples its error is about "
        "√(π/2) ≈ 1.25 times smaller); in any one draw either can be closer. With 20 samples the L1 optimum is a "
        "whole interval: any w between the 10th and 11th smallest y/2 is optimal. "
        + say.optimum_sentence(optima["l1"], optima["l2"][0])
    ),
)

if st.toggle("Step through the run, update by update", key="n_step_open"):
    step_through("n_step", runs, losses, refs)

st.subheader("Learning-rate sweep")
st.caption(
    f"{len(SWEEP_LRS)} constant learning rates from 1e−5 to 1, each run for {K} updates from these settings, "
    "computed in one vectorised pass per loss. The error is the mean |w − 1| over the last 10% of updates."
)


@st.fragment
def sweep_block() -> None:
    """The sweep; its toggle reruns only this block."""
    if st.toggle("Run the sweep", key="n_sweep_show", help="Off until asked: it runs 26 rates per loss."):
        sweep_rows, sweep_errors = [], {}
        for k in losses:
            exp = experiments(k)
            sweep_lrs, errors = exp.sweep_lrs, exp.sweep_error
            sweep_errors[k] = np.asarray(errors, dtype=float)
            sweep_rows.append(pd.DataFrame({"lr": sweep_lrs, "series": labels[k], "error": errors}))
        sweep = pd.concat(sweep_rows)
        sweep = sweep[np.isfinite(sweep["error"])]
        sweep["error"] = sweep["error"].clip(lower=say.ERROR_FLOOR)
        stable = l2_limit if "l2" in losses else None
        layout.chart(
            lesson_charts.sweep_chart(sweep, losses, stable, v["lr"]),
            f"Mean |w − 1| over the last 10% of updates against the constant learning rate, on log-log axes "
            f"(errors under {say.ERROR_FLOOR:g} drawn at it), with L2's stability limit marked.",
        )
        if note := experiments(losses[0]).note("learning rates"):
            st.caption(f"Showing {note}, evenly spread: all of them would cost more than a rerun may.")
        floors = {k: max(optima[k][0] - 1.0, 1.0 - optima[k][1], 0.0) for k in losses}
        radius = np.array([core.l2_epoch_radius(data.x, lr, v["bs"]) for lr in sweep_lrs]) if "l2" in losses else None
        takeaway(
            say.sweep_takeaway(sweep_lrs, sweep_errors, names),
            " ".join(
                say.sweep_sentences(sweep_lrs, sweep_errors, names, K, abs(v["w0"] - 1.0), floors, stable, radius)
            ),
        )


sweep_block()
st.subheader(f"Many noise draws ({SEEDS} seeds)")


def draw_errors(k: str) -> np.ndarray:
    """Each draw's mean |w - 1| over its last 10% of updates: the page's one measure, never the final w."""
    return experiments(k).draw_error


def draw_optima() -> dict[str, np.ndarray]:
    """Each draw's L1 interval and L2 optimum (the data sets the draws run on, made the same way)."""
    sets = [core.make_dataset(20, 2.0, 1.0, 0.0, v["sigma"], 0.0, 0.0, s) for s in experiments("l1").draw_seeds]
    return {
        "l1": np.array([core.l1_minimizers(d.x, d.y) for d in sets]),
        "l2": np.array([core.l2_optimum(d.x, d.y) for d in sets]),
    }


def draws_why() -> str:
    e1, e2 = float(np.mean(draw_errors("l1"))), float(np.mean(draw_errors("l2")))
    return say.closer_explanation(e1, e2, f"Over the {len(experiments('l1').draw_seeds)} draws (last 10% of each run)")


@st.fragment
def draws_block() -> None:
    """The noise draws behind their question; answering it reruns only this block."""
    if predict(
        "n_draws_predict",
        f"Was that one run luck? Draw the noise {SEEDS} times at sigma = {v['sigma']:g} and run both losses with "
        "these settings. On average over the last 10% of each run's updates, which ends closer to the true w = 1?",
        [names["l1"], names["l2"], say.SAME],
        lambda: say.closer_answer(float(np.mean(draw_errors("l1"))), float(np.mean(draw_errors("l2")))),
        draws_why,
    ):
        draws = pd.concat(
            [
                pd.DataFrame({"seed": experiments(k).draw_seeds, "series": labels[k], "error": draw_errors(k)})
                for k in draw_losses
            ]
        )
        means = {k: float(np.mean(draw_errors(k))) for k in draw_losses}
        layout.chart(
            lesson_charts.draws_chart(draws, draw_losses),
            "Mean |w − 1| over the last 10% of updates for each noise draw, one row of dots per loss, with each "
            "loss's mean.",
        )
        if note := experiments("l1").note("noise draws"):
            st.caption(f"Showing {note}: all of them would cost more than a rerun may.")
        opt = draw_optima()
        lo, hi = opt["l1"][:, 0], opt["l1"][:, 1]
        constant_lr = float(v["lr"]) if say.constant_rate(next(iter(runs.values())).lr) else None
        why = say.draws_sentence(
            means,
            {
                "l1": float(np.mean(np.abs((lo + hi) / 2 - 1.0))),  # the median: the middle of the optima
                "l2": float(np.mean(np.abs(opt["l2"] - 1.0))),
            },
            None,
            names,
        )
        final = np.abs(experiments("l1").draw_final - 1.0)
        takeaway(
            say.draws_takeaway(means, names, len(experiments("l1").draw_seeds)),
            why + " " + say.final_misleads(final, constant_lr, v["w0"], lesson.X),
        )


draws_block()


@st.fragment
def heat_block() -> None:
    """The heatmap; its toggle reruns only this block."""
    with st.expander("Heatmap: how close each run ends, over learning rate × noise", expanded=False):
        show_heat = st.toggle(
            "Compute the heatmap",
            key="n_heat",
            help=f"{len(HEAT_LRS) * len(HEAT_SIGMAS)} runs per loss; off by default to keep the page quick.",
        )
        grids, heat_rows, heat_lrs = {}, {}, ()
        for k in [k for k in ("l1", "l2") if k in losses and show_heat]:
            exp = experiments(k)
            heat_lrs, cell_errors = exp.heat_lrs, np.asarray(exp.heat_error, dtype=float)
            shown = np.where(
                np.isfinite(cell_errors), np.maximum(cell_errors, say.ERROR_FLOOR), np.nan
            )  # nan: diverged
            grids[k] = pd.DataFrame(
                [
                    {"lr": lr, "sigma": s, "error": shown[i, j]}
                    for i, s in enumerate(HEAT_SIGMAS)
                    for j, lr in enumerate(heat_lrs)
                ]
            )
            heat_rows[k] = [(s, heat_lrs, shown[i]) for i, s in enumerate(HEAT_SIGMAS)]
        if grids:
            layout.chart(
                lesson_charts.heatmap_chart(grids, heat_lrs, HEAT_SIGMAS),
                "Mean |w − 1| over the last 10% of updates, over constant learning rates and noise, one panel per "
                f"loss with one colour scale (errors under {say.ERROR_FLOOR:g} drawn at it).",
            )
            thinned = experiments(next(iter(grids))).note("heatmap cells")
            layout.seen(say.heat_takeaway(heat_rows, names))
            st.caption(
                "Why, in numbers: each cell runs a constant learning rate, whatever the schedule above. "
                + (f"Showing {thinned}, evenly spread over the rates. " if thinned else "")
                + " ".join(say.heat_sentences(heat_rows, names, l2_limit if "l2" in heat_rows else None))
            )


heat_block()
layout.download(lambda: frames.export_frame(runs), "noise_and_learning_rate.csv", key="n_download")


@st.fragment
def check_block() -> None:
    """The closing question; answering it reruns only this block."""
    check_understanding(
        "n_check",
        "No noise, the article's batches of 2: you halve a constant learning rate for absolute L1 (and give it enough "
        "updates to arrive). The width of its final oscillation…",
        ["stays the same", "roughly halves", "shrinks to zero"],
        "roughly halves",
        "Without noise both residuals of a batch share a sign until w reaches 1, so each step is the full "
        "lr·Σ|xᵢ| = 4·lr and w stays within 1 ± 4·lr: the band scales with lr. (With noise, each step is "
        "lr·|Σ sign(rᵢ)·xᵢ|, anything from 0 to 4·lr, and the spread of the batches' own optima adds a part that does "
        "not shrink with lr.) Only a rate that keeps shrinking (Σlr = ∞, Σlr² < ∞) drives the oscillation to zero.",
    )


check_block()
