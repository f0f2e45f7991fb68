"""SQLite writers queue on a file lock and checkpoint the WAL outside it (scan/sqlite_writes.py)."""

from __future__ import annotations

import sqlite3
import threading

from scan.sqlite_writes import CHECKPOINT_EVERY, SerialisedWritesConnection


def _connect(path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=5, factory=SerialisedWritesConnection)
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


def test_the_wal_is_copied_into_the_database_every_so_many_commits(tmp_path):
    path = tmp_path / "scan.db"
    connection = _connect(path)
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    connection.commit()
    wal = tmp_path / "scan.db-wal"
    sizes = []
    for _round in range(6):
        for _number in range(CHECKPOINT_EVERY):
            # Through a cursor, as SQLAlchemy runs every statement.
            connection.cursor().execute("INSERT INTO t (body) VALUES (?)", ("x" * 3000,))
            connection.commit()
        sizes.append(wal.stat().st_size)
    # Without checkpoints the WAL would hold all 600 commits and grow six-fold; with them it
    # is written from its start again and stays at about the size of one round.
    assert max(sizes) < 1.5 * sizes[0], sizes
    assert connection.execute("SELECT count(*) FROM t").fetchone()[0] == 6 * CHECKPOINT_EVERY
    connection.close()


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
