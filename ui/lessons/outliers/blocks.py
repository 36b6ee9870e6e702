"""The outliers lesson's blocks on screen that hold more than a call: the table the student edits, and the chart of
the fits over it (following its own share slider while the table is the generated one)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from ui import charts, follow, frames, layout, table
from ui.lessons.outliers import charts as lesson_charts
from ui.lessons.outliers import family, lesson
from ui.lessons.outliers import sentences as say


def data_table(values: Mapping[str, object]) -> tuple[pd.DataFrame, bool]:
    """The editor of the data, started from the generated table at these values (a big paste folded into it first):
    the table as edited, and whether it is still the generated one (then the fits chart carries its family)."""
    st.caption(
        "Type into the table to move points, add rows at the bottom, or select rows and delete them. Changing a "
        "slider above draws new data."
    )
    keys = ("o_n", "o_w", "o_b", "o_sigma", "o_frac", "o_size", "o_seed")
    gen_key = "_".join(str(lesson.true_bias(values) if k == "o_b" else values[k]) for k in keys)
    if st.button("Reset the table to the generated data", key="o_reset_table"):
        st.session_state["o_table_version"] = st.session_state.get("o_table_version", 0) + 1
    editor_key = f"o_editor_{gen_key}_{st.session_state.get('o_table_version', 0)}"
    folded = st.session_state.get("o_table_folded")
    generated = lesson.table(values)
    if folded and folded["key"] == editor_key:  # a big paste earlier, folded into the table the editor starts from
        base, fold_notes = folded["table"], folded["notes"]
    else:
        base, fold_notes = generated, []
    edits = st.session_state.get(editor_key)
    if table.is_heavy(edits, len(base), ("x", "y", "kind")):
        # bounded work before Streamlit would apply the edits row by row: fold them here, start the editor afresh
        base, notes = table.fold(base, edits, ("x", "y"))
        fold_notes = [*fold_notes, *notes][-4:]  # the latest folds' notes; older ones describe rows already replaced
        st.session_state["o_table_version"] = st.session_state.get("o_table_version", 0) + 1
        editor_key = f"o_editor_{gen_key}_{st.session_state['o_table_version']}"
        st.session_state["o_table_folded"] = {"key": editor_key, "table": base, "notes": fold_notes}
    for note in fold_notes:
        st.warning(note, icon="📋")
    edited = st.data_editor(
        base,
        key=editor_key,
        num_rows="dynamic",
        hide_index=False,
        height=220,
        width="stretch",
        column_config={
            "x": st.column_config.NumberColumn("x"),
            "y": st.column_config.NumberColumn("y"),
            "kind": st.column_config.TextColumn("kind (as generated)", disabled=True),
        },
    )
    return edited, edited.equals(generated)


def fits_chart(
    points: pd.DataFrame, exact: Mapping[str, tuple[float, float]], truth: pd.DataFrame, values, *, follows: bool
) -> None:
    """The points with each loss's exact line and the true line; with `follows` (the generated table), the chart
    carries every share's points and lines and its own share slider (ui.follow)."""
    bias = bool(values["o_bias"])
    shifted = int((points["kind"] == "outlier").sum())
    alt_text = (
        f"{len(points)} points ({shifted} of them shifted by {values['o_size']:+g}) with the lines that minimise L1, "
        "L2 and Huber loss: "
        + "; ".join(f"{charts.label(k)}'s y = {say.line_text(*exact[k], bias)}" for k in lesson.LOSSES)
        + f"; {truth['text'].iloc[0]}, dashed."
    )
    if not follows:
        xs, ends = lesson.fit_ends(points["x"].to_numpy(), exact)
        lines = frames.stack(({"series": charts.label(k)}, {"x": xs, "y": ends[k]}) for k in lesson.LOSSES)
        layout.chart(lesson_charts.scatter_fit_chart(points, lines, lesson.LOSSES, truth), alt_text, answers=True)
        return
    slider = family.share_slider()
    with layout.slide_part(3):
        if not layout.presenting():  # a projector's slide has no room for it: the slider's own label says it
            st.caption("Drag the fraction slider under the chart (or use its arrow keys): points and lines follow.")
        spec = lesson_charts.scatter_follow_chart(family.picture(values), slider, lesson.LOSSES, truth)
        follow.chart(spec, slider, alt_text)
