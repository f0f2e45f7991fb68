"""The offer in a real Chromium: a medewerker adds a session, a scan routed there shows it with
its advice, and the ondernemer signs up with and without JavaScript and inside a partner's
iframe; the sign-up shows in the participant list. axe checks every new page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from scan.db import database
from scan.records.offer_models import Registration
from tests.browser.test_accessibility import axe_reports
from tests.browser.test_staff import sign_in
from tests.journey import api_scan
from tests.offer import PERSON, TRAINING, UTRECHT, make_training
from tests.serving import serving
from tests.staff import make_user

pytestmark = pytest.mark.browser

TITLE = "Workshop: gevonden worden in Google"


def staff_adds_a_session(open_browsing, live_server, journey, axe_violations, reports) -> None:
    """A medewerker of Utrecht adds a session through the form, one mistake on the way."""
    _, email = make_user(live_server.app, "medewerker", "utrecht")
    browsing = open_browsing(staff=True)
    page, base = browsing.page, live_server.url
    sign_in(journey, page, base, email)
    page.get_by_role("link", name="Aanbod", exact=True).click()
    page.wait_for_url(re.compile("/medewerkers/aanbod$"))
    reports.append(axe_violations(page, "the offer, empty"))
    page.get_by_role("link", name="Nieuwe bijeenkomst").click()
    reports.append(axe_violations(page, "a new session's form"))
    page.get_by_label("Titel", exact=True).fill(TITLE)
    advice_title = live_server.app.extensions["scan.catalogue"].item(TRAINING).title
    page.get_by_role("checkbox", name=re.compile("^" + re.escape(advice_title))).check()
    day = (datetime.now(UTC) + timedelta(days=9)).date().isoformat()
    page.get_by_label("Datum", exact=True).fill(day)
    page.get_by_label("Begintijd", exact=True).fill("13:30")
    page.get_by_label("Eindtijd", exact=True).fill("16:30")
    page.get_by_label("Op een locatie").check()
    page.get_by_label("Aantal plaatsen", exact=True).fill("12")
    page.get_by_label("Gratis", exact=True).check()
    response = journey.submit(page, "Bewaar")  # no address: one mistake
    assert response.status == 422
    assert page.get_by_role("alert").get_by_text("Vul het adres in").count() == 1
    reports.append(axe_violations(page, "the session form with an error"))
    page.get_by_label("Adres", exact=True).fill("Stationsplein 1, Utrecht")
    response = journey.submit(page, "Bewaar")
    assert response.status == 200 and page.get_by_text("De bijeenkomst is opgeslagen").count() == 1
    assert page.get_by_role("link", name=TITLE, exact=True).count() == 1
    reports.append(axe_violations(page, "the offer with a session"))
    browsing.close()


def signs_up(page, base: str, token: str, journey, axe_violations, reports, where: str) -> None:
    """From the result page: the advice's session, "Meld je aan", the form, the confirmation."""
    response = page.goto(f"{base}/scan/{token}/resultaat")
    assert response is not None and response.status == 200
    card = page.locator(f"#advies-{TRAINING}")
    assert card.get_by_text(TITLE, exact=True).count() == 1
    assert card.get_by_text("Nog 12 plaatsen vrij").count() == 1
    card.get_by_role("link", name=re.compile("^Meld je aan")).click()
    page.wait_for_url(re.compile("/aanmelden/"))
    reports.append(axe_violations(page, f"the sign-up form, {where}"))
    consent = page.get_by_role("checkbox", name=re.compile("^Ik geef toestemming dat MKB"))
    assert not consent.is_checked()
    page.get_by_label("Je naam", exact=True).fill(PERSON["name"])
    page.get_by_label("Naam van je bedrijf", exact=True).fill(PERSON["company"])
    page.get_by_label("E-mailadres", exact=True).fill(PERSON["email"])
    response = journey.submit(page, "Meld me aan")  # consent forgotten
    assert response.status == 422
    reports.append(axe_violations(page, f"the sign-up form with an error, {where}"))
    assert page.get_by_label("Je naam", exact=True).input_value() == PERSON["name"]
    consent.check()
    response = journey.submit(page, "Meld me aan")
    assert response.status == 200
    assert page.get_by_role("heading", name="Je bent aangemeld").count() == 1
    reports.append(axe_violations(page, f"the confirmation, {where}"))


def test_a_session_added_in_the_browser_is_signed_up_for_from_the_advice(
    open_browsing, live_server, journey, axe_violations
):
    app, base = live_server.app, live_server.url
    with axe_reports() as reports:
        staff_adds_a_session(open_browsing, live_server, journey, axe_violations, reports)
        token = api_scan(app.test_client(), app.extensions["scan.bank"], postcode=UTRECHT)
        # staff=True: the live server already set the medewerker's cookies (on /medewerkers
        # only), which a journey context's check would count; these contexts hold none.
        browsing = open_browsing(staff=True)
        signs_up(browsing.page, base, token, journey, axe_violations, reports, "with JS")
        browsing.close()
        # The same without the page's scripts, as axe needs JavaScript to run at all.
        quiet = open_browsing(staff=True)
        quiet.context.route("**/static/*.js", lambda route: route.abort())
        other = api_scan(app.test_client(), app.extensions["scan.bank"], postcode=UTRECHT)
        response = quiet.page.goto(f"{base}/scan/{other}/resultaat")
        assert response is not None and response.status == 200
        reports.append(axe_violations(quiet.page, "the result page with a session, no scripts"))
        quiet.close()
        # The participant list shows the sign-up; the cancel page from the mail passes axe.
        _, email = make_user(app, "medewerker", "utrecht")
        staff = open_browsing(staff=True)
        sign_in(journey, staff.page, base, email)
        staff.page.goto(f"{base}/medewerkers/aanbod")
        staff.page.get_by_role("link", name=re.compile("^Deelnemers")).click()
        assert staff.page.get_by_role("cell", name=PERSON["email"]).count() == 1
        reports.append(axe_violations(staff.page, "the participant list"))
        staff.page.get_by_role("link", name="Terug naar de bijeenkomst").click()
        staff.page.get_by_role("link", name="Annuleer deze bijeenkomst").click()
        reports.append(axe_violations(staff.page, "cancelling a session"))
        staff.page.goto(f"{base}/medewerkers/aanvragen")
        staff.page.get_by_role("link", name=PERSON["company"]).click()
        assert staff.page.get_by_role("heading", name="Aanmeldingen").count() == 1
        reports.append(axe_violations(staff.page, "a lead with its sign-up"))
        make_training(app, days=-1, title="Gisteren")  # begun: the dashboard lists it
        staff.page.goto(f"{base}/medewerkers/cijfers")
        assert staff.page.get_by_role("heading", name="Getraind via het aanbod").count() == 1
        reports.append(axe_violations(staff.page, "the dashboard with the offer's figures"))
        staff.close()
        with database(app).sessions() as session:
            key = session.scalars(select(Registration.token)).one()
        mail = open_browsing(staff=True)
        mail.page.goto(f"{base}/aanmelding/{key}")
        reports.append(axe_violations(mail.page, "the cancel page of the mail's link"))
        journey.submit(mail.page, "Meld me af")
        assert mail.page.get_by_role("heading", name="Je bent afgemeld").count() == 1
        reports.append(axe_violations(mail.page, "cancelled"))
        mail.close()


def test_signing_up_without_javascript(open_browsing, live_server, journey):
    app = live_server.app
    make_training(app, places=12, title=TITLE)
    token = api_scan(app.test_client(), app.extensions["scan.bank"], postcode=UTRECHT)
    browsing = open_browsing(javascript=False)
    signs_up(browsing.page, live_server.url, token, journey, lambda *_: None, [], "no JS")
    with database(app).sessions() as session:
        assert session.scalars(select(Registration.email)).all() == [PERSON["email"]]
    browsing.close()


# --- inside a partner's iframe -------------------------------------------------------------------


def _partner(frame_url):
    def app(environ, start_response):
        body = (
            '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Partner</title>'
            "</head><body><main><h1>Partner</h1>"
            f'<iframe src="{frame_url()}" title="Digitale scan voor ondernemers" '
            'style="width:100%;height:1400px;border:0"></iframe></main></body></html>'
        ).encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body]

    return app


@contextmanager
def partner_with_the_scan(make_app) -> Iterator[tuple[object, str, dict]]:
    """The scan on localhost, framed by a partner on 127.0.0.2 (another site) that is allowed."""
    urls: dict[str, str] = {}
    with ExitStack() as servers:
        partner = servers.enter_context(serving(_partner(lambda: urls["frame"]), host="127.0.0.2"))
        app = make_app(SERVER_NAME=None, EMBED_ALLOWED_ORIGINS=f"http://{partner}")
        scan = servers.enter_context(serving(app))
        urls["scan"] = "http://localhost:" + scan.rsplit(":", 1)[1]
        yield app, f"http://{partner}", urls


def test_signing_up_inside_a_partner_iframe(browser, make_app, axe_violations):
    with partner_with_the_scan(make_app) as (app, partner_url, urls):
        make_training(app, places=12, title=TITLE)
        token = api_scan(app.test_client(), app.extensions["scan.bank"], postcode=UTRECHT)
        urls["frame"] = f"{urls['scan']}/embed/scan/{token}/resultaat"
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(partner_url + "/")
            frame = page.frame_locator("iframe")
            frame.locator(f"#advies-{TRAINING}").get_by_role(
                "link", name=re.compile("^Meld je aan")
            ).click()
            frame.get_by_label("Je naam", exact=True).fill(PERSON["name"])
            frame.get_by_label("Naam van je bedrijf", exact=True).fill(PERSON["company"])
            frame.get_by_label("E-mailadres", exact=True).fill(PERSON["email"])
            frame.get_by_role("checkbox", name=re.compile("^Ik geef toestemming")).check()
            frame.get_by_role("button", name="Meld me aan").click()
            frame.get_by_role("heading", name="Je bent aangemeld").wait_for()
            inner = next(f for f in page.frames if "/embed/scan/" in f.url)
            assert inner.url.startswith(f"{urls['scan']}/embed/scan/{token}/aanmelden/")
            assert page.url.startswith(partner_url)
        finally:
            context.close()
    with database(app).sessions() as session:
        assert session.scalars(select(Registration.email)).all() == [PERSON["email"]]
