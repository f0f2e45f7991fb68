"""The anonymous journey: landing page, one page per step, result. Sets no cookie."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import OperationalError

from ..content import Bank
from ..db import get_session, rollback_request
from ..domain.answers import PARTNER_PATTERN, clean_profile_value
from ..domain.steps_taken import QUESTION_ID as STEPS_TAKEN_QUESTION
from ..domain.steps_taken import STEP as STEPS_TAKEN_STEP
from ..domain.steps_taken import taken_advice
from ..models import Scan
from ..records.rescans import offered_advice, offered_question, previous_scan
from ..records.scans import (
    PROFILE_STEP,
    RESULT_STEP,
    complete_draft,
    create_draft,
    first_open_step,
    journey_steps,
    may_open,
    next_step,
    scan_steps,
    sector_bank,
    sent_step,
    step_ids,
    steps_still_done,
    store_draft,
)
from ..web import limit_rate
from . import current_bank, current_catalogue, scan_or_404
from .embedding import allowed_parent, in_embed, journey_url
from .fields import form_values, question_views
from .forgery import FORM_TOKEN_ERROR, form_token_valid, issue_form_token
from .forms import StepForm, valid_data

bp = Blueprint("public", __name__)
logger = logging.getLogger("scan.journey")

DATABASE_DOWN = (
    "We konden je antwoorden even niet bewaren, omdat onze database niet bereikbaar is. Ze "
    "staan hieronder nog klaar: verstuur het formulier over een minuut opnieuw."
)


def _partner(value: str | None) -> str | None:
    return value if value and PARTNER_PATTERN.search(value) else None


def _step_url(token: str, step: str) -> str:
    if step == RESULT_STEP:
        return journey_url("result.result", token=token)
    return journey_url("public.step", token=token, step=step)


@bp.get("/privacy")
def privacy():
    """Say who is responsible, what is stored, why and on what basis, how long, and the rights."""
    config = current_app.config
    controller = {
        "name": config["PRIVACY_CONTROLLER"].strip(),
        "address": config["PRIVACY_ADDRESS"].strip(),
        "email": config["PRIVACY_EMAIL"].strip(),
    }
    return render_template(
        "public/privacy.html",
        controller=controller,
        draft_days=config["DRAFT_RETENTION_DAYS"],
        scan_days=config["SCAN_RETENTION_DAYS"],
        lead_days=config["LEAD_RETENTION_DAYS"],
    )


@bp.get("/")
def landing():
    """Show what the scan is, how long it takes, and the start button."""
    bank = current_bank()
    if in_embed():
        g.parent_origin = allowed_parent(request.args.get("origin"))
    return render_template(
        "public/landing.html",
        minutes=bank.minutes,
        themes=bank.themes,
        steps=len(step_ids(bank)),
        partner=_partner(request.args.get("partner")),
        origin=g.get("parent_origin"),
    )


@bp.post("/scan")
def start():
    """Create a draft and send the ondernemer to its first step."""
    limit_rate("scan")
    session = get_session()
    scan = create_draft(session, current_bank(), _partner(request.form.get("partner")))
    if in_embed():
        scan.embed_origin = allowed_parent(request.form.get("origin"))
    session.commit()
    return redirect(_step_url(scan.token, PROFILE_STEP), code=303)


@bp.get("/scan")
def start_link():
    """A bookmarked or shared start address: the scan starts from the landing page."""
    # Only a POST creates a draft (no draft rows for crawlers); a GET is sent to the start,
    # with the partner and the embedding page it named, so neither is lost on the way.
    args = request.args
    kept = {name: args[name] for name in ("partner", "origin") if args.get(name)}
    return redirect(journey_url("public.landing", **kept), code=303)


@bp.get("/scan/<token>")
def resume(token: str):
    """Continue a scan where the ondernemer left off."""
    scan = scan_or_404(token)
    return redirect(_step_url(token, next_step(scan, current_bank())), code=303)


def _step_items(bank: Bank, step: str, offered: list[str]):
    """The questions of a step; `offered`: the advice ids the steps-taken question lists."""
    if step == PROFILE_STEP:
        return bank.profile
    if step == STEPS_TAKEN_STEP:
        question = offered_question(current_catalogue(), offered)
        return (question,) if question else ()
    return bank.themes_by_id[step].all_questions


def _offered(scan: Scan) -> list[str]:
    """The advice ids a re-scan's steps-taken question lists: its earlier scan's advice."""
    earlier = previous_scan(get_session(), scan)
    return [i for i, _ in offered_advice(current_catalogue(), earlier)] if earlier else []


def _split_values(bank: Bank, step: str, values: dict) -> tuple[dict, dict]:
    """Return (answers, profile) to store from a step's valid field values."""
    if step == STEPS_TAKEN_STEP:
        return {}, {}
    if step != PROFILE_STEP:
        return values, {}
    profile = {k: clean_profile_value(bank.profile_by_id[k], v) for k, v in values.items()}
    return {}, profile


@bp.route("/scan/<token>/<step>", methods=["GET", "POST"])
def step(token: str, step: str):
    """Show one step of the scan, or store its answers and move on."""
    bank = current_bank()
    if step not in journey_steps(bank, rescan=True):
        abort(404)
    if request.method == "GET":
        return _show_step(bank, token, step)
    # The form is built before the database is touched: if the database is down, the
    # ondernemer's choices can still be shown again, ready to be sent once it is back.
    # The page names the sector it was made for, whether it belongs to a re-scan and which
    # advice it listed; the scan itself decides once read.
    page_bank = _page_bank(bank, step, request.form.get("sector"))
    items = _step_items(page_bank, step, request.form.getlist("offered"))
    form = StepForm(items, request.form)
    steps = journey_steps(
        bank, rescan=step == STEPS_TAKEN_STEP or request.form.get("rescan") == "1"
    )
    if not form_token_valid(token):
        # Nothing is stored; the choices come back on the page, with a fresh token.
        page = _render_step(
            page_bank, token, step, items, steps, *form_values(form), FORM_TOKEN_ERROR
        )
        return page, 400
    try:
        return _store_step(bank, token, step, request.form)
    except OperationalError:
        rollback_request()
        logger.warning("database unavailable while storing a step; the page is shown again")
        page = _render_step(page_bank, token, step, items, steps, *form_values(form), DATABASE_DOWN)
        return page, 503, {"Retry-After": "30"}


def _page_bank(bank: Bank, step: str, sector: str | None) -> Bank:
    """The bank a step page is made from: the profile is the same for all, themes per sector."""
    if step == PROFILE_STEP:
        return bank
    return bank.for_sector(sector if sector in bank.sector_ids else None)


def _show_step(bank: Bank, token: str, step: str):
    scan = scan_or_404(token, outcome=False)
    if scan.is_completed:
        return redirect(_step_url(token, RESULT_STEP), code=303)
    if not may_open(scan, bank, step):
        return redirect(_step_url(token, next_step(scan, bank)), code=303)
    page_bank = _page_bank(bank, step, scan.profile.get("sector"))
    items = _step_items(page_bank, step, _offered(scan) if step == STEPS_TAKEN_STEP else [])
    if not items:  # a re-scan whose earlier scan left no advice to ask about
        return redirect(_step_url(token, next_step(scan, bank)), code=303)
    # No form object is needed to show stored answers: the views are made from them directly.
    stored = _stored_values(scan, step)
    return _render_step(page_bank, scan.token, step, items, scan_steps(bank, scan), stored)


def _stored_values(scan: Scan, step: str) -> dict:
    """The answers stored for a step's questions, by question id."""
    if step == PROFILE_STEP:
        return scan.profile
    if step == STEPS_TAKEN_STEP:
        return {STEPS_TAKEN_QUESTION: scan.steps_taken or []}
    return scan.answers


def _store_step(bank: Bank, token: str, step: str, formdata):
    """Store a step's answers; show the page again with its errors, or go on.

    Read, merge and write in one transaction, with the scan locked from the read on.
    """
    scan = scan_or_404(token, for_update=True)
    session = get_session()
    if scan.is_completed:
        return redirect(_step_url(token, RESULT_STEP), code=303)
    if not may_open(scan, bank, step):
        return redirect(_step_url(token, next_step(scan, bank)), code=303)
    page_bank = _page_bank(bank, step, scan.profile.get("sector"))
    items = _step_items(page_bank, step, _offered(scan) if step == STEPS_TAKEN_STEP else [])
    form = StepForm(items, formdata)
    steps = scan_steps(bank, scan)
    valid = form.validate()
    # Keep every valid answer, even when another one on the page is missing.
    answers, profile = _split_values(bank, step, valid_data(form))
    if step == STEPS_TAKEN_STEP and STEPS_TAKEN_QUESTION in valid_data(form):
        scan.steps_taken = valid_data(form)[STEPS_TAKEN_QUESTION]
    index = steps.index(step)
    if request.form.get("action") == "back" and index > 0:
        # Unanswered questions may wait, but an answer that cannot be stored (say "Weet ik
        # niet" ticked with another option) would be lost silently: show it instead.
        if not any(field.errors and field.data for field in form):
            store_draft(scan, sent_step(scan, answers, profile, None))
            session.commit()
            return redirect(_step_url(token, steps[index - 1]), code=303)
        for field in form:
            if not field.data:
                field.errors = []
        valid = False
    if not valid:
        store_draft(scan, sent_step(scan, answers, profile, None))
        session.commit()
        return _render_step(page_bank, scan.token, step, items, steps, *form_values(form)), 422
    values = sent_step(scan, answers, profile, step)
    values["steps_done"] = steps_still_done(
        sector_bank(bank, values["profile"]), values["steps_done"], values["answers"]
    )
    if index == len(steps) - 1:
        complete_draft(session, scan, bank, current_catalogue(), values)
    else:
        store_draft(scan, values)
    session.commit()
    return redirect(_step_url(token, first_open_step(values["steps_done"], steps)), code=303)


def _render_step(
    bank: Bank,
    token: str,
    step: str,
    items,
    steps: tuple[str, ...],
    values: dict,
    errors: dict | None = None,
    form_error: str | None = None,
) -> str:
    """Render a step page with the answers given so far and any errors."""
    context = _step_context(bank, token, step, items, steps, values, errors, form_error)
    return render_template("public/step.html", **context, form_token=issue_form_token(token))


_TITLES = {PROFILE_STEP: "Over je bedrijf", STEPS_TAKEN_STEP: "Sinds je vorige scan"}


def _step_context(
    bank: Bank, token: str, step: str, items, steps, values, errors=None, form_error=None
):
    index = steps.index(step)
    questions = question_views(items, values, errors)
    theme = bank.themes_by_id.get(step)
    return {
        "title": theme.title if theme else _TITLES[step],
        "intro": theme.intro if theme else None,
        "rescan": steps[0] == STEPS_TAKEN_STEP,
        # What the steps-taken question listed, so the page can be shown again without
        # the database; once the scan is read, its earlier scan decides.
        "offered": taken_advice(o.value for q in questions for o in q.options)
        if step == STEPS_TAKEN_STEP
        else (),
        "number": index + 1,
        "total": len(steps),
        "questions": questions,
        "errors": [q for q in questions if q.error],
        "action": _step_url(token, step),
        "form_error": form_error,
        "sector": bank.sector,
        "has_previous": index > 0,
        # The link to keep points at the full site: it outlives the partner page.
        "resume_url": url_for("public.resume", token=token, _external=True),
    }
