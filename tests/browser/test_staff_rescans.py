"""axe and reflow on the staff pages that show re-scans: a lead's chain and the dashboard's
re-scan figures, at desktop and phone width."""

from __future__ import annotations

import pytest

from tests.browser import test_staff as staff
from tests.browser.test_accessibility import PHONE, axe_reports, sideways_scrolling, staff_page
from tests.integration.test_staff_rescans import advice_ids, ask_contact, first_scan, rescan
from tests.staff import make_user
from tests.strategies import best_answer, lowest_answer

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_chain_and_rescan_figures(open_browsing, live_server, journey, axe_violations, phone):
    app = live_server.app
    bank = app.extensions["scan.bank"]
    client = app.test_client()
    first = first_scan(client, bank, lowest_answer)
    second = rescan(client, bank, first, lowest_answer, taken=advice_ids(app, first)[:2])
    rescan(client, bank, second, best_answer)
    lead = ask_contact(app, client, first)
    _, email = make_user(app, "medewerker", "utrecht")
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {}
    browsing = open_browsing(staff=True, **options)
    page, base = browsing.page, browsing.server.url
    with axe_reports() as reports:
        assert staff.sign_in(journey, page, base, email).status == 200
        staff_page(page, f"{base}{staff.INBOX}/{lead}")
        assert page.get_by_role("region", name="Scores en veranderingen per scan").is_visible()
        reports.append(axe_violations(page, "lead detail with its chain"))
        staff_page(page, f"{base}/medewerkers/cijfers")
        assert page.get_by_role("region", name="Opgevolgd advies").is_visible()
        reports.append(axe_violations(page, "dashboard with re-scans"))
        staff_page(page, f"{base}/medewerkers/cijfers?van=morgen", 400)
        reports.append(axe_violations(page, "dashboard with a bad period"))
        if phone:
            reports.append(sideways_scrolling(page, "dashboard with re-scans"))
            staff_page(page, f"{base}{staff.INBOX}/{lead}")
            reports.append(sideways_scrolling(page, "lead detail with its chain"))
    browsing.assert_private()
