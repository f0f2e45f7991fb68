"""Network administration: werkplaatsen, staff accounts and the audit log (admins only)."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db import begin_write, get_session
from ..models import Werkplaats, utcnow
from ..werkplaatsen import all_werkplaatsen
from .admin_forms import check_account, check_werkplaats
from .audit import ACTION_LABELS, recent_events, record
from .auth import (
    account_key,
    clear_delays,
    count_admins,
    delayed_accounts,
    end_all_sessions,
    hash_password,
)
from .models import StaffUser
from .web import admin_required, init_blueprint, signed_in_user

bp = Blueprint("admin", __name__, url_prefix="/medewerkers/beheer")
init_blueprint(bp)

AUDIT_PAGE = 100


@bp.get("/werkplaatsen")
@admin_required
def werkplaatsen():
    """List every werkplaats."""
    rows = get_session().scalars(all_werkplaatsen()).all()
    # Named only if the id is a werkplaats: a link cannot put words of its own on the page.
    saved = next((w.name for w in rows if w.id == request.args.get("opgeslagen")), None)
    return render_template("staff/admin_werkplaatsen.html", werkplaatsen=rows, saved=saved)


@bp.route("/werkplaatsen/nieuw", methods=["GET", "POST"])
@bp.route("/werkplaatsen/<werkplaats_id>", methods=["GET", "POST"])
@admin_required
def werkplaats(werkplaats_id: str | None = None):
    """Add a werkplaats, or change one."""
    session = get_session()
    existing = session.get(Werkplaats, werkplaats_id) if werkplaats_id else None
    if werkplaats_id and existing is None:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, errors = check_werkplaats(request.form, new=existing is None)
        if values and existing is None and session.get(Werkplaats, values.id):
            values, errors = None, {"id": "Deze id bestaat al."}
        if values:
            target = existing or Werkplaats(id=values.id)
            for name, value in asdict(values).items():
                if name != "id":  # the id of an existing werkplaats never changes
                    setattr(target, name, value)
            if existing is None:
                session.add(target)
            record(
                session,
                signed_in_user(),
                "werkplaats.update" if existing else "werkplaats.create",
                werkplaats_id=target.id,
            )
            session.commit()
            return redirect(url_for(".werkplaatsen", opgeslagen=target.id), code=303)
    form = request.form if request.method == "POST" else _werkplaats_form(existing)
    return render_template(
        "staff/admin_werkplaats.html", werkplaats=existing, form=form, errors=errors
    ), (422 if errors else 200)


def _werkplaats_form(werkplaats: Werkplaats | None) -> dict[str, str]:
    if werkplaats is None:
        return {"active": "ja"}
    return {
        "id": werkplaats.id,
        "name": werkplaats.name,
        "city": werkplaats.city,
        "lat": str(werkplaats.lat),
        "lon": str(werkplaats.lon),
        "institutions": ", ".join(werkplaats.institutions),
        "offer": werkplaats.offer,
        "website": werkplaats.website or "",
        "email": werkplaats.email or "",
        "claims": ", ".join(werkplaats.claims),
        "active": "ja" if werkplaats.active else "",
        "source_url": werkplaats.source_url,
    }


@bp.get("/accounts")
@admin_required
def users():
    """List the staff accounts with their werkplaats and whether sign-in must wait."""
    session = get_session()
    rows = session.scalars(select(StaffUser).order_by(StaffUser.email)).all()
    secret = current_app.config["SECRET_KEY"]
    waiting = set(session.scalars(delayed_accounts(utcnow())))
    saved_id = request.args.get("opgeslagen", type=int)
    return render_template(
        "staff/admin_users.html",
        users=rows,
        locked={u.id for u in rows if account_key(secret, u.email) in waiting},
        saved=next((u.email for u in rows if u.id == saved_id), None),
    )


@bp.route("/accounts/nieuw", methods=["GET", "POST"])
@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user(user_id: int | None = None):
    """Add an account, or change one (role, werkplaats, password, active)."""
    session = get_session()
    if request.method == "POST":
        # One admin change at a time: end the read of the session check, then write-lock
        # (SQLite) before anything is read; PostgreSQL locks the admins in count_admins.
        session.commit()
        begin_write(session)
    existing = session.get(StaffUser, user_id) if user_id else None
    if user_id and existing is None:
        abort(404)
    werkplaatsen = session.scalars(all_werkplaatsen()).all()
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, errors = check_account(request.form, existing is None, {w.id for w in werkplaatsen})
        if (
            values
            and existing is not None
            and existing.is_admin
            and existing.active
            and (values.role != "admin" or not values.active)
            and count_admins(session) <= 1
        ):
            values, errors = None, {"role": "Dit is de laatste beheerder; die blijft beheerder."}
        if values:
            target = existing or StaffUser(email=values.email, password_hash="")
            target.email, target.name, target.role = values.email, values.name, values.role
            target.werkplaats_id, target.active = values.werkplaats_id, values.active
            if values.password:
                target.password_hash = hash_password(values.password)
            if existing is None:
                session.add(target)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                errors = {"email": "Er is al een account met dit e-mailadres."}
            else:
                if existing is not None and (values.password or not values.active):
                    end_all_sessions(session, target)
                record(
                    session,
                    signed_in_user(),
                    "user.update" if existing else "user.create",
                    werkplaats_id=target.werkplaats_id,
                    account=target.email,
                    role=target.role,
                )
                session.commit()
                return redirect(url_for(".users", opgeslagen=target.id), code=303)
    form = request.form if request.method == "POST" else _user_form(existing)
    return render_template(
        "staff/admin_user.html",
        account=existing,
        form=form,
        errors=errors,
        werkplaatsen=werkplaatsen,
    ), (422 if errors else 200)


def _user_form(user: StaffUser | None) -> dict[str, str]:
    if user is None:
        return {"role": "medewerker", "active": "ja"}
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "werkplaats": user.werkplaats_id or "",
        "active": "ja" if user.active else "",
    }


@bp.post("/accounts/<int:user_id>/deblokkeren")
@admin_required
def unlock(user_id: int):
    """Lift the sign-in delay of an account on every network (after a call to the owner)."""
    session = get_session()
    target = session.get(StaffUser, user_id)
    if target is None:
        abort(404)
    clear_delays(session, current_app.config["SECRET_KEY"], target.email)
    record(session, signed_in_user(), "user.unlock", account=target.email)
    session.commit()
    return redirect(url_for(".users"), code=303)


@bp.get("/logboek")
@admin_required
def audit():
    """Show the newest audit events, optionally of one action."""
    action = request.args.get("actie", "")[:40] or None
    session = get_session()
    events = session.scalars(recent_events(action).limit(AUDIT_PAGE)).all()
    return render_template(
        "staff/admin_audit.html",
        events=events,
        action=action or "",
        action_labels=ACTION_LABELS,
        werkplaats_names={w.id: w.name for w in session.scalars(all_werkplaatsen())},
    )
