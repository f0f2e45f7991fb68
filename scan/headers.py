"""Security and caching headers on every response."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

# No inline script or style anywhere, nothing from another host, and no framing (the embed
# layout of a later issue will open frame-ancestors for configured partner origins only).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    """Add the headers after every request."""
    app.after_request(_add_headers)


def _add_headers(response: Response) -> Response:
    if request.path == "/embed" or request.path.startswith("/embed/"):
        # Partner pages may frame the embed journey; X-Frame-Options cannot list origins, so
        # it is left out here and CSP frame-ancestors says who may.
        ancestors = " ".join(("'self'", *current_app.config["EMBED_ORIGINS"]))
        policy = CONTENT_SECURITY_POLICY.replace(
            "frame-ancestors 'none'", f"frame-ancestors {ancestors}"
        )
        response.headers.setdefault("Content-Security-Policy", policy)
    else:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # The scan token sits in the URL: never leak it to another site through Referer. Within
    # our own site the referrer may go along, which also keeps Origin real on form posts.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.path.startswith(("/scan/", "/embed/scan/", "/api/v1/scans")):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
