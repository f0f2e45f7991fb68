"""The public agenda feed (coming sessions, no personal data); privacy and retention."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select, update

from scan.db import database
from scan.models import Lead, utcnow
from scan.records.offer_models import Registration, TrainingSession
from scan.retention import Retention, purge
from tests.offer import PERSON, TRAJECT, make_training, utrecht_scan


def test_the_feed_lists_coming_sessions_without_personal_data(app, client, bank):
    coming = make_training(app, days=5, title="Komt eraan", online=True)
    make_training(app, days=-5, title="Geweest")
    make_training(app, days=None, advice=(TRAJECT,), title="Op afspraak")
    cancelled = make_training(app, days=6, title="Geannuleerd")
    make_training(app, werkplaats_id="fryslan", title="In Friesland")
    with database(app).sessions() as session:
        session.get(TrainingSession, cancelled).cancelled_at = utcnow()
        session.commit()
    token = utrecht_scan(client, bank)
    body = {**PERSON, "session": coming, "consent": True}
    assert client.post(f"/api/v1/scans/{token}/registrations", json=body).status_code == 201
    response = client.get("/werkplaatsen/utrecht/agenda.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=900"
    text = response.get_data(as_text=True)
    for private in (PERSON["email"], PERSON["name"], token):
        assert private not in text
    calendar = Calendar.from_ical(text)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Komt eraan"]
    assert str(events[0]["uid"]) == f"training-{coming}@scan.test"
    assert str(events[0]["location"]) == "Online"
    assert "MKB Werkplaats Utrecht" in str(calendar["x-wr-calname"])
    assert client.get("/werkplaatsen/bestaat-niet/agenda.ics").status_code == 404


def test_the_privacy_page_says_what_a_sign_up_keeps(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert "Als je je aanmeldt voor een training" in html
    assert "gerekend vanaf je\n    laatste aanmelding" in html


def test_retention_counts_a_lead_from_its_newest_sign_up(app, client, bank):
    training_id = make_training(app)
    token = utrecht_scan(client, bank)
    body = {**PERSON, "session": training_id, "consent": True}
    assert client.post(f"/api/v1/scans/{token}/registrations", json=body).status_code == 201
    retention = Retention(lead_days=30, scan_days=60, draft_days=5, audit_days=60)
    with database(app).sessions() as session:
        session.execute(update(Lead).values(created_at=utcnow() - timedelta(days=40)))
        session.commit()
        assert purge(session, retention, utcnow()).leads == 0  # signed up last week: stays
        session.execute(update(Registration).values(created_at=utcnow() - timedelta(days=31)))
        session.commit()
        assert purge(session, retention, utcnow()).leads == 1
        session.commit()
        assert session.scalars(select(Registration)).all() == []
