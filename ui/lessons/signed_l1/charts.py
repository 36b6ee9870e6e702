"""The signed-L1 page's own touches to the shared charts (ui.charts): its stacked panels share one y-axis width and
keep a constant line off the panel's frame; its w chart's legend takes one row where the width allows."""

from __future__ import annotations

import json

import numpy as np

from ui import charts, layout

LABEL_CHAR_PX = 6.0  # a y-axis tick label's width per character at Vega's default 10 px font
TICK_PX = 6  # the tick and its gap to the label
PANEL_PAD_PX = 8  # room above a panel's highest value and below its lowest: a constant gradient of 40 sat on the top
# edge of its panel (the y domain ended at 40) and merged with the frame


def axis_extent(values: np.ndarray, *, font_scale: float = 1.0) -> int:
    """Room, in px (rounded up to 10), for the widest y tick label of panels drawing `values`: the largest |value|
    with thousands separators, a minus sign and a decimal digit's worth of headroom."""
    v = np.abs(np.asarray(values, dtype=float))
    v = v[np.isfinite(v)]
    top = float(v.max()) if v.size else 1.0
    px = (len(f"{top:,.0f}") + 2) * LABEL_CHAR_PX * font_scale + TICK_PX
    return int(-(-px // 10) * 10)


def aligned_panels(spec: charts.Spec, values) -> charts.Spec:
    """The same stacked panels (charts.small_multiples) with every y axis as wide as the widest one's labels need,
    so each panel's plot starts at the same x: with independent scales a panel with short labels ("400") sat
    further left than its neighbours ("−2,000")."""
    scale = layout.PRESENTATION_CHART_CONFIG["axis"]["labelFontSize"] / 10 if layout.presenting() else 1.0
    extent = axis_extent(values, font_scale=scale)
    d = json.loads(spec.template)
    d.setdefault("config", {})["axisY"] = {**d["config"].get("axisY", {}), "minExtent": extent, "maxExtent": extent}
    for enc in _each(d, "encoding"):  # every panel's value axis, padded off its frame
        y = enc.get("y")
        if isinstance(y, dict) and isinstance(y.get("scale"), dict):
            y["scale"]["padding"] = PANEL_PAD_PX
    if layout.sliding():  # a slide: one x axis, under the last panel (the panels share it), and no y title (taller
        # than a short panel; the screen's heading names the value), so all three panels and the takeaway fit
        panels = d.get("vconcat", [])
        d["config"]["title"] = {**d["config"].get("title", {}), "offset": 2}
        d["spacing"] = 8
        for i, panel in enumerate(panels):
            for layer in panel.get("layer", []):
                encoding = layer.get("encoding", {})
                if "x" in encoding and i < len(panels) - 1:
                    encoding["x"]["axis"] = {"title": None, "labels": False, "ticks": False}
                if isinstance(encoding.get("y"), dict) and "field" in encoding["y"]:
                    encoding["y"]["title"] = None
    return charts.Spec(json.dumps(d), spec.datasets, spec.params)


def legend_in_one_row(spec: charts.Spec, entries: int) -> charts.Spec:
    """The chart with its legend's `entries` side by side in one row (the shared charts lay them out in two columns,
    which put the third, "L2 r²", alone on a second line): for a desk, a projector or a slide, not a phone's width."""
    d = json.loads(spec.template)
    for legend in _each(d, "legend"):
        if "columns" in legend:
            legend["columns"] = entries
    return charts.Spec(json.dumps(d), spec.datasets, spec.params)


def _each(node, key: str):
    """Every dict value under `key` anywhere in a Vega-Lite spec (a layer's, a panel's)."""
    if isinstance(node, dict):
        if isinstance(node.get(key), dict):
            yield node[key]
        for v in node.values():
            yield from _each(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from _each(v, key)
