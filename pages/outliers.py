"""Outliers: L1 finds the median, L2 chases the outlier."""

import numpy as np
import pandas as pd
import streamlit as st

import core
from ui import charts, compute, frames, layout
from ui.controls import (
    Control,
    preset_and_reset,
    restore,
    show_notes,
    sync_url,
    widget,
    widget_row,
)
from ui.questions import check_understanding, predict

C = {
    "n": Control("o_n", "Points", "int", 30, 10, 100, 1),
    "w": Control("o_w", "True slope w", "float", 2.0, -3.0, 3.0, 0.1),
    "b": Control("o_b", "True bias b", "float", 1.0, -5.0, 5.0, 0.1),
    "sigma": Control("o_sigma", "Noise sigma", "float", 0.5, 0.0, 3.0, 0.1),
    "frac": Control("o_frac", "Fraction of outliers", "float", 0.1, 0.0, 0.5, 0.05),
    "size": Control("o_size", "Outlier shift (added to y)", "float", 25.0, -50.0, 50.0, 1.0),
    "seed": Control("o_seed", "Seed", "int", 0, 0, 99, 1),
    "bias": Control("o_bias", "Fit a bias (a line y = w·x + b; off: through the origin)", "bool", True),
    "delta": Control("o_delta", "Huber delta", "float", 1.0, 0.1, 10.0, 0.1),
    "drag": Control("o_drag", "Drag one target", "float", 12.0, -100.0, 100.0, 1.0),
}
CONTROLS = list(C.values())
PRESETS = {
    "Clean data": {"o_frac": 0.0},
    "One bad point in ten": {},
    "A third of the data bad": {"o_frac": 0.35},
    "Just under half bad": {"o_frac": 0.45},
    "Through the origin (the weighted median)": {"o_bias": False, "o_b": 0.0},
}
LOSSES = ("l1", "l2", "huber")
FRACTIONS = tuple(np.round(np.linspace(0, 0.5, 11), 2))
NUMBER_LINE = np.array([2.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 7.5])
GD_UPDATES = 3000
ARRIVED = 0.01  # gradient descent has arrived when w and b are both this close to the exact fit


layout.header("Outliers: median against mean", "A few points are badly wrong. Which fit notices, and which shrugs?")
show_notes(restore(CONTROLS))

with st.expander("Settings", expanded=not layout.presenting()):
    preset_and_reset(CONTROLS, PRESETS, "o_preset")
    widget_row([C[name] for name in ("frac", "size", "sigma", "n")])
    widget_row([C[name] for name in ("w", "b", "delta", "seed")])
    widget(C["bias"])
sync_url(CONTROLS)
v = {name: st.session_state[c.key] for name, c in C.items()}
b_true = v["b"] if v["bias"] else 0.0
generated = compute.dataset(
    n=v["n"],
    x=(0.0, 5.0),
    w_true=v["w"],
    b_true=b_true,
    noise_sigma=v["sigma"],
    outlier_fraction=v["frac"],
    outlier_size=v["size"],
    seed=v["seed"],
)

st.subheader("The data: edit it")
st.caption(
    "Type into the table to move points, add rows at the bottom, or select rows and delete them. Changing a "
    "slider above draws new data."
)
gen_key = f"{v['n']}_{v['w']}_{b_true}_{v['sigma']}_{v['frac']}_{v['size']}_{v['seed']}"
if st.button("Reset the table to the generated data", key="o_reset_table"):
    st.session_state["o_table_version"] = st.session_state.get("o_table_version", 0) + 1
editor_key = f"o_editor_{gen_key}_{st.session_state.get('o_table_version', 0)}"
table = st.data_editor(
    pd.DataFrame(
        {
            "x": generated.x.round(3),
            "y": generated.y.round(3),
            "kind": np.where(generated.is_outlier, "outlier", "inlier"),
        }
    ),
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
x, y, kept, notes = frames.clean_points(table)
for note in notes:
    st.warning(note, icon="🧹")
if x.size < 3:
    st.error("Fewer than 3 valid points: add or fix rows to fit a line. The table above keeps what you typed.")
    st.stop()
# rows the student added have no kind: they count as inliers
kinds = np.where(table["kind"].iloc[kept].astype(str).to_numpy() == "outlier", "outlier", "inlier")

exact = compute.exact_fits(x, y, v["bias"], v["delta"], LOSSES)
truth_err = {k: abs(exact[k][0] - v["w"]) + abs(exact[k][1] - b_true) for k in ("l1", "l2")}
ready = predict(
    "o_predict",
    f"{v['frac']:.0%} of the points were shifted by {v['size']:+g}. Which fit ends further from the true line?",
    ["L1 (absolute)", "L2 (squared)", "neither moves"],
    "L2 (squared)"
    if truth_err["l2"] > truth_err["l1"] + 1e-9
    else ("L1 (absolute)" if truth_err["l1"] > truth_err["l2"] + 1e-9 else "neither moves"),
    "Squaring makes a far point's residual dominate the sum, so L2 tilts the line to reduce it; L1 counts every "
    "point's pull as ±x whatever its distance.",
)
if not ready:
    st.stop()

xs = np.linspace(float(x.min()), float(x.max()), 2)
lines = frames.stack(({"series": charts.label(k)}, {"x": xs, "y": exact[k][0] * xs + exact[k][1]}) for k in LOSSES)
points = pd.DataFrame({"x": x, "y": y, "kind": kinds})
layout.chart(
    charts.scatter_fit_chart(points, lines, LOSSES),
    f"{x.size} points with the lines that minimise L1, L2 and Huber loss. L1's slope is {exact['l1'][0]:.3g}, "
    f"L2's {exact['l2'][0]:.3g}; the true slope is {v['w']:g}.",
)
st.caption(
    "Each line is its loss's exact minimiser: least squares for L2; for L1 and Huber a 1-D convex search over w "
    "with the best b for each w (for L1 the median of the residuals), or Newton's method for Huber."
)
layout.seen(
    f"With the outliers, L2's line has slope {exact['l2'][0]:.3g} and bias {exact['l2'][1]:.3g} against the truth "
    f"{v['w']:g} and {b_true:g}; L1's has {exact['l1'][0]:.3g} and {exact['l1'][1]:.3g}. L1 lets the bad points "
    "sit far from its line: each can only pull with strength |x|, however far away it is."
)

st.subheader("Does gradient descent find these lines?")
GD_ANSWERS = [
    "yes, all three",
    "L2 and Huber, but not L1: at its kink there is no gradient",
    "not all: some are still on their way",
]


def descent() -> dict:
    return compute.descent_to_exact(x, y, v["bias"], v["delta"], LOSSES, GD_UPDATES, ARRIVED)


if predict(
    "o_gd_predict",
    f"Gradient descent starts at w = b = 0 and makes {GD_UPDATES:,} full-batch updates with the decaying step "
    f"lr0 / (1 + 0.01·t). Do all three runs end within {ARRIVED:g} of the exact lines above?",
    GD_ANSWERS,
    lambda: GD_ANSWERS[0] if all(run["arrived"] for run in descent().values()) else GD_ANSWERS[2],
    "A subgradient is all descent needs: away from the kink L1's gradient is ±x per point, at the kink we use 0, "
    "and a decaying step shrinks the zig-zag around the optimum. What can stop a run is distance: when the optimum "
    "sits far from the start, a decaying step travels slowly.",
):
    gd = descent()
    layout.chart(
        charts.convergence_chart(
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
        f"Distance from each gradient descent run to its exact fit over {GD_UPDATES:,} updates, log scale, with a "
        f"dashed line at {ARRIVED:g}.",
    )
    st.dataframe(
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
        ).round(4),
        hide_index=True,
        width="stretch",
    )
    late = [k for k in LOSSES if not gd[k]["arrived"]]
    settled = sorted((gd[k]["settled"], charts.label(k)) for k in LOSSES if gd[k]["settled"] is not None)
    if not late:
        verdict = "All three arrive: descent handles L1's kink. "
    elif any(gd[k]["excess_loss"] > 1e-9 for k in late):
        verdict = (
            f"Not there after {GD_UPDATES:,} updates: {', '.join(map(charts.label, late))}. The exact fit has the "
            "lower loss: the optimum sits far from (0, 0), and a decaying step travels slowly. "
        )
    else:
        verdict = (
            f"{', '.join(map(charts.label, late))} ended away from the exact line with a loss as low: the data do "
            "not pin the line down (all x alike?), so many lines are optimal and descent found another. "
        )
    layout.seen(
        (f"Within {ARRIVED:g} of the exact fit for good: " if settled else "")
        + ", ".join(f"{name} after {k:,} updates" for k, name in settled)
        + (". " if settled else "")
        + verdict
        + "L1's steps do not shrink as it nears its optimum (each point pulls with ±x): it covers ground fast, then "
        "zig-zags, and only the decaying step lets it settle. L2's and Huber's steps shrink with the residual, so they "
        "slow down smoothly as they approach."
    )

st.subheader("How much bad data can each loss take?")
bd_args = (v["n"], v["w"], b_true, v["sigma"], v["size"], v["seed"], v["bias"], v["delta"], FRACTIONS, LOSSES)
tolerance = 3 * v["sigma"] + 0.1
BREAKS = {"about 10%": 0.1, "about 25%": 0.25, "almost 50%": 0.5}


def l1_holds_to(bd: pd.DataFrame) -> float:
    """The largest outlier fraction at which L1's line stays within the tolerance of the true line."""
    gaps = bd[bd["loss"] == "l1"]
    return float(gaps.loc[gaps["gap"] <= tolerance, "fraction"].max()) if (gaps["gap"] <= tolerance).any() else 0.0


if predict(
    "o_break_predict",
    f"Now raise the share of bad points from 0 to 50% (shift {v['size']:+g}, {len(FRACTIONS)} data sets, each "
    "fitted exactly with every loss). Up to about what share does L1's line stay near the true one?",
    list(BREAKS),
    lambda: min(BREAKS, key=lambda k: abs(BREAKS[k] - l1_holds_to(compute.breakdown(*bd_args)))),
    f"Near means within 3·sigma + 0.1 = {tolerance:.3g} of the true line, on average over x.",
):
    bd = compute.breakdown(*bd_args)
    bd = bd.assign(series=bd["loss"].map(charts.label))
    layout.chart(
        charts.breakdown_chart(bd, LOSSES, v["frac"]),
        "Mean vertical gap between the fitted and the true line against the fraction of outliers, 0 to 50%, "
        "for L1, L2 and Huber.",
    )
    gaps = bd.pivot(index="fraction", columns="series", values="gap")
    l1_gap, l2_gap = gaps[charts.label("l1")], gaps[charts.label("l2")]
    first_bad = FRACTIONS[1]
    layout.seen(
        f"At {first_bad:.0%} outliers L2's line is already {l2_gap[first_bad]:.3g} away from the truth on average, "
        f"L1's {l1_gap[first_bad]:.3g}. L1 stays within {tolerance:.3g} of the true line up to "
        f"**{l1_holds_to(bd):.0%}** outliers here: its breakdown point is about one half, the most any "
        "estimator can have (past half, the bad points are the data)."
    )

st.subheader("One number: the median and the mean")
widget(C["drag"])
targets = np.append(NUMBER_LINE, v["drag"])
stats = pd.DataFrame(
    {
        "value": [float(np.median(targets)), float(np.mean(targets))],
        "series": [charts.label("l1"), charts.label("l2")],
        "text": [f"L1 optimum = median {np.median(targets):.3g}", f"L2 optimum = mean {np.mean(targets):.3g}"],
    }
)
values = pd.DataFrame({"value": targets, "moved": ["fixed"] * NUMBER_LINE.size + ["dragged"]})
layout.chart(
    charts.number_line_chart(values, stats),
    f"Nine targets on a line, one dragged to {v['drag']:g}. The median is {np.median(targets):.3g}, the mean "
    f"{np.mean(targets):.3g}.",
)
layout.seen(
    "With no x at all (a model that predicts one number c), L1's best c is the **median** of the targets and "
    "L2's is the **mean**: Σ|c − tᵢ| is flat in the outlier's position once it is past the middle, while "
    "Σ(c − tᵢ)² follows it. Drag the point: the mean follows it everywhere, the median barely moves."
)

st.subheader("Who pulls how hard")
lw, lb = v["w"], b_true
res = lw * x + lb - y
order = np.argsort(res)
infl = frames.stack(
    (
        {"series": charts.label(k)},
        {
            "point": np.arange(x.size),
            "residual": res[order],
            "contribution": core.loss_grad(k, res[order], **({"delta": v["delta"]} if k == "huber" else {})) * x[order],
        },
    )
    for k in LOSSES
)
layout.chart(
    charts.influence_chart(infl, LOSSES),
    "Each point's pull on w at the true line, sorted by residual: L1 bars are capped at |x|, L2 bars grow "
    "with the residual.",
)
st.caption(
    "Evaluated at the true line. A point's pull on w is loss'(rᵢ)·xᵢ: for L1 at most |xᵢ|, for Huber at most "
    "delta·|xᵢ|, for L2 2·rᵢ·xᵢ, unbounded."
)

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
    "Ten house prices, one of them a castle at 50× the others. Which single number does minimising Σ|c − priceᵢ| "
    "give you?",
    ["the mean price", "the median price", "the castle's price"],
    "the median price",
    "The L1 optimum of a constant is the median: moving c past a point changes the sum by ±1 per point, so the best "
    "c has as many points above as below, and the castle counts as just one point above.",
)
