"""What every request and response goes through, outside the features.

The security headers of every response, the refusal of form input no person types (NUL), the
Jinja filters that say dates the Dutch way, and the health check for the load balancer.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequest

from .db import get_session


def init_app(app: Flask) -> None:
    """Add the headers, the input check, the filters and the health check to the app."""
    _init_headers(app)
    _init_input_checks(app)
    _init_filters(app)
    app.register_blueprint(bp)


# --- security headers -------------------------------------------------------------------------

# No inline script or style anywhere, nothing from another host, and no framing (the embed
# layout of a later issue will open frame-ancestors for configured partner origins only).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)
#: Pages that show a scan (its token is in the URL) are never stored nor indexed.
PRIVATE_PREFIXES = ("/scan/", "/embed/scan/", "/api/v1/scans")
PRIVATE_HEADERS = (("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex, nofollow"))


class SecurityHeaders:
    """The headers every response gets, chosen by the request's path."""

    def __init__(self, embed_origins: tuple[str, ...]) -> None:
        ancestors = " ".join(("'self'", *embed_origins))
        # Partner pages may frame the embed journey; X-Frame-Options cannot list origins, so
        # it is left out there and CSP frame-ancestors says who may.
        embed_policy = CONTENT_SECURITY_POLICY.replace(
            "frame-ancestors 'none'", f"frame-ancestors {ancestors}"
        )
        common = (
            ("X-Content-Type-Options", "nosniff"),
            # The scan token sits in the URL: never leak it to another site through Referer.
            # Within our own site the referrer may go along, which also keeps Origin real on
            # form posts.
            ("Referrer-Policy", "same-origin"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        )
        self.page_headers = (
            ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
            ("X-Frame-Options", "DENY"),
            *common,
        )
        self.embed_headers = (("Content-Security-Policy", embed_policy), *common)

    def add(self, path: str, headers: Headers) -> None:
        """Add the headers for this path; a view's own value wins.

        Pages that show a scan are the exception: they are never stored, whatever the view said.
        """
        embedded = path == "/embed" or path.startswith("/embed/")
        for name, value in self.embed_headers if embedded else self.page_headers:
            headers.setdefault(name, value)
        if path.startswith(PRIVATE_PREFIXES):
            for name, value in PRIVATE_HEADERS:
                headers[name] = value


def _init_headers(app: Flask) -> None:
    """Add the security headers to every response, error pages included."""
    security_headers = SecurityHeaders(app.config["EMBED_ORIGINS"])

    @app.after_request
    def _add_headers(response: Response) -> Response:
        security_headers.add(request.path, response.headers)
        return response


# --- input no person types --------------------------------------------------------------------

NUL = "\x00"


class InvisibleCharacters(BadRequest):
    """The request holds a NUL character."""

    dutch_title = "Er staat een onzichtbaar teken in je invoer"
    dutch_text = (
        "Je invoer bevat een teken dat we niet kunnen bewaren. Dat komt bijna nooit door typen, "
        "maar soms door kopiëren en plakken. Typ de tekst opnieuw en probeer het nog eens."
    )


def has_nul() -> bool:
    """Tell whether the query string or a posted form carries a NUL character.

    A JSON body is the API's to judge: a NUL there sits in a field, which the API's checks
    refuse by name with a 422 like any other control character (issue 21).
    """
    # The query string as the server passed it: werkzeug's query_string is its latin-1 bytes.
    query = request.environ.get("QUERY_STRING", "")
    if NUL in query or "%00" in query:
        return True
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return any(NUL in key or NUL in value for key, value in request.form.items(multi=True))
    return False


def _init_input_checks(app: Flask) -> None:
    """Check every request before any view or database sees it."""

    @app.before_request
    def _refuse_nul() -> None:
        if has_nul():
            raise InvisibleCharacters


# --- dates the Dutch way ----------------------------------------------------------------------

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(moment: datetime) -> datetime:
    """Return a stored UTC moment in Dutch time (SQLite hands back naive UTC values)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(AMSTERDAM)


def date_nl(moment: datetime | None) -> str:
    """Format as 28-11-2026."""
    return local(moment).strftime("%d-%m-%Y") if moment else "-"


def datetime_nl(moment: datetime | None) -> str:
    """Format as 28-11-2026 14:05."""
    return local(moment).strftime("%d-%m-%Y %H:%M") if moment else "-"


def period_nl(days: int) -> str:
    """Say a number of days in plain Dutch: whole years as years ('2 jaar'), else days."""
    if days >= 365 and days % 365 == 0:
        return f"{days // 365} jaar"
    return "1 dag" if days == 1 else f"{days} dagen"


def _init_filters(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters["datum"] = date_nl
    app.jinja_env.filters["datumtijd"] = datetime_nl
    app.jinja_env.filters["periode"] = period_nl


# --- health check -----------------------------------------------------------------------------

bp = Blueprint("ops", __name__)
logger = logging.getLogger("scan.health")


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database answers, 503 when it does not."""
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        logger.warning("database check failed: %s", type(exc).__name__)
        return jsonify({"status": "unavailable", "database": "down"}), 503, {"Retry-After": "30"}
    return jsonify({"status": "ok", "database": "ok"})
