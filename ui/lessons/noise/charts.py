"""The noise lesson's charts: w over updates following its own lr slider, the learning rate over updates, the sweep
over rates, the many draws, the heatmap."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ui.charts import (
    LOSS_COLORS,
    UPDATE_AXIS,
    Spec,
    label,
    loss_scales,
    named_data,
    rules_data,
    rules_layers,
    series_encodings,
    template,
    trajectory_chart,
)
from ui.follow import Family, Slider, bound_param, by_value_holder, picked, stale_layer, value_layer
from ui.lessons.noise.sentences import ERROR_TAIL, lr_text

LR_FORMAT = ".3~r"  # d3's: 0.00001, 0.0015, 1 (lr_text's digits, never e-notation)


@template
def _runs_follow(losses: tuple[str, ...], slider: Slider, by_value: bool, rules: bool, rate: str) -> alt.LayerChart:
    """w over updates of every run at the lr the chart's own slider holds (family "runs": update, w)."""
    lines = (
        picked(slider, "runs", ("update", "w"), by_value)
        .mark_line(strokeWidth=2.2, clip=True)
        .encode(
            x=alt.X("update:Q", title="update k", axis=UPDATE_AXIS),
            y=alt.Y("w:Q", title="weight w", scale=alt.Scale(zero=False)),
            tooltip=["series:N", alt.Tooltip("update:Q", format="d"), alt.Tooltip("w:Q", format=".5g")],
            **series_encodings(losses),
        )
    )
    layers = [lines, *(rules_layers() if rules else []), *([by_value_holder("runs")] if by_value else [])]
    layers += [
        # under the plot, beside "update k": above it the reference lines' labels run, on a phone across it all
        value_layer(slider, f"'{rate} = ' + format({slider.expr}, '{LR_FORMAT}')", below=True),
        stale_layer(slider, "text", below=True),
    ]
    return alt.layer(*layers).add_params(bound_param(slider)).properties(height=280, width="container")


def runs_follow_chart(
    served: pd.DataFrame, family: Family, slider: Slider, losses: Sequence[str], hlines: pd.DataFrame, rate: str
) -> Spec:
    """w over updates, one line per loss, at the learning rate of the chart's own slider: `family` holds every
    run's (update, w) at each of its values (ui.lessons.noise.compute); the reference lines (`hlines`: y, text)
    are placed around the served runs (`served`: update, series, w). `rate`: the slider's name in its label
    ("lr", or "lr0" under a schedule). Draw it with ui.follow.chart."""
    data = {**family.datasets, **rules_data(hlines, served, "w")}
    by_value = family.by_value is not None
    return Spec(_runs_follow(tuple(losses), slider, by_value, "rules" in data, rate), data)


def lr_chart(df: pd.DataFrame, losses: Sequence[str], marker: int | None = None) -> Spec:
    # "~g": a constant rate's one tick reads 0.01, not 0.010000
    return trajectory_chart(df, "lr", "learning rate", losses, marker=marker, height=220, y_format="~g")


@template
def _sweep(losses: tuple[str, ...], stable: bool, tail: str) -> alt.LayerChart:
    lines = (
        named_data("sweep")
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("lr:Q", scale=alt.Scale(type="log"), title="learning rate (log)"),
            y=alt.Y("error:Q", scale=alt.Scale(type="log"), title=f"mean |w − 1|, {tail} (log)"),
            tooltip=["series:N", alt.Tooltip("lr:Q", format=".3g"), alt.Tooltip("error:Q", format=".4g")],
            **series_encodings(losses),
        )
    )
    layers = [lines, named_data("yours").mark_rule(color="#444444").encode(x="lr:Q", tooltip=["text:N", "lr:Q"])]
    layers.append(  # named at its foot, right of the rule: the stability limit's name sits at the top
        named_data("yours")
        .mark_text(align="left", baseline="bottom", dx=4, dy=-4, fontSize=12, color="#444444")
        .encode(x="lr:Q", y=alt.value({"expr": "height"}), text="text:N")
    )
    if stable:
        layers.append(
            named_data("stable")
            .mark_rule(color=LOSS_COLORS["l2"], strokeDash=[4, 4], strokeWidth=2)
            .encode(x="lr:Q", tooltip=["text:N"])
        )
        layers.append(
            named_data("stable")
            .mark_text(align="right", dx=-4, dy=8, color=LOSS_COLORS["l2"])  # left of the rule: it stays on the chart
            .encode(x="lr:Q", y=alt.value(0), text="text:N")
        )
    return alt.layer(*layers).properties(height=300, width="container")


def sweep_chart(df: pd.DataFrame, losses: Sequence[str], stable_lr: float | None, current_lr: float) -> Spec:
    """Final |w - w_true| against lr on log-log axes (df: lr, series, error); `stable_lr`: L2's stability limit
    (core.l2_max_stable_lr: every lr below it is stable; above it, stable islands can exist)."""
    data = {"sweep": df, "yours": pd.DataFrame({"lr": [current_lr], "text": ["your lr"]})}
    if stable_lr is not None:
        data["stable"] = pd.DataFrame(
            {"lr": [stable_lr], "text": [f"L2 stable for every lr below {lr_text(stable_lr)}"]}
        )
    return Spec(_sweep(tuple(losses), "stable" in data, ERROR_TAIL.describe()), data)


@template
def _draws(losses: tuple[str, ...], tail: str) -> alt.LayerChart:
    color, _ = loss_scales(losses)
    order = [label(k) for k in losses]
    dots = (
        named_data("draws")
        .mark_circle(size=60, opacity=0.6)
        .encode(
            x=alt.X("error:Q", scale=alt.Scale(type="log"), title=f"mean |w − 1| over the {tail} of updates (log)"),
            y=alt.Y("series:N", title=None, sort=order),
            yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[-1, 1])),
            color=alt.Color("series:N", scale=color, legend=None),
            tooltip=["series:N", "seed:Q", alt.Tooltip("error:Q", format=".4g")],
        )
        .transform_calculate(jitter="sqrt(-2*log(random()))*cos(2*PI*random()) / 3")
    )
    means = (
        named_data("draws")
        .mark_tick(thickness=4, size=40, color="#222222")
        .encode(
            x="mean(error):Q",
            y=alt.Y("series:N", sort=order),
            tooltip=["series:N", alt.Tooltip("mean(error):Q", format=".4g", title="mean error")],
        )
    )
    return alt.layer(dots, means).properties(height=60 * len(losses) + 40, width="container")


def draws_chart(df: pd.DataFrame, losses: Sequence[str]) -> Spec:
    """One dot per noise draw (df: seed, series, error: mean |w - 1| over the run's ERROR_TAIL) on a log axis, with
    each loss's mean as a bar."""
    return Spec(_draws(tuple(losses), ERROR_TAIL.describe()), {"draws": df})


DIVERGED = "#BBBBBB"  # a heatmap cell whose run diverged
NOT_ARRIVED_OPACITY = 0.35  # a heatmap cell whose run had not arrived: faded


SHORT_NUMBER = "format(datum.value, ',.2~r')"  # 8.1, 0.000001, 1,000: two digits, never e-notation
LR_LABEL = SHORT_NUMBER  # 0.0001, 0.00032, 0.32: every column's rate


HEAT_ROW_PX = 30  # one noise row: room for its label at every size (at 220 px for 7 rows, 3 labels dropped)
STATES = ("arrived", "not arrived", "diverged")  # a cell's run, as the chart's second legend names it


def _heat_panel(loss: str, lrs: tuple[float, ...], sigmas: tuple[float, ...], first: bool, tail: str) -> alt.LayerChart:
    name = f"grid_{loss}"
    scale = alt.Scale(domain=list(lrs)) if lrs else alt.Undefined  # every lr a column
    x = alt.X(
        "lr:O",
        title="learning rate",
        scale=scale,
        axis=alt.Axis(labelExpr=LR_LABEL, labelAngle=-45, labelOverlap=False),
    )
    y = alt.Y(
        "sigma:O",
        title="noise sigma",
        scale=alt.Scale(domain=sorted(sigmas, reverse=True)) if sigmas else alt.Undefined,
        axis=alt.Axis(labelOverlap=False, format="~g"),  # every row labelled
    )
    where = [alt.Tooltip("lr:Q", format=".3g"), alt.Tooltip("sigma:Q", format=".3g")]
    ran = (
        named_data(name)
        .transform_filter("isValid(datum.error) && isFinite(datum.error)")
        .mark_rect()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "error:Q",
                scale=alt.Scale(type="log", scheme="viridis"),
                title=f"mean |w − 1|, {tail}",
                legend=alt.Legend(labelExpr=SHORT_NUMBER, orient="bottom", gradientLength=220) if first else None,
            ),
            opacity=alt.Opacity(
                "state:N",
                scale=alt.Scale(domain=list(STATES[:2]), range=[1.0, NOT_ARRIVED_OPACITY]),
                title="run",
                legend=alt.Legend(orient="top") if first else None,  # beside the colour legend it ran off a phone
            ),
            tooltip=[*where, alt.Tooltip("error:Q", format=".4g"), alt.Tooltip("state:N", title="run")],
        )
    )
    # a diverged run's cell drawn grey, not left out: a column with no finite cell would otherwise vanish
    diverged = (
        named_data(name)
        .transform_filter("!isValid(datum.error) || !isFinite(datum.error)")
        .mark_rect(color=DIVERGED)
        .encode(x=x, y=y, tooltip=[*where, alt.Tooltip("state:N", title="run")])
    )
    height = HEAT_ROW_PX * max(1, len(sigmas))
    return alt.layer(ran, diverged).properties(title=label(loss), height=height, width="container")


@template
def _heatmap(
    losses: tuple[str, ...], lrs: tuple[float, ...], sigmas: tuple[float, ...], tail: str
) -> alt.TopLevelMixin:
    panels = [_heat_panel(k, lrs, sigmas, i == 0, tail) for i, k in enumerate(losses)]
    if len(panels) == 1:
        return panels[0]
    # stacked, each as wide as the column (side by side, two container-wide panels cut the second off), with one
    # colour scale for both: cells compare across panels
    return (
        alt.vconcat(*panels)
        .resolve_scale(color="shared", opacity="shared")
        .properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    )


def heatmap_chart(grids: dict[str, pd.DataFrame], lrs: Sequence[float] = (), sigmas: Sequence[float] = ()) -> Spec:
    """Mean |w - 1| over the ERROR_TAIL of updates across (lr, sigma), one panel per loss stacked, with one shared
    colour scale and its legend (grids: loss -> df with lr, sigma, error, and optionally arrived: a run that had
    not arrived is faded; a diverged run's error nan, drawn grey). `lrs` and `sigmas`, if given, are every column
    and every row."""
    data = {}
    for k, df in grids.items():
        finite = np.isfinite(df["error"].to_numpy(dtype=float))
        came = df["arrived"].to_numpy(dtype=bool) if "arrived" in df else np.ones(len(df), dtype=bool)
        data[f"grid_{k}"] = df.assign(state=np.where(finite, np.where(came, STATES[0], STATES[1]), STATES[2]))
    key = (tuple(grids), tuple(sorted(float(v) for v in lrs)), tuple(float(v) for v in sigmas))
    return Spec(_heatmap(*key, ERROR_TAIL.describe()), data)
