"""Signing in and out of the staff area."""

from __future__ import annotations

import math
import secrets

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from ..db import begin_write, get_session
from ..errors import wait_nl
from ..models import utcnow
from ..web import client_network, limit_rate
from .audit import record
from .auth import (
    attempt_sign_in,
    clear_delays,
    csrf_token,
    end_session,
    reserve_attempt,
    start_session,
)
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
WAIT = (
    "Er is kort na elkaar te vaak geprobeerd in te loggen met dit e-mailadres. Probeer het "
    "over {wait} opnieuw. Wachtwoord vergeten? Vraag een beheerder om een nieuw wachtwoord."
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
    headers: dict[str, str] = {}
    if request.method == "POST":
        limit_rate("signin")  # all accounts from one network: a flood stops here
        session = get_session()
        secret = current_app.config["SECRET_KEY"]
        network = client_network(request.remote_addr)
        wait = reserve_attempt(session, secret, email, network)
        # What follows may write (the audit event, the session): take the write lock first,
        # or SQLite refuses a read transaction that turns into a write after another one.
        begin_write(session)
        password = request.form.get("password", "")
        outcome = attempt_sign_in(session, email, password, utcnow(), wait)
        if outcome.outcome == "ok" and outcome.user is not None:
            clear_delays(session, secret, email)
            if g.get("staff_key"):
                end_session(session, g.staff_key)  # a fresh session, never a reused one
            key = start_session(session, outcome.user, utcnow())
            record(session, outcome.user, "auth.signin")
            session.commit()
            response = redirect(_safe_next(request.form.get("next")), code=303)
            set_cookie(response, session_cookie_name(), key)
            clear_cookie(response, SIGNIN_COOKIE)
            return response
        if outcome.outcome == "wait":
            seconds = max(1, math.ceil(outcome.wait.total_seconds()))
            error, status = WAIT.format(wait=wait_nl(seconds)), 429
            headers["Retry-After"] = str(seconds)
        else:
            # Only an existing account is named: what was typed may be a password.
            record(session, outcome.user, "auth.failed")
            session.commit()
            error, status = WRONG, 422
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
            headers,
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
