"""Staff invite an ondernemer to do the scan again from the lead's page (issue 17, part 4)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from scan.db import database
from scan.models import FollowUp, Lead, utcnow
from scan.records.follow_ups import add_reminder
from scan.staff.models import AuditEvent
from tests.staff import csrf_from, make_lead, post_form, signed_in_client

LEAD_EMAIL = "ondernemer@bakkerij.test"


def invite(client, lead_id: int):
    page = f"/medewerkers/aanvragen/{lead_id}"
    return post_form(client, f"{page}/uitnodigen", {}, page_url=page)


def invitations(app) -> list[FollowUp]:
    with database(app).sessions() as session:
        return list(session.scalars(select(FollowUp).where(FollowUp.kind == "invitation")))


def test_staff_invite_sends_a_mail_at_once_and_logs_it(mail_app, smtp):
    _, inbox = smtp
    lead_id = make_lead(mail_app, "utrecht", name="Fatima de Vries", email=LEAD_EMAIL)
    client, staff_email = signed_in_client(mail_app, "medewerker", "utrecht")
    page = client.get(f"/medewerkers/aanvragen/{lead_id}").get_data(as_text=True)
    assert "De ondernemer vroeg niet om een herinnering." in page
    assert "Nodig uit om de scan opnieuw te doen</button>" in page

    response = invite(client, lead_id)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/medewerkers/aanvragen/{lead_id}#opnieuw")
    (invitation,) = invitations(mail_app)
    assert invitation.sent_at is not None and invitation.consent_version is None
    (mail,) = inbox.messages
    assert mail["To"] == LEAD_EMAIL
    assert mail["Subject"] == "Uitnodiging: doe de digitale scan opnieuw"
    assert mail["List-Unsubscribe"] == (
        f"<http://scan.test/herinnering/{invitation.token}/afmelden>"
    )
    body = mail.get_content()
    assert "MKB Werkplaats Utrecht nodigt je uit om de scan opnieuw te doen" in body
    assert f"http://scan.test/opnieuw/{invitation.token}" in body

    page = client.get(f"/medewerkers/aanvragen/{lead_id}").get_data(as_text=True)
    assert f"{staff_email}: uitgenodigd om de scan opnieuw te doen" in page
    assert "Laatste uitnodiging verstuurd op" in page
    with database(mail_app).sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "lead.invite")).one()
        assert event.lead_id == lead_id and event.actor_email == staff_email

    # A second press right after is the same click: no second mail.
    assert invite(client, lead_id).status_code == 303
    assert len(inbox.messages) == 1 and len(invitations(mail_app)) == 1


def test_staff_of_another_werkplaats_cannot_invite(mail_app, smtp):
    _, inbox = smtp
    lead_id = make_lead(mail_app, "utrecht", email=LEAD_EMAIL)
    client, _ = signed_in_client(mail_app, "medewerker", "fryslan")
    inbox_page = client.get("/medewerkers/aanvragen").get_data(as_text=True)
    response = client.post(
        f"/medewerkers/aanvragen/{lead_id}/uitnodigen", data={"csrf_token": csrf_from(inbox_page)}
    )
    assert response.status_code == 404
    assert invitations(mail_app) == [] and inbox.messages == []


def test_an_invite_needs_the_csrf_token(mail_app, smtp):
    _, inbox = smtp
    lead_id = make_lead(mail_app, "utrecht", email=LEAD_EMAIL)
    client, _ = signed_in_client(mail_app, "medewerker", "utrecht")
    assert client.post(f"/medewerkers/aanvragen/{lead_id}/uitnodigen").status_code == 400
    assert invitations(mail_app) == [] and inbox.messages == []


def test_after_unsubscribing_no_invitation_goes_out(mail_app, smtp):
    _, inbox = smtp
    lead_id = make_lead(mail_app, "utrecht", email=LEAD_EMAIL)
    client, _ = signed_in_client(mail_app, "admin")
    invite(client, lead_id)
    (invitation,) = invitations(mail_app)
    # The one-click unsubscribe of the invitation's mail.
    public = mail_app.test_client()
    url = f"/herinnering/{invitation.token}/afmelden"
    assert public.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    page = client.get(f"/medewerkers/aanvragen/{lead_id}").get_data(as_text=True)
    assert "De ondernemer meldde zich op" in page
    assert "Nodig uit om de scan opnieuw te doen</button>" not in page
    with database(mail_app).sessions() as session:
        # Long after the first invitation: only the unsubscribe holds the next one back.
        session.execute(update(FollowUp).values(created_at=utcnow() - timedelta(days=30)))
        session.commit()
    invite(client, lead_id)
    assert len(invitations(mail_app)) == 1 and len(inbox.messages) == 1


def test_the_lead_page_shows_the_reminder_the_ondernemer_asked_for(app):
    lead_id = make_lead(app, "utrecht")
    with app.app_context(), database(app).sessions() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        add_reminder(session, lead, 90)
        session.commit()
    client, _ = signed_in_client(app, "medewerker", "utrecht")
    page = client.get(f"/medewerkers/aanvragen/{lead_id}").get_data(as_text=True)
    assert "De ondernemer vroeg op" in page and "om een herinnering per e-mail" in page
    assert "Die gaat rond" in page
