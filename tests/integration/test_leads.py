"""The lead hand-over: contact form and API, once per scan, consent, mail, erase, purge."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from scan.db import Base, database
from scan.domain.contact import CONSENT_VERSION
from scan.models import Lead, OutboxMail, Scan, utcnow
from tests.conftest import NATIONAL_INBOX
from tests.journey import CONTACT, api_scan, complete_scan, count
from tests.mailserver import free_port, start_smtp
from tests.openapi import assert_matches
from tests.strategies import answers_for, lowest_answer, valid_profile


def the_lead(app) -> Lead:
    with database(app).sessions() as session:
        return session.scalars(select(Lead)).one()


def test_web_lead_is_stored_with_consent_and_mailed(mail_app, smtp, bank):
    _, inbox = smtp
    client = mail_app.test_client()
    token = complete_scan(client, bank, lowest_answer)
    form = client.get(f"/scan/{token}/contact").get_data(as_text=True)
    assert 'type="checkbox" id="consent" name="consent" value="ja"' in form
    assert 'id="consent" name="consent" value="ja" checked' not in form  # not pre-ticked
    assert 'autocomplete="email"' in form and 'autocomplete="organization"' in form
    # The consent names who gets the details: the werkplaats the scan was routed to.
    assert "Ik geef toestemming dat MKB Werkplaats Utrecht mijn contactgegevens" in form
    response = client.post(f"/scan/{token}/contact", data={**CONTACT, "consent": "ja"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/scan/{token}/contact/verstuurd")
    lead = the_lead(mail_app)
    assert (lead.name, lead.kvk, lead.consent_version) == (
        "Fatima de Vries",
        "12345678",
        CONSENT_VERSION,
    )
    assert abs(lead.consent_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)) < timedelta(
        minutes=1
    )
    assert lead.werkplaats_id == "utrecht"  # 3511 AB, the postcode of the web journey
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Wat gebeurt er nu?" in page and "MKB Werkplaats Utrecht" in page
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["To"] == NATIONAL_INBOX  # the seeded werkplaatsen publish no e-mail address
    assert "MKB Werkplaats Utrecht" in mail["Subject"]
    body = mail.get_content()
    assert "Bakkerij De Korenschoof" in body and "Hoe krijg ik online bestellen" in body
    assert "Scanresultaat: 0 van de 100" in body
    with database(mail_app).sessions() as session:
        assert session.scalars(select(OutboxMail)).one().sent_at is not None


def test_contact_form_errors_are_dutch_and_keep_the_input(client, bank):
    token = complete_scan(client, bank)
    data = {**CONTACT, "email": "geen-adres", "kvk": "123"}
    response = client.post(f"/scan/{token}/contact", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Vul een e-mailadres in zoals naam@bedrijf.nl." in html
    assert "Een KvK-nummer heeft 8 cijfers." in html
    assert "Geef toestemming" in html
    assert 'href="#email"' in html and 'href="#consent"' in html
    assert 'value="geen-adres"' in html and 'value="Bakkerij De Korenschoof"' in html
    assert "Hoe krijg ik online bestellen voor elkaar?</textarea>" in html
    assert count(client.application, Lead) == 0


def test_without_consent_nothing_is_stored(client, bank):
    token = complete_scan(client, bank)
    assert client.post(f"/scan/{token}/contact", data=CONTACT).status_code == 422
    token_api = api_scan(client, bank)
    response = client.post(f"/api/v1/scans/{token_api}/lead", json={**CONTACT, "consent": False})
    assert response.status_code == 422
    assert "consent" in response.get_json()["errors"]
    response = client.post(f"/api/v1/scans/{token_api}/lead", json={**CONTACT, "consent": "ja"})
    assert response.status_code == 422
    assert count(client.application, Lead) == 0


def test_double_submit_and_refresh_store_one_lead(client, bank):
    token = complete_scan(client, bank)
    first = client.post(f"/scan/{token}/contact", data={**CONTACT, "consent": "ja"})
    second = client.post(f"/scan/{token}/contact", data={**CONTACT, "consent": "ja"})
    assert first.status_code == second.status_code == 303
    assert count(client.application, Lead) == 1
    # A refresh of the confirmation, or a new visit of the form, shows the confirmation.
    assert client.get(f"/scan/{token}/contact").headers["Location"].endswith("/contact/verstuurd")
    other = client.post(
        f"/scan/{token}/contact", data={**CONTACT, "email": "a@b.nl", "consent": "ja"}
    )
    assert other.status_code == 409
    assert "Je hebt al om contact gevraagd" in other.get_data(as_text=True)
    assert count(client.application, Lead) == 1


def test_api_lead_once_per_scan(client, bank):
    token = api_scan(client, bank)
    url = f"/api/v1/scans/{token}/lead"
    first = client.post(url, json={**CONTACT, "consent": True})
    assert first.status_code == 201
    assert first.get_json() == {
        "status": "received",
        "werkplaats": {
            "id": "fryslan",
            "name": "Digitale Werkplaats Fryslân",
            "city": "Leeuwarden",
            "distance_km": first.get_json()["werkplaats"]["distance_km"],
        },
    }
    again = client.post(url, json={**CONTACT, "consent": True, "email": "FATIMA@korenschoof.test"})
    assert again.status_code == 200
    different = client.post(url, json={**CONTACT, "consent": True, "name": "Iemand anders"})
    assert different.status_code == 409
    assert count(client.application, Lead) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("company", None),
        ("email", "x@y"),
        ("phone", "12"),
        ("kvk", "1234567a"),
        ("message", "x" * 1001),
        ("name", 42),
        ("email", ["a@b.nl"]),
    ],
)
def test_api_lead_field_errors(client, bank, field, value):
    token = api_scan(client, bank)
    response = client.post(
        f"/api/v1/scans/{token}/lead", json={**CONTACT, field: value, "consent": True}
    )
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_api_lead_for_unknown_or_unfinished_scan_is_404(client):
    assert client.post("/api/v1/scans/" + "x" * 43 + "/lead", json=CONTACT).status_code == 404
    draft = client.post("/scan").headers["Location"].split("/")[-2]
    assert client.post(f"/api/v1/scans/{draft}/lead", json=CONTACT).status_code == 404


def test_lead_without_postcode_waits_in_the_national_queue(client, bank):
    body = {"answers": answers_for(bank, lowest_answer), "profile": valid_profile(bank, None)}
    created = client.post("/api/v1/scans", json=body).get_json()
    assert created["werkplaats"] is None
    # On the web form the consent says a coordinator passes the details on to a werkplaats.
    form = client.get(f"/scan/{created['token']}/contact").get_data(as_text=True)
    assert "dat een landelijke coördinator van de Digitale Werkplaatsen mijn" in form
    assert "doorstuurt naar een werkplaats" in form
    response = client.post(
        f"/api/v1/scans/{created['token']}/lead", json={**CONTACT, "consent": True}
    )
    assert response.status_code == 201 and response.get_json()["werkplaats"] is None
    assert the_lead(client.application).werkplaats_id is None


def test_mail_server_down_keeps_the_lead_and_queues_the_mail(make_app, bank):
    app = make_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_NATIONAL_INBOX=NATIONAL_INBOX
    )
    client = app.test_client()
    token = api_scan(client, bank)
    response = client.post(f"/api/v1/scans/{token}/lead", json={**CONTACT, "consent": True})
    assert response.status_code == 201
    with database(app).sessions() as session:
        mail = session.scalars(select(OutboxMail)).one()
        assert mail.sent_at is None and mail.attempts == 1 and "Connection" in mail.last_error
    # Later the server is back, and the cron command delivers it.
    controller, inbox = start_smtp()
    try:
        app.config["MAIL_PORT"] = controller.port
        result = app.test_cli_runner().invoke(args=["send-mail"])
        assert result.exit_code == 0, result.output
        assert "Sent 1 mail(s)" in result.output
        assert len(inbox.messages) == 1
    finally:
        controller.stop()


def test_erase_from_the_result_page_removes_scan_lead_and_mail(client, bank):
    token = complete_scan(client, bank)
    client.post(f"/scan/{token}/contact", data={**CONTACT, "consent": "ja"})
    result_html = client.get(f"/scan/{token}/resultaat").get_data(as_text=True)
    assert f'href="/scan/{token}/verwijderen"' in result_html
    confirm = client.get(f"/scan/{token}/verwijderen").get_data(as_text=True)
    assert "contactgegevens" in confirm
    # Who may still have the request by e-mail, by name.
    assert "MKB Werkplaats Utrecht\n  kreeg je vraag mogelijk al per e-mail" in confirm
    response = client.post(f"/scan/{token}/verwijderen")
    assert response.status_code == 303 and response.headers["Location"].endswith("/verwijderd")
    assert client.get(f"/scan/{token}/resultaat").status_code == 404
    assert client.get(f"/api/v1/scans/{token}").status_code == 404
    app = client.application
    assert count(app, Scan) == count(app, Lead) == count(app, OutboxMail) == 0


def test_api_delete_erases_the_lead_too(client, bank):
    token = api_scan(client, bank)
    client.post(f"/api/v1/scans/{token}/lead", json={**CONTACT, "consent": True})
    assert client.delete(f"/api/v1/scans/{token}").status_code == 204
    assert count(client.application, Lead) == 0


def test_purge_applies_each_retention_period(app, client, bank):
    tokens = {
        name: api_scan(client, bank) for name in ("old_lead", "new_lead", "old_scan", "new_scan")
    }
    for name in ("old_lead", "new_lead"):
        client.post(f"/api/v1/scans/{tokens[name]}/lead", json={**CONTACT, "consent": True})
    draft = client.post("/scan").headers["Location"].split("/")[-2]
    fresh_draft = client.post("/scan").headers["Location"].split("/")[-2]
    now = utcnow()
    with database(app).sessions() as session:
        scans = {s.token: s for s in session.scalars(select(Scan))}
        scans[tokens["old_lead"]].lead.created_at = now - timedelta(days=366)
        scans[tokens["new_lead"]].lead.created_at = now - timedelta(days=300)
        # A completed scan with a lead is kept for the lead's period, not the scan's.
        scans[tokens["new_lead"]].completed_at = now - timedelta(days=1000)
        scans[tokens["old_scan"]].completed_at = now - timedelta(days=731)
        scans[tokens["new_scan"]].completed_at = now - timedelta(days=700)
        scans[draft].updated_at = now - timedelta(days=31)
        session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert "Would remove: 1 lead(s) with their scans, 1 completed scan(s)" in dry.output
    assert "1 unfinished draft(s)" in dry.output
    assert count(app, Scan) == 6
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0 and "Removed: 1 lead(s)" in result.output
    with database(app).sessions() as session:
        left = set(session.scalars(select(Scan.token)))
    assert left == {tokens["new_lead"], tokens["new_scan"], fresh_draft}
    assert count(app, Lead) == 1


def test_privacy_page_states_the_retention(client, app):
    html = client.get("/privacy").get_data(as_text=True)
    for setting in ("LEAD_RETENTION_DAYS", "SCAN_RETENTION_DAYS", "DRAFT_RETENTION_DAYS"):
        days = app.config[setting]
        # Whole years in years (B1): 730 days reads "2 jaar".
        said = f"{days // 365} jaar" if days % 365 == 0 else f"{days} dagen"
        assert f" {said}" in html, setting
    assert "Autoriteit" in html  # where to complain
    assert "ip-adres" in html and "Verwijder mijn gegevens" in html
    assert re.search(r"GeoNames", html)


def test_privacy_page_has_every_element_the_avg_asks(make_app):
    """The controller, purpose and legal basis per processing, recipients, periods, rights."""
    app = make_app(
        PRIVACY_CONTROLLER="Stichting Digitale Scan",
        PRIVACY_ADDRESS="Postbus 123, 3500 AC Utrecht",
        PRIVACY_EMAIL="privacy@scan.example",
    )
    html = app.test_client().get("/privacy").get_data(as_text=True)
    assert "verwerkingsverantwoordelijke" in html
    assert "Stichting Digitale Scan" in html and "Postbus 123, 3500 AC Utrecht" in html
    assert 'href="mailto:privacy@scan.example"' in html
    # Each processing: what, why (purpose) and on what basis, and for how long.
    for section in ("scan", "partner", "contact", "medewerkers", "cijfers"):
        start = html.index(f'id="{section}"')
        part = html[start : html.index("</ul>", start)]
        for element in ("Waarvoor:", "Grondslag:", "Hoe lang:"):
            assert element in part, (section, element)
    assert "je toestemming" in html and "gerechtvaardigd belang" in html
    assert "Wie je gegevens krijgt:" in html and "landelijke coördinator" in html
    for right in ("inzage", "correctie", "verwijdering", "intrekken van je toestemming", "bezwaar"):
        assert f"<strong>{right}</strong>" in html, right
    assert "Autoriteit Persoonsgegevens" in html
    assert "zonder naam" in html  # not "anoniem": a postcode, sector and size can name a zzp'er


def test_privacy_page_in_development_says_the_controller_is_missing(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert "PRIVACY_CONTROLLER" in html and "start niet zonder" in html


def test_no_ip_address_is_stored_anywhere(app, client, bank):
    address = "203.0.113.77"
    environ = {"REMOTE_ADDR": address, "HTTP_X_FORWARDED_FOR": address}
    token = client.post("/scan", environ_base=environ).headers["Location"].split("/")[-2]
    body = {"answers": answers_for(bank, lowest_answer), "profile": valid_profile(bank)}
    api_token = client.post("/api/v1/scans", json=body, environ_base=environ).get_json()["token"]
    client.post(
        f"/api/v1/scans/{api_token}/lead", json={**CONTACT, "consent": True}, environ_base=environ
    )
    assert token and api_token
    with database(app).engine.connect() as connection:
        dump = " ".join(
            repr(tuple(row))
            for table in Base.metadata.sorted_tables
            for row in connection.execute(table.select())
        )
    assert "Fatima" in dump  # the dump does hold the stored data
    assert address not in dump


def test_lead_responses_match_the_openapi_document(client, bank):
    openapi = client.get("/api/v1/openapi.json").get_json()
    token = api_scan(client, bank)
    response = client.post(f"/api/v1/scans/{token}/lead", json={**CONTACT, "consent": True})
    assert_matches(openapi, "LeadReceived", response.get_json())
    conflict = client.post(
        f"/api/v1/scans/{token}/lead", json={**CONTACT, "name": "X", "consent": True}
    )
    assert conflict.status_code == 409
    assert_matches(openapi, "Errors", conflict.get_json())
    listed = client.get("/api/v1/werkplaatsen").get_json()
    for werkplaats in listed:
        assert_matches(openapi, "WerkplaatsListItem", werkplaats)


def test_forms_posted_by_another_site_are_refused(client, bank):
    token = complete_scan(client, bank)
    forged = {"Origin": "https://evil.example"}
    erase = client.post(f"/scan/{token}/verwijderen", headers=forged)
    assert erase.status_code == 403
    assert "kwam niet van onze website" in erase.get_data(as_text=True)
    lead = client.post(
        f"/scan/{token}/contact",
        data={**CONTACT, "consent": "ja"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert lead.status_code == 403
    assert client.post("/scan", headers=forged).status_code == 403
    assert count(client.application, Lead) == 0
    assert client.get(f"/scan/{token}/resultaat").status_code == 200  # nothing was erased
    # Origin "null" (sent by privacy-restricted contexts) decides nothing: Sec-Fetch-Site does.
    assert (
        client.post(
            f"/scan/{token}/verwijderen", headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"}
        ).status_code
        == 403
    )
    # The same forms from our own pages work, also when the browser hides the origin.
    hidden = client.post(
        f"/scan/{token}/contact",
        data={**CONTACT, "consent": "ja", "email": "x"},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    assert hidden.status_code == 422  # got through to validation

    same = {"Origin": "http://scan.test", "Sec-Fetch-Site": "same-origin"}
    assert (
        client.post(
            f"/scan/{token}/contact", data={**CONTACT, "consent": "ja"}, headers=same
        ).status_code
        == 303
    )
    # The JSON API is for other sites' servers and is not refused.
    body = {"answers": answers_for(bank, lowest_answer), "profile": valid_profile(bank)}
    assert client.post("/api/v1/scans", json=body, headers=forged).status_code == 201


def test_contact_and_erase_need_the_form_token(client, bank):
    token = complete_scan(client, bank)
    lead = client.post(
        f"/scan/{token}/contact", data={**CONTACT, "consent": "ja", "form_token": ""}
    )
    assert lead.status_code == 400
    assert 'value="Bakkerij De Korenschoof"' in lead.get_data(as_text=True)
    erase = client.post(f"/scan/{token}/verwijderen", data={"form_token": "oud"})
    assert erase.status_code == 400 and "Verstuur het formulier opnieuw" in erase.get_data(
        as_text=True
    )
    assert count(client.application, Lead) == 0
    assert client.get(f"/scan/{token}/resultaat").status_code == 200


def test_consent_given_for_another_werkplaats_is_asked_again(client, bank):
    token = complete_scan(client, bank)  # 3511 AB: Utrecht
    url = f"/scan/{token}/contact"
    form = client.get(url).get_data(as_text=True)
    assert 'name="consent_for" value="utrecht"' in form
    # In another tab the postcode changes to Groningen; then the first form is sent.
    assert client.post(f"/scan/{token}/postcode", data={"postcode": "9712 AB"}).status_code == 303
    stale = client.post(url, data={**CONTACT, "consent": "ja", "consent_for": "utrecht"})
    assert stale.status_code == 422
    html = stale.get_data(as_text=True)
    assert "Lees de toestemming opnieuw: die noemt nu wie je vraag krijgt." in html
    assert "Ik geef toestemming dat Werkplaats Online Ondernemen mijn" in html
    assert 'name="consent" value="ja" checked' not in html  # to be ticked again, knowingly
    assert 'value="Bakkerij De Korenschoof"' in html  # the rest of the form is kept
    assert count(client.application, Lead) == 0
    sent = client.post(url, data={**CONTACT, "consent": "ja", "consent_for": "groningen-woo"})
    assert sent.status_code == 303
    assert the_lead(client.application).werkplaats_id == "groningen-woo"


def test_a_postcode_change_after_a_lead_changes_nothing(app, client, bank):
    from scan.records.scans import change_postcode

    token = complete_scan(client, bank)  # Utrecht
    assert client.post(f"/scan/{token}/contact", data={**CONTACT, "consent": "ja"}).status_code == (
        303
    )
    # As if the postcode page had checked "no lead yet" just before the lead was stored.
    with database(app).sessions() as session:
        scan = session.scalar(select(Scan).where(Scan.token == token))
        assert change_postcode(session, scan, "9712") is False
        session.commit()
    with database(app).sessions() as session:
        scan = session.scalar(select(Scan).where(Scan.token == token))
        assert scan.werkplaats_id == "utrecht" and scan.profile["postcode"] == "3511"
        assert scan.lead.werkplaats_id == "utrecht"


def test_a_postcode_change_waits_for_a_lead_being_stored_and_then_sees_it(app, client, bank):
    import threading

    from scan.domain.contact import Contact
    from scan.records.leads import add_lead
    from scan.records.scans import change_postcode, scan_for_update

    token = complete_scan(client, bank)  # Utrecht
    db = database(app)
    outcome = {}

    def change_it():
        with db.sessions() as mine:
            scan = scan_for_update(mine, token)  # waits for the lead's transaction
            outcome["changed"] = change_postcode(mine, scan, "9712")
            mine.commit()

    with db.sessions() as theirs:
        # The contact form reads the scan to store its lead, in another request.
        other = scan_for_update(theirs, token)
        changer = threading.Thread(target=change_it)
        changer.start()
        changer.join(0.3)
        assert changer.is_alive()  # the postcode change waits for the lock
        add_lead(theirs, other, Contact("Sanne", "Bos Bloemen", "s@bos.test", None, None, None))
        theirs.commit()
    changer.join(10)
    assert outcome == {"changed": False}  # it saw the lead: the werkplaats stays
    with db.sessions() as session:
        stored = session.scalar(select(Scan).where(Scan.token == token))
        assert stored.werkplaats_id == stored.lead.werkplaats_id == "utrecht"


def test_the_sent_page_never_shows_the_contact_details_again(client, bank):
    """Anyone with a scan's token (an API partner that made it, a forwarded link) could read
    the details on the "verstuurd" page; it now says who received the request, and when."""
    token = api_scan(client, bank)
    lead = {
        "name": "Priya Ramdin",
        "company": "Kapsalon Priya",
        "email": "priya@kapsalonpriya.nl",
        "phone": "06 98765432",
        "kvk": "87654321",
        "message": "Graag hulp met online afspraken.",
        "consent": True,
    }
    assert client.post(f"/api/v1/scans/{token}/lead", json=lead).status_code == 201
    page = client.get(f"/scan/{token}/contact/verstuurd")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "heeft je vraag ontvangen op" in html
    for field in ("name", "company", "email", "phone", "kvk", "message"):
        assert lead[field] not in html, field
