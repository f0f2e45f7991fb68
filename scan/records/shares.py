"""Read-only share links of a completed scan: made, listed, withdrawn and looked up.

A link's id is 128 random bits of its own, never the scan's token, so a link cannot lead to
the pages that change or erase the scan. A link is open until it is withdrawn or expires;
after that its page answers 410 until the retention purge removes the row (SHARE_GRACE after
its expiry), and with the scan it goes at once. Data functions take a session and at most flush.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from ..models import Scan, ShareLink

#: Random bytes of a link's id: 22 URL-safe characters.
SHARE_ID_BYTES = 16
#: What a link's id looks like in a URL (the API's path pattern says the same).
SHARE_ID_PATTERN = r"^[A-Za-z0-9_-]{22}$"
#: Open links per scan at most: enough for every advisor, and the list on the page stays short.
MAX_OPEN = 10

OPEN, WITHDRAWN, EXPIRED = "open", "withdrawn", "expired"


class TooManyLinks(Exception):
    """The scan already has MAX_OPEN open links."""


def new_share_id() -> str:
    """Return a new, unguessable link id."""
    return secrets.token_urlsafe(SHARE_ID_BYTES)


def _utc(moment: datetime) -> datetime:
    # SQLite hands stored moments back without their zone; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def open_links(scan_id: int, now: datetime) -> Select[ShareLink]:
    """Select a scan's open links, oldest first."""
    return (
        select(ShareLink)
        .where(
            ShareLink.scan_id == scan_id,
            ShareLink.withdrawn_at.is_(None),
            ShareLink.expires_at > now,
        )
        .order_by(ShareLink.created_at, ShareLink.id)
    )


def add_link(session: Session, scan: Scan, days: int, now: datetime) -> ShareLink:
    """Add an open link to a completed scan, valid for `days`; TooManyLinks at MAX_OPEN.

    Call it with the scan read for update (scans.scan_for_update), so two presses at once
    count each other's link.
    """
    counted = select(func.count()).select_from(open_links(scan.id, now).subquery())
    if (session.scalar(counted) or 0) >= MAX_OPEN:
        raise TooManyLinks
    link = ShareLink(
        id=new_share_id(),
        scan_id=scan.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    return link


def withdraw_link(session: Session, scan: Scan, share_id: str, now: datetime) -> bool:
    """Withdraw one open link of this scan; False when it has no such open link."""
    link = session.scalar(open_links(scan.id, now).where(ShareLink.id == share_id))
    if link is None:
        return False
    link.withdrawn_at = now
    session.flush()
    return True


def find_link(session: Session, share_id: str) -> ShareLink | None:
    """Return the link with this id and its scan, or None (also for an impossible shape)."""
    if not 20 <= len(share_id) <= 32:
        return None
    return session.scalar(
        select(ShareLink).where(ShareLink.id == share_id).options(joinedload(ShareLink.scan))
    )


def link_state(link: ShareLink, now: datetime) -> str:
    """Tell whether a link is open, withdrawn or expired."""
    if link.withdrawn_at is not None:
        return WITHDRAWN
    return OPEN if _utc(link.expires_at) > now else EXPIRED
