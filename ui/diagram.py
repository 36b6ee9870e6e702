"""The derivation page's computational graph as one SVG picture, laid out here. Never calls st.

Nodes hold the forward values and the edges carry the gradients on the way back. The layout is fixed
(inputs, then ŷ and t, then r, then L), so it is placed by hand on a grid of layers and slots rather than by
Graphviz: the browser shows a picture instead of running a graph layout and its animations on every move
of a slider (the Graphviz chart cost the page about 170 ms of the browser's time per move).

    >>> svg = computational_graph(w=2, x=1.5, t=1, b=None, y_hat=3, r=2, loss=2, sign=1, grad_w=1.5, grad_b=None,
    ...                           fmt=str, vertical=False)
    >>> svg.startswith("<svg") and "∂L/∂w = 1.5" in svg
    True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

GRADIENT = "#D55E00"  # the backward pass, as the page's formulas colour it
LOSS = "#0072B2"  # L1's colour everywhere in the app
GIVEN = "#888888"  # data the student sets: x and t
FONT = 15  # px; the picture scales with the page, so this is its size at the picture's own width
LINE = 19  # px between the two lines of a node
CHAR = 0.6 * FONT  # a generous average glyph width, to size the boxes
STEP_ACROSS, STEP_DOWN = 290, 86  # layer to layer, slot to slot (left to right); swapped when vertical


@dataclass(frozen=True)
class _Node:
    name: str
    lines: tuple[str, ...]
    layer: int
    slot: float
    colour: str = "#333333"
    width: float = 1.2


@dataclass(frozen=True)
class _Edge:
    start: str
    end: str
    label: str = ""
    colour: str = "#333333"
    left: bool = False  # top to bottom, the label goes left of the edge (else right), clear of its neighbours


def computational_graph(
    *,
    w: float,
    x: float,
    t: float,
    b: float | None,
    y_hat: float,
    r: float,
    loss: float,
    sign: float,
    grad_w: float,
    grad_b: float | None,
    fmt: Callable[[float], str],
    vertical: bool = False,
) -> str:
    """SVG text of L = |w·x (+ b) − t| as a graph: forward values in the nodes, gradients on the edges (∂L/∂t too:
    the target enters the gradient through sign(r)).

    `b` None: the model has no bias (no b node). `vertical`: top to bottom (a phone), else left to right.
    """
    bias = b is not None
    nodes = [
        _Node("w", (f"w = {fmt(w)}",), 0, 0),
        _Node("x", (f"x = {fmt(x)}",), 0, 1, GIVEN),
        _Node("yhat", ("ŷ = w·x + b" if bias else "ŷ = w·x", f"= {fmt(y_hat)}"), 1, 1 if bias else 0.5),
        _Node("t", (f"t = {fmt(t)}",), 1, 2 if bias else 1.5, GIVEN),
        _Node("r", ("r = ŷ − t", f"= {fmt(r)}"), 2, 1 if bias else 0.5),
        _Node("L", ("L = |r|", f"= {fmt(loss)}"), 3, 1 if bias else 0.5, colour=LOSS, width=2.5),
    ]
    edges = [
        _Edge("w", "yhat", f"∂L/∂w = {fmt(grad_w)}", GRADIENT, left=True),  # top to bottom: x's edge is right of it
        _Edge("x", "yhat", colour=GIVEN),
        _Edge("yhat", "r", f"∂L/∂ŷ = {fmt(sign)}", GRADIENT, left=True),  # top to bottom: t comes in on the right
        _Edge("t", "r", f"∂L/∂t = −sign(r) = {fmt(-sign)}", GRADIENT),  # the target's own factor: t matters
        _Edge("r", "L", f"∂L/∂r = sign(r) = {fmt(sign)}", GRADIENT),
    ]
    if bias:
        nodes.insert(2, _Node("b", (f"b = {fmt(b)}",), 0, 2))
        edges.append(_Edge("b", "yhat", f"∂L/∂b = {fmt(grad_b)}", GRADIENT))
    return _svg(nodes, edges, vertical)


def _size(node: _Node) -> tuple[float, float]:
    return max(len(s) for s in node.lines) * CHAR + 24, len(node.lines) * LINE + 16


def _centre(node: _Node, vertical: bool) -> tuple[float, float]:
    across, down = 90 + node.layer * STEP_ACROSS, 40 + node.slot * STEP_DOWN
    return (60 + down * 1.6, across * 0.55) if vertical else (across, down)


def _border(node: _Node, towards: tuple[float, float], vertical: bool) -> tuple[float, float]:
    """Where the line from the node's centre towards a point leaves its box."""
    (cx, cy), (w, h) = _centre(node, vertical), _size(node)
    dx, dy = towards[0] - cx, towards[1] - cy
    scale = min(w / 2 / abs(dx) if dx else float("inf"), h / 2 / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale


def _node_svg(node: _Node, vertical: bool) -> str:
    (cx, cy), (w, h) = _centre(node, vertical), _size(node)
    text = "".join(
        f'<text x="{cx:.1f}" y="{cy - (len(node.lines) - 1) * LINE / 2 + i * LINE + FONT * 0.35:.1f}" '
        f'text-anchor="middle">{escape(line)}</text>'
        for i, line in enumerate(node.lines)
    )
    return (
        f'<rect x="{cx - w / 2:.1f}" y="{cy - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" rx="8" fill="white" '
        f'stroke="{node.colour}" stroke-width="{node.width}"/>' + text
    )


def _ends(edge: _Edge, at: dict[str, _Node], vertical: bool) -> tuple[float, float, float, float]:
    """The edge's line, from the border of its start's box to the border of its end's."""
    start, end = at[edge.start], at[edge.end]
    return (
        *_border(start, _centre(end, vertical), vertical),
        *_border(end, _centre(start, vertical), vertical),
    )


def _label_right(edge: _Edge, at: dict[str, _Node], vertical: bool) -> float:
    """The right end of an edge's label (0 for none): the picture must be at least this wide."""
    if not edge.label:
        return 0.0
    anchor, lx, _ = _label_place(*_ends(edge, at, vertical), vertical, left=edge.left)
    span = len(edge.label) * CHAR * (FONT - 1) / FONT
    return lx + {"start": span, "middle": span / 2, "end": 0.0}[anchor]


def _edge_svg(edge: _Edge, at: dict[str, _Node], vertical: bool) -> str:
    x0, y0, x1, y1 = _ends(edge, at, vertical)
    line = (
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="{edge.colour}" stroke-width="1.4" '
        f'marker-end="url(#head-{edge.colour[1:]})"/>'
    )
    if not edge.label:
        return line
    anchor, lx, ly = _label_place(x0, y0, x1, y1, vertical, left=edge.left)
    return line + (
        f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" fill="{edge.colour}" font-size="{FONT - 1}">'
        f"{escape(edge.label)}</text>"
    )


def _label_place(x0: float, y0: float, x1: float, y1: float, vertical: bool, *, left: bool) -> tuple[str, float, float]:
    """Where an edge's label goes, clear of its line: beside the middle when vertical; left to right, above a
    level edge, above and right of a falling one, below and right of a rising one (the line leaves that side)."""
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    if vertical:
        return ("end", mx - 14, my + FONT * 0.35) if left else ("start", mx + 14, my + FONT * 0.35)
    if abs(y1 - y0) < 1:
        return "middle", mx, my - 8
    return ("start", mx + 6, my - 8) if y1 > y0 else ("start", mx + 6, my + FONT + 4)


def _svg(nodes: list[_Node], edges: list[_Edge], vertical: bool) -> str:
    at = {n.name: n for n in nodes}
    boxes = [(_centre(n, vertical), _size(n)) for n in nodes]
    width = max(max(cx + w / 2 for (cx, _), (w, _) in boxes), *(_label_right(e, at, vertical) for e in edges)) + 12
    height = max(cy + h / 2 for (_, cy), (_, h) in boxes) + 12
    heads = "".join(
        f'<marker id="head-{c[1:]}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>'
        for c in sorted({e.colour for e in edges})
    )
    body = "".join(_edge_svg(e, at, vertical) for e in edges) + "".join(_node_svg(n, vertical) for n in nodes)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="{FONT}" fill="#333333">'
        f"<defs>{heads}</defs>{body}</svg>"
    )
