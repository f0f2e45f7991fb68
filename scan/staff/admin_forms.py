"""Pure: check the admin forms for werkplaatsen and accounts, with Dutch messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..domain.routing import parse_claims
from ..domain.text import INVISIBLE_CHARACTER, has_control_character
from .auth import normalise_email, password_problem
from .models import ROLES

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")
URL = re.compile(r"^https://\S+$")


@dataclass(frozen=True)
class WerkplaatsValues:
    """A werkplaats as the admin form describes it, after checking."""

    id: str
    name: str
    city: str
    lat: float
    lon: float
    institutions: list[str]
    offer: str
    website: str | None
    email: str | None
    claims: list[str]
    active: bool
    source_url: str


def _invisible(text: Mapping[str, str], multiline: tuple[str, ...] = ()) -> dict[str, str]:
    """Return an error for each field holding a control character (line breaks: multiline)."""
    # These values go into mail subjects and bodies, the inbox and exports: a line break or a
    # bidi control there forges lines or hides text, so it is refused, not cleaned up.
    return {
        name: INVISIBLE_CHARACTER
        for name, value in text.items()
        if has_control_character(value, multiline=name in multiline)
    }


def _number(text: str, low: float, high: float) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if low <= value <= high else None


def check_werkplaats(form: Mapping[str, str], new: bool) -> tuple[WerkplaatsValues | None, dict]:
    """Check the werkplaats form; return the values or the Dutch errors per field."""
    text = {
        k: (form.get(k) or "").strip()
        for k in (
            "id",
            "name",
            "city",
            "lat",
            "lon",
            "institutions",
            "offer",
            "website",
            "email",
            "claims",
            "source_url",
        )
    }
    errors: dict[str, str] = {}
    if new and not (SLUG.match(text["id"]) and len(text["id"]) <= 40):
        errors["id"] = "Kies een korte id van kleine letters, cijfers en streepjes, zoals 'twente'."
    if not 1 <= len(text["name"]) <= 120:
        errors["name"] = "Vul de naam in (hoogstens 120 tekens)."
    if not 1 <= len(text["city"]) <= 80:
        errors["city"] = "Vul de plaats in."
    lat = _number(text["lat"], 50.7, 53.6)
    lon = _number(text["lon"], 3.3, 7.3)
    if lat is None:
        errors["lat"] = "Vul een breedtegraad in Nederland in, tussen 50,7 en 53,6."
    if lon is None:
        errors["lon"] = "Vul een lengtegraad in Nederland in, tussen 3,3 en 7,3."
    if text["website"] and not URL.match(text["website"]):
        errors["website"] = "Een website begint met https://."
    if text["email"] and not EMAIL.match(text["email"]):
        errors["email"] = "Vul een e-mailadres in zoals info@werkplaats.nl, of laat dit leeg."
    claims = [c for c in re.split(r"[\s,;]+", text["claims"]) if c]
    try:
        parse_claims(claims)
    except ValueError:
        errors["claims"] = (
            "Schrijf postcodegebieden als 8000-8099 of 9712, gescheiden door komma's."
        )
    if not URL.match(text["source_url"]):
        errors["source_url"] = "Geef de openbare pagina die laat zien dat deze werkplaats bestaat."
    if len(text["offer"]) > 1000:
        errors["offer"] = "Hoogstens 1000 tekens."
    errors.update(_invisible(text, multiline=("offer",)))  # the first thing to put right
    if errors or lat is None or lon is None:
        return None, errors
    return WerkplaatsValues(
        id=text["id"],
        name=text["name"],
        city=text["city"],
        lat=lat,
        lon=lon,
        institutions=[i.strip() for i in text["institutions"].split(",") if i.strip()],
        offer=text["offer"],
        website=text["website"] or None,
        email=text["email"] or None,
        claims=claims,
        active=form.get("active") == "ja",
        source_url=text["source_url"],
    ), {}


@dataclass(frozen=True)
class AccountValues:
    """A staff account as the admin form describes it, after checking."""

    email: str
    name: str
    role: str
    werkplaats_id: str | None
    password: str | None
    active: bool


def check_account(
    form: Mapping[str, str], new: bool, werkplaats_ids: set[str]
) -> tuple[AccountValues | None, dict]:
    """Check the account form; a new account needs a password, an edit may leave it empty."""
    errors: dict[str, str] = {}
    email = normalise_email(form.get("email") or "")
    if not EMAIL.match(email) or len(email) > 254:
        errors["email"] = "Vul een e-mailadres in zoals naam@werkplaats.nl."
    name = (form.get("name") or "").strip()
    if len(name) > 120:
        errors["name"] = "Hoogstens 120 tekens."
    role = form.get("role") or ""
    if role not in ROLES:
        errors["role"] = "Kies beheerder of medewerker."
    werkplaats = form.get("werkplaats") or None
    if role == "medewerker" and werkplaats not in werkplaats_ids:
        errors["werkplaats"] = "Een medewerker hoort bij een werkplaats: kies er een."
    if role == "admin":
        werkplaats = None
    password = form.get("password") or ""
    if new or password:
        problem = password_problem(password, (email, name))
        if problem:
            errors["password"] = problem
    errors.update(_invisible({"email": email, "name": name}))
    if errors:
        return None, errors
    return AccountValues(
        email, name, role, werkplaats, password or None, form.get("active") == "ja" or new
    ), {}
