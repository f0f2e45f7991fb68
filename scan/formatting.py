"""Jinja filters that show times the Dutch way, in Dutch time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(moment: datetime) -> datetime:
    """Return a stored UTC moment in Dutch time (SQLite hands back naive UTC values)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(AMSTERDAM)


def date_nl(moment: datetime | None) -> str:
    """Format as 28-11-2026."""
    return local(moment).strftime("%d-%m-%Y") if moment else "-"


def datetime_nl(moment: datetime | None) -> str:
    """Format as 28-11-2026 14:05."""
    return local(moment).strftime("%d-%m-%Y %H:%M") if moment else "-"


def period_nl(days: int) -> str:
    """Say a number of days in plain Dutch: whole years as years ('2 jaar'), else days."""
    if days >= 365 and days % 365 == 0:
        return f"{days // 365} jaar"
    return "1 dag" if days == 1 else f"{days} dagen"


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters["datum"] = date_nl
    app.jinja_env.filters["datumtijd"] = datetime_nl
    app.jinja_env.filters["periode"] = period_nl
