"""The lead hand-over shared by the web form and the API: store once, notify, send."""

from __future__ import annotations

import logging

from flask import current_app, render_template
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import get_session
from ..domain.contact import Contact
from ..loading import current_bank, current_catalogue
from ..mail import one_line, send_pending
from ..models import Lead, Scan
from .follow_ups import add_reminder, reminder_of
from .leads import LeadConflict, add_lead, existing_lead, queue_notification
from .results import present_result
from .scans import find_scan

logger = logging.getLogger("scan.leads")


def store_lead(scan: Scan, contact: Contact, follow_up: bool = False) -> tuple[Lead, bool]:
    """Store the scan's lead once and queue its notification; return (lead, created).

    `scan` was read with scan_or_404(token, for_update=True): under its lock, the werkplaats
    (a postcode change cannot slip between) and a lead that a repeat of this request (a
    double click) stored already are what the last commit left. A repeat returns the stored
    lead; other details for a scan that already has a lead raise LeadConflict. `follow_up`:
    the ondernemer also ticked the reminder box; its consent is stored with the lead, and a
    repeat with the other choice is another request (LeadConflict), never a silent change.
    """
    session = get_session()
    try:
        lead = _repeated(session, scan, contact, follow_up)
        if lead is not None:
            return lead, False
        lead = add_lead(session, scan, contact)
    except IntegrityError:
        # Another request stored this scan's lead between our check and our insert.
        session.rollback()
        scan = find_scan(session, scan.token) or scan
        lead = _repeated(session, scan, contact, follow_up)
        if lead is None:
            raise LeadConflict from None
        return lead, False
    if follow_up:
        add_reminder(session, lead, current_app.config["FOLLOW_UP_DAYS"], lead.consent_at)
    queue_notification(session, lead, notification_body(scan, lead))
    session.commit()
    try_to_send()
    return lead, True


def _repeated(session: Session, scan: Scan, contact: Contact, follow_up: bool) -> Lead | None:
    """The stored lead if this request repeats it (None: no lead yet); else LeadConflict."""
    lead = existing_lead(scan, contact)
    if lead is not None and (reminder_of(session, lead.id) is not None) != follow_up:
        raise LeadConflict
    return lead


def notification_body(scan: Scan, lead: Lead, signed_up_for: str | None = None) -> str:
    """Render the mail to the werkplaats about a lead, with every stored value in its place.

    `signed_up_for`: the lead came with a sign-up for this session (one line, issue 20).
    """
    result = present_result(scan, current_bank(), current_catalogue())
    werkplaats = result.werkplaats
    # One-line values are made one line here, whatever the checks before let through: a line
    # break in a name must not start a line that poses as a field ("E-mail: ...") of the mail.
    contact = {
        "name": one_line(lead.name),
        "company": one_line(lead.company),
        "email": one_line(lead.email),
        "phone": one_line(lead.phone),
        "kvk": one_line(lead.kvk),
        "partner": one_line(lead.partner),
        "postcode": one_line(scan.profile.get("postcode")),
    }
    return render_template(
        "mail/lead.txt",
        lead=lead,
        contact=contact,
        werkplaats_name=one_line(werkplaats.name) if werkplaats else None,
        werkplaats_city=one_line(werkplaats.city) if werkplaats else None,
        distance=werkplaats.distance_text if werkplaats else "",
        # The free text keeps its lines, each indented by the template under its own heading.
        message_lines=[one_line(line) for line in (lead.message or "").splitlines()],
        result=result,
        signed_up_for=signed_up_for,
    )


def try_to_send() -> None:
    """Send the outbox now if the mail server answers; otherwise cron retries it later."""
    try:
        send_pending(current_app, get_session(), limit=10)
    except Exception:  # noqa: BLE001 - the lead is stored; mail must never break the request
        logger.exception("sending the outbox failed; it stays queued")
        get_session().rollback()
