"""ui/lessons/derivation/compute.py: the L(w) chart's family holds, at each w of the slider, what the chart should
draw for that w, worked out here from L(w) = |w·x + b − t| alone: the point, the two tangents, the fan on the kink
only, and each line's name on the plot."""

import json

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
    """What the chart draws at w, from the loss itself: the point, each tangent's line (L at w, slope), whether on
    the kink."""
    x, t = values[C["x"].key], values[C["t"].key]
    b = values[C["b"].key] if values[C["bias"].key] else 0.0
    r = w * x + b - t
    on_kink = abs(r) <= 1e-9 and x != 0
    g1 = (values[C["kink"].key] if abs(r) <= 1e-9 else np.sign(r)) * x  # sign(r)·x, the app's pick on the kink
    return {
        "point": (w, abs(r)),
        "L1 tangent": (abs(r), g1),
        "L2 tangent": (r * r, 2 * r * x),
        "on_kink": on_kink,
        "kink": (t - b) / x if x else None,
    }


SETTINGS = [{}, {"d_x": -1.5, "d_t": 0.3}, {"d_x": -1.5}, {"d_bias": True, "d_b": 0.8}, {"d_kink": 1.0}, {"d_x": 0.0}]
SETTINGS += [{"d_x": 0.0, "d_t": 0.0}, {"d_x": 0.3}, {"d_x": 3.0, "d_t": -3.0}, {"d_x": -0.1, "d_t": 3.0}]
IDS = ["defaults", "negative x", "steep L2", "bias", "sign(0) = 1", "x = 0", "x = 0 on t", "x 0.3", "steep", "far kink"]


@pytest.mark.parametrize("settings", SETTINGS, ids=IDS)
def test_each_slider_values_rows_are_the_point_and_tangents_of_the_loss_at_that_w(settings):
    values = {**DEFAULTS, **settings}
    pic = compute.picture(values)
    rows = pic.family.rows
    for i, w in enumerate(compute.w_slider().values):
        frame = pic.frame_at(float(w))  # on the kink, the chart frames it
        y_lo, y_top = frame.lo, frame.top
        at, want = _at(pic.family, i), _expected(values, float(w))
        point = (rows["part"] == "point").to_numpy()
        assert np.allclose(at["w"][point], want["point"][0], atol=F32)
        assert np.allclose(at["L"][point], want["point"][1], rtol=F32, atol=F32)
        for name in ("L1 tangent", "L2 tangent"):
            drawn = ((rows["part"] == "tangent") & (rows["line"] == name)).to_numpy()
            height, slope = want[name]
            on_line = height + slope * (at["w"][drawn] - w)  # both ends on the tangent line at w
            assert np.allclose(at["L"][drawn], on_line, atol=F32 * (1 + abs(slope) * 5 + y_top))
        l1 = ((rows["part"] == "tangent") & (rows["line"] == "L1 tangent")).to_numpy()
        l2 = ((rows["part"] == "tangent") & (rows["line"] == "L2 tangent")).to_numpy()
        assert (np.abs(at["w"][l2] - w) <= compute.TANGENT_HALF + F32).all() and (at["L"][l2] >= -F32).all()
        kink = want["kink"]
        if not want["on_kink"] and kink is not None and abs(w - kink) > 1e-9 and frame.w0 <= kink <= frame.w1:
            # the L1 tangent runs past the kink, below every curve, where it is seen apart from the V's arm
            low = int(np.argmin(at["L"][l1]))
            assert at["L"][l1][low] < 0 and (at["w"][l1][low] - kink) * (kink - w) > 0
            assert at["L"][l1].max() > want["point"][1], "and up the arm, on the upper side of w"
        fan = (rows["part"] == "fan").to_numpy()
        assert np.isfinite(at["w"][fan]).any() == want["on_kink"]
        names = (rows["part"] == "label").to_numpy() & np.isfinite(at["w"])
        assert (at["L"][names] <= y_top + F32 * y_top).all() and (at["L"][names] >= y_lo).all()  # on the plot
        shown = set(rows["text"][names])
        if not want["on_kink"]:
            assert "L1 tangent" in shown
        else:
            pick, flat = compute.pick_names(values[C["kink"].key] * values[C["x"].key])
            assert {"subgradients", pick, flat} <= shown


def _names_at(pic, i: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each name drawn at slider value i and the box it covers (compute.box, at its widest)."""
    rows, at, frame = pic.family.rows, _at(pic.family, i), pic.frame_at(float(compute.w_slider().values[i]))
    drawn = (rows["part"] == "label").to_numpy() & np.isfinite(at["w"])
    return [
        (text, compute.box(float(wv), float(lv), side, text, frame))
        for text, side, wv, lv in zip(
            rows["text"][drawn], rows["side"][drawn], at["w"][drawn], at["L"][drawn], strict=True
        )
    ]


def _lines_at(pic, i: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The curves and every segment drawn at slider value i, as (ws increasing, ls)."""
    rows, at = pic.family.rows, _at(pic.family, i)
    lines = [(g["w"].to_numpy(), g["L"].to_numpy()) for _, g in pic.curve.groupby("series")]
    for line in rows.loc[rows["part"].isin(["tangent", "fan"]), "line"].unique():
        mine = ((rows["line"] == line) & rows["part"].isin(["tangent", "fan"])).to_numpy() & np.isfinite(at["w"])
        if mine.any():
            order = np.argsort(at["w"][mine])
            lines.append((at["w"][mine][order], at["L"][mine][order]))
    return lines


@pytest.mark.parametrize(
    "settings",
    [{}, {"d_x": -1.5, "d_w": 0.8}, {"d_x": -1.5}, {"d_t": 0.3}, {"d_x": 3.0, "d_t": -3.0}, {"d_kink": 1.0}],
    ids=["defaults", "negative x (the teacher's link)", "negative x", "t 0.3", "steep", "sign(0) = 1"],
)
def test_every_name_is_on_the_plot_where_no_line_runs_and_apart_from_the_others(settings):
    """A teacher's read: "L1 tangent" sat on the L1 curve (the tangent is the arm itself), was clipped at the w
    slider's ends, and the L2 tangent's name once left the chart. Every name, at every w of the slider, is written
    on the plot, clear of every line drawn and of the other names, at its widest (a phone's)."""
    pic = compute.picture({**DEFAULTS, **settings})
    for i in range(compute.w_slider().values.size):
        names, lines = _names_at(pic, i), _lines_at(pic, i)
        for j, (text, b) in enumerate(names):
            assert pic.frame_at(float(compute.w_slider().values[i])).holds(b), (i, text, b)
            assert not any(compute.crosses(b, ws, ls) for ws, ls in lines), (i, text, b)
            for other, c in names[j + 1 :]:
                assert not (b[0] < c[1] and c[0] < b[1] and b[2] < c[3] and c[2] < b[3]), (i, text, other)


def test_the_l1_tangent_is_drawn_dashed_and_dark_over_the_blue_arm():
    from ui import charts as ui_charts
    from ui.lessons.derivation import charts as lesson_charts

    pic = compute.picture(DEFAULTS)
    spec = lesson_charts.loss_curve_follow_chart(
        pic.curve, pic.family, compute.w_slider(), ["l1", "l2"], pic.y_range, w_range=pic.w_range
    )
    layers = spec.to_dict()["layer"]
    tangent = next(
        layer
        for layer in layers
        if "datum.line == 'L1 tangent'" in json.dumps(layer.get("transform", [])) and layer["mark"]["type"] == "line"
    )
    mark = tangent["mark"]
    assert mark.get("strokeDash") and mark["strokeWidth"] >= 2 and mark["color"] != ui_charts.LOSS_COLORS["l1"]


def test_the_fan_is_drawn_only_on_the_kink():
    pic, slider = compute.picture(DEFAULTS), compute.w_slider()  # x = 2, t = 1: the kink at w = 0.5
    fan = (pic.family.rows["part"] == "fan").to_numpy()
    on = [i for i in range(slider.values.size) if np.isfinite(_at(pic.family, i)["w"][fan]).any()]
    assert [round(float(slider.values[i]), 2) for i in on] == [0.5]


KINKED = [{}, {"d_kink": 1.0}, {"d_x": -1.5, "d_t": 0.3}, {"d_x": 0.3, "d_t": 0.06}, {"d_x": 3.0, "d_t": -3.0}]


@pytest.mark.parametrize("settings", KINKED, ids=["defaults", "sign(0) = 1", "negative x", "x 0.3", "steep"])
def test_standing_on_the_kink_the_chart_frames_it_and_the_fan_fills_it(settings):
    """A teacher's read (read4a 3): on the kink the fan of subgradients, the kink slide's point, was a sliver about
    140 by 15 px of a 0..6 by −3..3 plot. The slider's value on the kink switches the chart's scales to a frame
    around the V's corner, in which the fan spans at least half the height and a quarter of the width; everywhere
    else the frame is the slider's own range."""
    from ui.lessons.derivation import charts as lesson_charts

    values = {**DEFAULTS, **settings}
    pic, slider = compute.picture(values), compute.w_slider()
    x = values[C["x"].key]
    fan = (pic.family.rows["part"] == "fan").to_numpy()
    on = [i for i in range(slider.values.size) if np.isfinite(_at(pic.family, i)["w"][fan]).any()]
    assert len(on) == 1 and abs(float(slider.values[on[0]]) - pic.kink_at) < 1e-9
    zoom, at = pic.frame_at(pic.kink_at), _at(pic.family, on[0])
    assert zoom != pic.frame
    fw, fl = at["w"][fan], at["L"][fan]
    assert zoom.w0 <= fw.min() and fw.max() <= zoom.w1 and zoom.lo <= fl.min() and fl.max() <= zoom.top
    assert (fl.max() - fl.min()) >= 0.5 * (zoom.top - zoom.lo), "the fan fills the plot's height"
    assert (fw.max() - fw.min()) >= 0.25 * (zoom.w1 - zoom.w0)
    assert abs(zoom.top / abs(x) - compute.ZOOM_L) < 1e-9, "slopes ±|x| look alike whatever x"
    for w in slider.values:
        if abs(w - pic.kink_at) > 1e-9:
            assert pic.frame_at(float(w)) == pic.frame
    spec = lesson_charts.loss_curve_follow_chart(
        pic.curve, pic.family, slider, ["l1", "l2"], pic.y_range, w_range=pic.w_range, zoom=pic.framed
    )
    params = spec.params
    assert params["k_w"] == pytest.approx(pic.kink_at)
    assert (params["ky_lo"], params["ky_hi"], params["kw_lo"], params["kw_hi"]) == (zoom.lo, zoom.top, zoom.w0, zoom.w1)
    layer = spec.to_dict()["layer"][0]["encoding"]
    for axis, (lo, hi) in (("x", ("kw_lo", "w_lo")), ("y", ("ky_lo", "y_lo"))):
        domain = json.dumps(layer[axis]["scale"]["domain"])
        assert "k_w" in domain and lo in domain and hi in domain, domain


def test_the_kink_names_are_plain_words():
    """read4a 3: "pick · L2 tangent" was cryptic: the names say what the line is in words."""
    for slope in (0.0, 2.0, -1.5):
        for name in compute.pick_names(slope):
            assert "·" not in name and "pick" not in name
            assert name == "L2 tangent" or f"slope, {compute.say.fmt(slope)}" in name


@pytest.mark.parametrize(
    "settings", [{}, {"d_x": -0.1, "d_t": 0.26}, {"d_x": 0.0}], ids=["defaults", "far kink", "x 0"]
)
def test_the_w_axis_spans_the_sliders_reach_with_round_ticks(settings):
    """read4a 4: the axis ran −3..3 while the slider reaches −2..2, ticks every 0.4 from −3 (none at 0). The axis
    spans the slider's range (and a kink just past it, which the kink note says is out of reach), ticks few and
    round, so 0 is labelled."""
    from ui.lessons.derivation import charts as lesson_charts

    values = {**DEFAULTS, **settings}
    pic, c = compute.picture(values), C["w"]
    x, t = values[C["x"].key], values[C["t"].key]
    kink = t / x if x else None
    lo = min(c.lo, kink) if kink is not None and kink < c.lo - 1e-9 else c.lo
    hi = max(c.hi, kink) if kink is not None and kink > c.hi + 1e-9 else c.hi
    w0, w1 = pic.w_range
    assert w0 < lo and w1 > hi and lo - w0 <= 0.1 + 1e-9 and w1 - hi <= 0.1 + 1e-9, (w0, w1)
    spec = lesson_charts.loss_curve_follow_chart(
        pic.curve, pic.family, compute.w_slider(), ["l1", "l2"], pic.y_range, w_range=pic.w_range, zoom=pic.framed
    )
    axis = spec.to_dict()["layer"][0]["encoding"]["x"]["axis"]
    assert axis["tickCount"] <= 6
