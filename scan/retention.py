"""Retention: remove leads, scans and drafts past their period (run daily from cron)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .models import Lead, OutboxMail, Scan


@dataclass(frozen=True)
class Retention:
    """How many days each kind of record is kept."""

    lead_days: int
    scan_days: int
    draft_days: int


@dataclass(frozen=True)
class Purged:
    """How many records a purge removed (or would remove)."""

    leads: int
    scans: int
    drafts: int
    mails: int

    def __str__(self) -> str:
        return (
            f"{self.leads} lead(s) with their scans, {self.scans} completed scan(s) without a "
            f"lead, {self.drafts} unfinished draft(s), {self.mails} sent mail(s)"
        )


def purge(session: Session, retention: Retention, now: datetime, dry_run: bool = False) -> Purged:
    """Delete what is past retention; with dry_run only count it."""
    old_lead_scans = select(Lead.scan_id).where(
        Lead.created_at < now - timedelta(days=retention.lead_days)
    )
    old_scans = (
        (Scan.status == "completed")
        & (Scan.completed_at < now - timedelta(days=retention.scan_days))
        & Scan.id.not_in(select(Lead.scan_id))
    )
    old_drafts = (Scan.status == "draft") & (
        Scan.updated_at < now - timedelta(days=retention.draft_days)
    )
    # Delivered mail has no purpose left; its copy of the contact details goes after 30 days.
    old_mail = OutboxMail.sent_at < now - timedelta(days=30)

    def count(model, condition) -> int:
        return session.scalar(select(func.count()).select_from(model).where(condition)) or 0

    counts = Purged(
        leads=count(Scan, Scan.id.in_(old_lead_scans)),
        scans=count(Scan, old_scans),
        drafts=count(Scan, old_drafts),
        mails=count(OutboxMail, old_mail),
    )
    if not dry_run:
        session.execute(delete(OutboxMail).where(old_mail))
        # Deleting a scan deletes its lead and the lead's mail too (ON DELETE CASCADE).
        session.execute(delete(Scan).where(Scan.id.in_(old_lead_scans)))
        session.execute(delete(Scan).where(old_scans))
        session.execute(delete(Scan).where(old_drafts))
    return counts
