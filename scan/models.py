"""SQLAlchemy 2 typed models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class Scan(Base):
    """One ondernemer's scan: a draft while they answer, then a scored result."""

    __tablename__ = "scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The ondernemer's only key to the scan (256 bits, URL-safe); never logged.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    #: "draft" while answering, "completed" once scored.
    status: Mapped[str] = mapped_column(String(16), default="draft")
    #: Version of the question bank the answers belong to and were scored with.
    bank_version: Mapped[str] = mapped_column(String(40))
    #: Partner site slug the scan came through (for example "kvk"), if any.
    partner: Mapped[str | None] = mapped_column(String(40))
    #: Profile answers; the postcode is stored as its four digits only.
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: question id -> option id, or a list of option ids for multiple-choice questions.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Steps whose page has been sent without errors, so a resumed scan continues after them.
    steps_done: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The scored result as shown to the ondernemer, frozen at completion.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_scans_status_completed_at", "status", "completed_at"),
        Index("ix_scans_updated_at", "updated_at"),
    )

    @property
    def is_completed(self) -> bool:
        return self.status == "completed"
