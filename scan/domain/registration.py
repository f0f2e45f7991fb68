"""Pure: check a sign-up for a session (web and API alike), with Dutch messages.

The contact fields are the contact form's (domain.contact): the same patterns, limits and
messages. The consent is a text of its own, naming the werkplaats that gives the session: it
receives the details and the scan result for the sign-up, which creates or extends the
scan's lead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .contact import Contact, field_error

#: Bump the version whenever the text below changes: every registration stores the version
#: it agreed to, and so does a lead that a sign-up created.
REGISTRATION_CONSENT_VERSION = "2026-12-12.aanmeld1"
_CONSENT = (
    "Ik geef toestemming dat {name} mijn gegevens en mijn scanresultaat gebruikt voor deze "
    "aanmelding en om contact met mij op te nemen over de training of het traject. Ik kan me "
    "afmelden met de link in de bevestiging, en mijn toestemming altijd intrekken met de link "
    "'Verwijder mijn gegevens' op mijn resultaatpagina, of met een e-mail aan het privacyadres "
    "op de privacypagina."
)
CONSENT_MISSING = (
    "Geef toestemming voor je aanmelding; anders kan de werkplaats je niet inschrijven."
)

FIELDS = ("name", "company", "email", "phone")
#: A session id is a positive integer that fits the database's INTEGER column.
MAX_ID = 2**31 - 1
SESSION_ERROR = (
    "Kies een bijeenkomst: een id uit GET /api/v1/werkplaatsen/{werkplaats_id}/sessions."
)
WAITING_ERROR = "Kies ja (true) of nee (false) voor de wachtlijst, of laat dit veld weg."


def registration_consent_text(werkplaats_name: str) -> str:
    """Return the consent sentence of a sign-up, naming the werkplaats that receives it."""
    return _CONSENT.format(name=werkplaats_name)


@dataclass(frozen=True)
class Registrant:
    """Who signs up, after every check, normalised as the contact form normalises."""

    name: str
    company: str
    email: str
    phone: str | None

    def same_as(self, other: Registrant) -> bool:
        """Tell whether two sign-ups are the same (e-mail compared case-blind)."""
        return (self.name, self.company, self.email.lower(), self.phone) == (
            other.name,
            other.company,
            other.email.lower(),
            other.phone,
        )

    @property
    def contact(self) -> Contact:
        """The same person as a lead's contact details (a sign-up asks no KvK or message)."""
        return Contact(self.name, self.company, self.email, self.phone, None, None)


def registrant_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Return the Dutch message of each contact field that is not valid."""
    return {name: m for name in FIELDS if (m := field_error(name, values.get(name)))}


def clean_registrant(values: Mapping[str, Any]) -> Registrant:
    """Normalise valid values: trimmed, runs of spaces made one, an empty phone as None."""

    def text(name: str) -> str:
        return " ".join(str(values.get(name) or "").split())

    return Registrant(text("name"), text("company"), text("email"), text("phone") or None)


def session_id(value: Any) -> int | None:
    """Read a session id: a positive integer in range (1.0 too, as JSON Schema counts it)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value) if 1 <= value <= MAX_ID else None


@dataclass(frozen=True)
class SignUp:
    """An API sign-up that passed every check."""

    session_id: int
    registrant: Registrant
    #: When the session is full: take a place on its waiting list instead of a 409.
    waiting_list: bool


def validate_sign_up(payload: Any) -> tuple[SignUp | None, dict[str, str]]:
    """Check an API payload; return the sign-up or the errors by field."""
    if not isinstance(payload, Mapping):
        return None, {"body": "Stuur een JSON-object met je aanmelding."}
    errors = registrant_errors(payload)
    chosen = session_id(payload.get("session"))
    if chosen is None:
        errors["session"] = SESSION_ERROR
    if payload.get("consent") is not True:
        errors["consent"] = CONSENT_MISSING
    waiting = payload.get("waiting_list", False)
    if not isinstance(waiting, bool):
        errors["waiting_list"] = WAITING_ERROR
    for key in payload:
        if key not in (*FIELDS, "session", "consent", "waiting_list"):
            errors[str(key)[:200]] = "Dit veld bestaat niet."
    if errors or chosen is None:
        return None, errors
    return SignUp(chosen, clean_registrant(payload), waiting is True), {}
