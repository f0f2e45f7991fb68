"""JSON API v1: read-only share links of a completed scan (make, list, withdraw).

The same links as "Deel je resultaat" on the result page, with the same rules: an id of their
own, SHARE_DAYS open, at most records.shares.MAX_OPEN open at once, gone with the scan.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, jsonify

from ..db import get_session
from ..journey import scan_or_404
from ..journey.result_view import share_url
from ..models import ShareLink, utcnow
from ..records.shares import MAX_OPEN, TooManyLinks, add_link, open_links, withdraw_link
from ..web import limit_rate

bp = Blueprint("api_shares", __name__, url_prefix="/api/v1")

NOT_COMPLETED = "Deze scan is nog niet afgerond."


def _error(field: str, message: str, status: int):
    return jsonify({"errors": {field: message}}), status


def expires_text(moment: datetime) -> str:
    """An expiry moment as the API says it: ISO 8601 in UTC, '2027-01-03T14:05:09Z'."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def share_document(link: ShareLink) -> dict[str, Any]:
    """Describe an open share link as the API publishes it."""
    return {"id": link.id, "url": share_url(link.id), "expires_at": expires_text(link.expires_at)}


@bp.post("/scans/<token>/shares")
def create_share(token: str):
    """Make a read-only link to a completed scan's result."""
    scan = scan_or_404(token, for_update=True)
    if not scan.is_completed:
        return _error("token", NOT_COMPLETED, 404)
    limit_rate("scan")  # as on the result page: counted with new scans
    session = get_session()
    try:
        link = add_link(session, scan, current_app.config["SHARE_DAYS"], utcnow())
    except TooManyLinks:
        message = f"Deze scan heeft al {MAX_OPEN} open links. Trek er eerst een in."
        return _error("shares", message, 409)
    session.commit()
    document = share_document(link)
    return jsonify(document), 201, {"Location": document["url"]}


@bp.get("/scans/<token>/shares")
def list_shares(token: str):
    """List a completed scan's open share links, oldest first."""
    scan = scan_or_404(token)
    if not scan.is_completed:
        return _error("token", NOT_COMPLETED, 404)
    links = get_session().scalars(open_links(scan.id, utcnow()))
    return jsonify([share_document(link) for link in links])


@bp.delete("/scans/<token>/shares/<share_id>")
def delete_share(token: str, share_id: str):
    """Withdraw an open share link: its page answers 410 from now on."""
    scan = scan_or_404(token, for_update=True)
    session = get_session()
    if not withdraw_link(session, scan, share_id, utcnow()):
        return _error("id", "Deze scan heeft geen open link met dit id.", 404)
    session.commit()
    return "", 204
