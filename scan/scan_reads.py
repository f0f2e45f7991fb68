"""Reading a scan for a page that only shows it: one Core query, no ORM objects.

The step pages, the resume link and the result page read a scan and change nothing. Loading
it as an ORM object (with its werkplaats joined and then its lead) cost 0.16 ms of a 0.5 ms
request; a plain SELECT with both outer joins into a frozen record costs a third of that
(bench/throughput.py). Pages that change a scan keep using the ORM model in scan.models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select

from .lean_sql import Reader
from .models import Lead, Scan, Werkplaats


@dataclass(frozen=True, slots=True)
class WerkplaatsRecord:
    """The werkplaats columns a result page shows."""

    id: str
    name: str
    city: str
    offer: str
    website: str | None
    institutions: tuple[str, ...]


class ScanRecord(NamedTuple):
    """A scan as read for showing it; has the attributes of Scan that the pages use.

    A named tuple: every journey request makes one, and a frozen dataclass took 2.3 us to
    make where this takes 0.4.
    """

    id: int
    token: str
    status: str
    bank_version: str
    embed_origin: str | None
    profile: dict[str, Any]
    answers: dict[str, Any]
    steps_done: list[str]
    completed_at: datetime | None
    distance_km: float | None
    werkplaats: WerkplaatsRecord | None
    has_lead: bool

    @property
    def is_completed(self) -> bool:
        """Tell whether the scan has been scored."""
        return self.status == "completed"


_scans, _werkplaatsen, _leads = Scan.__table__, Werkplaats.__table__, Lead.__table__
#: The columns of a WerkplaatsRecord, labelled so they can sit next to a scan's in one row.
WERKPLAATS_COLUMNS = (
    _werkplaatsen.c.id.label("w_id"),
    _werkplaatsen.c.name.label("w_name"),
    _werkplaatsen.c.city.label("w_city"),
    _werkplaatsen.c.offer.label("w_offer"),
    _werkplaatsen.c.website.label("w_website"),
    _werkplaatsen.c.institutions.label("w_institutions"),
)


def werkplaats_record(row) -> WerkplaatsRecord | None:
    """Make the record of a row selected with WERKPLAATS_COLUMNS (None: no werkplaats)."""
    if row.w_id is None:
        return None
    return WerkplaatsRecord(
        row.w_id,
        row.w_name,
        row.w_city,
        row.w_offer or "",
        row.w_website,
        tuple(row.w_institutions or ()),
    )


#: A scan's own columns, in ScanRecord's order.
_SCAN_COLUMNS = (
    _scans.c.id,
    _scans.c.token,
    _scans.c.status,
    _scans.c.bank_version,
    _scans.c.embed_origin,
    _scans.c.profile,
    _scans.c.answers,
    _scans.c.steps_done,
    _scans.c.completed_at,
    _scans.c.distance_km,
)

_BY_TOKEN = (
    select(*_SCAN_COLUMNS, *WERKPLAATS_COLUMNS, _leads.c.id.label("lead_id"))
    .select_from(
        _scans.outerjoin(_werkplaatsen, _scans.c.werkplaats_id == _werkplaatsen.c.id).outerjoin(
            _leads, _leads.c.scan_id == _scans.c.id
        )
    )
    .where(_scans.c.token == bindparam("token"))
)

#: The same without the werkplaats and the lead, which only a completed scan has.
_OWN_BY_TOKEN = select(*_SCAN_COLUMNS).where(_scans.c.token == bindparam("token"))


_RESULT = select(_scans.c.result).where(_scans.c.id == bindparam("id"))


def read_result(connection: Reader, scan_id: int) -> dict[str, Any] | None:
    """Return a scan's frozen result; not part of ScanRecord, as a cached page needs no result."""
    return connection.execute(_RESULT, {"id": scan_id}).scalar()


def read_scan(connection: Reader, token: str, outcome: bool = True) -> ScanRecord | None:
    """Return the scan behind a token as a record, or None (also for impossible tokens).

    With outcome=False its werkplaats and lead are not read, and the record says None and
    False: for the step pages, which only go on with a draft (and a draft has neither) and
    send a completed scan to its result page. One table instead of three per step page.
    """
    if not 20 <= len(token) <= 64:
        return None
    statement = _BY_TOKEN if outcome else _OWN_BY_TOKEN
    row = connection.execute(statement, {"token": token}).first()
    if row is None:
        return None
    return ScanRecord(
        row.id,
        row.token,
        row.status,
        row.bank_version,
        row.embed_origin,
        row.profile or {},
        row.answers or {},
        row.steps_done or [],
        row.completed_at,
        row.distance_km,
        werkplaats_record(row) if outcome else None,
        outcome and row.lead_id is not None,
    )
