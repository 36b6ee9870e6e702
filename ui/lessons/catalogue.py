"""Every lesson, in the order of the sidebar (and of a lecture)."""

from ui.lessons import landscape, noise, outliers, signed_l1
from ui.lessons.derivation import lesson as derivation

LESSONS = (derivation.LESSON, signed_l1.LESSON, noise.LESSON, outliers.LESSON, landscape.LESSON)
