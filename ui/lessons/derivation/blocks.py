"""The derivation page's lower blocks, each a fragment (its own controls rerun only it): finite differences
against the analytic slope, the misconception's run beside the right one, and several samples whose summed
subgradient steps to zero at their weighted median. Each reads the page's one sample (lesson.Sample)."""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd
import streamlit as st

import core
from ui import charts, layout
from ui.controls import sync_url, widget
from ui.lessons.derivation import charts as lesson_charts
from ui.lessons.derivation import lesson
from ui.lessons.derivation import sentences as say
from ui.lessons.derivation.lesson import CONTROLS, C
from ui.words import cell

fmt = say.fmt
PHONE_COLUMNS = ["xᵢ", "tᵢ/xᵢ", "rᵢ = w·xᵢ − tᵢ", "sign(rᵢ)·xᵢ"]  # the samples table on a phone
DIGITS = 3  # the samples table's significant digits, every number in one style: 2.00 and 2.30 beside 1.16 and −0.0562


def sig(value: float) -> str:
    """A sample's number to DIGITS significant digits, trailing zeros kept (2.00, −0.0562), the minus sign −; a
    whole number (a sign: −1, 0, 1) as it is; one below 0.0001 as the table's other cells write it (ui.words.cell)."""
    v = float(value)
    if isinstance(value, int | np.integer) or not 1e-4 <= abs(float(f"{v:.{DIGITS}g}")) < 10**DIGITS:
        return cell(value, DIGITS)
    return f"{v:#.{DIGITS}g}".rstrip(".").replace("-", "−")


def kink_block(s: lesson.Sample, answer_screen: int) -> None:
    """The slide view's screen on the kink, from the page's sample: the subgradients where ŷ = t and the app's pick
    (on the page, the note under the chain rule says it, and L(w) draws the fan once w stands on the kink)."""
    st.subheader("The kink: where ŷ = t, |r| has no slope")
    if s.x != 0:
        a = fmt(abs(s.x))
        st.latex(
            rf"\frac{{dL}}{{dr}} \in \partial|r|\,\big|_{{r=0}} = [-1,\, 1] \quad\Rightarrow\quad "
            rf"\frac{{dL}}{{dw}} = \frac{{dL}}{{dr}}\cdot x \in [-{a},\, {a}]"
        )
    kind, note = say.kink_note(s.x, s.w, s.r, s.kink, C["w"].lo, C["w"].hi, step=C["w"].step)
    (st.warning if kind == "warning" else st.markdown)(note)
    if s.x != 0:
        st.caption(
            f"On screen {answer_screen}, the L(w) chart's own w slider stands on the kink: there the chart zooms in on "
            "the V's corner and draws the fan of subgradients, every line through it that stays under the V."
        )


@st.fragment
def numerical_block(s: lesson.Sample) -> None:
    """Finite differences against the analytic slope: moving h reruns only this block."""
    st.subheader("Check it numerically")
    widget(C["h"])
    sync_url(CONTROLS)  # h reruns only this block: its value goes to the URL from here
    h, w, x, r, grad_w = st.session_state[C["h"].key], s.w, s.x, s.r, s.grad_w

    def L_of(wv: float) -> float:
        return float(core.loss_value("l1", wv * x + s.b - s.t))

    central = (L_of(w + h) - L_of(w - h)) / (2 * h)
    forward, backward = (L_of(w + h) - L_of(w)) / h, (L_of(w) - L_of(w - h)) / h
    layout.table(
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
        digits=3,
    )
    kind, note = say.finite_differences(r, x, h, grad_w, forward, backward=backward, central=central)
    if kind == "warning":
        st.warning(note, icon="📐")
    else:
        st.caption(note)


@st.fragment
def misconception_block(s: lesson.Sample) -> None:
    """The misconception's run beside the right one: its switch reruns only this block."""
    st.subheader("The misconception")
    widget(C["wrong"])
    sync_url(CONTROLS)
    if not st.session_state[C["wrong"].key]:
        return
    w, x, t, b, r, kink, y_hat = s.w, s.x, s.t, s.b, s.r, s.kink, s.y_hat
    targets = say.other_target(y_hat, t, r)
    true_grads = tuple(float(core.loss_grad("l1", say.residual(w, x, b, tk), at_kink=kink)) * x for tk in targets)
    st.markdown(say.misconception_text(x, y_hat, targets, true_grads, on_kink=r == 0))
    one = core.Dataset([x], [t])
    runs = {
        "with ∇m (wrong)": core.descend(one, "signed_l1", 0.1, w, 1, epochs=30, b0=b, fit_bias=s.bias),
        "with sign(r)·∇m (right)": core.descend(one, "l1", 0.1, w, 1, epochs=30, b0=b, fit_bias=s.bias, at_kink=kink),
    }
    df = pd.concat([pd.DataFrame({"update": np.arange(31), "w": run.w, "series": lab}) for lab, run in runs.items()])
    df["series"] = df["series"].map(
        {"with ∇m (wrong)": charts.label("signed_l1"), "with sign(r)·∇m (right)": charts.label("l1")}
    )
    w_hit = say.hit_w(w, x, r, s.bias)
    refs = None if w_hit is None else pd.DataFrame({"y": [w_hit], "text": [say.hit_label(w_hit, s.bias)]})
    wrong_run, right_run = runs.values()
    where_they_go = say.misconception_alt(x, t, 0.1, wrong_run.w, right_run.w, right_b=right_run.b, w_hit=w_hit)
    layout.chart(
        charts.trajectory_chart(
            df,
            "w",
            "weight w",
            ["signed_l1", "l1"],
            hlines=refs,
            height=200 if layout.sliding() else 380,  # a slide: the chart and its sentence fit 1280x800
            rule_style=charts.LEGIBLE_RULES,  # its name read from the back of the hall, above the plot if need be
        ),
        where_they_go,
    )
    st.caption(where_they_go)
    st.page_link("pages/signed_l1.py", label="This is the blog post's bug: see it at full size", icon="⚠️")


@st.fragment
def samples_block(s: lesson.Sample, curve: pd.DataFrame | None = None) -> None:
    """Several samples and their summed subgradient, with the page's download (with `curve`, the single sample's
    L(w), when the page drew it): n and the seed rerun only this block."""
    st.subheader("Several samples: why the optimum is a median")
    cc = st.columns(2)
    widget(C["n"], cc[0])
    widget(C["seed"], cc[1])
    sync_url(CONTROLS)
    n, seed = st.session_state[C["n"].key], st.session_state[C["seed"].key]
    data = core.make_dataset(n=n, x=(0.5, 2.5), w_true=1.0, noise_sigma=0.8, seed=seed)
    w = s.w
    res = w * data.x - data.y
    contrib = core.loss_grad("l1", res, at_kink=s.kink) * data.x
    table = pd.DataFrame(
        {
            "xᵢ": data.x,
            "tᵢ": data.y,
            "tᵢ/xᵢ": data.y / data.x,
            "rᵢ = w·xᵢ − tᵢ": res,
            "sign(rᵢ)": np.sign(res).astype(int),
            "sign(rᵢ)·xᵢ": contrib,
        }
    )
    # A phone shows four columns whole: those the sentence below reads, sign(rᵢ)·xᵢ the one it sums
    shown = table[PHONE_COLUMNS].rename(columns={"rᵢ = w·xᵢ − tᵢ": "rᵢ"}) if layout.on_phone() else table
    with st.expander("The samples, one per row") if layout.sliding() else contextlib.nullcontext():
        layout.table(  # folded on a slide: the sentence and the staircase fill it
            shown.map(sig),
            digits=DIGITS,
            column_config={c: st.column_config.TextColumn(alignment="right") for c in shown.columns},  # as numbers
        )
    lo, hi = core.l1_minimizers(data.x, data.y)
    st.markdown(say.samples_total(w, float(contrib.sum()), lo, hi))
    kinks = data.y / data.x  # where the sum steps: every sample's tᵢ/xᵢ, each on the chart
    grid = np.linspace(min(kinks.min(), w) - 0.5, max(kinks.max(), w) + 0.5, 400)
    gsum = (core.loss_grad("l1", grid[:, None] * data.x - data.y) * data.x).sum(axis=1)
    layout.chart(
        lesson_charts.step_function_chart(pd.DataFrame({"w": grid, "g": gsum}), w, (lo, hi)),
        say.staircase_alt(data.x, lo, hi),
    )
    single = (
        [] if curve is None else [curve.rename(columns={"series": "loss"}).assign(part="L(w) of the single sample")]
    )
    if not layout.sliding():  # a slide's screen is full; the file is for a desk
        layout.download(
            lambda: pd.concat([table.assign(part="samples at your w"), *single], ignore_index=True),
            "derivation.csv",
            key="d_download",
        )
