"""The noise lesson's charts: w over updates following its own lr slider, the zoom on its end, the loss and the
learning rate over updates, the sweep over rates, the many draws, the heatmap."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ui.charts import (
    LEGIBLE_STACKED,
    LOSS_COLORS,
    UPDATE_AXIS,
    Spec,
    band_layers,
    follow_title,
    label,
    loss_scales,
    named_data,
    rules_data,
    rules_layers,
    series_encodings,
    template,
)
from ui.follow import Family, Slider, bound_param, by_value_holder, picked, stale_layer
from ui.lessons.noise.sentences import TAIL, lr_text

LR_FORMAT = ".3~r"  # d3's: 0.00001, 0.0015, 1 (lr_text's digits, never e-notation)
SHORT_NUMBER = "format(datum.value, ',.2~r')"  # 8.1, 0.000001, 1,000: two digits, never e-notation
# a chart's height is its plot's: fitted as a whole, the legend, axis titles and labels above the plot took most of
# it (the w chart's 280 px left a plot of about 75)
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")


RUNS_HEIGHT = 240  # the w chart's plot, px
REFERENCES = LEGIBLE_STACKED  # the reference lines' labels: the kernel's legible ones, stacked above the plot


def _references(hlines: pd.DataFrame, lines: pd.DataFrame, height: int, extent: Sequence[float] = ()) -> dict:
    """The datasets the references draw (ui.charts.rules_data with REFERENCES)."""
    return rules_data(hlines, lines, "w", height=height, extent=extent, style=REFERENCES)


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
    layers = [lines, *(rules_layers(REFERENCES) if rules else []), *([by_value_holder("runs")] if by_value else [])]
    layers.append(stale_layer(slider, "text", below=True))
    # the rate the slider holds, as the chart's title: above everything (the references' labels run above the plot;
    # under it, it read as the x axis' label of update 0)
    title = follow_title(f"'{rate} = ' + format({slider.expr}, '{LR_FORMAT}')")
    return (
        alt.layer(*layers)
        .add_params(bound_param(slider))
        .properties(height=RUNS_HEIGHT, width="container", title=title, autosize=FIT_X)
    )


def runs_follow_chart(
    served: pd.DataFrame, family: Family, slider: Slider, losses: Sequence[str], hlines: pd.DataFrame, rate: str
) -> Spec:
    """w over updates, one line per loss, at the learning rate of the chart's own slider: `family` holds every
    run's (update, w) at each of its values (ui.lessons.noise.compute); the reference lines (`hlines`: y, text)
    are placed around the served runs (`served`: update, series, w). `rate`: the slider's name in its label
    ("lr", or "lr0" under a schedule). Draw it with ui.follow.chart."""
    data = {**family.datasets, **_references(hlines, served, RUNS_HEIGHT)}
    by_value = family.by_value is not None
    return Spec(_runs_follow(tuple(losses), slider, by_value, "rules" in data, rate), data)


@template
def _zoom(losses: tuple[str, ...], rules: bool, band: bool, height: int) -> alt.LayerChart:
    lines = (
        named_data("lines")
        .mark_line(strokeWidth=2.2, clip=True)
        .encode(
            x=alt.X("update:Q", title="update k", axis=UPDATE_AXIS),
            y=alt.Y("w:Q", title="weight w", scale=alt.Scale(zero=False, padding=14 if band else 8)),
            tooltip=["series:N", "update:Q", alt.Tooltip("w:Q", format=".5g")],
            **series_encodings(losses),
        )
    )
    layers = [*(band_layers() if band else []), lines, *(rules_layers(REFERENCES) if rules else [])]
    return alt.layer(*layers).properties(height=height, width="container", autosize=FIT_X)


def zoom_chart(
    df: pd.DataFrame,
    losses: Sequence[str],
    hlines: pd.DataFrame,
    band: tuple[float, float, str] | None = None,
    height: int = 200,
) -> Spec:
    """w over the end of the run (df: update, series, w), one line per loss, with the reference lines (`hlines`:
    y, text) labelled where no line runs (ui.charts.place_rules) and absolute L1's band (lo, hi, text) shaded."""
    extent = band[:2] if band is not None else ()  # the band widens the axis: a pixel spans more of w
    data = {"lines": df, **_references(hlines, df, height, extent)}
    if band is not None:
        data["band"] = pd.DataFrame({"lo": [band[0]], "hi": [band[1]], "text": [band[2]]})
    return Spec(_zoom(tuple(losses), "rules" in data, band is not None, height), data)


LOSS_FLOOR = 1e-6  # a loss under this is drawn at it: a log axis has no 0 (a run at the optimum of noiseless data)


@template
def _loss_panels(losses: tuple[str, ...], height: int):
    """One panel per loss (its own y scale: the losses differ by orders of magnitude), stacked, each as wide as the
    column; the loss and the best loss so far on a log axis, its ticks plain numbers."""
    colour, dash = loss_scales(losses)
    y = alt.Y(
        "loss:Q",
        title="loss (log scale)",
        scale=alt.Scale(type="log"),
        axis=alt.Axis(labelExpr=SHORT_NUMBER, tickCount=4),
    )

    def panel(name: str) -> alt.LayerChart:
        base = alt.Chart().transform_filter(alt.datum.series == name)
        loss = base.mark_line(strokeWidth=2.2).encode(
            x=alt.X("update:Q", title="update k", axis=UPDATE_AXIS),
            y=y,
            color=alt.Color("series:N", scale=colour, legend=None),  # the panel's title names its loss
            strokeDash=alt.StrokeDash("series:N", scale=dash, legend=None),
            tooltip=["series:N", "update:Q", alt.Tooltip("loss:Q", format=".4~g")],
        )
        best = base.mark_line(color="#222222", strokeWidth=1.2).encode(
            x="update:Q", y="best_loss:Q", tooltip=[alt.Tooltip("best_loss:Q", format=".4~g", title="best so far")]
        )
        return alt.layer(loss, best).properties(title=name, width="container", height=height)

    return (
        alt.vconcat(*(panel(label(k)) for k in losses), data=alt.NamedData(name="panels"))
        .resolve_scale(y="independent")
        .properties(autosize=FIT_X)  # axes inside the column
    )


def loss_chart(df: pd.DataFrame, losses: Sequence[str], height: int = 170) -> Spec:
    """The loss over updates, one panel per loss, with the best loss so far (df: update, series, loss, best_loss),
    on a log axis: the end, a thousand times under the start, still reads against its gridlines. Values under
    LOSS_FLOOR are drawn at it."""
    floored = df.assign(**{c: df[c].clip(lower=LOSS_FLOOR) for c in ("loss", "best_loss")})
    return Spec(_loss_panels(tuple(losses), height), {"panels": floored})


RATE_COLOR = "#444444"  # the learning rate: one line, the same for every loss, in no loss's colour


@template
def _rate(marker: bool) -> alt.LayerChart:
    line = (
        named_data("rates")
        .mark_line(strokeWidth=2.2, color=RATE_COLOR)
        .encode(
            x=alt.X("update:Q", title="update k", axis=UPDATE_AXIS),
            # "~g": a constant rate's one tick reads 0.01, not 0.010000
            y=alt.Y("lr:Q", title="learning rate", axis=alt.Axis(format="~g")),
            tooltip=[alt.Tooltip("update:Q", format="d"), alt.Tooltip("lr:Q", format=".4~g", title="learning rate")],
        )
    )
    layers = [line, *([named_data("marker").mark_rule(color="#444444", strokeWidth=2).encode(x="update:Q")] * marker)]
    return alt.layer(*layers).properties(height=120, width="container", autosize=FIT_X)


def lr_chart(df: pd.DataFrame, losses: Sequence[str] = (), marker: int | None = None) -> Spec:
    """The learning rate over updates (df: update, series, lr; the first series drawn): one neutral line and no
    legend, as every loss takes the same rate; `marker`: a vertical rule at that update."""
    first = df[df["series"] == df["series"].iloc[0]] if len(df) else df
    data = {"rates": first[["update", "lr"]]}
    if marker is not None:
        data["marker"] = pd.DataFrame({"update": [marker]})
    return Spec(_rate(marker is not None), data)


@template
def _sweep(losses: tuple[str, ...], stable: bool, tail: str) -> alt.LayerChart:
    color, _ = loss_scales(losses)
    x = alt.X("lr:Q", scale=alt.Scale(type="log"), title="learning rate (log)")
    y = alt.Y("error:Q", scale=alt.Scale(type="log"), title=f"mean |w − 1|, {tail} (log)")
    lines = named_data("sweep").mark_line(strokeWidth=2).encode(x=x, y=y, **series_encodings(losses))
    points = (  # a run that had not arrived: an open point (its error is where it passed by)
        named_data("sweep")
        .mark_point(size=40, strokeWidth=1.5, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color("series:N", scale=color, legend=None),
            fill=alt.condition("datum.arrived", alt.Fill("series:N", scale=color, legend=None), alt.value("white")),
            tooltip=[
                "series:N",
                alt.Tooltip("lr:Q", format=".3g"),
                alt.Tooltip("error:Q", format=".4g"),
                alt.Tooltip("state:N", title="run"),
            ],
        )
    )
    layers = [lines, points]
    layers.append(named_data("yours").mark_rule(color="#444444").encode(x="lr:Q", tooltip=["text:N", "lr:Q"]))
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
    return alt.layer(*layers).properties(height=240, width="container", autosize=FIT_X)


def sweep_chart(df: pd.DataFrame, losses: Sequence[str], stable_lr: float | None, current_lr: float) -> Spec:
    """Mean |w - w_true| over the TAIL against lr on log-log axes (df: lr, series, error, and optionally arrived:
    a run that had not arrived is an open point); `stable_lr`: L2's stability limit (core.l2_max_stable_lr: every
    lr below it is stable; above it, stable islands can exist)."""
    came = df["arrived"].to_numpy(dtype=bool) if "arrived" in df else np.ones(len(df), dtype=bool)
    df = df.assign(arrived=came, state=np.where(came, "arrived", "not arrived (open point)"))
    data = {"sweep": df, "yours": pd.DataFrame({"lr": [current_lr], "text": ["your lr"]})}
    if stable_lr is not None:
        data["stable"] = pd.DataFrame(
            {"lr": [stable_lr], "text": [f"L2 stable for every lr below {lr_text(stable_lr)}"]}
        )
    return Spec(_sweep(tuple(losses), "stable" in data, TAIL.describe()), data)


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
    """One dot per noise draw (df: seed, series, error: mean |w - 1| over the run's TAIL) on a log axis, with
    each loss's mean as a bar."""
    return Spec(_draws(tuple(losses), TAIL.describe()), {"draws": df})


DIVERGED = "#BBBBBB"  # a heatmap cell whose run diverged
NOT_ARRIVED_OPACITY = 0.35  # a heatmap cell whose run had not arrived: faded


LR_LABEL = SHORT_NUMBER  # 0.0001, 0.00032, 0.32: every column's rate


HEAT_ROW_PX = 30  # one noise row: room for its label at every size (at 220 px for 7 rows, 3 labels dropped)
STATES = ("arrived", "not arrived", "diverged")  # a cell's run, as the chart's second legend names it


ARRIVED_SWATCH = "#21918C"  # viridis' middle: the run legend's swatches are a cell's colour, full or faded (in
# black, a faded swatch read as the grey of a diverged cell)


# Over 50 lines: one heatmap panel's cells, fades, labels and rules in one template.
def _heat_panel(
    loss: str, lrs: tuple[float, ...], sigmas: tuple[float, ...], first: bool, tail: str, gone: bool
) -> alt.LayerChart:
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
                # on top: beside the colour legend it ran off a phone
                legend=alt.Legend(
                    orient="top",
                    symbolType="square",
                    symbolFillColor=ARRIVED_SWATCH,
                    symbolSize=150,
                    symbolStrokeWidth=0,
                )
                if first
                else None,
            ),
            tooltip=[*where, alt.Tooltip("error:Q", format=".4g"), alt.Tooltip("state:N", title="run")],
        )
    )
    # a diverged run's cell drawn grey, not left out: a column with no finite cell would otherwise vanish
    diverged = (
        named_data(name)
        .transform_filter("!isValid(datum.error) || !isFinite(datum.error)")
        .transform_calculate(cell=f"'{STATES[2]}'")  # its own field: on `state`, the legends merged, swatches lost
        .mark_rect()
        .encode(
            x=x,
            y=y,
            fill=alt.Fill(  # its own legend entry, beside the run legend, when a run diverged
                "cell:N",
                scale=alt.Scale(domain=[STATES[2]], range=[DIVERGED]),
                legend=alt.Legend(orient="top", title=None, symbolType="square", symbolSize=150, symbolStrokeWidth=0)
                if first and gone
                else None,
            ),
            tooltip=[*where, alt.Tooltip("state:N", title="run")],
        )
    )
    height = HEAT_ROW_PX * max(1, len(sigmas))
    return alt.layer(ran, diverged).properties(title=label(loss), height=height, width="container")


@template
def _heatmap(
    losses: tuple[str, ...], lrs: tuple[float, ...], sigmas: tuple[float, ...], tail: str, gone: bool
) -> alt.TopLevelMixin:
    panels = [_heat_panel(k, lrs, sigmas, i == 0, tail, gone) for i, k in enumerate(losses)]
    if len(panels) == 1:
        return panels[0].properties(autosize=FIT_X)
    # stacked, each as wide as the column (side by side, two container-wide panels cut the second off), with one
    # colour scale for both: cells compare across panels
    return (
        alt.vconcat(*panels).resolve_scale(color="shared", opacity="shared", fill="shared").properties(autosize=FIT_X)
    )


def heatmap_chart(grids: dict[str, pd.DataFrame], lrs: Sequence[float] = (), sigmas: Sequence[float] = ()) -> Spec:
    """Mean |w - 1| over the TAIL of updates across (lr, sigma), one panel per loss stacked, with one shared
    colour scale and its legend (grids: loss -> df with lr, sigma, error, and optionally arrived: a run that had
    not arrived is faded; a diverged run's error nan, drawn grey). `lrs` and `sigmas`, if given, are every column
    and every row."""
    data = {}
    for k, df in grids.items():
        finite = np.isfinite(df["error"].to_numpy(dtype=float))
        came = df["arrived"].to_numpy(dtype=bool) if "arrived" in df else np.ones(len(df), dtype=bool)
        data[f"grid_{k}"] = df.assign(state=np.where(finite, np.where(came, STATES[0], STATES[1]), STATES[2]))
    key = (tuple(grids), tuple(sorted(float(v) for v in lrs)), tuple(float(v) for v in sigmas))
    gone = any((df["state"] == STATES[2]).any() for df in data.values())  # the grey cells' legend, when there are any
    return Spec(_heatmap(*key, TAIL.describe(), gone), data)
