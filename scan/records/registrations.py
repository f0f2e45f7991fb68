"""Signing up for a session, the waiting list, cancelling, and the mails with their .ics.

A sign-up creates or extends the scan's lead (one lead per scan): the registration belongs to
the lead, so consent, retention and erasure follow the lead's. Places are counted under the
session's lock (records.offer.training_for_update), taken after the scan's: two sign-ups for
the last place count one after the other, and the second gets the waiting list or a "vol".
Every mail goes through the outbox; the caller commits, then sends (handover.try_to_send).
Data functions take a session and at most flush.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.calendar import calendar_text
from ..domain.offer import is_upcoming
from ..domain.registration import REGISTRATION_CONSENT_VERSION, Registrant
from ..mail import one_line
from ..models import Lead, OutboxMail, Scan
from .follow_ups import mail_link
from .handover import notification_body
from .leads import add_lead, queue_notification
from .offer import SessionView, calendar_event, count_taken, session_view
from .offer_models import CANCELLED, REGISTERED, WAITING, Registration, TrainingSession
from .scans import new_token


class SignUpRefused(Exception):
    """The session takes no sign-up now; `reason` is "full", "past", "cancelled" or "other".

    "other": this e-mail address is signed up for the session already, with other details.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def active_registration(session: Session, lead_id: int, training_id: int, email: str):
    """The lead's registration (a place or waiting) for a session with this e-mail address."""
    return session.scalar(
        select(Registration).where(
            Registration.lead_id == lead_id,
            Registration.training_id == training_id,
            Registration.status.in_((REGISTERED, WAITING)),
            func.lower(Registration.email) == email.lower(),
        )
    )


def sign_up(
    session: Session,
    scan: Scan,
    training: TrainingSession,
    registrant: Registrant,
    now: datetime,
    waiting_list: bool = False,
) -> tuple[Registration, bool]:
    """Sign someone up for a session; return (registration, created).

    Call it with the scan read for update and the session locked (training_for_update). The
    same sign-up again returns the stored registration (created False); the same address
    with other details, or a session that is cancelled, past or full (unless `waiting_list`)
    raises SignUpRefused. The lead is created when the scan has none, with this consent.
    """
    lead = scan.lead
    if lead is not None:
        found = active_registration(session, lead.id, training.id, registrant.email)
        if found is not None:
            if not registrant.same_as(_registrant_of(found)):
                raise SignUpRefused("other")
            return found, False
    if training.cancelled_at is not None:
        raise SignUpRefused("cancelled")
    if not is_upcoming(training.starts_at, now):
        raise SignUpRefused("past")
    full = count_taken(session, training.id) >= training.places
    if full and not waiting_list:
        raise SignUpRefused("full")
    created_lead = lead is None
    if lead is None:
        lead = add_lead(session, scan, registrant.contact, now)
        lead.consent_version = REGISTRATION_CONSENT_VERSION
    registration = Registration(
        training_id=training.id,
        lead_id=lead.id,
        token=new_token(),
        name=registrant.name,
        company=registrant.company,
        email=registrant.email,
        phone=registrant.phone,
        consent_version=REGISTRATION_CONSENT_VERSION,
        consent_at=now,
        status=WAITING if full else REGISTERED,
        created_at=now,
    )
    registration.training = training
    session.add(registration)
    session.flush()
    view = session_view(session, training)
    _queue_for_werkplaats(session, scan, lead, registration, view, created_lead)
    queue_mail(session, registration, view, "waiting" if full else "confirmed", now)
    return registration, True


def _registrant_of(registration: Registration) -> Registrant:
    return Registrant(
        registration.name, registration.company, registration.email, registration.phone
    )


def _queue_for_werkplaats(
    session: Session,
    scan: Scan,
    lead: Lead,
    registration: Registration,
    view: SessionView,
    created_lead: bool,
) -> None:
    """Tell the werkplaats: a new lead's notification, or a short mail for an extended one."""
    signed_up_for = one_line(f"{view.title} ({view.when})")
    if registration.status == WAITING:
        signed_up_for += " (wachtlijst)"
    if created_lead:
        queue_notification(session, lead, notification_body(scan, lead, signed_up_for))
        return
    recipient = view.training.werkplaats.email or current_app.config["MAIL_NATIONAL_INBOX"]
    if not recipient:
        return  # queue_notification warned about the missing inbox when the lead was made
    body = render_template(
        "mail/registration_staff.txt",
        registration=registration,
        name=one_line(registration.name),
        company=one_line(registration.company),
        signed_up_for=signed_up_for,
        lead_id=lead.id,
    )
    session.add(
        OutboxMail(
            lead_id=lead.id,
            recipient=recipient,
            subject="Nieuwe aanmelding via de digitale scan",
            body=body,
        )
    )


#: The subject of each mail to a participant; the title follows it.
SUBJECTS = {
    "confirmed": "Je bent aangemeld",
    "waiting": "Je staat op de wachtlijst",
    "promoted": "Er is een plek vrij: je bent aangemeld",
    "changed": "Gewijzigd",
    "cancelled": "Gaat niet door",
}


def queue_mail(
    session: Session, registration: Registration, view: SessionView, kind: str, now: datetime
) -> OutboxMail:
    """Put a mail to a participant in the outbox: one of SUBJECTS, with its .ics if dated.

    The .ics goes with a place (confirmed, promoted, changed) and with a cancellation of a
    place; a waiting list has no date to put in a calendar yet.
    """
    training = view.training
    cancel_url = mail_link("agenda.registration_page", token=registration.token)
    ics = None
    with_date = kind != "waiting" and not (kind == "cancelled" and registration.status == WAITING)
    if training.starts_at is not None and with_date:
        domain = urlsplit(cancel_url).hostname or "localhost"
        event = calendar_event(view, domain, cancel_url, _event_text(training, cancel_url))
        ics = calendar_text([event], now)
    werkplaats = training.werkplaats
    body = render_template(
        "mail/registration.txt",
        kind=kind,
        name=one_line(registration.name),
        title=one_line(training.title),
        when=view.when,
        place=one_line(view.place),
        online=training.online,
        price=view.price,
        description_lines=[one_line(line) for line in training.description.splitlines()],
        werkplaats=one_line(werkplaats.name),
        website=werkplaats.website,
        cancel_url=cancel_url,
        with_ics=ics is not None,
    )
    mail = OutboxMail(
        lead_id=registration.lead_id,
        recipient=registration.email,
        subject=f"{SUBJECTS[kind]}: {training.title}"[:200],
        body=body,
        ics=ics,
        created_at=now,
    )
    session.add(mail)
    return mail


def _event_text(training: TrainingSession, cancel_url: str) -> str:
    parts = [training.description] if training.description else []
    if training.online:
        parts.append(f"{training.werkplaats.name} stuurt je de link om mee te doen.")
    parts.append(f"Afmelden: {cancel_url}")
    return "\n\n".join(parts)


def find_registration(session: Session, token: str) -> Registration | None:
    """Return the registration behind a mail's cancel link, or None."""
    if not 20 <= len(token) <= 64:
        return None
    return session.scalar(select(Registration).where(Registration.token == token))


def cancel_registration(session: Session, registration: Registration, now: datetime) -> None:
    """Cancel a sign-up (its session locked by the caller): the place goes to the waiting list.

    Cancelling twice changes nothing.
    """
    if registration.status == CANCELLED:
        return
    held_place = registration.status == REGISTERED
    registration.status = CANCELLED
    registration.cancelled_at = now
    session.flush()
    if held_place:
        fill_places(session, registration.training, now)


def fill_places(session: Session, training: TrainingSession, now: datetime) -> list[Registration]:
    """Give free places to the waiting list, first come first served; mail each one.

    Call it with the session locked. Only while one may still sign up: a place freed after
    the start helps nobody.
    """
    if training.cancelled_at is not None or not is_upcoming(training.starts_at, now):
        return []
    free = training.places - count_taken(session, training.id)
    if free <= 0:
        return []
    waiting = session.scalars(
        select(Registration)
        .where(Registration.training_id == training.id, Registration.status == WAITING)
        .order_by(Registration.id)
        .limit(free)
    ).all()
    for registration in waiting:
        registration.status = REGISTERED
    session.flush()
    view = session_view(session, training)
    for registration in waiting:
        queue_mail(session, registration, view, "promoted", now)
    return list(waiting)


def tell_participants(session: Session, training: TrainingSession, kind: str, now: datetime) -> int:
    """Mail everyone with a place or on the waiting list about a change or a cancellation."""
    rows = session.scalars(
        select(Registration).where(
            Registration.training_id == training.id,
            Registration.status.in_((REGISTERED, WAITING)),
        )
    ).all()
    view = session_view(session, training)
    for registration in rows:
        if kind == "changed" and registration.status == WAITING:
            continue  # no place, no date in their calendar to change
        queue_mail(session, registration, view, kind, now)
    return len(rows)
