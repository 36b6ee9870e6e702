"""The step-through panel on its own (ui/stepper.py): a tiny run, driven through AppTest."""

import json

import numpy as np
from streamlit.testing.v1 import AppTest

from ui.stepper import marker_family

LAST = 10  # the tiny run: one epoch of 10 batches


def _panel() -> None:
    import pandas as pd

    import core
    from ui import charts
    from ui.stepper import step_through

    runs = {charts.label(k): core.descend(core.article_dataset(), k, 0.01, 20.0, 2, epochs=1) for k in ("l1", "l2")}
    step_through("t_step", runs, ("l1", "l2"), pd.DataFrame({"y": [1.0], "text": ["true w = 1"]}))


def _open() -> AppTest:
    at = AppTest.from_function(_panel, default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_update_0_is_explained_and_a_later_update_is_not():
    at = _open()
    assert any("Update 0 is the start" in c.value for c in at.caption)
    at.session_state["t_step_k"] = 3
    at.run()
    assert not any("Update 0 is the start" in c.value for c in at.caption)
    table = next(df.value for df in at.dataframe if "gradient dL/dw" in df.value.columns)
    assert list(table.columns) == ["loss", "w", "gradient dL/dw", "lr", "loss on all data"]
    assert len(table) == 2


def test_stepping_stays_inside_the_run_and_pauses_playback():
    at = _open()
    at.selectbox(key="t_step_speed").set_value(100).run()
    at.button(key="t_step_next").click().run()
    assert at.session_state["t_step_k"] == LAST  # one epoch of 10 batches: 10 updates, not 100
    assert _pinned(at) == LAST  # the chart's slider starts where the button put k
    at.button(key="t_step_back").click().run()
    assert at.session_state["t_step_k"] == 0 and _pinned(at) == 0


def test_play_reaching_the_end_stops_and_shows_play_again():
    at = _open()
    at.session_state["t_step_k"] = LAST
    at.run()
    at.button(key="t_step_play").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["t_step_playing"] is False
    assert at.button(key="t_step_play").label == "▶"


def _chart(at: AppTest) -> dict:
    return json.loads(at.get("vega_lite_chart")[0].proto.spec)


def _pinned(at: AppTest) -> float:
    """Where the chart's own slider starts (its selection's pinned value)."""
    (param,) = [p for p in _chart(at)["params"] if p["name"] == "k"]
    return param["value"][0]["k"]


def _move_chart_slider(at: AppTest, k: object) -> None:
    """What the browser sends when the hand releases the chart's slider at k."""
    at.session_state[f"t_step_k_chart_{at.session_state['_follow:t_step_k']['gen']}"] = {"selection": {"k": [{"k": k}]}}
    at.run()


def test_the_chart_slider_moves_k_and_the_numbers_follow_without_a_new_spec():
    at = _open()
    spec = _chart(at)
    _move_chart_slider(at, 7)
    assert at.session_state["t_step_k"] == 7
    table = next(df.value for df in at.dataframe if "gradient dL/dw" in df.value.columns)
    assert np.allclose(table["w"], [run.w[7] for run in _runs().values()])
    assert _chart(at) == spec  # same text: the browser keeps its view (and the slider where the hand left it)
    assert at.query_params["t_step_k"] == "7"  # the link keeps the update


def test_a_value_the_browser_sends_outside_the_slider_is_ignored():
    at = _open()
    for bad in (10_000, -3, "7; drop", None, 2.5):
        _move_chart_slider(at, bad)
        assert not at.exception
        assert at.session_state["t_step_k"] == 0


def test_the_marker_family_holds_each_run_at_each_update():
    runs = _runs()
    fam = marker_family(runs)
    assert fam.by_value is not None  # 11 updates, 2 runs: one row per update
    for k in (0, 4, LAST):
        for i, run in enumerate(runs.values()):
            assert fam.by_value[f"w_{i}"][k] == np.float32(run.w[k])


def _runs():
    import core
    from ui import charts

    return {charts.label(k): core.descend(core.article_dataset(), k, 0.01, 20.0, 2, epochs=1) for k in ("l1", "l2")}


def test_a_diverging_run_is_cut_where_it_leaves_the_others_range_in_the_step_through_as_on_the_page():
    """At lr 0.5 L2 races to 1e12: the step-through's line and marker stop where the page's chart cuts it, so the
    other runs are not flattened to the axis."""
    import core
    from ui import charts, frames

    runs = {charts.label(k): core.descend(core.article_dataset(), k, 0.5, 20.0, 2, epochs=20) for k in ("l1", "l2")}
    l2 = runs[charts.label("l2")]
    assert l2.diverged_at is not None and runs[charts.label("l1")].diverged_at is None
    bounds = frames.tame_range(runs, "w", [1.0])
    fam = marker_family(runs, bounds)
    marker = fam.by_value["w_1"].to_numpy(float)
    drawn = np.isfinite(marker)
    assert drawn[0] and not drawn.all()  # drawn from the start, until it leaves the range
    assert ((marker[drawn] >= bounds[0]) & (marker[drawn] <= bounds[1])).all()
    assert np.allclose(marker[drawn], l2.w[: marker.size][drawn], rtol=1e-6)  # float32
    assert np.isfinite(fam.by_value["w_0"]).all()  # the run that does not diverge is drawn at every update


def _blocks(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _blocks(child)


def test_the_step_buttons_and_the_speed_keep_one_row_on_a_phone():
    """read4a 25: in columns, a phone stacked the three step buttons as three full-width rows (about 170 px) above
    the chart. They and the speed sit in one horizontal container that does not wrap, sized to a phone's column."""
    from ui import stepper

    at = _open()
    rows = [
        b
        for b in _blocks(at.main)
        if getattr(b, "type", "") == "flex_container" and b.proto.flex_container.direction == 2  # HORIZONTAL
    ]
    row = next(r for r in rows if any(getattr(c, "key", "") == "t_step_back" for c in r.children.values()))
    keys = [getattr(c, "key", "") for c in row.children.values()]
    assert keys == ["t_step_back", "t_step_play", "t_step_next", "t_step_speed"]
    assert not row.proto.flex_container.wrap
    gaps = 8 * 3  # Streamlit's small gap
    assert 3 * stepper.BUTTON_PX + stepper.SPEED_PX + gaps <= 358, "a 390 px phone's column"


def test_a_phone_reads_the_step_tables_headers_whole(monkeypatch):
    """read4a 25: at 390 px the step table clipped its last column ("los…"): a phone gets short headers."""
    from ui import layout, stepper

    monkeypatch.setattr(layout, "on_phone", lambda: True)
    at = _open()
    table = next(df.value for df in at.dataframe if "w" in df.value.columns)
    assert list(table.columns) == ["loss", "w", "dL/dw", "lr", "loss, all"]
    assert all(len(h) <= 9 for h in stepper.PHONE.values())
