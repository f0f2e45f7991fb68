"""Taking the result along: the PDF stappenplan, and read-only links to share the result.

The ondernemer's side, on the full site and under /embed/: download the PDF, make a link,
withdraw one. What a link opens for the person who gets it is in shared.py.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template

from ..db import get_session
from ..models import Scan, utcnow
from ..records.scans import next_step
from ..records.shares import MAX_OPEN, TooManyLinks, add_link, withdraw_link
from ..web import limit_rate
from . import current_bank, scan_or_404
from .embedding import journey_url
from .forgery import FORM_TOKEN_ERROR, form_token_valid
from .result import result_context

bp = Blueprint("sharing", __name__)

TOO_MANY_LINKS = (
    f"Je hebt al {MAX_OPEN} open links. Trek er een in voordat je een nieuwe link maakt."
)


def _to_step(scan: Scan):
    """Send an unfinished scan to its next step: it has no result to take along yet."""
    step = next_step(scan, current_bank())
    return redirect(journey_url("public.step", token=scan.token, step=step), code=303)


def _result_page(scan: Scan, form_error: str) -> str:
    return render_template("result/result.html", **result_context(scan), form_error=form_error)


def _back_to_list(token: str):
    return redirect(journey_url("result.result", token=token) + "#delen", code=303)


@bp.get("/scan/<token>/resultaat.pdf")
def result_pdf(token: str):
    """Answer the result as a PDF stappenplan (A4), made from the result page's partials."""
    scan = scan_or_404(token)
    if not scan.is_completed:
        return _to_step(scan)
    # Imported on first use: WeasyPrint and Pango take half a second to load, which a worker
    # or a cron command that never makes a PDF should not pay.
    from .pdf import pdf_response

    return pdf_response(scan)


@bp.post("/scan/<token>/delen")
def share(token: str):
    """Make a read-only link to the result, open for SHARE_DAYS, and list it on the page."""
    scan = scan_or_404(token, for_update=True)
    if not scan.is_completed:
        return _to_step(scan)
    if not form_token_valid(token):
        return _result_page(scan, FORM_TOKEN_ERROR), 400
    # Counted with new scans: a script that makes links in a loop stops like one making scans.
    limit_rate("scan")
    session = get_session()
    try:
        add_link(session, scan, current_app.config["SHARE_DAYS"], utcnow())
    except TooManyLinks:
        return _result_page(scan, TOO_MANY_LINKS), 409
    session.commit()
    return _back_to_list(token)


@bp.post("/scan/<token>/delen/<share_id>/intrekken")
def withdraw(token: str, share_id: str):
    """Withdraw a share link: from now on it answers 410."""
    scan = scan_or_404(token, for_update=True)
    if not form_token_valid(token):
        if not scan.is_completed:
            return _to_step(scan)
        return _result_page(scan, FORM_TOKEN_ERROR), 400
    session = get_session()
    # A link withdrawn already (a second click, another tab) is no error: it is what was asked.
    withdraw_link(session, scan, share_id, utcnow())
    session.commit()
    return _back_to_list(token)
