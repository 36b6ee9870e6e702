"""What the teacher's page shows, carried by the room: the lab page and its settings, so that the room answers the
question on the projector.

A lab page's settings are its lesson's controls (app.py passes each page's `LabPage`; the kernel knows no lesson).
The teacher's session records the settings it shows (`current`, `encode`) whenever they change; a student who lands
on that page in the room (by joining, by the room's link or QR code, by "Go to" the teacher's page) takes them
(`adopt`); a student who has moved a setting away from them is told which (`differences`) and offered them back.
Every answer is tagged with the settings it was given under (`tag`), and the room's bars count only the answers
given under the settings the viewer's page shows, so a bar never holds answers to another question.

What the room stores is anyone's text as far as a reader is concerned: `decode` keeps only the page's own controls
with a value each control accepts (ui.controls.Control.parse), written back as the control writes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import streamlit as st

from ui.controls import PRESENTATION, ROOM, SLIDE, SLIDES, Control
from ui.words import num

_HERE = "_poll_here"  # (this run's page path, its LabPage or None): set by the app shell before the page runs
OWN_VIEW = (ROOM.key, PRESENTATION.key, SLIDES.key, SLIDE.key)  # the viewer's own view: never carried to students
TAG_CHARS = 12


@dataclass(frozen=True)
class LabPage:
    """A lab page as the room follows it: where it lives, its title, its lesson's controls and questions."""

    file: str  # as st.page_link takes it, e.g. "pages/derivation.py"
    title: str  # as in the sidebar
    controls: tuple[Control, ...]
    questions: tuple[str, ...] = ()  # its Predict-first questions' keys, in page order


def enter(page: str, pages: Mapping[str, LabPage]) -> None:
    """Record the page this run draws and, if it is a lab page, what the room follows of it."""
    st.session_state[_HERE] = (page, pages.get(page))


def here() -> tuple[str, LabPage | None]:
    """(this run's page path, its LabPage, or None off the lab pages)."""
    return st.session_state.get(_HERE, ("", None))


def current(lab: LabPage) -> dict[str, str]:
    """This session's settings on `lab` as its link writes them: each control's value where it is not the default
    (read after the page restored and checked them)."""
    out = {}
    for c in lab.controls:
        if c.key not in st.session_state:
            continue
        try:
            value = c.check(st.session_state[c.key])
        except (ValueError, TypeError):
            continue
        if value != c.default:
            out[c.key] = c.to_url(value)
    return out


def encode(settings: Mapping[str, str]) -> str:
    """The settings as one query string, keys in order: the same settings, the same text."""
    return urlencode(sorted(settings.items()))


def decode(lab: LabPage, raw: object) -> dict[str, str] | None:
    """The settings a room stored for `lab`, validated: only `lab`'s controls, each with a value the control
    accepts, written as the control writes it (a default left out). None if none are recorded."""
    if not isinstance(raw, str):
        return None
    by_key = {c.key: c for c in lab.controls}
    try:
        pairs = parse_qsl(raw[:2000], max_num_fields=4 * len(by_key) + 4)
    except ValueError:  # more fields than any page writes: not a record the app made
        return None
    out = {}
    for key, value in pairs:
        c = by_key.get(key)
        if c is None:
            continue
        try:
            parsed = c.parse(value)
        except (ValueError, TypeError, OverflowError):
            continue
        if parsed != c.default:
            out[key] = c.to_url(parsed)
        else:
            out.pop(key, None)
    return out


def tag(page: str, settings: Mapping[str, str]) -> str:
    """A short hash naming the question as these settings ask it on `page` (ui.poll.store.VIEW_PATTERN)."""
    return hashlib.sha256(f"{page}?{encode(settings)}".encode()).hexdigest()[:TAG_CHARS]


def adopt(lab: LabPage, settings: Mapping[str, str]) -> None:
    """Put `settings` on this session's `lab` page (every other control to its default), in session state and in
    the address (the viewer's own view kept). Before the page's widgets are drawn: a callback, or the shell."""
    for c in lab.controls:
        try:
            st.session_state[c.key] = c.parse(settings[c.key]) if c.key in settings else c.default
        except (ValueError, TypeError, OverflowError):
            st.session_state[c.key] = c.default
    own = {k: v for k, v in st.query_params.to_dict().items() if k in OWN_VIEW}
    st.query_params.from_dict({**own, **settings})


def _shown(c: Control, text: str | None) -> str:
    """A setting's value as a sentence prints it (the default where the settings leave it out)."""
    value = c.default if text is None else c.parse(text)
    if c.kind == "bool":
        return "on" if value else "off"
    if c.kind == "choice":
        return (c.format_func or str)(value)
    return num(value) if c.kind in ("float", "int", "log") else str(value)


def differences(lab: LabPage, mine: Mapping[str, str], theirs: Mapping[str, str]) -> list[str]:
    """Each setting that differs, as "Weight w: 0.3 here, 0.5 on the teacher's screen", in the page's order."""
    return [
        f"{c.label}: {_shown(c, mine.get(c.key))} here, {_shown(c, theirs.get(c.key))} on the teacher's screen"
        for c in lab.controls
        if mine.get(c.key) != theirs.get(c.key)
    ]


def clear_open(lab: LabPage, open_questions: Sequence[str]) -> None:
    """Forget this session's answers to the page's open questions: they answered another question. Each is set to
    None, not dropped: a dropped key leaves the browser showing the old pick, which a click then cannot send."""
    for key in open_questions:
        if key in lab.questions:
            st.session_state[key] = None
