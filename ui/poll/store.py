"""The class poll's store: rooms, anonymous answers, reveals. SQLite by default, PostgreSQL by URL.

No Streamlit and no module state: every fact about a room lives in the database, so several server
processes (or machines, with PostgreSQL) see the same room. A room is a short code plus a teacher key;
only a hash of the key is kept. An answer is (room, question, anonymous session id, choice, and a hash of
the page settings it was given under, so the teacher's bars count only answers to the question on the
screen): nothing personal. The teacher's page and its settings are kept for the students to follow. Rooms
expire ROOM_TTL_S after they are made (EMPTY_ROOM_TTL_S if started without the teacher passphrase and
nobody answers); rows per room are capped; each session's answers are rate-limited by a token bucket kept
beside its id. Where a visitor comes from (its address) is never stored: only a keyed hash of it, for the
per-address limits (new voters in a room, rooms started) and the teacher's count of addresses.

    store = PollStore.from_env()            # DATABASE_URL=postgresql://..., POLL_DB_PATH=..., or ~/.cache/...
    room = store.create_room(source="203.0.113.7", session=voter)   # Room(code="K7QM2D", teacher_key="...")
    store.answer(room.code, voter, "s_predict", "It stops", source="198.51.100.4", view="3f2a9c")
    store.tally(room.code, "s_predict", "3f2a9c", teacher_key=room.teacher_key)   # Tally({"It stops": 1}, 0)
    store.reveal(room.code, room.teacher_key, "s_predict")

Over 400 lines: the same poll storage for SQLite and PostgreSQL behind one interface, with its limits, in one place.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import queue
import re
import secrets
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector
CODE_LENGTH = 6
CODE_PATTERN = r"[A-HJ-NP-Z2-9]{6}"
QUESTION_PATTERN = r"[A-Za-z0-9_]{1,40}"
PAGE_PATTERN = r"[a-z0-9_]{0,40}"  # a page's path in the app's address ("" is the start page)
# The teacher's page settings, as a query string the view built from validated controls (ui.poll.view.view_of):
# URL-safe characters only, bounded; the view checks each key and value again when it reads them.
SETTINGS_PATTERN = r"[A-Za-z0-9_.~%+=&-]{0,600}"
VIEW_PATTERN = r"[0-9a-f]{0,16}"  # an answer's tag: the settings it was given under (ui.poll.view.view_of), hashed
MAX_CHOICE_CHARS = 200
_TAG = "\x1f"  # poll_answers.choice holds "view<_TAG>choice"; a row without it (made before tags) has view ""
ROOM_TTL_S = 4 * 3600  # a lecture and then some
EMPTY_ROOM_TTL_S = 15 * 60  # a room started without the passphrase goes if nobody answers in this long
MAX_ROOMS = 500  # open rooms on one server: a loop creating rooms cannot fill the disk
MAX_VOTERS_PER_ROOM = 500
MAX_QUESTIONS_PER_ROOM = 50
BUCKET_SIZE = 10.0  # answers a session may send at once ...
BUCKET_REFILL_PER_S = 0.5  # ... and then one every 2 s
HOUR = 3600.0


@dataclass(frozen=True)
class Limit:
    """A token bucket: `size` at once, then `per_s` a second (a full bucket after size / per_s seconds)."""

    size: float
    per_s: float
    what: str  # for the visitor's message


# New voters one address may add to one room. A lecture hall puts every student behind one address: 300 of them
# answering in the same second are all counted within 90 s (60 at once, then 3 a second, each held-back page
# sending again every 2 s by itself), and answering over a minute, within 90 s of the question too
# (python -m bench.poll). One client making a fresh session per vote gets 60 at once and then 3 a second: 150 in
# 30 s, not 500. Both come from one address, so no rule can tell them apart: the teacher sees sessions against
# addresses, and locks the room once the class is in.
NEW_VOTERS = Limit(60, 3.0, "many new students are answering from your network right now")
LIMITS = {  # rooms started without the passphrase, and passphrase tries: a few an hour
    "start_session": Limit(3, 3 / HOUR, "this session has started 3 rooms in the last hour"),
    "start_source": Limit(6, 6 / HOUR, "6 rooms were started from your address in the last hour"),
    "passphrase_source": Limit(30, 30 / HOUR, "too many passphrase tries from your address in the last hour"),
}
KEY_ROTATION_S = 24 * HOUR  # the key that hashes addresses for the start limits is replaced once a day
APP_DIR_NAME = "l1-descent-lab"
DEFAULT_DB_NAME = "poll.sqlite3"
_LOG = logging.getLogger(__name__)

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS poll_rooms (
        code TEXT PRIMARY KEY, teacher_hash TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS poll_rooms_expiry ON poll_rooms (expires_at)",
    """CREATE TABLE IF NOT EXISTS poll_questions (
        room TEXT NOT NULL, question TEXT NOT NULL, round INTEGER NOT NULL, revealed INTEGER NOT NULL,
        PRIMARY KEY (room, question))""",
    """CREATE TABLE IF NOT EXISTS poll_voters (
        room TEXT NOT NULL, voter TEXT NOT NULL, tokens DOUBLE PRECISION NOT NULL, at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (room, voter))""",
    """CREATE TABLE IF NOT EXISTS poll_answers (
        room TEXT NOT NULL, question TEXT NOT NULL, voter TEXT NOT NULL, choice TEXT NOT NULL,
        PRIMARY KEY (room, question, voter))""",
    # Separate tables (not new columns), so a database made before them gains them as it is opened: a room made
    # before has no guard row until it is first written to (unlocked, 4-hour TTL, its old voters' addresses unknown).
    """CREATE TABLE IF NOT EXISTS poll_room_guard (
        code TEXT PRIMARY KEY, salt TEXT NOT NULL, made_at DOUBLE PRECISION NOT NULL, guarded INTEGER NOT NULL,
        locked INTEGER NOT NULL, refused_full INTEGER NOT NULL, refused_locked INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS poll_voter_sources (
        room TEXT NOT NULL, voter TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY (room, voter))""",
    """CREATE TABLE IF NOT EXISTS poll_buckets (
        scope TEXT NOT NULL, name TEXT NOT NULL, tokens DOUBLE PRECISION NOT NULL, at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (scope, name))""",
    """CREATE TABLE IF NOT EXISTS poll_keys (
        name TEXT PRIMARY KEY, value TEXT NOT NULL, made_at DOUBLE PRECISION NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS poll_room_page (code TEXT PRIMARY KEY, page TEXT NOT NULL)",  # the teacher's page
    # ... and its settings there (a query string), valid while poll_room_page holds the same page
    """CREATE TABLE IF NOT EXISTS poll_room_settings (
        code TEXT PRIMARY KEY, page TEXT NOT NULL, settings TEXT NOT NULL)""",
)
_ROOM_TABLES = {  # every table with rows of one room, and the column naming the room
    "poll_answers": "room",
    "poll_voters": "room",
    "poll_voter_sources": "room",
    "poll_questions": "room",
    "poll_buckets": "scope",
    "poll_room_guard": "code",
    "poll_room_page": "code",
    "poll_room_settings": "code",
    "poll_rooms": "code",
}
_TABLES = (*_ROOM_TABLES, "poll_keys")
_GLOBAL = "*"  # poll_buckets.scope of the limits that belong to no room (starting rooms, passphrase tries)


class PollError(ValueError):
    """A request the poll refuses; the message is meant for the visitor."""


class RoomClosed(PollError):
    """The code names no open room: mistyped, closed by the teacher, or expired."""


class NotTeacher(PollError):
    """A teacher action without the room's teacher key."""


class Unavailable(PollError):
    """The database could not be reached or written."""


class RateLimited(PollError):
    """This session sent answers faster than BUCKET_REFILL_PER_S, or a Limit ran out."""


class SourceBusy(RateLimited):
    """NEW_VOTERS ran out for this address in this room: the answer may be sent again in a moment."""


class RoomFull(PollError):
    """The room has MAX_VOTERS_PER_ROOM voters: a new one is refused (the teacher is told)."""


class RoomLocked(PollError):
    """The teacher locked the room: no new voters (the teacher sees how many were refused)."""


@dataclass(frozen=True)
class Room:
    code: str
    teacher_key: str  # only the teacher's session holds it; the store keeps its hash


@dataclass(frozen=True)
class RoomInfo:
    """What the teacher sees of the room itself."""

    locked: bool
    sessions: int  # anonymous browser sessions that have answered in the room
    sources: int  # distinct addresses they answered from (counted from keyed hashes; old voters not counted)
    refused_full: int  # tries to join turned away because the room was full
    refused_locked: int  # ... because it was locked
    guarded: bool  # started with the teacher passphrase
    expires_at: float

    @property
    def full(self) -> bool:
        return self.sessions >= MAX_VOTERS_PER_ROOM


@dataclass(frozen=True)
class Tally:
    """The answers to one question given under one view (the settings they were given under), by choice, and how
    many were given under any other view."""

    counts: dict[str, int]
    elsewhere: int


@dataclass(frozen=True)
class QuestionState:
    round: int  # goes up by one each time the teacher asks again
    revealed: bool


def normalise_code(raw: str) -> str:
    """The room code in `raw` (spaces and case forgiven), or raise PollError."""
    code = re.sub(r"[\s-]", "", str(raw))[:20].upper()
    if not re.fullmatch(CODE_PATTERN, code):
        raise PollError(f"a room code is {CODE_LENGTH} letters and digits (no 0, 1, I or O)")
    return code


def _check_question(question: str) -> None:
    if not re.fullmatch(QUESTION_PATTERN, str(question)):
        raise PollError("unknown question")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _keyed(key: str, value: str) -> str:
    """HMAC-SHA256 of `value` under `key`: equal values match, the value itself is not kept."""
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def source_address(peer: str | None, forwarded: list[str] | tuple[str, ...] = ()) -> str:
    """The address a visitor comes from. `peer` is the connection's (None for loopback, as Streamlit's
    st.context.ip_address gives it), `forwarded` every X-Forwarded-For header. Only a loopback peer (a proxy on
    this machine, HAProxy of `make hall`) is trusted to name the client, and only by the LAST entry (the one the
    proxy added; what precedes it the client wrote); any other peer is the address itself."""
    if peer:
        try:
            peer_ip = ipaddress.ip_address(peer)
        except ValueError:
            return peer[:64]
        if not peer_ip.is_loopback:
            return str(peer_ip)
    entries = [e.strip() for header in forwarded for e in str(header).split(",") if e.strip()]
    if entries:
        try:
            return str(ipaddress.ip_address(entries[-1].removeprefix("[").split("]")[0]))
        except ValueError:
            pass
    return "loopback"


def default_db_path(environ=None) -> Path:
    """$XDG_CACHE_HOME/l1-descent-lab/poll.sqlite3, else ~/.cache/l1-descent-lab/poll.sqlite3."""
    env = os.environ if environ is None else environ
    cache = env.get("XDG_CACHE_HOME", "")
    base = Path(cache) if cache and Path(cache).is_absolute() else Path.home() / ".cache"
    return base / APP_DIR_NAME / DEFAULT_DB_NAME


def private_directory(folder: Path) -> None:
    """Make `folder` (mode 0700), or check that an existing one is a real folder of this user, closing it to
    others if it is open. A link, a file or a folder of another user is refused: it may be someone else's trap."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode):
        raise PermissionError(f"{folder} is not a folder (a link or a file): set POLL_DB_PATH")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise PermissionError(f"{folder} belongs to another user (uid {info.st_uid}): set POLL_DB_PATH")
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(folder, 0o700)


def private_file(path: Path, *, fix: bool) -> None:
    """Create `path` with mode 0600 if it does not exist (never through a link). With `fix`, an existing file must
    be this user's, and is closed to others if it is open.

    An existing file is never opened here: closing any descriptor of a file drops every POSIX lock this process
    holds on it, so an open and close beside a live SQLite connection of another thread corrupts the database."""
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))
        return  # new, empty, and no connection of this process can hold a lock on it yet
    except FileExistsError:
        pass
    if not fix:
        return
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise PermissionError(f"{path} is not a plain file (a link?): set POLL_DB_PATH")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise PermissionError(f"{path} belongs to another user (uid {info.st_uid}): set POLL_DB_PATH")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, 0o600)
    for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):  # SQLite makes these with the file's mode
        try:
            info = os.lstat(extra)
        except FileNotFoundError:
            continue
        if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(extra, 0o600)


class PollStore:
    """One small interface over SQLite (WAL) or PostgreSQL. Thread-safe: each call borrows a connection."""

    def __init__(self, url: str, *, clock: Callable[[], float] = time.time, pool_size: int = 4, private: bool = False):
        """`private`: `url` is the default SQLite file, in a folder of its own that must be this user's alone."""
        self.url = url
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        self._clock = clock
        self._idle: queue.LifoQueue = queue.LifoQueue(maxsize=pool_size)
        if not self.postgres:
            path = Path(url.removeprefix("sqlite:///"))
            try:
                if private:
                    private_directory(path.parent)
                if not path.is_dir():  # a folder fails below, as SQLite's own message
                    private_file(path, fix=private)
            except OSError as why:  # the server log says where and why; the visitor reads a sentence
                _LOG.warning("class poll: cannot use %s: %s", path, why)
                raise Unavailable("the class poll's database is unavailable right now") from why
        with self._tx() as db:
            for statement in _SCHEMA:
                db(statement)

    @classmethod
    def from_env(cls, environ: dict | None = None) -> PollStore:
        """DATABASE_URL (postgresql://...) if set, else the SQLite file POLL_DB_PATH, else the private default
        (default_db_path: a folder of mode 0700 in the user's cache folder, the file 0600)."""
        env = os.environ if environ is None else environ
        if env.get("DATABASE_URL"):
            return cls(env["DATABASE_URL"])
        if env.get("POLL_DB_PATH"):
            return cls(env["POLL_DB_PATH"])
        try:
            path = default_db_path(env)
        except RuntimeError as why:  # no home folder to find
            _LOG.warning("class poll: %s; set POLL_DB_PATH", why)
            raise Unavailable("the class poll's database is unavailable right now") from why
        return cls(str(path), private=True)

    # --- connections -------------------------------------------------------------------------------------------

    def _connect(self):
        if self.postgres:
            import psycopg  # only a PostgreSQL deployment pays for the import

            # a vote is not worth a disk flush: a crash may lose the last moment's answers, never corrupt them
            options = "-c synchronous_commit=off"
            return psycopg.connect(self.url, autocommit=True, connect_timeout=5, options=options)
        path = self.url.removeprefix("sqlite:///")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer; several processes share it
            conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    @contextmanager
    def _tx(self, write: bool = True) -> Iterator[Callable]:
        """A transaction; yields run(sql, *args) -> rows or rowcount. SQL uses `?`; PostgreSQL gets `%s`.

        A driver error (database down, disk full, locked too long) becomes Unavailable, a PollError."""
        conn = None
        try:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                conn = self._connect()
            try:
                with self._transaction(conn, write) as cur:

                    def run(sql: str, *args):
                        cur.execute(sql.replace("?", "%s") if self.postgres else sql, args)
                        return cur.fetchall() if cur.description else cur.rowcount

                    yield run
            except PollError:  # refused, and rolled back: the connection is fine
                conn = self._give_back(conn)
                raise
            conn = self._give_back(conn)
        except self._driver_errors() as why:
            raise Unavailable("the class poll's database is unavailable right now") from why
        finally:
            if conn is not None:
                conn.close()

    def _give_back(self, conn) -> None:
        try:
            self._idle.put_nowait(conn)
        except queue.Full:
            conn.close()

    @contextmanager
    def _transaction(self, conn, write: bool):
        """Writes in one transaction; reads statement by statement (autocommit: fewer round trips)."""
        if self.postgres:
            with conn.transaction() if write else nullcontext(), conn.cursor() as cur:
                yield cur
            return
        cur = conn.cursor()
        if not write:
            yield cur
            return
        cur.execute("BEGIN IMMEDIATE")  # take the write lock before reading: read-modify-write stays atomic
        try:
            yield cur
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _driver_errors(self) -> tuple[type[BaseException], ...]:
        if self.postgres:
            import psycopg

            return (psycopg.Error, OSError)
        return (sqlite3.Error, OSError)

    def close_connections(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return

    # --- rooms -------------------------------------------------------------------------------------------------

    def create_room(self, *, guarded: bool = False, source: str | None = None, session: str | None = None) -> Room:
        """A new room with a fresh code and teacher key; expired rooms are swept first.

        `guarded`: the teacher gave the passphrase, so the room lives ROOM_TTL_S. Otherwise starting counts
        against LIMITS for the address `source` and the session `session` (each skipped if None), and the room
        closes after EMPTY_ROOM_TTL_S unless someone answers (then it lives ROOM_TTL_S from its start)."""
        self.expire()
        key = secrets.token_urlsafe(24)
        now = self._clock()
        with self._tx() as db:
            if not guarded:
                for limit, who in (("start_session", session), ("start_source", source)):
                    if who is not None:
                        self._spend(db, limit, who)
            if db("SELECT COUNT(*) FROM poll_rooms")[0][0] >= MAX_ROOMS:
                raise PollError("too many rooms are open on this server; try again later")
            for _ in range(20):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                if not db("SELECT 1 FROM poll_rooms WHERE code = ?", code):
                    db(
                        "INSERT INTO poll_rooms (code, teacher_hash, expires_at) VALUES (?, ?, ?)",
                        code,
                        _hash(key),
                        now + (ROOM_TTL_S if guarded else EMPTY_ROOM_TTL_S),
                    )
                    db(
                        "INSERT INTO poll_room_guard (code, salt, made_at, guarded, locked, refused_full, "
                        "refused_locked) VALUES (?, ?, ?, ?, 0, 0, 0)",
                        code,
                        secrets.token_hex(16),
                        now,
                        int(guarded),
                    )
                    return Room(code, key)
        raise PollError("could not find a free room code; try again")

    def spend(self, limit: str, who: str) -> None:
        """Take one token from the LIMITS[limit] bucket of `who` (an address or a session id, kept only as a keyed
        hash), or raise RateLimited. The view spends "passphrase_source" on every passphrase try."""
        with self._tx() as db:
            self._spend(db, limit, who)

    def _spend(self, db, limit: str, who: str) -> None:
        rule = LIMITS[limit]
        if not self._take(db, _GLOBAL, f"{limit}:{_keyed(self._global_key(db), str(who))}", rule):
            raise RateLimited(f"{rule.what}; try again later")

    def _global_key(self, db) -> str:
        """The random key of the hashes in the limits that belong to no room. Kept in the database, so every
        process and replica shares it, and replaced every KEY_ROTATION_S (the old hashes go with it)."""
        now = self._clock()
        rows = db("SELECT value, made_at FROM poll_keys WHERE name = 'limits'")
        if rows and now - rows[0][1] < KEY_ROTATION_S:
            return rows[0][0]
        value = secrets.token_hex(16)
        db("DELETE FROM poll_buckets WHERE scope = ?", _GLOBAL)
        db(
            "INSERT INTO poll_keys (name, value, made_at) VALUES ('limits', ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value, made_at = excluded.made_at",
            value,
            now,
        )
        return value

    def _take(self, db, scope: str, name: str, rule: Limit) -> bool:
        """One token from the bucket (scope, name) if it has one; False if empty (nothing written then)."""
        now = self._clock()
        lock = " FOR UPDATE" if self.postgres else ""
        rows = db(f"SELECT tokens, at FROM poll_buckets WHERE scope = ? AND name = ?{lock}", scope, name)
        tokens = rule.size if not rows else min(rule.size, rows[0][0] + max(0.0, now - rows[0][1]) * rule.per_s)
        if tokens < 1:
            return False
        db(  # two first takes at once under PostgreSQL: the later one wins, so the bucket is soft by one
            "INSERT INTO poll_buckets (scope, name, tokens, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (scope, name) DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
            scope,
            name,
            tokens - 1,
            now,
        )
        return True

    def _open(self, db, code: str) -> str:
        rows = db("SELECT teacher_hash FROM poll_rooms WHERE code = ? AND expires_at > ?", code, self._clock())
        if not rows:
            raise RoomClosed(f"room {code} is not open (closed by the teacher, expired, or mistyped)")
        return rows[0][0]

    def _teacher(self, db, code: str, teacher_key: str) -> None:
        if not hmac.compare_digest(self._open(db, code), _hash(str(teacher_key))):
            raise NotTeacher("only the teacher's session can do that")

    def state(self, code: str) -> dict[str, QuestionState]:
        """Every question the room has seen: its round and whether it is revealed. RoomClosed if not open."""
        return self.snapshot(code)[0]

    def snapshot(self, code: str) -> tuple[dict[str, QuestionState], str | None, str | None]:
        """`state`, the page the teacher last showed (None before any) and its settings there (a query string; None
        while not recorded on that page), in one query: a student's page asks this every REFRESH_S. RoomClosed if
        the room is not open."""
        code = normalise_code(code)
        with self._tx(write=False) as db:
            rows = db(
                "SELECT q.question, q.round, q.revealed, p.page, s.settings FROM poll_rooms r "
                "LEFT JOIN poll_questions q ON q.room = r.code LEFT JOIN poll_room_page p ON p.code = r.code "
                "LEFT JOIN poll_room_settings s ON s.code = r.code AND s.page = p.page "
                "WHERE r.code = ? AND r.expires_at > ?",
                code,
                self._clock(),
            )
        if not rows:
            raise RoomClosed(f"room {code} is not open (closed by the teacher, expired, or mistyped)")
        questions = {q: QuestionState(int(r), bool(v)) for q, r, v, _, _ in rows if q is not None}
        return questions, rows[0][3], rows[0][4]

    def show_page(self, code: str, teacher_key: str, page: str, settings: str | None = None) -> None:
        """Record the page the teacher is on and, if given, its settings there (a query string of at most
        SETTINGS_PATTERN's characters, which the view built from validated controls), for the room's students to
        follow. Settings recorded on another page no longer count once the page changes."""
        code = normalise_code(code)
        if not re.fullmatch(PAGE_PATTERN, str(page)):
            raise PollError("unknown page")
        if settings is not None and not (isinstance(settings, str) and re.fullmatch(SETTINGS_PATTERN, settings)):
            raise PollError("unreadable settings")
        with self._tx() as db:
            self._teacher(db, code, teacher_key)
            db(
                "INSERT INTO poll_room_page (code, page) VALUES (?, ?) "
                "ON CONFLICT (code) DO UPDATE SET page = excluded.page",
                code,
                page,
            )
            if settings is not None:
                db(
                    "INSERT INTO poll_room_settings (code, page, settings) VALUES (?, ?, ?) "
                    "ON CONFLICT (code) DO UPDATE SET page = excluded.page, settings = excluded.settings",
                    code,
                    page,
                    settings,
                )

    def close(self, code: str, teacher_key: str) -> None:
        """End the room now: every row of it is deleted."""
        code = normalise_code(code)
        with self._tx() as db:
            self._teacher(db, code, teacher_key)
            self._delete_room(db, code)

    @staticmethod
    def _delete_room(db, code: str) -> None:
        for table, column in _ROOM_TABLES.items():
            db(f"DELETE FROM {table} WHERE {column} = ?", code)

    def expire(self) -> int:
        """Delete rooms past their expiry and all their rows, and limits that have refilled (all of LIMITS refill
        within an hour); returns how many rooms went."""
        now = self._clock()
        with self._tx() as db:
            gone = [c for (c,) in db("SELECT code FROM poll_rooms WHERE expires_at <= ?", now)]
            for code in gone:
                self._delete_room(db, code)
            db("DELETE FROM poll_buckets WHERE scope = ? AND at < ?", _GLOBAL, now - HOUR)
        return len(gone)

    def lock(self, code: str, teacher_key: str, locked: bool = True) -> None:
        """Lock the room (no new voters; those in it may still change their answers until the reveal), or unlock."""
        code = normalise_code(code)
        with self._tx() as db:
            self._teacher(db, code, teacher_key)
            self._guard(db, code)
            db("UPDATE poll_room_guard SET locked = ? WHERE code = ?", int(bool(locked)), code)

    def _guard(self, db, code: str) -> tuple[str, float, bool, bool]:
        """(salt, made_at, guarded, locked) of an open room; a room made before the guard table gets its row."""
        rows = db("SELECT salt, made_at, guarded, locked FROM poll_room_guard WHERE code = ?", code)
        if not rows:
            db(  # made when it expires less its TTL: an old room keeps its 4 hours, no more
                "INSERT INTO poll_room_guard (code, salt, made_at, guarded, locked, refused_full, refused_locked) "
                "SELECT code, ?, expires_at - ?, 1, 0, 0, 0 FROM poll_rooms WHERE code = ? "
                "ON CONFLICT (code) DO NOTHING",
                secrets.token_hex(16),
                ROOM_TTL_S,
                code,
            )
            rows = db("SELECT salt, made_at, guarded, locked FROM poll_room_guard WHERE code = ?", code)
        salt, made_at, guarded, locked = rows[0]
        return salt, float(made_at), bool(guarded), bool(locked)

    def room_info(self, code: str, teacher_key: str) -> RoomInfo:
        """The teacher's view of the room: locked or not, sessions and addresses that answered, tries refused."""
        code = normalise_code(code)
        with self._tx(write=False) as db:
            self._teacher(db, code, teacher_key)
            rows = db(
                "SELECT g.locked, g.refused_full, g.refused_locked, g.guarded, r.expires_at, "
                "(SELECT COUNT(*) FROM poll_voters v WHERE v.room = r.code), "
                "(SELECT COUNT(DISTINCT s.source) FROM poll_voter_sources s WHERE s.room = r.code) "
                "FROM poll_rooms r LEFT JOIN poll_room_guard g ON g.code = r.code WHERE r.code = ?",
                code,
            )
        locked, full, refused, guarded, expires_at, sessions, sources = rows[0]
        return RoomInfo(
            locked=bool(locked),
            sessions=int(sessions),
            sources=int(sources),
            refused_full=int(full or 0),
            refused_locked=int(refused or 0),
            guarded=guarded is None or bool(guarded),
            expires_at=float(expires_at),
        )

    # --- questions ---------------------------------------------------------------------------------------------

    def _question(self, db, code: str, question: str) -> QuestionState:
        rows = db("SELECT round, revealed FROM poll_questions WHERE room = ? AND question = ?", code, question)
        if rows:
            return QuestionState(int(rows[0][0]), bool(rows[0][1]))
        if db("SELECT COUNT(*) FROM poll_questions WHERE room = ?", code)[0][0] >= MAX_QUESTIONS_PER_ROOM:
            raise PollError(f"this room has reached its {MAX_QUESTIONS_PER_ROOM} questions")
        db(  # two first answers at once: the second finds the row the first made
            "INSERT INTO poll_questions (room, question, round, revealed) VALUES (?, ?, 0, 0) "
            "ON CONFLICT (room, question) DO NOTHING",
            code,
            question,
        )
        rows = db("SELECT round, revealed FROM poll_questions WHERE room = ? AND question = ?", code, question)
        return QuestionState(int(rows[0][0]), bool(rows[0][1]))

    def answer(
        self, code: str, voter: str, question: str, choice: str, source: str | None = None, view: str = ""
    ) -> None:
        """Count `voter`'s choice (replacing an earlier one) while the question is not revealed. One short write.
        `view` tags it with the settings it was given under (VIEW_PATTERN): `tally` counts one view's answers.

        `source` is the visitor's address (source_address): a voter new to the room takes a token from the
        room's NEW_VOTERS bucket for that address, and the address is kept only as a hash keyed by the room's
        own salt (for the teacher's count of addresses). A caller with no address (a script, the bench) gives
        None: no per-address limit then."""
        code = normalise_code(code)
        _check_question(question)
        if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", str(voter)):
            raise PollError("bad session id")
        if not isinstance(choice, str) or not 0 < len(choice) <= MAX_CHOICE_CHARS:
            raise PollError("bad answer")
        if not (isinstance(view, str) and re.fullmatch(VIEW_PATTERN, view)):
            raise PollError("bad settings tag")
        with self._tx() as db:
            self._open(db, code)
            if self._question(db, code, question).revealed:
                raise PollError("the answer is already revealed: changes no longer count")
            refused = self._admit(db, code, voter, source)
            if refused is None:
                db(
                    "INSERT INTO poll_answers (room, question, voter, choice) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (room, question, voter) DO UPDATE SET choice = excluded.choice",
                    code,
                    question,
                    voter,
                    f"{view}{_TAG}{choice}",
                )
        if refused is not None:  # raised after the commit: the teacher's count of refused tries is kept
            raise refused

    def _admit(self, db, code: str, voter: str, source: str | None) -> PollError | None:
        """Spend the voter's token, or admit a new voter: None if the answer counts, else the refusal to raise
        (after the transaction commits what it counted). A refusal that writes nothing raises here."""
        now = self._clock()
        lock = " FOR UPDATE" if self.postgres else ""
        rows = db(f"SELECT tokens, at FROM poll_voters WHERE room = ? AND voter = ?{lock}", code, voter)
        if rows:
            tokens = min(BUCKET_SIZE, rows[0][0] + max(0.0, now - rows[0][1]) * BUCKET_REFILL_PER_S)
            if tokens < 1:
                raise RateLimited("too many changes at once: wait a few seconds and choose again")
            db("UPDATE poll_voters SET tokens = ?, at = ? WHERE room = ? AND voter = ?", tokens - 1, now, code, voter)
            return None
        salt, made_at, _guarded, locked = self._guard(db, code)
        if locked:
            db("UPDATE poll_room_guard SET refused_locked = refused_locked + 1 WHERE code = ?", code)
            return RoomLocked(f"room {code} is locked by the teacher: no new students can join it")
        if db("SELECT COUNT(*) FROM poll_voters WHERE room = ?", code)[0][0] >= MAX_VOTERS_PER_ROOM:
            db("UPDATE poll_room_guard SET refused_full = refused_full + 1 WHERE code = ?", code)
            return RoomFull(f"this room is full ({MAX_VOTERS_PER_ROOM} students); the teacher is told")
        hashed = _keyed(salt, str(source)) if source is not None else None
        if hashed is not None and not self._take(db, code, f"new:{hashed}", NEW_VOTERS):
            raise SourceBusy(f"{NEW_VOTERS.what}: your answer is sent again in a moment")
        db(  # the voter cap is soft by a few under PostgreSQL's concurrent first answers: no room-wide lock
            "INSERT INTO poll_voters (room, voter, tokens, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            code,
            voter,
            BUCKET_SIZE - 1,
            now,
        )
        if hashed is not None:
            db(
                "INSERT INTO poll_voter_sources (room, voter, source) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                code,
                voter,
                hashed,
            )
        # someone answered: a room on the short leash of EMPTY_ROOM_TTL_S now lives ROOM_TTL_S from its start
        db(
            "UPDATE poll_rooms SET expires_at = ? WHERE code = ? AND expires_at < ?",
            made_at + ROOM_TTL_S,
            code,
            made_at + ROOM_TTL_S,
        )
        return None

    def counts(self, code: str, question: str, teacher_key: str | None = None) -> dict[str, int]:
        """How many chose each answer, whatever the settings they were given under. The teacher may read them any
        time; a student only once revealed."""
        out: dict[str, int] = {}
        for (_, choice), n in self._counts(code, question, teacher_key).items():
            out[choice] = out.get(choice, 0) + n
        return out

    def tally(self, code: str, question: str, view: str, teacher_key: str | None = None) -> Tally:
        """The answers given under `view` by choice, and how many were given under another view. Read as `counts`."""
        here, elsewhere = {}, 0
        for (tag, choice), n in self._counts(code, question, teacher_key).items():
            if tag == view:
                here[choice] = n
            else:
                elsewhere += n
        return Tally(here, elsewhere)

    def _counts(self, code: str, question: str, teacher_key: str | None) -> dict[tuple[str, str], int]:
        """{(view, choice): how many}, for the teacher any time, for a student once revealed."""
        code = normalise_code(code)
        _check_question(question)
        with self._tx(write=False) as db:
            if teacher_key is not None:
                self._teacher(db, code, teacher_key)
            else:
                self._open(db, code)
                row = db("SELECT revealed FROM poll_questions WHERE room = ? AND question = ?", code, question)
                if not (row and row[0][0]):
                    raise NotTeacher("the room's answers are shown once the teacher reveals them")
            rows = db(
                "SELECT choice, COUNT(*) FROM poll_answers WHERE room = ? AND question = ? GROUP BY choice",
                code,
                question,
            )
        out: dict[tuple[str, str], int] = {}
        for stored, n in rows:
            view, tagged, choice = stored.partition(_TAG)
            key = (view, choice) if tagged else ("", stored)
            out[key] = out.get(key, 0) + int(n)
        return out

    def reveal(self, code: str, teacher_key: str, question: str) -> None:
        """Let every student in the room see the result (and the room's answers)."""
        code = normalise_code(code)
        _check_question(question)
        with self._tx() as db:
            self._teacher(db, code, teacher_key)
            self._question(db, code, question)
            db("UPDATE poll_questions SET revealed = 1 WHERE room = ? AND question = ?", code, question)

    def reset(self, code: str, teacher_key: str, question: str | None = None) -> None:
        """Ask again: forget the answers to `question` (every question if None) and hide its result."""
        code = normalise_code(code)
        with self._tx() as db:
            self._teacher(db, code, teacher_key)
            where, args = ("room = ?", (code,)) if question is None else ("room = ? AND question = ?", (code, question))
            if question is not None:
                _check_question(question)
                self._question(db, code, question)
            db(f"DELETE FROM poll_answers WHERE {where}", *args)
            db(f"UPDATE poll_questions SET round = round + 1, revealed = 0 WHERE {where}", *args)
