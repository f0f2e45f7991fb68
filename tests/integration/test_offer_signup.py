"""Signing up from the advice: the lead, the mail with its .ics, the waiting list, cancelling."""

from __future__ import annotations

import re

from icalendar import Calendar
from sqlalchemy import select

from scan.db import database
from scan.domain.registration import REGISTRATION_CONSENT_VERSION
from scan.journey.forgery import issue_form_token
from scan.models import Lead, OutboxMail, utcnow
from scan.records.offer_models import (
    CANCELLED,
    REGISTERED,
    WAITING,
    Registration,
    TrainingSession,
)
from tests.conftest import FORM_TOKEN, NATIONAL_INBOX
from tests.journey import CONTACT, count
from tests.offer import PERSON, TRAINING, make_training, utrecht_scan
from tests.sql import statements
from tests.staff import post_form, signed_in_client

CONSENTED = {**PERSON, "consent": "ja"}
CANCEL_LINK = re.compile(r"(http://[^\s]+/aanmelding/([A-Za-z0-9_-]{43}))")


def registrations(app) -> list[Registration]:
    with database(app).sessions() as session:
        return list(session.scalars(select(Registration).order_by(Registration.id)))


def mails_to(inbox, address: str) -> list:
    return [m for m in inbox.messages if m["To"] == address]


def ics_of(message) -> Calendar:
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


def sign_up(client, token: str, training_id: int, data=None, prefix: str = ""):
    return client.post(f"{prefix}/scan/{token}/aanmelden/{training_id}", data=data or CONSENTED)


def cancel_form(client, url: str):
    page = client.get(url)
    assert page.status_code == 200
    found = FORM_TOKEN.search(page.get_data(as_text=True))
    assert found, "no button on the cancel page"
    return client.post(url + "/afmelden", data={"form_token": found.group(1)})


# --- shown with the advice --------------------------------------------------------------------


def test_the_result_shows_the_werkplaats_next_sessions_with_their_advice(app, client, bank):
    shown = [make_training(app, days=d, title=f"Datum {d}") for d in (3, 5, 9, 12)]
    make_training(app, werkplaats_id="fryslan", title="In Friesland")
    cancelled = make_training(app, days=4, title="Geannuleerd")
    with database(app).sessions() as session:
        session.get(TrainingSession, cancelled).cancelled_at = utcnow()
        session.commit()
    make_training(app, days=-1, title="Gisteren")
    token = utrecht_scan(client, bank)
    html = client.get(f"/scan/{token}/resultaat").get_data(as_text=True)
    card = html[html.index(f'id="advies-{TRAINING}"') :]
    card = card[: card.index("</article>")]
    assert "Data bij MKB Werkplaats Utrecht" in card
    for training_id in shown[:3]:
        assert f"/scan/{token}/aanmelden/{training_id}" in card
    assert f"/aanmelden/{shown[3]}" not in card  # at most three
    for title in ("In Friesland", "Geannuleerd", "Gisteren"):
        assert title not in card
    assert "Nog 10 plaatsen vrij" in card and "Gratis" in card and "Stationsplein 1" in card
    # The embed shows them too, with links that stay inside the embed.
    embedded = client.get(f"/embed/scan/{token}/resultaat").get_data(as_text=True)
    assert f"/embed/scan/{token}/aanmelden/{shown[0]}" in embedded


def test_without_sessions_the_card_says_so_and_keeps_the_contact_route(client, bank):
    token = utrecht_scan(client, bank)
    html = client.get(f"/scan/{token}/resultaat").get_data(as_text=True)
    card = html[html.index(f'id="advies-{TRAINING}"') :]
    card = card[: card.index("</article>")]
    assert "heeft nu geen datum gepland voor deze training" in card
    assert f"/scan/{token}/contact" in card


def test_a_werkplaats_far_away_shows_its_online_sessions_first(app, client, bank):
    for days in (2, 3, 4):
        make_training(app, days=days, title=f"Op locatie {days}")
    online = make_training(app, days=20, online=True, title="Online sessie")
    far = utrecht_scan(client, bank, postcode="6211 AB")  # Maastricht: far from Utrecht
    near = utrecht_scan(client, bank)
    far_html = client.get(f"/scan/{far}/resultaat").get_data(as_text=True)
    near_html = client.get(f"/scan/{near}/resultaat").get_data(as_text=True)
    assert f"/aanmelden/{online}" in far_html
    assert far_html.index("Online sessie") < far_html.index("Op locatie 2")
    assert f"/aanmelden/{online}" not in near_html  # three nearer dates go first


# --- signing up -------------------------------------------------------------------------------


def test_signing_up_creates_the_lead_and_mails_the_date_with_an_ics(mail_app, smtp, bank):
    _, inbox = smtp
    client = mail_app.test_client()
    training_id = make_training(mail_app, price_cents=1250)
    token = utrecht_scan(client, bank)
    form = client.get(f"/scan/{token}/aanmelden/{training_id}").get_data(as_text=True)
    assert 'name="consent"' in form and "checked" not in form.split('name="consent"')[1][:80]
    assert "MKB Werkplaats Utrecht mijn gegevens en mijn scanresultaat" in form
    response = sign_up(client, token, training_id)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/scan/{token}/aanmelden/{training_id}/verstuurd")
    sent = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Je bent aangemeld" in sent and PERSON["email"] not in sent
    (registration,) = registrations(mail_app)
    assert registration.status == REGISTERED
    assert registration.consent_version == REGISTRATION_CONSENT_VERSION
    with database(mail_app).sessions() as session:
        (lead,) = session.scalars(select(Lead)).all()
        assert (lead.email, lead.consent_version) == (PERSON["email"], REGISTRATION_CONSENT_VERSION)
        assert registration.lead_id == lead.id
    (mail,) = mails_to(inbox, PERSON["email"])
    assert mail["Subject"] == "Je bent aangemeld: Workshop: gevonden worden in Google"
    body = mail.get_body(("plain",)).get_content()
    assert "Kosten:  € 12,50" in body and "Stationsplein 1, Utrecht" in body
    link, key = CANCEL_LINK.search(body).groups()
    assert key != token  # the mail never holds the key to the result
    event = ics_of(mail).walk("VEVENT")[0]
    assert str(event["summary"]) == "Workshop: gevonden worden in Google"
    assert event.decoded("dtstart") == registration.training.starts_at.replace(
        tzinfo=event.decoded("dtstart").tzinfo
    )
    assert str(event["location"]) == "Stationsplein 1, Utrecht"
    assert str(event["uid"]).startswith(f"training-{training_id}@")
    (notice,) = mails_to(inbox, NATIONAL_INBOX)  # Utrecht publishes no address
    assert "De ondernemer meldde zich aan voor: Workshop: gevonden worden in Google" in (
        notice.get_body(("plain",)).get_content()
    )


def test_signing_up_extends_the_lead_the_scan_has(mail_app, smtp, bank):
    _, inbox = smtp
    app, client = mail_app, mail_app.test_client()
    training_id = make_training(app)
    token = utrecht_scan(client, bank)
    assert (
        client.post(f"/scan/{token}/contact", data={**CONTACT, "consent": "ja"}).status_code == 303
    )
    colleague = {**CONSENTED, "name": "Sam Jansen", "email": "sam@korenschoof.test"}
    assert sign_up(client, token, training_id, colleague).status_code == 303
    assert count(app, Lead) == 1
    (registration,) = registrations(app)
    with database(app).sessions() as session:
        lead = session.scalars(select(Lead)).one()
        assert registration.lead_id == lead.id and lead.email == CONTACT["email"]
    notice = mails_to(inbox, NATIONAL_INBOX)[-1]  # the lead's werkplaats hears of it
    assert notice["Subject"] == "Nieuwe aanmelding via de digitale scan"
    assert "Sam Jansen" in notice.get_body(("plain",)).get_content()


def test_bad_input_and_no_consent_keep_what_was_typed(app, client, bank):
    training_id = make_training(app)
    token = utrecht_scan(client, bank)
    response = sign_up(client, token, training_id, {**PERSON, "email": "geen-adres"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Geef toestemming voor je aanmelding" in html
    assert "Vul een e-mailadres in zoals naam@bedrijf.nl." in html
    assert 'value="Fatima de Vries"' in html and 'value="geen-adres"' in html
    assert registrations(app) == []


def test_the_same_sign_up_twice_is_stored_once(app, client, bank):
    training_id = make_training(app)
    token = utrecht_scan(client, bank)
    assert sign_up(client, token, training_id).status_code == 303
    assert sign_up(client, token, training_id).status_code == 303
    assert len(registrations(app)) == 1
    other = sign_up(client, token, training_id, {**CONSENTED, "name": "Iemand Anders"})
    assert other.status_code == 409
    assert "al iemand aangemeld" in other.get_data(as_text=True)


def test_only_the_sessions_of_the_scan_werkplaats_can_be_chosen(app, client, bank):
    theirs = make_training(app, werkplaats_id="fryslan")
    token = utrecht_scan(client, bank)
    assert client.get(f"/scan/{token}/aanmelden/{theirs}").status_code == 404
    assert sign_up(client, token, theirs).status_code == 404
    assert client.get(f"/scan/{token}/aanmelden/99999").status_code == 404


def test_a_full_session_offers_the_next_one_and_the_waiting_list(mail_app, smtp, bank):
    _, inbox = smtp
    client = mail_app.test_client()
    full = make_training(mail_app, places=1, days=3)
    later = make_training(mail_app, days=10, title="Tweede datum")
    first, second = utrecht_scan(client, bank), utrecht_scan(client, bank)
    assert sign_up(client, first, full).status_code == 303
    page = client.get(f"/scan/{second}/aanmelden/{full}").get_data(as_text=True)
    assert "Deze bijeenkomst is vol" in page and "Zet me op de wachtlijst" in page
    assert f"/scan/{second}/aanmelden/{later}" in page
    other = {**CONSENTED, "email": "piet@bakker.test", "name": "Piet Bakker"}
    refused = sign_up(client, second, full, other)
    assert refused.status_code == 409 and 'value="Piet Bakker"' in refused.get_data(as_text=True)
    waiting = sign_up(client, second, full, {**other, "waiting_list": "ja"})
    assert waiting.status_code == 303
    assert "Je staat op de wachtlijst" in client.get(waiting.headers["Location"]).get_data(
        as_text=True
    )
    assert [r.status for r in registrations(mail_app)] == [REGISTERED, WAITING]
    (waiting_mail,) = mails_to(inbox, "piet@bakker.test")
    assert not list(waiting_mail.iter_attachments())  # no date for a calendar yet
    # The first cancels from the link in their mail: the place goes to the waiting list.
    (mail,) = mails_to(inbox, PERSON["email"])
    link, _ = CANCEL_LINK.search(mail.get_body(("plain",)).get_content()).groups()
    path = link.split("://", 1)[1].partition("/")[2]
    for _ in range(2):  # a mail scanner opening the link changes nothing
        assert "Meld me af" in client.get(f"/{path}").get_data(as_text=True)
    assert [r.status for r in registrations(mail_app)] == [REGISTERED, WAITING]
    response = cancel_form(client, f"/{path}")
    assert response.status_code == 303
    assert "Je bent afgemeld" in client.get(f"/{path}").get_data(as_text=True)
    assert [r.status for r in registrations(mail_app)] == [CANCELLED, REGISTERED]
    promoted = mails_to(inbox, "piet@bakker.test")[-1]
    assert promoted["Subject"].strip().startswith("Er is een plek vrij: je bent aangemeld")
    assert ics_of(promoted).walk("VEVENT")


def test_a_cancel_link_without_the_button_token_changes_nothing(app, client, bank):
    training_id = make_training(app)
    token = utrecht_scan(client, bank)
    sign_up(client, token, training_id)
    (registration,) = registrations(app)
    response = client.post(f"/aanmelding/{registration.token}/afmelden")
    assert response.status_code == 400
    assert registrations(app)[0].status == REGISTERED
    assert client.get("/aanmelding/" + "x" * 43).status_code == 404
    headers = client.get(f"/aanmelding/{registration.token}").headers
    assert headers["Cache-Control"] == "no-store"


def test_signing_up_inside_the_embed_stays_there(app, client, bank):
    training_id = make_training(app)
    token = utrecht_scan(client, bank)
    response = sign_up(client, token, training_id, prefix="/embed")
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/embed/scan/{token}/aanmelden/")
    sent = client.get(response.headers["Location"])
    assert (
        sent.status_code == 200
        and "frame-ancestors 'self'" in sent.headers["Content-Security-Policy"]
    )


def test_erasing_the_scan_erases_its_registrations_and_their_mail(app, client, bank):
    training_id = make_training(app)
    token = utrecht_scan(client, bank)
    sign_up(client, token, training_id)
    assert registrations(app) and count(app, OutboxMail)
    assert client.post(f"/scan/{token}/verwijderen").status_code == 303
    assert registrations(app) == [] and count(app, OutboxMail) == 0 and count(app, Lead) == 0


# --- the werkplaats changes or cancels ---------------------------------------------------------


def test_moving_a_session_mails_its_participants_a_new_date(mail_app, smtp, bank):
    _, inbox = smtp
    client = mail_app.test_client()
    training_id = make_training(mail_app)
    sign_up(client, utrecht_scan(client, bank), training_id)
    staff, _ = signed_in_client(mail_app)
    url = f"/medewerkers/aanbod/{training_id}"
    form = {
        "title": "Workshop: gevonden worden in Google",
        "advice": [TRAINING],
        "date": "2099-03-14",
        "start": "10:00",
        "end": "12:00",
        "where": "online",
        "places": "10",
        "costs": "gratis",
    }
    assert post_form(staff, url, form).status_code == 303
    changed = mails_to(inbox, PERSON["email"])[-1]
    assert changed["Subject"] == "Gewijzigd: Workshop: gevonden worden in Google"
    event = ics_of(changed).walk("VEVENT")[0]
    assert event["sequence"] == 1 and str(event["location"]) == "Online"
    assert event.decoded("dtstart").isoformat().startswith("2099-03-14T09:00")  # 10:00 CET


def test_cancelling_a_session_mails_everyone_and_closes_it(mail_app, smtp, bank):
    _, inbox = smtp
    client = mail_app.test_client()
    training_id = make_training(mail_app)
    token = utrecht_scan(client, bank)
    sign_up(client, token, training_id)
    staff, _ = signed_in_client(mail_app)
    url = f"/medewerkers/aanbod/{training_id}/annuleren"
    assert "1 aangemelde ondernemers" in staff.get(url).get_data(as_text=True)
    assert post_form(staff, url, {}).status_code == 303
    cancelled = mails_to(inbox, PERSON["email"])[-1]
    assert cancelled["Subject"] == "Gaat niet door: Workshop: gevonden worden in Google"
    assert str(ics_of(cancelled).walk("VEVENT")[0]["status"]) == "CANCELLED"
    page = client.get(f"/scan/{token}/aanmelden/{training_id}").get_data(as_text=True)
    assert "gaat niet door" in page and "Meld me aan" not in page
    another = utrecht_scan(client, bank)
    client.get(f"/scan/{another}/resultaat")  # a page of that scan, with its form token
    data = {**CONSENTED, "consent_for": "utrecht"}
    assert sign_up(client, another, training_id, data).status_code == 409


def test_the_result_page_reads_the_sessions_of_all_its_advice_in_one_query(app, client, bank):
    for days in (2, 4, 6, 8):
        make_training(app, days=days, advice=(TRAINING, "osm-traject", "data-traject"))
    token = utrecht_scan(client, bank)
    with statements(app) as sent:
        assert client.get(f"/scan/{token}/resultaat").status_code == 200
    offer = [s for s in sent if "training_session" in s or "registrations" in s]
    assert len(offer) == 1, offer


def test_a_sign_up_sent_while_the_database_is_down_keeps_what_was_typed(make_app, tmp_path):
    down = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'weg' / 'scan.db'}")
    with down.test_request_context():
        form_token = issue_form_token("t" * 43)
    data = {**CONSENTED, "form_token": form_token, "consent_for": "utrecht"}
    response = down.test_client().post("/scan/" + "t" * 43 + "/aanmelden/3", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert 'value="Fatima de Vries"' in html and f'value="{PERSON["email"]}"' in html
    assert "onze database niet bereikbaar" in html
    consent = html.split('name="consent"')[1][:60]
    assert "checked" not in consent  # asked anew, naming the werkplaats, once it is back
