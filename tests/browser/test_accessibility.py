"""axe-core finds nothing on any page of the journey, at desktop and at phone width.

axe runs with its default rules, best practices included; no rule is disabled or excluded.
Each test gathers the reports of all its pages and fails once, listing every violation.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

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
            assert page.locator("ol.advice-list > li").count() > 0
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
