"""The L1 gradient, step by step: L(w) = |w·x (+ b) − t| with numbers the student moves."""

import numpy as np
import pandas as pd
import streamlit as st

import core
from ui import charts, frames, layout
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
from ui.questions import check_understanding

C = {
    "x": Control("d_x", "Input x", "float", 2.0, -3.0, 3.0, 0.1),
    "t": Control("d_t", "Target t", "float", 1.0, -3.0, 3.0, 0.1),
    "w": Control("d_w", "Weight w", "float", 0.3, -2.0, 2.0, 0.05),
    "bias": Control("d_bias", "Add a bias b to the model", "bool", False),
    "b": Control("d_b", "Bias b", "float", 0.0, -2.0, 2.0, 0.1),
    "kink": Control(
        "d_kink",
        "Value of sign(0) used at the kink",
        "float",
        0.0,
        -1.0,
        1.0,
        0.1,
        help="At r = 0 any number in [−1, 1] is a valid subgradient of |r|. The app's default is 0.",
    ),
    "h": Control("d_h", "Finite-difference step h", "log", 0.001, options=log_options(1e-6, 1.0, 3)),
    "wrong": Control("d_wrong", "Try the misconception: “∇loss = ∇m, since t is a constant”", "bool", False),
    "n": Control("d_n", "Samples in the sum", "int", 5, 2, 12, 1),
    "seed": Control("d_seed", "Samples' seed", "int", 0, 0, 99, 1),
}
CONTROLS = list(C.values())
PRESETS = {
    "The question's numbers: w = 0.3, x = 2, t = 1": {},
    "Standing on the kink: w = 0.5": {"d_w": 0.5},
    "A negative input: x = −1.5": {"d_x": -1.5, "d_w": 0.8},
    "The misconception, switched on": {"d_wrong": True},
    "With a bias b = 0.4": {"d_bias": True, "d_b": 0.4},
}


def fmt(v: float) -> str:
    return f"{v:.4g}".replace("-", "−")


layout.header(
    "The L1 gradient, step by step", "For L(w) = |w·x − t|, what is dL/dw, and what happens where |·| has its kink?"
)
show_notes(restore(CONTROLS))
preset_and_reset(CONTROLS, PRESETS, "d_preset")
widget_row([C[name] for name in ("x", "t", "w", "kink")])
c1, c2 = st.columns([1, 3])
widget(C["bias"], c1)
if st.session_state[C["bias"].key]:
    widget(C["b"], c2)
sync_url(CONTROLS)
v = {name: st.session_state[c.key] for name, c in C.items()}
x, t, w, kink = v["x"], v["t"], v["w"], v["kink"]
b = v["b"] if v["bias"] else 0.0

y_hat = w * x + b
r = y_hat - t
loss = float(core.loss_value("l1", r))
sign = float(core.loss_grad("l1", r, at_kink=kink))
grad_w, grad_b = sign * x, sign
at_kink = r == 0

st.subheader("Forward pass")
model = r"w\cdot x + b" if v["bias"] else r"w\cdot x"
nums = f"{fmt(w)}\\cdot{fmt(x)} + {fmt(b)}" if v["bias"] else f"{fmt(w)}\\cdot{fmt(x)}"
st.latex(rf"\hat y = {model} = {nums} = {fmt(y_hat)}")
st.latex(rf"r = \hat y - t = {fmt(y_hat)} - {fmt(t)} = {fmt(r)}, \qquad L = |r| = {fmt(loss)}")

with st.container(border=True):
    st.markdown(
        f"**Predict first.** With these numbers (w = {fmt(w)}, x = {fmt(x)}, t = {fmt(t)}), what is dL/dw? "
        "Type a number."
    )
    guess = st.number_input("Your dL/dw", value=None, step=0.1, format="%.4f", key="d_guess", placeholder="e.g. 1.5")
    skip = st.checkbox("Skip the question and show the result", key="d_guess_skip")
    if guess is not None:
        if at_kink:
            ok = abs(guess) <= abs(x) + 1e-9
            (st.success if ok else st.error)(
                f"Here r = 0: the kink. Any value in [−|x|, |x|] = [{fmt(-abs(x))}, {fmt(abs(x))}] is a valid "
                f"subgradient; {'yours is one' if ok else 'yours is outside that set'}."
            )
        elif abs(guess - grad_w) < 1e-3:
            st.success(f"Right: sign(r)·x = {fmt(sign)}·{fmt(x)} = {fmt(grad_w)}.", icon="✅")
        elif abs(guess - x) < 1e-3 and sign < 0:
            st.error(
                f"That is dŷ/dw = x alone: the misconception. r = {fmt(r)} is negative, so the sign flips it: "
                f"dL/dw = {fmt(grad_w)}.",
                icon="💡",
            )
        else:
            st.error(f"Not quite: dL/dw = sign(r)·x = {fmt(sign)}·{fmt(x)} = {fmt(grad_w)}.", icon="💡")
if guess is None and not skip:
    st.caption("Answer (or skip) to see the backward pass.")
    st.stop()

st.subheader("Backward pass: the chain rule, one factor at a time")
sign_txt = rf"\operatorname{{sign}}({fmt(r)})" if not at_kink else r"\partial|r|\ni"
st.latex(
    rf"\frac{{dL}}{{dr}} = {sign_txt} = {fmt(sign)}, \qquad \frac{{dr}}{{d\hat y}} = 1, \qquad "
    rf"\frac{{d\hat y}}{{dw}} = x = {fmt(x)}"
)
st.latex(
    rf"\frac{{dL}}{{dw}} = \frac{{dL}}{{dr}}\cdot\frac{{dr}}{{d\hat y}}\cdot\frac{{d\hat y}}{{dw}}"
    rf" = {fmt(sign)}\cdot 1\cdot {fmt(x)} = {fmt(grad_w)}"
)
if v["bias"]:
    st.latex(rf"\frac{{dL}}{{db}} = \frac{{dL}}{{dr}}\cdot 1 = {fmt(grad_b)}")
st.latex(r"\text{In general: } \frac{dL}{dw} = \frac{m(w)-t}{|m(w)-t|}\; m'(w) = \operatorname{sign}(m(w)-t)\, m'(w)")
if at_kink:
    st.warning(
        f"**You are on the kink**: r = 0, and |r| has no derivative here. Every slope between −|x| = "
        f"{fmt(-abs(x))} and |x| = {fmt(abs(x))} is a *subgradient*. The app uses sign(0) = {fmt(kink)} "
        f"(set by the slider; 0 by default, as PyTorch does), giving {fmt(grad_w)}.",
        icon="📐",
    )
else:
    st.caption(
        f"The app's convention at the kink r = 0: sign(0) = {fmt(kink)} (0 by default, as PyTorch's abs). "
        "Slide w until ŷ = t to stand on it."
    )

st.markdown("**The computational graph** (forward values in the nodes, gradients on the way back)")
bias_nodes = ""
if v["bias"]:
    bias_nodes = f'b [label="b = {fmt(b)}"]; b -> yhat [label="  ∂L/∂b = {fmt(grad_b)}", fontcolor="#D55E00"];'
st.graphviz_chart(f"""digraph {{ rankdir=LR; node [shape=box, style=rounded, fontname="Helvetica"];
    edge [fontname="Helvetica", fontsize=10];
    w [label="w = {fmt(w)}"]; x [label="x = {fmt(x)}", color=gray]; t [label="t = {fmt(t)}", color=gray];
    yhat [label="ŷ = w·x{" + b" if v["bias"] else ""}\\n= {fmt(y_hat)}"];
    r [label="r = ŷ − t\\n= {fmt(r)}"]; L [label="L = |r|\\n= {fmt(loss)}", color="#0072B2", penwidth=2];
    w -> yhat [label="  ∂L/∂w = {fmt(grad_w)}", fontcolor="#D55E00"]; x -> yhat [color=gray];
    yhat -> r [label="  ∂L/∂ŷ = {fmt(sign)}", fontcolor="#D55E00"]; t -> r [color=gray];
    r -> L [label="  ∂L/∂r = sign(r) = {fmt(sign)}", fontcolor="#D55E00"]; {bias_nodes} }}""")
st.markdown("**L(w) for this sample**, with the tangent at your w (a fan of subgradients at the kink)")
w_star = (t - b) / x if x != 0 else 0.0
ws = np.linspace(min(w, w_star) - 1.5, max(w, w_star) + 1.5, 241)
curve = frames.stack(
    ({"series": charts.label(k)}, {"w": ws, "L": core.loss_value(k, ws * x + b - t)}) for k in ("l1", "l2")
)
slope_l1, slope_l2 = grad_w, float(core.loss_grad("l2", r)) * x
span = np.array([w - 0.6, w + 0.6])
lines = [
    (
        {"line": f"L1 tangent, slope {fmt(slope_l1)}", "series": charts.label("l1")},
        {"w": span, "L": loss + slope_l1 * (span - w)},
    ),
    (
        {"line": f"L2 tangent, slope {fmt(slope_l2)}", "series": charts.label("l2")},
        {"w": span, "L": r * r + slope_l2 * (span - w)},
    ),
]
if at_kink or abs(r) < 0.25 * abs(x):
    fan_w = np.array([w_star - 0.7, w_star + 0.7])
    for s in np.linspace(-abs(x), abs(x), 7):
        lines.append(
            (
                {"line": f"subgradient slope {fmt(s)}", "series": charts.label("l1")},
                {"w": fan_w, "L": s * (fan_w - w_star)},
            )
        )
point = pd.DataFrame({"w": [w], "L": [loss], "text": ["your w"]})
layout.chart(
    charts.loss_curve_chart(curve, point, frames.stack(lines), ["l1", "l2"]),
    f"L1 and L2 loss of one sample against w. The L1 curve is a V with its kink at w = {fmt(w_star)}; "
    f"at your w = {fmt(w)} its tangent has slope {fmt(slope_l1)}, L2's has slope {fmt(slope_l2)}.",
)

layout.seen(
    f"The L1 tangent has slope **{fmt(grad_w)}**: the size of the slope is always |x| = {fmt(abs(x))}, only its "
    f"sign changes, and it changes exactly where the prediction crosses the target (w = {fmt(w_star)}). L2's slope "
    f"{fmt(slope_l2)} shrinks to zero as you approach the target; L1's never does. At the kink the V has no single "
    "tangent: the fan shows every line through the corner that stays under the curve, the subgradients."
)

st.subheader("Check it numerically")
widget(C["h"])
h = v["h"]


def L_of(wv: float) -> float:
    return float(core.loss_value("l1", wv * x + b - t))


central = (L_of(w + h) - L_of(w - h)) / (2 * h)
forward, backward = (L_of(w + h) - L_of(w)) / h, (L_of(w) - L_of(w - h)) / h
st.dataframe(
    pd.DataFrame(
        {
            "method": [
                "analytic sign(r)·x",
                "central (L(w+h) − L(w−h)) / 2h",
                "forward (L(w+h) − L(w)) / h",
                "backward (L(w) − L(w−h)) / h",
            ],
            "dL/dw": [grad_w, central, forward, backward],
        }
    ),
    hide_index=True,
    width="stretch",
)
if abs(r) <= abs(x) * h:
    st.warning(
        f"The step h = {h:g} straddles the kink (|r| = {fmt(abs(r))} ≤ |x|·h): the forward and backward "
        f"differences see the two arms of the V ({fmt(forward)} and {fmt(backward)}), and the central one "
        "averages them. There is no derivative here for them to agree on.",
        icon="📐",
    )
else:
    st.caption(
        f"Away from the kink all three agree with the analytic value to about h. Shrink |r| below |x|·h "
        f"(= {fmt(abs(x) * h)}) to see them split."
    )

st.subheader("The misconception")
widget(C["wrong"])
if v["wrong"]:
    wrong_g = x
    shifted = float(core.loss_grad("l1", y_hat - (t + 5))) * x
    st.markdown(
        f"The “gradient” ∇m = x = **{fmt(wrong_g)}**, for t = {fmt(t)}, for t = {fmt(t + 5)}, for any t. The true "
        f"gradient is {fmt(grad_w)} at t = {fmt(t)} and {fmt(shifted)} at t = {fmt(t + 5)}: it reads the target "
        "through the sign. Descending with the wrong one is descending on L = ŷ − t, the signed L1:"
    )
    one = core.Dataset([x], [t])
    runs = {
        "with ∇m (wrong)": core.descend(one, "signed_l1", 0.1, w, 1, 30, b0=b, fit_bias=v["bias"]),
        "with sign(r)·∇m (right)": core.descend(one, "l1", 0.1, w, 1, 30, b0=b, fit_bias=v["bias"]),
    }
    df = pd.concat([pd.DataFrame({"update": np.arange(31), "w": run.w, "series": lab}) for lab, run in runs.items()])
    df["series"] = df["series"].map(
        {"with ∇m (wrong)": charts.label("signed_l1"), "with sign(r)·∇m (right)": charts.label("l1")}
    )
    refs = pd.DataFrame({"y": [w_star], "text": [f"target reached at w = {fmt(w_star)}"]})
    layout.chart(
        charts.trajectory_chart(df, "w", "weight w", ["signed_l1", "l1"], hlines=refs, height=220),
        f"Thirty updates with lr 0.1 from w = {fmt(w)}. The wrong gradient walks w down a straight line past "
        f"the target {fmt(w_star)}; the right one stops and hovers at it.",
    )
    st.page_link("pages/signed_l1.py", label="This is the blog post's bug: see it at full size", icon="⚠️")

st.subheader("Several samples: why the optimum is a median")
cc = st.columns(2)
widget(C["n"], cc[0])
widget(C["seed"], cc[1])
data = core.make_dataset(n=v["n"], x=(0.5, 2.5), w_true=1.0, noise_sigma=0.8, seed=v["seed"])
res = w * data.x - data.y
contrib = core.loss_grad("l1", res, at_kink=kink) * data.x
table = pd.DataFrame(
    {
        "xᵢ": data.x,
        "tᵢ": data.y,
        "tᵢ/xᵢ": data.y / data.x,
        "rᵢ = w·xᵢ − tᵢ": res,
        "sign(rᵢ)": np.sign(res),
        "sign(rᵢ)·xᵢ": contrib,
    }
)
st.dataframe(table.round(4), hide_index=True, width="stretch")
lo, hi = core.l1_minimizers(data.x, data.y)
st.markdown(
    f"At w = {fmt(w)} the total is Σ sign(rᵢ)·xᵢ = **{fmt(contrib.sum())}**. Samples above the line pull "
    f"w up with weight xᵢ, samples below pull it down. The total changes sign where the weight of the "
    f"two sides balances: at the **weighted median** of tᵢ/xᵢ, w = {fmt((lo + hi) / 2)}."
)
grid = np.linspace(min(lo, w) - 1, max(hi, w) + 1, 400)
gsum = (core.loss_grad("l1", grid[:, None] * data.x - data.y) * data.x).sum(axis=1)
layout.chart(
    charts.step_function_chart(pd.DataFrame({"w": grid, "g": gsum}), w, (lo, hi)),
    f"The total L1 gradient over {v['n']} samples against w: a staircase that jumps by 2xᵢ at each tᵢ/xᵢ "
    f"and crosses zero at the weighted median {fmt((lo + hi) / 2)}.",
)

layout.download(
    lambda: pd.concat(
        [
            table.assign(part="samples at your w"),
            curve.rename(columns={"series": "loss"}).assign(part="L(w) of the single sample"),
        ],
        ignore_index=True,
    ),
    "derivation.csv",
    key="d_download",
)
check_understanding(
    "d_check",
    "For L(w) = |3w − 6|, what is dL/dw at w = 1?",
    ["3", "−3", "−1", "0"],
    "−3",
    "r = 3·1 − 6 = −3 < 0, so dL/dw = sign(−3)·3 = −3: increasing w lowers the loss, towards w = 2.",
)
