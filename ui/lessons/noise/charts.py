"""The noise lesson's charts: the learning rate over updates, the sweep over rates, the many draws, the heatmap."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ui.charts import LOSS_COLORS, Spec, label, loss_scales, named_data, series_encodings, template, trajectory_chart


def lr_chart(df: pd.DataFrame, losses: Sequence[str], marker: int | None = None) -> Spec:
    return trajectory_chart(df, "lr", "learning rate", losses, marker=marker, height=220)  # 180 cut its title


@template
def _sweep(losses: tuple[str, ...], stable: bool) -> alt.LayerChart:
    lines = (
        named_data("sweep")
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("lr:Q", scale=alt.Scale(type="log"), title="learning rate (log)"),
            y=alt.Y("error:Q", scale=alt.Scale(type="log"), title="mean |w − 1|, last 10% (log)"),
            tooltip=["series:N", alt.Tooltip("lr:Q", format=".3g"), alt.Tooltip("error:Q", format=".4g")],
            **series_encodings(losses),
        )
    )
    layers = [lines, named_data("yours").mark_rule(color="#444444").encode(x="lr:Q", tooltip=["text:N", "lr:Q"])]
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
        data["stable"] = pd.DataFrame({"lr": [stable_lr], "text": [f"L2 stable for every lr below {stable_lr:.3g}"]})
    return Spec(_sweep(tuple(losses), "stable" in data), data)


@template
def _draws(losses: tuple[str, ...]) -> alt.LayerChart:
    color, _ = loss_scales(losses)
    order = [label(k) for k in losses]
    dots = (
        named_data("draws")
        .mark_circle(size=60, opacity=0.6)
        .encode(
            x=alt.X("error:Q", scale=alt.Scale(type="log"), title="final |w − w_true| (log)"),
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
    """One dot per noise draw (df: seed, series, error) on a log axis, with each loss's mean as a bar."""
    return Spec(_draws(tuple(losses)), {"draws": df})


DIVERGED = "#BBBBBB"  # a heatmap cell whose run diverged


SHORT_NUMBER = "datum.value >= 0.01 ? format(datum.value, '.2~g') : format(datum.value, '.0e')"  # 8.1, 1e-6


@template
def _heatmap(loss: str, lrs: tuple[float, ...]) -> alt.LayerChart:
    scale = alt.Scale(domain=list(lrs)) if lrs else alt.Undefined  # every lr a column
    x = alt.X("lr:O", title="learning rate", scale=scale, axis=alt.Axis(format=".0e", labelAngle=-45))
    y = alt.Y("sigma:O", title="noise sigma", sort="descending")
    where = [alt.Tooltip("lr:Q", format=".3g"), alt.Tooltip("sigma:Q", format=".3g")]
    ran = (
        named_data("grid")
        .transform_filter("isValid(datum.error)")
        .mark_rect()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "error:Q",
                scale=alt.Scale(type="log", scheme="viridis"),
                title="final |w − w_true|",
                # the ends of a log scale are the data's own extremes: 8.1 and 1e-6, not 8.0807981121
                legend=alt.Legend(labelExpr=SHORT_NUMBER),
            ),
            tooltip=[*where, alt.Tooltip("error:Q", format=".4g")],
        )
    )
    # a diverged run's cell drawn grey, not left out: a column with no finite cell would otherwise vanish
    diverged = (
        named_data("grid")
        .transform_filter("!isValid(datum.error)")
        .mark_rect(color=DIVERGED)
        .encode(x=x, y=y, tooltip=[*where, alt.Tooltip("state:N", title="run")])
    )
    return alt.layer(ran, diverged).properties(title=label(loss), height=220, width="container")


def heatmap_chart(df: pd.DataFrame, loss: str, lrs: Sequence[float] = ()) -> Spec:
    """Final error over (lr, sigma) for one loss (df: lr, sigma, error; a diverged run's error nan, drawn as a
    grey cell). `lrs`, if given, are the columns, in ascending order."""
    df = df.assign(state=np.where(np.isfinite(df["error"].to_numpy(dtype=float)), "ran", "diverged"))
    return Spec(_heatmap(loss, tuple(sorted(float(v) for v in lrs))), {"grid": df})
