"""Pure: a werkplaats's training sessions: what a valid one is, its words, which to show.

A session serves one or more advice items of kind training or traject and has a date and
times in Europe/Amsterdam, or, for a traject only, "start op afspraak" (no date). It is held
at an address or online, has a number of places, and is free or costs an amount. The staff
form is checked here, with Dutch messages per field; the clock is handed in, never read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from .text import INVISIBLE_CHARACTER, has_control_character

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: The kinds of advice a session can serve: a workshop's date, or a traject's intake moment.
KINDS_WITH_SESSIONS = ("training", "traject")
#: At most this many sessions are shown with one advice item.
MAX_SHOWN = 3
LIMITS = {"title": 120, "address": 200, "description": 1000}
MAX_PLACES = 500
#: A thousand euro: above it, a typo is likelier than a workshop's price.
MAX_PRICE_CENTS = 100_000

MESSAGES = {
    "title": "Geef de bijeenkomst een titel van hoogstens 120 tekens.",
    "advice": "Kies minstens één training of traject waar deze bijeenkomst bij hoort.",
    "advice_unknown": "Kies alleen trainingen en trajecten uit de lijst.",
    "by_appointment": (
        "‘Start op afspraak’ kan alleen bij een traject. Een training heeft een datum: vul die "
        "in, of kies alleen trajecten."
    ),
    "date": "Vul een datum in zoals 14-03-2027.",
    "date_past": "Deze datum en tijd zijn al voorbij. Kies een moment in de toekomst.",
    "start": "Vul een begintijd in zoals 13:30.",
    "end": "Vul een eindtijd in zoals 16:30.",
    "end_before": "De eindtijd moet na de begintijd liggen.",
    "where": "Kies of de bijeenkomst op een locatie is of online.",
    "address": "Vul het adres in, zoals Stationsplein 1, Utrecht (hoogstens 200 tekens).",
    "places": f"Vul het aantal plaatsen in: een heel getal van 1 tot en met {MAX_PLACES}.",
    "places_taken": "Er zijn al {taken} aanmeldingen. Kies minstens {taken} plaatsen.",
    "costs": "Kies of meedoen gratis is of geld kost.",
    "price": "Vul het bedrag in euro in, zoals 25 of 12,50 (hoogstens 1000 euro).",
    "description": "Hoogstens 1000 tekens.",
}

_DATE_NL = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_PRICE = re.compile(r"^(?:€\s*)?(\d{1,4})(?:[,.](\d{1,2}))?$")


@dataclass(frozen=True)
class SessionValues:
    """A session as the staff form describes it, after checking; moments are in UTC."""

    title: str
    advice: tuple[str, ...]
    starts_at: datetime | None
    ends_at: datetime | None
    online: bool
    address: str | None
    places: int
    price_cents: int
    description: str


def parse_date(text: str) -> date | None:
    """Read 14-03-2027 (also with / or .) or 2027-03-14 (a date field); None if neither."""
    text = text.strip()
    if found := _DATE_ISO.match(text):
        year, month, day = (int(part) for part in found.groups())
    elif found := _DATE_NL.match(text):
        day, month, year = (int(part) for part in found.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_time(text: str) -> time | None:
    """Read 13:30, 9:00 or 13.30; None otherwise."""
    found = _TIME.match(text.strip())
    return time(int(found.group(1)), int(found.group(2))) if found else None


def parse_price(text: str) -> int | None:
    """Read an amount in euro (25, 12,50, € 7.5) as cents; None when it is not one."""
    found = _PRICE.match(text.strip())
    if not found:
        return None
    cents = (found.group(2) or "0").ljust(2, "0")
    return int(found.group(1)) * 100 + int(cents)


def _utc(day: date, moment: time) -> datetime:
    """A date and time on the wall clocks of Amsterdam, as a moment in UTC."""
    return datetime.combine(day, moment, tzinfo=AMSTERDAM).astimezone(UTC)


def check_session(
    form: Mapping[str, str],
    advice: Sequence[str],
    advice_kinds: Mapping[str, str],
    now: datetime,
    taken: int = 0,
    stored_start: datetime | None = None,
) -> tuple[SessionValues | None, dict[str, str]]:
    """Check the staff form of a session; return its values or the Dutch errors per field.

    `advice_kinds` maps the ids that may be chosen to their kind; `taken` is how many places
    registrations hold now (a session cannot shrink below them); `stored_start` is the start
    of the session being changed: it may stay in the past (a typo in the address of a
    session that was yesterday), but a new or moved start must lie ahead of `now`.
    """
    text = {name: (form.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    title = " ".join(text["title"].split())
    if not 1 <= len(title) <= LIMITS["title"]:
        errors["title"] = MESSAGES["title"]
    chosen = tuple(dict.fromkeys(a for a in advice if a))
    if not chosen:
        errors["advice"] = MESSAGES["advice"]
    elif any(a not in advice_kinds for a in chosen):
        errors["advice"] = MESSAGES["advice_unknown"]
    starts_at = ends_at = None
    if form.get("by_appointment") == "ja":
        if chosen and any(advice_kinds.get(a) != "traject" for a in chosen):
            errors["by_appointment"] = MESSAGES["by_appointment"]
    else:
        starts_at, ends_at = _check_moments(text, errors, now, stored_start)
    where = form.get("where")
    if where not in ("locatie", "online"):
        errors["where"] = MESSAGES["where"]
    address = " ".join(text["address"].split()) or None
    if where == "locatie" and (address is None or len(address) > LIMITS["address"]):
        errors["address"] = MESSAGES["address"]
    places = int(text["places"]) if text["places"].isdigit() else 0
    if not 1 <= places <= MAX_PLACES:
        errors["places"] = MESSAGES["places"]
    elif places < taken:
        errors["places"] = MESSAGES["places_taken"].format(taken=taken)
    price_cents = _check_costs(form.get("costs"), text["price"], errors)
    description = text["description"].replace("\r\n", "\n")
    if len(description) > LIMITS["description"]:
        errors["description"] = MESSAGES["description"]
    for name, multiline in (("title", False), ("address", False), ("description", True)):
        if has_control_character(form.get(name) or "", multiline=multiline):
            errors[name] = INVISIBLE_CHARACTER  # the first thing to put right
    if errors:
        return None, errors
    return SessionValues(
        title=title,
        advice=chosen,
        starts_at=starts_at,
        ends_at=ends_at,
        online=where == "online",
        address=None if where == "online" else address,
        places=places,
        price_cents=price_cents,
        description=description,
    ), {}


#: The fields of the staff form (advice comes as a list, beside them).
FIELDS = (
    "title",
    "date",
    "start",
    "end",
    "by_appointment",
    "where",
    "address",
    "places",
    "costs",
    "price",
    "description",
)


def _check_moments(
    text: Mapping[str, str], errors: dict[str, str], now: datetime, stored: datetime | None
) -> tuple[datetime | None, datetime | None]:
    day = parse_date(text["date"])
    start = parse_time(text["start"])
    end = parse_time(text["end"])
    if day is None:
        errors["date"] = MESSAGES["date"]
    if start is None:
        errors["start"] = MESSAGES["start"]
    if end is None:
        errors["end"] = MESSAGES["end"]
    if day is None or start is None or end is None:
        return None, None
    if end <= start:
        errors["end"] = MESSAGES["end_before"]
        return None, None
    starts_at, ends_at = _utc(day, start), _utc(day, end)
    unchanged = stored is not None and _same_moment(stored, starts_at)
    if starts_at <= now and not unchanged:
        errors["date"] = MESSAGES["date_past"]
    return starts_at, ends_at


def _same_moment(one: datetime, other: datetime) -> bool:
    """Compare moments, a naive one read as UTC (SQLite hands stored moments back naive)."""
    return (one if one.tzinfo else one.replace(tzinfo=UTC)) == other


def _check_costs(costs: str | None, price: str, errors: dict[str, str]) -> int:
    if costs == "gratis":
        return 0
    if costs != "betaald":
        errors["costs"] = MESSAGES["costs"]
        return 0
    cents = parse_price(price)
    if cents is None or not 0 < cents <= MAX_PRICE_CENTS:
        errors["price"] = MESSAGES["price"]
        return 0
    return cents


# --- the words a page or mail uses ---------------------------------------------------------

DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
BY_APPOINTMENT = "Start op afspraak"


def in_amsterdam(moment: datetime) -> datetime:
    """A stored moment on Amsterdam's clocks (a naive one, as SQLite gives it, is UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(AMSTERDAM)


def date_text(moment: datetime) -> str:
    """Say a moment's day: 'dinsdag 12 januari 2027'."""
    local = in_amsterdam(moment)
    return f"{DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local.year}"


def when_text(starts_at: datetime | None, ends_at: datetime | None) -> str:
    """Say when: 'dinsdag 12 januari 2027, 13.30 tot 16.30 uur', or 'Start op afspraak'."""
    if starts_at is None:
        return BY_APPOINTMENT
    begin = in_amsterdam(starts_at).strftime("%H.%M")
    if ends_at is None:
        return f"{date_text(starts_at)}, {begin} uur"
    return f"{date_text(starts_at)}, {begin} tot {in_amsterdam(ends_at).strftime('%H.%M')} uur"


def price_text(cents: int) -> str:
    """Say the costs: 'Gratis', '€ 25' or '€ 12,50'."""
    if cents <= 0:
        return "Gratis"
    euros, rest = divmod(cents, 100)
    return f"€ {euros}" if not rest else f"€ {euros},{rest:02d}"


def places_text(left: int) -> str:
    """Say the places left: 'Vol', 'Nog 1 plaats vrij' or 'Nog 12 plaatsen vrij'."""
    if left <= 0:
        return "Vol"
    return "Nog 1 plaats vrij" if left == 1 else f"Nog {left} plaatsen vrij"


def places_left(places: int, taken: int) -> int:
    """The places still free: never below zero (a session may have shrunk)."""
    return max(0, places - taken)


# --- which sessions to show -----------------------------------------------------------------


class Dated(Protocol):
    """What choosing needs of a session: its id, its start (None: op afspraak) and online."""

    @property
    def id(self) -> int: ...

    @property
    def starts_at(self) -> datetime | None: ...

    @property
    def online(self) -> bool: ...


S = TypeVar("S", bound=Dated)


def is_upcoming(starts_at: datetime | None, now: datetime) -> bool:
    """Tell whether one may still sign up: the start lies ahead (op afspraak: always)."""
    if starts_at is None:
        return True
    aware = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=UTC)
    return aware > now


def choose_sessions(sessions: Sequence[S], far: bool, limit: int = MAX_SHOWN) -> list[S]:
    """The sessions to show with one advice item: the next ones, at most `limit`.

    Dated sessions by date, then those "op afspraak"; for a firm far from its werkplaats
    (results.FAR_KM) the online sessions come first, as it can join those from home.
    """

    def order(session: S) -> tuple[bool, bool, datetime, int]:
        start = session.starts_at
        moment = datetime.max.replace(tzinfo=UTC) if start is None else in_amsterdam(start)
        return (far and not session.online, start is None, moment, session.id)

    return sorted(sessions, key=order)[:limit]
