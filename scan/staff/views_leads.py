"""The lead inbox, a lead's detail with notes, status and reassignment, and the export."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from sqlalchemy import func, select

from ..content import Bank
from ..db import database, get_session
from ..loading import current_bank, current_catalogue
from ..models import Lead, Werkplaats
from ..records.follow_ups import follow_up_state
from ..records.offer import lead_registrations
from ..records.results import present_result
from ..werkplaatsen import all_werkplaatsen
from .audit import SEARCH_USED, recent_events, record
from .export import to_csv, to_xlsx
from .inbox import NATIONAL, PAGE_SIZE, filtered, lead_for, page_of, parse_filters, visible_leads
from .lead_chain import lead_chain
from .models import LeadNote, StaffUser
from .web import init_blueprint, login_required, signed_in_user
from .workflow import STATUSES, allowed_next, transition_error

bp = Blueprint("staff", __name__, url_prefix="/medewerkers")
init_blueprint(bp)

NOTE_LIMIT = 2000
INBOX = "staff/inbox.html"


@bp.get("/")
@login_required
def home():
    """Send staff to their inbox."""
    return redirect(url_for(".inbox"))


def _werkplaatsen() -> list[Werkplaats]:
    return list(get_session().scalars(all_werkplaatsen()))


def _filters():
    user = signed_in_user()
    werkplaatsen = _werkplaatsen()
    filters = parse_filters(request.args, user, {w.id for w in werkplaatsen})
    return user, werkplaatsen, filters


@bp.get("/aanvragen")
@login_required
def inbox():
    """List the leads of the user's werkplaats (admin: all), filtered and paged."""
    context = _inbox_context(signed_in_user())
    return render_template(INBOX, **context), (400 if context["filters"].errors else 200)


def _inbox_context(user: StaffUser) -> dict:
    werkplaatsen = _werkplaatsen()
    filters = parse_filters(request.args, user, {w.id for w in werkplaatsen})
    query = filtered(visible_leads(user), filters)
    return {
        "page": page_of(get_session(), query, filters.page),
        "filters": filters,
        "werkplaatsen": werkplaatsen,
        "statuses": STATUSES,
        "themes": current_bank().themes,
        "theme_titles": {t.id: t.title for t in current_bank().themes},
        "national": NATIONAL,
        "page_size": PAGE_SIZE,
        # After forwarding a lead: named only if the id is a werkplaats, so a link someone
        # else made cannot put words of its own on the page.
        "forwarded_to": {w.id: w.name for w in werkplaatsen}.get(
            request.args.get("doorgestuurd", "")
        ),
    }


@bp.get("/aanvragen/export.<any(csv, xlsx):kind>")
@login_required
def export(kind: str):
    """Export the filtered inbox; the export is written to the audit log."""
    user, _, filters = _filters()
    if filters.errors:
        abort(400)
    session = get_session()
    query = filtered(visible_leads(user), filters).order_by(Lead.created_at.desc(), Lead.id.desc())
    count = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    record(
        session,
        user,
        "export",
        werkplaats_id=user.werkplaats_id,
        format=kind,
        rows=count,
        # Which filters, not what was searched for: the search is often a name, and the log
        # is kept longer than the leads it is about.
        filters=filters.query_args(pagina="", q=SEARCH_USED if filters.q else ""),
    )
    session.commit()
    filename = f"aanvragen.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if kind == "csv":
        return Response(
            stream_with_context(_streamed_csv(query, current_bank())),
            mimetype="text/csv",
            headers=headers | {"Content-Type": "text/csv; charset=utf-8"},
        )
    return Response(
        to_xlsx(session, session.scalars(query), current_bank()),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=headers,
    )


def _streamed_csv(query, bank: Bank):
    """Yield the CSV from a session of its own: the request's session commits before the
    body is streamed, and a large export should not sit in memory."""
    with database().sessions() as session:
        leads = session.scalars(query.execution_options(yield_per=500))
        try:
            yield from to_csv(session, leads, bank)
        finally:
            # Also when the download is broken off: close the server-side cursor properly.
            leads.close()


def _lead_or_404(lead_id: int) -> Lead:
    lead = lead_for(get_session(), signed_in_user(), lead_id)
    if lead is None:
        abort(404)
    return lead


def _render_detail(
    lead: Lead,
    errors: dict[str, str] | None = None,
    status: int = 200,
    note: str = "",
    reason: str = "",
):
    scan = lead.scan
    bank = current_bank().for_sector(scan.profile.get("sector"))  # what this firm was asked
    answers = []
    for theme in bank.themes:
        rows = []
        for question in theme.all_questions:
            chosen = scan.answers.get(question.id)
            chosen_ids = chosen if isinstance(chosen, list) else [chosen]
            labels = [
                question.options_by_id[c].label for c in chosen_ids if c in question.options_by_id
            ]
            rows.append((question.text, ", ".join(labels) or "-"))
        answers.append((theme.title, rows))
    profile = []
    for item in bank.profile:
        value = scan.profile.get(item.id)
        label = item.options_by_id[value].label if value in item.options_by_id else (value or "-")
        profile.append((item.text, label))
    session = get_session()
    notes = session.scalars(
        select(LeadNote).where(LeadNote.lead_id == lead.id).order_by(LeadNote.created_at)
    ).all()
    # What was done to the lead; every opening of this page is a "lead.view" event, which
    # drowned the rest. Those stay in the admins' log.
    history = session.scalars(
        recent_events(lead_id=lead.id, without=("lead.view",)).limit(50)
    ).all()
    every_werkplaats = _werkplaatsen()
    return render_template(
        "staff/lead.html",
        lead=lead,
        result=present_result(scan, bank, current_catalogue()),
        chain=lead_chain(session, signed_in_user(), lead, current_bank(), current_catalogue()),
        answers=answers,
        profile=profile,
        notes=notes,
        history=history,
        statuses=STATUSES,
        next_statuses=allowed_next(lead.status),
        werkplaatsen=[w for w in every_werkplaats if w.id != lead.werkplaats_id],
        werkplaats_names={w.id: w.name for w in every_werkplaats},
        errors=errors or {},
        note=note,
        reason=reason,
        follow_ups=follow_up_state(session, lead.id),
        registrations=lead_registrations(session, lead.id),  # issue 20: sign-ups
    ), status


@bp.get("/aanvragen/<int:lead_id>")
@login_required
def lead(lead_id: int):
    """Show a lead: contact details, the whole scan, the advice, notes and history."""
    found = _lead_or_404(lead_id)
    record(
        get_session(),
        signed_in_user(),
        "lead.view",
        lead_id=found.id,
        werkplaats_id=found.werkplaats_id,
    )
    return _render_detail(found)


@bp.post("/aanvragen/<int:lead_id>/notitie")
@login_required
def add_note(lead_id: int):
    """Add a note to a lead (notes are never changed afterwards)."""
    found = _lead_or_404(lead_id)
    body = request.form.get("note", "").strip()
    if not body or len(body) > NOTE_LIMIT:
        message = "Schrijf een notitie." if not body else f"Hoogstens {NOTE_LIMIT} tekens."
        return _render_detail(found, {"note": message}, 422, note=body)
    session = get_session()
    user = signed_in_user()
    session.add(LeadNote(lead_id=found.id, author_id=user.id, author_email=user.email, body=body))
    record(session, user, "lead.note", lead_id=found.id, werkplaats_id=found.werkplaats_id)
    session.commit()
    return redirect(url_for(".lead", lead_id=found.id, _anchor="notities"), code=303)


@bp.post("/aanvragen/<int:lead_id>/status")
@login_required
def change_status(lead_id: int):
    """Move a lead to its next status."""
    found = _lead_or_404(lead_id)
    new = request.form.get("status", "")
    problem = transition_error(found.status, new)
    if problem:
        return _render_detail(found, {"status": problem}, 422)
    session = get_session()
    record(
        session,
        signed_in_user(),
        "lead.status",
        lead_id=found.id,
        werkplaats_id=found.werkplaats_id,
        old=found.status,
        new=new,
    )
    found.status = new
    if new in ("training", "traject"):
        found.track = new
    session.commit()
    return redirect(url_for(".lead", lead_id=found.id), code=303)


@bp.post("/aanvragen/<int:lead_id>/doorsturen")
@login_required
def reassign(lead_id: int):
    """Hand a lead to another werkplaats, with a reason."""
    found = _lead_or_404(lead_id)
    target = request.form.get("werkplaats", "")
    reason = request.form.get("reason", "").strip()
    session = get_session()
    werkplaats = session.get(Werkplaats, target) if target else None
    errors = {}
    if werkplaats is None or werkplaats.id == found.werkplaats_id:
        errors["werkplaats"] = "Kies een andere werkplaats."
    elif not werkplaats.active:
        errors["werkplaats"] = "Deze werkplaats neemt nu geen aanvragen aan."
    if not reason or len(reason) > 500:
        errors["reason"] = "Schrijf kort waarom (hoogstens 500 tekens)."
    if errors or werkplaats is None:
        return _render_detail(found, errors, 422, reason=reason)
    user = signed_in_user()
    record(
        session,
        user,
        "lead.reassign",
        lead_id=found.id,
        werkplaats_id=werkplaats.id,
        old=found.werkplaats_id,
        new=werkplaats.id,
        reason=reason,
    )
    found.werkplaats_id = werkplaats.id
    session.commit()
    # A medewerker hands the lead out of their own sight; show where it went.
    if lead_for(session, user, found.id) is None:
        return redirect(url_for(".inbox", doorgestuurd=werkplaats.id), code=303)
    return redirect(url_for(".lead", lead_id=found.id), code=303)
