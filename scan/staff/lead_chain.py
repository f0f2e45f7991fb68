"""Every scan of a lead's firm for its page: oldest first, each with what changed since the
scan it was started from (scores, advised steps taken, safety items now in order)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..content import DONT_KNOW_ID, Bank
from ..content.advice import Catalogue
from ..domain.steps_taken import NONE_ID, taken_advice
from ..models import Lead, Scan
from ..records.chains import chain_of
from ..records.rescans import compare_scans
from .inbox import visible_leads
from .models import StaffUser

#: What a re-scan's steps-taken answer says when it names no advice.
STEPS_NOTES = {NONE_ID: "Geen van deze", DONT_KNOW_ID: "Weet ik niet"}


@dataclass(frozen=True)
class ThemeScore:
    """A theme's score in one scan, and its change since the scan before (None: none)."""

    title: str
    score: int | None
    delta: int | None


@dataclass(frozen=True)
class ChainEntry:
    """One scan of the chain as the lead page shows it."""

    #: None while the scan is a draft ("nog bezig").
    completed_at: datetime | None
    #: The scan of the lead whose page this is.
    this_lead: bool
    #: The scan's own lead, when it is another one and this user may see it.
    lead_id: int | None
    #: Started from an earlier scan of the chain.
    rescan: bool
    overall: int | None
    overall_delta: int | None
    themes: tuple[ThemeScore, ...]
    #: Titles of the earlier scan's advice reported taken since.
    steps: tuple[str, ...]
    #: When the answer names no advice: "Geen van deze", "Weet ik niet" or "Niet gevraagd".
    steps_note: str | None
    #: Labels of the safety items at risk or unknown before and in order now.
    resolved_safety: tuple[str, ...]


def lead_chain(
    session: Session, user: StaffUser, lead: Lead, bank: Bank, catalogue: Catalogue
) -> list[ChainEntry]:
    """Every scan of the lead's chain, oldest first, in two queries however long it is.

    The caller has checked that the user may see this lead; the chain's other scans carry
    no contact details, only a link to their own lead when the user may see that one too.
    """
    scans = list(session.scalars(chain_of(lead.scan)))
    visible = {
        other.scan_id: other.id
        for other in session.scalars(
            visible_leads(user).where(Lead.scan_id.in_([s.id for s in scans]))
        )
    }
    by_token = {scan.token: scan for scan in scans}
    return [
        _entry(bank, catalogue, scan, by_token.get(scan.previous_token or ""), lead, visible)
        for scan in scans
    ]


def _entry(
    bank: Bank,
    catalogue: Catalogue,
    scan: Scan,
    earlier: Scan | None,
    lead: Lead,
    visible: dict[int, int],
) -> ChainEntry:
    result = scan.result if scan.is_completed and scan.result else {"themes": {}}
    change = compare_scans(bank, earlier, scan) if earlier is not None else None
    themes = tuple(
        ThemeScore(
            theme.title,
            result["themes"].get(theme.id, {}).get("score"),
            change.themes[theme.id].delta if change and theme.id in change.themes else None,
        )
        for theme in bank.themes
    )
    asked = scan.previous_token is not None and scan.is_completed
    steps, note = _steps(catalogue, scan) if asked else ((), None)
    labels = {item.id: item.label for item in bank.safety}
    return ChainEntry(
        completed_at=scan.completed_at if scan.is_completed else None,
        this_lead=scan.id == lead.scan_id,
        lead_id=visible.get(scan.id) if scan.id != lead.scan_id else None,
        rescan=scan.previous_token is not None,
        overall=result.get("overall"),
        overall_delta=change.overall.delta if change else None,
        themes=themes,
        steps=steps,
        steps_note=note,
        resolved_safety=tuple(
            labels[i] for i in (change.resolved_safety if change else ()) if i in labels
        ),
    )


def _steps(catalogue: Catalogue, scan: Scan) -> tuple[tuple[str, ...], str | None]:
    """The titles of the advice a re-scan reports taken, or a note when it names none."""
    answer = scan.steps_taken or []
    taken = taken_advice(answer)
    if not taken:
        return (), next((STEPS_NOTES[a] for a in answer if a in STEPS_NOTES), "Niet gevraagd")
    # An item removed from adviezen/ since is left out, as on a stored result.
    titles = tuple(item.title for advice_id in taken if (item := catalogue.item(advice_id)))
    return titles, None if titles else "Een advies dat niet meer bestaat"
