"""One session per request: reads autocommit on PostgreSQL, writes keep their transaction."""

from __future__ import annotations

import pytest

from scan.db import database, get_session


def _autocommits(app, method: str) -> bool:
    """Whether psycopg's own connection under the request's session is in autocommit."""
    with app.test_request_context("/", method=method):
        return get_session().connection().connection.driver_connection.autocommit


def test_a_get_reads_in_autocommit_and_a_post_in_a_transaction(app):
    if database(app).engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no round trips to save: every request has a transaction")
    assert _autocommits(app, "GET") and _autocommits(app, "HEAD")
    assert not _autocommits(app, "POST")


def test_the_session_is_the_requests_own_and_closed_at_teardown(app):
    with app.test_request_context("/", method="POST"):
        session = get_session()
        assert get_session() is session
    with app.test_request_context("/", method="POST"):
        assert get_session() is not session
