"""Models of the staff workspace: accounts, their sessions, notes on leads, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ..models import Werkplaats, utcnow

ROLES = ("admin", "medewerker")


class StaffUser(Base):
    """A staff account: a medewerker of one werkplaats, or a network admin."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case; the sign-in name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    #: argon2id hash, with its parameters, as argon2-cffi writes it.
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    #: The werkplaats of a medewerker; None for an admin.
    werkplaats_id: Mapped[str | None] = mapped_column(
        ForeignKey("werkplaatsen.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    werkplaats: Mapped[Werkplaats | None] = relationship(lazy="joined")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class StaffSession(Base):
    """A signed-in browser. The cookie holds a random key; only its SHA-256 is stored here,
    so a copy of the database cannot be used to sign in, and sign-out really ends it."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[StaffUser] = relationship(lazy="joined")


class SigninDelay(Base):
    """Sign-in attempts for one typed e-mail address from one client network, and the moment
    the next one may be tried: the delay grows with every attempt after the first few.

    Keyed by HMACs, so neither the typed address nor the network is stored; whether the
    address belongs to an account makes no difference (no enumeration).
    """

    __tablename__ = "signin_delays"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: HMAC of the typed e-mail address and the client network together.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    #: HMAC of the typed e-mail address alone, so an admin can lift every delay of an account.
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LeadNote(Base):
    """A note on a lead. Notes are only ever added, never edited or removed."""

    __tablename__ = "lead_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    #: Kept so a note still says who wrote it after the account is removed.
    author_email: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    """Who looked at or changed what, and when. Admins read it; nobody edits it."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    actor_email: Mapped[str] = mapped_column(String(254))
    #: For example "lead.view", "lead.status", "lead.reassign", "lead.note", "export",
    #: "auth.signin", "auth.failed", "auth.locked", "user.create", "werkplaats.update".
    action: Mapped[str] = mapped_column(String(40))
    #: Not a foreign key: the event outlives a purged lead.
    lead_id: Mapped[int | None] = mapped_column(Integer)
    werkplaats_id: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_audit_events_lead", "lead_id"),
        # Ids only ever go up, on SQLite too (0009): the log's order and gaps stay visible.
        {"sqlite_autoincrement": True},
    )
