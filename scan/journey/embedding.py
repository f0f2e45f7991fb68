"""The /embed/ journey: the same views in a minimal layout, framed by allowed partner sites."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, url_for

EMBED_PREFIX = "embed_"
#: The blueprints of the anonymous journey, registered once more under /embed/.
JOURNEY_BLUEPRINTS = ("public", "result", "sharing", "signup")


def parse_origins(text: str) -> tuple[str, ...]:
    """Turn 'https://www.kvk.nl https://partner.example' into checked origins."""
    origins = []
    for item in text.split():
        parts = urlsplit(item)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ValueError(f"not an origin (scheme://host[:port]): {item!r}")
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return tuple(origins)


def allowed_origins() -> tuple[str, ...]:
    """Return the partner origins that may frame the /embed/ journey."""
    return current_app.config["EMBED_ORIGINS"]


def allowed_parent(origin: str | None) -> str | None:
    """Return the origin if a partner page of it may receive the frame's messages."""
    return origin if origin and origin in allowed_origins() else None


def in_embed() -> bool:
    """Tell whether this request belongs to the /embed/ journey."""
    return (request.blueprint or "").startswith(EMBED_PREFIX)


def journey_url(endpoint: str, **values) -> str:
    """url_for that stays inside /embed/ when the request came from there."""
    blueprint = endpoint.partition(".")[0]
    if in_embed() and blueprint in JOURNEY_BLUEPRINTS:
        endpoint = EMBED_PREFIX + endpoint
    return url_for(endpoint, **values)


def init_app(app: Flask, blueprints) -> None:
    """Register the journey's blueprints a second time under /embed/, and the helpers."""
    for blueprint in blueprints:
        app.register_blueprint(blueprint, name=EMBED_PREFIX + blueprint.name, url_prefix="/embed")
    app.jinja_env.globals["journey_url"] = journey_url

    @app.context_processor
    def _layout() -> dict:
        embedded = in_embed()
        return {
            "layout": "embed.html" if embedded else "base.html",
            "embedded": embedded,
            "parent_origin": g.get("parent_origin") if embedded else None,
        }
