"""The participant list: to print and export, attendance after the date, and the figures."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import select, update

from scan.db import database
from scan.models import Lead, utcnow
from scan.records.offer_models import Registration, TrainingSession
from scan.staff.models import AuditEvent
from tests.offer import PERSON, TRAINING, make_training, utrecht_scan
from tests.staff import post_form, signed_in_client

API = "/api/v1"


def signed_up(app, training_id: int, people: int = 2) -> list[str]:
    """Sign `people` ondernemers up through the API; return their e-mail addresses."""
    client = app.test_client()
    emails = []
    for number in range(people):
        email = f"deelnemer{number}@bedrijf.test"
        token = utrecht_scan(client, app.extensions["scan.bank"])
        body = {**PERSON, "email": email, "company": f"=Bedrijf {number}", "session": training_id}
        response = client.post(f"{API}/scans/{token}/registrations", json={**body, "consent": True})
        assert response.status_code == 201
        emails.append(email)
    return emails


def begin(app, training_id: int) -> None:
    """Move the session's start to an hour ago: attendance can be ticked."""
    with database(app).sessions() as session:
        session.execute(
            update(TrainingSession)
            .where(TrainingSession.id == training_id)
            .values(starts_at=utcnow().replace(microsecond=0) - timedelta(hours=1))
        )
        session.commit()


def test_the_list_shows_who_signed_up_and_exports_them(app):
    training_id = make_training(app)
    emails = signed_up(app, training_id)
    client, _ = signed_in_client(app)
    page = client.get(f"/medewerkers/aanbod/{training_id}/deelnemers").get_data(as_text=True)
    assert all(email in page for email in emails)
    assert "Na het begin van de bijeenkomst vink je hier aan wie er was" in page
    assert 'name="present"' not in page  # not before the date
    text = client.get(f"/medewerkers/aanbod/{training_id}/deelnemers.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Naam", "Bedrijf", "E-mail"]
    assert {row[2] for row in rows[1:]} == set(emails)
    assert rows[1][1] == "'=Bedrijf 0"  # a formula is defused
    xlsx = client.get(f"/medewerkers/aanbod/{training_id}/deelnemers.xlsx")
    assert xlsx.data[:2] == b"PK"
    with database(app).sessions() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"offer.view", "offer.export"} <= actions


def test_attendance_moves_the_lead_to_training_and_the_dashboard_figure(app):
    training_id = make_training(app)
    signed_up(app, training_id)
    client, _ = signed_in_client(app)
    url = f"/medewerkers/aanbod/{training_id}/aanwezigheid"
    page_url = f"/medewerkers/aanbod/{training_id}/deelnemers"
    early = post_form(client, url, {}, page_url)
    assert early.status_code == 409
    begin(app, training_id)

    def trained() -> str:
        html = client.get("/medewerkers/cijfers").get_data(as_text=True)
        return re.search(r"Getraind \(training gevolgd of bezig\)</th><td>(\d+)", html).group(1)

    assert trained() == "0"
    with database(app).sessions() as session:
        first, second = session.scalars(select(Registration).order_by(Registration.id)).all()
    response = post_form(client, url, {"present": [str(first.id)]}, page_url)
    assert response.status_code == 303
    with database(app).sessions() as session:
        came, missed = session.scalars(select(Registration).order_by(Registration.id)).all()
        assert (came.attended, missed.attended) == (True, False)
        statuses = {lead.id: (lead.status, lead.track) for lead in session.scalars(select(Lead))}
    assert statuses[came.lead_id] == ("training", "training")
    assert statuses[missed.lead_id] == ("new", None)
    assert trained() == "1"
    dashboard = client.get("/medewerkers/cijfers").get_data(as_text=True)
    section = dashboard[dashboard.index('id="getraind"') :]
    assert "Workshop: gevonden worden in Google</a></th><td>" in section
    assert "<td>2</td><td>1</td>" in section  # aangemeld 2, getraind 1
    advice_title = app.extensions["scan.catalogue"].item(TRAINING).title
    assert f"{advice_title}</th><td>1</td><td>1</td>" in section  # per advice item
    lead_page = client.get(f"/medewerkers/aanvragen/{came.lead_id}").get_data(as_text=True)
    assert "Training" in lead_page
    bad = post_form(client, url, {"present": ["999999"]}, page_url)
    assert bad.status_code == 422


def test_a_traject_intake_moment_moves_a_new_lead_to_intake(app):
    training_id = make_training(app, advice=("osm-traject",), days=None)
    signed_up(app, training_id, people=1)
    client, _ = signed_in_client(app)
    with database(app).sessions() as session:
        (registration,) = session.scalars(select(Registration)).all()
    url = f"/medewerkers/aanbod/{training_id}/aanwezigheid"
    response = post_form(
        client, url, {"present": [str(registration.id)]}, url.replace("aanwezigheid", "deelnemers")
    )
    assert response.status_code == 303
    with database(app).sessions() as session:
        assert session.scalars(select(Lead.status)).one() == "intake"


def test_the_lead_page_lists_its_sign_ups(app):
    training_id = make_training(app)
    signed_up(app, training_id, people=1)
    client, _ = signed_in_client(app)
    with database(app).sessions() as session:
        lead_id = session.scalars(select(Lead.id)).one()
    html = client.get(f"/medewerkers/aanvragen/{lead_id}").get_data(as_text=True)
    section = html[html.index('id="registrations-title"') :]
    assert "Workshop: gevonden worden in Google" in section and "aangemeld" in section
    assert f"/medewerkers/aanbod/{training_id}/deelnemers" in section
