"""SecurityHeaders: which headers a response gets, by its path."""

from __future__ import annotations

from werkzeug.datastructures import Headers

from scan.web import CONTENT_SECURITY_POLICY, SecurityHeaders

PARTNER = "https://www.kvk.nl"


def _headers(path: str, *own: tuple[str, str]) -> dict[str, list[str]]:
    headers = Headers(list(own))
    SecurityHeaders((PARTNER,)).add(path, headers)
    found: dict[str, list[str]] = {}
    for name, value in headers.items():
        found.setdefault(name.lower(), []).append(value)
    return found


def test_pages_may_not_be_framed_and_send_no_referrer_elsewhere():
    headers = _headers("/privacy")
    assert headers["content-security-policy"] == [CONTENT_SECURITY_POLICY]
    assert headers["x-frame-options"] == ["DENY"]
    assert headers["referrer-policy"] == ["same-origin"]
    assert headers["x-content-type-options"] == ["nosniff"]
    assert "cache-control" not in headers and "x-robots-tag" not in headers


def test_embed_pages_may_be_framed_by_partners_only():
    for path in ("/embed", "/embed/", "/embed/scan/abc/profiel"):
        headers = _headers(path)
        assert "x-frame-options" not in headers
        (policy,) = headers["content-security-policy"]
        assert f"frame-ancestors 'self' {PARTNER}" in policy
    # A path that merely starts with the same letters is an ordinary page.
    assert _headers("/embedded")["x-frame-options"] == ["DENY"]


def test_a_views_own_value_wins_except_for_caching_of_scan_pages():
    headers = _headers("/privacy", ("Content-Security-Policy", "default-src 'none'"))
    assert headers["content-security-policy"] == ["default-src 'none'"]
    headers = _headers(
        "/scan/abc/profiel", ("cache-control", "public, max-age=60"), ("X-Robots-Tag", "all")
    )
    assert headers["cache-control"] == ["no-store"]
    assert headers["x-robots-tag"] == ["noindex, nofollow"]
    assert _headers("/api/v1/scans/abc")["cache-control"] == ["no-store"]
    assert "cache-control" not in _headers("/api/v1/questionnaire")
