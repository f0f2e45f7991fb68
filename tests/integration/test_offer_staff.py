"""A werkplaats keeps its own offer: sessions added, checked, changed, copied and cancelled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from scan.db import database
from scan.records.offer_models import TrainingSession
from scan.staff.models import AuditEvent
from tests.offer import TRAINING, TRAJECT, make_training
from tests.staff import post_form, signed_in_client

NEW = "/medewerkers/aanbod/nieuw"


def _form(**changes) -> dict:
    day = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    form = {
        "title": "Workshop: gevonden worden",
        "advice": [TRAINING],
        "date": day,
        "start": "13:30",
        "end": "16:30",
        "where": "locatie",
        "address": "Stationsplein 1, Utrecht",
        "places": "12",
        "costs": "betaald",
        "price": "12,50",
        "description": "Neem je laptop mee.",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def _sessions(app) -> list[TrainingSession]:
    with database(app).sessions() as session:
        return list(session.scalars(select(TrainingSession).order_by(TrainingSession.id)))


def test_a_medewerker_adds_a_session_to_their_own_offer(app):
    client, _ = signed_in_client(app)
    # An admin's field in the post does not move a medewerker's session elsewhere.
    response = post_form(client, NEW, _form(werkplaats="fryslan"))
    assert response.status_code == 303, response.get_data(as_text=True)
    (training,) = _sessions(app)
    assert training.werkplaats_id == "utrecht"
    assert training.advice_ids == (TRAINING,)
    assert (training.places, training.price_cents, training.online) == (12, 1250, False)
    # 13:30 on Amsterdam's clock, stored in UTC (CET: 12:30, CEST: 11:30).
    assert training.starts_at.replace(tzinfo=UTC).hour in (11, 12)
    listing = client.get("/medewerkers/aanbod").get_data(as_text=True)
    assert "Workshop: gevonden worden" in listing and "13.30 tot 16.30 uur" in listing
    assert "0 van 12" in listing
    with database(app).sessions() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "offer.create" in actions


def test_bad_input_is_named_in_dutch_and_kept(app):
    client, _ = signed_in_client(app)
    past = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    response = post_form(
        client,
        NEW,
        _form(title="Mijn titel", date=past, places="0", price="veel", advice=None, where=None),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in (
        "Deze datum en tijd zijn al voorbij",
        "Vul het aantal plaatsen in",
        "Vul het bedrag in euro in",
        "Kies minstens één training of traject",
        "Kies of de bijeenkomst op een locatie is of online",
    ):
        assert message in html, message
    assert 'value="Mijn titel"' in html and 'value="veel"' in html
    assert _sessions(app) == []


def test_op_afspraak_is_for_a_traject_only(app):
    client, _ = signed_in_client(app)
    form = _form(by_appointment="ja", date="", start="", end="")
    response = post_form(client, NEW, form)
    assert response.status_code == 422
    assert "‘Start op afspraak’ kan alleen bij een traject" in response.get_data(as_text=True)
    response = post_form(client, NEW, {**form, "advice": [TRAJECT]})
    assert response.status_code == 303
    (training,) = _sessions(app)
    assert training.starts_at is None and training.advice_ids == (TRAJECT,)
    assert "Start op afspraak" in client.get("/medewerkers/aanbod").get_data(as_text=True)


def test_an_admin_chooses_the_werkplaats(app):
    admin, _ = signed_in_client(app, "admin")
    response = post_form(admin, NEW, _form())
    assert response.status_code == 422
    assert "Kies de werkplaats die deze bijeenkomst geeft" in response.get_data(as_text=True)
    assert post_form(admin, NEW, _form(werkplaats="fryslan")).status_code == 303
    assert [t.werkplaats_id for t in _sessions(app)] == ["fryslan"]


def test_a_session_is_changed_and_copied(app):
    client, _ = signed_in_client(app)
    training_id = make_training(app, places=5)
    url = f"/medewerkers/aanbod/{training_id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Workshop: gevonden worden in Google"' in page
    assert post_form(client, url, _form(title="Nieuwe titel", places="20")).status_code == 303
    copy = client.get(f"{NEW}?kopie={training_id}").get_data(as_text=True)
    assert "Kopie van Nieuwe titel" in copy and 'value="Nieuwe titel"' in copy
    assert post_form(client, NEW, _form(title="Nieuwe titel"), NEW).status_code == 303
    first, second = _sessions(app)
    assert (first.title, first.places) == ("Nieuwe titel", 20)
    assert second.title == first.title and second.id != first.id


def test_a_session_cannot_shrink_below_its_registrations(app):
    from tests.offer import PERSON, utrecht_scan

    training_id = make_training(app, places=5)
    token = utrecht_scan(app.test_client(), app.extensions["scan.bank"])
    body = {**PERSON, "session": training_id, "consent": True}
    assert (
        app.test_client().post(f"/api/v1/scans/{token}/registrations", json=body).status_code == 201
    )
    client, _ = signed_in_client(app)
    response = post_form(client, f"/medewerkers/aanbod/{training_id}", _form(places="0"))
    assert "Vul het aantal plaatsen in" in response.get_data(as_text=True)
    with database(app).sessions() as session:
        session.get(TrainingSession, training_id).places = 1
        session.commit()
    response = post_form(client, f"/medewerkers/aanbod/{training_id}", _form(places="1"))
    assert response.status_code == 303


def test_another_werkplaats_session_is_not_found(app):
    theirs = make_training(app, werkplaats_id="fryslan")
    client, _ = signed_in_client(app)
    for path in ("", "/annuleren", "/deelnemers", "/deelnemers.csv"):
        assert client.get(f"/medewerkers/aanbod/{theirs}{path}").status_code == 404, path
    assert client.get(f"{NEW}?kopie={theirs}").status_code == 404
    assert "Workshop" not in client.get("/medewerkers/aanbod").get_data(as_text=True)


def test_make_run_adds_example_sessions_in_development_only(make_app, app):
    assert "demo-offer only runs" in app.test_cli_runner().invoke(args=["demo-offer"]).output
    assert _sessions(app) == []
    development = make_app(SCAN_ENV="development")
    runner = development.test_cli_runner()
    assert "toegevoegd: 9" in runner.invoke(args=["demo-offer"]).output
    assert "toegevoegd: 0" in runner.invoke(args=["demo-offer"]).output  # once per werkplaats
    sessions = _sessions(development)
    assert all(t.title.startswith("Voorbeeld:") for t in sessions)
    assert {t.werkplaats_id for t in sessions} == {"utrecht", "fryslan", "groningen-woo"}
