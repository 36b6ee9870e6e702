"""Sentences about the run on screen, one module per page: pure functions from the run's numbers to text.

Each returns the words a page shows, with one branch per case the data can show; tests/ checks each
statement against the data it describes (hypothesis, across the page's control space). No st inside.
"""


def count(n: int, noun: str) -> str:
    """n and its noun, singular for one: "1 update", "3 updates" (`noun` is the plural, ending in s)."""
    return f"{n:,} {noun[:-1] if n == 1 else noun}"


_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def number_word(n: int) -> str:
    """A small count in words ("five"), larger ones in digits."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"
