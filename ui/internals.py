"""Every place the app leans on a Streamlit internal, in one file, each with why (Streamlit 1.67, pinned).

No public API does these three things; tests/test_internals.py fails the day Streamlit renames or stops
using what they touch, so an upgrade is a decision, not a silent break.

1. A shared deep link on a fresh server runs through app.py (`run_through_app_shell`). Streamlit treats a
   folder named pages/ beside the entry file as a legacy (v1) multipage app until some run calls
   st.navigation: `PagesManager.uses_pages_directory` is set when the first session starts, and a run that
   starts while it is true executes the page file alone (`_mpa_v1`). A class opening links at once on a fresh
   server gets the page without app.py in every tab whose first run started before the first st.navigation call.
   A page whose session never ran app.py clears the flag (as st.navigation itself does) and reruns. (Known
   upstream: streamlit/streamlit PR 10276.) The folder keeps its name: it is part of the design.
2. A widget state a client sends is dropped as it arrives when its widget cannot read it, and held until its
   widget is drawn when the session has not drawn it yet (`refuse_unreadable_widget_states`). Streamlit
   stores what a browser's message says for each widget and reads it back with the widget's deserializer
   before the script runs, and again when the widget is drawn: a value of the wrong type, JSON that does not
   parse, or an index past a select-slider's options raises there, before any line of the app runs, and on
   every rerun after, because the bad state stays. A state for a widget this session has not drawn yet (a
   session's first message: a tab that reconnects to a new process sends its widgets' states there) has no
   reader to check it against, and Streamlit would apply it when the widget is drawn, past every check of
   the page: a 30,000-row paste into the table that way cost 37 s of server CPU. So a small one (a flag, a
   number, a short text: HELD_CHARS, HELD_ITEMS) is held and checked as its widget is drawn, and the rest
   (a pasted table, a long string) is dropped: a reconnecting tab keeps its ticked boxes and the link its
   settings, and loses only table edits.
3. No address look-ups (`skip_address_lookups`): a websocket from another site makes Streamlit look this
   machine's addresses up (checkip.amazonaws.com, a UDP socket to 8.8.8.8) before refusing it. The app
   never needs them (README, "Running it in public"), so their cache is filled with the local answer.
4. CSS and one script on Streamlit's page (`page_style`, `slide_css`). Streamlit has no public API for a
   scroll box's tabindex, a caption's contrast or the slide view's hiding, so they are CSS on its
   `data-testid` attributes and class names, and a script (st.html, public, with unsafe_allow_javascript)
   that marks a box which scrolls sideways. Every selector that names Streamlit's page is in this file:
   tests/test_internals.py checks that each name it uses is still in Streamlit's frontend bundle, and
   tests/e2e/test_a11y.py that each selector still matches an element of the served app.

Over 400 lines: every reach past Streamlit's public API in one file, each with its canary, by design.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict

import streamlit as st
from streamlit import net_util
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.state.common import unpack_widget_state_value
from streamlit.runtime.state.session_state import SessionState, WStates

_LOG = logging.getLogger(__name__)
FLAG = "uses_pages_directory"


def legacy_mode() -> bool:
    """True while Streamlit would run a page file without the entry script (for runs that start now)."""
    return bool(getattr(PagesManager, FLAG, False))


SHELL = "_l1_app_shell"  # in the session state of every session that ran app.py (the entry script)


def mark_app_shell() -> None:
    """app.py, before it runs the page: this session runs through the app's shell."""
    st.session_state[SHELL] = True


def run_through_app_shell() -> None:
    """Called at the top of every page: a run that did not come through app.py reruns through it (once).

    Streamlit decides at the start of each run whether to run the entry script or, in the legacy pages/ mode, the
    page file alone, by a process-wide flag that the first st.navigation call clears. On a fresh server, every
    session whose first run starts before that call (a class opening the link at once) runs its page alone, with
    no sidebar, poll or presentation mode; the flag, cleared by then, does not tell, so the session does (a
    session that never ran app.py). The flag still does when it is set (it is set again for every AppTest run)."""
    shell_ran = st.session_state.get(SHELL) or st.session_state.get(f"{SHELL}_retried")
    if shell_ran and not legacy_mode():
        return
    setattr(PagesManager, FLAG, False)  # what st.navigation itself does (streamlit/commands/navigation.py)
    st.session_state[f"{SHELL}_retried"] = True  # a page run on its own (streamlit run pages/x.py) goes on alone
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


HELD_STATES = 200  # states a message may hold for widgets not drawn yet (a tab that reconnects sends a few dozen)
HELD_CHARS = 256  # the longest string or JSON held: a control's value, never a pasted table
HELD_ITEMS = 64  # the longest array held


def _small(state) -> bool:
    """A state small enough to hold until its widget is drawn: a number, a flag, a short text or a short array."""
    field = state.WhichOneof("value")
    if field in ("string_value", "json_value"):
        return len(getattr(state, field)) <= HELD_CHARS
    if field in ("double_array_value", "int_array_value", "string_array_value"):
        data = getattr(state, field).data
        return len(data) <= HELD_ITEMS and all(len(v) <= HELD_CHARS for v in data if isinstance(v, str))
    return field in ("bool_value", "double_value", "int_value", "trigger_value", None)


_HELD: OrderedDict[int, tuple[SessionState, dict[str, object]]] = OrderedDict()  # id(session) -> it, its held states
_HELD_LOCK = threading.Lock()
HELD_SESSIONS = 256  # sessions whose last message holds states (SessionState has neither __dict__ nor weakrefs)


def refuse_unreadable_widget_states() -> None:
    """Drop, as it arrives, a widget state its widget cannot read; hold a small state for a widget this session has
    not drawn until it is drawn, and check it then like any other (see 2.); the widget keeps its last value.

    Checked at the one place client states enter the session (the last run's widget metadata says what each widget
    reads) and at the one place a widget becomes known (SessionState._set_widget_metadata, called as a widget is
    drawn, before its value is read). Idempotent; the server log says what was dropped (unknown widgets at debug
    level: a message may name thousands).
    """
    original = WStates.set_widget_from_proto
    if getattr(original, "_refuses_unreadable", False):
        return
    original_message, original_meta = SessionState.set_widgets_from_proto, SessionState._set_widget_metadata

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

    def set_widgets_from_proto(self, widget_states) -> None:
        known, held = self._new_widget_state.widget_metadata, {}
        for state in widget_states.widgets:  # not drawn yet (a session's first message): held if small
            if state.id not in known and len(held) < HELD_STATES and _small(state):
                held[state.id] = state
        with _HELD_LOCK:  # what a message holds is for the run it starts
            _HELD.pop(id(self), None)
            if held:
                _HELD[id(self)] = (self, held)
                while len(_HELD) > HELD_SESSIONS:
                    _HELD.popitem(last=False)
        original_message(self, widget_states)

    def set_widget_metadata(self, widget_metadata) -> None:
        original_meta(self, widget_metadata)
        with _HELD_LOCK:
            session, held = _HELD.get(id(self), (None, {}))
            state = held.pop(widget_metadata.id, None) if session is self else None
        if state is not None:
            set_widget_from_proto(self._new_widget_state, state)  # drawn now: checked like any other

    set_widget_from_proto._refuses_unreadable = True
    WStates.set_widget_from_proto = set_widget_from_proto
    SessionState.set_widgets_from_proto = set_widgets_from_proto
    SessionState._set_widget_metadata = set_widget_metadata


def skip_address_lookups() -> None:
    """Fill Streamlit's cache of this machine's addresses so it never looks them up (see 3.)."""
    net_util._external_ip = net_util._external_ip or ""
    net_util._internal_ip = net_util._internal_ip or "127.0.0.1"


def install() -> None:
    """What app.py calls once, before any page runs."""
    refuse_unreadable_widget_states()
    skip_address_lookups()


# 4. CSS and one script on Streamlit's page. The palette is Okabe-Ito (ui.charts): blue #0072B2 on light,
# sky blue #56B4E9 on dark. `light-dark()` follows the colour-scheme Streamlit sets on stApp for its theme.

# Every screen: a display equation, a table or a chart wider than its column scrolls inside its own box, never
# the page (a phone is 390 px wide). Text reads at 4.5:1 or more (WCAG 2.1 AA) on both
# themes: captions (Streamlit draws them at opacity 0.6: 3.9:1 on white), a greyed-out control's label
# (alpha 0.4: 2.6:1) and code tokens (Streamlit's fixed palette: blue 3.8:1, green 3.0:1 on light).
_PAGE_CSS = """
.katex-display { overflow-x: auto; overflow-y: hidden; padding-bottom: 2px; }
[data-testid="stVegaLiteChart"] { max-width: 100%; overflow-x: auto; }
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] span,
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] p { white-space: normal; }  /* a long link wraps */
[data-testid="stCaptionContainer"] { opacity: 0.72; }  /* 5.3:1 or more on every background of both themes */
[data-testid="stWidgetLabel"][disabled] { color: color-mix(in srgb, currentColor 72%, transparent); }
[data-testid="stWidgetLabel"][disabled] * { color: inherit; }  /* greyed, and still 5.3:1 */
[data-testid="stCode"] .token:is(.comment, .prolog, .doctype, .cdata, .punctuation) {
  color: color-mix(in srgb, currentColor 72%, transparent); }
[data-testid="stCode"] .token:is(.keyword, .tag, .function, .class-name, .selector, .attr-name, .property,
  .variable) { color: light-dark(#0072B2, #56B4E9); }
[data-testid="stCode"] .token:is(.string, .char, .attr-value, .boolean, .constant, .symbol, .number, .regex) {
  color: light-dark(#000000, #009E73); }
[data-testid="stCode"] .token:is(.operator, .entity, .decorator, .atrule, .url, .important) {
  color: light-dark(#000000, #E69F00); }
"""

# A projector at the back of a hall: the title the largest text, body text large. Selectors name elements,
# not Streamlit's generated class names (a title's inner span has one).
_PRESENTATION_CSS = """
.stMarkdown p, .stMarkdown li, [data-testid="stWidgetLabel"] p, [data-testid="stCaptionContainer"],
[data-testid="stAlert"] p, [data-testid="stAlert"] li,
[role="radiogroup"] label p, [data-testid="stCheckbox"] label p, summary p, .stButton button p {
  font-size: 1.35rem !important; line-height: 1.5; }
h1, h1 span { font-size: 3.2rem !important; line-height: 1.2 !important; }
h2, h2 span { font-size: 2.3rem !important; } h3, h3 span { font-size: 1.9rem !important; }
h5, h5 span { font-size: 1.7rem !important; }
.block-container { max-width: 100% !important; padding-top: 3.5rem !important; }
"""

# A projector's text that Streamlit or Vega draw at desk size (about 13 px), raised to the body's size on a slide and
# in presentation mode (>= ui.layout.MIN_PROJECTOR_FONT): a typed number, a select box's value, a table's cells (a
# table is drawn as HTML there: ui.layout.table), a chart's own slider (ui/follow.py) and the math.
_PROJECTOR_TEXT_CSS = """
[data-testid="stNumberInput"] input, [data-testid="stSelectbox"] input,
[data-testid="stTable"] th, [data-testid="stTable"] td, .vega-bind, .vega-bind-name {
  font-size: 1.35rem !important; }
[data-testid="stMarkdownContainer"] .katex { font-size: 1.5rem; }
"""

# A box that scrolls sideways (a formula, code, a table or a chart wider than a phone) can be reached by keyboard
# and is named: while it scrolls it gets tabindex 0 and, unless it has its own, a label and the role region (a
# table keeps its role, a chart its role and label). Rechecked once per frame after the page changes or the
# window resizes; what the script added is listed in the box's data-l1-scroll, and taken back when it fits again.
SCROLL_BOXES = {  # selector -> the box's label
    ".katex-display": "Formula, scrolls sideways",
    '[data-testid="stCode"] pre': "Code, scrolls sideways",
    '[data-testid="stVegaLiteChart"]': "Chart, scrolls sideways",
}
_SCROLL_SCRIPT = """
(() => {
  if (window.l1ScrollBoxes) return;  // once per tab: this element is drawn again at every run
  window.l1ScrollBoxes = true;
  const boxes = Object.entries(SCROLL_BOXES);
  const own = (box, label) => ({tabindex: "0", "aria-label": label, role: box.tagName === "TABLE" ? null : "region"});
  let pending = false;
  const mark = () => {
    pending = false;
    for (const [selector, label] of boxes) {
      for (const box of document.querySelectorAll(selector)) {
        const scrolls = box.scrollWidth > box.clientWidth, added = box.dataset.l1Scroll;
        if (scrolls && added === undefined) {
          const set = Object.entries(own(box, label)).filter(([a, v]) => v !== null && !box.hasAttribute(a));
          for (const [a, v] of set) box.setAttribute(a, v);
          box.dataset.l1Scroll = set.map(([a]) => a).join(" ");
        } else if (!scrolls && added !== undefined) {
          for (const a of added.split(" ").filter(Boolean)) box.removeAttribute(a);
          delete box.dataset.l1Scroll;
        }
      }
    }
  };
  const soon = () => { if (!pending) { pending = true; requestAnimationFrame(mark); } };
  const changes = {childList: true, subtree: true, characterData: true, attributeFilter: ["width"]};  // a redrawn chart
  new MutationObserver(soon).observe(document.body, changes);
  new ResizeObserver(soon).observe(document.documentElement);
  soon();
})();
"""


def page_style(presenting: bool) -> str:
    """The CSS and script every page gets (st.html with unsafe_allow_javascript), with the projector's sizes."""
    script = _SCROLL_SCRIPT.replace("SCROLL_BOXES", json.dumps(SCROLL_BOXES))
    css = _PAGE_CSS + (_PRESENTATION_CSS + _PROJECTOR_TEXT_CSS if presenting else "")
    return f"<style>{css}</style><script>{script}</script>"


# The slide view: every part of the main column that does not hold one of the current screen's containers
# (`st.container(key="slide-<screen>-<part>")`, which Streamlit gives the class st-key-slide-<screen>-<part>) or
# the slide navigation is hidden. This leans on the nesting: each part of the page is a child of a vertical block.
SLIDE_KEY = "slide-{screen}-{part}"  # a screen may hold several parts (a verdict, then the chart that answers)
SLIDE_NAV_KEY = "slide-nav"
MAIN_BLOCK = '[data-testid="stMainBlockContainer"]'  # the page's main column
SLIDE_PARTS = f'{MAIN_BLOCK} [data-testid="stVerticalBlock"] > div'  # a part of the page
KEYED_PART = SLIDE_PARTS + '[class*="st-key-"]'  # a keyed element or container is such a part (the canary's check)


SLIDE_MATH_EM = 1.46  # KaTeX's own 1.21em of body text, enlarged 1.2 times as a slide's prose is


def slide_css(step: int) -> str:
    """The style that shows only screen `step`'s parts of the page and the slide navigation."""
    nav = SLIDE_NAV_KEY
    part = f'[class*="st-key-{SLIDE_KEY.format(screen=step, part="")}"]'  # "st-key-slide-3-": not slide-13's
    keep = f"{part}, .st-key-{nav}"
    hide = f"{SLIDE_PARTS}:not(:has({part})):not(:has(.st-key-{nav})):not({part}):not(.st-key-{nav}):not({part} *)"
    # a part keyed for another screen inside one of this screen's (a block shown on a screen of its own) is hidden too
    other = f'{MAIN_BLOCK} [class*="st-key-slide-"]:not(.st-key-{nav}):not({part}):not(:has({part}))'
    room = f"{MAIN_BLOCK} {{ padding-bottom: 1rem !important; }}"  # a slide fills the screen: no 10rem of blank
    # KaTeX sizes its math from a parent in rem, which the 1.2em above does not reach: the math enlarged as the prose
    math = f"{part} .katex {{ font-size: {SLIDE_MATH_EM}em; }}"
    # the answer's short verdict in the navigation's row (ui.layout.verdict_slot): as tall as the row's buttons
    room += '[class*="-verdict"] [data-testid="stAlertContainer"] { padding: 0.3rem 0.9rem; }'
    return (
        f"<style>{hide}, {other} {{ display: none !important; }} {keep} {{ font-size: 1.2em; }} {math} {room}</style>"
    )


def _split_top_level(selectors: str) -> list[str]:
    """A selector list split at its commas, not at those inside :is(...) or :not(...)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(selectors):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(selectors[start:i])
            start = i + 1
    return [p.strip() for p in [*parts, selectors[start:]] if p.strip()]


def page_selectors() -> list[str]:
    """Every selector of the page's CSS and script that names Streamlit's page, one per list item and without the
    plain elements it ends in (a browser canary checks that each still matches an element of the served app), and
    the nesting the slide view leans on."""
    css = re.sub(r"/\*.*?\*/", "", _PAGE_CSS + _PRESENTATION_CSS + _PROJECTOR_TEXT_CSS, flags=re.S)
    found = [s for prelude in re.findall(r"([^{}]+)\{", css) for s in _split_top_level(prelude)]
    anchors = [re.sub(r"(\s+[a-z0-9*]+)+$", "", s) for s in found]  # "stAlert li": an alert, with a list or not
    streamlits = [s for s in anchors if "[data-testid=" in s or "." in s]  # not a bare h1: Streamlit's names only
    return list(dict.fromkeys([*streamlits, *SCROLL_BOXES, KEYED_PART]))


def styled_names() -> dict[str, set[str]]:
    """The data-testid values, class names and code token classes of Streamlit's page that the CSS and the script
    name (a canary test checks that each is still in Streamlit's frontend bundle)."""
    text = _PAGE_CSS + _PRESENTATION_CSS + _PROJECTOR_TEXT_CSS + " ".join(SCROLL_BOXES) + slide_css(1)
    tokens = {t.strip(" .\n") for group in re.findall(r"\.token:is\(([^)]*)\)", text) for t in group.split(",")}
    text = re.sub(r"\.token:is\([^)]*\)", " ", text)
    classes = set(re.findall(r"(?<![\w-])\.([a-zA-Z][\w-]*)", text))
    return {
        "testids": set(re.findall(r'data-testid="([^"]+)"', text)),
        "classes": {"st-key-" if c.startswith("st-key-") else c for c in classes},
        "tokens": tokens,
    }


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


def follow_slider_readout_css(container_key: str, lo: str, hi: str) -> str:
    """The bound slider in `st.container(key=container_key)` read as the page's own sliders (after
    `follow_slider_css`): its value beside its label (Vega's raw readout of the input, shown again) and its ends `lo`
    and `hi` under the track. Only for a slider over values: one over option indices would read out the index."""
    box = f".st-key-{container_key} .vega-bind"
    ends = "font-size: 0.875rem; color: light-dark(#5f6068, #a3a8b8); grid-row: 3;"
    return (
        f"<style>{box} label {{ display: grid !important; grid-template-columns: auto 1fr; column-gap: 0.5rem;"
        " row-gap: 0.25rem; align-items: baseline; }"
        f"{box} .vega-bind-name {{ grid-row: 1; grid-column: 1; min-width: 0 !important; }}"
        f"{box} label > span:last-child:not(.vega-bind-name) {{ display: inline !important; grid-row: 1;"
        " grid-column: 2; font-weight: 600; color: light-dark(#0072B2, #56B4E9); }"
        f"{box} input[type=range] {{ grid-row: 2; grid-column: 1 / span 2; }}"
        f"{box} label::before {{ content: {json.dumps(lo, ensure_ascii=False)}; grid-column: 1; {ends} }}"
        f"{box} label::after {{ content: {json.dumps(hi, ensure_ascii=False)}; grid-column: 2; justify-self: end;"
        f" {ends} }}</style>"
    )


# A slider that moves over option indices (ui.follow.Slider.by_index) would be read out as its index ("8"): a
# script gives the range input an aria-valuetext with the option's text ("0.002"), on each input event (the
# pointer or the keys) and whenever the chart draws the input anew. One listener and one observer per page
# serve every such slider (window.__l1ValueTexts: container key -> texts).
_VALUE_TEXT_SCRIPT = """(() => {
  const texts = (window.__l1ValueTexts = window.__l1ValueTexts || {});
  texts[BOX] = TEXTS;
  const say = (input, box) => input.setAttribute("aria-valuetext", texts[box][Number(input.value)] ?? input.value);
  const inputs = () => Object.keys(texts).map((box) =>
    [document.querySelector(`.st-key-${box} .vega-bind input[type=range]`), box]).filter(([i]) => i);
  if (window.__l1ValueTextOn) return;
  window.__l1ValueTextOn = true;
  document.addEventListener("input", (e) => {
    for (const [input, box] of inputs()) if (input === e.target) say(input, box);
  }, true);
  new MutationObserver(() => {
    for (const [input, box] of inputs()) if (!input.hasAttribute("aria-valuetext")) say(input, box);
  }).observe(document.body, {childList: true, subtree: true});
})();"""


def follow_value_text_script(container_key: str, texts: list[str]) -> str:
    """The script (st.html with unsafe_allow_javascript) that has a screen reader read the bound range input in
    `st.container(key=container_key)` at index i as texts[i]."""
    script = _VALUE_TEXT_SCRIPT.replace("BOX", json.dumps(container_key)).replace("TEXTS", json.dumps(texts))
    return f"<script>{script}</script>"
