"""Counting what the app sends to the database, for tests that bound the round trips."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from scan.db import database


@contextmanager
def statements(app) -> Iterator[list[str]]:
    """Collect the SQL statements the app sends meanwhile (transaction control included)."""
    sent: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)
