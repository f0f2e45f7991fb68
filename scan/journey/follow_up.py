"""The links in a reminder or invitation mail: start the re-scan, or unsubscribe.

Both are keyed by the follow-up's own token, never the scan's. A GET only shows a page with a
button, and never changes anything: mail scanners and link previews open every link in a mail
before the ondernemer does, and must neither start a scan nor unsubscribe anyone. The button
posts; the unsubscribe address also takes the one-click POST of RFC 8058 that mail programs
send on their own.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request
from werkzeug.exceptions import NotFound

from ..db import get_session
from ..models import FollowUp
from ..records.follow_ups import find_follow_up, newest_scan, withdraw
from ..records.rescans import start_rescan
from ..records.scans import next_step
from ..web import limit_rate
from . import current_bank, current_catalogue
from .embedding import journey_url
from .forgery import cross_site_allowed, form_token_valid

bp = Blueprint("follow_up", __name__)

RESCAN_PAGE = "follow_up/rescan.html"
UNSUBSCRIBE_PAGE = "follow_up/unsubscribe.html"
#: The button's form token was too old or missing (see forgery.py): a page left open for days.
BUTTON_EXPIRED = (
    "Deze pagina stond te lang open, of de knop kwam niet van onze pagina. Druk nog een keer "
    "op de knop."
)


class LinkGone(NotFound):
    """The link's follow-up does not exist (mistyped, or erased with the ondernemer's data)."""

    dutch_title = "Deze link werkt niet (meer)"
    dutch_text = (
        "Misschien is de link niet helemaal goed overgenomen, of zijn je gegevens verwijderd. "
        "Je kunt de scan altijd opnieuw doen vanaf de beginpagina: dat kost ongeveer tien minuten."
    )


def _follow_up_or_404(token: str) -> FollowUp:
    follow_up = find_follow_up(get_session(), token)
    if follow_up is None:
        raise LinkGone
    return follow_up


def _rescan_page(token: str, follow_up: FollowUp, form_error: str | None = None) -> str:
    scan = newest_scan(get_session(), follow_up.lead)
    return render_template(
        RESCAN_PAGE, token=token, completed_at=scan.completed_at, form_error=form_error
    )


@bp.get("/opnieuw/<token>")
def rescan_page(token: str):
    """Show when the earlier scan was done, with the button that starts the re-scan."""
    return _rescan_page(token, _follow_up_or_404(token))


@bp.post("/opnieuw/<token>")
def rescan(token: str):
    """Start a re-scan filled in from the newest completed scan of the lead's chain."""
    follow_up = _follow_up_or_404(token)
    if not form_token_valid(token):
        return _rescan_page(token, follow_up, BUTTON_EXPIRED), 400
    limit_rate("scan")
    session = get_session()
    # The newest, not the one the lead came with: a re-scan done since is the one to compare to.
    bank = current_bank()
    again = start_rescan(session, bank, current_catalogue(), newest_scan(session, follow_up.lead))
    session.commit()
    step = next_step(again, bank)  # as the result page's button does
    return redirect(journey_url("public.step", token=again.token, step=step), code=303)


@bp.get("/herinnering/<token>/afmelden")
def unsubscribe_page(token: str):
    """Show the unsubscribe button, or that the ondernemer is unsubscribed already."""
    follow_up = _follow_up_or_404(token)
    return render_template(UNSUBSCRIBE_PAGE, token=token, withdrawn_at=follow_up.withdrawn_at)


@bp.post("/herinnering/<token>/afmelden")
@cross_site_allowed
def unsubscribe(token: str):
    """Withdraw the consent: no more mail about doing the scan again (also RFC 8058 one-click)."""
    follow_up = _follow_up_or_404(token)
    # A mail program's one-click post carries no form token: the token in the URL is the key,
    # and unsubscribing is all it can do. Not rate limited either: the large mail providers
    # post these from a few networks for all their users, and an unsubscribe must never wait.
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    if not one_click and not form_token_valid(token):
        page = render_template(
            UNSUBSCRIBE_PAGE,
            token=token,
            withdrawn_at=follow_up.withdrawn_at,
            form_error=BUTTON_EXPIRED,
        )
        return page, 400
    session = get_session()
    withdraw(session, follow_up)
    session.commit()
    if one_click:
        return render_template(UNSUBSCRIBE_PAGE, token=token, withdrawn_at=follow_up.withdrawn_at)
    return redirect(journey_url("follow_up.unsubscribe_page", token=token), code=303)
