"""JSON API v1: the questionnaire, submitting a scan, reading and erasing a result."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from ..content import Bank
from ..db import begin_write, get_session
from ..domain.answers import validate_submission
from ..domain.contact import validate_contact, wants_follow_up
from ..journey import current_bank, current_catalogue, scan_or_404
from ..models import Scan
from ..records.benchmark import benchmark_of
from ..records.handover import store_lead
from ..records.leads import LeadConflict
from ..records.rescans import comparison, erase_chain, steps_taken_error
from ..records.results import (
    WerkplaatsView,
    advice_still_offered,
    stored_safety,
    stored_strengths,
    werkplaats_view,
)
from ..records.scans import find_scan, store_submission
from ..web import rate_wait
from ..werkplaatsen import all_werkplaatsen
from .benchmark import benchmark_document
from .schema import openapi_document
from .sessions import advice_sessions

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: Keeps an answer to a malicious payload small: at most this many field errors are listed.
MAX_ERRORS = 50


def questionnaire_document(bank: Bank) -> dict[str, Any]:
    """Describe the whole questionnaire as the API publishes it."""

    def options(opts):
        return [
            {"id": o.id, "label": o.label, "points": o.points}
            | ({"exclusive": True} if o.exclusive else {})
            | ({"not_applicable": True} if o.not_applicable else {})
            | ({"sectors": list(o.sectors)} if o.sectors else {})
            for o in opts
        ]

    def max_points_by_sector(question):
        """Per sector, when the options vary by sector: what scoring divides by."""
        if not any(o.sectors for o in question.options):
            return {}
        return {
            "max_points_by_sector": {
                sector: question.for_sector(sector).max_points for sector in bank.sector_ids
            }
        }

    return {
        "version": bank.version,
        "themes": [
            {
                "id": theme.id,
                "title": theme.title,
                "questions": [
                    {
                        "id": q.id,
                        "text": q.text,
                        "hint": q.hint,
                        "type": q.type,
                        "scored": q.scored,
                        "max_points": q.max_points if q.scored else 0,
                        "sectors": list(q.sectors) if q.sectors else None,
                        "options": options(q.options),
                    }
                    | max_points_by_sector(q)
                    for q in theme.all_questions
                ],
            }
            for theme in bank.themes
        ],
        "profile": [
            {
                "id": item.id,
                "text": item.text,
                "hint": item.hint,
                "type": "text" if item.type == "postcode" else "single",
                "format": "postcode" if item.type == "postcode" else None,
                "required": item.required,
                "options": [{"id": o.id, "label": o.label} for o in item.options],
            }
            for item in bank.profile
        ],
    }


def result_document(scan: Scan, bank: Bank) -> dict[str, Any]:
    """Describe a completed scan's result as the API publishes it.

    Made from the stored numbers and the content's names directly: the result page's Result
    (results.present_result) also carries texts and HTML that the API does not publish.
    """
    stored_result = scan.result
    assert stored_result is not None
    catalogue = current_catalogue()
    themes: dict[str, dict[str, Any]] = {}
    for theme in bank.themes:
        stored = stored_result["themes"][theme.id]
        if stored["level"] is None:  # too few questions applied to measure it
            themes[theme.id] = {"score": None, "level": None, "measured": False}
            continue
        level = theme.level(stored["level"])
        themes[theme.id] = {
            "score": stored["score"],
            "level": {"id": level.level, "name": level.name},
            "measured": True,
        }
    advice = [
        {
            "id": item.id,
            "title": item.title,
            "kind": item.kind,
            "theme": item.theme,
            "reasons": list(stored["reasons"]),
            "because": list(stored.get("because", [])),
            "priority": rank,
        }
        for rank, (item, stored) in enumerate(
            advice_still_offered(catalogue, stored_result.get("advice", [])), start=1
        )
    ]
    sessions = advice_sessions(scan, advice)  # the routed werkplaats's dates (issue 20)
    for item in advice:
        item["sessions"] = sessions.get(str(item["id"]), [])
    safety = [
        {"id": c.id, "label": c.label, "status": c.status, "question": c.question}
        for c in stored_safety(bank, stored_result) or ()
    ]
    strengths = [
        {"question": s.question_id, "text": s.text} for s in stored_strengths(bank, stored_result)
    ]
    return {
        "token": scan.token,
        "result_url": url_for("result.result", token=scan.token, _external=True),
        "pdf_url": url_for("sharing.result_pdf", token=scan.token, _external=True),
        "bank_version": scan.bank_version,
        "scores": {"overall": stored_result["overall"], "themes": themes},
        "werkplaats": werkplaats_document(werkplaats_view(scan.werkplaats, scan.distance_km)),
        "route": stored_result.get("route", "training"),
        "safety": safety,
        "strengths": strengths,
        "advice": advice,
        "comparison": comparison_document(scan, bank),
        "benchmark": benchmark_document(benchmark_of(get_session(), bank, scan)),
    }


def comparison_document(scan: Scan, bank: Bank) -> dict[str, Any] | None:
    """Describe what changed since the scan a re-scan was started from (None: no re-scan)."""
    found = comparison(get_session(), bank, scan)
    if found is None:
        return None

    def change(c) -> dict[str, int | None]:
        return {"before": c.before, "after": c.after, "delta": c.delta}

    return {
        "previous_token": scan.previous_token,
        "overall": change(found.overall),
        "themes": {theme_id: change(c) for theme_id, c in found.themes.items()},
        "changed_answers": [
            {"question": a.question_id, "before": a.before, "after": a.after}
            for a in found.changed_answers
        ],
        "resolved_safety": list(found.resolved_safety),
        "partial": found.partial,
        "steps_taken": list(found.steps_taken),
    }


def werkplaats_document(werkplaats: WerkplaatsView | None) -> dict[str, Any] | None:
    """Describe the routed werkplaats as the API publishes it."""
    if werkplaats is None:
        return None
    return {
        "id": werkplaats.id,
        "name": werkplaats.name,
        "city": werkplaats.city,
        "distance_km": werkplaats.distance_km,
    }


def _errors(errors: dict[str, str], status: int = 422):
    trimmed = dict(list(errors.items())[:MAX_ERRORS])
    return jsonify({"errors": trimmed}), status


def _too_many(wait: int):
    message = (
        "Te veel verzoeken vanaf dit netwerk kort na elkaar. "
        f"Probeer het over {wait} seconden opnieuw."
    )
    body, status = _errors({"request": message}, 429)
    return body, status, {"Retry-After": str(wait)}


def _json_body() -> tuple[dict[str, Any], Response | None]:
    """Parse the request body as a JSON object, or return the 400 response that says why not.

    A body that is JSON but says the wrong things is a 422, judged field by field later.
    """
    if not request.is_json:
        return {}, _errors({"body": "Stuur JSON met Content-Type: application/json."}, 400)
    try:
        payload = json.loads(request.get_data(cache=False))
        # A lone surrogate (\\ud800) parses, but no database can store it: not UTF-8 text.
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    # Also for JSON the parser will not hold: nesting too deep to recurse, huge integers.
    except (ValueError, RecursionError):
        return {}, _errors({"body": "De inhoud is geen geldige JSON (in UTF-8)."}, 400)
    if not isinstance(payload, dict):
        return {}, _errors({"body": "Stuur een JSON-object: {...}."}, 400)
    return payload, None


@bp.get("/questionnaire")
def questionnaire():
    """Return the questionnaire: themes, questions with points, profile items."""
    return jsonify(questionnaire_document(current_bank()))


@bp.post("/scans")
def create_scan():
    """Score and store a complete set of answers."""
    if (wait := rate_wait("scan")) is not None:
        return _too_many(wait)
    payload, problem = _json_body()
    if problem:
        return problem
    bank = current_bank()
    submission, errors = validate_submission(bank, payload)
    session = get_session()
    begin_write(session)  # routing reads the werkplaatsen, then the scan is written
    earlier = _previous_scan(submission.previous, submission.steps_taken, errors)
    if errors:
        return _errors(errors)
    scan = store_submission(
        session,
        bank,
        current_catalogue(),
        submission.answers,
        submission.profile,
        submission.partner,
        earlier,
        submission.steps_taken,
    )
    # Before the commit: the comparison is read in the scan's own transaction (one query).
    document = result_document(scan, bank)
    session.commit()
    return jsonify(document), 201, {"Location": document["result_url"]}


def _previous_scan(token: str | None, steps: list[str] | None, errors: dict) -> Scan | None:
    """The completed scan a submission re-does, or None; what is wrong goes into errors."""
    if token is None:
        return None
    earlier = find_scan(get_session(), token, outcome=False)
    if earlier is None or not earlier.is_completed:
        # Unknown, erased or unfinished: the same words, so a token's existence stays unsaid.
        errors["previous"] = "Er is geen afgeronde scan met dit token."
        return None
    if steps is not None and (message := steps_taken_error(current_catalogue(), earlier, steps)):
        errors["steps_taken"] = message
    return earlier


@bp.get("/scans/<token>")
def get_scan(token: str):
    """Return a completed scan's result; an unfinished draft answers 404."""
    scan = scan_or_404(token)
    if not scan.is_completed:
        return _errors({"token": "Deze scan is nog niet afgerond."}, 404)
    return jsonify(result_document(scan, current_bank()))


@bp.delete("/scans/<token>")
def delete_scan(token: str):
    """Erase a scan for good."""
    scan = scan_or_404(token, for_update=True)
    session = get_session()
    erase_chain(session, scan)  # with the scans it was re-done from, or re-done as
    session.commit()
    return "", 204


def completed_scan_request(token: str, validate: Callable[[Any], tuple[Any, dict[str, str]]]):
    """Read a POST about a completed scan: (scan, payload, checked value, None), or the answer.

    The scan is read to be changed (locked); a draft answers 404, a body that is no JSON
    object 400, and what `validate` finds wrong 422 by field (then the value is None).
    """
    scan = scan_or_404(token, for_update=True)
    if not scan.is_completed:
        return scan, {}, None, _errors({"token": "Deze scan is nog niet afgerond."}, 404)
    payload, problem = _json_body()
    if problem:
        return scan, payload, None, problem
    value, errors = validate(payload)
    if errors or value is None:
        return scan, payload, None, _errors(errors)
    return scan, payload, value, None


@bp.post("/scans/<token>/lead")
def create_lead(token: str):
    """Ask the werkplaats for contact about a completed scan, with consent."""
    scan, payload, contact, problem = completed_scan_request(token, validate_contact)
    if problem or contact is None:
        return problem
    # Each new lead mails a werkplaats; the same lead sent again is answered without counting.
    if scan.lead is None and (wait := rate_wait("lead")) is not None:
        return _too_many(wait)
    try:
        lead, created = store_lead(scan, contact, wants_follow_up(payload))
    except LeadConflict:
        return _errors(
            {"lead": "Voor deze scan is al om contact gevraagd, met andere gegevens."}, 409
        )
    werkplaats = werkplaats_view(scan.werkplaats, scan.distance_km)
    return jsonify({"status": "received", "werkplaats": werkplaats_document(werkplaats)}), (
        201 if created else 200
    )


@bp.get("/werkplaatsen")
def werkplaatsen():
    """List every werkplaats with its location and whether it takes leads."""
    rows = get_session().scalars(all_werkplaatsen())
    return jsonify(
        [
            {
                "id": w.id,
                "name": w.name,
                "city": w.city,
                "lat": w.lat,
                "lon": w.lon,
                "active": w.active,
            }
            for w in rows
        ]
    )


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document of this API, made from the current question bank."""
    document = dict(openapi_document(current_bank()))
    document["servers"] = [{"url": url_for("api.questionnaire", _external=True).rsplit("/", 1)[0]}]
    return jsonify(document)
