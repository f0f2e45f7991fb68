"""Reminders to do the scan again (issue 17, part 4): their own consent, sent once by cron
through a real SMTP server, one-click unsubscribe, the re-scan link, erasure."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select, update

from scan.db import database
from scan.domain.contact import FOLLOW_UP_CONSENT_VERSION
from scan.models import FollowUp, Lead, OutboxMail, Scan, utcnow
from scan.records.follow_ups import queue_due_reminders
from scan.web import date_nl
from tests.conftest import FORM_TOKEN, NATIONAL_INBOX
from tests.integration.test_rescan import finish
from tests.journey import CONTACT, api_scan, complete_scan, count
from tests.strategies import best_answer, lowest_answer

TICKED = {**CONTACT, "consent": "ja", "follow_up": "ja"}


def follow_ups(app) -> list[FollowUp]:
    with database(app).sessions() as session:
        return list(session.scalars(select(FollowUp).order_by(FollowUp.id)))


def the_reminder(app) -> FollowUp:
    (reminder,) = follow_ups(app)
    return reminder


def make_due(app) -> None:
    """Move the reminders' due moment to yesterday, as if FOLLOW_UP_DAYS had passed."""
    with database(app).sessions() as session:
        session.execute(update(FollowUp).values(due_at=utcnow() - timedelta(days=1)))
        session.commit()


def lead_with_reminder(app, client, bank, pick=lowest_answer) -> tuple[str, FollowUp]:
    """A web scan whose contact request ticked the reminder box; its token and reminder."""
    token = complete_scan(client, bank, pick)
    response = client.post(f"/scan/{token}/contact", data=TICKED)
    assert response.status_code == 303, response.get_data(as_text=True)
    return token, the_reminder(app)


def form_token(html: str) -> str:
    match = FORM_TOKEN.search(html)
    assert match, "no form token on the page"
    return match.group(1)


def reminder_mails(inbox) -> list:
    return [m for m in inbox.messages if m["To"] == CONTACT["email"]]


def test_the_box_is_optional_and_not_ticked_and_unticked_stores_no_reminder(client, bank):
    token = complete_scan(client, bank)
    form = client.get(f"/scan/{token}/contact").get_data(as_text=True)
    assert 'id="follow_up" name="follow_up" value="ja"' in form
    assert 'name="follow_up" value="ja" checked' not in form
    assert "Stuur me over 90 dagen één e-mail met een herinnering" in form
    response = client.post(f"/scan/{token}/contact", data={**CONTACT, "consent": "ja"})
    assert response.status_code == 303
    assert count(client.application, Lead) == 1
    assert follow_ups(client.application) == []
    assert "herinnering" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_ticked_box_stores_the_reminder_with_its_own_consent(app, client, bank):
    token, reminder = lead_with_reminder(app, client, bank)
    assert reminder.kind == "reminder"
    assert reminder.consent_version == FOLLOW_UP_CONSENT_VERSION
    assert reminder.consent_at is not None
    now = utcnow().replace(tzinfo=None)
    assert abs(reminder.consent_at.replace(tzinfo=None) - now) < timedelta(minutes=1)
    assert reminder.due_at - reminder.consent_at == timedelta(days=90)
    assert reminder.sent_at is None and reminder.withdrawn_at is None
    # Its own key: never the scan's token.
    assert reminder.token != token and len(reminder.token) >= 43
    sent = client.get(f"/scan/{token}/contact/verstuurd").get_data(as_text=True)
    assert "Je vroeg om een herinnering" in sent


def test_the_days_come_from_the_setting(make_app, bank):
    app = make_app(FOLLOW_UP_DAYS=30)
    client = app.test_client()
    token = complete_scan(client, bank)
    assert "over 30 dagen" in client.get(f"/scan/{token}/contact").get_data(as_text=True)
    client.post(f"/scan/{token}/contact", data=TICKED)
    reminder = the_reminder(app)
    assert reminder.due_at - reminder.consent_at == timedelta(days=30)


def test_an_error_page_keeps_the_box_ticked(client, bank):
    token = complete_scan(client, bank)
    response = client.post(f"/scan/{token}/contact", data={**TICKED, "email": "geen-adres"})
    assert response.status_code == 422
    assert 'name="follow_up" value="ja" checked' in response.get_data(as_text=True)
    assert follow_ups(client.application) == []


def test_the_reminder_is_sent_once_when_due_through_a_real_smtp_server(mail_app, smtp, bank):
    _, inbox = smtp
    client = mail_app.test_client()
    token, reminder = lead_with_reminder(mail_app, client, bank)
    runner = mail_app.test_cli_runner()
    before = runner.invoke(args=["send-follow-ups"])
    assert before.exit_code == 0, before.output
    assert "Queued 0 reminder(s)" in before.output
    assert reminder_mails(inbox) == []  # not due yet: only the werkplaats's notification went

    make_due(mail_app)
    first = runner.invoke(args=["send-follow-ups"])
    assert first.exit_code == 0, first.output
    assert "Queued 1 reminder(s); sent 1 mail(s)" in first.output
    (mail,) = reminder_mails(inbox)
    unsubscribe = f"http://scan.test/herinnering/{reminder.token}/afmelden"
    assert mail["List-Unsubscribe"] == f"<{unsubscribe}>"
    # As sent: one line with the address itself, never an encoded word a mail program skips.
    assert dict(mail.raw_items())["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Subject"] == "Herinnering: doe de digitale scan opnieuw"
    body = mail.get_content()
    with database(mail_app).sessions() as session:
        scan = session.scalars(select(Scan).where(Scan.token == token)).one()
    assert "Hallo Fatima de Vries," in body
    assert f"Op {date_nl(scan.completed_at)} deed je de digitale scan" in body
    assert "Je vroeg ons toen om deze herinnering" in body
    assert f"http://scan.test/opnieuw/{reminder.token}" in body and unsubscribe in body
    assert token not in body  # the mail never holds the key to the result
    assert the_reminder(mail_app).sent_at is not None

    again = runner.invoke(args=["send-follow-ups"])
    assert again.exit_code == 0 and "Queued 0 reminder(s); sent 0 mail(s)" in again.output
    assert len(reminder_mails(inbox)) == 1
    with database(mail_app).sessions() as session:
        assert session.scalar(select(OutboxMail).where(OutboxMail.unsubscribe_url.is_not(None)))


def test_two_runs_at_once_queue_one_mail(mail_app, smtp, bank):
    _, inbox = smtp
    client = mail_app.test_client()
    lead_with_reminder(mail_app, client, bank)
    make_due(mail_app)
    results = []

    def second_run():
        results.append(mail_app.test_cli_runner().invoke(args=["send-follow-ups"]))

    # The first run holds its claim, uncommitted, while the second runs: on SQLite the second
    # waits for the write lock, on PostgreSQL it skips the locked row.
    with mail_app.app_context(), database(mail_app).sessions() as session:
        assert queue_due_reminders(session, utcnow()) == 1
        other = threading.Thread(target=second_run)
        other.start()
        other.join(timeout=0.5)
        session.commit()
    other.join(timeout=30)
    assert not other.is_alive()
    (second,) = results
    assert "Queued 0 reminder(s)" in second.output, second.output
    # The first run's mail waits in the outbox (on PostgreSQL the second run found it not yet
    # committed); the next send delivers it, once.
    assert mail_app.test_cli_runner().invoke(args=["send-mail"]).exit_code == 0
    assert len(reminder_mails(inbox)) == 1
    assert count(mail_app, OutboxMail) == 2  # the werkplaats's notification and the reminder


def test_many_runs_started_together_queue_each_reminder_once(make_app, bank):
    app = make_app()  # no mail server: what is queued stays in the outbox, to be counted
    client = app.test_client()
    for _ in range(3):
        token = complete_scan(client, bank)
        client.post(f"/scan/{token}/contact", data=TICKED)
    make_due(app)
    start = threading.Barrier(4)
    queued: list[int] = []

    def run():
        # What the command does, in a thread of its own (the CLI runner swaps sys.stdout for
        # the whole process, so it cannot run in several threads at once).
        with app.app_context(), database(app).sessions() as session:
            start.wait()
            queued.append(queue_due_reminders(session, utcnow(), limit=1))
            session.commit()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(queued) == [0, 1, 1, 1]
    with database(app).sessions() as session:
        reminders = session.scalars(
            select(OutboxMail).where(OutboxMail.unsubscribe_url.is_not(None))
        ).all()
        assert len(reminders) == 3
        assert len({mail.unsubscribe_url for mail in reminders}) == 3
        assert all(f.sent_at is not None for f in session.scalars(select(FollowUp)))


def test_unsubscribing_needs_a_post_and_a_withdrawn_reminder_is_never_sent(mail_app, smtp, bank):
    _, inbox = smtp
    client = mail_app.test_client()
    _, reminder = lead_with_reminder(mail_app, client, bank)
    url = f"/herinnering/{reminder.token}/afmelden"
    # Mail scanners open every link: a GET shows a button and changes nothing.
    page = client.get(url)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "Meld me af" in page.get_data(as_text=True)
    assert the_reminder(mail_app).withdrawn_at is None
    # A post without the page's form token is refused, and changes nothing.
    assert client.post(url, data={}).status_code == 400
    assert the_reminder(mail_app).withdrawn_at is None
    response = client.post(url, data={"form_token": form_token(page.get_data(as_text=True))})
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    assert the_reminder(mail_app).withdrawn_at is not None
    assert "Je bent afgemeld" in client.get(url).get_data(as_text=True)

    make_due(mail_app)
    result = mail_app.test_cli_runner().invoke(args=["send-follow-ups"])
    assert "Queued 0 reminder(s)" in result.output
    assert reminder_mails(inbox) == []


def test_the_one_click_unsubscribe_of_rfc_8058_works_from_anywhere(client, bank):
    _, reminder = lead_with_reminder(client.application, client, bank)
    # What a mail provider's server posts: this body, no form token, maybe another origin.
    response = client.post(
        f"/herinnering/{reminder.token}/afmelden",
        data={"List-Unsubscribe": "One-Click"},
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://mail.example"},
    )
    assert response.status_code == 200
    assert "Je bent afgemeld" in response.get_data(as_text=True)
    withdrawn = the_reminder(client.application).withdrawn_at
    assert withdrawn is not None
    # Again: nothing changes, the first moment stays.
    client.post(f"/herinnering/{reminder.token}/afmelden", data={"List-Unsubscribe": "One-Click"})
    assert the_reminder(client.application).withdrawn_at == withdrawn


def test_other_posts_from_another_site_are_still_refused(client, bank):
    _, reminder = lead_with_reminder(client.application, client, bank)
    page = client.get(f"/opnieuw/{reminder.token}").get_data(as_text=True)
    response = client.post(
        f"/opnieuw/{reminder.token}",
        data={"form_token": form_token(page)},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403


def test_unknown_links_answer_a_friendly_404(client):
    for url in ("/opnieuw/" + "x" * 43, "/herinnering/" + "x" * 43 + "/afmelden", "/opnieuw/kort"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Deze link werkt niet (meer)" in response.get_data(as_text=True)
    response = client.post(
        "/herinnering/" + "x" * 43 + "/afmelden", data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 404


def test_the_link_starts_a_prefilled_rescan_from_the_newest_scan_of_the_chain(app, client, bank):
    first, reminder = lead_with_reminder(app, client, bank)
    # A re-scan done since, from the result page: the newest scan of the chain.
    response = client.post(f"/scan/{first}/opnieuw")
    second = response.headers["Location"].split("/")[-2]
    finish(client, bank, second, best_answer)
    scans_before = count(app, Scan)
    url = f"/opnieuw/{reminder.token}"
    page = client.get(url)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "Doe de scan opnieuw</button>" in html
    with database(app).sessions() as session:
        newest = session.scalars(select(Scan).where(Scan.token == second)).one()
    assert f"voor het laatst op {date_nl(newest.completed_at)}" in html
    assert count(app, Scan) == scans_before  # a GET starts nothing
    assert client.post(url, data={}).status_code == 400
    assert count(app, Scan) == scans_before
    response = client.post(url, data={"form_token": form_token(html)})
    assert response.status_code == 303
    third = response.headers["Location"].split("/")[-2]
    assert f"/scan/{third}/" in response.headers["Location"]
    with database(app).sessions() as session:
        again = session.scalars(select(Scan).where(Scan.token == third)).one()
    assert again.status == "draft" and again.previous_token == second
    assert again.answers == newest.answers and again.profile == newest.profile


def test_erasing_any_scan_of_the_chain_erases_the_reminders(app, client, bank):
    first, _ = lead_with_reminder(app, client, bank)
    second = client.post(f"/scan/{first}/opnieuw").headers["Location"].split("/")[-2]
    confirm = client.get(f"/scan/{first}/verwijderen").get_data(as_text=True)
    assert "Vroeg je om een herinnering per e-mail" in confirm
    assert client.post(f"/scan/{second}/verwijderen").status_code == 303
    assert count(app, Scan) == count(app, Lead) == count(app, FollowUp) == 0
    assert count(app, OutboxMail) == 0


def test_the_api_takes_follow_up_as_a_boolean(client, bank):
    url = "/api/v1/scans/{}/lead"
    for value in ("ja", None, 1, [True]):
        token = api_scan(client, bank)
        response = client.post(
            url.format(token), json={**CONTACT, "consent": True, "follow_up": value}
        )
        assert response.status_code == 422, value
        assert "follow_up" in response.get_json()["errors"]
    assert count(client.application, Lead) == 0

    without = api_scan(client, bank)
    body = {**CONTACT, "consent": True, "follow_up": False}
    assert client.post(url.format(without), json=body).status_code == 201
    assert follow_ups(client.application) == []

    token = api_scan(client, bank)
    body = {**CONTACT, "consent": True, "follow_up": True}
    assert client.post(url.format(token), json=body).status_code == 201
    reminder = the_reminder(client.application)
    assert reminder.consent_version == FOLLOW_UP_CONSENT_VERSION
    # The same request again stores nothing new; the other choice is another request.
    assert client.post(url.format(token), json=body).status_code == 200
    assert client.post(url.format(token), json={**body, "follow_up": False}).status_code == 409
    assert client.post(url.format(without), json={**body, "follow_up": True}).status_code == 409
    assert len(follow_ups(client.application)) == 1


def test_links_in_mail_use_public_url_when_it_is_set(make_app, smtp, bank):
    port, inbox = smtp
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_NATIONAL_INBOX=NATIONAL_INBOX,
        PUBLIC_URL="https://scan.example.nl/",
    )
    client = app.test_client()
    _, reminder = lead_with_reminder(app, client, bank)
    make_due(app)
    assert app.test_cli_runner().invoke(args=["send-follow-ups"]).exit_code == 0
    (mail,) = reminder_mails(inbox)
    assert f"https://scan.example.nl/opnieuw/{reminder.token}" in mail.get_content()
    assert mail["List-Unsubscribe"] == (
        f"<https://scan.example.nl/herinnering/{reminder.token}/afmelden>"
    )


def test_without_an_address_for_the_links_the_command_says_what_to_set(make_app):
    app = make_app(SERVER_NAME=None)
    result = app.test_cli_runner().invoke(args=["send-follow-ups"])
    assert result.exit_code == 1 and "PUBLIC_URL" in result.output
