"""A werkplaats's sessions as stored: reading them with their places taken, and locking one.

Every reader gets a session together with the number of places its registrations hold, in
the same query: the result page reads the sessions of all its advice at once, the API and
the feed a werkplaats's whole agenda. Data functions take a session and at most flush.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, case, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased, contains_eager, lazyload, selectinload

from ..domain.calendar import CalendarEvent
from ..domain.offer import (
    choose_sessions,
    in_amsterdam,
    is_upcoming,
    places_left,
    places_text,
    price_text,
    when_text,
)
from .offer_models import REGISTERED, WAITING, Registration, SessionAdvice, TrainingSession

#: Said where an online session's place would be: the werkplaats sends the link itself.
ONLINE = "Online"


@dataclass(frozen=True)
class SessionView:
    """A session with its places taken and the words the pages, mails and API use."""

    training: TrainingSession
    #: Registrations that hold a place (not the waiting list, not the cancelled ones).
    taken: int
    #: Every advice item it serves (not only the one it is shown with).
    advice: tuple[str, ...]
    #: Registrations on the waiting list.
    waiting: int = 0

    @property
    def id(self) -> int:
        return self.training.id

    @property
    def starts_at(self) -> datetime | None:
        return self.training.starts_at

    @property
    def online(self) -> bool:
        return self.training.online

    @property
    def title(self) -> str:
        return self.training.title

    @property
    def places_left(self) -> int:
        """Places still free."""
        return places_left(self.training.places, self.taken)

    @property
    def full(self) -> bool:
        """Tell whether every place is taken."""
        return self.places_left == 0

    @property
    def when(self) -> str:
        """'dinsdag 12 januari 2027, 13.30 tot 16.30 uur', or 'Start op afspraak'."""
        return when_text(self.training.starts_at, self.training.ends_at)

    @property
    def place(self) -> str:
        """The address, or 'Online'."""
        return ONLINE if self.training.online else (self.training.address or "")

    @property
    def price(self) -> str:
        """'Gratis' or '€ 12,50'."""
        return price_text(self.training.price_cents)

    def status_label(self, now: datetime) -> str:
        """'Geannuleerd', 'Geweest' (its start has passed) or 'Gepland'."""
        if self.training.cancelled_at is not None:
            return "Geannuleerd"
        return "Gepland" if is_upcoming(self.training.starts_at, now) else "Geweest"

    @property
    def places_label(self) -> str:
        """'Vol', 'Nog 1 plaats vrij', 'Nog 12 plaatsen vrij'."""
        return places_text(self.places_left)


def taken_places() -> Select:
    """Select per session the registrations that hold a place, and those waiting for one."""

    def counted(status: str):
        return func.sum(case((Registration.status == status, 1), else_=0))

    return select(
        Registration.training_id,
        counted(REGISTERED).label("taken"),
        counted(WAITING).label("waiting"),
    ).group_by(Registration.training_id)


def _upcoming(now: datetime):
    """Sessions one may still sign up for: not cancelled, ahead (or op afspraak)."""
    return (
        TrainingSession.cancelled_at.is_(None),
        or_(TrainingSession.starts_at.is_(None), TrainingSession.starts_at > now),
    )


def _views(session: Session, condition, *extra) -> list[SessionView]:
    """Read the sessions matching `condition`, each with its places taken and all its advice.

    One statement: every advice link of each session is joined (one row per link) and the
    counts are an outer-joined aggregate, so no session costs a query of its own.
    """
    taken = taken_places().subquery()
    link = aliased(SessionAdvice)
    rows = session.execute(
        select(TrainingSession, link.advice_id, taken.c.taken, taken.c.waiting)
        .join(link, link.session_id == TrainingSession.id)
        .outerjoin(taken, taken.c.training_id == TrainingSession.id)
        .where(condition, *extra)
        .order_by(TrainingSession.starts_at, TrainingSession.id, link.advice_id)
        # The links come with the rows; the werkplaats is the caller's to know (lazy: unread).
        .options(lazyload(TrainingSession.advice_links), lazyload(TrainingSession.werkplaats))
    ).all()
    found: dict[int, tuple[TrainingSession, int, int, list[str]]] = {}
    for training, advice_id, taken_count, waiting in rows:
        entry = found.setdefault(training.id, (training, taken_count or 0, waiting or 0, []))
        entry[3].append(advice_id)
    return [SessionView(t, n, tuple(ids), w) for t, n, w, ids in found.values()]


def sessions_for_advice(
    session: Session, werkplaats_id: str, advice_ids: Iterable[str], now: datetime, far: bool
) -> dict[str, list[SessionView]]:
    """The next sessions of a werkplaats per advice item (at most three each), in one query.

    `far`: the firm is far from the werkplaats, so online sessions come first.
    """
    wanted = tuple(advice_ids)
    if not wanted:
        return {}
    serves = exists().where(
        SessionAdvice.session_id == TrainingSession.id, SessionAdvice.advice_id.in_(wanted)
    )
    views = _views(session, TrainingSession.werkplaats_id == werkplaats_id, serves, *_upcoming(now))
    return {
        advice_id: choose_sessions([v for v in views if advice_id in v.advice], far)
        for advice_id in wanted
    }


def agenda(session: Session, werkplaats_id: str, now: datetime) -> list[SessionView]:
    """Every session of a werkplaats one may still sign up for, by date (op afspraak last)."""
    views = _views(session, TrainingSession.werkplaats_id == werkplaats_id, *_upcoming(now))
    return choose_sessions(views, far=False, limit=len(views))


def werkplaats_sessions(
    session: Session, werkplaats_id: str | None, since: datetime
) -> list[SessionView]:
    """The sessions a staff page lists: a werkplaats's (None: all), from `since` on.

    Op afspraak and cancelled ones included; by date, op afspraak first (they have none).
    """
    recent = or_(TrainingSession.starts_at.is_(None), TrainingSession.starts_at >= since)
    mine = TrainingSession.werkplaats_id == werkplaats_id if werkplaats_id else true()
    views = _views(session, mine, recent)
    # In Python: databases disagree on where NULL sorts.
    return sorted(views, key=lambda v: (v.starts_at is not None, _moment(v.starts_at), v.id))


def _moment(start: datetime | None) -> datetime:
    return in_amsterdam(start) if start is not None else datetime.min.replace(tzinfo=UTC)


def session_view(session: Session, training: TrainingSession) -> SessionView:
    """The view of one session already read (its places taken counted now)."""
    counts = session.execute(
        taken_places().where(Registration.training_id == training.id)
    ).one_or_none()
    taken, waiting = (counts.taken or 0, counts.waiting or 0) if counts else (0, 0)
    return SessionView(training, taken, training.advice_ids, waiting)


def find_training(session: Session, training_id: int) -> TrainingSession | None:
    """Return a session by id (with its werkplaats and advice), or None."""
    return session.get(TrainingSession, training_id)


def training_for_update(session: Session, training_id: int) -> TrainingSession | None:
    """Read a session to change its places: locked until the transaction ends.

    Call it after db.begin_write (or scan_for_update, which begins with it): on SQLite the
    transaction holds the write lock from its start; on PostgreSQL the row is locked here,
    FOR UPDATE, so two sign-ups for the last place count one after the other.
    """
    return session.scalars(
        select(TrainingSession)
        .where(TrainingSession.id == training_id)
        .with_for_update(of=TrainingSession)
        .execution_options(populate_existing=True)
    ).one_or_none()


def count_taken(session: Session, training_id: int) -> int:
    """Count the places the registrations of a session hold now."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.training_id == training_id, Registration.status == REGISTERED)
        )
        or 0
    )


def registrations_of(session: Session, training_id: int) -> list[Registration]:
    """A session's registrations: places first, then the waiting list, then the cancelled."""
    order = {REGISTERED: 0, WAITING: 1}
    rows = session.scalars(
        select(Registration)
        .join(Registration.training)
        .where(Registration.training_id == training_id)
        .options(contains_eager(Registration.training), selectinload(Registration.lead))
        .order_by(Registration.id)
    ).all()
    return sorted(rows, key=lambda r: order.get(r.status, 2))


def lead_registrations(session: Session, lead_id: int) -> list[Registration]:
    """A lead's sign-ups with their sessions, newest first (one query)."""
    return list(
        session.scalars(
            select(Registration)
            .where(Registration.lead_id == lead_id)
            .order_by(Registration.id.desc())
        )
    )


def calendar_event(
    view: SessionView, uid_domain: str, url: str | None, description: str
) -> CalendarEvent:
    """Describe a dated session as a calendar event (no personal data)."""
    training = view.training
    assert training.starts_at is not None  # op afspraak has no date to put in a calendar
    return CalendarEvent(
        uid=f"training-{training.id}@{uid_domain}",
        title=training.title,
        starts_at=training.starts_at,
        ends_at=training.ends_at,
        location=view.place,
        description=description,
        url=url,
        sequence=training.sequence,
        cancelled=training.cancelled_at is not None,
    )


def iso_moment(moment: datetime | None) -> str | None:
    """A stored moment as ISO 8601 on Amsterdam's clock, with its offset (None stays None)."""
    return in_amsterdam(moment).isoformat() if moment is not None else None
