"""SQLite's WAL copied into the database file by a thread, a moment after commits.

In WAL mode with synchronous=NORMAL a commit only appends to the write-ahead log; the log is
fsynced when a checkpoint copies it into the database file. Checkpointing inside a request
(every 100 commits, before) stalled that request for the copy and two fsyncs, about 4 ms,
and under load that was a tenth of the API's throughput; at low traffic it also left the
commits since the last checkpoint unsynced for hours.

Here one thread per database file and process checkpoints at most CHECKPOINT_SECONDS after a
commit: no request waits for a fsync, and a power cut loses at most the last second or so of
commits, whatever the traffic. At high traffic one checkpoint covers all the commits of that
second, so pages written over and over are copied once. A PASSIVE checkpoint never blocks
readers or writers; SQLite's own automatic checkpoint is switched off (wal_autocheckpoint=0)
on every connection that reports its commits here.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

logger = logging.getLogger("scan.db")

#: A commit is copied into the database file, and so fsynced, within about this many seconds.
CHECKPOINT_SECONDS = 1.0


class Checkpointer:
    """The checkpoint thread of one database file in this process."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.users = 0
        #: Checkpoints done, for tests and the curious.
        self.runs = 0
        self._committed = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def committed(self) -> None:
        """Note a commit: a checkpoint follows within CHECKPOINT_SECONDS."""
        # set() takes a lock every time; under load the flag is mostly set already.
        if not self._committed.is_set():
            self._committed.set()

    def stop(self) -> None:
        """Checkpoint what is left and end the thread (without waiting for it)."""
        self._stopping.set()
        self._committed.set()

    def _run(self) -> None:
        try:
            connection = sqlite3.connect(self.path, check_same_thread=True)
        except sqlite3.Error as error:
            logger.warning("no checkpoints for %s: %s", self.path, error)
            return
        try:
            connection.execute("PRAGMA synchronous=NORMAL")
            while not self._stopping.is_set():
                self._committed.wait()
                # Let the commits of the next moment join this checkpoint.
                self._stopping.wait(CHECKPOINT_SECONDS)
                self._committed.clear()
                self._checkpoint(connection)
        finally:
            connection.close()

    def _checkpoint(self, connection: sqlite3.Connection) -> None:
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").close()
        except sqlite3.Error as error:  # a busy or vanished file: the next commit tries again
            logger.warning("checkpoint of %s failed: %s", self.path, error)
        else:
            self.runs += 1


_lock = threading.Lock()
#: The running checkpointers by database file and process (a forked worker starts its own).
_checkpointers: dict[tuple[str, int], Checkpointer] = {}


def attach(path: str) -> Checkpointer:
    """Return the checkpointer of a database file, started if needed; see detach()."""
    key = (path, os.getpid())
    with _lock:
        checkpointer = _checkpointers.get(key)
        if checkpointer is None:
            checkpointer = _checkpointers[key] = Checkpointer(path)
        checkpointer.users += 1
        return checkpointer


def detach(checkpointer: Checkpointer) -> None:
    """A connection is done; the last one stops the thread after a final checkpoint."""
    with _lock:
        checkpointer.users -= 1
        if checkpointer.users > 0:
            return
        key = (checkpointer.path, os.getpid())
        if _checkpointers.get(key) is checkpointer:
            del _checkpointers[key]
    checkpointer.stop()
