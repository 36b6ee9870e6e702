"""The 50-minute lecture the teachers' page lays out: an introduction, each lesson for its `minutes`, then a
wrap-up with an exit ticket. The lessons' minutes and what to trim live in their own declarations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ui.words import num

LECTURE_MINUTES = 50
INTRO = (
    4,
    "**Introduction.** Write L(w) = |ŷ − t| on the board and ask what dL/dw is. Collect guesses, and listen for "
    "“it is just ŷ′, since t is a constant”: the slip a Cross Validated question asks about, which page 1 takes "
    "apart. Start a class poll room (sidebar) and put its QR code up.",
)
WRAP_UP = (
    5,
    "**Wrap-up and exit ticket.** Three sentences to leave with: L1's gradient reads the target only through a sign; "
    "without the absolute value there is nothing to stop at; a constant step makes L1 hop around its median instead "
    "of settling. Exit ticket (2 min): the check question at the foot of page 1, on paper or in the poll (back "
    "on page 1 the room follows you; reveal it as you did the prediction).",
)


@dataclass(frozen=True)
class Row:
    """A row of the plan: when (minutes from the start, on one line), what, and the lesson it opens (None for the
    introduction and the wrap-up)."""

    when: str
    what: str
    entry: object | None = None  # a ui.lessons.registry.Entry


def when(start: int, minutes: int) -> str:
    """'4–13 min', kept on one line: a word joiner on each side of the dash, a no-break space before "min"."""
    return f"{start}\u2060–\u2060{start + minutes}\u00a0min"


def rows(lessons: Sequence) -> list[Row]:
    """The introduction, each lesson of the registry in order, and the wrap-up, each with its minutes."""
    parts = [(*INTRO, None), *((e.lesson.minutes, e.title, e) for e in lessons), (*WRAP_UP, None)]
    out, start = [], 0
    for minutes, what, entry in parts:
        out.append(Row(when(start, minutes), what, entry))
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
