"""Strict-Transport-Security in production only; a Permissions-Policy on every response."""

from __future__ import annotations

import re

import pytest

from scan.web import PERMISSIONS_POLICY

ONE_YEAR = 365 * 24 * 60 * 60

#: One request of each kind: pages, API answers, redirects, static files and error pages.
REQUESTS = [
    ("get", "/", 200),
    ("get", "/privacy", 200),
    ("post", "/scan", 303),
    ("get", "/medewerkers/inloggen", 200),
    ("get", "/static/scan.css", 200),
    ("get", "/api/v1/questionnaire", 200),
    ("get", "/api/v1/openapi.json", 200),
    ("post", "/api/v1/scans", 400),  # no JSON body
    ("get", "/api/v1/scans/" + "x" * 43, 404),
    ("get", "/bestaat-niet", 404),
    ("get", "/scan/" + "x" * 43 + "/profiel", 404),
    ("get", "/scan/abc%00def/profiel", 400),
    ("put", "/privacy", 405),
]
IDS = [f"{method.upper()} {path}" for method, path, _ in REQUESTS]


def send(client, method: str, path: str, status: int):
    response = getattr(client, method)(path)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    response.close()
    return response


def assert_hsts(value: str | None) -> None:
    assert value is not None, "no Strict-Transport-Security"
    directives = [part.strip().lower() for part in value.split(";")]
    max_age = [d for d in directives if d.startswith("max-age=")]
    assert len(max_age) == 1, value
    assert re.fullmatch(r"max-age=\d+", max_age[0]), value
    assert int(max_age[0].split("=", 1)[1]) >= ONE_YEAR, value
    assert "includesubdomains" in directives, value


@pytest.fixture
def production_client(make_app, production_settings):
    return make_app(**production_settings).test_client()


@pytest.mark.parametrize(("method", "path", "status"), REQUESTS, ids=IDS)
def test_production_sends_hsts_on_every_answer(production_client, method, path, status):
    response = send(production_client, method, path, status)
    assert_hsts(response.headers.get("Strict-Transport-Security"))
    assert len(response.headers.getlist("Strict-Transport-Security")) == 1


def test_production_sends_hsts_on_a_429(make_app, production_settings):
    # Counted in this worker's Redis database (emptied when the session starts).
    app = make_app(**{**production_settings, "SCAN_RATE_LIMIT": "1 per minute"})
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.50"
    assert client.post("/scan").status_code == 303
    refused = client.post("/scan")
    assert refused.status_code == 429
    assert_hsts(refused.headers.get("Strict-Transport-Security"))
    assert refused.headers["Permissions-Policy"] == PERMISSIONS_POLICY


@pytest.mark.parametrize("environment", ["testing", "development"])
@pytest.mark.parametrize(("method", "path", "status"), REQUESTS, ids=IDS)
def test_other_environments_send_no_hsts(make_app, environment, method, path, status):
    # Development runs on http://localhost: HSTS there would pin localhost to https.
    client = make_app(SCAN_ENV=environment).test_client()
    response = send(client, method, path, status)
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("environment", ["production", "testing", "development"])
def test_every_answer_has_the_permissions_policy(make_app, production_settings, environment):
    settings = production_settings if environment == "production" else {"SCAN_ENV": environment}
    client = make_app(**settings).test_client()
    for method, path, status in REQUESTS:
        response = send(client, method, path, status)
        assert response.headers.getlist("Permissions-Policy") == [PERMISSIONS_POLICY], path
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in PERMISSIONS_POLICY
