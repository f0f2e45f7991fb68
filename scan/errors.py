"""Dutch error pages for people, JSON errors for the API; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    TooManyRequests,
)

from .staff.web import COOKIE_PATH as STAFF_PATH  # the staff area's path, also its cookies'

logger = logging.getLogger("scan.errors")

MESSAGES = {
    400: ("Dit verzoek klopt niet", "De gegevens die je browser stuurde, konden we niet lezen."),
    404: (
        "Deze pagina bestaat niet",
        "Misschien is de link niet helemaal goed overgenomen, of is de scan verwijderd.",
    ),
    405: (
        "Dit kan zo niet",
        "Deze pagina werkt niet op deze manier. Ga terug en probeer het opnieuw.",
    ),
    413: ("Te veel gegevens", "Je stuurde meer gegevens dan we kunnen verwerken."),
    422: ("Dit verzoek klopt niet", "Niet alle gegevens waren in orde."),
    429: (
        "Even rustig aan",
        "Vanaf jouw netwerk kwamen veel verzoeken kort na elkaar. Wacht even en probeer het "
        "dan opnieuw.",
    ),
    500: (
        "Er ging iets mis bij ons",
        "Dat ligt niet aan jou. Probeer het over een paar minuten opnieuw.",
    ),
    503: (
        "De scan is even niet bereikbaar",
        "We zijn er zo weer. Je antwoorden zijn niet verloren: "
        "probeer het over een minuut opnieuw.",
    ),
}


#: The staff area's own words where they differ: a medewerker follows links to leads.
STAFF_MESSAGES = {
    403: (
        "Je account hoort niet bij een werkplaats",
        "Daarom zie je hier niets. Vraag een beheerder om je account aan je werkplaats te "
        "koppelen.",
    ),
    404: (
        "Deze pagina bestaat niet",
        "Deze aanvraag of pagina bestaat niet (meer), of hoort bij een andere werkplaats.",
    ),
    500: (
        "Er ging iets mis bij ons",
        "Wat je net verstuurde, is misschien niet opgeslagen. Kijk het na en probeer het opnieuw.",
    ),
    503: (
        "De database is even niet bereikbaar",
        "Wat je net verstuurde, is misschien niet opgeslagen. Kijk het over een minuut na en "
        "probeer het dan opnieuw.",
    ),
}


def wait_nl(seconds: int) -> str:
    """Say a wait in plain Dutch, rounded up to whole minutes: 'een minuut', '15 minuten'."""
    minutes = max(1, -(-seconds // 60))
    if minutes == 1:
        return "een minuut"
    if minutes < 120:
        return f"{minutes} minuten"
    return f"{-(-minutes // 60)} uur"


def wants_json() -> bool:
    """Tell whether the request belongs to the JSON API."""
    return request.path.startswith("/api/")


def error_response(
    status: int, api_errors: dict[str, str] | None = None, exc: HTTPException | None = None
):
    """Return a Dutch error page, or a JSON error document under /api/."""
    title, text = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    path = request.path
    staff = path == STAFF_PATH or path.startswith(STAFF_PATH + "/")
    if staff:
        title, text = STAFF_MESSAGES.get(status, (title, text))
    # An exception may carry its own Dutch words (for example an expired staff form).
    title = getattr(exc, "dutch_title", title)
    text = getattr(exc, "dutch_text", text)
    wait = getattr(exc, "retry_after", None)
    if isinstance(wait, int):
        text = f"{text} Dat kan weer over {wait_nl(wait)}."
    if wants_json():
        return jsonify({"errors": api_errors or {"request": f"{title}. {text}"}}), status
    # Staff pages keep their own layout and a way back to the leads.
    template = "staff/error.html" if staff else "errors/error.html"
    return render_template(template, title=title, text=text, status=status), status


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        body, status = error_response(exc.code or 500, exc=exc)
        headers = {}
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            headers["Allow"] = ", ".join(exc.valid_methods)
        if isinstance(exc, TooManyRequests) and exc.retry_after is not None:
            headers["Retry-After"] = str(exc.retry_after)
        return body, status, headers

    @app.errorhandler(InternalServerError)
    def _server_error(exc: InternalServerError):
        original = getattr(exc, "original_exception", None)
        logger.error(
            "unhandled %s on %s %s",
            type(original).__name__ if original else "error",
            request.method,
            request.url_rule.rule if request.url_rule else "(no route)",
            exc_info=original,
        )
        return error_response(500)

    init_database_errors(app)


def init_database_errors(app: Flask) -> None:
    """Answer a Dutch 503 with Retry-After when the database is down or locked."""
    from sqlalchemy.exc import OperationalError

    @app.errorhandler(OperationalError)
    def _database_down(exc: OperationalError):
        logger.error("database unavailable: %s", type(exc.orig).__name__ if exc.orig else exc)
        body, status = error_response(503)
        return body, status, {"Retry-After": "30"}
