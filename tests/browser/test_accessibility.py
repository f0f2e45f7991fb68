"""axe-core finds nothing on any page of the journey or the staff area, at desktop and phone width.

axe runs with its default rules, best practices included; no rule is disabled or excluded.
Each test gathers the reports of all its pages and fails once, listing every violation.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest

from scan.db import database
from scan.models import utcnow
from scan.staff.auth import account_key
from scan.staff.models import SigninDelay
from tests.browser import test_staff as staff
from tests.staff import make_lead, make_user

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}


@contextmanager
def axe_reports() -> Iterator[list[str | None]]:
    """Collect the axe reports of a test's pages; fail at the end with all of them.

    When the journey itself breaks half-way, the reports gathered so far are shown with it.
    """
    reports: list[str | None] = []
    try:
        yield reports
    except Exception as exc:
        found = [r for r in reports if r]
        if found:
            raise AssertionError(
                "\n\n".join(found) + f"\n\nand then the journey broke: {exc}"
            ) from exc
        raise
    found = [r for r in reports if r]
    if found:
        pytest.fail("\n\n".join(found), pytrace=False)


def test_every_page_of_the_journey(open_browsing, bank, journey, axe_violations):
    browsing = open_browsing()
    page = browsing.page
    with axe_reports() as reports:
        walk_the_journey(page, browsing.server.url, bank, journey, axe_violations, reports)
    browsing.assert_private()


def walk_the_journey(page, base_url, bank, journey, axe_violations, reports) -> None:
    """Every page of the journey, with errors on two of them, checked by axe."""
    response = page.goto(base_url + "/")
    assert response is not None and response.status == 200
    reports.append(axe_violations(page, "landing page"))

    journey.submit(page, "Start de scan")
    reports.append(axe_violations(page, "profile step"))

    # The profile step with errors: missing answers and a postcode that cannot exist.
    postcode = next(item for item in bank.profile if item.type == "postcode")
    page.get_by_label(postcode.text, exact=True).fill("0123 AB")
    response = journey.submit(page, "Volgende stap")
    assert response.status == 422 and page.get_by_role("alert").is_visible()
    reports.append(axe_violations(page, "profile step with errors"))

    journey.fill_profile(page, bank, journey.profile_answers(bank))
    journey.submit(page, "Volgende stap")

    # Not the best answers, so that the result page also lists where points were lost.
    answers = journey.mixed_answers(bank)
    for index, theme in enumerate(bank.themes):
        assert journey.step_path(page.url)[2] == theme.id
        reports.append(axe_violations(page, f"theme step {theme.id}"))
        if index == 0:
            # The first question left open: the page comes back with the error summary.
            journey.answer_theme(page, theme.all_questions[1:], answers)
            response = journey.submit(page, "Volgende stap")
            assert response.status == 422 and page.get_by_role("alert").is_visible()
            reports.append(axe_violations(page, f"theme step {theme.id} with an error"))
            journey.choose(page, theme.all_questions[0], answers[theme.all_questions[0].id])
        else:
            journey.answer_theme(page, theme.all_questions, answers)
        last = index == len(bank.themes) - 1
        journey.submit(page, "Bekijk je resultaat" if last else "Volgende stap")

    assert journey.step_path(page.url)[2] == "resultaat"
    shown = journey.shown_scores(page, bank)
    assert shown == journey.expected_scores(bank, answers)
    assert min(shown.values()) < 100, "the result page also shows where points were lost"
    reports.append(axe_violations(page, "result page"))


def test_not_found_pages(open_browsing, axe_violations):
    browsing = open_browsing()
    page = browsing.page
    with axe_reports() as reports:
        for path in ("/bestaat-niet", f"/scan/{secrets.token_urlsafe(32)}/profiel"):
            response = page.goto(browsing.server.url + path)
            assert response is not None and response.status == 404
            reports.append(axe_violations(page, f"404 page {path}"))
    browsing.assert_private()


def test_phone_width(open_browsing, bank, journey, axe_violations):
    browsing = open_browsing(viewport=PHONE, is_mobile=True, has_touch=True)
    page = browsing.page

    def no_sideways_scrolling(where: str) -> None:
        # WCAG 1.4.10 (reflow): at 375 px nothing may need scrolling sideways.
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{where} is {width}px wide at {PHONE['width']}px"

    with axe_reports() as reports:
        response = page.goto(browsing.server.url + "/")
        assert response is not None and response.status == 200
        reports.append(axe_violations(page, "landing page at phone width"))
        no_sideways_scrolling("the landing page")

        journey.submit(page, "Start de scan")
        reports.append(axe_violations(page, "profile step at phone width"))
        no_sideways_scrolling("the profile step")
        journey.fill_profile(page, bank, journey.profile_answers(bank))
        journey.submit(page, "Volgende stap")

        theme = bank.themes[0]
        assert journey.step_path(page.url)[2] == theme.id
        reports.append(axe_violations(page, f"theme step {theme.id} at phone width"))
        no_sideways_scrolling("the first theme step")
        response = journey.submit(page, "Volgende stap")
        assert response.status == 422
        reports.append(axe_violations(page, f"theme step {theme.id} with errors at phone width"))
        no_sideways_scrolling("the first theme step with errors")
    browsing.assert_private()


# --- after the scan: the result, asking for contact, erasing, privacy ---------------------------


def no_sideways_scrolling(page, where: str) -> None:
    """WCAG 1.4.10 (reflow): at 375 px nothing may need scrolling sideways."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where} is {width}px wide at {PHONE['width']}px"


def open_every_details(page) -> None:
    """Click every closed <details> summary ("Waarom dit advies?" and the route's)."""
    for summary in page.locator("details > summary").all():
        if summary.evaluate("e => !e.parentElement.open"):
            summary.click()
    assert page.locator("details:not([open])").count() == 0


def send_contact_form(page, journey, *, valid: bool) -> int:
    """Fill the contact form (a bad e-mail address and no consent unless `valid`); send it."""
    page.get_by_label("Je naam", exact=True).fill("Jan de Vries")
    page.get_by_label("Naam van je bedrijf", exact=True).fill("Bakkerij De Vries")
    email = "jan@bakkerijdevries.nl" if valid else "jan@bakkerijdevries"
    page.get_by_label("E-mailadres", exact=True).fill(email)
    if valid:
        page.locator("#consent").check()
    return journey.submit(page, "Verstuur mijn vraag").status


def test_result_pages(open_browsing, live_server, journey, axe_violations):
    bank = live_server.bank
    weak = journey.finish_scan(
        live_server, journey.weak_answers(bank), journey.traject_profile(live_server)
    )
    strong = journey.finish_scan(
        live_server, journey.best_answers(bank), journey.profile_answers(bank)
    )
    browsing = open_browsing()
    page = browsing.page
    with axe_reports() as reports:
        for kind, token in (("weak business", weak), ("strong business", strong)):
            response = page.goto(f"{browsing.server.url}/scan/{token}/resultaat")
            assert response is not None and response.status == 200
            # The strong business answered best everywhere: strengths, no advice to give.
            advice = page.locator("article.advice").count()
            assert (advice > 1) if token == weak else (advice == 0), kind
            strengths = page.locator("ul.strengths > li").count()
            assert strengths == (0 if token == weak else 2 * len(bank.themes)), kind
            traject = page.get_by_text("We raden je een intensief traject met studenten aan")
            assert traject.count() == (1 if token == weak else 0), kind
            reports.append(axe_violations(page, f"result page of a {kind}"))
        page.goto(f"{browsing.server.url}/scan/{weak}/resultaat")
        open_every_details(page)
        reports.append(axe_violations(page, "result page with every details opened"))
    browsing.assert_private()


def test_contact_erase_and_privacy_pages(open_browsing, live_server, journey, axe_violations):
    bank = live_server.bank
    token = journey.finish_scan(
        live_server, journey.weak_answers(bank), journey.traject_profile(live_server)
    )
    browsing = open_browsing()
    page = browsing.page
    base = browsing.server.url
    with axe_reports() as reports:
        response = page.goto(f"{base}/scan/{token}/postcode")
        assert response is not None and response.status == 200
        reports.append(axe_violations(page, "postcode page"))
        page.get_by_label("Postcode van je bedrijf", exact=True).fill("0123")
        assert journey.submit(page, "Zoek mijn werkplaats").status == 422
        assert page.get_by_role("alert").is_visible()
        reports.append(axe_violations(page, "postcode page with an error"))

        response = page.goto(f"{base}/scan/{token}/contact")
        assert response is not None and response.status == 200
        reports.append(axe_violations(page, "contact page"))

        assert send_contact_form(page, journey, valid=False) == 422
        assert page.get_by_role("alert").is_visible()
        reports.append(axe_violations(page, "contact page with errors"))

        assert send_contact_form(page, journey, valid=True) == 200
        assert journey.step_path(page.url) == ["scan", token, "contact", "verstuurd"]
        reports.append(axe_violations(page, "contact confirmation page"))

        response = page.goto(f"{base}/scan/{token}/verwijderen")
        assert response is not None and response.status == 200
        reports.append(axe_violations(page, "erase confirmation page"))

        assert journey.submit(page, "Ja, verwijder alles").status == 200
        assert page.url == f"{base}/verwijderd"
        reports.append(axe_violations(page, "erased page"))

        response = page.goto(f"{base}/privacy")
        assert response is not None and response.status == 200
        reports.append(axe_violations(page, "privacy page"))
    browsing.assert_private()


@pytest.mark.parametrize("javascript", [True, False], ids=["with JS", "without JS"])
def test_result_page_in_the_embed_and_without_javascript(
    open_browsing, live_server, journey, axe_violations, javascript
):
    """The result's new parts (strengths, first step, safety list) pass axe in both layouts.

    axe runs as JavaScript in the page, so "without JavaScript" blocks the page's own scripts
    (scan.js, embed-frame.js) instead of switching JavaScript off: the DOM axe checks is then
    the one a browser without JavaScript shows.
    """
    bank = live_server.bank
    token = journey.finish_scan(
        live_server, journey.weak_answers(bank), journey.traject_profile(live_server)
    )
    browsing = open_browsing()
    if not javascript:
        browsing.context.route("**/static/*.js", lambda route: route.abort())
    page = browsing.page
    with axe_reports() as reports:
        for layout, path in (("site", "/scan"), ("embed", "/embed/scan")):
            response = page.goto(f"{browsing.server.url}{path}/{token}/resultaat")
            assert response is not None and response.status == 200
            for region in ("Dit gaat al goed", "Doe dit eerst", "Basisveiligheid", "Per thema"):
                assert page.get_by_role("region", name=region).count() == 1, (layout, region)
            risks = page.locator(".safety-risk")
            assert risks.count() == len(bank.safety), layout
            # Each risk links to its step on the same page.
            for link in page.locator(".safety-risk a").all():
                target = link.get_attribute("href")
                assert target.startswith("#advies-") and page.locator(target).count() == 1
            reports.append(axe_violations(page, f"result page, {layout}, JS {javascript}"))
    browsing.assert_private()


def test_result_and_contact_at_phone_width(open_browsing, live_server, journey, axe_violations):
    bank = live_server.bank
    token = journey.finish_scan(
        live_server, journey.weak_answers(bank), journey.traject_profile(live_server)
    )
    browsing = open_browsing(viewport=PHONE, is_mobile=True, has_touch=True)
    page = browsing.page
    with axe_reports() as reports:
        response = page.goto(f"{browsing.server.url}/scan/{token}/resultaat")
        assert response is not None and response.status == 200
        reports.append(axe_violations(page, "result page at phone width"))
        no_sideways_scrolling(page, "the result page")
        open_every_details(page)
        no_sideways_scrolling(page, "the result page with every details opened")

        response = page.goto(f"{browsing.server.url}/scan/{token}/contact")
        assert response is not None and response.status == 200
        reports.append(axe_violations(page, "contact page at phone width"))
        no_sideways_scrolling(page, "the contact page")
        assert send_contact_form(page, journey, valid=False) == 422
        reports.append(axe_violations(page, "contact page with errors at phone width"))
        no_sideways_scrolling(page, "the contact page with errors")
    browsing.assert_private()


# --- the staff area (/medewerkers) --------------------------------------------------------------


#: A staff e-mail address of a realistic length.
LONG_STAFF_EMAIL = "annemarie.vandenberg@werkplaats-utrecht.nl"


#: The outermost elements that stick out to the right of the viewport, outside any element
#: that scrolls by itself (a table in its scroll region is fine).
STICKING_OUT = """width => {
  const found = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (e.getBoundingClientRect().right <= width + 0.5) continue;
    let inside = false;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible' || found.includes(a)) inside = true;
    }
    if (!inside) found.push(e);
  }
  return found.map(e => {
    const classes = e.classList.length ? '.' + [...e.classList].join('.') : '';
    const right = Math.round(e.getBoundingClientRect().right);
    return e.tagName.toLowerCase() + classes + ' (right edge ' + right + 'px)';
  });
}"""


def sideways_scrolling(page, where: str) -> str | None:
    """Like `no_sideways_scrolling`, but answer a report (or None) and name what sticks out."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width <= PHONE["width"]:
        return None
    culprits = page.evaluate(STICKING_OUT, PHONE["width"])
    return (
        f"{where}: {width}px wide at {PHONE['width']}px (WCAG 1.4.10 reflow); sticking out: "
        + ", ".join(culprits)
    )


def staff_page(page, url: str, status: int = 200) -> None:
    """Open a staff page and check it answered as expected."""
    response = page.goto(url)
    assert response is not None and response.status == status, f"{url}: {response.status}"


def seed_inbox(app) -> dict[str, int]:
    """A few leads in several statuses at Utrecht, one at Fryslân, one in the national queue."""
    return {
        "new": make_lead(app, "utrecht", company="Bakkerij Het Wapen", partner="kvk"),
        "intake": make_lead(app, "utrecht", company="Fietsenmaker Ketting", status="intake"),
        "traject": make_lead(app, "utrecht", company="Kapsalon Krul", status="traject"),
        "fryslan": make_lead(app, "fryslan", company="Smederij Hamer"),
        "queue": make_lead(app, None, company="Drukkerij Pers"),
    }


def test_staff_pages_of_a_medewerker(open_browsing, live_server, journey, axe_violations):
    app = live_server.app
    _, email = make_user(app, "medewerker", "utrecht")
    leads = seed_inbox(app)
    browsing = open_browsing(staff=True)
    page, base = browsing.page, browsing.server.url
    with axe_reports() as reports:
        staff_page(page, base + staff.SIGN_IN)
        reports.append(axe_violations(page, "staff sign-in page"))

        assert staff.sign_in(journey, page, base, email, "fout-wachtwoord").status == 422
        assert page.get_by_role("alert").is_visible()
        reports.append(axe_violations(page, "staff sign-in page with an error"))

        assert staff.sign_in(journey, page, base, email).status == 200
        assert len(staff.lead_links(page)) == 3
        reports.append(axe_violations(page, "inbox of a medewerker"))

        staff_page(page, f"{base}{staff.INBOX}?van=gisteren", 400)
        assert page.get_by_role("alert").is_visible()
        reports.append(axe_violations(page, "inbox with a filter error"))

        staff_page(page, f"{base}{staff.INBOX}/{leads['new']}")
        page.get_by_label("Nieuwe notitie", exact=True).fill("Eerste contact gelegd.")
        assert journey.submit(page, "Voeg notitie toe").status == 200
        reports.append(axe_violations(page, "lead detail with a note"))

        assert journey.submit(page, "Voeg notitie toe").status == 422
        assert page.get_by_role("alert").is_visible()
        reports.append(axe_violations(page, "lead detail with an empty note"))

        staff_page(page, f"{base}{staff.INBOX}/{leads['traject']}")
        reports.append(axe_violations(page, "lead detail in a traject"))

        staff_page(page, f"{base}/medewerkers/cijfers")
        assert page.locator("svg").count() >= 3
        reports.append(axe_violations(page, "dashboard of a medewerker"))
    browsing.assert_private()


def test_staff_pages_of_an_admin(open_browsing, live_server, journey, axe_violations):
    app = live_server.app
    _, email = make_user(app, "admin")
    waiting_id, waiting = make_user(app, "medewerker", "utrecht")
    with database(app).sessions() as session:
        # Sign-in for this account must wait, as after a dozen wrong passwords from somewhere.
        key = account_key(app.config["SECRET_KEY"], waiting)
        session.add(
            SigninDelay(
                key=key,
                account_key=key,
                attempts=12,
                not_before=utcnow() + timedelta(minutes=15),
                updated_at=utcnow(),
            )
        )
        session.commit()
    leads = seed_inbox(app)
    browsing = open_browsing(staff=True)
    page, base = browsing.page, browsing.server.url
    beheer = f"{base}/medewerkers/beheer"
    with axe_reports() as reports:
        assert staff.sign_in(journey, page, base, email).status == 200
        assert len(staff.lead_links(page)) == len(leads)
        reports.append(axe_violations(page, "inbox of an admin"))

        staff_page(page, f"{base}{staff.INBOX}/{leads['queue']}")
        reports.append(axe_violations(page, "lead detail of the national queue (admin)"))

        staff_page(page, f"{base}/medewerkers/cijfers")
        reports.append(axe_violations(page, "dashboard of an admin"))
        staff_page(page, f"{base}/medewerkers/cijfers?werkplaats=bestaat-niet", 400)
        reports.append(axe_violations(page, "dashboard of an admin with an unknown werkplaats"))

        staff_page(page, f"{beheer}/werkplaatsen")
        reports.append(axe_violations(page, "werkplaatsen"))
        staff_page(page, f"{beheer}/werkplaatsen/utrecht")
        reports.append(axe_violations(page, "werkplaats edit"))
        page.get_by_label("Naam", exact=True).fill("")
        page.get_by_label("Breedtegraad", exact=True).fill("99")
        assert journey.submit(page, "Bewaar").status == 422
        assert page.get_by_role("alert").is_visible()
        reports.append(axe_violations(page, "werkplaats edit with errors"))

        staff_page(page, f"{beheer}/accounts")
        assert page.get_by_text("Inloggen moet even wachten").is_visible()
        reports.append(axe_violations(page, "accounts with one whose sign-in waits"))
        staff_page(page, f"{beheer}/accounts/{waiting_id}")
        reports.append(axe_violations(page, "account edit"))
        staff_page(page, f"{beheer}/accounts/nieuw")
        assert journey.submit(page, "Bewaar").status == 422
        assert page.get_by_role("alert").is_visible()
        reports.append(axe_violations(page, "new account with errors"))

        staff_page(page, f"{beheer}/logboek")
        reports.append(axe_violations(page, "audit log"))
    browsing.assert_private()


def test_staff_pages_at_phone_width(open_browsing, live_server, journey, axe_violations):
    app = live_server.app
    # A real address is long; the header shows it next to "Uitloggen".
    _, email = make_user(app, "medewerker", "utrecht", email=LONG_STAFF_EMAIL)
    leads = seed_inbox(app)
    browsing = open_browsing(staff=True, viewport=PHONE, is_mobile=True, has_touch=True)
    page, base = browsing.page, browsing.server.url
    with axe_reports() as reports:
        staff_page(page, base + staff.SIGN_IN)
        reports.append(sideways_scrolling(page, "staff sign-in page"))
        assert staff.sign_in(journey, page, base, email).status == 200
        # The table may scroll inside its own region; the page itself may not.
        assert page.get_by_role("region", name="Aanvragen").is_visible()
        reports.append(axe_violations(page, "inbox at phone width"))
        reports.append(sideways_scrolling(page, "inbox"))
        staff_page(page, f"{base}{staff.INBOX}/{leads['new']}")
        reports.append(axe_violations(page, "lead detail at phone width"))
        reports.append(sideways_scrolling(page, "lead detail"))
        staff_page(page, f"{base}/medewerkers/cijfers")
        reports.append(axe_violations(page, "dashboard at phone width"))
        reports.append(sideways_scrolling(page, "dashboard"))
    browsing.assert_private()
