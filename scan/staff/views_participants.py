"""A session's participant list: to read and print, to export, and attendance to tick."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from ..db import get_session
from ..domain.offer import is_upcoming
from ..loading import current_catalogue
from ..models import utcnow
from ..records.offer import registrations_of, session_view
from ..records.offer_models import TrainingSession
from .audit import record
from .participants import (
    STATUS_LABELS,
    participants_csv,
    participants_xlsx,
    record_attendance,
    training_for,
)
from .web import init_blueprint, login_required, signed_in_user

bp = Blueprint("participants", __name__, url_prefix="/medewerkers/aanbod")
init_blueprint(bp)

PAGE = "staff/offer_participants.html"


def _training_or_404(training_id: int) -> TrainingSession:
    training = training_for(get_session(), signed_in_user(), training_id)
    if training is None:
        abort(404)
    return training


def _page(training: TrainingSession, status: int = 200, error: str | None = None):
    session = get_session()
    registrations = registrations_of(session, training.id)
    return render_template(
        PAGE,
        view=session_view(session, training),
        registrations=registrations,
        status_labels=STATUS_LABELS,
        # Attendance is ticked after the start (a traject op afspraak: at any time).
        can_tick=training.cancelled_at is None and not _ahead(training),
        error=error,
        saved=request.args.get("opgeslagen") == "1",
    ), status


def _ahead(training: TrainingSession) -> bool:
    return training.starts_at is not None and is_upcoming(training.starts_at, utcnow())


@bp.get("/<int:training_id>/deelnemers")
@login_required
def participants(training_id: int):
    """Show who signed up, with their contact details; the view is written to the audit log."""
    training = _training_or_404(training_id)
    record(
        get_session(),
        signed_in_user(),
        "offer.view",
        werkplaats_id=training.werkplaats_id,
        training=training.id,
    )
    return _page(training)


@bp.get("/<int:training_id>/deelnemers.<any(csv, xlsx):kind>")
@login_required
def export(training_id: int, kind: str):
    """Export the participant list; the export is written to the audit log."""
    training = _training_or_404(training_id)
    session = get_session()
    registrations = registrations_of(session, training.id)
    record(
        session,
        signed_in_user(),
        "offer.export",
        werkplaats_id=training.werkplaats_id,
        training=training.id,
        format=kind,
        rows=len(registrations),
    )
    session.commit()
    headers = {"Content-Disposition": f'attachment; filename="deelnemers-{training.id}.{kind}"'}
    if kind == "csv":
        return Response(
            participants_csv(registrations),
            headers=headers | {"Content-Type": "text/csv; charset=utf-8"},
        )
    return Response(
        participants_xlsx(registrations),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=headers,
    )


@bp.post("/<int:training_id>/aanwezigheid")
@login_required
def attendance(training_id: int):
    """Store who came; a lead that came moves on to "training" (see participants.py)."""
    training = _training_or_404(training_id)
    if training.cancelled_at is not None or _ahead(training):
        return _page(training, 409, "Aanwezigheid vink je aan na het begin van de bijeenkomst.")
    session = get_session()
    registrations = registrations_of(session, training.id)
    known = {r.id for r in registrations}
    present = set()
    for value in request.form.getlist("present"):
        if not value.isdigit() or int(value) not in known:
            return _page(training, 422, "Vink alleen deelnemers uit deze lijst aan.")
        present.add(int(value))
    user = signed_in_user()
    record_attendance(session, user, training, registrations, present, current_catalogue())
    session.commit()
    return redirect(url_for(".participants", training_id=training.id, opgeslagen=1), code=303)
