"""The audit log: every view of contact details, every change and every export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from .models import AuditEvent, StaffUser
from .workflow import STATUSES

#: What each action code means, for the pages that show the log.
ACTION_LABELS = {
    "auth.signin": "ingelogd",
    "auth.failed": "inloggen mislukt",
    "auth.locked": "account geblokkeerd na te veel pogingen",
    "lead.view": "contactgegevens bekeken",
    "lead.note": "notitie toegevoegd",
    "lead.status": "status gewijzigd",
    "lead.reassign": "doorgestuurd naar een andere werkplaats",
    "export": "aanvragen geëxporteerd",
    "user.create": "account aangemaakt",
    "user.update": "account gewijzigd",
    "user.unlock": "account gedeblokkeerd",
    "werkplaats.create": "werkplaats toegevoegd",
    "werkplaats.update": "werkplaats gewijzigd",
}


def action_label(action: str) -> str:
    """Return the Dutch description of an audit action (the code itself if unknown)."""
    return ACTION_LABELS.get(action, action)


#: Dutch names of the detail keys that events store.
DETAIL_NAMES = {
    "format": "formaat",
    "rows": "rijen",
    "filters": "filters",
    "account": "account",
    "role": "rol",
    "code": "code",
    "reason": "reden",
}


def describe_detail(action: str, detail: dict[str, Any], werkplaats_names: dict[str, str]) -> str:
    """Say an event's details in Dutch, with names instead of codes ("Nieuw → Intake")."""
    parts = []
    if "old" in detail or "new" in detail:
        if action == "lead.status":
            names, nothing = STATUSES, "-"
        else:  # a reassignment: werkplaats ids; none is the national queue
            names, nothing = werkplaats_names, "landelijke wachtrij"
        old, new = detail.get("old"), detail.get("new")
        parts.append(
            f"{names.get(old, old) if old else nothing} → {names.get(new, new) if new else nothing}"
        )
    for key, value in detail.items():
        if key not in ("old", "new"):
            parts.append(f"{DETAIL_NAMES.get(key, key)}: {value}")
    return "; ".join(parts)


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


def recent_events(
    action: str | None = None, lead_id: int | None = None, without: tuple[str, ...] = ()
) -> Select:
    """Select audit events, newest first, optionally of one action or lead, or `without` some."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if without:
        query = query.where(AuditEvent.action.not_in(without))
    if lead_id is not None:
        query = query.where(AuditEvent.lead_id == lead_id)
    return query
