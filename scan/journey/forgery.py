"""Refuse form posts that another site makes a browser send (cross-site request forgery).

Browsers say where a request comes from: Sec-Fetch-Site ("same-origin", "same-site",
"cross-site", "none") in all current browsers, and Origin on every POST. The anonymous journey
has no cookie to protect, but a forged post could still erase a scan or send a lead in the
ondernemer's name; the staff area has its CSRF tokens on top of this. The JSON API is meant for
other sites' servers and is not checked here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.exceptions import Forbidden

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class CrossSiteRequest(Forbidden):
    """A form post that another website made the browser send."""

    dutch_title = "Dit formulier kwam niet van onze website"
    dutch_text = (
        "Een andere website probeerde dit formulier namens jou te versturen. Dat staan we niet "
        "toe. Wil je het zelf versturen? Open de scan via onze eigen pagina en probeer het opnieuw."
    )


def is_cross_site() -> bool:
    """Tell whether this request was sent by a page of another site.

    Sec-Fetch-Site is the browser's own verdict and wins when present. Origin is the fallback
    for older browsers; "null" (a privacy-restricted context) tells nothing either way.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site:
        return site == "cross-site"
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return False
    # Compare hosts, not schemes: behind a proxy that ends TLS the app may see plain http.
    return urlsplit(origin).netloc != request.host


#: Views that other sites may post to (see cross_site_allowed).
_CROSS_SITE_VIEWS: set[Callable[..., Any]] = set()


def cross_site_allowed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let posts from anywhere reach this view: its URL holds the only key it needs.

    For the one-click unsubscribe of RFC 8058, which a mail program may post from wherever
    it runs; a forger would need the unguessable token in the URL, and could only unsubscribe.
    """
    _CROSS_SITE_VIEWS.add(view)
    return view


def init_app(app: Flask) -> None:
    """Check every unsafe request outside the JSON API; give templates the form tokens."""
    app.jinja_env.globals["scan_form_token"] = issue_form_token

    @app.before_request
    def _refuse_cross_site_posts() -> None:
        unsafe = request.method in UNSAFE_METHODS and not request.path.startswith("/api/")
        if unsafe and is_cross_site():
            if app.view_functions.get(request.endpoint or "") in _CROSS_SITE_VIEWS:
                return
            raise CrossSiteRequest


#: A form of the journey may be sent this long after its page was shown.
FORM_TOKEN_MAX_AGE = 24 * 3600
#: Seconds a token may seem to come from the future (clocks of several machines differ).
FORM_TOKEN_CLOCK_SKEW = 300
FORM_TOKEN_FIELD = "form_token"
FORM_TOKEN_ERROR = (
    "Dit formulier kon niet worden verwerkt: het is verlopen of kwam niet van onze pagina. "
    "Je antwoorden staan er nog; controleer ze en verstuur het formulier opnieuw."
)


def _key() -> bytes:
    """The form tokens' MAC key, derived from SECRET_KEY once per app."""
    app = current_app
    key = app.extensions.get("scan.form_token_key")
    if key is None:
        secret = app.config["SECRET_KEY"].encode()
        key = hmac.new(secret, b"scan-form-token", hashlib.sha256).digest()
        app.extensions["scan.form_token_key"] = key
    return key


def _signature(scan_token: str, stamp: str) -> str:
    # BLAKE2b in its keyed mode is a MAC by design (RFC 7693): no HMAC construction needed.
    message = f"{scan_token}.{stamp}".encode()
    mac = hashlib.blake2b(message, key=_key(), digest_size=18, person=b"scan-form-token")
    digest = mac.digest()
    return base64.urlsafe_b64encode(digest).decode()


def issue_form_token(scan_token: str, now: float | None = None) -> str:
    """Return a token that ties a form to one scan and to the time it was shown.

    "<seconds, hex>.<keyed BLAKE2b of scan token and time, 144 bits>", from the standard
    library: the token needs a time and a MAC, nothing more.
    """
    stamp = format(int(time.time() if now is None else now), "x")
    return f"{stamp}.{_signature(scan_token, stamp)}"


def form_token_valid(scan_token: str, now: float | None = None) -> bool:
    """Tell whether the posted form carries a fresh token for this scan."""
    sent = request.form.get(FORM_TOKEN_FIELD, "")
    stamp, _, signature = sent.partition(".")
    try:
        shown = int(stamp, 16) if len(stamp) <= 12 else -1
    except ValueError:
        return False
    age = (time.time() if now is None else now) - shown
    # A little ahead is fine: the app may run on several machines whose clocks differ.
    if shown < 0 or not -FORM_TOKEN_CLOCK_SKEW <= age <= FORM_TOKEN_MAX_AGE:
        return False
    return hmac.compare_digest(signature, _signature(scan_token, stamp))
