"""Mail safety: one bad mail blocks no other, headers stay one line, no forged lines in a body.

Also the admin forms, which set the values (werkplaats names, addresses) that end up in mail.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from scan.db import database, get_session
from scan.domain.contact import Contact
from scan.domain.text import INVISIBLE_CHARACTER
from scan.mail import LEASE, claim, send_pending
from scan.models import OutboxMail, Werkplaats, utcnow
from scan.records.handover import store_lead
from scan.records.scans import scan_for_update
from scan.staff.admin_forms import check_account, check_werkplaats
from scan.staff.models import StaffUser
from tests.journey import api_scan, complete_scan
from tests.mailserver import Inbox, start_smtp
from tests.staff import post_form, signed_in_client
from tests.strategies import lowest_answer

NATIONAL_INBOX = "leads@netwerk.test"
#: What an admin might paste: line breaks, an escape, C1 controls, bidi controls. (NUL never
#: reaches a form: every request with one is refused before routing, see scan/web.py.)
CONTROL_CHARACTERS = ("\n", "\r", "\x1b", "\x85", "\u202e", "\u2066", "\u200e", "\u200f", "\u061c")


class Server(Inbox):
    """A real SMTP server that keeps each message's envelope and refuses some recipients."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[list[str]] = []
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refused:
            # As real servers do, the refusal names the address: it must not reach the outbox.
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append(list(envelope.rcpt_tos))
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def server():
    controller, handler = start_smtp(Server())
    yield controller.port, handler
    controller.stop()


@pytest.fixture
def mail_app(make_app, server):
    port, _ = server
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_NATIONAL_INBOX=NATIONAL_INBOX)


def queue(app, *mails: tuple[str, str]) -> list[int]:
    """Queue (recipient, subject) mails as stored rows, bypassing every check; return ids."""
    with database(app).sessions() as session:
        rows = [OutboxMail(recipient=r, subject=s, body="Een aanvraag.") for r, s in mails]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def outbox(app, mail_id: int) -> OutboxMail:
    with database(app).sessions() as session:
        mail = session.get(OutboxMail, mail_id)
        assert mail is not None
        return mail


def send(app) -> tuple[int, int]:
    with database(app).sessions() as session:
        return send_pending(app, session)


def rename(app, werkplaats_id: str, name: str) -> None:
    with database(app).sessions() as session:
        werkplaats = session.get(Werkplaats, werkplaats_id)
        assert werkplaats is not None
        werkplaats.name = name
        session.commit()


# --- the outbox --------------------------------------------------------------------------------


def test_senders_at_once_send_each_mail_once(mail_app, server):
    """Cron's send-mail, send-follow-ups and a request after a lead may send at the same time:
    each claims its mails first, so no mail goes out twice."""
    _, handler = server
    ids = queue(mail_app, *((f"w{i}@werkplaats.test", f"Aanvraag {i}") for i in range(12)))
    start = threading.Barrier(4)
    results: list[tuple[int, int]] = []

    def sender():
        with mail_app.app_context(), database(mail_app).sessions() as session:
            start.wait()
            results.append(send_pending(mail_app, session, limit=5))

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Together they sent every mail (a sender that found the rest claimed sends fewer).
    assert sum(sent for sent, _ in results) + send(mail_app)[0] == 12
    assert all(failed == 0 for _, failed in results)
    received = sorted(message["To"] for message in handler.messages)
    assert received == sorted(f"w{i}@werkplaats.test" for i in range(12))
    assert all(
        outbox(mail_app, i).sent_at and outbox(mail_app, i).claimed_until is None for i in ids
    )


def test_a_claim_holds_until_it_runs_out(mail_app, server):
    _, handler = server
    (mail_id,) = queue(mail_app, ("w@werkplaats.test", "Aanvraag"))
    now = utcnow()
    with database(mail_app).sessions() as session:
        assert [m.id for m in claim(session, 10, now)] == [mail_id]  # a sender that then died
        assert claim(session, 10, now + LEASE / 2) == []  # held: nobody else sends it
    assert send(mail_app) == (0, 0) and handler.messages == []
    with database(mail_app).sessions() as session:
        mail = session.get(OutboxMail, mail_id)
        mail.claimed_until = now - timedelta(seconds=1)  # the claim ran out
        session.commit()
    assert send(mail_app) == (1, 0) and len(handler.messages) == 1


def test_a_mail_that_cannot_be_built_is_marked_failed_and_the_next_is_sent(
    mail_app, server, caplog
):
    _, handler = server
    bad, good = queue(
        mail_app,
        ("werkplaats@example.test\nBcc: evil@example.test", "Nieuwe aanvraag\nvoor Noord"),
        (NATIONAL_INBOX, "Nieuwe aanvraag"),
    )
    with caplog.at_level(logging.WARNING, logger="scan.mail"):
        assert send(mail_app) == (1, 1)
    assert handler.envelopes == [[NATIONAL_INBOX]]  # nobody else got anything
    assert outbox(mail_app, good).sent_at is not None
    failed = outbox(mail_app, bad)
    assert failed.sent_at is None and failed.attempts == 1
    assert failed.last_error.startswith("ValueError: ")
    assert "@" not in failed.last_error and "example" not in failed.last_error
    assert caplog.records and "example.test" not in caplog.text and "aanvraag" not in caplog.text
    # The next round tries it again, and again it stops nothing.
    queue(mail_app, (NATIONAL_INBOX, "Nog een aanvraag"))
    assert send(mail_app) == (1, 1)
    assert outbox(mail_app, bad).attempts == 2


def test_a_refused_recipient_is_marked_failed_without_the_address(mail_app, server, caplog):
    _, handler = server
    handler.refused = {"weg@werkplaats.test"}
    refused, good = queue(
        mail_app, ("weg@werkplaats.test", "Nieuwe aanvraag"), (NATIONAL_INBOX, "Nieuwe aanvraag")
    )
    with caplog.at_level(logging.WARNING, logger="scan.mail"):
        assert send(mail_app) == (1, 1)
    assert handler.envelopes == [[NATIONAL_INBOX]]
    assert outbox(mail_app, good).sent_at is not None
    failed = outbox(mail_app, refused)
    assert failed.sent_at is None and failed.attempts == 1
    assert failed.last_error.startswith("SMTPRecipientsRefused: ") and "550" in failed.last_error
    assert "@" not in failed.last_error and "weg" not in failed.last_error
    assert "weg@" not in caplog.text


def test_a_line_break_in_a_subject_cannot_add_a_header(mail_app, server):
    _, handler = server
    (mail_id,) = queue(
        mail_app, (NATIONAL_INBOX, "Nieuwe aanvraag\r\nBcc: evil@example.test\nX-Extra: ja")
    )
    assert send(mail_app) == (1, 0)
    assert handler.envelopes == [[NATIONAL_INBOX]]
    message = handler.messages[0]
    assert message["Subject"] == "Nieuwe aanvraag Bcc: evil@example.test X-Extra: ja"
    assert message["Bcc"] is None and message["X-Extra"] is None
    assert outbox(mail_app, mail_id).sent_at is not None


def test_a_werkplaats_name_with_a_line_break_stops_no_notification(mail_app, server, bank):
    _, handler = server
    rename(mail_app, "utrecht", "MKB Werkplaats Utrecht\nBcc: evil@example.test")
    client = mail_app.test_client()
    token = complete_scan(client, bank, lowest_answer)  # 3511 AB: Utrecht
    contact = {"name": "Fatima", "company": "De Korenschoof", "email": "fatima@korenschoof.test"}
    response = client.post(f"/scan/{token}/contact", data={**contact, "consent": "ja"})
    assert response.status_code == 303
    other = api_scan(client, bank)  # 8911 AB: Fryslân, a lead after the first
    response = client.post(f"/api/v1/scans/{other}/lead", json={**contact, "consent": True})
    assert response.status_code == 201
    # Spaces collapsed: Python's folding of "Fryslân" leaves two where one was.
    subjects = [" ".join(message["Subject"].split()) for message in handler.messages]
    assert all("\n" not in message["Subject"] for message in handler.messages)
    assert subjects == [
        "Nieuwe aanvraag via de digitale scan voor MKB Werkplaats Utrecht Bcc: evil@example.test",
        "Nieuwe aanvraag via de digitale scan voor Digitale Werkplaats Fryslân",
    ]
    assert handler.envelopes == [[NATIONAL_INBOX], [NATIONAL_INBOX]]
    with database(mail_app).sessions() as session:
        assert all(m.sent_at for m in session.scalars(select(OutboxMail)))


# --- the notification body ---------------------------------------------------------------------


def test_forged_lines_in_a_lead_cannot_pose_as_fields_of_the_mail(mail_app, server, bank):
    _, handler = server
    rename(mail_app, "utrecht", "MKB Werkplaats Utrecht\nE-mail: werkplaats@evil.example")
    token = api_scan(mail_app.test_client(), bank, "3511 AB")
    # Stored through the records layer: no form check stands between.
    forged = Contact(
        name="Jan\nE-mail: fake@evil.example",
        company="Bakkerij Jansen\r\nTelefoon: 0900 1234567\u2028KvK-nummer: 00000000",
        email="jan@bakkerij.test",
        phone="06 12345678\x0bE-mail: fake@evil.example",
        kvk=None,
        message="Bel me graag.\nE-mail: ook@evil.example\n\nNaam: Piet\u2029Telefoon: 0900",
    )
    with mail_app.test_request_context(method="POST"):
        scan = scan_for_update(get_session(), token)
        _, created = store_lead(scan, forged)
        assert created
    lines = handler.messages[0].get_content().splitlines()

    def starting(prefix: str) -> list[str]:
        return [line for line in lines if line.startswith(prefix)]

    assert starting("E-mail:") == ["E-mail:      jan@bakkerij.test"]
    assert starting("Naam:") == ["Naam:        Jan E-mail: fake@evil.example"]
    assert starting("Telefoon:") == ["Telefoon:    06 12345678 E-mail: fake@evil.example"]
    assert starting("KvK-nummer:") == ["KvK-nummer:  -"]
    assert starting("Bedrijf:") == [
        "Bedrijf:     Bakkerij Jansen Telefoon: 0900 1234567 KvK-nummer: 00000000"
    ]
    # The free text stands apart: every line of it indented under its own heading.
    heading = lines.index("Vraag van de ondernemer (zoals ingevuld):")
    message = lines[heading + 1 : heading + 6]
    assert message == [
        "    Bel me graag.",
        "    E-mail: ook@evil.example",
        "",
        "    Naam: Piet",
        "    Telefoon: 0900",
    ]
    intro = next(line for line in lines if line.startswith("Via de digitale scan"))
    assert "MKB Werkplaats Utrecht E-mail: werkplaats@evil.example" in intro


# --- the admin forms ---------------------------------------------------------------------------


def with_control(value: str, character: str) -> str:
    """Put a control character inside a value, where trimming does not remove it."""
    return value[:3] + character + value[3:]


def assert_refused(response, field: str, value: str) -> None:
    assert response.status_code == 422, (field, value)
    html = response.get_data(as_text=True)
    error = f'id="{field}-error"><span class="visually-hidden">Fout:</span> {INVISIBLE_CHARACTER}'
    assert error in html, (field, value)
    assert f'value="{escape(value)}"' in html, (field, value)  # what was typed stays


def test_admin_werkplaats_form_refuses_control_characters(app):
    admin, _ = signed_in_client(app, "admin")
    url = "/medewerkers/beheer/werkplaatsen/nieuw"
    good = {
        "id": "test-oost",
        "name": "Testwerkplaats Oost",
        "city": "Enschede",
        "lat": "52,2215",
        "lon": "6,8937",
        "institutions": "Saxion, ROC van Twente",
        "website": "https://example.org/oost",
        "email": "info@werkplaats.test",
        "source_url": "https://example.org/bron",
        "active": "ja",
    }
    for field in ("name", "city", "email", "institutions", "website", "source_url"):
        for character in CONTROL_CHARACTERS:
            value = with_control(good[field], character)
            assert_refused(post_form(admin, url, {**good, field: value}), field, value)
    offer = "Trainingen\x1b en advies."
    escaped = post_form(admin, url, {**good, "offer": offer})
    assert escaped.status_code == 422 and INVISIBLE_CHARACTER in escaped.get_data(as_text=True)
    # NUL: refused for every request before routing; the form's own check refuses it too.
    assert post_form(admin, url, {**good, "name": "Test\x00"}).status_code == 400
    for field in ("name", "city", "email", "source_url"):
        _, errors = check_werkplaats({**good, field: with_control(good[field], "\x00")}, new=True)
        assert errors == {field: INVISIBLE_CHARACTER}
    _, errors = check_werkplaats({**good, "offer": "Trainingen\x00"}, new=True)
    assert errors == {"offer": INVISIBLE_CHARACTER}
    with database(app).sessions() as session:
        assert session.get(Werkplaats, "test-oost") is None
    # The offer is a text of more lines: line breaks are fine there.
    ok = post_form(admin, url, {**good, "offer": "Trainingen.\r\nEen traject met studenten."})
    assert ok.status_code == 303
    edit = "/medewerkers/beheer/werkplaatsen/test-oost"
    value = "Test\nwerkplaats"
    assert_refused(post_form(admin, edit, {**good, "name": value}), "name", value)
    with database(app).sessions() as session:
        assert session.get(Werkplaats, "test-oost").name == "Testwerkplaats Oost"


def test_admin_account_form_refuses_control_characters(app):
    admin, _ = signed_in_client(app, "admin")
    url = "/medewerkers/beheer/accounts/nieuw"
    good = {
        "email": "nieuw@werkplaats.test",
        "name": "Nieuwe Medewerker",
        "role": "medewerker",
        "werkplaats": "utrecht",
        "password": "lang-genoeg-wachtwoord",
    }
    for field in ("email", "name"):
        for character in CONTROL_CHARACTERS:
            value = with_control(good[field], character)
            assert_refused(post_form(admin, url, {**good, field: value}), field, value)
    assert post_form(admin, url, {**good, "name": "Nie\x00uw"}).status_code == 400
    for field in ("email", "name"):
        _, errors = check_account(
            {**good, field: with_control(good[field], "\x00")}, True, {"utrecht"}
        )
        assert errors == {field: INVISIBLE_CHARACTER}
    with database(app).sessions() as session:
        assert session.scalar(select(StaffUser).where(StaffUser.name.like("Nie%"))) is None
    assert post_form(admin, url, good).status_code == 303
