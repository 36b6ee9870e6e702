import numpy as np
import pandas as pd
import pytest

from ui.frames import MAX_EDITOR_ROWS, clean_points, runs_frame, series_frame, stack, thin_series


def test_clean_points_keeps_valid_rows_and_reports_garbage():
    df = pd.DataFrame({"x": [1, "2", "abc", None, "inf", 1e308, " 3.5 ", 4], "y": [1, 2, 3, 4, 5, 6, 7, "<script>"]})
    x, y, kept, notes = clean_points(df)
    np.testing.assert_array_equal(kept, [0, 1, 6])
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.5])
    np.testing.assert_array_equal(y, [1.0, 2.0, 7.0])
    assert len(notes) == 1 and "Ignored 5 rows" in notes[0] and "rows 2, 3, 4, 5 and 7." in notes[0]


def test_clean_points_names_a_row_as_the_table_labels_it():
    """A data editor numbers its rows from 0 and a deleted row takes its label with it: the note names the label the
    student sees (it said "row 5" for the row labelled 4), one row in the singular, the limit without e-notation."""
    df = pd.DataFrame({"x": [0.1, 0.2, 0.3, 0.4], "y": [1.0, 5e6, 2.0, 3.0]}, index=[0, 4, 5, 30])
    _, _, kept, notes = clean_points(df)
    np.testing.assert_array_equal(kept, [0, 2, 3])
    assert notes == [
        "Ignored 1 row with an empty, non-numeric, infinite or too large (beyond ±1,000,000) value: row 4."
    ]
    many = pd.DataFrame({"x": ["abc"] * 11, "y": [1.0] * 11})
    assert clean_points(many)[3][0].endswith("rows 0, 1, 2, 3, 4, 5, 6, 7 and 3 more.")


def test_clean_points_caps_rows():
    df = pd.DataFrame({"x": np.arange(1000.0), "y": np.arange(1000.0)})
    x, y, kept, notes = clean_points(df)
    assert x.size == MAX_EDITOR_ROWS and any("first 500" in n for n in notes)


@pytest.mark.parametrize("df", [pd.DataFrame(), pd.DataFrame({"a": [1]}), None])
def test_clean_points_empty_or_wrong_columns(df):
    x, y, kept, notes = clean_points(df)
    assert x.size == 0 and kept.size == 0 and notes


def test_thinning_keeps_extremes_and_ends():
    values = np.sin(np.arange(20001) / 3.0)
    values[12345] = 50.0
    idx = thin_series(values, max_points=600)
    assert idx.size <= 610 and idx[0] == 0 and idx[-1] == 20000
    assert 12345 in idx and values[idx].min() == values.min()


def test_series_frame_is_long_form():
    df = series_frame({"a": np.arange(5.0), "b": np.arange(5.0) * 2}, "w")
    assert sorted(df.columns) == ["series", "update", "w"] and len(df) == 10
    assert df["series"].astype(str).tolist() == ["a"] * 5 + ["b"] * 5
    assert df["update"].tolist() == [0, 1, 2, 3, 4] * 2 and df["w"].tolist()[5:] == [0.0, 2.0, 4.0, 6.0, 8.0]


def test_stack_joins_parts_and_names_them():
    df = stack(
        [
            ({"optimizer": "adam", "kind": "loss"}, {"k": np.arange(3), "v": np.ones(3)}),
            ({"optimizer": "sgd", "kind": "loss"}, {"k": np.arange(2), "v": np.zeros(2)}),
            ({"optimizer": "adam", "kind": "best"}, {"k": np.arange(1), "v": np.full(1, 7.0)}),
        ]
    )
    assert df["optimizer"].astype(str).tolist() == ["adam"] * 3 + ["sgd"] * 2 + ["adam"]
    assert df["kind"].astype(str).tolist() == ["loss"] * 5 + ["best"]
    assert df["k"].tolist() == [0, 1, 2, 0, 1, 0] and df["v"].tolist() == [1, 1, 1, 0, 0, 7]
    assert stack([]).empty


def test_a_zoom_from_an_update_on_is_thinned_on_its_own():
    from core import Trajectory

    n = 10_001
    w = np.sin(np.arange(n) / 7.0)
    run = Trajectory(w, w * 0, w, w, w, w, w, None, 10)
    zoom = runs_frame({"run": run}, "w", start=7_000)
    assert zoom["update"].min() == 7_000 and zoom["update"].max() == n - 1
    assert len(zoom) > 250, "as many points as a whole run gets, all in the zoomed part"
    np.testing.assert_array_equal(zoom["w"].to_numpy(), w[zoom["update"].to_numpy()])
    assert zoom["w"].max() == w[7_000:].max() and zoom["w"].min() == w[7_000:].min()
