"""The dashboard's figures of the offer: who came ("getraind"), per session and per advice item.

Counted from the attendance the werkplaats ticked (participants.record_attendance), in two
aggregate queries; the same attendance moves the lead to "training", which the dashboard's
key figure "getraind" counts per lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, lazyload

from ..content.advice import Catalogue
from ..domain.offer import when_text
from ..records.offer_models import REGISTERED, Registration, SessionAdvice, TrainingSession
from .inbox import NATIONAL

#: Sessions listed on the dashboard: the most recent ones that have begun.
RECENT_SESSIONS = 25


@dataclass(frozen=True)
class SessionFigure:
    """One session that has begun: how many had a place, and how many came."""

    id: int
    title: str
    when: str
    registered: int
    attended: int


@dataclass(frozen=True)
class OfferFigures:
    """Attendance per session and per advice item, for one scope."""

    sessions: list[SessionFigure]
    #: (advice title, sessions given, participants who came), most trained first.
    advice: list[tuple[str, int, int]]

    @property
    def attended(self) -> int:
        """Participants who came, over the sessions listed."""
        return sum(s.attended for s in self.sessions)


def offer_figures(
    session: Session, scope: str | None, catalogue: Catalogue, now: datetime
) -> OfferFigures:
    """Count attendance for a werkplaats (its id) or the network (None); none nationally."""
    if scope == NATIONAL:  # the national queue gives no sessions
        return OfferFigures([], [])
    registered = func.sum(case((Registration.status == REGISTERED, 1), else_=0))
    came = func.sum(case((Registration.attended.is_(True), 1), else_=0))
    begun = or_(TrainingSession.starts_at.is_(None), TrainingSession.starts_at <= now)
    per_session = (
        select(TrainingSession, registered, came)
        .outerjoin(Registration, Registration.training_id == TrainingSession.id)
        .where(begun, TrainingSession.cancelled_at.is_(None))
        .group_by(TrainingSession.id)
        .order_by(TrainingSession.starts_at.desc(), TrainingSession.id.desc())
        .limit(RECENT_SESSIONS)
        # Grouped by the session's key: a joined werkplaats would not be (PostgreSQL refuses).
        .options(lazyload(TrainingSession.werkplaats), lazyload(TrainingSession.advice_links))
    )
    per_advice = (
        select(
            SessionAdvice.advice_id,
            func.count(func.distinct(TrainingSession.id)),
            came,
        )
        .join(TrainingSession, TrainingSession.id == SessionAdvice.session_id)
        .outerjoin(Registration, Registration.training_id == TrainingSession.id)
        .where(begun, TrainingSession.cancelled_at.is_(None))
        .group_by(SessionAdvice.advice_id)
    )
    if scope:
        per_session = per_session.where(TrainingSession.werkplaats_id == scope)
        per_advice = per_advice.where(TrainingSession.werkplaats_id == scope)
    sessions = [
        SessionFigure(t.id, t.title, when_text(t.starts_at, t.ends_at), int(r or 0), int(c or 0))
        for t, r, c in session.execute(per_session).all()
    ]
    titles = {item.id: item.title for item in catalogue.items}
    advice = sorted(
        (
            (titles.get(advice_id, advice_id), int(given), int(attended or 0))
            for advice_id, given, attended in session.execute(per_advice).all()
        ),
        key=lambda row: (-row[2], row[0]),
    )
    return OfferFigures(sessions, advice)
