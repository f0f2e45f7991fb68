"""Signing in and out of the staff area."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from werkzeug.exceptions import TooManyRequests

from ..db import get_session
from ..models import utcnow
from .audit import record
from .auth import attempt_sign_in, csrf_token, end_session, start_session
from .web import (
    SIGNIN_COOKIE,
    clear_cookie,
    current_user,
    init_blueprint,
    session_cookie_name,
    set_cookie,
)

bp = Blueprint("auth", __name__, url_prefix="/medewerkers")
init_blueprint(bp)

WRONG = "Dit e-mailadres en wachtwoord horen niet bij elkaar. Controleer ze en probeer het opnieuw."
LOCKED = (
    "Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen. Probeer het over "
    "een kwartier opnieuw, of vraag een beheerder om het te deblokkeren."
)


def _safe_next(target: str | None) -> str:
    """Only return to a page of the staff area, never to another site."""
    if target and target.startswith("/medewerkers/") and not target.startswith("//"):
        return target
    return url_for("staff.inbox")


@bp.route("/inloggen", methods=["GET", "POST"])
def sign_in():
    """Show the sign-in form, or check the password and start a new session."""
    if current_user() is not None and request.method == "GET":
        return redirect(_safe_next(request.args.get("next")))
    email = request.form.get("email", "")[:254]
    error = None
    status = 200
    if request.method == "POST":
        if _over_the_limit():
            raise TooManyRequests
        session = get_session()
        outcome = attempt_sign_in(session, email, request.form.get("password", ""), utcnow())
        if outcome.outcome == "ok" and outcome.user is not None:
            if g.get("staff_key"):
                end_session(session, g.staff_key)  # a fresh session, never a reused one
            key = start_session(session, outcome.user, utcnow())
            record(session, outcome.user, "auth.signin")
            session.commit()
            response = redirect(_safe_next(request.form.get("next")), code=303)
            set_cookie(response, session_cookie_name(), key)
            clear_cookie(response, SIGNIN_COOKIE)
            return response
        if outcome.just_locked:
            record(session, outcome.user, "auth.locked")
        record(session, None, "auth.failed", actor_email=email.strip().lower()[:254])
        session.commit()
        error = LOCKED if outcome.outcome == "locked" else WRONG
        status = 422
    # The sign-in form's CSRF token is bound to a random cookie of its own.
    signin_key = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(24)
    response = current_app.make_response(
        (
            render_template(
                "staff/sign_in.html",
                email=email,
                error=error,
                next=request.values.get("next", ""),
                signed_out=request.args.get("uitgelogd") == "1",
                signin_token=csrf_token(current_app.config["SECRET_KEY"], signin_key),
            ),
            status,
        )
    )
    set_cookie(response, SIGNIN_COOKIE, signin_key, max_age=3600)
    return response


@bp.post("/uitloggen")
def sign_out():
    """End the session in the database and remove the cookie."""
    if g.get("staff_key"):
        end_session(get_session(), g.staff_key)
        get_session().commit()
    response = redirect(url_for(".sign_in", uitgelogd="1"), code=303)
    clear_cookie(response, session_cookie_name())
    return response


def init_rate_limit(app) -> None:
    """Limit sign-in attempts per client address, with counters in the configured storage.

    The `limits` library (the engine under Flask-Limiter) is used directly, so only the
    sign-in post pays for the check, not every request of the app.
    """
    from limits import parse_many, storage, strategies

    counters = storage.storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions["scan.signin_limit"] = (
        strategies.MovingWindowRateLimiter(counters),
        parse_many(app.config["SIGNIN_RATE_LIMIT"]),
    )


def _over_the_limit() -> bool:
    """Count this sign-in attempt; tell whether the client address is over a limit."""
    limiter, limits = current_app.extensions["scan.signin_limit"]
    # The address is only a key in the (memory or Redis) counters, never stored in the database.
    address = request.remote_addr or "unknown"
    return not all([limiter.hit(limit, "signin", address) for limit in limits])
