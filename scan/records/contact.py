"""Pure: check the contact form of a lead (web and API alike), with Dutch messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Bump the version whenever a text below changes: every lead stores the version it agreed to.
#: 2026-11-28.2: the sentence names who receives the details (a werkplaats, which may pass the
#: request on to another, or the national coordinator who passes it on); before, it said
#: "de Digitale Werkplaats" for both.
#: 2026-12-04.1: says that consent can be withdrawn at any time, and how.
CONSENT_VERSION = "2026-12-04.1"
#: The last sentence of every consent text: withdrawing is as easy as giving (AVG art. 7).
WITHDRAW = (
    "Ik kan mijn toestemming altijd intrekken: met de link 'Verwijder mijn gegevens' op mijn "
    "resultaatpagina, of met een e-mail aan het privacyadres op de privacypagina."
)
#: Shown only when the recipient cannot be known (the database is down).
CONSENT_TEXT = (
    "Ik geef toestemming dat de Digitale Werkplaats mijn contactgegevens en mijn scanresultaat "
    "gebruikt om contact met mij op te nemen over mijn vraag. " + WITHDRAW
)
_CONSENT_WERKPLAATS = (
    "Ik geef toestemming dat {name} mijn contactgegevens en mijn scanresultaat gebruikt om "
    "contact met mij op te nemen over mijn vraag. Past een andere Digitale Werkplaats beter, "
    "dan mag {name} mijn vraag daarheen doorsturen. " + WITHDRAW
)
_CONSENT_NATIONAL = (
    "Ik geef toestemming dat een landelijke coördinator van de Digitale Werkplaatsen mijn "
    "contactgegevens en mijn scanresultaat doorstuurt naar een werkplaats, en dat die "
    "werkplaats ze gebruikt om contact met mij op te nemen over mijn vraag. " + WITHDRAW
)


def consent_text(werkplaats_name: str | None) -> str:
    """Return the consent sentence naming who receives the details (None: national queue)."""
    if werkplaats_name is None:
        return _CONSENT_NATIONAL
    return _CONSENT_WERKPLAATS.format(name=werkplaats_name)


EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")
PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-.]+$")

FIELDS = ("name", "company", "email", "phone", "kvk", "message")
LIMITS = {"name": 120, "company": 160, "email": 254, "phone": 40, "kvk": 20, "message": 1000}


@dataclass(frozen=True)
class Contact:
    """Contact details that passed every check, normalised."""

    name: str
    company: str
    email: str
    phone: str | None
    kvk: str | None
    message: str | None

    def same_as(self, other: Contact) -> bool:
        """Tell whether two submissions are the same request (e-mail compared case-blind)."""
        mine = (self.name, self.company, self.email.lower(), self.phone, self.kvk, self.message)
        theirs = (
            other.name,
            other.company,
            other.email.lower(),
            other.phone,
            other.kvk,
            other.message,
        )
        return mine == theirs


def _text(value: Any) -> str | None:
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) if "\n" not in value else value.strip()


def field_error(name: str, value: Any) -> str | None:
    """Return a Dutch message when one field of the contact form is not valid, else None."""
    text = _text(value)
    if text is None:
        return "Vul dit in als tekst."
    if len(text) > LIMITS[name]:
        return f"Gebruik hoogstens {LIMITS[name]} tekens."
    if name == "name" and not text:
        return "Vul je naam in."
    if name == "company" and not text:
        return "Vul de naam van je bedrijf in."
    if name == "email":
        if not text:
            return "Vul je e-mailadres in, zodat de werkplaats je kan bereiken."
        if not EMAIL.match(text):
            return "Vul een e-mailadres in zoals naam@bedrijf.nl."
    if name == "phone" and text:
        digits = re.sub(r"\D", "", text)
        if not PHONE_CHARACTERS.match(text) or not 10 <= len(digits) <= 15:
            return "Vul een telefoonnummer in zoals 06 12345678, of laat dit veld leeg."
    if name == "kvk" and text:
        digits = re.sub(r"[\s.]", "", text)
        if not (digits.isascii() and digits.isdigit() and len(digits) == 8):
            return "Een KvK-nummer heeft 8 cijfers. Je mag dit veld ook leeg laten."
    return None


def consent_error(value: Any) -> str | None:
    """Return a Dutch message unless consent was given explicitly."""
    if value is True:
        return None
    return (
        "Geef toestemming om contact met je op te nemen; "
        "anders kan de werkplaats je niet bellen of mailen."
    )


def clean_contact(values: Mapping[str, Any]) -> Contact:
    """Normalise valid values: trimmed text, empty optional fields as None, KvK as 8 digits."""
    text = {name: _text(values.get(name)) or "" for name in FIELDS}
    kvk = re.sub(r"[\s.]", "", text["kvk"]) or None
    return Contact(
        name=text["name"],
        company=text["company"],
        email=text["email"],
        phone=text["phone"] or None,
        kvk=kvk,
        message=text["message"] or None,
    )


def validate_contact(payload: Any) -> tuple[Contact | None, dict[str, str]]:
    """Check an API payload; return the clean contact or the errors by field."""
    if not isinstance(payload, Mapping):
        return None, {"body": "Stuur een JSON-object met je contactgegevens."}
    errors = {name: m for name in FIELDS if (m := field_error(name, payload.get(name)))}
    if message := consent_error(payload.get("consent")):
        errors["consent"] = message
    if errors:
        return None, errors
    return clean_contact(payload), {}
