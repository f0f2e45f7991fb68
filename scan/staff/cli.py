"""Operators' commands for staff accounts: create-user, and a demo account for development."""

from __future__ import annotations

import secrets
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..db import get_session
from ..models import Werkplaats
from .admin_forms import check_account
from .audit import record
from .auth import clear_delays, find_user, hash_password
from .models import StaffUser

DEMO_EMAIL = "demo-beheerder@digitale-scan.test"


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "medewerker"]), required=True)
@click.option("--werkplaats", "werkplaats_id", help="The werkplaats id of a medewerker.")
@click.option("--name", default="", help="The person's name, shown with their notes.")
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="Read the password from standard input (never from the command line).",
)
@with_appcontext
def create_user_command(email, role, werkplaats_id, name, password_stdin) -> None:
    """Create a staff account without prompting; the password comes from stdin."""
    password = sys.stdin.readline().rstrip("\r\n")
    session = get_session()
    werkplaats_ids = set(session.scalars(select(Werkplaats.id)))
    form = {
        "email": email,
        "name": name,
        "role": role,
        "werkplaats": werkplaats_id or "",
        "password": password,
        "active": "ja",
    }
    values, errors = check_account(form, True, werkplaats_ids)
    if errors:
        for field, message in errors.items():
            click.echo(f"{field}: {message}", err=True)
        raise click.exceptions.Exit(2)
    assert values is not None  # no errors: the values are there
    if find_user(session, values.email) is not None:
        click.echo(f"email: an account for {values.email} exists already", err=True)
        raise click.exceptions.Exit(2)
    user = StaffUser(
        email=values.email,
        name=values.name,
        role=values.role,
        werkplaats_id=values.werkplaats_id,
        password_hash=hash_password(password),
    )
    session.add(user)
    record(
        session,
        None,
        "user.create",
        actor_email="cli",
        account=user.email,
        role=user.role,
        werkplaats_id=user.werkplaats_id,
    )
    session.commit()
    click.echo(f"Created {role} {user.email}.")


@click.command("demo-account")
@with_appcontext
def demo_account_command() -> None:
    """Development only: give the demo admin a fresh random password and print it."""
    if current_app.config["SCAN_ENV"] != "development":
        raise click.ClickException("demo-account only runs with SCAN_ENV=development")
    session = get_session()
    password = secrets.token_urlsafe(12)
    user = find_user(session, DEMO_EMAIL)
    if user is None:
        user = StaffUser(email=DEMO_EMAIL, name="Demo-beheerder", role="admin", password_hash="")
        session.add(user)
    user.password_hash = hash_password(password)
    user.active = True
    clear_delays(session, current_app.config["SECRET_KEY"], DEMO_EMAIL)
    session.commit()
    click.echo(f"Inloggen als medewerker: e-mail {DEMO_EMAIL}, wachtwoord {password}")
