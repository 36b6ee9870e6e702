"""Every lesson, in the order of the sidebar (and of a lecture)."""

from ui.lessons.derivation import lesson as derivation
from ui.lessons.landscape import lesson as landscape
from ui.lessons.noise import lesson as noise
from ui.lessons.outliers import lesson as outliers
from ui.lessons.signed_l1 import lesson as signed_l1

LESSONS = (derivation.LESSON, signed_l1.LESSON, noise.LESSON, outliers.LESSON, landscape.LESSON)
