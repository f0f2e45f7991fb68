"""One writer at a time on SQLite, queued by a file lock instead of SQLite's sleeping retries.

SQLite lets one connection write at a time. When a second one wants to write, its busy
handler sleeps and retries in steps of 1, 2, 5, 10 ... 100 ms, so under two gunicorn workers
a write that should wait 0.1 ms for the other commit waits whole milliseconds, and the API's
throughput with two workers fell below that of one. Here each connection first takes an
exclusive `flock` on a file next to the database, polled every 0.1 ms, before its first
write of a transaction, and lets go after the commit or rollback. Reads never take it: in WAL
mode they do not wait for writers. Connections that do not use this class (a backup, the
sqlite3 shell) are still handled by SQLite's own locking and busy timeout.

The WAL is copied into the database file (a checkpoint) by a thread a moment after commits
(scan/sqlite_checkpoints.py), not inside the commit that happens to fill it.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
import weakref

from . import sqlite_checkpoints

#: How often a waiting writer checks the lock again.
POLL_SECONDS = 0.0001
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")


def _is_write(sql: str) -> bool:
    # Only the start is looked at: copying a whole SELECT to strip it cost more than the rest.
    return sql[:24].lstrip()[:6].upper() in _WRITES


class SerialisedWritesConnection(sqlite3.Connection):
    """A sqlite3 connection whose write transactions queue on a file lock."""

    def __init__(self, database, *args, **kwargs) -> None:
        super().__init__(database, *args, **kwargs)
        # The same bound as SQLite's busy timeout; after it: "database is locked".
        self.lock_timeout = float(kwargs.get("timeout", 5.0))
        path = os.fspath(database)
        in_memory = path in ("", ":memory:") or path.startswith("file::memory:")
        self._lock_path = None if in_memory else path + ".writelock"
        #: The lock file, opened at the first write and kept open: opening and closing it
        #: for every transaction was two more system calls per write.
        self._lock_file: int | None = None
        self._locked = False
        # SQLite checkpoints inside the commit that fills the WAL, so that writer held the
        # lock for the whole copy (10 ms and more) and every other writer waited. Here a
        # thread checkpoints shortly after commits; PASSIVE never blocks readers or writers.
        self._path = path
        self._checkpointer: sqlite_checkpoints.Checkpointer | None = None
        self._detach_checkpointer: weakref.finalize | None = None
        if not in_memory:
            super().execute("PRAGMA wal_autocheckpoint=0")

    def cursor(self, factory=None):  # noqa: D102 - same as sqlite3.Connection.cursor
        return super().cursor(factory or SerialisedWritesCursor)

    def acquire_write_lock(self) -> None:
        """Take the file lock before the transaction's first write (no-op if held)."""
        if self._lock_path is None or self._locked:
            return
        if self._lock_file is None:
            self._lock_file = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            # Closed with the connection, or when a connection nobody closed is collected.
            self._close_lock_file = weakref.finalize(self, os.close, self._lock_file)
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(POLL_SECONDS)
            else:
                self._locked = True
                return

    def release_write_lock(self) -> None:
        """Let the next writer go."""
        if self._locked:
            self._locked = False
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def commit(self) -> None:  # noqa: D102
        wrote = self._locked
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self.release_write_lock()
        if wrote and self._lock_path is not None:
            if self._checkpointer is None:
                self._checkpointer = sqlite_checkpoints.attach(self._path)
                # Detached when the connection closes, or is collected without closing.
                self._detach_checkpointer = weakref.finalize(
                    self, sqlite_checkpoints.detach, self._checkpointer
                )
            self._checkpointer.committed()

    @property
    def idle(self) -> bool:
        """Tell whether there is nothing to roll back: no transaction, no write lock."""
        return not self.in_transaction and not self._locked

    def rollback(self) -> None:  # noqa: D102
        try:
            super().rollback()
        finally:
            self.release_write_lock()

    def close(self) -> None:  # noqa: D102
        try:
            super().close()
        finally:
            self.release_write_lock()
            if self._lock_file is not None:
                self._lock_file = None
                self._close_lock_file()
            if self._detach_checkpointer is not None:
                self._detach_checkpointer()


class SerialisedWritesCursor(sqlite3.Cursor):
    """Takes its connection's write lock before a statement that writes."""

    def execute(self, sql, parameters=()):  # noqa: D102
        return self._guarded(super().execute, sql, parameters)

    def executemany(self, sql, seq_of_parameters):  # noqa: D102
        return self._guarded(super().executemany, sql, seq_of_parameters)

    def _guarded(self, run, sql, parameters):
        connection: SerialisedWritesConnection = self.connection
        if not connection.in_transaction and _is_write(sql):
            connection.acquire_write_lock()
        try:
            return run(sql, parameters)
        finally:
            # Autocommit mode, or a BEGIN that failed: no transaction holds the lock now.
            if connection._locked and not connection.in_transaction:
                connection.release_write_lock()
