"""ui.controls: a loss's parameter becomes a control, a loss gets the parameters it declares, and `settings`
draws a page's declared rows (entries shown by a predicate, controls greyed out with a reason) in one call."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

import core
from ui.controls import Control, loss_params
from ui.lessons.landscape import lesson as landscape
from ui.lessons.noise import lesson as noise
from ui.lessons.outliers import lesson as outliers


def test_a_loss_parameter_becomes_its_slider():
    delta = core.LOSSES["huber"].param("delta")
    c = Control.from_param("t_delta", delta)
    assert (c.label, c.kind, c.default, (c.lo, c.hi, c.step), c.help) == (
        delta.label,
        "float",
        delta.default,
        delta.slider,
        delta.help,
    )
    for lesson in (noise, outliers, landscape):  # every Huber delta on a page is that one slider
        assert lesson.C["delta"].label == delta.label and (lesson.C["delta"].lo, lesson.C["delta"].hi) == (0.1, 10.0)


def test_a_loss_gets_the_parameters_it_declares_and_no_others():
    assert loss_params("huber", {"delta": 2.5, "lr": 0.1}) == {"delta": 2.5}
    assert loss_params("l2", {"delta": 2.5}) == {}
    assert loss_params("l1", {"delta": 2.5}) == {}  # at_kink is declared, but this page has no control for it
    by_key = {"n_delta": 0.5, "n_lr": 0.1}
    assert loss_params("huber", by_key, noise.C) == {"delta": 0.5}
    assert loss_params("l1", by_key, noise.C) == {}
    for name in core.LOSS_NAMES:  # what it gives, the loss takes
        core.make_loss(name, **loss_params(name, {"delta": 2.0}))


def _page():
    from ui.controls import Control, Row, Shown, settings

    C = {
        "a": Control("t_a", "A", "float", 1.0, 0.0, 2.0, 0.5),
        "on": Control("t_on", "On", "bool", False),
        "b": Control("t_b", "B", "int", 3, 0, 9, 1),
        "late": Control("t_late", "Late", "int", 0, 0, 5, 1),
    }
    s = settings(
        C,
        presets={"Big": {"t_a": 2.0, "t_on": True}},
        preset_key="t_preset",
        rows=[Row(("on", Shown("b", lambda v: v.on)), columns=(1, 3)), "a"],
        idle={"a": (lambda v: not v.on, "On is off.")},
    )
    import streamlit as st

    st.markdown(f"a={s.a} on={s['on']} b={s.b} late={s.by_key['t_late']}")


def test_settings_draws_the_declared_rows_and_returns_the_values():
    at = AppTest.from_function(_page)
    at.query_params.update({"t_late": "4", "t_b": "junk"})
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "a=1.0 on=False b=3 late=4" in at.markdown[0].value  # late: restored though drawn nowhere
    assert any("could not be used" in w.value and "**B**" in w.value for w in at.warning)
    assert [w.key for w in at.slider] == ["t_a"] and at.slider(key="t_a").disabled  # b hidden, a greyed
    assert at.slider(key="t_a").help == "On is off."
    at.selectbox(key="t_preset").set_value("Big").run()
    assert [w.key for w in at.slider] == ["t_b", "t_a"] and not at.slider(key="t_a").disabled
    assert "a=2.0 on=True b=3 late=0" in at.markdown[0].value  # a preset sets every control, the late one too
    assert at.query_params.get("t_a") == "2" and "t_late" not in at.query_params
    at.button(key="t_preset_reset").click().run()
    assert "a=1.0 on=False b=3 late=0" in at.markdown[0].value and not at.query_params


# Markdown a shared link could carry into a note: a link, an image from another host, styled text, LaTeX's \href,
# HTML. Each fits in a link value's 64 characters, so it reaches the parser rather than the length check.
LINK_PAYLOADS = (
    "[Session expired - sign in again](https://evil.example/login)",
    "![](https://evil.example/pixel.png)",
    ":red-background[**Your session has ended**]",
    r"$\href{https://evil.example}{\text{sign in}}$",
    "<a href=https://evil.example>sign in</a>",
    "<img src=https://evil.example/i.png>",
)


def _every_control() -> None:
    """restore() over every control any page declares, as app.py and the pages call it."""
    from ui.controls import restore, show_notes
    from ui.lessons.registry import every_control

    show_notes(restore(list(every_control().values())))


def test_a_note_about_a_refused_link_value_names_the_setting_never_the_text_sent():
    from ui.lessons.registry import every_control

    controls = list(every_control().values())
    for payload in LINK_PAYLOADS:
        assert len(payload) <= 64
        at = AppTest.from_function(_every_control)
        at.query_params.update({c.key: payload for c in controls})
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        notes = " ".join(w.value for w in at.warning)
        for c in controls:
            assert f"**{c.label}**: the link's value was ignored: it takes {c.accepts()}." in notes, (c.key, notes)
        for piece in ("evil.example", "](", "![", ":red", "\\href", "<a", "<img", "session"):
            assert piece not in notes.lower(), (payload, piece)
