"""Erasure and retention reach the audit log: no reused ids, no typed text, a period of its own."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text

from scan.config import defaults, from_environment
from scan.db import database, upgrade_to_head
from scan.models import Lead, OutboxMail, Scan, utcnow
from scan.staff.audit import recent_events
from scan.staff.auth import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT
from scan.staff.models import AuditEvent, LeadNote, SigninDelay, StaffSession
from scan.werkplaatsen import seed_werkplaatsen
from tests.conftest import migrate
from tests.staff import make_lead, make_user, post_form, signed_in_client

#: What a medewerker might type when forwarding a lead: a name and a phone number.
REASON = "Jan de Vries belde, 06 98765432: hij zit in Sneek"
ERASURES = ("resultaatpagina", "api", "bewaartermijn")


def _token_of(app, lead_id: int) -> str:
    with database(app).sessions() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        return lead.scan.token


def _erase(app, lead_id: int, how: str) -> None:
    """Erase a lead as the ondernemer, the API or the daily purge does."""
    client = app.test_client()
    if how == "resultaatpagina":
        response = client.post(f"/scan/{_token_of(app, lead_id)}/verwijderen")
        assert response.status_code == 303, response.get_data(as_text=True)
    elif how == "api":
        assert client.delete(f"/api/v1/scans/{_token_of(app, lead_id)}").status_code == 204
    else:
        with database(app).sessions() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            lead.created_at = utcnow() - timedelta(days=app.config["LEAD_RETENTION_DAYS"] + 1)
            session.commit()
        result = app.test_cli_runner().invoke(args=["purge"])
        assert result.exit_code == 0 and "Removed: 1 lead(s)" in result.output, result.output
    with database(app).sessions() as session:
        assert session.get(Lead, lead_id) is None


def _reassign(client, lead_id: int, werkplaats: str, reason: str) -> None:
    page = f"/medewerkers/aanvragen/{lead_id}"
    response = post_form(
        client, f"{page}/doorsturen", {"werkplaats": werkplaats, "reason": reason}, page
    )
    assert response.status_code == 303


def _events(app, lead_id: int | None = None) -> list[AuditEvent]:
    with database(app).sessions() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if lead_id is not None:
            query = query.where(AuditEvent.lead_id == lead_id)
        return list(session.scalars(query))


@pytest.mark.parametrize("how", ERASURES)
def test_an_erased_leads_history_never_shows_on_a_new_lead(app, how):
    old_id = make_lead(app, "utrecht")
    utrecht, _ = signed_in_client(app, werkplaats_id="utrecht")
    _reassign(utrecht, old_id, "fryslan", REASON)
    _erase(app, old_id, how)

    new_id = make_lead(app, "groningen-woo")
    assert new_id != old_id  # SQLite handed out the erased lead's id again
    groningen, _ = signed_in_client(app, werkplaats_id="groningen-woo")
    html = groningen.get(f"/medewerkers/aanvragen/{new_id}").get_data(as_text=True)
    history = html[html.index('id="history-title"') :]
    assert "doorgestuurd" not in history and "98765432" not in history
    with database(app).sessions() as session:
        shown = session.scalars(recent_events(lead_id=new_id, without=("lead.view",))).all()
    assert shown == []


@pytest.mark.parametrize("how", ERASURES)
def test_erasure_removes_typed_text_from_the_audit_log_but_keeps_who_did_what(app, how):
    erased = make_lead(app, "utrecht")
    kept = make_lead(app, "utrecht")
    client, email = signed_in_client(app, werkplaats_id="utrecht")
    _reassign(client, erased, "fryslan", REASON)
    _reassign(client, kept, "fryslan", "Vestiging in Sneek")
    _erase(app, erased, how)

    events = _events(app, erased)
    assert [e.action for e in events] == ["lead.view", "lead.reassign"]
    reassign = events[-1]
    assert reassign.actor_email == email and reassign.at is not None
    assert reassign.detail == {"old": "utrecht", "new": "fryslan", "reason": "(verwijderd)"}
    everything = json.dumps([e.detail for e in _events(app)])
    assert "98765432" not in everything and "Jan de Vries" not in everything
    # Another lead's events are left as they were.
    other = next(e for e in _events(app, kept) if e.action == "lead.reassign")
    assert other.detail["reason"] == "Vestiging in Sneek"


def test_an_export_records_that_a_search_was_used_not_what_was_searched(app):
    make_lead(app, "utrecht", name="Jan Jansen")
    client, _ = signed_in_client(app)
    response = client.get("/medewerkers/aanvragen/export.csv?q=Jansen&status=new")
    assert response.status_code == 200 and "Jan Jansen" in response.get_data(as_text=True)
    (export,) = [e for e in _events(app) if e.action == "export"]
    assert export.detail == {
        "format": "csv",
        "rows": 1,
        "filters": {"status": "new", "q": "(zoekterm)"},
    }
    client.get("/medewerkers/aanvragen/export.csv?status=new")
    without = [e for e in _events(app) if e.action == "export"][-1]
    assert without.detail["filters"] == {"status": "new"}


def test_the_audit_log_is_kept_two_years_unless_set_otherwise():
    assert defaults("/tmp/instance")["AUDIT_RETENTION_DAYS"] == 730
    assert from_environment({"AUDIT_RETENTION_DAYS": "400"}) == {"AUDIT_RETENTION_DAYS": 400}


def test_purge_removes_old_audit_events_and_expired_staff_sessions(make_app):
    app = make_app(AUDIT_RETENTION_DAYS=100)
    user_id, email = make_user(app)
    now = utcnow()
    minute = timedelta(minutes=1)
    with database(app).sessions() as session:
        for days in (101, 99):
            session.add(
                AuditEvent(
                    at=now - timedelta(days=days),
                    actor_id=user_id,
                    actor_email=email,
                    action="auth.signin",
                    detail={"days": days},
                )
            )
        for key, created, seen in (
            ("too-old", ABSOLUTE_TIMEOUT + minute, minute),
            ("idle", timedelta(hours=1), IDLE_TIMEOUT + minute),
            ("alive", timedelta(hours=1), minute),
        ):
            session.add(
                StaffSession(
                    key_hash=key, user_id=user_id, created_at=now - created, last_seen_at=now - seen
                )
            )
        session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "1 audit event(s)" in dry.output and "2 expired staff session(s)" in dry.output
    assert len(_events(app)) == 2
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0 and "Removed:" in result.output, result.output
    assert [e.detail for e in _events(app)] == [{"days": 99}]
    with database(app).sessions() as session:
        assert list(session.scalars(select(StaffSession.key_hash))) == ["alive"]


def test_privacy_page_names_the_audit_logs_period(make_app):
    html = make_app(AUDIT_RETENTION_DAYS=730).test_client().get("/privacy").get_data(as_text=True)
    start = html.index('id="logboek"')
    section = html[start : html.index("</ul>", start)]
    for element in ("Wat we bewaren:", "Waarvoor:", "Grondslag:", "Hoe lang:"):
        assert element in section, element
    assert "2 jaar" in section
    days = make_app(AUDIT_RETENTION_DAYS=400).test_client().get("/privacy").get_data(as_text=True)
    assert "400 dagen" in days[days.index('id="logboek"') :]


def test_sqlite_tables_never_hand_out_an_id_twice(app):
    engine = database(app).engine
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL's identity columns never reuse a value
    with engine.connect() as connection:
        for table in ("leads", "audit_events"):
            sql = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
                {"name": table},
            ).scalar_one()
            assert "AUTOINCREMENT" in sql, table


def lead_at_0008(app, name: str) -> int:
    """Store a scan with a lead in the schema of revision 0008, in SQL: today's models hold
    columns that revision does not have."""
    now = utcnow()
    with database(app).engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO scans (token, status, bank_version, profile, answers, steps_done, "
                "created_at, updated_at, completed_at, werkplaats_id) VALUES (:token, "
                "'completed', 'oud', '{}', '{}', '[]', :now, :now, :now, 'utrecht')"
            ),
            {"token": f"token-{name}-" + "x" * 30, "now": now},
        )
        scan_id = connection.execute(
            text("SELECT id FROM scans WHERE token = :token"),
            {"token": f"token-{name}-" + "x" * 30},
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO leads (scan_id, werkplaats_id, name, company, email, "
                "consent_version, consent_at, status, created_at, search_text) VALUES (:scan, "
                "'utrecht', :name, 'Bedrijf', 'a@b.test', 'v', :now, 'new', :now, '')"
            ),
            {"scan": scan_id, "name": name, "now": now},
        )
        return connection.execute(
            text("SELECT id FROM leads WHERE scan_id = :scan"), {"scan": scan_id}
        ).scalar_one()


def test_migration_0009_keeps_every_row_scrubs_old_text_and_starts_past_erased_leads(fresh_app):
    app = fresh_app
    migrate(app, "0008")
    with database(app).sessions() as session:
        seed_werkplaatsen(session, app.extensions["scan.werkplaats_seeds"])
        session.commit()
    kept, erased = lead_at_0008(app, "kept"), lead_at_0008(app, "erased")
    now = utcnow()
    with database(app).sessions() as session:
        session.add(LeadNote(lead_id=kept, author_email="m@w.test", body="Gebeld."))
        # Raw SQL: the model has columns that later migrations add.
        session.execute(
            text(
                "INSERT INTO outbox (lead_id, recipient, subject, body, attempts, created_at)"
                " VALUES (:lead, 'w@w.test', 'Nieuw', '...', 0, :now)"
            ),
            {"lead": kept, "now": now},
        )

        def event(lead_id, action="lead.reassign", at=now, **detail):
            session.add(
                AuditEvent(
                    at=at, actor_email="m@w.test", action=action, lead_id=lead_id, detail=detail
                )
            )

        event(erased, old="utrecht", new="fryslan", reason=REASON)
        # A lead that had this id before the kept one, on SQLite: it predates the kept lead.
        event(kept, at=now - timedelta(days=3), old="utrecht", new="fryslan", reason=REASON)
        event(kept, old="utrecht", new="fryslan", reason="Vestiging in Sneek")
        event(None, action="export", format="csv", rows=1, filters={"q": "jansen", "route": "x"})
        session.commit()
        # Erased as the code before 0009 did: nothing touched the audit log.
        session.execute(delete(Scan).where(Scan.id == session.get(Lead, erased).scan_id))
        session.commit()

    upgrade_to_head(app)

    with database(app).sessions() as session:
        for model, rows in ((Lead, 1), (Scan, 1), (LeadNote, 1), (OutboxMail, 1)):
            assert session.scalar(select(func.count()).select_from(model)) == rows, model
        logged = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        details = [(e.lead_id, e.detail) for e in logged]
    assert details == [
        (erased, {"old": "utrecht", "new": "fryslan", "reason": "(verwijderd)"}),
        (None, {"old": "utrecht", "new": "fryslan", "reason": "(verwijderd)"}),
        (kept, {"old": "utrecht", "new": "fryslan", "reason": "Vestiging in Sneek"}),
        (None, {"format": "csv", "rows": 1, "filters": {"q": "(zoekterm)", "route": "x"}}),
    ]
    assert make_lead(app, "utrecht") > erased  # past every id the audit log names

    migrate(app, "0008", down=True)
    with database(app).sessions() as session:
        for model, rows in ((Lead, 2), (Scan, 2), (LeadNote, 1), (OutboxMail, 1)):
            assert session.scalar(select(func.count()).select_from(model)) == rows, model
    upgrade_to_head(app)


def test_purge_forgets_sign_in_counts_a_day_after_the_last_attempt(app):
    """The counts are keyed by HMACs, but they are about people: kept no longer than useful."""
    now = utcnow()
    with database(app).sessions() as session:
        for key, last, wait in (
            ("old", timedelta(days=2), -timedelta(minutes=1)),
            ("waiting", timedelta(days=2), timedelta(minutes=5)),  # a wait still running
            ("recent", timedelta(hours=1), -timedelta(minutes=1)),
        ):
            session.add(
                SigninDelay(
                    key=key,
                    account_key=key,
                    attempts=6,
                    not_before=now + wait,
                    updated_at=now - last,
                )
            )
        session.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert "1 sign-in count(s) older than a day" in result.output, result.output
    with database(app).sessions() as session:
        assert sorted(session.scalars(select(SigninDelay.key))) == ["recent", "waiting"]
