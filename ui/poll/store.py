"""The class poll's store: rooms, anonymous answers, reveals. SQLite by default, PostgreSQL by URL.

No Streamlit and no module state: every fact about a room lives in the database, so several server
processes (or machines, with PostgreSQL) see the same room. A room is a short code plus a teacher key;
only a hash of the key is kept. An answer is (room, question, anonymous session id, choice): nothing
personal. Rooms expire ROOM_TTL_S after they are made; rows per room are capped; each session's answers
are rate-limited by a token bucket kept beside its id.

    store = PollStore.from_env()            # DATABASE_URL=postgresql://... or POLL_DB_PATH=... or a temp file
    room = store.create_room()              # Room(code="K7QM2D", teacher_key="...")
    store.answer(room.code, voter, "s_predict", "It stops")
    store.counts(room.code, "s_predict", teacher_key=room.teacher_key)   # {"It stops": 1}
    store.reveal(room.code, room.teacher_key, "s_predict")
"""

from __future__ import annotations

import hashlib
import hmac
import os
import queue
import re
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector
CODE_LENGTH = 6
CODE_PATTERN = r"[A-HJ-NP-Z2-9]{6}"
QUESTION_PATTERN = r"[A-Za-z0-9_]{1,40}"
MAX_CHOICE_CHARS = 200
ROOM_TTL_S = 4 * 3600  # a lecture and then some
MAX_ROOMS = 500  # open rooms on one server: a loop creating rooms cannot fill the disk
MAX_VOTERS_PER_ROOM = 500
MAX_QUESTIONS_PER_ROOM = 50
BUCKET_SIZE = 10.0  # answers a session may send at once ...
BUCKET_REFILL_PER_S = 0.5  # ... and then one every 2 s
DEFAULT_DB_NAME = "l1-descent-lab-poll.sqlite3"

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
)
_TABLES = ("poll_answers", "poll_voters", "poll_questions", "poll_rooms")


class PollError(ValueError):
    """A request the poll refuses; the message is meant for the visitor."""


class RoomClosed(PollError):
    """The code names no open room: mistyped, closed by the teacher, or expired."""


class NotTeacher(PollError):
    """A teacher action without the room's teacher key."""


class Unavailable(PollError):
    """The database could not be reached or written."""


class RateLimited(PollError):
    """This session sent answers faster than BUCKET_REFILL_PER_S."""


@dataclass(frozen=True)
class Room:
    code: str
    teacher_key: str  # only the teacher's session holds it; the store keeps its hash


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


class PollStore:
    """One small interface over SQLite (WAL) or PostgreSQL. Thread-safe: each call borrows a connection."""

    def __init__(self, url: str, *, clock: Callable[[], float] = time.time, pool_size: int = 4):
        self.url = url
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        self._clock = clock
        self._idle: queue.LifoQueue = queue.LifoQueue(maxsize=pool_size)
        with self._tx() as db:
            for statement in _SCHEMA:
                db(statement)

    @classmethod
    def from_env(cls, environ: dict | None = None) -> PollStore:
        """DATABASE_URL (postgresql://...) if set, else the SQLite file POLL_DB_PATH, else one in the temp dir."""
        env = os.environ if environ is None else environ
        if env.get("DATABASE_URL"):
            return cls(env["DATABASE_URL"])
        return cls(env.get("POLL_DB_PATH") or str(Path(tempfile.gettempdir()) / DEFAULT_DB_NAME))

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

    def create_room(self) -> Room:
        """A new room with a fresh code and teacher key; expired rooms are swept first."""
        self.expire()
        key = secrets.token_urlsafe(24)
        with self._tx() as db:
            if db("SELECT COUNT(*) FROM poll_rooms")[0][0] >= MAX_ROOMS:
                raise PollError("too many rooms are open on this server; try again later")
            for _ in range(20):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                if not db("SELECT 1 FROM poll_rooms WHERE code = ?", code):
                    db(
                        "INSERT INTO poll_rooms (code, teacher_hash, expires_at) VALUES (?, ?, ?)",
                        code,
                        _hash(key),
                        self._clock() + ROOM_TTL_S,
                    )
                    return Room(code, key)
        raise PollError("could not find a free room code; try again")

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
        code = normalise_code(code)
        with self._tx(write=False) as db:  # one query: a student's page asks this every REFRESH_S
            rows = db(
                "SELECT q.question, q.round, q.revealed FROM poll_rooms r "
                "LEFT JOIN poll_questions q ON q.room = r.code WHERE r.code = ? AND r.expires_at > ?",
                code,
                self._clock(),
            )
        if not rows:
            raise RoomClosed(f"room {code} is not open (closed by the teacher, expired, or mistyped)")
        return {q: QuestionState(int(r), bool(v)) for q, r, v in rows if q is not None}

    def close(self, code: str, teacher_key: str) -> None:
        """End the room now: every row of it is deleted."""
        code = normalise_code(code)
        with self._tx() as db:
            self._teacher(db, code, teacher_key)
            for table in _TABLES:
                db(f"DELETE FROM {table} WHERE {'code' if table == 'poll_rooms' else 'room'} = ?", code)

    def expire(self) -> int:
        """Delete rooms past their expiry and all their rows; returns how many rooms went."""
        with self._tx() as db:
            gone = [c for (c,) in db("SELECT code FROM poll_rooms WHERE expires_at <= ?", self._clock())]
            for code in gone:
                for table in _TABLES:
                    db(f"DELETE FROM {table} WHERE {'code' if table == 'poll_rooms' else 'room'} = ?", code)
        return len(gone)

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

    def answer(self, code: str, voter: str, question: str, choice: str) -> None:
        """Count `voter`'s choice (replacing an earlier one) while the question is not revealed. One short write."""
        code = normalise_code(code)
        _check_question(question)
        if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", str(voter)):
            raise PollError("bad session id")
        if not isinstance(choice, str) or not 0 < len(choice) <= MAX_CHOICE_CHARS:
            raise PollError("bad answer")
        with self._tx() as db:
            self._open(db, code)
            if self._question(db, code, question).revealed:
                raise PollError("the answer is already revealed: changes no longer count")
            self._spend_token(db, code, voter)
            db(
                "INSERT INTO poll_answers (room, question, voter, choice) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (room, question, voter) DO UPDATE SET choice = excluded.choice",
                code,
                question,
                voter,
                choice,
            )

    def _spend_token(self, db, code: str, voter: str) -> None:
        now = self._clock()
        lock = " FOR UPDATE" if self.postgres else ""
        rows = db(f"SELECT tokens, at FROM poll_voters WHERE room = ? AND voter = ?{lock}", code, voter)
        if not rows:
            if db("SELECT COUNT(*) FROM poll_voters WHERE room = ?", code)[0][0] >= MAX_VOTERS_PER_ROOM:
                raise PollError(f"this room is full ({MAX_VOTERS_PER_ROOM} students)")
            db(  # the voter cap is soft by a few under PostgreSQL's concurrent first answers: no room-wide lock
                "INSERT INTO poll_voters (room, voter, tokens, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                code,
                voter,
                BUCKET_SIZE - 1,
                now,
            )
            return
        tokens = min(BUCKET_SIZE, rows[0][0] + max(0.0, now - rows[0][1]) * BUCKET_REFILL_PER_S)
        if tokens < 1:
            raise RateLimited("too many changes at once: wait a few seconds and choose again")
        db("UPDATE poll_voters SET tokens = ?, at = ? WHERE room = ? AND voter = ?", tokens - 1, now, code, voter)

    def counts(self, code: str, question: str, teacher_key: str | None = None) -> dict[str, int]:
        """How many chose each answer. The teacher may read them any time; a student only once revealed."""
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
        return {choice: int(n) for choice, n in rows}

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
