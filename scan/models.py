"""SQLAlchemy 2 typed models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    #: The allowed partner origin whose page frames this scan (/embed/), for postMessage.
    embed_origin: Mapped[str | None] = mapped_column(String(200))
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
    #: The werkplaats the profile's postcode routed to at completion; None: the national queue.
    werkplaats_id: Mapped[str | None] = mapped_column(
        ForeignKey("werkplaatsen.id", ondelete="SET NULL")
    )
    #: Great-circle distance from the PC4 centroid to that werkplaats, in km.
    distance_km: Mapped[float | None] = mapped_column(Float)
    #: Copies of the frozen result's numbers, so reports can aggregate them in SQL.
    overall_score: Mapped[int | None] = mapped_column(Integer)
    score_online_sales_marketing: Mapped[int | None] = mapped_column(Integer)
    score_data: Mapped[int | None] = mapped_column(Integer)
    score_automatisering: Mapped[int | None] = mapped_column(Integer)

    #: The token of the earlier scan this re-scan was started from (T0 of this T1), if any.
    #: A token, not an id: tokens are never reused, so an erased T0 leaves nothing to point
    #: at another firm's scan. A chain is erased as a whole (records.rescans.erase_chain).
    previous_token: Mapped[str | None] = mapped_column(String(64), index=True)
    #: A re-scan's answer to "Welke van deze stappen heb je sinds de vorige scan gezet?": ids
    #: of the earlier scan's advice, or ["geen"] or ["weet-ik-niet"] (domain.steps_taken).
    steps_taken: Mapped[list[str] | None] = mapped_column(JSON)
    #: In benchmark_counts (issue 18): completed, and within the comparison's 24 months. Set
    #: at completion, cleared by the daily purge; database triggers (migration 0015) count
    #: the scan when it is set and uncount it when it is cleared or the scan is deleted.
    benchmarked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    werkplaats: Mapped[Werkplaats | None] = relationship(lazy="joined")
    lead: Mapped[Lead | None] = relationship(
        back_populates="scan", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("ix_scans_status_completed_at", "status", "completed_at"),
        Index("ix_scans_werkplaats_completed", "werkplaats_id", "completed_at"),
        # Only the retention run's drafts query uses it; completed scans stay out (0007).
        Index(
            "ix_scans_draft_updated_at",
            "updated_at",
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    @property
    def is_completed(self) -> bool:
        return self.status == "completed"


class Werkplaats(Base):
    """A regional Digitale Werkplaats that receives leads."""

    __tablename__ = "werkplaatsen"

    #: A short, stable slug, e.g. "fryslan".
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(80))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    #: Names of the schools and universities behind it.
    institutions: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: What it offers, in a sentence or two of Dutch.
    offer: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    #: Where lead notifications go; None sends them to the national inbox.
    email: Mapped[str | None] = mapped_column(String(254))
    #: PC4 ranges this werkplaats explicitly serves ("8000-8099"); they win over distance.
    claims: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The public page that proves this werkplaats exists.
    source_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Lead(Base):
    """An ondernemer's request to be contacted, with consent, routed to a werkplaats."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One lead per scan; erasing the scan erases the lead.
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), unique=True)
    #: None: no postcode or no active werkplaats, the lead waits in the national queue.
    werkplaats_id: Mapped[str | None] = mapped_column(
        ForeignKey("werkplaatsen.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    company: Mapped[str] = mapped_column(String(160))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    #: Chamber of Commerce number, 8 digits.
    kvk: Mapped[str | None] = mapped_column(String(8))
    message: Mapped[str | None] = mapped_column(Text)
    #: Version of the consent text the ondernemer ticked, and when.
    consent_version: Mapped[str] = mapped_column(String(20))
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    partner: Mapped[str | None] = mapped_column(String(40))
    #: Werkplaats process: new -> intake -> training | traject -> done, or declined.
    status: Mapped[str] = mapped_column(String(16), default="new")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), onupdate=utcnow)
    #: Copied from the scan's frozen result so the inbox filters without reading JSON.
    weakest_theme: Mapped[str | None] = mapped_column(String(40))
    #: "traject" or "training": the route the result page recommended.
    route: Mapped[str | None] = mapped_column(String(16))
    #: What the werkplaats did: "training" or "traject", kept when the lead is done.
    track: Mapped[str | None] = mapped_column(String(16))
    overall_score: Mapped[int | None] = mapped_column(Integer)
    #: Lower-case "name company email kvk", for the inbox search.
    search_text: Mapped[str] = mapped_column(Text, default="")

    scan: Mapped[Scan] = relationship(back_populates="lead")
    werkplaats: Mapped[Werkplaats | None] = relationship(lazy="joined")

    __table_args__ = (
        # The admin inbox, newest first; search_text makes searching it an index-only scan.
        Index("ix_leads_created_at", "created_at", "id", "search_text"),
        # The inbox: one werkplaats's leads, newest first. The filter columns are included so
        # that counting a filtered inbox never reads the table (measured with
        # bench/inbox_100k.py). PostgreSQL also has a trigram index on search_text
        # (migration 0005), which the LIKE search uses.
        Index(
            "ix_leads_werkplaats_created",
            "werkplaats_id",
            "created_at",
            "id",
            "status",
            "weakest_theme",
            "route",
            "partner",
            "search_text",
        ),
        Index("ix_leads_werkplaats_status_created", "werkplaats_id", "status", "created_at"),
        Index("ix_leads_status_created", "status", "created_at"),
        # A lead id is in staff URLs and in the audit log, which outlives the lead: SQLite
        # must never hand an erased lead's id to a new one (PostgreSQL never does; 0009).
        {"sqlite_autoincrement": True},
    )


class OutboxMail(Base):
    """An e-mail waiting to be sent; kept until the SMTP server accepted it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The lead the mail is about; erasing the lead erases the mail with its personal data.
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    #: The one-click unsubscribe address of a reminder, sent as List-Unsubscribe (RFC 8058).
    unsubscribe_url: Mapped[str | None] = mapped_column(String(300))
    #: Until when a sender holds this mail (mail.claim): no other sends it meanwhile.
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: An iCalendar file (text) sent as the mail's .ics attachment: a training's date (issue 20).
    ics: Mapped[str | None] = mapped_column(Text)


class FollowUp(Base):
    """An e-mail that invites an ondernemer to do the scan again, with its own key.

    A "reminder" is one the ondernemer asked for on the contact form (its own consent, due
    FOLLOW_UP_DAYS later, sent once by `send-follow-ups`); an "invitation" is one werkplaats
    staff sent from the lead's page. Erasing the lead erases it.
    """

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    #: "reminder" or "invitation".
    kind: Mapped[str] = mapped_column(String(16))
    #: The key in the mail's links (start the re-scan, unsubscribe): not the scan's token,
    #: so a mail never holds the key to the result itself.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    #: A reminder's consent: the version of the text the ondernemer ticked, and when.
    consent_version: Mapped[str | None] = mapped_column(String(20))
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Set by the unsubscribe link: the reminder is not sent, and the consent is withdrawn.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    lead: Mapped[Lead] = relationship()

    __table_args__ = (
        # The daily run: reminders not sent yet, by due date.
        Index("ix_follow_ups_due", "sent_at", "due_at"),
    )


# --- Issue 19: read-only share links of a result ---------------------------------------------


class ShareLink(Base):
    """A read-only link to a completed scan's result (/gedeeld/<id>), for an advisor.

    Its id is random and has nothing to do with the scan's token: whoever gets the link sees
    the result and its PDF, and can change, erase or resume nothing. Erasing or purging the
    scan removes its links with it (ON DELETE CASCADE).
    """

    __tablename__ = "share_links"

    #: The key in /gedeeld/<id>: 128 random bits, URL-safe (records.shares.new_share_id).
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: From this moment the link answers 410: SHARE_DAYS after it was made.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Set when the ondernemer withdraws the link: it answers 410 from then on.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    scan: Mapped[Scan] = relationship()


# --- Issue 18: bedrijven zoals jij ----------------------------------------------------------


class BenchmarkCount(Base):
    """How many benchmarked scans of a segment have a score on a theme (records.benchmark).

    Kept by database triggers on scans (migration 0015) in the transaction that completes,
    leaves the window of, erases or purges a scan, so no path can forget them. Each scan is
    counted in its four segments: its sector and size, its sector, its size, all firms.
    """

    __tablename__ = "benchmark_counts"

    #: A sector id of the profile; "" for every sector.
    sector: Mapped[str] = mapped_column(String(60), primary_key=True)
    #: A size id of the profile; "" for every size.
    size: Mapped[str] = mapped_column(String(60), primary_key=True)
    #: A theme id, or "" for the scans themselves (score 0), whatever their theme scores.
    theme: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    scans: Mapped[int] = mapped_column(Integer)
