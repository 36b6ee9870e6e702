"""ui/internals.py leans on Streamlit internals: fail loudly the day any of them changes."""

import inspect

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


def test_client_widget_states_still_enter_through_the_method_the_guard_wraps():
    params = list(inspect.signature(WStates.set_widget_from_proto).parameters)
    assert params == ["self", "widget_state"], params
    internals.refuse_unreadable_widget_states()
    internals.refuse_unreadable_widget_states()  # idempotent
    assert getattr(WStates.set_widget_from_proto, "_refuses_unreadable", False)


def test_the_address_cache_the_app_fills_is_still_what_streamlit_reads(monkeypatch):
    monkeypatch.setattr(net_util, "_external_ip", None)
    monkeypatch.setattr(net_util, "_internal_ip", None)
    internals.skip_address_lookups()
    assert net_util.get_external_ip() == "" and net_util.get_internal_ip() == "127.0.0.1"  # no look-up ran


def test_a_state_for_a_widget_the_session_has_not_drawn_is_dropped_as_it_arrives():
    """A session's first message: no widget has been drawn, so nothing it says for one is stored (Streamlit would
    apply it, unchecked, when the widget is drawn); once drawn, a readable state is stored as before."""
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime.state.common import WidgetMetadata
    from streamlit.runtime.state.session_state import SessionState

    internals.refuse_unreadable_widget_states()
    session = SessionState()
    message = WidgetStates()
    forged = message.widgets.add(id="$$ID-0123-o_editor_x", string_value='{"added_rows": [{"x": 1}]}')
    session.on_script_will_rerun(message)
    assert forged.id not in session._new_widget_state.states
    session._new_widget_state.set_widget_metadata(
        WidgetMetadata(forged.id, deserializer=lambda v: v, serializer=lambda v: v, value_type="string_value")
    )
    session.on_script_will_rerun(message)
    assert forged.id in session._new_widget_state.states
