"""After the scan: the result, the contact request, and erasing everything."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from sqlalchemy.exc import OperationalError

from ..db import get_session
from ..domain.contact import clean_contact, consent_text
from ..domain.postcode import PostcodeError, parse_pc4
from ..errors import wait_nl
from ..models import Scan
from ..records.follow_ups import reminder_of
from ..records.handover import store_lead
from ..records.leads import LeadConflict
from ..records.rescans import chain, erase_chain, present_comparison, start_rescan
from ..records.results import werkplaats_view
from ..records.scans import change_postcode, next_step
from ..web import limit_rate, rate_wait
from ..werkplaatsen import NATIONAL
from . import current_bank, current_catalogue, scan_or_404
from .benchmark_view import benchmark_context
from .charts import bar_chart
from .embedding import journey_url
from .fields import InputView, contact_views
from .forgery import FORM_TOKEN_ERROR, form_token_valid
from .forms import build_contact_form
from .offer_view import advice_offer
from .result_view import open_shares, result_view
from .steps import DATABASE_DOWN

bp = Blueprint("result", __name__)

#: The ticked consent named someone else, or no one (the page was shown with the database down).
CONSENT_CHANGED = (
    "Lees de toestemming opnieuw: die noemt nu wie je vraag krijgt. Vink hem aan als je "
    "akkoord bent."
)


def _completed_scan_or_redirect(token: str, for_update: bool = False):
    scan = scan_or_404(token, for_update)
    if not scan.is_completed:
        step = next_step(scan, current_bank())
        return scan, redirect(journey_url("public.step", token=token, step=step), code=303)
    return scan, None


@bp.get("/scan/<token>/resultaat")
def result(token: str):
    """Show the scored result with advice, route and the nearest werkplaats."""
    scan, redirect_response = _completed_scan_or_redirect(token)
    if redirect_response:
        return redirect_response
    return render_template("result/result.html", **result_context(scan))


def result_context(scan: Scan) -> dict:
    """Return the result page's template values (sharing.py shows the page with an error)."""
    comparison = present_comparison(get_session(), current_bank(), current_catalogue(), scan)
    return dict(
        **result_view(scan),
        **benchmark_context(scan),  # bedrijven zoals jij (issue 18): one query
        comparison=comparison,
        # Both scans in one chart, each theme's earlier bar right above its bar of now.
        comparison_chart=bar_chart(
            [
                (f"{theme.title}, {when}", score)
                for theme in comparison.themes
                for when, score in (("vorige keer", theme.before), ("nu", theme.after))
                if score is not None
            ]
        )
        if comparison
        else None,
        has_postcode=bool(scan.profile.get("postcode")),
        lead=scan.lead is not None,
        token=scan.token,
        # The link to keep points at the full site: it outlives the partner page.
        result_url=url_for("result.result", token=scan.token, _external=True),
        shares=open_shares(scan),
        share_days=current_app.config["SHARE_DAYS"],
        offer=advice_offer(scan),  # the werkplaats's dates with the advice (issue 20)
    )


@bp.route("/scan/<token>/contact", methods=["GET", "POST"])
def contact(token: str):
    """Ask the werkplaats to get in touch, with explicit consent."""
    form = build_contact_form(request.form if request.method == "POST" else None)
    try:
        return _contact(token, form)
    except OperationalError:
        # The database is down: show what was typed again, ready to be sent once it is back.
        get_session().rollback()
        form.consent.data = False  # its text could not name the recipient: ticked anew later
        page = _contact_page(token, form, None, form_error=DATABASE_DOWN)
        return page, 503, {"Retry-After": "30"}


def _contact(token: str, form):
    scan, redirect_response = _completed_scan_or_redirect(token, request.method == "POST")
    if redirect_response:
        return redirect_response
    if request.method == "GET" and scan.lead is not None:
        return redirect(journey_url("result.contact_sent", token=token), code=303)
    status, conflict, form_error, headers = 200, False, None, {}
    if request.method == "POST" and not form_token_valid(token):
        status, form_error = 400, FORM_TOKEN_ERROR
    elif request.method == "POST":
        if not form.validate():
            status = 422
        elif scan.lead is None and request.form.get("consent_for") != _recipient(scan):
            # The consent ticked named someone else (the postcode changed in another tab, or
            # the page was shown while the database was down): ask again, with the right name.
            form.consent.data = False
            form.consent.errors = [CONSENT_CHANGED]
            status = 422
        elif scan.lead is None and (wait := rate_wait("lead")) is not None:
            # Every lead mails a werkplaats: a flood from one network waits, what was typed stays.
            status, form_error = 429, f"{TOO_MANY_LEADS} Dat kan weer over {wait_nl(wait)}."
            headers = {"Retry-After": str(wait)}
        else:
            try:
                store_lead(scan, clean_contact(form.data), form.follow_up.data is True)
            except LeadConflict:
                status, conflict = 409, True
            else:
                return redirect(journey_url("result.contact_sent", token=token), code=303)
    werkplaats = werkplaats_view(scan.werkplaats, scan.distance_km)
    page = _contact_page(token, form, werkplaats, conflict, form_error, _recipient(scan))
    return page, status, headers


TOO_MANY_LEADS = "Vanaf jouw netwerk kwamen kort na elkaar veel aanvragen binnen."


def _recipient(scan) -> str:
    """Who the consent on the contact page names: the werkplaats id, or the national queue."""
    return scan.werkplaats.id if scan.werkplaats is not None else NATIONAL


def _contact_page(
    token: str, form, werkplaats, conflict=False, form_error=None, recipient: str | None = None
) -> str:
    # The consent names who receives the details; no `recipient`: unknown (database down).
    if recipient is not None:
        form.consent.label.text = consent_text(werkplaats.name if werkplaats else None)
    fields = contact_views(form)
    return render_template(
        "result/contact.html",
        fields=fields,
        errors=[f for f in fields if f.error],
        conflict=conflict,
        form_error=form_error,
        werkplaats=werkplaats,
        token=token,
        consent_for=recipient or "",
    )


@bp.route("/scan/<token>/postcode", methods=["GET", "POST"])
def postcode(token: str):
    """Add or correct the postcode after the result, so the scan finds its werkplaats."""
    typed = request.form.get("postcode", "") if request.method == "POST" else ""
    try:
        return _postcode(token, typed)
    except OperationalError:
        # The database is down: show what was typed again, ready to be sent once it is back.
        get_session().rollback()
        page = _postcode_page(token, typed, None, form_error=DATABASE_DOWN)
        return page, 503, {"Retry-After": "30"}


def _postcode(token: str, typed: str):
    scan, redirect_response = _completed_scan_or_redirect(token, request.method == "POST")
    if redirect_response:
        return redirect_response
    result_url = journey_url("result.result", token=token)
    if scan.lead is not None:  # the request went out with the old postcode: ask the werkplaats
        return redirect(result_url, code=303)
    if request.method == "GET":
        return _postcode_page(token, scan.profile.get("postcode") or "", None)
    if not form_token_valid(token):
        return _postcode_page(token, typed, None, form_error=FORM_TOKEN_ERROR), 400
    try:
        if not typed.strip():
            raise PostcodeError("Vul de postcode van je bedrijf in, zoals 1234 AB.")
        pc4 = parse_pc4(typed)
    except PostcodeError as error:
        return _postcode_page(token, typed, str(error)), 422
    session = get_session()
    changed = change_postcode(session, scan, pc4)
    session.commit()
    return redirect(result_url + ("#werkplaats" if changed else ""), code=303)


def _postcode_page(token: str, typed: str, error: str | None, form_error=None) -> str:
    field = InputView(
        name="postcode",
        label="Postcode van je bedrijf",
        kind="text",
        autocomplete="postal-code",
        inputmode="",
        hint="Bijvoorbeeld 1234 AB. We bewaren alleen de vier cijfers.",
        value=typed,
        checked=False,
        error=error,
        required=True,
    )
    return render_template(
        "result/postcode.html",
        field=field,
        errors=[field] if error else [],
        form_error=form_error,
        token=token,
    )


@bp.get("/scan/<token>/contact/verstuurd")
def contact_sent(token: str):
    """Confirm the contact request and say what happens next."""
    scan = scan_or_404(token)
    if scan.lead is None:
        return redirect(journey_url("result.contact", token=token), code=303)
    werkplaats = werkplaats_view(scan.werkplaats, scan.distance_km)
    return render_template(
        "result/contact_sent.html",
        lead=scan.lead,
        werkplaats=werkplaats,
        token=token,
        reminder=reminder_of(get_session(), scan.lead.id),
    )


@bp.route("/scan/<token>/verwijderen", methods=["GET", "POST"])
def erase(token: str):
    """Ask for confirmation, then erase the scan and its lead for good."""
    scan = scan_or_404(token, for_update=request.method == "POST")
    session = get_session()
    # A re-scan and the scan it came from are one firm's history: they go together.
    scans = chain(session, scan)
    if request.method == "GET" or not form_token_valid(token):
        status = 200 if request.method == "GET" else 400
        lead = next((s.lead for s in scans if s.lead is not None), None)
        return render_template(
            "result/erase.html",
            token=token,
            has_lead=lead is not None,
            # Who got the request by e-mail: the lead's werkplaats (None: the coordinator).
            werkplaats_name=lead.werkplaats.name
            if lead is not None and lead.werkplaats is not None
            else None,
            other_scans=len(scans) - 1,
            form_error=FORM_TOKEN_ERROR if status == 400 else None,
        ), status
    erase_chain(session, scan)
    session.commit()
    return redirect(journey_url("result.erased"), code=303)


@bp.post("/scan/<token>/opnieuw")
def rescan(token: str):
    """Start a new scan filled in with this one's answers, to see what changed since."""
    scan, redirect_response = _completed_scan_or_redirect(token)
    if redirect_response:
        return redirect_response
    if not form_token_valid(token):
        return render_template(
            "result/result.html", **result_context(scan), form_error=FORM_TOKEN_ERROR
        ), 400
    limit_rate("scan")
    session = get_session()
    again = start_rescan(session, current_bank(), current_catalogue(), scan)
    session.commit()
    step = next_step(again, current_bank())
    return redirect(journey_url("public.step", token=again.token, step=step), code=303)


@bp.get("/verwijderd")
def erased():
    """Confirm that the scan is gone."""
    return render_template("result/erased.html")
