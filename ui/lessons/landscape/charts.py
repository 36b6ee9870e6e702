"""The landscape lesson's charts: the loss map with every optimiser's path, and their losses over updates."""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ui.charts import (
    OPTIMIZER_COLORS,
    OPTIMIZER_SHAPES,
    UPDATE_AXIS,
    Spec,
    data_params,
    named_data,
    template,
)
from ui.follow import Family, Slider, bound_param, by_value_holder, picked, stale_layer, value_layer
from ui.lessons.landscape.compute import PATH_FIELDS

RANGE_PARAMS = ("w_lo", "w_hi", "b_lo", "b_hi")
CREASE_COLOR = "#009E73"  # Okabe-Ito bluish green: no optimiser's path and not the optimum's orange-red
OPTIMUM_COLOR = "#D55E00"  # Okabe-Ito vermillion
# the shared palette draws Polyak's step grey, which vanishes on the map's greys: Okabe-Ito orange here
COLORS = {**OPTIMIZER_COLORS, "polyak": "#E69F00"}
OPTIMUM_LABEL = "optimum"
CREASE_LABEL = "crease: one residual is 0"
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
LOG_FLOOR = 1e-12  # the loss chart's floor: an excess below it is drawn at it


def log_label_expr(floor_exponent: int = -12) -> str:
    """A log axis's labels without e-notation: 1,000, 1, 0.01 down to 0.001, then powers of ten written 10⁻⁶."""
    small = "''"
    for e in range(-4, floor_exponent - 1, -1):
        small = f"(datum.value == 1e{e} ? '10{str(e).translate(SUPERSCRIPT)}' : {small})"
    return f"datum.value >= 0.001 ? format(datum.value, ',~g') : {small}"


def _optimizer_scales(optimizers: tuple[str, ...], names: tuple[str, ...]) -> tuple[alt.Scale, alt.Scale]:
    """Colour and shape per optimiser, keyed by the names its data carries (the labels a page shows)."""
    return (
        alt.Scale(domain=list(names), range=[COLORS[o] for o in optimizers]),
        alt.Scale(domain=list(names), range=[OPTIMIZER_SHAPES[o] for o in optimizers]),
    )


MAP_GREYS = (0x1A, 0xF2)  # the map's grey for the lowest and the highest log(1 + loss), linear in between


PROBE_CELLS = 14  # cells per side that answer a hover on the map with their loss


def _png_grey(pixels: np.ndarray) -> str:
    """An 8-bit greyscale image (rows top to bottom) as a PNG data URL."""
    h, w = pixels.shape
    rows = b"".join(b"\x00" + row.tobytes() for row in np.ascontiguousarray(pixels, dtype=np.uint8))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _map_layers(grid: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The loss map as one image instead of a mark per cell (4,900 marks cost the browser most of a redraw):
    "map" is the picture (two rows, the lowest and highest loss, which also give the colour legend its range),
    "grid" the PROBE_CELLS² cells a hover reads the loss from (the loss at each cell's centre, a grid itself).
    `grid`: n x n cells (w0, w1, b0, b1, loss, level), w the outer index, as compute.surface makes them."""
    n = round(len(grid) ** 0.5)
    cols = {k: grid[k].to_numpy(dtype=float).reshape(n, n) for k in ("w0", "w1", "b0", "b1", "loss", "level")}
    level = cols["level"]
    lo, hi = float(level.min()), float(level.max())
    t = (level - lo) / (hi - lo) if hi > lo else np.zeros_like(level)
    pixels = np.rint(MAP_GREYS[0] + t * (MAP_GREYS[1] - MAP_GREYS[0]))
    url = _png_grey(pixels.T[::-1])  # rows from the highest b down, columns from the lowest w
    edges = (cols["w0"].min(), cols["w1"].max(), cols["b0"].min(), cols["b1"].max())
    picture = pd.DataFrame(
        [(*edges, np.expm1(lv), url) for lv in (lo, hi)], columns=["w0", "w1", "b0", "b1", "loss", "url"]
    )
    block = max(1, -(-n // PROBE_CELLS))
    first = np.arange(0, n, block)
    last, mid = np.minimum(first + block, n) - 1, np.minimum(first + block // 2, n - 1)
    at = {k: np.ix_(idx, idx) for k, idx in (("first", first), ("last", last), ("mid", mid))}
    probe = {
        "w0": cols["w0"][at["first"]],
        "w1": cols["w1"][at["last"]],
        "b0": cols["b0"][at["first"]],
        "b1": cols["b1"][at["last"]],
        "w": (cols["w0"] + cols["w1"])[at["mid"]] / 2,
        "b": (cols["b0"] + cols["b1"])[at["mid"]] / 2,
        "loss": cols["loss"][at["mid"]],
    }
    return {"map": picture, "grid": pd.DataFrame({k: v.ravel() for k, v in probe.items()})}


def _map_layers_spec(xs: alt.Scale, ys: alt.Scale) -> list[alt.Chart]:
    """The loss map: its picture, its greys as a legend, and the cells a hover reads the loss from."""
    picture = (
        named_data("map")
        .mark_image(aspect=False, clip=True)
        .encode(
            x=alt.X("w0:Q", scale=xs, title="w (slope)"),
            x2="w1:Q",
            y=alt.Y("b1:Q", scale=ys, title="b (bias)"),  # the image's top edge
            y2="b0:Q",
            url="url:N",
        )
    )
    grey = [f"#{v:02x}{v:02x}{v:02x}" for v in MAP_GREYS]
    cells = {"x": alt.X("w0:Q", scale=xs), "x2": "w1:Q", "y": alt.Y("b0:Q", scale=ys), "y2": "b1:Q"}  # one map cell
    legend = (  # the picture's greys as a legend: an invisible mark over its lowest and highest level
        named_data("map")
        .mark_rect(opacity=0)
        .encode(
            **cells,
            # the greys follow log(1 + loss), which is a symmetric-log scale with constant 1: its legend reads the
            # loss itself, with ticks at round losses (400, not log(1 + loss) = 6, which is 402.4)
            color=alt.Color(
                "loss:Q",
                scale=alt.Scale(type="symlog", constant=1, range=grey, interpolate="rgb", zero=False, nice=False),
                title="loss",
            ),
        )
    )
    tooltip = [alt.Tooltip("w:Q", format=".3f"), alt.Tooltip("b:Q", format=".3f"), alt.Tooltip("loss:Q", format=".4g")]
    probe = named_data("grid").mark_rect(opacity=0).encode(**cells, tooltip=tooltip)
    return [picture, legend, probe]


def _path_layers(
    optimizers: tuple[str, ...], names: tuple[str, ...], xs: alt.Scale, ys: alt.Scale, sources: list[alt.Chart]
) -> list[alt.Chart]:
    """Each optimiser's path as a line through its updates' points, drawn alike from each of `sources` (the rows
    of the paths that stay put, and those the chart's slider moves), and the optimum as a cross."""
    color, shape = _optimizer_scales(optimizers, names)
    legend = {"orient": "bottom", "title": "optimiser", "columns": 2, "labelLimit": 260}  # whole names, 16 px too
    at = {"x": alt.X("w:Q", scale=xs), "y": alt.Y("b:Q", scale=ys)}
    # no ARIA description per mark (the chart's description says it): Vega would format one per point at every move
    line = alt.layer(
        *(
            paths.mark_line(strokeWidth=2, clip=True, aria=False).encode(
                **at,
                order="step:Q",
                detail="optimizer:N",
                color=alt.Color("optimizer:N", scale=color, legend=None),  # the points' legend shows both
            )
            for paths in sources
        )
    )
    points = alt.layer(  # one scale for both sources' points (shared inside this layer): one legend
        *(
            paths.mark_point(size=22, filled=True, clip=True, aria=False).encode(
                **at,
                shape=alt.Shape("optimizer:N", scale=shape, legend=alt.Legend(**legend)),
                color=alt.Color("optimizer:N", scale=color, legend=alt.Legend(**legend)),
                tooltip=["optimizer:N", "step:Q", alt.Tooltip("w:Q", format=".4f"), alt.Tooltip("b:Q", format=".4f")],
            )
            for paths in sources
        )
    )
    optimum = (
        named_data("optimum")
        .mark_point(shape="cross", size=320, strokeWidth=3, filled=True)
        .encode(
            **at,
            color=alt.Color(
                "text:N",
                scale=alt.Scale(domain=[OPTIMUM_LABEL], range=[OPTIMUM_COLOR]),
                legend=alt.Legend(orient="top", title=None, symbolType="cross", labelLimit=260),
            ),
            tooltip=["text:N", alt.Tooltip("w:Q", format=".4f"), alt.Tooltip("b:Q", format=".4f")],
        )
    )
    return [line, points, optimum]


@template
def _landscape(
    optimizers: tuple[str, ...],
    creases: bool,
    names: tuple[str, ...],
    fixed: bool,
    slider: Slider | None,
    by_value: bool,
    height: int = 400,
) -> alt.LayerChart:
    # the axis ranges are params (data_params), so one template serves every range
    xs = alt.Scale(domain=[alt.ExprRef(expr="w_lo"), alt.ExprRef(expr="w_hi")], nice=False, zero=False)
    ys = alt.Scale(domain=[alt.ExprRef(expr="b_lo"), alt.ExprRef(expr="b_hi")], nice=False, zero=False)
    layers = _map_layers_spec(xs, ys)
    if creases:
        layers.append(
            named_data("creases")
            .mark_line(opacity=0.5, strokeWidth=1, clip=True)
            .encode(
                x=alt.X("w:Q", scale=xs),
                y=alt.Y("b:Q", scale=ys),
                detail="sample:N",
                color=alt.Color(
                    "kind:N",
                    scale=alt.Scale(domain=[CREASE_LABEL], range=[CREASE_COLOR]),
                    legend=alt.Legend(orient="top", title=None, symbolType="stroke", labelLimit=260),
                ),
            )
        )
    ranges, holder = data_params(dict(zip(RANGE_PARAMS, (0.0, 1.0, 0.0, 1.0), strict=True)))
    sources = [named_data("paths")] if fixed else []
    sources += [picked(slider, "moving", PATH_FIELDS, by_value)] if slider is not None else []
    layers += [*_path_layers(optimizers, names, xs, ys, sources), holder]
    layers += [by_value_holder("moving")] if by_value else []
    if slider is not None:
        text = f"'lr = ' + format({slider.expr}, '~g')"
        layers += [value_layer(slider, text), stale_layer(slider, "curves and words")]
    # independent colour scales: the greys of the map, the paths' lines (no legend), and the points, whose
    # colour and shape legends then merge into one
    return (
        alt.layer(*layers)
        .add_params(*ranges, *([bound_param(slider)] if slider is not None else []))
        .resolve_scale(color="independent", shape="independent")
        .properties(height=height, width="container", autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    )


def landscape_chart(
    grid: pd.DataFrame,
    paths: pd.DataFrame,
    creases: pd.DataFrame | None,
    optimum: tuple[float, float],
    optimizers: Sequence[str],
    *,
    w_range: tuple[float, float],
    b_range: tuple[float, float],
    labels: dict[str, str] | None = None,
    moving: Family | None = None,
    slider: Slider | None = None,
    height: int = 400,
) -> Spec:
    """Loss over (w, b) as cells (w0, w1, b0, b1, loss, level), optimiser paths (w, b, step, optimizer),
    crease lines (w, b, sample). Both axes are fixed to the grid's ranges; everything else is clipped.
    `labels`: optimiser -> the name the paths' `optimizer` column carries and the legend shows (default its own).
    `moving`: more paths, at every value of the chart's own `slider` (ui.follow's family of PATH_FIELDS, its rows
    labelled by `optimizer`), drawn at the slider's value as the others are; draw the chart with ui.follow.chart.

    The ranges are params of one template, sent as data (`data_params`): the browser patches the view."""
    if (moving is None) != (slider is None):
        raise ValueError("paths that follow a slider need the slider, and a slider the paths")
    data = {**_map_layers(grid), **({"paths": paths} if not paths.empty else {}), **(moving.datasets if moving else {})}
    if creases is not None and not creases.empty:
        data["creases"] = creases
    if "creases" in data:
        data["creases"] = data["creases"].assign(kind=CREASE_LABEL)
    data["optimum"] = pd.DataFrame({"w": [optimum[0]], "b": [optimum[1]], "text": [OPTIMUM_LABEL]})
    ranges = dict(zip(RANGE_PARAMS, map(float, (*w_range, *b_range)), strict=True))
    names = tuple((labels or {}).get(o, o) for o in optimizers)
    by_value = moving is not None and moving.by_value is not None
    template = _landscape(tuple(optimizers), "creases" in data, names, "paths" in data, slider, by_value, height)
    return Spec(template, data, ranges)


@template
def _optimizer_loss(optimizers: tuple[str, ...], names: tuple[str, ...], height: int) -> alt.Chart:
    color = _optimizer_scales(optimizers, names)[0]
    dash = alt.Scale(domain=["loss − optimum", "best so far − optimum"], range=[[1, 0], [5, 3]])
    base = named_data("curves").encode(
        x=alt.X("update:Q", title="update k", axis=UPDATE_AXIS),
        y=alt.Y(
            "value:Q",
            title=None,  # a page states it above the chart: without it, a phone has the width for the legend
            scale=alt.Scale(type="log"),
            # 10⁻⁶, not 1e-6 or 0.000001: readable, and narrow enough to leave a phone's width to the legend
            axis=alt.Axis(labelExpr=log_label_expr(), tickCount=8),
        ),
        color=alt.Color(
            "optimizer:N",
            scale=color,
            legend=alt.Legend(orient="bottom", title="optimiser", columns=2, labelLimit=260),
        ),
        # above the plot: beside the optimisers' legend it would run off a phone's screen
        strokeDash=alt.StrokeDash("kind:N", scale=dash, legend=alt.Legend(orient="top", title=None)),
        detail="kind:N",
        tooltip=["optimizer:N", "kind:N", "update:Q", alt.Tooltip("value:Q", format=".5g")],
    )
    first = names[optimizers.index("sgd")] if "sgd" in optimizers else None  # the question's run: drawn on top
    if first is None:
        layers = [base.mark_line(strokeWidth=2)]
    else:
        layers = [
            base.transform_filter(alt.datum.optimizer != first).mark_line(strokeWidth=2),
            base.transform_filter(alt.datum.optimizer == first).mark_line(strokeWidth=2.6),
        ]
    # the height is the plot's own (fit-x: only the width follows the page), so the legends do not squeeze it
    return alt.layer(*layers).properties(
        height=height, width="container", autosize=alt.AutoSizeParams(type="fit-x", contains="padding")
    )


def optimizer_loss_chart(
    df: pd.DataFrame, optimizers: Sequence[str], labels: dict[str, str] | None = None, *, height: int = 340
) -> Spec:
    """Excess loss over updates per optimiser (df: update, optimizer, kind, value); best so far dashed. The y axis
    (loss minus the optimal loss, log scale) has no title: the page says it above the chart.
    `labels`: optimiser -> the name df's `optimizer` column carries and the legend shows (default its own)."""
    names = tuple((labels or {}).get(o, o) for o in optimizers)
    return Spec(_optimizer_loss(tuple(optimizers), names, height), {"curves": df})
