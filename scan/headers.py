"""Security and caching headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request

# No inline script or style anywhere, nothing from another host, and no framing (the embed
# layout of a later issue will open frame-ancestors for configured partner origins only).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    """Add the headers after every request."""
    ancestors = " ".join(("'self'", *app.config["EMBED_ORIGINS"]))
    # Partner pages may frame the embed journey; X-Frame-Options cannot list origins, so it is
    # left out there and CSP frame-ancestors says who may.
    embed_policy = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", f"frame-ancestors {ancestors}"
    )
    common = (
        ("X-Content-Type-Options", "nosniff"),
        # The scan token sits in the URL: never leak it to another site through Referer. Within
        # our own site the referrer may go along, which also keeps Origin real on form posts.
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )
    page_headers = (
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Frame-Options", "DENY"),
        *common,
    )
    embed_headers = (("Content-Security-Policy", embed_policy), *common)

    @app.after_request
    def _add_headers(response: Response) -> Response:
        path = request.path
        embedded = path == "/embed" or path.startswith("/embed/")
        headers = response.headers
        present = {name.lower() for name in headers.keys()}  # noqa: SIM118 - Headers iterate as pairs
        for name, value in embed_headers if embedded else page_headers:
            if name.lower() not in present:  # a view's own value wins
                headers.add(name, value)
        if path.startswith(("/scan/", "/embed/scan/", "/api/v1/scans")):
            headers["Cache-Control"] = "no-store"
            headers["X-Robots-Tag"] = "noindex, nofollow"
        return response
