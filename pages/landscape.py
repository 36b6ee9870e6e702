"""The (w, b) loss landscape: L1's creased surface against L2's bowl, and optimisers racing across it."""

import math

import numpy as np
import pandas as pd
import streamlit as st

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
from ui.sentences import landscape as say

OPTIMIZERS = ("sgd", "momentum", "adam", "polyak")
OPT_LABELS = {
    "sgd": "plain (sub)gradient descent",
    "momentum": "momentum",
    "adam": "Adam",
    "polyak": "Polyak's step",
}
C = {
    "loss": Control("l_loss", "Loss", "choice", "l1", options=("l1", "l2", "huber"), format_func=charts.label),
    "data": Control(
        "l_data",
        "Data",
        "choice",
        "outliers",
        options=("clean", "outliers"),
        format_func={"clean": "a clean line", "outliers": "10% outliers (as on the outliers page)"}.get,
    ),
    "w0": Control("l_w0", "Start w", "float", -2.0, -4.0, 6.0, 0.1),
    "b0": Control("l_b0", "Start b", "float", 6.0, -6.0, 10.0, 0.1),
    "steps": Control("l_steps", "Updates", "int", 300, 10, 2000, 10),
    "lr": Control("l_lr", "lr for plain descent and momentum", "log", 0.002, options=log_options(1e-4, 0.1)),
    "adam_lr": Control("l_adam_lr", "lr for Adam", "log", 0.05, options=log_options(1e-3, 1.0)),
    "sched": Control(
        "l_sched",
        "Schedule",
        "choice",
        "constant",
        options=("constant", "inverse_sqrt"),
        format_func={"constant": "constant", "inverse_sqrt": "lr/√(1 + t)"}.get,
    ),
    "beta": Control("l_beta", "momentum β", "float", 0.9, 0.0, 0.99, 0.01),
    "beta1": Control("l_beta1", "Adam β₁", "float", 0.9, 0.0, 0.99, 0.01),
    "beta2": Control("l_beta2", "Adam β₂", "float", 0.999, 0.9, 0.9999, 0.0001),
    "delta": Control("l_delta", "Huber delta", "float", 1.0, 0.1, 10.0, 0.1),
    **{f"use_{o}": Control(f"l_{o}", OPT_LABELS[o], "bool", True) for o in OPTIMIZERS},
}
CONTROLS = list(C.values())
PRESETS = {
    "L1: the race (defaults)": {},
    "L1 with a decaying step": {"l_sched": "inverse_sqrt", "l_lr": 0.01, "l_steps": 1000},
    "L2: a smooth bowl": {"l_loss": "l2"},
    "Huber": {"l_loss": "huber"},
    "Clean data, L1": {"l_data": "clean"},
}
GRID = 70  # cells per side of the loss map


def creases(x: np.ndarray, y: np.ndarray, w_range: tuple) -> pd.DataFrame:
    """Where sample i's residual is zero: the line b = y_i - w x_i in the (w, b) plane."""
    ws = np.tile(np.array(w_range, dtype=float), x.size)
    xs, ys = np.repeat(x, 2), np.repeat(y, 2)
    return pd.DataFrame({"w": ws, "b": ys - ws * xs, "sample": np.repeat(np.arange(x.size), 2)})


layout.header(
    "The (w, b) landscape",
    "With a bias the loss is a surface. What does L1's look like, and how do optimisers cross it?",
)
show_notes(restore(CONTROLS))
with st.expander("Settings", expanded=not layout.presenting()):
    preset_and_reset(CONTROLS, PRESETS, "l_preset")
    widget_row([C[name] for name in ("loss", "data", "w0", "b0")])
    widget_row([C[f"use_{o}"] for o in OPTIMIZERS])
    on = {o: st.session_state[C[f"use_{o}"].key] for o in OPTIMIZERS}
    # a control that cannot change anything in the current state is greyed out, with the reason
    idle = {
        "sched": (not (on["sgd"] or on["momentum"] or on["adam"]), "Only Polyak's step is on: it sets its own step."),
        "lr": (not (on["sgd"] or on["momentum"]), "Plain descent and momentum are both off."),
        "adam_lr": (not on["adam"], "Adam is off."),
        "beta": (not on["momentum"], "Momentum is off."),
        "beta1": (not on["adam"], "Adam is off."),
        "beta2": (not on["adam"], "Adam is off."),
        "delta": (st.session_state[C["loss"].key] != "huber", "Only the Huber loss has a delta."),
    }
    by_key = {C[name].key: state for name, state in idle.items()}  # widget_row looks controls up by key
    widget_row([C[name] for name in ("steps", "sched", "lr", "adam_lr")], by_key)
    for name, cell in zip(("beta", "beta1", "beta2", "delta"), st.columns(4), strict=True):
        c, (off, why) = C[name], idle[name]
        if name == "beta2":  # 0.999 and 0.9999 differ where a two-decimal label shows 1.00 (no update at all)
            cell.slider(
                c.label, c.lo, c.hi, step=c.step, format="%.4f", key=c.key, disabled=off, help=why if off else None
            )
        else:
            widget(c, cell, off, why)
sync_url(CONTROLS)
v = {name: st.session_state[c.key] for name, c in C.items()}
chosen = [o for o in OPTIMIZERS if v[f"use_{o}"]]
if not chosen:
    st.warning("Pick at least one optimiser (in Settings).", icon="☝️")
    st.stop()

outliers = v["data"] == "outliers"
data = compute.dataset(
    n=30,
    x=(0.0, 5.0),
    w_true=2.0,
    b_true=1.0,
    noise_sigma=0.5,
    outlier_fraction=0.1 if outliers else 0.0,
    outlier_size=25.0,
    seed=0,
)
params = {"delta": v["delta"]} if v["loss"] == "huber" else {}
w_opt, b_opt, f_star = compute.optimal_loss(data.x, data.y, v["loss"], v["delta"])
opt_params = {
    "sgd": {},
    "momentum": {"beta": v["beta"]},
    "adam": {"beta1": v["beta1"], "beta2": v["beta2"]},
    "polyak": {},
}
runs = {}
for o in chosen:
    lr0 = v["adam_lr"] if o == "adam" else v["lr"]
    sched = ("constant", 1.0, ()) if o == "polyak" else (v["sched"], lr0, ())
    runs[o] = compute.run(
        data,
        v["loss"],
        sched,
        v["w0"],
        data.n,
        v["steps"],
        b0=v["b0"],
        fit_bias=True,
        optimizer=o,
        optimizer_params=tuple(opt_params[o].items()),
        f_star=f_star,
        **params,
    )

excess = {o: say.best_excess(r.best_loss, f_star) for o, r in runs.items()}
by_label = {OPT_LABELS[o]: o for o in chosen}
ready = predict(
    "l_predict",
    f"Starting at (w, b) = ({v['w0']:g}, {v['b0']:g}), which optimiser gets closest to the lowest "
    f"{charts.label(v['loss'])} loss within {v['steps']} updates?",
    [OPT_LABELS[o] for o in chosen],
    # a pick that ties with the best (within the stated tolerance) is right too: the radio holds the pick
    lambda: OPT_LABELS[say.race_answer(excess, f_star, by_label.get(st.session_state.get("l_predict")))],
    lambda: say.race_explanation(excess, f_star, OPT_LABELS, v["steps"]),
)
if not ready:
    st.stop()

w_lo = min(v["w0"], w_opt, *(frames.finite_stat(np.min, r.w, w_opt) for r in runs.values())) - 0.5
w_hi = max(v["w0"], w_opt, *(frames.finite_stat(np.max, r.w, w_opt) for r in runs.values())) + 0.5
b_lo = min(v["b0"], b_opt, *(frames.finite_stat(np.min, r.b, b_opt) for r in runs.values())) - 0.5
b_hi = max(v["b0"], b_opt, *(frames.finite_stat(np.max, r.b, b_opt) for r in runs.values())) + 0.5
# whole units, so nearby starts share a chart spec and the browser only swaps the data
w_range = (math.floor(max(w_lo, w_opt - 15)), math.ceil(min(w_hi, w_opt + 15)))
b_range = (math.floor(max(b_lo, b_opt - 30)), math.ceil(min(b_hi, b_opt + 30)))
grid = compute.surface(data.x, data.y, v["loss"], v["delta"], w_range, b_range, GRID)
paths = []
for o, r in runs.items():
    keep = frames.thin_series(r.w, max_points=300)
    keep = keep[np.isfinite(r.w[keep]) & np.isfinite(r.b[keep])]  # a diverged run stops where it blew up
    paths.append(({"optimizer": o}, {"w": r.w[keep], "b": r.b[keep], "step": keep}))
paths = frames.stack(paths)
crease_df = creases(data.x, data.y, w_range) if v["loss"] == "l1" else None
layout.chart(
    charts.landscape_chart(grid, paths, crease_df, (w_opt, b_opt), chosen, w_range, b_range),
    f"{charts.label(v['loss'])} over (w, b), darker is lower, optimum at ({w_opt:.3f}, {b_opt:.3f}) marked "
    f"with a red cross; the paths of {', '.join(OPT_LABELS[o] for o in chosen)} from ({v['w0']:g}, {v['b0']:g})."
    + (" Faint blue lines are the creases where one residual is zero." if crease_df is not None else ""),
)

rows = []
for o, r in runs.items():
    d = np.abs(np.diff(np.stack([r.w, r.b]), axis=1))
    lr_used = r.lr[1:]
    rows.append(
        {
            "optimiser": OPT_LABELS[o],
            "final (w, b)": f"({r.w[-1]:.3f}, {r.b[-1]:.3f})",
            "best loss − optimum": excess[o],
            "median step / lr in w and b, first 50 updates": (
                f"{frames.finite_stat(np.median, d[0, :50] / lr_used[:50]):.2f}, "
                f"{frames.finite_stat(np.median, d[1, :50] / lr_used[:50]):.2f}"
                if o != "polyak"
                else "own step size"
            ),
            "diverged at": r.diverged_at,
        }
    )
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

loss_rows = []
for o, r in runs.items():
    keep = frames.thin_series(r.loss, 400)
    for kind, values in (("loss − optimum", r.loss), ("best so far − optimum", r.best_loss)):
        excess_now = values[keep] - f_star
        ok = np.isfinite(excess_now)
        loss_rows.append(
            ({"optimizer": o, "kind": kind}, {"update": keep[ok], "value": np.maximum(excess_now[ok], 1e-12)})
        )
layout.chart(
    charts.optimizer_loss_chart(frames.stack(loss_rows), chosen),
    "Loss minus the optimal loss over updates for each optimiser (solid), and the best so far (dashed), on a "
    "log scale.",
)

if v["loss"] == "l1" and "sgd" in runs:
    share, last = say.crease_crossings(runs["sgd"].w, runs["sgd"].b, data.x, data.y)
    lr_ratio = float(runs["sgd"].lr[-1] / runs["sgd"].lr[1])
    layout.seen(say.crease_seen(share, last, v["sched"], lr_ratio))
if v["loss"] == "l1" and "adam" in runs:
    r = runs["adam"]
    first = min(50, r.n_updates)
    layout.seen(say.adam_seen(say.step_ratio(r.w, r.lr, first), say.sign_changes(r.grad, first), v["beta2"], first))
layout.explain(
    "Polyak's step",
    (
        "Polyak's step size is (f(θ) − f*)/‖g‖²: it needs the optimal loss f*, which we know here because the "
        "exact minimiser is computed separately. Far from the optimum it takes big steps, near it small ones, so it "
        "converges on L1 without a schedule. Without f* you must use a decaying learning rate instead."
    ),
)
layout.download(
    lambda: frames.export_frame({OPT_LABELS[o]: r for o, r in runs.items()}), "landscape_runs.csv", key="l_download"
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
    "is a surface of flat facets joined along 30 lines.",
)
