"""Storing drafts and results. Data functions take a session and at most flush."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from .advice import Advice, recommend
from .content import Bank
from .content.advice import Catalogue
from .models import Scan, utcnow
from .scan_reads import ScanRecord
from .scoring import ScanScore, score_scan
from .werkplaatsen import route_pc4

PROFILE_STEP = "profiel"
RESULT_STEP = "resultaat"


def step_ids(bank: Bank) -> list[str]:
    """Return the journey's steps in order: the profile, then one per theme."""
    return [PROFILE_STEP, *(theme.id for theme in bank.themes)]


def score_column(theme_id: str) -> str:
    """Return the name of the Scan column holding a theme's score."""
    return "score_" + theme_id.replace("-", "_")


def new_token() -> str:
    """Return an unguessable URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def create_draft(session: Session, bank: Bank, partner: str | None = None) -> Scan:
    """Add a new, empty draft scan."""
    scan = Scan(token=new_token(), bank_version=bank.version, partner=partner)
    session.add(scan)
    session.flush()
    return scan


def scan_by_token(token: str) -> Select[tuple[Scan]]:
    """Select the scan behind a token."""
    return select(Scan).where(Scan.token == token)


def find_scan(session: Session, token: str) -> Scan | None:
    """Return the scan behind a token, or None (also for tokens of an impossible shape)."""
    if not 20 <= len(token) <= 64:
        return None
    return session.scalar(scan_by_token(token))


def next_step(scan: Scan | ScanRecord, bank: Bank) -> str:
    """Return the first step not yet done, or the result step when all are done."""
    return first_open_step(scan.steps_done, bank)


def first_open_step(steps_done: list[str], bank: Bank) -> str:
    """Return the first step not in steps_done, or the result step when all are done."""
    done = set(steps_done)
    return next((s for s in step_ids(bank) if s not in done), RESULT_STEP)


def may_open(scan: Scan | ScanRecord, bank: Bank, step: str) -> bool:
    """Tell whether a step page may be shown: done steps and the next one, not beyond."""
    steps = step_ids(bank)
    if step not in steps:
        return False
    upcoming = next_step(scan, bank)
    limit = len(steps) if upcoming == RESULT_STEP else steps.index(upcoming)
    return steps.index(step) <= limit


def save_answers(scan: Scan, answers: dict[str, Any], profile: dict[str, Any]) -> None:
    """Merge answers and profile values into the draft (new dicts, so the change is seen)."""
    scan.answers = {**scan.answers, **answers}
    scan.profile = {**scan.profile, **profile}


def sent_step(
    scan: ScanRecord, answers: dict[str, Any], profile: dict[str, Any], done: str | None
) -> dict[str, Any]:
    """Return a draft's answers, profile and steps_done after a step's page was sent.

    `done` is the step when its page had no errors, so a resumed scan continues after it.
    """
    steps_done = list(scan.steps_done)
    if done is not None and done not in steps_done:
        steps_done.append(done)
    return {
        "answers": {**scan.answers, **answers},
        "profile": {**scan.profile, **profile},
        "steps_done": steps_done,
    }


def update_draft(session: Session, scan_id: int, values: dict[str, Any]) -> None:
    """Write a draft's new values (see sent_step) with one UPDATE, loading no ORM object."""
    table = Scan.__table__
    session.execute(update(table).where(table.c.id == scan_id).values(**values))


def complete(session: Session, scan: Scan, bank: Bank, catalogue: Catalogue) -> ScanScore:
    """Score the draft's answers, route it to a werkplaats, choose advice; freeze the result."""
    score = score_scan(bank, scan.answers)
    # Reading the werkplaatsen must not flush the scan's pending changes: the write, and with
    # it SQLite's write lock, waits for the commit at the end of the request.
    with session.no_autoflush:
        werkplaats, found = route_pc4(session, scan.profile.get("postcode"))
    scan.werkplaats = werkplaats
    scan.werkplaats_id = werkplaats.id if werkplaats else None
    scan.distance_km = found.distance_km if found else None
    advice = recommend(bank, catalogue, score, scan.answers, scan.profile)
    scan.result = result_snapshot(score, advice)
    scan.overall_score = score.overall
    for theme in score.themes:
        setattr(scan, score_column(theme.theme_id), theme.score)
    scan.status = "completed"
    scan.bank_version = bank.version
    scan.completed_at = utcnow()
    return score


def result_snapshot(score: ScanScore, advice: Advice) -> dict[str, Any]:
    """Return the stored form of a result: numbers and ids, the reasons as shown; no texts."""
    return {
        "route": advice.route,
        "traject_themes": list(advice.traject_themes),
        "advice": [
            {
                "id": r.item.id,
                "kind": r.item.kind,
                "theme": r.item.theme,
                "reasons": list(r.reasons),
            }
            for r in advice.recommendations
        ],
        "overall": score.overall,
        "themes": {
            t.theme_id: {
                "score": t.score,
                "level": t.level,
                "costliest": [
                    {"question": q.question_id, "lost": q.lost, "max": q.max_points}
                    for q in t.costliest()
                ],
            }
            for t in score.themes
        },
    }


def store_submission(
    session: Session,
    bank: Bank,
    catalogue: Catalogue,
    answers: dict[str, Any],
    profile: dict[str, Any],
    partner: str | None,
) -> Scan:
    """Store a complete set of answers in one go (the API's path) and score it."""
    scan = Scan(
        token=new_token(),
        bank_version=bank.version,
        partner=partner,
        answers=dict(answers),
        profile=dict(profile),
        steps_done=step_ids(bank),
    )
    # Scored and routed before it joins the session, so storing it is a single INSERT.
    complete(session, scan, bank, catalogue)
    session.add(scan)
    session.flush()
    return scan
