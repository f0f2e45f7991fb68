"""Storing a lead once per scan and queueing the werkplaats's notification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from ..domain.contact import CONSENT_VERSION, Contact
from ..models import Lead, OutboxMail, Scan, utcnow


class LeadConflict(Exception):
    """The scan already has a lead with other details."""


def contact_of(lead: Lead) -> Contact:
    """Return the contact details stored in a lead."""
    return Contact(lead.name, lead.company, lead.email, lead.phone, lead.kvk, lead.message)


def existing_lead(scan: Scan, contact: Contact) -> Lead | None:
    """Return the scan's lead if it is this same request; raise LeadConflict if it differs."""
    if scan.lead is None:
        return None
    if contact_of(scan.lead).same_as(contact):
        return scan.lead
    raise LeadConflict


def weakest_theme(result: dict[str, Any]) -> str | None:
    """Return the theme with the lowest score in a stored result.

    Ties go to the theme of the advice shown first (a safety step, if there is one: they lead
    the list), then by theme id; by id alone, equal scores always said the same theme. A theme
    that was not measured has no score and is no candidate.
    """
    themes = {t: v for t, v in result.get("themes", {}).items() if v["score"] is not None}
    if not themes:  # none measured (or none stored)
        return None
    ranked = [advice["theme"] for advice in result.get("advice", [])]

    def rank(theme_id: str) -> int:
        return ranked.index(theme_id) if theme_id in ranked else len(ranked)

    return min(themes, key=lambda t: (themes[t]["score"], rank(t), t))


def search_text(contact: Contact) -> str:
    """Return what the inbox search looks through, lower-case."""
    parts = (contact.name, contact.company, contact.email, contact.kvk)
    return " ".join(p for p in parts if p).lower()


def add_lead(session: Session, scan: Scan, contact: Contact, now: datetime | None = None) -> Lead:
    """Add the lead of a completed scan, routed like the scan, with consent recorded."""
    moment = now or utcnow()
    result = scan.result or {}
    lead = Lead(
        scan=scan,
        werkplaats=scan.werkplaats,
        name=contact.name,
        company=contact.company,
        email=contact.email,
        phone=contact.phone,
        kvk=contact.kvk,
        message=contact.message,
        consent_version=CONSENT_VERSION,
        consent_at=moment,
        partner=scan.partner,
        created_at=moment,
        weakest_theme=weakest_theme(result),
        route=result.get("route"),
        overall_score=result.get("overall"),
        search_text=search_text(contact),
    )
    session.add(lead)
    session.flush()
    return lead


def queue_notification(session: Session, lead: Lead, body: str) -> OutboxMail | None:
    """Queue the e-mail to the werkplaats (or the national inbox) about a new lead."""
    recipient = (lead.werkplaats.email if lead.werkplaats else None) or current_app.config[
        "MAIL_NATIONAL_INBOX"
    ]
    if not recipient:
        current_app.logger.warning("no recipient for lead notifications: set MAIL_NATIONAL_INBOX")
        return None
    where = lead.werkplaats.name if lead.werkplaats else "de landelijke wachtrij"
    mail = OutboxMail(
        lead_id=lead.id,
        recipient=recipient,
        subject=f"Nieuwe aanvraag via de digitale scan voor {where}",
        body=body,
    )
    session.add(mail)
    session.flush()
    return mail
