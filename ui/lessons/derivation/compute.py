"""The derivation's family: what the L(w) chart draws at every value of its w slider (ui.follow), for one sample.

At each w the chart draws the point (w, L(w)), the L1 tangent (on the kink, the app's subgradient), the L2 tangent,
on the kink the fan of subgradients, and each line's name. Off the kink the L1 tangent is the arm of the V itself, so
it is drawn on top of the arm (dashed and dark, charts.py) from TANGENT_HALF above w on down past the kink, below
L = 0, where no curve runs and the tangent can be seen apart from the V; the L2 tangent spans w ± TANGENT_HALF down to
L = 0 at most. Each name is written where no line runs (`place`), on the plot. Those are the same rows at every w (a
row that a w does not draw holds NaN there), so the browser moves them as the hand drags w; the curves do not depend
on w and are drawn over the slider's whole range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

import core
from ui import charts, follow
from ui.lessons.derivation import lesson
from ui.lessons.derivation import sentences as say
from ui.runtime import cached

TANGENT_HALF = 0.6  # a tangent reaches this far from w (L1's on its upper side; past the kink it runs on)
BELOW = 0.05  # past the kink the L1 tangent runs down to L = −BELOW·y_top, under every curve
FAN_HALF = 0.45  # inside the tangent's w ± TANGENT_HALF: the app's pick, drawn over the fan, reaches past it
FAN_LINES = 7
Y_LOW = 0.25  # the plot reaches this share of its top below L = 0: room for the L1 tangent past the kink, and names
PLACES = ("left", "right", "left above", "right above")  # where a name is written from its point (charts.py)
# A name's box in the plot's own units, at its largest: on a phone the plot is about 300 px wide and 155 px high
# (the chart's height holds its axis and legend too), a 12 px letter about 5.2 px wide, 14 px high with its 3 px gap;
# on a slide about 470 by 150 px, at 16 px letters (7 px wide, 19 px high). CHAR of the w range per letter, HIGH of
# the y range, GAP_W and GAP_L from its point; DOT: the point's radius.
CHAR, HIGH, GAP_W, GAP_L, DOT = 0.02, 0.13, 0.013, 0.02, 0.04
PAD = 0.1  # the w axis reaches this far past the slider's ends (and the kink, when shown): a point at an end is whole
# On the kink the chart frames the V's corner (the slider's value there switches the scales, charts.py): w within
# ZOOM_W of it, L within ZOOM_L·|x| above and below, so the fan (±FAN_HALF, slopes ±|x|) fills the plot's middle, its
# steepest lines about 25° on a 1280 px screen and 50° on a phone, instead of a 15 px sliver of a 0..6 axis.
ZOOM_W, ZOOM_L = 1.6, 0.65


@dataclass(frozen=True)
class Frame:
    """The plot's extent: the curves' w range (w0 to w1) and the y range (lo to top)."""

    w0: float
    w1: float
    lo: float
    top: float

    def holds(self, b: tuple[float, float, float, float]) -> bool:
        return self.w0 <= b[0] and b[1] <= self.w1 and self.lo <= b[2] and b[3] <= self.top


@dataclass(frozen=True)
class Picture:
    """The L(w) chart's data for one sample: the curves, the family over the w slider, the y range."""

    curve: pd.DataFrame
    family: follow.Family
    y_range: tuple[float, float]
    frame: Frame  # the plot's extent, in which the names are placed
    zoom: Frame | None = None  # the plot's extent where the slider stands on the kink (None: it never does)
    kink_at: float | None = None  # that slider value

    @property
    def w_range(self) -> tuple[float, float]:
        return self.frame.w0, self.frame.w1

    @property
    def framed(self) -> tuple[float, float, float, float, float] | None:
        """The chart's frame on the kink (charts.loss_curve_follow_chart's zoom): the slider's value, y and w range."""
        if self.zoom is None or self.kink_at is None:
            return None
        return self.kink_at, self.zoom.lo, self.zoom.top, self.zoom.w0, self.zoom.w1

    def frame_at(self, w: float) -> Frame:
        """The plot's extent with the slider at w: framed on the kink there, else the whole of the slider's range."""
        on = self.zoom is not None and self.kink_at is not None and abs(w - self.kink_at) < 1e-9
        return self.zoom if on else self.frame


def w_slider() -> follow.Slider:
    return follow.Slider("w", lesson.C["w"])


def box(w: float, L: float, side: str, text: str, frame: Frame) -> tuple[float, float, float, float]:
    """(w from, w to, L from, L to) that a name covers, written from its point (w, L) on `side` (one of PLACES, as
    charts.py writes it: beside the point, below it or above it), at its widest (CHAR, HIGH)."""
    across, up = frame.w1 - frame.w0, frame.top - frame.lo
    width = len(text) * CHAR * across
    ws = (
        (w + GAP_W * across, w + GAP_W * across + width)
        if side.startswith("right")
        else (w - GAP_W * across - width, w - GAP_W * across)
    )
    ls = (L + GAP_L * up, L + HIGH * up) if side.endswith("above") else (L - HIGH * up, L - GAP_L * up)
    return (*ws, *ls)


def crosses(b: tuple[float, float, float, float], ws: np.ndarray, ls: np.ndarray) -> bool:
    """Whether the line through the points (ws increasing, ls) runs through box b: straight between its points, its
    values over the box's w range span every value between their least and greatest."""
    w0, w1, l0, l1 = b
    if ws.size == 0 or w1 < ws[0] or w0 > ws[-1]:
        return False
    grid = np.concatenate([[max(w0, ws[0]), min(w1, ws[-1])], ws[(ws > w0) & (ws < w1)]])
    values = np.interp(grid, ws, ls)
    return bool(values.max() >= l0 and values.min() <= l1)


def place(
    text: str, candidates: Sequence[tuple[float, float, str]], frame: Frame, lines, taken: list, *, needed: bool = True
) -> tuple | None:
    """Where a name is written: the first candidate (w, L, side) whose box stays on the plot and is clear of every
    line (`lines`: (ws, ls) pairs) and of the names already written (`taken`, boxes: the new one is added); failing
    that, a name `needed` goes on the first on the plot clear of the names, or the first, and one not needed is left
    out (None, as without a candidate)."""
    boxes = [(c, box(*c, text, frame)) for c in candidates]
    free = [(c, b) for c, b in boxes if frame.holds(b) and not any(_meet(b, t) for t in taken)]
    clear = [(c, b) for c, b in free if not any(crosses(b, ws, ls) for ws, ls in lines)]
    pick = (clear or (free or boxes if needed else []) or [None])[0]
    if pick is None:
        return None
    taken.append(pick[1])
    return pick[0]


def _meet(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def _on_plot(ends: np.ndarray, frame: Frame) -> np.ndarray | None:
    """A straight segment's two ends ((w, L) rows) cut to the plot's top; None when it is wholly above it."""
    (wa, la), (wb, lb) = ends
    if min(la, lb) >= frame.top:
        return None
    cut = []
    for (w, L), (w_o, l_o) in (((wa, la), (wb, lb)), ((wb, lb), (wa, la))):
        cut.append((w + (frame.top - L) * (w_o - w) / (l_o - L), frame.top) if L > frame.top else (w, L))
    return np.array(cut)


def _at_ends(ends: np.ndarray | None) -> list[tuple[float, float, str]]:
    """A segment's name's places: at its lower end, then its upper one, then its middle; at each outward below,
    outward above, inward below, inward above (outward: away from the other end, or the lower end at the middle)."""
    if ends is None:
        return []
    low, high = np.argsort(ends[:, 1], kind="stable")
    middle = ends.mean(axis=0)
    out = []
    for (w, L), away in ((ends[low], ends[high]), (ends[high], ends[low]), (middle, ends[high])):
        outward, inward = ("right", "left") if w > away[0] else ("left", "right")
        out += [(w, L, outward), (w, L, f"{outward} above"), (w, L, inward), (w, L, f"{inward} above")]
    return [(float(w), float(L), side) for w, L, side in out]


def _segment(ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(ends[:, 0], kind="stable")
    return ends[order, 0], ends[order, 1]


def tangent_ends(s: lesson.Sample, frame: Frame) -> dict[str, np.ndarray]:
    """The two ends ((w, L) rows) of each tangent at this w. L1's: off the kink (x ≠ 0), from TANGENT_HALF on the
    upper side of w down along the arm, past the kink to L = −BELOW·top (or to the plot's edge, if the kink is off
    it); on the kink, or with x = 0, over w ± TANGENT_HALF. L2's: over w ± TANGENT_HALF, down to L = 0 at most."""
    w, loss, g1, g2, r = s.w, s.loss, s.grad_w, s.slope_l2, s.r
    span = np.array([w - TANGENT_HALF, w + TANGENT_HALF])
    w_star = say.kink_w(w, s.x, r)
    if s.kinked or w_star is None or r == 0:
        l1 = np.column_stack([span, loss + g1 * (span - w)])
    else:
        down = 1.0 if w_star > w else -1.0  # the way the arm goes down
        end = float(np.clip(w_star + down * BELOW * frame.top / abs(s.x), frame.w0, frame.w1))
        l1 = np.array([[w - down * TANGENT_HALF, loss - g1 * down * TANGENT_HALF], [end, loss + g1 * (end - w)]])
    l2 = np.column_stack([span, r * r + g2 * (span - w)])
    for i in (0, 1):
        if l2[i, 1] < 0:  # the L2 tangent stops at L = 0: below it runs only L1's
            l2[i] = (w - r * r / g2, 0.0)
    return {"L1": l1, "L2": l2}


def _rows(s: lesson.Sample, frame: Frame, curves: list) -> list[tuple[dict, float, float]]:
    """The drawn rows at one w: (labels, w, L), the same labels in the same order at every w (NaN: not drawn);
    `curves`: the L1 and L2 curves' (ws, ls), which a name keeps clear of."""
    w, x, nan = s.w, s.x, float("nan")
    series = {"L1": charts.label("l1"), "L2": charts.label("l2")}
    ends = tangent_ends(s, frame)
    rows = [({"part": "point", "line": "your w", "series": "", "side": "", "text": ""}, w, s.loss)]
    for name, e in ends.items():
        rows += [({"part": "tangent", "line": f"{name} tangent", "series": series[name], "side": "", "text": ""},
                  float(pw), float(pl)) for pw, pl in e]  # fmt: skip
    w_star = say.kink_w(w, x, s.r)
    fan_w = np.array([-FAN_HALF, FAN_HALF]) + (w_star if w_star is not None else 0.0)
    fans = []
    for i, k in enumerate(np.linspace(-abs(x), abs(x), FAN_LINES)):
        fan = np.column_stack([fan_w, k * (fan_w - fan_w.mean())]) if s.kinked else np.full((2, 2), nan)
        fans += [fan] if s.kinked else []
        rows += [({"part": "fan", "line": f"subgradient {i + 1}", "series": series["L1"], "side": "", "text": ""},
                  *map(float, e)) for e in fan]  # fmt: skip
    dot = DOT / 2 * (frame.w1 - frame.w0), DOT * (frame.top - frame.lo)  # the plot is about twice as wide as high
    lines = [*curves, *(_segment(e) for e in (*ends.values(), *fans))]
    taken = [(w - dot[0], w + dot[0], s.loss - dot[1], s.loss + dot[1])]  # the point: no name over it
    for text, where in _names(s, ends, fan_w, frame, lines, taken):
        for side in PLACES:
            at = where if where is not None and where[2] == side else (nan, nan, side)
            rows.append(({"part": "label", "line": text, "series": "", "side": side, "text": text}, at[0], at[1]))
    return rows


def pick_names(pick_slope: float) -> tuple[str, str]:
    """(the app's pick's name, the flat line's name) on the kink, in plain words and short enough to sit beside the
    fan on a phone. A pick of slope 0 lies on the L2 tangent (flat where r = 0): one line, named as the app's slope
    (the legend and the fold say L2's is flat there)."""
    pick = f"app's slope, {say.fmt(pick_slope)}"
    return pick, pick if pick_slope == 0 else "L2 tangent"


def _names(s: lesson.Sample, ends, fan_w, frame: Frame, lines, taken) -> list[tuple[str, tuple | None]]:
    """Each line's name and where it is written at this w (w, L, side), or None where this w does not draw it
    (a list: off the kink and on it, two names may read the same, "L2 tangent")."""
    pick, flat = pick_names(s.kink * s.x)
    fan_name = "subgradients"  # their slopes, −|x| to |x|, in the takeaway: a phone has no room for them here
    l1, l2 = (_on_plot(ends[k], frame) for k in ("L1", "L2"))
    if not s.kinked:
        l1_at = place("L1 tangent", _at_ends(l1), frame, lines, taken)
        l2_at = place("L2 tangent", _at_ends(l2), frame, lines, taken, needed=False)  # the legend names L2 too
        names = [("L1 tangent", l1_at), ("L2 tangent", l2_at), (flat, None), (fan_name, None)]
        return names + ([(pick, None)] if s.kink * s.x != 0 else [])
    left, right = (float(fan_w[0]), 0.0), (float(fan_w[1]), 0.0)
    tips = [  # the fan's steepest lines' ends, outward
        (float(fw), float(side * FAN_HALF * abs(s.x)), f"{'right' if fw > s.w else 'left'}{above}")
        for fw in fan_w[::-1] for side in (-1, 1) for above in ("", " above")
    ]  # fmt: skip
    ends = [(*right, "right"), (*right, "right above"), (*left, "left"), (*left, "left above")]
    fan_at = place(fan_name, ends + tips, frame, lines, taken)
    flat_at = place(flat, [(*left, "left"), (*left, "left above"), (*right, "right"), (*right, "right above"),
                           *_at_ends(l2)], frame, lines, taken)  # fmt: skip
    names = [("L1 tangent", None), ("L2 tangent", None), (flat, flat_at), (fan_name, fan_at)]
    return names + ([(pick, place(pick, _at_ends(l1), frame, lines, taken))] if s.kink * s.x != 0 else [])


def picture(values: Mapping[str, object]) -> Picture:
    """The curves over the slider's range (and the kink, when near it) and the family at every slider w (cached on
    the sample's other settings: moving w, or a block below, costs nothing)."""
    return _picture(tuple(sorted((c.key, values[c.key]) for c in SAMPLE_CONTROLS)))


SAMPLE_CONTROLS = tuple(lesson.C[name] for name in ("x", "t", "bias", "b", "kink"))  # what lesson.sample reads


@cached(max_entries=64, max_mb=4)
def _picture(settings: tuple[tuple[str, object], ...]) -> Picture:
    slider, key = w_slider(), lesson.C["w"].key
    samples = [lesson.sample({**dict(settings), key: float(w)}) for w in slider.values]
    s0 = samples[0]
    lo, hi = float(slider.values[0]), float(slider.values[-1])
    w_star = say.kink_w(s0.w, s0.x, s0.r)
    if w_star is not None and lo - 1.5 <= w_star <= hi + 1.5:  # the kink shown past the slider's end (said so)
        lo, hi = min(lo, w_star), max(hi, w_star)
    w0, w1 = lo - PAD, hi + PAD  # the slider's reach: its ticks fall on round values (charts.py)
    on_kink = [s for s in samples if s.kinked]
    zoom = None
    if on_kink:  # the kink on a slider value: the V's corner framed there
        k, a = on_kink[0], abs(s0.x)
        zoom = Frame(k.w - ZOOM_W, k.w + ZOOM_W, -ZOOM_L * a, ZOOM_L * a)
    reach = [w0 - TANGENT_HALF, w1 + TANGENT_HALF, *([zoom.w0, zoom.w1] if zoom else [])]
    ws = np.linspace(min(reach), max(reach), 241)  # on past the plot's ends: a tangent's line runs off it
    if w_star is not None and ws[0] < w_star < ws[-1]:
        ws = np.sort(np.append(ws, w_star))  # the V's corner itself, sharp when the chart zooms in on it
    residuals = ws * s0.x + s0.b - s0.t
    seen = (ws >= w0) & (ws <= w1)
    l1_top = float(np.max(np.abs(residuals[seen])))
    y_top = 1.15 * l1_top if l1_top > 0 else 1.0  # framed on the V: the L2 parabola leaves through the top
    frame = Frame(w0, w1, -Y_LOW * y_top, y_top)
    losses = {k: np.asarray(core.loss_value(k, residuals), dtype=float) for k in ("l1", "l2")}
    curves = [(ws, losses["l1"]), (ws, losses["l2"])]
    table = [_rows(s, zoom if s.kinked and zoom else frame, curves) for s in samples]
    labels = pd.DataFrame([r[0] for r in table[0]])
    fam = follow.family(
        "picture",
        labels,
        {
            "w": np.array([[r[1] for r in rows] for rows in table]),
            "L": np.array([[r[2] for r in rows] for rows in table]),
        },
    )
    curve = pd.concat(
        [pd.DataFrame({"series": charts.label(k), "w": ws, "L": losses[k]}) for k in ("l1", "l2")], ignore_index=True
    )
    kink_at = on_kink[0].w if on_kink else None
    return Picture(curve, fam, (frame.lo, frame.top), frame, zoom, kink_at)
