"""Development only: example sessions, so that a first look at `make run` shows the offer.

Every title starts with "Voorbeeld:" and every text says it is example data; no address is
invented (a session on location says only the city). Production refuses the command, and a
werkplaats that has any session of its own gets none.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..db import get_session
from ..domain.offer import AMSTERDAM
from ..loading import current_catalogue
from ..models import Werkplaats
from ..records.offer_models import SessionAdvice, TrainingSession

EXAMPLE = "Voorbeelddata van de ontwikkelomgeving: deze bijeenkomst bestaat niet."


def _moment(days: int, hour: int, minute: int = 0) -> datetime:
    day = datetime.now(AMSTERDAM).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM).astimezone(UTC)


@click.command("demo-offer")
@with_appcontext
def demo_offer_command() -> None:
    """Development only: add example sessions to every werkplaats that has none yet."""
    if current_app.config["SCAN_ENV"] != "development":
        raise click.ClickException("demo-offer only runs with SCAN_ENV=development")
    session = get_session()
    items = current_catalogue().items
    trainings = [i.id for i in items if i.kind == "training"]
    trajecten = [i.id for i in items if i.kind == "traject"]
    has_sessions = set(session.scalars(select(TrainingSession.werkplaats_id).distinct()))
    added = 0
    for werkplaats in session.scalars(select(Werkplaats).where(Werkplaats.active)):
        if werkplaats.id in has_sessions:
            continue
        examples = [
            ("Voorbeeld: workshop op locatie", trainings, 14, False, 12, 0),
            ("Voorbeeld: webinar", trainings, 21, True, 30, 1500),
            ("Voorbeeld: kennismaken met een traject", trajecten, None, False, 4, 0),
        ]
        for title, advice, days, online, places, price in examples:
            session.add(
                TrainingSession(
                    werkplaats_id=werkplaats.id,
                    title=title,
                    starts_at=_moment(days, 13, 30) if days is not None else None,
                    ends_at=_moment(days, 16, 30) if days is not None else None,
                    online=online,
                    address=None if online else f"{werkplaats.city} (voorbeeld, geen echt adres)",
                    places=places,
                    price_cents=price,
                    description=EXAMPLE,
                    sequence=0,
                    advice_links=[SessionAdvice(advice_id=a) for a in advice],
                )
            )
            added += 1
    session.commit()
    click.echo(f"Voorbeeldbijeenkomsten toegevoegd: {added} (titels beginnen met 'Voorbeeld:').")
