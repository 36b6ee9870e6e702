"""What every bench opens: the lab pages, the widgets that reveal their results, and the slider a student moves.

A class sees a page with its questions answered: every "Skip the question" box ticked and every result
toggle on (the sweep, the noise draws, the heatmap, the breakdown, gradient descent on the outliers, the
step-through panels). The benches reveal all of that before they time anything, in the order listed: a
later key only exists once the one before it has been ticked (a page stops at an unanswered question).

Keys are the widgets' `key=` (Streamlit also puts them in the page as the CSS class `st-key-<key>`), so the
protocol client and Chromium reveal the same things. `unlisted_reveals` names widgets a page draws that look
like a reveal (see `REVEAL_MARKS`) but are not listed here: a page that gained a toggle fails loudly in the
bench instead of being measured with a result hidden.
"""

from __future__ import annotations

from collections.abc import Iterable

from ui.lessons.registry import LESSONS

# page -> keys to tick, in order (each a checkbox or toggle set to True)
REVEAL: dict[str, tuple[str, ...]] = {
    "derivation": ("d_guess_skip", "d_wrong"),
    "signed_l1": ("s_predict_skip", "s_step_open"),
    "noise_and_learning_rate": (
        "n_predict_skip",
        "n_step_open",
        "n_sweep_show",
        "n_draws_predict_skip",
        "n_heat",
    ),
    "outliers": ("o_predict_skip", "o_gd_predict_skip", "o_break_predict_skip"),
    "landscape": ("l_predict_skip",),
}
LAB_PAGES = tuple(entry.lesson.page for entry in LESSONS)
if set(REVEAL) != set(LAB_PAGES):  # a new lesson's page must say what reveals its results before a bench times it
    raise RuntimeError(f"bench.pages.REVEAL lists {sorted(REVEAL)}, the registry {sorted(LAB_PAGES)}")
REVEAL_MARKS = ("_skip", "_show", "_heat", "_open", "_reveal")  # a key with one of these is a reveal

# page -> (the slider a student moves: its key and its label, the values the protocol bench moves it through)
MAIN_SLIDER: dict[str, tuple[str, str, list[float]]] = {
    "derivation": ("d_w", "Weight w", [round(-1.9 + 0.15 * i, 2) for i in range(26)]),
    "signed_l1": ("s_w0", "Start w0", [float(v) for v in range(-24, 26, 2)]),
    "noise_and_learning_rate": ("n_sigma", "Noise sigma", [round(0.2 * i, 2) for i in range(1, 27)]),
    "outliers": ("o_size", "Outlier shift (added to y)", [float(v) for v in range(-48, 50, 4)]),
    "landscape": ("l_w0", "Start w", [round(-3.9 + 0.3 * i, 2) for i in range(26)]),
}
FLOOR_SLIDER = ("f", "Frequency", [round(1.0 + 0.3 * i, 1) for i in range(26)])

# page -> the control key of its chart's own slider (ui/follow.py): the browser draws its moves (bench.browser --follow)
FOLLOW_SLIDER: dict[str, str] = {
    "signed_l1": "s_step_k",
    "derivation": "d_w",
    "outliers": "o_frac",
    "noise_and_learning_rate": "n_lr",
    "landscape": "l_lr",
}

# page -> the settings known to cost most (the most updates: smallest batch, most epochs or steps, shuffled, every
# loss): bench.worst starts its search from here, so a noisy measurement cannot steer it away from them
HEAVY_START: dict[str, dict[str, object]] = {
    "derivation": {"d_n": 12},
    "signed_l1": {"s_bs": 1, "s_epochs": 200},
    "noise_and_learning_rate": {"n_bs": 1, "n_epochs": 1000, "n_shuffle": True, "n_huber": True},
    "outliers": {"o_n": 100},
    "landscape": {"l_steps": 2000},
}


def unlisted_reveals(page: str, keys: Iterable[str]) -> list[str]:
    """Keys among `keys` (the widgets a page drew) that look like reveals but are not in REVEAL[page]."""
    listed = set(REVEAL.get(page, ()))
    return sorted(k for k in keys if any(m in k for m in REVEAL_MARKS) and k not in listed)
