"""Operations: the health check and the request log."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from scan.db import database, get_session
from tests.journey import start_scan


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_down(make_app, tmp_path):
    # A SQLite file in a folder that does not exist cannot be opened: the database is "down".
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'weg' / 'scan.db'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.get_json()["database"] == "down"


def test_pages_answer_a_dutch_503_when_the_database_is_down(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'weg' / 'scan.db'}")
    response = app.test_client().post("/scan")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "niet verloren" in response.get_data(as_text=True)


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_one_log_line_per_request_without_tokens_or_addresses(client):
    capture = _Capture()
    logger = logging.getLogger("scan.request")
    logger.addHandler(capture)
    try:
        token = start_scan(client)
        client.get(
            f"/scan/{token}/profiel?utm_source=nieuwsbrief",
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
    finally:
        logger.removeHandler(capture)
    assert len(capture.lines) == 2
    assert capture.lines[0].startswith("POST /scan 303 ")
    assert capture.lines[1].startswith("GET /scan/<token>/<step> 200 ")
    for line in capture.lines:
        assert token not in line
        assert "203.0.113.9" not in line
        assert "utm_source" not in line


def test_logs_go_to_stderr(client, capsys):
    client.get("/healthz")
    captured = capsys.readouterr()
    assert "scan.request GET /healthz 200" in captured.err
    assert "/healthz" not in captured.out


def test_unknown_addresses_and_static_files_are_logged_and_get_the_headers(client):
    capture = _Capture()
    logger = logging.getLogger("scan.request")
    logger.addHandler(capture)
    try:
        missing = client.get("/bestaat-niet/geheim-token")
        asset = client.get("/static/scan.css")
        asset.close()  # a file response holds its file open until closed
    finally:
        logger.removeHandler(capture)
    assert missing.status_code == 404 and asset.status_code == 200
    assert capture.lines[0].startswith("GET (no route) 404 ")
    assert capture.lines[1].startswith("GET /static/<path:filename> 200 ")
    for response in (missing, asset):
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unhandled_error_on_a_token_route_logs_neither_token_nor_values(make_app, capsys):
    """Finding 7 of issue 16: the error log quoted the SQL parameters, the scan token among
    them. The engine hides parameters; the log blanks anything shaped like a token (the
    database's own message may quote a value, as PostgreSQL's "invalid input syntax" does)."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)  # answer 500 as production does

    @app.get("/scan/<token>/kapot")
    def broken(token: str):
        # A bug whose error quotes the token it was handed, as exceptions often do.
        get_session().execute(text("SELECT :token"), {"token": token})
        raise LookupError(f"geen resultaat voor {token}")

    client = app.test_client()
    token = start_scan(client)
    capsys.readouterr()
    assert client.get(f"/scan/{token}/kapot").status_code == 500
    logged = capsys.readouterr().err
    assert "unhandled" in logged and "Traceback" in logged
    assert token not in logged


def test_database_errors_never_carry_the_statement_values(app):
    secret = "geheim@voorbeeld.nl"
    with database(app).sessions() as session, pytest.raises(DBAPIError) as raised:
        session.execute(text("SELECT :x FROM nergens"), {"x": secret})
    assert secret not in str(raised.value)
    assert "hidden" in str(raised.value)


def test_the_log_formatter_blanks_tokens_in_any_message():
    from scan.logs import RedactingFormatter
    from scan.records.scans import new_token

    token = new_token()
    record = logging.LogRecord("scan", logging.ERROR, __file__, 1, "kapot: %s", (token,), None)
    assert RedactingFormatter("%(message)s").format(record) == "kapot: <token>"
