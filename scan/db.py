"""Engine and one SQLAlchemy session per request; the request commits, teardown closes."""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .lean_sql import LeanConnection
from .sqlite_writes import SerialisedWritesConnection


class Base(DeclarativeBase):
    """Base class of all models."""

    # Named constraints, so that migrations can drop or alter them on every database.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


@dataclass(frozen=True)
class Database:
    """The engine and session factory of one app."""

    engine: Engine
    sessions: sessionmaker[Session]


def make_engine(url: str, timeout: float = 10) -> Engine:
    """Create an engine with the connection settings this app needs on SQLite or PostgreSQL.

    `timeout` bounds how long a request waits for a locked database or a slow connection;
    after it the request fails with OperationalError and the ondernemer sees a 503 page.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": timeout, "factory": SerialisedWritesConnection},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    milliseconds = int(timeout * 1000)
    # No pool_pre_ping: it costs a round trip on every request. After a database restart the
    # first request of each worker fails instead, with the Dutch 503 page that keeps the form,
    # and SQLAlchemy then replaces the pool's connections (docs/decisions.md).
    return create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        connect_args={
            "connect_timeout": max(1, int(timeout)),
            "options": f"-c lock_timeout={milliseconds}",
        },
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers continue while one request writes; foreign keys are off by default.
    # synchronous=NORMAL is safe in WAL mode (the file never corrupts); a power cut may lose
    # the last commits, in exchange for no fsync per commit. Production runs on PostgreSQL.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_app(app: Flask) -> None:
    """Attach the database to the app and close the request's session at teardown."""
    engine = make_engine(app.config["DATABASE_URL"], app.config["DATABASE_TIMEOUT"])
    app.extensions["scan.db"] = Database(engine, sessionmaker(engine, expire_on_commit=False))
    # Kept connections go with the pool: when the app disposes of its engine, and when
    # a lost connection made the reader start a new pool.
    event.listen(engine, "engine_disposed", lambda _engine: _discard_kept_connections(app))
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    """Return the Database of the given or current app."""
    return (app or current_app).extensions["scan.db"]


def get_session() -> Session:
    """Return this request's session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    return g.db_session


def read_connection() -> LeanConnection:
    """Return this request's reader for plain SELECTs, opening it on first use.

    Pages that only show a scan, and the staff pages' session check, read with a few
    prepared SELECTs; a SQLAlchemy Connection around them cost more than the queries
    (scan/lean_sql.py). On PostgreSQL they run without a transaction.
    """
    return _lean_connection("db_read", autocommit=True)


def write_connection() -> LeanConnection:
    """Return this request's connection for the journey's one write; the view commits it.

    The journey's writes are single statements on one scan; an ORM session or a SQLAlchemy
    Connection around them cost more than the statements (docs/decisions.md, 18 and 24).
    On PostgreSQL the statement is its own transaction (autocommit): BEGIN and COMMIT were
    two of a step's four round trips. It stands once it has run, where SQLite waits for
    commit(); a second statement before commit() raises (docs/decisions.md, 28).
    """
    return _lean_connection("db_write", autocommit=True, one_statement=True)


def _lean_connection(name: str, autocommit: bool, one_statement: bool = False) -> LeanConnection:
    """The request's LeanConnection called `name`, kept per process where that is safe.

    When the server runs one request at a time per process (wsgi.multithread is false, as
    in gunicorn's sync workers), the connection stays checked out for the next request:
    taking it from the pool and giving it back cost 0.04 ms, more than reading the scan.
    """
    request_globals = g._get_current_object()  # one context lookup, not one per attribute
    connection = request_globals.get(name)
    if connection is not None:
        return connection
    # Kept only inside a request whose server runs one request at a time per process;
    # outside a request (a CLI command in an app context) the connection is the request's own.
    one_at_a_time = has_request_context() and not request._get_current_object().environ.get(
        "wsgi.multithread", True
    )
    if one_at_a_time:
        app = current_app._get_current_object()
        kept = app.extensions.get("scan.kept_connections")
        if kept is None or kept[0] != _pid:  # never a connection from before a fork
            kept = app.extensions["scan.kept_connections"] = (_pid, {})
        connections = kept[1]
        if name not in connections:
            connections[name] = LeanConnection(database(app).engine, autocommit, one_statement)
        connection = connections[name]
        request_globals.setdefault("db_kept", set()).add(name)
    else:
        connection = LeanConnection(database().engine, autocommit, one_statement)
    setattr(request_globals, name, connection)
    return connection


#: This process's id: os.getpid() is a system call each time, so a forked child updates it.
_pid = os.getpid()


def _note_fork() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_note_fork)


def _discard_kept_connections(app: Flask) -> None:
    kept = app.extensions.get("scan.kept_connections")
    if kept is not None and kept[0] == _pid:
        # Not back to the pool: by now the engine has a new one, and the old pool's
        # connections are closed; these must be too.
        for connection in kept[1].values():
            connection.discard()


def rollback_request() -> None:
    """Roll back what this request began, after a database error; opens nothing new."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    connection = g.get("db_write")
    if connection is not None:
        connection.rollback()


def _close_session(_exc: BaseException | None) -> None:
    request_globals = g._get_current_object()
    session = request_globals.pop("db_session", None)
    if session is not None:
        session.close()
    kept = request_globals.pop("db_kept", ())
    for name in ("db_read", "db_write"):
        connection = request_globals.pop(name, None)
        if connection is None:
            continue
        if name in kept:
            try:
                connection.rollback()  # ends what was not committed; stays for the next request
            except SQLAlchemyError:
                connection.discard()  # the next request connects afresh
        else:
            connection.close()  # rolls back what was not committed
