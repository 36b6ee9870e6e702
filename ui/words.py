"""Sentences about the run on screen, one module per page: pure functions from the run's numbers to text.

Each returns the words a page shows, with one branch per case the data can show; tests/ checks each
statement against the data it describes (hypothesis, across the page's control space). No st inside.
"""


def count(n: int, noun: str) -> str:
    """n and its noun, singular for one: "1 update", "3 updates" (`noun` is the plural, ending in s)."""
    return f"{n:,} {noun[:-1] if n == 1 else noun}"
