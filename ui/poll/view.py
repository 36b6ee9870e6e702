"""The class poll on screen: the sidebar (start, join, leave, QR), the teacher's live chart, the room's spread.

A session is in a room when `st.session_state["room"]` (ui.controls.ROOM, kept in the URL) holds the code
of an open room. `sidebar()` checks it once per full run (one read) and keeps what it read as the
run's snapshot; `joined()` answers from that snapshot. A session in no room never touches the database.

The room follows the teacher's lab page and its settings (ui.poll.page_view): students land on them, are told
when theirs differ, and every bar counts only the answers given under the settings the viewer's page shows.

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
from ui.poll import page_view
from ui.poll import store as poll_store
from ui.poll.page_view import LabPage
from ui.poll.store import (
    PollError,
    PollStore,
    QuestionState,
    RoomClosed,
    RoomInfo,
    SourceBusy,
    Tally,
    normalise_code,
    source_address,
)

REFRESH_S = 2.0  # the teacher's chart and the students' watch on the room
_SNAPSHOT = "_poll_snapshot"  # (code, {question: QuestionState}, monotonic time read, teacher's page, its settings)
_SHOWN = "_poll_shown_page"  # (code, page, settings) the teacher's session last recorded for the room
_LANDED = "_poll_landed"  # (code, page) a student's session last drew: another one is a landing (page_view.adopt)
_TOLD = "_poll_told"  # this run already told the student that the settings differ (one notice a page)
_TEACHER = "_poll_teacher"  # {code: teacher key}: held only by the session that made the room
_VOTER = "_poll_voter"  # an anonymous random id for this browser session
_SENT = "_poll_sent"  # {(code, question, round): choice} already counted, so a rerun writes nothing
_SEEN = "_poll_seen"  # {(code, question): round} this session last answered in
_NOTE = "_poll_note"
_RERUN = "_poll_rerun"  # set by a callback inside a fragment: the next fragment run reruns the page
_PENDING = "_poll_pending"  # (code, question, round, choice, view) held back by the per-address limit: sent again
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
    teacher_page: str | None = None  # the page the teacher's session last showed
    teacher_settings: str | None = None  # its settings there, as stored (page_view.decode reads them)

    def question(self, key: str) -> QuestionState:
        return self.questions.get(key, QuestionState(0, False))


def joined() -> Membership | None:
    """This session's room as read at the start of this run, or None (no database call either way)."""
    snap = st.session_state.get(_SNAPSHOT)
    code = st.session_state.get(ROOM.key)
    if not code or not snap or snap[0] != code:
        return None
    return Membership(code, st.session_state.get(_TEACHER, {}).get(code), _voter(), snap[1], snap[3], snap[4])


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
        questions, page, settings = store().snapshot(code)
        st.session_state[_SNAPSHOT] = (code, questions, time.monotonic(), page, settings)
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


def who_answered(info: RoomInfo, *, beside_count: bool = False) -> str:
    """How many sessions answered, from how many addresses: one address for many sessions is a hall's network,
    or one client making sessions; the teacher knows how many students are in the room. `beside_count`: under a
    question's own count ("0 answers" after new settings read as a contradiction of "2 sessions have answered")."""
    return (
        f"{_plural(info.sessions, 'session', 'sessions')} from {_plural(info.sources, 'address', 'addresses')} "
        f"{'has' if info.sessions == 1 else 'have'} answered in this room"
        + (" so far, any question; the count above is this question's, at these settings." if beside_count else ".")
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
            store().answer(code, _voter(), pending[1], pending[3], source=visitor_source(), view=pending[4])
        except SourceBusy:
            pass
        except PollError:
            st.session_state.pop(_PENDING, None)
            st.rerun(scope="app")  # the page's own send() says why
        else:
            st.session_state.setdefault(_SENT, {})[(code, pending[1], pending[2])] = (pending[4], pending[3])
            st.session_state.pop(_PENDING, None)
            st.rerun(scope="app")
    snap = st.session_state.get(_SNAPSHOT)
    if not snap or snap[0] != code or time.monotonic() - snap[2] < REFRESH_S / 2:
        return  # read moments ago by this very run
    try:
        questions, page, settings = store().snapshot(code)
        now = _moved_on(questions), page, settings
    except PollError:
        now = None
    if now != (_moved_on(snap[1]), snap[3], snap[4]):  # the teacher revealed, asked again, or moved (page, settings)
        st.rerun(scope="app")


def _moved_on(questions: dict[str, QuestionState]) -> dict[str, QuestionState]:
    """The questions the teacher has acted on: a question merely answered for the first time (its row appears)
    must not rerun every student's page."""
    return {q: s for q, s in questions.items() if s.revealed or s.round}


# --- following the teacher ------------------------------------------------------------------------------------


def follow(page: str, pages: Mapping[str, LabPage]) -> None:
    """In a room, on top of the page (before it runs): a student who lands on the page the teacher shows (joining
    the room on it, by the room's link or QR code, by Go to) takes the teacher's settings there; a student on
    another page gets a one-click link to the teacher's page and settings (the room and every prediction come
    along: they live in the session). The teacher's own page and settings are recorded by `show_view`, from the
    page's question, once the page has read its settings. Outside a room, nothing (no database call)."""
    page_view.enter(page, pages)
    st.session_state[_TOLD] = False
    room = joined()
    if room is None:
        st.session_state.pop(_LANDED, None)
        return
    if room.teacher_key:
        if presenting():  # the sidebar is folded on a projector: the room's code and QR code go on the page
            _room_banner(room.code)
        shown = st.session_state.get(_SHOWN) or ("", "", None)
        if page in pages and shown[:2] != (room.code, page):  # a new page: its settings follow from its question
            try:
                store().show_page(room.code, room.teacher_key, page)
            except PollError:
                return  # the room's students keep the page they were sent to last; the sidebar says what failed
            st.session_state[_SHOWN] = (room.code, page, None)
        return
    teacher = pages.get(room.teacher_page or "")
    theirs = page_view.decode(teacher, room.teacher_settings) if teacher else None
    landed = st.session_state.get(_LANDED) != (room.code, page)
    st.session_state[_LANDED] = (room.code, page)
    if teacher is None or room.teacher_page == page:
        if landed and teacher is not None and theirs is not None:
            page_view.adopt(teacher, theirs)
        return
    with st.container(border=True):
        st.markdown(f"Your teacher has moved on to **{teacher.title}**.")
        st.page_link(
            teacher.file, label=f"Go to {teacher.title}", icon="➡️", query_params={**(theirs or {}), ROOM.key: room.code}
        )


def show_view(room: Membership) -> None:
    """The teacher's session records the lab page it shows and its settings there, when either changed: the room's
    students follow them, and a question's answers are counted for them. Called from the page's questions, after
    the page has read its settings."""
    page, lab = page_view.here()
    if lab is None or not room.teacher_key:
        return
    settings = page_view.encode(page_view.current(lab))
    before = st.session_state.get(_SHOWN)
    if before == (room.code, page, settings):
        return
    try:
        store().show_page(room.code, room.teacher_key, page, settings)
    except PollError:
        return  # the room's students keep what they were sent last; the sidebar says what failed
    st.session_state[_SHOWN] = (room.code, page, settings)
    moved = before is not None and before[:2] == (room.code, page) and before[2] not in (None, settings)
    revealed = [q for q in lab.questions if room.question(q).revealed]
    if moved and revealed:  # new settings ask a new question: its result is hidden and the room asked afresh
        try:
            for q in revealed:
                store().reset(room.code, room.teacher_key, q)
        except PollError:
            return
        st.rerun()  # this run read the room before: the next one shows the question open


def view_tag() -> str:
    """The tag of the question as this session's page asks it now (page_view.tag): its answers count under it."""
    page, lab = page_view.here()
    return page_view.tag(page, page_view.current(lab)) if lab is not None else ""


def page_tag() -> str:
    """The tag of a question the page's settings do not change (the check question): the page alone, so its answers
    count together whatever settings each student's page shows."""
    page, lab = page_view.here()
    return page_view.tag(page, {}) if lab is not None else ""


def teachers_differ(room: Membership) -> list[str]:
    """For a student on the page the teacher shows: each of its settings that differs from the teacher's (empty if
    they agree, or if the teacher is elsewhere or has not recorded them)."""
    page, lab = page_view.here()
    if lab is None or room.teacher_key or room.teacher_page != page:
        return []
    theirs = page_view.decode(lab, room.teacher_settings)
    return [] if theirs is None else page_view.differences(lab, page_view.current(lab), theirs)


def use_teachers_settings(room: Membership) -> None:
    """The student's one click: the teacher's settings on this page, and the page's open questions cleared (their
    answers were to another question)."""
    page, lab = page_view.here()
    theirs = page_view.decode(lab, room.teacher_settings) if lab is not None and room.teacher_page == page else None
    if lab is None or theirs is None:
        return
    page_view.adopt(lab, theirs)
    page_view.clear_open(lab, [q for q in lab.questions if not room.question(q).revealed])


def settings_differ(room: Membership, key: str, differences: Sequence[str], revealed: bool) -> None:
    """Tell a student whose settings differ from the teacher's which ones, and offer the teacher's in one click (in
    the first question of the page that asks; the later ones point to it)."""
    if st.session_state.get(_TOLD):
        st.caption("Your settings differ from your teacher's (see above): this question is not counted for the room.")
        return
    st.session_state[_TOLD] = True
    what = "The room answered" if revealed else "The room answers this question"
    st.warning(
        f"{what} at your teacher's settings; yours differ ({'; '.join(differences)}). "
        + ("" if revealed else "Your answer counts once you use the teacher's settings."),
        icon="🔀",
    )
    st.button(
        "Use the teacher's settings",
        key=f"{key}_teacher_settings",
        on_click=use_teachers_settings,
        args=(room,),
        type="primary",
    )


def _room_banner(code: str) -> None:
    """One line on top of the page for the room to read off the projector: the room's code and its address, and
    a button for the QR code, large (the banner stays small: the question and the live bars fill the screen)."""
    base = st.session_state.setdefault(_BASE, qr.public_base(st.context.url))
    link = qr.page_link(base, page_view.here()[0], {ROOM.key: code})  # the room brings the settings along
    with st.container(border=True, horizontal=True, vertical_alignment="center", key="room_banner"):
        st.markdown(f"Join room **{code}** at `{link}`", width="stretch")
        if st.button(
            "QR code",
            key="room_banner_qr",
            icon=":material/qr_code_2:",
            help="The room's QR code, large enough for the back row",
        ):
            _qr_dialog(_current_link(code))


# --- beside a question ---------------------------------------------------------------------------------------


def forget_if_asked_again(room: Membership, key: str) -> None:
    """If the teacher asked this question again since this session answered, clear its prediction (before its
    widget is drawn: a value set, not a key dropped, so the browser clears the pick it shows too)."""
    seen = st.session_state.setdefault(_SEEN, {})
    current = room.question(key).round
    if seen.get((room.code, key), current) != current:
        st.session_state[key] = None
    seen[(room.code, key)] = current


def counted(room: Membership, key: str, choice: str) -> bool:
    """This session's `choice` is the answer the room counted from it for the question as now asked (its round)."""
    sent = st.session_state.get(_SENT, {}).get((room.code, key, room.question(key).round))
    return sent is not None and sent[1] == choice


def send(room: Membership, key: str, choice: str, view: str = "") -> None:
    """Count this session's choice for the room, tagged with the settings it was given under (`view`): one short
    write, only when it changed."""
    state = room.question(key)
    sent = st.session_state.setdefault(_SENT, {})
    if sent.get((room.code, key, state.round)) != (view, choice):
        try:
            store().answer(room.code, room.voter, key, choice, source=visitor_source(), view=view)
        except SourceBusy as why:  # a hall behind one address, all at once: the room watch sends it again
            st.session_state[_PENDING] = (room.code, key, state.round, choice, view)
            st.info(f"Not counted yet: {why}.", icon="⏳")
            return
        except PollError as why:
            st.session_state.pop(_PENDING, None)
            st.warning(f"Not counted: {why}.", icon="🗳️")
            return
        sent[(room.code, key, state.round)] = (view, choice)
        st.session_state.pop(_PENDING, None)
    st.caption(
        f"Counted for room {room.code}. The result appears when the teacher reveals it; "
        "you may change your answer until then."
    )


PROJECTOR_FONT = 24  # the room's bars on a projector: read from the back of a hall


SHORT_LABEL = 16  # characters: bars whose labels are all this short (numbers) carry them on the left, one line each


# Over 50 lines: one Vega-Lite dict, its rows, bars and two label layouts, which a reader checks side by side.
def spread_spec(
    counts: dict[str, int], options: Sequence[str], right: Sequence[str] | None = None, font_size: int = 16
) -> dict:
    """One row per option (in the question's order): a bar of its count, the `right` ones green once known, and
    its text: to its left when every option is short (a number), else above the bar, not on an axis, so a long
    option is not cut on a phone. Rows and bars grow with `font_size` (PROJECTOR_FONT in presentation mode);
    on a projector the count axis goes (each bar's count is written at its end), so the bars fit the screen."""
    grow = font_size / 16
    inline = all(len(o) <= SHORT_LABEL for o in options)
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
    axis = {"tickMinStep": 1, "format": "d", "labelFontSize": round(11 * grow), "titleFontSize": round(11 * grow)}
    x = {
        "field": "students",
        "type": "quantitative",
        "title": "students",
        "axis": None if font_size > 16 else axis,
        "scale": {"domain": [0, top], "nice": False},
    }
    text = {"type": "text", "align": "left", "fontSize": font_size}
    y: dict = {"field": "answer", "type": "nominal", "sort": list(options), "axis": None}
    count = {"x": {"field": "students", "type": "quantitative"}, "text": {"field": "students"}}
    if inline:  # the label on the left, the bar and its count on one line
        y["axis"] = {
            "title": None,
            "labelFontSize": font_size,
            "labelLimit": 0,  # no cut: the labels are short
            "labelColor": "#31333f",  # the page's text colour, as the labels above the bars
            "domain": False,
            "ticks": False,
            "labelPadding": 8,
        }
        return {
            "data": {"values": rows},
            "height": {"step": round(30 * grow)},
            "encoding": {"y": y},
            "layer": [
                {"mark": {"type": "bar", "height": round(20 * grow)}, "encoding": {"x": x, "color": colour}},
                {"mark": {**text, "dx": 5, "fontWeight": "bold"}, "encoding": count},
            ],
        }
    # a row: the text, then its bar; on a projector, tighter (the text is larger, and the rows must fit the screen)
    step, bar, above, below = (36, 14, -10, 8) if font_size > 16 else (52, 18, -12, 10)
    return {
        "data": {"values": rows},
        "height": {"step": round(step * grow)},
        "encoding": {"y": y},
        "layer": [
            {
                "mark": {"type": "bar", "height": round(bar * grow), "yOffset": round(below * grow)},
                "encoding": {"x": x, "color": colour},
            },
            {
                "mark": {**text, "yOffset": round(above * grow)},
                "encoding": {"x": {"datum": 0}, "text": {"field": "answer"}},
            },
            {"mark": {**text, "yOffset": round(below * grow), "dx": 5, "fontWeight": "bold"}, "encoding": count},
        ],
    }


def _on_bars(tally: Tally, bars: Sequence[tuple[str, str]]) -> tuple[dict[str, int], int]:
    """(the count on each bar, by its label; how many answers are on none): an answer given under other settings
    than the viewer's page shows, or not one of the bars' options, is left out, never put on a bar it does not
    answer."""
    options = {option for _, option in bars}
    counts = {label: tally.counts.get(option, 0) for label, option in bars}
    return counts, tally.elsewhere + sum(n for choice, n in tally.counts.items() if choice not in options)


def left_out(n: int) -> str:
    """The sentence under the bars for the answers on none of them."""
    return f"{_plural(n, 'more answer was', 'more answers were')} given under other settings: not in the bars."


def _counted(counts: dict[str, int]) -> str:
    """The count under the bars: their sum, the answers given under the settings the page shows."""
    total = sum(counts.values())
    return f"**{total}** answer{'s' if total != 1 else ''} in room {st.session_state.get(ROOM.key)}."


def _bars(counts: dict[str, int], labels: Sequence[str], right: Sequence[str] | None, key: str) -> None:
    st.vega_lite_chart(
        spread_spec(counts, labels, right, PROJECTOR_FONT if presenting() else 16),
        width="stretch",
        key=key,
        alt=f"The room's answers: {', '.join(f'{o}: {counts.get(o, 0)}' for o in labels)} "
        f"({sum(counts.values())} in all).",
    )


TYPED_LIVE = "The answers are typed: their bars show at the reveal, so this screen offers none to pick from."


@st.fragment(run_every=REFRESH_S)
def live_answers(room: Membership, key: str, bars: Sequence[tuple[str, str]] | None, view: str) -> None:
    """The teacher's view before the reveal: the reveal button, then the room's answers so far given under the
    settings the page shows (`view`), one bar per (label, option) of `bars`, in their order; `bars` None (a typed
    answer, whose options the students never saw): their count alone."""
    try:
        tally = store().tally(room.code, key, view, teacher_key=room.teacher_key)
    except PollError as why:
        st.warning(f"The room's answers cannot be read: {why}.", icon="🗳️")
        return
    if st.session_state.pop(_RERUN, False):  # revealed by the button: the whole page shows the result
        st.rerun(scope="app")
    counts, others = _on_bars(tally, bars) if bars is not None else (tally.counts, tally.elsewhere)
    # the button and the count above the bars: below them they fell off a 1280x800 projector's screen
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button("Reveal to the room", key=f"{key}_reveal", type="primary", on_click=_reveal, args=(room, key))
        st.markdown(_counted(counts), width="content")
    if others:  # after a change of settings, say: the bars count only the answers to the question on the screen
        st.caption(left_out(others))
    if bars is None:
        st.caption(TYPED_LIVE)
    else:
        _bars(counts, [label for label, _ in bars], None, f"{key}_live")
    info = room_info(room)  # beside the chart too: in presentation mode the sidebar is folded
    if info is not None:
        st.caption(who_answered(info, beside_count=True) + (" Locked: no new students." if info.locked else ""))
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


def spread(room: Membership, key: str, options: Sequence[str], right: Sequence[str], view: str) -> None:
    """After the reveal: how the room answered under the settings the page shows (`view`; read once per run), the
    `right` options green."""
    try:
        tally = store().tally(room.code, key, view, teacher_key=room.teacher_key)
    except PollError as why:
        st.caption(f"The room's answers cannot be shown: {why}.")
        return
    counts, others = _on_bars(tally, [(o, o) for o in options])
    st.markdown("**How the room answered**")
    if not sum(counts.values()) and others:
        st.caption(
            f"{_plural(others, 'answer was', 'answers were')} given under other settings than this page shows now: "
            "the chart shows them at the settings the question was asked under."
        )
        return
    _bars(counts, options, right, f"{key}_spread")
    st.caption(_counted(counts) + (f" {left_out(others)}" if others else ""))


def ask_again(room: Membership, key: str) -> None:
    """The teacher's Ask again: the room's answers to this question are forgotten and its result hidden."""
    try:
        store().reset(room.code, room.teacher_key, key)
    except PollError as why:
        st.session_state[_NOTE] = f"Could not ask again: {why}."
