"""Models of a werkplaats's own offer: its training sessions and who signed up (issue 20).

Kept beside the records that use them rather than in scan/models.py, which stays the home
of the scan and its lead. A registration belongs to a lead (one per scan), so erasing the
scan or purging the lead removes it by ON DELETE CASCADE, with its mail in the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ..models import Lead, Werkplaats, utcnow

#: A registration's statuses: a place, a place on the waiting list, or cancelled by the
#: ondernemer (a session cancelled by the werkplaats keeps its registrations as they were).
REGISTERED = "registered"
WAITING = "waiting"
CANCELLED = "cancelled"


class TrainingSession(Base):
    """One date of a training (or an intake moment of a traject) that a werkplaats gives."""

    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    werkplaats_id: Mapped[str] = mapped_column(ForeignKey("werkplaatsen.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(120))
    #: None (with ends_at): a traject that starts "op afspraak", without a date.
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Where it is held; None for an online session (the werkplaats mails the link).
    address: Mapped[str | None] = mapped_column(String(200))
    places: Mapped[int] = mapped_column(Integer)
    #: What taking part costs, in euro cents; 0 is free.
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Set when the werkplaats cancels it: it is no longer offered, its participants are mailed.
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Raised on every change participants are mailed about: iCalendar's SEQUENCE, so a
    #: calendar replaces the event it holds instead of adding a second one.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), onupdate=utcnow)

    werkplaats: Mapped[Werkplaats] = relationship(lazy="joined")
    #: The advice items it serves; read with the session (one more query per page, not per row).
    advice_links: Mapped[list[SessionAdvice]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SessionAdvice.advice_id"
    )

    __table_args__ = (
        # The agenda of one werkplaats, by date: every page and feed that shows sessions.
        Index("ix_training_sessions_werkplaats_starts", "werkplaats_id", "starts_at"),
        # Ids are in public URLs and the API: SQLite must never hand one out twice.
        {"sqlite_autoincrement": True},
    )

    @property
    def advice_ids(self) -> tuple[str, ...]:
        """The ids of the advice items this session serves."""
        return tuple(link.advice_id for link in self.advice_links)


class SessionAdvice(Base):
    """That a session serves an advice item (of kind training or traject)."""

    __tablename__ = "training_session_advice"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    #: An id from adviezen/; an item removed since simply matches no result any more.
    advice_id: Mapped[str] = mapped_column(String(80), primary_key=True)

    __table_args__ = (
        # The result page: the sessions of these advice items (joined to the werkplaats's).
        Index("ix_training_session_advice_advice", "advice_id", "session_id"),
    )


class Registration(Base):
    """An ondernemer (or a colleague) signed up for a session, as part of the scan's lead."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"))
    #: The lead it extends; erasing or purging the lead erases it.
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    #: The key of the cancel link in its mail: never the scan's token, which opens the result.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    company: Mapped[str] = mapped_column(String(160))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    #: Version of the consent text ticked on the sign-up form, and when.
    consent_version: Mapped[str] = mapped_column(String(20))
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: REGISTERED, WAITING or CANCELLED.
    status: Mapped[str] = mapped_column(String(16))
    #: Ticked by the werkplaats after the date: None not yet, True came, False did not.
    attended: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    training: Mapped[TrainingSession] = relationship(lazy="joined")
    lead: Mapped[Lead] = relationship()

    __table_args__ = (
        # A session's participants, and counting its places taken under its lock.
        Index("ix_registrations_training_status", "training_id", "status"),
        {"sqlite_autoincrement": True},
    )
