"""ui/internals.py leans on Streamlit internals: fail loudly the day any of them changes."""

import functools
import inspect
import json
import re
from pathlib import Path

import streamlit
from streamlit import net_util
from streamlit.commands import navigation
from streamlit.runtime import pages_manager
from streamlit.runtime.scriptrunner import script_runner
from streamlit.runtime.state.session_state import WStates

from ui import internals


def test_streamlit_still_has_the_legacy_pages_flag_the_guard_clears():
    assert hasattr(pages_manager.PagesManager, internals.FLAG), "Streamlit dropped the flag: revisit ui/internals.py"
    assert f"PagesManager.{internals.FLAG} = False" in inspect.getsource(navigation), (
        "st.navigation no longer clears it"
    )
    assert f"PagesManager.{internals.FLAG}" in inspect.getsource(script_runner), "the runner no longer reads it"


def test_the_deep_link_guard_reads_the_flag(monkeypatch):
    monkeypatch.setattr(pages_manager.PagesManager, internals.FLAG, True)
    assert internals.legacy_mode()
    monkeypatch.setattr(pages_manager.PagesManager, internals.FLAG, False)
    assert not internals.legacy_mode()


def test_a_page_run_without_the_app_shell_reruns_through_it_once():
    """A page file run alone (the legacy pages/ mode, or `streamlit run pages/x.py`) clears the flag and reruns
    once; run alone again, it goes on (no loop)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../pages/teachers.py", default_timeout=60).run()
    assert not at.exception and at.session_state[f"{internals.SHELL}_retried"]
    assert not getattr(pages_manager.PagesManager, internals.FLAG)
    assert at.title  # the page went on, alone


def test_client_widget_states_still_enter_through_the_method_the_guard_wraps():
    params = list(inspect.signature(WStates.set_widget_from_proto).parameters)
    assert params == ["self", "widget_state"], params
    from streamlit.runtime.state.session_state import SessionState

    assert list(inspect.signature(SessionState.set_widgets_from_proto).parameters) == ["self", "widget_states"]
    assert list(inspect.signature(SessionState._set_widget_metadata).parameters) == ["self", "widget_metadata"]
    drawn = inspect.getsource(SessionState.register_widget)  # a widget becomes known before its value is read
    assert "self._set_widget_metadata(metadata)" in drawn
    internals.refuse_unreadable_widget_states()
    internals.refuse_unreadable_widget_states()  # idempotent
    assert getattr(WStates.set_widget_from_proto, "_refuses_unreadable", False)


def test_the_address_cache_the_app_fills_is_still_what_streamlit_reads(monkeypatch):
    monkeypatch.setattr(net_util, "_external_ip", None)
    monkeypatch.setattr(net_util, "_internal_ip", None)
    internals.skip_address_lookups()
    assert net_util.get_external_ip() == "" and net_util.get_internal_ip() == "127.0.0.1"  # no look-up ran


def test_a_state_for_a_widget_the_session_has_not_drawn_is_held_and_checked_when_it_is_drawn():
    """A session's first message (a tab reconnecting to a new process sends its widgets' states there): nothing is
    stored before the widget is drawn (Streamlit would apply it unchecked); a small state is held and checked as
    the widget is drawn, a pasted table is dropped, and a held state the widget cannot read is dropped then."""
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime.state.common import WidgetMetadata
    from streamlit.runtime.state.session_state import SessionState

    internals.refuse_unreadable_widget_states()
    session = SessionState()
    message = WidgetStates()
    ticked = message.widgets.add(id="$$ID-01-s_predict_skip", bool_value=True)
    paste = message.widgets.add(id="$$ID-02-o_editor_x", string_value="x" * (internals.HELD_CHARS + 1))
    forged = message.widgets.add(id="$$ID-03-s_w0", string_value="abc")
    session.on_script_will_rerun(message)
    assert not {ticked.id, paste.id, forged.id} & set(session._new_widget_state.states)  # nothing before drawn

    def draw(widget_id: str, value_type: str, read) -> None:
        session._set_widget_metadata(WidgetMetadata(widget_id, deserializer=read, serializer=lambda v: v,
                                                    value_type=value_type))  # fmt: skip

    draw(ticked.id, "bool_value", bool)
    draw(paste.id, "string_value", str)
    draw(forged.id, "double_array_value", lambda v: float(v[0]))
    assert ticked.id in session._new_widget_state.states  # held, readable: the box stays ticked
    assert paste.id not in session._new_widget_state.states  # too big to hold: dropped
    assert forged.id not in session._new_widget_state.states  # held, unreadable for a slider: dropped when drawn
    session.on_script_will_rerun(WidgetStates())  # the next message: nothing is held over from the one before
    draw("$$ID-04-late", "bool_value", bool)
    assert "$$ID-04-late" not in session._new_widget_state.states


STATIC = Path(streamlit.__file__).parent / "static"


@functools.cache
def _frontend() -> str:
    """Streamlit's frontend bundle (its JavaScript and CSS), as one text."""
    files = sorted([*STATIC.rglob("*.js"), *STATIC.rglob("*.css")])
    assert files, f"no frontend bundle under {STATIC}"
    return "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files)


def test_every_name_the_page_css_uses_is_still_in_streamlits_frontend():
    """The data-testid values, class names and code token classes ui/internals.py styles (section 4): a name
    Streamlit renames would leave its rule silently matching nothing."""
    names, bundle = internals.styled_names(), _frontend()
    assert {"stCaptionContainer", "stWidgetLabel", "stCode"} <= names["testids"]  # the contrast rules are seen
    quoted = lambda name: f"`{name}`" in bundle or f'"{name}"' in bundle  # noqa: E731  (a string literal there)
    missing = [f"data-testid {t}" for t in sorted(names["testids"]) if not quoted(t)]
    missing += [f"class {c}" for c in sorted(names["classes"]) if c not in bundle]
    missing += [f"token {t}" for t in sorted(names["tokens"]) if f".token.{t}" not in bundle]
    assert not missing, f"Streamlit's frontend no longer has {missing}: revisit ui/internals.py, section 4"


def test_the_scroll_box_script_and_the_selectors_are_read_from_one_place():
    style = internals.page_style(presenting=False)
    assert style.count("<script>") == 1 and json.dumps(internals.SCROLL_BOXES) in style
    assert "font-size: 3.2rem" in internals.page_style(presenting=True) and "3.2rem" not in style
    assert set(internals.SCROLL_BOXES) <= set(internals.page_selectors())
    hide = internals.slide_css(2)
    assert internals.SLIDE_PARTS in hide and '"st-key-slide-2-"' in hide and "slide-1" not in hide


def test_a_slide_enlarges_its_math_as_its_prose():
    """read5a 12: on a slide the prose was 1.2 times larger and the math (KaTeX, sized from a parent in rem) was not:
    the chain rule's fractions, the answer screen's content, sat smaller than the takeaway under them."""
    css = internals.slide_css(3)
    prose = re.search(r"\{ font-size: ([\d.]+)em; \}", css)
    math = re.search(r'st-key-slide-3-"\] \.katex \{ font-size: ([\d.]+)em; \}', css)
    assert prose and math, css
    assert float(math.group(1)) >= 1.21 * float(prose.group(1)), "KaTeX's own 1.21em, enlarged as the prose"
