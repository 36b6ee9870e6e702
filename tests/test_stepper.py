"""The step-through panel on its own (ui/stepper.py): a tiny run, driven through AppTest."""

from streamlit.testing.v1 import AppTest


def _panel() -> None:
    import pandas as pd

    import core
    from ui import charts
    from ui.stepper import step_through

    runs = {charts.label(k): core.descend(core.article_dataset(), k, 0.01, 20.0, 2, 1) for k in ("l1", "l2")}
    step_through("t_step", runs, ("l1", "l2"), pd.DataFrame({"y": [1.0], "text": ["true w = 1"]}))


def _open() -> AppTest:
    at = AppTest.from_function(_panel, default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_update_0_is_explained_and_a_later_update_is_not():
    at = _open()
    assert any("Update 0 is the start" in c.value for c in at.caption)
    at.slider(key="t_step_k").set_value(3).run()
    assert not any("Update 0 is the start" in c.value for c in at.caption)
    table = next(df.value for df in at.dataframe if "gradient dL/dw" in df.value.columns)
    assert list(table.columns) == ["loss", "w", "gradient dL/dw", "lr", "loss on all data"]
    assert len(table) == 2


def test_stepping_stays_inside_the_run_and_pauses_playback():
    at = _open()
    last = at.slider(key="t_step_k").max
    at.selectbox(key="t_step_speed").set_value(100).run()
    at.button(key="t_step_next").click().run()
    assert at.slider(key="t_step_k").value == last  # one epoch of 10 batches: 10 updates, not 100
    at.button(key="t_step_back").click().run()
    assert at.slider(key="t_step_k").value == 0


def test_play_reaching_the_end_stops_and_shows_play_again():
    at = _open()
    last = at.slider(key="t_step_k").max
    at.slider(key="t_step_k").set_value(last).run()
    at.button(key="t_step_play").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["t_step_playing"] is False
    assert at.button(key="t_step_play").label == "▶"
