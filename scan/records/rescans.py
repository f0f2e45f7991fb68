"""Re-scans: a new scan started from a completed one, the chain they form, its comparison."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content import Bank
from ..domain.answers import answer_error, profile_error
from ..domain.comparison import Comparison, compare
from ..models import Scan
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


def start_rescan(session: Session, bank: Bank, previous: Scan) -> Scan:
    """Add a draft filled in with a completed scan's answers, linked to it by its token.

    No step counts as done: the ondernemer goes through each one and changes what changed.
    """
    scan = create_draft(session, bank, previous.partner)
    scan.profile, scan.answers = carried_answers(bank, previous)
    scan.embed_origin = previous.embed_origin
    scan.previous_token = previous.token
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
        {"result": scan.result, "answers": scan.answers},
        same_version=earlier.bank_version == scan.bank_version,
    )


def chain(session: Session, scan: Scan) -> list[Scan]:
    """Every scan linked to this one, earlier and later, this one included."""
    found = {scan.token: scan}
    pending = [scan]
    while pending:
        current = pending.pop()
        linked = list(session.scalars(select(Scan).where(Scan.previous_token == current.token)))
        if current.previous_token:
            linked += list(
                session.scalars(select(Scan).where(Scan.token == current.previous_token))
            )
        for other in linked:
            if other.token not in found:
                found[other.token] = other
                pending.append(other)
    return list(found.values())


def erase_chain(session: Session, scan: Scan) -> int:
    """Erase a scan with every scan of its chain, their leads and mail; return how many."""
    scans = chain(session, scan)
    for member in scans:
        session.delete(member)
    return len(scans)


def _level_name(bank: Bank, theme_id: str, result: dict[str, Any]) -> str | None:
    level = result["themes"].get(theme_id, {}).get("level")
    return bank.themes_by_id[theme_id].level(level).name if level is not None else None


def present_comparison(session: Session, bank: Bank, scan: Scan) -> ComparisonView | None:
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
    return ComparisonView(
        completed_before=earlier.completed_at,
        overall_before=found.overall.before,
        overall_after=found.overall.after,
        overall_delta=found.overall.delta,
        themes=themes,
        changed=tuple(changed),
        resolved_safety=tuple(labels[i] for i in found.resolved_safety if i in labels),
        partial=found.partial,
    )
