"""ui/lessons/outliers/family.py: the fits chart's family holds, at each share of its slider, the points of the table
generated at that share and each loss's exact line through them, fitted directly; an edited table has no family."""

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import core
from tests.test_pages import open_page
from ui import charts
from ui.lessons.outliers import family, lesson
from ui.lessons.outliers.lesson import LOSSES, C

DEFAULTS = {c.key: c.default for c in lesson.CONTROLS}
HALF_ULP = np.finfo(np.float32).eps / 2  # the family is float32: each value is its float64 rounded once


def _share(i: int) -> float:
    """Slider position i as the browser's range input computes it, in decimal: lo + i·step."""
    return float(Decimal(repr(C["frac"].lo)) + i * Decimal(repr(C["frac"].step)))


def _at(fam, i: int, field: str) -> np.ndarray:
    if fam.by_value is not None:
        return fam.by_value.loc[i, [f"{field}_{r}" for r in range(len(fam.rows))]].to_numpy(np.float64)
    return fam.rows[f"{field}_{i}"].to_numpy(np.float64)


def _equal_in_float32(got: np.ndarray, direct: np.ndarray) -> bool:
    return bool(np.all(np.abs(got - direct) <= HALF_ULP * np.abs(direct)))


@pytest.mark.parametrize(
    "settings",
    [{}, {"o_bias": False, "o_b": 0.0}, {"o_n": 100, "o_size": -50.0, "o_seed": 7}, {"o_sigma": 0.0, "o_n": 11}],
    ids=["defaults", "through the origin", "100 points shifted down", "no noise"],
)
def test_each_shares_column_equals_the_table_generated_at_that_share_and_its_direct_fits(settings):
    values = {**DEFAULTS, **settings}
    fam = family.picture(values).family
    rows = fam.rows
    point, fit = (rows["part"] == "point").to_numpy(), (rows["part"] == "fit").to_numpy()
    for i in range(family.share_slider().values.size):
        at = {**values, C["frac"].key: _share(i)}
        t = lesson.table(at)
        x, y = t["x"].to_numpy(), t["y"].to_numpy()
        shifted = t["kind"].to_numpy() == "outlier"
        assert _equal_in_float32(_at(fam, i, "x")[point], x) and _equal_in_float32(_at(fam, i, "y")[point], y)
        assert np.array_equal(_at(fam, i, "outlier")[point] == 1, shifted)
        assert set(_at(fam, i, "shifted")) == {core.outlier_count(values["o_n"], _share(i))} == {shifted.sum()}
        ends = np.array([x.min(), x.max()])
        for k in LOSSES:
            params = {"delta": values["o_delta"]} if k == "huber" else {}
            w, b = core.fit_line(k, x, y, fit_bias=values["o_bias"], **params)
            line = fit & (rows["series"] == charts.label(k)).to_numpy()
            assert _equal_in_float32(_at(fam, i, "x")[line], ends)
            assert _equal_in_float32(_at(fam, i, "y")[line], w * ends + b), (k, i)


def test_the_y_range_holds_every_shares_points_lines_and_the_true_line():
    pic = family.picture(DEFAULTS)
    ys = np.concatenate([_at(pic.family, i, "y") for i in range(family.share_slider().values.size)])
    lo, hi = pic.y_range
    assert lo < ys.min() and ys.max() < hi
    x = lesson.table(DEFAULTS)["x"]
    truth = DEFAULTS["o_w"] * np.array([x.min(), x.max()]) + DEFAULTS["o_b"]
    assert lo < truth.min() and truth.max() < hi


def _datasets(at) -> set[str]:
    return {d.name for c in at.get("vega_lite_chart") for d in c.proto.datasets}


def test_the_generated_table_draws_the_following_chart_and_an_edited_one_the_plain_chart():
    at = open_page("pages/outliers.py", {})
    assert family.NAME in _datasets(at) and "points" not in _datasets(at)
    (editor,) = [e.proto.id[e.proto.id.index("o_editor_") :] for e in at.dataframe if "o_editor_" in e.proto.id]
    at.session_state[editor] = {"edited_rows": {0: {"y": 99.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert "points" in _datasets(at) and family.NAME not in _datasets(at)
    drawn = next(c.proto for c in at.get("vega_lite_chart") if any(d.name == "points" for d in c.proto.datasets))
    points = pa.ipc.open_stream(next(d.data.data for d in drawn.datasets if d.name == "points")).read_pandas()
    assert points.loc[0, "y"] == 99.0 and isinstance(points, pd.DataFrame)
