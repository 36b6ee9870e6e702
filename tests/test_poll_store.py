"""The class poll's store against SQLite and PostgreSQL: the same tests, both databases.

PostgreSQL runs in a throwaway cluster this module starts (initdb into a temp dir, pg_ctl on a free
loopback port, as the `postgres` user when run as root). Without the binaries the PostgreSQL half is
skipped with a message; under CI=true it fails instead (.ci/run installs them).
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from bench.serve import ROOT, free_port
from ui.poll import store as poll_store
from ui.poll.store import (
    BUCKET_SIZE,
    ROOM_TTL_S,
    NotTeacher,
    PollError,
    PollStore,
    QuestionState,
    RateLimited,
    RoomClosed,
    Unavailable,
    normalise_code,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return versions[-1] if versions else None


@pytest.fixture(scope="module")
def postgres_url():
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        message = "PostgreSQL's initdb/pg_ctl not found: `sudo apt-get install postgresql` to run these tests"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but " + message)
        pytest.skip(message)
    base = Path(tempfile.mkdtemp(prefix="poll-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to the postgres user
        shutil.chown(base, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data, log = base / "data", base / "log"

    def run(*cmd: str) -> None:
        done = subprocess.run([*as_user, *cmd], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{cmd[0]} failed: {done.stdout[-1500:]} {done.stderr[-1500:]}")

    run(initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions")
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {base} -c fsync=off"
    run(pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "poll.sqlite3")
    url = request.getfixturevalue("postgres_url")
    wipe = PollStore(url)
    with wipe._tx() as db:
        for table in poll_store._TABLES:
            db(f"DELETE FROM {table}")
    wipe.close_connections()
    return url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(url, clock):
    s = PollStore(url, clock=clock)
    yield s
    s.close_connections()


def voter(i: int) -> str:
    return f"session-{i:08d}"


def test_a_room_counts_one_answer_per_student_and_a_change_replaces_it(store):
    room = store.create_room()
    store.answer(room.code, voter(1), "q", "A")
    store.answer(room.code, voter(2), "q", "A")
    store.answer(room.code, voter(1), "q", "B")
    store.answer(room.code, voter(1), "other", "C")
    assert store.counts(room.code, "q", teacher_key=room.teacher_key) == {"A": 1, "B": 1}
    assert store.counts(room.code, "other", teacher_key=room.teacher_key) == {"C": 1}
    assert store.state(room.code) == {"q": QuestionState(0, False), "other": QuestionState(0, False)}


def test_codes_are_short_distinct_and_the_teacher_key_is_kept_only_as_a_hash(store, url):
    rooms = [store.create_room() for _ in range(20)]
    assert len({r.code for r in rooms}) == 20
    assert all(normalise_code(r.code) == r.code and len(r.code) == 6 for r in rooms)
    with store._tx(write=False) as db:
        hashes = [h for (h,) in db("SELECT teacher_hash FROM poll_rooms")]
    assert len(hashes) == 20 and not {r.teacher_key for r in rooms} & set(hashes)


def test_only_the_teacher_key_reveals_resets_closes_or_reads_before_the_reveal(store):
    room, other = store.create_room(), store.create_room()
    store.answer(room.code, voter(1), "q", "A")
    for wrong in ("", "guess", other.teacher_key):
        with pytest.raises(NotTeacher):
            store.reveal(room.code, wrong, "q")
        with pytest.raises(NotTeacher):
            store.reset(room.code, wrong, "q")
        with pytest.raises(NotTeacher):
            store.close(room.code, wrong)
        with pytest.raises(NotTeacher):
            store.counts(room.code, "q", teacher_key=wrong)
    with pytest.raises(NotTeacher):
        store.counts(room.code, "q")  # a student, before the reveal
    assert store.state(room.code)["q"] == QuestionState(0, False)


def test_the_reveal_shows_the_counts_to_students_and_freezes_the_answers(store):
    room = store.create_room()
    store.answer(room.code, voter(1), "q", "A")
    store.reveal(room.code, room.teacher_key, "q")
    assert store.counts(room.code, "q") == {"A": 1}
    assert store.state(room.code)["q"].revealed
    with pytest.raises(PollError, match="revealed"):
        store.answer(room.code, voter(1), "q", "B")
    with pytest.raises(NotTeacher):
        store.counts(room.code, "not_revealed_yet")


def test_ask_again_forgets_the_answers_and_hides_the_result(store):
    room = store.create_room()
    for i in range(3):
        store.answer(room.code, voter(i), "q", "A")
        store.answer(room.code, voter(i), "p", "B")
    store.reveal(room.code, room.teacher_key, "q")
    store.reset(room.code, room.teacher_key, "q")
    assert store.state(room.code) == {"q": QuestionState(1, False), "p": QuestionState(0, False)}
    assert store.counts(room.code, "q", teacher_key=room.teacher_key) == {}
    assert store.counts(room.code, "p", teacher_key=room.teacher_key) == {"B": 3}
    store.answer(room.code, voter(1), "q", "C")  # the next group answers
    store.reset(room.code, room.teacher_key)  # every question
    assert store.state(room.code) == {"q": QuestionState(2, False), "p": QuestionState(1, False)}
    assert store.counts(room.code, "p", teacher_key=room.teacher_key) == {}


def test_a_closed_room_is_gone_with_its_rows(store):
    room, kept = store.create_room(), store.create_room()
    store.answer(room.code, voter(1), "q", "A")
    store.answer(kept.code, voter(1), "q", "A")
    store.close(room.code, room.teacher_key)
    for call in (lambda: store.state(room.code), lambda: store.answer(room.code, voter(2), "q", "A")):
        with pytest.raises(RoomClosed, match=room.code):
            call()
    with store._tx(write=False) as db:
        rows = sum(
            db(f"SELECT COUNT(*) FROM {t} WHERE {'code' if t == 'poll_rooms' else 'room'} = ?", room.code)[0][0]
            for t in poll_store._TABLES
        )
    assert rows == 0
    assert store.counts(kept.code, "q", teacher_key=kept.teacher_key) == {"A": 1}


def test_rooms_expire_after_their_time(store, clock):
    room = store.create_room()
    store.answer(room.code, voter(1), "q", "A")
    clock.now += ROOM_TTL_S - 1
    assert "q" in store.state(room.code)
    clock.now += 2
    with pytest.raises(RoomClosed):
        store.state(room.code)
    with pytest.raises(RoomClosed):
        store.answer(room.code, voter(2), "q", "A")
    fresh = store.create_room()  # sweeps the expired room
    assert store.expire() == 0
    with store._tx(write=False) as db:
        assert db("SELECT COUNT(*) FROM poll_answers")[0][0] == 0
        assert [c for (c,) in db("SELECT code FROM poll_rooms")] == [fresh.code]


def test_answers_are_rate_limited_per_session(store, clock):
    room = store.create_room()
    for i in range(int(BUCKET_SIZE)):
        store.answer(room.code, voter(1), "q", "AB"[i % 2])
    with pytest.raises(RateLimited):
        store.answer(room.code, voter(1), "q", "A")
    store.answer(room.code, voter(2), "q", "A")  # another session is not held back
    clock.now += 2 / poll_store.BUCKET_REFILL_PER_S
    store.answer(room.code, voter(1), "q", "A")
    assert store.counts(room.code, "q", teacher_key=room.teacher_key) == {"A": 2}


def test_rows_per_room_and_rooms_are_capped(store, monkeypatch):
    monkeypatch.setattr(poll_store, "MAX_VOTERS_PER_ROOM", 3)
    monkeypatch.setattr(poll_store, "MAX_QUESTIONS_PER_ROOM", 2)
    room = store.create_room()
    for i in range(3):
        store.answer(room.code, voter(i), "q", "A")
    with pytest.raises(PollError, match="full"):
        store.answer(room.code, voter(9), "q", "A")
    store.answer(room.code, voter(0), "p", "A")
    with pytest.raises(PollError, match="2 questions"):
        store.answer(room.code, voter(0), "third", "A")
    monkeypatch.setattr(poll_store, "MAX_ROOMS", 2)
    store.create_room()
    with pytest.raises(PollError, match="too many rooms"):
        store.create_room()


@pytest.mark.parametrize("code", ["", "ABC", "ABCDEFG", "ABCDE0", "ABCDEI", "<scrip", "ÄBCDEF", "AB CD", "%00%00"])
def test_bad_codes_are_refused_with_a_message(store, code):
    with pytest.raises(PollError, match="room code"):
        store.state(code)


def test_codes_forgive_case_spaces_and_dashes():
    assert normalise_code(" k7q-m2d ") == "K7QM2D"


@pytest.mark.parametrize(
    ("question", "voter_id", "choice"),
    [("bad key!", voter(1), "A"), ("q", "short", "A"), ("q", voter(1), ""), ("q", voter(1), "x" * 201)],
)
def test_bad_answers_are_refused(store, question, voter_id, choice):
    room = store.create_room()
    with pytest.raises(PollError):
        store.answer(room.code, voter_id, question, choice)
    assert store.state(room.code) == {}


def test_a_hostile_choice_is_stored_as_text(store):
    room = store.create_room()
    hostile = "'); DROP TABLE poll_rooms; -- ? %s"
    store.answer(room.code, voter(1), "q", hostile)
    assert store.counts(room.code, "q", teacher_key=room.teacher_key) == {hostile: 1}


def test_two_stores_on_one_database_share_rooms(url, clock):
    teacher, student = PollStore(url, clock=clock), PollStore(url, clock=clock)
    room = teacher.create_room()
    student.answer(room.code, voter(1), "q", "A")
    teacher.reveal(room.code, room.teacher_key, "q")
    assert student.counts(room.code, "q") == {"A": 1}
    teacher.close_connections()
    student.close_connections()


def test_concurrent_students_are_all_counted(store):
    room = store.create_room()
    errors: list[BaseException] = []

    def students(first: int) -> None:
        try:
            for i in range(first, first + 25):
                store.answer(room.code, voter(i), "q", "AB"[i % 2])
        except BaseException as e:  # noqa: BLE001 (reported by the assertion below)
            errors.append(e)

    threads = [threading.Thread(target=students, args=(k * 25,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.counts(room.code, "q", teacher_key=room.teacher_key) == {"A": 75, "B": 75}


def test_another_process_sees_the_room(url):
    store = PollStore(url)
    room = store.create_room()
    script = (
        "import sys; from ui.poll.store import PollStore; "
        "PollStore(sys.argv[1]).answer(sys.argv[2], 'other-process-1', 'q', 'A')"
    )
    subprocess.run([sys.executable, "-c", script, url, room.code], check=True, cwd=ROOT, timeout=60)
    assert store.counts(room.code, "q", teacher_key=room.teacher_key) == {"A": 1}
    store.close_connections()


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = PollStore(str(tmp_path / "p.sqlite3"))
    store.create_room()
    store.close_connections()
    with sqlite3.connect(tmp_path / "p.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_environment_picks_the_database(tmp_path):
    path = str(tmp_path / "env.sqlite3")
    for env, expected in (
        ({"POLL_DB_PATH": path}, path),
        ({}, str(Path(tempfile.gettempdir()) / "l1-descent-lab-poll.sqlite3")),
    ):
        store = PollStore.from_env(env)
        store.close_connections()
        assert store.url == expected
    with pytest.raises(Unavailable):  # nothing listens there: a message, not a driver traceback
        PollStore.from_env({"DATABASE_URL": f"postgresql://nobody@127.0.0.1:{free_port()}/none"})


def test_an_unwritable_database_is_a_message(tmp_path):
    (tmp_path / "dir").mkdir()
    with pytest.raises(Unavailable, match="unavailable"):
        PollStore(str(tmp_path / "dir"))  # a directory, not a file
