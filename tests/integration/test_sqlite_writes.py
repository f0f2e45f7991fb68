"""SQLite writers queue on a file lock (scan/sqlite_writes.py); a thread checkpoints the WAL
shortly after commits (scan/sqlite_checkpoints.py)."""

from __future__ import annotations

import sqlite3
import threading
import time

from scan import sqlite_checkpoints
from scan.sqlite_writes import SerialisedWritesConnection


def _connect(path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=5, factory=SerialisedWritesConnection)
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


def _insert_rows(connection, count: int) -> None:
    for _number in range(count):
        # Through a cursor, as SQLAlchemy runs every statement.
        connection.cursor().execute("INSERT INTO t (body) VALUES (?)", ("x" * 3000,))
        connection.commit()


def _wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_commits_reach_the_database_file_shortly_after_not_inside_the_commit(tmp_path, monkeypatch):
    # Long enough that the 100 commits below are done before it, even on a busy machine.
    monkeypatch.setattr(sqlite_checkpoints, "CHECKPOINT_SECONDS", 2)
    path = tmp_path / "scan.db"
    connection = _connect(path)
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    before = path.stat().st_size
    _insert_rows(connection, 101)  # the first write starts the thread's clock
    # No commit copied anything into the database file itself: that is the thread's job.
    assert path.stat().st_size == before
    assert connection._checkpointer.runs == 0
    _wait_for(lambda: path.stat().st_size > before + 100 * 3000)
    assert connection.execute("SELECT count(*) FROM t").fetchone()[0] == 101
    connection.close()


def test_the_wal_is_reused_from_its_start_once_checkpointed(tmp_path, monkeypatch):
    # What 50 such commits add to a WAL that nothing checkpoints: one round's worth.
    plain = sqlite3.connect(tmp_path / "plain.db")
    plain.execute("PRAGMA journal_mode=WAL")
    plain.execute("PRAGMA wal_autocheckpoint=0")
    plain.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    plain.commit()
    start = (tmp_path / "plain.db-wal").stat().st_size
    _insert_rows(plain, 50)
    one_round = (tmp_path / "plain.db-wal").stat().st_size - start
    plain.close()

    monkeypatch.setattr(sqlite_checkpoints, "CHECKPOINT_SECONDS", 0.05)
    path = tmp_path / "scan.db"
    connection = _connect(path)
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    _insert_rows(connection, 1)  # a first write starts the thread
    checkpointer = connection._checkpointer
    wal = tmp_path / "scan.db-wal"
    sizes = []
    for _round in range(6):
        _insert_rows(connection, 50)
        runs = checkpointer.runs
        _wait_for(lambda: checkpointer.runs > runs)  # noqa: B023 - evaluated in this round
        sizes.append(wal.stat().st_size)
    # Without checkpoints the WAL would hold all 300 commits, six rounds' worth; with them it
    # is written from its start again. A checkpoint that began mid-round copies only part,
    # so a round may find the WAL not yet reusable: two or three rounds' worth at most.
    assert max(sizes) < 3.5 * one_round, (sizes, one_round)
    connection.close()


def test_the_thread_ends_with_the_last_connection_after_a_final_checkpoint(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_checkpoints, "CHECKPOINT_SECONDS", 30)
    path = tmp_path / "scan.db"
    first, second = _connect(path), _connect(path)
    first.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    _insert_rows(first, 1)
    _insert_rows(second, 20)
    checkpointer = first._checkpointer
    assert second._checkpointer is checkpointer
    thread = checkpointer._thread
    size = path.stat().st_size
    first.close()
    assert thread.is_alive()
    second.close()
    # Closing the last connection does not wait 30 s: the thread checkpoints now and ends.
    thread.join(5)
    assert not thread.is_alive()
    assert path.stat().st_size > size + 20 * 3000


def test_two_writers_take_turns_and_every_write_is_kept(tmp_path):
    path = tmp_path / "scan.db"
    setup = _connect(path)
    setup.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, writer INTEGER)")
    setup.commit()
    setup.close()

    def write(writer: int) -> None:
        connection = _connect(path)
        for _ in range(300):
            connection.cursor().execute("INSERT INTO t (writer) VALUES (?)", (writer,))
            connection.commit()
        connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = sqlite3.connect(path)
    counts = dict(check.execute("SELECT writer, count(*) FROM t GROUP BY writer").fetchall())
    check.close()
    assert counts == {1: 300, 2: 300}
