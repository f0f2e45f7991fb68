"""Security and caching headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.datastructures import Headers

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


def init_app(app: Flask) -> None:
    """Add the security headers to every response, error pages included."""
    security_headers = SecurityHeaders(app.config["EMBED_ORIGINS"])

    @app.after_request
    def _add_headers(response: Response) -> Response:
        security_headers.add(request.path, response.headers)
        return response
