"""Helpers shared by the tests."""

import html
import re

from hypothesis import strategies as st

from ui.controls import Control
from ui.layout import CHART_TEXT


def central_difference(f, x: float, h: float = 1e-6) -> float:
    """(f(x + h) - f(x - h)) / 2h: the numerical derivative every analytic one is checked against."""
    return (f(x + h) - f(x - h)) / (2 * h)


def control_values(c: Control) -> st.SearchStrategy:
    """Every value a control's widget can hold: its options, whole numbers, or the slider's steps."""
    if c.kind == "bool":
        return st.booleans()
    if c.kind == "log":
        return st.sampled_from(c.options)
    if c.kind == "int":
        return st.integers(int(c.lo), int(c.hi))
    steps = round((c.hi - c.lo) / c.step)
    return st.integers(0, steps).map(lambda i: round(c.lo + i * c.step, 10))


def control_space(controls: dict[str, Control], presets: dict[str, dict]) -> st.SearchStrategy:
    """A page's settings by short name: anywhere in its control space, or exactly one of its presets."""
    by_key = {c.key: n for n, c in controls.items()}

    def preset(name: str) -> dict:
        return {n: c.default for n, c in controls.items()} | {by_key[k]: v for k, v in presets[name].items()}

    return st.one_of(
        st.fixed_dictionaries({n: control_values(c) for n, c in controls.items()}),
        st.sampled_from(list(presets)).map(preset),
    )


def chart_texts(at) -> list[str]:
    """The descriptions of the charts an AppTest run drew (ui.layout.chart), as a screen reader reads them."""
    found = (re.fullmatch(rf'<p class="{CHART_TEXT}">(.*)</p>', e.proto.body, re.S) for e in at.get("html"))
    return [html.unescape(m.group(1)) for m in found if m]
