"""Made for the room: in presentation mode every chart a page draws has projector-sized text."""

from __future__ import annotations

import json

import pytest

from tests.test_pages import LAB_PAGES, open_page
from ui.layout import MIN_PROJECTOR_FONT, PRESENTATION_HEIGHT, for_projector


def _font_sizes(node) -> list[float]:
    if isinstance(node, dict):
        own = [node["fontSize"]] if isinstance(node.get("fontSize"), int | float) else []
        own += [v for k, v in node.items() if k.endswith("FontSize") and isinstance(v, int | float)]
        return own + [s for k, v in node.items() if k not in ("datasets", "data") for s in _font_sizes(v)]
    if isinstance(node, list):
        return [s for v in node for s in _font_sizes(v)]
    return []


def test_for_projector_raises_small_text_and_heights():
    spec = {"height": 200, "layer": [{"mark": {"type": "text", "fontSize": 11}}, {"mark": "line"}]}
    out = for_projector(json.loads(json.dumps(spec)))
    assert out["height"] == round(200 * PRESENTATION_HEIGHT)
    assert out["layer"][0]["mark"]["fontSize"] == MIN_PROJECTOR_FONT
    assert min(_font_sizes(out)) >= MIN_PROJECTOR_FONT


@pytest.mark.parametrize("path", LAB_PAGES)
def test_every_chart_in_presentation_mode_has_text_a_back_row_can_read(path):
    at = open_page(path, {"present": "true"})
    specs = [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]
    assert specs, "each lab page draws at least one chart"
    for spec in specs:
        sizes = _font_sizes(spec)
        assert sizes and min(sizes) >= MIN_PROJECTOR_FONT, sizes
        assert spec["config"]["axis"]["labelFontSize"] >= MIN_PROJECTOR_FONT
