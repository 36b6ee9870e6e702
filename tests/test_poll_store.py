"""The class poll's store against SQLite and PostgreSQL: the same tests, both databases.

PostgreSQL runs in a throwaway cluster this module starts (initdb into a temp dir, pg_ctl on a free
loopback port, as the `postgres` user when run as root). Without the binaries the PostgreSQL half is
skipped with a message; under CI=true it fails instead (.ci/run installs them).

Over 400 lines: every rule of the poll's store, each run against both databases.
"""

from __future__ import annotations

import glob
import math
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
    EMPTY_ROOM_TTL_S,
    LIMITS,
    NEW_VOTERS,
    ROOM_TTL_S,
    NotTeacher,
    PollError,
    PollStore,
    QuestionState,
    RateLimited,
    RoomClosed,
    RoomFull,
    RoomLocked,
    SourceBusy,
    Unavailable,
    default_db_path,
    normalise_code,
    source_address,
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
            db(f"SELECT COUNT(*) FROM {t} WHERE {column} = ?", room.code)[0][0]
            for t, column in poll_store._ROOM_TABLES.items()
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
        ({"XDG_CACHE_HOME": str(tmp_path / "cache")}, str(tmp_path / "cache" / "l1-descent-lab" / "poll.sqlite3")),
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


# --- issue 28: a public link -----------------------------------------------------------------------------------


def all_rows(store) -> str:
    """Every value in every poll table, as one string: what someone reading the database would see."""
    with store._tx(write=False) as db:
        return repr([db(f"SELECT * FROM {t}") for t in poll_store._TABLES])


def test_starting_rooms_without_the_passphrase_is_limited_per_session_and_per_address(store, clock):
    per_session, per_source = LIMITS["start_session"].size, LIMITS["start_source"].size
    for _ in range(int(per_session)):
        store.create_room(source="203.0.113.7", session="teacher-tab-1")
    with pytest.raises(RateLimited, match="this session"):
        store.create_room(source="203.0.113.7", session="teacher-tab-1")
    for i in range(int(per_source - per_session)):  # a fresh session per click: the address still counts
        store.create_room(source="203.0.113.7", session=f"fresh-tab-{i}")
    with pytest.raises(RateLimited, match="your address"):
        store.create_room(source="203.0.113.7", session="yet-another-tab")
    store.create_room(source="198.51.100.4", session="another-teacher")  # another address is not held back
    store.create_room(guarded=True)  # nor a teacher who gave the passphrase
    clock.now += 3600 / per_source  # a start comes back every ten minutes
    store.create_room(source="203.0.113.7", session="one-more-tab")
    assert "203.0.113.7" not in all_rows(store)


def test_a_room_nobody_answers_closes_after_15_minutes_an_answered_one_lives_4_hours(store, clock):
    empty, answered, guarded = store.create_room(), store.create_room(), store.create_room(guarded=True)
    clock.now += EMPTY_ROOM_TTL_S - 60
    store.answer(answered.code, voter(1), "q", "A", source="203.0.113.7")
    clock.now += 120
    with pytest.raises(RoomClosed):
        store.state(empty.code)
    clock.now += ROOM_TTL_S - EMPTY_ROOM_TTL_S - 120  # 4 hours from their start, less a minute
    assert "q" in store.state(answered.code) and store.state(guarded.code) == {}
    clock.now += 120
    for room in (answered, guarded):
        with pytest.raises(RoomClosed):
            store.state(room.code)


def test_a_locked_room_takes_no_new_voters_but_its_voters_may_change_until_the_reveal(store):
    room = store.create_room()
    store.answer(room.code, voter(1), "q", "A", source="203.0.113.7")
    store.lock(room.code, room.teacher_key)
    for _ in range(2):
        with pytest.raises(RoomLocked, match="locked"):
            store.answer(room.code, voter(2), "q", "A", source="203.0.113.7")
    store.answer(room.code, voter(1), "q", "B", source="203.0.113.7")
    info = store.room_info(room.code, room.teacher_key)
    assert info.locked and info.sessions == 1 and info.refused_locked == 2
    assert store.counts(room.code, "q", teacher_key=room.teacher_key) == {"B": 1}
    with pytest.raises(NotTeacher):
        store.lock(room.code, "guess", False)
    store.lock(room.code, room.teacher_key, False)
    store.answer(room.code, voter(2), "q", "A", source="203.0.113.7")
    assert not store.room_info(room.code, room.teacher_key).locked


def test_the_teacher_sees_sessions_and_addresses_and_no_address_is_stored(store):
    room = store.create_room()
    for i, source in enumerate(["203.0.113.7", "203.0.113.7", "203.0.113.7", "198.51.100.4", "2001:db8::1"]):
        store.answer(room.code, voter(i), "q", "A", source=source)
    store.answer(room.code, voter(0), "p", "B", source="203.0.113.7")  # a second answer is no second session
    info = store.room_info(room.code, room.teacher_key)
    assert (info.sessions, info.sources) == (5, 3)
    stored = all_rows(store)
    assert not any(a in stored for a in ("203.0.113.7", "198.51.100.4", "2001:db8::1"))
    other = store.create_room()  # each room hashes with its own salt: a hash does not follow an address around
    store.answer(other.code, voter(0), "q", "A", source="203.0.113.7")
    with store._tx(write=False) as db:
        hashes = db("SELECT room, source FROM poll_voter_sources WHERE voter = ?", voter(0))
    assert len({h for _, h in hashes}) == 2


def test_one_address_adds_new_voters_at_a_burst_of_60_then_3_a_second(store, clock):
    room = store.create_room()
    for i in range(int(NEW_VOTERS.size)):
        store.answer(room.code, voter(i), "q", "A", source="203.0.113.7")
    with pytest.raises(SourceBusy, match="again in a moment"):
        store.answer(room.code, voter(999), "q", "A", source="203.0.113.7")
    store.answer(room.code, voter(0), "q", "B", source="203.0.113.7")  # a voter already in is not held back
    store.answer(room.code, voter(1000), "q", "A", source="198.51.100.4")  # nor another address
    other = store.create_room()
    store.answer(other.code, voter(999), "q", "A", source="203.0.113.7")  # nor another room
    clock.now += 1
    for i in range(int(NEW_VOTERS.per_s)):
        store.answer(room.code, voter(2000 + i), "q", "A", source="203.0.113.7")
    with pytest.raises(SourceBusy):
        store.answer(room.code, voter(3000), "q", "A", source="203.0.113.7")
    assert store.room_info(room.code, room.teacher_key).sessions == NEW_VOTERS.size + 1 + NEW_VOTERS.per_s


def hall(
    store, clock, arrivals: list[float], source: str = "203.0.113.7", retry_s: float = 2.0, until: float = math.inf
) -> list[float]:
    """Students behind one address, each answering first at its arrival time (seconds after the question) and,
    if held back, again every retry_s (the page's room watch), up to `until` seconds: when each was counted.

    A refused answer writes nothing (its transaction is rolled back), so once one is refused at a moment every other
    student of the address waiting at that moment would be too: they are moved on together, not asked one by one
    (the same outcome at a tenth of the round trips, which on PostgreSQL took 40 s)."""
    room = store.create_room()
    start, waiting, counted = clock.now, sorted((t, i) for i, t in enumerate(arrivals)), []
    while waiting and waiting[0][0] <= until:
        at, i = waiting.pop(0)
        clock.now = start + at
        try:
            store.answer(room.code, voter(i), "q", "A", source=source)
        except SourceBusy:
            also = [j for t, j in waiting if t == at]
            waiting = [(t, j) for t, j in waiting if t != at] + [(at + retry_s, j) for j in (i, *also)]
            waiting.sort()
        else:
            counted.append(at)
    return counted


def test_a_hall_of_300_behind_one_address_is_counted_within_90_s_a_bot_is_held_back(store, clock):
    everyone_at_once = hall(store, clock, [0.0] * 300)
    assert len(everyone_at_once) == 300 and max(everyone_at_once) <= 90
    over_a_minute = hall(store, clock, [i * 60 / 300 for i in range(300)])  # a real hall: answers over a minute
    assert max(over_a_minute) <= 90  # counted as they answer, the last ones within half a minute of it
    bot = hall(store, clock, [i * 30 / 500 for i in range(500)], until=30)  # 500 fresh sessions in 30 s
    assert sum(t <= 30 for t in bot) <= NEW_VOTERS.size + 30 * NEW_VOTERS.per_s + 1


def test_a_full_room_refuses_new_students_and_tells_the_teacher(store, monkeypatch):
    monkeypatch.setattr(poll_store, "MAX_VOTERS_PER_ROOM", 2)
    room = store.create_room()
    store.answer(room.code, voter(1), "q", "A", source="203.0.113.7")
    assert not store.room_info(room.code, room.teacher_key).full
    store.answer(room.code, voter(2), "q", "A", source="203.0.113.8")
    for _ in range(3):
        with pytest.raises(RoomFull, match="teacher is told"):
            store.answer(room.code, voter(3), "q", "A", source="203.0.113.9")
    info = store.room_info(room.code, room.teacher_key)
    assert info.full and info.refused_full == 3


def test_passphrase_tries_are_limited_per_address(store):
    for _ in range(int(LIMITS["passphrase_source"].size)):
        store.spend("passphrase_source", "203.0.113.7")
    with pytest.raises(RateLimited, match="passphrase"):
        store.spend("passphrase_source", "203.0.113.7")
    store.spend("passphrase_source", "198.51.100.4")


def test_the_key_of_the_start_limits_is_replaced_daily_and_its_hashes_go(store, clock):
    store.create_room(source="203.0.113.7", session="tab-1")
    before = all_rows(store)
    clock.now += poll_store.KEY_ROTATION_S + 1
    store.create_room(source="203.0.113.7", session="tab-1")
    with store._tx(write=False) as db:
        buckets = db("SELECT name FROM poll_buckets WHERE scope = '*'")
        (key,) = db("SELECT value FROM poll_keys")[0]
    assert key not in before and len(buckets) == 2 and not any(name in before for (name,) in buckets)


def test_a_database_from_before_these_tables_keeps_its_rooms(tmp_path, clock):
    """The four tables of the first version, a room and an answer in them: opened by this version, the room goes
    on (its voters unlocked, its address count starting at 0) and can be locked."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        for statement in poll_store._SCHEMA[:5]:
            old.execute(statement)
        old.execute("INSERT INTO poll_rooms VALUES ('K7QM2D', ?, ?)", (poll_store._hash("key"), clock.now + 3600))
        old.execute("INSERT INTO poll_voters VALUES ('K7QM2D', ?, 9, ?)", (voter(1), clock.now))
        old.execute("INSERT INTO poll_answers VALUES ('K7QM2D', 'q', ?, 'A')", (voter(1),))
    store = PollStore(str(path), clock=clock)
    store.answer("K7QM2D", voter(1), "q", "B", source="203.0.113.7")
    store.answer("K7QM2D", voter(2), "q", "A", source="203.0.113.7")
    info = store.room_info("K7QM2D", "key")
    assert (info.sessions, info.sources, info.locked) == (2, 1, False)
    assert info.expires_at == clock.now + 3600  # its own expiry, not a new one
    store.lock("K7QM2D", "key")
    with pytest.raises(RoomLocked):
        store.answer("K7QM2D", voter(3), "q", "A")
    assert store.counts("K7QM2D", "q", teacher_key="key") == {"A": 1, "B": 1}
    store.close("K7QM2D", "key")
    store.close_connections()


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        (None, [], "loopback"),  # `streamlit run` on this machine
        (None, ["203.0.113.7"], "203.0.113.7"),  # behind HAProxy on this machine
        ("127.0.0.1", ["6.6.6.6, 203.0.113.7"], "203.0.113.7"),  # only the last entry: the proxy wrote it
        (None, ["6.6.6.6", "203.0.113.7"], "203.0.113.7"),  # two headers: the same
        (None, ["not an address"], "loopback"),
        ("198.51.100.4", ["203.0.113.7"], "198.51.100.4"),  # another peer cannot name the client
        ("2001:db8::1", [], "2001:db8::1"),
        ("::1", ["[2001:db8::2]"], "2001:db8::2"),
    ],
)
def test_the_source_address_trusts_x_forwarded_for_only_from_a_loopback_peer(peer, forwarded, expected):
    assert source_address(peer, forwarded) == expected


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_the_default_database_lives_in_a_private_folder(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    path = default_db_path(env)
    store = PollStore.from_env(env)
    store.create_room()
    assert mode(path.parent) == 0o700
    assert {p.name: mode(p) for p in path.parent.iterdir()} == {  # open: SQLite's own files are there too
        "poll.sqlite3": 0o600,
        "poll.sqlite3-wal": 0o600,
        "poll.sqlite3-shm": 0o600,
    }
    store.close_connections()
    path.parent.chmod(0o755)  # opened up by someone's umask or by hand: closed again, with the file
    path.chmod(0o644)
    PollStore.from_env(env).close_connections()
    assert (mode(path.parent), mode(path)) == (0o700, 0o600)
    chosen = tmp_path / "chosen.sqlite3"  # POLL_DB_PATH still decides, and a file it makes is 0600 too
    PollStore.from_env({**env, "POLL_DB_PATH": str(chosen)}).close_connections()
    assert mode(chosen) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_folder_someone_else_made_first_is_refused(tmp_path):
    trap = tmp_path / "elsewhere"
    trap.mkdir()
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "l1-descent-lab").symlink_to(trap)  # another user's link to a folder of theirs
    with pytest.raises(Unavailable, match="unavailable"):
        PollStore.from_env({"XDG_CACHE_HOME": str(cache)})
    assert list(trap.iterdir()) == []
    if os.geteuid() == 0:  # only root can make a folder that belongs to another user
        (cache / "l1-descent-lab").unlink()
        (cache / "l1-descent-lab").mkdir(mode=0o777)
        os.chown(cache / "l1-descent-lab", 65534, 65534)
        with pytest.raises(Unavailable):
            PollStore.from_env({"XDG_CACHE_HOME": str(cache)})
        assert list((cache / "l1-descent-lab").iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX locks")
def test_a_second_store_on_the_same_file_leaves_the_first_ones_locks_alone(tmp_path):
    """POSIX drops every lock a process holds on a file when it closes any descriptor of it: a store that opened
    and closed the database file to check its mode, beside another thread's connection, corrupted it (bench.poll:
    "database disk image is malformed"). An open WAL connection holds a shared lock on SQLite's shared-lock bytes
    of the file; after another store checks the file, another process still cannot lock them all."""
    path = str(tmp_path / "p.sqlite3")
    first = PollStore(path, private=True)  # its connection stays open in the pool
    probe = (
        "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR)\n"
        "try:\n    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 510, 0x40000002, 0)\n"
        "except OSError:\n    print('held')"
    )
    poll_store.private_file(Path(path), fix=True)  # what a second PollStore(path, private=True) does first
    done = subprocess.run([sys.executable, "-c", probe, path], capture_output=True, text=True, timeout=60)
    first.close_connections()
    assert done.stdout.strip() == "held", done.stderr


def test_the_teachers_page_is_recorded_for_the_room_and_gone_with_it(store):
    room = store.create_room()
    assert store.snapshot(room.code) == ({}, None, None)
    store.show_page(room.code, room.teacher_key, "noise_and_learning_rate")
    store.show_page(room.code, room.teacher_key, "outliers")
    assert store.snapshot(room.code)[1:] == ("outliers", None)
    with pytest.raises(poll_store.NotTeacher):
        store.show_page(room.code, "not the key", "landscape")
    with pytest.raises(poll_store.PollError):
        store.show_page(room.code, room.teacher_key, "../teachers")
    store.close(room.code, room.teacher_key)
    with pytest.raises(poll_store.RoomClosed):
        store.snapshot(room.code)


def test_the_teachers_settings_go_with_the_page_they_were_shown_on(store):
    """A fresh teacher's read: the room carried only the page, so students answered the default question. The
    settings are kept beside the page, and count only while the teacher is on that page."""
    room = store.create_room()
    store.show_page(room.code, room.teacher_key, "derivation", "d_w=0.5")
    assert store.snapshot(room.code)[1:] == ("derivation", "d_w=0.5")
    store.show_page(room.code, room.teacher_key, "derivation", "")  # back to the defaults
    assert store.snapshot(room.code)[1:] == ("derivation", "")
    store.show_page(room.code, room.teacher_key, "outliers")  # another page, its settings not recorded yet
    assert store.snapshot(room.code)[1:] == ("outliers", None)
    for hostile in ("<script>", "a" * 601, "d_w=0.5\n", 42):
        with pytest.raises(poll_store.PollError):
            store.show_page(room.code, room.teacher_key, "outliers", hostile)
    with pytest.raises(poll_store.NotTeacher):
        store.show_page(room.code, "not the key", "derivation", "d_w=0.5")
    store.close(room.code, room.teacher_key)
    with store._tx(write=False) as db:
        assert db("SELECT COUNT(*) FROM poll_room_settings")[0][0] == 0


def test_a_tally_counts_the_answers_given_under_one_view_and_the_rest_apart(store):
    """Answers are tagged with the settings they were given under: the teacher's bars count one view's, the rest
    is a number beside them (never put on a bar whose question they did not answer)."""
    room = store.create_room()
    store.answer(room.code, voter(1), "q", "−2, sign(r)·x", view="aaaa")
    store.answer(room.code, voter(2), "q", "−2, sign(r)·x", view="aaaa")
    store.answer(room.code, voter(3), "q", "[−2, 2], a subgradient", view="bbbb")
    store.answer(room.code, voter(4), "q", "untagged")  # as a page made before tags sent it
    with store._tx() as db:  # a row stored before tags existed: no separator at all
        db(
            "INSERT INTO poll_answers (room, question, voter, choice) VALUES (?, ?, ?, ?)",
            room.code,
            "q",
            voter(5),
            "old",
        )
    tally = store.tally(room.code, "q", "aaaa", teacher_key=room.teacher_key)
    assert tally == poll_store.Tally({"−2, sign(r)·x": 2}, 3)
    assert store.tally(room.code, "q", "", teacher_key=room.teacher_key) == poll_store.Tally(
        {"untagged": 1, "old": 1}, 3
    )
    assert store.counts(room.code, "q", teacher_key=room.teacher_key)["−2, sign(r)·x"] == 2  # all views, merged
    with pytest.raises(NotTeacher):
        store.tally(room.code, "q", "aaaa")  # a student, before the reveal
    store.answer(room.code, voter(3), "q", "−2, sign(r)·x", view="aaaa")  # moved to the teacher's settings
    assert store.tally(room.code, "q", "aaaa", teacher_key=room.teacher_key) == poll_store.Tally(
        {"−2, sign(r)·x": 3}, 2
    )
    for bad in ("AAAA", "x" * 17, "a\x1fb", None):
        with pytest.raises(PollError):
            store.answer(room.code, voter(6), "q", "A", view=bad)
    store.reveal(room.code, room.teacher_key, "q")
    assert store.tally(room.code, "q", "aaaa").counts == {"−2, sign(r)·x": 3}
