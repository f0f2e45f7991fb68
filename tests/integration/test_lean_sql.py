"""A LeanConnection reads and writes what a SQLAlchemy Connection does, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import literal, select
from sqlalchemy.exc import IntegrityError

from scan.db import database, read_connection, write_connection
from scan.lean_sql import LeanConnection
from scan.models import Lead, Scan, utcnow
from scan.scan_reads import _BY_TOKEN, read_scan
from scan.scans import _insert_scan, _update_scan, update_draft
from tests.staff import make_lead


def _token_of_lead(app, lead_id: int) -> str:
    with database(app).engine.connect() as connection:
        return connection.execute(
            select(Scan.token).join(Lead, Lead.scan_id == Scan.id).where(Lead.id == lead_id)
        ).scalar_one()


def test_rows_and_records_are_those_of_a_core_execute(app):
    token = _token_of_lead(app, make_lead(app, "utrecht"))
    engine = database(app).engine
    lean = LeanConnection(engine, autocommit=True)
    try:
        with engine.connect() as connection:
            core_row = connection.execute(_BY_TOKEN, {"token": token}).first()
            core_record = read_scan(connection, token)
        lean_row = lean.execute(_BY_TOKEN, {"token": token}).first()
        assert tuple(lean_row) == tuple(core_row)
        assert lean_row._fields == tuple(core_row._fields)
        # Decoded, not raw text: JSON as dicts and lists, the time as a datetime.
        assert isinstance(lean_row.answers, dict) and lean_row.answers
        assert lean_row.completed_at == core_row.completed_at is not None
        assert read_scan(lean, token) == core_record
        assert core_record.werkplaats.id == "utrecht" and core_record.has_lead
        assert lean.execute(_BY_TOKEN, {"token": "x" * 43}).first() is None
        # Without its outcome: the scan's own fields alike, no werkplaats, no lead.
        own = read_scan(lean, token, outcome=False)
        assert own == core_record._replace(werkplaats=None, has_lead=False)
        assert read_scan(lean, "x" * 43, outcome=False) is None
    finally:
        lean.close()


def _answers(app, token: str) -> dict:
    with database(app).engine.connect() as connection:
        return connection.execute(select(Scan.answers).where(Scan.token == token)).scalar_one()


def test_writes_last_only_when_committed(app):
    token = _token_of_lead(app, make_lead(app, "utrecht"))
    engine = database(app).engine
    with engine.connect() as connection:
        scan_id = read_scan(connection, token).id
    before = _answers(app, token)
    values = {"answers": {"probeer": "iets"}, "profile": {}, "steps_done": []}

    writer = LeanConnection(engine)
    update_draft(writer, scan_id, values)
    writer.close()  # not committed: rolled back
    assert _answers(app, token) == before

    # rollback() as the end of a request calls it on a kept connection: the write is undone
    # (and on SQLite the write lock let go), and a second rollback has nothing left to do.
    writer = LeanConnection(engine)
    update_draft(writer, scan_id, values)
    writer.rollback()
    writer.rollback()
    assert getattr(writer._fairy.dbapi_connection, "idle", True)
    update_draft(writer, scan_id, values)  # the lock can be taken again
    writer.rollback()
    writer.close()
    assert _answers(app, token) == before

    writer = LeanConnection(engine)
    update_draft(writer, scan_id, values)
    writer.commit()
    writer.close()
    assert _answers(app, token) == {"probeer": "iets"}


def test_the_request_writer_runs_one_statement_per_commit(app):
    token = _token_of_lead(app, make_lead(app, "utrecht"))
    with database(app).engine.connect() as connection:
        scan_id = read_scan(connection, token).id
    on_postgres = database(app).engine.dialect.name == "postgresql"
    first, second = (
        {"answers": {"stap": n}, "profile": {}, "steps_done": []} for n in ("een", "twee")
    )
    with app.test_request_context():
        writer = write_connection()
        update_draft(writer, scan_id, first)
        # PostgreSQL: the statement was its own transaction (no BEGIN and COMMIT round trips),
        # so it stands already. SQLite: it waits for commit().
        assert (_answers(app, token) == {"stap": "een"}) is on_postgres
        with pytest.raises(RuntimeError, match="one statement per commit"):
            update_draft(writer, scan_id, second)
        writer.commit()
        assert _answers(app, token) == {"stap": "een"}
        update_draft(writer, scan_id, second)  # after the commit, the next one may run
        writer.rollback()
        update_draft(writer, scan_id, second)
        writer.commit()
    assert _answers(app, token) == {"stap": "twee"}


def test_a_missing_value_or_a_refused_write_fails_clearly(app):
    token = _token_of_lead(app, make_lead(app, "utrecht"))
    engine = database(app).engine
    writer = LeanConnection(engine)
    try:
        statement = _update_scan(("answers", "updated_at"))
        with pytest.raises(KeyError, match="updated_at"):
            writer.execute(statement, {"scan_id": 1, "answers": {}})
        now = utcnow()
        row = {
            "token": token,  # taken: the unique index refuses it
            "bank_version": "test",
            "status": "draft",
            "answers": {},
            "profile": {},
            "steps_done": [],
            "created_at": now,
            "updated_at": now,
        }
        with pytest.raises(IntegrityError):
            writer.execute(_insert_scan(tuple(sorted(row))), row)
        writer.rollback()
        # The connection is still good after the refusal.
        assert writer.execute(_BY_TOKEN, {"token": token}).first().token == token
    finally:
        writer.close()


def test_connections_are_kept_only_where_requests_never_overlap(app):
    engine = database(app).engine
    one = select(literal(1).label("one"))

    def reader_of_a_request(multithread: bool) -> LeanConnection:
        with app.test_request_context(environ_overrides={"wsgi.multithread": multithread}):
            reader = read_connection()
            assert reader.execute(one).scalar() == 1
        return reader

    # A threaded server: each request takes a connection from the pool and gives it back.
    assert reader_of_a_request(True) is not reader_of_a_request(True)
    assert engine.pool.checkedout() == 0
    # One request at a time per process (gunicorn's sync workers): the reader stays.
    kept = reader_of_a_request(False)
    assert reader_of_a_request(False) is kept and engine.pool.checkedout() == 1
    with app.test_request_context(environ_overrides={"wsgi.multithread": False}):
        writer = write_connection()  # kept too, apart from the reader
        assert writer is not read_connection() and writer.execute(one).scalar() == 1
    assert engine.pool.checkedout() == 2
    driver_connection = kept._fairy.driver_connection
    engine.dispose()  # as at the end of a test, or after a lost connection
    with pytest.raises(engine.dialect.loaded_dbapi.Error):  # closed, not left to the GC
        driver_connection.cursor().execute("SELECT 1")
    assert reader_of_a_request(False).execute(one).scalar() == 1  # connects afresh


def test_outside_a_request_a_connection_is_not_kept(app):
    # A CLI command runs in an app context without a request: nothing is kept per process.
    with app.app_context():
        reader = read_connection()
        assert reader.execute(select(literal(1).label("one"))).scalar() == 1
    assert "scan.kept_connections" not in app.extensions
    reader.close()


def test_sqlite_json_is_decoded_as_sqlalchemy_decodes_it(app):
    import json

    from sqlalchemy import JSON

    from scan.lean_sql import _sqlite_json

    dialect = database(app).engine.dialect
    if dialect.name != "sqlite":
        return
    theirs = JSON().dialect_impl(dialect).result_processor(dialect, None)
    ours = _sqlite_json(dialect._json_deserializer or json.loads)
    for value in (None, '{"a": [1, "b"]}', "[]", '"tekst"', "null"):
        assert ours(value) == theirs(value)
    # SQLite's NUMERIC affinity turns a stored JSON number into a number; SQLAlchemy hands it
    # back as it is (when its deserializer raises TypeError, which orjson does not).
    assert ours(5) == 5 and ours(2.5) == 2.5
