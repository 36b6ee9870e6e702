"""ui/lessons/derivation/compute.py: the L(w) chart's family holds, at each w of the slider, what the chart should
draw for that w, worked out here from L(w) = |w·x + b − t| alone: the point, the two tangents, the fan on the kink
only, and each line's name on the plot."""

import numpy as np
import pytest

from ui.lessons.derivation import compute, lesson
from ui.lessons.derivation.lesson import C

DEFAULTS = {c.key: c.default for c in lesson.CONTROLS}
F32 = 1e-5  # the family is float32: about 7 significant digits of numbers below 100


def _at(fam, i: int) -> dict[str, np.ndarray]:
    """The family's (w, L) of every drawn row at slider value i."""
    n = len(fam.rows)
    return {f: np.asarray(fam.by_value.loc[i, [f"{f}_{r}" for r in range(n)]], float) for f in ("w", "L")}


def _expected(values: dict, w: float) -> dict:
    """What the chart draws at w, from the loss itself: the point, each tangent's two ends, whether on the kink."""
    x, t = values[C["x"].key], values[C["t"].key]
    b = values[C["b"].key] if values[C["bias"].key] else 0.0
    r = w * x + b - t
    on_kink = abs(r) <= 1e-9
    g1 = (values[C["kink"].key] if on_kink else np.sign(r)) * x  # sign(r)·x, the app's pick on the kink
    g2 = 2 * r * x
    ends = np.array([w - compute.TANGENT_HALF, w + compute.TANGENT_HALF])
    return {
        "point": (w, abs(r)),
        "L1 tangent": (ends, abs(r) + g1 * (ends - w)),
        "L2 tangent": (ends, r * r + g2 * (ends - w)),
        "on_kink": on_kink,
    }


@pytest.mark.parametrize(
    "settings",
    [{}, {"d_x": -1.5, "d_t": 0.3}, {"d_x": -1.5}, {"d_bias": True, "d_b": 0.8}, {"d_kink": 1.0}, {"d_x": 0.0}],
    ids=["defaults", "negative x", "steep L2", "bias", "sign(0) = 1", "x = 0"],
)
def test_each_slider_values_rows_are_the_point_and_tangents_of_the_loss_at_that_w(settings):
    values = {**DEFAULTS, **settings}
    pic = compute.picture(values)
    rows = pic.family.rows
    y_lo, y_top = pic.y_range
    for i, w in enumerate(compute.w_slider().values):
        at, want = _at(pic.family, i), _expected(values, float(w))
        point = (rows["part"] == "point").to_numpy()
        assert np.allclose(at["w"][point], want["point"][0], atol=F32)
        assert np.allclose(at["L"][point], want["point"][1], rtol=F32, atol=F32)
        for name in ("L1 tangent", "L2 tangent"):
            drawn = ((rows["part"] == "tangent") & (rows["line"] == name)).to_numpy()
            assert np.allclose(at["w"][drawn], want[name][0], atol=F32)
            assert np.allclose(at["L"][drawn], want[name][1], rtol=F32, atol=F32)
        fan = (rows["part"] == "fan").to_numpy()
        assert np.isfinite(at["w"][fan]).any() == want["on_kink"]
        names = (rows["part"] == "label").to_numpy() & np.isfinite(at["w"])
        assert (at["L"][names] <= y_top + F32 * y_top).all() and (at["L"][names] >= y_lo).all()  # on the plot
        shown = set(rows["text"][names])
        if not want["on_kink"]:
            l2_top = want["L2 tangent"][1].max()
            lower_end_in_view = want["L2 tangent"][1].min() < y_top
            assert shown == {"L1 tangent", *(["L2 tangent"] if lower_end_in_view or l2_top <= y_top else [])}
        else:
            assert any(t.startswith("subgradients, slopes") for t in shown) and any("L2 tangent" in t for t in shown)


def test_a_name_sits_at_its_lines_upper_end_or_where_the_line_leaves_the_top():
    span = np.array([0.0, 1.0])
    assert compute.name_at(span, np.array([1.0, 3.0]), y_top=5.0) == (1.0, 3.0, "right")  # in view: the upper end
    assert compute.name_at(span, np.array([3.0, 1.0]), y_top=5.0) == (0.0, 3.0, "left")
    w, L, side = compute.name_at(span, np.array([1.0, 9.0]), y_top=5.0)  # leaves the top halfway
    assert (w, L, side) == pytest.approx((0.5, 5.0, "right"))
    assert compute.name_at(span, np.array([6.0, 9.0]), y_top=5.0) is None  # wholly above: nothing drawn to name


def test_the_fan_is_drawn_only_on_the_kink():
    pic, slider = compute.picture(DEFAULTS), compute.w_slider()  # x = 2, t = 1: the kink at w = 0.5
    fan = (pic.family.rows["part"] == "fan").to_numpy()
    on = [i for i in range(slider.values.size) if np.isfinite(_at(pic.family, i)["w"][fan]).any()]
    assert [round(float(slider.values[i]), 2) for i in on] == [0.5]


@pytest.mark.parametrize("settings", [{}, {"d_x": -1.5}, {"d_t": 0.3}], ids=["defaults", "negative x", "t 0.3"])
def test_the_two_tangents_names_never_overlap(settings):
    """A fresh teacher's read: at the defaults "L1 tangent" and "L2 tangent" were written on top of each other."""
    values = {**DEFAULTS, **settings}
    pic = compute.picture(values)
    rows, (y_lo, y_top) = pic.family.rows, pic.y_range
    for i in range(compute.w_slider().values.size):
        at = _at(pic.family, i)
        where = {}
        for name in ("L1 tangent", "L2 tangent"):
            drawn = ((rows["part"] == "label") & (rows["text"] == name)).to_numpy() & np.isfinite(at["w"])
            if drawn.any():
                where[name] = (float(at["w"][drawn][0]), float(at["L"][drawn][0]), rows["side"][drawn].iloc[0])
        if len(where) == 2:
            (w1, l1, s1), (w2, l2, s2) = where.values()
            apart = abs(l1 - l2) >= compute.NAME_GAP * (y_top - y_lo) or s1.split()[0] != s2.split()[0]
            apart = apart or s1.endswith("above") != s2.endswith("above")  # one written above its end, one below
            assert apart, (i, where)
