"""The outliers' family: what the fits chart draws at every share of outliers its own slider takes (ui.follow).

At each share the chart draws the generated table's points, which of them are shifted, and each loss's exact line
through them, fitted as the page fits them (lesson.generated_points, lesson.fits, lesson.fit_ends): the same rows
at every share (the same seed draws the same x and noise, and a larger share shifts more of the same points), so
the browser moves them as the hand drags. The true line does not depend on the share. A table the student edited
has no family: the page draws its chart without one, and the share stays an ordinary slider.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ui import charts, follow
from ui.lessons.outliers import lesson
from ui.runtime import cached

NAME = "scatter"  # the family's dataset in the chart
SETTINGS = tuple(lesson.C[k] for k in ("n", "w", "b", "sigma", "size", "seed", "bias", "delta"))
"""What the generated table and its fits read besides the share: the family is cached on them."""
Y_PAD = 0.05  # the y axis reaches this share of the family's span beyond its lowest and highest point


def share_slider() -> follow.Slider:
    """The fraction of outliers: the fits chart's own slider."""
    return follow.Slider("share", lesson.C["frac"])


def share(i: int) -> float:
    """The control's value at slider position `i`, as the browser's input sends it (0.15, not 0.15000000000000002:
    a share times n on a half is rounded to even, so the last bit would shift one more point)."""
    return round(float(share_slider().values[i]), 10)


@dataclass(frozen=True)
class Picture:
    """The fits chart at every share: its family and the y range that holds every share's points and lines."""

    family: follow.Family
    y_range: tuple[float, float]


def picture(values: Mapping[str, object]) -> Picture:
    """The family over every share at these settings (cached on the others: moving the share costs nothing)."""
    return _picture(tuple(sorted((c.key, values[c.key]) for c in SETTINGS)))


@cached(max_entries=64, max_mb=4)
def _picture(settings: tuple[tuple[str, object], ...]) -> Picture:
    shares = [{**dict(settings), lesson.C["frac"].key: share(i)} for i in range(share_slider().values.size)]
    xs, ys, shifted, counts, truth = [], [], [], [], []
    for values in shares:
        x, y, out = lesson.generated_points(values)
        ends, lines = lesson.fit_ends(x, lesson.fits(x, y, values).exact)
        xs.append(np.concatenate([x, *(ends for _ in lesson.LOSSES)]))
        ys.append(np.concatenate([y, *(lines[k] for k in lesson.LOSSES)]))
        shifted.append(np.concatenate([out, np.zeros(2 * len(lesson.LOSSES))]))
        counts.append(np.full(xs[-1].size, out.sum()))
        truth += list(values["o_w"] * ends + lesson.true_bias(values))
    n = xs[0].size - 2 * len(lesson.LOSSES)
    rows = pd.DataFrame(
        {
            "part": ["point"] * n + ["fit"] * (2 * len(lesson.LOSSES)),
            "series": [""] * n + [charts.label(k) for k in lesson.LOSSES for _ in range(2)],
            "n": n,
        }
    )
    fields = {"x": np.array(xs), "y": np.array(ys), "outlier": np.array(shifted), "shifted": np.array(counts)}
    lo, hi = min(np.min(ys), *truth), max(np.max(ys), *truth)
    pad = Y_PAD * (hi - lo) if hi > lo else 1.0
    return Picture(follow.family(NAME, rows, fields), (float(lo - pad), float(hi + pad)))
