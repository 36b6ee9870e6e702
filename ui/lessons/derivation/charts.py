"""The derivation's charts: the loss curves with their tangents, and the summed subgradient as a step function."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from ui.charts import LOSS_COLORS, THEORY, Spec, data_params, loss_scales, named_data, series_encodings, template
from ui.follow import Family, Slider, bound_param, by_value_holder, picked, stale_layer, value_layer

LOSS_CURVE_PARAMS = ("y_lo", "y_hi", "w_lo", "w_hi", "k_w", "ky_lo", "ky_hi", "kw_lo", "kw_hi")
NO_KINK = 1e9  # k_w when the slider never stands on the kink: no slider value comes near it
TICKS = 5  # about this many ticks on w: round values (0 among them), every one labelled, never every other


def on_kink(slider: Slider) -> str:
    """Whether the chart's slider stands on the kink (k_w): there the scales frame the kink (ky_lo … kw_hi)."""
    return f"abs({slider.expr} - k_w) < 1e-6"


TANGENT, TANGENT_DASH = "#222222", (7, 4)  # the L1 tangent: dark and dashed on the blue arm it lies on


STEP_NAMES = (("right", "left", 4, "bottom", "height", -2), ("left", "right", -4, "top", 0, 2))  # side, align, …, y


@template
def _step_function() -> alt.LayerChart:
    line = (
        named_data("steps")
        .mark_line(color=LOSS_COLORS["l1"], strokeWidth=2.5, interpolate="step-after")
        .encode(
            x=alt.X("w:Q", title="weight w"),
            y=alt.Y("g:Q", title="dL/dw = Σ sign(w·xᵢ − tᵢ)·xᵢ"),
            tooltip=[alt.Tooltip("w:Q", format=".3f"), alt.Tooltip("g:Q", format=".3g")],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=THEORY).encode(y="y:Q")
    area = (
        named_data("optimum")
        .mark_rect(color=LOSS_COLORS["l1"], opacity=0.18)
        .encode(x="lo:Q", x2="hi:Q", tooltip=["text:N"])
    )
    edge = (
        named_data("optimum").mark_rule(color=LOSS_COLORS["l1"], strokeDash=[4, 3]).encode(x="lo:Q", tooltip=["text:N"])
    )
    now = named_data("now").mark_rule(color="#222222", strokeWidth=2).encode(x="w:Q")
    # The two vertical lines named each on its outer side, so they never overlap (no legend): on the left at the top,
    # on the right at the bottom, where the staircase never runs (every xᵢ > 0: it only rises, so left of a line
    # it stays at or below its value there and right of it at or above; the median's value is 0, your w's is on
    # the median's side of 0, whichever side of it your w is)
    names = [
        named_data(data)
        .transform_filter(f"datum.side == '{side}'")
        .mark_text(align=align, baseline=base, dx=dx, dy=dy, fontSize=12, color=color)
        .encode(x=f"{field}:Q", y=alt.value(y), text=alt.value(text))
        for data, field, text, color in (
            ("now", "w", "your w", "#222222"),
            ("optimum", "lo", "weighted median", LOSS_COLORS["l1"]),
        )
        for side, align, dx, base, y, dy in STEP_NAMES
    ]
    return alt.layer(area, edge, zero, line, now, *names).properties(height=260, width="container")


def step_function_chart(df: pd.DataFrame, current_w: float, optimum: tuple[float, float]) -> Spec:
    """Total L1 subgradient sum_i sign(w x_i - t_i) x_i against w (df: w, g), zero line, optimum."""
    left = current_w <= optimum[0]  # your w's line left of the median's: its name on the left, the median's right
    optimum_df = pd.DataFrame(
        {
            "lo": [optimum[0]],
            "hi": [optimum[1]],
            "text": ["minimisers (weighted median)"],
            "side": ["right" if left else "left"],
        }
    )
    now = pd.DataFrame({"w": [current_w], "side": ["left" if left else "right"]})
    return Spec(_step_function(), {"steps": df, "optimum": optimum_df, "now": now})


# Over 50 lines: the curve, the point, its tangents and the fan follow one slider: one template.
@template
def _loss_curve_follows(losses: tuple[str, ...], slider: Slider, by_value: bool, height: int) -> alt.LayerChart:
    """L(w) with the point, the tangents, the fan and their names at the w the chart's own slider holds."""
    on = on_kink(slider)  # standing on the kink the scales frame it: the fan drawn large (compute.Picture.zoom)
    ys = alt.Scale(
        domain=[alt.ExprRef(expr=f"{on} ? ky_lo : y_lo"), alt.ExprRef(expr=f"{on} ? ky_hi : y_hi")],
        nice=False,
        zero=False,
    )
    ws = alt.Scale(  # the names' frame
        domain=[alt.ExprRef(expr=f"{on} ? kw_lo : w_lo"), alt.ExprRef(expr=f"{on} ? kw_hi : w_hi")],
        nice=False,
        zero=False,
    )
    curves = (
        named_data("curve")
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(
            x=alt.X("w:Q", title="weight w", scale=ws, axis=alt.Axis(tickCount=TICKS)),
            y=alt.Y("L:Q", title="loss L(w)", scale=ys, axis=alt.Axis(tickCount=TICKS)),
            tooltip=["series:N", alt.Tooltip("w:Q", format=".3f"), alt.Tooltip("L:Q", format=".4g")],
            **series_encodings(losses),
        )
    )
    at_w = picked(slider, "picture", ("w", "L"), by_value)
    lines = (
        at_w.transform_filter("(datum.part == 'tangent' || datum.part == 'fan') && datum.line != 'L1 tangent'")
        .mark_line(strokeWidth=1.4, opacity=0.8, clip=True)
        .encode(
            x="w:Q",
            y="L:Q",
            detail="line:N",
            color=alt.Color("series:N", scale=loss_scales(losses)[0], legend=None),
            tooltip=["line:N"],
        )
    )
    l1_tangent = (  # on the V's arm itself: dashed and dark over it, so it shows (and alone past the kink)
        at_w.transform_filter("datum.line == 'L1 tangent'")
        .mark_line(strokeWidth=2.6, strokeDash=list(TANGENT_DASH), color=TANGENT, clip=True)
        .encode(x="w:Q", y="L:Q", tooltip=["line:N"])
    )
    dot = (
        at_w.transform_filter("datum.part == 'point'")
        .mark_point(size=120, filled=True, color="#222222", clip=True)
        .encode(
            x="w:Q", y="L:Q", tooltip=["line:N", alt.Tooltip("w:Q", format=".3f"), alt.Tooltip("L:Q", format=".4g")]
        )
    )
    names = [  # a name beside its point, below or above it (where no line runs: compute.place)
        at_w.transform_filter(f"datum.part == 'label' && datum.side == '{side}{above}'")
        .mark_text(align=align, baseline=base, dx=dx, dy=dy, fontSize=12, color="#444444", clip=True)
        .encode(x="w:Q", y="L:Q", text="text:N")
        for side, align, dx in (("right", "left", 4), ("left", "right", -4))
        for above, base, dy in (("", "top", 3), (" above", "bottom", -3))
    ]
    ranges, holder = data_params(
        dict(zip(LOSS_CURVE_PARAMS, (0.0, 1.0, 0.0, 1.0, NO_KINK, 0.0, 1.0, 0.0, 1.0), strict=True))
    )
    layers = [curves, lines, l1_tangent, dot, *names, holder, *([by_value_holder("picture")] if by_value else [])]
    said = f"'w = ' + format({slider.expr}, '.2f') + ({on} ? ' · on the kink, zoomed in' : '')"
    layers += [value_layer(slider, said), stale_layer(slider, "numbers")]
    return alt.layer(*layers).add_params(*ranges, bound_param(slider)).properties(height=height, width="container")


def loss_curve_follow_chart(
    curve: pd.DataFrame,
    family: Family,
    slider: Slider,
    losses: Sequence[str],
    y_range: tuple[float, float],
    *,
    w_range: tuple[float, float],
    zoom: tuple[float, float, float, float, float] | None = None,
    height: int = 320,
) -> Spec:
    """L(w) curves (w, series, L) with, at the w of the chart's own slider, what `family` holds there (the point,
    tangents, fan and names: ui.lessons.derivation.compute); draw it with ui.follow.chart. `zoom`: (the slider's
    value on the kink, its y range, its w range), where the chart frames the kink; None: the slider never is."""
    framed = zoom or (NO_KINK, *y_range, *w_range)
    params = dict(zip(LOSS_CURVE_PARAMS, map(float, (*y_range, *w_range, *framed)), strict=True))
    data = {"curve": curve, **family.datasets}
    return Spec(_loss_curve_follows(tuple(losses), slider, family.by_value is not None, height), data, params)
