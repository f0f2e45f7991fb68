"""Reminders and invitations to do the scan again: stored with their consent, mailed once.

A reminder is the ondernemer's own request (the second box of the contact form, a consent of
its own whose text version and time are stored), due FOLLOW_UP_DAYS later; an invitation is
sent at once by werkplaats staff from the lead's page. Both go out through the outbox with a
link that starts a pre-filled re-scan and a one-click unsubscribe link, keyed by the
follow-up's own token: a mail never holds the key to the result. Erasing the lead (or any scan
of its chain) erases them. Data functions take a session and at most flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from ..db import begin_write
from ..domain.contact import FOLLOW_UP_CONSENT_VERSION
from ..mail import one_line
from ..models import FollowUp, Lead, OutboxMail, Scan, utcnow
from ..web import date_nl, local
from .rescans import chain
from .scans import new_token

REMINDER = "reminder"
INVITATION = "invitation"
#: Reminders queued per transaction by the daily run.
BATCH = 100
#: A second press of the invite button within this time is the same click, not a second mail.
INVITE_REPEAT = timedelta(minutes=10)


def add_reminder(session: Session, lead: Lead, days: int, now: datetime | None = None) -> FollowUp:
    """Add the reminder a new lead asked for: its consent now, due `days` later."""
    moment = now or utcnow()
    reminder = FollowUp(
        lead_id=lead.id,
        kind=REMINDER,
        token=new_token(),
        consent_version=FOLLOW_UP_CONSENT_VERSION,
        consent_at=moment,
        due_at=moment + timedelta(days=days),
        created_at=moment,
    )
    session.add(reminder)
    session.flush()
    return reminder


def reminder_of(session: Session, lead_id: int) -> FollowUp | None:
    """Return the reminder a lead asked for, if it did (withdrawn or not)."""
    return session.scalar(
        select(FollowUp).where(FollowUp.lead_id == lead_id, FollowUp.kind == REMINDER).limit(1)
    )


def find_follow_up(session: Session, token: str) -> FollowUp | None:
    """Return the follow-up behind a mail's token, or None (also for impossible shapes)."""
    if not 20 <= len(token) <= 64:
        return None
    return session.scalar(select(FollowUp).where(FollowUp.token == token))


def due_reminders(now: datetime) -> Select[FollowUp]:
    """Select the reminders due by `now` that were neither sent nor withdrawn, oldest first."""
    return (
        select(FollowUp)
        .where(
            FollowUp.kind == REMINDER,
            FollowUp.sent_at.is_(None),
            FollowUp.withdrawn_at.is_(None),
            FollowUp.due_at <= now,
        )
        .order_by(FollowUp.due_at, FollowUp.id)
    )


def queue_due_reminders(session: Session, now: datetime, limit: int = BATCH) -> int:
    """Queue the mail of at most `limit` due reminders, each once; return how many.

    The first statement of the session's transaction; commit it right after. The mail and the
    reminder's sent_at are written in that one transaction, under a lock: on SQLite the write
    lock (begin_write), on PostgreSQL the rows (FOR UPDATE; SKIP LOCKED leaves the rows a
    concurrent run holds to that run). So two runs at once never queue one reminder twice.
    """
    begin_write(session)
    due = session.scalars(
        due_reminders(now)
        .limit(limit)
        .options(joinedload(FollowUp.lead, innerjoin=True))
        .with_for_update(of=FollowUp, skip_locked=True)
    ).all()
    for reminder in due:
        _queue_mail(session, reminder, now)
    session.flush()
    return len(due)


def invite(session: Session, lead: Lead, now: datetime | None = None) -> FollowUp | None:
    """Add a staff invitation and queue its mail at once.

    None when the ondernemer unsubscribed from these mails, or when an invitation went out
    within INVITE_REPEAT (a double click). Call it after begin_write: the lead's row is
    locked here on PostgreSQL, so two presses at once send one mail.
    """
    moment = now or utcnow()
    session.execute(select(Lead.id).where(Lead.id == lead.id).with_for_update())
    blocked = session.scalar(
        select(FollowUp.id)
        .where(FollowUp.lead_id == lead.id)
        .where(
            FollowUp.withdrawn_at.is_not(None)
            | ((FollowUp.kind == INVITATION) & (FollowUp.created_at > moment - INVITE_REPEAT))
        )
        .limit(1)
    )
    if blocked is not None:
        return None
    invitation = FollowUp(
        lead_id=lead.id, kind=INVITATION, token=new_token(), due_at=moment, created_at=moment
    )
    invitation.lead = lead
    session.add(invitation)
    _queue_mail(session, invitation, moment)
    session.flush()
    return invitation


def withdraw(session: Session, follow_up: FollowUp, now: datetime | None = None) -> None:
    """Stop every mail about doing the scan again to this lead: the consent is withdrawn.

    "Afmelden" in any of these mails means no more of them, so the lead's other follow-ups
    (a reminder still due after an invitation) are withdrawn too. Doing it twice changes
    nothing: the first moment stays.
    """
    moment = now or utcnow()
    rows = session.scalars(
        select(FollowUp).where(
            FollowUp.lead_id == follow_up.lead_id, FollowUp.withdrawn_at.is_(None)
        )
    )
    for row in rows:
        row.withdrawn_at = moment
    session.flush()


def newest_scan(session: Session, lead: Lead) -> Scan:
    """Return the newest completed scan of the lead's chain: where a re-scan starts from."""
    completed = [s for s in chain(session, lead.scan) if s.is_completed]
    if not completed:  # a lead's scan is always completed; a chain has it at least
        return lead.scan
    return max(completed, key=lambda s: (local(s.completed_at or s.created_at), s.id))


@dataclass(frozen=True)
class FollowUpState:
    """What the lead's page says about reminders and invitations."""

    reminder: FollowUp | None
    last_invitation: FollowUp | None
    #: When the ondernemer unsubscribed from these mails (None: never).
    withdrawn_at: datetime | None


def follow_up_state(session: Session, lead_id: int) -> FollowUpState:
    """Return the lead's reminder, its last invitation and whether the ondernemer unsubscribed."""
    rows = session.scalars(
        select(FollowUp).where(FollowUp.lead_id == lead_id).order_by(FollowUp.id)
    ).all()
    invitations = [r for r in rows if r.kind == INVITATION]
    return FollowUpState(
        reminder=next((r for r in rows if r.kind == REMINDER), None),
        last_invitation=invitations[-1] if invitations else None,
        withdrawn_at=next((r.withdrawn_at for r in rows if r.withdrawn_at), None),
    )


def _queue_mail(session: Session, follow_up: FollowUp, now: datetime) -> OutboxMail:
    """Put the follow-up's mail in the outbox and mark it sent: sent once, retried by the outbox."""
    lead = follow_up.lead
    unsubscribe_url = mail_link("follow_up.unsubscribe_page", token=follow_up.token)
    werkplaats = lead.werkplaats.name if lead.werkplaats else None
    invitation = follow_up.kind == INVITATION
    # Straight from the Jinja environment: cron renders it outside any request, where the
    # page context processors (the journey's layout) have nothing to read.
    body = current_app.jinja_env.get_template("mail/follow_up.txt").render(
        invitation=invitation,
        # One line each: a line break in a stored value must not start a line of its own.
        name=one_line(lead.name),
        werkplaats=one_line(werkplaats) if werkplaats else None,
        scan_date=date_nl(newest_scan(session, lead).completed_at),
        consent_date=date_nl(follow_up.consent_at),
        rescan_url=mail_link("follow_up.rescan_page", token=follow_up.token),
        unsubscribe_url=unsubscribe_url,
    )
    # Short and without a name in it: a long subject is folded, and the body says who sends.
    word = "Uitnodiging" if invitation else "Herinnering"
    subject = f"{word}: doe de digitale scan opnieuw"
    mail = OutboxMail(
        lead_id=lead.id,
        recipient=lead.email,
        subject=subject,
        body=body,
        unsubscribe_url=unsubscribe_url,
        created_at=now,
    )
    session.add(mail)
    # Sent means handed to the outbox: it retries until the mail server takes it, and this
    # follow-up never makes a second mail.
    follow_up.sent_at = now
    return mail


def mail_link(endpoint: str, **values: str) -> str:
    """An absolute link for a mail: on PUBLIC_URL when set, else on the request's host.

    Cron sends reminders outside any request, where only PUBLIC_URL (or Flask's SERVER_NAME)
    can say the host.
    """
    base = current_app.config["PUBLIC_URL"]
    if not base:
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
