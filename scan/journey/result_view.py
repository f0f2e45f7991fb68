"""What the result page, the shared page and the PDF show of a completed scan.

One context for the partials they share (templates/result/_*.html): the result in words, the
chart of the theme scores, the traject rules that explain the advice, and the werkplaats. And
the share links the result page lists for the ondernemer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for

from ..db import get_session
from ..models import Scan, utcnow
from ..records.results import present_result, werkplaats_heading, werkplaats_view
from ..records.shares import open_links
from . import current_bank, current_catalogue
from .charts import bar_chart


def result_view(scan: Scan) -> dict[str, Any]:
    """Return the template values of a completed scan's result, as the partials use them."""
    result = present_result(scan, current_bank(), current_catalogue())
    werkplaats = werkplaats_view(scan.werkplaats, scan.distance_km)
    return dict(
        result=result,
        chart=bar_chart([(t.title, t.score) for t in result.themes if t.score is not None]),
        rules=current_catalogue().rules.traject,
        werkplaats=werkplaats,
        far=werkplaats is not None and werkplaats.is_far,
        werkplaats_heading=werkplaats_heading(werkplaats),
    )


@dataclass(frozen=True)
class ShareView:
    """An open share link as the result page lists it."""

    id: str
    url: str
    expires_at: datetime


def share_url(share_id: str) -> str:
    """The absolute address of a share link: the full site, never the partner's frame."""
    return url_for("shared.page", share_id=share_id, _external=True)


def open_shares(scan: Scan) -> list[ShareView]:
    """The scan's open share links with their addresses, oldest first."""
    links = get_session().scalars(open_links(scan.id, utcnow()))
    return [ShareView(link.id, share_url(link.id), link.expires_at) for link in links]
