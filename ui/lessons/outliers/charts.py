"""The outliers lesson's charts: the fits over the points, descent to the exact fit, the breakdown, the number line
of the mean and the median, and each point's pull on the fit."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ui.charts import (
    THEORY,
    UPDATE_AXIS,
    Spec,
    data_params,
    label,
    loss_scales,
    named_data,
    series_encodings,
    template,
)
from ui.follow import Slider, bound_param, by_value_holder, picked, stale_layer, value_layer
from ui.lessons.outliers.sentences import near_text


def _scatter_layers(points: alt.Chart, fits: alt.Chart, losses: Sequence[str], y: alt.Y) -> list[alt.Chart]:
    """The points (x, y, kind), the fitted lines (x, series, y) and the true line (dataset "truth": x, y, text)."""
    dots = points.mark_point(filled=True, size=55, opacity=0.8).encode(
        x=alt.X("x:Q", title="x"),
        y=y,
        shape=alt.Shape(
            "kind:N",
            scale=alt.Scale(domain=["inlier", "outlier"], range=["circle", "cross"]),
            legend=alt.Legend(orient="bottom", title="point"),
        ),
        color=alt.value("#555555"),
        tooltip=["x:Q", "y:Q", "kind:N"],
    )
    enc = series_encodings(losses, "fit")
    enc["color"] = enc["color"].legend(orient="bottom", columns=1, labelLimit=260)  # beside the points' legend
    # L1 wide and under the others: where L1, Huber and the true line coincide, each still shows
    names = [label(k) for k in losses]
    width = alt.StrokeWidth(
        "series:N", scale=alt.Scale(domain=names, range=[FIT_WIDTH.get(k, 2.5) for k in losses]), legend=None
    )
    wide = label("l1")
    quiet = {k: v.legend(None) for k, v in enc.items()}  # the first layer's legend lists every loss (its domain)
    lines = [  # two layers, L1 first: a layer's lines are drawn in the order of their names, not of `losses`
        fits.transform_filter(alt.datum.series == wide if first else alt.datum.series != wide)
        .mark_line(opacity=0.85)
        .encode(x="x:Q", y="y:Q", tooltip=["series:N"], strokeWidth=width, **(enc if first else quiet))
        for first in (True, False)
    ]
    # the true line on top of every fit, dark and dashed over a white halo: over L1's wide line (which often lies
    # on it) a grey dash of the same width vanished
    halo = (
        named_data("truth").mark_line(strokeWidth=TRUTH_WIDTH + 2, color="white", opacity=0.9).encode(x="x:Q", y="y:Q")
    )
    truth = (
        named_data("truth")
        .mark_line(strokeDash=TRUTH_DASH, strokeWidth=TRUTH_WIDTH)
        .encode(
            x="x:Q",
            y="y:Q",
            tooltip=["text:N"],
            # above the plot: a third legend below it runs off a phone's screen
            color=alt.Color("text:N", scale=alt.Scale(range=[TRUTH]), legend=alt.Legend(orient="top", title=None)),
        )
    )
    return [dots, *lines, halo, truth]  # theory on top (dashed: the fits show through its gaps)


FIT_WIDTH = {"l1": 6.0, "huber": 3.0, "l2": 2.5}  # L1 widest: lines that coincide with it still show
TRUTH, TRUTH_WIDTH, TRUTH_DASH = "#222222", 1.5, [5, 3]  # the true line: near-black, thin, dashed, on a white halo
HEIGHT = 300  # the fits chart's plot, on a phone too: its own height, the legends under it add to it (FIT_X)
# presenting, before the projector's 1.35 times: the plot, its legends and the slider fit a slide
PROJECTOR_HEIGHT = 170
# only the width follows the page: the height is the plot's, so the legends under it do not squeeze it (a desk's
# plot was about 110 px of 340)
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")


_INDEPENDENT = {"color": "independent", "shape": "independent", "strokeDash": "independent"}


@template
def _scatter_fit(losses: tuple[str, ...], height: int = HEIGHT) -> alt.LayerChart:
    layers = _scatter_layers(named_data("points"), named_data("fits"), losses, alt.Y("y:Q", title="y"))
    return alt.layer(*layers).resolve_scale(**_INDEPENDENT).properties(height=height, width="container", autosize=FIT_X)


def scatter_fit_chart(
    points: pd.DataFrame, lines: pd.DataFrame, losses: Sequence[str], truth: pd.DataFrame, height: int = HEIGHT
) -> Spec:
    """Data points (x, y, kind) with fitted lines (x, series, y) over them, and the true line (x, y, text) dashed on
    top; `height`: the plot's."""
    return Spec(_scatter_fit(tuple(losses), height), {"points": points, "fits": lines, "truth": truth})


SCATTER_PARAMS = ("y_lo", "y_hi")  # the follow chart's y axis: fixed over every share, so the frame holds still


@template
def _scatter_fit_follows(
    losses: tuple[str, ...], slider: Slider, name: str, by_value: bool, height: int = HEIGHT
) -> alt.LayerChart:
    """The points and fits at the share the chart's own slider holds (family `name`), the true line, the share and
    how many points it shifts written above the plot, and a note while the words below lag the chart."""
    at = picked(slider, name, ("x", "y", "outlier"), by_value)
    points = at.transform_filter("datum.part == 'point'").transform_calculate(
        kind="datum.outlier ? 'outlier' : 'inlier'"
    )
    ys = alt.Scale(domain=[alt.ExprRef(expr="y_lo"), alt.ExprRef(expr="y_hi")], nice=False, zero=False)
    fits = at.transform_filter("datum.part == 'fit'")
    layers = _scatter_layers(points, fits, losses, alt.Y("y:Q", title="y", scale=ys))
    ranges, holder = data_params(dict(zip(SCATTER_PARAMS, (0.0, 1.0), strict=True)))
    i = slider.index_expr
    shifted = f"data('{name}_by_value')[{i}].shifted_0" if by_value else f"data('{name}')[0]['shifted_' + {i}]"
    said = f"'fraction ' + format({slider.expr}, '.2f') + ': ' + {shifted} + ' of ' + data('{name}')[0].n + ' shifted'"
    layers += [holder, *([by_value_holder(name)] if by_value else [])]
    layers += [value_layer(slider, said), stale_layer(slider, "text below")]
    return (
        alt.layer(*layers)
        .resolve_scale(**_INDEPENDENT)
        .add_params(*ranges, bound_param(slider))
        .properties(height=height, width="container", autosize=FIT_X)
    )


def scatter_follow_chart(
    picture, slider: Slider, losses: Sequence[str], truth: pd.DataFrame, height: int = HEIGHT
) -> Spec:
    """The points and fitted lines at every value of the share (`picture`: ui.lessons.outliers.family) and the
    true line (x, y, text), following the chart's own slider; draw it with ui.follow.chart. `height`: the plot's."""
    fam = picture.family
    params = dict(zip(SCATTER_PARAMS, picture.y_range, strict=True))
    structure = (tuple(losses), slider, fam.name, fam.by_value is not None, height)
    return Spec(_scatter_fit_follows(*structure), {**fam.datasets, "truth": truth}, params)


@template
def _convergence(losses: tuple[str, ...]) -> alt.LayerChart:
    lines = (
        named_data("distance")
        .mark_line(strokeWidth=2.2, clip=True)
        .encode(
            x=alt.X("update:Q", title="update k", axis=UPDATE_AXIS),
            y=alt.Y("distance:Q", title="distance to exact (log)", scale=alt.Scale(type="log")),
            tooltip=["series:N", "update:Q", alt.Tooltip("distance:Q", format=".3g")],
            **series_encodings(losses),
        )
    )
    near = named_data("near").mark_rule(color=THEORY, strokeDash=[4, 4]).encode(y="distance:Q", tooltip=["text:N"])
    return alt.layer(lines, near).properties(height=340, width="container")


def convergence_chart(df: pd.DataFrame, losses: Sequence[str], near: float) -> Spec:
    """How far gradient descent is from the exact fit, over updates, on a log scale (df: update, series,
    distance), with a grey dashed line at the distance counted as arrived."""
    rule = pd.DataFrame({"distance": [near], "text": [f"arrived: within {near:g}"]})
    return Spec(_convergence(tuple(losses)), {"distance": df, "near": rule})


_TENTHS = [i / 10 for i in range(6)]  # the breakdown's x ticks: 0% to 50%, where its data sets sit


def _breakdown_encodings(losses: Sequence[str]) -> dict:
    """The loss encodings with a legend of dashed strokes: a line drawn with points would key each loss with a
    circle outlined in its dash pattern, which reads as a blot."""
    enc = series_encodings(losses)
    return {**enc, "color": enc["color"].legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=2.5)}


@template
def _breakdown(losses: tuple[str, ...]) -> alt.LayerChart:
    lines = (
        named_data("gaps")
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("fraction:Q", title="fraction of outliers", axis=alt.Axis(format="%", values=_TENTHS)),
            y=alt.Y("gap:Q", title="mean gap to the true line"),
            tooltip=[
                "series:N",
                alt.Tooltip("fraction:Q", format=".0%"),
                alt.Tooltip("gap:Q", format=".4g"),
                alt.Tooltip("slope:Q", format=".4g"),
                alt.Tooltip("bias:Q", format=".4g"),
            ],
            **_breakdown_encodings(losses),
        )
    )
    now = named_data("yours").mark_rule(color="#444444").encode(x="fraction:Q", tooltip=["text:N"])
    half = (
        alt.Chart(pd.DataFrame({"fraction": [0.5], "text": ["50%: no estimator can tell good from bad"]}))
        .mark_rule(color=THEORY, strokeDash=[2, 2])
        .encode(x="fraction:Q", tooltip=["text:N"])
    )
    near = named_data("near").mark_rule(color=THEORY, strokeDash=[6, 3]).encode(y="gap:Q", tooltip=["text:N"])
    names = [  # each rule named where no line runs: your fraction's at the top, half bad's at the foot
        *(  # your fraction's on the side of its rule away from the lines' steep ends at the right
            named_data("yours")
            .transform_filter(alt.datum.side == side)
            .mark_text(align=side, baseline="top", dx=4 if side == "left" else -4, dy=2, fontSize=12, color="#444444")
            .encode(x="fraction:Q", y=alt.value(0), text="text:N")
            for side in ("left", "right")
        ),
        named_data("half")  # at the foot: every line ends high there
        .mark_text(align="right", baseline="bottom", dx=-4, dy=-2, fontSize=12, color="#555555")
        .encode(x="fraction:Q", y=alt.value({"expr": "height"}), text="text:N"),
        *(  # near's beside the plot, at its rule's height: inside, your fraction's rule or a line crossed it
            named_data("near")
            .mark_text(align="left", baseline="middle", x={"expr": "width + 4"}, dy=dy, fontSize=12, color="#555555")
            .encode(y="gap:Q", text=f"{field}:N")
            for field, dy in (("name", -7), ("within", 7))
        ),
    ]
    return alt.layer(lines, now, half, near, *names).properties(height=300, width="container")


def breakdown_chart(df: pd.DataFrame, losses: Sequence[str], current: float, near: float) -> Spec:
    """How far each fitted line is from the true one, against the outlier fraction (df: fraction, series, gap),
    with the fraction on screen (`current`) and the near rule's gap (`near`) as labelled rules."""
    yours = pd.DataFrame(
        {"fraction": [current], "text": ["your fraction"], "side": ["right" if current > 0.3 else "left"]}
    )
    # the half-bad rule's name, unless your fraction's rule runs beside it (through the name): the axis's 50% says it
    half = pd.DataFrame({"fraction": [0.5], "text": ["half bad"]}).iloc[: int(current < 0.42)]
    rule = pd.DataFrame(
        {
            "gap": [near],
            "text": [f"near: within {near_text(near)}"],
            "name": ["near"],
            "within": [f"≤ {near_text(near)}"],
        }
    )
    return Spec(_breakdown(tuple(losses)), {"gaps": df, "yours": yours, "near": rule, "half": half})


@template
def _number_line() -> alt.LayerChart:
    color, _ = loss_scales(["l1", "l2"])
    x = alt.X("value:Q", title="target value")
    lane = alt.Scale(domain=[0, 1])
    no_axis = alt.Axis(labels=False, ticks=False, title=None, grid=False, domain=False)
    dots = (
        named_data("values")
        .mark_point(filled=True, size=110)
        .encode(
            x=x,
            y=alt.Y("lane:Q", scale=lane, axis=no_axis),
            shape=alt.Shape(
                "moved:N",
                scale=alt.Scale(domain=["fixed", "dragged"], range=["circle", "cross"]),
                legend=alt.Legend(orient="right", title="point"),
            ),
            color=alt.value("#555555"),
            tooltip=[alt.Tooltip("value:Q", format=".3g"), "moved:N"],
        )
    )
    rules = (
        named_data("stats")
        .mark_rule(strokeWidth=3)
        .encode(
            x=x,
            y=alt.Y("lo:Q", scale=lane, axis=no_axis),
            y2="hi:Q",
            color=alt.Color("series:N", scale=color, title="optimum of"),
            tooltip=["text:N", alt.Tooltip("value:Q", format=".4g")],
        )
    )
    labels = [  # each label on the far side of its rule from the other statistic, so it never crosses its rule
        named_data("stats")
        .transform_filter(alt.datum.side == side)
        .mark_text(fontSize=12, fontWeight="bold", align="right" if side == "left" else "left", dx=dx)
        .encode(
            x=x,
            y=alt.Y("lane:Q", scale=lane, axis=no_axis),
            text="text:N",
            color=alt.Color("series:N", scale=color, legend=None),
        )
        for side, dx in (("left", -5), ("right", 5))
    ]
    return alt.layer(rules, dots, *labels).properties(height=200, width="container")


def number_line_chart(values: pd.DataFrame, stats: pd.DataFrame) -> Spec:
    """Targets on a line (value, moved) with the median and mean marked (value, series, text).

    A hidden 0..1 y axis holds the lanes: dots at 0.25, each statistic's label in its own lane
    (0.9, 0.7, ...) so the median's and mean's labels never overlap, and on the side of its rule away from the
    other's (the median at 5 wrote across the mean's rule at 5.56).
    """
    side = np.where(stats["value"] < stats["value"].max(), "left", "right")  # the lower one's label to its left
    stats = stats.assign(lo=0.0, hi=1.0, lane=[0.9 - 0.2 * i for i in range(len(stats))], side=side)
    return Spec(_number_line(), {"values": values.assign(lane=0.25), "stats": stats})


@template
def _influence(losses: tuple[str, ...], title: str, height: int) -> alt.Chart:
    chart = (
        named_data("pulls")
        .mark_bar()
        .encode(
            x=alt.X(
                "point:O",
                title="points, from below the line to above it",  # short enough for a phone
                axis=alt.Axis(labels=False, ticks=False),
            ),
            y=alt.Y("contribution:Q", title="pull on w (up: steeper)", axis=alt.Axis(tickCount=6)),
            color=series_encodings(losses)["color"],
            xOffset="series:N",
            tooltip=[
                "series:N",
                "point:O",
                alt.Tooltip("contribution:Q", format=".3g"),
                alt.Tooltip("residual:Q", format=".3g", title="height above the line"),
            ],
        )
    )
    shifted = (  # the points the data moved: what the chart is about, marked on each of their bars
        named_data("pulls")
        .transform_filter(alt.datum.kind == "outlier")
        .transform_calculate(mark="'shifted point'")
        .mark_point(shape="cross", filled=True, size=70, opacity=1)
        .encode(
            x="point:O",
            xOffset="series:N",
            y="contribution:Q",
            color=alt.Color(
                "mark:N",
                scale=alt.Scale(domain=["shifted point"], range=["#333333"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
        )
    )
    chart = alt.layer(chart, shifted).resolve_scale(color="independent").properties(height=height, width="container")
    return chart.properties(title=title) if title else chart


def influence_chart(df: pd.DataFrame, losses: Sequence[str], title: str = "", height: int = 300) -> Spec:
    """Each point's pull on w per loss, the negative gradient, the way a step moves w (df: point, series,
    contribution, residual = height above the line, kind: inlier or outlier, the shifted ones marked), on a linear
    axis: a page that wants bounded pulls readable beside unbounded ones draws a second panel of those alone."""
    return Spec(_influence(tuple(losses), title, height), {"pulls": df})
