"""Widgets, presets, URL state and its validation.

Every control a page shows is described once by a `Control` (a loss's parameter through
`Control.from_param`). A page makes one call at the top:

    s = settings(C, presets=PRESETS, preset_key="o_preset", rows=[("frac", "size", "sigma", "n"), "bias"])
    s.frac, s["frac"], s.by_key["o_frac"]     # the same validated value: by name, or by key for ui.lessons

It restores each value (`restore`): from session state if the student already moved it, else from
the URL if the URL holds a valid value, else from the default. Values in the URL are parsed
and range-checked here, before any widget sees them; a bad one falls back to its default and
is listed in a visible note. It draws the Settings expander (presets, reset, the rows: a `Row`,
an entry `Shown` only while a predicate holds, a control greyed out with its reason by `idle`),
then `sync_url` writes every non-default value back to the URL, so the address bar always holds
a link to the exact experiment. A control drawn further down the page by `widget` is declared
with the others and restored and synced the same way.

We do our own binding rather than Streamlit's `bind="query-params"` so that validation, the
note, presets and reset all go through one path we test with junk.

A value already in session state is checked the same way: a browser's message can carry any value of
any type for any widget. Two layers see it. `refuse_unreadable_widget_states()` (called once by app.py)
drops, as it arrives, a widget state the widget cannot read (the wrong type, JSON that does not parse,
an index past its options): Streamlit 1.67 would raise on it before the script starts, on every rerun
after. `restore()` then checks each control's value against its Control (type, range, options) and
replaces a bad one by its default with the same visible note a bad link value gets, so a page never
sees an invalid value.

Over 400 lines: one Control's whole life (declaration, parsing a link, the widget, the URL), read by every page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

import core

MAX_URL_VALUE_CHARS = 64


@dataclass(frozen=True)
class Control:
    """One widget: its key (also the URL parameter), kind, default and allowed values.

    kind: "float" (a slider from lo to hi in steps of `step`), "int", "bool", "choice"
    (one of `options`), "log" (a select-slider over `options`, numbers shown in %g), "text"
    (upper-cased, must match `pattern`; drawn by its owner, not by `widget`).
    """

    key: str
    label: str
    kind: str
    default: Any
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    options: tuple = ()
    help: str | None = None
    format_func: Callable[[Any], str] | None = field(default=None, compare=False)
    pattern: str | None = None
    slider_format: str | None = None  # a slider's printf format, e.g. "%.4f" where two decimals would hide steps

    @classmethod
    def from_param(cls, key: str, param: core.LossParam) -> Control:
        """The slider for a loss's parameter as core declares it: its label, default, slider (lo, hi, step), help."""
        lo, hi, step = param.slider
        return cls(key, param.label, "float", param.default, lo=lo, hi=hi, step=step, help=param.help or None)

    def parse(self, raw: str) -> Any:
        """The value a URL string stands for, or raise ValueError saying why it is refused."""
        text = str(raw).strip()
        if len(text) > MAX_URL_VALUE_CHARS:
            raise ValueError("too long")
        if self.kind == "bool":
            if text.lower() in ("true", "1", "yes", "on"):
                return True
            if text.lower() in ("false", "0", "no", "off"):
                return False
            raise ValueError("not true/false")
        if self.kind == "text":
            if not re.fullmatch(self.pattern or "", text.upper()):
                raise ValueError("not a valid code")
            return text.upper()
        if self.kind == "choice":
            for option in self.options:
                if text == str(option):
                    return option
            raise ValueError("not one of the choices")
        number = float(text)  # raises ValueError on letters, empty, script tags
        if self.kind == "log":  # a link may hold any number: the nearest of the options
            if not math.isfinite(number):
                raise ValueError("not a finite number")
            return _nearest(self.options, number)
        value = self.check(number)  # the same range and whole-number rules as a widget's value
        return value if self.kind == "int" else _snap(value, self.lo, self.step)

    def check(self, value: Any) -> Any:
        """`value` if this control can hold it (the right type, inside the range, one of the options),
        as the widget holds it (an int for "int"); else raise ValueError saying why. The default always fits."""
        if type(value) is type(self.default) and value == self.default:
            return value
        if self.kind == "text":
            if (
                isinstance(value, str)
                and len(value) <= MAX_URL_VALUE_CHARS
                and re.fullmatch(self.pattern or "", value.upper())
            ):
                return value
            raise ValueError("not a valid code")
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise ValueError("not true/false")
        if self.kind == "choice":
            if any(type(value) is type(o) and value == o for o in self.options):
                return value
            raise ValueError("not one of the choices")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError("not a finite number")
        if self.kind == "log":
            if value in self.options:
                return value
            raise ValueError("not one of the choices")
        if not (self.lo <= value <= self.hi):
            raise ValueError(f"outside [{self.lo:g}, {self.hi:g}]")
        if self.kind == "int":
            if value != int(value):
                raise ValueError("not a whole number")
            return int(value)
        return float(value)

    def accepts(self) -> str:
        """What a value of this control may be, in words (for the note on a refused one)."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "text":
            return "a code of letters and digits"
        if self.kind == "choice":
            return "one of " + ", ".join((self.format_func or str)(o) for o in self.options)
        lo, hi = (min(self.options), max(self.options)) if self.kind == "log" else (self.lo, self.hi)
        return f"a {'whole ' if self.kind == 'int' else ''}number from {lo:g} to {hi:g}"

    def to_url(self, value: Any) -> str:
        if self.kind == "bool":
            return "true" if value else "false"
        if self.kind in ("float", "log"):
            return f"{float(value):.10g}"
        return str(value)


def _nearest(options: Sequence[float], value: float) -> float:
    lo, hi = min(options), max(options)
    if not (lo / 1.0001 <= value <= hi * 1.0001):
        raise ValueError(f"outside [{lo:g}, {hi:g}]")
    return min(options, key=lambda o: abs(math.log(o) - math.log(value)))


def _snap(value: float, lo: float, step: float | None) -> float:
    if not step:
        return value
    return round(lo + round((value - lo) / step) * step, 10)


def log_options(lo: float, hi: float, per_decade: int = 6) -> tuple[float, ...]:
    """Round numbers from lo to hi, evenly spaced on a log scale (1, 1.5, 2, 3, 5, 7 per decade)."""
    mantissas = {3: (1, 2, 5), 6: (1, 1.5, 2, 3, 5, 7)}[per_decade]
    out = []
    exp = math.floor(math.log10(lo))
    while 10**exp <= hi * 1.0001:
        out += [round(m * 10**exp, 12) for m in mantissas if lo / 1.0001 <= m * 10**exp <= hi * 1.0001]
        exp += 1
    return tuple(out)


def _url_values(params, keys: Iterable[str]) -> dict[str, str]:
    """The link's value for each of `keys` it holds (the last, if repeated). Other parameters are never read,
    so no number or order of junk parameters can push a real one out."""
    out = {}
    for key in keys:
        values = params.get_all(key) if hasattr(params, "get_all") else ([params[key]] if key in params else [])
        if values:
            out[key] = values[-1]
    return out


def restore(controls: Sequence[Control]) -> list[str]:
    """Put each control's value in session state (kept, from the URL, or default).

    Returns the notes about refused link values; they are remembered for the session, so the
    visitor keeps seeing why the link was changed after their next click.
    """
    memo = "_url_notes:" + ",".join(c.key for c in controls)
    arrived = st.session_state.get(_ARRIVED)  # this run entered the page: its link's values, not earlier ones
    fresh = {c.key for c in controls if arrived is not None and c.key not in arrived and c.key not in _SHELL_KEYS}
    if arrived is not None:
        arrived.update(fresh)
    if fresh or not any(c.key in st.session_state for c in controls):  # a fresh visit: forget earlier link's notes
        st.session_state[memo] = []
    notes = st.session_state.setdefault(memo, [])
    url = _url_values(st.query_params, [c.key for c in controls])
    for c in controls:
        if c.key in st.session_state and c.key not in fresh:
            _keep_if_valid(c, notes)
            continue
        st.session_state[c.key] = c.default
        if c.key not in url:
            continue
        try:
            st.session_state[c.key] = c.parse(url[c.key])
        except (ValueError, TypeError, OverflowError):
            notes.append(_refused(c, "the link's value"))
    return notes


def _refused(c: Control, what: str) -> str:
    """The note on a refused value: a fixed sentence that names the setting and what it takes. It never repeats
    what was sent (a link is anyone's text: markdown in it would become a link, an image or styling here)."""
    return f"**{c.label}**: {what} was ignored: it takes {c.accepts()}. Using the default, {c.to_url(c.default)}."


def _keep_if_valid(c: Control, notes: list[str]) -> None:
    """Leave a control's session value as it is if valid; else put its default there, with a note."""
    value = st.session_state[c.key]
    try:
        checked = c.check(value)
    except ValueError:
        st.session_state[c.key] = c.default
        notes.append(_refused(c, "a value sent for it"))
        return
    if type(checked) is not type(value) or checked != value:
        st.session_state[c.key] = checked  # e.g. 3.0 sent for a whole-number control: keep it as 3


def show_notes(notes: Sequence[str]) -> None:
    if notes:
        st.warning(
            "Some settings in this link could not be used:\n\n" + "\n\n".join(f"- {n}" for n in notes), icon="🔗"
        )


PRESENTATION = Control(
    "present",
    "Presentation mode",
    "bool",
    False,
    help="Larger type for a projector, explanations folded, charts full width.",
)
ROOM = Control(
    "room",
    "Room code",
    "text",
    "",
    pattern=r"[A-HJ-NP-Z2-9]{6}",  # ui.poll.store.CODE_PATTERN (tests/test_poll_ui.py checks they agree)
    help="The class poll's room: answers to each Predict first question are counted for it.",
)
SLIDES = Control(
    "slides",
    "Slide view",
    "bool",
    False,
    help="One screen at a time for a lecture: the question, the prediction, then the chart that answers it.",
)
SLIDE_SCREENS = 16  # the slide view's screens at most: the question, two for each prediction, the lesson's own
SLIDE = Control(
    "slide", "Slide", "int", 1, lo=1, hi=SLIDE_SCREENS, step=1
)  # which of the slide view's screens is shown
SHARED: tuple[Control, ...] = (PRESENTATION, ROOM, SLIDES, SLIDE)  # the app shell's controls, kept in every page's URL
_SHELL_KEYS = frozenset(c.key for c in SHARED)  # kept from page to page: the session's, not only the link's


_PAGE, _LINK = "_page_path", "_link_query"  # session-state keys: this run's page; what its settings wrote
_ARRIVED = "_page_arrived"  # session-state key: on a run that enters a page, the controls restored so far; else None


def enter_page(path: str) -> None:
    """Record the page this run draws (app.py, from st.navigation): the page a link to this one opens. A run that
    enters a page (from another page, by a link in the app that carries settings, or the first) reads the page's
    controls as a fresh visit does, from the link or their defaults: a value the session kept from an earlier visit
    (a control drawn only below the question is not a widget, so Streamlit keeps it) must not override the link."""
    st.session_state[_ARRIVED] = set() if st.session_state.get(_PAGE) != path else None
    st.session_state[_PAGE] = path


def page_link_parts() -> tuple[str, dict[str, str]]:
    """(this run's page path, the settings that page last wrote to the URL): what a link to this page holds,
    built from validated values only, never from the address the browser reports. The settings are {} until
    the page has written them once (the sidebar runs before the page)."""
    page = st.session_state.get(_PAGE, "")
    written_on, query = st.session_state.get(_LINK, ("", {}))
    return page, dict(query) if written_on == page else {}


def sync_url(controls: Sequence[Control]) -> None:
    """Write every non-default value of the page's and the shell's controls, and of those a panel asked to keep
    (`keep_in_url`), to the URL (and nothing else)."""
    _write_url(_non_default((*SHARED, *controls, *_kept().values())))


_KEPT = "_link_kept"  # session-state key: page path -> the controls a panel keeps in that page's link


def _kept() -> dict[str, Control]:
    return st.session_state.setdefault(_KEPT, {}).setdefault(st.session_state.get(_PAGE, ""), {})


def keep_in_url(controls: Sequence[Control]) -> None:
    """Keep these controls, drawn by a panel rather than the page's `settings` (the step-through's update k, a
    chart's own slider), in this page's link from now on, and write them there now (a fragment's rerun too)."""
    _kept().update({c.key: c for c in controls})
    _, wanted = page_link_parts()
    for c in controls:
        wanted.pop(c.key, None)
    _write_url({**wanted, **_non_default(controls)})


def _non_default(controls: Sequence[Control]) -> dict[str, str]:
    return {
        c.key: c.to_url(st.session_state[c.key])
        for c in controls
        if c.key in st.session_state and st.session_state[c.key] != c.default
    }


def _write_url(wanted: dict[str, str]) -> None:
    st.session_state[_LINK] = (st.session_state.get(_PAGE, ""), wanted)
    if st.query_params.to_dict() != wanted:  # also drops a link's unknown parameters
        st.query_params.from_dict(wanted)


def widget(c: Control, container=st, disabled: bool = False, why: str | None = None) -> Any:
    """Draw the widget for a control; its value lives in st.session_state[c.key].

    `disabled` greys out a control that has no effect in the current state; `why` says so in its help.
    """
    common = {"key": c.key, "help": why if disabled and why else c.help, "disabled": disabled}
    if c.slider_format:
        common["format"] = c.slider_format
    if c.kind == "float":
        return container.slider(c.label, float(c.lo), float(c.hi), step=float(c.step), **common)
    if c.kind == "int":
        return container.slider(c.label, int(c.lo), int(c.hi), step=int(c.step or 1), **common)
    if c.kind == "bool":
        return container.toggle(c.label, **common)
    if c.kind == "log":
        fmt = c.format_func or (lambda v: f"{v:g}")
        return container.select_slider(c.label, options=list(c.options), format_func=fmt, **common)
    return container.selectbox(c.label, list(c.options), format_func=c.format_func or str, **common)


def _apply(controls: Sequence[Control], values: dict[str, Any]) -> None:
    for c in controls:
        st.session_state[c.key] = values.get(c.key, c.default)


def _preset_and_reset(controls: Sequence[Control], presets: dict[str, dict[str, Any]], key: str) -> None:
    """A "Preset" selector (applies on change) and a "Reset to defaults" button."""
    names = ["(choose a preset)", *presets]

    def on_preset():
        name = st.session_state[key]
        if name in presets:
            _apply(controls, presets[name])

    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.selectbox(
        "Preset",
        names,
        key=key,
        on_change=on_preset,
        help="Each preset sets every control to reproduce one experiment.",
    )
    right.button("Reset to defaults", key=f"{key}_reset", on_click=_apply, args=(controls, {}), width="stretch")


def loss_params(loss: str, values: Mapping[str, Any], controls: Mapping[str, Control] | None = None) -> dict[str, Any]:
    """The parameters loss `loss` declares (core.LOSSES[loss].params) that a page sets, by parameter name.

    Read from `values` by the parameter's name (a page's `Settings`), or, given `controls` (name -> Control),
    from `values` by that control's key (what a lesson reads). A parameter without a control keeps its default.
    """
    names = [p.name for p in core.LOSSES[loss].params]
    if controls is None:
        return {n: values[n] for n in names if n in values}
    return {n: values[controls[n].key] for n in names if n in controls}


class Settings(Mapping[str, Any]):
    """A page's control values, validated: by the page's name for each control (`s["lr"]` or `s.lr`), and by
    control key in `s.by_key` (what ui.lessons read)."""

    def __init__(self, controls: Mapping[str, Control]) -> None:
        if taken := sorted(name for name in controls if hasattr(Settings, name) or name == "by_key"):
            raise ValueError(f"control names {taken} would hide a Settings method: name them otherwise")
        self.by_key: dict[str, Any] = {c.key: st.session_state[c.key] for c in controls.values()}
        self._by_name = {name: self.by_key[c.key] for name, c in controls.items()}

    def __getitem__(self, name: str) -> Any:
        return self._by_name[name]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_by_name"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)


Predicate = Callable[[Settings], bool]


@dataclass(frozen=True)
class Shown:
    """A row entry drawn only while `when(values)` holds (b only with a bias). Hidden, the control is still
    restored, checked and kept in the URL; the entries after it move up a column."""

    name: str
    when: Predicate


@dataclass(frozen=True)
class Row:
    """Controls side by side: the i-th drawn entry goes in column i % len(columns), past the last column on a
    new row. `columns`: how many, or their relative widths as st.columns takes them."""

    entries: tuple[str | Shown, ...]
    columns: int | tuple[float, ...] = 4


def settings(
    controls: Mapping[str, Control],
    *,
    presets: Mapping[str, Mapping[str, Any]],
    preset_key: str,
    rows: Sequence[str | tuple[str | Shown, ...] | Row],
    idle: Mapping[str, tuple[Predicate, str]] | None = None,
) -> Settings:
    """A page's settings in one call: restore every control (session, else a valid link value, else the default)
    and show the notes on refused values, draw the Settings expander (the preset picker, its reset, then `rows`),
    write the values to the URL, and return them.

    `controls`: name -> Control, every control of the page, those drawn later by `widget` included. `rows`: a
    name is drawn alone at full width, a tuple of names (or `Shown` entries) is a `Row` of four columns. `idle`:
    name -> (when it is greyed out, why), for a control that changes nothing in the current state.
    """
    from ui import layout  # ui.layout reads the shell's controls from this module: imported when first drawn

    page = list(controls.values())
    show_notes(restore(page))
    now = Settings(controls)
    greyed = {name: (bool(when(now)), why) for name, (when, why) in (idle or {}).items()}
    with st.expander("Settings", expanded=layout.settings_expanded()):
        _preset_and_reset(page, presets, preset_key)
        for row in rows:
            if isinstance(row, str):  # alone, at full width
                widget(controls[row], st, *greyed.get(row, (False, None)))
            else:
                _draw_row(row if isinstance(row, Row) else Row(tuple(row)), controls, now, greyed)
    sync_url(page)
    return Settings(controls)


def _draw_row(row: Row, controls: Mapping[str, Control], now: Settings, greyed: Mapping[str, tuple]) -> None:
    """The row's entries that are shown now, in its columns, wrapping past the last one onto a row of columns of
    its own: a phone stacks columns, and the entries then still come in their order."""
    drawn = [e if isinstance(e, str) else e.name for e in row.entries if isinstance(e, str) or e.when(now)]
    per_row = row.columns if isinstance(row.columns, int) else len(row.columns)
    for start in range(0, len(drawn), per_row):
        for name, cell in zip(drawn[start : start + per_row], st.columns(row.columns), strict=False):
            widget(controls[name], cell, *greyed.get(name, (False, None)))
