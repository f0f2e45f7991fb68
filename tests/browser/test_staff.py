"""The staff area in a real Chromium: sign in, the inbox, a lead, exports, sign out.

Accounts and leads are stored with the factories of `tests.staff`; everything else goes
through the pages, like a medewerker at a werkplaats does it. Every staff context is checked
afterwards (see `Browsing.assert_staff_cookies`): no request to another host, and every
cookie HttpOnly, SameSite=Lax and limited to /medewerkers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Page, Response

from scan.db import database
from scan.models import Lead, Werkplaats
from tests.browser.test_keyboard import MAX_TABS, active, check_focus_indicator
from tests.serving import serving
from tests.staff import PASSWORD, make_lead, make_user

pytestmark = pytest.mark.browser

SIGN_IN = "/medewerkers/inloggen"
INBOX = "/medewerkers/aanvragen"
WRONG_PASSWORD = "Dit e-mailadres en wachtwoord horen niet bij elkaar"
LEAD_LINK = re.compile(r"/medewerkers/aanvragen/\d+$")


# --- helpers, also used by test_accessibility ---------------------------------------------------


def sign_in(journey, page: Page, base: str, email: str, password: str = PASSWORD) -> Response:
    """Open the sign-in page, type the e-mail address and password, press Inloggen."""
    response = page.goto(base + SIGN_IN)
    assert response is not None and response.status == 200
    page.get_by_label("E-mailadres", exact=True).fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    return journey.submit(page, "Inloggen")


def path_of(page: Page) -> str:
    """The path of the page's URL with its query, without the live server's address."""
    return re.sub(r"^https?://[^/]+", "", page.url)


def lead_links(page: Page) -> list[str]:
    """The company names linked from the inbox table, in order."""
    return page.get_by_role("region", name="Aanvragen").get_by_role("link").all_inner_texts()


def werkplaats_name(app, werkplaats_id: str) -> str:
    """The name of a werkplaats, read from the live app's database."""
    with database(app).sessions() as session:
        return session.get(Werkplaats, werkplaats_id).name


def lead_status(app, lead_id: int) -> str:
    """The status of a lead as stored, not as a page shows it."""
    with database(app).sessions() as session:
        return session.get(Lead, lead_id).status


# --- the tests ------------------------------------------------------------------------------


def test_a_medewerker_works_a_lead_from_sign_in_to_sign_out(open_browsing, live_server, journey):
    app = live_server.app
    _, email = make_user(app, "medewerker", "utrecht")
    bakery = make_lead(app, "utrecht", company="Bakkerij Het Wapen")
    make_lead(app, "utrecht", company="Fietsenmaker Ketting", status="intake")
    browsing = open_browsing(staff=True)
    page, base = browsing.page, browsing.server.url

    # Signing in lands in the inbox of the medewerker's werkplaats.
    response = sign_in(journey, page, base, email)
    assert response.status == 200 and path_of(page) == INBOX
    heading = f"Aanvragen van {werkplaats_name(app, 'utrecht')}"
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert sorted(lead_links(page)) == ["Bakkerij Het Wapen", "Fietsenmaker Ketting"]
    assert page.get_by_text(email, exact=True).is_visible(), "the header names who is signed in"

    # The filter form: only the leads in intake.
    filters = page.get_by_role("form", name="Filters")
    filters.get_by_label("Status", exact=True).select_option(label="Intake")
    assert journey.submit(page, "Filter").status == 200
    assert "status=intake" in path_of(page)
    assert lead_links(page) == ["Fietsenmaker Ketting"]
    assert page.get_by_text("1 aanvraag.").is_visible()
    assert filters.get_by_label("Status", exact=True).input_value() == "intake"

    # Back to every lead, then open the bakery.
    with page.expect_navigation():
        page.get_by_role("link", name="Wis filters", exact=True).click()
    assert len(lead_links(page)) == 2
    with page.expect_navigation():
        page.get_by_role("link", name="Bakkerij Het Wapen", exact=True).click()
    assert path_of(page) == f"{INBOX}/{bakery}"
    assert page.get_by_role("heading", level=1).inner_text() == "Bakkerij Het Wapen"
    meta = page.locator(".lead-meta")
    assert meta.inner_text().startswith("Status: Nieuw")
    contact = page.get_by_role("region", name="Contactgegevens")
    assert "Bakkerij Het Wapen" in contact.inner_text()
    assert page.get_by_role("region", name=re.compile(r"^De scan: \d+ van de 100$")).is_visible()
    assert page.get_by_role("region", name="Het advies dat de ondernemer zag").is_visible()

    # Change the status: the page shows the new one, and offers the statuses after it.
    page.get_by_label("Nieuwe status", exact=True).select_option(label="Intake")
    response = journey.submit(page, "Wijzig status")
    assert response.status == 200 and path_of(page) == f"{INBOX}/{bakery}"
    assert meta.inner_text().startswith("Status: Intake")
    offered = page.get_by_label("Nieuwe status", exact=True).locator("option").all_inner_texts()
    # Nothing is chosen beforehand: one click on the button cannot change a status by mistake.
    assert offered == ["Kies een status", "Training", "Intensief traject", "Afgewezen"]
    assert lead_status(app, bakery) == "intake"

    # Add a note: it appears with its author.
    note = "Gebeld op dinsdag; intake gepland voor volgende week."
    page.get_by_label("Nieuwe notitie", exact=True).fill(note)
    response = journey.submit(page, "Voeg notitie toe")
    assert response.status == 200 and page.url.endswith(f"{INBOX}/{bakery}#notities")
    notes = page.get_by_role("region", name="Notities").get_by_role("listitem")
    assert notes.count() == 1
    assert note in notes.inner_text() and email in notes.inner_text()
    assert page.get_by_label("Nieuwe notitie", exact=True).input_value() == ""

    # Export the inbox through its links.
    with page.expect_navigation():
        page.get_by_role("link", name="Terug naar de aanvragen", exact=True).click()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert csv_download.value.suggested_filename == "aanvragen.csv"
    # Semicolons and a byte order mark, as Dutch Excel expects.
    text = csv_download.value.path().read_bytes().decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    by_company = {row["Bedrijf"]: row for row in table}
    assert set(by_company) == {"Bakkerij Het Wapen", "Fietsenmaker Ketting"}
    assert by_company["Bakkerij Het Wapen"]["Status"] == "Intake"
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Excel (XLSX)", exact=True).click()
    assert xlsx_download.value.suggested_filename == "aanvragen.xlsx"
    assert xlsx_download.value.path().read_bytes().startswith(b"PK")

    # Sign out: the inbox now sends the browser to the sign-in page.
    response = journey.submit(page, "Uitloggen")
    assert response.status == 200 and path_of(page) == f"{SIGN_IN}?uitgelogd=1"
    assert page.get_by_role("status").inner_text() == "Je bent uitgelogd."
    assert "scan_staff" not in {c["name"] for c in browsing.context.cookies()}
    response = page.goto(base + INBOX)
    assert response is not None and response.status == 200
    assert path_of(page).startswith(SIGN_IN + "?next=")
    assert page.get_by_role("heading", level=1).inner_text() == "Inloggen voor medewerkers"
    browsing.assert_private()


def test_a_wrong_password_shows_the_error_and_keeps_the_email(open_browsing, live_server, journey):
    _, email = make_user(live_server.app, "medewerker", "utrecht")
    browsing = open_browsing(staff=True)
    page = browsing.page

    response = sign_in(journey, page, browsing.server.url, email, "niet-het-goede-wachtwoord")
    assert response.status == 422 and path_of(page) == SIGN_IN
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    assert "Inloggen lukte niet" in summary.inner_text()
    assert WRONG_PASSWORD in summary.inner_text()
    assert page.title().startswith("Fout: ")
    # The error summary takes focus, so a screen reader reads it first.
    page.wait_for_function("() => document.activeElement.getAttribute('role') === 'alert'")
    assert page.get_by_label("E-mailadres", exact=True).input_value() == email
    assert page.get_by_label("Wachtwoord", exact=True).input_value() == ""
    assert "scan_staff" not in {c["name"] for c in browsing.context.cookies()}
    browsing.assert_private()


def test_a_medewerker_never_sees_a_lead_of_another_werkplaats(open_browsing, live_server, journey):
    app = live_server.app
    _, email = make_user(app, "medewerker", "utrecht")
    make_lead(app, "utrecht", company="Eigen Bakkerij")
    theirs = make_lead(app, "fryslan", company="Andermans Smederij")
    browsing = open_browsing(staff=True)
    page, base = browsing.page, browsing.server.url

    assert sign_in(journey, page, base, email).status == 200
    assert lead_links(page) == ["Eigen Bakkerij"]
    assert "Andermans Smederij" not in page.content()

    # Searching for it finds nothing either.
    page.get_by_label("Zoek op naam, bedrijf, e-mail of KvK", exact=True).fill("Andermans")
    assert journey.submit(page, "Filter").status == 200
    assert page.get_by_text("Geen aanvragen gevonden met deze filters.").is_visible()

    # Its address answers the Dutch "not found" page, as if the lead did not exist.
    response = page.goto(f"{base}{INBOX}/{theirs}")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Deze pagina bestaat niet"
    assert "Andermans Smederij" not in page.content()
    browsing.assert_private()


#: A page of another site that frames the sign-in page and, as a control, a page of its own
#: (which must render, or the check below would prove nothing).
FRAMING_PAGE = """<!doctype html><html lang="nl"><head><title>Partner</title></head><body>
<iframe name="staff" src="{staff}" title="Medewerkers"></iframe>
<iframe name="own" src="/eigen" title="Eigen"></iframe>
</body></html>"""
OWN_PAGE = "<!doctype html><html><body><form><input name='password'></form></body></html>"


@contextmanager
def other_site(staff_url: str) -> Iterator[str]:
    """Serve the framing page from 127.0.0.2: another origin, but on loopback like the live
    server, so that Chromium's local network access checks do not block the frame."""

    def partner(environ, start_response):
        body = (
            OWN_PAGE if environ["PATH_INFO"] == "/eigen" else FRAMING_PAGE.format(staff=staff_url)
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode()]

    with serving(partner, host="127.0.0.2") as netloc:
        yield f"http://{netloc}"


def test_staff_pages_cannot_be_framed_by_another_site(browser, live_server):
    # Not `open_browsing`: this test visits another origin on purpose.
    context = browser.new_context()
    context.set_default_timeout(10_000)
    staff_url = live_server.url + SIGN_IN
    try:
        page = context.new_page()
        with other_site(staff_url) as partner:
            with page.expect_response(staff_url) as framed:
                page.goto(partner + "/", wait_until="load")
            # The sign-in page reached the browser, yet Chromium shows an error page in its
            # frame where the control frame renders.
            assert framed.value.status == 200
            own = page.frame(name="own")
            assert own is not None and own.locator("input[name=password]").count() == 1
            staff = page.frame(name="staff")
            assert staff is not None
            assert "Inloggen voor medewerkers" not in staff.content()
            assert "password" not in staff.content()
            assert staff.url.startswith("chrome-error://"), staff.url
            # Both ways of saying so, for browsers that know only one of them.
            headers = framed.value.all_headers()
            assert headers.get("x-frame-options") == "DENY"
            assert "frame-ancestors 'none'" in headers.get("content-security-policy", "")
    finally:
        context.close()


def test_sign_in_and_open_a_lead_by_keyboard(open_browsing, live_server):
    app = live_server.app
    _, email = make_user(app, "medewerker", "utrecht")
    make_lead(app, "utrecht", company="Kapsalon Krul")
    make_lead(app, "utrecht", company="Schoenmakerij Zool")
    browsing = open_browsing(staff=True)
    page, base = browsing.page, browsing.server.url
    response = page.goto(base + SIGN_IN)
    assert response is not None and response.status == 200

    # Tab to each field and type; Enter in the password field sends the form.
    typed = set()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = active(page) or {}
        name = element.get("name") if element.get("tag") == "input" else None
        if name in ("email", "password") and name not in typed:
            page.keyboard.type(email if name == "email" else PASSWORD)
            typed.add(name)
        if typed == {"email", "password"}:
            break
    else:
        pytest.fail(f"Tab reached only these sign-in fields: {sorted(typed)}")
    assert active(page)["name"] == "password"
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200 and path_of(page) == INBOX

    # Tab to the first lead link of the inbox; Enter opens that lead.
    first = lead_links(page)[0]
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        href = page.evaluate("() => document.activeElement.getAttribute('href') || ''")
        if LEAD_LINK.search(href):
            break
    else:
        pytest.fail("Tab never reached a lead's link in the inbox")
    assert active(page)["text"] == first, "the first lead link Tab reaches is the first row's"
    check_focus_indicator(page, "lead link", {})
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200 and path_of(page) == href
    assert page.get_by_role("heading", level=1).inner_text() == first
    browsing.assert_private()
