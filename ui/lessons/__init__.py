"""One lesson per lab page: its controls, presets, its Predict-first question and how the answer is computed.

The page and the "For teachers" page read the same declarations, so the answer a teacher prepares is the
one the page will give: `expected(values)` runs the experiment at those control values (by key) and
returns the answer with the numbers that decide it. No st inside the declarations; experiments go through
ui.compute, so the teacher's page and a student's page share the cached runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ui.controls import Control

CHECK_SCREEN = "Check your understanding"  # the slide view's last screen: the page's closing check question


@dataclass(frozen=True)
class Lesson:
    page: str  # the page's path in the app's URL, e.g. "signed_l1"
    title: str  # as in the sidebar
    predict_key: str  # the key of the page's Predict-first question (its widget)
    controls: tuple[Control, ...]
    presets: Mapping[str, Mapping[str, object]]  # name -> {control key: value}; missing keys take the default
    question: Callable[[Mapping[str, object]], str]  # the Predict-first question at these values
    expected: Callable[[Mapping[str, object]], tuple[str, str]]  # (the answer, why in numbers) at these values
    wrong: Mapping[str, str]  # a common wrong answer -> the misconception behind it, in a teacher's words
    show: tuple[str, ...] = ()  # the presets worth showing in a lecture, in order
    minutes: int = 10  # its share of a 50-minute lecture (pages/teachers.py adds an introduction and a wrap-up)
    trim: str = ""  # what to leave out of this page when the lecture runs short
    say: str = ""  # what to say while the room argues, before the reveal
    later_questions: tuple[str, ...] = ()  # the page's further Predict-first questions (keys), in page order
    # the slide view's further screens (names), in page order, after the questions' (ui.layout.slide_screen): the
    # page wraps each of its main blocks in its screen's container
    slides: tuple[str, ...] = ()
    check: bool = True  # the page ends with a check question (ui.questions.check_understanding): its own screen
    # each wrong pick's reason from the run at values other than the defaults (None: shown at the defaults only)
    rebut: Callable[[Mapping[str, object]], Mapping[str, str]] | None = None

    @property
    def questions(self) -> tuple[str, ...]:
        """Every Predict-first question the page asks, in page order (the slide view gives each two screens)."""
        return (self.predict_key, *self.later_questions)

    @property
    def slide_names(self) -> tuple[str, ...]:
        """The slide view's screens after the questions': the lesson's own, then the check question's."""
        return (*self.slides, *((CHECK_SCREEN,) if self.check else ()))

    def rebuttals(self, values: Mapping[str, object]) -> Mapping[str, str]:
        """Each wrong pick's reason at these values: `wrong` at the defaults (its text quotes the default run's
        numbers); elsewhere `rebut`'s, computed from the run there, or none (the verdict's numbers speak alone)."""
        if all(values.get(k) == v for k, v in self.defaults().items()):
            return self.wrong
        return self.rebut(values) if self.rebut is not None else {}

    def defaults(self) -> dict[str, object]:
        return {c.key: c.default for c in self.controls}

    def values(self, preset: str | None = None) -> dict[str, object]:
        """Every control's value under a preset (the defaults for None)."""
        return {**self.defaults(), **(self.presets[preset] if preset else {})}

    def query(self, preset: str | None = None) -> dict[str, str]:
        """The preset's values as the page's link writes them (its query parameters; {} for the defaults)."""
        by_key = {c.key: c for c in self.controls}
        return {k: by_key[k].to_url(v) for k, v in (self.presets[preset] if preset else {}).items()}
