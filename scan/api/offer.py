"""JSON API v1 for the werkplaatsen's offer: their sessions, and signing up from a scan.

`GET /werkplaatsen/<id>/sessions` lists the coming sessions without personal data;
`POST /scans/<token>/registrations` signs up for one of the scan's werkplaats, as the
result page's "Meld je aan" does (records.registrations), and answers 201, the same sign-up
again 200, a session that is full, past or cancelled 409, bad fields 422 per field.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..db import get_session
from ..domain.registration import validate_sign_up
from ..models import Werkplaats, utcnow
from ..records.handover import try_to_send
from ..records.offer import (
    agenda,
    session_view,
    training_for_update,
)
from ..records.offer_models import WAITING
from ..records.registrations import SignUpRefused, active_registration, sign_up
from ..records.results import werkplaats_view
from ..web import rate_wait
from .sessions import session_document
from .views import _errors, _too_many, completed_scan_request, werkplaats_document

bp = Blueprint("api_offer", __name__, url_prefix="/api/v1")

#: What a 409 says, per reason a session takes no sign-up.
REFUSALS = {
    "full": 'Deze bijeenkomst is vol. Stuur "waiting_list": true voor een plek op de wachtlijst.',
    "past": "Deze bijeenkomst is al begonnen of geweest.",
    "cancelled": "Deze bijeenkomst gaat niet door: de werkplaats heeft hem geannuleerd.",
    "other": (
        "Met dit e-mailadres is al iemand aangemeld voor deze bijeenkomst, met andere gegevens."
    ),
    "no_werkplaats": (
        "Deze scan hoort bij geen werkplaats (geen postcode, of geen actieve werkplaats), dus "
        "er zijn geen bijeenkomsten om je voor aan te melden."
    ),
}


@bp.get("/werkplaatsen/<werkplaats_id>/sessions")
def werkplaats_sessions(werkplaats_id: str):
    """List a werkplaats's coming sessions (no personal data), by date."""
    session = get_session()
    werkplaats = session.get(Werkplaats, werkplaats_id) if len(werkplaats_id) <= 40 else None
    if werkplaats is None:
        return _errors({"werkplaats": "Deze werkplaats bestaat niet."}, 404)
    return jsonify([session_document(v) for v in agenda(session, werkplaats.id, utcnow())])


@bp.post("/scans/<token>/registrations")
def create_registration(token: str):
    """Sign up for a session of the scan's werkplaats; creates or extends the scan's lead."""
    scan, _payload, signup, problem = completed_scan_request(token, validate_sign_up)
    if problem or signup is None:
        return problem
    if scan.werkplaats_id is None:
        return _errors({"session": REFUSALS["no_werkplaats"]}, 409)
    session = get_session()
    training = training_for_update(session, signup.session_id)
    if training is None or training.werkplaats_id != scan.werkplaats_id:
        return _errors({"session": "Deze bijeenkomst is er niet bij de werkplaats van je scan."})
    registrant = signup.registrant
    repeat = scan.lead is not None and active_registration(
        session, scan.lead.id, training.id, registrant.email
    )
    if not repeat and (wait := rate_wait("lead")) is not None:
        return _too_many(wait)
    try:
        registration, created = sign_up(
            session, scan, training, registrant, utcnow(), signup.waiting_list
        )
    except SignUpRefused as refused:
        return _errors({"session": REFUSALS[refused.reason]}, 409)
    session.commit()
    try_to_send()
    body = {
        "status": "waiting" if registration.status == WAITING else "registered",
        "session": session_document(session_view(session, training)),
        "werkplaats": werkplaats_document(werkplaats_view(scan.werkplaats, scan.distance_km)),
    }
    return jsonify(body), (201 if created else 200)
