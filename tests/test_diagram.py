"""The derivation page's computational graph (ui.diagram): the run's numbers in the right places, and a picture
whose boxes neither overlap nor leave the frame, left to right and top to bottom, with and without a bias."""

import re
import xml.etree.ElementTree as ET

import pytest

from ui.diagram import computational_graph
from ui.lessons.derivation.sentences import fmt

NS = "{http://www.w3.org/2000/svg}"


def graph(bias: bool, vertical: bool, big: bool = False) -> ET.Element:
    k = 1234.5678 if big else 1.0
    svg = computational_graph(
        w=-1.25 * k, x=2.5, t=1.0, b=0.5 * k if bias else None, y_hat=-2.625 * k, r=-3.625 * k, loss=3.625 * k,
        sign=-1.0, grad_w=-2.5, grad_b=-1.0 if bias else None, fmt=fmt, vertical=vertical,
    )  # fmt: skip
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{NS}text")]


@pytest.mark.parametrize("vertical", [False, True])
def test_the_numbers_of_the_run_are_in_the_nodes_and_on_the_edges(vertical):
    words = texts(graph(bias=True, vertical=vertical))
    for expected in ("w = −1.25", "x = 2.5", "t = 1", "b = 0.5", "= −2.625", "= −3.625", "= 3.625"):
        assert expected in words
    for expected in ("∂L/∂w = −2.5", "∂L/∂b = −1", "∂L/∂ŷ = −1", "∂L/∂r = sign(r) = −1"):
        assert expected in words
    assert "ŷ = w·x + b" in words


def test_without_a_bias_there_is_no_b():
    words = texts(graph(bias=False, vertical=False))
    assert "ŷ = w·x" in words and not any(w.startswith(("b =", "∂L/∂b")) for w in words)
    assert len(list(graph(bias=False, vertical=False).iter(f"{NS}rect"))) == 6


def _boxes(root: ET.Element) -> list[tuple[float, float, float, float]]:
    return [
        (float(r.get("x")), float(r.get("y")), float(r.get("x")) + float(r.get("width")),
         float(r.get("y")) + float(r.get("height")))
        for r in root.iter(f"{NS}rect")
    ]  # fmt: skip


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("vertical", [False, True])
@pytest.mark.parametrize("big", [False, True])
def test_boxes_do_not_overlap_and_stay_inside_the_picture(bias, vertical, big):
    root = graph(bias, vertical, big)
    width, height = map(float, re.findall(r"[\d.]+", root.get("viewBox"))[2:])
    boxes = _boxes(root)
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
        for a0, b0, a1, b1 in boxes[i + 1 :]:
            assert x1 <= a0 or a1 <= x0 or y1 <= b0 or b1 <= y0, "two nodes overlap"


@pytest.mark.parametrize("vertical", [False, True])
def test_every_label_starts_inside_the_picture(vertical):
    root = graph(True, vertical, big=True)
    for t in root.iter(f"{NS}text"):
        assert float(t.get("x")) >= 0 and float(t.get("y")) >= 0


def test_top_to_bottom_is_taller_than_wide_and_left_to_right_wider_than_tall():
    for vertical in (False, True):
        root = graph(True, vertical)
        width, height = map(float, re.findall(r"[\d.]+", root.get("viewBox"))[2:])
        assert (height > width) == vertical
