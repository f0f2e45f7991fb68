"""Operators' commands: init, check-content, purge, send-mail and send-follow-ups."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .content import ContentError
from .db import get_session, upgrade_to_head
from .loading import load_everything
from .mail import send_pending
from .models import utcnow
from .records.follow_ups import BATCH, queue_due_reminders
from .retention import Retention, purge
from .werkplaatsen import seed_werkplaatsen


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Bring the database to the newest schema and add missing werkplaatsen (safe to rerun)."""
    revision = upgrade_to_head(current_app)
    session = get_session()
    added = seed_werkplaatsen(session, current_app.extensions["scan.werkplaats_seeds"])
    session.commit()
    click.echo(f"Database ready at schema revision {revision}; {added} werkplaats(en) added.")


@click.command("check-content")
@with_appcontext
@click.option(
    "--dir",
    "content_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Check the vragen/ and adviezen/ in this folder instead of the app's own.",
)
def check_content_command(content_dir: Path | None) -> None:
    """Validate vragen/, adviezen/ and the werkplaatsen; exit 1 naming each broken field."""
    directory = content_dir or Path(current_app.config["CONTENT_DIR"])
    try:
        bank, catalogue, seeds = load_everything(directory)
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.exceptions.Exit(1) from exc
    questions = sum(len(theme.questions) for theme in bank.themes)
    most = max(bank.for_sector(sector).item_count() for sector in bank.sector_ids)
    click.echo(
        f"Content OK: question bank version {bank.version}, {len(bank.themes)} themes, "
        f"{questions} scored questions, {len(bank.profile)} profile items, "
        f"{len(bank.sector_ids)} sectors asked at most {most} items each; "
        f"{len(catalogue.items)} advice items; {len(seeds)} werkplaatsen."
    )


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Remove what is past its retention period, the audit log's included (run daily)."""
    config = current_app.config
    retention = Retention(
        lead_days=config["LEAD_RETENTION_DAYS"],
        scan_days=config["SCAN_RETENTION_DAYS"],
        draft_days=config["DRAFT_RETENTION_DAYS"],
        audit_days=config["AUDIT_RETENTION_DAYS"],
    )
    session = get_session()
    purged = purge(session, retention, utcnow(), dry_run=dry_run)
    session.commit()
    click.echo(f"{'Would remove' if dry_run else 'Removed'}: {purged}.")


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Send the queued lead notifications (run every few minutes); exit 1 if any failed."""
    sent, failed = _send_outbox()
    click.echo(f"Sent {sent} mail(s); {failed} failed and stay queued.")
    if failed:
        raise click.exceptions.Exit(1)


def _send_outbox() -> tuple[int, int]:
    """Send the outbox in rounds until it is empty or a mail fails; return (sent, failed)."""
    total_sent = total_failed = 0
    while True:
        sent, failed = send_pending(current_app, get_session())
        total_sent += sent
        total_failed += failed
        if not sent or failed:
            return total_sent, total_failed


@click.command("send-follow-ups")
@with_appcontext
def send_follow_ups_command() -> None:
    """Queue the reminders that are due, each once, then send the outbox (run daily)."""
    config = current_app.config
    if not config["PUBLIC_URL"] and not config.get("SERVER_NAME"):
        # Outside a request only this setting can say the host of the mail's links.
        raise click.ClickException(
            "set PUBLIC_URL to the scan's address (https://scan.example.nl): the reminders' "
            "links are made with it"
        )
    session = get_session()
    now = utcnow()
    queued = 0
    while True:
        # One transaction per batch: its mail and its sent_at are stored together, or neither.
        batch = queue_due_reminders(session, now)
        session.commit()
        queued += batch
        if batch < BATCH:
            break
    sent, failed = _send_outbox()
    click.echo(
        f"Queued {queued} reminder(s); sent {sent} mail(s); {failed} failed and stay queued."
    )
    if failed:
        raise click.exceptions.Exit(1)


def register_commands(app: Flask) -> None:
    """Make the commands available to `flask --app scan`."""
    for command in (
        init_command,
        check_content_command,
        purge_command,
        send_mail_command,
        send_follow_ups_command,
    ):
        app.cli.add_command(command)
