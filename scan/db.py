"""Engine and one SQLAlchemy session per request: the view commits, teardown closes.

The session is opened on first use (`get_session()`) and closed when the app context ends,
as Flask-SQLAlchemy does; whatever the view did not commit is rolled back then. Every query
of a request goes through it, ORM objects or Core statements alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Connection, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


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
    #: Sessions for requests that only read (GET, HEAD), on PostgreSQL in autocommit: each
    #: SELECT is one round trip, without BEGIN and ROLLBACK around it. The same pool.
    read_sessions: sessionmaker[Session]


#: The execution option that makes a SQLite transaction take the write lock at its start.
WRITE_LOCK = "scan_write_lock"


def make_engine(url: str, timeout: float = 10) -> Engine:
    """Create an engine with the connection settings this app needs on SQLite or PostgreSQL.

    `timeout` bounds how long a request waits for a locked database or a slow connection;
    after it the request fails with OperationalError and the ondernemer sees a 503 page.
    """
    # hide_parameters: an error's text never carries the values of a statement (a scan
    # token, an e-mail address) into a log line.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": timeout}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    milliseconds = int(timeout * 1000)
    # No pool_pre_ping: it costs a round trip on every request. After a database restart the
    # first request of each worker fails instead, with the Dutch 503 page that keeps the form,
    # and SQLAlchemy then replaces the pool's connections (docs/decisions.md).
    return create_engine(
        url,
        hide_parameters=True,
        pool_size=5,
        max_overflow=10,
        connect_args={
            "connect_timeout": max(1, int(timeout)),
            "options": f"-c lock_timeout={milliseconds}",
        },
    )


def _sqlite_connect(dbapi_connection, _record) -> None:
    # SQLAlchemy's documented recipe for pysqlite: the driver's own BEGIN is switched off and
    # _sqlite_begin emits it, so that a transaction can ask for the write lock up front.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers continue while one request writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # BEGIN IMMEDIATE takes the write lock before the first read, so a read-merge-write
    # cannot interleave with another writer: SQLite's SELECT ... FOR UPDATE.
    immediate = connection.get_execution_options().get(WRITE_LOCK, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def init_app(app: Flask) -> None:
    """Attach the database to the app and close the request's session at teardown."""
    engine = make_engine(app.config["DATABASE_URL"], app.config["DATABASE_TIMEOUT"])
    reads = engine
    if engine.dialect.name == "postgresql":
        # SQLAlchemy's documented per-engine isolation level; SQLite has no round trips to save.
        reads = engine.execution_options(isolation_level="AUTOCOMMIT")
    app.extensions["scan.db"] = Database(
        engine,
        sessionmaker(engine, expire_on_commit=False),
        sessionmaker(reads, expire_on_commit=False),
    )
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    """Return the Database of the given or current app."""
    return (app or current_app).extensions["scan.db"]


def get_session() -> Session:
    """Return this request's session, opening it on first use.

    A GET or HEAD gets a session that autocommits on PostgreSQL: such a request only reads,
    or writes single rows that stand on their own (a staff session's last visit, an audit
    event of a page view), so it needs no transaction around its statements.
    """
    if "db_session" not in g:
        db = database()
        safe = has_request_context() and request.method in ("GET", "HEAD")
        g.db_session = (db.read_sessions if safe else db.sessions)()
    return g.db_session


def begin_write(session: Session) -> None:
    """Start the session's transaction as one that will write what it reads.

    Call it before the transaction's first statement: on SQLite it takes the write lock at
    BEGIN; on PostgreSQL the rows to change are locked by SELECT ... FOR UPDATE instead.
    """
    session.connection(execution_options={WRITE_LOCK: True})


def rollback_request() -> None:
    """Roll back what this request began, after a database error; opens nothing new."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


# --- migrations (Alembic, from code: no alembic.ini needed) -----------------------------------

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(app: Flask) -> Config:
    """Return an Alembic config pointing at this app's database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    return config


def upgrade_to_head(app: Flask) -> str:
    """Migrate the database to the newest revision and return that revision."""
    engine = database(app).engine
    with engine.begin() as connection:
        config = alembic_config(app)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() or "none"
