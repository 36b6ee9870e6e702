"""The landscape lesson's blocks the page draws in its order: the zoom under the map, the map's fold, and the loss
curves' rows (the page keeps the order; the work is here)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import streamlit as st

import core
from ui import frames, layout
from ui.controls import Settings
from ui.lessons.landscape import charts as lesson_charts
from ui.lessons.landscape import lesson
from ui.lessons.landscape import sentences as say
from ui.words import plain


def zoom_block(values: Mapping[str, object], runs: Mapping[str, core.Trajectory], optimum: tuple[float, float]) -> bool:
    """Under the map: plain descent's last updates near the optimum, when they are too small to see on it (True
    when it drew them)."""
    near = lesson.zoom(values)
    if near is None:
        return False
    st.markdown(f"**Zoom: plain descent's last {say.last_quarter(runs['sgd'].n_updates):,} updates**")
    layout.chart(
        lesson_charts.landscape_chart(
            near.grid, near.path, near.creases, optimum, ["sgd"], w_range=near.w_range,
            b_range=near.b_range, labels=lesson.labels(values), height=260,
        ),
        f"The map near the optimum, w from {plain(near.w_range[0])} to {plain(near.w_range[1])} and b from "
        f"{plain(near.b_range[0])} to {plain(near.b_range[1])}, with plain descent's last updates"
        + (" and the creases." if near.creases is not None else "."),
    )  # fmt: skip
    return True


def map_folds(v: Settings, runs: Mapping[str, core.Trajectory], share: float, last: int) -> list[str]:
    """The map takeaway's fold: plain descent's crease crossings (`share` of its `last` updates), Adam's steps
    against sign descent, and where each path ends."""
    folded, names = [], lesson.labels(v.by_key)
    if v["loss"] == "l1" and "sgd" in runs:
        lr_ratio = float(runs["sgd"].lr[-1] / runs["sgd"].lr[1])
        on_its_way = lesson.settle(v.by_key)[0] == say.SETTLES[2]
        folded.append(say.crease_seen(share, last, v["sched"], lr_ratio, on_its_way=on_its_way))
    if v["loss"] == "l1" and "adam" in runs:
        r = runs["adam"]
        first = min(50, r.n_updates)
        folded.append(
            say.adam_seen(say.step_ratio(r.w, r.lr, first), say.sign_changes(r.grad, first), v["beta2"], first)
        )
    folded.append(
        "Each path starts at the same point; the optimum (cross) is the exact minimiser, computed separately. "
        + "; ".join(f"{names[o]} ends {say.point(r.w[-1], r.b[-1])}" for o, r in runs.items())
        + "."
    )
    return folded


def loss_rows(runs: Mapping[str, core.Trajectory], f_star: float, names: Mapping[str, str]) -> pd.DataFrame:
    """The loss curves' table: each run's loss and best loss so far minus f*, thinned, drawn at the log floor at
    most (update, value, optimizer, kind); `names`: optimiser -> its name (lesson.labels)."""
    loss_rows = []
    for o, r in runs.items():
        keep = frames.thin_series(r.loss)
        for kind, series in (("loss − optimum", r.loss), ("best so far − optimum", r.best_loss)):
            excess_now = series[keep] - f_star
            ok = np.isfinite(excess_now)
            loss_rows.append(
                (
                    {"optimizer": names[o], "kind": kind},
                    {"update": keep[ok], "value": np.maximum(excess_now[ok], lesson_charts.LOG_FLOOR)},
                )
            )
    return frames.stack(loss_rows)


def end_rows(
    runs: Mapping[str, core.Trajectory], excess: Mapping[str, float], f_star: float, names: Mapping[str, str]
) -> pd.DataFrame:
    """The loss curves' fold table: each optimiser's end point, best loss above the optimum, and divergence."""
    return pd.DataFrame(
        [
            {
                "optimiser": names[o],
                "final (w, b)": say.point(r.w[-1], r.b[-1]),
                "best loss − optimum": say.excess_words(excess[o], f_star),
                "diverged at": frames.diverged_text(r.diverged_at),
            }
            for o, r in runs.items()
        ]
    )
