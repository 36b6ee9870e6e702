"""The 50-minute lecture the teachers' page lays out: an introduction, each lesson for its `minutes`, then a
wrap-up with an exit ticket. The lessons' minutes and what to trim live in their own declarations."""

from __future__ import annotations

from collections.abc import Sequence

from ui.words import num

LECTURE_MINUTES = 50
INTRO = (
    4,
    "**Introduction.** Write L(w) = |ŷ − t| on the board and ask what dL/dw is. Collect guesses; most say "
    "“it is just ŷ′”. Start a class poll room (sidebar) and put its QR code up.",
)
WRAP_UP = (
    5,
    "**Wrap-up and exit ticket.** Three sentences to leave with: L1's gradient reads the target only through a sign; "
    "without the absolute value there is nothing to stop at; a constant step makes L1 hop around its median instead "
    "of settling. Exit ticket (2 min): the check question at the foot of page 1, on paper or in the poll.",
)


def rows(lessons: Sequence) -> list[tuple[str, str]]:
    """(when, what) for the introduction, each lesson of the registry in order (linked), and the wrap-up."""
    parts = [INTRO, *((e.lesson.minutes, f"[{e.title}]({e.lesson.page})") for e in lessons), WRAP_UP]
    out, start = [], 0
    for minutes, what in parts:
        out.append((f"{start}–{start + minutes}\u00a0min", what))  # no break before "min"
        start += minutes
    return out


def total(lessons: Sequence) -> int:
    return INTRO[0] + sum(e.lesson.minutes for e in lessons) + WRAP_UP[0]


def trims(lessons: Sequence) -> list:
    """The lessons that say what to leave out when time runs short: the latest first (each builds on the one before)."""
    return [e for e in reversed(lessons) if e.lesson.trim]


def shown(answer: str) -> str:
    """A lesson's answer as the page shows it: a number (the derivation's dL/dw, kept float()-readable in the
    lesson) with a true minus sign, anything else as it is."""
    try:
        return num(float(answer))
    except ValueError:
        return answer
