"""The lead inbox: what a staff user may see, filtered, searched and paged."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import Session

from ..content import THEME_IDS
from ..models import Lead
from ..werkplaatsen import NATIONAL as NATIONAL  # staff pages import it from here
from .models import StaffUser
from .workflow import STATUSES

PAGE_SIZE = 25
PARTNER = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def visible_leads(user: StaffUser) -> Select[Lead]:
    """Select the leads this user may see: their werkplaats's, or all for an admin."""
    query = select(Lead)
    if user.is_admin:
        return query
    if user.werkplaats_id is None:  # never "IS NULL": that is the national queue
        return query.where(false())
    return query.where(Lead.werkplaats_id == user.werkplaats_id)


def lead_for(session: Session, user: StaffUser, lead_id: int) -> Lead | None:
    """Return a lead the user may see, or None (the caller answers 404)."""
    return session.scalar(visible_leads(user).where(Lead.id == lead_id))


@dataclass
class Filters:
    """The inbox filters as the staff user set them, after checking."""

    werkplaats: str = ""
    status: str = ""
    theme: str = ""
    route: str = ""
    partner: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    def query_args(self, **changes: Any) -> dict[str, str]:
        """Return the filters as URL arguments (for links and exports), with changes."""
        args = {
            "werkplaats": self.werkplaats,
            "status": self.status,
            "thema": self.theme,
            "route": self.route,
            "partner": self.partner,
            "van": self.date_from.isoformat() if self.date_from else "",
            "tot": self.date_to.isoformat() if self.date_to else "",
            "q": self.q,
            "pagina": str(self.page) if self.page > 1 else "",
        }
        args.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in args.items() if v}


def _date(value: str, name: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = "Vul een datum in als jjjj-mm-dd, bijvoorbeeld 2026-03-01."
        return None


def parse_filters(args, user: StaffUser, werkplaats_ids: set[str]) -> Filters:
    """Read and check the filters from the query string; bad values become messages."""
    errors: dict[str, str] = {}
    filters = Filters(errors=errors)

    def choice(key: str, allowed, message: str) -> str:
        value = args.get(key, "")
        if value and value not in allowed:
            errors[key] = message
            return ""
        return value

    if user.is_admin:  # a medewerker's view is never widened by a URL argument
        allowed = werkplaats_ids | {NATIONAL}
        filters.werkplaats = choice("werkplaats", allowed, "Deze werkplaats bestaat niet.")
    filters.status = choice("status", STATUSES, "Kies een bestaande status.")
    filters.theme = choice("thema", THEME_IDS, "Kies een bestaand thema.")
    filters.route = choice("route", ("traject", "training"), "Kies traject of training.")
    partner = args.get("partner", "").strip().lower()
    if partner:
        if PARTNER.match(partner):
            filters.partner = partner
        else:
            errors["partner"] = "Een partner-id bestaat uit kleine letters, cijfers en streepjes."
    filters.date_from = _date(args.get("van", ""), "van", errors)
    filters.date_to = _date(args.get("tot", ""), "tot", errors)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors["tot"] = "De einddatum ligt voor de begindatum."
        filters.date_to = None
    filters.q = " ".join(args.get("q", "").split())[:100]
    try:
        filters.page = max(1, min(int(args.get("pagina", "1") or 1), 100_000))
    except ValueError:
        errors["pagina"] = "Een paginanummer is een getal."
    return filters


def start_of(day: date) -> datetime:
    """Return the first moment of a day (UTC), as the date filters count it."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def filtered(query: Select, filters: Filters) -> Select:
    """Apply the checked filters to a select of leads."""
    if filters.werkplaats == NATIONAL:
        query = query.where(Lead.werkplaats_id.is_(None))
    elif filters.werkplaats:
        query = query.where(Lead.werkplaats_id == filters.werkplaats)
    if filters.status:
        query = query.where(Lead.status == filters.status)
    if filters.theme:
        query = query.where(Lead.weakest_theme == filters.theme)
    if filters.route:
        query = query.where(Lead.route == filters.route)
    if filters.partner:
        query = query.where(Lead.partner == filters.partner)
    if filters.date_from:
        query = query.where(Lead.created_at >= start_of(filters.date_from))
    if filters.date_to:
        query = query.where(Lead.created_at < start_of(filters.date_to + timedelta(days=1)))
    if filters.q:
        for word in filters.q.lower().split():
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(Lead.search_text.like(f"%{escaped}%", escape="\\"))
    return query


@dataclass(frozen=True)
class Page:
    """One page of the inbox."""

    leads: list[Lead]
    total: int
    page: int
    pages: int


def page_of(session: Session, query: Select, page: int) -> Page:
    """Count the filtered leads and fetch one page, newest first."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    rows = session.scalars(
        query.order_by(Lead.created_at.desc(), Lead.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return Page(list(rows), total, page, pages)
