"""Rendered pages and parts of pages kept per worker, for output that depends on a key only.

Everyone who opens a step of the scan for the first time sees the same empty questions, and a
completed scan's result page never changes until a lead is sent or the werkplaats is edited.
Rendering them again on every request was most of the cost of those pages
(bench/throughput.py), so their HTML is kept in a bounded dictionary per worker.

The rule that keeps this correct: the key holds everything the output depends on. Pages made
for every scan alike are rendered with marks in place of the scan's token and form token,
which are filled in per request (`fill`); tests/integration/test_render_cache.py compares
cached pages with fresh renders. RENDER_CACHE = False switches all of it off.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app, g, render_template, request
from markupsafe import Markup

from ..embedding import in_embed

#: Stand-ins while a page is rendered for every scan alike: letters and digits only, so that
#: URLs and HTML carry them unchanged, and the length of a real token.
TOKEN_MARK = "0scantokenmark0" + "x" * 28
FORM_TOKEN_MARK = "0formtokenmark0" + "x" * 28


def cached_render(
    template_name: str,
    key: Hashable,
    limit: int,
    context: Callable[[], dict[str, Any]],
    prepare: Callable[[str], Any] = Markup,
) -> Any:
    """Return the template's output for `key`, rendering it with `context()` the first time.

    `key` must determine the output completely, request included (see request_key()).
    What is kept is `prepare(output)`: a fragment as Markup, a whole page as bytes (as_page),
    or a page split at its marks (split_marks).
    """
    app = current_app._get_current_object()
    if not app.config["RENDER_CACHE"]:
        return prepare(render_template(template_name, **context()))
    cache, full_key = _cache_of(app, template_name, key)
    html = cache.get(full_key)
    if html is None:
        if len(cache) >= limit:  # simple and bounded: start over rather than track use
            cache.clear()
        html = cache[full_key] = prepare(render_template(template_name, **context()))
    return html


def kept_render(template_name: str, key: Hashable) -> Any | None:
    """Return what cached_render() keeps for `key`, or None: for views that check first."""
    app = current_app._get_current_object()
    if not app.config["RENDER_CACHE"]:
        return None
    cache, full_key = _cache_of(app, template_name, key)
    return cache.get(full_key)


def _cache_of(app: Flask, template_name: str, key: Hashable) -> tuple[dict, Hashable]:
    caches = app.extensions.get("scan.fragments")
    if caches is None:
        caches = app.extensions["scan.fragments"] = {}
    cache = caches.get(template_name)
    if cache is None:
        cache = caches[template_name] = {}
    if app.jinja_env.auto_reload:
        # In development a template is loaded anew when its file changes; the template
        # object in the key makes its pages start afresh. In production it never changes.
        return cache, (app.jinja_env.get_template(template_name), key)
    return cache, key


def request_key() -> tuple:
    """What a page's layout and links depend on: the embed frame, its partner, the address.

    The address is read from the WSGI environ (after ProxyFix), the source of request.host_url
    and of url_for(_external=True): a page made for one Host header is never shown for another.
    """
    embedded = in_embed()
    environ = request._get_current_object().environ
    return (
        embedded,
        g._get_current_object().get("parent_origin") if embedded else None,
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("SCRIPT_NAME"),
    )


def as_page(html: str) -> bytes:
    """Keep a whole page as the bytes of its response.

    Encoding 14 KB of Dutch text (any é makes it slow) took Flask 30 microseconds on every
    request, as much as reading the scan; a kept page is encoded once.
    """
    return html.encode()


def split_marks(page: str) -> tuple[tuple[bytes, ...], ...]:
    """Split a page made for every scan alike at its marks, once, for fill(); as bytes."""
    encoded = page.encode()
    return tuple(
        tuple(part.split(TOKEN_MARK.encode())) for part in encoded.split(FORM_TOKEN_MARK.encode())
    )


def fill(pieces: tuple[tuple[bytes, ...], ...], token: str, form_token: str) -> bytes:
    """Put a scan's token and form token where the page (see split_marks) had the marks."""
    # Joining pieces split once is one pass over the page; replace() was one pass per mark.
    # Both tokens are ASCII (letters, digits and URL-safe signs), like the marks they replace.
    # A list, not a generator: join() makes a list of a generator first anyway.
    token_bytes = token.encode()
    return form_token.encode().join([token_bytes.join(part) for part in pieces])


def asset_tags() -> Markup:
    """The icon, stylesheet and script tags of every page; they vary with the script root only."""
    return cached_render("partials/assets.html", request.script_root, 16, dict)


def init_app(app: Flask) -> None:
    """Give the templates asset_tags()."""
    app.jinja_env.globals["asset_tags"] = asset_tags
