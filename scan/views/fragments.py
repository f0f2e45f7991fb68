"""Rendered parts of pages kept per process, for parts whose output depends on one key only.

A step page shows eight questions, and most visitors see the same few states of each (nothing
chosen, or one option); a completed scan's scores and advice never change. Rendering those
parts again on every request was most of the cost of the step and result pages
(bench/throughput.py), so their HTML is kept in a bounded dictionary per worker. The key
holds the template object too, so a template reloaded in development starts afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app, request
from markupsafe import Markup


def cached_render(
    template_name: str, key: Hashable, limit: int, context: Callable[[], dict[str, Any]]
) -> Markup:
    """Return the template's output for `key`, rendering it with `context()` the first time.

    `key` must determine the output completely; the template may not use the request.
    """
    template = current_app.jinja_env.get_template(template_name)
    caches = current_app.extensions.setdefault("scan.fragments", {})
    cache = caches.setdefault(template_name, {})
    full_key = (template, key)
    html = cache.get(full_key)
    if html is None:
        if len(cache) >= limit:  # simple and bounded: start over rather than track use
            cache.clear()
        html = cache[full_key] = Markup(template.render(context()))
    return html


def asset_tags() -> Markup:
    """The icon, stylesheet and script tags of every page; they vary with the script root only."""
    return cached_render("partials/assets.html", request.script_root, 16, dict)


def init_app(app: Flask) -> None:
    """Give the templates asset_tags()."""
    app.jinja_env.globals["asset_tags"] = asset_tags
