"""Markdown to safe HTML: the one place where Markup is created from content."""

from __future__ import annotations

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "br", "code", "blockquote"}


def render_markdown(text: str) -> Markup:
    """Render content Markdown and keep only harmless tags (no links, images or raw HTML)."""
    html = md.markdown(text, output_format="html")
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes={}, link_rel=None))
