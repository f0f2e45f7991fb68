"""Operators' commands: `flask --app scan init`, `check-content`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .content import ContentError, load_bank
from .migrate import upgrade_to_head


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Bring the database to the newest schema (safe to run again)."""
    revision = upgrade_to_head(current_app)
    click.echo(f"Database ready at schema revision {revision}.")


@click.command("check-content")
@with_appcontext
@click.option(
    "--vragen",
    "vragen_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Check this question bank folder instead of the app's own vragen/.",
)
def check_content_command(vragen_dir: Path | None) -> None:
    """Validate the question bank; exit 1 naming every broken file and field."""
    directory = vragen_dir or Path(current_app.config["CONTENT_DIR"]) / "vragen"
    try:
        bank = load_bank(directory)
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.exceptions.Exit(1) from exc
    questions = sum(len(theme.questions) for theme in bank.themes)
    click.echo(
        f"Content OK: question bank version {bank.version}, {len(bank.themes)} themes, "
        f"{questions} scored questions, {len(bank.profile)} profile items."
    )


def register_commands(app: Flask) -> None:
    """Make the commands available to `flask --app scan`."""
    app.cli.add_command(init_command)
    app.cli.add_command(check_content_command)
