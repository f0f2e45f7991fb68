"""The lead hand-over shared by the web form and the API: store once, notify, send."""

from __future__ import annotations

import logging

from flask import current_app, render_template
from sqlalchemy.exc import IntegrityError

from ..db import get_session
from ..domain.contact import Contact
from ..loading import current_bank, current_catalogue
from ..mail import send_pending
from ..models import Lead, Scan
from .leads import LeadConflict, add_lead, existing_lead, queue_notification
from .results import present_result
from .scans import find_scan

logger = logging.getLogger("scan.leads")


def store_lead(scan: Scan, contact: Contact) -> tuple[Lead, bool]:
    """Store the scan's lead once and queue its notification; return (lead, created).

    `scan` was read with scan_or_404(token, for_update=True): under its lock, the werkplaats
    (a postcode change cannot slip between) and a lead that a repeat of this request (a
    double click) stored already are what the last commit left. A repeat returns the stored
    lead; other details for a scan that already has a lead raise LeadConflict.
    """
    session = get_session()
    try:
        lead = existing_lead(scan, contact)
        if lead is not None:
            return lead, False
        lead = add_lead(session, scan, contact)
    except IntegrityError:
        # Another request stored this scan's lead between our check and our insert.
        session.rollback()
        scan = find_scan(session, scan.token) or scan
        lead = existing_lead(scan, contact)
        if lead is None:
            raise LeadConflict from None
        return lead, False
    result = present_result(scan, current_bank(), current_catalogue())
    body = render_template(
        "mail/lead.txt",
        lead=lead,
        werkplaats=result.werkplaats,
        distance=result.werkplaats.distance_text if result.werkplaats else "",
        postcode=scan.profile.get("postcode"),
        result=result,
    )
    queue_notification(session, lead, body)
    session.commit()
    _try_to_send()
    return lead, True


def _try_to_send() -> None:
    """Send the outbox now if the mail server answers; otherwise cron retries it later."""
    try:
        send_pending(current_app, get_session(), limit=10)
    except Exception:  # noqa: BLE001 - the lead is stored; mail must never break the request
        logger.exception("sending the outbox failed; it stays queued")
        get_session().rollback()
