"""ui/table.fold case by case: which rows stay, which cells change, and the notes that say what was dropped."""

import numpy as np
import pandas as pd
import pytest

from ui import table
from ui.frames import MAX_EDITOR_ROWS


def _base(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(float(n)), "y": 10 + np.arange(float(n)), "kind": ["inlier"] * n})


CASES = [
    # (edits, x after folding, y after folding, kind after folding, words each note holds)
    ({"edited_rows": {"1": {"x": "7.5", "kind": "outlier"}}}, [0, 7.5, 2], [10, 11, 12], ["inlier"] * 3, []),
    (
        {"edited_rows": {5: {"x": 1}, "a": {"x": 1}, 0: "row"}},
        [0, 1, 2],
        [10, 11, 12],
        ["inlier"] * 3,
        ["3 edits named a row that does not exist and were dropped"],
    ),
    ({"deleted_rows": [0, 0, 2, 9, "1"]}, [1], [11], ["inlier"], []),
    (
        {"added_rows": [{"x": "4", "y": None, "kind": "outlier"}, "junk"]},
        [0, 1, 2, 4, None],
        [10, 11, 12, None, None],
        ["inlier"] * 3 + [None, None],
        [],
    ),
    (
        {"edited_rows": {0: {"x": "abc", "y": " "}}},
        [None, 1, 2],
        [None, 11, 12],
        ["inlier"] * 3,
        ["1 cell held something other than a finite number within ±1,000,000 and was emptied"],
    ),
    (
        {"edited_rows": {0: {"x": 2e6, "y": float("inf")}}},
        [None, 1, 2],
        [None, 11, 12],
        ["inlier"] * 3,
        ["2 cells held"],
    ),
    ("not edits", [0, 1, 2], [10, 11, 12], ["inlier"] * 3, []),
]


@pytest.mark.parametrize(("edits", "x", "y", "kind", "notes"), CASES)
def test_fold_applies_what_it_can_and_says_what_it_dropped(edits, x, y, kind, notes):
    out, said = table.fold(_base(), edits, ("x", "y"))
    assert np.array_equal(out["x"].to_numpy(), np.array(x, dtype=float), equal_nan=True)
    assert np.array_equal(out["y"].to_numpy(), np.array(y, dtype=float), equal_nan=True)
    assert [None if pd.isna(v) else v for v in out["kind"]] == kind  # the new rows' kind is left empty
    assert len(said) == len(notes) and all(w in s for w, s in zip(notes, said, strict=True))


@pytest.mark.parametrize(
    ("n_rows", "deleted", "added", "words"),
    [
        (MAX_EDITOR_ROWS, [], 3, "all were dropped"),
        (MAX_EDITOR_ROWS, [0, 1], 5, "the first 2 were added and 3 dropped"),
        (10, [], MAX_EDITOR_ROWS, "the first 490 were added and 10 dropped"),
        (MAX_EDITOR_ROWS, [0], 2, "the first was added and 1 dropped"),
    ],
)
def test_new_rows_past_the_cap_are_dropped_and_counted(n_rows, deleted, added, words):
    rows = [{"x": 1, "y": 2}] * added
    out, notes = table.fold(_base(n_rows), {"added_rows": rows, "deleted_rows": deleted}, ("x", "y"))
    assert len(out) == MAX_EDITOR_ROWS
    assert len(notes) == 1 and f"{added:,} new rows arrived at once" in notes[0] and words in notes[0]
    assert "(s)" not in notes[0]


def test_edits_past_four_times_the_cap_are_counted_as_dropped():
    edited = {i % 3: {"x": 5} for i in range(3)} | {str(i): {"x": 5} for i in range(3, 4 * MAX_EDITOR_ROWS + 3)}
    out, notes = table.fold(_base(), {"edited_rows": edited}, ("x", "y"))
    assert list(out["x"]) == [5, 5, 5]
    assert notes == [f"{4 * MAX_EDITOR_ROWS:,} edits named a row that does not exist and were dropped."]
