"""A chart that follows the hand: the chart carries its whole family (what it draws at every value of its slider)
and a slider bound to it, so the browser redraws while the hand moves and the server catches the words up on
release.

- The family: the marks the chart draws at slider value i (a marker, a tangent, a line) are the same rows at
  every value, only their numbers change. `family` lays them out as float32 columns, whichever way is narrower:
  one column per slider value and field (`{field}_{i}`) on the drawn rows, or, when the slider has more values
  than there are drawn rows, one row per slider value with a column per drawn row and field (`{field}_{row}`),
  read by index (`data(name)[i]`). Either way a move is a lookup, never a filter over a long table (Vega's
  CSP-safe interpreter costs about 1.3 µs per row per expression). Bounded by MAX_FAMILY_BYTES.
- The slider: a point selection bound to a range input (`bound_param`), whose value the page pins per session
  (the spec's text must not change while the hand moves it, or the browser rebuilds the view). Streamlit reruns
  (`on_select="rerun"`, debounced) with the selected value once the hand pauses.
- A "log" control (options not evenly spaced) slides by index: the range input moves over 0..n-1, the chart writes
  the option (`Slider.expr`), and the family's column for an option is its index.
- The value: the control keeps its key and URL parameter. `take` copies a moved value into it before the page
  reads its settings; a value changed anywhere else (a preset, reset, a button, a link) re-pins the chart under a
  new key (`chart_key`), so the browser's slider starts from it.
- While the words lag the chart (the hand moved, the rerun has not come back) the chart says so (`stale_layer`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from ui.controls import Control

MAX_FAMILY_BYTES = 1_000_000  # the bound per page: a family is sent once per setting, not per move
SERVED = "served"  # the one-row dataset holding the value the words on the page were computed for
ROW = "row"  # the drawn rows' index column when the family is laid out one row per slider value


@dataclass(frozen=True)
class Slider:
    """A chart's own slider: the selection param `name` (a JavaScript name) holding control `control`'s value.

    An "int" or "float" control's range input moves over its values; a "log" control's (options not evenly
    spaced) over the options' indices 0..n-1, and the value is the option at the index (`at`)."""

    name: str
    control: Control

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.control.kind not in ("int", "float", "log"):
            raise ValueError(f"need a JavaScript name and a numeric control, got {self.name=}, {self.control.kind=}")

    @property
    def by_index(self) -> bool:
        """The range input holds the option's index, not the value (a "log" control)."""
        return self.control.kind == "log"

    @property
    def values(self) -> np.ndarray:
        """Every value the slider takes: lo, lo + step, ..., hi (a "log" control: its options)."""
        c = self.control
        if self.by_index:
            return np.array(c.options, dtype=float)
        return c.lo + c.step * np.arange(round((c.hi - c.lo) / c.step) + 1)

    def index(self, value: float) -> int:
        """The position of `value` among `values` (the family's column or row for it)."""
        c = self.control
        if self.by_index:
            return int(np.argmin(np.abs(np.log(self.values) - np.log(value))))
        return int(np.clip(round((value - c.lo) / c.step), 0, self.values.size - 1))

    def position(self, value: float) -> float:
        """What the range input holds at `value`: the value itself, or its index for a "log" control."""
        return self.index(value) if self.by_index else value

    def at(self, position: object) -> object:
        """The value the range input's `position` stands for (a "log" control: the option at that index; a
        position that is no whole index in range raises ValueError); the control then checks it."""
        if not self.by_index:
            return position
        if isinstance(position, bool) or not isinstance(position, int | float) or position != int(position):
            raise ValueError(f"not an index of {self.control.key}'s options: {position!r}")
        if not 0 <= position < len(self.control.options):
            raise ValueError(f"not an index of {self.control.key}'s options: {position!r}")
        return self.control.options[int(position)]

    @property
    def position_expr(self) -> str:
        """What the range input holds, in a Vega expression."""
        return f"{self.name}.{self.name}"

    @property
    def expr(self) -> str:
        """The selected value in a Vega expression (a "log" control: the option at the input's index)."""
        if self.by_index:
            return f"[{', '.join(repr(float(o)) for o in self.control.options)}][{self.position_expr}]"
        return self.position_expr

    @property
    def index_expr(self) -> str:
        c = self.control
        if self.by_index:
            return self.position_expr
        return f"round(({self.expr} - {c.lo!r}) / {c.step!r})"


@dataclass(frozen=True)
class Family:
    """What a chart draws at every slider value: `rows` (the drawn rows, labels only, and, laid out by row, the
    family's columns) and, laid out by value, `by_value` (one row per slider value)."""

    name: str
    fields: tuple[str, ...]
    rows: pd.DataFrame
    by_value: pd.DataFrame | None

    @property
    def datasets(self) -> dict[str, pd.DataFrame]:
        out = {self.name: self.rows}
        if self.by_value is not None:
            out[f"{self.name}_by_value"] = self.by_value
        return out

    @property
    def nbytes(self) -> int:
        return sum(int(df.memory_usage(index=False, deep=True).sum()) for df in self.datasets.values())


def named_data(name: str) -> alt.Chart:
    """An empty chart drawing the named dataset `name` (ui.charts and every lesson's charts use this one)."""
    return alt.Chart(alt.NamedData(name=name))


def family(name: str, rows: pd.DataFrame, fields: Mapping[str, np.ndarray]) -> Family:
    """Lay out `fields` (name -> array of shape (slider values, drawn rows)) for drawn rows labelled by `rows`.

    Columns are float32, whichever layout has fewer of them (see the module's docstring); a NaN leaves the row
    out at that value (Vega-Lite filters invalid values), so a value may draw fewer rows than another."""
    shapes = {np.shape(a) for a in fields.values()}
    if len(shapes) != 1 or len(next(iter(shapes))) != 2 or next(iter(shapes))[1] != len(rows):
        raise ValueError(f"need arrays of shape (values, {len(rows)} rows) for every field, got {shapes}")
    n_values, n_rows = next(iter(shapes))
    labels = rows.reset_index(drop=True)
    if n_values <= n_rows:  # one column per value and field, on the drawn rows
        cols = {f"{f}_{i}": a[i].astype(np.float32) for f, a in fields.items() for i in range(n_values)}
        fam = Family(name, tuple(fields), pd.concat([labels, pd.DataFrame(cols)], axis=1), None)
    else:  # one row per value, a column per drawn row and field
        cols = {f"{f}_{r}": a[:, r].astype(np.float32) for f, a in fields.items() for r in range(n_rows)}
        fam = Family(name, tuple(fields), labels.assign(**{ROW: np.arange(n_rows)}), pd.DataFrame(cols))
    if fam.nbytes > MAX_FAMILY_BYTES:
        raise ValueError(f"family {name!r} takes {fam.nbytes} bytes, over {MAX_FAMILY_BYTES}: coarsen it")
    return fam


def picked(slider: Slider, name: str, fields: Sequence[str], by_value: bool) -> alt.Chart:
    """A chart of family `name`'s drawn rows whose `fields` hold their values at the selected slider value."""
    i = slider.index_expr
    if by_value:
        calc = {f: f"data('{name}_by_value')[{i}]['{f}_' + datum.{ROW}]" for f in fields}
    else:
        calc = {f: f"datum['{f}_' + {i}]" for f in fields}
    return named_data(name).transform_calculate(**calc)


def by_value_holder(name: str) -> alt.Chart:
    """An invisible layer that keeps family `name`'s by-value table in the view (`data()` reads only datasets the
    view holds); it draws nothing."""
    return named_data(f"{name}_by_value").transform_filter("false").mark_point(opacity=0)


def bound_param(slider: Slider) -> alt.Parameter:
    """The selection bound to a range input labelled with the control's label; its value is pinned per session
    (`pin`). The input works by keyboard (arrows, Page Up/Down, Home/End); its role is slider."""
    c = slider.control
    lo, hi, step = (0, len(c.options) - 1, 1) if slider.by_index else (c.lo, c.hi, c.step)
    return alt.selection_point(
        name=slider.name,
        fields=[slider.name],
        value=slider.position(c.default),
        bind=alt.binding_range(min=lo, max=hi, step=step, name=c.label),
        on="none",
        clear=False,
    )


BELOW = alt.expr("height + 38")  # under the plot, level with the x axis' title: `below` in the layers here


def value_layer(slider: Slider, text_expr: str, *, below: bool = False) -> alt.Chart:
    """The selected value written above the plot's left end as the hand moves it (`text_expr`: a Vega
    expression of `slider.expr`, with its unit), where the bound input's own raw number is hidden; `below`: under
    the plot's left end instead (where a chart writes its labels above the plot)."""
    return (
        named_data(SERVED)
        .transform_calculate(label=text_expr)
        .mark_text(
            align="left",
            baseline="bottom",
            x=0,
            y=BELOW if below else -6,
            fontSize=13,
            fontWeight="bold",
            color="#222222",
        )
        .encode(text="label:N")
    )


def stale_layer(slider: Slider, words: str, *, below: bool = False) -> alt.Chart:
    """'`words` updating…' above the plot's right end while the selected value is not the one the page's
    words were computed for (the served value), so a student reading them mid-drag is told they lag; `below`:
    under the plot's right end instead (as in `value_layer`)."""
    return (
        named_data(SERVED)
        .transform_calculate(label=f"datum.value != {slider.expr} ? '{words} updating…' : ''")
        .mark_text(
            align="right",
            baseline="bottom",
            x="width",
            y=BELOW if below else -6,
            fontSize=12,
            color="#8A4B00",
        )
        .encode(text="label:N")
    )


def pin(template: str, slider: Slider, value: float) -> str:
    """The template's text with the bound selection starting at `value` (a JSON edit, no Altair build)."""
    spec = json.loads(template)
    for p in spec.get("params", []):
        if p.get("name") == slider.name:
            p["value"] = [{slider.name: slider.position(value)}]
    return json.dumps(spec)


def _state(slider: Slider) -> dict:
    return st.session_state.setdefault(
        f"_follow:{slider.control.key}", {"gen": 0, "last": None, "init": None, "drawn": False, "shown": False}
    )


def chart_key(slider: Slider) -> str:
    """The chart's widget key: a new one each time the value was set other than by this chart's slider."""
    return f"{slider.control.key}_chart_{_state(slider)['gen']}"


def selected(state: object, name: str) -> object | None:
    """The value a chart's selection state holds for param `name` (None before the first move)."""
    try:
        return state["selection"][name][0][name]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None


def take(slider: Slider) -> None:
    """Before the page reads its settings: a value the hand moved the chart's slider to becomes the control's
    (checked like any value a browser sends; a refused one is ignored)."""
    memo = _state(slider)
    memo["shown"], memo["drawn"] = memo["drawn"], False  # whether the last run drew the chart (`chart` notes it)
    if slider.control.key not in st.session_state:
        return  # a first run: the chart has not been drawn
    moved = selected(st.session_state.get(chart_key(slider)), slider.name)
    if moved is None:
        return
    try:
        value = slider.control.check(slider.at(moved))
    except (ValueError, TypeError):
        return
    if value == memo["last"]:
        return
    st.session_state[slider.control.key] = value
    memo["last"] = value


def chart(spec, slider: Slider, alt_text: str, *, readout: bool = False) -> None:
    """Draw `spec` (built with `bound_param(slider)` and the layers above) with its slider at the control's value,
    as ui.layout.chart draws a chart (canvas, description for screen readers), rerunning on release. `readout`: the
    slider shows its value beside its label and its ends under it, as the page's own sliders do (one over values).

    The spec's text stays the same while the hand moves the slider (it starts where it was pinned, the browser
    holds where it went), so the rerun after a move patches data at most and never rebuilds the view."""
    from ui import internals, layout, words  # ui.layout and ui.charts import this module: drawn late

    memo, value = _state(slider), st.session_state[slider.control.key]
    hidden = not memo["shown"]  # not drawn last run (Ask again stopped the page above it): the browser starts anew
    if value != memo["last"] or (hidden and value != memo["init"]):  # set elsewhere, or moved then hidden:
        memo["gen"], memo["last"], memo["init"] = memo["gen"] + 1, value, value  # start the slider where it is
    memo["drawn"] = True
    served = pd.DataFrame({"value": [float(value)]})
    d = type(spec)(pin(spec.template, slider, memo["init"]), {**spec.datasets, SERVED: served}, spec.params).to_dict()
    d["usermeta"] = {"embedOptions": {"renderer": "canvas"}}
    key = chart_key(slider)
    with st.container(gap=None, key=f"follow-{slider.control.key}"):
        st.html(internals.follow_slider_css(f"follow-{slider.control.key}"))
        if readout and not slider.by_index:
            lo, hi = (words.num(v) for v in (slider.control.lo, slider.control.hi))
            st.html(internals.follow_slider_readout_css(f"follow-{slider.control.key}", lo, hi))
        if slider.by_index:  # read out as the option, not its index
            texts = [f"{v:g}" for v in slider.values]
            st.html(
                internals.follow_value_text_script(f"follow-{slider.control.key}", texts), unsafe_allow_javascript=True
            )
        st.vega_lite_chart(
            layout.for_projector(d) if layout.presenting() else d,
            width="stretch",
            alt=layout.CHART_LABEL,
            key=key,
            on_select="rerun",
            selection_mode=[slider.name],
        )
        st.html(layout.chart_text(alt_text))
