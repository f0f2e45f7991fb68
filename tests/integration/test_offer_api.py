"""The offer in the API: a werkplaats's sessions, the result's sessions, signing up."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scan.db import database
from scan.models import Lead, utcnow
from scan.records.offer_models import Registration, TrainingSession
from tests.journey import api_scan, count
from tests.offer import PERSON, TRAINING, make_training, utrecht_scan
from tests.openapi import assert_matches

API = "/api/v1"
BODY = {**PERSON, "consent": True}


@pytest.fixture
def document(client):
    return client.get(f"{API}/openapi.json").get_json()


def register(client, token: str, training_id, **changes):
    body = {**BODY, "session": training_id, **changes}
    return client.post(f"{API}/scans/{token}/registrations", json=body)


def test_a_werkplaats_lists_its_coming_sessions_without_personal_data(app, client, document):
    soon = make_training(app, days=2, price_cents=500)
    appointment = make_training(app, days=None, advice=("osm-traject",), title="Intake")
    make_training(app, days=-2)
    make_training(app, werkplaats_id="fryslan")
    token = utrecht_scan(client, app.extensions["scan.bank"])
    register(client, token, soon)
    response = client.get(f"{API}/werkplaatsen/utrecht/sessions")
    assert response.status_code == 200
    sessions = response.get_json()
    assert [s["id"] for s in sessions] == [soon, appointment]
    first = sessions[0]
    assert first["places_left"] == 9 and first["price_cents"] == 500
    assert first["advice"] == [TRAINING] and first["online"] is False
    assert first["start"].endswith(("+01:00", "+02:00"))
    assert sessions[1]["start"] is None
    assert PERSON["email"] not in response.get_data(as_text=True)
    for session in sessions:
        assert_matches(document, "Session", session)
    missing = client.get(f"{API}/werkplaatsen/bestaat-niet/sessions")
    assert missing.status_code == 404 and "werkplaats" in missing.get_json()["errors"]


def test_the_result_gives_each_training_its_sessions(app, client, bank, document):
    training_id = make_training(app)
    token = utrecht_scan(client, bank)
    result = client.get(f"{API}/scans/{token}").get_json()
    assert_matches(document, "ScanResult", result)
    by_id = {item["id"]: item for item in result["advice"]}
    assert [s["id"] for s in by_id[TRAINING]["sessions"]] == [training_id]
    assert all(item["sessions"] == [] for item in result["advice"] if item["kind"] != "training")


def test_signing_up_answers_201_then_200_and_creates_the_lead(app, client, bank, document):
    training_id = make_training(app)
    token = utrecht_scan(client, bank)
    first = register(client, token, training_id)
    assert first.status_code == 201, first.get_json()
    assert_matches(document, "RegistrationReceived", first.get_json())
    assert first.get_json()["status"] == "registered"
    assert first.get_json()["session"]["places_left"] == 9
    again = register(client, token, training_id, email=PERSON["email"].upper())
    assert again.status_code == 200
    assert count(app, Registration) == 1 and count(app, Lead) == 1
    other = register(client, token, training_id, name="Iemand Anders")
    assert other.status_code == 409 and "session" in other.get_json()["errors"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"session": None}, "session"),
        ({"session": "1"}, "session"),
        ({"session": True}, "session"),
        ({"session": 0}, "session"),
        ({"consent": False}, "consent"),
        ({"email": "geen-adres"}, "email"),
        ({"name": "   "}, "name"),
        ({"phone": "12"}, "phone"),
        ({"waiting_list": "ja"}, "waiting_list"),
        ({"kvk": "12345678"}, "kvk"),
    ],
)
def test_bad_fields_answer_422_per_field(app, client, bank, changes, field):
    training_id = make_training(app)
    token = utrecht_scan(client, bank)
    response = register(client, token, training_id, **changes)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert count(app, Registration) == 0


def test_a_full_past_or_cancelled_session_answers_409(app, client, bank):
    full = make_training(app, places=1)
    past = make_training(app, days=-1)
    cancelled = make_training(app)
    with database(app).sessions() as session:
        session.get(TrainingSession, cancelled).cancelled_at = utcnow()
        session.commit()
    assert register(client, utrecht_scan(client, bank), full).status_code == 201
    token = utrecht_scan(client, bank)
    for training_id in (full, past, cancelled):
        response = register(client, token, training_id)
        assert response.status_code == 409, training_id
        assert "session" in response.get_json()["errors"]
    waiting = register(client, token, full, waiting_list=True)
    assert waiting.status_code == 201 and waiting.get_json()["status"] == "waiting"


def test_only_sessions_of_the_scan_werkplaats(app, client, bank):
    theirs = make_training(app, werkplaats_id="fryslan")
    token = utrecht_scan(client, bank)
    response = register(client, token, theirs)
    assert response.status_code == 422 and "session" in response.get_json()["errors"]
    assert register(client, token, 2**31 - 1).status_code == 422
    nowhere = api_scan(client, bank, postcode="")
    assert register(client, nowhere, theirs).status_code == 409
    assert register(client, "x" * 43, theirs).status_code == 404


def test_deleting_the_scan_erases_the_registration(app, client, bank):
    training_id = make_training(app)
    token = utrecht_scan(client, bank)
    assert register(client, token, training_id).status_code == 201
    assert client.delete(f"{API}/scans/{token}").status_code == 204
    with database(app).sessions() as session:
        assert session.scalars(select(Registration)).all() == []
