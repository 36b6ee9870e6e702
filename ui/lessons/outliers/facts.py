"""The rules the outliers lesson states, each defined once: the sentences, the lesson's question and answer, and
the teachers' page read them here and print them formatted (`NEAR.describe()`), never typed again."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NearRule:
    """Near the true line: a mean vertical gap (over the data's x) of at most `per_sigma`·sigma + `floor`."""

    per_sigma: float
    floor: float

    def tolerance(self, sigma: float) -> float:
        return self.per_sigma * float(sigma) + self.floor

    def describe(self) -> str:
        """The rule as a sentence prints it: "3·sigma + 0.1"."""
        return f"{self.per_sigma:g}·sigma + {self.floor:g}"


NEAR = NearRule(per_sigma=3.0, floor=0.1)

CLOSED_OVER = 1000
"""A gradient descent run's pace: how much of its distance to the exact fit its last 1,000 updates closed."""
