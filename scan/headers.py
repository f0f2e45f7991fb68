"""Security and caching headers on every response."""

from __future__ import annotations

from flask import Flask

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
_PRIVATE_NAMES = {name.lower() for name, _value in PRIVATE_HEADERS}


class SecurityHeaders:
    """Adds the headers to a WSGI response's header list, by the request's path."""

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
        page_headers = (
            ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
            ("X-Frame-Options", "DENY"),
            *common,
        )
        embed_headers = (("Content-Security-Policy", embed_policy), *common)
        # With each name in lower case beside it, made once instead of once per response.
        self.page_headers = tuple((name.lower(), name, value) for name, value in page_headers)
        self.embed_headers = tuple((name.lower(), name, value) for name, value in embed_headers)

    def add(self, path: str, headers: list[tuple[str, str]]) -> None:
        """Add the headers for this path to a WSGI header list; a view's own value wins.

        Pages that show a scan are the exception: they are never stored, whatever the view said.
        """
        embedded = path == "/embed" or path.startswith("/embed/")
        private = path.startswith(PRIVATE_PREFIXES)
        present = {name.lower() for name, _value in headers}
        if private and present & _PRIVATE_NAMES:
            headers[:] = [h for h in headers if h[0].lower() not in _PRIVATE_NAMES]
        for lower, name, value in self.embed_headers if embedded else self.page_headers:
            if lower not in present:
                headers.append((name, value))
        if private:
            headers.extend(PRIVATE_HEADERS)


def init_app(app: Flask) -> None:
    """Make the app's SecurityHeaders, which scan.envelope adds to every response."""
    app.extensions["scan.security_headers"] = SecurityHeaders(app.config["EMBED_ORIGINS"])
