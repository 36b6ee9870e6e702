"""The app's chart vocabulary: long-form data in, a `Spec` out. Never calls st.

Each public function takes the data and returns a `Spec`: a Vega-Lite spec built by Altair once
per *structure* (which losses, which layers, which titles) and cached as JSON, plus the named
datasets it draws. A slider change therefore costs a dictionary and some rows, not an Altair
build: Altair's building and schema validation run once per structure, and because the spec text
stays the same between reruns the browser patches the data instead of rebuilding the view.
Every template is validated against the Vega-Lite schema when it is built.

One colour per loss everywhere, from the Okabe-Ito colour-blind-safe palette, and a dash
pattern per loss too, so the lines are told apart in greyscale or by colour-blind eyes.
Theory (optima, bands, closed forms) is drawn in a neutral grey on top of the data.

Over 400 lines: the shared chart kernel (templates, scales, labels, the trajectory chart) every lesson draws with.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa

from core import LOSS_LABELS
from ui.follow import SERVED, Family, Slider, by_value_holder, named_data, picked, stale_layer, value_layer
from ui.follow import bound_param as follow_param

# Okabe-Ito. Huber is reddish purple: its bluish green read as L1's blue beside it
LOSS_COLORS = {"l1": "#0072B2", "l2": "#E69F00", "signed_l1": "#009E73", "huber": "#CC79A7"}  # Okabe-Ito; no two
# oranges side by side (signed L1 was vermilion beside L2's orange)
LOSS_DASHES = {"l1": [1, 0], "l2": [6, 3], "signed_l1": [2, 2], "huber": [8, 3, 2, 3]}
OPTIMIZER_COLORS = {"sgd": "#56B4E9", "momentum": "#CC79A7", "adam": "#8C6D31", "polyak": "#7F7F7F"}
OPTIMIZER_SHAPES = {"sgd": "circle", "momentum": "square", "adam": "triangle-up", "polyak": "diamond"}
THEORY = "#888888"
MAX_RULES = 5  # labelled reference lines per chart
UPDATE_AXIS = alt.Axis(tickMinStep=1)  # updates are whole numbers: no tick at 0.2 on a short run


@dataclass(frozen=True)
class Spec:
    """A chart: its Vega-Lite spec without data (JSON text, cached per structure) and its named datasets."""

    template: str
    datasets: dict[str, pd.DataFrame]
    params: dict[str, float] = field(default_factory=dict)  # values of the template's `data_params`

    def to_dict(self) -> dict:
        """A fresh spec dict with the datasets attached under "datasets" as Arrow tables (`st.vega_lite_chart`
        serialises them), beside any constant datasets the template carries; the params' values go as the one-row
        dataset PARAMS (`data_params`)."""
        spec = json.loads(self.template)
        data = {k: arrow_table(df) for k, df in self.datasets.items()}
        if self.params:
            data[PARAMS] = arrow_table(pd.DataFrame({k: [v] for k, v in self.params.items()}))
        spec["datasets"] = {**spec.get("datasets", {}), **data}
        return spec


PARAMS = "params"  # the dataset that carries a template's param values (`data_params`)


def data_params(defaults: dict[str, float]) -> tuple[list, alt.Chart]:
    """Top-level params whose values the chart reads from the one-row dataset PARAMS (filled by Spec.to_dict), and
    the invisible layer that keeps that dataset in the view (add both to a layer chart).

    A value written into the spec would change the spec's text at every move, and the browser rebuilds a chart
    whose text changed (Vega parses and compiles it again); a value that comes as data is patched in place, as
    every other dataset is, and the scales that read it follow. `defaults` hold until the data arrives."""
    first = f"data('{PARAMS}')[0]"
    params = [
        alt.param(name=name, expr=f"length(data('{PARAMS}')) ? {first}.{name} : {value!r}")
        for name, value in defaults.items()
    ]
    return params, named_data(PARAMS).mark_point(opacity=0)


def arrow_table(df: pd.DataFrame) -> pa.Table:
    """A table as an Arrow table, which Streamlit sends as it is (its public path for chart data), built column by
    column. Streamlit would convert a DataFrame itself (through pandas' Arrow bridge, with pandas metadata);
    this is about 2.5 times faster and 2.5 times smaller: text and categorical columns are dictionary-
    encoded (a legend label repeated down hundreds of rows is sent once) and small whole numbers go as 32-bit integers.
    """
    columns = {}
    for name, col in df.items():
        values = col.array
        if isinstance(values, pd.Categorical):  # labels built from codes (ui.frames.stack)
            array = pa.DictionaryArray.from_arrays(
                pa.array(values.codes, type=pa.int32()), pa.array(np.asarray(values.categories, dtype=object))
            )
        elif hasattr(values, "__arrow_array__"):  # pandas' Arrow-backed text
            array = pa.array(values)
        else:
            v = col.to_numpy()
            if v.dtype.kind == "O":
                array = pa.array(v, type=pa.string())
            elif v.dtype.kind in "iu" and (v.size == 0 or int(np.abs(v).max()) < 2**31):
                array = pa.array(v.astype(np.int32))
            else:
                array = pa.array(v)
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            array = array.dictionary_encode()
        columns[str(name)] = array
    return pa.table(columns)


def template(build: Callable[..., alt.TopLevelMixin]) -> Callable[..., str]:
    """A chart builder made its own cache key: called with the same (hashable) arguments, it returns the same
    spec text, built by Altair and validated against the Vega-Lite schema once. Its arguments are the chart's
    structure (which losses, which layers, titles); the data goes beside it in the `Spec`."""

    @functools.lru_cache(maxsize=64)
    @functools.wraps(build)
    def cached(*structure) -> str:
        return json.dumps(build(*structure).to_dict())

    return cached


def label(loss: str) -> str:
    return LOSS_LABELS[loss]


def loss_scales(losses: Sequence[str]) -> tuple[alt.Scale, alt.Scale]:
    """Colour and dash scales whose domain is the loss labels, in the given order."""
    domain = [label(k) for k in losses]
    return (
        alt.Scale(domain=domain, range=[LOSS_COLORS[k] for k in losses]),
        alt.Scale(domain=domain, range=[LOSS_DASHES[k] for k in losses]),
    )


def series_encodings(losses: Sequence[str], legend_title: str = "loss") -> dict:
    color, dash = loss_scales(losses)
    return {
        "color": alt.Color(
            "series:N", scale=color, title=legend_title, legend=alt.Legend(orient="bottom", columns=2, labelLimit=260)
        ),  # two to a row: a row of three or four runs off a phone's screen
        "strokeDash": alt.StrokeDash("series:N", scale=dash, title=legend_title),
    }


RULE_SLOTS = ("right above", "left above", "right below", "left below")  # where a reference's label may sit
TOP_SLOTS = ("right top",)  # above the plot, where no line runs: when lines cross every slot beside the line
LABEL_PX = 13  # a reference label's height (font 11 and its gap), px
TYPICAL_PLOT_PX = 620  # a chart's plot width on a projector, px: how much of the x axis a label covers
COINCIDE_PX = 4  # references closer than this on screen share one label


@dataclass(frozen=True)
class RuleStyle:
    """How reference labels look (font, colour, offset from their line) and what `place_rules` assumes of the chart
    to keep them off the lines: a label's height, the plot's width (how much of the x axis a label covers) and the
    chart's height outside its plot (axes, legend). The default is every chart's as it always was."""

    font: int = 11
    color: str = THEORY
    dy: int = 2  # px between the line and its label
    label_px: int = LABEL_PX
    plot_px: int = TYPICAL_PLOT_PX
    chrome_px: int = 30  # the chart's height outside its plot, px
    char_px: float = 6.2  # a label character's width, px
    offset: bool = False  # whether placement keeps `dy` clear between the label and any line (the default ignores it)
    rule_color: str = THEORY  # the dashed reference lines' own colour
    # the labels that go above the plot (TOP_SLOTS, where lines cross every slot beside their line): one reference a
    # line, stacked upward from the plot's top edge (`stacked_labels`), each short enough for a phone; else joined
    # on one line at the top edge. A chart with a follow marker then writes its value as its title, above them.
    stack: bool = False


RULES = RuleStyle()
# larger, darker labels kept a few px off every line, placed as if on a phone (a narrow plot) and under a two-row
# legend (a short plot): the signed-L1 page's w charts, where a run ends on its target's line
LEGIBLE_RULES = RuleStyle(
    font=13, color="#4d4d4d", dy=5, label_px=17, plot_px=300, chrome_px=190, char_px=7.3, offset=True
)
# the same labels for a chart whose `height` is its plot's own (autosize fit-x: the noise page's w charts, whose
# runs oscillate across every reference): stacked above the plot, the dashed lines as dark as their labels
LEGIBLE_STACKED = dataclasses.replace(LEGIBLE_RULES, chrome_px=30, rule_color=LEGIBLE_RULES.color, stack=True)
SEPARATOR = " · "  # the texts of references that share one label (`place_rules`), joined


def stacked_labels(rules: pd.DataFrame, style: RuleStyle) -> pd.DataFrame:
    """The labels `place_rules` put above the plot (TOP_SLOTS), one reference a line, the last one lowest: text,
    px (its baseline, pixels from the plot's top edge, negative above it)."""
    joined = rules.loc[rules["slot"].isin(TOP_SLOTS), "text"]
    lines = [t for text in joined for t in str(text).split(SEPARATOR)]
    return pd.DataFrame({"text": lines, "px": [-style.label_px * (len(lines) - 1 - i) for i in range(len(lines))]})


def rules_layers(style: RuleStyle = RULES) -> list[alt.Chart]:
    """Horizontal reference lines with their labels (dataset "rules": y, text, slot; see `place_rules`)."""
    base = named_data("rules")
    rule = base.mark_rule(color=style.rule_color, strokeDash=[4, 4]).encode(
        y="y:Q", tooltip=["text:N", alt.Tooltip("y:Q", format=".4g")]
    )
    texts = []  # one text layer per slot: a mark's align and dy cannot be encoded
    for slot in (*RULE_SLOTS, *(() if style.stack else TOP_SLOTS)):
        side, level = slot.split()
        texts.append(
            base.transform_filter(alt.datum.slot == slot)
            .mark_text(
                align="right" if side == "right" else "left",
                baseline="top" if level == "below" else "bottom",
                dx=-4 if side == "right" else 4,
                dy=style.dy if level == "below" else -style.dy,
                color=style.color,
                fontSize=style.font,
            )
            .encode(
                y=alt.value(0) if level == "top" else "y:Q",  # "top": over the plot's top edge, outside it
                x=alt.value("width") if side == "right" else alt.value(0),
                text="text:N",
            )
        )
    if style.stack:  # the labels above the plot, one a line (dataset "stacked", `stacked_labels`)
        texts.append(
            named_data("stacked")
            .mark_text(align="right", baseline="bottom", dx=-4, dy=-2, color=style.color, fontSize=style.font)
            .encode(y=alt.Y("px:Q", scale=None), x=alt.value("width"), text="text:N")  # px: pixels above the plot
        )
    return [rule, *texts]


def _segments(lines: pd.DataFrame, value: str) -> tuple[np.ndarray, ...]:
    """Each drawn line as segments between consecutive updates of one series:
    (x0, x1, low, high). A line crossing a label's box between two points crosses it too (a run jumping across its
    optimum at every update has no point beside it). A point alone is a segment of length 0."""
    df = lines.sort_values(["series", "update"], kind="stable") if "series" in lines else lines.sort_values("update")
    x, y = df["update"].to_numpy(float), df[value].to_numpy(float)
    same = df["series"].to_numpy() if "series" in df else np.zeros(len(df))
    pair = (same[1:] == same[:-1]) & np.isfinite(y[1:]) & np.isfinite(y[:-1])
    alone = np.isfinite(y)  # every finite point, also as a segment of its own
    return (
        np.r_[x[:-1][pair], x[alone]],
        np.r_[x[1:][pair], x[alone]],
        np.r_[np.minimum(y[:-1], y[1:])[pair], y[alone]],
        np.r_[np.maximum(y[:-1], y[1:])[pair], y[alone]],
    )


# Over 50 lines: merging coinciding references, spreading names and placing each where no line runs are one pass
# over the same rows.
def place_rules(
    hlines: pd.DataFrame,
    lines: pd.DataFrame,
    value: str,
    *,
    height: int = 280,
    extent: Sequence[float] = (),
    style: RuleStyle = RULES,
) -> pd.DataFrame:
    """The reference lines with one label each where no run passes: references that meet on screen (within
    COINCIDE_PX) share one label, their texts joined; each label takes the first slot (right or left end, above
    or below its line) that no line of `lines` (update, value) crosses and no earlier label covers; if lines cross
    all four (a run oscillating around its optimum), the slot above the plot (TOP_SLOTS), one label there, the
    texts joined.
    `extent`: other values the y axis spans (a shaded band), for the scale of a pixel; `style`: the labels' size and
    the chart's proportions it assumes (RuleStyle). Returns y, text, slot."""
    refs = hlines.dropna(subset=["y"]).sort_values("y", kind="stable")
    x0, x1, lo, hi = _segments(lines, value)
    y = np.concatenate([lo, hi])
    x = np.concatenate([x0, x1])
    ref_y = refs["y"].to_numpy(float)
    ends = np.concatenate([y, ref_y, np.asarray(extent, dtype=float)])
    span = float(np.ptp(ends)) if ends.size else 0.0
    per_px = (span or 1.0) / max(height - style.chrome_px, 40)  # data per pixel, the axis' padding left out
    groups: list[tuple[float, float, list[str]]] = []  # (y, screen y, texts)
    for y_ref, screen_y, text in zip(refs["y"], ref_y, refs["text"], strict=True):
        if groups and screen_y - groups[-1][1] < COINCIDE_PX * per_px:
            groups[-1][2].append(str(text))
        else:
            groups.append((float(y_ref), float(screen_y), [str(text)]))
    x_lo, x_hi = (float(x.min()), float(x.max())) if x.size else (0.0, 1.0)
    label_h, gap_y = style.label_px * per_px, (style.dy * per_px if style.offset else 0.0)
    taken: list[tuple[str, float, float]] = []  # (side, bottom, top) of each label placed so far
    rows = []
    for y_ref, screen_y, texts in groups[:MAX_RULES]:
        text = SEPARATOR.join(texts)
        cover = min(1.0, (style.char_px * len(text) + 8) / style.plot_px) * (x_hi - x_lo)  # the x range under the label

        gaps = {}  # slot -> how far the nearest line passes from the label's box (negative: through it)
        for slot in RULE_SLOTS:
            side, level = slot.split()
            bottom = screen_y + gap_y if level == "above" else screen_y - gap_y - label_h
            near = (x1 >= x_hi - cover) if side == "right" else (x0 <= x_lo + cover)  # segments under the label
            gap = np.maximum(bottom - hi[near], lo[near] - bottom - label_h)
            gaps[slot] = float(np.min(gap)) if gap.size else np.inf
            if any(s == side and bottom < top and low < bottom + label_h for s, low, top in taken):
                gaps[slot] = -np.inf  # on a label placed before: only where every slot is
        # stacked labels: one wider than a phone's plot goes above it, one reference a line (beside its line it ran
        # off the plot's left edge, over the axis and the chart's title)
        wide = style.stack and style.char_px * len(text) + 8 > style.plot_px
        best = TOP_SLOTS[0] if wide else next((slot for slot in RULE_SLOTS if gaps[slot] >= 0), TOP_SLOTS[0])
        on_top = next((row for row in rows if row["slot"] == TOP_SLOTS[0]), None)
        if best == TOP_SLOTS[0] and on_top is not None:  # one label above the plot: two would meet on a phone
            on_top["text"] += SEPARATOR + text
            continue
        side, level = best.split()
        bottom = screen_y + gap_y if level == "above" else screen_y - gap_y - label_h
        if level != "top":
            taken.append((side, bottom, bottom + label_h))
        rows.append({"y": y_ref, "text": text, "slot": best})
    return pd.DataFrame(rows, columns=["y", "text", "slot"])


def rules_data(
    hlines: pd.DataFrame | None,
    lines: pd.DataFrame,
    value: str,
    *,
    height: int = 280,
    extent: Sequence[float] = (),
    style: RuleStyle = RULES,
) -> dict[str, pd.DataFrame]:
    """The datasets `rules_layers(style)` draws: "rules" (`place_rules`), and with `style.stack` "stacked"
    (`stacked_labels`); none without references."""
    if hlines is None or hlines.empty:
        return {}
    rules = place_rules(hlines, lines, value, height=height, extent=extent, style=style)
    return {"rules": rules, **({"stacked": stacked_labels(rules, style)} if style.stack else {})}


def band_layers() -> list[alt.Chart]:
    """A shaded horizontal band (dataset "band": lo, hi, text)."""
    return [
        named_data("band")
        .mark_rect(opacity=0.15, color=LOSS_COLORS["l1"])
        .encode(
            y="lo:Q",
            y2="hi:Q",
            tooltip=["text:N", alt.Tooltip("lo:Q", format=".4g"), alt.Tooltip("hi:Q", format=".4g")],
        )
    ]


# Over 50 lines: one template's layers (paths, points, rules, the slider's value) read side by side.
@template
def _trajectory(
    value: str,
    title: str,
    losses: tuple[str, ...],
    rules: bool,
    band: bool,
    theory: bool,
    marker: bool,
    height: int,
    follow: tuple[Slider, str, bool] | None = None,
    y_format: str | None = None,
    rule_style: RuleStyle = RULES,
) -> alt.LayerChart:
    # a shaded band gets room above and below it: a band as tall as the data would shade the whole plot, edgeless
    # 8 px of padding otherwise: a run along the edge (the derivation's right run at w = 0.5) stays in view
    y_scale = alt.Scale(zero=False, padding=14 if band else 8)
    lines = (
        named_data("lines")
        .mark_line(strokeWidth=2.2, clip=True)
        .encode(
            x=alt.X("update:Q", title="update k", axis=UPDATE_AXIS),
            y=alt.Y(
                f"{value}:Q", title=title, scale=y_scale, axis=alt.Axis(format=y_format) if y_format else alt.Undefined
            ),
            tooltip=["series:N", "update:Q", alt.Tooltip(f"{value}:Q", format=".5g")],
            **series_encodings(losses),
        )
    )
    layers = [*(band_layers() if band else []), lines, *(rules_layers(rule_style) if rules else [])]
    if theory:  # rings threaded on the run's line: dots of the same size read as its own dotted dash
        layers.append(
            named_data("theory")
            .mark_point(shape="circle", filled=False, size=70, stroke="#333333", strokeWidth=1.4, opacity=0.9)
            .encode(
                x="update:Q",
                y=f"{value}:Q",
                tooltip=[alt.Tooltip("text:N", title="theory"), "update:Q", alt.Tooltip(f"{value}:Q", format=".5g")],
            )
        )
    if marker:
        layers.append(named_data("marker").mark_rule(color="#444444", strokeWidth=2).encode(x="update:Q"))
    # labels stacked above the plot: the followed update is the chart's title, above them (beside them, on a phone
    # the two ran into each other)
    titled = follow is not None and rule_style.stack and rules
    chart = alt.layer(*layers, *(_follow_marker(follow, value, losses, titled) if follow else ()))
    chart = (chart.add_params(follow_param(follow[0])) if follow else chart).properties(
        height=height, width="container"
    )
    if titled:
        chart = chart.properties(title=follow_title(f"'update k = ' + {follow[0].expr}"))
    return chart


def follow_title(text_expr: str) -> alt.TitleParams:
    """A chart's title that reads its own slider (`text_expr`, a Vega expression): above everything, the labels
    stacked above the plot included."""
    return alt.TitleParams(text=alt.expr(text_expr), anchor="start", fontSize=14, fontWeight="bold", color="#222222")


def _follow_marker(
    follow: tuple[Slider, str, bool], value: str, losses: tuple[str, ...], titled: bool = False
) -> list[alt.Chart]:
    """The marker at the update the chart's own slider holds: a rule, a dot on each run (its family, `value` at
    every update), the update written in the corner (`titled`: in the chart's title instead), and a note while
    the numbers under the chart lag it (under the plot when titled: above it are the stacked labels)."""
    slider, family_name, by_value = follow
    at_k = {"update": slider.expr}
    color = alt.Color("series:N", scale=loss_scales(losses)[0], legend=None)
    return [
        named_data(SERVED).transform_calculate(**at_k).mark_rule(color="#444444", strokeWidth=2).encode(x="update:Q"),
        picked(slider, family_name, (value,), by_value)
        .transform_calculate(**at_k)
        .mark_point(filled=True, size=70, opacity=1, stroke="#222222", strokeWidth=0.8)
        .encode(
            x="update:Q", y=f"{value}:Q", color=color, tooltip=["series:N", alt.Tooltip(f"{value}:Q", format=".5g")]
        ),
        *([by_value_holder(family_name)] if by_value else []),
        *([] if titled else [value_layer(slider, f"'update k = ' + {slider.expr}")]),
        stale_layer(slider, "numbers below", below=titled),
    ]


def trajectory_chart(
    df: pd.DataFrame,
    value: str,
    title: str,
    losses: Sequence[str],
    *,
    hlines: pd.DataFrame | None = None,
    band: tuple[float, float, str] | None = None,
    theory: pd.DataFrame | None = None,
    marker: int | None = None,
    follow: tuple[Slider, Family] | None = None,
    height: int = 280,
    y_format: str | None = None,
    rule_style: RuleStyle = RULES,
) -> Spec:
    """Lines of `value` over updates, one per loss (df: update, series, value); `y_format`: the y axis' d3 format
    (e.g. "~g": 0.01 where a flat line's default ticks print 0.010000); `rule_style`: the reference labels' look
    and placement (RuleStyle).

    Optional layers: reference lines (`hlines`: y, text), a shaded band (lo, hi, text), a theory
    curve (`theory`: update, value) drawn as grey rings, and a vertical marker at one update, or a marker that
    follows the chart's own slider (`follow`: the slider, and the family of `value` at each of its updates,
    one drawn row per series; draw it with ui.follow.chart).
    """
    extent = band[:2] if band is not None else ()  # the band widens the axis: a pixel spans more of w
    data = {
        "lines": df,
        **rules_data(hlines, df, value, height=height, extent=extent, style=rule_style),
    }
    if band is not None:
        data["band"] = pd.DataFrame({"lo": [band[0]], "hi": [band[1]], "text": [band[2]]})
    if theory is not None and not theory.empty:
        data["theory"] = theory
    if marker is not None:
        data["marker"] = pd.DataFrame({"update": [marker]})
    layers = ("rules" in data, "band" in data, "theory" in data, "marker" in data)
    structure = None
    if follow is not None:
        slider, fam = follow
        data.update(fam.datasets)
        structure = (slider, fam.name, fam.by_value is not None)
    return Spec(_trajectory(value, title, tuple(losses), *layers, height, structure, y_format, rule_style), data)


@template
def _small_multiples(value: str, title: str, losses: tuple[str, ...], height: int, best: str | None):
    """The panels stacked, each as wide as its column (a row of fixed-width facets ran off a phone's screen)."""
    y = alt.Y(f"{value}:Q", title=title, scale=alt.Scale(zero=False))
    colour, dash = loss_scales(losses)
    series = {  # the panel's title names its loss: no legend
        "color": alt.Color("series:N", scale=colour, legend=None),
        "strokeDash": alt.StrokeDash("series:N", scale=dash, legend=None),
    }

    def panel(name: str) -> alt.LayerChart:
        base = alt.Chart().transform_filter(alt.datum.series == name)
        layers = [
            base.mark_line(strokeWidth=2.2).encode(
                x=alt.X("update:Q", title="update k", axis=UPDATE_AXIS),
                y=y,
                tooltip=["series:N", "update:Q", alt.Tooltip(f"{value}:Q", format=".5g")],
                **series,
            ),
            base.mark_rule(color=THEORY, strokeDash=[4, 4]).encode(y=alt.datum(0)),
        ]
        if best:
            layers.append(
                base.mark_line(color="#222222", strokeWidth=1.2).encode(
                    x="update:Q", y=f"{best}:Q", tooltip=[alt.Tooltip(f"{best}:Q", format=".5g", title="best so far")]
                )
            )
        return alt.layer(*layers).properties(title=name, width="container", height=height)

    return (
        alt.vconcat(*(panel(label(k)) for k in losses), data=alt.NamedData(name="panels"))
        .resolve_scale(y="independent")
        .properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))  # axes inside the column
    )


def small_multiples(
    df: pd.DataFrame,
    value: str,
    title: str,
    losses: Sequence[str],
    height: int = 150,
    best: str | None = None,
) -> Spec:
    """One panel per loss with its own y scale (their values differ by orders of magnitude), stacked, each as
    wide as the column, so they fit a phone as well as a projector.

    One chart over one table (update, series, value[, best]): a fraction of the cost of building a chart per
    panel. Each loss keeps its colour and dash; the grey dashed line is 0; the `best` column, if named, is
    drawn as the best value so far in a dark line.
    """
    structure = (value, title, tuple(losses), height, best)  # the template's cache key, in order
    return Spec(_small_multiples(*structure), {"panels": df})
