"""The digital maturity scan for mkb-ondernemers: Flask app factory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings
from .config import PROJECT_ROOT, ConfigError
from .content import ContentError
from .loading import load_all


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, content, database, blueprints, CLI, logging and headers."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(settings.defaults(app.instance_path))
    app.config.from_mapping(settings.from_environment(os.environ))
    if test_config:
        app.config.from_mapping(test_config)
    app.config["DATABASE_URL"] = settings.normalise_database_url(app.config["DATABASE_URL"])
    app.config["TESTING"] = app.config["SCAN_ENV"] == "testing" or app.config.get("TESTING", False)
    with _clean_cli_errors():
        settings.check(app.config)
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        load_all(app)

    from . import db, errors, logs, web
    from .api import offer as api_offer  # issue 20: the werkplaatsen's offer
    from .api import shares as api_shares
    from .api import views as api
    from .cli import register_commands
    from .journey import (
        agenda,
        embedding,
        follow_up,
        forgery,
        result,
        shared,
        sharing,
        signup,
        steps,
    )
    from .staff import cli as staff_cli
    from .staff import (
        offer_demo,
        views_admin,
        views_auth,
        views_follow_up,
        views_leads,
        views_offer,
        views_participants,
        views_reports,
    )

    logs.init_app(app)
    db.init_app(app)
    web.init_app(app)
    forgery.init_app(app)
    errors.init_app(app)
    register_commands(app)
    app.register_blueprint(steps.bp)
    app.register_blueprint(result.bp)
    app.register_blueprint(sharing.bp)
    app.register_blueprint(signup.bp)
    embedding.init_app(app, (steps.bp, result.bp, sharing.bp, signup.bp))
    # Not under /embed/: a share link is sent to a person, not framed by a partner.
    app.register_blueprint(shared.bp)
    # Not under /embed/: its links come from a mail, not from a partner's page.
    app.register_blueprint(follow_up.bp)
    app.register_blueprint(agenda.bp)  # a mail's cancel link and the public feed
    app.register_blueprint(api.bp)
    app.register_blueprint(api_shares.bp)
    app.register_blueprint(api_offer.bp)
    staff_blueprints = (views_auth, views_leads, views_follow_up, views_reports, views_admin)
    for module in staff_blueprints:
        app.register_blueprint(module.bp)
    for module in (views_offer, views_participants):  # issue 20: the werkplaats's offer
        app.register_blueprint(module.bp)
    app.cli.add_command(staff_cli.create_user_command)
    app.cli.add_command(staff_cli.demo_account_command)
    app.cli.add_command(offer_demo.demo_offer_command)  # issue 20: example sessions

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        # As Flask's deployment docs do; mypy cannot see that wsgi_app may be replaced.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )
    return app


@contextmanager
def _clean_cli_errors() -> Iterator[None]:
    """Under the flask CLI, report broken settings or content without a traceback."""
    try:
        yield
    except (ConfigError, ContentError) as exc:
        if click.get_current_context(silent=True) is None:
            raise
        raise click.ClickException(f"{type(exc).__name__}:\n{exc}") from exc
