"""Pure: check the contact form of a lead (web and API alike), with Dutch messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .text import (
    CONTROL,
    CONTROL_EXCEPT_LINES,
    END,
    INVISIBLE_CHARACTER,
    SPACE,
    has_control_character,
    matches,
)

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


#: The reminder is a consent of its own, asked by a second box that is never required: the
#: contact consent covers the werkplaats's contact about the question, not mail from us later.
#: Bump the version whenever the text changes: every reminder stores the version it agreed to.
FOLLOW_UP_CONSENT_VERSION = "2026-12-05.1"
#: {period} is FOLLOW_UP_DAYS in words ("90 dagen"); the setting is no part of the text.
FOLLOW_UP_CONSENT_TEXT = (
    "Stuur me over {period} één e-mail met een herinnering om de scan opnieuw te doen, zodat "
    "ik zie wat er veranderd is. Ik kan me altijd afmelden met de link in die e-mail."
)
FOLLOW_UP_ERROR = "Kies ja (true) of nee (false) voor de herinnering, of laat dit veld weg."


def follow_up_consent_text(period: str) -> str:
    """Return the reminder's consent sentence, with the wait in words ("90 dagen")."""
    return FOLLOW_UP_CONSENT_TEXT.format(period=period)


def follow_up_error(value: Any) -> str | None:
    """Return a Dutch message unless the reminder choice is true or false."""
    # null too: the document says boolean, and what it forbids the API refuses.
    return None if isinstance(value, bool) else FOLLOW_UP_ERROR


def wants_follow_up(payload: Mapping[str, Any]) -> bool:
    """Tell whether an API payload that passed validate_contact asks for the reminder."""
    return payload.get("follow_up") is True


def consent_text(werkplaats_name: str | None) -> str:
    """Return the consent sentence naming who receives the details (None: national queue)."""
    if werkplaats_name is None:
        return _CONSENT_NATIONAL
    return _CONSENT_WERKPLAATS.format(name=werkplaats_name)


FIELDS = ("name", "company", "email", "phone", "kvk", "message")
LIMITS = {"name": 120, "company": 160, "email": 254, "phone": 40, "kvk": 20, "message": 1000}
OPTIONAL = ("phone", "kvk", "message")

_TEXT = f"[^{CONTROL}]"
_SPACES = f"[{SPACE}]*"
#: What each field accepts, as typed: surrounding spaces are allowed (and trimmed when stored),
#: control characters are not. The OpenAPI document publishes these same patterns.
PATTERNS = {
    "name": f"^{_TEXT}*[^{CONTROL}{SPACE}]{_TEXT}*{END}",
    "company": f"^{_TEXT}*[^{CONTROL}{SPACE}]{_TEXT}*{END}",
    "email": (
        f"^{_SPACES}[^@{CONTROL}{SPACE}]{{1,64}}@[^@{CONTROL}{SPACE}]+\\.[A-Za-z]{{2,}}"
        f"{_SPACES}{END}"
    ),
    # 10 to 15 digits, with spaces, brackets, dots or dashes between them, an optional + first.
    "phone": f"^{_SPACES}(?:\\+?[{SPACE}().-]*(?:[0-9][{SPACE}().-]*){{10,15}})?{END}",
    # Eight digits, with spaces or dots between them.
    "kvk": f"^(?:{_SPACES}|[{SPACE}.]*(?:[0-9][{SPACE}.]*){{8}}){END}",
    "message": f"^[^{CONTROL_EXCEPT_LINES}]*{END}",
}
MESSAGES = {
    "name": "Vul je naam in.",
    "company": "Vul de naam van je bedrijf in.",
    "email": "Vul een e-mailadres in zoals naam@bedrijf.nl.",
    "phone": "Vul een telefoonnummer in zoals 06 12345678, of laat dit veld leeg.",
    "kvk": "Een KvK-nummer heeft 8 cijfers. Je mag dit veld ook leeg laten.",
    "message": INVISIBLE_CHARACTER,
}
NO_EMAIL = "Vul je e-mailadres in, zodat de werkplaats je kan bereiken."


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


def _text(value: Any) -> str:
    """Trim a valid value; a single line also has its runs of spaces made one."""
    if value is None:
        return ""
    return " ".join(value.split()) if "\n" not in value else value.strip()


def field_error(name: str, value: Any) -> str | None:
    """Return a Dutch message when one field of the contact form is not valid, else None."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        return "Vul dit in als tekst."
    if len(value) > LIMITS[name]:
        return f"Gebruik hoogstens {LIMITS[name]} tekens."
    if has_control_character(value, multiline=name == "message"):
        return INVISIBLE_CHARACTER
    if matches(PATTERNS[name], value):
        return None
    if name == "email" and not value.strip():
        return NO_EMAIL
    return MESSAGES[name]


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
    text = {name: _text(values.get(name)) for name in FIELDS}
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
    for key in payload:
        if key not in FIELDS and key not in ("consent", "follow_up"):
            errors[str(key)[:200]] = "Dit veld bestaat niet."
    if message := consent_error(payload.get("consent")):
        errors["consent"] = message
    if "follow_up" in payload and (message := follow_up_error(payload["follow_up"])):
        errors["follow_up"] = message  # left out: no reminder
    if errors:
        return None, errors
    return clean_contact(payload), {}
