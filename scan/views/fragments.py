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
    template_name: str, key: Hashable, limit: int, context: Callable[[], dict[str, Any]]
) -> Markup:
    """Return the template's output for `key`, rendering it with `context()` the first time.

    `key` must determine the output completely, request included (see request_key()).
    """
    if not current_app.config["RENDER_CACHE"]:
        return Markup(render_template(template_name, **context()))
    template = current_app.jinja_env.get_template(template_name)
    caches = current_app.extensions.setdefault("scan.fragments", {})
    cache = caches.setdefault(template_name, {})
    # The template object is part of the key: a template reloaded in development starts afresh.
    full_key = (template, key)
    html = cache.get(full_key)
    if html is None:
        if len(cache) >= limit:  # simple and bounded: start over rather than track use
            cache.clear()
        html = cache[full_key] = Markup(render_template(template_name, **context()))
    return html


def request_key() -> tuple:
    """What a page's layout and links depend on: the embed frame, its partner, the address.

    The address is read from the WSGI environ (after ProxyFix), the source of request.host_url
    and of url_for(_external=True): a page made for one Host header is never shown for another.
    """
    embedded = in_embed()
    environ = request.environ
    return (
        embedded,
        g.get("parent_origin") if embedded else None,
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("SCRIPT_NAME"),
    )


def fill(page: str, token: str, form_token: str | None = None) -> str:
    """Put a scan's token (and form token) where a page made for every scan has the marks."""
    pieces = _pieces.get(page)
    if pieces is None:
        pieces = _pieces[page] = tuple(
            part.split(TOKEN_MARK) for part in page.split(FORM_TOKEN_MARK)
        )
        if len(_pieces) > 4096:
            _pieces.clear()
    # Joining pieces split once is one pass over the page; two replace() calls were two.
    return (form_token or FORM_TOKEN_MARK).join(token.join(part) for part in pieces)


# Cached pages split at their marks; keyed by the page string, whose hash Python keeps.
_pieces: dict[str, tuple[list[str], ...]] = {}


def asset_tags() -> Markup:
    """The icon, stylesheet and script tags of every page; they vary with the script root only."""
    return cached_render("partials/assets.html", request.script_root, 16, dict)


def init_app(app: Flask) -> None:
    """Give the templates asset_tags()."""
    app.jinja_env.globals["asset_tags"] = asset_tags
