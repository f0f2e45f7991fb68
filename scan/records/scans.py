"""Storing drafts and results. Data functions take a session and at most flush."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, joinedload, lazyload

from ..content import Bank
from ..content.advice import Catalogue
from ..content.model import PROFILE_STEP as PROFILE_STEP  # the journey's first step
from ..db import begin_write
from ..domain.advice import Advice, recommend
from ..domain.answers import answer_error
from ..domain.scoring import ScanScore, score_scan
from ..domain.steps_taken import STEP as STEPS_TAKEN_STEP
from ..models import Scan, utcnow
from ..werkplaatsen import route_pc4

RESULT_STEP = "resultaat"


def step_ids(bank: Bank) -> tuple[str, ...]:
    """Return the journey's steps in order: the profile, then one per theme (made once)."""
    return bank.step_ids


def journey_steps(bank: Bank, rescan: bool) -> tuple[str, ...]:
    """Return a scan's steps in order: a re-scan first asks which advised steps were taken."""
    return (STEPS_TAKEN_STEP, *bank.step_ids) if rescan else bank.step_ids


def scan_steps(bank: Bank, scan: Scan) -> tuple[str, ...]:
    """Return the steps of this scan (see journey_steps).

    A re-scan whose earlier scan left no advice to ask about has nothing for the first
    step: records.rescans.start_rescan stores its steps taken as [] (an answer always
    names at least one option), and the step is not in its journey.
    """
    return journey_steps(bank, scan.previous_token is not None and scan.steps_taken != [])


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


def scan_by_token(token: str) -> Select[Scan]:
    """Select the scan behind a token."""
    return select(Scan).where(Scan.token == token)


def find_scan(session: Session, token: str, outcome: bool = True) -> Scan | None:
    """Return the scan behind a token, or None (also for tokens of an impossible shape).

    With its outcome, the werkplaats and the lead, in the same query: a completed scan's pages
    show both. outcome=False reads the scan alone, for the step pages (a draft has neither).
    """
    if not 20 <= len(token) <= 64:
        return None
    related = joinedload(Scan.lead) if outcome else lazyload(Scan.werkplaats)
    return session.scalar(scan_by_token(token).options(related))


def next_step(scan: Scan, bank: Bank) -> str:
    """Return the first step not yet done, or the result step when all are done."""
    return first_open_step(scan.steps_done, scan_steps(bank, scan))


def sector_bank(bank: Bank, profile: dict[str, Any]) -> Bank:
    """The bank as this firm sees it: the questions and options of its sector."""
    return bank.for_sector(profile.get("sector"))


def asked_answers(bank: Bank, answers: dict[str, Any]) -> dict[str, Any]:
    """Keep the answers to the questions this (sector's) bank asks.

    A draft may hold answers given before its sector changed; they are not the firm's.
    """
    asked = bank.questions_by_id
    return {question_id: a for question_id, a in answers.items() if question_id in asked}


def steps_still_done(bank: Bank, steps_done: list[str], answers: dict[str, Any]) -> list[str]:
    """Drop the theme steps with a question (of this sector's bank) without a valid answer.

    After the sector changes, a done step may hold another sector's questions or options
    (a klusplatform for a shop): it opens again, and the firm answers what it is asked.
    """
    return [
        step
        for step in steps_done
        if step not in bank.themes_by_id
        or all(
            answer_error(q, answers.get(q.id)) is None
            for q in bank.themes_by_id[step].all_questions
        )
    ]


def first_open_step(steps_done: list[str], steps: tuple[str, ...]) -> str:
    """Return the first of the steps not in steps_done, or the result step when all are done."""
    done = set(steps_done)
    return next((s for s in steps if s not in done), RESULT_STEP)


def may_open(scan: Scan, bank: Bank, step: str) -> bool:
    """Tell whether a step page may be shown: done steps and the next one, not beyond."""
    steps = scan_steps(bank, scan)
    if step not in steps:
        return False
    upcoming = next_step(scan, bank)
    limit = len(steps) if upcoming == RESULT_STEP else steps.index(upcoming)
    return steps.index(step) <= limit


def sent_step(
    scan: Scan, answers: dict[str, Any], profile: dict[str, Any], done: str | None
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


def scan_for_update(session: Session, token: str) -> Scan | None:
    """Read a scan to change it: locked against other writers until the session commits.

    The first statement of the request's transaction: on SQLite it begins with the write
    lock (db.begin_write), on PostgreSQL the row is locked with SELECT ... FOR UPDATE. So a
    step's read, merge and write cannot interleave with another request on the same scan.
    """
    if not 20 <= len(token) <= 64:
        return None
    begin_write(session)
    return session.scalars(scan_by_token(token).with_for_update(of=Scan)).one_or_none()


def store_draft(scan: Scan, values: dict[str, Any]) -> None:
    """Set a draft's new answers, profile and steps_done (see sent_step)."""
    scan.answers = values["answers"]
    scan.profile = values["profile"]
    scan.steps_done = values["steps_done"]


def completion(
    session: Session,
    bank: Bank,
    catalogue: Catalogue,
    answers: dict[str, Any],
    profile: dict[str, Any],
) -> dict[str, Any]:
    """Score the answers, route the postcode, choose advice: the columns of a completed scan.

    `bank` is the whole bank; the firm's sector decides which questions count.
    """
    bank = sector_bank(bank, profile)
    answers = asked_answers(bank, answers)
    score = score_scan(bank, answers)
    werkplaats, found = route_pc4(session, profile.get("postcode"))
    advice = recommend(bank, catalogue, score, answers, profile)
    values = {
        "status": "completed",
        "bank_version": bank.version,
        "completed_at": utcnow(),
        "answers": answers,
        "result": result_snapshot(score, advice),
        "overall_score": score.overall,
        "werkplaats": werkplaats,
        "distance_km": found.distance_km if found else None,
        # Counted among similar firms by the database's triggers, in this transaction.
        "benchmarked": True,
    }
    for theme in score.themes:
        values[score_column(theme.theme_id)] = theme.score
    return values


def complete_draft(
    session: Session, scan: Scan, bank: Bank, catalogue: Catalogue, draft: dict[str, Any]
) -> None:
    """Store the last step's values (see sent_step) and the scored result."""
    values = completion(session, bank, catalogue, draft["answers"], draft["profile"])
    for column, value in {**draft, **values}.items():
        setattr(scan, column, value)
    uncount_earlier(session, scan.previous_token)


def uncount_earlier(session: Session, previous_token: str | None) -> None:
    """Take the scan a re-scan was started from out of the comparison with similar firms.

    A firm counts once, with its newest scan: its earlier one would count it twice, and a
    re-scan would be compared with the firm itself. The triggers uncount it (migration 0015).
    """
    if previous_token is not None:
        session.execute(
            update(Scan)
            .where(Scan.token == previous_token, Scan.benchmarked.is_(True))
            .values(benchmarked=False)
        )


def change_postcode(session: Session, scan: Scan, pc4: str) -> bool:
    """Store a completed scan's new PC4 and route it again; False if it has a lead by now.

    `scan` was read with scan_for_update(), so a lead sent meanwhile is seen here: a lead
    (which takes its werkplaats from the scan) and a postcode change each lock the scan
    first. Scores and advice do not depend on the postcode: the frozen result stays.
    """
    if scan.lead is not None:  # sent meanwhile, with the old werkplaats: leave it so
        return False
    werkplaats, found = route_pc4(session, pc4)
    scan.profile = {**scan.profile, "postcode": pc4}
    scan.werkplaats = werkplaats
    scan.distance_km = found.distance_km if found else None
    return True


def result_snapshot(score: ScanScore, advice: Advice) -> dict[str, Any]:
    """Return the stored form of a result: numbers and ids, the reasons as shown; no texts.

    The result is frozen here: a later question bank or advice file changes the words a
    stored result is shown with, never which safety status, strengths or advice it has (a
    line whose item or question was removed since is left out).
    """
    return {
        "route": advice.route,
        "traject_themes": list(advice.traject_themes),
        "safety": [
            {"id": c.id, "question": c.question_id, "answer": c.answer, "status": c.status}
            for c in advice.safety
        ],
        "strengths": [{"question": s.question_id, "answer": s.answer} for s in advice.strengths],
        "advice": [
            {
                "id": r.item.id,
                "kind": r.item.kind,
                "theme": r.item.theme,
                "reasons": list(r.reasons),
                "because": [{"question": t.question_id, "answer": t.answer} for t in r.because],
                "priority": r.rank,
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
    previous: Scan | None = None,
    steps_taken: list[str] | None = None,
) -> Scan:
    """Score and store a complete set of answers as a completed scan (the API's path).

    With `previous`, a re-scan of that completed scan (checked by the caller), with the
    steps taken since as reported.
    """
    values = completion(session, bank, catalogue, answers, profile)
    scan = Scan(
        token=new_token(),
        partner=partner,
        profile=dict(profile),
        steps_done=list(journey_steps(bank, previous is not None)),
        previous_token=previous.token if previous else None,
        steps_taken=steps_taken,
        **values,
    )
    session.add(scan)
    session.flush()
    uncount_earlier(session, scan.previous_token)
    return scan
