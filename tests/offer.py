"""Factories for the offer tests: sessions of a werkplaats, and scans routed to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scan.db import database
from scan.models import Werkplaats
from scan.records.offer_models import SessionAdvice, TrainingSession
from tests.journey import api_scan

#: The training a scan with the lowest answers in Utrecht is advised (tests.journey.api_scan).
TRAINING = "osm-workshop-gevonden-worden"
#: A traject: "op afspraak" is only for these.
TRAJECT = "osm-traject"
UTRECHT = "3511 AB"


def make_training(
    app,
    werkplaats_id: str = "utrecht",
    advice: tuple[str, ...] = (TRAINING,),
    days: float | None = 7,
    places: int = 10,
    online: bool = False,
    price_cents: int = 0,
    title: str = "Workshop: gevonden worden in Google",
    description: str = "Neem je laptop mee.",
) -> int:
    """Store a session `days` from now (None: op afspraak) and return its id."""
    start = (
        None if days is None else datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    )
    with database(app).sessions() as session:
        training = TrainingSession(
            werkplaats_id=werkplaats_id,
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=3) if start else None,
            online=online,
            address=None if online else "Stationsplein 1, Utrecht",
            places=places,
            price_cents=price_cents,
            description=description,
            sequence=0,
        )
        training.advice_links = [SessionAdvice(advice_id=a) for a in advice]
        session.add(training)
        session.commit()
        return training.id


def set_werkplaats_email(app, werkplaats_id: str, email: str) -> None:
    """Give a werkplaats an address for its mail."""
    with database(app).sessions() as session:
        session.get(Werkplaats, werkplaats_id).email = email
        session.commit()


def utrecht_scan(client, bank, postcode: str = UTRECHT) -> str:
    """A completed scan routed to Utrecht whose advice holds TRAINING; return its token."""
    return api_scan(client, bank, postcode=postcode)


#: A sign-up as an ondernemer types it.
PERSON = {
    "name": "Fatima de Vries",
    "company": "Bakkerij De Korenschoof",
    "email": "fatima@korenschoof.test",
    "phone": "06 12345678",
}
