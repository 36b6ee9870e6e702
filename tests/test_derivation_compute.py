"""ui/lessons/derivation/compute.py: the L(w) chart's family holds, at each w of the slider, what the chart drew
for that w alone (lesson.loss_picture)."""

import numpy as np
import pytest

from ui.lessons.derivation import compute, lesson
from ui.lessons.derivation.lesson import C

DEFAULTS = {c.key: c.default for c in lesson.CONTROLS}


def _at(fam, i: int) -> dict[str, np.ndarray]:
    """The family's (w, L) of every drawn row at slider value i."""
    n = len(fam.rows)
    return {f: np.asarray(fam.by_value.loc[i, [f"{f}_{r}" for r in range(n)]], float) for f in ("w", "L")}


@pytest.mark.parametrize(
    "settings",
    [{}, {"d_x": -1.5, "d_t": 0.3}, {"d_bias": True, "d_b": 0.8}, {"d_kink": 1.0}, {"d_x": 0.0}],
    ids=["defaults", "negative x", "bias", "sign(0) = 1", "x = 0"],
)
def test_each_slider_values_rows_equal_the_picture_drawn_for_that_w_alone(settings):
    values = {**DEFAULTS, **settings}
    pic = compute.picture(values)
    slider = compute.w_slider()
    rows = pic.family.rows
    for i, w in enumerate(slider.values):
        direct = lesson.loss_picture(lesson.sample({**values, C["w"].key: float(w)}))
        at = _at(pic.family, i)
        point = (rows["part"] == "point").to_numpy()
        assert np.allclose(at["w"][point], direct.point["w"], atol=1e-6)
        assert np.allclose(at["L"][point], direct.point["L"], rtol=1e-6, atol=1e-6)
        drawn = (rows["part"].isin(["tangent", "fan"]) & np.isfinite(at["w"])).to_numpy()
        assert np.allclose(at["w"][drawn], direct.lines["w"], atol=1e-5)  # float32: 7 digits
        assert np.allclose(at["L"][drawn], direct.lines["L"], rtol=1e-5, atol=1e-5)
        shown = (rows["part"] == "label").to_numpy() & np.isfinite(at["w"])
        assert sorted(rows["text"][shown]) == sorted(direct.labels["text"])


def test_the_fan_is_drawn_only_on_the_kink():
    pic, slider = compute.picture(DEFAULTS), compute.w_slider()  # x = 2, t = 1: the kink at w = 0.5
    fan = (pic.family.rows["part"] == "fan").to_numpy()
    on = [i for i in range(slider.values.size) if np.isfinite(_at(pic.family, i)["w"][fan]).any()]
    assert [round(float(slider.values[i]), 2) for i in on] == [0.5]
