"""The werkplaatsen's offer in the API's words: sessions (no personal data), and the schema
of a sign-up made from the checks that judge it (domain.registration, domain.contact).

Apart from offer.py so that the result document (views.py) and the OpenAPI document
(schema.py) can use them without the view modules importing each other.
"""

from __future__ import annotations

from typing import Any

from ..db import get_session
from ..domain.contact import LIMITS, PATTERNS
from ..domain.offer import KINDS_WITH_SESSIONS
from ..domain.registration import FIELDS, MAX_ID
from ..models import Scan, utcnow
from ..records.offer import SessionView, iso_moment, sessions_for_advice
from ..records.results import werkplaats_view


def session_document(view: SessionView) -> dict[str, Any]:
    """Describe a session as the API publishes it: no personal data."""
    training = view.training
    return {
        "id": training.id,
        "title": training.title,
        "start": iso_moment(training.starts_at),
        "end": iso_moment(training.ends_at),
        "place": None if training.online else training.address,
        "online": training.online,
        "places_left": view.places_left,
        "price_cents": training.price_cents,
        "advice": list(view.advice),
    }


def advice_sessions(scan: Scan, advice: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Per advice id of a result document, its `sessions` (one query for all of them)."""
    werkplaats = werkplaats_view(scan.werkplaats, scan.distance_km)
    if werkplaats is None:
        return {}
    wanted = [item["id"] for item in advice if item["kind"] in KINDS_WITH_SESSIONS]
    found = sessions_for_advice(get_session(), werkplaats.id, wanted, utcnow(), werkplaats.is_far)
    return {advice_id: [session_document(v) for v in views] for advice_id, views in found.items()}


def registration_request_schema() -> dict[str, Any]:
    """RegistrationRequest: the sign-up's fields with the patterns and limits that check them."""
    properties: dict[str, Any] = {
        name: {
            "type": ["string", "null"] if name == "phone" else "string",
            "maxLength": LIMITS[name],
            "pattern": PATTERNS[name],
        }
        for name in FIELDS
    }
    properties["email"]["description"] = "Like naam@bedrijf.nl; the confirmation goes here"
    properties["phone"]["description"] = (
        "10 to 15 digits; spaces, brackets, dots or dashes between; a + first"
    )
    properties["session"] = {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_ID,
        "description": (
            "A session id of the scan's werkplaats (GET /werkplaatsen/{werkplaats_id}/sessions)"
        ),
    }
    properties["consent"] = {
        "const": True,
        "description": "Explicit consent that the werkplaats giving the session receives these "
        "details and the scan result for the sign-up; the consent text's version and the time "
        "are stored",
    }
    properties["waiting_list"] = {
        "type": "boolean",
        "default": False,
        "description": "When the session is full: a place on its waiting list (status "
        "'waiting') instead of a 409",
    }
    return {
        "type": "object",
        "description": (
            "Text fields refuse control characters; spaces around a value are trimmed when "
            "it is stored. The phone number may be null, empty or left out."
        ),
        "required": ["session", "name", "company", "email", "consent"],
        "additionalProperties": False,
        "properties": properties,
    }
