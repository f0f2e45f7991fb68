"""The audit log: every view of contact details, every change and every export.

The log outlives the leads it is about, so it keeps who did what and when, never what an
ondernemer could be recognised by: an export records that a search was used, not the search
text, and erasing a lead removes whatever staff typed about it (see remove_typed_text).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, event, select, update
from sqlalchemy.orm import Mapper, Session

from ..models import Lead, Scan
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
    "lead.invite": "uitgenodigd om de scan opnieuw te doen",
    "export": "aanvragen geëxporteerd",
    "user.create": "account aangemaakt",
    "user.update": "account gewijzigd",
    "user.unlock": "inlogvertraging opgeheven",
    "werkplaats.create": "werkplaats toegevoegd",
    "werkplaats.update": "werkplaats gewijzigd",
    "offer.create": "bijeenkomst toegevoegd",
    "offer.update": "bijeenkomst gewijzigd",
    "offer.cancel": "bijeenkomst geannuleerd",
    "offer.view": "deelnemerslijst bekeken",
    "offer.export": "deelnemerslijst geëxporteerd",
    "offer.attendance": "aanwezigheid bijgewerkt",
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
    "training": "bijeenkomst",
    "mailed": "gemaild",
    "present": "aanwezig",
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


#: Detail keys that hold codes (a status, a werkplaats id), never text someone typed.
CODED_DETAIL = frozenset({"old", "new"})
#: Stands in for what staff typed about a lead once the lead is erased: there was text, no more.
REMOVED = "(verwijderd)"
#: Stands in for an export's search text, which is often a name: a search was used, no more.
SEARCH_USED = "(zoekterm)"


def without_typed_text(detail: dict[str, Any]) -> dict[str, Any]:
    """Return an event's detail with every value but the codes replaced by REMOVED."""
    return {key: value if key in CODED_DETAIL else REMOVED for key, value in detail.items()}


def remove_typed_text(connection: Connection, lead_ids: Select[int] | list[int]) -> None:
    """Remove what staff typed from these leads' audit events; who did what, and when, stays."""
    events = connection.execute(
        select(AuditEvent.id, AuditEvent.detail).where(AuditEvent.lead_id.in_(lead_ids))
    ).all()
    for event_id, detail in events:
        cleaned = without_typed_text(detail)
        if cleaned != detail:
            connection.execute(
                update(AuditEvent).where(AuditEvent.id == event_id).values(detail=cleaned)
            )


# Erasure by the ondernemer (result page or API) deletes the scan through the ORM, and the lead
# goes with it by ON DELETE CASCADE. These hooks run in that flush, so no way of erasing can
# forget the audit log; the retention purge deletes in bulk, unseen by them, and calls
# remove_typed_text itself.
@event.listens_for(Scan, "before_delete")
def _erasing_a_scan(_mapper: Mapper, connection: Connection, scan: Scan) -> None:
    remove_typed_text(connection, select(Lead.id).where(Lead.scan_id == scan.id))


@event.listens_for(Lead, "before_delete")
def _erasing_a_lead(_mapper: Mapper, connection: Connection, lead: Lead) -> None:
    remove_typed_text(connection, [lead.id])


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
