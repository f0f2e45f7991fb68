"""Invite an ondernemer from their lead's page to do the scan again, by e-mail."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, url_for

from ..db import begin_write, get_session
from ..records.follow_ups import invite
from ..records.handover import try_to_send
from .audit import record
from .inbox import lead_for
from .web import init_blueprint, login_required, signed_in_user

bp = Blueprint("staff_follow_up", __name__, url_prefix="/medewerkers")
init_blueprint(bp)


@bp.post("/aanvragen/<int:lead_id>/uitnodigen")
@login_required
def invite_again(lead_id: int):
    """Mail the ondernemer an invitation to do the scan again; it is logged in the history."""
    session = get_session()
    # End the read of the session check, then take the write lock (SQLite) before reading the
    # lead: two presses of the button at once make one invitation (invite() locks on PostgreSQL).
    session.commit()
    begin_write(session)
    user = signed_in_user()
    lead = lead_for(session, user, lead_id)  # another werkplaats's lead: 404, as everywhere
    if lead is None:
        abort(404)
    # None: the ondernemer unsubscribed, or this was a double click; the page says which.
    if invite(session, lead) is not None:
        record(session, user, "lead.invite", lead_id=lead.id, werkplaats_id=lead.werkplaats_id)
    session.commit()
    try_to_send()
    return redirect(url_for("staff.lead", lead_id=lead.id, _anchor="opnieuw"), code=303)
