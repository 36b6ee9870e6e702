"""The class poll on screen: the sidebar (start, join, leave, QR), the teacher's live chart, the room's spread.

A session is in a room when `st.session_state["room"]` (ui.controls.ROOM, kept in the URL) holds the code
of an open room. `sidebar()` checks it once per full run (one read) and keeps what it read as the
run's snapshot; `joined()` answers from that snapshot. A session in no room never touches the database.

Starting a room needs the teacher passphrase where one is configured (POLL_TEACHER_PASSPHRASE, in the
environment or in Streamlit's secrets); without one, starting counts against per-session and per-address limits
(ui.poll.store.LIMITS). The visitor's address (`visitor_source`) reaches the store only to be hashed there.

Over 400 lines: every poll screen (sidebar, teacher, student, follow) reads and writes the same room state.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from ui import qr
from ui.controls import PRESENTATION, ROOM, SLIDE, SLIDES, page_link_parts, restore, show_notes
from ui.layout import presenting
from ui.poll import store as poll_store
from ui.poll.store import (
    PollError,
    PollStore,
    QuestionState,
    RoomClosed,
    RoomInfo,
    SourceBusy,
    normalise_code,
    source_address,
)

REFRESH_S = 2.0  # the teacher's chart and the students' watch on the room
_SNAPSHOT = "_poll_snapshot"  # (code, {question: QuestionState}, monotonic time read, the teacher's page)
_SHOWN = "_poll_shown_page"  # (code, page) the teacher's session last recorded for the room
_TEACHER = "_poll_teacher"  # {code: teacher key}: held only by the session that made the room
_VOTER = "_poll_voter"  # an anonymous random id for this browser session
_SENT = "_poll_sent"  # {(code, question, round): choice} already counted, so a rerun writes nothing
_SEEN = "_poll_seen"  # {(code, question): round} this session last answered in
_NOTE = "_poll_note"
_RERUN = "_poll_rerun"  # set by a callback inside a fragment: the next fragment run reruns the page
_PENDING = "_poll_pending"  # (code, question, round, choice) held back by the per-address limit: sent again
PASSPHRASE = "POLL_TEACHER_PASSPHRASE"  # the environment variable, or the key in .streamlit/secrets.toml
_PASS_INPUT = "poll_passphrase"
MAX_PASSPHRASE_CHARS = 200


@st.cache_resource(show_spinner=False)
def _store_for(database_url: str, db_path: str, cache_home: str) -> PollStore:
    return PollStore.from_env({"DATABASE_URL": database_url, "POLL_DB_PATH": db_path, "XDG_CACHE_HOME": cache_home})


def store() -> PollStore:
    """The process's store for the configured database (DATABASE_URL, else POLL_DB_PATH, else the private file
    in the user's cache folder)."""
    env = os.environ
    return _store_for(env.get("DATABASE_URL", ""), env.get("POLL_DB_PATH", ""), env.get("XDG_CACHE_HOME", ""))


def teacher_passphrase() -> str:
    """The configured teacher passphrase, or "" if none: the environment first, then Streamlit's secrets. With no
    secrets.toml, reading them raises nothing and shows nothing (load_if_toml_exists only answers False)."""
    configured = os.environ.get(PASSPHRASE, "")
    if configured:
        return configured
    try:
        if st.secrets.load_if_toml_exists():
            value = st.secrets.get(PASSPHRASE)
            return value if isinstance(value, str) else ""
    except Exception:  # noqa: BLE001 (a broken secrets file: no passphrase, logged by Streamlit at start)
        return ""
    return ""


def visitor_source() -> str:
    """Where this session's connection comes from (ui.poll.store.source_address): the peer's address, or behind a
    proxy on this machine the last X-Forwarded-For entry. Streamlit 1.67 gives None for a loopback peer; its
    server (uvicorn) already takes X-Forwarded-For's last untrusted entry for one (FORWARDED_ALLOW_IPS, by
    default 127.0.0.1 and ::1), so both paths agree."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get_all("X-Forwarded-For")
    except Exception:  # noqa: BLE001 (no connection to read)
        peer, forwarded = None, []
    if not isinstance(peer, str):  # AppTest's stand-in connection answers with mock objects
        peer = None
    return source_address(peer, [f for f in forwarded if isinstance(f, str)] if isinstance(forwarded, list) else [])


@dataclass(frozen=True)
class Membership:
    code: str
    teacher_key: str | None  # None for a student
    voter: str
    questions: dict[str, QuestionState]

    def question(self, key: str) -> QuestionState:
        return self.questions.get(key, QuestionState(0, False))


def joined() -> Membership | None:
    """This session's room as read at the start of this run, or None (no database call either way)."""
    snap = st.session_state.get(_SNAPSHOT)
    code = st.session_state.get(ROOM.key)
    if not code or not snap or snap[0] != code:
        return None
    return Membership(code, st.session_state.get(_TEACHER, {}).get(code), _voter(), snap[1])


def _voter() -> str:
    return st.session_state.setdefault(_VOTER, secrets.token_urlsafe(12))


def _leave(note: str | None = None) -> None:
    st.session_state[ROOM.key] = ""
    st.session_state.pop(_SNAPSHOT, None)
    if note:
        st.session_state[_NOTE] = note


# --- the sidebar ---------------------------------------------------------------------------------------------


def sidebar() -> None:
    """The room check for this run, then the sidebar's poll panel and the QR button."""
    show_notes(restore([ROOM]))
    code = st.session_state.get(ROOM.key)
    if code:
        _read_room(code)
    with st.sidebar:
        note = st.session_state.pop(_NOTE, None)
        if note:
            st.warning(note, icon="🗳️")
        room = joined()
        with st.expander("Class poll", expanded=room is not None or bool(note)):  # open where the note points
            if room is None:
                _start_or_join()
            elif room.teacher_key:
                _teacher_panel(room)
            else:
                st.markdown(f"You are in room **{room.code}**: your predictions count, anonymously.")
                st.button("Leave the room", key="poll_leave", on_click=_leave)
                _watch(room.code)
        if st.button("QR code of this link", key="poll_qr", help="All settings of this page are in the link."):
            _qr_dialog(_current_link(room.code if room else ""))


def _read_room(code: str) -> None:
    """One read: the room's questions, kept as this run's snapshot; a closed room or an error leaves the room."""
    try:
        questions, page = store().snapshot(code)
        st.session_state[_SNAPSHOT] = (code, questions, time.monotonic(), page)
    except RoomClosed:
        _leave(f"Room {code} is not open (closed by the teacher, expired, or mistyped): the page works without it.")
    except PollError as why:
        _leave(f"The class poll is not available ({why}): the page works without it.")


def _start_or_join() -> None:
    st.caption("A teacher starts a room; students join by its link, QR code or code, and their predictions count.")
    if teacher_passphrase():
        st.text_input(
            "Teacher passphrase",
            key=_PASS_INPUT,
            type="password",
            max_chars=MAX_PASSPHRASE_CHARS,
            help="Starting a room on this server needs the passphrase its host set (POLL_TEACHER_PASSPHRASE).",
        )
    st.button("Start a room (teacher)", key="poll_start", on_click=_start)
    st.text_input("Join with a code", key="poll_join", placeholder="e.g. K7QM2D", max_chars=12, on_change=_join)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "replace")).digest()


def _start() -> None:
    given = st.session_state.get(_PASS_INPUT)
    given = given[:MAX_PASSPHRASE_CHARS] if isinstance(given, str) else ""
    st.session_state[_PASS_INPUT] = ""  # never kept in the session, nor shown again
    wanted = teacher_passphrase()
    try:
        if wanted:
            if not given:
                st.session_state[_NOTE] = "Type the teacher passphrase, then start the room."
                return
            store().spend("passphrase_source", visitor_source())  # every try counts, right or wrong
            if not hmac.compare_digest(_digest(given), _digest(wanted)):  # equal lengths: no timing on length
                st.session_state[_NOTE] = "That is not the teacher passphrase: no room was started."
                return
            room = store().create_room(guarded=True)
        else:
            room = store().create_room(source=visitor_source(), session=_voter())
    except PollError as why:
        st.session_state[_NOTE] = f"Could not start a room: {why}."
        return
    st.session_state.setdefault(_TEACHER, {})[room.code] = room.teacher_key
    st.session_state[ROOM.key] = room.code


def _join() -> None:
    raw = st.session_state.get("poll_join", "")
    st.session_state["poll_join"] = ""
    try:
        st.session_state[ROOM.key] = normalise_code(raw)
    except PollError as why:
        st.session_state[_NOTE] = f"That is not a room code: {why}."


def _teacher_panel(room: Membership) -> None:
    st.markdown(f"Room code **{room.code}** (you are the teacher: keep this tab open, the controls live in it).")
    _room_status(room)
    _room_link(room.code)
    st.button("Close the room", key="poll_close", on_click=_close, args=(room,), help="Deletes the room's answers.")


def room_info(room: Membership) -> RoomInfo | None:
    try:
        return store().room_info(room.code, room.teacher_key)
    except PollError:
        return None


def _plural(n: int, one: str, many: str) -> str:
    return f"**{n}** {one if n == 1 else many}"


def who_answered(info: RoomInfo) -> str:
    """How many sessions answered, from how many addresses: one address for many sessions is a hall's network,
    or one client making sessions; the teacher knows how many students are in the room."""
    return (
        f"{_plural(info.sessions, 'session', 'sessions')} from {_plural(info.sources, 'address', 'addresses')} "
        f"{'has' if info.sessions == 1 else 'have'} answered in this room."
    )


def _turned_away(n: int) -> str:
    return f"{_plural(n, 'try', 'tries')} to join {'was' if n == 1 else 'were'} turned away"


def refusals(info: RoomInfo) -> str | None:
    """The teacher's warning when students are being turned away, or None."""
    if info.full:
        turned = f" {_turned_away(info.refused_full)}." if info.refused_full else ""
        return f"The room is full ({poll_store.MAX_VOTERS_PER_ROOM} students): new students cannot answer.{turned}"
    if info.locked and info.refused_locked:
        return f"The room is locked: {_turned_away(info.refused_locked)}."
    return None


@st.fragment(run_every=REFRESH_S)
def _room_status(room: Membership) -> None:
    """Who answered, the lock, and a full room: re-read every REFRESH_S."""
    try:
        info = store().room_info(room.code, room.teacher_key)
    except RoomClosed:
        st.rerun(scope="app")  # expired: the full run says so and leaves the room
    except PollError as why:
        st.caption(f"The room's state cannot be read: {why}.")
        return
    st.markdown(who_answered(info))
    warning = refusals(info)
    if warning:
        st.warning(warning, icon="🚪")
    if info.locked:
        st.caption("🔒 Locked: no new students; those in the room may change their answers until the reveal.")
    elif not info.guarded and info.sessions == 0:
        st.caption(f"A room nobody answers in {poll_store.EMPTY_ROOM_TTL_S // 60} minutes closes itself.")
    st.button(
        "Unlock the room" if info.locked else "Lock the room",
        key="poll_lock",
        on_click=_lock,
        args=(room, not info.locked),
        help="Locked: nobody new can answer (a student who has answered may still change it until the reveal).",
    )


def _lock(room: Membership, locked: bool) -> None:
    try:
        store().lock(room.code, room.teacher_key, locked)
    except PollError as why:
        st.session_state[_NOTE] = f"Could not {'lock' if locked else 'unlock'} the room: {why}."


@st.fragment(run_every=REFRESH_S)
def _room_link(code: str) -> None:
    """The room's link and QR code. A fragment: the sidebar runs before the page writes a changed setting to
    the address, so a full run would show the link one change late; this catches up within REFRESH_S."""
    link = _current_link(code)
    try:
        st.image(_qr(link, 5), caption="Students scan this to join", width=180, alt="QR code of the room's link")
    except ValueError as why:
        st.caption(f"No QR code for this link ({why}): give the students the code.")
    st.code(link, language=None, wrap_lines=True)


def _close(room: Membership) -> None:
    try:
        store().close(room.code, room.teacher_key)
    except PollError as why:
        st.session_state[_NOTE] = f"Could not close the room: {why}."
        return
    st.session_state.get(_TEACHER, {}).pop(room.code, None)
    _leave()


_BASE = "_poll_public_base"  # session state: the address this tab's links start with, read once


def _current_link(code: str) -> str:
    """This page's address with its settings (and the room code, if any), built from what the server holds
    (ui.qr: the configured public address, the page it runs, the validated settings), so a visitor cannot make
    it long or new on every message. The teacher's own view (presentation mode, the slide view and its screen)
    stays out: a student who follows the link gets the page as a student."""
    own_view = {ROOM.key, PRESENTATION.key, SLIDES.key, SLIDE.key}
    page, settings = page_link_parts()
    params = {k: v for k, v in settings.items() if k not in own_view}
    if code:
        params[ROOM.key] = code
    base = st.session_state.setdefault(_BASE, qr.public_base(st.context.url))  # a tab's origin stays its first
    return qr.page_link(base, page, params)


@st.cache_data(max_entries=64, show_spinner=False)
def _qr(link: str, scale: int) -> bytes:
    """The PNG once per link: a teacher's sidebar redraws it on every rerun."""
    return qr.qr_png(link, scale=scale)


@st.dialog("QR code of this link", width="large")
def _qr_dialog(link: str) -> None:
    try:
        st.image(_qr(link, 8), caption=link, width=420, alt="QR code of this link")
    except ValueError as why:
        st.error(f"No QR code: {why}.")


@st.fragment(run_every=REFRESH_S)
def _watch(code: str) -> None:
    """A student's watch on the room: when the teacher reveals or asks again, the whole page reruns."""
    st.caption("Results appear on their own when the teacher reveals them.")
    pending = st.session_state.get(_PENDING)
    if pending and pending[0] == code:  # held back by the per-address limit: try again, then show the outcome
        try:
            store().answer(code, _voter(), pending[1], pending[3], source=visitor_source())
        except SourceBusy:
            pass
        except PollError:
            st.session_state.pop(_PENDING, None)
            st.rerun(scope="app")  # the page's own send() says why
        else:
            st.session_state.setdefault(_SENT, {})[(code, pending[1], pending[2])] = pending[3]
            st.session_state.pop(_PENDING, None)
            st.rerun(scope="app")
    snap = st.session_state.get(_SNAPSHOT)
    if not snap or snap[0] != code or time.monotonic() - snap[2] < REFRESH_S / 2:
        return  # read moments ago by this very run
    try:
        questions, page = store().snapshot(code)
        now = _moved_on(questions), page
    except PollError:
        now = None
    if now != (_moved_on(snap[1]), snap[3]):  # the teacher revealed, asked again or moved to another page
        st.rerun(scope="app")


def _moved_on(questions: dict[str, QuestionState]) -> dict[str, QuestionState]:
    """The questions the teacher has acted on: a question merely answered for the first time (its row appears)
    must not rerun every student's page."""
    return {q: s for q, s in questions.items() if s.revealed or s.round}


# --- following the teacher ------------------------------------------------------------------------------------


def follow(page: str, pages: Mapping[str, tuple[str, str]]) -> None:
    """In a room, on top of the page: the teacher's session records which of `pages` (path -> (file, title)) it is
    on; a student on another page gets a one-click link to it (the room and every prediction come along: they
    live in the session). Outside a room, nothing (no database call)."""
    room = joined()
    if room is None:
        return
    if room.teacher_key:
        if presenting():  # the sidebar is folded on a projector: the room's code and QR code go on the page
            _room_banner(room.code)
        if page in pages and st.session_state.get(_SHOWN) != (room.code, page):
            try:
                store().show_page(room.code, room.teacher_key, page)
            except PollError:
                return  # the room's students keep the page they were sent to last; the sidebar says what failed
            st.session_state[_SHOWN] = (room.code, page)
        return
    teacher_page = st.session_state[_SNAPSHOT][3]
    if teacher_page != page and teacher_page in pages:
        file, title = pages[teacher_page]
        with st.container(border=True):
            st.markdown(f"Your teacher has moved on to **{title}**.")
            st.page_link(file, label=f"Go to {title}", icon="➡️")


def _room_banner(code: str) -> None:
    """Room code, QR code and link in one row on top of the page, for the room to read off the projector."""
    link = _current_link(code)
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        try:
            st.image(_qr(link, 3), width=72)
        except ValueError:
            pass  # no QR code for this link: the code and the link beside it still let students in
        st.markdown(f"#### Join room **{code}**  \nscan the code or open `{link}`")


# --- beside a question ---------------------------------------------------------------------------------------


def forget_if_asked_again(room: Membership, key: str) -> None:
    """If the teacher asked this question again since this session answered, clear its prediction."""
    seen = st.session_state.setdefault(_SEEN, {})
    current = room.question(key).round
    if seen.get((room.code, key), current) != current:
        st.session_state.pop(key, None)
    seen[(room.code, key)] = current


def send(room: Membership, key: str, choice: str) -> None:
    """Count this session's choice for the room (one short write, only when it changed)."""
    state = room.question(key)
    sent = st.session_state.setdefault(_SENT, {})
    if sent.get((room.code, key, state.round)) != choice:
        try:
            store().answer(room.code, room.voter, key, choice, source=visitor_source())
        except SourceBusy as why:  # a hall behind one address, all at once: the room watch sends it again
            st.session_state[_PENDING] = (room.code, key, state.round, choice)
            st.info(f"Not counted yet: {why}.", icon="⏳")
            return
        except PollError as why:
            st.session_state.pop(_PENDING, None)
            st.warning(f"Not counted: {why}.", icon="🗳️")
            return
        sent[(room.code, key, state.round)] = choice
        st.session_state.pop(_PENDING, None)
    st.caption(
        f"Counted for room {room.code}. The result appears when the teacher reveals it; "
        "you may change your answer until then."
    )


PROJECTOR_FONT = 24  # the room's bars on a projector: read from the back of a hall


def spread_spec(
    counts: dict[str, int], options: Sequence[str], right: Sequence[str] | None = None, font_size: int = 16
) -> dict:
    """One row per option (in the question's order): its text above a bar of its count, the `right` ones green
    once known. The text sits above the bar, not on an axis, so a long option is not cut on a phone. Rows and
    bars grow with `font_size` (PROJECTOR_FONT in presentation mode)."""
    grow = font_size / 16
    rows = [{"answer": o, "students": int(counts.get(o, 0)), "right": o in (right or ())} for o in options]
    colour: dict = {"value": "#4c78a8"}
    if right is not None:
        colour = {
            "field": "right",
            "type": "nominal",
            "legend": None,
            "scale": {"domain": [False, True], "range": ["#9aa5b1", "#2e9e44"]},
        }
    top = max(2.0, 1.15 * max(r["students"] for r in rows))  # room for the count after the longest bar
    x = {
        "field": "students",
        "type": "quantitative",
        "title": "students",
        "axis": {"tickMinStep": 1, "format": "d", "labelFontSize": round(11 * grow), "titleFontSize": round(11 * grow)},
        "scale": {"domain": [0, top], "nice": False},
    }
    text = {"type": "text", "align": "left", "fontSize": font_size}
    return {
        "data": {"values": rows},
        "height": {"step": round(52 * grow)},
        "encoding": {"y": {"field": "answer", "type": "nominal", "sort": list(options), "axis": None}},
        "layer": [
            {
                "mark": {"type": "bar", "height": round(18 * grow), "yOffset": round(10 * grow)},
                "encoding": {"x": x, "color": colour},
            },
            {
                "mark": {**text, "yOffset": round(-12 * grow)},
                "encoding": {"x": {"datum": 0}, "text": {"field": "answer"}},
            },
            {
                "mark": {**text, "yOffset": round(10 * grow), "dx": 5, "fontWeight": "bold"},
                "encoding": {"x": {"field": "students", "type": "quantitative"}, "text": {"field": "students"}},
            },
        ],
    }


def _spread_chart(counts: dict[str, int], options: Sequence[str], right: Sequence[str] | None, key: str) -> None:
    total = sum(counts.values())
    st.vega_lite_chart(
        spread_spec(counts, options, right, PROJECTOR_FONT if presenting() else 16),
        width="stretch",
        key=key,
        alt=f"The room's answers: {', '.join(f'{o}: {counts.get(o, 0)}' for o in options)} ({total} in all).",
    )
    st.caption(f"**{total}** answer{'s' if total != 1 else ''} in room {st.session_state.get(ROOM.key)}.")


@st.fragment(run_every=REFRESH_S)
def live_answers(room: Membership, key: str, options: Sequence[str]) -> None:
    """The teacher's view before the reveal: the room's answers so far, and the reveal button."""
    try:
        counts = store().counts(room.code, key, teacher_key=room.teacher_key)
    except PollError as why:
        st.warning(f"The room's answers cannot be read: {why}.", icon="🗳️")
        return
    if st.session_state.pop(_RERUN, False):  # revealed by the button: the whole page shows the result
        st.rerun(scope="app")
    # the button above the bars: beside a chart on a 1280x800 projector, below them it fell off the screen
    st.button("Reveal to the room", key=f"{key}_reveal", type="primary", on_click=_reveal, args=(room, key))
    _spread_chart(counts, options, None, key=f"{key}_live")
    info = room_info(room)  # beside the chart too: in presentation mode the sidebar is folded
    if info is not None:
        st.caption(who_answered(info) + (" Locked: no new students." if info.locked else ""))
        warning = refusals(info)
        if warning:
            st.warning(warning, icon="🚪")


def _reveal(room: Membership, key: str) -> None:
    try:
        store().reveal(room.code, room.teacher_key, key)
    except PollError as why:
        st.session_state[_NOTE] = f"Not revealed: {why}."
        return
    st.session_state[_RERUN] = True


def spread(room: Membership, key: str, options: Sequence[str], right: Sequence[str]) -> None:
    """After the reveal: how the room answered (read once per run), the `right` options green."""
    try:
        counts = store().counts(room.code, key, teacher_key=room.teacher_key)
    except PollError as why:
        st.caption(f"The room's answers cannot be shown: {why}.")
        return
    st.markdown("**How the room answered**")
    _spread_chart(counts, options, right, key=f"{key}_spread")


def ask_again(room: Membership, key: str) -> None:
    """The teacher's Ask again: the room's answers to this question are forgotten and its result hidden."""
    try:
        store().reset(room.code, room.teacher_key, key)
    except PollError as why:
        st.session_state[_NOTE] = f"Could not ask again: {why}."
