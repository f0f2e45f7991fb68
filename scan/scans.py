"""Storing drafts and results. Data functions take a session and at most flush."""

from __future__ import annotations

import secrets
from functools import cache
from typing import Any

from sqlalchemy import Insert, Select, Update, bindparam, insert, select, update
from sqlalchemy.orm import Session

from .advice import Advice, recommend
from .answers import answer_error
from .content import Bank
from .content.advice import Catalogue
from .content.model import PROFILE_STEP as PROFILE_STEP  # the journey's first step
from .lean_sql import Reader, Writer
from .models import Scan, utcnow
from .scan_reads import ScanRecord, WerkplaatsRecord
from .scoring import ScanScore, score_scan
from .werkplaatsen import route_pc4

RESULT_STEP = "resultaat"


def step_ids(bank: Bank) -> tuple[str, ...]:
    """Return the journey's steps in order: the profile, then one per theme (made once)."""
    return bank.step_ids


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
        if step == PROFILE_STEP
        or step not in bank.themes_by_id
        or all(
            answer_error(q, answers.get(q.id)) is None
            for q in bank.themes_by_id[step].all_questions
        )
    ]


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


_scans = Scan.__table__
#: The columns a step's page writes; built once, as making the statement anew cost more than
#: running it. Every value is passed, updated_at too: a LeanConnection fills in no defaults.
_DRAFT_COLUMNS = ("answers", "profile", "steps_done", "updated_at")


@cache
def _update_scan(columns: tuple[str, ...]) -> Update:
    """UPDATE one scan (bound as scan_id), setting these columns from bound values."""
    return (
        update(_scans)
        .where(_scans.c.id == bindparam("scan_id"))
        .values({name: bindparam(name, type_=_scans.c[name].type) for name in columns})
    )


def update_draft(connection: Writer, scan_id: int, values: dict[str, Any]) -> None:
    """Write a draft's new values (see sent_step) with one UPDATE, loading no ORM object."""
    connection.execute(
        _update_scan(_DRAFT_COLUMNS), {"scan_id": scan_id, "updated_at": utcnow(), **values}
    )


def completion(
    reader: Reader,
    bank: Bank,
    catalogue: Catalogue,
    answers: dict[str, Any],
    profile: dict[str, Any],
) -> tuple[dict[str, Any], WerkplaatsRecord | None]:
    """Score the answers, route the postcode, choose advice: the columns of a completed scan.

    Returns those column values and the werkplaats routed to (None: the national queue).
    Nothing is written, so the write that follows holds SQLite's write lock only briefly.
    `bank` is the whole bank; the firm's sector decides which questions count.
    """
    bank = sector_bank(bank, profile)
    answers = asked_answers(bank, answers)
    score = score_scan(bank, answers)
    werkplaats, found = route_pc4(reader, profile.get("postcode"))
    advice = recommend(bank, catalogue, score, answers, profile)
    values = {
        "status": "completed",
        "bank_version": bank.version,
        "completed_at": utcnow(),
        "answers": answers,
        "result": result_snapshot(score, advice),
        "overall_score": score.overall,
        "werkplaats_id": werkplaats.id if werkplaats else None,
        "distance_km": found.distance_km if found else None,
    }
    for theme in score.themes:
        values[score_column(theme.theme_id)] = theme.score
    return values, werkplaats


def complete_draft(
    connection: Writer,
    scan: ScanRecord,
    bank: Bank,
    catalogue: Catalogue,
    draft: dict[str, Any],
    reader: Reader | None = None,
) -> None:
    """Store the last step's values (see sent_step) and the scored result in one UPDATE.

    Routing reads on `reader` when given (a request's LeanConnection), else on `connection`.
    """
    values, _werkplaats = completion(
        reader or connection, bank, catalogue, draft["answers"], draft["profile"]
    )
    row = {**draft, **values, "updated_at": values["completed_at"]}
    connection.execute(_update_scan(tuple(sorted(row))), {"scan_id": scan.id, **row})


def lock_scan(session: Session, scan: Scan) -> None:
    """Hold the scan against other writers until commit, and read it afresh.

    An UPDATE that changes nothing still takes the row's lock on PostgreSQL and the write
    lock on SQLite; what is read after it is what the last commit left. A lead (which takes
    its werkplaats from the scan) and a postcode change (which must not happen after a
    lead) each take it first, so one of them waits for the other.
    """
    session.execute(
        update(Scan)
        .where(Scan.id == scan.id)
        .values(updated_at=Scan.updated_at)
        .execution_options(synchronize_session=False)
    )
    session.refresh(scan)


def change_postcode(session: Session, scan: Scan, pc4: str) -> bool:
    """Store a completed scan's new PC4 and route it again; False if it has a lead by now.

    Scores and advice do not depend on the postcode, so the frozen result stays as it is.
    """
    lock_scan(session, scan)
    if scan.lead is not None:  # sent meanwhile, with the old werkplaats: leave it so
        return False
    werkplaats, found = route_pc4(session.connection(), pc4)
    scan.profile = {**scan.profile, "postcode": pc4}
    scan.werkplaats_id = werkplaats.id if werkplaats else None
    scan.distance_km = found.distance_km if found else None
    scan.updated_at = utcnow()
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


@cache
def _insert_scan(columns: tuple[str, ...]) -> Insert:
    """INSERT a scan with these columns from bound values, returning its id."""
    values = {name: bindparam(name, type_=_scans.c[name].type) for name in columns}
    return insert(_scans).values(values).returning(_scans.c.id)


def store_submission(
    connection: Writer,
    bank: Bank,
    catalogue: Catalogue,
    answers: dict[str, Any],
    profile: dict[str, Any],
    partner: str | None,
    reader: Reader | None = None,
) -> tuple[ScanRecord, dict[str, Any]]:
    """Score and store a complete set of answers in one INSERT (the API's path).

    Returns the stored scan and its frozen result. Routing reads on `reader` when given.
    """
    values, werkplaats = completion(reader or connection, bank, catalogue, answers, profile)
    now = values["completed_at"]
    row = {
        "token": new_token(),
        "partner": partner,
        "profile": dict(profile),
        "steps_done": list(step_ids(bank)),
        "created_at": now,
        "updated_at": now,
        **values,
    }
    scan_id = connection.execute(_insert_scan(tuple(sorted(row))), row).scalar()
    scan = ScanRecord(
        id=scan_id,
        token=row["token"],
        status="completed",
        bank_version=bank.version,
        embed_origin=None,
        profile=row["profile"],
        answers=row["answers"],
        steps_done=row["steps_done"],
        completed_at=now,
        distance_km=values["distance_km"],
        werkplaats=werkplaats,
        has_lead=False,
    )
    return scan, values["result"]
