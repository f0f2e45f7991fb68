"""What every request and response goes through, outside the features.

The security headers of every response, the refusal of form input no person types (NUL), the
Jinja filters that say dates the Dutch way, and the health check for the load balancer.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from limits import RateLimitItem, parse_many, storage, strategies
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequest, TooManyRequests

from .db import get_session
from .domain.text import has_control_character


def init_app(app: Flask) -> None:
    """Add the headers, the input check, the filters and the health check to the app."""
    _init_headers(app)
    _init_input_checks(app)
    _init_rate_limits(app)
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
#: Pages that show a scan (its token is in the URL) are never stored nor indexed; nor are the
#: pages behind a reminder's links, whose token is the ondernemer's key to their re-scan, nor a
#: shared result (/gedeeld/<id>), which must vanish when the link is withdrawn.
PRIVATE_PREFIXES = (
    "/scan/",
    "/embed/scan/",
    "/api/v1/scans",
    "/opnieuw/",
    "/herinnering/",
    "/gedeeld/",
    "/aanmelding/",  # a sign-up's cancel link (issue 20)
)
PRIVATE_HEADERS = (("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex, nofollow"))
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeaders:
    """The headers every response gets, chosen by the request's path."""

    def __init__(self, embed_origins: tuple[str, ...], https_only: bool = False) -> None:
        ancestors = " ".join(("'self'", *embed_origins))
        # Partner pages may frame the embed journey; X-Frame-Options cannot list origins, so
        # it is left out there and CSP frame-ancestors says who may.
        embed_policy = CONTENT_SECURITY_POLICY.replace(
            "frame-ancestors 'none'", f"frame-ancestors {ancestors}"
        )
        common: tuple[tuple[str, str], ...] = (
            ("X-Content-Type-Options", "nosniff"),
            # The scan token sits in the URL: never leak it to another site through Referer.
            # Within our own site the referrer may go along, which also keeps Origin real on
            # form posts.
            ("Referrer-Policy", "same-origin"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            # The scan needs no camera, microphone, location or payment, and says so.
            ("Permissions-Policy", PERMISSIONS_POLICY),
        )
        if https_only:
            # Two years, subdomains included: after one visit a browser never tries plain HTTP,
            # so nobody on the café's wifi can strip TLS from a staff sign-in.
            common += (("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),)
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
    security_headers = SecurityHeaders(
        app.config["EMBED_ORIGINS"], https_only=app.config["SCAN_ENV"] == "production"
    )

    @app.after_request
    def _add_headers(response: Response) -> Response:
        security_headers.add(request.path, response.headers)
        return response


# --- input no person types --------------------------------------------------------------------

NUL = "\x00"


class InvisibleCharacters(BadRequest):
    """The request holds a character no person types (NUL, or a control character in the path)."""

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


def path_has_control_character() -> bool:
    """Tell whether the (decoded) URL path holds a control character: no link of ours does.

    Refused before routing, so a NUL never reaches the database (PostgreSQL refuses it in a
    text parameter) and a forged path never reaches a log line.
    """
    return has_control_character(request.path)


def _init_input_checks(app: Flask) -> None:
    """Check every request before any view or database sees it."""

    @app.before_request
    def _refuse_invisible_characters() -> None:
        if path_has_control_character() or has_nul():
            raise InvisibleCharacters


# --- rate limits ------------------------------------------------------------------------------


def client_network(address: str | None) -> str:
    """The network a client address counts for: an IPv4 address, or the /64 of an IPv6 one.

    One IPv6 subscriber gets a whole /64 (2^64 addresses), so counting addresses apart would
    give one person unlimited attempts.
    """
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


class RateLimits:
    """Moving-window counters per client network, kept in RATELIMIT_STORAGE_URI.

    Redis in production, so that all workers share the counts; the `limits` library (the
    engine under Flask-Limiter) does the counting. Exempt networks (a partner's servers that
    submit scans for many ondernemers) are not counted.
    """

    def __init__(self, storage_uri: str, rules: dict[str, str], exempt: str = "") -> None:
        self.limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))
        self.rules: dict[str, list[RateLimitItem]] = {
            name: parse_many(text) for name, text in rules.items()
        }
        self.exempt = tuple(ipaddress.ip_network(n, strict=False) for n in exempt.split())

    def is_exempt(self, address: str | None) -> bool:
        """Tell whether the address belongs to a network that is never limited."""
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in self.exempt)

    def hit(self, rule: str, *keys: str) -> int | None:
        """Count one request under every limit of a rule; seconds to wait if one is exceeded."""
        waits = []
        for limit in self.rules[rule]:
            if not self.limiter.hit(limit, rule, *keys):
                reset, _ = self.limiter.get_window_stats(limit, rule, *keys)
                waits.append(max(1, math.ceil(reset - time.time())))
        return max(waits) if waits else None

    def clear(self, rule: str, *keys: str) -> None:
        """Forget the counts of a rule for these keys."""
        for limit in self.rules[rule]:
            self.limiter.clear(limit, rule, *keys)


#: The rules and the settings that hold their limits.
RATE_LIMIT_SETTINGS = {
    "signin": "SIGNIN_RATE_LIMIT",
    "scan": "SCAN_RATE_LIMIT",
    "lead": "LEAD_RATE_LIMIT",
    "pdf": "PDF_RATE_LIMIT",
}


def _init_rate_limits(app: Flask) -> None:
    rules = {rule: app.config[setting] for rule, setting in RATE_LIMIT_SETTINGS.items()}
    app.extensions["scan.rate_limits"] = RateLimits(
        app.config["RATELIMIT_STORAGE_URI"], rules, app.config["RATE_LIMIT_EXEMPT"]
    )


def rate_wait(rule: str) -> int | None:
    """Count this request under a rule for its client network; seconds to wait if over it."""
    limits: RateLimits = current_app.extensions["scan.rate_limits"]
    if limits.is_exempt(request.remote_addr):
        return None
    return limits.hit(rule, client_network(request.remote_addr))


def limit_rate(rule: str) -> None:
    """Count this request under a rule for its client network; raise a 429 when over it."""
    wait = rate_wait(rule)
    if wait is not None:
        raise TooManyRequests(retry_after=wait)


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
