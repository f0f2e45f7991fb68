"""Signing up from the advice for a session of the routed werkplaats (also under /embed/).

"Meld je aan" asks the contact details with a consent that names the werkplaats, like the
contact form, and creates or extends the scan's lead (records.registrations). The scan is
read for update first and the session locked after it, so the last place goes to one
sign-up only. A full session offers the next ones and its waiting list. The typed details
are never shown again after sending: anyone with the result link could read them.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from ..db import get_session
from ..domain.offer import choose_sessions, is_upcoming
from ..domain.registration import (
    CONSENT_MISSING,
    clean_registrant,
    registrant_errors,
    registration_consent_text,
)
from ..errors import wait_nl
from ..models import utcnow
from ..records.handover import try_to_send
from ..records.offer import (
    SessionView,
    find_training,
    session_view,
    sessions_for_advice,
    training_for_update,
)
from ..records.offer_models import REGISTERED, WAITING, Registration, TrainingSession
from ..records.registrations import SignUpRefused, active_registration, sign_up
from ..records.results import werkplaats_view
from ..records.scans import next_step
from ..web import rate_wait
from . import current_bank, scan_or_404
from .embedding import journey_url
from .fields import CONTACT_FIELDS, InputView
from .forgery import FORM_TOKEN_ERROR, form_token_valid
from .result import CONSENT_CHANGED, TOO_MANY_LEADS
from .steps import DATABASE_DOWN

bp = Blueprint("signup", __name__)

FORM = "signup/form.html"
#: Why a session takes no sign-up, in the ondernemer's words.
REFUSALS = {
    "full": "Deze bijeenkomst is vol.",
    "past": "Deze bijeenkomst is al begonnen of geweest.",
    "cancelled": "Deze bijeenkomst gaat niet door: de werkplaats heeft hem geannuleerd.",
    "other": (
        "Met dit e-mailadres is al iemand aangemeld voor deze bijeenkomst, met andere gegevens. "
        "Klopt er iets niet? Meld je af met de link in de bevestiging en meld je opnieuw aan."
    ),
}
EMAIL_HINT = "We sturen de bevestiging, met de afspraak voor je agenda, naar dit e-mailadres."


def _fields(werkplaats_name: str, errors: dict[str, str], consent: bool = True) -> list[InputView]:
    """The form's fields with what was posted (nothing on a first visit) and their errors.

    consent=False: the box comes back unticked, as its text could not name the werkplaats.
    """
    posted = request.form if request.method == "POST" else {}
    views = []
    for name in ("name", "company", "email", "phone", "consent"):
        kind, autocomplete, inputmode, hint, required = CONTACT_FIELDS[name]
        label = {
            "name": "Je naam",
            "company": "Naam van je bedrijf",
            "email": "E-mailadres",
            "phone": "Telefoonnummer (niet verplicht)",
            "consent": registration_consent_text(werkplaats_name),
        }[name]
        views.append(
            InputView(
                name=name,
                label=label,
                kind=kind,
                autocomplete=autocomplete,
                inputmode=inputmode,
                hint=EMAIL_HINT if name == "email" else hint,
                value=posted.get(name, "") if name != "consent" else "",
                checked=name == "consent"
                and consent
                and posted.get("consent") == "ja"
                and not errors,
                error=errors.get(name),
                required=required,
            )
        )
    return views


def _alternatives(training: TrainingSession, far: bool) -> list[SessionView]:
    """The next sessions for the same advice with a place free, this one left out."""
    found = sessions_for_advice(
        get_session(), training.werkplaats_id, training.advice_ids, utcnow(), far
    )
    seen: dict[int, SessionView] = {}
    for views in found.values():
        for view in views:
            if view.id != training.id and not view.full:
                seen.setdefault(view.id, view)
    return choose_sessions(list(seen.values()), far)


def _page(scan, view: SessionView, errors=None, refusal=None, form_error=None, status=200):
    werkplaats = werkplaats_view(scan.werkplaats, scan.distance_km)
    assert werkplaats is not None  # a session is only found for the scan's werkplaats
    errors = errors or {}
    fields = _fields(werkplaats.name, errors)
    training = view.training
    closed = None
    if training.cancelled_at is not None:
        closed = REFUSALS["cancelled"]
    elif not is_upcoming(training.starts_at, utcnow()):
        closed = REFUSALS["past"]
    return render_template(
        FORM,
        view=view,
        werkplaats=werkplaats,
        fields=fields,
        errors=[f for f in fields if f.error],
        refusal=REFUSALS.get(refusal or ""),
        full=view.full and not closed,
        closed=closed,
        alternatives=_alternatives(training, werkplaats.is_far),
        form_error=form_error,
        token=scan.token,
        training_id=training.id,
    ), status


@bp.route("/scan/<token>/aanmelden/<int:training_id>", methods=["GET", "POST"])
def form(token: str, training_id: int):
    """Show a session with the sign-up form, and sign up (or join its waiting list)."""
    try:
        return _sign_up(token, training_id)
    except OperationalError:
        # The database is down: the form comes back with what was typed, ready to be sent again
        # once it is back. Its consent is asked anew then: this page cannot name the werkplaats.
        get_session().rollback()
        fields = _fields("de werkplaats die de bijeenkomst geeft", {}, consent=False)
        page = render_template(
            FORM,
            view=None,
            training_id=training_id,
            werkplaats=None,
            fields=fields,
            errors=[],
            refusal=None,
            full=False,
            closed=None,
            alternatives=[],
            form_error=DATABASE_DOWN,
            token=token,
        )
        return page, 503, {"Retry-After": "30"}


def _sign_up(token: str, training_id: int):
    post = request.method == "POST"
    scan = scan_or_404(token, for_update=post)
    if not scan.is_completed:
        step = next_step(scan, current_bank())
        return redirect(journey_url("public.step", token=token, step=step), code=303)
    session = get_session()
    training = (
        training_for_update(session, training_id) if post else find_training(session, training_id)
    )
    if training is None or training.werkplaats_id != scan.werkplaats_id:
        abort(404)  # only the sessions of the scan's own werkplaats are offered
    view = session_view(session, training)
    if not post:
        return _page(scan, view)
    if not form_token_valid(token):
        return _page(scan, view, form_error=FORM_TOKEN_ERROR, status=400)
    errors = registrant_errors(request.form)
    if request.form.get("consent") != "ja":
        errors["consent"] = CONSENT_MISSING
    elif request.form.get("consent_for") != training.werkplaats_id:
        errors["consent"] = CONSENT_CHANGED
    if errors:
        return _page(scan, view, errors, status=422)
    registrant = clean_registrant(request.form)
    repeat = scan.lead is not None and active_registration(
        session, scan.lead.id, training.id, registrant.email
    )
    if not repeat and (wait := rate_wait("lead")) is not None:
        message = f"{TOO_MANY_LEADS} Dat kan weer over {wait_nl(wait)}."
        page, status = _page(scan, view, form_error=message, status=429)
        return page, status, {"Retry-After": str(wait)}
    waiting_list = request.form.get("waiting_list") == "ja"
    try:
        sign_up(session, scan, training, registrant, utcnow(), waiting_list)
    except SignUpRefused as refused:
        return _page(scan, session_view(session, training), refusal=refused.reason, status=409)
    session.commit()
    try_to_send()
    return redirect(journey_url("signup.sent", token=token, training_id=training.id), code=303)


@bp.get("/scan/<token>/aanmelden/<int:training_id>/verstuurd")
def sent(token: str, training_id: int):
    """Confirm the sign-up (or the place on the waiting list) and say what happens next."""
    scan = scan_or_404(token)
    training = find_training(get_session(), training_id)
    if training is None or training.werkplaats_id != scan.werkplaats_id:
        abort(404)
    registration = None
    if scan.lead is not None:
        registration = get_session().scalar(
            select(Registration)
            .where(
                Registration.lead_id == scan.lead.id,
                Registration.training_id == training.id,
                Registration.status.in_((REGISTERED, WAITING)),
            )
            .order_by(Registration.id.desc())
            .limit(1)
        )
    if registration is None:
        return redirect(journey_url("signup.form", token=token, training_id=training.id), 303)
    return render_template(
        "signup/sent.html",
        view=session_view(get_session(), training),
        waiting=registration.status == WAITING,
        werkplaats=werkplaats_view(scan.werkplaats, scan.distance_km),
        token=token,
    )
