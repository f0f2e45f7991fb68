"""The werkplaats's offer: its sessions listed, added, changed, copied and cancelled.

The participant list, its export and attendance are in views_participants.py. A medewerker
keeps the offer of their own werkplaats, an admin any werkplaats's.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..db import begin_write, get_session
from ..domain.offer import KINDS_WITH_SESSIONS, SessionValues, check_session, in_amsterdam
from ..loading import current_bank, current_catalogue
from ..models import Werkplaats, utcnow
from ..records.handover import try_to_send
from ..records.offer import count_taken, session_view, training_for_update, werkplaats_sessions
from ..records.offer_models import SessionAdvice, TrainingSession
from ..records.registrations import fill_places, tell_participants
from ..werkplaatsen import all_werkplaatsen
from .audit import record
from .participants import training_for
from .web import init_blueprint, login_required, signed_in_user

bp = Blueprint("offer", __name__, url_prefix="/medewerkers/aanbod")
init_blueprint(bp)

#: The list shows sessions from this long ago on (older ones are in the dashboard's figures).
LIST_PAST = timedelta(days=90)
FORM = "staff/offer_session.html"


def _werkplaats_scope() -> tuple[str | None, list[Werkplaats], str | None]:
    """The werkplaats whose offer is shown: the medewerker's own; an admin chooses (or all)."""
    user = signed_in_user()
    werkplaatsen = list(get_session().scalars(all_werkplaatsen()))
    if not user.is_admin:
        return user.werkplaats_id, werkplaatsen, None
    chosen = request.args.get("werkplaats") or None
    if chosen and chosen not in {w.id for w in werkplaatsen}:
        return None, werkplaatsen, "Deze werkplaats bestaat niet; je ziet alle werkplaatsen."
    return chosen, werkplaatsen, None


@bp.get("")
@login_required
def sessions():
    """List the werkplaats's sessions: coming ones and those of the last three months."""
    scope, werkplaatsen, error = _werkplaats_scope()
    now = utcnow()
    rows = werkplaats_sessions(get_session(), scope, now - LIST_PAST)
    names = {w.id: w.name for w in werkplaatsen}
    return render_template(
        "staff/offer.html",
        rows=rows,
        now=now,
        scope=scope,
        werkplaatsen=werkplaatsen,
        werkplaats_names=names,
        scope_name=names.get(scope or "", "alle werkplaatsen"),
        error=error,
        advice_titles={item.id: item.title for item in current_catalogue().items},
        saved=request.args.get("opgeslagen", type=int),
    ), (400 if error else 200)


def _advice_choices() -> tuple[dict[str, str], list[tuple[str, list[tuple[str, str, str]]]]]:
    """The advice a session may serve: {id: kind}, and per theme (id, title, kind label)."""
    bank = current_bank()
    labels = {"training": "training", "traject": "traject"}
    items = [i for i in current_catalogue().items if i.kind in KINDS_WITH_SESSIONS]
    grouped = [
        (
            theme.title,
            [(i.id, i.title, labels[i.kind]) for i in items if i.theme == theme.id],
        )
        for theme in bank.themes
    ]
    return {i.id: i.kind for i in items}, grouped


def _form_of(training: TrainingSession) -> MultiDict:
    """The form as the stored session fills it (for a change, or a copy)."""
    values: MultiDict = MultiDict(
        {
            "title": training.title,
            "where": "online" if training.online else "locatie",
            "address": training.address or "",
            "places": str(training.places),
            "costs": "betaald" if training.price_cents else "gratis",
            "price": f"{training.price_cents / 100:.2f}".replace(".", ",")
            if training.price_cents
            else "",
            "description": training.description,
        }
    )
    if training.starts_at is None:
        values["by_appointment"] = "ja"
    else:
        start = in_amsterdam(training.starts_at)
        values["date"] = start.date().isoformat()
        values["start"] = start.strftime("%H:%M")
        values["end"] = in_amsterdam(training.ends_at or training.starts_at).strftime("%H:%M")
    for advice_id in training.advice_ids:
        values.add("advice", advice_id)
    return values


def _render_form(training, form, errors, werkplaatsen=None, copy_of=None, status=200):
    kinds, grouped = _advice_choices()
    return render_template(
        FORM,
        training=training,
        form=form,
        chosen=set(form.getlist("advice")),
        errors=errors,
        grouped_advice=grouped,
        werkplaatsen=werkplaatsen,
        copy_of=copy_of,
    ), status


def _apply(training: TrainingSession, values: SessionValues) -> bool:
    """Set the checked values on a session; return whether what participants know changed."""
    before = (training.starts_at, training.ends_at, training.online, training.address)
    training.title = values.title
    training.starts_at, training.ends_at = values.starts_at, values.ends_at
    training.online, training.address = values.online, values.address
    training.places, training.price_cents = values.places, values.price_cents
    training.description = values.description
    links = {link.advice_id: link for link in training.advice_links}
    training.advice_links = [links.get(a) or SessionAdvice(advice_id=a) for a in values.advice]
    after = (training.starts_at, training.ends_at, training.online, training.address)
    return training.id is not None and _moments(before) != _moments(after)


def _moments(values: tuple) -> tuple:
    """Compare stored moments with new ones: SQLite gives them back without a time zone."""
    return tuple(in_amsterdam(v) if hasattr(v, "astimezone") else v for v in values)


@bp.route("/nieuw", methods=["GET", "POST"])
@login_required
def new():
    """Add a session; `?kopie=<id>` fills the form with another session's fields."""
    user = signed_in_user()
    session = get_session()
    werkplaatsen = list(session.scalars(all_werkplaatsen())) if user.is_admin else None
    copy_of = None
    if request.method == "GET":
        copy_id = request.args.get("kopie", type=int)
        if copy_id is not None:
            copy_of = training_for(session, user, copy_id)
            if copy_of is None:
                abort(404)
        form = _form_of(copy_of) if copy_of else MultiDict({"where": "locatie"})
        if copy_of is not None and user.is_admin:
            form["werkplaats"] = copy_of.werkplaats_id
        return _render_form(None, form, {}, werkplaatsen, copy_of)
    kinds, _ = _advice_choices()
    values, errors = check_session(request.form, request.form.getlist("advice"), kinds, utcnow())
    werkplaats_id = user.werkplaats_id
    if user.is_admin:
        werkplaats_id = request.form.get("werkplaats", "")
        if werkplaats_id not in {w.id for w in werkplaatsen or ()}:
            errors["werkplaats"] = "Kies de werkplaats die deze bijeenkomst geeft."
    if errors or values is None or werkplaats_id is None:
        return _render_form(None, request.form, errors, werkplaatsen, status=422)
    training = TrainingSession(werkplaats_id=werkplaats_id, sequence=0)
    _apply(training, values)
    session.add(training)
    session.flush()
    record(session, user, "offer.create", werkplaats_id=werkplaats_id, training=training.id)
    session.commit()
    return redirect(url_for(".sessions", opgeslagen=training.id), code=303)


def _training_or_404(training_id: int) -> TrainingSession:
    training = training_for(get_session(), signed_in_user(), training_id)
    if training is None:
        abort(404)
    return training


@bp.route("/<int:training_id>", methods=["GET", "POST"])
@login_required
def edit(training_id: int):
    """Change a session; participants get a mail (with a new .ics) when its date or place moves."""
    training = _training_or_404(training_id)
    session = get_session()
    if request.method == "GET":
        return _render_form(session_view(session, training), _form_of(training), {})
    if training.cancelled_at is not None:
        errors = {"title": "Deze bijeenkomst is geannuleerd en kan niet meer veranderen."}
        return _render_form(session_view(session, training), request.form, errors, status=409)
    session.commit()  # end the read of the access check; the change takes the lock first
    begin_write(session)
    locked = training_for_update(session, training_id)
    assert locked is not None  # a session is never deleted
    kinds, _ = _advice_choices()
    now = utcnow()
    values, errors = check_session(
        request.form,
        request.form.getlist("advice"),
        kinds,
        now,
        taken=count_taken(session, locked.id),
        stored_start=locked.starts_at,
    )
    if errors or values is None:
        return _render_form(session_view(session, locked), request.form, errors, status=422)
    moved = _apply(locked, values)
    user = signed_in_user()
    record(session, user, "offer.update", werkplaats_id=locked.werkplaats_id, training=locked.id)
    if moved:
        locked.sequence += 1
        tell_participants(session, locked, "changed", now)
    fill_places(session, locked, now)  # more places: the waiting list moves up
    session.commit()
    try_to_send()
    return redirect(url_for(".sessions", opgeslagen=locked.id), code=303)


@bp.route("/<int:training_id>/annuleren", methods=["GET", "POST"])
@login_required
def cancel(training_id: int):
    """Ask for confirmation, then cancel a session and mail everyone signed up for it."""
    training = _training_or_404(training_id)
    session = get_session()
    if request.method == "GET" or training.cancelled_at is not None:
        view = session_view(session, training)
        return render_template("staff/offer_cancel.html", view=view)
    session.commit()
    begin_write(session)
    locked = training_for_update(session, training_id)
    assert locked is not None
    now = utcnow()
    locked.cancelled_at = now
    locked.sequence += 1
    told = tell_participants(session, locked, "cancelled", now)
    record(
        session,
        signed_in_user(),
        "offer.cancel",
        werkplaats_id=locked.werkplaats_id,
        training=locked.id,
        mailed=told,
    )
    session.commit()
    try_to_send()
    return redirect(url_for(".sessions", opgeslagen=locked.id), code=303)
