"""Rate limits per client network: new scans and new leads, on the web and through the API.

Small limits keep the tests fast ("3 per minute" instead of the production 60). Each app of
make_app counts in a memory:// store of its own, so no test sees another test's counts.
"""

from __future__ import annotations

from sqlalchemy import select

from scan.db import database
from scan.models import Lead, Scan
from tests.journey import CONTACT, api_scan, count, start_scan
from tests.openapi import assert_matches
from tests.strategies import answers_for, lowest_answer, valid_profile

SCANS = "3 per minute"
LEADS = "2 per minute"


def client_at(app, address: str):
    """A test client of the app whose requests come from `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def start(client) -> int:
    """Press the start button; return the status code."""
    return client.post("/scan").status_code


def api_body(app) -> dict:
    bank = app.extensions["scan.bank"]
    return {"answers": answers_for(bank, lowest_answer), "profile": valid_profile(bank, "8911 AB")}


def assert_retry_after_within_a_minute(response) -> None:
    assert response.headers["Retry-After"].isdigit(), response.headers.get("Retry-After")
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def assert_refused_scan_json(response) -> None:
    assert response.status_code == 429
    assert response.is_json
    errors = response.get_json()["errors"]
    assert errors and all(isinstance(m, str) and m for m in errors.values())
    assert "Te veel verzoeken" in errors["request"]
    assert_retry_after_within_a_minute(response)


# --- new scans on the web --------------------------------------------------------------------


def test_the_fourth_web_start_in_a_minute_gets_a_dutch_429_and_no_draft(make_app):
    app = make_app(SCAN_RATE_LIMIT=SCANS)
    client = app.test_client()
    for _ in range(3):
        start_scan(client)
    assert count(app, Scan) == 3
    refused = client.post("/scan")
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Even rustig aan" in html
    assert "Dat kan weer over een minuut." in html
    assert 'lang="nl"' in html
    assert_retry_after_within_a_minute(refused)
    assert "Location" not in refused.headers
    assert count(app, Scan) == 3  # the refused start made no draft


def test_another_ipv4_address_can_still_start(make_app):
    app = make_app(SCAN_RATE_LIMIT=SCANS)
    busy = client_at(app, "192.0.2.10")
    assert [start(busy) for _ in range(4)] == [303, 303, 303, 429]
    other = client_at(app, "192.0.2.11")
    start_scan(other)
    assert start(busy) == 429  # the other address's start did not reset the busy one


def test_addresses_in_one_ipv6_64_share_the_count_and_another_64_does_not(make_app):
    app = make_app(SCAN_RATE_LIMIT=SCANS)
    first = client_at(app, "2001:db8:1:2::1")
    second = client_at(app, "2001:db8:1:2:ffff:ffff:ffff:fffe")
    assert [start(first), start(first), start(second)] == [303, 303, 303]
    assert start(second) == 429
    assert start(first) == 429
    elsewhere = client_at(app, "2001:db8:1:3::1")  # the next /64
    assert start(elsewhere) == 303
    assert count(app, Scan) == 4


def test_an_ipv4_mapped_ipv6_address_counts_as_its_ipv4_address(make_app):
    app = make_app(SCAN_RATE_LIMIT=SCANS)
    plain = client_at(app, "192.0.2.7")
    mapped = client_at(app, "::ffff:192.0.2.7")
    assert [start(plain), start(mapped), start(plain)] == [303, 303, 303]
    assert start(mapped) == 429
    assert start(plain) == 429
    # A mapped address of another IPv4 address counts for that one, not for all of ::ffff:0:0/96.
    assert start(client_at(app, "::ffff:192.0.2.8")) == 303


def test_an_exempt_network_may_start_more_scans_than_the_limit(make_app):
    app = make_app(SCAN_RATE_LIMIT=SCANS, RATE_LIMIT_EXEMPT="127.0.0.0/8")
    client = app.test_client()  # 127.0.0.1
    assert [start(client) for _ in range(6)] == [303] * 6
    response = client.post("/api/v1/scans", json=api_body(app))
    assert response.status_code == 201
    assert count(app, Scan) == 7
    # Only the exempt network: another address is still limited.
    outside = client_at(app, "192.0.2.20")
    assert [start(outside) for _ in range(4)] == [303, 303, 303, 429]


# --- new scans through the API ---------------------------------------------------------------


def test_api_scans_over_the_limit_answer_429_json_and_store_nothing(make_app):
    app = make_app(SCAN_RATE_LIMIT=SCANS)
    client = app.test_client()
    body = api_body(app)
    for _ in range(3):
        assert client.post("/api/v1/scans", json=body).status_code == 201
    refused = client.post("/api/v1/scans", json=body)
    assert_refused_scan_json(refused)
    assert count(app, Scan) == 3


def test_web_and_api_starts_share_the_scan_count(make_app):
    app = make_app(SCAN_RATE_LIMIT=SCANS)
    client = app.test_client()
    body = api_body(app)
    start_scan(client)
    assert client.post("/api/v1/scans", json=body).status_code == 201
    start_scan(client)
    assert_refused_scan_json(client.post("/api/v1/scans", json=body))
    assert start(client) == 429
    assert count(app, Scan) == 3


# --- new leads -------------------------------------------------------------------------------


def lead_app(make_app):
    """An app with a small lead limit (and the default scan limit, for the scans it needs)."""
    return make_app(LEAD_RATE_LIMIT=LEADS)


def completed_scans(app, client, number: int) -> list[str]:
    bank = app.extensions["scan.bank"]
    return [api_scan(client, bank) for _ in range(number)]


def web_lead(client, token: str, **changes):
    return client.post(f"/scan/{token}/contact", data={**CONTACT, "consent": "ja", **changes})


def api_lead(client, token: str, **changes):
    return client.post(f"/api/v1/scans/{token}/lead", json={**CONTACT, "consent": True, **changes})


def test_a_contact_form_over_the_limit_answers_429_and_keeps_what_was_typed(make_app):
    app = lead_app(make_app)
    client = app.test_client()
    first, second, third = completed_scans(app, client, 3)
    assert web_lead(client, first).status_code == 303
    assert web_lead(client, second).status_code == 303
    refused = web_lead(client, third)
    assert refused.status_code == 429
    assert_retry_after_within_a_minute(refused)
    html = refused.get_data(as_text=True)
    assert "Vanaf jouw netwerk kwamen kort na elkaar veel aanvragen binnen." in html
    assert "Dat kan weer over een minuut." in html
    # The form is shown again, with every value that was typed.
    assert f'action="/scan/{third}/contact"' in html
    assert 'value="Fatima de Vries"' in html
    assert 'value="Bakkerij De Korenschoof"' in html
    assert 'value="fatima@korenschoof.test"' in html
    assert "Hoe krijg ik online bestellen voor elkaar?</textarea>" in html
    assert count(app, Lead) == 2
    with database(app).sessions() as session:
        assert session.scalars(select(Scan).where(Scan.token == third)).one().lead is None


def test_sending_a_lead_again_for_a_scan_that_has_it_does_not_count(make_app):
    app = lead_app(make_app)
    client = app.test_client()
    first, second, third = completed_scans(app, client, 3)
    assert web_lead(client, first).status_code == 303
    # The same lead again, by a double click, a refresh or a partner's retry: not counted.
    for _ in range(3):
        assert web_lead(client, first).status_code == 303
        assert api_lead(client, first).status_code == 200
    assert web_lead(client, second).status_code == 303  # the second lead of the minute
    assert web_lead(client, third).status_code == 429  # the third is over the limit
    assert count(app, Lead) == 2


def test_an_api_lead_over_the_limit_answers_429_json_and_stores_nothing(make_app):
    app = lead_app(make_app)
    client = app.test_client()
    first, second, third = completed_scans(app, client, 3)
    assert api_lead(client, first).status_code == 201
    assert web_lead(client, second).status_code == 303  # web and API share the lead count
    refused = api_lead(client, third)
    assert refused.status_code == 429
    assert refused.is_json
    errors = refused.get_json()["errors"]
    assert errors and all(isinstance(m, str) and m for m in errors.values())
    assert_retry_after_within_a_minute(refused)
    assert count(app, Lead) == 2
    # Another network may still ask for contact about the same scan.
    assert api_lead(client_at(app, "192.0.2.30"), third).status_code == 201


# --- the OpenAPI document --------------------------------------------------------------------


def resolve(document: dict, node: dict) -> dict:
    """Follow local $refs ("#/components/...") to what they point at."""
    while "$ref" in node:
        reference = node["$ref"]
        assert reference.startswith("#/"), reference
        node = document
        for part in reference[2:].split("/"):
            node = node[part]
    return node


def test_the_429_answers_match_the_openapi_document(make_app):
    app = make_app(SCAN_RATE_LIMIT="1 per minute", LEAD_RATE_LIMIT="1 per minute")
    client = app.test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    for path in ("/scans", "/scans/{token}/lead"):
        answer = resolve(document, document["paths"][path]["post"]["responses"]["429"])
        retry_after = resolve(document, answer["headers"]["Retry-After"])
        assert retry_after["required"] is True, path
        assert retry_after["schema"]["pattern"] == "^[0-9]+$", path
        schema = answer["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Errors"}, path

    token = api_scan(client, app.extensions["scan.bank"])
    refused_scan = client.post("/api/v1/scans", json=api_body(app))
    assert refused_scan.status_code == 429
    assert_matches(document, "Errors", refused_scan.get_json())
    assert refused_scan.headers["Retry-After"].isdigit()

    other = client_at(app, "192.0.2.40")
    other_token = api_scan(other, app.extensions["scan.bank"])
    assert api_lead(client, token).status_code == 201
    refused_lead = api_lead(client, other_token)
    assert refused_lead.status_code == 429
    assert_matches(document, "Errors", refused_lead.get_json())
    assert refused_lead.headers["Retry-After"].isdigit()
