"""What a share link opens: the result, read-only, and its PDF; 410 once it has ended.

Only the result itself (scores, safety, strengths, advice, the werkplaats): no answers to
change, no contact form, no erasure, no resume or re-scan link, no contact details, and no
address that holds the scan's token. Not under /embed/: the link is sent to a person, not
framed by a partner. The pages are never stored nor indexed (web.PRIVATE_PREFIXES).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, url_for

from ..db import get_session
from ..models import ShareLink, utcnow
from ..records.shares import EXPIRED, OPEN, WITHDRAWN, find_link, link_state
from .result_view import result_view

bp = Blueprint("shared", __name__)

#: The 410 page's words: the person who got the link did nothing wrong.
ENDED = {
    WITHDRAWN: (
        "Deze link is ingetrokken",
        "De ondernemer die dit resultaat deelde, heeft de link ingetrokken. Wil je het "
        "resultaat toch zien? Vraag dan om een nieuwe link.",
    ),
    EXPIRED: (
        "Deze link is verlopen",
        "Een gedeelde link werkt {days} dagen. Wil je het resultaat nog zien? Vraag de "
        "ondernemer dan om een nieuwe link.",
    ),
}


def _open_link(share_id: str) -> ShareLink | tuple[str, int]:
    """The open link with this id; the 410 page when it ended; 404 when there is none."""
    link = find_link(get_session(), share_id)
    if link is None or not link.scan.is_completed:
        abort(404)
    state = link_state(link, utcnow())
    if state != OPEN:
        title, text = ENDED[state]
        text = text.format(days=current_app.config["SHARE_DAYS"])
        return render_template("errors/error.html", title=title, text=text, status=410), 410
    return link


@bp.get("/gedeeld/<share_id>")
def page(share_id: str):
    """Show a shared result, read-only."""
    link = _open_link(share_id)
    if not isinstance(link, ShareLink):
        return link
    return render_template(
        "shared/result.html",
        **result_view(link.scan),
        completed_at=link.scan.completed_at,
        expires_at=link.expires_at,
        pdf_url=url_for("shared.pdf", share_id=share_id),
        read_only=True,
    )


@bp.get("/gedeeld/<share_id>/resultaat.pdf")
def pdf(share_id: str):
    """Answer a shared result as the same PDF stappenplan the ondernemer gets."""
    link = _open_link(share_id)
    if not isinstance(link, ShareLink):
        return link
    from .pdf import pdf_response  # on first use: see sharing.result_pdf

    return pdf_response(link.scan)
