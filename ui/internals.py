"""Every place the app leans on a Streamlit internal, in one file, each with why (Streamlit 1.67, pinned).

No public API does these three things; tests/test_internals.py fails the day Streamlit renames or stops
using what they touch, so an upgrade is a decision, not a silent break.

1. A shared deep link on a fresh server runs through app.py (`run_through_app_shell`). Streamlit treats a
   folder named pages/ beside the entry file as a legacy (v1) multipage app until some run calls
   st.navigation: `PagesManager.uses_pages_directory` is set when the first session starts, and while it is
   true the script runner executes the page file alone (`_mpa_v1`). A link such as /signed_l1 opened before
   anyone loaded / would run the page without app.py. A page that finds itself run alone clears the flag (as
   st.navigation itself does) and reruns. (Known upstream: streamlit/streamlit PR 10276.) The folder keeps
   its name: it is part of the design.
2. A widget state a client sends is dropped as it arrives when the session has not drawn that widget yet, or
   when its widget cannot read it (`refuse_unreadable_widget_states`). Streamlit stores what a browser's
   message says for each widget and reads it back with the widget's deserializer before the script runs,
   and again when the widget is drawn: a value of the wrong type, JSON that does not parse, or an index past
   a select-slider's options raises there, before any line of the app runs, and on every rerun after,
   because the bad state stays. A state for a widget this session has not drawn (a session's first message:
   a browser sends none there) has no reader to check it against, and Streamlit would apply it when the
   widget is drawn, past every check of the page: a 30,000-row paste into the table that way cost 37 s of
   server CPU. A browser only sends states for widgets it was shown, so nothing a tab does is lost; a tab
   that reconnects to a new session gets its values back from the link.
3. No address look-ups (`skip_address_lookups`): a websocket from another site makes Streamlit look this
   machine's addresses up (checkip.amazonaws.com, a UDP socket to 8.8.8.8) before refusing it. The app
   never needs them (README, "Running it in public"), so their cache is filled with the local answer.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit import net_util
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.state.common import unpack_widget_state_value
from streamlit.runtime.state.session_state import WStates

_LOG = logging.getLogger(__name__)
FLAG = "uses_pages_directory"


def legacy_mode() -> bool:
    """True while Streamlit would run a page file without the entry script."""
    return bool(getattr(PagesManager, FLAG, False))


def run_through_app_shell() -> None:
    """Called at the top of every page: leave the legacy mode and rerun through app.py if in it."""
    if legacy_mode():
        setattr(PagesManager, FLAG, False)  # what st.navigation itself does (streamlit/commands/navigation.py)
        st.rerun()


_PURE_FIELDS = frozenset(
    {"bool_value", "double_value", "int_value", "string_value", "json_value", "trigger_value"}
    | {"double_array_value", "int_array_value", "string_array_value"}
)  # fields whose deserializers have no side effect (an upload or a chat message is read once only)
_NUMBERS = frozenset({"double_value", "int_value"})


def _readable(state, metadata) -> bool:
    """Whether a widget can read a state sent for it: the field it expects, and a value its deserializer takes."""
    sent, expected = state.WhichOneof("value"), metadata.value_type
    if sent is None:
        return True  # a cleared value: the widget's default
    if expected is None:
        return True  # metadata without a type (a radio's, while a run_every fragment reruns): nothing to judge by
    if sent != expected and not {sent, expected} <= _NUMBERS:
        return False
    if sent not in _PURE_FIELDS:
        return True
    try:
        metadata.deserializer(unpack_widget_state_value(state))
    except Exception:  # noqa: BLE001  (whatever the widget's own reader raises: the value is unreadable)
        return False
    return True


def refuse_unreadable_widget_states() -> None:
    """Drop, as it arrives, a widget state for a widget this session has not drawn, or one its widget cannot
    read; the widget keeps its last value (see 2.).

    Checked at the one place client states enter the session (the last run's widget metadata says what
    each widget reads). Idempotent; the server log says what was dropped (unknown widgets at debug level:
    a message may name thousands).
    """
    original = WStates.set_widget_from_proto
    if getattr(original, "_refuses_unreadable", False):
        return

    def set_widget_from_proto(self, widget_state) -> None:
        metadata = self.widget_metadata.get(widget_state.id)
        if metadata is None:
            _LOG.debug("ignored a state for widget %s, which this session has not drawn", widget_state.id[-40:])
            return
        if not _readable(widget_state, metadata):
            sent = widget_state.WhichOneof("value")
            _LOG.warning("ignored an unreadable %s for widget %s", sent, widget_state.id[-40:])
            return
        original(self, widget_state)

    set_widget_from_proto._refuses_unreadable = True
    WStates.set_widget_from_proto = set_widget_from_proto


def skip_address_lookups() -> None:
    """Fill Streamlit's cache of this machine's addresses so it never looks them up (see 3.)."""
    net_util._external_ip = net_util._external_ip or ""
    net_util._internal_ip = net_util._internal_ip or "127.0.0.1"


def install() -> None:
    """What app.py calls once, before any page runs."""
    refuse_unreadable_widget_states()
    skip_address_lookups()


# ---- A chart's own slider (ui/follow.py) -------------------------------------------------------------------------
# Vega draws a bound input (`bind=alt.binding_range`) below the chart, about 170 px wide, as
# `form.vega-bindings > div.vega-bind > label > (span.vega-bind-name, input[type=range], span)`: the last span is
# the raw value. Streamlit gives no way to style it, so this CSS (scoped to the chart's keyed container,
# st-key-<key>) lays it out as the app's other sliders: label above, full width, and hides the raw number, which
# the chart writes with its unit (ui.follow.value_layer). tests/test_internals.py checks these names are in
# Streamlit's frontend bundle, and tests/e2e/test_follow.py that the input is laid out full width.
FOLLOW_NAMES = ("vega-bindings", "vega-bind", "vega-bind-name")


def follow_slider_css(container_key: str) -> str:
    """The style of the bound slider under the chart in `st.container(key=container_key)`: Streamlit themes the
    input (12em wide, its track in the primary colour); this makes it as wide as the chart, its label above it."""
    box = f".st-key-{container_key}"
    return (
        f"<style>{box} .vega-bindings {{ padding: 0.25rem 0 0.5rem; }}"
        f"{box} .vega-bind label {{ flex-direction: column !important; align-items: stretch !important;"
        " width: 100%; gap: 0.25rem !important; }"
        f"{box} .vega-bind input[type=range] {{ width: 100% !important; }}"
        f"{box} .vega-bind label > span:last-child:not(.vega-bind-name) {{ display: none; }}</style>"
    )
