"""The noise and learning-rate lab: absolute L1 against L2 (and Huber), constant against decaying steps."""

import numpy as np
import pandas as pd
import streamlit as st

import core
from ui import charts, compute, frames, layout
from ui.controls import (
    Control,
    log_options,
    preset_and_reset,
    restore,
    show_notes,
    sync_url,
    widget,
    widget_row,
)
from ui.questions import check_understanding, predict
from ui.stepper import step_through

SCHEDULE_LABELS = {
    "constant": "constant",
    "inverse_time": "inverse-time decay lr0/(1 + decay·t) (the article's)",
    "exponential": "exponential lr0·γᵗ",
    "step": "step: × factor every n updates",
    "inverse_sqrt": "1/√t: lr0/√(1 + t)",
    "cosine": "cosine to zero over the run",
}
C = {
    "sigma": Control("n_sigma", "Noise sigma", "float", 5.0, 0.0, 10.0, 0.05),
    "lr": Control("n_lr", "Learning rate (lr0)", "log", 0.001, options=log_options(1e-5, 1.0)),
    "sched": Control(
        "n_sched", "Schedule", "choice", "constant", options=tuple(SCHEDULE_LABELS), format_func=SCHEDULE_LABELS.get
    ),
    "decay": Control("n_decay", "decay", "log", 0.0005, options=(*log_options(1e-5, 1.0), 0.0005)),
    "gamma": Control("n_gamma", "γ per update", "float", 0.999, 0.99, 1.0, 0.0005),
    "factor": Control("n_factor", "factor", "float", 0.5, 0.1, 0.9, 0.05),
    "every": Control("n_every", "every n updates", "int", 1000, 10, 5000, 10),
    "bs": Control("n_bs", "Batch size", "int", 2, 1, 20, 1),
    "epochs": Control("n_epochs", "Epochs", "int", 1000, 1, 1000, 1, help="Updates = epochs × ⌈20 / batch size⌉"),
    "w0": Control("n_w0", "Start w0", "float", 20.0, -30.0, 30.0, 0.5),
    "seed": Control("n_seed", "Noise seed", "int", 0, 0, 99, 1),
    "shuffle": Control("n_shuffle", "Shuffle the batches each epoch", "bool", False),
    "l1": Control("n_l1", "absolute L1", "bool", True),
    "l2": Control("n_l2", "L2", "bool", True),
    "huber": Control("n_huber", "Huber", "bool", False),
    "delta": Control("n_delta", "Huber delta", "float", 1.0, 0.1, 10.0, 0.1),
}
CONTROLS = list(C.values())
PRESETS = {
    "No noise, lr 0.01": {"n_sigma": 0.0, "n_lr": 0.01, "n_epochs": 200},
    "Noise sigma 0.05, lr 0.01": {"n_sigma": 0.05, "n_lr": 0.01, "n_epochs": 200},
    "Noise sigma 5, lr 0.001": {},
    "Noise sigma 5, lr 0.0001, more updates (starts at w0 = 2)": {"n_lr": 0.0001, "n_w0": 2.0},
    "Inverse-time decay 1/2000 from lr 0.01, sigma 5": {
        "n_lr": 0.01,
        "n_sched": "inverse_time",
        "n_decay": 0.0005,
        "n_epochs": 200,
    },
}
SWEEP_LRS = tuple(float(v) for v in np.logspace(-5, 0, 26))
HEAT_LRS = tuple(float(v) for v in np.logspace(-4, -0.5, 8))
HEAT_SIGMAS = (0.0, 0.05, 0.5, 1.0, 2.0, 5.0, 10.0)
SEEDS = 48

layout.header(
    "Noise and learning rate",
    "Why does absolute L1 keep oscillating with a constant step while L2 settles, and what makes L1 converge?",
)
show_notes(restore(CONTROLS))
st.markdown(
    "The blog post's setup again: 20 samples of **y = 2·w + noise**, true w = 1, batches in order, one update "
    "per batch. Now with the absolute value in place, against L2."
)

with st.expander("Settings", expanded=not layout.presenting()):
    preset_and_reset(CONTROLS, PRESETS, "n_preset")
    widget_row([C[name] for name in ("sigma", "lr", "epochs", "bs")])
    row = st.columns(4)
    widget(C["sched"], row[0])
    sched_name = st.session_state[C["sched"].key]
    for i, name in enumerate(
        {"inverse_time": ["decay"], "exponential": ["gamma"], "step": ["factor", "every"]}.get(sched_name, [])
    ):
        widget(C[name], row[1 + i])
    row = st.columns(4)
    widget(C["w0"], row[0])
    no_noise = st.session_state[C["sigma"].key] == 0
    widget(
        C["seed"],
        row[1],
        disabled=no_noise and not st.session_state[C["shuffle"].key],
        why="No noise and no shuffling: the seed has no effect.",
    )
    widget(C["shuffle"], row[2])
    widget_row([C[name] for name in ("l1", "l2", "huber")])
    if st.session_state[C["huber"].key]:
        widget(C["delta"], row[3])
sync_url(CONTROLS)
v = {name: st.session_state[c.key] for name, c in C.items()}
losses = [k for k in ("l1", "l2", "huber") if v[k]]
if not losses:
    st.warning("Pick at least one loss to compare (in Settings).", icon="☝️")
    st.stop()

data = compute.dataset(n=20, x=2.0, w_true=1.0, noise_sigma=v["sigma"], seed=v["seed"])
updates_per_epoch = -(-20 // v["bs"])
K = v["epochs"] * updates_per_epoch
sched_params = {
    "inverse_time": (("decay", v["decay"]),),
    "exponential": (("gamma", v["gamma"]),),
    "step": (("factor", v["factor"]), ("every", v["every"])),
    "cosine": (("total", K),),
}
sched = (sched_name, v["lr"], sched_params.get(sched_name, ()))
opts = {"shuffle": v["shuffle"], "shuffle_seed": v["seed"]}
loss_opts = {"huber": {"delta": v["delta"]}}


def seeds_final(loss: str) -> np.ndarray:
    """Final w for SEEDS noise draws at once."""
    return compute.noise_draws(
        20, 2.0, v["sigma"], SEEDS, loss, sched, v["w0"], v["bs"], v["epochs"], **opts, **loss_opts.get(loss, {})
    )


def tail_error(run: core.Trajectory) -> float:
    """Mean |w - 1| over the last 10% of updates: one lucky jump does not decide."""
    return frames.finite_stat(np.mean, np.abs(run.w[-max(1, K // 10) :] - 1), np.inf)


both = {k: compute.run(data, k, sched, v["w0"], v["bs"], v["epochs"], **opts) for k in ("l1", "l2")}
ready = predict(
    "n_predict",
    f"Noise sigma = {v['sigma']:g}, learning rate {v['lr']:g}, {K} updates. Which ends closer to the true w = 1 "
    "(on average over the last 10% of updates)?",
    ["absolute L1", "L2"],
    "absolute L1" if tail_error(both["l1"]) < tail_error(both["l2"]) else "L2",
    "See the zoom on the last 30% of the run and the table below. Whether that was luck is the question of "
    "*Many noise draws* further down.",
)
if not ready:
    st.stop()

runs = {
    charts.label(k): both[k]
    if k in both
    else compute.run(data, k, sched, v["w0"], v["bs"], v["epochs"], **opts, **loss_opts.get(k, {}))
    for k in losses
}
optima = {"l1": core.l1_minimizers(data.x, data.y), "l2": (core.l2_optimum(data.x, data.y),) * 2}
if "huber" in losses:
    optima["huber"] = (core.fit_line("huber", data.x, data.y, fit_bias=False, delta=v["delta"])[0],) * 2
band = core.oscillation_band(data.x, data.y, v["lr"], v["bs"], v["shuffle"]) if sched_name == "constant" else None

refs = [{"y": 1.0, "text": "true w = 1"}]
for k in losses:
    lo, hi = optima[k]
    txt = f"{charts.label(k)} optimum {lo:.3f}" + (f" to {hi:.3f}" if hi > lo else "")
    refs.append({"y": (lo + hi) / 2, "text": txt})
refs = pd.DataFrame(refs)
w_df = frames.runs_frame(runs, "w")
st.subheader("w over updates")
layout.chart(
    charts.trajectory_chart(w_df, "w", "weight w", losses, hlines=refs),
    f"Weight w over {K} updates from w0 = {v['w0']:g} with noise sigma {v['sigma']:g}: "
    + "; ".join(f"{name} ends at {run.w[-1]:.4g}" for name, run in runs.items())
    + ".",
)
tail_from = K - max(1, (3 * K) // 10)
tail = frames.runs_frame(runs, "w", start=tail_from)  # thinned on its own: the zoom keeps its detail
view = float(tail["w"].max() - tail["w"].min()) if len(tail) else 0.0
band_fits = band is not None and "l1" in losses and (band[1] - band[0]) <= 4 * max(view, 1e-9)
band_layer = (band[0], band[1], "constant-step band: once inside, absolute L1 never leaves") if band_fits else None
st.markdown(
    f"**Zoom: the last 30% of the run** (updates {tail_from} to {K})"
    + (", with absolute L1's guaranteed band shaded" if band_fits else "")
)
layout.chart(
    charts.trajectory_chart(tail, "w", "weight w", losses, hlines=refs, band=band_layer, height=260),
    "The last 30% of the run, zoomed. "
    + ("The shaded band is where constant-step L1 is guaranteed to stay once it enters." if band_fits else ""),
)
if band is not None and "l1" in losses and not band_fits:
    st.caption(
        f"Absolute L1's guaranteed band here is {band[0]:.3g} to {band[1]:.3g}: too wide to shade. With batches of "
        f"{v['bs']} and noise, each batch has its own optimum and the band must cover all of them. Try batch size 20 "
        "or less noise to see the band hug the optimum."
    )

rows = []
for k in losses:
    run = runs[charts.label(k)]
    lo, hi = optima[k]
    half = (band[1] - band[0]) / 2 if band is not None else None
    own = (lo - half, hi + half) if half is not None else None
    tail_w = run.w[tail_from:]
    rows.append(
        {
            "loss": charts.label(k),
            "final w": run.w[-1],
            "|final w − 1|": abs(run.w[-1] - 1),
            "distance to its optimum": max(lo - run.w[-1], run.w[-1] - hi, 0.0),
            "swing in the last 30% (max − min)": frames.finite_stat(np.ptp, tail_w),
            "in the band from update": (core.entered_band_at(run.w, band if k == "l1" else own) if own else None),
            "diverged at": run.diverged_at,
        }
    )
st.dataframe(
    pd.DataFrame(rows),
    hide_index=True,
    width="stretch",
    column_config={
        "in the band from update": st.column_config.NumberColumn(
            help="Absolute L1: its theoretical band. Others: a band of the same width around their own optimum."
        )
    },
)
l1run = runs.get(charts.label("l1"))
l2run = runs.get(charts.label("l2"))
if any(r.diverged_at is not None for r in runs.values()):
    st.warning(
        f"A run diverged: with batches of {v['bs']}, L2 is stable only for lr < "
        f"{core.l2_max_stable_lr(data.x, v['bs']):.3g}. Lower the learning rate.",
        icon="💥",
    )

steps = []
if l1run is not None:
    swing = frames.finite_stat(np.ptp, l1run.w[tail_from:])
    steps.append(
        f"absolute L1 still swings by **{swing:.3g}**: every step has size "
        f"lr·|Σx_batch| = {v['lr']:g} × {2 * min(v['bs'], 20):g} whatever the distance to the optimum"
        + (" (the schedule shrinks lr, so the swings shrink too)" if sched_name != "constant" else "")
    )
if l2run is not None and l2run.diverged_at is None:
    swing2 = frames.finite_stat(np.ptp, l2run.w[tail_from:])
    steps.append(f"L2 swings by **{swing2:.3g}**: its gradient 2·r·x shrinks as the residuals shrink")
if steps:
    layout.seen(
        "Over the last 30% of the run, "
        + "; ".join(steps)
        + ". "
        + (
            f"With {v['bs']} samples per batch each batch has its own optimum, so the noise moves every "
            "optimiser around; L1 adds its constant step on top."
            if v["sigma"] > 0
            else ""
        )
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
    "Loss on all 20 samples over updates, one panel per loss, with the best loss so far.",
)
st.markdown("**Learning rate over updates**")
lr_df = frames.series_frame({charts.label(losses[0]): next(iter(runs.values())).lr}, "lr")
layout.chart(charts.lr_chart(lr_df, [losses[0]]), f"The {sched_name} learning-rate schedule over {K} updates.")

layout.explain(
    "Why L1 oscillates and L2 settles",
    (
        "L2's gradient is 2·r·x: it **shrinks with the residual r**, so the steps shrink as w approaches the optimum "
        "and w settles. L1's gradient is sign(r)·x: its size **never shrinks**, so with a constant learning rate every "
        "step has the same length lr·|Σx_batch|, and w keeps jumping across the optimum. The width of that jumping is "
        "proportional to lr (see the sweep below: the error falls in step with lr)."
    ),
)
layout.explain(
    "What makes L1 converge",
    (
        "Shrink the step. Subgradient methods converge when the learning rates satisfy **Σ lrₜ = ∞** (they can still "
        "travel any distance) and **Σ lrₜ² < ∞** (the jumps die out): Boyd's lecture notes on subgradient methods. "
        "The article's lr0/(1 + decay·t) is one such schedule: try the last preset. A constant rate fails the second "
        "condition; exponential decay fails the first (it can stall before arriving)."
    ),
)
layout.explain(
    "Median against mean",
    (
        "The L1 optimum of 2·w ≈ y is the **median** of y/2, L2's is the **mean**. With Gaussian noise the mean is the "
        "more precise of the two (on average over noise draws its error is about √(π/2) ≈ 1.25 times smaller): that, "
        "more than the oscillation, is why L2 often ends nearer to 1 at sigma = 5. With 20 samples the L1 optimum is "
        "even a whole interval: any w between the 10th and 11th smallest y/2 is optimal."
    ),
)

if st.toggle("Step through the run, update by update", key="n_step_open"):
    step_through("n_step", runs, losses, refs)

st.subheader("Learning-rate sweep")
st.caption(
    f"{len(SWEEP_LRS)} constant learning rates from 1e−5 to 1, each run for {K} updates from these settings, "
    "computed in one vectorised pass per loss."
)
if st.toggle("Run the sweep", key="n_sweep_show", help="Off until asked: it runs 26 rates per loss."):
    sweep_rows = []
    for k in losses:
        errors = compute.lr_sweep(data, k, SWEEP_LRS, v["w0"], v["bs"], v["epochs"], **opts, **loss_opts.get(k, {}))
        sweep_rows.append(pd.DataFrame({"lr": SWEEP_LRS, "series": charts.label(k), "error": errors}))
    sweep = pd.concat(sweep_rows)
    sweep = sweep[np.isfinite(sweep["error"])]
    sweep["error"] = sweep["error"].clip(lower=1e-6)
    stable = core.l2_max_stable_lr(data.x, v["bs"]) if "l2" in losses else None
    layout.chart(
        charts.sweep_chart(sweep, losses, stable, v["lr"]),
        "Final |w − 1| against the constant learning rate on log-log axes, with L2's stability limit marked.",
    )
    layout.seen(
        f"Too small a rate and no loss arrives in {K} updates (the left side). L2 beyond lr = "
        f"{stable if stable else float('nan'):.3g} diverges and drops off the chart. In between, L1's error "
        "tracks lr (its band), while L2's does not depend on lr once it converges: it sits at the noise floor, "
        "the distance from the mean of the data to 1."
    )

st.subheader(f"Many noise draws ({SEEDS} seeds)")
draw_losses = list(dict.fromkeys(["l1", "l2", *losses]))  # the question compares L1 and L2


def draw_errors(k: str) -> np.ndarray:
    return np.abs(seeds_final(k) - 1)


if predict(
    "n_draws_predict",
    f"Was that one run luck? Draw the noise {SEEDS} times at sigma = {v['sigma']:g} and run both losses with "
    "these settings. On average, which ends closer to the true w = 1?",
    ["absolute L1", "L2"],
    lambda: "absolute L1" if np.mean(draw_errors("l1")) < np.mean(draw_errors("l2")) else "L2",
    "The chart shows each draw's final error for both losses.",
):
    draws = pd.concat(
        [
            pd.DataFrame({"seed": np.arange(SEEDS), "series": charts.label(k), "error": draw_errors(k)})
            for k in draw_losses
        ]
    )
    means = draws.groupby("series")["error"].mean()
    layout.chart(
        charts.draws_chart(draws, draw_losses),
        "Final |w − 1| for each noise draw, one row of dots per loss, with each loss's mean error.",
    )
    layout.seen(
        "Mean final error over the draws: "
        + ", ".join(f"{lab} **{m:.3g}**" for lab, m in means.items())
        + ". With Gaussian noise the mean (L2) is the more precise estimate; the median (L1) pays for its "
        "robustness, and with a constant step its oscillation adds to that."
    )

with st.expander("Heatmap: final error over learning rate × noise", expanded=False):
    show_heat = st.toggle(
        "Compute the heatmap",
        key="n_heat",
        help=f"{len(HEAT_LRS) * len(HEAT_SIGMAS)} runs per loss; off by default to keep the page quick.",
    )
    heat = []
    for k in [k for k in ("l1", "l2") if k in losses and show_heat]:
        sets = tuple(compute.dataset(n=20, x=2.0, noise_sigma=s, seed=v["seed"]) for s in HEAT_SIGMAS)
        finals = compute.heat_final(sets, k, HEAT_LRS, v["w0"], v["bs"], v["epochs"], **opts)
        grid = pd.DataFrame(
            [
                {"lr": lr, "sigma": s, "error": max(abs(finals[i * len(HEAT_LRS) + j] - 1), 1e-6)}
                for i, s in enumerate(HEAT_SIGMAS)
                for j, lr in enumerate(HEAT_LRS)
            ]
        )
        heat.append((k, grid.replace([np.inf], np.nan).dropna()))
    cols = st.columns(max(1, len(heat)))
    for col, (k, grid) in zip(cols, heat, strict=False):
        with col:
            layout.chart(
                charts.heatmap_chart(grid, k), f"Final error of {charts.label(k)} over learning rate and noise."
            )
    st.caption(
        "Blank cells diverged. Read across a row: L1's error grows with lr at every noise level; L2's only "
        "grows once lr passes its stability limit."
    )

layout.download(lambda: frames.export_frame(runs), "noise_and_learning_rate.csv", key="n_download")
check_understanding(
    "n_check",
    "You halve a constant learning rate for absolute L1 (and give it enough updates to arrive). The width of its "
    "final oscillation…",
    ["stays the same", "roughly halves", "shrinks to zero"],
    "roughly halves",
    "Every L1 step has length lr·|Σx_batch|, so the jumps around the optimum scale with lr. Only a rate that keeps "
    "shrinking (Σlr = ∞, Σlr² < ∞) drives the oscillation to zero.",
)
