"""Operations: the health check and the request log."""

from __future__ import annotations

import logging

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
