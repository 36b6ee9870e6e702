"""Every lesson, in the order of the sidebar and of a lecture: read by the navigation (app.py), the start page,
the teachers' page, bench and tests. A new lesson is its folder (ui/lessons/<name>/) and one line here."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from ui import stepper
from ui.controls import SHARED, SLIDE, Control
from ui.lessons import Lesson
from ui.lessons.derivation import lesson as derivation
from ui.lessons.landscape import lesson as landscape
from ui.lessons.noise import lesson as noise
from ui.lessons.outliers import lesson as outliers
from ui.lessons.signed_l1 import lesson as signed_l1


@dataclass(frozen=True)
class Entry:
    number: int  # its place in the lecture, from 1
    folder: str  # its package, ui.lessons.<name>
    icon: str
    path_line: str  # the start page's line for it, after the number: what the student will do there

    @property
    def lesson(self) -> Lesson:
        return importlib.import_module(f"{self.folder}.lesson").LESSON

    @property
    def title(self) -> str:
        """As in the sidebar: "1 · The L1 gradient, step by step"."""
        return f"{self.number} · {self.lesson.title}"

    @property
    def path(self) -> str:
        """The page's file, as st.Page and st.page_link take it (its URL path is `lesson.page`)."""
        return f"pages/{self.lesson.page}.py"


_ORDER = (
    (
        derivation,
        "✏️",
        "The L1 gradient, step by step: the chain rule with numbers you move, the kink, and the misconception",
    ),
    (
        signed_l1,
        "⚠️",
        "The signed-L1 failure: reproduce the blog post's broken experiment and predict where its weight goes",
    ),
    (
        noise,
        "🎚️",
        "Noise and learning rate: constant against decaying steps on noisy data, and where the blog post's claim holds",
    ),
    (outliers, "🎯", "Outliers: which fit a few bad points move, and how many it takes to break each"),
    (landscape, "🗺️", "The (w, b) landscape: creases, zig-zags, momentum, Adam and Polyak's step"),
)  # fmt: skip  (one lesson to a row)
LESSONS = tuple(
    Entry(number, module.__name__.rsplit(".", 1)[0], icon, line)
    for number, (module, icon, line) in enumerate(_ORDER, start=1)
)
# the step-through panels' keys, as pages/signed_l1.py and pages/noise_and_learning_rate.py pass them
STEP_THROUGH_KEYS = ("s_step", "n_step")


def import_every_lesson_module() -> None:
    """Import each lesson folder's modules (charts, compute, sentences), so that app.py freezes them with the
    rest before the first page runs."""
    for entry in LESSONS:
        package = importlib.import_module(entry.folder)
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{entry.folder}.{module.name}")


def controls_by_page(last: int = 100) -> dict[str, dict[str, Control]]:
    """Each page's Controls by key, from their declarations: the shell's (ui.controls.SHARED, on every page), its
    lesson's, and the step-through panels' (ui.stepper.inputs, update k up to `last`)."""
    shell = (*SHARED, *(c for key in STEP_THROUGH_KEYS for c in stepper.inputs(key, last)))
    pages = {"home": (), **{entry.lesson.page: entry.lesson.controls for entry in LESSONS}}
    return {page: {c.key: c for c in (*shell, *own)} for page, own in pages.items()}


def every_control(last: int = 100) -> dict[str, Control]:
    """Every Control any page declares, by key (see controls_by_page)."""
    return {key: c for page in controls_by_page(last).values() for key, c in page.items()}


if any(1 + 2 * len(e.lesson.questions) + len(e.lesson.slide_names) > SLIDE.hi for e in LESSONS):  # the slide view's
    raise RuntimeError("a lesson has more slide-view screens than ui.controls.SLIDE_SCREENS: raise it")  # screens
