"""ui/follow.py: the family's layouts, the bound slider's spec, and the Streamlit and Vega names it leans on."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit
from streamlit.elements.vega_charts import VegaLiteStateSerde

from ui import follow, internals
from ui.controls import Control

K = Control("t_follow_k", "Update k", "int", 0, 0, 40, 1)
W = Control("t_follow_w", "Weight w", "float", 0.3, -2.0, 2.0, 0.05)


def test_the_names_the_slider_css_styles_are_still_in_streamlits_bundle():
    bundle = " ".join(p.read_text(errors="ignore") for p in Path(streamlit.__file__).parent.glob("static/**/*.js"))
    for name in internals.FOLLOW_NAMES:
        assert name in bundle, f"Streamlit's Vega no longer draws .{name}: revisit ui/internals.follow_slider_css"
    assert "vega-bind" in internals.follow_slider_css("x") and ".st-key-x " in internals.follow_slider_css("x")


def test_a_selection_state_as_streamlit_stores_it_reads_back_as_the_value():
    state = VegaLiteStateSerde(["k"]).deserialize(json.dumps({"selection": {"k": [{"k": 17}]}}))
    assert follow.selected(state, "k") == 17
    assert follow.selected(VegaLiteStateSerde(["k"]).deserialize(None), "k") is None  # before the first move
    assert follow.selected({"selection": {"k": []}}, "k") is None and follow.selected("junk", "k") is None


def test_slider_values_and_index_round_trip():
    s = follow.Slider("w", W)
    assert s.values.size == 81 and s.values[0] == -2.0 and s.values[-1] == pytest.approx(2.0)
    for value in (-2.0, 0.3, 0.35, 2.0):
        assert s.values[s.index(value)] == pytest.approx(value)
    with pytest.raises(ValueError, match="JavaScript name"):
        follow.Slider("not a name", W)


@pytest.mark.parametrize("n_values, n_rows", [(41, 3), (2, 3)])
def test_the_family_reads_each_rows_value_at_each_slider_value_in_either_layout(n_values, n_rows):
    rng = np.random.default_rng(0)
    y = rng.normal(size=(n_values, n_rows))
    fam = follow.family("f", pd.DataFrame({"series": list("abc")[:n_rows]}), {"y": y})
    for i in range(n_values):
        got = fam.by_value.loc[i, [f"y_{r}" for r in range(n_rows)]] if fam.by_value is not None else fam.rows[f"y_{i}"]
        assert np.array_equal(np.asarray(got, np.float32), y[i].astype(np.float32))
    assert (fam.by_value is not None) == (n_values > n_rows)  # the narrower layout
    assert all(str(df[c].dtype) == "float32" for df in fam.datasets.values() for c in df if c.startswith("y_"))


def test_a_family_over_its_byte_bound_is_refused():
    with pytest.raises(ValueError, match="coarsen"):
        follow.family("f", pd.DataFrame({"i": range(300)}), {"y": np.zeros((1000, 300))})


def test_pinning_changes_only_the_selections_starting_value():
    s = follow.Slider("k", K)
    import altair as alt

    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").add_params(follow.bound_param(s))
    text = json.dumps(chart.to_dict())
    pinned = json.loads(follow.pin(text, s, 12))
    (param,) = pinned["params"]
    assert param["value"] == [{"k": 12}] and param["bind"]["input"] == "range" and param["select"]["on"] == "none"
    assert param["bind"]["name"] == "Update k" and (param["bind"]["min"], param["bind"]["max"]) == (0, 40)
    param["value"] = json.loads(text)["params"][0]["value"]
    assert pinned == json.loads(text)


def _hideable_chart(hide: bool) -> None:
    """A page with a chart slider over control t_follow_w, stopped above the chart when `hide` (as Ask again does)."""
    import json

    import altair as alt
    import pandas as pd
    import streamlit as st

    from ui import follow
    from ui.charts import Spec
    from ui.controls import Control

    slider = follow.Slider("w", Control("t_follow_w", "Weight w", "float", 0.3, -2.0, 2.0, 0.05))
    follow.take(slider)
    st.session_state.setdefault(slider.control.key, slider.control.default)
    if hide:
        st.stop()
    chart = alt.Chart(alt.NamedData(name="d")).mark_point().encode(x="x:Q").add_params(follow.bound_param(slider))
    follow.chart(Spec(json.dumps(chart.to_dict()), {"d": pd.DataFrame({"x": [1.0]})}), slider, "a point")


def _pinned(at) -> tuple[float, str]:
    (chart,) = at.get("vega_lite_chart")
    (param,) = [p for p in json.loads(chart.proto.spec)["params"] if p["name"] == "w"]
    return param["value"][0]["w"], chart.proto.id


def test_a_chart_hidden_after_a_move_comes_back_pinned_where_the_hand_left_it():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_hideable_chart, kwargs={"hide": False}).run()
    assert _pinned(at)[0] == 0.3
    first_key = _pinned(at)[1]
    at.session_state["t_follow_w"] = 1.25  # what take() does after the hand moved the chart's slider to 1.25
    at.session_state["_follow:t_follow_w"]["last"] = 1.25
    at.run()
    assert _pinned(at) == (0.3, first_key)  # the browser holds the slider where it went: the spec stays the same
    at.kwargs["hide"] = True
    at.run()
    at.kwargs["hide"] = False
    at.run()
    value, key = _pinned(at)
    assert value == 1.25 and key != first_key  # a new chart, its slider starting where the hand left it


LR = Control("t_follow_lr", "Learning rate", "log", 0.002, options=(0.0001, 0.0015, 0.002, 0.03, 0.1))


def test_a_log_slider_moves_over_the_options_indices_and_reads_back_the_option():
    s = follow.Slider("lr", LR)
    assert s.by_index and list(s.values) == list(LR.options)
    assert [s.index(o) for o in LR.options] == list(range(5)) and s.index(0.0021) == 2  # the nearest on a log scale
    assert s.position(0.03) == 3 and s.at(3) == 0.03 and s.at(3.0) == 0.03
    for junk in (5, -1, 1.5, True, "2", None):
        with pytest.raises(ValueError, match="index"):
            s.at(junk)
    assert s.index_expr == "lr.lr" and s.expr == "[0.0001, 0.0015, 0.002, 0.03, 0.1][lr.lr]"
    numeric = follow.Slider("w", W)  # an int or float slider is unchanged: the input holds the value
    assert not numeric.by_index and numeric.position(0.35) == 0.35 and numeric.at(0.35) == 0.35


def test_a_log_sliders_bound_input_ranges_over_indices_and_is_pinned_at_the_values_index():
    s = follow.Slider("lr", LR)
    import altair as alt

    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").add_params(follow.bound_param(s))
    (param,) = json.loads(follow.pin(json.dumps(chart.to_dict()), s, 0.03))["params"]
    assert param["value"] == [{"lr": 3}] and param["bind"]["name"] == "Learning rate"
    assert (param["bind"]["min"], param["bind"]["max"], param["bind"]["step"]) == (0, 4, 1)
    assert chart.to_dict()["params"][0]["value"] == 2  # unpinned, the default's index
