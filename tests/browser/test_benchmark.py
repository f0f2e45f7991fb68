"""Bedrijven zoals jij in a real browser (issue 18): the strips, their table and the words on
the result page, and the spread on the staff dashboard; axe-checked, with and without
JavaScript, at desktop and phone width.

"Without JavaScript" blocks the page's own scripts, as test_accessibility.py explains.
"""

from __future__ import annotations

import pytest

from tests.browser import test_staff as staff
from tests.browser.test_accessibility import PHONE, axe_reports, sideways_scrolling, staff_page
from tests.browser.test_lead import MAX_PRINTED_PAGES, PDF_PAGE
from tests.peers import FIFTEEN, seed_scans
from tests.staff import make_user

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_comparison_has_its_picture_table_and_words(
    open_browsing, live_server, journey, axe_violations, javascript, phone
):
    bank = live_server.bank
    profile = journey.profile_answers(bank)  # a shop of 2 to 9 people
    seed_scans(live_server.app, profile["sector"], profile["size"], FIFTEEN)
    token = journey.finish_scan(live_server, journey.weak_answers(bank), profile)
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {}
    browsing = open_browsing(**options)
    if not javascript:
        browsing.context.route("**/static/*.js", lambda route: route.abort())
    page = browsing.page
    with axe_reports() as reports:
        page.goto(f"{live_server.url}/scan/{token}/resultaat")
        section = page.get_by_role("region", name="Bedrijven zoals jij", exact=True)
        assert "winkels en andere detailhandel met 2 tot en met 9 mensen" in section.inner_text()
        pictures = section.get_by_role("img")
        assert pictures.count() == len(bank.themes)
        first = bank.themes[0]
        assert section.get_by_role("img", name=f"{first.title}: jij en bedrijven zoals jij")
        table = section.get_by_role("table", name="Bedrijven zoals jij: de cijfers per thema")
        assert table.get_by_role("row").count() == len(bank.themes) + 1
        assert "35 tot 100" in table.inner_text()
        assert "bedrijven zoals jij" in section.locator("figcaption").first.inner_text()
        reports.append(axe_violations(page, "result with the comparison"))
        if phone:
            reports.append(sideways_scrolling(page, "result with the comparison"))
    browsing.assert_private()


def test_below_the_guard_the_page_says_it_follows(
    open_browsing, live_server, journey, axe_violations
):
    bank = live_server.bank
    profile = journey.profile_answers(bank)
    seed_scans(live_server.app, profile["sector"], profile["size"], FIFTEEN[:13])
    token = journey.finish_scan(live_server, journey.weak_answers(bank), profile)
    browsing = open_browsing()
    page = browsing.page
    with axe_reports() as reports:
        page.goto(f"{live_server.url}/scan/{token}/resultaat")
        section = page.get_by_role("region", name="Bedrijven zoals jij", exact=True)
        assert "Die vergelijking volgt als meer" in section.inner_text()
        assert section.get_by_role("img").count() == 0
        assert "Ter vergelijking: landelijke cijfers" in section.inner_text()
        reports.append(axe_violations(page, "result before the comparison"))
    browsing.assert_private()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_dashboard_spread(open_browsing, live_server, journey, axe_violations, phone):
    app = live_server.app
    seed_scans(app, "detailhandel", "micro", FIFTEEN, werkplaats_id="utrecht")
    seed_scans(app, "bouw", "klein", FIFTEEN[:5], werkplaats_id="fryslan")
    _, email = make_user(app, "medewerker", "utrecht")
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {}
    browsing = open_browsing(staff=True, **options)
    page, base = browsing.page, browsing.server.url
    with axe_reports() as reports:
        assert staff.sign_in(journey, page, base, email).status == 200
        staff_page(page, f"{base}/medewerkers/cijfers")
        spread = page.get_by_role("region", name="Spreiding per thema: MKB Werkplaats Utrecht")
        assert "35 tot 100 (midden 70)" in spread.inner_text()
        assert page.get_by_role("img", name="Gegevens en cijfers: spreiding van de scores")
        reports.append(axe_violations(page, "dashboard with the spread"))
        if phone:
            reports.append(sideways_scrolling(page, "dashboard with the spread"))
    browsing.assert_private()


def test_it_is_not_printed_so_a_printed_result_stays_short(open_browsing, live_server, journey):
    bank = live_server.bank
    profile = journey.traject_profile(live_server)
    seed_scans(live_server.app, profile["sector"], profile["size"], FIFTEEN)
    token = journey.finish_scan(live_server, journey.weak_answers(bank), profile)
    browsing = open_browsing()
    page = browsing.page
    page.goto(f"{live_server.url}/scan/{token}/resultaat")
    section = page.get_by_role("region", name="Bedrijven zoals jij", exact=True)
    assert section.is_visible()
    page.emulate_media(media="print")
    assert not section.is_visible()
    pages = len(PDF_PAGE.findall(page.pdf(format="A4")))
    assert 1 <= pages <= MAX_PRINTED_PAGES, pages
    browsing.assert_private()
