"""The audit log: every view of contact details, every change and every export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from .models import AuditEvent, StaffUser


def record(
    session: Session,
    actor: StaffUser | None,
    action: str,
    *,
    lead_id: int | None = None,
    werkplaats_id: str | None = None,
    actor_email: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event; the request's commit stores it with the change it describes."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else (actor_email or ""),
        action=action,
        lead_id=lead_id,
        werkplaats_id=werkplaats_id,
        detail=detail,
    )
    session.add(event)
    return event


def recent_events(action: str | None = None, lead_id: int | None = None) -> Select:
    """Select audit events, newest first, optionally of one action or lead."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if lead_id is not None:
        query = query.where(AuditEvent.lead_id == lead_id)
    return query
