"""A werkplaats's public agenda feed, and the cancel link in a sign-up's mail.

The feed (/werkplaatsen/<id>/agenda.ics) lists the coming sessions for partner sites and
calendars: titles, dates and places, never who signed up. The cancel link is keyed by the
registration's own token, never the scan's. A GET only shows a page with a button and never
changes anything: mail scanners open every link in a mail before the ondernemer does.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound

from ..db import begin_write, get_session
from ..domain.calendar import calendar_text
from ..domain.offer import is_upcoming
from ..models import Werkplaats, utcnow
from ..records.handover import try_to_send
from ..records.offer import agenda, calendar_event, session_view, training_for_update
from ..records.registrations import cancel_registration, find_registration
from .follow_up import BUTTON_EXPIRED
from .forgery import form_token_valid

bp = Blueprint("agenda", __name__)

PAGE = "signup/cancel.html"
#: How long a calendar or partner site may keep the feed before asking again.
FEED_MAX_AGE = 900


class RegistrationGone(NotFound):
    """The link's registration does not exist (mistyped, or erased with the ondernemer's data)."""

    dutch_title = "Deze link werkt niet (meer)"
    dutch_text = (
        "Misschien is de link niet helemaal goed overgenomen, of zijn je gegevens verwijderd. "
        "Vraag de werkplaats om je af te melden als je niet kunt komen."
    )


def _registration_or_404(token: str):
    registration = find_registration(get_session(), token)
    if registration is None:
        raise RegistrationGone
    return registration


def _page(token: str, registration, form_error: str | None = None) -> str:
    training = registration.training
    return render_template(
        PAGE,
        token=token,
        registration=registration,
        view=session_view(get_session(), training),
        upcoming=training.cancelled_at is None and is_upcoming(training.starts_at, utcnow()),
        form_error=form_error,
    )


@bp.get("/aanmelding/<token>")
def registration_page(token: str):
    """Show the sign-up's session and status, with the button that cancels it."""
    return _page(token, _registration_or_404(token))


@bp.post("/aanmelding/<token>/afmelden")
def cancel(token: str):
    """Cancel the sign-up: its place goes to the first on the waiting list, who is mailed."""
    session = get_session()
    begin_write(session)  # the session's places change: one writer at a time
    registration = _registration_or_404(token)
    if not form_token_valid(token):
        return _page(token, registration, BUTTON_EXPIRED), 400
    training_for_update(session, registration.training_id)
    cancel_registration(session, registration, utcnow())
    session.commit()
    try_to_send()
    return redirect(url_for("agenda.registration_page", token=token), code=303)


@bp.get("/werkplaatsen/<werkplaats_id>/agenda.ics")
def feed(werkplaats_id: str):
    """The werkplaats's coming sessions as an iCalendar feed, without any personal data."""
    session = get_session()
    werkplaats = session.get(Werkplaats, werkplaats_id) if len(werkplaats_id) <= 40 else None
    if werkplaats is None:
        abort(404)
    now = utcnow()
    domain = request.host.split(":")[0] or "localhost"
    landing = url_for("public.landing", _external=True)
    events = [
        calendar_event(view, domain, landing, _feed_text(view.training.description, landing))
        for view in agenda(session, werkplaats.id, now)
        if view.starts_at is not None  # "op afspraak" has no date to show
    ]
    text = calendar_text(events, now, name=f"Trainingen van {werkplaats.name}")
    return Response(
        text,
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'inline; filename="agenda-{werkplaats.id}.ics"',
            "Cache-Control": f"public, max-age={FEED_MAX_AGE}",
        },
    )


def _feed_text(description: str, landing: str) -> str:
    how = f"Aanmelden gaat via de digitale scan voor ondernemers: {landing}"
    return f"{description}\n\n{how}" if description else how
