"""The rules the outliers lesson states, each defined once: the sentences, the lesson's question and answer, and
the teachers' page read them here and print them formatted (`NEAR.describe()`), never typed again."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class NearRule:
    """Near the true line: a mean vertical gap (over the data's x) of at most the larger of how far noise alone
    moves a line fitted to n points (`per_sigma`·sigma/√n) and `shift_share` of the bad points' shift, plus
    `floor`. A rule on sigma alone (3·sigma + 0.1) grew to 9.1 at sigma 3 and called L2's line near while it was
    3 to 5 times further off than L1's; one on the shift alone would call noise a break on few noisy points."""

    per_sigma: float
    shift_share: float
    floor: float
    edge: float  # a gap within this share of the tolerance, either side, is on the edge: both readings count

    def tolerance(self, sigma: float, n: int, shift: float) -> float:
        """The tolerance as the page prints it (shown: 3 significant digits), so that every gap read against it reads
        true against the printed number (1.35 printed as "1.4" let a gap of 1.37 read "more than 1.4")."""
        noise = self.per_sigma * float(sigma) / math.sqrt(max(int(n), 1))
        return shown(max(noise, self.shift_share * abs(float(shift))) + self.floor)

    def readings(self, gap: float, tol: float) -> tuple[bool, ...]:
        """Whether a line this far off is near: (True,) or (False,); on the edge, within `edge`·tol of the
        tolerance, both, the plain rule's reading first: a rule of thumb must not decide on a 2% difference.
        nan counts as far."""
        if not gap <= tol * (1 + self.edge):
            return (False,)
        if gap <= tol * (1 - self.edge):
            return (True,)
        return (bool(gap <= tol), bool(gap > tol))

    def on_edge(self, gap: float, tol: float) -> bool:
        return len(self.readings(gap, tol)) > 1

    def readings_band(self) -> tuple[float, float]:
        """The tolerance's factors at which every gap on the edge reads as far, and as near."""
        return (1 - self.edge, 1 + self.edge)

    def describe(self) -> str:
        """The rule as a sentence prints it: "the larger of 3·sigma/√n and 5% of the shift, plus 0.1"."""
        return f"the larger of {self.per_sigma:g}·sigma/√n and {self.shift_share:.0%} of the shift, plus {self.floor:g}"


SHOWN_DIGITS = 3  # a gap and the near rule's tolerance are read as printed: to 3 significant digits


def shown(value: float) -> float:
    """A gap or a tolerance as the page prints it, to SHOWN_DIGITS significant digits: what the near rule compares,
    so no printed pair contradicts its verdict (nan stays nan)."""
    value = float(value)
    return float(f"{value:.{SHOWN_DIGITS}g}") if math.isfinite(value) else value


def mean_gap(w: float, b: float, w_true: float, b_true: float, lo: float, hi: float) -> float:
    """The exact mean of |(w − w_true)·x + (b − b_true)| over x uniform on [lo, hi], to SHOWN_DIGITS digits (a grid
    of 51 x was 1.2% off when the lines cross inside the range). With u = Δw·x + Δb at the ends u0 and u1: on one
    side of 0 the mean is |u0 + u1| / 2; across it, the two triangles' area over the width:
    (u0² + u1²) / (2|u1 − u0|)."""
    dw, db = float(w) - float(w_true), float(b) - float(b_true)
    u0, u1 = dw * float(lo) + db, dw * float(hi) + db
    if not (math.isfinite(u0) and math.isfinite(u1)):
        return float("nan")
    exact = abs(u0 + u1) / 2 if u0 * u1 >= 0 else (u0 * u0 + u1 * u1) / (2 * abs(u1 - u0))
    return shown(exact)


NEAR = NearRule(per_sigma=3.0, shift_share=0.05, floor=0.1, edge=0.1)

GD_UPDATES = 3000  # gradient descent's updates towards the exact lines (the page's second question)
ARRIVED = 0.01  # gradient descent has arrived when w and b are both this close to the exact fit
TIE = 0.1  # a descent run whose loss is within 10% of its exact line's while far from it: a near-tie of two lines


@dataclass(frozen=True)
class FarRule:
    """A point is far from the true line when its vertical distance to it is more than `per_sigma`·sigma + `floor`:
    noise alone puts an unshifted point there about once in 16,000 (4 sigma). What a table the student edited is
    described by: its far points, counted from its numbers, not the generator's shift."""

    per_sigma: float
    floor: float

    def threshold(self, sigma: float) -> float:
        return self.per_sigma * float(sigma) + self.floor


FAR = FarRule(per_sigma=4.0, floor=0.5)

CLOSED_OVER = 1000
"""A gradient descent run's pace: how much of its distance to the exact fit its last 1,000 updates closed."""


@dataclass(frozen=True)
class StepRule:
    """Gradient descent's step towards the exact lines: lr0·`boost[loss]` / (1 + `decay`·t), lr0 one over the largest
    curvature of L2's summed loss. Huber's curvature is half L2's, so it gets twice lr0; L1's steps never shrink
    with the residual, so it gets more still to cross its stretch in time."""

    decay: float
    boost: Mapping[str, float]

    def describe(self) -> str:
        """The rule as the question prints it: "the decaying step lr0 / (1 + 0.01·t), lr0 ... four times for L1)"."""
        times = {1.0: "the same", 2.0: "twice that", 3.0: "three times", 4.0: "four times"}
        others = [
            f"{times.get(float(self.boost[k]), f'{self.boost[k]:g} times')} for {name}"
            for k, name in (("huber", "Huber"), ("l1", "L1"))
        ]
        return (
            f"the decaying step lr0 / (1 + {self.decay:g}·t), lr0 one over the largest curvature of L2's summed loss "
            f"({', '.join(others)})"
        )


STEP = StepRule(decay=0.01, boost={"l1": 4.0, "l2": 1.0, "huber": 2.0})
