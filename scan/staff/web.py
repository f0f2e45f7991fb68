"""What every staff page shares: the signed-in user, CSRF checks, cookies, access rules."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, redirect, request, url_for
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response as BaseResponse

from ..db import get_session
from ..models import utcnow
from .audit import action_label, describe_detail
from .auth import csrf_token, csrf_valid, resume_session
from .models import StaffUser

COOKIE_PATH = "/medewerkers"


class FormExpired(BadRequest):
    """A staff form arrived without a valid CSRF token."""

    dutch_title = "Dit formulier is verlopen"
    dutch_text = (
        "Om je gegevens te beschermen, accepteren we alleen formulieren van deze website die "
        "bij jouw sessie horen. Ga terug, laad de pagina opnieuw en probeer het nog eens."
    )


SIGNIN_COOKIE = "scan_signin"


def secure_cookies() -> bool:
    """Send cookies over HTTPS only, except on a developer's or a test's plain HTTP."""
    return current_app.config["SCAN_ENV"] == "production"


def session_cookie_name() -> str:
    """The staff cookie's name; the __Secure- prefix makes browsers insist on HTTPS."""
    return "__Secure-scan_staff" if secure_cookies() else "scan_staff"


def set_cookie(response: BaseResponse, name: str, value: str, max_age: int | None = None) -> None:
    """Set a staff cookie: HTTP-only, same-site, limited to /medewerkers."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        secure=secure_cookies(),
        httponly=True,
        samesite="Lax",
    )


def clear_cookie(response: BaseResponse, name: str) -> None:
    """Remove a staff cookie."""
    response.delete_cookie(
        name, path=COOKIE_PATH, secure=secure_cookies(), httponly=True, samesite="Lax"
    )


def current_user() -> StaffUser | None:
    """Return the signed-in staff user of this request, or None."""
    return g.get("staff_user")


def signed_in_user() -> StaffUser:
    """Return the signed-in user of a view behind login_required (which sends others away)."""
    user = current_user()
    if user is None:
        raise RuntimeError("signed_in_user() outside a view behind login_required")
    return user


def form_token() -> str:
    """Return the CSRF token for the forms on this page."""
    bound = g.get("staff_key") or request.cookies.get(SIGNIN_COOKIE, "")
    return csrf_token(current_app.config["SECRET_KEY"], bound)


def init_blueprint(bp: Blueprint) -> None:
    """Give a staff blueprint the user loading, CSRF check and no-store caching."""
    bp.before_request(_load_user_and_check_csrf)
    bp.after_request(_finish)
    bp.context_processor(
        lambda: {
            "staff_user": current_user(),
            "form_token": form_token,
            "action_label": action_label,
            "describe_detail": describe_detail,
        }
    )


def _load_user_and_check_csrf() -> Any:
    key = request.cookies.get(session_cookie_name(), "")
    found = resume_session(get_session(), key, utcnow()) if key else None
    g.staff_user = found
    g.staff_key = key if found else None
    if request.method == "POST":
        bound = g.staff_key or request.cookies.get(SIGNIN_COOKIE, "")
        if not bound or not csrf_valid(
            current_app.config["SECRET_KEY"], bound, request.form.get("csrf_token")
        ):
            raise FormExpired
    return None


def _finish(response: Response) -> Response:
    # Sessions touched or ended by the hook above, and audit events of read-only views.
    if "db_session" in g:
        get_session().commit()
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def login_required(view: Callable) -> Callable:
    """Send visitors who are not signed in to the sign-in page, then back."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = current_user()
        if user is None:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        if not user.is_admin and user.werkplaats_id is None:
            # Fail closed: "werkplaats is None" would otherwise read as the national queue in
            # a filter, or as the whole network in the figures.
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def admin_required(view: Callable) -> Callable:
    """Allow admins only; everybody else gets a 404, as if the page did not exist."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        user = current_user()
        if user is None or not user.is_admin:
            abort(404)
        return view(*args, **kwargs)

    return wrapped
