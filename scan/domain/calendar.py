"""Pure: sessions as iCalendar (RFC 5545), for a mail's .ics and a werkplaats's public feed.

Made with the `icalendar` library, which folds long lines, escapes commas and semicolons and
writes the properties as calendars read them. Moments are written in UTC (…Z): every
calendar shows them on its own clock, and no VTIMEZONE has to travel along.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

PRODID = "-//Digitale Werkplaatsen//Digitale scan voor ondernemers//NL"
#: A session stored without an end (none is) is shown as lasting this long.
DEFAULT_LENGTH = timedelta(hours=2)


@dataclass(frozen=True)
class CalendarEvent:
    """One session as a calendar shows it; no personal data."""

    #: Stable for the session, so each mail and the feed speak of the same event.
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    location: str
    description: str
    url: str | None
    #: Raised with every change a participant is told about, so calendars replace the event.
    sequence: int
    cancelled: bool = False


def _utc(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC)


def calendar_text(events: Iterable[CalendarEvent], stamp: datetime, name: str | None = None) -> str:
    """Return a VCALENDAR with these events, as text; `stamp` is now (DTSTAMP)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", _utc(stamp))
        start = _utc(item.starts_at)
        event.add("dtstart", start)
        event.add("dtend", _utc(item.ends_at) if item.ends_at else start + DEFAULT_LENGTH)
        event.add("summary", item.title)
        event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
