"""The routed werkplaats's dates shown with the advice on the result page (issue 20)."""

from __future__ import annotations

from dataclasses import dataclass

from ..db import get_session
from ..domain.offer import KINDS_WITH_SESSIONS
from ..models import Scan, utcnow
from ..records.offer import SessionView, sessions_for_advice
from ..records.results import WerkplaatsView, werkplaats_view
from . import current_catalogue


@dataclass(frozen=True)
class AdviceOffer:
    """What the result page shows with its training and traject advice."""

    werkplaats: WerkplaatsView
    #: Per advice id, the next sessions (at most three; online first when far away).
    sessions: dict[str, list[SessionView]]


def advice_offer(scan: Scan) -> AdviceOffer | None:
    """The routed werkplaats's next sessions for the scan's advice (None: no werkplaats)."""
    werkplaats = werkplaats_view(scan.werkplaats, scan.distance_km)
    if werkplaats is None:
        return None
    catalogue = current_catalogue()
    ids = [
        stored["id"]
        for stored in (scan.result or {}).get("advice", [])
        if (item := catalogue.item(stored["id"])) is not None and item.kind in KINDS_WITH_SESSIONS
    ]
    found = sessions_for_advice(get_session(), werkplaats.id, ids, utcnow(), werkplaats.is_far)
    return AdviceOffer(werkplaats, found)
