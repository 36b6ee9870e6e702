"""The derivation's family: what the L(w) chart draws at every value of its w slider (ui.follow), for one sample.

At each w the chart draws the point (w, L(w)), the L1 tangent (on the kink, the app's subgradient) and the L2
tangent over w ± TANGENT_HALF, on the kink the fan of subgradients, and each line's name at its upper end. Those
are the same rows at every w (a row that a w does not draw holds NaN there), so the browser moves them as the
hand drags w; the curves do not depend on w and are drawn over the slider's whole range.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

import core
from ui import charts, follow
from ui.lessons.derivation import lesson
from ui.lessons.derivation import sentences as say
from ui.runtime import cached

TANGENT_HALF = 0.6  # a tangent is drawn over w ± this
FAN_HALF = 0.7
FAN_LINES = 7


@dataclass(frozen=True)
class Picture:
    """The L(w) chart's data for one sample: the curves, the family over the w slider, the y range."""

    curve: pd.DataFrame
    family: follow.Family
    y_range: tuple[float, float]


def w_slider() -> follow.Slider:
    return follow.Slider("w", lesson.C["w"])


def _rows(s: lesson.Sample, y_top: float) -> list[tuple[dict, float, float]]:
    """The drawn rows at one w: (labels, w, L), the same labels in the same order at every w (NaN: not drawn);
    `y_top`: the top of the chart's y range, where a name is written at the latest."""
    w, x, r, nan = s.w, s.x, s.r, float("nan")
    l1, l2 = charts.label("l1"), charts.label("l2")
    span = np.array([w - TANGENT_HALF, w + TANGENT_HALF])
    lines = {"L1": (l1, s.loss + s.grad_w * (span - w)), "L2": (l2, r * r + s.slope_l2 * (span - w))}
    rows = [({"part": "point", "line": "your w", "series": "", "side": "", "text": ""}, w, s.loss)]
    for name, (series, ls) in lines.items():
        rows += [({"part": "tangent", "line": f"{name} tangent", "series": series, "side": "", "text": ""}, *p)
                 for p in zip(span, ls, strict=True)]  # fmt: skip
    w_star = say.kink_w(w, x, r)
    fan_w = np.array([-FAN_HALF, FAN_HALF]) + (w_star if w_star is not None else 0.0)
    for i, k in enumerate(np.linspace(-abs(x), abs(x), FAN_LINES)):
        ends = zip(fan_w, k * (fan_w - fan_w.mean()), strict=True) if s.kinked else [(nan, nan)] * 2
        rows += [({"part": "fan", "line": f"subgradient {i + 1}", "series": l1, "side": "", "text": ""}, *e)
                 for e in ends]  # fmt: skip
    for text, where in _names(s, span, lines, fan_w, y_top):
        for side in PLACES:
            at = where if where is not None and where[2] == side else (nan, nan, side)
            rows.append(({"part": "label", "line": text, "series": "", "side": side, "text": text}, at[0], at[1]))
    return rows


def name_at(span: np.ndarray, ls: np.ndarray, y_top: float) -> tuple[float, float, str] | None:
    """Where a straight segment's name is written: at its upper end, outward (the lower end may leave the chart);
    where the segment leaves through the chart's top first, at the point where it does, so the name stays on the
    plot; None when the whole segment is above the chart (nothing drawn to name)."""
    i = int(np.argmax(ls))
    side = "right" if i == len(span) - 1 else "left"
    if ls[i] <= y_top:
        return float(span[i]), float(ls[i]), side
    j = len(span) - 1 - i  # the lower end
    if ls[j] >= y_top:
        return None
    w = span[j] + (y_top - ls[j]) * (span[i] - span[j]) / (ls[i] - ls[j])
    return float(w), float(y_top), side


NAME_GAP = 0.1  # two names at the same end closer than this share of the y range would overlap
PLACES = ("left", "right", "left above", "right above")  # where a name is written from its point (charts.py)


def _names(s: lesson.Sample, span, lines, fan_w, y_top: float) -> list[tuple[str, tuple[float, float, str] | None]]:
    """Each line's name and where it is written at this w (w, L, side), or None where this w does not draw it
    (a list: off the kink and on it, two names may read the same, "L2 tangent")."""

    def top(ls: np.ndarray) -> tuple[float, float, str] | None:
        return name_at(span, ls, y_top)

    pick = f"the app's pick, slope {say.fmt(s.kink * s.x)}"
    flat = f"{pick} · L2 tangent" if s.kink * s.x == 0 else "L2 tangent"
    on = s.kinked
    fan_name = f"subgradients, slopes {say.fmt(-abs(s.x))} to {say.fmt(abs(s.x))}"
    l1_at, l2_at = (None, None) if on else (top(lines["L1"][1]), top(lines["L2"][1]))
    if l1_at and l2_at and l1_at[2] == l2_at[2] and abs(l1_at[1] - l2_at[1]) < NAME_GAP * 1.2 * y_top:
        if l1_at[1] >= l2_at[1]:  # the two names would overlap: the upper one is written above its end
            l1_at = (*l1_at[:2], f"{l1_at[2]} above")
        else:
            l2_at = (*l2_at[:2], f"{l2_at[2]} above")
    names = [
        ("L1 tangent", l1_at),
        ("L2 tangent", l2_at),
        (flat, (float(fan_w[0]), 0.0, "left") if on else None),
        (fan_name, (float(fan_w[1]), 0.0, "right") if on else None),
    ]
    return names + ([(pick, top(lines["L1"][1]) if on else None)] if s.kink * s.x != 0 else [])


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
    if w_star is not None and lo - 1.5 <= w_star <= hi + 1.5:
        lo, hi = min(lo, w_star), max(hi, w_star)
    ws = np.linspace(lo - TANGENT_HALF, hi + TANGENT_HALF, 241)
    residuals = ws * s0.x + s0.b - s0.t
    l1_top = float(np.max(np.abs(residuals)))
    y_top = 1.15 * l1_top if l1_top > 0 else 1.0  # framed on the V: the L2 parabola leaves through the top
    table = [_rows(s, y_top) for s in samples]
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
        [pd.DataFrame({"series": charts.label(k), "w": ws, "L": core.loss_value(k, residuals)}) for k in ("l1", "l2")],
        ignore_index=True,
    )
    return Picture(curve, fam, (-0.2 * y_top, y_top))
