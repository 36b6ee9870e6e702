"""Step-through: walk trajectories update by update, with a marker on the chart and the numbers
(w, gradient, lr, loss) at that update beside it.

The update k is the chart's own slider (ui.follow): the chart carries w of every run at every update, so the
marker follows the hand while it drags, and the numbers catch up when it pauses. Only this panel reruns while
stepping or playing (`st.fragment`); the rest of the page, and its computation, stays as it is. Play sets the
fragment's `run_every`, so starting and stopping reruns the page once. k stays in the link (`keep_in_url`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from core import Trajectory
from ui import charts, follow, frames, layout
from ui.controls import Control, keep_in_url, restore, show_notes

SPEEDS = (1, 5, 20, 100)  # updates per tick
TICK_SECONDS = 0.5


def inputs(key: str, last: int) -> tuple[Control, Control]:
    """The panel's two settings, checked like any page's: updates per step, and the update shown."""
    return (
        Control(f"{key}_speed", "Updates per step", "choice", SPEEDS[1], options=SPEEDS),
        Control(f"{key}_k", "Update k", "int", 0, lo=0, hi=last, step=1),
    )


def _position(value, last: int) -> int | None:
    """A number as an update index inside 0..last (a shorter run keeps the marker at its end); None if not one."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return min(max(int(value), 0), last)
    return None


def _clamp(key: str, last: int) -> int:
    k = _position(st.session_state.get(key, 0), last) or 0
    st.session_state[key] = k
    return k


def _shift(key: str, by: int, last: int, play_key: str) -> None:
    """Step by hand: move, and pause playback."""
    st.session_state[key] = min(max(_clamp(key, last) + by, 0), last)
    st.session_state[play_key] = False


def _toggle_play(key: str) -> None:
    st.session_state[f"{key}_playing"] = not st.session_state.get(f"{key}_playing", False)


def _read_settings(key: str, last: int) -> int:
    """Check the panel's settings like any page's (notes for refused values); return the updates per step."""
    k_key = f"{key}_k"
    if (k := _position(st.session_state.get(k_key), last)) is not None:
        st.session_state[k_key] = k  # before the check: a k past a shorter run's end is not an error
    show_notes(restore(inputs(key, last)))
    return st.session_state[f"{key}_speed"]


def _advance(key: str, last: int, speed: int, playing: bool) -> None:
    """One tick of playback: k moves `speed` updates on; reruns the page when the timer must be set or dropped."""
    k_key, play_key = f"{key}_k", f"{key}_playing"
    if st.session_state.get(play_key, False) != playing:
        st.rerun(scope="app")  # play was pressed or stopped: rerun the page to set or drop the timer
    if playing:
        k = _clamp(k_key, last)
        if k >= last:  # reached the end: stop, and let the page drop the timer
            st.session_state[play_key] = False
            st.rerun(scope="app")
        st.session_state[k_key] = min(k + speed, last)
    _clamp(k_key, last)


def _slider(key: str, last: int) -> follow.Slider:
    """The update k: the chart's own slider."""
    return follow.Slider("k", inputs(key, last)[1])


def marker_family(runs: Mapping[str, Trajectory], bounds: tuple[float, float] | None = None) -> follow.Family:
    """w of every run at every update (NaN past a run that stopped, and outside `bounds`, where the chart cut a
    diverging run's line): the marker's family, one drawn row per run."""
    last = next(iter(runs.values())).n_updates
    w = np.full((last + 1, len(runs)), np.nan)
    for i, run in enumerate(runs.values()):
        w[: run.w.size, i] = run.w[: last + 1]
        if bounds is not None and run.diverged_at is not None:
            w[:, i] = np.where((w[:, i] >= bounds[0]) & (w[:, i] <= bounds[1]), w[:, i], np.nan)
    return follow.family("marker", pd.DataFrame({"series": list(runs)}), {"w": w})


BUTTON_PX, SPEED_PX = 52, 150  # the step buttons' and the speed's widths: all four in 358 px, a phone's column
PHONE = {"gradient dL/dw": "dL/dw", "loss on all data": "loss, all"}  # the table's headers a phone shows whole


def _controls(key: str, last: int, speed: int, playing: bool) -> None:
    """One row: step back, play or pause, step forward, the updates per step (the update k is under the chart), in
    a horizontal container, which keeps them in one row on a phone too (columns stack there: three full-width
    buttons, about 170 px above the chart); the hint under them."""
    k_key, play_key = f"{key}_k", f"{key}_playing"
    buttons = (
        ("⏮", "back", _shift, (k_key, -speed, last, play_key), "Step back"),
        ("⏸" if playing else "▶", "play", _toggle_play, (key,), "Pause" if playing else "Play"),
        ("⏭", "next", _shift, (k_key, speed, last, play_key), "Step forward"),
    )
    row = st.container(horizontal=True, vertical_alignment="bottom", wrap=False, key=f"{key}_controls")
    for label, name, on_click, args, help_text in buttons:
        row.button(label, key=f"{key}_{name}", on_click=on_click, args=args, help=help_text, width=BUTTON_PX)
    row.selectbox("Updates per step", SPEEDS, key=f"{key}_speed", width=SPEED_PX)
    st.caption("Drag the slider under the chart (or use its arrow keys): the marker follows your hand.")


def _numbers(runs: Mapping[str, Trajectory], k: int) -> None:
    """The table of w, gradient, lr and loss at update k, one row per run (on a phone, short headers: PHONE)."""
    rows = [
        {
            "loss": label,
            "w": run.w[k],
            "gradient dL/dw": run.grad[k],
            "lr": run.lr[k],
            "loss on all data": run.loss[k],
        }
        for label, run in runs.items()
    ]
    table = pd.DataFrame(rows)
    layout.table(table.rename(columns=PHONE) if layout.on_phone() else table, digits=5)
    if k == 0:
        st.caption("Update 0 is the start: no gradient or learning rate has been used yet.")


def step_through(
    key: str,
    runs: Mapping[str, Trajectory],
    losses: Sequence[str],
    hlines: pd.DataFrame,
    *,
    height: int = 240,
    rule_style: charts.RuleStyle = charts.RULES,
) -> None:
    """Draw the step-through panel for runs labelled by loss label (charts.label(loss)); `height` and `rule_style`:
    its chart's, as charts.trajectory_chart takes them."""
    last = next(iter(runs.values())).n_updates
    playing = bool(st.session_state.get(f"{key}_playing", False))
    bounds = frames.tame_range(runs, "w", hlines["y"])  # as the page's chart: a diverging run is cut there
    w_df, _ = frames.blank_outside(frames.runs_frame(runs, "w"), runs, "w", bounds)
    family = marker_family(runs, bounds)

    @st.fragment(run_every=TICK_SECONDS if playing else None)
    def panel() -> None:
        slider = _slider(key, last)
        follow.take(slider)  # a value the hand moved the chart's slider to, before the settings are read
        speed = _read_settings(key, last)
        _advance(key, last, speed, playing)
        _controls(key, last, speed, playing)
        k = int(st.session_state[f"{key}_k"])
        keep_in_url([slider.control])
        spec = charts.trajectory_chart(
            w_df, "w", "weight w", losses, hlines=hlines, follow=(slider, family), height=height, rule_style=rule_style
        )
        follow.chart(spec, slider, f"Weight w over updates with a marker at update {k}.")
        _numbers(runs, k)

    panel()
