"""Retention: remove what is past its period (run daily from cron).

Leads, scans and drafts; sent mail; audit events past the log's own period; staff sessions
that have timed out; share links long ended. Erasing a lead also removes what staff typed about
it from the audit log. A scan's share links go with the scan (ON DELETE CASCADE).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, aliased

from .models import Lead, OutboxMail, Scan, ShareLink
from .records.benchmark import past_window
from .records.offer_models import Registration
from .staff.audit import remove_typed_text
from .staff.auth import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT
from .staff.models import AuditEvent, SigninDelay, StaffSession

#: How long a share link's row outlives its expiry (a withdrawn link's too, counted from the
#: expiry it had): until then its page says the link ended (410), after it "not found" (404).
SHARE_GRACE = timedelta(days=30)


@dataclass(frozen=True)
class Retention:
    """How many days each kind of record is kept."""

    lead_days: int
    scan_days: int
    draft_days: int
    audit_days: int

    def __post_init__(self) -> None:
        # Zero days would purge everything stored before this very moment.
        for field in fields(self):
            if getattr(self, field.name) < 1:
                raise ValueError(f"{field.name} must be at least 1 day")


@dataclass(frozen=True)
class Purged:
    """How many records a purge removed (or would remove)."""

    leads: int
    scans: int
    drafts: int
    mails: int
    audit_events: int
    sessions: int
    signin_delays: int = 0
    share_links: int = 0
    #: Scans that left the comparison with similar firms (issue 18), without being removed.
    past_benchmark: int = 0

    def __str__(self) -> str:
        return (
            f"{self.leads} lead(s) with their scans, {self.scans} completed scan(s) without a "
            f"lead, {self.drafts} unfinished draft(s), {self.mails} sent mail(s), "
            f"{self.audit_events} audit event(s) past the log's period, "
            f"{self.sessions} expired staff session(s), "
            f"{self.signin_delays} sign-in count(s) older than a day, "
            f"{self.share_links} share link(s) ended over {SHARE_GRACE.days} days ago; "
            f"{self.past_benchmark} scan(s) left the benchmark (completed over 24 months ago)"
        )


def purge(session: Session, retention: Retention, now: datetime, dry_run: bool = False) -> Purged:
    """Delete what is past retention; with dry_run only count it."""
    # A scan that a later re-scan was started from stays while that one stays: a chain's
    # retention counts from its newest scan (the rest follow at the next run).
    later = aliased(Scan)
    redone = Scan.token.in_(select(later.previous_token).where(later.previous_token.is_not(None)))
    lead_cutoff = now - timedelta(days=retention.lead_days)
    # A sign-up for a training extends its lead: the period counts from the newest (issue 20).
    signed_up = select(Registration.lead_id).where(Registration.created_at >= lead_cutoff)
    old_lead = (Lead.created_at < lead_cutoff) & Lead.id.not_in(signed_up)
    old_lead_scans = select(Lead.scan_id).where(old_lead).join(Scan).where(~redone)
    old_scans = (
        ~redone
        & (Scan.status == "completed")
        & (Scan.completed_at < now - timedelta(days=retention.scan_days))
        & Scan.id.not_in(select(Lead.scan_id))
    )
    old_drafts = (
        ~redone
        & (Scan.status == "draft")
        & (Scan.updated_at < now - timedelta(days=retention.draft_days))
    )
    # Delivered mail has no purpose left; its copy of the contact details goes after 30 days.
    old_mail = OutboxMail.sent_at < now - timedelta(days=30)
    old_events = AuditEvent.at < now - timedelta(days=retention.audit_days)
    # The sessions resume_session would refuse; a browser that never came back leaves them.
    expired = (StaffSession.created_at < now - ABSOLUTE_TIMEOUT) | (
        StaffSession.last_seen_at < now - IDLE_TIMEOUT
    )

    # Sign-in counts whose wait is over and that saw no attempt for a day: the next attempt
    # starts afresh anyway after MAX_DELAY; a day keeps a slow guesser's count.
    old_delays = (SigninDelay.not_before < now) & (SigninDelay.updated_at < now - timedelta(days=1))

    # An ended share link answers 410 ("verlopen") for a while, then its row goes; a link of
    # an erased or purged scan went with the scan already.
    ended_links = ShareLink.expires_at < now - SHARE_GRACE

    def count(model, condition) -> int:
        return session.scalar(select(func.count()).select_from(model).where(condition)) or 0

    counts = Purged(
        leads=count(Scan, Scan.id.in_(old_lead_scans)),
        scans=count(Scan, old_scans),
        drafts=count(Scan, old_drafts),
        mails=count(OutboxMail, old_mail),
        audit_events=count(AuditEvent, old_events),
        sessions=count(StaffSession, expired),
        signin_delays=count(SigninDelay, old_delays),
        share_links=count(ShareLink, ended_links),
        past_benchmark=count(Scan, past_window(now)),
    )
    if not dry_run:
        session.execute(delete(OutboxMail).where(old_mail))
        # A bulk delete passes the ORM's erasure hooks by, so the audit log is cleaned here.
        remove_typed_text(
            session.connection(), select(Lead.id).where(Lead.scan_id.in_(old_lead_scans))
        )
        # Deleting a scan deletes its lead and the lead's mail too (ON DELETE CASCADE).
        session.execute(delete(Scan).where(Scan.id.in_(old_lead_scans)))
        session.execute(delete(Scan).where(old_scans))
        session.execute(delete(Scan).where(old_drafts))
        session.execute(delete(AuditEvent).where(old_events))
        session.execute(delete(StaffSession).where(expired))
        session.execute(delete(SigninDelay).where(old_delays))
        session.execute(delete(ShareLink).where(ended_links))
        # The triggers uncount each (migration 0015); the scans it deleted were uncounted too.
        session.execute(update(Scan).where(past_window(now)).values(benchmarked=False))
    return counts
