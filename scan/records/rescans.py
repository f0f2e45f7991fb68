"""Re-scans: a new scan started from a completed one, the chain they form, its comparison."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content import Bank, Question
from ..content.advice import Catalogue
from ..content.model import DONT_KNOW_ID
from ..domain.answers import answer_error, profile_error
from ..domain.comparison import Comparison, compare
from ..domain.steps_taken import NONE_ID, steps_question
from ..models import Scan
from .chains import chain_of
from .results import answer_label
from .scans import create_draft, sector_bank


@dataclass(frozen=True)
class ThemeChange:
    """A theme's score before and after, with its level name now."""

    title: str
    before: int | None
    after: int | None
    delta: int | None
    level_before: str | None
    level_after: str | None


@dataclass(frozen=True)
class ComparisonView:
    """What changed since the earlier scan, in words for the result page."""

    completed_before: Any  # the earlier scan's completion moment
    overall_before: int | None
    overall_after: int | None
    overall_delta: int | None
    themes: tuple[ThemeChange, ...]
    #: "Back-ups: van 'Af en toe, op een usb-stick' naar 'Automatisch, elke dag of week'".
    changed: tuple[tuple[str, str, str], ...]
    resolved_safety: tuple[str, ...]
    partial: bool
    #: Titles of the earlier advice the ondernemer says they took up since.
    steps_taken: tuple[str, ...] = ()
    #: A sentence for an answer that names no advice ("Geen van deze", "Weet ik niet").
    steps_note: str | None = None


NOTHING_ADVISED = "De vorige scan gaf geen adviezen: kies 'geen' of 'weet-ik-niet'."

#: What the result says when the steps-taken answer names no advice.
NO_STEPS_NOTES: dict[tuple[str, ...], str] = {
    (NONE_ID,): "Je gaf aan dat je nog geen van de adviezen van vorige keer hebt opgepakt.",
    (DONT_KNOW_ID,): "Je wist niet zeker welke adviezen van vorige keer je hebt opgepakt.",
}


def carried_answers(bank: Bank, previous: Scan) -> tuple[dict[str, Any], dict[str, Any]]:
    """The earlier scan's profile and answers that this bank can still take as they are.

    A question or option the bank no longer has (another version) is left out: its step
    asks it again.
    """
    profile = {
        item.id: previous.profile[item.id]
        for item in bank.profile
        if item.id in previous.profile and profile_error(item, previous.profile[item.id]) is None
    }
    asked = sector_bank(bank, profile)
    answers = {
        question.id: previous.answers[question.id]
        for question in asked.questions_by_id.values()
        if question.id in previous.answers
        and answer_error(question, previous.answers[question.id]) is None
    }
    return profile, answers


def offered_advice(catalogue: Catalogue, earlier: Scan) -> tuple[tuple[str, str], ...]:
    """The earlier scan's advice the catalogue still has, as (id, title), in its order."""
    ids = [advice["id"] for advice in (earlier.result or {}).get("advice", [])]
    return tuple((i, catalogue.items_by_id[i].title) for i in ids if i in catalogue.items_by_id)


def offered_question(catalogue: Catalogue, offered: list[str]) -> Question | None:
    """The steps-taken question for these offered advice ids (None: nothing left to ask)."""
    items = catalogue.items_by_id
    known = [(i, items[i].title) for i in dict.fromkeys(offered) if i in items]
    return steps_question(known) if known else None


def steps_taken_error(catalogue: Catalogue, earlier: Scan, answer: list[str]) -> str | None:
    """A Dutch message when `answer` is no answer to the steps-taken question, else None.

    An empty list says nothing was reported (the API allows it; the web page asks for one).
    """
    question = offered_question(catalogue, [i for i, _ in offered_advice(catalogue, earlier)])
    if question is None:
        return None if answer in ([], [NONE_ID], [DONT_KNOW_ID]) else NOTHING_ADVISED
    if any(a not in question.options_by_id for a in answer):
        return "Een van deze id's is geen advies dat de vorige scan gaf."
    return answer_error(question, answer)


def start_rescan(session: Session, bank: Bank, catalogue: Catalogue, previous: Scan) -> Scan:
    """Add a draft filled in with a completed scan's answers, linked to it by its token.

    When the earlier scan gave no advice the catalogue still has, there is nothing to ask
    about steps taken: the re-scan has none ([]), and the step is left out (scan_steps).
    The ondernemer goes through every other step and changes what changed.
    """
    scan = create_draft(session, bank, previous.partner)
    scan.profile, scan.answers = carried_answers(bank, previous)
    scan.embed_origin = previous.embed_origin
    scan.previous_token = previous.token
    if not offered_advice(catalogue, previous):
        scan.steps_taken = []
    return scan


def previous_scan(session: Session, scan: Scan) -> Scan | None:
    """The completed scan a re-scan was started from, if it still exists."""
    if scan.previous_token is None:
        return None
    earlier = session.scalar(select(Scan).where(Scan.token == scan.previous_token))
    return earlier if earlier is not None and earlier.is_completed else None


def comparison(session: Session, bank: Bank, scan: Scan) -> Comparison | None:
    """What changed since the scan this completed re-scan was started from (None: none)."""
    earlier = previous_scan(session, scan)
    return None if earlier is None else compare_scans(bank, earlier, scan)


def compare_scans(bank: Bank, earlier: Scan, scan: Scan) -> Comparison | None:
    """What changed from one completed scan to the next (None while either has no result)."""
    if scan.result is None or earlier.result is None:
        return None
    return compare(
        sector_bank(bank, scan.profile),
        {"result": earlier.result, "answers": earlier.answers},
        {"result": scan.result, "answers": scan.answers, "steps_taken": scan.steps_taken},
        same_version=earlier.bank_version == scan.bank_version,
    )


def chain(session: Session, scan: Scan) -> list[Scan]:
    """Every scan linked to this one, earlier and later, this one included, oldest first."""
    return list(session.scalars(chain_of(scan)))


def erase_chain(session: Session, scan: Scan) -> int:
    """Erase a scan with every scan of its chain, their leads and mail; return how many."""
    scans = chain(session, scan)
    for member in scans:
        session.delete(member)
    return len(scans)


def _level_name(bank: Bank, theme_id: str, result: dict[str, Any]) -> str | None:
    level = result["themes"].get(theme_id, {}).get("level")
    return bank.themes_by_id[theme_id].level(level).name if level is not None else None


def present_comparison(
    session: Session, bank: Bank, catalogue: Catalogue, scan: Scan
) -> ComparisonView | None:
    """The comparison of a completed re-scan in words (None when it is no re-scan)."""
    earlier = previous_scan(session, scan)  # read once: the comparison is made from it
    found = compare_scans(bank, earlier, scan) if earlier is not None else None
    if earlier is None or found is None or scan.result is None or earlier.result is None:
        return None
    asked = sector_bank(bank, scan.profile)
    themes = tuple(
        ThemeChange(
            asked.themes_by_id[theme_id].title,
            change.before,
            change.after,
            change.delta,
            _level_name(bank, theme_id, earlier.result),
            _level_name(bank, theme_id, scan.result),
        )
        for theme_id, change in found.themes.items()
    )
    changed = []
    for answer in found.changed_answers:
        before = answer_label(bank, answer.question_id, answer.before)
        after = answer_label(bank, answer.question_id, answer.after)
        if before is not None and after is not None:
            changed.append((asked.questions_by_id[answer.question_id].text, before, after))
    labels = {item.id: item.label for item in bank.safety}
    titles = {item_id: title for item_id, title in offered_advice(catalogue, earlier)}
    return ComparisonView(
        completed_before=earlier.completed_at,
        overall_before=found.overall.before,
        overall_after=found.overall.after,
        overall_delta=found.overall.delta,
        themes=themes,
        changed=tuple(changed),
        resolved_safety=tuple(labels[i] for i in found.resolved_safety if i in labels),
        partial=found.partial,
        steps_taken=tuple(titles[i] for i in found.steps_taken if i in titles),
        steps_note=NO_STEPS_NOTES.get(tuple(scan.steps_taken or ())),
    )
